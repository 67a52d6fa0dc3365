"""Concatenate / concatenate and Add / add: shapes, errors, masks, numbers, config."""

import json

import numpy as np
import pytest

from kerastutor import autodiff, layers, ops
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.layers import Add, Concatenate, Dense, Input, Layer, add, concatenate
from kerastutor.models import Model


class MaskZeroSteps(Layer):
    """Test helper: masks the timesteps whose features are all zero (like Keras's Masking)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_mask(self, inputs, mask=None):
        if isinstance(inputs, KerasTensor):
            return KerasTensor(inputs.shape[:-1], dtype="bool")
        return np.any(autodiff.data_of(inputs) != 0, axis=-1)


class MaskAsOutput(Layer):
    """Test helper: outputs the mask it receives, as floats (1 = kept)."""

    def call(self, inputs, mask=None):
        return np.asarray(mask, dtype="float32")

    def compute_output_shape(self, input_shape):
        return input_shape[:-1]


# The masks of the Keras check in the report: Embedding(mask_zero=True) on
# [[1, 2, 0, 0], [3, 0, 0, 0]] and on [[1, 0, 4, 0], [0, 0, 0, 5]].
MASK_A = np.array([[1, 1, 0, 0], [1, 0, 0, 0]], dtype=bool)
MASK_B = np.array([[1, 0, 1, 0], [0, 0, 0, 1]], dtype=bool)


def sequences_with_mask(mask, features, seed):
    """(batch, time, features) data that is zero exactly where `mask` is False."""
    values = np.random.default_rng(seed).uniform(1, 2, size=mask.shape + (features,))
    return (values * mask[..., None]).astype("float32")


# ------------------------------------------------------------------ Concatenate


def test_seed_002_concatenate_function_on_two_encodings():
    encoded_a = Input(shape=(64,))
    encoded_b = Input(shape=(64,))
    merged_vector = concatenate([encoded_a, encoded_b], axis=-1)
    assert merged_vector.shape == (None, 128)
    layer = merged_vector._keras_history.layer
    assert isinstance(layer, Concatenate) and layer.name == "concatenate"
    assert layer.get_input_at(0) == [encoded_a, encoded_b]
    predictions = Dense(1, activation="sigmoid")(merged_vector)
    model = Model([encoded_a, encoded_b], [merged_vector, predictions])
    a, b = np.ones((3, 64)), np.zeros((3, 64))
    merged, out = model.predict([a, b])
    np.testing.assert_array_equal(merged, np.concatenate([a, b], axis=-1))
    assert merged.dtype == out.dtype == np.float32 and out.shape == (3, 1)


@pytest.mark.parametrize("axis", [-1, 1, 2, -2])
def test_concatenate_values_and_shapes(axis):
    rng = np.random.default_rng(0)
    shapes = {-1: [(2, 4, 3), (2, 4, 5)], 2: [(2, 4, 3), (2, 4, 5)]}
    shapes[1] = shapes[-2] = [(2, 3, 5), (2, 4, 5), (2, 1, 5)]
    arrays = [rng.standard_normal(s).astype("float32") for s in shapes[axis]]
    layer = Concatenate(axis=axis)
    out = layer(arrays)
    np.testing.assert_array_equal(out, np.concatenate(arrays, axis=axis))
    symbolic = Concatenate(axis=axis)([Input(shape=s[1:]) for s in shapes[axis]])
    assert symbolic.shape == (None,) + out.shape[1:]


def test_concatenate_unknown_sizes():
    layer = Concatenate(axis=1)
    assert layer.compute_output_shape([(None, None, 3), (None, 4, 3)]) == (None, None, 3)
    # Like Keras, the sizes off the axis are read from the first input.
    assert concatenate([Input(shape=(None, 3)), Input(shape=(5, 2))]).shape == (None, None, 5)


def test_concatenate_shape_mismatch_lists_all_shapes():
    with pytest.raises(ValueError) as error:
        concatenate([Input(shape=(4, 3)), Input(shape=(4, 2)), Input(shape=(5, 2))])
    message = str(error.value)
    assert "'concatenate'" in message
    assert "[(None, 4, 3), (None, 4, 2), (None, 5, 2)]" in message
    assert "axis 1 has sizes [4, 5]" in message
    with pytest.raises(ValueError, match="same number of axes"):
        Concatenate()([np.zeros((2, 3)), np.zeros((2, 3, 1))])
    with pytest.raises(ValueError, match="axis 0 has sizes"):
        Concatenate()([np.zeros((2, 3)), np.zeros((3, 3))])
    with pytest.raises(ValueError, match="axis=3 does not exist for inputs of rank 2"):
        Concatenate(axis=3)([Input(shape=(2,)), Input(shape=(2,))])


def test_a_shared_concatenate_checks_every_call():
    layer = Concatenate(axis=-1)
    layer([Input(shape=(4, 3)), Input(shape=(4, 2))])
    with pytest.raises(ValueError, match="axis 1 has sizes"):
        layer([Input(shape=(4, 3)), Input(shape=(5, 2))])
    with pytest.raises(ValueError, match="axis 1 has sizes"):
        layer([np.zeros((1, 4, 3)), np.zeros((1, 5, 2))])
    assert len(layer.inbound_nodes) == 1


@pytest.mark.parametrize("merge", [Concatenate, Add])
def test_merge_layers_need_a_list_of_two(merge):
    with pytest.raises(ValueError, match="must be called on a list of at least 2"):
        merge()([Input(shape=(3,))])
    with pytest.raises(ValueError, match=r"called on a list of them.*\(None, 3\)"):
        merge()(Input(shape=(3,)))
    with pytest.raises(ValueError, match="list of them"):
        merge()(np.zeros((2, 3)))


def test_concatenate_axis_must_be_an_integer():
    with pytest.raises(ValueError, match="`axis` of Concatenate layer"):
        Concatenate(axis=1.0)


def test_concatenate_masks_like_keras():
    x_a = sequences_with_mask(MASK_A, 2, seed=1)
    x_b = sequences_with_mask(MASK_B, 3, seed=2)
    unmasked = np.ones((2, 4, 3), dtype="float32")
    features = Concatenate(axis=-1)
    # Expected values printed by Keras 3.15 for the same masks.
    both = features.compute_mask([x_a, x_b], [MASK_A, MASK_B])
    np.testing.assert_array_equal(both, [[1, 1, 1, 0], [1, 0, 0, 1]])
    one = features.compute_mask([x_a, unmasked], [MASK_A, None])
    np.testing.assert_array_equal(one, np.ones((2, 4)))
    time = Concatenate(axis=1)
    joined = time.compute_mask([x_a, x_b[..., :2]], [MASK_A, MASK_B])
    np.testing.assert_array_equal(joined, [[1, 1, 0, 0, 1, 0, 1, 0], [1, 0, 0, 0, 0, 0, 0, 1]])
    half = time.compute_mask([x_a, unmasked[..., :2]], [MASK_A, None])
    np.testing.assert_array_equal(half, [[1, 1, 0, 0, 1, 1, 1, 1], [1, 0, 0, 0, 1, 1, 1, 1]])
    assert features.compute_mask([x_a, x_b], None) is None
    assert features.compute_mask([x_a, x_b], [None, None]) is None


def test_concatenate_mask_flows_through_a_model():
    a = Input(shape=(4, 2))
    b = Input(shape=(4, 2))
    masked_a = MaskZeroSteps()(a)
    joined = Concatenate(axis=1)([masked_a, b])
    assert isinstance(joined._keras_mask, KerasTensor) and joined._keras_mask.shape == (None, 8)
    summed = add([masked_a, MaskZeroSteps()(b)])
    assert summed._keras_mask.shape == (None, 4)
    assert add([masked_a, b])._keras_mask is None
    model = Model([a, b], [MaskAsOutput()(joined), MaskAsOutput()(summed)])
    x_a = sequences_with_mask(MASK_A, 2, seed=3)
    x_b = sequences_with_mask(MASK_B, 2, seed=4)
    joined_mask, summed_mask = model.predict([x_a, x_b])
    np.testing.assert_array_equal(joined_mask, np.concatenate([MASK_A, np.ones((2, 4))], axis=1))
    np.testing.assert_array_equal(summed_mask, MASK_A | MASK_B)


def test_concatenate_gradient_splits_back():
    x_a = autodiff.Variable(np.arange(6.0).reshape(2, 3), name="a")
    x_b = autodiff.Variable(np.arange(4.0).reshape(2, 2), name="b")
    weights = np.arange(10.0).reshape(2, 5)
    with autodiff.watch([x_a, x_b]):
        out = Concatenate(dtype="float64")([x_a, x_b])
        ops.sum(ops.multiply(out, weights)).backward()
    np.testing.assert_array_equal(x_a.grad, weights[:, :3])
    np.testing.assert_array_equal(x_b.grad, weights[:, 3:])


# ------------------------------------------------------------------ Add


def test_add_function_sums_three_inputs():
    a, b, c = (Input(shape=(4,)) for _ in range(3))
    total = add([a, b, c])
    assert total.shape == (None, 4)
    model = Model([a, b, c], total)
    arrays = [np.full((2, 4), v, dtype="float32") for v in (1.0, 2.0, 4.0)]
    out = model.predict(arrays)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.full((2, 4), 7.0))


def test_add_broadcasts_only_where_keras_does():
    assert Add().compute_output_shape([(None, 3, 4), (None, 1, 4)]) == (None, 3, 4)
    assert Add().compute_output_shape([(None, 3, 4), (None, 4)]) == (None, 3, 4)
    assert Add().compute_output_shape([(None, None, 4), (None, 3, 4)]) == (None, None, 4)
    assert Add().compute_output_shape([(5, 3), (None, 3)]) == (5, 3)
    # Fewer axes: the missing ones are added after the batch axis.
    x3 = np.arange(24.0).reshape(2, 3, 4)
    x2 = np.arange(8.0).reshape(2, 4)
    np.testing.assert_array_equal(Add()([x3, x2]), x3 + x2[:, None, :])
    np.testing.assert_array_equal(Add()([x2, x3]), x3 + x2[:, None, :])
    with pytest.raises(ValueError) as error:
        add([Input(shape=(3,)), Input(shape=(4,))])
    assert "[(None, 3), (None, 4)]" in str(error.value)
    assert "axis 1 has sizes 3 and 4" in str(error.value)
    with pytest.raises(ValueError, match="same batch size"):
        Add()([np.zeros((2, 3)), np.zeros((3, 3))])
    with pytest.raises(ValueError, match="axis 1 has sizes 3 and 2"):
        Add()([np.zeros((2, 3, 4)), np.zeros((2, 2, 4))])


def test_add_gradient_sums_over_broadcast_axes():
    x3 = autodiff.Variable(np.ones((2, 3, 4)), name="x3")
    x2 = autodiff.Variable(np.ones((2, 4)), name="x2")
    weights = np.arange(24.0).reshape(2, 3, 4)
    with autodiff.watch([x3, x2]):
        out = Add(dtype="float64")([x3, x2])
        ops.sum(ops.multiply(out, weights)).backward()
    np.testing.assert_array_equal(x3.grad, weights)
    np.testing.assert_array_equal(x2.grad, weights.sum(axis=1))


def test_add_masks_like_keras():
    x = np.ones((2, 4, 3))
    np.testing.assert_array_equal(
        Add().compute_mask([x, x], [MASK_A, MASK_B]), [[1, 1, 1, 0], [1, 0, 0, 1]]
    )
    assert Add().compute_mask([x, x], [MASK_A, None]) is None
    assert Add().compute_mask([x, x], None) is None


# ------------------------------------------------------------------ config


@pytest.mark.parametrize("make", [lambda: Concatenate(axis=1, name="join"), lambda: Add()])
def test_merge_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    clone = type(layer).from_config(json.loads(json.dumps(config)))
    assert clone.get_config() == config
    assert clone.weights == [] and clone.supports_masking


def test_model_with_merges_round_trips():
    a = Input(shape=(3,))
    b = Input(shape=(3,))
    h = concatenate([Dense(2)(a), Dense(2)(b)])
    y = add([h, Dense(4)(a)])
    model = Model([a, b], y)
    clone = Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    data = [np.random.default_rng(6).standard_normal((5, 3)) for _ in range(2)]
    np.testing.assert_array_equal(clone.predict(data), model.predict(data))
    assert [type(layer).__name__ for layer in clone.layers].count("Concatenate") == 1


def test_lowercase_functions_are_exported_like_keras():
    assert layers.concatenate is concatenate and layers.add is add
    assert add([Input(shape=(2,)), Input(shape=(2,))], name="total")._keras_history.layer.name == (
        "total"
    )
