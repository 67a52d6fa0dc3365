"""Multiply: the elementwise product of several tensors (e.g. a gate)."""

import numpy as np

from kerastutor import ops
from kerastutor.layers.merge import Merge, _spread_mask

__all__ = ["Multiply", "multiply"]


class Multiply(Merge):
    """Multiplies a list of tensors, element by element.

    Shapes follow `Merge`'s rules. Masks, as in Keras 3: a masked position
    of an input counts as 1 (it leaves the product unchanged); if every
    input has a mask, positions that no input keeps become 0 and the output
    keeps a position that any input keeps.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Multiply
        >>> Multiply()([np.full((1, 3), 2.0), np.full((1, 3), 3.0)])
        array([[6., 6., 6.]], dtype=float32)

    Args:
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of at least 2 tensors of compatible shapes.

    Output shape:
        The common (broadcast) shape.
    """

    def _merge_function(self, inputs, masks):
        every_input_masked = all(mask is not None for mask in masks)
        output = kept = None
        for x, mask in zip(inputs, masks, strict=True):
            mask = _spread_mask(mask, x)
            if mask is not None:
                x = ops.where(mask, x, np.ones((), dtype=x.dtype))
                kept = mask if kept is None else kept | mask
            output = x if output is None else ops.multiply(output, x)
        if every_input_masked:
            output = ops.where(kept, output, np.zeros((), dtype=output.dtype))
        return output


def multiply(inputs, **kwargs):
    """`Multiply(**kwargs)(inputs)` in one call.

    Example:
        >>> from kerastutor.layers import Input, multiply
        >>> multiply([Input(shape=(8,)), Input(shape=(8,))]).shape
        (None, 8)
    """
    return Multiply(**kwargs)(inputs)
