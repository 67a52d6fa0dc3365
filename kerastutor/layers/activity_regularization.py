"""ActivityRegularization: the identity, plus a penalty on the values passing through."""

import numbers

from kerastutor import regularizers
from kerastutor.engine.base_layer import Layer

__all__ = ["ActivityRegularization"]


class ActivityRegularization(Layer):
    """Passes its input on and adds `l1 * sum(|x|) + l2 * sum(x**2)` to the model's loss.

    The penalty (divided by the batch size, as every activity regularizer's
    is) appears in `model.losses` after a call and in the loss `fit`
    minimises, pushing the values through this point towards 0 (`l1`: many
    exactly 0). It is `activity_regularizer=L1L2(l1, l2)` as a layer of its own.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import ActivityRegularization
        >>> layer = ActivityRegularization(l1=0.1)
        >>> layer(np.array([[1.0, -3.0]]))
        array([[ 1., -3.]], dtype=float32)
        >>> [float(loss) for loss in layer.losses]
        [0.4000000059604645]

    Args:
        l1: the weight of the sum of absolute values (>= 0).
        l2: the weight of the sum of squares (>= 0).
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        for argument, value in (("l1", l1), ("l2", l2)):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
                raise ValueError(
                    f"ActivityRegularization layer '{self.name}': `{argument}` must be a "
                    f"number >= 0. Received: {argument}={value!r}."
                )
        self.l1 = l1
        self.l2 = l2
        self.activity_regularizer = regularizers.L1L2(l1=l1, l2=l2)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config
