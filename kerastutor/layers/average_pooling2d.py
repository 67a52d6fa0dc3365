"""AveragePooling2D: the mean of each pool_size window, per channel."""

from kerastutor.layers.base_pooling import BasePooling

__all__ = ["AveragePooling2D"]


class AveragePooling2D(BasePooling):
    """Average pooling for images: keeps the mean of each window, per channel.

    Like MaxPooling2D, but each window gives its mean, so every pixel of the
    window shares the gradient equally. It has no weights.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import AveragePooling2D
        >>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
        >>> AveragePooling2D()(x)[0, :, :, 0]
        array([[ 2.5,  4.5],
               [10.5, 12.5]], dtype=float32)

    Args:
        pool_size: an int or a pair (height, width), the window; 2 halves each side.
        strides: an int, a pair, or None (the default) for `pool_size`.
        padding: 'valid' (the default: only windows that fit whole) or 'same'
            (pads so that ceil(size / stride) windows fit; padded positions are left out of the mean), in any case.
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
            pool_mode="average",
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
