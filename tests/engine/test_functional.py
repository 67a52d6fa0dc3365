"""Functional models: DAGs with several inputs and outputs, nesting, predict and its errors."""

import numpy as np
import pytest

from kerastutor.layers import (
    LSTM,
    Activation,
    Add,
    Concatenate,
    Dense,
    Embedding,
    Flatten,
    Input,
)
from kerastutor.models import Model, Sequential


def two_input_two_output_model():
    a = Input((4,), name="a")
    b = Input((6,), name="b")
    h1 = Dense(3, name="h1")(a)
    h2 = Dense(3, name="h2")(b)
    s = Add(name="s")([h1, h2])
    out1 = Dense(1, activation="sigmoid", name="out1")(s)
    c = Concatenate(name="c")([s, h1])
    out2 = Dense(2, activation="softmax", name="out2")(c)
    return Model([a, b], [out1, out2])


def random(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


# ------------------------------------------------------------ the graph


def test_dag_layers_are_listed_in_keras_order():
    model = two_input_two_output_model()
    # The order real Keras 3.15 gives for the same graph.
    assert [layer.name for layer in model.layers] == [
        "a",
        "b",
        "h1",
        "h2",
        "s",
        "c",
        "out1",
        "out2",
    ]
    assert model.input_shape == [(None, 4), (None, 6)]
    assert model.output_shape == [(None, 1), (None, 2)]
    assert [t.shape for t in model.inputs] == [(None, 4), (None, 6)]
    assert [t._keras_history.layer.name for t in model.outputs] == ["out1", "out2"]


def test_dag_predict_equals_the_layers_applied_by_hand():
    model = two_input_two_output_model()
    x_a, x_b = random(5, 4, seed=1), random(5, 6, seed=2)
    out1, out2 = model.predict([x_a, x_b])
    layer = model.get_layer
    h1 = layer("h1")(x_a)
    s = h1 + layer("h2")(x_b)
    np.testing.assert_allclose(out1, layer("out1")(s), atol=1e-6)
    np.testing.assert_allclose(out2, layer("out2")(np.concatenate([s, h1], axis=-1)), atol=1e-6)
    assert out1.shape == (5, 1) and out2.shape == (5, 2)
    assert out1.dtype == out2.dtype == np.float32
    # A dict keyed by input names works too; calling the model equals predict.
    by_name = model.predict({"a": x_a, "b": x_b})
    np.testing.assert_array_equal(by_name[1], out2)
    np.testing.assert_allclose(model([x_a, x_b])[0], out1, atol=1e-6)


def test_model_weights_are_the_layers_weights_without_duplicates():
    shared = Dense(2)
    x1, x2 = Input((3,)), Input((3,))
    model = Model([x1, x2], Add()([shared(x1), shared(x2)]))
    assert model.weights == shared.weights
    assert model.count_params() == 8


def test_graph_disconnected_names_the_missing_input():
    a, b = Input((2,)), Input((2,), name="forgotten")
    with pytest.raises(ValueError) as error:
        Model(a, Add()([a, b]))
    assert "Graph disconnected" in str(error.value)
    assert "'forgotten'" in str(error.value)


def test_a_model_can_start_from_an_intermediate_tensor_as_in_keras_3():
    x = Input((3,))
    first = Dense(2, name="first")
    hidden = first(x)
    head = Dense(1, name="head")
    tail = Model(hidden, head(hidden))
    # The model starts at `hidden`: its own InputLayer, then only the head.
    assert [type(layer).__name__ for layer in tail.layers] == ["InputLayer", "Dense"]
    assert tail.layers[1] is head
    assert tail.input_shape == (None, 2)
    data = np.arange(8, dtype="float32").reshape(4, 2)
    expected = data @ head.kernel.data + head.bias.data
    np.testing.assert_allclose(tail.predict(data), expected, rtol=1e-6)
    rebuilt = Model.from_config(tail.get_config())
    rebuilt.set_weights(tail.get_weights())
    np.testing.assert_allclose(rebuilt.predict(data), expected, rtol=1e-6)


def test_model_outputs_must_be_symbolic():
    x = Input((3,))
    with pytest.raises(TypeError, match="received ndarray"):
        Model(x, np.ones((1, 3)))


def test_duplicate_layer_names_are_refused_as_in_keras():
    x = Input((3,))
    y = Dense(2, name="twin")(Dense(3, name="twin")(x))
    with pytest.raises(ValueError, match='The name "twin" is used 2 times in the model'):
        Model(x, y)


# ------------------------------------------------------------ nesting


def test_a_model_called_on_new_inputs_adds_a_node_and_shares_weights():
    inner_input = Input((3,))
    inner = Model(inner_input, Dense(2, activation="tanh")(inner_input), name="inner")
    assert inner.inbound_nodes == []  # as in Keras 3: creating a model adds no node
    x = Input((3,))
    y = inner(x)
    assert len(inner.inbound_nodes) == 1
    assert y._keras_history == (inner, 0, 0)
    assert y.shape == (None, 2)
    z = Dense(1)(y)
    outer = Model(x, z)
    assert [layer.name for layer in outer.layers] == ["input_2", "inner", "dense_1"]
    assert outer.count_params() == inner.count_params() + 3 == 11
    data = random(4, 3)
    np.testing.assert_allclose(
        outer.predict(data), outer.get_layer("dense_1")(inner.predict(data)), atol=1e-6
    )
    # The inner model's weights are the outer model's: one set of numbers.
    assert all(any(w is v for v in outer.weights) for w in inner.weights)


def test_a_nested_model_shared_by_two_inputs_siamese():
    tower_input = Input((5,))
    tower = Model(tower_input, Dense(4, activation="relu")(tower_input), name="tower")
    left, right = Input((5,)), Input((5,))
    encoded_left, encoded_right = tower(left), tower(right)
    assert [node.index for node in tower.inbound_nodes] == [0, 1]
    assert tower.get_output_at(1) == encoded_right
    siamese = Model([left, right], Concatenate()([encoded_left, encoded_right]))
    data = random(3, 5)
    both = siamese.predict([data, data])
    np.testing.assert_allclose(both[:, :4], both[:, 4:])
    np.testing.assert_allclose(both[:, :4], tower.predict(data), atol=1e-6)
    assert siamese.count_params() == tower.count_params() == 24


def test_a_sequential_nested_in_a_functional_model():
    stack = Sequential([Dense(3, input_shape=(2,), activation="relu"), Dense(2)])
    x = Input((2,))
    model = Model(x, Activation("softmax")(stack(x)))
    data = random(6, 2)
    expected = stack.predict(data)
    expected = np.exp(expected) / np.exp(expected).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(model.predict(data), expected, atol=1e-6)
    assert model.compute_output_shape((None, 2)) == (None, 2)


def test_a_frozen_nested_model_has_no_trainable_weights():
    inner_input = Input((3,))
    inner = Model(inner_input, Dense(2)(inner_input))
    inner.trainable = False
    x = Input((3,))
    outer = Model(x, Dense(1)(inner(x)))
    assert len(outer.trainable_weights) == 2
    assert len(outer.non_trainable_weights) == 2


# ------------------------------------------------------------ get_layer


def test_get_layer_by_name_and_index():
    model = two_input_two_output_model()
    assert model.get_layer("s").name == "s"
    assert model.get_layer(index=2).name == "h1"
    assert model.get_layer(index=-1).name == "out2"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"name": "hidden"},
            "No such layer: 'hidden'. Existing layers are: "
            "['a', 'b', 'h1', 'h2', 's', 'c', 'out1', 'out2'].",
        ),
        (
            {"index": 8},
            "Was asked to retrieve layer at index 8 but model 'model' only has 8 layers.",
        ),
        ({}, "Provide either a layer name or a layer index."),
        ({"name": "s", "index": 0}, "Provide only a layer name or a layer index, not both."),
    ],
)
def test_get_layer_errors(arguments, message):
    model = two_input_two_output_model()
    with pytest.raises(ValueError) as error:
        model.get_layer(**arguments)
    assert str(error.value) == message


# ------------------------------------------------------------ predict


def lstm_model():
    x = Input((None,), dtype="int32")
    h = LSTM(6, return_sequences=True)(Embedding(20, 5, mask_zero=True)(x))
    y = Dense(3, activation="softmax")(LSTM(4)(h))
    return Model(x, y)


def test_predict_in_batches_equals_one_big_batch():
    model = lstm_model()
    rng = np.random.default_rng(3)
    data = rng.integers(1, 20, size=(10, 7))
    data[:4, 5:] = 0  # padded sequences, masked
    whole = model(data)
    for batch_size in (1, 3, 10, 32):
        np.testing.assert_allclose(model.predict(data, batch_size=batch_size), whole, atol=1e-6)


def test_predict_verbose_prints_one_line(capsys):
    model = lstm_model()
    model.predict(np.ones((5, 4), dtype="int32"), batch_size=2, verbose=1)
    assert capsys.readouterr().out == "predict: 5 samples in 3 batch(es) of up to 2\n"
    model.predict(np.ones((5, 4), dtype="int32"))
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            lambda: [np.ones((2, 4))],
            "Model 'model' expects 2 input(s) (a, b), but received 1. Pass a list with one "
            "array per input, in that order.",
        ),
        (
            lambda: np.ones((2, 4)),
            "Model 'model' expects 2 input(s) (a, b), but received 1.",
        ),
        (
            lambda: [np.ones((2, 4)), np.ones((2, 6)), np.ones((2, 6))],
            "Model 'model' expects 2 input(s) (a, b), but received 3.",
        ),
        (
            lambda: [np.ones((2, 4)), np.ones((2, 6, 2))],
            "Layer 'model' (Functional) cannot be called on concrete data: expected input 1 to have "
            "rank 2 (batch axis included), found rank 3 with shape (2, 6, 2). The model's "
            "inputs were declared as 'a' (None, 4), 'b' (None, 6).",
        ),
        (
            lambda: [np.ones((2, 5)), np.ones((2, 6))],
            "Layer 'model' (Functional) cannot be called on concrete data: expected axis 1 of input 0 "
            "to have size 4, found shape (2, 5) (size 5). The model's inputs were declared as "
            "'a' (None, 4), 'b' (None, 6).",
        ),
        (
            lambda: [np.ones((2, 4)), np.ones((3, 6))],
            "Model 'model': all inputs must have the same number of samples, received "
            "{'a': 2, 'b': 3}.",
        ),
        (
            lambda: [np.ones((2, 4)), np.where(np.eye(2, 6) > 0, np.nan, 1.0)],
            "Model 'model': input 'b' contains NaN or infinity, first at index (0, 0) (value nan).",
        ),
    ],
    ids=["too_few", "bare_array", "too_many", "rank", "axis_size", "sample_counts", "nan"],
)
def test_predict_errors_name_the_argument_expected_and_received(data, message):
    model = two_input_two_output_model()
    with pytest.raises(ValueError) as error:
        model.predict(data())
    assert str(error.value).startswith(message)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, "8"])
def test_predict_batch_size_must_be_positive(batch_size):
    model = two_input_two_output_model()
    with pytest.raises(
        ValueError, match=r"`batch_size` of predict\(\): expected a positive integer"
    ):
        model.predict([np.ones((2, 4)), np.ones((2, 6))], batch_size=batch_size)


def test_predict_batch_size_none_means_32_as_in_keras():
    model = two_input_two_output_model()
    data = [random(40, 4), random(40, 6)]
    for a, b in zip(model.predict(data, batch_size=None), model.predict(data), strict=True):
        np.testing.assert_array_equal(a, b)


def test_predict_on_infinity_is_refused():
    x = Input((3,))
    model = Model(x, Flatten()(x))
    with pytest.raises(ValueError, match=r"first at index \(1, 2\) \(value inf\)"):
        model.predict(np.array([[0, 0, 0], [0, 0, np.inf]]))


def test_predict_casts_inputs_to_float32():
    model = two_input_two_output_model()
    out1, out2 = model.predict([np.ones((2, 4), dtype="float64"), np.ones((2, 6), dtype="int64")])
    assert out1.dtype == out2.dtype == np.float32
