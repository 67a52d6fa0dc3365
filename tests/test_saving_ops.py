"""`x + 1` and `keras.ops` calls in a functional model, saved as Keras 3 saves them.

Keras 3 writes an op node as an operation entry (`keras.src.ops.numpy.Add`)
beside the layers, with no weights group; the fixture `with_ops.keras` was
written by real Keras 3 (tests/saving_fixtures/make_keras_files.py) and is
loaded in test_saving.py::test_keras_3_files_load_and_predict_the_same.
"""

import json
import zipfile

import h5py
import numpy as np
import pytest

from kerastutor import backend as K
from kerastutor import ops
from kerastutor.layers import Dense, Input
from kerastutor.models import Model, load_model
from kerastutor.saving import keras_format
from kerastutor.saving.keras_format import KerasFormatError


def small_model():
    x = Input((3, 4))
    h = Dense(4, name="dense")(x)
    joined = ops.concatenate([2.0 - h, ops.tanh(h)], axis=-1)
    picked = joined[..., 1:3] + ops.sum(h, axis=(1, 2), keepdims=True)
    return Model(x, Dense(1, name="head")(ops.relu(picked)))


def entries(model):
    return {entry["name"]: entry for entry in keras_format.to_keras(model)["config"]["layers"]}


def test_op_nodes_are_written_as_keras_3_operations():
    written = entries(small_model())
    subtract = written["subtract"]
    assert subtract["module"] == "keras.src.ops.numpy"
    assert (subtract["class_name"], subtract["registered_name"]) == ("Subtract", "Subtract")
    assert subtract["config"] == {"name": "subtract"}
    constant, tensor = subtract["inbound_nodes"][0]["args"]  # `2.0 - h`: the 2.0 comes first
    assert constant == 2.0 and tensor["config"]["keras_history"] == ["dense", 0, 0]
    # Settings go to the operation's config, tensors to its call.
    assert written["concatenate"]["config"] == {"name": "concatenate", "axis": -1}
    (tensors,) = written["concatenate"]["inbound_nodes"][0]["args"]
    assert [t["config"]["keras_history"][0] for t in tensors] == ["subtract", "tanh"]
    assert written["sum"]["config"] == {"name": "sum", "axis": [1, 2], "keepdims": True}
    assert written["relu"]["module"] == "keras.src.ops.nn"
    key = written["get_item"]["inbound_nodes"][0]["args"][1]
    assert key == [
        {"class_name": "__ellipsis__", "config": {}},
        {"class_name": "__slice__", "config": {"start": 1, "stop": 3, "step": None}},
    ]
    assert "build_config" not in written["add"]


def test_a_model_with_ops_round_trips_and_keeps_no_weights_for_them(tmp_path):
    model = small_model()
    model.save(tmp_path / "ops.keras")
    with zipfile.ZipFile(tmp_path / "ops.keras") as archive:
        archive.extract("model.weights.h5", tmp_path)
    with h5py.File(tmp_path / "model.weights.h5") as weights:
        assert sorted(weights["layers"]) == ["dense", "dense_1", "input_layer"]
    loaded = load_model(tmp_path / "ops.keras")
    data = np.random.default_rng(0).normal(size=(5, 3, 4)).astype("float32")
    np.testing.assert_array_equal(loaded.predict(data, verbose=0), model.predict(data, verbose=0))
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]


def test_the_keras_file_with_ops_rebuilds_its_operations_by_name():
    from pathlib import Path

    folder = Path(__file__).parent / "saving_fixtures"
    model = load_model(folder / "with_ops.keras")
    kinds = [type(op).__name__ for op in model.operations]
    assert kinds.count("BackendOp") >= 15
    functions = {op.function for op in model.operations if type(op).__name__ == "BackendOp"}
    assert {"ops.einsum", "ops.where", "ops.get_item", "ops.stack", "ops.clip"} <= functions
    fixture = np.load(folder / "with_ops.npz")
    np.testing.assert_allclose(
        model.predict(fixture["input_0"], verbose=0), fixture["predictions"], rtol=1e-5, atol=1e-6
    )


def test_ops_a_keras_file_cannot_hold_are_refused_before_writing(tmp_path):
    x = Input((3,))
    model = Model(x, K.dot(x, K.variable(np.ones((3, 2)))))
    with pytest.raises(TypeError, match=r"cannot be saved: The op 'dot' \(dot\) has no Keras 3"):
        model.save(tmp_path / "dot.keras")
    assert not (tmp_path / "dot.keras").exists()
    model = Model(x, x * np.array([1.0, 2.0, 3.0], "float32"))
    with pytest.raises(TypeError, match="constant argument of type ndarray"):
        model.save(tmp_path / "array.keras")
    assert not (tmp_path / "array.keras").exists()


def test_a_keras_operation_kerastutor_lacks_is_refused_by_name(tmp_path):
    model = small_model()
    config = keras_format.to_keras(model)
    for entry in config["config"]["layers"]:
        if entry["name"] == "tanh":
            entry["module"], entry["class_name"] = "keras.src.ops.math", "Erf"
    with pytest.raises(KerasFormatError, match=r"operation Erf \(keras.src.ops.math\).*Tanh"):
        keras_format.from_keras(json.loads(json.dumps(config)))
