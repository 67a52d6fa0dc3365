"""Constraints: rules a weight must obey, enforced after every optimizer step.

A constraint is called on a weight's value and returns the nearest value
that obeys the rule. Given to a layer as `kernel_constraint=MaxNorm(2)`,
the optimizer applies it right after each update, as Keras's does, so the
weight never leaves the allowed set between steps. Constraints take no part
in the gradient.

The norms are taken along `axis`: for a Dense kernel of shape
(input_dim, units), axis=0 gives one norm per unit (the weights coming into
that unit).

Example:
    >>> import numpy as np
    >>> from kerastutor import constraints
    >>> constraints.MaxNorm(1.0)(np.array([[3.0], [4.0]])).round(4).tolist()
    [[0.6], [0.8]]
    >>> constraints.NonNeg()(np.array([-1.0, 2.0])).tolist()
    [0.0, 2.0]
"""

import re

import numpy as np

from kerastutor import config
from kerastutor.autodiff import data_of
from kerastutor.engine.arguments import unknown_name

__all__ = [
    "Constraint",
    "MaxNorm",
    "NonNeg",
    "UnitNorm",
    "MinMaxNorm",
    "get",
    "serialize",
    "deserialize",
]


class Constraint:
    """Base class: `constraint(w)` returns the constrained value of `w`."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config_dict):
        return cls(**config_dict)

    def __repr__(self):
        settings = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({settings})"


def _norms(w, axis):
    """The Euclidean norm along `axis`, kept as an axis of size 1 so it broadcasts."""
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Scales down each weight vector whose norm exceeds `max_value`.

    `w * clip(norm, 0, max_value) / (epsilon + norm)`: vectors already short
    enough are left (almost exactly) as they are.

    Args:
        max_value: the largest norm allowed (default 2).
        axis: the axis (or list of axes) the norms are taken along (default 0).
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = data_of(w)
        norms = _norms(w, self.axis)
        desired = np.clip(norms, 0, self.max_value)
        return w * (desired / (config.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero: `maximum(w, 0)`."""

    def __call__(self, w):
        return np.maximum(data_of(w), 0)


class UnitNorm(Constraint):
    """Rescales each weight vector to norm 1: `w / (epsilon + norm)`.

    Args:
        axis: the axis (or list of axes) the norms are taken along (default 0).
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = data_of(w)
        return w / (config.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves each weight vector's norm into [min_value, max_value].

    The new norm is `rate * clip(norm, min_value, max_value) + (1 - rate) *
    norm`: rate=1 enforces the bounds at once, a smaller rate moves towards
    them a little at every step.

    Args:
        min_value: the smallest norm allowed (default 0).
        max_value: the largest norm allowed (default 1).
        rate: how far to move towards the bounds at each step (default 1).
        axis: the axis (or list of axes) the norms are taken along (default 0).
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = data_of(w)
        norms = _norms(w, self.axis)
        desired = self.rate * np.clip(norms, self.min_value, self.max_value)
        desired = desired + (1 - self.rate) * norms
        return w * (desired / (config.epsilon() + norms))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


def _snake_case(name):
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


_CLASSES = {cls.__name__: cls for cls in (Constraint, MaxNorm, NonNeg, UnitNorm, MinMaxNorm)}
# Class names and their snake case, as in Keras 3: 'max_norm', 'non_neg', ...
_BY_NAME = {**_CLASSES, **{_snake_case(name): cls for name, cls in _CLASSES.items()}}


def get(identifier):
    """A constraint from None, a name ('max_norm', ...), a config dict or a callable.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise unknown_name(
                "constraint",
                identifier,
                _BY_NAME,
                lead=f"Could not interpret constraint identifier: {identifier!r}.",
            )
        return _BY_NAME[identifier]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Constraint):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret constraint identifier: {identifier!r}. Expected None, a "
        "name, a config dict or a callable."
    )


def serialize(constraint):
    """`{'class_name': ..., 'config': ...}` (None for None)."""
    if constraint is None:
        return None
    if not isinstance(constraint, Constraint):
        raise ValueError(
            f"Cannot serialize the constraint {constraint!r}: only Constraint objects have "
            "a config. Subclass keras.constraints.Constraint and define get_config."
        )
    return {"class_name": type(constraint).__name__, "config": constraint.get_config()}


def deserialize(config_dict, custom_objects=None):
    """The constraint that `serialize` described."""
    classes = {**_CLASSES, **(custom_objects or {})}
    class_name = config_dict.get("class_name") if isinstance(config_dict, dict) else None
    if class_name not in classes:
        raise ValueError(
            f"Unknown constraint class: {class_name!r}. Valid classes are: "
            f"{', '.join(sorted(classes))}."
        )
    return classes[class_name].from_config(config_dict.get("config", {}))
