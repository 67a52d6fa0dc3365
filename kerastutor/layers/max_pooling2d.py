"""MaxPooling2D: the largest value of each pool_size window, per channel."""

from kerastutor.layers.base_pooling import BasePooling

__all__ = ["MaxPooling2D"]


class MaxPooling2D(BasePooling):
    """Max pooling for images: keeps the largest value of each window, per channel.

    The usual step between two Conv2D blocks: MaxPooling2D() halves the height
    and the width, so the next convolution sees a wider part of the image for
    the same kernel size. It has no weights. In training, each window's
    gradient flows only to the pixel that was its maximum (the first one, on
    a tie).

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import MaxPooling2D
        >>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
        >>> MaxPooling2D()(x)[0, :, :, 0]
        array([[ 5.,  7.],
               [13., 15.]], dtype=float32)

    Args:
        pool_size: an int or a pair (height, width), the window; 2 halves each side.
        strides: an int, a pair, or None (the default) for `pool_size`.
        padding: 'valid' (the default: only windows that fit whole) or 'same'
            (pads so that ceil(size / stride) windows fit; the padding is never the maximum), in any case.
        data_format: only 'channels_last' (or None) is supported.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        4D array of shape (batch_size, rows, cols, channels).

    Output shape:
        4D array of shape (batch_size, pooled_rows, pooled_cols, channels): with
        'valid', floor((size - pool_size) / strides) + 1 per axis; with 'same',
        ceil(size / strides).
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=2,
            pool_mode="max",
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
