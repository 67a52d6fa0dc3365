"""Subtract: the elementwise difference of exactly two tensors."""

from kerastutor import ops
from kerastutor.layers.merge import Merge

__all__ = ["Subtract", "subtract"]


class Subtract(Merge):
    """Subtracts the second input from the first, element by element.

    Shapes and masks follow `Merge`'s rules (equal sizes, or 1, or None on
    each axis); unlike Add it takes exactly two inputs, since `a - b - c`
    would depend on an order Keras does not define.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Subtract
        >>> Subtract()([np.full((1, 3), 5.0), np.ones((1, 3))])
        array([[4., 4., 4.]], dtype=float32)

    Args:
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of exactly 2 tensors of compatible shapes.

    Output shape:
        The common (broadcast) shape.
    """

    def build(self, input_shape):
        self._check_shapes(input_shape, count=2)
        super().build(input_shape)

    def _merge_function(self, inputs, masks):
        first, second = inputs
        return ops.subtract(first, second)

    def compute_output_shape(self, input_shape):
        self._check_shapes(input_shape, count=2)
        return super().compute_output_shape(input_shape)


def subtract(inputs, **kwargs):
    """`Subtract(**kwargs)(inputs)` in one call.

    Example:
        >>> from kerastutor.layers import Input, subtract
        >>> subtract([Input(shape=(8,)), Input(shape=(8,))]).shape
        (None, 8)
    """
    return Subtract(**kwargs)(inputs)
