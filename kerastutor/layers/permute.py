"""Permute: reorder the non-batch axes of each sample."""

from kerastutor import ops
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec

__all__ = ["Permute"]


class Permute(Layer):
    """Reorders the axes of each sample: a transpose that leaves the batch alone.

    `dims` lists, for each output axis, which input axis it comes from,
    counting from 1 (axis 0 is the batch and stays first). Permute((2, 1))
    turns (batch, timesteps, features) into (batch, features, timesteps).
    Unlike Reshape, the numbers move with their axes.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Permute
        >>> Permute((2, 1))(np.zeros((5, 10, 64))).shape
        (5, 64, 10)

    Args:
        dims: a permutation of 1, 2, ..., n for inputs of rank n + 1.
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        (batch_size, d1, ..., dn).

    Output shape:
        (batch_size, d_dims[0], ..., d_dims[n-1]).
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                f"Invalid permutation argument `dims` for Permute layer '{self.name}'. The set "
                "of indices in `dims` must be consecutive and start from 1 (axis 0 is the "
                f"batch, which never moves). Received dims={dims}"
            )
        self.dims = dims
        self.input_spec = InputSpec(ndim=len(dims) + 1)

    def call(self, inputs):
        return ops.transpose(inputs, (0, *self.dims))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config

    def _rank_explanation(self, ndim):
        return (
            f"dims={self.dims} reorders {ndim - 1} axes, so each sample must have exactly "
            f"{ndim - 1} (plus the batch axis)."
        )
