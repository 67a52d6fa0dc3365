"""UpSampling2D: repeat each pixel into a block of size[0] x size[1]."""

from kerastutor import ops
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec
from kerastutor.layers import _spatial

__all__ = ["UpSampling2D"]


class UpSampling2D(Layer):
    """Makes an image larger by repeating its rows and columns.

    With size=(2, 2) every pixel becomes a 2 x 2 block of the same pixel
    (nearest-neighbour upsampling): rows are repeated size[0] times, then
    columns size[1] times. This undoes the shrinking of a MaxPooling2D in an
    autoencoder's decoder. The layer has no weights.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import UpSampling2D
        >>> image = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
        >>> UpSampling2D((2, 2))(image)[0, :, :, 0]
        array([[1., 1., 2., 2.],
               [1., 1., 2., 2.],
               [3., 3., 4., 4.],
               [3., 3., 4., 4.]], dtype=float32)

    Args:
        size: an int or a pair of ints (rows, columns), the repeat factors.
        data_format: 'channels_last' (batch, height, width, channels), the
            default, or 'channels_first' (batch, channels, height, width).
        interpolation: only 'nearest' is supported (Keras also has
            'bilinear' and others, which blend neighbouring pixels).
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        4D tensor (batch_size, rows, cols, channels) for channels_last.

    Output shape:
        4D tensor (batch_size, rows * size[0], cols * size[1], channels).
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = _spatial.data_format_of(self.name, data_format)
        self.size = _spatial.int_tuple(size, 2, "size")
        self.interpolation = str(interpolation).lower()
        if self.interpolation != "nearest":
            raise ValueError(
                f"UpSampling2D layer '{self.name}' received interpolation="
                f"{interpolation!r}, but kerastutor only implements 'nearest' (each pixel "
                "copied into a block); Keras's other modes blend neighbouring pixels."
            )
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        x = inputs
        if self.data_format == "channels_first":
            x = ops.transpose(x, (0, 2, 3, 1))
        x = _spatial.repeat(x, self.size[0], axis=1)
        x = _spatial.repeat(x, self.size[1], axis=2)
        if self.data_format == "channels_first":
            x = ops.transpose(x, (0, 3, 1, 2))
        return x

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        first = 2 if self.data_format == "channels_first" else 1
        for offset, factor in enumerate(self.size):
            if output_shape[first + offset] is not None:
                output_shape[first + offset] *= factor
        return tuple(output_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "size": self.size,
                "data_format": self.data_format,
                "interpolation": self.interpolation,
            }
        )
        return config

    def _rank_explanation(self, ndim):
        return "It works on batches of images shaped (batch, rows, cols, channels)."
