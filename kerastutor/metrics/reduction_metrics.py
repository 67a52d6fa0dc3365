"""Sum, Mean and MeanMetricWrapper: the running reductions most metrics are made of.

`Mean` keeps two numbers, `total` and `count`; the result is total / count.
With `sample_weight`, each value counts as much as its weight. Values with
more axes than the weights (per-timestep errors, say) are first averaged
down to the weights' axes, then to one number per sample, so every sample
weighs the same whatever its length.

`MeanMetricWrapper(fn)` is a Mean of `fn(y_true, y_pred)`, one value per
sample: accuracy, MSE and MAE are made this way.

Example:
    >>> from kerastutor import metrics
    >>> m = metrics.Mean()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> float(m.result())
    2.0
"""

import numpy as np

from kerastutor.metrics.metric import Metric
from kerastutor.metrics.metrics_utils import (
    as_array,
    broadcast_weights,
    describe,
    divide_no_nan,
    squeeze_or_expand_to_same_rank,
)

__all__ = ["Sum", "Mean", "MeanMetricWrapper", "reduce_to_samplewise_values"]


def reduce_to_samplewise_values(metric, values, sample_weight, reduce_fn):
    """One weighted value per sample, and the weights reduced the same way (Keras's rule).

    Returns:
        (values, sample_weight): values of shape (batch,) (or a scalar), and
        the weights of each, or None without `sample_weight`.
    """
    values = as_array(values, metric.dtype)
    if sample_weight is not None:
        sample_weight = as_array(sample_weight, metric.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim = sample_weight.ndim
        if values.ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values.ndim)))
        # Broadcasting the weights changes nothing in the product, but makes
        # the count below count every value.
        sample_weight = broadcast_weights(metric, sample_weight, values.shape)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of every value passed to `update_state`.

    Example:
        >>> m = Sum()
        >>> m.update_state([1, 3, 5, 7])
        >>> float(m.result())
        16.0

    Args:
        name: the key in the logs.
        dtype: the dtype of the state and result.
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(self, values, sample_weight, np.sum)
        self.total.assign(self.total.data + np.sum(values))

    def result(self):
        return self.total.data[()]


class Mean(Metric):
    """The (weighted) mean of every value passed to `update_state`.

    fit keeps the loss in one: each batch's loss weighted by the batch
    size, so the epoch's loss is a mean over samples even if the last batch
    is short.

    Example:
        >>> m = Mean()
        >>> m.update_state([1, 3, 5, 7])
        >>> float(m.result())
        4.0

    Args:
        name: the key in the logs.
        dtype: the dtype of the state and result.
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = reduce_to_samplewise_values(self, values, sample_weight, np.mean)
        if sample_weight is not None:
            count = np.sum(sample_weight)
        else:
            count = values.shape[0] if values.ndim >= 1 else 1
        total = self.total.data + np.sum(values)
        self.count.assign(self.count.data + count)
        self.total.assign(total)

    def result(self):
        return divide_no_nan(self.total.data, self.count.data)[()]


class MeanMetricWrapper(Mean):
    """The mean over samples of `fn(y_true, y_pred, **kwargs)`.

    Example:
        >>> def squared_error(y_true, y_pred):
        ...     return (np.asarray(y_true) - np.asarray(y_pred)) ** 2
        >>> m = MeanMetricWrapper(squared_error)
        >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
        >>> float(m.result())
        0.5

    Args:
        fn: a function `fn(y_true, y_pred, **kwargs)` returning one value
            per sample (or per timestep, ...).
        name: the key in the logs; defaults to 'mean_metric_wrapper' as in
            Keras (`metrics.get(fn)` and compile name it after the function).
        dtype: the dtype of the state and result.
        **kwargs: passed on to `fn`.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = as_array(y_true), as_array(y_pred)
        try:
            values = self._fn(y_true, y_pred, **self._fn_kwargs)
        except ValueError as error:
            if "broadcast" not in str(error) and "shape" not in str(error):
                raise
            raise ValueError(
                f"{describe(self)}: y_true of shape {y_true.shape} and y_pred of shape "
                f"{y_pred.shape} do not match. They must have the same shape (a last axis "
                f"of size 1 may differ), one label for each prediction. ({error})"
            ) from None
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        return {
            **super().get_config(),
            "fn": getattr(self._fn, "__name__", None),
            **self._fn_kwargs,
        }

    @classmethod
    def from_config(cls, config):
        if "fn" not in config:  # a subclass (BinaryAccuracy, ...) knows its function
            return cls(**config)
        config = dict(config)
        fn = config.pop("fn")
        if not callable(fn):
            raise ValueError(
                f"MeanMetricWrapper.from_config needs the function itself as 'fn', received "
                f"{fn!r}; pass the metric object instead of its config."
            )
        return cls(fn, **config)
