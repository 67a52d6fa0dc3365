"""Merge: what every merge layer shares (Keras's `keras.layers.Merge`).

A merge layer has no weights. It takes a list of at least two tensors and
returns one. The elementwise merges (Add, Subtract, Multiply, Average,
Maximum, Minimum) only say how two tensors combine (`_merge_function`); the
base class checks the shapes, lines up inputs of different ranks, and
combines the masks. Concatenate and Dot keep the input checks and mask
helpers but have shape rules of their own.
"""

import numpy as np

from kerastutor import ops
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.keras_tensor import KerasTensor

__all__ = ["Merge"]


class Merge(Layer):
    """Base class of the elementwise merge layers.

    Shapes follow Keras's broadcasting rule: compared from the last axis
    backwards, two sizes fit if they are equal, if one is 1 (it is
    repeated), or if one is None. An input with fewer axes is given extra
    axes of size 1 right after the batch axis, so (batch, features) merges
    with (batch, timesteps, features).

    Masks: if every input has a mask, the output's mask keeps a position
    that any of them keeps; if some input has none, the output has none.

    Args:
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        # Raises the teaching error when the shapes do not fit, before any node exists.
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs, mask=None):
        self.compute_output_shape([tuple(x.shape) for x in inputs])
        rank = max(len(x.shape) for x in inputs)
        lined_up = []
        for x in inputs:
            if len(x.shape) < rank:
                extra = (1,) * (rank - len(x.shape))
                x = ops.reshape(x, tuple(x.shape[:1]) + extra + tuple(x.shape[1:]))
            lined_up.append(x)
        if mask is not None:
            self._check_masks(inputs, mask)
        masks = [None] * len(inputs) if mask is None else list(mask)
        return self._merge_function(lined_up, masks)

    def _merge_function(self, inputs, masks):
        """Combine the inputs (all of the same rank now); `masks` has one entry per input."""
        raise NotImplementedError(f"{type(self).__name__} must define `_merge_function`.")

    def _combine_unmasked(self, op, inputs, masks):
        """Fold `op` over the inputs so that a masked value never wins (Maximum, Minimum).

        Where one side is masked the other side's value is used for both,
        so `op` returns it unchanged; this is how Keras 3 merges with an
        operation that has no neutral value.
        """
        output = output_mask = None
        for x, mask in zip(inputs, masks, strict=True):
            mask = _spread_mask(mask, x)
            if output is None:
                output, output_mask = x, mask
                continue
            if mask is not None:
                x = ops.where(mask, x, output)
            if output_mask is not None:
                output = ops.where(output_mask, output, x)
            both_masked = mask is not None and output_mask is not None
            output_mask = output_mask | mask if both_masked else None
            output = op(output, x)
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
        if mask is None:
            return None
        self._check_masks(inputs, mask)
        if any(m is None for m in mask):
            return None
        if _any_symbolic(list(inputs) + list(mask)):
            return self._symbolic_mask(self.compute_output_shape([x.shape for x in inputs]))
        output_mask = np.asarray(mask[0], dtype=bool)
        for m in mask[1:]:
            output_mask = output_mask | np.asarray(m, dtype=bool)
        return output_mask

    # ------------------------------------------------------------ shared checks

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
                    f"{type(self).__name__} works element by element, so on each axis the "
                    "sizes must be equal (or 1, or None),",
                    f"but axis {axis} has sizes {a} and {b}.",
                )
        return output

    def _check_shapes(self, input_shapes, count=None):
        """The shapes as a list of tuples, or a ValueError if this is not a list of >= 2 shapes.

        Args:
            count: the exact number of inputs the layer takes (Subtract,
                Dot: 2), or None for "at least 2".
        """
        example = f"{type(self).__name__}()([x1, x2])"
        if not isinstance(input_shapes, (list, tuple)) or not all(
            isinstance(shape, (list, tuple)) for shape in input_shapes
        ):
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) merges several tensors, so it must "
                f"be called on a list of them, e.g. {example}; received one tensor of shape "
                f"{tuple(input_shapes)}."
            )
        if count is not None and len(input_shapes) != count:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) cannot be called "
                f"{self._call_site()}: it takes exactly {count} inputs, e.g. {example}; "
                f"received {len(input_shapes)}."
            )
        if len(input_shapes) < 2:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) must be called on a list of at "
                f"least 2 tensors, e.g. {example}; received {len(input_shapes)}. (Keras 3 also "
                "accepts a single tensor and returns it unchanged.)"
            )
        return [tuple(shape) for shape in input_shapes]

    def _check_masks(self, inputs, mask):
        """One mask (or None) per input, in a list, as Keras requires."""
        where = f"Layer '{self.name}' ({type(self).__name__})"
        if not isinstance(mask, (list, tuple)):
            raise ValueError(f"{where}: `mask` should be a list. Received: mask={mask!r}")
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{where}: `inputs` should be a list. Received: inputs={inputs!r}")
        if len(mask) != len(inputs):
            raise ValueError(
                f"{where}: the lists `inputs` and `mask` should have the same length (one "
                f"mask, or None, per input). Received {len(inputs)} inputs and {len(mask)} masks."
            )

    def _shapes_error(self, input_shapes, rule, detail=""):
        """A ValueError naming the layer and the call, listing every shape, the rule and how it breaks."""
        shapes = ", ".join(str(tuple(shape)) for shape in input_shapes)
        return ValueError(
            f"Layer '{self.name}' ({type(self).__name__}) cannot merge tensors of shapes "
            f"[{shapes}] {self._call_site()}: {rule} {detail}".rstrip()
        )

    def _symbolic_mask(self, output_shape):
        """The mask of a symbolic output: a boolean per position, all axes but the last."""
        return KerasTensor(output_shape[:-1], dtype="bool")


def _spread_mask(mask, x):
    """A (batch, timesteps) mask spread over x's (batch, timesteps, features); None stays None."""
    if mask is None:
        return None
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim < len(x.shape):
        mask = np.expand_dims(mask, -1)
    return np.broadcast_to(mask, tuple(x.shape))


def _any_symbolic(values):
    return any(isinstance(v, KerasTensor) for v in values)


def _full_mask(inputs, mask):
    """Each input's mask broadcast to the input's own shape; all True where it has none.

    Masks usually have one axis less than their tensor ((batch, timesteps)
    for (batch, timesteps, features)): one decision per timestep, shared by
    every feature.
    """
    full = []
    for x, x_mask in zip(inputs, mask, strict=True):
        shape = tuple(x.shape)
        if x_mask is None:
            full.append(np.ones(shape, dtype=bool))
            continue
        x_mask = np.asarray(x_mask, dtype=bool)
        if x_mask.ndim < len(shape):
            x_mask = np.expand_dims(x_mask, -1)
        full.append(np.broadcast_to(x_mask, shape))
    return full
