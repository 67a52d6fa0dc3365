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
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later look-ups skip __getattr__
        return value
    raise AttributeError(f"module 'kerastutor.utils' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
