"""Utilities: seeding, and (loaded on first use) diagrams and gradient checks."""

import importlib

from kerastutor.random import set_random_seed
from kerastutor.utils.grad_check import grad_check

__all__ = ["set_random_seed", "grad_check", "plot_model"]

# Names whose modules load on first use, so that `import kerastutor.utils`
# does not import graphviz: {name: module that defines it}.
_LAZY = {"plot_model": "kerastutor.utils.plot_model"}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        # Importing the submodule `plot_model` set this package's attribute
        # `plot_model` to the module; the function is what users want.
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kerastutor.utils' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
