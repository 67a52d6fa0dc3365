"""LeakyReLU: x above 0, negative_slope * x below, as a layer."""

import warnings

from kerastutor import activations
from kerastutor.engine.base_layer import Layer
from kerastutor.layers.relu import _non_negative

__all__ = ["LeakyReLU"]


class LeakyReLU(Layer):
    """A relu whose negative side keeps a small slope; it has no weights.

        f(x) = x                    if x >= 0
        f(x) = negative_slope * x   otherwise

    A plain relu passes no gradient for negative inputs, so a unit that only
    ever sees negative inputs stops learning ("dies"); the slope keeps a little
    gradient flowing. GANs use it after most layers. Note the layer's default
    slope, 0.3, differs from `activations.leaky_relu`'s 0.2, as in Keras.
    Masks pass through.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import LeakyReLU
        >>> LeakyReLU(negative_slope=0.5)(np.array([-10.0, -5.0, 0.0, 5.0]))
        array([-5. , -2.5,  0. ,  5. ], dtype=float32)

    Args:
        negative_slope: the slope for negative inputs (a number >= 0). Keras 2's
            name, `alpha`, is still accepted, with a warning.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "LeakyReLU's argument `alpha` is Keras 2's name; Keras 3 calls it "
                "`negative_slope`. Use LeakyReLU(negative_slope=...).",
                DeprecationWarning,
                stacklevel=2,
            )
        super().__init__(**kwargs)
        _non_negative(self, "negative_slope", negative_slope, "the slope for negative inputs")
        self.negative_slope = negative_slope
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config
