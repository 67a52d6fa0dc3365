"""get_config / from_config round trips for models (layers: see layer_harness.py).

A round trip must give the same config, the same graph (names, node
indices, shapes) and, once the weights are copied over, the same numbers. The
configs must also survive JSON, as Keras's do.
"""

import json

import numpy as np
import pytest

from kerastutor import backend as K
from kerastutor.engine.base_layer import get_layer_class
from kerastutor.engine.input_layer import InputLayer
from kerastutor.layers import (
    LSTM,
    Add,
    Conv2D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    Input,
    concatenate,
)
from kerastutor.models import Model, Sequential


def tweet_model():
    tweet_a, tweet_b = Input((6, 5)), Input((6, 5))
    shared_lstm = LSTM(4)
    merged = concatenate([shared_lstm(tweet_a), shared_lstm(tweet_b)], axis=-1)
    return Model([tweet_a, tweet_b], Dense(1, activation="sigmoid")(merged))


def seq2seq_model():
    encoder_inputs = Input((None, 6))
    _, state_h, state_c = LSTM(8, return_state=True)(encoder_inputs)
    decoder_inputs = Input((None, 4))
    decoder_lstm = LSTM(8, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=[state_h, state_c])
    return Model([encoder_inputs, decoder_inputs], Dense(4, activation="softmax")(decoder_outputs))


def nested_model():
    inner_input = Input((4,))
    inner = Model(inner_input, Dense(3, activation="relu")(inner_input), name="inner")
    x, y = Input((4,)), Input((4,))
    return Model([x, y], Add()([inner(x), inner(y)]), name="outer")


def conv_model():
    image = Input((8, 8, 2))
    hidden = Conv2D(3, (3, 3), strides=2, padding="same", activation="relu")(image)
    return Model(image, Dense(2)(Dropout(0.5)(Flatten()(hidden))))


def masked_model():
    tokens = Input((None,), dtype="int32")
    hidden = LSTM(3, return_sequences=True)(Embedding(9, 4, mask_zero=True)(tokens))
    return Model(tokens, Dense(2)(hidden))


def backend_model():
    x = Input((3,))
    weights = K.variable(np.arange(6).reshape(3, 2))
    return Model(x, K.concatenate([K.dot(x, weights), K.sum(x, axis=-1, keepdims=True)]))


MODELS = {
    "tweet_shared_lstm": (tweet_model, [(6, 5), (6, 5)], "float32"),
    "seq2seq_initial_state": (seq2seq_model, [(5, 6), (3, 4)], "float32"),
    "nested_shared_model": (nested_model, [(4,), (4,)], "float32"),
    "conv": (conv_model, [(8, 8, 2)], "float32"),
    "masked": (masked_model, [(5,)], "int32"),
    "backend_ops": (backend_model, [(3,)], "float32"),
}


def make_inputs(shapes, dtype, batch=3):
    rng = np.random.default_rng(0)
    if dtype == "int32":
        arrays = [rng.integers(0, 9, size=(batch,) + s).astype(dtype) for s in shapes]
    else:
        arrays = [rng.standard_normal((batch,) + s).astype(dtype) for s in shapes]
    return arrays if len(arrays) > 1 else arrays[0]


def as_list(x):
    return x if isinstance(x, list) else [x]


def through_json(config):
    return json.loads(json.dumps(config))


def graph_description(model):
    """Names, classes, node indices and shapes: what a round trip must keep."""
    return [
        (
            layer.name,
            type(layer).__name__,
            [
                (node.index, node.input_shapes, node.output_shapes)
                for node in model._relevant_nodes(layer)
            ],
        )
        for layer in model.layers
    ]


@pytest.mark.parametrize("name", MODELS)
def test_functional_round_trip_keeps_config_graph_and_numbers(name):
    build, shapes, dtype = MODELS[name]
    model = build()
    config = model.get_config()
    json.dumps(config)  # a config is plain data
    clone = Model.from_config(through_json(config))
    assert through_json(clone.get_config()) == through_json(config)
    assert graph_description(clone) == graph_description(model)
    assert clone.count_params() == model.count_params()
    clone.set_weights(model.get_weights())
    data = make_inputs(shapes, dtype)
    for a, b in zip(as_list(model.predict(data)), as_list(clone.predict(data)), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_round_trip_of_a_shared_layer_keeps_its_node_order():
    model = tweet_model()
    clone = Model.from_config(model.get_config())
    lstm = clone.get_layer("lstm")
    assert [node.index for node in lstm.inbound_nodes] == [0, 1]
    assert lstm.get_input_at(0) is clone.inputs[0]
    assert lstm.get_input_at(1) is clone.inputs[1]


def test_round_trip_replays_initial_state():
    clone = Model.from_config(seq2seq_model().get_config())
    decoder = clone.get_layer("lstm_1")
    encoder = clone.get_layer("lstm")
    node = decoder.inbound_nodes[0]
    assert node.input_tensors[1:] == encoder.get_output_at(0)[1:]
    assert set(node.call_kwargs) == {"initial_state"}


def test_model_config_lists_nodes_as_layer_node_tensor():
    config = tweet_model().get_config()
    layers = {layer["name"]: layer for layer in config["layers"]}
    assert [n["args"] for n in layers["lstm"]["inbound_nodes"]] == [
        {"keras_tensor": ["input_1", 0, 0]},
        {"keras_tensor": ["input_2", 0, 0]},
    ]
    assert layers["concatenate"]["inbound_nodes"][0]["args"] == [
        {"keras_tensor": ["lstm", 0, 0]},
        {"keras_tensor": ["lstm", 1, 0]},
    ]
    assert config["input_layers"] == [["input_1", 0, 0], ["input_2", 0, 0]]
    assert config["output_layers"] == [["dense", 0, 0]]


def test_sequential_round_trip():
    model = Sequential(
        [Embedding(10, 3, input_length=4), LSTM(5, return_sequences=True), Flatten(), Dense(2)]
    )
    config = model.get_config()
    clone = Sequential.from_config(through_json(config))
    assert through_json(clone.get_config()) == through_json(config)
    assert clone.input_shape == (None, 4)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    clone.set_weights(model.get_weights())
    data = np.random.default_rng(0).integers(0, 10, size=(3, 4))
    np.testing.assert_allclose(clone.predict(data), model.predict(data), atol=1e-6)


def test_unbuilt_sequential_round_trip():
    model = Sequential([Dense(3), Dense(1)])
    clone = Sequential.from_config(model.get_config())
    assert not clone.built
    assert clone.predict(np.ones((2, 5))).shape == (2, 1)


def test_input_layer_round_trip():
    x = Input((None, 3), dtype="int32", name="tokens")
    layer = x._keras_history.layer
    config = layer.get_config()
    assert config == {
        "batch_input_shape": (None, None, 3),
        "dtype": "int32",
        "sparse": False,
        "name": "tokens",
    }
    clone = InputLayer.from_config(config)
    assert clone.get_config() == config
    assert clone.output.shape == (None, None, 3)


def test_unknown_layer_class_lists_the_known_ones():
    with pytest.raises(ValueError) as error:
        get_layer_class("Dense2")
    message = str(error.value)
    assert "Unknown layer class 'Dense2'" in message
    assert "Dense, " in message and "LSTM" in message
    assert "custom_objects={'Dense2': YourClass}" in message


def test_custom_objects_rebuild_a_custom_layer():
    from kerastutor.layers import Layer

    class Doubler(Layer):
        def call(self, inputs):
            return inputs * 2

    x = Input((2,))
    model = Model(x, Doubler(name="doubler")(x))
    clone = Model.from_config(model.get_config(), custom_objects={"Doubler": Doubler})
    np.testing.assert_allclose(clone.predict(np.ones((1, 2))), [[2.0, 2.0]])
