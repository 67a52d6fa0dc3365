"""The seeds' models in files written by real Keras: tf_keras's `.h5` and Keras 3's `.keras`.

tests/saving_fixtures/make_legacy_files.py (tf_keras) and make_keras_files.py
(Keras 3) saved each model of seed_models.py after one training step, with
the predictions, the parameter count and the weights after the next step.
kerastutor loads each file, predicts the same, counts the same parameters
and nodes, and its next training step (from the restored optimizer state)
lands on the same weights. No Keras is needed here.
"""

import io
import json
import pathlib
import sys
import zipfile

import h5py
import numpy as np
import pytest

import kerastutor
from kerastutor.models import Model, Sequential, load_model

FIXTURES = pathlib.Path(__file__).parent / "saving_fixtures"
sys.path.insert(0, str(FIXTURES))
from layer_harness import LAYER_CASES  # noqa: E402
from seed_models import build  # noqa: E402

SEEDS = ["tweets", "embedding", "decoder", "shared", "conv"]
FILES = [f"legacy_{name}.h5" for name in SEEDS] + [f"seed_{name}.keras" for name in SEEDS]
FILES.append("legacy_old_optimizer.h5")  # Keras 2's optimizers before 2.11 (Adam/iter:0)


def recorded(file_name):
    data = np.load(FIXTURES / file_name.replace(".h5", ".npz").replace(".keras", ".npz"))
    inputs = [data[key] for key in sorted(data) if key.startswith("input_")]
    following = [data[f"next_{i}"] for i in range(len([k for k in data if k.startswith("next_")]))]
    return (inputs if len(inputs) > 1 else inputs[0]), data, following


def saved_node_counts(file_name):
    """{layer: number of calls} as the Keras that wrote the file recorded them."""
    if file_name.endswith(".h5"):
        with h5py.File(FIXTURES / file_name, "r") as h5file:
            config = json.loads(h5file.attrs["model_config"])
    else:
        config = kerastutor.saving.saving_lib.read_archive(FIXTURES / file_name)[1]
    layers = config["config"]["layers"]
    return {
        entry["name"]: len(entry["inbound_nodes"])
        for entry in layers
        if "inbound_nodes" in entry and entry["class_name"] != "InputLayer"
    }


@pytest.mark.parametrize("file_name", FILES)
def test_a_file_written_by_keras_predicts_and_trains_on_as_keras_did(file_name):
    model = load_model(FIXTURES / file_name)
    inputs, data, following = recorded(file_name)
    np.testing.assert_allclose(model.predict(inputs), data["predictions"], atol=1e-6)
    assert model.count_params() == int(data["params"])
    assert model.compiled and model.optimizer.iterations == 1
    model.train_on_batch(inputs, data["labels"])  # the restored optimizer state takes the step
    assert len(following) == len(model.weights)
    for weight, expected in zip(model.get_weights(), following, strict=True):
        np.testing.assert_allclose(weight, expected, atol=1e-6)


FUNCTIONAL = [f for f in FILES if any(name in f for name in ("tweets", "decoder", "shared"))]


@pytest.mark.parametrize("file_name", FUNCTIONAL)
def test_node_counts_are_the_ones_keras_saved(file_name):
    model = load_model(FIXTURES / file_name)
    counts = saved_node_counts(file_name)
    assert max(counts.values()) >= 1
    for name, count in counts.items():
        nodes = [node for node in model.get_layer(name).inbound_nodes if model._is_relevant(node)]
        assert len(nodes) == count, name


@pytest.mark.parametrize("kind", ["legacy_{}.h5", "seed_{}.keras"])
def test_the_shared_lstm_comes_back_with_its_two_nodes(kind):
    model = load_model(FIXTURES / kind.format("tweets"))
    shared_lstm = model.get_layer("shared_lstm")
    assert len(shared_lstm.inbound_nodes) == 2
    assert shared_lstm.get_input_at(0) is model.inputs[0]
    assert shared_lstm.get_input_at(1) is model.inputs[1]
    encoder = Model(model.inputs, [shared_lstm.get_output_at(0), shared_lstm.get_output_at(1)])
    inputs, _, _ = recorded(kind.format("tweets"))
    first, second = encoder.predict([inputs[0], inputs[0]])
    np.testing.assert_array_equal(first, second)  # one LSTM, one set of weights


@pytest.mark.parametrize("kind", ["legacy_{}.h5", "seed_{}.keras"])
def test_the_decoder_starts_from_the_encoder_states(kind):
    model = load_model(FIXTURES / kind.format("decoder"))
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    assert decoder.get_input_at(0)[1:] == encoder.get_output_at(0)[1:]
    assert model.output_shape == (None, None, 4)
    assert model.input_shape == [(None, None, 6), (None, None, 4)]


@pytest.mark.parametrize("kind", ["legacy_{}.h5", "seed_{}.keras"])
def test_a_nested_model_called_twice_keeps_both_calls(kind):
    model = load_model(FIXTURES / kind.format("shared"))
    inner, head = model.get_layer("inner"), model.get_layer("head")
    assert isinstance(inner, Model) and type(head) is Sequential
    calls = [node for node in inner.inbound_nodes if model._is_relevant(node)]
    assert [node.input_tensors[0] for node in calls] == model.inputs
    assert type(model.optimizer).__name__ == "SGD" and model.optimizer.momentum == 0.9


@pytest.mark.parametrize("kind", ["legacy_{}.h5", "seed_{}.keras"])
def test_the_frozen_embedding_stays_frozen(kind):
    model = load_model(FIXTURES / kind.format("embedding"))
    embedding = model.get_layer("embedding")
    assert type(model) is Sequential and embedding.trainable is False
    np.testing.assert_array_equal(embedding.get_weights()[0], np.eye(6, 2))
    assert model.count_params() == 19 and len(model.trainable_weights) == 2


def test_keras_2_training_config_is_compiled():
    tweets = load_model(FIXTURES / "legacy_tweets.h5")
    assert type(tweets.optimizer).__name__ == "RMSprop"
    assert tweets.optimizer.learning_rate == pytest.approx(0.001)
    inputs, data, _ = recorded("legacy_tweets.h5")
    assert set(tweets.evaluate(inputs, data["labels"], return_dict=True, verbose=0)) == {
        "loss",
        "accuracy",
    }
    conv = load_model(FIXTURES / "legacy_conv.h5")
    assert type(conv.optimizer).__name__ == "Adam"
    assert not load_model(FIXTURES / "legacy_conv.h5", compile=False).compiled


def test_a_keras_2_weights_file_loads_into_the_same_architecture():
    model, inputs, _ = build(kerastutor)["tweets"]
    _, data, _ = recorded("legacy_tweets.h5")
    model.load_weights(FIXTURES / "legacy_tweets_weights.h5")
    np.testing.assert_allclose(model.predict(inputs), data["predictions"], atol=1e-6)
    other, _, _ = build(kerastutor)["tweets"]
    other.load_weights(FIXTURES / "legacy_tweets.h5")  # a full-model file: its model_weights
    np.testing.assert_allclose(other.predict(inputs), data["predictions"], atol=1e-6)


def test_a_keras_2_weights_file_into_another_architecture_changes_nothing():
    model, _, _ = build(kerastutor)["decoder"]
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(
        ValueError, match="weights for 2 layers .*shared_lstm, dense.*the model has 3"
    ):
        model.load_weights(FIXTURES / "legacy_tweets_weights.h5")
    for weight, saved in zip(model.get_weights(), before, strict=True):
        assert weight.tobytes() == saved.tobytes()
    with pytest.raises(ValueError, match="holds only weights"):
        load_model(FIXTURES / "legacy_tweets_weights.h5")


# ---------------------------------------------------------------- every layer, from tf_keras

with zipfile.ZipFile(FIXTURES / "legacy_layer_cases.zip") as _archive:
    LAYER_FILES = sorted(name for name in _archive.namelist() if name.endswith(".h5"))
    SKIPPED = json.loads(_archive.read("skipped.json"))


def test_every_layer_case_has_a_tf_keras_file_but_the_lambdas():
    ids = {case.id for case in LAYER_CASES if not case.options.get("training")}
    assert {name.removesuffix(".h5") for name in LAYER_FILES} | set(SKIPPED) == ids
    assert sorted(SKIPPED) == ["lambda_named_function", "lambda_output_shape"]


@pytest.mark.parametrize("file_name", LAYER_FILES)
def test_each_layer_in_a_tf_keras_file_loads_and_predicts_as_tf_keras(file_name, tmp_path):
    case_id = file_name.removesuffix(".h5")
    with zipfile.ZipFile(FIXTURES / "legacy_layer_cases.zip") as archive:
        archive.extract(file_name, tmp_path)
        recorded_arrays = np.load(io.BytesIO(archive.read("predictions.npz")))
    inputs = [recorded_arrays[k] for k in sorted(recorded_arrays) if k.startswith(case_id + "/in")]
    expected = [recorded_arrays[k] for k in sorted(recorded_arrays) if k.startswith(case_id + "/o")]
    model = load_model(tmp_path / file_name)
    outputs = model.predict(inputs if len(inputs) > 1 else inputs[0])
    outputs = outputs if isinstance(outputs, list) else [outputs]
    assert len(outputs) == len(expected)
    for got, want in zip(outputs, expected, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)


def test_a_keras_2_lambda_is_refused_and_never_unmarshalled():
    with h5py.File(FIXTURES / "legacy_lambda.h5", "r") as h5file:
        config = json.loads(h5file.attrs["model_config"])
    assert config["config"]["layers"][1]["config"]["function_type"] == "lambda"
    with pytest.raises(ValueError, match="Lambda layer 'lambda' keeps its function as marshalled"):
        load_model(FIXTURES / "legacy_lambda.h5")
