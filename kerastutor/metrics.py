"""Metrics: numbers to watch during training, never differentiated.

A metric keeps a running mean over an epoch: `update_state` after each
batch, `result` for the value so far, `reset_state` at the start of each
epoch. `fit` shows them next to the loss and records them in `History`.

`metrics=['accuracy']` means different things for different outputs, and
`get` picks the right one the way Keras 3 does, from the shapes of the
targets and of the predictions:

* one unit per output (`Dense(1, activation='sigmoid')`): binary accuracy,
  a prediction above 0.5 counts as 1;
* targets with one axis fewer than the predictions, or a last axis of
  size 1 against several units: sparse categorical accuracy, integer labels
  against the argmax;
* otherwise: categorical accuracy, argmax of one-hot targets against argmax
  of the predictions.

Example:
    >>> import numpy as np
    >>> from kerastutor import metrics
    >>> accuracy = metrics.get("accuracy", y_true_shape=(4, 1), y_pred_shape=(None, 1))
    >>> type(accuracy).__name__
    'BinaryAccuracy'
    >>> accuracy.update_state(np.array([[1], [0], [1], [1]]), np.array([[0.9], [0.2], [0.4], [0.7]]))
    >>> float(accuracy.result())
    0.75
"""

import numpy as np

from kerastutor import losses

__all__ = [
    "Metric",
    "Mean",
    "MeanMetricWrapper",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "get",
]


# ---------------------------------------------------------------- per-sample functions


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where (y_pred > threshold) equals the label, else 0.0."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    return (y_true == (y_pred > threshold)).astype("float32")


def categorical_accuracy(y_true, y_pred):
    """1.0 where the argmax of the one-hot target equals the argmax of the prediction."""
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype("float32")


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label equals the argmax of the prediction."""
    labels = np.asarray(y_true)
    if labels.ndim == np.ndim(y_pred) and labels.shape[-1] == 1:
        labels = labels[..., 0]
    return (labels == np.argmax(y_pred, axis=-1)).astype("float32")


def _mean_squared_error(y_true, y_pred):
    return np.asarray(losses.mean_squared_error(y_true, np.asarray(y_pred)))


def _mean_absolute_error(y_true, y_pred):
    return np.asarray(losses.mean_absolute_error(y_true, np.asarray(y_pred)))


# ---------------------------------------------------------------- stateful metrics


class Metric:
    """Base class: a value accumulated over batches.

    Args:
        name: the key in the logs and in `History.history`.
    """

    def __init__(self, name=None):
        self.name = name or losses._snake_case(type(self).__name__)
        self.reset_state()

    def reset_state(self):
        raise NotImplementedError

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def get_config(self):
        """The constructor's arguments, so that a saved model can rebuild its metrics."""
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


class Mean(Metric):
    """The weighted mean of everything passed to `update_state`.

    `fit` uses one for the loss: each batch's loss weighted by its size, so
    the epoch's loss is the mean over samples even if the last batch is short.
    """

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        values = np.asarray(values, dtype="float64")
        weights = np.ones_like(values) if sample_weight is None else sample_weight
        weights = np.broadcast_to(np.asarray(weights, dtype="float64"), values.shape)
        self.total += float(np.sum(values * weights))
        self.count += float(np.sum(weights))

    def result(self):
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Metric):
    """Averages `fn(y_true, y_pred)` over samples, as Keras's metrics do.

    Each sample's values are averaged first (over timesteps, say), then the
    epoch's result is the mean over samples. With a mask (padded timesteps)
    only the real steps count.
    """

    def __init__(self, fn, name=None, **fn_kwargs):
        self.fn = fn
        self.fn_kwargs = fn_kwargs
        super().__init__(name=name or fn.__name__)

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, y_true, y_pred, mask=None):
        values = np.asarray(self.fn(y_true, y_pred, **self.fn_kwargs), dtype=np.float64)
        if values.ndim == 0:
            values = values.reshape(1)
        weights = None
        if mask is not None:
            weights = np.asarray(mask, dtype=np.float64)
            if weights.ndim == values.ndim + 1 and weights.shape[-1] == 1:
                weights = weights[..., 0]
            # Average any axis the mask does not cover, then weight each value.
            while values.ndim > weights.ndim:
                values = values.mean(axis=-1)
            values = values * weights
            weights = weights.reshape(len(weights), -1).mean(axis=1)
        values = values.reshape(len(values), -1).mean(axis=1)
        self.total += float(values.sum())
        self.count += float(weights.sum()) if weights is not None else len(values)

    def result(self):
        return self.total / self.count if self.count else 0.0


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches 0/1 labels."""

    def __init__(self, name="binary_accuracy", threshold=0.5):
        super().__init__(binary_accuracy, name=name, threshold=threshold)

    def get_config(self):
        return {**super().get_config(), "threshold": self.fn_kwargs["threshold"]}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the prediction matches the one-hot label."""

    def __init__(self, name="categorical_accuracy"):
        super().__init__(categorical_accuracy, name=name)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the prediction matches the integer label."""

    def __init__(self, name="sparse_categorical_accuracy"):
        super().__init__(sparse_categorical_accuracy, name=name)


class MeanSquaredError(MeanMetricWrapper):
    """The mean squared error, as a metric ('mse')."""

    def __init__(self, name="mean_squared_error"):
        super().__init__(_mean_squared_error, name=name)


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean absolute error, as a metric ('mae')."""

    def __init__(self, name="mean_absolute_error"):
        super().__init__(_mean_absolute_error, name=name)


# ---------------------------------------------------------------- lookup


_BY_NAME = {
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
}
_ACCURACY_NAMES = ("accuracy", "acc")


def resolve_accuracy(y_true_shape, y_pred_shape):
    """Which accuracy 'accuracy' means for these shapes (Keras 3's rule, see the module doc)."""
    is_binary = y_pred_shape[-1] == 1
    is_sparse = len(y_true_shape) < len(y_pred_shape) or (
        y_true_shape[-1] == 1 and y_pred_shape[-1] != 1
    )
    if is_binary:
        return BinaryAccuracy
    if is_sparse:
        return SparseCategoricalAccuracy
    return CategoricalAccuracy


def get(identifier, y_true_shape=None, y_pred_shape=None):
    """A Metric from a name, a Metric or a function `fn(y_true, y_pred)`.

    Args:
        identifier: 'accuracy' (or 'acc'), 'binary_accuracy',
            'categorical_accuracy', 'sparse_categorical_accuracy', 'mae',
            'mse', their long names, a Metric, or a function.
        y_true_shape: the targets' shape, needed to resolve 'accuracy'.
        y_pred_shape: the output's shape, needed to resolve 'accuracy'.

    The metric is named as given: `metrics=['acc']` logs 'acc'.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier in _ACCURACY_NAMES:
            if y_true_shape is None or y_pred_shape is None:
                raise ValueError(
                    f"Metric {identifier!r} depends on the shapes of the targets and the "
                    "predictions: pass `y_true_shape` and `y_pred_shape`."
                )
            return resolve_accuracy(y_true_shape, y_pred_shape)(name=identifier)
        if identifier not in _BY_NAME:
            valid = sorted(set(_BY_NAME) | set(_ACCURACY_NAMES))
            raise ValueError(
                f"Unknown metric: {identifier!r}. Valid names are: {', '.join(valid)}; or pass "
                "a Metric object or a function f(y_true, y_pred)."
            )
        return _BY_NAME[identifier](name=identifier)
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(
        f"Could not interpret metric identifier {identifier!r}: expected a name such as "
        "'accuracy', a Metric object or a function f(y_true, y_pred)."
    )


def serialize(metric):
    """A JSON-friendly description of a built-in metric, or None for a custom one."""
    if type(metric) in _BY_NAME.values():
        return {"class_name": type(metric).__name__, "config": metric.get_config()}
    return None


def deserialize(config):
    """The built-in Metric that `serialize` described.

    Raises:
        ValueError: for a class that is not a built-in metric, or a malformed config.
    """
    known = {metric_class.__name__: metric_class for metric_class in _BY_NAME.values()}
    if (
        not isinstance(config, dict)
        or config.get("class_name") not in known
        or not isinstance(config.get("config", {}), dict)
    ):
        raise ValueError(
            f"Cannot rebuild a metric from {config!r}: expected {{'class_name': ..., "
            f"'config': {{...}}}} with one of the built-in classes {', '.join(sorted(known))}."
        )
    try:
        return known[config["class_name"]].from_config(config.get("config", {}))
    except TypeError as error:
        raise ValueError(f"Malformed {config['class_name']} config: {error}") from None


def check_identifier(identifier):
    """Raise the error `get` would raise for an unknown name, without needing shapes."""
    if isinstance(identifier, str) and identifier not in _ACCURACY_NAMES:
        get(identifier)
    elif not isinstance(identifier, (str, Metric)) and not callable(identifier):
        get(identifier)
