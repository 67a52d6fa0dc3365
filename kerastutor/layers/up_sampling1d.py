"""UpSampling1D: repeat each timestep `size` times."""

from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec
from kerastutor.layers import _spatial

__all__ = ["UpSampling1D"]


class UpSampling1D(Layer):
    """Makes a sequence `size` times longer by repeating each step.

    Step t of the input becomes steps t * size ... t * size + size - 1 of
    the output (nearest-neighbour upsampling): [a, b] with size 2 becomes
    [a, a, b, b]. Each step's features are copied unchanged; the layer has
    no weights.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import UpSampling1D
        >>> UpSampling1D(size=2)(np.array([[[1.0], [2.0]]]))[0, :, 0]
        array([1., 1., 2., 2.], dtype=float32)

    Args:
        size: positive integer, how many times each step is repeated.
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        3D tensor (batch_size, steps, features).

    Output shape:
        3D tensor (batch_size, steps * size, features).
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(
                f"UpSampling1D layer '{self.name}' expects an integer value for `size`, got "
                f"{type(size).__name__} ({size!r})."
            )
        if size <= 0:
            raise ValueError(
                f"Argument `size` of UpSampling1D layer '{self.name}' should be a positive "
                f"integer. Received: size={size}"
            )
        self.size = size
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return _spatial.repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape):
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config

    def _rank_explanation(self, ndim):
        return "It repeats the steps of sequences shaped (batch, steps, features)."
