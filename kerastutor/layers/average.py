"""Average: the elementwise mean of several tensors (e.g. an ensemble)."""

import numpy as np

from kerastutor import ops
from kerastutor.layers.merge import Merge

__all__ = ["Average", "average"]


class Average(Merge):
    """Averages a list of tensors, element by element: `(x1 + ... + xn) / n`.

    Shapes and masks follow `Merge`'s rules. As in Keras, masked positions
    still count in the mean.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Average
        >>> Average()([np.ones((1, 2)), np.full((1, 2), 3.0)])
        array([[2., 2.]], dtype=float32)

    Args:
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of at least 2 tensors of compatible shapes.

    Output shape:
        The common (broadcast) shape.
    """

    def _merge_function(self, inputs, masks):
        total = inputs[0]
        for x in inputs[1:]:
            total = ops.add(total, x)
        return ops.divide(total, np.asarray(len(inputs), dtype=total.dtype))


def average(inputs, **kwargs):
    """`Average(**kwargs)(inputs)` in one call.

    Example:
        >>> from kerastutor.layers import Input, average
        >>> average([Input(shape=(8,)), Input(shape=(8,))]).shape
        (None, 8)
    """
    return Average(**kwargs)(inputs)
