"""kerastutor: understand Keras layers by running them.

A NumPy layer engine with Keras's functional API (`kerastutor.layers`,
`kerastutor.models`, `kerastutor.backend`, `kerastutor.utils`), plus diagrams,
widgets and lesson notebooks. Submodules load on first use, so
`import kerastutor` stays fast.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "activations",
    "autodiff",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "random",
    "regularizers",
    "utils",
)

__all__ = list(_SUBMODULES)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"kerastutor.{name}")
    raise AttributeError(f"module 'kerastutor' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
