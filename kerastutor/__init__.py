"""kerastutor: understand Keras layers by running them.

A NumPy layer engine with Keras's API, so that Keras code runs with only its
imports changed:

    >>> import kerastutor as keras
    >>> inputs = keras.Input(shape=(784,))
    >>> outputs = keras.layers.Dense(10)(inputs)
    >>> keras.Model(inputs, outputs).count_params()
    7850

plus diagrams, widgets and lesson notebooks. Everything loads on first use
(PEP 562's module `__getattr__`), so `import kerastutor` costs almost nothing
and never imports ipywidgets or graphviz.
"""

import importlib

__version__ = "0.1.0"

# Keras 3's modules, by the names learners type after `keras.`.
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
    "saving",
    "utils",
)

# Keras 3's top-level names: {name: module that defines it}.
_TOP_LEVEL = {
    "GradientTape": "kerastutor.autodiff",
    "Initializer": "kerastutor.initializers",
    "Input": "kerastutor.layers",
    "InputSpec": "kerastutor.layers",
    "KerasTensor": "kerastutor.engine.keras_tensor",
    "Layer": "kerastutor.layers",
    "Loss": "kerastutor.losses",
    "Metric": "kerastutor.metrics",
    "Model": "kerastutor.models",
    "Optimizer": "kerastutor.optimizers",
    "Regularizer": "kerastutor.regularizers",
    "Sequential": "kerastutor.models",
    "Variable": "kerastutor.autodiff",
}

__all__ = [*_SUBMODULES, *_TOP_LEVEL, "version"]


def version():
    """kerastutor's version (Keras 3 has `keras.version()` too)."""
    return __version__


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"kerastutor.{name}")
    if name in _TOP_LEVEL:
        value = getattr(importlib.import_module(_TOP_LEVEL[name]), name)
        globals()[name] = value  # later look-ups skip __getattr__
        return value
    raise AttributeError(
        f"module 'kerastutor' has no attribute {name!r}. kerastutor has Keras 3's modules "
        f"({', '.join(_SUBMODULES)}) and top-level names ({', '.join(_TOP_LEVEL)})."
    )


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES) + list(_TOP_LEVEL))
