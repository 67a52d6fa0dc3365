"""Identity: a layer that returns its input as it is."""

from kerastutor.engine.base_layer import Layer

__all__ = ["Identity"]


class Identity(Layer):
    """Returns its input unchanged; a placeholder where a layer is expected.

    A model built from a list of layers can use it where one position should
    do nothing (say, an optional normalization switched off). It has no
    weights and passes masks on.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Identity
        >>> Identity()(np.array([[1.0, -2.0]]))
        array([[ 1., -2.]], dtype=float32)

    Args:
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)
