"""GlobalMaxPooling2D: the largest value of each channel over the whole image."""

from kerastutor import ops
from kerastutor.layers.base_global_pooling import BaseGlobalPooling

__all__ = ["GlobalMaxPooling2D"]


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Global max pooling for images: one number per channel, the largest in the image.

    A MaxPooling2D whose window is the whole image: (batch, height, width,
    channels) becomes (batch, channels), for images of any size. The
    gradient of each channel flows to the pixel that was its maximum (the
    first one in row-major order, on a tie).

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import GlobalMaxPooling2D
        >>> x = np.arange(24, dtype="float32").reshape(1, 3, 4, 2)
        >>> GlobalMaxPooling2D()(x)
        array([[22., 23.]], dtype=float32)
        >>> GlobalMaxPooling2D(keepdims=True)(x).shape
        (1, 1, 1, 2)

    Args:
        data_format: only 'channels_last' (or None) is supported.
        keepdims: keep the height and width axes, with size 1.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        4D array of shape (batch_size, rows, cols, channels).

    Output shape:
        (batch_size, channels), or (batch_size, 1, 1, channels) with keepdims.
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=2, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs):
        batch, height, width, channels = inputs.shape
        # Max pooling with one window as large as the image: (batch, 1, 1, channels).
        pooled = ops.max_pool(inputs, pool_size=(height, width))
        return pooled if self.keepdims else ops.reshape(pooled, (batch, channels))
