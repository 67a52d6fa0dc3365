"""`load_model` and `model_from_json`: a kerastutor model from a Keras file or JSON.

The file formats are `kerastutor.saving`'s (Keras 3's `.keras`, Keras 2's
`.h5` in `legacy_h5`); this module rebuilds the model from them. Layer and model classes are found by name in the registry of Layer
subclasses, which importing `kerastutor.layers` and this package fills.
"""

import contextlib
import os

from kerastutor import layers, losses, metrics, optimizers  # noqa: F401 (layers: the registry)
from kerastutor.engine.functional import Functional
from kerastutor.engine.traceback_utils import filter_traceback
from kerastutor.saving import keras_format, legacy_h5, limits, saving_lib, weights_file
from kerastutor.saving.keras_format import KerasFormatError, from_keras

__all__ = ["load_model", "model_from_json", "build_model"]


def build_model(entry, custom_objects=None, where="the file"):
    """A new kerastutor model from Keras 3's serialized config (fresh weights)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("config"), dict):
        raise ValueError(f"{where}: the architecture is not a {{'class_name', 'config'}} object.")
    limits.check_config_values(entry, where)
    model_class = keras_format.kerastutor_class(entry, custom_objects)
    if not (isinstance(model_class, type) and issubclass(model_class, Functional)):
        raise ValueError(
            f"{where}: class {entry.get('class_name')!r} is a layer, not a model. Only Model and "
            "Sequential files can be loaded as models."
        )
    ours = from_keras(entry, custom_objects, where)
    try:
        if model_class._has_own_call() and (
            model_class.from_config.__func__ is Functional.from_config.__func__
        ):
            model = model_class(**ours["config"])  # a subclassed model: its constructor arguments
        else:
            model = model_class.from_config(ours["config"], custom_objects=custom_objects)
    except MemoryError:
        raise ValueError(
            f"{where}: the architecture needs more memory than this machine has (its layers "
            "are too large for NumPy here)."
        ) from None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise ValueError(
            f"{where}: the architecture cannot be rebuilt ({type(error).__name__}: {error}). It "
            "was edited by hand, damaged, or needs custom layers: pass "
            "custom_objects={'ClassName': ClassName}."
        ) from None
    shape = entry["config"].get("build_input_shape") or (entry.get("build_config") or {}).get(
        "input_shape"
    )
    if not model.built and shape:
        model.build(_any_batch_size(shape))
    return model


def _any_batch_size(shape):
    """A saved input shape (or list of them) with the batch size left open."""
    if shape and isinstance(shape[0], list):
        return [_any_batch_size(one) for one in shape]
    return (None, *shape[1:])


@filter_traceback
def load_model(filepath, custom_objects=None, compile=True):  # `compile`: Keras's name
    """Rebuild a model from a `.keras` file (kerastutor, Keras 3) or a Keras 2 `.h5` file.

    Args:
        filepath: the file `model.save` wrote (Keras 2's `model.save("m.h5")` too).
        custom_objects: {'ClassName': class} for custom layers.
        compile: recompile with the saved optimizer, loss and metrics, and
            restore the optimizer's state, if the file has them.

    Raises:
        ValueError: for a truncated, corrupted or edited file, a layer class
            kerastutor does not have, or weights that do not fit; nothing is
            returned half-loaded.
        FileNotFoundError: if there is no such file.
    """
    path = os.fspath(filepath)
    if os.path.exists(path) and saving_lib.is_hdf5(path):
        return _load_keras_2(path, custom_objects, compile)
    path, entry, weights = saving_lib.read_archive(filepath)
    where = repr(path)
    with _malformed(where):
        model = _build(entry, custom_objects, where)
        layout = weights_file.weight_layout(model, entry["config"])
    with saving_lib.reading_h5(path), saving_lib.open_h5(weights, path) as h5file:
        found = weights_file.read_weights(h5file, layout, where)
        compile_config = entry.get("compile_config")
        state = None
        if compile and compile_config:
            _compile_saved(model, compile_config, where)
            state = weights_file.read_optimizer(h5file, model, where)
    for variable, array in found:
        variable.assign(array)
    if state is not None:
        weights_file.set_optimizer(model, state)
    return model


@contextlib.contextmanager
def _malformed(where):
    """A config with keys missing or values of the wrong kind: one ValueError that says so."""
    try:
        yield
    except (KeyError, TypeError, AttributeError, IndexError) as error:
        raise ValueError(
            f"{where}: its model config is malformed ({type(error).__name__}: {error}); it was "
            "edited by hand or damaged."
        ) from None


def _build(entry, custom_objects, where):
    try:
        return build_model(entry, custom_objects, where)
    except KerasFormatError as error:
        raise ValueError(f"{where}: {error}") from None


def _load_keras_2(path, custom_objects, compile):
    """A model from Keras 2's `model.save("m.h5")`: its config, weights and optimizer."""
    where = repr(path)
    with saving_lib.reading_h5(path), saving_lib.open_h5_file(path) as h5file:
        if not legacy_h5.is_legacy_model(h5file):
            raise ValueError(
                f"{where} is an HDF5 weights file, not a model: it holds only weights (use "
                "model.load_weights on the model that wrote it)."
            )
        with _malformed(where):
            entry, compile_config = legacy_h5.read_model(h5file, where)
            model = _build(entry, custom_objects, where)
        found = legacy_h5.read_weights(h5file, model, where)
        state = None
        if compile and compile_config:
            _compile_saved(model, compile_config, where)
            state = legacy_h5.read_optimizer(h5file, model, where)
    for variable, array in found:
        variable.assign(array)
    if state is not None:
        weights_file.set_optimizer(model, state)
    return model


def _walk(saved, convert):
    if isinstance(saved, dict) and "class_name" in saved:
        return convert(saved)
    if isinstance(saved, dict):
        return {name: _walk(item, convert) for name, item in saved.items()}
    if isinstance(saved, list):
        return [_walk(item, convert) for item in saved]
    return saved


def _compile_saved(model, compile_config, where):
    if not isinstance(compile_config, dict):
        raise ValueError(f"{where}: the compile arguments are malformed.")
    try:
        optimizer = compile_config.get("optimizer")
        if isinstance(optimizer, dict):
            optimizer = optimizers.deserialize(
                keras_format.object_from_keras(optimizer, optimizers, "optimizer")
            )
        model.compile(
            optimizer=optimizer,
            loss=_walk(
                compile_config.get("loss"),
                lambda v: losses.deserialize(keras_format.object_from_keras(v, losses, "loss")),
            ),
            loss_weights=compile_config.get("loss_weights"),
            metrics=_walk(
                compile_config.get("metrics"),
                lambda v: metrics.deserialize(keras_format.object_from_keras(v, metrics, "metric")),
            ),
        )
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{where}: the saved compile arguments do not work in kerastutor ({error}). "
            "Load with compile=False and compile the model yourself."
        ) from None


def model_from_json(json_string, custom_objects=None):
    """Rebuild a model (new weights, freshly initialised) from `model.to_json()`."""
    if not isinstance(json_string, (str, bytes)):
        raise ValueError(
            "model_from_json needs the text of model.to_json(), received "
            f"{type(json_string).__name__}."
        )
    entry = limits.parse_json(json_string, "model_from_json needs the text of model.to_json()")
    try:
        return build_model(entry, custom_objects, "model_from_json")
    except KerasFormatError as error:
        raise ValueError(f"model_from_json: {error}") from None
