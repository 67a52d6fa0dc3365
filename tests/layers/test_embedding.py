"""Embedding: the lookup, one-hot equivalence, masks, bad indices, seed 001's config."""

import re

import numpy as np
import pytest

from kerastutor import autodiff, ops
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.layers import LSTM, Embedding, Input
from kerastutor.layers.embedding import EmbeddingIndexError
from kerastutor.models import Model, Sequential


def test_lookup_returns_rows_of_the_matrix():
    layer = Embedding(10, 4)
    indices = np.array([[4, 0, 9], [4, 4, 1]])
    out = layer(indices)
    table = layer.get_weights()[0]
    assert out.shape == (2, 3, 4)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, table[indices])


def test_lookup_equals_one_hot_times_the_matrix():
    layer = Embedding(7, 3)
    indices = np.array([[1, 6, 0, 1], [3, 3, 2, 5]])
    one_hot = np.eye(7, dtype=np.float32)[indices]  # (2, 4, 7)
    out = layer(indices)
    expected = one_hot @ layer.get_weights()[0]
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-7)


def test_the_seed_000_example_gives_equal_rows_for_equal_indices():
    model = Sequential()
    model.add(Embedding(4, 5, input_length=7))
    assert model.output_shape == (None, 7, 5)
    out = model.predict(np.array([[0, 1, 0, 1, 1, 0, 3]]))
    assert out.shape == (1, 7, 5) and out.dtype == np.float32
    rows = out[0]
    for a, b in [(0, 2), (0, 5), (1, 3), (1, 4)]:
        np.testing.assert_array_equal(rows[a], rows[b])
    assert not np.array_equal(rows[0], rows[1])
    assert not np.array_equal(rows[0], rows[6])


def test_default_initializer_is_uniform_within_0_05():
    layer = Embedding(50, 8)
    layer.build((None, 3))
    table = layer.get_weights()[0]
    assert table.shape == (50, 8) and table.dtype == np.float32
    assert table.min() >= -0.05 and table.max() < 0.05
    assert table.std() > 0.02  # really random, not constant


def test_output_shape_any_rank_symbolic_and_eager():
    layer = Embedding(9, 3)
    for shape in [(2,), (2, 5), (2, 4, 5)]:
        indices = np.ones(shape, dtype=np.int32)
        assert layer(indices).shape == shape + (3,)
    x = Input(shape=(4, 5), dtype="int32")
    assert Embedding(9, 3)(x).shape == (None, 4, 5, 3)
    assert Embedding(9, 3).compute_output_shape((None, None)) == (None, None, 3)


def test_whole_floats_are_accepted_as_indices():
    layer = Embedding(5, 2)
    ints = np.array([[0, 3, 4]])
    np.testing.assert_array_equal(layer(ints.astype(np.float32)), layer(ints))


def test_symbolic_float_input_from_sequential_works(seed001):
    # The seed's own config, get_config() and weights are tested in tests/seeds/test_seed_001.py.
    model = seed001.model
    assert model.inputs[0].dtype == "float32"
    out = model.predict(np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_array_equal(out[0], np.eye(6, 2, dtype=np.float32)[[1, 2, 3]])


def test_frozen_embedding_gets_no_trainable_weights_in_a_model():
    x = Input(shape=(3,), dtype="int32")
    frozen = Embedding(6, 2, trainable=False)
    model = Model(x, LSTM(2)(frozen(x)))
    assert frozen.embeddings not in model.trainable_weights
    assert frozen.embeddings in model.non_trainable_weights


def test_weights_of_the_wrong_shape_are_refused_at_build():
    layer = Embedding(6, 2, weights=[np.eye(5, 2)])
    with pytest.raises(ValueError, match=r"\(6, 2\)"):
        layer(np.array([[1]]))


def test_config_round_trip():
    layer = Embedding(12, 3, mask_zero=True, name="words")
    config = layer.get_config()
    assert config["batch_input_shape"] == (None, None)  # Keras 2: input_shape=(None,)
    clone = Embedding.from_config(config)
    assert clone.get_config() == config
    assert clone.mask_zero and clone.input_dim == 12 and clone.output_dim == 3


def test_input_length_builds_a_sequential_at_once():
    model = Sequential()
    model.add(Embedding(6, 2, input_length=3))
    assert model.built and model.input_shape == (None, 3)


def test_an_explicit_input_shape_wins_over_input_length():
    layer = Embedding(6, 2, input_shape=(5,))
    assert layer.get_config()["batch_input_shape"] == (None, 5)


# ------------------------------------------------------------ masks


def test_mask_zero_mask_eager_and_symbolic():
    layer = Embedding(6, 2, mask_zero=True)
    indices = np.array([[1, 0, 3], [0, 0, 2]])
    out = layer(indices)
    np.testing.assert_array_equal(out[0, 1], layer.get_weights()[0][0])  # row 0, not zeros
    np.testing.assert_array_equal(layer.compute_mask(indices), indices != 0)
    x = Input(shape=(3,), dtype="int32")
    y = Embedding(6, 2, mask_zero=True)(x)
    assert isinstance(y._keras_mask, KerasTensor)
    assert y._keras_mask.shape == (None, 3) and y._keras_mask.dtype == "bool"
    # The symbolic mask is computed by a graph node of its own, as in Keras 3,
    # so a model can compute it from the indices.
    mask = Embedding(6, 2, mask_zero=True).compute_mask(x)
    assert mask._keras_history is not None
    model = Model(x, mask)
    np.testing.assert_array_equal(model.predict(indices), indices != 0)


def test_no_mask_without_mask_zero():
    layer = Embedding(6, 2)
    assert layer.compute_mask(np.array([[0, 1]])) is None
    assert Embedding(6, 2)(Input(shape=(3,), dtype="int32"))._keras_mask is None


# ------------------------------------------------------------ gradients


def test_gradient_reaches_only_the_rows_that_were_used():
    layer = Embedding(5, 3)
    layer.build((None, 4))
    with autodiff.watch(layer.trainable_weights):
        loss = ops.sum(layer(np.array([[1, 3, 1, 1]])))
        loss.backward()
    grad = layer.embeddings.grad
    assert grad.dtype == np.float32
    np.testing.assert_array_equal(grad[1], [3, 3, 3])  # read three times
    np.testing.assert_array_equal(grad[3], [1, 1, 1])
    np.testing.assert_array_equal(grad[[0, 2, 4]], 0)


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("bad", "value", "position"),
    [(-1, "-1", r"\(1, 2\)"), (6, "6", r"\(1, 2\)"), (40, "40", r"\(1, 2\)")],
)
def test_index_outside_the_vocabulary_is_an_index_error(bad, value, position):
    layer = Embedding(6, 2, name="words")
    indices = np.array([[1, 2, 3], [0, 5, bad]])
    with pytest.raises(EmbeddingIndexError) as info:
        layer(indices)
    message = str(info.value)
    assert isinstance(info.value, IndexError) and isinstance(info.value, ValueError)
    assert "'words'" in message and f"index {value} " in message
    assert "input_dim=6" in message and "0 to 5" in message
    assert "input_dim must be the largest index + 1" in message
    assert re.search(f"position {position}", message)


def test_index_error_through_model_predict():
    model = Sequential()
    model.add(Embedding(4, 5, input_length=7))
    with pytest.raises(IndexError, match="index 4 at position"):
        model.predict(np.array([[0, 1, 0, 1, 1, 0, 4]]))


def test_fractional_index_names_the_dtype_and_the_value():
    layer = Embedding(6, 2, name="words")
    with pytest.raises(ValueError) as info:
        layer(np.array([[1.0, 1.5, 2.0]]))
    message = str(info.value)
    assert "'words'" in message and "float64" in message and "1.5" in message
    assert "(0, 1)" in message


def test_nan_index_is_refused():
    with pytest.raises(ValueError, match="nan"):
        Embedding(6, 2)(np.array([[1.0, np.nan]]))


def test_non_numeric_indices_are_a_type_error():
    with pytest.raises(TypeError, match=r"<U5.*'hello'"):
        Embedding(6, 2)(np.array([["hello", "world"]]))
    with pytest.raises(TypeError, match="bool"):
        Embedding(6, 2)(np.array([[True, False]]))


def test_input_length_mismatch_is_explained():
    layer = Embedding(6, 2, input_length=3)
    with pytest.raises(ValueError, match="input_length=3"):
        layer(np.zeros((2, 4), dtype=np.int32))


@pytest.mark.parametrize("argument", ["input_dim", "output_dim"])
@pytest.mark.parametrize("value", [0, -3, 2.5, "8", True])
def test_dimensions_must_be_positive_integers(argument, value):
    kwargs = {"input_dim": 6, "output_dim": 2, argument: value}
    with pytest.raises(ValueError, match=f"`{argument}`.*{value!r}"):
        Embedding(**kwargs)


def test_input_length_must_be_positive():
    with pytest.raises(ValueError, match="input_length"):
        Embedding(6, 2, input_length=0)


def test_regularizers_and_constraints_are_accepted_and_serialized():
    layer = Embedding(
        6,
        2,
        embeddings_regularizer="l2",
        activity_regularizer="l1",
        embeddings_constraint="unit_norm",
    )
    config = layer.get_config()
    assert config["embeddings_regularizer"] == {"class_name": "L2", "config": {"l2": 0.01}}
    assert config["activity_regularizer"]["class_name"] == "L1"
    assert config["embeddings_constraint"] == {"class_name": "UnitNorm", "config": {"axis": 0}}
    assert Embedding.from_config(config).get_config() == config


def test_unknown_keyword_is_rejected_like_keras_2():
    with pytest.raises(TypeError) as info:
        Embedding(6, 2, dropout=0.5)
    assert info.value.args == ("Keyword argument not understood:", "dropout")
