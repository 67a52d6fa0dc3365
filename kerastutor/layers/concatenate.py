"""Concatenate: join tensors end to end along one axis."""

import numpy as np

from kerastutor import ops
from kerastutor.layers.merge import Merge, _any_symbolic, _full_mask

__all__ = ["Concatenate", "concatenate"]


class Concatenate(Merge):
    """Concatenates a list of tensors along `axis`.

    The inputs must have the same rank and the same size on every axis but
    `axis` (None matches any size); the output's size on `axis` is the sum of
    theirs. In the two-tweets model, two (None, 64) encodings become one
    (None, 128) vector.

    Masks: if any input has a mask, the output gets one, made as Keras 3
    does: each mask is spread over its input's shape (all True for an input
    without a mask), the pieces are concatenated along `axis`, and a position
    stays unmasked if any of its features is. Joining sequences along the
    time axis therefore joins their masks; joining features (axis=-1) keeps
    a timestep that any input keeps.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Concatenate
        >>> Concatenate(axis=-1)([np.zeros((2, 3)), np.ones((2, 4))]).shape
        (2, 7)

    Args:
        axis: the axis to join along; negative values count from the end.
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of at least 2 tensors of equal rank, equal sizes off `axis`.

    Output shape:
        The common shape, with the sizes along `axis` added up (None if any
        of them is None).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise ValueError(
                f"Received an invalid value for argument `axis` of Concatenate layer "
                f"'{self.name}': expected an integer, received {axis!r}."
            )
        self.axis = axis

    def call(self, inputs):
        # Raises the teaching error when the shapes do not fit.
        self.compute_output_shape([tuple(x.shape) for x in inputs])
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        shapes = self._check_shapes(input_shape)
        rank = len(shapes[0])
        if any(len(shape) != rank for shape in shapes):
            raise self._shapes_error(
                shapes,
                "concatenated tensors must have the same number of axes.",
                "Reshape the inputs so that their ranks agree.",
            )
        if not -rank <= self.axis < rank:
            raise self._shapes_error(
                shapes, f"axis={self.axis} does not exist for inputs of rank {rank}."
            )
        axis = self.axis % rank
        for other in range(rank):
            sizes = {shape[other] for shape in shapes} - {None}
            if other != axis and len(sizes) > 1:
                raise self._shapes_error(
                    shapes,
                    f"joining along axis {self.axis} lays the tensors side by side, so every "
                    "other axis must line up,",
                    f"but axis {other} has sizes {sorted(sizes)}.",
                )
        # Like Keras, the other sizes are read from the first input.
        joined = [shape[axis] for shape in shapes]
        output_shape = list(shapes[0])
        output_shape[axis] = None if None in joined else sum(joined)
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        if _any_symbolic(list(inputs) + list(mask)):
            return self._symbolic_mask(self.compute_output_shape([x.shape for x in inputs]))
        joined = np.concatenate(_full_mask(inputs, mask), axis=self.axis)
        return joined.any(axis=-1)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


def concatenate(inputs, axis=-1, **kwargs):
    """`Concatenate(axis=axis, **kwargs)(inputs)` in one call.

    Example:
        >>> from kerastutor.layers import Input, concatenate
        >>> concatenate([Input(shape=(64,)), Input(shape=(64,))], axis=-1).shape
        (None, 128)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
