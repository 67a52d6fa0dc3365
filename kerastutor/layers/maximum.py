"""Maximum: the elementwise maximum of several tensors."""

from kerastutor import ops
from kerastutor.layers.merge import Merge

__all__ = ["Maximum", "maximum"]


class Maximum(Merge):
    """Keeps, at every position, the largest value among the inputs.

    The gradient goes to the input that won (the first one on a tie), as
    in TensorFlow. Shapes follow `Merge`'s rules. Masks: a masked value
    never wins; where an input is masked the others decide.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Maximum
        >>> Maximum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])])
        array([[3., 5.]], dtype=float32)

    Args:
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of at least 2 tensors of compatible shapes.

    Output shape:
        The common (broadcast) shape.
    """

    def _merge_function(self, inputs, masks):
        return self._combine_unmasked(ops.maximum, inputs, masks)


def maximum(inputs, **kwargs):
    """`Maximum(**kwargs)(inputs)` in one call.

    Example:
        >>> from kerastutor.layers import Input, maximum
        >>> maximum([Input(shape=(8,)), Input(shape=(8,))]).shape
        (None, 8)
    """
    return Maximum(**kwargs)(inputs)
