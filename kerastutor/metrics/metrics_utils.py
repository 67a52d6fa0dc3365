"""What the metrics share: array helpers, threshold checks, and the confusion-matrix counter.

`update_confusion_matrix_variables` is the one mechanism behind
TruePositives, FalsePositives, TrueNegatives, FalseNegatives, Precision,
Recall and AUC, as in Keras 3: a prediction counts as positive at threshold
t when `y_pred > t`, and each (label, prediction) pair adds its sample
weight to one of the four cells, once per threshold.

Example:
    >>> import numpy as np
    >>> from kerastutor import metrics
    >>> tp = metrics.TruePositives(thresholds=[0.3, 0.6])
    >>> tp.update_state([1, 1, 0], [0.5, 0.9, 0.7])
    >>> tp.result().tolist()  # 0.5 is above 0.3 only
    [2.0, 1.0]
"""

import numpy as np

from kerastutor import config
from kerastutor.autodiff import data_of

NEG_INF = -1e10  # the threshold when `top_k` decides: every kept prediction is above it
CELLS = ("tp", "fp", "tn", "fn")


# ---------------------------------------------------------------- array helpers


def as_array(x, dtype=None):
    """A NumPy array from a Tensor, a Variable, a list or an array."""
    array = np.asarray(data_of(x))
    return array if dtype is None else array.astype(dtype)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Let ranks that differ by a last axis of size 1 meet, as Keras's losses and metrics do."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1 and expand_rank_1:
            return x1, x2[..., None]
        return x1[..., 0], x2
    if x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1 and expand_rank_1:
            return x1[..., None], x2
        return x1, x2[..., 0]
    return x1, x2


def divide_no_nan(numerator, denominator):
    """numerator / denominator, and 0 where the denominator is 0 (no positives yet)."""
    numerator, denominator = np.broadcast_arrays(numerator, denominator)
    quotient = np.zeros(numerator.shape, dtype=np.result_type(numerator, denominator))
    return np.divide(numerator, denominator, out=quotient, where=denominator != 0)


def describe(metric):
    """'Precision metric 'precision'': how error messages name a metric."""
    return f"{type(metric).__name__} metric '{metric.name}'"


def broadcast_weights(metric, sample_weight, shape, given_shape=None):
    """`sample_weight` broadcast to `shape`, or an error naming both shapes.

    `given_shape` is the shape the caller passed, if the weights were
    reshaped since (the error names what the learner wrote).
    """
    try:
        return np.broadcast_to(sample_weight, shape)
    except ValueError:
        given_shape = np.shape(sample_weight) if given_shape is None else given_shape
        raise ValueError(
            f"{describe(metric)}: sample_weight of shape {given_shape} cannot be "
            f"broadcast to the values of shape {tuple(shape)}. Give one weight per sample "
            "(shape (batch,)) or one per value."
        ) from None


# ---------------------------------------------------------------- thresholds


def parse_init_thresholds(metric_name, thresholds, default_threshold=0.5):
    """The thresholds as a list, each checked to lie in [0, 1]."""
    if thresholds is None:
        return [default_threshold]
    listed = (
        list(np.ravel(thresholds)) if not isinstance(thresholds, (int, float)) else [thresholds]
    )
    invalid = [t for t in listed if t is None or not 0 <= t <= 1]
    if invalid or not listed:
        raise ValueError(
            f"{metric_name}: threshold values must be in [0, 1], received {thresholds!r}. "
            "A prediction counts as positive when it is above a threshold, and "
            "predictions are probabilities."
        )
    return [float(t) for t in listed]


def is_evenly_distributed_thresholds(thresholds):
    """True for 0, 1/(n-1), ..., 1 (n >= 3): the thresholds that can be counted in buckets."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


# ---------------------------------------------------------------- the confusion matrix


def update_confusion_matrix_variables(
    metric,
    variables_to_update,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """Add one batch's weighted TP, FP, TN and FN counts, one per threshold.

    Args:
        metric: the metric being updated (named in error messages).
        variables_to_update: a dict from 'tp', 'fp', 'tn', 'fn' to the
            Variables to add the counts to.
        y_true: the labels; any non-zero value is a positive.
        y_pred: the predictions, of the labels' shape.
        thresholds: the list of thresholds.
        top_k: keep only the k largest predictions of each sample.
        class_id: count only this class (the last axis's index).
        sample_weight: one weight per sample (or per value).
        multi_label: keep one count per label (the last axis) instead of
            pooling all values.
        label_weights: one weight per label, when pooling.
        thresholds_distributed_evenly: count with buckets (fast, the same
            result) when the thresholds are 0, 1/(n-1), ..., 1.
    """
    dtype = next(iter(variables_to_update.values())).dtype
    y_true, y_pred = as_array(y_true, dtype), as_array(y_pred, dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{describe(metric)}: y_true has shape {y_true.shape} but y_pred has shape "
            f"{y_pred.shape}. Each prediction is compared with the label at the same "
            "position, so the shapes must be equal (a last axis of size 1 may differ)."
        )
    if sample_weight is not None:
        given_shape = np.shape(sample_weight)
        sample_weight = as_array(sample_weight, dtype)[..., None]
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        y_true, y_pred = _select_class(metric, y_true, y_pred, class_id)
    weights = np.ones(y_pred.shape, dtype)
    if sample_weight is not None:
        weights = weights * broadcast_weights(metric, sample_weight, y_pred.shape, given_shape)
    if label_weights is not None:
        weights = weights * np.asarray(label_weights, dtype)
    if not multi_label:
        y_true, y_pred, weights = y_true.ravel(), y_pred.ravel(), weights.ravel()
    thresholds = np.asarray(thresholds, dtype=np.float64)
    if thresholds_distributed_evenly:
        with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        counts = _count_in_buckets(y_true != 0, y_pred, weights, len(thresholds), with_epsilon)
    else:
        counts = _count_by_comparison(y_true != 0, y_pred, weights, thresholds.astype(dtype))
    # Every count is computed before any variable changes: all or nothing.
    for cell, variable in variables_to_update.items():
        variable.assign(variable.data + counts[cell].astype(dtype))


def _count_by_comparison(is_positive, y_pred, weights, thresholds):
    """TP, FP, TN, FN at each threshold t: compare `y_pred > t` with the labels."""
    extra_axes = (None,) * y_pred.ndim
    predicted_positive = y_pred[None] > thresholds[(slice(None), *extra_axes)]
    label = np.broadcast_to(is_positive[None], predicted_positive.shape)

    def weighted_count(condition):
        return np.sum(np.where(condition, weights[None], 0), axis=1)

    return {
        "tp": weighted_count(label & predicted_positive),
        "fp": weighted_count(~label & predicted_positive),
        "tn": weighted_count(~label & ~predicted_positive),
        "fn": weighted_count(label & ~predicted_positive),
    }


def _count_in_buckets(is_positive, y_pred, weights, num_thresholds, with_epsilon):
    """The same counts for thresholds i/(n-1), in one pass over the predictions.

    A prediction p is above threshold i exactly when its bucket
    ceil(p * (n - 1)) - 1 is at least i; so each prediction adds its weight
    to its bucket, and the count at threshold i is the sum of the buckets
    from i up (a reversed cumulative sum). When the end thresholds are
    -epsilon and 1 + epsilon (AUC), a prediction of 0 goes in bucket 0.
    """
    dtype = weights.dtype
    y_pred = np.clip(y_pred, 0.0, 1.0)
    true_weights = is_positive.astype(dtype) * weights
    false_weights = (1 - is_positive.astype(dtype)) * weights
    buckets = np.ceil(y_pred * dtype.type(num_thresholds - 1)) - 1
    if with_epsilon:
        buckets = np.maximum(buckets, 0)
    buckets = buckets.astype(np.int64)
    counted = buckets >= 0  # a prediction of exactly 0 is above no threshold
    label_index = np.broadcast_to(np.arange(buckets.shape[-1]), buckets.shape)

    def above_each_threshold(values):
        per_bucket = np.zeros((num_thresholds, *buckets.shape[1:]), dtype)
        if buckets.ndim == 1:
            np.add.at(per_bucket, buckets[counted], values[counted])
        else:
            np.add.at(per_bucket, (buckets[counted], label_index[counted]), values[counted])
        return np.flip(np.cumsum(np.flip(per_bucket, 0), axis=0, dtype=dtype), 0)

    tp, fp = above_each_threshold(true_weights), above_each_threshold(false_weights)
    return {
        "tp": tp,
        "fp": fp,
        "tn": np.sum(false_weights, axis=0, dtype=dtype) - fp,
        "fn": np.sum(true_weights, axis=0, dtype=dtype) - tp,
    }


def _filter_top_k(y_pred, k):
    """Keep each sample's k largest predictions; the rest become NEG_INF."""
    if y_pred.ndim == 0 or not 0 < k <= y_pred.shape[-1]:
        raise ValueError(
            f"top_k={k} needs predictions with at least {k} values on the last axis; "
            f"y_pred has shape {y_pred.shape}."
        )
    top = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=y_pred.dtype)
    np.put_along_axis(keep, top, 1, axis=-1)
    return y_pred * keep + y_pred.dtype.type(NEG_INF) * (1 - keep)


def _select_class(metric, y_true, y_pred, class_id):
    """The labels and predictions of one class, keeping a last axis of size 1."""
    if y_pred.ndim < 2 or not -y_pred.shape[-1] <= class_id < y_pred.shape[-1]:
        raise ValueError(
            f"{describe(metric)}: class_id={class_id} needs y_pred of shape "
            f"(num_samples, num_classes) with more than {class_id} classes; received "
            f"shape {y_pred.shape}."
        )
    return y_true[..., class_id, None], y_pred[..., class_id, None]
