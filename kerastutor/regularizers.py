"""Regularizers: penalties on weights (or outputs) that fit adds to the loss.

A regularizer is called on a tensor and returns one number, the penalty.
Given to a layer as `kernel_regularizer=L2(0.01)`, it is applied to that
weight: `layer.losses` (and `model.losses`) list the penalty, `fit` adds it
to the loss it minimizes and reports, and its gradient (for L2,
2 * l2 * w) pulls every weight towards zero. An `activity_regularizer`
penalizes a layer's output instead, divided by the batch size, as in Keras 3.

The penalties are written with `kerastutor.ops`, so the gradient comes from
the same rules as the rest of the model.

Example:
    >>> import numpy as np
    >>> from kerastutor import regularizers
    >>> float(regularizers.L2(0.5)(np.ones((2, 3))))
    3.0
    >>> regularizers.get("l1").get_config()
    {'l1': 0.009999999776482582}
"""

import math
import re

import numpy as np

from kerastutor import ops
from kerastutor.autodiff import data_of
from kerastutor.engine.arguments import unknown_name

__all__ = [
    "Regularizer",
    "L1",
    "L2",
    "L1L2",
    "l1",
    "l2",
    "l1_l2",
    "get",
    "serialize",
    "deserialize",
]


class Regularizer:
    """Base class: a callable from a weight (or an output) to a scalar penalty.

    Any function `f(x) -> scalar` written with `kerastutor.ops` also works
    as a regularizer; subclass this to give it a config.
    """

    def __call__(self, x):
        return 0.0

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        settings = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({settings})"


class L1L2(Regularizer):
    """Both penalties: `l1 * sum(abs(x)) + l2 * sum(square(x))`.

    Args:
        l1: non-negative float, the L1 factor (default 0).
        l2: non-negative float, the L2 factor (default 0).
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor("l1", 0.0 if l1 is None else l1)
        self.l2 = _factor("l2", 0.0 if l2 is None else l2)

    def __call__(self, x):
        penalty = np.zeros((), dtype=data_of(x).dtype)
        if self.l1 != 0.0:
            penalty = ops.add(penalty, _times(self.l1, ops.sum(ops.abs(x))))
        if self.l2 != 0.0:
            penalty = ops.add(penalty, _times(self.l2, ops.sum(ops.square(x))))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """The L1 penalty `l1 * sum(abs(x))`: pushes small weights to exactly zero.

    Args:
        l1: non-negative float (default 0.01). Keras 3 keeps it as a float32
            tensor, so its config reads 0.009999999776482582 for 0.01; so
            does this one.
    """

    def __init__(self, l1=0.01):
        self.l1 = float(np.float32(_factor("l1", 0.01 if l1 is None else l1)))

    def __call__(self, x):
        return _times(self.l1, ops.sum(ops.abs(x)))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """The L2 penalty ("weight decay") `l2 * sum(square(x))`.

    Its gradient is 2 * l2 * x, so each step shrinks every weight a little.

    Args:
        l2: non-negative float (default 0.01).
    """

    def __init__(self, l2=0.01):
        self.l2 = _factor("l2", 0.01 if l2 is None else l2)

    def __call__(self, x):
        return _times(self.l2, ops.sum(ops.square(x)))

    def get_config(self):
        return {"l2": self.l2}


def _factor(name, value):
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float, received "
            f"{name}={value!r}. The factor scales the penalty added to the loss."
        )
    return float(value)


def _times(factor, value):
    """`factor * value` in the value's dtype (float32 weights give a float32 penalty)."""
    return ops.multiply(np.asarray(factor, dtype=data_of(value).dtype), value)


def _snake_case(name):
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


# Keras 3's lower-case spellings: `keras.regularizers.l2(1e-3)` is `L2(1e-3)`.
l1, l2, l1_l2 = L1, L2, L1L2

_CLASSES = {cls.__name__: cls for cls in (Regularizer, L1, L2, L1L2)}
# Keras 3 accepts class names and their snake case ('l1', 'l2', 'l1l2'); its
# L1L2 docstring also promises 'l1_l2' with l1 = l2 = 0.01, which Keras
# 3.15 itself refuses. kerastutor keeps that promise.
_BY_NAME = {**_CLASSES, **{_snake_case(name): cls for name, cls in _CLASSES.items()}}


def get(identifier):
    """A regularizer from None, a name ('l1', 'l2', 'l1_l2'), a config dict or a callable.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier == "l1_l2":
            return L1L2(l1=0.01, l2=0.01)
        if identifier not in _BY_NAME:
            raise unknown_name(
                "regularizer",
                identifier,
                {*_BY_NAME, "l1_l2"},
                "; or pass an object such as keras.regularizers.L2(0.01)",
                lead=f"Could not interpret regularizer identifier: {identifier!r}.",
            )
        return _BY_NAME[identifier]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Regularizer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret regularizer identifier: {identifier!r}. Expected None, a "
        "name, a config dict or a callable."
    )


def serialize(regularizer):
    """`{'class_name': ..., 'config': ...}` (None for None), as layers' get_config shows."""
    if regularizer is None:
        return None
    if not isinstance(regularizer, Regularizer):
        raise ValueError(
            f"Cannot serialize the regularizer {regularizer!r}: only Regularizer objects "
            "have a config. Subclass keras.regularizers.Regularizer and define get_config."
        )
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}


def deserialize(config, custom_objects=None):
    """The regularizer that `serialize` described."""
    classes = {**_CLASSES, **(custom_objects or {})}
    class_name = config.get("class_name") if isinstance(config, dict) else None
    if class_name not in classes:
        raise ValueError(
            f"Unknown regularizer class: {class_name!r}. Valid classes are: "
            f"{', '.join(sorted(classes))}."
        )
    return classes[class_name].from_config(config.get("config", {}))
