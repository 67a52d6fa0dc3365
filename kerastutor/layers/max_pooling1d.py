"""MaxPooling1D: the largest value of each pool_size window, per channel."""

from kerastutor.layers.base_pooling import BasePooling

__all__ = ["MaxPooling1D"]


class MaxPooling1D(BasePooling):
    """Max pooling for sequences: keeps the largest value of each window of steps.

    Slides a window of `pool_size` steps along the time axis and keeps, per
    feature, the largest value: MaxPooling1D() halves the number of steps.
    It has no weights; each window's gradient flows to its (first) maximum.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import MaxPooling1D
        >>> x = np.array([[[1.0], [3.0], [2.0], [5.0], [4.0]]])
        >>> MaxPooling1D()(x)[0, :, 0]
        array([3., 5.], dtype=float32)

    Args:
        pool_size: an int (or a 1-tuple), the window length.
        strides: an int, a 1-tuple, or None (the default) for `pool_size`.
        padding: 'valid' (the default: only windows that fit whole) or 'same'
            (pads so that ceil(size / stride) windows fit; the padding is never the maximum), in any case.
        data_format: only 'channels_last' (or None) is supported.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        3D array of shape (batch_size, steps, features).

    Output shape:
        3D array of shape (batch_size, downsampled_steps, features): with 'valid',
        floor((steps - pool_size) / strides) + 1; with 'same', ceil(steps / strides).
    """

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=1,
            pool_mode="max",
            padding=padding,
            data_format=data_format,
            **kwargs,
        )
