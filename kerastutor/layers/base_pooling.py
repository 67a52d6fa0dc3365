"""The base of MaxPooling1D/2D and AveragePooling1D/2D: one window, two reductions."""

from kerastutor import ops
from kerastutor.engine.input_spec import InputSpec
from kerastutor.layers.sliding_window import (
    WindowLayer,
    standardize_data_format,
    standardize_padding,
    standardize_tuple,
)

__all__ = ["BasePooling"]


class BasePooling(WindowLayer):
    """Pooling over `pool_dimensions` spatial axes: the max or the mean of each window.

    A pooling layer has no weights. It slides a `pool_size` window over the
    spatial axes, `strides` at a time (by default the window size, so the
    windows tile the input without overlapping), and keeps one number per
    window and channel: the largest (`pool_mode='max'`) or the mean
    (`pool_mode='average'`). The channels are pooled separately, so their
    number does not change.

    Args:
        pool_size: an int or a tuple of `pool_dimensions` ints, the window.
        strides: an int, a tuple, or None (the default) for `pool_size`.
        pool_dimensions: 1 for sequences, 2 for images.
        pool_mode: 'max' or 'average'.
        padding: 'valid' (only whole windows) or 'same' (pads so that
            ceil(size / stride) windows fit), in any case.
        data_format: only 'channels_last' (or None) is supported.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).
    """

    def __init__(
        self,
        pool_size,
        strides,
        pool_dimensions,
        pool_mode="max",
        padding="valid",
        data_format=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.rank = pool_dimensions
        self.pool_size = standardize_tuple(self, pool_size, pool_dimensions, "pool_size")
        strides = self.pool_size if strides is None else strides
        self.strides = standardize_tuple(self, strides, pool_dimensions, "strides")
        self.pool_mode = pool_mode
        self.padding = standardize_padding(self, padding, ("valid", "same"))
        self.data_format = standardize_data_format(self, data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def call(self, inputs):
        if self.pool_mode == "max":
            return ops.max_pool(inputs, self.pool_size, self.strides, self.padding)
        return ops.average_pool(inputs, self.pool_size, self.strides, self.padding)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self._output_sizes(input_shape), input_shape[-1])

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "pool_size": self.pool_size,
                "padding": self.padding,
                "strides": self.strides,
                "data_format": self.data_format,
            }
        )
        return config

    def _window(self):
        return self.pool_size, self.strides, self.padding, (1,) * self.rank, "pool_size window"
