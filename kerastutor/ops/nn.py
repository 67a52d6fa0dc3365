"""Neural-network operations (Keras's `keras.ops.nn`): convolution and activations.

The same pattern as `kerastutor.ops.numpy`: NumPy forward, a `backward`
handed to `record`.
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from kerastutor.autodiff import data_of, record, symbolic_aware, wants_grad
from kerastutor.ops.core import float_data_of

__all__ = ["conv_padding", "conv2d", "relu", "sigmoid", "softplus", "softmax"]


# ---------------------------------------------------------------- convolution


def conv_padding(length, kernel_size, stride, padding):
    """Zeros added (before, after) along one spatial axis, as TensorFlow pads.

    'valid' adds none: the window only visits positions where it fits whole.
    'same' adds just enough for ceil(length / stride) outputs: a total of
    max((ceil(length / stride) - 1) * stride + kernel_size - length, 0), with
    the odd one out going after (bottom/right), exactly as Keras does.
    """
    if padding == "valid":
        return 0, 0
    if padding != "same":
        raise ValueError(f"`padding` must be 'valid' or 'same', received {padding!r}.")
    out_length = math.ceil(length / stride)
    total = max((out_length - 1) * stride + kernel_size - length, 0)
    return total // 2, total - total // 2


@symbolic_aware
def conv2d(x, kernel, strides=(1, 1), padding="valid"):
    """2-D convolution of channels-last images, as one matrix product (im2col).

    Like Keras (and every deep-learning library) this is a cross-correlation:
    the kernel is not flipped. Each output pixel is the dot product of one
    kernel-sized window of the (padded) input with each filter.

    Args:
        x: images of shape (batch, height, width, in_channels).
        kernel: shape (kernel_height, kernel_width, in_channels, filters).
        strides: (row step, column step) between windows.
        padding: 'valid' or 'same' (see `conv_padding`).

    Returns:
        shape (batch, out_height, out_width, filters).

    How: `sliding_window_view` lists every window without copying; laying the
    windows out as rows of a matrix `patches` ((batch * out_height *
    out_width) x (kh * kw * in_channels)) turns the convolution into
    `patches @ kernel.reshape(kh * kw * in_channels, filters)`. The gradient
    runs the same mapping backwards: the kernel's gradient is `patches.T @ g`,
    and each window's gradient is added back onto the pixels it was read from.
    """
    x_data, kernel_data = data_of(x), data_of(kernel)
    batch, height, width, channels = x_data.shape
    kernel_h, kernel_w, _, filters = kernel_data.shape
    stride_h, stride_w = strides
    top, bottom = conv_padding(height, kernel_h, stride_h, padding)
    left, right = conv_padding(width, kernel_w, stride_w, padding)
    padded = np.pad(x_data, ((0, 0), (top, bottom), (left, right), (0, 0)))

    # Every kernel-sized window (a view, no copy), then keep one every `stride`:
    # shape (batch, out_h, out_w, channels, kernel_h, kernel_w).
    windows = sliding_window_view(padded, (kernel_h, kernel_w), axis=(1, 2))
    windows = windows[:, ::stride_h, ::stride_w]
    out_h, out_w = windows.shape[1], windows.shape[2]
    # One row per output pixel, its numbers in the kernel's (kh, kw, channels) order.
    patches = windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, kernel_h * kernel_w * channels)
    flat_kernel = kernel_data.reshape(-1, filters)
    out = (patches @ flat_kernel).reshape(batch, out_h, out_w, filters)

    def backward(g):
        g_rows = g.reshape(-1, filters)
        grad_kernel = (patches.T @ g_rows).reshape(kernel_data.shape)
        if not wants_grad(x):
            return None, grad_kernel
        grad_windows = (g_rows @ flat_kernel.T).reshape(
            batch, out_h, out_w, kernel_h, kernel_w, channels
        )
        # Kernel offsets first, so that each offset's gradients are one contiguous block.
        grad_windows = np.ascontiguousarray(grad_windows.transpose(3, 4, 0, 1, 2, 5))
        # Kernel offset (i, j) read the pixels padded[:, i::stride_h, j::stride_w]
        # (out_h x out_w of them): send each window's gradient back there.
        grad_padded = np.zeros(padded.shape, dtype=g.dtype)
        for i in range(kernel_h):
            for j in range(kernel_w):
                rows = slice(i, i + stride_h * out_h, stride_h)
                cols = slice(j, j + stride_w * out_w, stride_w)
                grad_padded[:, rows, cols, :] += grad_windows[i, j]
        grad_x = grad_padded[:, top : top + height, left : left + width, :]
        return grad_x, grad_kernel

    return record(out, (x, kernel), backward, "conv2d")


# ---------------------------------------------------------------- activations


@symbolic_aware
def relu(x):
    x_data = data_of(x)
    out = np.maximum(x_data, 0)
    return record(out, (x,), lambda g: (g * (x_data > 0),), "relu")


def _stable_sigmoid(x):
    # exp(-|x|) never overflows, so this is safe for large |x| in float32.
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype, copy=False)


@symbolic_aware
def sigmoid(x):
    out = _stable_sigmoid(data_of(x))
    return record(out, (x,), lambda g: (g * out * (1 - out),), "sigmoid")


@symbolic_aware
def softplus(x):
    """log(1 + exp(x)), computed without overflow; its gradient is sigmoid(x).

    Losses use it for `from_logits=True`: log(sigmoid(x)) = -softplus(-x).
    """
    x_data = data_of(x)
    # max(x, 0) + log1p(exp(-|x|)) equals log(1 + exp(x)) and never overflows.
    out = np.maximum(x_data, 0) + np.log1p(np.exp(-np.abs(x_data)))
    return record(out, (x,), lambda g: (g * _stable_sigmoid(x_data),), "softplus")


@symbolic_aware
def softmax(x, axis=-1):
    x_data = data_of(x)
    shifted = np.exp(x_data - x_data.max(axis=axis, keepdims=True))
    out = shifted / shifted.sum(axis=axis, keepdims=True)

    def backward(g):
        return (out * (g - (g * out).sum(axis=axis, keepdims=True)),)

    return record(out, (x,), backward, "softmax")


# The activations learners meet beyond relu and sigmoid, as keras.ops has them.
# Integer inputs give float32, as in Keras.

__all__ += [
    "gelu",
    "silu",
    "swish",
    "elu",
    "selu",
    "leaky_relu",
    "softsign",
    "hard_sigmoid",
    "log_softmax",
    "relu6",
    "hard_silu",
    "hard_swish",
    "log_sigmoid",
]

_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_vectorized_erf = np.vectorize(math.erf, otypes=[np.float64])


@symbolic_aware
def gelu(x, approximate=True):
    """Gaussian error linear unit: x * Phi(x), Phi the standard normal CDF.

    `approximate=True` (keras.ops's default; `keras.activations.gelu`
    defaults to False) uses the tanh formula of the GELU paper::

        0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))

    `approximate=False` uses the exact Phi(x) = (1 + erf(x / sqrt(2))) / 2.
    """
    x_data = float_data_of(x)
    if approximate:
        inner = _SQRT_2_OVER_PI * (x_data + 0.044715 * x_data**3)
        t = np.tanh(inner)
        out = 0.5 * x_data * (1 + t)

        def slope():
            d_inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x_data**2)
            return 0.5 * (1 + t) + 0.5 * x_data * (1 - t * t) * d_inner

    else:
        cdf = 0.5 * (1 + _vectorized_erf(x_data / math.sqrt(2)))
        out = x_data * cdf

        def slope():
            pdf = np.exp(-0.5 * x_data**2) / math.sqrt(2 * math.pi)
            return cdf + x_data * pdf

    out = out.astype(x_data.dtype, copy=False)
    return record(out, (x,), lambda g: (g * slope(),), "gelu")


@symbolic_aware
def silu(x):
    """x * sigmoid(x) (also called swish); its slope is s * (1 + x * (1 - s))."""
    x_data = float_data_of(x)
    s = _stable_sigmoid(x_data)
    out = x_data * s
    return record(out, (x,), lambda g: (g * s * (1 + x_data * (1 - s)),), "silu")


swish = silu


@symbolic_aware
def elu(x, alpha=1.0):
    """x where x >= 0, alpha * (exp(x) - 1) below; the slope below is alpha * exp(x)."""
    x_data = float_data_of(x)
    below = alpha * np.expm1(x_data)
    out = np.where(x_data >= 0, x_data, below).astype(x_data.dtype, copy=False)
    slope = np.where(x_data >= 0, 1.0, below + alpha)
    return record(out, (x,), lambda g: (g * slope,), "elu")


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@symbolic_aware
def selu(x):
    """scale * elu(x, alpha) with the self-normalizing constants (scale 1.0507, alpha 1.6733)."""
    x_data = float_data_of(x)
    below = _SELU_ALPHA * np.expm1(x_data)
    out = (_SELU_SCALE * np.where(x_data >= 0, x_data, below)).astype(x_data.dtype, copy=False)
    slope = _SELU_SCALE * np.where(x_data >= 0, 1.0, below + _SELU_ALPHA)
    return record(out, (x,), lambda g: (g * slope,), "selu")


@symbolic_aware
def leaky_relu(x, negative_slope=0.2):
    """max(x, negative_slope * x): negative inputs keep a small slope (0.2 in Keras 3)."""
    x_data = float_data_of(x)
    out = np.maximum(x_data, negative_slope * x_data).astype(x_data.dtype, copy=False)
    slope = np.where(x_data >= negative_slope * x_data, 1.0, negative_slope)
    return record(out, (x,), lambda g: (g * slope,), "leaky_relu")


@symbolic_aware
def softsign(x):
    """x / (1 + |x|), a slower-saturating tanh; its slope is 1 / (1 + |x|)**2."""
    x_data = float_data_of(x)
    denominator = 1 + np.abs(x_data)
    out = x_data / denominator
    return record(out, (x,), lambda g: (g / denominator**2,), "softsign")


@symbolic_aware
def hard_sigmoid(x):
    """clip(x / 6 + 0.5, 0, 1) as Keras 3 computes it (Keras 2 used 0.2 * x + 0.5).

    A straight line from 0 at x = -3 to 1 at x = 3; the slope is 1/6 in
    between and 0 outside.
    """
    x_data = float_data_of(x)
    line = x_data / 6 + 0.5
    out = np.clip(line, 0, 1).astype(x_data.dtype, copy=False)
    inside = (line > 0) & (line < 1)
    return record(out, (x,), lambda g: (g * inside / 6,), "hard_sigmoid")


@symbolic_aware
def log_softmax(x, axis=-1):
    """log(softmax(x)) = x - max - log(sum(exp(x - max))), without log(0) for tiny probabilities.

    The gradient is g - softmax(x) * sum(g) along `axis`.
    """
    x_data = float_data_of(x)
    shifted = x_data - x_data.max(axis=axis, keepdims=True)
    out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

    def backward(g):
        return (g - np.exp(out) * g.sum(axis=axis, keepdims=True),)

    return record(out, (x,), backward, "log_softmax")


@symbolic_aware
def relu6(x):
    """min(max(x, 0), 6): relu capped at 6 (MobileNet's); the slope is 1 on (0, 6), else 0."""
    x_data = data_of(x)
    out = np.minimum(np.maximum(x_data, 0), 6)
    inside = (x_data > 0) & (x_data < 6)
    return record(out, (x,), lambda g: (g * inside,), "relu6")


@symbolic_aware
def hard_silu(x):
    """x * hard_sigmoid(x) (also called hard_swish): 0 below -3, x above 3, a parabola between."""
    x_data = float_data_of(x)
    line = x_data / 6 + 0.5
    gate = np.clip(line, 0, 1)
    out = (x_data * gate).astype(x_data.dtype, copy=False)
    # d/dx [x * gate] = gate + x * gate', and gate' is 1/6 where the line is inside (0, 1).
    slope = gate + x_data * ((line > 0) & (line < 1)) / 6
    return record(out, (x,), lambda g: (g * slope,), "hard_silu")


hard_swish = hard_silu


@symbolic_aware
def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), without log(0) for very negative x; slope 1 - sigmoid(x)."""
    x_data = float_data_of(x)
    out = -(np.maximum(-x_data, 0) + np.log1p(np.exp(-np.abs(x_data))))
    return record(out, (x,), lambda g: (g * _stable_sigmoid(-x_data),), "log_sigmoid")
