"""Regression metrics: the errors of real-valued predictions, averaged over samples.

Example:
    >>> from kerastutor import metrics
    >>> m = metrics.RootMeanSquaredError()
    >>> m.update_state([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])
    >>> round(float(m.result()), 4)  # sqrt((1 + 0 + 0 + 0) / 4)
    0.5
"""

import numpy as np

from kerastutor import config, losses
from kerastutor.metrics.metrics_utils import as_array, squeeze_or_expand_to_same_rank
from kerastutor.metrics.reduction_metrics import Mean, MeanMetricWrapper

__all__ = [
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "RootMeanSquaredError",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
]


def _matched(y_true, y_pred):
    y_pred = as_array(y_pred)
    y_pred = y_pred if y_pred.dtype.kind == "f" else y_pred.astype(config.floatx())
    return squeeze_or_expand_to_same_rank(as_array(y_true, y_pred.dtype), y_pred)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|y_true - y_pred| / |y_true|) over the last axis (|y_true| at least epsilon)."""
    y_true, y_pred = _matched(y_true, y_pred)
    epsilon = y_pred.dtype.type(config.epsilon())
    return 100.0 * np.mean(np.abs((y_true - y_pred) / np.maximum(np.abs(y_true), epsilon)), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(1 + y_pred) - log(1 + y_true)) ** 2) over the last axis (values at least epsilon)."""
    y_true, y_pred = _matched(y_true, y_pred)
    epsilon = y_pred.dtype.type(config.epsilon())
    first_log = np.log(np.maximum(y_pred, epsilon) + 1.0)
    second_log = np.log(np.maximum(y_true, epsilon) + 1.0)
    return np.mean(np.square(first_log - second_log), axis=-1)


class MeanSquaredError(MeanMetricWrapper):
    """mean((y_true - y_pred) ** 2), as a metric ('mse').

    Example:
        >>> m = MeanSquaredError()
        >>> m.update_state([[0, 1], [0, 0]], [[1.0, 1.0], [0.0, 0.0]])
        >>> float(m.result())
        0.25
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
    """mean(|y_true - y_pred|), as a metric ('mae').

    Example:
        >>> m = MeanAbsoluteError()
        >>> m.update_state([[0, 1], [0, 0]], [[1.0, 1.0], [0.0, 0.0]])
        >>> float(m.result())
        0.25
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The mean absolute error as a percentage of the target ('mape').

    Example:
        >>> m = MeanAbsolutePercentageError()
        >>> m.update_state([[0, 1], [0, 0]], [[1.0, 1.0], [0.0, 0.0]])
        >>> float(m.result())  # 1 / epsilon for the zero target: MAPE needs non-zero targets
        250000000.0
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The mean squared error of log(1 + value) ('msle'): relative errors for positive targets.

    Example:
        >>> m = MeanSquaredLogarithmicError()
        >>> m.update_state([[0, 1], [0, 0]], [[1.0, 1.0], [0.0, 0.0]])
        >>> round(float(m.result()), 4)
        0.1201
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class RootMeanSquaredError(Mean):
    """sqrt(mean((y_true - y_pred) ** 2)): the square root of the running MSE.

    The root is taken of the mean over everything seen, not averaged batch
    by batch, so it is the same however the data is batched.

    Example:
        >>> m = RootMeanSquaredError()
        >>> m.update_state([[0, 1], [0, 0]], [[1.0, 1.0], [0.0, 0.0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = as_array(y_true, self.dtype)
        y_pred = as_array(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        try:
            squared_error = np.square(y_pred - y_true)
        except ValueError:
            raise ValueError(
                f"RootMeanSquaredError metric '{self.name}': y_true of shape {y_true.shape} "
                f"and y_pred of shape {y_pred.shape} do not match. They must have the same "
                "shape (a last axis of size 1 may differ), one label for each prediction."
            ) from None
        return super().update_state(squared_error, sample_weight=sample_weight)

    def result(self):
        return np.sqrt(super().result())
