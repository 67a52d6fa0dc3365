"""ZeroPadding1D: add zero steps at the start and the end of a sequence."""

from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec
from kerastutor.layers import _spatial

__all__ = ["ZeroPadding1D"]


class ZeroPadding1D(Layer):
    """Adds rows of zeros before and after the steps of a sequence.

    With padding=(1, 2) a sequence of 5 steps becomes 1 + 5 + 2 = 8 steps,
    the first one and the last two all zeros. This is what a convolution's
    padding='same' does before it slides its window.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import ZeroPadding1D
        >>> ZeroPadding1D(padding=(1, 2))(np.ones((1, 2, 1)))[0, :, 0]
        array([0., 1., 1., 0., 0.], dtype=float32)

    Args:
        padding: an int (the same number at both ends) or a pair (start, end).
        data_format: 'channels_last' (batch, steps, features), the default,
            or 'channels_first' (batch, features, steps).
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        3D tensor (batch_size, steps, features) for channels_last.

    Output shape:
        3D tensor (batch_size, start + steps + end, features).
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _spatial.data_format_of(self.name, data_format)
        self.padding = _spatial.int_tuple(padding, 2, "padding", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return _spatial.pad_zeros(inputs, self._steps_axis(), *self.padding)

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        axis = self._steps_axis()
        if output_shape[axis] is not None:
            output_shape[axis] += sum(self.padding)
        return tuple(output_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config

    def _steps_axis(self):
        return 2 if self.data_format == "channels_first" else 1
