"""Embedding: turn integer indices into rows of a trainable matrix."""

import numpy as np

from kerastutor import constraints, initializers, ops, regularizers
from kerastutor.autodiff import data_of
from kerastutor.engine.backend_op import register_operation, symbolic_call
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.validation import positive_int

__all__ = ["Embedding", "EmbeddingIndexError"]


class EmbeddingIndexError(IndexError, ValueError):
    """An index outside [0, input_dim): both an IndexError and a ValueError."""


class Embedding(Layer):
    """Turns positive integers (indices) into dense vectors of fixed size.

    The layer holds one matrix W of shape (input_dim, output_dim): one row per
    word of the vocabulary. Looking up index k returns row k of W, which is
    exactly one-hot(k) @ W: the one-hot vector has a single 1 in column k, so
    the product keeps row k and nothing else. The lookup is just the fast way
    to compute that product, and training W is training that matrix.

    Because the output only depends on the index, equal indices give equal
    rows: with `Embedding(4, 5, input_length=7)`, the input
    [[0, 1, 0, 1, 1, 0, 3]] gives a (1, 7, 5) output whose rows 0, 2 and 5
    are identical (all index 0), as are rows 1, 3 and 4 (index 1).

    Compare `Input`: it computes nothing, it only declares the shape of the
    data. An Embedding computes something (a lookup) and has weights.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Embedding
        >>> layer = Embedding(6, 2, weights=[np.eye(6, 2)])
        >>> layer(np.array([[1, 2, 3]]))
        array([[[0., 1.],
                [0., 0.],
                [0., 0.]]], dtype=float32)

    Args:
        input_dim: positive integer, the size of the vocabulary: the largest
            index + 1.
        output_dim: positive integer, the length of each embedding vector.
        embeddings_initializer: defaults to 'uniform', i.e.
            RandomUniform(-0.05, 0.05). `weights=[W]` overrides it.
        embeddings_regularizer: a penalty on the matrix (e.g. `L2(0.01)`),
            added to the loss by fit.
        activity_regularizer: a penalty on the looked-up vectors, divided
            by the batch size.
        embeddings_constraint: a rule (e.g. `UnitNorm(axis=1)`) enforced
            after every optimizer step.
        mask_zero: whether index 0 means "padding". If True, the layer
            outputs a mask (`indices != 0`) that the next layers (an LSTM)
            use to skip padded steps; row 0 of W is still looked up.
        input_length: the length of the sequences, when it is fixed. As in
            Keras 2, it sets `input_shape=(input_length,)`, so a Sequential
            model that starts with this layer is built at once.
        **kwargs: the base Layer's arguments (`name`, `trainable`, `weights`,
            `input_shape`, ...).

    Input shape:
        Integer array of shape (batch_size, input_length), or any shape
        (batch_size, ...). Float arrays holding whole numbers are accepted.

    Output shape:
        (batch_size, input_length, output_dim), or (batch_size, ..., output_dim).
    """

    # The inputs are indices: casting them to float32 would be wrong.
    _cast_inputs = False

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        activity_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        input_length=None,
        **kwargs,
    ):
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        input_dim = positive_int(self, "input_dim", input_dim)
        output_dim = positive_int(self, "output_dim", output_dim)
        input_length = positive_int(self, "input_length", input_length, allow_none=True)
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.input_length = None if input_length is None else int(input_length)
        self.supports_masking = self.mask_zero
        if self.input_length is not None:
            self.input_spec = InputSpec(min_ndim=2, axes={1: self.input_length})

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            name="embeddings",
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )
        self.built = True

    def call(self, inputs):
        indices = self._checked_indices(inputs)
        return ops.take(self.embeddings, indices)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        if isinstance(inputs, KerasTensor):
            # A graph node of its own (as in Keras 3), so that the mask can
            # also be passed on by hand: `lstm(x, mask=embedding.compute_mask(ids))`.
            return symbolic_call("not_equal", [inputs, 0])
        return _not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero,
                "input_length": self.input_length,
            }
        )
        return config

    # ------------------------------------------------------------ teaching errors

    def _checked_indices(self, inputs):
        """The inputs as an integer array, or an error saying what is wrong with them."""
        indices = data_of(inputs)
        if indices.dtype.kind == "f":
            not_whole = indices != np.round(indices)
            not_whole |= ~np.isfinite(indices)
            if not_whole.any():
                position = tuple(int(i) for i in np.argwhere(not_whole)[0])
                raise ValueError(
                    f"Embedding layer '{self.name}' looks up rows by index, so its input must "
                    f"hold whole numbers, but it received a {indices.dtype} array with the "
                    f"value {indices[position].item()!r} at position {position}. Pass integer "
                    "indices (e.g. `x.astype('int32')`) from a tokenizer or vocabulary."
                )
            indices = indices.astype(np.int64)
        elif indices.dtype.kind not in "iu":
            example = indices.flat[0].item() if indices.size else "(empty)"
            raise TypeError(
                f"Embedding layer '{self.name}' looks up rows by index, so its input must be "
                f"an array of integers, but it received dtype {indices.dtype} (e.g. "
                f"{example!r}). Turn words into integer indices first."
            )
        outside = (indices < 0) | (indices >= self.input_dim)
        if outside.any():
            position = tuple(int(i) for i in np.argwhere(outside)[0])
            value = int(indices[position])
            count = int(outside.sum())
            if value < 0:
                why = "Indices count rows from 0, so they cannot be negative"
            else:
                why = f"Embedding(input_dim={int(indices.max()) + 1}, ...) would fit this data"
            raise EmbeddingIndexError(
                f"Embedding layer '{self.name}' received index {value} at position {position} "
                f"({count} index(es) out of range in total), but it has input_dim="
                f"{self.input_dim} rows, so valid indices are 0 to {self.input_dim - 1}. "
                f"input_dim must be the largest index + 1. {why}."
            )
        return indices

    def _axis_explanation(self, axis, size):
        return (
            f"It was created with input_length={self.input_length}, which fixes the number "
            f"of indices per sample to {size}. Leave input_length out to accept any length."
        )


def _not_equal(x, value):
    """Where `x` differs from `value`: the mask, True at real (non-padding) indices."""
    return data_of(x) != value


register_operation(
    "not_equal",
    _not_equal,
    lambda x_shape, value_shape: x_shape,
    lambda x_dtype, value_dtype: "bool",
)
