"""AUC: the area under the ROC or the precision-recall curve, from confusion counts.

AUC keeps TP, FP, TN and FN at `num_thresholds` thresholds spread evenly
over [0, 1] (the end ones nudged to -epsilon and 1 + epsilon, so that
predictions of exactly 0 and 1 fall inside). Each threshold is one point of
the curve: (false positive rate, recall) for ROC, (recall, precision) for
PR. The area is a Riemann sum over the intervals between the points.

Example:
    >>> from kerastutor import metrics
    >>> m = metrics.AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> round(float(m.result()), 4)
    0.75
"""

import numpy as np

from kerastutor import config
from kerastutor.metrics import metrics_utils
from kerastutor.metrics.metric import Metric
from kerastutor.metrics.metrics_utils import describe, divide_no_nan

__all__ = ["AUC"]

CURVES = ("ROC", "PR", "PRGAIN")
SUMMATION_METHODS = ("interpolation", "minoring", "majoring")


class AUC(Metric):
    """Area under the ROC curve (default) or the precision-recall curve.

    `summation_method` chooses the height of each interval's rectangle:
    'interpolation' (the trapezoid; for PR, the interpolation of Davis &
    Goadrich 2006), 'minoring' (the lower end) or 'majoring' (the upper).

    Example:
        >>> m = AUC(num_thresholds=3)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> round(float(m.result()), 4)
        0.75

    Args:
        num_thresholds: how many thresholds (points of the curve), > 1.
        curve: 'ROC', 'PR' or 'PRGAIN' (precision gain against recall gain).
        summation_method: 'interpolation', 'minoring' or 'majoring'.
        name: the key in the logs.
        dtype: the dtype of the state and result.
        thresholds: your own thresholds in [0, 1], instead of num_thresholds.
        multi_label: one curve per label (last axis), their AUCs averaged,
            instead of one curve over all values.
        num_labels: the number of labels when `multi_label` (otherwise
            learned from the first batch).
        label_weights: weights of the labels, for the average over labels
            (multi_label) or for the counts.
        from_logits: the predictions are logits; a sigmoid is applied first.
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        self.curve = _choice("curve", curve, CURVES, str.upper)
        self.summation_method = _choice(
            "summation_method", summation_method, SUMMATION_METHODS, str.lower
        )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            thresholds = sorted(metrics_utils.parse_init_thresholds("AUC", thresholds))
            self.num_thresholds = len(thresholds) + 2
            self._evenly = metrics_utils.is_evenly_distributed_thresholds([0.0, *thresholds, 1.0])
        else:
            if (
                isinstance(num_thresholds, bool)
                or not isinstance(num_thresholds, int)
                or (num_thresholds <= 1)
            ):
                raise ValueError(
                    f"AUC: `num_thresholds` must be an integer > 1, received {num_thresholds!r}. "
                    "Each threshold is one point of the curve, and an area needs two."
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        epsilon = config.epsilon()
        self._thresholds = np.array([0.0 - epsilon, *thresholds, 1.0 + epsilon])
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None
        if label_weights is not None:
            self.label_weights = np.asarray(label_weights, dtype=self.dtype)
        self._from_logits = from_logits
        self._built = False
        if not multi_label and num_labels:
            raise ValueError("AUC: `num_labels` is needed only when `multi_label=True`.")
        if not multi_label:
            self._build(None)
        elif num_labels:
            self._build((None, num_labels))

    @property
    def thresholds(self):
        """The thresholds, the end ones at -epsilon and 1 + epsilon."""
        return list(self._thresholds)

    def _build(self, shape):
        """Create the four counts: (num_thresholds,), or (num_thresholds, labels)."""
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"{describe(self)}: with multi_label=True, y_pred must have rank 2 "
                    f"(samples, labels); received shape {tuple(shape)}."
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(variable_shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(variable_shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(variable_shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(variable_shape, "zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = metrics_utils.as_array(y_pred, self.dtype)
        if not self._built:
            self._build(y_pred.shape)
        if self._from_logits:
            y_pred = 1 / (1 + np.exp(-y_pred))
        metrics_utils.update_confusion_matrix_variables(
            self,
            {
                "tp": self.true_positives,
                "tn": self.true_negatives,
                "fp": self.false_positives,
                "fn": self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def result(self):
        tp, fp = self.true_positives.data, self.false_positives.data
        tn, fn = self.true_negatives.data, self.false_negatives.data
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._average_over_labels(self._interpolated_pr_areas(tp, fp, fn))
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall  # (false positive rate, recall)
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)  # (recall, precision)
        else:
            x, y = _gains(tp, fp, tn, fn)  # (recall gain, precision gain)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        # The thresholds rise, so x falls: each interval's width is x[i] - x[i + 1].
        return self._average_over_labels((x[:-1] - x[1:]) * heights)

    def _interpolated_pr_areas(self, tp, fp, fn):
        """Davis & Goadrich's PR interpolation, per interval between thresholds.

        Between two thresholds A and B, TP and P = TP + FP are taken to vary
        linearly, so precision = TP / P follows a hyperbola; integrating it
        gives slope * (dTP + intercept * log(P_A / P_B)) / (TP + FN), with
        slope = dTP / dP and intercept = TP_B - slope * P_B.
        """
        p = tp + fp
        dtp = tp[:-1] - tp[1:]
        dp = p[:-1] - p[1:]
        slope = divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = (p[:-1] > 0) & (p[1:] > 0)
        p_ratio = np.where(both_positive, divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1)
        return divide_no_nan(
            slope * (dtp + intercept * np.log(p_ratio)), np.maximum(tp[1:] + fn[1:], 0)
        )

    def _average_over_labels(self, areas):
        """The total area; with multi_label, the (weighted) mean of the labels' areas."""
        if not self.multi_label:
            return np.sum(areas, dtype=self.dtype)[()]
        by_label = np.sum(areas, axis=0, dtype=self.dtype)
        if self.label_weights is None:
            return np.mean(by_label, dtype=self.dtype)[()]
        weights = self.label_weights
        return divide_no_nan(np.sum(by_label * weights), np.sum(weights))[()]

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}


def _gains(tp, fp, tn, fn):
    """Recall gain and precision gain (Flach & Kull 2015), as Keras computes them.

    Both rescale by the ratio of positives to negatives. Where there is no
    true positive yet, the recall gain is 0 and the precision gain 1; a
    negative recall gain (a worse-than-chance threshold) becomes 0.
    """
    scale = divide_no_nan(tp + fn, tn + fp)
    recall_gain = np.where(tp == 0, 0, 1 - scale * divide_no_nan(fn, tp))
    precision_gain = np.where(tp == 0, 1, 1 - scale * divide_no_nan(fp, tp))
    return np.maximum(recall_gain, 0).astype(tp.dtype), precision_gain.astype(tp.dtype)


def _choice(argument, value, valid, normalise):
    """`value` spelled as in `valid` (either case), or an error listing the valid ones."""
    spelled = normalise(value) if isinstance(value, str) else value
    if spelled not in valid:
        raise ValueError(
            f"AUC: invalid `{argument}` {value!r}. Expected one of {', '.join(map(repr, valid))}."
        )
    return spelled
