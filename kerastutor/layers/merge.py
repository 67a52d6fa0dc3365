"""What Concatenate and Add share: a list of inputs in, one tensor out.

A merge layer has no weights. It checks at every call that it received a
list of at least two tensors whose shapes fit together, and explains what
"fit" means for it when they do not.
"""

import numpy as np

from kerastutor.engine.base_layer import Layer
from kerastutor.engine.keras_tensor import KerasTensor

__all__ = []


class _Merge(Layer):
    """Base of the merge layers: input checks and mask helpers."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        self._check_shapes(input_shape)
        self.built = True

    def _check_shapes(self, input_shapes):
        """The shapes as a list of tuples, or a ValueError if this is not a list of >= 2 shapes."""
        example = f"{type(self).__name__}()([x1, x2])"
        if not isinstance(input_shapes, (list, tuple)) or not all(
            isinstance(shape, (list, tuple)) for shape in input_shapes
        ):
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) merges several tensors, so it must "
                f"be called on a list of them, e.g. {example}; received one tensor of shape "
                f"{tuple(input_shapes)}."
            )
        if len(input_shapes) < 2:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) must be called on a list of at "
                f"least 2 tensors, e.g. {example}; received {len(input_shapes)}. (Keras 3 also "
                "accepts a single tensor and returns it unchanged.)"
            )
        return [tuple(shape) for shape in input_shapes]

    def _shapes_error(self, input_shapes, rule, detail=""):
        """A ValueError listing every input shape, the rule they break and how."""
        shapes = ", ".join(str(tuple(shape)) for shape in input_shapes)
        return ValueError(
            f"Layer '{self.name}' ({type(self).__name__}) cannot merge tensors of shapes "
            f"[{shapes}]: {rule} {detail}".rstrip()
        )

    def _symbolic_mask(self, output_shape):
        """The mask of a symbolic output: a boolean per position, all axes but the last."""
        return KerasTensor(output_shape[:-1], dtype="bool")


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
