"""kerastutor's metrics give Keras 3's results, batch after batch (fixtures from real Keras).

tests/golden/make_metrics_golden.py fed each Keras metric three batches,
with and without sample weights, and recorded `result()` after every batch;
here kerastutor gets the same batches and must agree at 1e-6.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from kerastutor import layers, metrics, models

FIXTURE = json.loads(
    (Path(__file__).parents[1] / "golden" / "fixtures_metrics" / "metrics.json").read_text()
)
CASES = FIXTURE["cases"]


def case_id(case):
    arguments = ",".join(f"{key}={value}" for key, value in case["kwargs"].items())
    weighted = case["weight_key"] if case["weighted"] else "unweighted"
    return f"{case['class_name']}({arguments})-{case['dataset']}-{weighted}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(case) for case in CASES])
def test_results_after_each_batch_match_keras(case):
    metric = getattr(metrics, case["class_name"])(**case["kwargs"])
    true_key, pred_key = case["keys"]
    for batch, expected in zip(FIXTURE["datasets"][case["dataset"]], case["results"], strict=True):
        y_pred = np.asarray(batch[pred_key], dtype="float32")
        weight = np.asarray(batch[case["weight_key"]], "float32") if case["weighted"] else None
        if true_key is None:
            metric.update_state(y_pred, sample_weight=weight)
        else:
            metric.update_state(np.asarray(batch[true_key], dtype="float32"), y_pred, weight)
        np.testing.assert_allclose(metric.result(), expected, rtol=1e-6, atol=1e-6)


def test_the_fixture_covers_every_stateful_metric_of_the_issue():
    covered = {case["class_name"] for case in CASES}
    assert covered >= {
        "Precision",
        "Recall",
        "AUC",
        "TruePositives",
        "FalsePositives",
        "TrueNegatives",
        "FalseNegatives",
        "CategoricalAccuracy",
        "SparseCategoricalAccuracy",
        "TopKCategoricalAccuracy",
        "SparseTopKCategoricalAccuracy",
        "BinaryAccuracy",
        "MeanSquaredError",
        "MeanAbsoluteError",
        "RootMeanSquaredError",
        "Mean",
        "Sum",
        "Accuracy",
        "MeanAbsolutePercentageError",
        "MeanSquaredLogarithmicError",
        "BinaryCrossentropy",
        "CategoricalCrossentropy",
        "SparseCategoricalCrossentropy",
        "F1Score",
        "FBetaScore",
    }
    assert {case["weighted"] for case in CASES} == {False, True}


def test_a_compiled_models_evaluate_matches_keras():
    spec = FIXTURE["evaluate"]
    model = models.Sequential([layers.Input((4,)), layers.Dense(1, activation="sigmoid")])
    kernel = np.asarray(spec["kernel"], dtype="float32")
    model.set_weights([kernel, np.asarray(spec["bias"], dtype="float32")])
    model.compile("sgd", "binary_crossentropy", metrics=spec["metrics"])
    x = np.asarray(spec["x"], dtype="float32")
    y = np.asarray(spec["y"], dtype="float32")
    logs = model.evaluate(x, y, batch_size=spec["batch_size"], verbose=0, return_dict=True)
    assert sorted(logs) == sorted(spec["logs"])
    for key, expected in spec["logs"].items():
        np.testing.assert_allclose(logs[key], expected, rtol=1e-6, atol=1e-6, err_msg=key)
