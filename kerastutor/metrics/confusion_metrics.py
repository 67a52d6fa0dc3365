"""Counts of the confusion matrix, and Precision and Recall built from them.

At a threshold t a prediction is positive when `y_pred > t`. Against the
labels each (label, prediction) pair is a true positive (label 1, predicted
1), a false positive (0, 1), a true negative (0, 0) or a false negative
(1, 0). Every metric here keeps some of those four counts, one per
threshold, with `metrics_utils.update_confusion_matrix_variables`.

    precision = TP / (TP + FP)   of the predicted positives, how many are right
    recall    = TP / (TP + FN)   of the real positives, how many were found

Example:
    >>> from kerastutor import metrics
    >>> m = metrics.Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 4)
    0.6667
"""

from kerastutor.metrics import metrics_utils
from kerastutor.metrics.metric import Metric
from kerastutor.metrics.metrics_utils import divide_no_nan

__all__ = [
    "TruePositives",
    "FalsePositives",
    "TrueNegatives",
    "FalseNegatives",
    "Precision",
    "Recall",
]


class _ConfusionMatrixConditionCount(Metric):
    """One cell of the confusion matrix ('tp', 'fp', 'tn' or 'fn'), one count per threshold."""

    def __init__(self, cell, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._cell = cell
        self.init_thresholds = thresholds
        self.thresholds = metrics_utils.parse_init_thresholds(type(self).__name__, thresholds)
        self._evenly = metrics_utils.is_evenly_distributed_thresholds(self.thresholds)
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), initializer="zeros", name="accumulator"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        metrics_utils.update_confusion_matrix_variables(
            self,
            {self._cell: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        counts = self.accumulator.data.copy()
        return counts[0] if len(self.thresholds) == 1 else counts

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true positives: label 1, prediction above the threshold.

    Example:
        >>> m = TruePositives()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> float(m.result())
        2.0

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5);
            with a list, `result()` gives one count per threshold.
        name: the key in the logs.
        dtype: the dtype of the state and result.
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__("tp", thresholds=thresholds, name=name, dtype=dtype)


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false positives: label 0, prediction above the threshold.

    Example:
        >>> m = FalsePositives()
        >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
        >>> float(m.result())
        2.0

    Args: as TruePositives.
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__("fp", thresholds=thresholds, name=name, dtype=dtype)


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true negatives: label 0, prediction at or below the threshold.

    Example:
        >>> m = TrueNegatives()
        >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
        >>> float(m.result())
        2.0

    Args: as TruePositives.
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__("tn", thresholds=thresholds, name=name, dtype=dtype)


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false negatives: label 1, prediction at or below the threshold.

    Example:
        >>> m = FalseNegatives()
        >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
        >>> float(m.result())
        2.0

    Args: as TruePositives.
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__("fn", thresholds=thresholds, name=name, dtype=dtype)


class _PrecisionOrRecall(Metric):
    """TP and one error count per threshold; the result is TP / (TP + errors).

    Precision's errors are the false positives, Recall's the false negatives.
    """

    _errors = None  # 'fp' or 'fn'
    _errors_name = None  # 'false_positives' or 'false_negatives'

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        # With top_k, the k largest predictions are the positives: no threshold is needed.
        default = 0.5 if top_k is None else metrics_utils.NEG_INF
        self.thresholds = metrics_utils.parse_init_thresholds(
            type(self).__name__, thresholds, default_threshold=default
        )
        self._evenly = metrics_utils.is_evenly_distributed_thresholds(self.thresholds)
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self._error_counts = self.add_variable(shape, "zeros", name=self._errors_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        metrics_utils.update_confusion_matrix_variables(
            self,
            {"tp": self.true_positives, self._errors: self._error_counts},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        tp = self.true_positives.data
        ratio = divide_no_nan(tp, tp + self._error_counts.data)
        return ratio[0] if len(self.thresholds) == 1 else ratio

    def get_config(self):
        config = {
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }
        return {**super().get_config(), **config}


class Precision(_PrecisionOrRecall):
    """Of the predictions above the threshold, the (weighted) fraction whose label is 1.

    TP / (TP + FP). With `top_k`, each sample's k largest predictions are
    its positives; with `class_id`, only that class (last axis) counts.

    Example:
        >>> m = Precision()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(float(m.result()), 4)
        0.6667

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5);
            with a list, `result()` gives one precision per threshold.
        top_k: count only each sample's k largest predictions as positive.
        class_id: count only this class.
        name: the key in the logs.
        dtype: the dtype of the state and result.
    """

    _errors, _errors_name = "fp", "false_positives"

    @property
    def false_positives(self):
        return self._error_counts


class Recall(_PrecisionOrRecall):
    """Of the labels that are 1, the (weighted) fraction predicted above the threshold.

    TP / (TP + FN). `top_k` and `class_id` as for Precision.

    Example:
        >>> m = Recall()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(float(m.result()), 4)
        0.6667

    Args: as Precision.
    """

    _errors, _errors_name = "fn", "false_negatives"

    @property
    def false_negatives(self):
        return self._error_counts
