"""Dot: the dot product of two tensors along chosen axes, sample by sample."""

from kerastutor import config, ops
from kerastutor.layers.merge import Merge
from kerastutor.layers.unit_normalization import l2_normalize

__all__ = ["Dot", "dot"]


class Dot(Merge):
    """For each sample, the dot product of two tensors along one axis of each.

    With `axes=(a, b)`, axis `a` of the first input meets axis `b` of the
    second: their sizes must agree, and they are multiplied element by
    element and summed away. Every other axis of the first input (batch
    first), then every other non-batch axis of the second, makes up the
    output. On two (batch, d) vectors that is one number per sample, shaped
    (batch, 1); on (batch, n, d) and (batch, m, d) with axes=2 it is the
    (batch, n, m) table of all pairwise dot products, which is how
    attention scores are computed.

    With `normalize=True` both inputs are first scaled to unit L2 norm along
    their dot axis, so the output is the cosine similarity.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Dot
        >>> Dot(axes=1)([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])])
        array([[11.]], dtype=float32)
        >>> Dot(axes=(2, 2))([np.ones((2, 3, 4)), np.ones((2, 5, 4))]).shape
        (2, 3, 5)

    Args:
        axes: an integer (the same axis of both inputs) or a pair of
            integers; negative values count from the end. Axis 0 (the batch)
            cannot be used.
        normalize: whether to L2-normalize each input along its dot axis.
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of exactly 2 tensors of rank >= 2 whose dot axes have the same size.

    Output shape:
        The first input's shape without its dot axis, followed by the second
        input's without its batch and dot axes; (batch, 1) if nothing else is left.
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int) or isinstance(axes, bool):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(
                    f"Invalid type for argument `axes` of Dot layer '{self.name}': it should be "
                    f"a list or an int. Received: axes={axes!r}"
                )
            if len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(
                    f"Invalid format for argument `axes` of Dot layer '{self.name}': it should "
                    f"contain two integers, one axis per input. Received: axes={axes!r}"
                )
        self.axes = axes if isinstance(axes, int) else list(axes)
        self.normalize = normalize

    def build(self, input_shape):
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs, mask=None):
        self.compute_output_shape([tuple(x.shape) for x in inputs])
        x1, x2 = inputs
        axis1, axis2 = self._dot_axes(x1.shape, x2.shape)
        if self.normalize:
            x1 = l2_normalize(x1, axis1, config.epsilon())
            x2 = l2_normalize(x2, axis2, config.epsilon())
        # Move each dot axis to the end, then line the other axes up side by
        # side: x1 (batch, *rest1, 1...1, d) and x2 (batch, 1...1, *rest2, d).
        x1 = ops.transpose(x1, _to_last(len(x1.shape), axis1))
        x2 = ops.transpose(x2, _to_last(len(x2.shape), axis2))
        rest1, rest2 = tuple(x1.shape[1:-1]), tuple(x2.shape[1:-1])
        batch, size = x1.shape[0], x1.shape[-1]
        x1 = ops.reshape(x1, (batch, *rest1, *(1,) * len(rest2), size))
        x2 = ops.reshape(x2, (batch, *(1,) * len(rest1), *rest2, size))
        output = ops.sum(ops.multiply(x1, x2), axis=-1)
        if not rest1 and not rest2:
            output = ops.reshape(output, (batch, 1))
        return output

    def compute_output_shape(self, input_shape):
        shape1, shape2 = self._check_shapes(input_shape, count=2)
        if len(shape1) < 2 or len(shape2) < 2:
            raise self._shapes_error(
                [shape1, shape2],
                "each input needs a batch axis and at least one more axis to take the dot "
                "product along.",
            )
        if shape1[0] is not None and shape2[0] is not None and shape1[0] != shape2[0]:
            raise self._shapes_error(
                [shape1, shape2], "both inputs need the same batch size,", "they differ."
            )
        axis1, axis2 = self._dot_axes(shape1, shape2)
        size1, size2 = shape1[axis1], shape2[axis2]
        if size1 is not None and size2 is not None and size1 != size2:
            raise self._shapes_error(
                [shape1, shape2],
                f"with axes={self.axes} the dot product pairs axis {axis1} of the first "
                f"input with axis {axis2} of the second, so their sizes must agree,",
                f"but they are {size1} and {size2}.",
            )
        output = [d for i, d in enumerate(shape1) if i != axis1]
        output += [d for i, d in enumerate(shape2) if i not in (0, axis2)]
        if len(output) == 1:
            output.append(1)
        return tuple(output)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config_dict = super().get_config()
        config_dict.update({"axes": self.axes, "normalize": self.normalize})
        return config_dict

    def _dot_axes(self, shape1, shape2):
        """The two dot axes as non-negative integers; axis 0 (the batch) is refused."""
        pair = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        axes = []
        for axis, shape in zip(pair, (shape1, shape2), strict=True):
            if not -len(shape) <= axis < len(shape):
                raise self._shapes_error(
                    [shape1, shape2], f"axes={self.axes} names an axis the inputs do not have."
                )
            axes.append(axis % len(shape))
        if 0 in axes:
            raise self._shapes_error(
                [shape1, shape2],
                f"axes={self.axes} would take the dot product over axis 0, the batch axis; "
                "Dot works sample by sample, so use axes >= 1.",
            )
        return axes


def _to_last(rank, axis):
    """The permutation that moves `axis` to the end, keeping the others in order."""
    return [i for i in range(rank) if i != axis] + [axis]


def dot(inputs, axes=-1, **kwargs):
    """`Dot(axes=axes, **kwargs)(inputs)` in one call.

    Example:
        >>> from kerastutor.layers import Input, dot
        >>> dot([Input(shape=(8,)), Input(shape=(8,))], axes=1).shape
        (None, 1)
    """
    return Dot(axes=axes, **kwargs)(inputs)
