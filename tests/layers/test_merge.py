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

    def compute_mask(self, inputs, mask=None):
        return None  # its output is the mask itself (and so it consumes it without a warning)


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


# ------------------------------------------- Subtract, Multiply, Average, Maximum, Minimum
# (issue 11) Keras's merging tests, ported: numbers, masks, shapes and errors.

ELEMENTWISE = {
    "Subtract": (layers.Subtract, layers.subtract, np.subtract),
    "Multiply": (layers.Multiply, layers.multiply, np.multiply),
    "Average": (layers.Average, layers.average, lambda a, b: (a + b) / 2),
    "Maximum": (layers.Maximum, layers.maximum, np.maximum),
    "Minimum": (layers.Minimum, layers.minimum, np.minimum),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_merge_numbers_symbolic_and_functional(name):
    layer_class, function, reference = ELEMENTWISE[name]
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 2, 4, 5)).astype("float32")
    np.testing.assert_allclose(layer_class()([a, b]), reference(a, b), rtol=1e-6)
    x1, x2 = Input(shape=(4, 5)), Input(shape=(4, 5))
    output = function([x1, x2])
    assert output.shape == (None, 4, 5)
    assert isinstance(output._keras_history.layer, layer_class)
    model = Model([x1, x2], output)
    np.testing.assert_allclose(model.predict([a, b]), reference(a, b), rtol=1e-6)
    assert layer_class.from_config(layer_class().get_config()).get_config()["name"]


@pytest.mark.parametrize("name", ["Multiply", "Average", "Maximum", "Minimum"])
def test_merges_of_three_and_of_different_ranks(name):
    layer_class, _, reference = ELEMENTWISE[name]
    rng = np.random.default_rng(1)
    a, b, c = rng.standard_normal((3, 2, 3)).astype("float32")
    expected = reference(reference(a, b), c) if name != "Average" else (a + b + c) / 3
    np.testing.assert_allclose(layer_class()([a, b, c]), expected, rtol=1e-6)
    sequence, vector = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 3))
    out = layer_class()([sequence, vector])
    np.testing.assert_allclose(out, reference(sequence, vector[:, None, :]), rtol=1e-6)
    assert layer_class()([Input(shape=(4, 3)), Input(shape=(3,))]).shape == (None, 4, 3)


STEPS_A = np.array([[[0, 0], [1, 2], [0, 0], [3, 4]]], dtype="float32")
STEPS_B = np.array([[[0, 0], [0, 0], [1, 2], [3, 4]]], dtype="float32")
STEPS_MASK_A = STEPS_A.any(axis=-1)
STEPS_MASK_B = STEPS_B.any(axis=-1)


@pytest.mark.parametrize(
    "name, a, b, one_masked, both_masked",
    [
        ("Subtract", STEPS_A, STEPS_B, [[0, 0], [1, 2], [-1, -2], [0, 0]], None),
        ("Average", STEPS_A, STEPS_B, [[0, 0], [0.5, 1], [0.5, 1], [3, 4]], None),
        ("Multiply", STEPS_A, STEPS_B, [[0, 0], [0, 0], [1, 2], [9, 16]],
         [[0, 0], [1, 2], [1, 2], [9, 16]]),
        ("Maximum", -STEPS_A, -STEPS_B, [[0, 0], [0, 0], [-1, -2], [-3, -4]],
         [[0, 0], [-1, -2], [-1, -2], [-3, -4]]),
        ("Minimum", STEPS_A, STEPS_B, [[0, 0], [0, 0], [1, 2], [3, 4]],
         [[0, 0], [1, 2], [1, 2], [3, 4]]),
    ],
)  # fmt: skip
def test_merges_with_masks_as_keras(name, a, b, one_masked, both_masked):
    layer = ELEMENTWISE[name][0]()
    np.testing.assert_allclose(layer([a, b], mask=[STEPS_MASK_A, None])[0], one_masked)
    assert layer.compute_mask([a, b], [STEPS_MASK_A, None]) is None
    expected = one_masked if both_masked is None else both_masked
    np.testing.assert_allclose(layer([a, b], mask=[STEPS_MASK_A, STEPS_MASK_B])[0], expected)
    np.testing.assert_array_equal(
        layer.compute_mask([a, b], [STEPS_MASK_A, STEPS_MASK_B]), [[0, 1, 1, 1]]
    )


def test_masks_reach_the_merge_inside_a_model():
    a, b = Input(shape=(4, 2)), Input(shape=(4, 2))
    merged = layers.Multiply()([MaskZeroSteps()(a), MaskZeroSteps()(b)])
    assert merged._keras_mask.shape == (None, 4)
    model = Model([a, b], MaskAsOutput()(merged))
    np.testing.assert_array_equal(model.predict([STEPS_A, STEPS_B]), [[0, 1, 1, 1]])
    values = Model([a, b], merged).predict([STEPS_A, STEPS_B])
    np.testing.assert_allclose(values[0], [[0, 0], [1, 2], [1, 2], [9, 16]])


@pytest.mark.parametrize("layer_class", [layers.Subtract, layers.Maximum, layers.Average])
def test_merge_mask_arguments_must_be_lists_of_the_same_length(layer_class):
    layer = layer_class()
    x1, x2 = Input(shape=(4, 5)), Input(shape=(4, 5))
    with pytest.raises(ValueError, match="`mask` should be a list"):
        layer.compute_mask([x1, x2], np.ones((2, 4)))
    with pytest.raises(ValueError, match="`inputs` should be a list"):
        layer.compute_mask(x1, [None, None])
    with pytest.raises(ValueError, match="should have the same length"):
        layer.compute_mask([x1, x2], [None])


def test_subtract_takes_exactly_two_inputs():
    x1, x2, x3 = (Input(shape=(4, 5)) for _ in range(3))
    layer = layers.Subtract(name="diff")
    with pytest.raises(ValueError, match=r"'diff' \(Subtract\).*node 0.*exactly 2 inputs.*3"):
        layer([x1, x2, x3])
    assert not layer.built and layer.inbound_nodes == []
    with pytest.raises(ValueError, match="list of them"):
        layers.Subtract()(x1)


def test_incompatible_merge_shapes_name_layer_node_and_shapes():
    layer = layers.Maximum(name="max")
    x = Input(shape=(3,))
    layer([x, x])
    with pytest.raises(ValueError) as error:
        layer([Input(shape=(3,)), Input(shape=(4,))])
    message = str(error.value)
    assert "'max' (Maximum) cannot merge tensors of shapes [(None, 3), (None, 4)]" in message
    assert "as its node 1" in message and "axis 1 has sizes 3 and 4" in message
    assert len(layer.inbound_nodes) == 1
    with pytest.raises(ValueError, match="on concrete data.*same batch size"):
        layers.Multiply()([np.ones((2, 3)), np.ones((3, 3))])


def test_elementwise_merge_gradients_reach_every_input():
    a = autodiff.Variable(np.array([[1.0, 5.0]], dtype="float32"), name="a")
    b = autodiff.Variable(np.array([[3.0, 2.0]], dtype="float32"), name="b")
    with autodiff.watch([a, b]):
        ops.sum(layers.Maximum()([a, b])).backward()
    np.testing.assert_array_equal(a.grad, [[0.0, 1.0]])
    np.testing.assert_array_equal(b.grad, [[1.0, 0.0]])
    with autodiff.watch([a, b]):
        ops.sum(layers.Minimum()([a, b])).backward()
    np.testing.assert_array_equal(a.grad, [[1.0, 0.0]])


# ------------------------------------------------------------------ Dot


def test_dot_of_vectors_and_cosine_similarity():
    a = np.array([[1.0, 2.0], [3.0, 0.0]], dtype="float32")
    b = np.array([[3.0, 4.0], [0.0, 2.0]], dtype="float32")
    np.testing.assert_allclose(layers.Dot(axes=1)([a, b]), [[11.0], [0.0]])
    cosine = layers.Dot(axes=1, normalize=True)([a, b])
    np.testing.assert_allclose(cosine, [[11 / (np.sqrt(5) * 5)], [0.0]], rtol=1e-6)
    assert layers.dot([Input(shape=(8,)), Input(shape=(8,))], axes=1).shape == (None, 1)


def test_dot_matches_einsum_on_higher_ranks():
    rng = np.random.default_rng(2)
    p, q = rng.standard_normal((2, 3, 5)), rng.standard_normal((2, 4, 5))
    np.testing.assert_allclose(
        layers.Dot(axes=(2, 2))([p, q]), np.einsum("bik,bjk->bij", p, q), rtol=1e-5
    )
    a, b = rng.random((1, 3, 2)), rng.random((1, 1, 2, 3))
    symbolic = layers.Dot(axes=(-2, -1))([Input(batch_shape=a.shape), Input(batch_shape=b.shape)])
    assert symbolic.shape == (1, 2, 1, 2)
    out = layers.Dot(axes=(-2, -1))([a, b])
    np.testing.assert_allclose(out, np.einsum("bki,bjlk->bijl", a, b), rtol=1e-5)


def test_dot_errors():
    with pytest.raises(TypeError, match="should be a list or an int"):
        layers.Dot(axes="1")
    with pytest.raises(ValueError, match="two integers"):
        layers.Dot(axes=(1, 2, 3))
    layer = layers.Dot(axes=1, name="score")
    with pytest.raises(ValueError, match=r"'score'.*node 0.*axis 1.*sizes must agree.*3 and 4"):
        layer([Input(shape=(3,)), Input(shape=(4,))])
    assert not layer.built and layer.inbound_nodes == []
    with pytest.raises(ValueError, match="axis 0, the batch axis"):
        layers.Dot(axes=0)([np.ones((2, 3)), np.ones((2, 3))])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Dot(axes=1)([np.ones((2, 3))] * 3)
    assert layers.Dot(axes=1).compute_mask([np.ones((1, 2))] * 2, [np.ones(1, bool)] * 2) is None
    config = layers.Dot(axes=(1, 2), normalize=True).get_config()
    assert config["axes"] == [1, 2] and config["normalize"] is True
