"""keras.utils: to_categorical, pad_sequences and get_file behave as in Keras 3."""

import hashlib
import io
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile

import numpy as np
import pytest

from kerastutor import utils

# ------------------------------------------------------------ to_categorical


def test_to_categorical_gives_float64_one_hot_rows():
    out = utils.to_categorical([0, 2, 1], num_classes=4)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, np.eye(4)[[0, 2, 1]])


@pytest.mark.parametrize(
    "labels, num_classes, shape",
    [
        ([[1], [2]], None, (2, 3)),  # a trailing axis of 1 is dropped
        (np.array([[0, 1], [2, 0]]), 4, (2, 2, 4)),
        ([3], None, (1, 4)),  # num_classes = max + 1
        ([1.0, 0.0], 2, (2, 2)),  # whole floats are class numbers too
        (np.array([1], dtype="uint8"), np.int64(3), (1, 3)),
    ],
)
def test_to_categorical_shapes_match_keras(labels, num_classes, shape):
    out = utils.to_categorical(labels, num_classes)
    assert out.shape == shape
    np.testing.assert_array_equal(out.argmax(-1), np.reshape(labels, shape[:-1]))


@pytest.mark.parametrize(
    "labels, num_classes, match",
    [
        ([0, 3], 3, r"label 3, but with num_classes=3 the labels must be in \[0, 2\]"),
        ([0, -1], 3, r"label -1"),
        ([0.5, 1.0], 3, "whole class numbers"),
        ([0, 1], 0, "`num_classes` of to_categorical"),
    ],
)
def test_to_categorical_refuses_labels_it_cannot_place(labels, num_classes, match):
    with pytest.raises(ValueError, match=match):
        utils.to_categorical(labels, num_classes)


# ------------------------------------------------------------- pad_sequences

SEQUENCES = [[1], [2, 3], [4, 5, 6]]


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({}, [[0, 0, 1], [0, 2, 3], [4, 5, 6]]),
        ({"value": -1}, [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]),
        ({"padding": "post"}, [[1, 0, 0], [2, 3, 0], [4, 5, 6]]),
        ({"maxlen": 2}, [[0, 1], [2, 3], [5, 6]]),
        ({"maxlen": 2, "truncating": "post"}, [[0, 1], [2, 3], [4, 5]]),
        ({"maxlen": 4, "padding": "post"}, [[1, 0, 0, 0], [2, 3, 0, 0], [4, 5, 6, 0]]),
    ],
)
def test_pad_sequences_matches_keras(kwargs, expected):
    out = utils.pad_sequences(SEQUENCES, **kwargs)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, expected)


def test_pad_sequences_empty_rows_items_and_dtypes():
    np.testing.assert_array_equal(
        utils.pad_sequences([[1, 2, 3], [], [4]], maxlen=2, padding="post", value=9),
        [[2, 3], [9, 9], [4, 9]],
    )
    floats = utils.pad_sequences([[1.5, 2.0], [0.25]], dtype="float32")
    assert floats.dtype == np.float32
    np.testing.assert_array_equal(floats, [[1.5, 2.0], [0.0, 0.25]])
    vectors = utils.pad_sequences([[[1, 2], [3, 4]], [[5, 6]]])
    assert vectors.shape == (2, 2, 2)
    np.testing.assert_array_equal(vectors[1], [[0, 0], [5, 6]])
    words = utils.pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>")
    assert words.tolist() == [["a", "b"], ["<pad>", "c"]]
    words = utils.pad_sequences([["1"], ["1", "2"]], padding="post", value="pad", dtype="<U3")
    assert words.tolist() == [["1", "pad"], ["1", "2"]]
    assert utils.pad_sequences([]).shape == (0, 0)


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((SEQUENCES,), {"padding": "middle"}, "`padding` must be 'pre' or 'post'"),
        ((SEQUENCES,), {"truncating": "both"}, "`truncating` must be 'pre' or 'post'"),
        ((SEQUENCES,), {"maxlen": 0}, "`maxlen` of pad_sequences"),
        (([1, 2, 3],), {}, "item 0 is 1. For one sequence, pass"),
        (([["a"]],), {"value": "x"}, "`dtype` int32 is not compatible with .* Pass dtype=object"),
        (([[[1, 2]], [[3]]],), {}, "Sequence 1 has items of shape"),
    ],
)
def test_pad_sequences_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        utils.pad_sequences(*args, **kwargs)


# ------------------------------------------------------------------ get_file

URL = "https://example.com/files/data.csv"


def offline(*args, **kwargs):
    raise urllib.error.URLError(OSError(-3, "Temporary failure in name resolution"))


def test_get_file_offline_names_the_url_and_where_to_put_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(ConnectionError) as error:
        utils.get_file(origin=URL, cache_dir=tmp_path)
    message = str(error.value)
    target = tmp_path / "datasets" / "data.csv"
    assert URL in message and "this machine has no network access" in message
    assert f"copy it to {target}" in message
    assert not list((tmp_path / "datasets").iterdir())  # no half-written file left behind


def test_get_file_reports_a_server_error_as_a_wrong_url(tmp_path, monkeypatch):
    def not_found(*args, **kwargs):
        raise urllib.error.HTTPError(URL, 404, "Not Found", {}, None)

    monkeypatch.setattr(urllib.request, "urlopen", not_found)
    with pytest.raises(ConnectionError, match="answered 404 Not Found, so the URL is probably"):
        utils.get_file("renamed.csv", origin=URL, cache_dir=tmp_path)


def test_get_file_uses_a_file_already_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    target = tmp_path / "datasets" / "data.csv"
    target.parent.mkdir()
    target.write_text("a,b\n1,2\n")
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    assert utils.get_file(origin=URL, cache_dir=tmp_path) == str(target)
    assert utils.get_file(origin=URL, cache_dir=tmp_path, file_hash=digest) == str(target)
    # A wrong hash means the cached copy is not the file: fetch it again (and fail offline).
    with pytest.raises(ConnectionError):
        utils.get_file(origin=URL, cache_dir=tmp_path, file_hash="0" * 64)
    with pytest.raises(ConnectionError):
        utils.get_file(origin=URL, cache_dir=tmp_path, force_download=True)


def test_get_file_downloads_checks_and_extracts(tmp_path, monkeypatch):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("inner/hello.txt", "hello")
    payload = archive.getvalue()
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: io.BytesIO(payload))
    md5 = hashlib.md5(payload).hexdigest()
    folder = utils.get_file(
        "pack.zip",
        origin="https://example.com/pack.zip",
        cache_dir=tmp_path,
        file_hash=md5,
        extract=True,
    )
    assert folder == str(tmp_path / "datasets" / "pack_extracted")
    assert (tmp_path / "datasets" / "pack_extracted" / "inner" / "hello.txt").read_text() == "hello"
    with pytest.raises(ValueError, match="does not have the expected hash"):
        utils.get_file("other.zip", origin=URL, cache_dir=tmp_path, file_hash="1" * 32)
    assert not (tmp_path / "datasets" / "other.zip").exists()


def serve(monkeypatch, payload):
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: io.BytesIO(payload))


def tar_bytes(name, text):
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        data = text.encode()
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return archive.getvalue()


def test_get_file_names_archives_and_folders_as_keras_3(tmp_path, monkeypatch):
    payload = tar_bytes("aclImdb/README", "reviews")
    serve(monkeypatch, payload)
    # No fname: the archive is kept as '<url name>_archive', unpacked into '<url name>'.
    url = "https://example.com/aclImdb_v1.tar.gz"
    folder = utils.get_file(origin=url, untar=True, cache_dir=tmp_path, cache_subdir="")
    assert folder == str(tmp_path / "aclImdb_v1.tar.gz")
    assert (tmp_path / "aclImdb_v1.tar.gz_archive").is_file()
    assert (tmp_path / "aclImdb_v1.tar.gz" / "aclImdb" / "README").read_text() == "reviews"
    # An fname without an extension names the folder; with one, '<stem>_extracted'.
    assert utils.get_file("imdb", origin=url, extract=True, cache_dir=tmp_path) == str(
        tmp_path / "datasets" / "imdb"
    )
    md5 = hashlib.md5(payload).hexdigest()
    folder = utils.get_file(
        "imdb.tar.gz", origin=url, extract=True, cache_dir=tmp_path, md5_hash=md5
    )
    assert folder == str(tmp_path / "datasets" / "imdb_extracted")
    assert (tmp_path / "datasets" / "imdb.tar.gz").is_file()


def test_get_file_refuses_folders_in_fname_and_non_archives(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="without folders"):
        utils.get_file("sub/data.csv", origin=URL, cache_dir=tmp_path)
    serve(monkeypatch, b"a,b\n")
    with pytest.raises(ValueError, match="not a zip or tar archive"):
        utils.get_file(origin=URL, extract=True, cache_dir=tmp_path)


def test_get_file_needs_an_origin():
    with pytest.raises(ValueError, match="needs `origin`"):
        utils.get_file("x.csv")
    with pytest.raises(ValueError, match="pass `fname`"):
        utils.get_file(origin="https://example.com/")


# ---------------------------------------------------------------- the module


def test_utils_exports_keras_names_and_stays_light():
    for name in ["to_categorical", "pad_sequences", "set_random_seed", "plot_model", "get_file"]:
        assert name in utils.__all__ and callable(getattr(utils, name))
    code = (
        "import sys, kerastutor.utils;"
        "print(sorted(m for m in ('graphviz', 'ipywidgets', 'urllib.request') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_keras_2_places_of_the_registration_helpers_and_sequence():
    import kerastutor as keras

    # Keras 3 keeps them in keras.saving and still answers from keras.utils.
    for name in ("register_keras_serializable", "get_custom_objects", "custom_object_scope"):
        assert getattr(keras.utils, name) is getattr(keras.saving, name)
    assert keras.utils.Sequence is keras.utils.PyDataset
    assert "Sequence" in dir(keras.utils)

    @keras.utils.register_keras_serializable(package="lessons")
    class Doubler(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 2.0

    assert keras.utils.get_registered_name(Doubler) == "lessons>Doubler"
    assert keras.utils.get_registered_object("lessons>Doubler") is Doubler
