"""Models: `Model` (functional graphs) and `Sequential` (stacks).

`load_model` and `model_from_json` load on first use (PEP 562), with the file
formats they read, so that `import kerastutor.models` stays quick.
"""

import importlib

from kerastutor.models.model import Model
from kerastutor.models.sequential import Sequential

__all__ = ["Model", "Sequential", "load_model", "model_from_json"]

_FROM_LOADING = ("load_model", "model_from_json")


def __getattr__(name):
    if name in _FROM_LOADING:
        return getattr(importlib.import_module("kerastutor.models.loading"), name)
    raise AttributeError(f"module 'kerastutor.models' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_FROM_LOADING])
