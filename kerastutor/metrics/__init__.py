"""Metrics: numbers to watch during training, never differentiated.

A metric keeps state over an epoch: `update_state(y_true, y_pred,
sample_weight=None)` after each batch, `result()` for the value so far,
`reset_state()` at the start of each epoch. `fit` shows them next to the
loss and records them in `History`. Write your own by subclassing
`Metric` (see `metric.py`).

| file | metrics |
|---|---|
| `metric.py` | the `Metric` base class |
| `reduction_metrics.py` | `Sum`, `Mean`, `MeanMetricWrapper` |
| `accuracy_metrics.py` | `Accuracy`, `BinaryAccuracy`, `CategoricalAccuracy`, `SparseCategoricalAccuracy`, `TopKCategoricalAccuracy`, `SparseTopKCategoricalAccuracy` |
| `regression_metrics.py` | `MeanSquaredError`, `MeanAbsoluteError`, `MeanAbsolutePercentageError`, `MeanSquaredLogarithmicError`, `RootMeanSquaredError` |
| `probabilistic_metrics.py` | `BinaryCrossentropy`, `CategoricalCrossentropy`, `SparseCategoricalCrossentropy` |
| `confusion_metrics.py` | `TruePositives`, `FalsePositives`, `TrueNegatives`, `FalseNegatives`, `Precision`, `Recall` |
| `auc.py` | `AUC` |
| `f_score_metrics.py` | `FBetaScore`, `F1Score` |
| `metrics_utils.py` | the confusion-matrix counter they share |

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

from kerastutor.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from kerastutor.metrics.auc import AUC
from kerastutor.metrics.confusion_metrics import (
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from kerastutor.metrics.f_score_metrics import F1Score, FBetaScore
from kerastutor.metrics.lookup import (
    check_identifier,
    deserialize,
    get,
    resolve_accuracy,
    serialize,
)
from kerastutor.metrics.metric import Metric
from kerastutor.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
)
from kerastutor.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from kerastutor.metrics.regression_metrics import (
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
)

__all__ = [
    "Metric",
    "Sum",
    "Mean",
    "MeanMetricWrapper",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "RootMeanSquaredError",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "TruePositives",
    "FalsePositives",
    "TrueNegatives",
    "FalseNegatives",
    "Precision",
    "Recall",
    "AUC",
    "FBetaScore",
    "F1Score",
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "get",
    "serialize",
    "deserialize",
    "resolve_accuracy",
    "check_identifier",
]
