"""Hostile and damaged files, in both formats (Keras 3's `.keras`, Keras 2's `.h5`).

Each is refused with a ValueError that says what is wrong, before any array
data is read; nothing in a file is unpickled; a model that fails to load
weights keeps its own. The bomb-like files run in a subprocess whose memory
is capped (resource.setrlimit): were any of them read, it would fail there.
"""

import io
import json
import pathlib
import pickle
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib

import h5py
import numpy as np
import pytest

import kerastutor
from kerastutor.models import load_model

FIXTURES = pathlib.Path(__file__).parent / "saving_fixtures"
sys.path.insert(0, str(FIXTURES))
from seed_models import build  # noqa: E402

LEGACY = FIXTURES / "legacy_tweets.h5"
KERAS_3 = FIXTURES / "seed_tweets.keras"


@pytest.fixture
def legacy(tmp_path):
    return pathlib.Path(shutil.copy(LEGACY, tmp_path / "tweets.h5"))


def edit_legacy_config(path, edit):
    with h5py.File(path, "a") as h5file:
        config = json.loads(h5file.attrs["model_config"])
        edit(config)
        h5file.attrs["model_config"] = json.dumps(config)
    return path


def edit_keras_3_config(path, edit):
    with zipfile.ZipFile(KERAS_3) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(entries["config.json"])
    edit(config)
    entries["config.json"] = json.dumps(config).encode()
    write_zip(path, entries)
    return path


def write_zip(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def layer(config, name):
    return next(e for e in config["config"]["layers"] if e["name"] == name)


def untouched_model():
    """The seed tweets model, fresh, and a copy of its weights to compare with later."""
    model = build(kerastutor)["tweets"][0]
    return model, [w.copy() for w in model.get_weights()]


def assert_untouched(model, before):
    for weight, saved in zip(model.get_weights(), before, strict=True):
        assert weight.tobytes() == saved.tobytes()


# ---------------------------------------------------------------- damaged files


@pytest.mark.parametrize("source", [LEGACY, KERAS_3], ids=["h5", "keras"])
def test_truncated_files_are_refused(source, tmp_path):
    data = source.read_bytes()
    model, before = untouched_model()
    for length in (0, 7, 100, len(data) // 3, len(data) // 2, len(data) - 40):
        cut = tmp_path / f"cut_{length}{source.suffix}"
        cut.write_bytes(data[:length])
        with pytest.raises(ValueError, match="truncated or corrupted"):
            load_model(cut)
        with pytest.raises(ValueError):
            model.load_weights(cut)
        assert_untouched(model, before)


def test_flipped_bytes_in_a_keras_2_file_never_crash_or_half_load(tmp_path):
    """HDF5 keeps no checksum of its arrays: a flipped byte in one may load as another
    number (Keras 2 would load it too; see docs/keras-differences.md). Any other damage
    is a ValueError, and a model that loads has every weight set from the file."""
    data = LEGACY.read_bytes()
    rng = np.random.default_rng(0)
    outcomes = {"refused": 0, "loaded": 0}
    for position in rng.choice(len(data), size=60, replace=False):
        damaged = bytearray(data)
        damaged[position] ^= 0xFF
        target = tmp_path / "damaged.h5"
        target.write_bytes(bytes(damaged))
        try:
            model = load_model(target)
        except ValueError:
            outcomes["refused"] += 1
            continue
        outcomes["loaded"] += 1
        assert model.count_params() == 191
    assert outcomes["refused"] > 0 and outcomes["loaded"] > 0


# ---------------------------------------------------------------- what the config says


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda c: layer(c, "concatenate").update(class_name="Attention"),
            "uses Keras's Attention layer, which kerastutor does not have.*Dense, Embedding",
        ),
        (
            lambda c: layer(c, "shared_lstm")["config"].update(time_major=True),
            "LSTM layer 'shared_lstm' sets `time_major=True`, which kerastutor does not support",
        ),
        (
            lambda c: layer(c, "shared_lstm")["config"].update(recurrent_dropout_mode="x"),
            "sets `recurrent_dropout_mode='x'`, which kerastutor does not support",
        ),
        (
            lambda c: layer(c, "dense")["config"].update(units=10**10),
            "layer 'dense' sets units=10000000000, outside 0..16,777,216",
        ),
        (
            lambda c: layer(c, "tweet_a")["config"].update(batch_input_shape=[None, 4, 10**9]),
            "sets batch_input_shape=\\[None, 4, 1000000000\\]",
        ),
        (lambda c: c["config"]["layers"].pop(), "architecture cannot be rebuilt"),
        (lambda c: layer(c, "dense").update(inbound_nodes=[["x"]]), "call of layer 'dense'"),
    ],
)
def test_a_keras_2_config_kerastutor_cannot_follow_is_refused(legacy, edit, message):
    edit_legacy_config(legacy, edit)
    with pytest.raises(ValueError, match=message):
        load_model(legacy)


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda c: layer(c, "concatenate").update(class_name="Attention"),
            "uses Keras's Attention layer, which kerastutor does not have.*Dense, Embedding",
        ),
        (
            lambda c: layer(c, "dense")["config"].update(units=10**10),
            "layer 'dense' sets units=10000000000, outside",
        ),
        (
            lambda c: layer(c, "shared_lstm")["config"].update(use_cudnn="yes"),
            "sets `use_cudnn='yes'`, which kerastutor does not support",
        ),
    ],
)
def test_a_keras_3_config_kerastutor_cannot_follow_is_refused(tmp_path, edit, message):
    path = edit_keras_3_config(tmp_path / "edited.keras", edit)
    with pytest.raises(ValueError, match=message):
        load_model(path)


def nested(depth):
    value = {"class_name": "Dense", "config": {}}
    for _ in range(depth):
        value = {"class_name": "Dense", "config": {"layer": value}}
    return value


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, json.dumps(nested(200))])
def test_json_nested_very_deep_is_refused(tmp_path, legacy, text):
    with h5py.File(legacy, "a") as h5file:
        h5file.attrs["model_config"] = text
    with pytest.raises(ValueError, match="nests deeper than 100 levels"):
        load_model(legacy)
    with zipfile.ZipFile(KERAS_3) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    write_zip(tmp_path / "deep.keras", {**entries, "config.json": text})
    with pytest.raises(ValueError, match="nests deeper than 100 levels"):
        load_model(tmp_path / "deep.keras")


def test_archive_entries_named_outside_the_archive_are_refused(tmp_path):
    with zipfile.ZipFile(KERAS_3) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    for name in ["../../escaped.txt", "/etc/escaped", "assets/../../x", "C:/escaped", "a\\..\\b"]:
        write_zip(tmp_path / "traversal.keras", {**entries, name: b"x"})
        with pytest.raises(ValueError, match="outside the archive"):
            load_model(tmp_path / "traversal.keras")
    assert not (tmp_path.parent / "escaped.txt").exists()


# ---------------------------------------------------------------- what the arrays say


def opaque_pickle(marker):
    """A pickle that would create `marker` if anyone unpickled it."""

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    return np.void(pickle.dumps(Payload()))


def test_pickle_payloads_are_never_unpickled(tmp_path, legacy):
    marker = tmp_path / "unpickled"
    payload = opaque_pickle(marker)
    with h5py.File(legacy, "a") as h5file:
        del h5file["model_weights/dense/dense/kernel:0"]
        h5file["model_weights/dense/dense/kernel:0"] = payload
    with pytest.raises(ValueError, match="not numbers; only numeric arrays are read"):
        load_model(legacy)
    with h5py.File(legacy, "a") as h5file:
        h5file.attrs["model_config"] = payload
    with pytest.raises(ValueError, match="'model_config' attribute holds .*not text"):
        load_model(legacy)
    with zipfile.ZipFile(KERAS_3) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    buffer = io.BytesIO(entries["model.weights.h5"])
    with h5py.File(buffer, "a") as h5file:
        del h5file["layers/dense/vars/0"]
        h5file["layers/dense/vars/0"] = payload
    write_zip(tmp_path / "pickle.keras", {**entries, "model.weights.h5": buffer.getvalue()})
    with pytest.raises(ValueError, match="not numbers"):
        load_model(tmp_path / "pickle.keras")
    write_zip(tmp_path / "pickled.keras", {**entries, "model.weights.h5": payload.tobytes()})
    with pytest.raises(ValueError, match="truncated or corrupted"):
        load_model(tmp_path / "pickled.keras")
    assert not marker.exists()


def test_weights_of_another_shape_are_refused_before_reading_and_change_nothing(legacy):
    with h5py.File(legacy, "a") as h5file:
        del h5file["model_weights/dense/dense/kernel:0"]
        h5file["model_weights/dense/dense/kernel:0"] = np.zeros((3, 1), "float32")
    model, before = untouched_model()
    with pytest.raises(ValueError, match=r"is \(10, 1\), but the file's 'dense/dense/kernel:0'"):
        model.load_weights(legacy)
    assert_untouched(model, before)


# ---------------------------------------------------------------- bombs, with capped memory

BOMBS = r"""
import io, json, resource, shutil, struct, sys, zipfile, zlib
import h5py, numpy as np
from kerastutor.models import load_model
resource.setrlimit(resource.RLIMIT_AS, (768 * 2**20, 768 * 2**20))
folder = sys.argv[1]
for name in sorted(json.loads(sys.argv[2])):
    try:
        load_model(f"{folder}/{name}")
        print(name, "LOADED")
    except ValueError as error:
        print(name, "refused:", str(error).replace("\n", " "))
"""


def huge_dataset(group, key):
    """A dataset declaring 4 TB in a few bytes: its chunks were never written."""
    if key in group:
        del group[key]
    group.create_dataset(key, shape=(10**6, 10**6), dtype="float32", chunks=(1, 1000))


def forged_zip(path, entries, declared=None, deflated=None):
    """A zip written by hand, so that its headers can lie.

    `declared[name]` replaces an entry's inflated size in both headers;
    `deflated[name]` is a raw deflate stream stored as that entry's data.
    """
    declared, deflated = declared or {}, deflated or {}
    body, directory = bytearray(), bytearray()
    for name, data in entries.items():
        encoded = name.encode()
        if name in deflated:
            method, stored = 8, deflated[name]
        else:
            method, stored = 0, data
        crc, size = zlib.crc32(data), declared.get(name, len(data))
        fields = (20, 0, method, 0, 33, crc, len(stored), size, len(encoded), 0)
        directory += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, len(body))
        directory += encoded
        body += struct.pack("<4s5H3I2H", b"PK\x03\x04", *fields) + encoded + stored
    end = struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    path.write_bytes(bytes(body + directory + end))


def deflated_zeros(size):
    """The raw deflate stream of `size` zero bytes, made without holding them."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(2**20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (size // 2**20) + compressor.flush()


def test_bombs_are_refused_before_reading_within_a_memory_cap(tmp_path, legacy):
    with zipfile.ZipFile(KERAS_3) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    # An h5 dataset declaring 4 TB, in each format (weights and optimizer slots).
    with h5py.File(shutil.copy(legacy, tmp_path / "huge_weight.h5"), "a") as h5file:
        huge_dataset(h5file, "model_weights/dense/dense/kernel:0")
    with h5py.File(shutil.copy(legacy, tmp_path / "huge_slot.h5"), "a") as h5file:
        huge_dataset(h5file, "optimizer_weights/RMSprop/velocity/dense/kernel:0")
    for key, name in [("layers/dense/vars/0", "huge_weight"), ("optimizer/vars/6", "huge_slot")]:
        buffer = io.BytesIO(entries["model.weights.h5"])
        with h5py.File(buffer, "a") as h5file:
            huge_dataset(h5file, key)
        write_zip(tmp_path / f"{name}.keras", {**entries, "model.weights.h5": buffer.getvalue()})
    # A zip entry declaring 3 GB; one declaring 1 KB that inflates to 1 GB.
    forged_zip(tmp_path / "declared.keras", entries, declared={"model.weights.h5": 3 * 2**30})
    forged_zip(
        tmp_path / "inflating.keras",
        {**entries, "model.weights.h5": bytes(1024)},
        deflated={"model.weights.h5": deflated_zeros(2**30)},
    )
    # A config asking for 10**10 units, in each format.
    edit_legacy_config(
        shutil.copy(legacy, tmp_path / "units.h5"),
        lambda c: layer(c, "dense")["config"].update(units=10**10),
    )
    edit_keras_3_config(
        tmp_path / "units.keras", lambda c: layer(c, "dense")["config"].update(units=10**10)
    )
    names = [path.name for path in tmp_path.iterdir() if path.name != "tweets.h5"]
    result = subprocess.run(
        [sys.executable, "-c", BOMBS, str(tmp_path), json.dumps(names)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=pathlib.Path(kerastutor.__file__).parent.parent,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert set(lines) == set(names)
    assert all(line.startswith("refused:") for line in lines.values()), lines
    assert "declares shape (1000000, 1000000)" in lines["huge_weight.h5"]
    assert "declares shape (1000000, 1000000)" in lines["huge_slot.h5"]
    assert "declares shape (1000000, 1000000)" in lines["huge_weight.keras"]
    assert "declares shape (1000000, 1000000)" in lines["huge_slot.keras"]
    assert "its entries declare 3,22" in lines["declared.keras"]
    assert "truncated or corrupted" in lines["inflating.keras"]
    assert "units=10000000000" in lines["units.h5"] and "units=10000000000" in lines["units.keras"]


# ---------------------------------------------------------------- edited at random


def json_paths(value, prefix=()):
    """Every key path inside a JSON value."""
    yield prefix
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else []
    )
    for key, item in items:
        yield from json_paths(item, (*prefix, key))


def mutated(config, rng):
    """The config with one value deleted or replaced by one of the wrong kind."""
    path = list(json_paths(config))[1:][rng.integers(len(list(json_paths(config))) - 1)]
    parent = config
    for key in path[:-1]:
        parent = parent[key]
    if isinstance(parent, dict) and rng.random() < 0.4:
        del parent[path[-1]]
    else:
        choices = [None, 7, -1, "x", [], {}, [1, 2], {"a": 1}, True, 2.5, [[None]]]
        parent[path[-1]] = choices[rng.integers(len(choices))]
    return config


@pytest.mark.filterwarnings("ignore")  # some edits only touch the optimizer: a warning
def test_configs_edited_at_random_load_or_raise_a_value_error_never_another_error(tmp_path):
    rng = np.random.default_rng(0)
    source = FIXTURES / "legacy_decoder.h5"
    for _ in range(60):
        target = pathlib.Path(shutil.copy(source, tmp_path / "edited.h5"))
        edit_legacy_config(target, lambda config: mutated(config, rng))
        try:
            load_model(target)
        except ValueError:
            pass
        path = edit_keras_3_config(tmp_path / "edited.keras", lambda c: mutated(c, rng))
        try:
            load_model(path)
        except ValueError:
            pass
