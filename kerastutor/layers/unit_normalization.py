"""UnitNormalization: scale each sample to unit L2 norm along an axis."""

import numpy as np

from kerastutor import ops
from kerastutor.engine.base_layer import Layer

__all__ = ["UnitNormalization", "l2_normalize"]


class UnitNormalization(Layer):
    """Divides each vector along `axis` by its Euclidean length.

    `x / max(sqrt(sum(x ** 2)), 1e-12)`: every output vector has length 1
    (a vector of zeros stays zero). After it, a dot product of two vectors
    is their cosine similarity. The layer has no weights.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import UnitNormalization
        >>> UnitNormalization()(np.array([[3.0, 4.0]]))
        array([[0.6, 0.8]], dtype=float32)

    Args:
        axis: an integer or a list of integers: the axis (axes) along which
            the norm is taken (default -1, the features).
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and all(isinstance(a, int) for a in axis):
            self.axis = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(
                f"Invalid value for `axis` argument of UnitNormalization layer '{self.name}': "
                f"expected an int or a list/tuple of ints. Received: axis={axis!r}"
            )
        self.supports_masking = True

    def build(self, input_shape):
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs):
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        return l2_normalize(inputs, axis, 1e-12)

    def compute_output_shape(self, input_shape):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for axis in axes:
            if not -len(input_shape) <= axis < len(input_shape):
                raise ValueError(
                    f"Layer '{self.name}' (UnitNormalization) cannot be called "
                    f"{self._call_site()}: axis {axis} is out of bounds for input shape "
                    f"{tuple(input_shape)} (rank {len(input_shape)}, so axes go from "
                    f"{-len(input_shape)} to {len(input_shape) - 1})."
                )
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


def l2_normalize(x, axis, epsilon):
    """`x / max(||x||, epsilon)` along `axis`, as Keras's `ops.normalize`.

    Written as sqrt(max(sum(x ** 2), epsilon ** 2)) so that a zero vector
    gets a finite gradient.
    """
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    floor = np.asarray(epsilon**2, dtype=square_sum.dtype)
    return ops.divide(x, ops.sqrt(ops.maximum(square_sum, floor)))
