"""Slow, obviously-correct convolutions for the conv tests: explicit padding and loops.

`reference_conv` follows the definition cell by cell: output[b, position, f]
is the sum over the window's taps of padded input times kernel, with taps
`dilation_rate` apart and filter f reading only its group's channels.
`reference_conv_transpose` follows the transpose's definition: every input
pixel adds kernel-weighted copies of itself onto the output.
"""

import itertools

import numpy as np

from kerastutor import ops

__all__ = ["reference_conv", "reference_conv_transpose"]


def _pairs(value, rank):
    return (value,) * rank if isinstance(value, int) else tuple(value)


def reference_conv(x, kernel, strides=1, padding="valid", dilation_rate=1):
    rank = x.ndim - 2
    strides, dilation_rate = _pairs(strides, rank), _pairs(dilation_rate, rank)
    kernel_size = kernel.shape[:rank]
    group_channels, filters = kernel.shape[rank:]
    groups = x.shape[-1] // group_channels
    per_group = filters // groups
    pads = [
        ops.conv_padding(n, k, s, padding, d)
        for n, k, s, d in zip(x.shape[1:-1], kernel_size, strides, dilation_rate)
    ]
    padded = np.pad(x, [(0, 0), *pads, (0, 0)])
    spans = [d * (k - 1) + 1 for k, d in zip(kernel_size, dilation_rate)]
    out_sizes = [(n - span) // s + 1 for n, span, s in zip(padded.shape[1:-1], spans, strides)]
    out = np.zeros((x.shape[0], *out_sizes, filters))
    for position in itertools.product(*(range(n) for n in out_sizes)):
        for offset in itertools.product(*(range(k) for k in kernel_size)):
            pixel = tuple(
                p * s + o * d for p, s, o, d in zip(position, strides, offset, dilation_rate)
            )
            for f in range(filters):
                g = f // per_group
                channels = padded[
                    (slice(None), *pixel, slice(g * group_channels, (g + 1) * group_channels))
                ]
                out[(slice(None), *position, f)] += channels @ kernel[(*offset, slice(None), f)]
    return out


def reference_conv_transpose(x, kernel, out_sizes, pads, strides, dilation_rate):
    """kernel (*kernel_size, filters, in_channels); `out_sizes` and `pads` as Keras computes them."""
    rank = x.ndim - 2
    kernel_size, filters = kernel.shape[:rank], kernel.shape[rank]
    canvas = np.zeros((x.shape[0], *(n + sum(p) for n, p in zip(out_sizes, pads)), filters))
    for position in itertools.product(*(range(n) for n in x.shape[1:-1])):
        for offset in itertools.product(*(range(k) for k in kernel_size)):
            pixel = tuple(
                p * s + o * d for p, s, o, d in zip(position, strides, offset, dilation_rate)
            )
            canvas[(slice(None), *pixel)] += x[(slice(None), *position)] @ kernel[offset].T
    crop = tuple(slice(p[0], p[0] + n) for p, n in zip(pads, out_sizes))
    return canvas[(slice(None), *crop)]
