"""Neural-network operations (Keras's `keras.ops.nn`): convolution, pooling, activations.

The same pattern as `kerastutor.ops.numpy`: NumPy forward, a `backward`
handed to `record`.
"""

import contextlib
import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from kerastutor.autodiff import data_of, record, symbolic_aware, wants_grad
from kerastutor.ops.core import float_data_of
from kerastutor.ops.freed_memory import keep_freed_memory
from kerastutor.ops.numpy import reshape
from kerastutor.ops.threads import on_every_core, worker_cores

__all__ = [
    "conv_padding",
    "conv_output_length",
    "conv_transpose_output_length",
    "conv",
    "conv2d",
    "conv_bias_relu",
    "depthwise_conv",
    "separable_conv",
    "conv_transpose",
    "max_pool",
    "average_pool",
    "relu",
    "sigmoid",
    "softplus",
    "softmax",
]


# ---------------------------------------------------------------- fast kernels
#
# Three computations below have a plain version, the one to read first, and a
# fast path for the common case written beside it, computing the same numbers
# with fewer NumPy operations and fewer full-size arrays: `max_pool` when the
# windows tile the input, `conv` without groups (`_conv_in_chunks`), and a
# Conv layer's whole call, relu(conv + bias) (`conv_bias_relu`, used by
# `BaseConv.call`). The fast paths of `conv` and `max_pool` split the batch
# into chunks of a few images and run them on every core (`on_every_core`).
# The fast paths are on by default; `fast_kernels(False)` runs the plain
# versions, and tests/test_conv_fast.py checks that both give the same numbers
# (to float32 rounding, where a product sums in another order).

_FAST_KERNELS = {"enabled": True}


@contextlib.contextmanager
def fast_kernels(enabled):
    """Run the convolution and pooling kernels with (True) or without (False) their fast paths.

    Example:
        >>> import numpy as np
        >>> from kerastutor.ops.nn import fast_kernels, max_pool
        >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
        >>> with fast_kernels(False):  # the plain window-by-window loop
        ...     plain = max_pool(x, 2)
        >>> bool(np.array_equal(max_pool(x, 2), plain))
        True
    """
    previous = _FAST_KERNELS["enabled"]
    _FAST_KERNELS["enabled"] = bool(enabled)
    try:
        yield
    finally:
        _FAST_KERNELS["enabled"] = previous


def fast_kernels_enabled():
    return _FAST_KERNELS["enabled"]


# About this many bytes of input per task (`_image_chunks`): a chunk of images
# whose arrays stay in a core's cache from one step of the task to the next.
_CHUNK_BYTES = 4 * 2**20


def _image_chunks(batch, bytes_per_image):
    """Slices of the batch axis, about _CHUNK_BYTES each, as many for every core and equal in size.

    A multiple of the cores' count of equal chunks, so that no core is left
    idle at the end (a batch of 64 in chunks of 21 images would give 21, 21,
    21 and 1: the second core idle for a third of the time).
    """
    cores = worker_cores()
    most_per_chunk = max(1, _CHUNK_BYTES // max(1, bytes_per_image))
    count = cores * max(1, math.ceil(math.ceil(batch / most_per_chunk) / cores))
    per_chunk = max(1, math.ceil(batch / count))
    return [slice(start, start + per_chunk) for start in range(0, batch, per_chunk)]


# ---------------------------------------------------------------- convolution
#
# Every op in this section slides a window over the spatial axes (1 for
# sequences, 2 for images) of a channels-last input. They share one idea:
# kernel offset `o` (a position inside the window, (i, j) for an image) reads
# the input pixels `padded[window_slices(o)]`, one per output position, a
# strided slice of the input. A convolution is the sum over offsets of that
# slice times the kernel's numbers at `o`; pooling is their maximum or mean;
# each gradient sends the output's gradient back through the same slices.


def _tuple(value, rank, argument):
    """`value` as a tuple of `rank` positive integers (an int is repeated)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (int(value),) * rank
    value = tuple(value)
    if len(value) != rank or not all(isinstance(v, (int, np.integer)) and v > 0 for v in value):
        raise ValueError(
            f"`{argument}` must be a positive integer or a tuple of {rank} positive integers, "
            f"received {value!r}."
        )
    return value


def conv_padding(length, kernel_size, stride, padding, dilation_rate=1):
    """Zeros added (before, after) along one spatial axis, as TensorFlow pads.

    The window spans `dilation_rate * (kernel_size - 1) + 1` inputs (a
    dilated kernel skips `dilation_rate - 1` inputs between its taps).

    'valid' adds none: the window only visits positions where it fits whole.
    'same' adds just enough for ceil(length / stride) outputs: a total of
    max((ceil(length / stride) - 1) * stride + span - length, 0), with the
    odd one out going after (bottom/right), exactly as Keras does.
    'causal' (sequences only) adds span - 1 zeros before the start, so
    output t only sees inputs up to t.
    """
    span = dilation_rate * (kernel_size - 1) + 1
    if padding == "valid":
        return 0, 0
    if padding == "causal":
        return span - 1, 0
    if padding != "same":
        raise ValueError(f"`padding` must be 'valid', 'same' or 'causal', received {padding!r}.")
    out_length = math.ceil(length / stride)
    total = max((out_length - 1) * stride + span - length, 0)
    return total // 2, total - total // 2


def conv_output_length(length, kernel_size, stride, padding, dilation_rate=1):
    """How many window positions fit along one axis (None stays None).

    The one rule behind the output shape of every convolution and pooling
    layer: 'same' and 'causal' give ceil(length / stride); 'valid' gives
    floor((length - span) / stride) + 1 where span = dilation_rate *
    (kernel_size - 1) + 1, or 0 when the window does not fit at all.

    Example:
        >>> conv_output_length(32, 3, 1, "valid")
        30
        >>> conv_output_length(7, 3, 2, "same")
        4
    """
    if length is None:
        return None
    if padding not in ("valid", "same", "causal"):
        raise ValueError(f"`padding` must be 'valid', 'same' or 'causal', received {padding!r}.")
    if padding in ("same", "causal"):
        return math.ceil(length / stride)
    span = dilation_rate * (kernel_size - 1) + 1
    if length < span:
        return 0
    return (length - span) // stride + 1


def conv_transpose_output_length(
    length, kernel_size, stride, padding, output_padding=None, dilation_rate=1
):
    """Output length of a transposed convolution along one axis, as Keras computes it.

    A transposed convolution undoes the shape change of the convolution with
    the same arguments: 'same' multiplies the length by the stride; 'valid'
    gives (length - 1) * stride + max(span, stride). `output_padding` picks
    one of the lengths that the forward convolution would map back to
    `length`: (length - 1) * stride + span + output_padding for 'valid',
    (length - 1) * stride + span % 2 + output_padding for 'same'.
    """
    if length is None:
        return None
    span = dilation_rate * (kernel_size - 1) + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (length - 1) * stride + span + extra
    if output_padding is None:
        return length * stride
    return (length - 1) * stride + span % 2 + output_padding


def _window_slices(offset, dilation_rate, strides, out_sizes):
    """The slices of the padded input that kernel offset `offset` reads.

    Offset o along an axis reads inputs o * dilation, o * dilation + stride,
    ..., one for each of the `out_size` output positions.
    """
    return (slice(None),) + tuple(
        slice(o * d, o * d + s * (n - 1) + 1, s)
        for o, d, s, n in zip(offset, dilation_rate, strides, out_sizes, strict=True)
    )


def _kernel_offsets(kernel_size):
    """Every position inside the window, in the kernel's row-major order."""
    return itertools.product(*(range(k) for k in kernel_size))


def _pad_spatial(x, pads, value=0.0):
    if not any(before or after for before, after in pads):
        return x  # 'valid': nothing to add, and no copy of the input
    return np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=value)


def _unpad_spatial(padded, pads, sizes):
    return padded[(slice(None),) + tuple(slice(p[0], p[0] + n) for p, n in zip(pads, sizes))]


def _windows(padded, kernel_size, strides, dilation_rate):
    """Every window of the padded input, as a view (no copy).

    Shape (batch, *out_positions, channels, *kernel_size): entry
    [b, *position, c, *offset] is channel c of the pixel that kernel offset
    `offset` sees at output `position`. `sliding_window_view` lists every
    window; the strides keep every s-th one and the dilation every d-th tap.
    """
    rank = padded.ndim - 2
    spans = [d * (k - 1) + 1 for k, d in zip(kernel_size, dilation_rate, strict=True)]
    windows = sliding_window_view(padded, spans, axis=tuple(range(1, rank + 1)))
    windows = windows[(slice(None), *(slice(None, None, s) for s in strides), slice(None))]
    return windows[(Ellipsis, *(slice(None, None, d) for d in dilation_rate))]


def _patch_view(padded, kernel_size, strides, dilation_rate):
    """Every output position's window, (offset, channel) last: a view (no copy).

    Shape (batch, *out_positions, *kernel_size, channels): entry
    [b, *position, *offset, c] is channel c of the pixel that kernel offset
    `offset` sees at output `position`.
    """
    rank = padded.ndim - 2
    windows = _windows(padded, kernel_size, strides, dilation_rate)
    # Channels last, after the offsets, so that a row reads (offset, channel) in kernel order.
    return np.moveaxis(windows, rank + 1, -1)


def _patches(padded, kernel_size, strides, dilation_rate):
    """Every output position's window as one row: shape (positions, offsets, channels).

    Row r, entry (o, c) is channel c of the input pixel that kernel offset o
    sees at output position r: taps(o) for all offsets side by side
    ("im2col"), copied once into one array.
    """
    view = _patch_view(padded, kernel_size, strides, dilation_rate)
    return view.reshape(-1, math.prod(kernel_size), padded.shape[-1])


@symbolic_aware
def conv(x, kernel, strides=1, padding="valid", dilation_rate=1):
    """N-D convolution of channels-last inputs (Keras's `keras.ops.conv`).

    Like Keras (and every deep-learning library) this is a cross-correlation:
    the kernel is not flipped. With one spatial axis it convolves sequences
    (Conv1D), with two, images (Conv2D).

    Args:
        x: shape (batch, *spatial, in_channels), e.g. (batch, height, width, in_channels).
        kernel: shape (*kernel_size, in_channels // groups, filters). When the
            kernel has fewer input channels than `x`, the channels are split
            into groups = in_channels // kernel.shape[-2] groups, each
            convolved with its own filters // groups filters (Keras's `groups`).
        strides: an int or one int per spatial axis: the step between windows.
        padding: 'valid', 'same' or (one spatial axis) 'causal'; see `conv_padding`.
        dilation_rate: an int or one int per axis: the gap between kernel taps.

    Returns:
        shape (batch, *out_spatial, filters).

    How: for each kernel offset o (a position inside the window),
    `taps(o) = padded[window_slices(o)]` holds the input pixel that o sees
    at every output position, so

        output = sum over offsets o of  taps(o) @ kernel[o]

    Laying the taps of all offsets side by side (`_patches`) makes that sum
    one matrix product, patches @ kernel. The gradient runs it backwards:
    grad kernel = patches.T @ g, and for each offset, grad taps(o) =
    g @ kernel[o].T is added back onto the pixels taps(o) was read from.
    (Unless `fast_kernels(False)`, all this runs a chunk of images per task,
    on every core: `_conv_in_chunks`.)
    """
    out, backward = _conv_forward(x, kernel, strides, padding, dilation_rate)
    return record(out, (x, kernel), lambda g: backward(g)[:2], "conv")


def _conv_forward(x, kernel, strides, padding, dilation_rate, bias=None, relu=False):
    """relu(conv(x, kernel) + bias), not yet recorded, and its backward pass.

    `bias` None adds nothing, `relu` False applies nothing: `conv` itself.
    The bias is added and the relu applied in place on the convolution's
    fresh output (nobody else holds it yet).

    Returns:
        out, and backward(g) -> (grad x, grad kernel, grad bias or None).
    """
    keep_freed_memory()  # once: the next steps reuse this step's memory (see freed_memory.py)
    x_data, kernel_data = data_of(x), data_of(kernel)
    rank = x_data.ndim - 2
    kernel_size, (group_channels, filters) = kernel_data.shape[:rank], kernel_data.shape[rank:]
    channels = x_data.shape[-1]
    if channels % group_channels or filters % (channels // group_channels):
        raise ValueError(
            f"conv: the input has {channels} channels, but the kernel of shape "
            f"{kernel_data.shape} expects a multiple of {group_channels} (one group of "
            f"{group_channels} channels per group) and {filters} filters must split evenly "
            "between the groups."
        )
    groups = channels // group_channels
    strides = _tuple(strides, rank, "strides")
    dilation_rate = _tuple(dilation_rate, rank, "dilation_rate")
    sizes = x_data.shape[1:-1]
    pads = [
        conv_padding(n, k, s, padding, d)
        for n, k, s, d in zip(sizes, kernel_size, strides, dilation_rate, strict=True)
    ]
    padded = _pad_spatial(x_data, pads)
    out_sizes = [
        conv_output_length(n, k, s, padding, d)
        for n, k, s, d in zip(sizes, kernel_size, strides, dilation_rate, strict=True)
    ]
    fast = fast_kernels_enabled() and groups == 1 and padded.dtype == kernel_data.dtype
    if fast and padded.shape[0] > 0:
        out, chunks_backward = _conv_in_chunks(
            padded, kernel_data, strides, dilation_rate, out_sizes, bias, relu
        )

        def fast_backward(g):
            grad_padded, grad_kernel, grad_bias = chunks_backward(g, wants_grad(x))
            if grad_padded is not None:
                grad_padded = _unpad_spatial(grad_padded, pads, sizes)
            return grad_padded, grad_kernel, grad_bias

        return out, fast_backward
    # One row per output position: (positions, offsets, channels).
    patches = _patches(padded, kernel_size, strides, dilation_rate)
    positions, offsets = patches.shape[:2]
    flat_kernel = kernel_data.reshape(offsets, group_channels, filters)
    if groups == 1:
        out = patches.reshape(positions, offsets * channels) @ flat_kernel.reshape(-1, filters)
    else:
        # Group g: its channels [g*c, (g+1)*c) times its filters [g*f, (g+1)*f).
        out = np.einsum(
            "pogc,ocgf->pgf",
            patches.reshape(positions, offsets, groups, group_channels),
            flat_kernel.reshape(offsets, group_channels, groups, filters // groups),
        )
    out = out.reshape(x_data.shape[0], *out_sizes, filters)
    if bias is not None:
        out += bias
    if relu:
        np.maximum(out, 0, out=out)

    def backward(g):
        if relu:
            g = g * (out > 0)  # relu's slope: 1 where it let the value through, else 0
        # The bias was added at every output position.
        grad_bias = None if bias is None else g.sum(axis=tuple(range(g.ndim - 1)))
        g_rows = g.reshape(positions, filters)
        if groups == 1:
            grad_kernel = patches.reshape(positions, offsets * channels).T @ g_rows
        else:
            grad_kernel = np.einsum(
                "pogc,pgf->ocgf",
                patches.reshape(positions, offsets, groups, group_channels),
                g_rows.reshape(positions, groups, filters // groups),
            )
        grad_kernel = grad_kernel.reshape(kernel_data.shape)
        if not wants_grad(x):
            return None, grad_kernel, grad_bias
        # One kernel offset at a time, so no (positions x offsets x channels)
        # array is ever made: grad taps(o) = g @ kernel[o].T, added back where
        # taps(o) was read.
        grad_padded = np.zeros(padded.shape, g.dtype)
        for offset in _kernel_offsets(kernel_size):
            window = _window_slices(offset, dilation_rate, strides, out_sizes)
            if groups == 1:
                grad_taps = g_rows @ kernel_data[offset].T
            else:
                grad_taps = np.einsum(
                    "pgf,cgf->pgc",
                    g_rows.reshape(positions, groups, filters // groups),
                    kernel_data[offset].reshape(group_channels, groups, filters // groups),
                )
            grad_padded[window] += grad_taps.reshape(grad_padded[window].shape)
        return _unpad_spatial(grad_padded, pads, sizes), grad_kernel, grad_bias

    return out, backward


def _conv_in_chunks(padded, kernel_data, strides, dilation_rate, out_sizes, bias, relu):
    """`_conv_forward` of a padded input, groups == 1, a chunk of images per task: the fast path.

    The plain code's steps, patches @ kernel (+ bias, relu) forward, then
    (the relu's mask, the bias's sum) patches.T @ g and the offset loop
    backward, computed for a few images at a time, the tasks shared among
    one thread per core (`on_every_core`), each calling BLAS on one
    thread. NumPy lets other threads run while it copies and adds, so the
    copies into the patch matrix and the additions of the input gradient
    run on every core too, where one whole-batch product in a multithreaded
    BLAS speeds up the product only (and its threads spin, waiting for each
    other, when other programs hold the cores). Each chunk's arrays stay in
    the core's cache from one step of its task to the next.

    Returns:
        out, shape (batch, *out_sizes, filters), and backward(g, input_grad)
        -> (grad padded or None, grad kernel, grad bias or None), the
        kernel's and the bias's gradients summed over the tasks in order.
    """
    rank = padded.ndim - 2
    kernel_size, filters = kernel_data.shape[:rank], kernel_data.shape[-1]
    batch, row_length = padded.shape[0], kernel_data[..., 0].size  # offsets * channels
    flat_kernel = kernel_data.reshape(row_length, filters)
    patches = np.empty((batch, *out_sizes, *kernel_size, padded.shape[-1]), padded.dtype)
    out = np.empty((batch, *out_sizes, filters), padded.dtype)
    chunks = _image_chunks(batch, patches[0].nbytes)

    def patch_rows(images):  # one row per output position of the chunk's images
        return patches[images].reshape(-1, row_length)

    def forward(images):
        np.copyto(patches[images], _patch_view(padded[images], kernel_size, strides, dilation_rate))
        out_rows = out[images].reshape(-1, filters)
        np.matmul(patch_rows(images), flat_kernel, out=out_rows)
        if bias is not None:
            out_rows += bias
        if relu:
            np.maximum(out_rows, 0, out=out_rows)

    on_every_core(forward, chunks)

    def backward(g, input_grad):
        grad_padded = np.empty(padded.shape, g.dtype) if input_grad else None

        def task(images):
            g_chunk = g[images] * (out[images] > 0) if relu else g[images]
            if input_grad:
                grad_padded[images] = 0  # zeroed here, on this core, just before the sums
                _add_input_gradient(
                    g_chunk, kernel_data, grad_padded[images], strides, dilation_rate, out_sizes
                )
            g_rows = g_chunk.reshape(-1, filters)
            # The bias's gradient, g_rows summed down its rows, as a product with
            # ones: BLAS's matrix-vector product is ten times NumPy's sum here.
            ones = np.ones(len(g_rows), g_rows.dtype)
            grad_bias = None if bias is None else ones @ g_rows
            return patch_rows(images).T @ g_rows, grad_bias

        (grad_kernel, grad_bias), *others = on_every_core(task, chunks)
        for other_kernel, other_bias in others:
            grad_kernel += other_kernel
            if bias is not None:
                grad_bias += other_bias
        return grad_padded, grad_kernel.reshape(kernel_data.shape), grad_bias

    return out, backward


def _add_input_gradient(g, kernel_data, grad_padded, strides, dilation_rate, out_sizes):
    """Add `conv`'s gradient for the (padded) input into `grad_padded`, groups == 1.

    The plain offset loop, grad taps(o) = g @ kernel[o].T added back where
    taps(o) was read, with one `taps` buffer for every offset.
    """
    rank = g.ndim - 2
    kernel_size, (channels, filters) = kernel_data.shape[:rank], kernel_data.shape[rank:]
    g_rows = g.reshape(-1, filters)
    taps = np.empty((*g.shape[:-1], channels), g.dtype)
    for offset in _kernel_offsets(kernel_size):
        np.matmul(g_rows, kernel_data[offset].T, out=taps.reshape(-1, channels))
        grad_padded[_window_slices(offset, dilation_rate, strides, out_sizes)] += taps


@symbolic_aware
def conv_bias_relu(x, kernel, bias, strides=1, padding="valid", dilation_rate=1, relu=True):
    """`relu(conv(x, kernel, ...) + bias)` as one op: the fast path of a Conv layer's call.

    The numbers of the three ops one after the other (`BaseConv.call` runs
    those inside `fast_kernels(False)`), with two full-size arrays fewer
    each way: the bias is added and the relu applied in place on the
    convolution's fresh output (in `_conv_forward`, a chunk of images at a
    time with the convolution's fast path), and the backward pass masks the
    gradient once. With `relu=False` it is `conv(...) + bias`.

    Args:
        x, kernel, strides, padding, dilation_rate: as for `conv`.
        bias: shape (filters,), added at every output position.
        relu: whether to apply max(., 0) after the bias.
    """
    out, backward = _conv_forward(x, kernel, strides, padding, dilation_rate, data_of(bias), relu)
    return record(out, (x, kernel, bias), backward, "conv_bias_relu")


@symbolic_aware
def conv2d(x, kernel, strides=(1, 1), padding="valid", dilation_rate=(1, 1)):
    """2-D convolution of images (batch, height, width, in_channels): `conv` on two axes.

    Args:
        x: images of shape (batch, height, width, in_channels).
        kernel: shape (kernel_height, kernel_width, in_channels // groups, filters).
        strides: (row step, column step) between windows.
        padding: 'valid' or 'same' (see `conv_padding`).
        dilation_rate: (row gap, column gap) between kernel taps.

    Returns:
        shape (batch, out_height, out_width, filters).
    """
    if data_of(x).ndim != 4:
        raise ValueError(f"conv2d needs 4-D images, received shape {data_of(x).shape}.")
    return conv(x, kernel, strides, padding, dilation_rate)


@symbolic_aware
def depthwise_conv(x, kernel, strides=1, padding="valid", dilation_rate=1):
    """Depthwise convolution: each input channel convolved on its own (`keras.ops.depthwise_conv`).

    kernel: shape (*kernel_size, in_channels, depth_multiplier). Channel c is
    convolved with the depth_multiplier kernels kernel[..., c, :], giving
    output channels c * depth_multiplier + m. This is `conv` with
    groups = in_channels: the kernel reshaped to (*kernel_size, 1,
    in_channels * depth_multiplier).
    """
    kernel_shape = data_of(kernel).shape
    grouped = reshape(kernel, kernel_shape[:-2] + (1, kernel_shape[-2] * kernel_shape[-1]))
    return conv(x, grouped, strides, padding, dilation_rate)


@symbolic_aware
def separable_conv(
    x, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", dilation_rate=1
):
    """A depthwise convolution, then a 1x1 convolution mixing the channels (`keras.ops.separable_conv`).

    depthwise_kernel: (*kernel_size, in_channels, depth_multiplier);
    pointwise_kernel: (1, ..., 1, in_channels * depth_multiplier, filters).
    """
    depthwise = depthwise_conv(x, depthwise_kernel, strides, padding, dilation_rate)
    return conv(depthwise, pointwise_kernel, 1, "valid")


@symbolic_aware
def conv_transpose(x, kernel, strides=1, padding="valid", output_padding=None, dilation_rate=1):
    """Transposed convolution (`keras.ops.conv_transpose`): the convolution's gradient, as an op.

    Where a convolution reads a window of inputs into one output, a
    transposed convolution spreads each input pixel over a window of the
    output, weighted by the kernel; with strides 2 it doubles the image size.
    It is exactly the gradient of `conv` with respect to its input, which is
    how TensorFlow computes it.

    Args:
        x: shape (batch, *spatial, in_channels).
        kernel: shape (*kernel_size, filters, in_channels) (note the order).
        strides, padding, dilation_rate: as for the convolution it undoes.
        output_padding: None, or per axis an int < stride: see
            `conv_transpose_output_length`.

    Returns:
        shape (batch, *out_spatial, filters).

    How: the output is a zero canvas (padded as the forward convolution
    from it would be); for each kernel offset o, `canvas[window_slices(o)]
    += x @ kernel[o].T`. The gradient reads the same slices:
    grad x = sum over o of g_canvas[window(o)] @ kernel[o].
    """
    x_data, kernel_data = data_of(x), data_of(kernel)
    rank = x_data.ndim - 2
    kernel_size, filters = kernel_data.shape[:rank], kernel_data.shape[rank]
    strides = _tuple(strides, rank, "strides")
    dilation_rate = _tuple(dilation_rate, rank, "dilation_rate")
    if output_padding is None or isinstance(output_padding, int):
        output_padding = (output_padding,) * rank
    sizes = x_data.shape[1:-1]
    channels = x_data.shape[-1]
    out_sizes = [
        conv_transpose_output_length(n, k, s, padding, p, d)
        for n, k, s, p, d in zip(sizes, kernel_size, strides, output_padding, dilation_rate)
    ]
    pads = [
        conv_padding(n, k, s, padding, d)
        for n, k, s, d in zip(out_sizes, kernel_size, strides, dilation_rate, strict=True)
    ]
    batch = x_data.shape[0]
    canvas_shape = (batch, *(n + sum(p) for n, p in zip(out_sizes, pads)), filters)
    canvas = np.zeros(canvas_shape, np.result_type(x_data, kernel_data))
    rows = x_data.reshape(-1, channels)
    windows = [
        (offset, _window_slices(offset, dilation_rate, strides, sizes))
        for offset in _kernel_offsets(kernel_size)
    ]
    for offset, window in windows:
        canvas[window] += (rows @ kernel_data[offset].T).reshape(canvas[window].shape)
    keep_freed_memory()  # once, as for `conv`
    out = _unpad_spatial(canvas, pads, out_sizes)

    def backward(g):
        g_canvas = _pad_spatial(g, pads)
        grad_rows = np.zeros(rows.shape, g.dtype)
        grad_kernel = np.zeros_like(kernel_data)
        for offset, window in windows:
            g_taps = g_canvas[window].reshape(-1, filters)
            grad_rows += g_taps @ kernel_data[offset]
            grad_kernel[offset] = g_taps.T @ rows
        return grad_rows.reshape(x_data.shape), grad_kernel

    return record(np.ascontiguousarray(out), (x, kernel), backward, "conv_transpose")


# ---------------------------------------------------------------- pooling


def _pool_geometry(x_data, pool_size, strides, padding):
    """pool_size, strides and the per-axis pads and output sizes of a pooling op."""
    rank = x_data.ndim - 2
    pool_size = _tuple(pool_size, rank, "pool_size")
    strides = pool_size if strides is None else _tuple(strides, rank, "strides")
    if padding not in ("valid", "same"):
        raise ValueError(f"`padding` must be 'valid' or 'same', received {padding!r}.")
    sizes = x_data.shape[1:-1]
    pads = [conv_padding(n, k, s, padding) for n, k, s in zip(sizes, pool_size, strides)]
    out_sizes = [conv_output_length(n, k, s, padding) for n, k, s in zip(sizes, pool_size, strides)]
    if 0 in out_sizes:
        raise ValueError(
            f"The {pool_size} pooling window does not fit in an input of shape "
            f"{x_data.shape} with padding='valid'."
        )
    return pool_size, strides, pads, out_sizes


def _window_axes(rank):
    """The window axes of a `_windows` view: the last `rank` axes."""
    return tuple(range(-rank, 0))


@symbolic_aware
def max_pool(x, pool_size, strides=None, padding="valid"):
    """The largest value of each window, per channel (Keras's `keras.ops.max_pool`).

    Args:
        x: shape (batch, steps, channels) or (batch, height, width, channels).
        pool_size: an int or one int per spatial axis: the window.
        strides: the step between windows; None means `pool_size` (windows
            side by side, not overlapping).
        padding: 'valid' (only whole windows) or 'same' (pads with -inf, so a
            padded position is never the maximum).

    The gradient of a window's maximum is 1 for the input that was the
    maximum and 0 for the others: each window's gradient goes to its first
    argmax (in the window's row-major order), as TensorFlow routes it.
    """
    x_data = data_of(x)
    rank = x_data.ndim - 2
    pool_size, strides, pads, out_sizes = _pool_geometry(x_data, pool_size, strides, padding)
    tiled = strides == pool_size and not any(before or after for before, after in pads)
    if tiled and fast_kernels_enabled():
        return _max_pool_tiles(x, pool_size, out_sizes)
    sizes = x_data.shape[1:-1]
    padded = _pad_spatial(x_data, pads, -np.inf)
    ones = (1,) * rank
    out = _windows(padded, pool_size, strides, ones).max(axis=_window_axes(rank))

    def backward(g):
        # Walk the window's positions in order; the first one holding the
        # maximum takes the window's gradient, later equal ones get nothing.
        grad_padded = np.zeros(padded.shape, g.dtype)
        taken = np.zeros(out.shape, bool)
        for offset in _kernel_offsets(pool_size):
            window = _window_slices(offset, ones, strides, out_sizes)
            first_max = (padded[window] == out) & ~taken
            taken |= first_max
            grad_padded[window] += np.where(first_max, g, 0)
        return (_unpad_spatial(grad_padded, pads, sizes),)

    return record(out, (x,), backward, "max_pool")


def _max_pool_tiles(x, pool_size, out_sizes):
    """`max_pool` when the windows tile the input (the default strides, no padding).

    The same numbers as the plain loop, with fewer and cheaper steps: the
    windows do not overlap, so each tap (a position inside the window) is
    one strided slice of the input, read in place; the maximum is taken
    tap by tap, and each tap's gradient is written, not added, into its own
    slice; both passes a chunk of images per task on every core
    (`on_every_core`).
    """
    x_data = data_of(x)
    ones = (1,) * len(pool_size)
    taps = [
        _window_slices(offset, ones, pool_size, out_sizes) for offset in _kernel_offsets(pool_size)
    ]
    # Rows or columns past the last whole window ('valid' floors) get no gradient;
    # every other input is in exactly one window, so its gradient is written once.
    cut_off = any(o * p != n for o, p, n in zip(out_sizes, pool_size, x_data.shape[1:-1]))
    chunks = _image_chunks(len(x_data), x_data[:1].nbytes)
    out = np.empty((len(x_data), *out_sizes, x_data.shape[-1]), x_data.dtype)

    def forward(images):  # a chunk of images, on one of the cores
        # out = the largest of the window's taps, one tap at a time.
        np.copyto(out[images], x_data[images][taps[0]])
        for tap in taps[1:]:
            np.maximum(out[images], x_data[images][tap], out=out[images])

    on_every_core(forward, chunks)

    def backward(g):
        grad = np.zeros(x_data.shape, g.dtype) if cut_off else np.empty(x_data.shape, g.dtype)

        def task(images):  # a chunk of images, on one of the cores
            # The first tap (in row-major order) equal to the maximum takes the
            # window's gradient; `free` marks the windows still waiting for theirs.
            free = np.ones(out[images].shape, bool)
            first_max = np.empty(free.shape, bool)
            for tap in taps:
                np.equal(x_data[images][tap], out[images], out=first_max)
                first_max &= free
                free ^= first_max
                np.multiply(g[images], first_max, out=grad[images][tap])

        on_every_core(task, chunks)
        return (grad,)

    return record(out, (x,), backward, "max_pool")


@symbolic_aware
def average_pool(x, pool_size, strides=None, padding="valid"):
    """The mean of each window, per channel (Keras's `keras.ops.average_pool`).

    Arguments as `max_pool`. With padding='same' the padded positions are left
    out of the mean (a corner window of 2 real pixels averages those 2), as
    TensorFlow does. The gradient shares each window's gradient equally
    among the inputs it averaged.
    """
    x_data = data_of(x)
    rank = x_data.ndim - 2
    pool_size, strides, pads, out_sizes = _pool_geometry(x_data, pool_size, strides, padding)
    sizes = x_data.shape[1:-1]
    ones = (1,) * rank
    padded = _pad_spatial(x_data, pads)
    total = _windows(padded, pool_size, strides, ones).sum(axis=_window_axes(rank))
    # How many real (unpadded) inputs each window holds.
    real = _pad_spatial(np.ones((1, *sizes, 1), x_data.dtype), pads)
    count = _windows(real, pool_size, strides, ones).sum(axis=_window_axes(rank))
    out = (total / count).astype(x_data.dtype, copy=False)

    def backward(g):
        share = g / count
        grad_padded = np.zeros(padded.shape, g.dtype)
        for offset in _kernel_offsets(pool_size):
            grad_padded[_window_slices(offset, ones, strides, out_sizes)] += share
        return (_unpad_spatial(grad_padded, pads, sizes),)

    return record(out, (x,), backward, "average_pool")


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
