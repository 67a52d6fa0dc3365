"""GlobalAveragePooling2D: the mean of each channel over the whole image."""

from kerastutor import ops
from kerastutor.layers.base_global_pooling import BaseGlobalPooling

__all__ = ["GlobalAveragePooling2D"]


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Global average pooling for images: one number per channel, its mean over the image.

    (batch, height, width, channels) becomes (batch, channels), for images of
    any size: how most image classifiers turn their last feature maps into
    one vector before the Dense layer. Every pixel gets 1 / (height * width)
    of its channel's gradient.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import GlobalAveragePooling2D
        >>> x = np.arange(24, dtype="float32").reshape(1, 3, 4, 2)
        >>> GlobalAveragePooling2D()(x)
        array([[11., 12.]], dtype=float32)

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
        return ops.mean(inputs, axis=(1, 2), keepdims=self.keepdims)
