"""Accuracy metrics: how often the prediction is right, averaged over samples.

Each is a `MeanMetricWrapper` around a function that gives 1.0 for a right
prediction and 0.0 for a wrong one. Which one `metrics=['accuracy']` means
is decided from the shapes (see `kerastutor.metrics.get`).

Example:
    >>> from kerastutor import metrics
    >>> m = metrics.SparseCategoricalAccuracy()
    >>> m.update_state([2, 0], [[0.1, 0.2, 0.7], [0.3, 0.6, 0.1]])
    >>> float(m.result())
    0.5
"""

import numpy as np

from kerastutor import config
from kerastutor.metrics.metrics_utils import as_array, squeeze_or_expand_to_same_rank
from kerastutor.metrics.reduction_metrics import MeanMetricWrapper

__all__ = [
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
]


# ---------------------------------------------------------------- per-sample functions


def accuracy(y_true, y_pred):
    """1.0 where the prediction equals the label exactly."""
    y_pred = as_array(y_pred)
    y_true = as_array(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return (y_true == y_pred).astype(config.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where (y_pred > threshold) equals the 0/1 label."""
    y_true, y_pred = as_array(y_true), as_array(y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    threshold = np.asarray(threshold, y_pred.dtype if y_pred.dtype.kind == "f" else None)
    predicted = (y_pred > threshold).astype(y_true.dtype)
    return (y_true == predicted).astype(config.floatx())


def categorical_accuracy(y_true, y_pred):
    """1.0 where the argmax of the one-hot label equals the argmax of the prediction."""
    labels = np.argmax(as_array(y_true), axis=-1)
    return (labels == np.argmax(as_array(y_pred), axis=-1)).astype(config.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label equals the argmax of the prediction."""
    y_pred = as_array(y_pred)
    labels = as_array(y_true, y_pred.dtype)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]  # labels of shape (batch, 1)
    return (labels == np.argmax(y_pred, axis=-1)).astype(config.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the k largest predictions."""
    labels = np.argmax(as_array(y_true), axis=-1)
    return _in_top_k(labels, as_array(y_pred), k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the k largest predictions.

    With `from_sorted_ids=True`, `y_pred` holds class ids sorted by score
    (best first) instead of scores: the label must be among the first k.
    """
    y_pred = as_array(y_pred)
    labels = as_array(y_true)
    if not from_sorted_ids:
        return _in_top_k(labels.astype("int64"), y_pred, k)
    flat_ids = y_pred.reshape(-1, y_pred.shape[-1])[:, :k]
    matches = np.any(labels.reshape(-1, 1) == flat_ids, axis=1)
    return matches.reshape(labels.shape).astype(config.floatx())


def _in_top_k(labels, y_pred, k):
    """Whether each label's score is among the k largest (ties count as in, as in Keras).

    A label is in the top k when fewer than k scores are strictly larger
    than its own.
    """
    scores = y_pred.reshape(-1, y_pred.shape[-1])
    flat_labels = labels.reshape(-1)
    if len(flat_labels) != len(scores):
        raise ValueError(
            f"the labels of shape {labels.shape} do not match the predictions of shape "
            f"{y_pred.shape}: give one label per row of predictions."
        )
    valid = (flat_labels >= 0) & (flat_labels < scores.shape[-1])
    own = np.take_along_axis(scores, np.where(valid, flat_labels, 0)[:, None], axis=-1)
    in_top_k = valid & (np.sum(scores > own, axis=-1) < k)
    return in_top_k.reshape(labels.shape).astype(config.floatx())


# ---------------------------------------------------------------- stateful metrics


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly (for integer predictions).

    Example:
        >>> m = Accuracy()
        >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
        >>> float(m.result())
        0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches the 0/1 labels.

    Example:
        >>> m = BinaryAccuracy()
        >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
        >>> float(m.result())
        0.75

    Args:
        name: the key in the logs.
        dtype: the dtype of the state and result.
        threshold: a prediction above it means 1.
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the prediction matches the one-hot label.

    Example:
        >>> m = CategoricalAccuracy()
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the prediction matches the integer label.

    Example:
        >>> m = SparseCategoricalAccuracy()
        >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the k largest predictions.

    Example:
        >>> m = TopKCategoricalAccuracy(k=1)
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5

    Args:
        k: how many of the largest predictions may hold the label.
        name: the key in the logs.
        dtype: the dtype of the state and result.
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k largest predictions.

    Example:
        >>> m = SparseTopKCategoricalAccuracy(k=1)
        >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5

    Args:
        k: how many of the largest predictions may hold the label.
        name: the key in the logs.
        dtype: the dtype of the state and result.
        from_sorted_ids: `y_pred` holds class ids, best first, not scores.
    """

    def __init__(
        self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False
    ):
        super().__init__(
            sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
