"""Minimum: the elementwise minimum of several tensors."""

from kerastutor import ops
from kerastutor.autodiff import data_of
from kerastutor.layers.merge import Merge

__all__ = ["Minimum", "minimum"]


class Minimum(Merge):
    """Keeps, at every position, the smallest value among the inputs.

    The gradient goes to the input that won (the first one on a tie), as
    in TensorFlow. Shapes follow `Merge`'s rules. Masks: a masked value
    never wins; where an input is masked the others decide.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Minimum
        >>> Minimum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])])
        array([[1., 2.]], dtype=float32)

    Args:
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of at least 2 tensors of compatible shapes.

    Output shape:
        The common (broadcast) shape.
    """

    def _merge_function(self, inputs, masks):
        return self._combine_unmasked(_smaller, inputs, masks)


def _smaller(a, b):
    """`minimum(a, b)`: pick a where a <= b, else b (the gradient follows the pick)."""
    return ops.where(data_of(a) <= data_of(b), a, b)


def minimum(inputs, **kwargs):
    """`Minimum(**kwargs)(inputs)` in one call.

    Example:
        >>> from kerastutor.layers import Input, minimum
        >>> minimum([Input(shape=(8,)), Input(shape=(8,))]).shape
        (None, 8)
    """
    return Minimum(**kwargs)(inputs)
