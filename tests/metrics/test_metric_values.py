"""The values Keras 3's own metric tests expect (keras/src/metrics/*_test.py), ported.

Each row: a metric, one or more update_state calls, and the result Keras's
test asserts. The golden fixtures check random batches; these check the
small hand-worked examples whose arithmetic is in Keras's test comments.
"""

import numpy as np
import pytest

from kerastutor import metrics

Y_PRED_4 = np.array([0, 0.5, 0.3, 0.9], dtype="float32")  # AUC tests: thresholds [0, .5, 1]
Y_TRUE_4 = np.array([0, 0, 1, 1])
WEIGHTS_4 = [1, 2, 3, 4]
MULTI_PRED = np.array([[0, 0.5, 0.3, 0.9], [0.1, 0.2, 0.3, 0.4]], dtype="float32").T
MULTI_GOOD = np.array([[0, 0, 1, 1], [0, 0, 1, 1]]).T
MULTI_BAD = np.array([[0, 0, 1, 1], [1, 1, 0, 0]]).T
SCORES = np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0]], dtype="float32")
ONE_HOT = np.array([[0, 0, 1], [0, 1, 0]])
REG_TRUE = np.array([[0, 1, 0, 1, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 0], [0, 0, 0, 0, 1]])
REG_PRED = np.array([[0, 0, 1, 1, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0], [1, 1, 1, 1, 1]])

# (id, make the metric, [(args of one update_state), ...], expected result)
CASES = [
    ("sum", metrics.Sum, [([1, 3, 5, 7],)], 16.0),
    ("sum-weighted", metrics.Sum, [([1, 3, 5, 7], [1, 1, 0, 0])], 4.0),
    ("sum-nd", metrics.Sum, [([[1, 3], [5, 7]], [[1, 1], [1, 0]])], 9.0),
    ("sum-nd-broadcast", metrics.Sum, [([[1, 3], [5, 7]], [[1, 0]])], 6.0),
    ("mean", metrics.Mean, [([1, 3, 5, 7],)], 4.0),
    ("mean-weighted", metrics.Mean, [([1, 3, 5, 7], [1, 1, 0, 0])], 2.0),
    ("mean-negative-weights", metrics.Mean, [([1, 3, 5, 7], [-1, -1, 0, 0])], 2.0),
    ("mean-nd", metrics.Mean, [([[1, 3], [5, 7]], [[1, 1], [1, 0]])], 3.0),
    ("mean-nd-broadcast", metrics.Mean, [([[1, 3], [5, 7]], [[1, 0]])], 3.0),
    ("accuracy", metrics.Accuracy, [([[1], [2], [3], [4]], [[0], [2], [3], [4]])], 0.75),
    ("accuracy-weighted", metrics.Accuracy, [([1, 2, 3, 4], [0, 2, 3, 4], [1, 1, 0, 0])], 0.5),
    (
        "accuracy-nd",
        metrics.Accuracy,
        [([[1, 2], [3, 4]], [[0, 2], [3, 4]], [[1, 0], [0, 1]])],
        0.5,
    ),
    ("binary", metrics.BinaryAccuracy, [([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])], 0.75),
    (
        "binary-rank-1-labels",
        metrics.BinaryAccuracy,
        [([1, 1, 0, 0], [[0.98], [1], [0], [0.6]])],
        0.75,
    ),
    (
        "binary-weighted",
        metrics.BinaryAccuracy,
        [([1, 1, 0, 0], [0.98, 1, 0, 0.6], [1, 0, 0, 1])],
        0.5,
    ),
    (
        "binary-nd-weights",
        metrics.BinaryAccuracy,
        [([[1, 1], [0, 0]], [[0.98, 1], [0, 0.6]], [[1, 0], [0, 1]])],
        0.5,
    ),
    (
        "binary-nd-broadcast",
        metrics.BinaryAccuracy,
        [([[1, 1], [0, 0]], [[0.98, 1], [0, 0.6]], [[1, 0]])],
        1.0,
    ),
    (
        "binary-threshold",
        lambda: metrics.BinaryAccuracy(threshold=0.3),
        [([[1], [1], [0], [0]], [[0.98], [0.5], [0.1], [0.2]])],
        1.0,
    ),
    (
        "binary-threshold-0.5",
        metrics.BinaryAccuracy,
        [([[1], [1], [0], [0]], [[0.98], [0.5], [0.1], [0.2]])],
        0.75,
    ),
    ("categorical", metrics.CategoricalAccuracy, [(ONE_HOT, SCORES)], 0.5),
    ("categorical-weighted", metrics.CategoricalAccuracy, [(ONE_HOT, SCORES, [0.7, 0.3])], 0.3),
    (
        "sparse",
        metrics.SparseCategoricalAccuracy,
        [([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])],
        0.5,
    ),
    (
        "sparse-weighted",
        metrics.SparseCategoricalAccuracy,
        [([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], [0.7, 0.3])],
        0.3,
    ),
    (
        "sparse-int64-labels",
        metrics.SparseCategoricalAccuracy,
        [(np.array([0, 1], "int64"), [[0.9, 0.1], [0.1, 0.9]])],
        1.0,
    ),
    ("top-k", lambda: metrics.TopKCategoricalAccuracy(k=1), [(ONE_HOT, SCORES)], 0.5),
    (
        "top-k-weighted",
        lambda: metrics.TopKCategoricalAccuracy(k=1),
        [(ONE_HOT, SCORES, [0.7, 0.3])],
        0.3,
    ),
    ("sparse-top-k", lambda: metrics.SparseTopKCategoricalAccuracy(k=1), [([2, 1], SCORES)], 0.5),
    (
        "sparse-top-k-weighted",
        lambda: metrics.SparseTopKCategoricalAccuracy(k=1),
        [([2, 1], SCORES, [0.7, 0.3])],
        0.3,
    ),
    (
        "sorted-ids",
        lambda: metrics.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True),
        [([2, 1], [[1, 0, 3], [1, 2, 3]])],
        0.5,
    ),
    (
        "sorted-ids-weighted",
        lambda: metrics.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True),
        [([2, 1], [[1, 0, 3], [1, 2, 3]], [0.7, 0.3])],
        0.3,
    ),
    ("mse", metrics.MeanSquaredError, [(REG_TRUE, REG_PRED)], 0.5),
    (
        "mse-weighted",
        metrics.MeanSquaredError,
        [(REG_TRUE, REG_PRED, [1.0, 1.5, 2.0, 2.5])],
        0.54285,
    ),
    ("mae", metrics.MeanAbsoluteError, [(REG_TRUE, REG_PRED)], 0.5),
    (
        "mae-weighted",
        metrics.MeanAbsoluteError,
        [(REG_TRUE, REG_PRED, [1.0, 1.5, 2.0, 2.5])],
        0.54285,
    ),
    ("rmse", metrics.RootMeanSquaredError, [([2, 4, 6], [1, 3, 2])], np.sqrt(6)),
    (
        "rmse-weighted",
        metrics.RootMeanSquaredError,
        [([2, 4, 6, 8], [1, 3, 2, 3], [0, 1, 0, 1])],
        np.sqrt(13),
    ),
    ("fp", metrics.FalsePositives, [([0, 1, 0, 1, 0, 0, 1, 1], [0, 0, 1, 1, 0, 1, 0, 1])], 2.0),
    ("fn-weighted", metrics.FalseNegatives, [([0, 1, 1, 1], [0, 0, 1, 0], [1, 2, 3, 4])], 6.0),
    (
        "tp-thresholds",
        lambda: metrics.TruePositives(thresholds=[0.15, 0.5, 0.85]),
        [
            (
                [[0, 1, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]],
                [
                    [0.9, 0.2, 0.8, 0.1],
                    [0.2, 0.9, 0.7, 0.6],
                    [0.1, 0.2, 0.4, 0.3],
                    [0, 1, 0.7, 0.3],
                ],
            )
        ],
        [6.0, 3.0, 1.0],
    ),
    (
        "tn-thresholds-weighted",
        lambda: metrics.TrueNegatives(thresholds=[0.15, 0.5, 0.85]),
        [([[0, 1], [1, 0]], [[0.9, 0.2], [0.2, 0.9]], [[0.0, 2.0], [5.0, 0.0]])],
        [0.0, 0.0, 0.0],
    ),
    ("precision", metrics.Precision, [([0, 1, 1, 0], [1, 0, 1, 0])], 0.5),
    (
        "precision-weighted",
        metrics.Precision,
        [
            (
                [[0, 1, 1, 0], [1, 0, 0, 1]],
                [[1, 0, 1, 0], [1, 0, 1, 0]],
                [[1, 2, 3, 4], [4, 3, 2, 1]],
            )
        ],
        7 / 10,
    ),
    ("precision-nothing-predicted", metrics.Precision, [([0, 0, 0, 0], [0, 0, 0, 0])], 0.0),
    (
        "precision-two-thresholds",
        lambda: metrics.Precision(thresholds=[0.5, 0.7]),
        [([0, 1, 1, 0], [1, 0, 0.6, 0])],
        [0.5, 0.0],
    ),
    (
        "precision-two-updates",
        lambda: metrics.Precision(thresholds=[0.5, 1.0]),
        [([[0, 1], [1, 0]], [[1, 0], [0.6, 0]], [[4, 0], [3, 1]])] * 2,
        [6 / 14, 0.0],
    ),
    (
        "precision-top-k",
        lambda: metrics.Precision(top_k=3),
        [([0, 1, 1, 0, 0], [0.2, 0.1, 0.5, 0, 0.2])],
        1 / 3,
    ),
    (
        "precision-top-k-weighted",
        lambda: metrics.Precision(top_k=3),
        [
            ([[0, 1, 1, 0, 1]], [[0.2, 0.1, 0.4, 0, 0.2]], [[1, 4, 2, 3, 5]]),
            ([1, 0, 1, 1, 1], [0.2, 0.6, 0.4, 0.2, 0.2], 3),
        ],
        13 / 17,
    ),
    (
        "precision-class-id",
        lambda: metrics.Precision(class_id=1),
        [
            (
                np.eye(3)[[2, 0, 1, 0, 2]],
                [
                    [0.1, 0.2, 0.7],
                    [0.5, 0.3, 0.2],
                    [0.2, 0.6, 0.2],
                    [0.7, 0.2, 0.1],
                    [0.1, 0.1, 0.8],
                ],
            )
        ],
        1.0,
    ),
    (
        "precision-top-k-threshold",
        lambda: metrics.Precision(thresholds=0.7, top_k=2),
        [([0, 1, 1, 0, 1], [0.2, 0.8, 0.6, 0, 0.2])],
        1.0,
    ),
    ("recall", metrics.Recall, [([0, 1, 1, 0], [1, 0, 1, 0])], 0.5),
    (
        "recall-weighted",
        metrics.Recall,
        [
            (
                [[0, 1, 1, 0], [1, 0, 0, 1]],
                [[1, 0, 1, 0], [0, 1, 0, 1]],
                [[1, 2, 3, 4], [4, 3, 2, 1]],
            )
        ],
        4 / 10,
    ),
    (
        "recall-top-k",
        lambda: metrics.Recall(top_k=3),
        [([0, 1, 1, 0, 0], [0.2, 0.1, 0.5, 0, 0.2])],
        0.5,
    ),
    ("auc-all-correct", metrics.AUC, [(Y_TRUE_4, Y_TRUE_4)], 1.0),
    ("auc", lambda: metrics.AUC(num_thresholds=3), [(Y_TRUE_4, Y_PRED_4)], 0.75),
    (
        "auc-logits",
        lambda: metrics.AUC(num_thresholds=3, from_logits=True),
        [(Y_TRUE_4, -np.log(1.0 / (Y_PRED_4 + 1e-12) - 1.0))],
        0.75,
    ),
    (
        "auc-manual-thresholds",
        lambda: metrics.AUC(num_thresholds=2, thresholds=[0.5]),
        [(Y_TRUE_4, Y_PRED_4)],
        0.75,
    ),
    (
        "auc-roc-weighted",
        lambda: metrics.AUC(num_thresholds=3),
        [(Y_TRUE_4, Y_PRED_4, WEIGHTS_4)],
        0.7855,
    ),
    (
        "auc-roc-majoring",
        lambda: metrics.AUC(num_thresholds=3, summation_method="majoring"),
        [(Y_TRUE_4, Y_PRED_4, WEIGHTS_4)],
        1.0,
    ),
    (
        "auc-roc-minoring",
        lambda: metrics.AUC(num_thresholds=3, summation_method="minoring"),
        [(Y_TRUE_4, Y_PRED_4, WEIGHTS_4)],
        0.571,
    ),
    (
        "auc-pr-majoring",
        lambda: metrics.AUC(num_thresholds=3, curve="PR", summation_method="majoring"),
        [(Y_TRUE_4, Y_PRED_4, WEIGHTS_4)],
        1.0,
    ),
    (
        "auc-pr-minoring",
        lambda: metrics.AUC(num_thresholds=3, curve="PR", summation_method="minoring"),
        [(Y_TRUE_4, Y_PRED_4, WEIGHTS_4)],
        0.7 * 0.429,
    ),
    (
        "auc-pr-interpolation",
        lambda: metrics.AUC(num_thresholds=3, curve="PR"),
        [(Y_TRUE_4, Y_PRED_4, WEIGHTS_4)],
        2.416 / 7 + 4 / 7,
    ),
    (
        "auc-pr-negative-weights",
        lambda: metrics.AUC(num_thresholds=3, curve="PR"),
        [(Y_TRUE_4, Y_PRED_4, [-1, -2, -3, -4])],
        0.0,
    ),
    (
        "auc-prgain-majoring",
        lambda: metrics.AUC(num_thresholds=3, curve="PRGAIN", summation_method="majoring"),
        [(Y_TRUE_4, Y_PRED_4, WEIGHTS_4)],
        1.0,
    ),
    (
        "auc-prgain-minoring",
        lambda: metrics.AUC(num_thresholds=3, curve="PRGAIN", summation_method="minoring"),
        [(Y_TRUE_4, Y_PRED_4, WEIGHTS_4)],
        0.0,
    ),
    (
        "auc-prgain-interpolation",
        lambda: metrics.AUC(num_thresholds=3, curve="prgain"),
        [(Y_TRUE_4, Y_PRED_4, WEIGHTS_4)],
        0.5,
    ),
    (
        "multi-auc-all-correct",
        lambda: metrics.AUC(multi_label=True),
        [(MULTI_GOOD, MULTI_GOOD)],
        1.0,
    ),
    ("multi-auc-flat-all-correct", metrics.AUC, [(MULTI_GOOD, MULTI_GOOD)], 1.0),
    (
        "multi-auc",
        lambda: metrics.AUC(num_thresholds=5, multi_label=True),
        [(MULTI_GOOD, MULTI_PRED)],
        (0.875 + 1.0) / 2,
    ),
    (
        "multi-auc-bad",
        lambda: metrics.AUC(num_thresholds=5, multi_label=True),
        [(MULTI_BAD, MULTI_PRED)],
        (0.875 + 0.0) / 2,
    ),
    (
        "multi-auc-flat-weighted",
        lambda: metrics.AUC(num_thresholds=5),
        [(MULTI_GOOD, MULTI_PRED, WEIGHTS_4)],
        1.0 - 0.3333 * (1.0 - 0.2857) / 2,
    ),
]


@pytest.mark.parametrize(
    "make, updates, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_result_is_what_keras_tests_expect(make, updates, expected):
    metric = make()
    for update in updates:
        metric.update_state(*update)
    np.testing.assert_allclose(metric.result(), expected, atol=1e-3)


def test_sparse_accuracy_keeps_the_broadcast_shape_of_labels_against_3d_scores():
    metric = metrics.SparseCategoricalAccuracy()
    metric.update_state(np.array([[0], [0]]), np.array([[[0.9, 0.1, 0.0], [0.8, 0.15, 0.05]]]))
    assert metric.result() == 1.0


def test_binary_accuracy_takes_boolean_predictions():
    x = np.random.default_rng(0).random((32, 1))
    metric = metrics.BinaryAccuracy()
    metric.update_state(x > 0.5, x > 0.5)
    assert metric.result() == 1.0


def test_auc_with_extra_axes_pools_every_value():
    scores = 1 / (
        1 + np.exp(np.array([[[-10.0, 10, -10], [10, -10, 10]], [[-12, 12, -12], [12, -12, 12]]]))
    )
    labels = np.array([[[1, 0, 0], [1, 0, 0]], [[0, 1, 1], [0, 1, 1]]])
    assert metrics.AUC()(labels, scores) == 0.5


def test_counts_of_precision_class_id_and_top_k():
    metric = metrics.Precision(thresholds=0.7, top_k=2)
    metric.update_state([0, 1, 1, 0, 1], [0.2, 0.8, 0.6, 0, 0.2])
    assert float(metric.true_positives.value[0]) == 1.0
    assert float(metric.false_positives.value[0]) == 0.0
