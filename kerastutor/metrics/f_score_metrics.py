"""F-scores: precision and recall combined in one number, per class or averaged.

    precision = TP / (TP + FP),   recall = TP / (TP + FN)
    F_beta = (1 + beta^2) * precision * recall / (beta^2 * precision + recall)

F1 (beta = 1) is their harmonic mean. The counts are kept per class (the
last axis); `average` says how classes combine: None (one score per
class), 'micro' (pool the counts first), 'macro' (the mean of the class
scores) or 'weighted' (their mean weighted by each class's true count).

Example:
    >>> import numpy as np
    >>> from kerastutor import metrics
    >>> m = metrics.F1Score(threshold=0.5)
    >>> m.update_state(np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]]),
    ...                np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]))
    >>> [round(float(score), 4) for score in m.result()]
    [0.5, 0.8, 0.6667]
"""

import numpy as np

from kerastutor import config
from kerastutor.metrics.metric import Metric
from kerastutor.metrics.metrics_utils import as_array, broadcast_weights, describe

__all__ = ["FBetaScore", "F1Score"]

AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """The F-beta score of multi-class or multi-label predictions of shape (batch, classes).

    Example:
        >>> m = FBetaScore(beta=2.0, threshold=0.5, average="macro")
        >>> m.update_state(np.array([[1, 0], [0, 1]]), np.array([[0.9, 0.8], [0.1, 0.7]]))
        >>> round(float(m.result()), 4)
        0.9167

    Args:
        average: None, 'micro', 'macro' or 'weighted' (see the module doc).
        beta: > 0; how many times more recall counts than precision.
        threshold: a prediction above it is a positive; None means each
            sample's largest prediction (and any tied with it) is.
        name: the key in the logs.
        dtype: the dtype of the state and result.
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in AVERAGES:
            raise ValueError(
                f"{type(self).__name__}: `average` must be one of None, 'micro', 'macro', "
                f"'weighted'; received {average!r}."
            )
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(
                f"{type(self).__name__}: `beta` must be a Python float > 0, received {beta!r}."
            )
        if threshold is not None and (not isinstance(threshold, float) or not 0 < threshold <= 1):
            raise ValueError(
                f"{type(self).__name__}: `threshold` must be a Python float with "
                f"0 < threshold <= 1 (or None for the largest prediction), received {threshold!r}."
            )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0  # micro pools the classes too
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                f"{describe(self)} expects y_true and y_pred of shape (batch_size, classes); "
                f"received y_true.shape={y_true_shape} and y_pred.shape={y_pred_shape}."
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")
        self.intermediate_weights = self.add_variable(shape, "zeros", name="intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = as_array(y_true, self.dtype), as_array(y_pred, self.dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"{describe(self)}: y_true has shape {y_true.shape} but y_pred has shape "
                f"{y_pred.shape}; give one 0/1 label per prediction."
            )
        if self.threshold is None:
            largest = np.max(y_pred, axis=-1, keepdims=True)
            predicted = (y_pred >= largest) & (np.abs(y_pred) > 1e-9)  # all-zero rows stay 0
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(self.dtype)
        if sample_weight is not None:
            weights = as_array(sample_weight, self.dtype)
            weights = broadcast_weights(self, weights[..., None], y_pred.shape, weights.shape)
        else:
            weights = np.ones(y_pred.shape, self.dtype)

        def weighted_sum(values):
            return np.sum(values * weights, axis=self.axis)

        increments = [
            weighted_sum(predicted * y_true),
            weighted_sum(predicted * (1 - y_true)),
            weighted_sum((1 - predicted) * y_true),
            weighted_sum(y_true),
        ]
        state = [self.true_positives, self.false_positives]
        state += [self.false_negatives, self.intermediate_weights]
        for variable, increment in zip(state, increments, strict=True):
            variable.assign(variable.data + increment)

    def result(self):
        if not self._built:
            return np.asarray(0.0, self.dtype)[()]
        epsilon = config.epsilon()
        tp, fp, fn = self.true_positives.data, self.false_positives.data, self.false_negatives.data
        precision = tp / (tp + fp + epsilon)
        recall = tp / (tp + fn + epsilon)
        beta_squared = self.beta**2
        score = (
            (1 + beta_squared) * precision * recall / (beta_squared * precision + recall + epsilon)
        )
        if self.average == "weighted":
            support = self.intermediate_weights.data
            return np.sum(score * support / (np.sum(support) + epsilon), dtype=self.dtype)[()]
        if self.average is not None:
            return np.mean(score, dtype=self.dtype)[()]
        return score

    def get_config(self):
        config = {"average": self.average, "beta": self.beta, "threshold": self.threshold}
        return {**super().get_config(), **config}


class F1Score(FBetaScore):
    """The F1 score: the harmonic mean of precision and recall, per class or averaged.

    Example:
        >>> m = F1Score(average="micro")
        >>> m.update_state(np.array([[0, 1], [1, 0]]), np.array([[0.2, 0.8], [0.3, 0.7]]))
        >>> round(float(m.result()), 4)
        0.5

    Args:
        average: None, 'micro', 'macro' or 'weighted' (see the module doc).
        threshold: a prediction above it is a positive; None means each
            sample's largest prediction is.
        name: the key in the logs.
        dtype: the dtype of the state and result.
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
