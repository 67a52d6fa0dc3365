"""model.save / load_model / save_weights / load_weights / to_json in Keras 3's own files:
files written by real Keras 3 load and predict the same, kerastutor's round trips are
bit-exact, and damaged or edited files give clear errors (never a half-loaded model)."""

import io
import json
import pathlib
import subprocess
import sys
import zipfile

import h5py
import numpy as np
import pytest

import kerastutor
from kerastutor import losses, metrics, ops, optimizers
from kerastutor.layers import LSTM, Dense, Embedding, Input, concatenate
from kerastutor.models import Model, Sequential, load_model, model_from_json

FIXTURES = pathlib.Path(__file__).parent / "saving_fixtures"
sys.path.insert(0, str(FIXTURES))
from fixture_models import build, flat_inputs  # noqa: E402
from layer_harness import LAYER_CASES, as_list, make_data  # noqa: E402


def fixture_data(name):
    data = np.load(FIXTURES / f"{name}.npz", allow_pickle=False)
    inputs = [data[key] for key in sorted(data) if key.startswith("input_")]
    return (inputs if len(inputs) > 1 else inputs[0]), data["labels"], data["predictions"]


# ---------------------------------------------------------------- files written by Keras 3


@pytest.mark.parametrize("name", ["tweets", "stack", "nested", "vision"])
def test_keras_3_files_load_and_predict_the_same(name):
    model = load_model(FIXTURES / f"{name}.keras")
    inputs, _, expected = fixture_data(name)
    np.testing.assert_allclose(model.predict(inputs), expected, atol=1e-5)
    assert model.compiled and model.optimizer.iterations == 2


def test_keras_3_files_keep_layer_names_compile_arguments_and_optimizer_state():
    tweets = load_model(FIXTURES / "tweets.keras")
    assert [layer.name for layer in tweets.layers] == ["a", "b", "lstm", "concatenate", "dense"]
    assert type(tweets.optimizer).__name__ == "RMSprop"
    stack = load_model(FIXTURES / "stack.keras")
    assert type(stack) is Sequential
    assert isinstance(stack.loss, losses.SparseCategoricalCrossentropy) and stack.loss.from_logits
    assert stack.optimizer.learning_rate == pytest.approx(0.01)
    state = stack.optimizer.get_state(stack.weights)[1]
    assert [slot for _, slot, _ in state][:2] == ["momentum", "velocity"]
    assert len(state) == 2 * len(stack.trainable_weights)
    assert not np.allclose(state[0][2], 0)  # the moments of Keras's two steps
    nested = load_model(FIXTURES / "nested.keras")
    assert [type(layer).__name__ for layer in nested.layers].count("Functional") == 1


def test_a_keras_3_weights_file_loads_into_the_same_architecture():
    model, _, _ = build(kerastutor)["tiny"]
    inputs, _, expected = fixture_data("tiny")
    model.load_weights(FIXTURES / "tiny.weights.h5")
    np.testing.assert_allclose(model.predict(inputs), expected, atol=1e-5)
    assert model.optimizer.iterations == 2  # Keras 3 keeps a compiled model's optimizer there


def test_the_fixture_models_build_the_same_in_kerastutor(tmp_path):
    # What the by-hand check (check_in_keras.py) relies on: kerastutor writes these files.
    for name, (model, inputs, labels) in build(kerastutor).items():
        model.fit(inputs, labels, batch_size=3, epochs=1, verbose=0, shuffle=False)
        model.save(tmp_path / f"{name}.keras")
        loaded = load_model(tmp_path / f"{name}.keras")
        x = flat_inputs(inputs)
        assert loaded.predict(x).tobytes() == model.predict(x).tobytes()


# ---------------------------------------------------------------- kerastutor's round trips


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


def test_the_file_is_a_keras_3_zip(trained):
    _, path, _, _ = trained
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
        weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
    assert config["class_name"] == "Functional"
    assert config["config"]["layers"][2]["config"]["kernel_initializer"]["module"] == (
        "keras.initializers"
    )
    assert weights["layers/lstm/cell/vars/0"].shape == (3, 20)
    assert weights["layers/dense/vars/1"].shape == (1,)
    assert weights["optimizer/vars/0"][()] == 6


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
                "config": {"name": "binary_accuracy", "dtype": "float32", "threshold": 0.2},
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
        metrics.deserialize({"class_name": "MeanIoU", "config": {}})


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
    model.save(tmp_path / "seq.keras")
    loaded = load_model(tmp_path / "seq.keras")
    assert type(loaded) is Sequential
    assert loaded.get_layer("embedding").trainable is False
    assert loaded.to_json() == model.to_json()  # Keras 3 keeps the input shape on an Input
    data = np.array([[1, 2, 3]])
    assert loaded.predict(data).tobytes() == model.predict(data).tobytes()


def test_save_weights_and_load_weights(trained, tmp_path):
    model, _, x, _ = trained
    model.save_weights(tmp_path / "w.weights.h5")
    fresh = tweets_model()
    assert not np.array_equal(fresh.predict(x), model.predict(x))
    fresh.load_weights(tmp_path / "w.weights.h5")
    assert fresh.predict(x).tobytes() == model.predict(x).tobytes()
    with pytest.raises(ValueError, match="holds only weights"):
        load_model(tmp_path / "w.weights.h5")


def test_save_weights_keeps_the_optimizer_state_as_keras_3_does(trained, tmp_path):
    model, _, x, y = trained
    model.save_weights(tmp_path / "w.weights.h5")
    saved = model.get_weights()
    fresh = tweets_model()
    fresh.compile(optimizer="rmsprop", loss="binary_crossentropy")
    fresh.load_weights(tmp_path / "w.weights.h5")
    assert fresh.optimizer.iterations == 6
    model.train_on_batch(x, y)
    fresh.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), fresh.get_weights(), strict=True):
        assert a.tobytes() == b.tobytes()
    other = tweets_model()
    other.compile(optimizer="adam", loss="binary_crossentropy")
    with pytest.warns(UserWarning, match="optimizer state was not loaded: .*Adam keeps"):
        other.load_weights(tmp_path / "w.weights.h5")
    assert other.optimizer.iterations == 0  # the weights loaded all the same:
    for a, b in zip(saved, other.get_weights(), strict=True):
        assert a.tobytes() == b.tobytes()


def test_load_weights_into_another_architecture_changes_nothing(trained, tmp_path):
    model, path, _, _ = trained
    a, b = Input(shape=(4, 3)), Input(shape=(4, 3))
    lstm = LSTM(5)
    other = Model([a, b], Dense(2)(concatenate([lstm(a), lstm(b)])))  # last kernel (10, 2)
    before = [w.copy() for w in other.get_weights()]
    with pytest.raises(
        ValueError, match=r"is \(10, 2\), but the file's 'layers/dense/vars/0' is \(10, 1\)"
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
    with pytest.raises(ValueError, match="Keras's Dense2 layer, which kerastutor does not have"):
        model_from_json(text.replace('"Dense"', '"Dense2"'))


# ---------------------------------------------------------------- damaged and edited files


def rewrite(path, edit_config=None, edit_weights=None):
    """Rewrite a saved file with its config.json and/or weights edited (as a person could)."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(entries["config.json"])
    if edit_config:
        edit_config(config)
    entries["config.json"] = json.dumps(config).encode()
    if edit_weights:
        buffer = io.BytesIO(entries["model.weights.h5"])
        with h5py.File(buffer, "a") as h5file:
            edit_weights(h5file)
        entries["model.weights.h5"] = buffer.getvalue()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def layer_entry(config, class_name):
    return next(e for e in config["config"]["layers"] if e["class_name"] == class_name)


def dense_units_to_two(config):
    layer_entry(config, "Dense")["config"]["units"] = 2


def set_class_name(config):
    entry = config["config"]["layers"][2]
    entry.update(class_name="antigravity", module="antigravity", registered_name="antigravity")


def replace_dataset(key, value):
    def edit(h5file):
        if key in h5file:
            del h5file[key]
        h5file[key] = value

    return edit


@pytest.mark.parametrize(
    "edit_config, edit_weights, message",
    [
        (dense_units_to_two, None, r"'dense/kernel' of layer 'dense' is \(10, 2\), but"),
        (set_class_name, None, "Unknown layer class 'antigravity'"),
        (
            lambda c: layer_entry(c, "Concatenate").update(class_name="MultiHeadAttention"),
            None,
            "uses Keras's MultiHeadAttention layer, which kerastutor does not have",
        ),
        (
            lambda c: layer_entry(c, "Dense")["config"].update(lora_rank=4),
            None,
            "Dense layer 'dense' sets `lora_rank=4`, which kerastutor does not support",
        ),
        (
            lambda c: layer_entry(c, "LSTM")["config"]["kernel_initializer"]["config"].update(
                input_axes=[0]
            ),
            None,
            "kernel_initializer of layer 'lstm'.*`input_axes=\\[0\\]`",
        ),
        (lambda c: c.update(class_name="Dense"), None, "is a layer, not a model"),
        (lambda c: c["config"].pop("layers"), None, "cannot be rebuilt"),
        (lambda c: c["compile_config"].update(loss="hinge"), None, "compile arguments do not work"),
        (None, lambda f: f.__delitem__("layers/dense/vars/1"), "'dense' has 2 weights .* has 1"),
        (None, replace_dataset("layers/dense/vars/0", np.zeros((3, 1))), r"is \(10, 1\), but"),
        (None, replace_dataset("layers/dense/vars/0", np.array([b"x"] * 10)), "not numbers"),
        (None, replace_dataset("layers/extra/vars/0", np.zeros(2)), "has no place for"),
        (None, replace_dataset("optimizer/vars/2", np.zeros(7)), "optimizer slot 'velocity'"),
        (None, lambda f: f.__delitem__("optimizer/vars/6"), "optimizer state has 6 variables"),
    ],
)
def test_edited_files_are_refused(trained, edit_config, edit_weights, message):
    _, path, _, _ = trained
    rewrite(path, edit_config, edit_weights)
    with pytest.raises(ValueError, match=message):
        load_model(path)


def test_loading_never_imports_what_a_file_names(trained):
    _, path, _, _ = trained
    rewrite(path, set_class_name)
    assert "antigravity" not in sys.modules
    with pytest.raises(ValueError):
        load_model(path)
    assert "antigravity" not in sys.modules


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


def test_files_that_are_not_keras_files(tmp_path):
    with zipfile.ZipFile(tmp_path / "other.keras", "w") as archive:
        archive.writestr("a.npy", b"")
    with pytest.raises(ValueError, match="a zip but not a .keras file"):
        load_model(tmp_path / "other.keras")
    (tmp_path / "text.keras").write_text("hello")
    with pytest.raises(ValueError, match="truncated or corrupted"):
        load_model(tmp_path / "text.keras")
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.keras")


def test_file_names_end_as_keras_3_asks(trained, tmp_path):
    model, _, _, _ = trained
    with pytest.raises(ValueError, match=r"ending in '.keras'"):
        model.save(tmp_path / "model.npz")
    with pytest.raises(ValueError, match=r"ending in '.weights.h5'"):
        model.save_weights(tmp_path / "model.h5")


def test_importing_kerastutor_does_not_import_h5py():
    code = (
        "import sys, kerastutor, kerastutor.models, kerastutor.saving; print('h5py' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_sequential_started_with_an_input_and_an_unbuilt_one(tmp_path):
    model = Sequential()
    model.add(Input(shape=(3,)))
    model.add(Dense(2))
    model.save(tmp_path / "built.keras")
    loaded = load_model(tmp_path / "built.keras")
    assert loaded.input_shape == (None, 3)
    data = np.ones((2, 3))
    assert loaded.predict(data).tobytes() == model.predict(data).tobytes()
    with pytest.warns(UserWarning, match="not yet been built"):  # as Keras 3 warns
        Sequential([Dense(2)]).save(tmp_path / "unbuilt.keras")
    assert not load_model(tmp_path / "unbuilt.keras").built


class Blocks(kerastutor.Model):
    """A subclassed model: layers as attributes (one list), its own call and get_config."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.head = Dense(1)
        self.blocks = [Dense(units), Dense(2)]

    def call(self, inputs):
        return self.head(self.blocks[1](self.blocks[0](inputs)))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_a_subclassed_model_saves_its_arguments_and_its_attribute_layers(tmp_path):
    model = Blocks(units=3)
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    model(x)  # built first: compile before the first call fails in kerastutor today
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, np.ones((4, 1)), epochs=2, batch_size=2, verbose=0)
    model.save(tmp_path / "blocks.keras")
    with zipfile.ZipFile(tmp_path / "blocks.keras") as archive:
        config = json.loads(archive.read("config.json"))
        weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
    assert config["config"] == {
        "name": model.name,
        "trainable": True,
        "dtype": "float32",  # Keras 3's base get_config has the dtype too
        "units": 3,
    }
    assert weights["blocks/dense/vars/0"].shape == (3, 3)  # Keras 3's paths: attribute names
    assert weights["blocks/dense_1/vars/0"].shape == (3, 2)
    assert weights["head/vars/0"].shape == (2, 1)
    loaded = load_model(tmp_path / "blocks.keras", custom_objects={"Blocks": Blocks})
    assert type(loaded) is Blocks and loaded.units == 3
    batch = np.ones((7, 3), "float32")  # another batch size than the one it was built with
    assert loaded.predict(batch).tobytes() == model.predict(batch).tobytes()
    model.train_on_batch(x, np.ones((4, 1)))
    loaded.train_on_batch(x, np.ones((4, 1)))
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        assert a.tobytes() == b.tobytes()


def keras_3_arguments(layer):
    """The layer's config as JSON stores it (tuples become lists), without Keras 2's arguments."""
    config = json.loads(json.dumps(layer.get_config()))
    return {k: v for k, v in config.items() if k not in ("input_length", "batch_input_shape")}


# JSON turns Lambda's `arguments={'axis': (1, 2)}` into a list, which the ops take
# as Keras's do (`lambda_output_shape`).
SAVED_CASES = list(LAYER_CASES)


@pytest.mark.parametrize("case", SAVED_CASES, ids=lambda case: case.id)
def test_every_layer_case_round_trips_through_a_keras_file(case, tmp_path):
    """Each layer of the shared harness, in a one-layer model: same config, same numbers."""
    inputs = [Input(shape=shape, dtype=case.dtype) for shape in case.input_shapes]
    outputs = case.make()(inputs[0] if len(inputs) == 1 else inputs)
    model = Model(inputs, outputs)
    model.save(tmp_path / "case.keras")
    loaded = load_model(tmp_path / "case.keras")
    assert loaded.to_json() == model.to_json()
    # Embedding's Keras 2 `input_length` is not kept by Keras 3 (the Input has the shape).
    assert keras_3_arguments(loaded.layers[-1]) == keras_3_arguments(model.layers[-1])
    data = make_data(case, np.random.default_rng(0))
    for a, b in zip(as_list(model.predict(data)), as_list(loaded.predict(data)), strict=True):
        assert a.tobytes() == b.tobytes()


def test_saving_does_not_import_models_models_import_saving():
    """One direction (CODE-REVIEW problem 4): the file format sits below the model classes."""
    code = (
        "import sys, kerastutor.saving; print('kerastutor.models' in sys.modules); "
        "from kerastutor.saving import load_model; print(load_model.__module__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "kerastutor.models.loading"]
