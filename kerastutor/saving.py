"""Saving and loading models: one file holding the architecture and the weights.

The file is a zip of `.npy` arrays, the format of `np.savez`, so NumPy alone
can open it::

    >>> import json, numpy as np                                # doctest: +SKIP
    >>> contents = np.load("model.keras", allow_pickle=False)   # doctest: +SKIP
    >>> json.loads(contents["kerastutor"].tobytes())["weights"]  # doctest: +SKIP
    [{'name': 'dense/kernel', 'shape': [3, 1], 'dtype': 'float32'}, ...]

* `kerastutor`: the header, JSON text stored as bytes: the model's config
  (`model.get_config()`, what `to_json` writes), the name, shape and dtype
  of every weight, the compile arguments and the optimizer's state list;
* `weight_0`, `weight_1`, ...: the weights, in `model.weights` order;
* `optimizer_0`, ...: the optimizer's slots (momentum, running averages),
  when the model was compiled and `include_optimizer` is True.

Loading is safe and all-or-nothing:

* arrays are read with `allow_pickle=False` and the header is JSON, so
  nothing in a file can run code; layer classes are found by name in
  kerastutor's registry of Layer subclasses (`get_layer_class`), never
  imported by a name the file gives;
* everything is read and checked (zip checksums, header, every weight's
  shape and dtype against the rebuilt architecture) before any weight is
  set, so a truncated, corrupted or hand-edited file raises a ValueError
  saying what is wrong and no half-loaded model exists.
"""

import io
import json
import os
import tempfile
import zipfile
import zlib

import numpy as np

from kerastutor import losses, metrics, optimizers
from kerastutor.engine.base_layer import get_layer_class

__all__ = [
    "save_model",
    "load_model",
    "save_weights",
    "load_weights",
    "model_to_json",
    "model_from_json",
]

FORMAT = "kerastutor"
FORMAT_VERSION = 1
HEADER_KEY = "kerastutor"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same model always gives the same bytes


# ---------------------------------------------------------------- writing


def _config_json(model):
    """`{'class_name': ..., 'config': ...}` for the model; explains unsaveable configs."""
    description = {"class_name": type(model).__name__, "config": model.get_config()}
    try:
        json.dumps(description, default=_json_default)
    except TypeError as error:
        for layer in getattr(model, "layers", []):
            try:
                json.dumps(layer.get_config(), default=_json_default)
            except TypeError:
                raise TypeError(
                    f"Layer '{layer.name}' ({type(layer).__name__}) cannot be saved: its "
                    f"get_config() holds a value JSON cannot store ({error}). Make get_config "
                    "return only numbers, strings, lists, dicts and None."
                ) from None
        raise
    return description


def _json_default(value):
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON serializable")


def _write(path, header, arrays, overwrite):
    """Write the zip to a temporary file first, then move it into place."""
    path = os.fspath(path)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it.")
    entries = {HEADER_KEY: np.frombuffer(_dumps(header).encode("utf-8"), dtype=np.uint8)}
    entries.update(arrays)
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
            for key, array in entries.items():
                payload = io.BytesIO()
                np.lib.format.write_array(payload, np.ascontiguousarray(array), allow_pickle=False)
                info = zipfile.ZipInfo(f"{key}.npy", date_time=_ZIP_DATE)
                archive.writestr(info, payload.getvalue())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _dumps(data):
    return json.dumps(data, default=_json_default, indent=1)


def _weights_header(weights):
    return [{"name": w.name, "shape": list(w.shape), "dtype": str(w.dtype)} for w in weights]


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Write the model's architecture, weights and (optionally) optimizer state to one file.

    Args:
        model: a Model or Sequential.
        filepath: where to write; any extension ('model.keras', 'model.npz').
        overwrite: False refuses to replace an existing file.
        include_optimizer: also save the compile arguments and the
            optimizer's state, so that training can resume exactly.
    """
    weights = model.weights
    arrays = {f"weight_{i}": w.data for i, w in enumerate(weights)}
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": "model",
        "model": _config_json(model),
        "input_shapes": [list(t.shape) for t in getattr(model, "inputs", [])],
        "weights": _weights_header(weights),
        "compile": None,
        "optimizer_state": None,
    }
    if include_optimizer and getattr(model, "compiled", False):
        header["compile"] = model._compile_config()
        if header["compile"] is not None:
            iterations, slots = model.optimizer.get_state(weights)
            slot_list = []
            for k, (weight_index, slot_name, array) in enumerate(slots):
                arrays[f"optimizer_{k}"] = array
                slot_list.append({"weight": weight_index, "slot": slot_name})
            header["optimizer_state"] = {"iterations": iterations, "slots": slot_list}
    _write(filepath, header, arrays, overwrite)


def save_weights(model, filepath, overwrite=True):
    """Write only the weights (and their names and shapes) to one file."""
    weights = model.weights
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": "weights",
        "weights": _weights_header(weights),
    }
    _write(filepath, header, {f"weight_{i}": w.data for i, w in enumerate(weights)}, overwrite)


def model_to_json(model, **kwargs):
    """The architecture as a JSON string (no weights): `model.to_json()`.

    Args:
        **kwargs: passed to `json.dumps`, e.g. indent=2.
    """
    return json.dumps(_config_json(model), default=_json_default, **kwargs)


# ---------------------------------------------------------------- reading


def _read(filepath):
    """Every array in the file, checksums verified, plus the parsed header."""
    path = os.fspath(filepath)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: {path!r}.")
    try:
        arrays = {}
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if not name.endswith(".npy"):
                    raise ValueError(f"unexpected entry {name!r}")
                # Reading to the end makes zipfile verify the entry's CRC-32.
                data = archive.read(name)
                arrays[name[: -len(".npy")]] = np.lib.format.read_array(
                    io.BytesIO(data), allow_pickle=False
                )
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as error:
        raise ValueError(
            f"Cannot read {path!r}: it is not a complete kerastutor file ({error}). It may be "
            "truncated or corrupted (an interrupted copy or download), or not a file written "
            "by `model.save` / `save_weights`."
        ) from None
    header_array = arrays.pop(HEADER_KEY, None)
    if header_array is None or header_array.dtype != np.uint8 or header_array.ndim != 1:
        raise ValueError(
            f"{path!r} is a zip of arrays but not a kerastutor file: it has no "
            f"'{HEADER_KEY}' header. Only files written by `model.save` or `save_weights` "
            "can be loaded."
        )
    try:
        header = json.loads(header_array.tobytes().decode("utf-8"))
    except ValueError as error:
        raise ValueError(f"The header of {path!r} is not valid JSON ({error}).") from None
    _expect(isinstance(header, dict), path, "the header is not a JSON object")
    _expect(header.get("format") == FORMAT, path, "the header does not say format 'kerastutor'")
    _expect(
        header.get("format_version") == FORMAT_VERSION,
        path,
        f"format version {header.get('format_version')!r}, this kerastutor reads {FORMAT_VERSION}",
    )
    return path, header, arrays


def _expect(condition, path, problem):
    if not condition:
        raise ValueError(
            f"{path!r} cannot be loaded: {problem}. The file was edited by hand or damaged."
        )


def _saved_weights(path, header, arrays):
    """The weight arrays in order, each checked against the header's name/shape/dtype."""
    entries = header.get("weights")
    _expect(isinstance(entries, list), path, "the header has no list of weights")
    result = []
    for i, entry in enumerate(entries):
        _expect(
            isinstance(entry, dict) and {"name", "shape", "dtype"} <= set(entry),
            path,
            f"weight entry {i} is malformed: {entry!r}",
        )
        array = arrays.get(f"weight_{i}")
        _expect(array is not None, path, f"the array of weight {i} ({entry['name']!r}) is missing")
        _expect(
            list(array.shape) == entry["shape"] and str(array.dtype) == entry["dtype"],
            path,
            f"weight {entry['name']!r} is listed as {entry['dtype']} {tuple(entry['shape'])} but "
            f"the array is {array.dtype} {array.shape}",
        )
        result.append((entry["name"], array))
    listed = {f"weight_{i}" for i in range(len(entries))}
    extra = [k for k in arrays if k not in listed and not k.startswith("optimizer_")]
    _expect(not extra, path, f"arrays {extra} are not listed in the header")
    return result


def _check_fit(model, saved, path, same_file):
    """Raise before anything changes unless every saved array fits its weight.

    `same_file` is True when the model was rebuilt from the file's own
    architecture: then a mismatch means the file was edited or damaged.
    """
    if same_file:
        reason = "the weights in the file do not fit the architecture in the same file: it was edited by hand or damaged"
    else:
        reason = f"{path!r} belongs to a different architecture"
    weights = model.weights
    if len(saved) != len(weights):
        raise ValueError(
            f"{path!r} holds {len(saved)} weights, but model '{model.name}' has {len(weights)} "
            f"({', '.join(w.name for w in weights) or 'none'}): {reason}."
        )
    for variable, (name, array) in zip(weights, saved, strict=True):
        if array.shape != variable.shape or array.dtype != variable.dtype:
            raise ValueError(
                f"Weight {variable.name!r} of model '{model.name}' is {variable.dtype} "
                f"{variable.shape}, but the file's weight {name!r} is {array.dtype} "
                f"{array.shape}: {reason}."
            )
        if same_file and name != variable.name:
            raise ValueError(
                f"{path!r} cannot be loaded: its weight {name!r} should be {variable.name!r} "
                "according to its own architecture. The file was edited by hand or damaged."
            )


def _assign(model, saved):
    for variable, (_, array) in zip(model.weights, saved, strict=True):
        variable.assign(array)


def load_weights(model, filepath):
    """Set the model's weights from a file of `save_weights` or `model.save`.

    Weights are matched by position in `model.weights`; all shapes and dtypes
    are checked before any weight is changed.
    """
    path, header, arrays = _read(filepath)
    saved = _saved_weights(path, header, arrays)
    _check_fit(model, saved, path, same_file=False)
    _assign(model, saved)


def _build_model(description, custom_objects, where):
    """Rebuild a Model or Sequential from `{'class_name', 'config'}` using the registry only."""
    # Importing the packages registers every built-in Layer and Model class.
    import kerastutor.layers
    import kerastutor.models  # noqa: F401
    from kerastutor.engine.functional import Functional

    if not isinstance(description, dict) or not isinstance(description.get("config"), dict):
        raise ValueError(f"{where}: the architecture is not a {{'class_name', 'config'}} object.")
    model_class = get_layer_class(str(description.get("class_name")), custom_objects)
    if not (isinstance(model_class, type) and issubclass(model_class, Functional)):
        raise ValueError(
            f"{where}: class {description.get('class_name')!r} is a layer, not a model. "
            "Only Model and Sequential files can be loaded as models."
        )
    try:
        return model_class.from_config(description["config"], custom_objects=custom_objects)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise ValueError(
            f"{where}: the architecture cannot be rebuilt ({type(error).__name__}: {error}). "
            "It was edited by hand, damaged, or needs custom layers: pass "
            "custom_objects={'ClassName': ClassName}."
        ) from None


def load_model(filepath, custom_objects=None, compile=True):  # `compile`: Keras's name
    """Rebuild a model saved with `model.save`, with its weights (and optimizer state).

    Args:
        filepath: the file `model.save` wrote.
        custom_objects: {'ClassName': class} for custom layers.
        compile: recompile with the saved optimizer, loss and metrics, and
            restore the optimizer's state, if the file has them.

    Raises:
        ValueError: for a truncated, corrupted or edited file; nothing is
            returned half-loaded.
        FileNotFoundError: if there is no such file.
    """
    path, header, arrays = _read(filepath)
    _expect(header.get("kind") == "model", path, "it holds only weights (use load_weights)")
    saved = _saved_weights(path, header, arrays)
    model = _build_model(header.get("model"), custom_objects, repr(path))
    shapes = header.get("input_shapes") or []
    if not model.built and shapes:
        # A Sequential whose config does not say its input shape (it began with an Input).
        model.build(tuple(shapes[0]))
    _check_fit(model, saved, path, same_file=True)
    compile_config = header.get("compile")
    if compile and compile_config is not None:
        _compile_saved(model, compile_config, header.get("optimizer_state"), arrays, path)
    _assign(model, saved)
    return model


def _from_configs(saved, deserialize):
    """Compile's `loss` or `metrics` from its saved form: configs become objects again.

    A saved loss or metric is a name, a built-in class's `{'class_name',
    'config'}`, or a list or dict (by output name) of those.
    """
    if isinstance(saved, dict) and set(saved) == {"class_name", "config"}:
        return deserialize(saved)
    if isinstance(saved, dict):
        return {name: _from_configs(item, deserialize) for name, item in saved.items()}
    if isinstance(saved, list):
        return [_from_configs(item, deserialize) for item in saved]
    return saved


def _compile_saved(model, compile_config, state, arrays, path):
    _expect(isinstance(compile_config, dict), path, "the compile arguments are malformed")
    try:
        optimizer = optimizers.deserialize(compile_config.get("optimizer"))
        model.compile(
            optimizer=optimizer,
            loss=_from_configs(compile_config.get("loss"), losses.deserialize),
            loss_weights=compile_config.get("loss_weights"),
            metrics=_from_configs(compile_config.get("metrics"), metrics.deserialize),
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path!r}: the saved compile arguments do not work ({error}).") from None
    if state is None:
        return
    _expect(
        isinstance(state, dict)
        and isinstance(state.get("iterations"), int)
        and isinstance(state.get("slots"), list),
        path,
        "the optimizer state is malformed",
    )
    slots = []
    for k, entry in enumerate(state["slots"]):
        array = arrays.get(f"optimizer_{k}")
        _expect(
            isinstance(entry, dict)
            and isinstance(entry.get("weight"), int)
            and isinstance(entry.get("slot"), str)
            and array is not None,
            path,
            f"optimizer slot {k} is malformed or missing",
        )
        slots.append((entry["weight"], entry["slot"], array))
    try:
        optimizer.set_state(model.weights, state["iterations"], slots)
    except ValueError as error:
        raise ValueError(f"{path!r}: {error}") from None


def model_from_json(json_string, custom_objects=None):
    """Rebuild a model (new weights, freshly initialised) from `model.to_json()`.

    Raises:
        ValueError: for text that is not a model's JSON.
    """
    try:
        description = json.loads(json_string)
    except (TypeError, ValueError) as error:
        raise ValueError(f"model_from_json needs the text of model.to_json(): {error}.") from None
    return _build_model(description, custom_objects, "model_from_json")
