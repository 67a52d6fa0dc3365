"""Cropping1D: remove steps at the start and the end of a sequence."""

from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec
from kerastutor.layers import _spatial

__all__ = ["Cropping1D"]


class Cropping1D(Layer):
    """Cuts `cropping[0]` steps off the start and `cropping[1]` off the end.

    The opposite of ZeroPadding1D: a sequence of 8 steps cropped by (1, 2)
    keeps steps 1 to 5. At least one step must remain.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Cropping1D
        >>> x = np.arange(5, dtype="float32").reshape(1, 5, 1)
        >>> Cropping1D(cropping=(1, 2))(x)[0, :, 0]
        array([1., 2.], dtype=float32)

    Args:
        cropping: an int (the same at both ends) or a pair (start, end).
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        3D tensor (batch_size, steps, features).

    Output shape:
        3D tensor (batch_size, steps - start - end, features).
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _spatial.int_tuple(cropping, 2, "cropping", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs):
        self.compute_output_shape(tuple(inputs.shape))
        return _spatial.crop(inputs, 1, *self.cropping)

    def compute_output_shape(self, input_shape):
        steps = input_shape[1]
        if steps is not None and sum(self.cropping) >= steps:
            raise ValueError(
                f"Layer '{self.name}' (Cropping1D) cannot be called {self._call_site()}: "
                f"cropping={self.cropping} removes {sum(self.cropping)} steps, but its input "
                f"of shape {tuple(input_shape)} has only {steps}. The cropping must be "
                "smaller than the input length, so that at least one step remains."
            )
        length = None if steps is None else steps - sum(self.cropping)
        return (input_shape[0], length, input_shape[2])

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        return config
