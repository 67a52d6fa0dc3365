"""Regression metrics: the errors of real-valued predictions, averaged over samples.

Example:
    >>> from kerastutor import metrics
    >>> m = metrics.RootMeanSquaredError()
    >>> m.update_state([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])
    >>> round(float(m.result()), 4)  # sqrt((1 + 0 + 0 + 0) / 4)
    0.5
"""

import numpy as np

from kerastutor import losses
from kerastutor.metrics.metrics_utils import as_array, squeeze_or_expand_to_same_rank
from kerastutor.metrics.reduction_metrics import Mean, MeanMetricWrapper

__all__ = ["MeanSquaredError", "MeanAbsoluteError", "RootMeanSquaredError"]


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
