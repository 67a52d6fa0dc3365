"""The Metric base class: state in variables, updated batch after batch.

A metric is a small object with state. `update_state(y_true, y_pred,
sample_weight=None)` adds one batch to the state, `result()` reads the value
so far, `reset_state()` starts again (fit does it at every epoch). The state
lives in non-trainable Variables made with `add_variable` in `__init__`, as
Keras 3 has it.

Example:
    >>> import numpy as np
    >>> from kerastutor import metrics, ops
    >>> class Positives(metrics.Metric):
    ...     def __init__(self, name="positives", **kwargs):
    ...         super().__init__(name=name, **kwargs)
    ...         self.count = self.add_variable(shape=(), initializer="zeros", name="count")
    ...     def update_state(self, y_true, y_pred, sample_weight=None):
    ...         self.count.assign_add(ops.sum(ops.cast(y_pred > 0.5, "float32")))
    ...     def result(self):
    ...         return self.count.value
    >>> m = Positives()
    >>> float(m([1, 0, 1], np.array([0.9, 0.7, 0.2])))
    2.0
"""

import functools

import numpy as np

from kerastutor import config, initializers
from kerastutor.autodiff import Variable
from kerastutor.engine import naming

__all__ = ["Metric"]


class Metric:
    """Encapsulates a metric's logic and state (Keras 3's `keras.metrics.Metric`).

    Subclasses create their state in `__init__` with `self.add_variable(...)`
    (after `super().__init__(...)`), add a batch in `update_state`, and
    compute the value in `result`. The base `reset_state` sets every
    variable to zeros.

    kerastutor adds one guarantee: if `update_state` raises (say, on shapes
    that do not match), the variables are put back as they were, so a
    half-counted batch never skews the results that follow.

    Args:
        dtype: the dtype of the state and the result; defaults to
            `kerastutor.config.floatx()` ('float32').
        name: the key in the logs; defaults to the class name in snake
            case, made unique ('precision', 'precision_1', ...).
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or naming.unique_name(naming.to_snake_case(type(self).__name__))
        self._dtype = str(np.dtype(dtype or config.floatx()))
        self._variables = []
        self._metrics = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "update_state" in vars(cls):
            cls.update_state = _all_or_nothing(vars(cls)["update_state"])

    @property
    def dtype(self):
        return self._dtype

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Create a non-trainable state Variable, tracked in `self.variables`.

        Args:
            shape: a tuple of ints; `()` for a single number.
            initializer: a name such as 'zeros' or an initializer.
            dtype: defaults to the metric's dtype.
            aggregation: how replicas would combine it (kept for Keras's
                signature; kerastutor runs on one device).
            name: e.g. 'true_positives'; the variable's path is
                'metric_name/true_positives'.
        """
        self._check_super_called("add_variable")
        shape = () if shape is None else tuple(int(d) for d in shape)
        value = initializers.get(initializer)(shape, dtype=dtype or self.dtype)
        variable = Variable(value, name=f"{self.name}/{name or 'variable'}", trainable=False)
        variable.aggregation = aggregation
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """The older spelling of `add_variable`, kept by Keras 3."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """The state Variables: this metric's, then those of metrics it holds."""
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    def reset_state(self):
        """Set every state variable to zeros (fit calls it at each epoch's start)."""
        for variable in self.variables:
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))

    def update_state(self, *args, **kwargs):
        """Add one batch to the state."""
        raise NotImplementedError(
            f"{type(self).__name__} must define update_state(self, y_true, y_pred, "
            "sample_weight=None)."
        )

    def result(self):
        """The value so far, computed from the state."""
        raise NotImplementedError(f"{type(self).__name__} must define result(self).")

    def __call__(self, *args, **kwargs):
        """`update_state(...)`, then `result()`."""
        self._check_super_called("__call__")
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        """The constructor's arguments, so that a saved model can rebuild its metrics."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __setattr__(self, name, value):
        # Variables and metrics held in attributes (also in lists and dicts)
        # become part of the state, as in Keras.
        if "_metrics" in self.__dict__:
            for item in _leaves(value):
                if isinstance(item, Metric) and all(item is not m for m in self._metrics):
                    self._metrics.append(item)
                elif isinstance(item, Variable) and all(item is not v for v in self._variables):
                    self._variables.append(item)
        super().__setattr__(name, value)

    def __getattr__(self, name):
        # Only called for a missing attribute: most often state that __init__
        # never created.
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(
            f"{type(self).__name__} metric has no attribute {name!r}. A metric's state "
            f"is created in __init__, e.g. self.{name} = self.add_variable(shape=(), "
            "initializer='zeros', name=...), before update_state or result use it."
        )

    def _check_super_called(self, method):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}.{method}: you forgot to call super().__init__() "
                "at the start of __init__; the base class sets up the name, the dtype "
                "and the list of variables."
            )

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _leaves(value):
    """The items of nested lists, tuples and dicts (or the value itself)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def _all_or_nothing(update_state):
    """Wrap `update_state` so that a failure restores every variable."""

    @functools.wraps(update_state)
    def wrapper(self, *args, **kwargs):
        self._check_super_called("update_state")
        saved = [(variable, variable.data.copy()) for variable in self.variables]
        try:
            return update_state(self, *args, **kwargs)
        except Exception:
            for variable, value in saved:
                variable.data = value
            raise

    return wrapper
