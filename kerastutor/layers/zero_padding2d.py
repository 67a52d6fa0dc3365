"""ZeroPadding2D: add rows and columns of zeros around an image."""

from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec
from kerastutor.layers import _spatial

__all__ = ["ZeroPadding2D"]


class ZeroPadding2D(Layer):
    """Adds a border of zeros around each image.

    padding=((top, bottom), (left, right)) adds that many rows above and
    below and columns left and right; padding=1 adds one all round, so a
    28 x 28 image becomes 30 x 30. Channels are not touched.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import ZeroPadding2D
        >>> ZeroPadding2D(padding=1)(np.ones((1, 1, 2, 1)))[0, :, :, 0]
        array([[0., 0., 0., 0.],
               [0., 1., 1., 0.],
               [0., 0., 0., 0.]], dtype=float32)

    Args:
        padding: an int (the same border everywhere), a pair (rows,
            columns) added symmetrically, or ((top, bottom), (left, right)).
        data_format: 'channels_last' (batch, rows, cols, channels), the
            default, or 'channels_first' (batch, channels, rows, cols).
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        4D tensor (batch_size, rows, cols, channels) for channels_last.

    Output shape:
        4D tensor (batch_size, top + rows + bottom, left + cols + right, channels).
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _spatial.data_format_of(self.name, data_format)
        self.padding = _spatial.pairs_2d(padding, "padding")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        first = self._first_spatial_axis()
        x = _spatial.pad_zeros(inputs, first, *self.padding[0])
        return _spatial.pad_zeros(x, first + 1, *self.padding[1])

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        first = self._first_spatial_axis()
        for offset, (before, after) in enumerate(self.padding):
            if output_shape[first + offset] is not None:
                output_shape[first + offset] += before + after
        return tuple(output_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config

    def _first_spatial_axis(self):
        return 2 if self.data_format == "channels_first" else 1
