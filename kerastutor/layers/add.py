"""Add: the elementwise sum of several tensors (e.g. a residual connection)."""

from kerastutor import ops
from kerastutor.layers.merge import _any_symbolic, _Merge

__all__ = ["Add", "add"]


class Add(_Merge):
    """Adds a list of tensors of the same shape, element by element.

    Shapes follow Keras's rule: compared from the last axis backwards, two
    sizes fit if they are equal, if one is 1 (it is repeated), or if one is
    None. An input with fewer axes is given extra axes of size 1 right after
    the batch axis, so (batch, features) can be added to (batch, timesteps,
    features).

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

    def call(self, inputs):
        # Raises the teaching error when the shapes do not fit.
        self.compute_output_shape([tuple(x.shape) for x in inputs])
        rank = max(len(x.shape) for x in inputs)
        output = None
        for x in inputs:
            if len(x.shape) < rank:
                extra = (1,) * (rank - len(x.shape))
                x = ops.reshape(x, tuple(x.shape[:1]) + extra + tuple(x.shape[1:]))
            output = x if output is None else output + x
        return output

    def compute_output_shape(self, input_shape):
        shapes = self._check_shapes(input_shape)
        if any(len(shape) == 0 for shape in shapes):
            raise self._shapes_error(shapes, "every input needs a batch axis.")
        batches = {shape[0] for shape in shapes} - {None}
        if len(batches) > 1:
            raise self._shapes_error(
                shapes, "every input needs the same batch size,", f"found {sorted(batches)}."
            )
        rank = max(len(shape) for shape in shapes)
        output = None
        for shape in shapes:
            # Right-align the sizes after the batch axis, as NumPy broadcasting does.
            sizes = [1] * (rank - len(shape)) + list(shape[1:])
            output = sizes if output is None else self._broadcast(output, sizes, shapes)
        return (batches.pop() if batches else None,) + tuple(output)

    def compute_mask(self, inputs, mask=None):
        if mask is None or any(m is None for m in mask):
            return None
        if _any_symbolic(list(inputs) + list(mask)):
            return self._symbolic_mask(self.compute_output_shape([x.shape for x in inputs]))
        output_mask = mask[0]
        for m in mask[1:]:
            output_mask = output_mask | m
        return output_mask

    def _broadcast(self, sizes_a, sizes_b, shapes):
        """Keras's rule, axis by axis: None wins, 1 repeats, otherwise sizes must agree."""
        output = []
        for axis, (a, b) in enumerate(zip(sizes_a, sizes_b, strict=True), start=1):
            if a is None or b is None:
                output.append(None)
            elif a == 1 or a == b:
                output.append(b)
            elif b == 1:
                output.append(a)
            else:
                raise self._shapes_error(
                    shapes,
                    "Add sums element by element, so on each axis the sizes must be equal "
                    "(or 1, or None),",
                    f"but axis {axis} has sizes {a} and {b}.",
                )
        return output


def add(inputs, **kwargs):
    """`Add(**kwargs)(inputs)` in one call.

    Example:
        >>> from kerastutor.layers import Input, add
        >>> add([Input(shape=(8,)), Input(shape=(8,))]).shape
        (None, 8)
    """
    return Add(**kwargs)(inputs)
