"""Writing and reading Keras 3's files: `model.save`, `save_weights`, `load_weights`.

Rebuilding a model from a file needs the model classes, one floor up: that
is `kerastutor.models.loading.load_model`, which uses `read_archive` and
`open_h5` from here.
"""

import contextlib
import datetime
import io
import json
import os
import tempfile
import warnings
import zipfile
import zlib

from kerastutor import __version__
from kerastutor.saving import keras_format, legacy_h5, limits, weights_file
from kerastutor.saving.keras_format import to_keras

__all__ = [
    "save_model",
    "save_weights",
    "load_weights",
    "model_to_json",
    "read_archive",
    "open_h5",
    "open_h5_file",
    "is_hdf5",
]

CONFIG, METADATA, WEIGHTS = "config.json", "metadata.json", "model.weights.h5"
KERAS_VERSION = "3.15.1"  # the Keras release whose file format this is
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _check_extension(filepath, extension, what):
    path = os.fspath(filepath)
    if not str(path).endswith(extension):
        raise ValueError(
            f"{what} needs a file name ending in '{extension}' (as Keras 3), received {path!r}."
        )
    return path


def _atomic_write(path, overwrite, write):
    """Write to a temporary file beside `path`, then move it into place."""
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it.")
    handle, temporary = tempfile.mkstemp(
        dir=os.path.dirname(os.path.abspath(path)), suffix=".partial"
    )
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _h5_bytes(model, layout, include_optimizer):
    buffer = io.BytesIO()
    with weights_file.h5py().File(buffer, "w") as h5file:
        state = None
        if include_optimizer and getattr(model, "compiled", False):
            state = weights_file.optimizer_arrays(model)
        weights_file.write_weights(h5file, layout, state)
    return buffer.getvalue()


# ---------------------------------------------------------------- writing


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Write a `.keras` file that Keras 3's `keras.saving.load_model` reads.

    A zip of `config.json` (the architecture and compile arguments, in
    Keras 3's form), `metadata.json` and `model.weights.h5` (the weights and
    the optimizer's state, laid out as Keras 3 lays them out).
    """
    path = _check_extension(filepath, ".keras", "model.save")
    entry = to_keras(model)
    if include_optimizer and getattr(model, "compiled", False):
        compile_config = model._compile_config()
        if compile_config is not None:
            entry["compile_config"] = _compile_to_keras(compile_config)
    layout = weights_file.weight_layout(model, entry["config"])
    weights = _h5_bytes(model, layout, include_optimizer and "compile_config" in entry)
    metadata = {
        "keras_version": KERAS_VERSION,
        "kerastutor_version": __version__,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }

    def write(temporary):
        with zipfile.ZipFile(temporary, "w") as archive:
            for name, data in [
                (METADATA, json.dumps(metadata)),
                (CONFIG, json.dumps(entry)),
                (WEIGHTS, weights),
            ]:
                archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_DATE), data)

    _atomic_write(path, overwrite, write)


def _compile_to_keras(compile_config):
    def objects(value, module):
        if isinstance(value, dict) and set(value) == {"class_name", "config"}:
            return keras_format._object_to_keras(value, module)
        if isinstance(value, dict):
            return {key: objects(item, module) for key, item in value.items()}
        if isinstance(value, list):
            return [objects(item, module) for item in value]
        return value

    return {
        "optimizer": objects(compile_config["optimizer"], "keras.optimizers"),
        "loss": objects(compile_config["loss"], "keras.losses"),
        "loss_weights": compile_config["loss_weights"],
        "metrics": objects(compile_config["metrics"], "keras.metrics"),
        "weighted_metrics": None,
        "run_eagerly": False,
        "steps_per_execution": 1,
        "jit_compile": False,
    }


def save_weights(model, filepath, overwrite=True):
    """Write the weights (and a compiled model's optimizer state), as Keras 3's `.weights.h5`."""
    path = _check_extension(filepath, ".weights.h5", "save_weights")
    layout = weights_file.weight_layout(model, to_keras(model)["config"])
    data = _h5_bytes(model, layout, include_optimizer=True)

    def write(temporary):
        with open(temporary, "wb") as stream:
            stream.write(data)

    _atomic_write(path, overwrite, write)


def model_to_json(model, **kwargs):
    """The architecture (no weights) as Keras 3's JSON: `model.to_json()`."""
    return json.dumps(to_keras(model), **kwargs)


# ---------------------------------------------------------------- reading


def _damaged(path, error):
    return ValueError(
        f"Cannot read {path!r}: it is not a complete .keras file ({error}). It may be truncated "
        "or corrupted (an interrupted copy or download), or not a file written by `model.save`."
    )


def is_hdf5(path):
    """Whether the file starts as an HDF5 file does (Keras 2's `.h5`, a `.weights.h5`)."""
    with open(path, "rb") as stream:
        return stream.read(8) == _HDF5_SIGNATURE


def read_archive(filepath):
    """config.json (parsed) and the weight file's bytes, sizes and checksums verified."""
    path = os.fspath(filepath)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: {path!r}.")
    if is_hdf5(path):
        raise ValueError(
            f"{path!r} is an HDF5 weights file, not a .keras model: it holds only weights "
            "(use model.load_weights)."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if not {CONFIG, WEIGHTS} <= names:
                raise ValueError(
                    f"{path!r} is a zip but not a .keras file: it lacks "
                    f"{sorted({CONFIG, WEIGHTS} - names)}. Only files of `model.save` (kerastutor "
                    "or Keras 3) can be loaded."
                )
            # Reading each entry to its end makes zipfile check its CRC-32.
            entries = limits.read_zip_entries(archive, [CONFIG, WEIGHTS], repr(path))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as error:
        raise _damaged(path, error) from None
    config = limits.parse_json(entries[CONFIG], f"The config.json of {path!r}")
    return path, config, entries[WEIGHTS]


def open_h5(data, path):
    try:
        return weights_file.h5py().File(io.BytesIO(data), "r")
    except (OSError, ValueError) as error:
        raise _damaged(path, error) from None


@contextlib.contextmanager
def reading_h5(path):
    """Turn HDF5's own errors while reading a damaged file into one ValueError that says so."""
    try:
        yield
    except (OSError, RuntimeError, KeyError) as error:
        raise ValueError(
            f"Cannot read {path!r}: its HDF5 structure is damaged ({type(error).__name__}: "
            f"{error}). It may be truncated or corrupted (an interrupted copy or download)."
        ) from None


def open_h5_file(path):
    """An HDF5 file on disk, opened to read; a damaged one is refused with a ValueError."""
    try:
        return weights_file.h5py().File(path, "r")
    except (OSError, ValueError) as error:
        raise ValueError(
            f"Cannot read {path!r}: it is not a complete HDF5 file ({error}). It may be truncated "
            "or corrupted (an interrupted copy or download)."
        ) from None


def _read_small_file(path):
    size = os.path.getsize(path)
    if size > limits.MAX_WEIGHT_BYTES:
        raise ValueError(
            f"{path!r} is {size:,} bytes, above kerastutor.saving.limits.MAX_WEIGHT_BYTES "
            f"({limits.MAX_WEIGHT_BYTES:,}); raise that limit if the file is truly yours."
        )
    with open(path, "rb") as stream:
        return stream.read()


def _is_keras_2_file(path):
    with reading_h5(path), open_h5_file(path) as h5file:
        return legacy_h5.is_legacy_model(h5file) or legacy_h5.is_legacy_weights(h5file)


def load_weights(model, filepath):
    """Set the model's weights from a `.weights.h5` (or `.keras`) file, all checked first.

    A compiled model also takes the optimizer state the file has, when it
    fits (the same optimizer and settings); otherwise a warning says why
    not, and the optimizer keeps its own, as in Keras 3.
    """
    path = os.fspath(filepath)
    if str(path).endswith(".keras"):
        path, _, data = read_archive(path)
    elif not os.path.exists(path):
        raise FileNotFoundError(f"No such file: {path!r}.")
    elif is_hdf5(path) and _is_keras_2_file(path):
        # Keras 2's `save_weights("w.h5")`: weights by layer name, no optimizer (as Keras 2).
        with reading_h5(path), open_h5_file(path) as h5file:
            found = legacy_h5.read_weights(h5file, model, repr(path))
        for variable, array in found:
            variable.assign(array)
        return
    else:
        data = _read_small_file(path)
    with reading_h5(path), open_h5(data, path) as h5file:
        layout = weights_file.weight_layout(model, to_keras(model)["config"])
        found = weights_file.read_weights(h5file, layout, repr(path))
        state = None
        if getattr(model, "compiled", False):
            try:
                state = weights_file.read_optimizer(h5file, model, repr(path))
            except ValueError as error:
                # As Keras 3: the weights still load, the optimizer keeps its own state.
                warnings.warn(f"The optimizer state was not loaded: {error}", stacklevel=3)
    for variable, array in found:
        variable.assign(array)
    if state is not None:
        weights_file.set_optimizer(model, state)
