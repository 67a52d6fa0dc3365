"""model.save / load_model / save_weights / load_weights / to_json: bit-exact round
trips, and clear errors (never a half-loaded model) for damaged or edited files."""

import io
import json
import sys
import zipfile

import numpy as np
import pytest

from kerastutor import losses, metrics, ops, optimizers
from kerastutor.layers import LSTM, Dense, Embedding, Input, concatenate
from kerastutor.models import Model, Sequential, load_model, model_from_json


def tweets_model():
    a, b = Input(shape=(4, 3)), Input(shape=(4, 3))
    lstm = LSTM(5)
    merged = concatenate([lstm(a), lstm(b)], axis=-1)
    return Model([a, b], Dense(1, activation="sigmoid")(merged))


def tweets_data(seed=0):
    rng = np.random.default_rng(seed)
    x = [rng.normal(size=(12, 4, 3)).astype("float32") for _ in range(2)]
    return x, rng.integers(0, 2, (12, 1)).astype("float32")


@pytest.fixture
def trained(tmp_path):
    model = tweets_model()
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    x, y = tweets_data()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    path = tmp_path / "tweets.keras"
    model.save(path)
    return model, path, x, y


def config_json(model):
    return json.dumps(model.get_config(), sort_keys=True)


def test_round_trip_is_bit_exact(trained):
    model, path, x, y = trained
    loaded = load_model(path)
    assert type(loaded).__name__ == "Functional" and isinstance(loaded, Model)
    assert config_json(loaded) == config_json(model)
    assert [w.name for w in loaded.weights] == [w.name for w in model.weights]
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert loaded.predict(x).tobytes() == model.predict(x).tobytes()
    # Shared layer still shared: one LSTM, two nodes.
    assert len(loaded.layers[2].inbound_nodes) == 2


def test_optimizer_state_round_trip_resumes_training_identically(trained):
    model, path, x, y = trained
    loaded = load_model(path)
    assert loaded.compiled and type(loaded.optimizer).__name__ == "RMSprop"
    assert loaded.optimizer.iterations == model.optimizer.iterations == 6
    original_state = model.optimizer.get_state(model.weights)[1]
    loaded_state = loaded.optimizer.get_state(loaded.weights)[1]
    assert len(original_state) == len(model.trainable_weights)
    for (i, name, a), (j, other, b) in zip(original_state, loaded_state, strict=True):
        assert (i, name) == (j, other) and a.tobytes() == b.tobytes()
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        assert a.tobytes() == b.tobytes()
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)


def test_loss_and_optimizer_objects_round_trip(tmp_path):
    # Keras's tutorials compile with objects, not names: the file keeps their arguments.
    x = Input((3,))
    model = Model(x, Dense(4)(x))
    model.compile(
        optimizer=optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
        loss=losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[metrics.SparseCategoricalAccuracy(name="hits"), "accuracy"],
    )
    data = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    labels = np.array([0, 1, 2, 3, 0, 1, 2, 3])
    model.fit(data, labels, epochs=2, batch_size=4, verbose=0)
    model.save(tmp_path / "logits.keras")
    loaded = load_model(tmp_path / "logits.keras")
    assert isinstance(loaded.loss, losses.SparseCategoricalCrossentropy)
    assert loaded.loss.get_config() == model.loss.get_config()
    assert loaded.loss.from_logits is True
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.evaluate(data, labels, return_dict=True, verbose=0) == model.evaluate(
        data, labels, return_dict=True, verbose=0
    )
    assert set(model.evaluate(data, labels, return_dict=True, verbose=0)) == {
        "loss",
        "hits",
        "accuracy",
    }
    model.train_on_batch(data, labels)
    loaded.train_on_batch(data, labels)
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        assert a.tobytes() == b.tobytes()


def test_per_output_loss_objects_round_trip(tmp_path):
    x = Input((3,))
    model = Model(x, [Dense(2, name="scores")(x), Dense(1, name="value")(x)])
    model.compile(
        optimizer=optimizers.Adam(learning_rate=0.01),
        loss={"scores": losses.CategoricalCrossentropy(from_logits=True), "value": "mae"},
        metrics={"value": [metrics.BinaryAccuracy(threshold=0.2)]},
    )
    model.save(tmp_path / "two.keras")
    loaded = load_model(tmp_path / "two.keras")
    scores, value = loaded._loss_objects
    assert isinstance(scores, losses.CategoricalCrossentropy) and scores.from_logits
    assert isinstance(value, losses.MeanAbsoluteError)
    saved = loaded._compile_config()["metrics"]
    assert saved == {
        "value": [
            {
                "class_name": "BinaryAccuracy",
                "config": {"name": "binary_accuracy", "threshold": 0.2},
            }
        ]
    }


def test_a_custom_loss_leaves_the_model_uncompiled_after_loading(tmp_path):
    x = Input((3,))
    model = Model(x, Dense(1)(x))
    model.compile(optimizer="sgd", loss=lambda y_true, y_pred: ops.mean(ops.abs(y_pred)))
    model.save(tmp_path / "custom.keras")
    assert not load_model(tmp_path / "custom.keras").compiled


def test_loss_configs_that_cannot_be_rebuilt_are_refused():
    with pytest.raises(ValueError, match="Cannot rebuild a loss from"):
        losses.deserialize({"class_name": "Huber", "config": {}})
    with pytest.raises(ValueError, match="Malformed BinaryCrossentropy config"):
        losses.deserialize({"class_name": "BinaryCrossentropy", "config": {"colour": 1}})
    with pytest.raises(ValueError, match="Cannot rebuild a metric from"):
        metrics.deserialize({"class_name": "AUC", "config": {}})


def test_without_optimizer_or_compile(trained, tmp_path):
    model, path, x, _ = trained
    assert not load_model(path, compile=False).compiled
    model.save(tmp_path / "plain.keras", include_optimizer=False)
    assert not load_model(tmp_path / "plain.keras").compiled
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "plain.keras", overwrite=False)


def test_sequential_with_frozen_embedding_round_trip(tmp_path):
    model = Sequential()
    model.add(
        Embedding(6, 2, weights=[np.eye(6, 2)], input_length=3, trainable=False, name="embedding")
    )
    model.add(Dense(1))
    model.compile("rmsprop", "mse")
    model.save(tmp_path / "seq.npz")
    loaded = load_model(tmp_path / "seq.npz")
    assert type(loaded) is Sequential
    assert loaded.get_layer("embedding").trainable is False
    assert config_json(loaded) == config_json(model)
    data = np.array([[1, 2, 3]])
    assert loaded.predict(data).tobytes() == model.predict(data).tobytes()


def test_save_weights_and_load_weights(trained, tmp_path):
    model, _, x, _ = trained
    model.save_weights(tmp_path / "w.npz")
    fresh = tweets_model()
    assert not np.array_equal(fresh.predict(x), model.predict(x))
    fresh.load_weights(tmp_path / "w.npz")
    assert fresh.predict(x).tobytes() == model.predict(x).tobytes()
    with pytest.raises(ValueError, match="holds only weights"):
        load_model(tmp_path / "w.npz")


def test_load_weights_into_another_architecture_changes_nothing(trained, tmp_path):
    model, path, _, _ = trained
    a, b = Input(shape=(4, 3)), Input(shape=(4, 3))
    lstm = LSTM(5)
    other = Model([a, b], Dense(2)(concatenate([lstm(a), lstm(b)])))  # last kernel (10, 2)
    before = [w.copy() for w in other.get_weights()]
    with pytest.raises(
        ValueError, match=r"is float32 \(10, 2\), but the file's weight .* \(10, 1\)"
    ):
        other.load_weights(path)
    for w, saved in zip(other.get_weights(), before, strict=True):
        assert w.tobytes() == saved.tobytes()


def test_to_json_and_model_from_json(trained):
    model, _, x, _ = trained
    text = model.to_json()
    assert json.loads(text)["class_name"] == "Functional"
    rebuilt = model_from_json(text)
    assert config_json(rebuilt) == config_json(model)
    assert rebuilt.predict(x).shape == (12, 1)
    with pytest.raises(ValueError, match="model_from_json needs the text"):
        model_from_json("{not json")
    with pytest.raises(ValueError, match="Unknown layer class 'Dense2'"):
        model_from_json(text.replace('"Dense"', '"Dense2"'))


# ---------------------------------------------------------------- damaged and edited files


def rewrite(path, edit_header=None, edit_arrays=None):
    """Rewrite a saved file with its header and/or arrays edited (as a person could)."""
    with zipfile.ZipFile(path) as archive:
        arrays = {n[:-4]: np.load(io.BytesIO(archive.read(n))) for n in archive.namelist()}
    header = json.loads(arrays.pop("kerastutor").tobytes())
    if edit_header:
        edit_header(header)
    if edit_arrays:
        edit_arrays(arrays)
    arrays["kerastutor"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with open(path, "wb") as stream:  # a file object: np.savez would append '.npz' to a name
        np.savez(stream, **arrays)
    return path


def dense_units_to_two(header):
    for layer in header["model"]["config"]["layers"]:
        if layer["class_name"] == "Dense":
            layer["config"]["units"] = 2


def set_class_name(header):
    header["model"]["config"]["layers"][2]["class_name"] = "antigravity"


@pytest.mark.parametrize(
    "edit_header, edit_arrays, message",
    [
        (dense_units_to_two, None, "do not fit the architecture in the same file"),
        (set_class_name, None, "Unknown layer class 'antigravity'"),
        (lambda h: h.update(format="keras"), None, "format 'kerastutor'"),
        (lambda h: h.update(format_version=99), None, "format version 99"),
        (lambda h: h["weights"][0].update(shape=[1, 2]), None, "is listed as"),
        (lambda h: h["weights"].pop(), lambda a: a.pop("weight_4"), "holds 4 weights"),
        (lambda h: h["model"].update(class_name="Dense"), None, "is a layer, not a model"),
        (lambda h: h["model"]["config"].pop("layers"), None, "cannot be rebuilt"),
        (lambda h: h["optimizer_state"]["slots"][0].update(slot="momentum"), None, "does not fit"),
        (lambda h: h["compile"].update(loss="hinge"), None, "compile arguments do not work"),
        (None, lambda a: a.pop("weight_2"), "array of weight 2 .* is missing"),
        (
            None,
            lambda a: a.update(weight_1=a["weight_1"].astype("float64")),
            "is listed as float32",
        ),
        (None, lambda a: a.update(extra=np.zeros(2)), "not listed in the header"),
    ],
)
def test_edited_files_are_refused(trained, edit_header, edit_arrays, message):
    _, path, _, _ = trained
    rewrite(path, edit_header, edit_arrays)
    with pytest.raises(ValueError, match=message):
        load_model(path)


def test_loading_never_imports_what_a_file_names(trained):
    _, path, _, _ = trained
    rewrite(path, set_class_name)
    assert "antigravity" not in sys.modules
    with pytest.raises(ValueError):
        load_model(path)
    assert "antigravity" not in sys.modules


def test_pickled_arrays_are_refused(trained):
    _, path, _, _ = trained
    rewrite(path, edit_arrays=lambda a: a.update(weight_0=np.array([{"x": 1}], dtype=object)))
    with pytest.raises(ValueError, match="not a complete kerastutor file.*pickle"):
        load_model(path)


def test_truncated_files_are_refused(trained, tmp_path):
    _, path, _, _ = trained
    data = path.read_bytes()
    for length in (0, 10, len(data) // 3, len(data) // 2, len(data) - 30, len(data) - 1):
        cut = tmp_path / f"cut_{length}.keras"
        cut.write_bytes(data[:length])
        with pytest.raises(ValueError, match="truncated or corrupted"):
            load_model(cut)


def test_corrupted_bytes_give_an_error_or_the_very_same_model(trained, tmp_path):
    """Flip bytes anywhere: either a ValueError, or (if the byte was unchecked
    zip metadata, such as a timestamp) exactly the saved weights. Never a different model."""
    model, path, _, _ = trained
    data = path.read_bytes()
    expected = [w.tobytes() for w in model.get_weights()]
    rng = np.random.default_rng(0)
    errors = 0
    for position in rng.choice(len(data), size=120, replace=False):
        damaged = bytearray(data)
        damaged[position] ^= 0xFF
        target = tmp_path / "damaged.keras"
        target.write_bytes(bytes(damaged))
        try:
            loaded = load_model(target)
        except ValueError:
            errors += 1
            continue
        assert [w.tobytes() for w in loaded.get_weights()] == expected
    assert errors > 100


def test_a_zip_that_is_not_a_kerastutor_file(tmp_path):
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match="not a kerastutor file"):
        load_model(tmp_path / "other.npz")
    (tmp_path / "text.keras").write_text("hello")
    with pytest.raises(ValueError, match="truncated or corrupted"):
        load_model(tmp_path / "text.keras")
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.keras")


def test_saving_twice_gives_the_same_bytes(trained, tmp_path):
    model, path, _, _ = trained
    model.save(tmp_path / "again.keras")
    assert (tmp_path / "again.keras").read_bytes() == path.read_bytes()


def test_sequential_started_with_an_input_and_an_unbuilt_one(tmp_path):
    model = Sequential()
    model.add(Input(shape=(3,)))
    model.add(Dense(2))
    model.save(tmp_path / "built.keras")
    loaded = load_model(tmp_path / "built.keras")
    assert loaded.input_shape == (None, 3)
    data = np.ones((2, 3))
    assert loaded.predict(data).tobytes() == model.predict(data).tobytes()
    Sequential([Dense(2)]).save(tmp_path / "unbuilt.keras")
    assert not load_model(tmp_path / "unbuilt.keras").built
