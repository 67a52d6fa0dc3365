"""Add: the elementwise sum of several tensors (e.g. a residual connection)."""

from kerastutor.layers.merge import Merge

__all__ = ["Add", "add"]


class Add(Merge):
    """Adds a list of tensors of the same shape, element by element.

    Shapes follow Keras's rule (see `Merge`): compared from the last axis
    backwards, two sizes fit if they are equal, if one is 1 (it is
    repeated), or if one is None. An input with fewer axes is given extra
    axes of size 1 right after the batch axis, so (batch, features) can be
    added to (batch, timesteps, features).

    Masks: if every input has a mask, the output's mask keeps a position
    that any of them keeps; if some input has none, the output has none.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Add
        >>> Add()([np.ones((2, 3)), np.full((2, 3), 2.0)])
        array([[3., 3., 3.],
               [3., 3., 3.]], dtype=float32)

    Args:
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of at least 2 tensors of compatible shapes.

    Output shape:
        The common (broadcast) shape.
    """

    def _merge_function(self, inputs, masks):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output


def add(inputs, **kwargs):
    """`Add(**kwargs)(inputs)` in one call.

    Example:
        >>> from kerastutor.layers import Input, add
        >>> add([Input(shape=(8,)), Input(shape=(8,))]).shape
        (None, 8)
    """
    return Add(**kwargs)(inputs)
