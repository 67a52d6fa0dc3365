"""Cropping2D: remove rows and columns at the borders of an image."""

from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec
from kerastutor.layers import _spatial

__all__ = ["Cropping2D"]


class Cropping2D(Layer):
    """Cuts rows off the top and bottom and columns off the left and right.

    The opposite of ZeroPadding2D: cropping=((2, 2), (4, 4)) on 28 x 28
    images keeps rows 2 to 25 and columns 4 to 23, a 24 x 20 image. At
    least one row and one column must remain.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Cropping2D
        >>> Cropping2D(cropping=((2, 2), (4, 4)))(np.zeros((1, 28, 28, 3))).shape
        (1, 24, 20, 3)

    Args:
        cropping: an int (the same everywhere), a pair (rows, columns)
            removed symmetrically, or ((top, bottom), (left, right)).
        data_format: 'channels_last' (batch, rows, cols, channels), the
            default, or 'channels_first' (batch, channels, rows, cols).
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        4D tensor (batch_size, rows, cols, channels) for channels_last.

    Output shape:
        4D tensor (batch_size, rows - top - bottom, cols - left - right, channels).
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _spatial.data_format_of(self.name, data_format)
        self.cropping = _spatial.pairs_2d(cropping, "cropping")
        self.input_spec = InputSpec(ndim=4)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs):
        self.compute_output_shape(tuple(inputs.shape))
        first = self._first_spatial_axis()
        x = _spatial.crop(inputs, first, *self.cropping[0])
        return _spatial.crop(x, first + 1, *self.cropping[1])

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        first = self._first_spatial_axis()
        for offset, (before, after), what in zip(
            range(2), self.cropping, ("rows", "columns"), strict=True
        ):
            size = input_shape[first + offset]
            if size is None:
                continue
            if before + after >= size:
                raise ValueError(
                    f"Layer '{self.name}' (Cropping2D) cannot be called {self._call_site()}: "
                    f"cropping={self.cropping} removes {before + after} {what}, but its input "
                    f"of shape {tuple(input_shape)} has only {size} (axis {first + offset}). "
                    "Values in `cropping` must be smaller than the corresponding spatial "
                    f"dimension, so that at least one of the {what} remains."
                )
            output_shape[first + offset] = size - before - after
        return tuple(output_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config

    def _first_spatial_axis(self):
        return 2 if self.data_format == "channels_first" else 1
