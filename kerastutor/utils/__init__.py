"""Utilities: seeding, and (loaded on first use) diagrams and gradient checks."""

import importlib

from kerastutor.random import set_random_seed
from kerastutor.utils.grad_check import grad_check

__all__ = ["set_random_seed", "grad_check", "plot_model", "GraphvizNotFoundError"]

# Names whose modules load on first use, so that `import kerastutor.utils`
# does not import graphviz: {name: module that defines it}.
# (plot_model lives in `vis_utils`, Keras 2's module name for it: a module
# named `plot_model` would replace the function of the same name here.)
_LAZY = {
    "plot_model": "kerastutor.utils.vis_utils",
    "GraphvizNotFoundError": "kerastutor.utils.vis_utils",
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later look-ups skip __getattr__
        return value
    raise AttributeError(f"module 'kerastutor.utils' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
