"""Activation: apply an activation function as a layer of its own."""

from kerastutor import activations
from kerastutor.engine.base_layer import Layer

__all__ = ["Activation"]


class Activation(Layer):
    """Applies an activation function to its input; it has no weights.

    `Dense(4, activation="relu")` and `Dense(4)` followed by
    `Activation("relu")` compute the same thing; the second shows the
    pre-activation values as a tensor of their own. Masks pass through.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Activation
        >>> Activation("relu")(np.array([[-3.0, -1.0, 0.0, 2.0]]))
        array([[0., 0., 0., 2.]], dtype=float32)

    Args:
        activation: a name from `kerastutor.activations` ('relu', 'gelu',
            'softmax', ...) or a function; None means linear.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
