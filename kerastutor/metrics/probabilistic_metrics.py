"""Crossentropy metrics: the loss functions of classifiers, averaged over samples.

Each is a `MeanMetricWrapper` around the loss function of the same name in
`kerastutor.losses`, so `metrics=['binary_crossentropy']` reports what
`loss='binary_crossentropy'` would (without the loss's own reduction).

Example:
    >>> from kerastutor import metrics
    >>> m = metrics.BinaryCrossentropy()
    >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    >>> round(float(m.result()), 4)
    0.8149
"""

from kerastutor import losses
from kerastutor.metrics.metrics_utils import as_array
from kerastutor.metrics.reduction_metrics import MeanMetricWrapper

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy"]


def _smoothed_binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """Binary crossentropy with labels pulled towards 0.5 by `label_smoothing`."""
    y_true = as_array(y_true, as_array(y_pred).dtype)
    y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return losses.binary_crossentropy(y_true, y_pred, from_logits=from_logits)


def _smoothed_categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """Categorical crossentropy with one-hot labels spread by `label_smoothing`."""
    y_true = as_array(y_true, as_array(y_pred).dtype)
    classes = y_true.shape[-1]
    y_true = y_true * (1.0 - label_smoothing) + label_smoothing / classes
    return losses.categorical_crossentropy(y_true, y_pred, from_logits=from_logits)


def _last_axis_only(metric_name, axis):
    if axis != -1:
        raise ValueError(
            f"{metric_name}: kerastutor computes it over the last axis only (axis=-1); "
            f"received axis={axis!r}. Move the class axis last first."
        )


class BinaryCrossentropy(MeanMetricWrapper):
    """The binary crossentropy of 0/1 labels and probabilities, averaged over samples.

    Example:
        >>> m = BinaryCrossentropy()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        0.8149

    Args:
        name: the key in the logs.
        dtype: the dtype of the state and result.
        from_logits: the predictions are logits (before the sigmoid).
        label_smoothing: in [0, 1]; labels become y * (1 - s) + 0.5 * s.
    """

    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0
    ):
        super().__init__(
            _smoothed_binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


class CategoricalCrossentropy(MeanMetricWrapper):
    """The crossentropy of one-hot labels and class probabilities, averaged over samples.

    Example:
        >>> m = CategoricalCrossentropy()
        >>> m.update_state([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
        >>> round(float(m.result()), 4)
        1.1769

    Args:
        name: the key in the logs.
        dtype: the dtype of the state and result.
        from_logits: the predictions are logits (before the softmax).
        label_smoothing: in [0, 1]; labels become y * (1 - s) + s / classes.
        axis: the class axis; kerastutor supports the last (-1).
    """

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        _last_axis_only("CategoricalCrossentropy", axis)
        super().__init__(
            _smoothed_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The crossentropy of integer labels and class probabilities, averaged over samples.

    Example:
        >>> m = SparseCategoricalCrossentropy()
        >>> m.update_state([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
        >>> round(float(m.result()), 4)
        1.1769

    Args:
        name: the key in the logs.
        dtype: the dtype of the state and result.
        from_logits: the predictions are logits (before the softmax).
        ignore_class: not supported by kerastutor (must stay None).
        axis: the class axis; kerastutor supports the last (-1).
    """

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        _last_axis_only("SparseCategoricalCrossentropy", axis)
        if ignore_class is not None:
            raise ValueError(
                "SparseCategoricalCrossentropy: kerastutor does not support ignore_class "
                f"(received {ignore_class!r}); give those samples a sample_weight of 0 instead."
            )
        super().__init__(
            losses.sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }
