"""Saving and loading models in Keras 3's own files.

* `model.save("m.keras")` writes a zip of `config.json` (the architecture and
  compile arguments, as Keras 3 serializes them), `metadata.json` and
  `model.weights.h5` (the weights and optimizer state, as Keras 3 lays them
  out: `layers/dense/vars/0` is the first Dense layer's kernel);
* `model.save_weights("m.weights.h5")` writes that weight file alone.

So a model trained here loads in Keras 3 (`keras.saving.load_model`), and a
model saved by Keras 3 loads here, for the layers kerastutor has, as does a
Keras 2 / tf_keras `model.save("m.h5")` file (`legacy_h5`)::

    >>> import zipfile                                          # doctest: +SKIP
    >>> zipfile.ZipFile("m.keras").namelist()                   # doctest: +SKIP
    ['metadata.json', 'config.json', 'model.weights.h5']

Loading is safe and all-or-nothing:

* the config is JSON and the weights are HDF5 numeric datasets read with
  h5py: nothing is unpickled, so nothing in a file can run code; layer
  classes are found by name in kerastutor's registry (`get_layer_class`),
  never imported by a name the file gives;
* what a file declares (entry sizes, dataset shapes, JSON depth, sizes such
  as `units`) is checked against `limits` before any data is read, so a
  file that would inflate or allocate far more than it holds is refused;
* everything is read and checked (zip checksums, the config, every weight's
  group and shape against the rebuilt architecture, the optimizer's slots)
  before any weight is set, so a truncated, corrupted or edited file, an
  unknown layer class or a different architecture raises a ValueError that
  says what is wrong, and no half-loaded model exists.

`keras_format` is the one place that translates between kerastutor's
configs and Keras 3's; `weights_file` is the weight layout; `saving_lib`
writes and reads the files; `legacy_h5` reads Keras 2's; `limits` holds
what a file may declare; `kerastutor.models.loading` rebuilds models.
docs/keras-differences.md lists every difference the files bridge.
"""

import importlib

from kerastutor.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)

__all__ = [
    "save_model",
    "load_model",
    "save_weights",
    "load_weights",
    "model_to_json",
    "model_from_json",
    "register_keras_serializable",
    "get_registered_name",
    "get_registered_object",
    "get_custom_objects",
    "custom_object_scope",
    "CustomObjectScope",
]

# Names resolved on first use (PEP 562), so that `import kerastutor.models` does
# not load the file formats (zip, JSON, HDF5 code) until a model is saved or
# loaded. Rebuilding a model needs the model classes, one floor up
# (`kerastutor.models` imports this package, never the other way).
_LAZY = {
    "save_model": "kerastutor.saving.saving_lib",
    "save_weights": "kerastutor.saving.saving_lib",
    "load_weights": "kerastutor.saving.saving_lib",
    "model_to_json": "kerastutor.saving.saving_lib",
    "load_model": "kerastutor.models.loading",
    "model_from_json": "kerastutor.models.loading",
}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kerastutor.saving' has no attribute {name!r}")


def __dir__():
    return sorted(
        [
            *__all__,
            "keras_format",
            "legacy_h5",
            "limits",
            "object_registration",
            "saving_lib",
            "weights_file",
        ]
    )
