"""ELU: x above 0, alpha * (exp(x) - 1) below, as a layer."""

import numbers

from kerastutor import activations
from kerastutor.engine.base_layer import Layer

__all__ = ["ELU"]


class ELU(Layer):
    """The exponential linear unit as a layer of its own; it has no weights.

        f(x) = x                       if x >= 0
        f(x) = alpha * (exp(x) - 1)    otherwise

    Negative inputs give outputs that bend smoothly down to -alpha, so the
    layer's outputs average closer to 0 than a relu's. Masks pass through.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import ELU
        >>> ELU()(np.array([-100.0, 0.0, 2.0]))
        array([-1.,  0.,  2.], dtype=float32)

    Args:
        alpha: the scale of the negative side: outputs never go below -alpha.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
            raise ValueError(
                f"ELU layer '{self.name}': `alpha` (the scale of the negative side) must be a "
                f"number. Received: alpha={alpha!r}."
            )
        self.alpha = alpha
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        # Keras 3's ELU leaves `alpha` out of its config (so a saved ELU(0.5)
        # comes back as ELU(1.0)); kerastutor keeps it, and Keras reads it back.
        config = super().get_config()
        config["alpha"] = self.alpha
        return config
