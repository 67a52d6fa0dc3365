"""The NumPy operations that layers are made of, each with its gradient rule.

Every op follows the same pattern:

1. take the arrays behind its inputs (`data_of`),
2. compute the output with NumPy,
3. hand `record` a `backward` function that maps the output's gradient to
   one gradient per input.

`record` returns a plain array unless an input is being watched for
gradients, so the same code serves `predict` and `fit`. The table of gradient
rules is this file; nothing else in kerastutor differentiates anything.
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from kerastutor.autodiff import data_of, record, wants_grad

__all__ = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "negative",
    "matmul",
    "conv2d",
    "conv_padding",
    "relu",
    "sigmoid",
    "tanh",
    "softplus",
    "softmax",
    "exp",
    "log",
    "square",
    "sqrt",
    "abs",
    "clip",
    "sum",
    "mean",
    "maximum",
    "reshape",
    "transpose",
    "concatenate",
    "split",
    "take",
    "where",
    "stack",
    "slice_axis",
]


# ---------------------------------------------------------------- arithmetic


def add(a, b):
    out = data_of(a) + data_of(b)
    return record(out, (a, b), lambda g: (g, g), "add")


def subtract(a, b):
    out = data_of(a) - data_of(b)
    return record(out, (a, b), lambda g: (g, -g), "subtract")


def multiply(a, b):
    a_data, b_data = data_of(a), data_of(b)
    out = a_data * b_data
    return record(out, (a, b), lambda g: (g * b_data, g * a_data), "multiply")


def divide(a, b):
    a_data, b_data = data_of(a), data_of(b)
    out = a_data / b_data
    return record(out, (a, b), lambda g: (g / b_data, -g * out / b_data), "divide")


def negative(a):
    return record(-data_of(a), (a,), lambda g: (-g,), "negative")


def matmul(x, w):
    """`x @ w` for `x` of any rank >= 1 and a 2-D `w` (Dense's kernel).

    The last axis of `x` meets the rows of `w`; every other axis of `x` is
    carried along, which is why a Dense layer works on (batch, timesteps, dim).
    """
    x_data, w_data = data_of(x), data_of(w)
    out = np.matmul(x_data, w_data)

    def backward(g):
        grad_x = grad_w = None
        if wants_grad(x):
            grad_x = np.matmul(g, w_data.T)
        if wants_grad(w):
            flat_x = x_data.reshape(-1, x_data.shape[-1])
            grad_w = flat_x.T @ g.reshape(-1, g.shape[-1])
        return grad_x, grad_w

    return record(out, (x, w), backward, "matmul")


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


# ---------------------------------------------------------------- elementwise


def relu(x):
    x_data = data_of(x)
    out = np.maximum(x_data, 0)
    return record(out, (x,), lambda g: (g * (x_data > 0),), "relu")


def _stable_sigmoid(x):
    # exp(-|x|) never overflows, so this is safe for large |x| in float32.
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype, copy=False)


def sigmoid(x):
    out = _stable_sigmoid(data_of(x))
    return record(out, (x,), lambda g: (g * out * (1 - out),), "sigmoid")


def tanh(x):
    out = np.tanh(data_of(x))
    return record(out, (x,), lambda g: (g * (1 - out * out),), "tanh")


def softplus(x):
    """log(1 + exp(x)), computed without overflow; its gradient is sigmoid(x).

    Losses use it for `from_logits=True`: log(sigmoid(x)) = -softplus(-x).
    """
    x_data = data_of(x)
    # max(x, 0) + log1p(exp(-|x|)) equals log(1 + exp(x)) and never overflows.
    out = np.maximum(x_data, 0) + np.log1p(np.exp(-np.abs(x_data)))
    return record(out, (x,), lambda g: (g * _stable_sigmoid(x_data),), "softplus")


def softmax(x, axis=-1):
    x_data = data_of(x)
    shifted = np.exp(x_data - x_data.max(axis=axis, keepdims=True))
    out = shifted / shifted.sum(axis=axis, keepdims=True)

    def backward(g):
        return (out * (g - (g * out).sum(axis=axis, keepdims=True)),)

    return record(out, (x,), backward, "softmax")


def exp(x):
    out = np.exp(data_of(x))
    return record(out, (x,), lambda g: (g * out,), "exp")


def log(x):
    x_data = data_of(x)
    return record(np.log(x_data), (x,), lambda g: (g / x_data,), "log")


def square(x):
    x_data = data_of(x)
    return record(x_data * x_data, (x,), lambda g: (2 * g * x_data,), "square")


def sqrt(x):
    out = np.sqrt(data_of(x))
    return record(out, (x,), lambda g: (g / (2 * out),), "sqrt")


def abs(x):  # noqa: A001 - mirrors numpy's name
    x_data = data_of(x)
    return record(np.abs(x_data), (x,), lambda g: (g * np.sign(x_data),), "abs")


def clip(x, low, high):
    """Clip to [low, high]; the gradient is zero where the value was clipped."""
    x_data = data_of(x)
    out = np.clip(x_data, low, high)
    inside = (x_data >= low) & (x_data <= high)
    return record(out, (x,), lambda g: (g * inside,), "clip")


def maximum(a, b):
    a_data, b_data = data_of(a), data_of(b)
    out = np.maximum(a_data, b_data)
    a_wins = a_data >= b_data
    return record(out, (a, b), lambda g: (g * a_wins, g * ~a_wins), "maximum")


def where(condition, a, b):
    """Pick from `a` where `condition` holds, else from `b` (masking uses this)."""
    condition = data_of(condition)
    out = np.where(condition, data_of(a), data_of(b))
    return record(out, (a, b), lambda g: (g * condition, g * ~condition), "where")


# ---------------------------------------------------------------- reductions


def _expand_reduced(g, shape, axis, keepdims):
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, shape)


def sum(x, axis=None, keepdims=False):  # noqa: A001 - mirrors numpy's name
    x_data = data_of(x)
    out = np.asarray(x_data.sum(axis=axis, keepdims=keepdims))

    def backward(g):
        return (_expand_reduced(g, x_data.shape, axis, keepdims),)

    return record(out, (x,), backward, "sum")


def mean(x, axis=None, keepdims=False):
    x_data = data_of(x)
    out = np.asarray(x_data.mean(axis=axis, keepdims=keepdims))
    count = x_data.size / max(out.size, 1)

    def backward(g):
        return (_expand_reduced(g / count, x_data.shape, axis, keepdims),)

    return record(out, (x,), backward, "mean")


# ---------------------------------------------------------------- shapes


def reshape(x, shape):
    x_data = data_of(x)
    out = x_data.reshape(shape)
    return record(out, (x,), lambda g: (g.reshape(x_data.shape),), "reshape")


def transpose(x, axes=None):
    out = np.transpose(data_of(x), axes)
    inverse = None if axes is None else np.argsort(axes)
    return record(out, (x,), lambda g: (np.transpose(g, inverse),), "transpose")


def concatenate(tensors, axis=-1):
    arrays = [data_of(t) for t in tensors]
    out = np.concatenate(arrays, axis=axis)
    boundaries = np.cumsum([a.shape[axis] for a in arrays])[:-1]

    def backward(g):
        return tuple(np.split(g, boundaries, axis=axis))

    return record(out, tuple(tensors), backward, "concatenate")


def split(x, sizes, axis=-1):
    """Cut `x` along `axis` into pieces of the given sizes (LSTM gates use this)."""
    pieces = []
    start = 0
    for size in sizes:
        pieces.append(slice_axis(x, start, start + size, axis))
        start += size
    return pieces


def slice_axis(x, start, stop, axis=-1):
    """`x[..., start:stop, ...]` along one axis."""
    x_data = data_of(x)
    index = [slice(None)] * x_data.ndim
    index[axis] = slice(start, stop)
    index = tuple(index)
    out = x_data[index]

    def backward(g):
        grad = np.zeros_like(x_data, dtype=g.dtype)
        grad[index] = g
        return (grad,)

    return record(out, (x,), backward, "slice_axis")


def stack(tensors, axis=0):
    out = np.stack([data_of(t) for t in tensors], axis=axis)

    def backward(g):
        return tuple(np.moveaxis(g, axis, 0))

    return record(out, tuple(tensors), backward, "stack")


def take(params, indices):
    """Rows of `params` picked by integer `indices`: the Embedding lookup.

    The gradient adds each output row's gradient back into the row it was
    read from; a row read twice collects both gradients.
    """
    params_data = data_of(params)
    indices = data_of(indices)
    out = np.take(params_data, indices, axis=0)

    def backward(g):
        grad = np.zeros_like(params_data, dtype=g.dtype)
        np.add.at(grad, indices.reshape(-1), g.reshape(-1, *params_data.shape[1:]))
        return (grad,)

    return record(out, (params,), backward, "take")
