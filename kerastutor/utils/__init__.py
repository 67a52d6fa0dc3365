"""Utilities (`keras.utils`): seeding, labels and padding, and (loaded on first use)
diagrams, downloads, gradient checks, `PyDataset` and the `train_step` data helpers."""

import importlib

from kerastutor.random import set_random_seed
from kerastutor.utils.grad_check import grad_check
from kerastutor.utils.numerical_utils import to_categorical
from kerastutor.utils.sequence_utils import pad_sequences

__all__ = [
    "set_random_seed",
    "to_categorical",
    "pad_sequences",
    "get_file",
    "plot_model",
    "GraphvizNotFoundError",
    "grad_check",
    "PyDataset",
    "unpack_x_y_sample_weight",
    "pack_x_y_sample_weight",
    "register_keras_serializable",
    "get_custom_objects",
    "custom_object_scope",
    "CustomObjectScope",
    "get_registered_name",
    "get_registered_object",
    "Sequence",
]

# Names whose modules load on first use, so that `import kerastutor.utils`
# does not import graphviz or urllib: {name: module that defines it}.
# (plot_model lives in `vis_utils`, Keras 2's module name for it: a module
# named `plot_model` would replace the function of the same name here.)
_LAZY = {
    "plot_model": "kerastutor.utils.vis_utils",
    "GraphvizNotFoundError": "kerastutor.utils.vis_utils",
    "get_file": "kerastutor.utils.file_utils",
    "PyDataset": "kerastutor.utils.py_dataset",
    "unpack_x_y_sample_weight": "kerastutor.training.data_adapter",
    "pack_x_y_sample_weight": "kerastutor.training.data_adapter",
    # Keras keeps these under keras.saving too; keras.utils is where Keras 2 had them.
    "register_keras_serializable": "kerastutor.saving.object_registration",
    "get_custom_objects": "kerastutor.saving.object_registration",
    "custom_object_scope": "kerastutor.saving.object_registration",
    "CustomObjectScope": "kerastutor.saving.object_registration",
    "get_registered_name": "kerastutor.saving.object_registration",
    "get_registered_object": "kerastutor.saving.object_registration",
}
# Keras 2's name for a PyDataset (`keras.utils.Sequence`), as Keras 3 still accepts.
_ALIASES = {"Sequence": "PyDataset"}


def __getattr__(name):
    if name in _ALIASES:
        return __getattr__(_ALIASES[name])
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later look-ups skip __getattr__
        return value
    raise AttributeError(f"module 'kerastutor.utils' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY) + list(_ALIASES))
