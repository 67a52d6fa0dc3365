"""ReLU: max(x, 0) as a layer, with Keras's cap, leak and threshold."""

import numbers

from kerastutor import activations
from kerastutor.engine.base_layer import Layer

__all__ = ["ReLU"]


class ReLU(Layer):
    """The rectified linear unit as a layer of its own; it has no weights.

        f(x) = max_value                      if x >= max_value
        f(x) = x                              if threshold < x < max_value
        f(x) = negative_slope * (x - threshold)   otherwise

    With the defaults it is `max(x, 0)`, the same as `Activation("relu")`.
    `ReLU(max_value=6.0)` is relu6; a `negative_slope` lets the negative side
    learn a little (a leaky relu). Masks pass through.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import ReLU
        >>> ReLU(max_value=4.0, negative_slope=0.5)(np.array([-2.0, 1.0, 9.0]))
        array([-1.,  1.,  4.], dtype=float32)

    Args:
        max_value: the largest output (a number >= 0), or None for no cap.
        negative_slope: the slope below the threshold (a number >= 0).
        threshold: where the slope changes (a number >= 0).
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None:
            _non_negative(self, "max_value", max_value, "the largest output")
        _non_negative(self, "negative_slope", negative_slope, "the slope below the threshold")
        _non_negative(self, "threshold", threshold, "where the slope changes")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.relu(
            inputs,
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "max_value": self.max_value,
                "negative_slope": self.negative_slope,
                "threshold": self.threshold,
            }
        )
        return config


def _non_negative(layer, argument, value, meaning):
    """Refuse an argument that is not a number >= 0 (the activation layers' shared check)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}': `{argument}` ({meaning}) must be a "
            f"number >= 0. Received: {argument}={value!r}."
        )
