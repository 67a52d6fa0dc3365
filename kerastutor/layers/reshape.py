"""Reshape: rearrange each sample's numbers into a new shape."""

import math

import numpy as np

from kerastutor import ops
from kerastutor.engine.base_layer import Layer

__all__ = ["Reshape"]


class Reshape(Layer):
    """Gives each sample the shape `target_shape`, keeping its numbers in order.

    The numbers are read and written in C order (the last axis changes
    fastest), so Reshape((2, 6)) on a (3, 4) sample reads its 12 numbers row
    by row and writes them row by row. The batch axis is never touched. The
    total must stay the same: 3 * 4 = 2 * 6. One entry of `target_shape`
    may be -1, meaning "whatever size makes the total fit": Reshape((-1, 2))
    on (3, 4) gives (6, 2).

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Reshape
        >>> Reshape((2, 6))(np.zeros((5, 3, 4))).shape
        (5, 2, 6)
        >>> Reshape((-1, 2))(np.zeros((5, 3, 4))).shape
        (5, 6, 2)

    Args:
        target_shape: the shape of each sample, without the batch axis: a
            tuple of positive integers, at most one of them -1.
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        (batch_size, ...) with any sizes whose product is the target's.

    Output shape:
        (batch_size, *target_shape), -1 resolved (None if the input has an
        unknown size).
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        if isinstance(target_shape, int) or not all(
            isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in target_shape
        ):
            raise TypeError(
                f"Reshape layer '{self.name}' expects `target_shape` to be a tuple of integers "
                f"(the shape of one sample, without the batch axis), received {target_shape!r}."
            )
        target_shape = tuple(int(d) for d in target_shape)
        if any(d < -1 for d in target_shape) or target_shape.count(-1) > 1:
            raise ValueError(
                f"Each dimension in `target_shape` of Reshape layer '{self.name}' must be a "
                "non-negative integer, or -1 for a single unknown dimension (only one size "
                f"can be inferred from the total). Received: target_shape={target_shape}."
            )
        self.target_shape = target_shape

    def build(self, input_shape):
        # Raises the teaching error before the layer counts as built.
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs):
        sample_shape = self._resolved(tuple(inputs.shape[1:]))
        return ops.reshape(inputs, (inputs.shape[0], *sample_shape))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        sample_shape = self._resolved(input_shape[1:])
        return (input_shape[0], *(None if d == -1 else d for d in sample_shape))

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config

    def _resolved(self, sample_shape):
        """`target_shape` with its -1 worked out (left as -1 while an input size is unknown)."""
        if None in sample_shape:
            return self.target_shape
        total = math.prod(sample_shape)
        if -1 not in self.target_shape:
            if math.prod(self.target_shape) != total:
                raise self._size_error(
                    sample_shape,
                    f"the target holds {' * '.join(map(str, self.target_shape)) or '1'} = "
                    f"{math.prod(self.target_shape)} numbers.",
                )
            return self.target_shape
        unknown = self.target_shape.index(-1)
        known = math.prod(d for d in self.target_shape if d != -1)
        if known == 0 or total % known != 0:
            raise self._size_error(
                sample_shape,
                f"the known sizes of the target multiply to {known}, which does not divide "
                f"{total}, so no size for dimension {unknown} (the -1) makes the totals agree.",
            )
        return tuple(total // known if d == -1 else d for d in self.target_shape)

    def _size_error(self, sample_shape, detail):
        total = math.prod(sample_shape)
        return ValueError(
            f"Layer '{self.name}' (Reshape) cannot be called {self._call_site()}: each sample "
            f"has shape {sample_shape}, i.e. {' * '.join(map(str, sample_shape))} = {total} "
            f"numbers, but target_shape={self.target_shape}: {detail} Reshape only rearranges "
            "numbers, so the totals must be equal."
        )
