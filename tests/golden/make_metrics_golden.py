"""Regenerate the metric fixtures from real Keras. Run by hand, never in CI.

Each case makes one Keras 3 metric, feeds it a few batches (with and
without `sample_weight`) and records `result()` after every batch. A second
part compiles a small model with metrics=['precision', 'recall', 'auc', ...]
and records `evaluate`. tests/test_metrics_golden.py replays both in
kerastutor and compares at 1e-6.

How (from the repository root)::

    flock /tmp/golden.lock env TF_CPP_MIN_LOG_LEVEL=3 /tmp/kerasref/bin/python \
        tests/golden/make_metrics_golden.py

It rewrites tests/golden/fixtures_metrics/metrics.json; running it twice
gives the same bytes. The data are decimals with three digits, which both
sides turn into float32 the same way.
"""

import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

import keras  # noqa: E402

OUT = Path(__file__).resolve().parent / "fixtures_metrics" / "metrics.json"
BATCH_SIZES = (8, 8, 5)


def decimals(array):
    return np.round(array, 3).tolist()


def batches_of(rng, make):
    """Three batches from `make(rng, size)`, each a dict of arrays, with sample weights."""
    batches = []
    for size in BATCH_SIZES:
        batch = make(rng, size)
        batch["sample_weight"] = rng.choice([0.0, 0.5, 1.0, 2.0], size=size)
        batches.append({key: decimals(value) for key, value in batch.items()})
    return batches


def binary(rng, size):
    y_pred = rng.uniform(0, 1, size=(size, 1))
    y_pred[:2, 0] = [0.0, 1.0] if size > 5 else y_pred[:2, 0]  # the end points count too
    y_pred[2, 0] = 0.5  # exactly on the default threshold: not a positive
    return {"y_true": rng.integers(0, 2, size=(size, 1)), "y_pred": y_pred}


def multiclass(rng, size):
    scores = rng.uniform(0, 1, size=(size, 4))
    scores[0] = [0.3, 0.3, 0.2, 0.2]  # ties at the top-k boundary count as in
    labels = rng.integers(0, 4, size=size)
    return {
        "y_true": np.eye(4)[labels],
        "labels": labels,
        "y_pred": scores / scores.sum(1, keepdims=True),
    }


def multilabel(rng, size):
    return {
        "y_true": rng.integers(0, 2, size=(size, 3)),
        "y_pred": rng.uniform(0, 1, size=(size, 3)),
    }


def regression(rng, size):
    return {"y_true": rng.normal(size=(size, 3)), "y_pred": rng.normal(size=(size, 3))}


def sequence(rng, size):
    """Scores over 4 timesteps and 3 classes, with weights per timestep (like a mask)."""
    scores = rng.uniform(0, 1, size=(size, 4, 3))
    return {
        "labels": rng.integers(0, 3, size=(size, 4)),
        "y_true": rng.integers(0, 2, size=(size, 4, 1)),
        "y_pred": scores / scores.sum(-1, keepdims=True),
        "timestep_weight": rng.choice([0.0, 1.0, 1.5], size=(size, 4)),
    }


def integers(rng, size):
    return {
        "y_true": rng.integers(0, 3, size=(size, 2)),
        "y_pred": rng.integers(0, 3, size=(size, 2)),
    }


def sorted_ids(rng, size):
    ids = np.argsort(rng.uniform(size=(size, 5)), axis=1)
    return {"labels": rng.integers(0, 5, size=size), "y_pred": ids}


def logits(rng, size):
    return {
        "y_true": rng.integers(0, 2, size=(size, 1)),
        "y_pred": rng.normal(0, 3, size=(size, 1)),
    }


DATASETS = {
    name: batches_of(np.random.default_rng(seed), make)
    for seed, (name, make) in enumerate(
        [
            ("binary", binary),
            ("multiclass", multiclass),
            ("multilabel", multilabel),
            ("regression", regression),
            ("logits", logits),
            ("sequence", sequence),
            ("integers", integers),
            ("sorted_ids", sorted_ids),
        ]
    )
}

# (class name, constructor arguments, dataset, which arrays are y_true and y_pred[, weights])
CASES = [
    ("Mean", {}, "regression", (None, "y_pred")),
    ("Sum", {}, "regression", (None, "y_pred")),
    ("MeanSquaredError", {}, "regression", ("y_true", "y_pred")),
    ("MeanAbsoluteError", {}, "regression", ("y_true", "y_pred")),
    ("RootMeanSquaredError", {}, "regression", ("y_true", "y_pred")),
    ("BinaryAccuracy", {}, "binary", ("y_true", "y_pred")),
    ("BinaryAccuracy", {"threshold": 0.3}, "multilabel", ("y_true", "y_pred")),
    ("CategoricalAccuracy", {}, "multiclass", ("y_true", "y_pred")),
    ("SparseCategoricalAccuracy", {}, "multiclass", ("labels", "y_pred")),
    ("TopKCategoricalAccuracy", {"k": 2}, "multiclass", ("y_true", "y_pred")),
    ("TopKCategoricalAccuracy", {"k": 1}, "multiclass", ("y_true", "y_pred")),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "multiclass", ("labels", "y_pred")),
    ("SparseTopKCategoricalAccuracy", {"k": 1}, "multiclass", ("labels", "y_pred")),
    ("TruePositives", {}, "binary", ("y_true", "y_pred")),
    ("FalsePositives", {}, "binary", ("y_true", "y_pred")),
    ("TrueNegatives", {}, "binary", ("y_true", "y_pred")),
    ("FalseNegatives", {}, "binary", ("y_true", "y_pred")),
    ("TruePositives", {"thresholds": [0.2, 0.5, 0.8]}, "multilabel", ("y_true", "y_pred")),
    ("FalseNegatives", {"thresholds": [0.0, 0.5, 1.0]}, "binary", ("y_true", "y_pred")),
    (
        "TrueNegatives",
        {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]},
        "multilabel",
        ("y_true", "y_pred"),
    ),
    ("Precision", {}, "binary", ("y_true", "y_pred")),
    ("Precision", {"thresholds": [0.3, 0.6, 0.9]}, "multilabel", ("y_true", "y_pred")),
    ("Precision", {"thresholds": [0.0, 0.5, 1.0]}, "binary", ("y_true", "y_pred")),
    ("Precision", {"top_k": 2}, "multilabel", ("y_true", "y_pred")),
    ("Precision", {"class_id": 1}, "multilabel", ("y_true", "y_pred")),
    ("Precision", {"top_k": 1, "class_id": 2}, "multilabel", ("y_true", "y_pred")),
    ("Recall", {}, "binary", ("y_true", "y_pred")),
    ("Recall", {"thresholds": [0.3, 0.6, 0.9]}, "multilabel", ("y_true", "y_pred")),
    ("Recall", {"top_k": 2}, "multilabel", ("y_true", "y_pred")),
    ("Recall", {"class_id": 0}, "multilabel", ("y_true", "y_pred")),
    ("AUC", {}, "binary", ("y_true", "y_pred")),
    ("AUC", {"num_thresholds": 7}, "binary", ("y_true", "y_pred")),
    ("AUC", {"curve": "PR"}, "binary", ("y_true", "y_pred")),
    ("AUC", {"curve": "PR", "summation_method": "majoring"}, "binary", ("y_true", "y_pred")),
    ("AUC", {"summation_method": "minoring"}, "multilabel", ("y_true", "y_pred")),
    (
        "AUC",
        {"summation_method": "majoring", "num_thresholds": 11},
        "multilabel",
        ("y_true", "y_pred"),
    ),
    ("AUC", {"thresholds": [0.1, 0.35, 0.5, 0.9]}, "binary", ("y_true", "y_pred")),
    (
        "AUC",
        {"thresholds": [0.1, 0.35, 0.5, 0.9], "curve": "PR"},
        "multilabel",
        ("y_true", "y_pred"),
    ),
    ("AUC", {"multi_label": True}, "multilabel", ("y_true", "y_pred")),
    (
        "AUC",
        {"multi_label": True, "num_labels": 3, "curve": "PR"},
        "multilabel",
        ("y_true", "y_pred"),
    ),
    (
        "AUC",
        {"multi_label": True, "label_weights": [0.5, 1.0, 2.0]},
        "multilabel",
        ("y_true", "y_pred"),
    ),
    ("AUC", {"label_weights": [0.5, 1.0, 2.0]}, "multilabel", ("y_true", "y_pred")),
    ("AUC", {"from_logits": True}, "logits", ("y_true", "y_pred")),
    ("AUC", {"curve": "PRGAIN"}, "binary", ("y_true", "y_pred")),
    (
        "AUC",
        {"curve": "PRGAIN", "summation_method": "minoring"},
        "multilabel",
        ("y_true", "y_pred"),
    ),
    ("Accuracy", {}, "integers", ("y_true", "y_pred")),
    (
        "SparseTopKCategoricalAccuracy",
        {"k": 2, "from_sorted_ids": True},
        "sorted_ids",
        ("labels", "y_pred"),
    ),
    ("MeanAbsolutePercentageError", {}, "regression", ("y_true", "y_pred")),
    ("MeanSquaredLogarithmicError", {}, "regression", ("y_true", "y_pred")),
    ("BinaryCrossentropy", {}, "binary", ("y_true", "y_pred")),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}, "multilabel", ("y_true", "y_pred")),
    ("BinaryCrossentropy", {"from_logits": True}, "logits", ("y_true", "y_pred")),
    ("CategoricalCrossentropy", {}, "multiclass", ("y_true", "y_pred")),
    (
        "CategoricalCrossentropy",
        {"label_smoothing": 0.2, "from_logits": True},
        "multiclass",
        ("y_true", "y_pred"),
    ),
    ("SparseCategoricalCrossentropy", {}, "multiclass", ("labels", "y_pred")),
    (
        "SparseCategoricalCrossentropy",
        {"from_logits": True},
        "sequence",
        ("labels", "y_pred"),
        "timestep_weight",
    ),
    ("F1Score", {}, "multiclass", ("y_true", "y_pred")),
    ("F1Score", {"threshold": 0.5, "average": "micro"}, "multilabel", ("y_true", "y_pred")),
    ("F1Score", {"threshold": 0.4, "average": "macro"}, "multilabel", ("y_true", "y_pred")),
    ("F1Score", {"average": "weighted"}, "multiclass", ("y_true", "y_pred")),
    ("FBetaScore", {"beta": 2.0, "threshold": 0.3}, "multilabel", ("y_true", "y_pred")),
    (
        "FBetaScore",
        {"beta": 0.5, "average": "weighted", "threshold": 0.6},
        "multilabel",
        ("y_true", "y_pred"),
    ),
    # Sequences: per-sample weights, and per-timestep weights as fit gives for masks.
    ("SparseCategoricalAccuracy", {}, "sequence", ("labels", "y_pred")),
    ("SparseCategoricalAccuracy", {}, "sequence", ("labels", "y_pred"), "timestep_weight"),
    (
        "SparseTopKCategoricalAccuracy",
        {"k": 2},
        "sequence",
        ("labels", "y_pred"),
        "timestep_weight",
    ),
    ("MeanSquaredError", {}, "sequence", ("y_true", "y_pred"), "timestep_weight"),
    ("BinaryAccuracy", {}, "sequence", ("y_true", "y_pred"), "timestep_weight"),
    ("Mean", {}, "sequence", (None, "y_pred"), "timestep_weight"),
]


def run_case(class_name, kwargs, dataset, keys, weighted, weight_key):
    metric = getattr(keras.metrics, class_name)(**kwargs)
    true_key, pred_key = keys
    results = []
    for batch in DATASETS[dataset]:
        y_pred = np.asarray(batch[pred_key], dtype="float32")
        weight = np.asarray(batch[weight_key], dtype="float32") if weighted else None
        if true_key is None:
            metric.update_state(y_pred, sample_weight=weight)
        else:
            y_true = np.asarray(batch[true_key], dtype="float32")
            metric.update_state(y_true, y_pred, sample_weight=weight)
        results.append(np.asarray(metric.result()).tolist())
    return results


def evaluate_case():
    """A compiled Dense(1, sigmoid) model's evaluate with several metrics."""
    rng = np.random.default_rng(100)
    x = np.round(rng.normal(size=(21, 4)), 3)
    y = rng.integers(0, 2, size=(21, 1)).astype("float32")
    kernel = np.round(rng.normal(size=(4, 1)), 3)
    bias = np.round(rng.normal(size=(1,)), 3)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([kernel.astype("float32"), bias.astype("float32")])
    metric_names = ["precision", "recall", "auc", "accuracy", "mae", "bce", "mape"]
    model.compile("sgd", "binary_crossentropy", metrics=metric_names)
    logs = model.evaluate(x.astype("float32"), y, batch_size=8, verbose=0, return_dict=True)
    return {
        "x": x.tolist(),
        "y": y.tolist(),
        "kernel": kernel.tolist(),
        "bias": bias.tolist(),
        "metrics": metric_names,
        "batch_size": 8,
        "logs": {key: float(value) for key, value in sorted(logs.items())},
    }


def main():
    cases = []
    for class_name, kwargs, dataset, keys, *weight_key in CASES:
        weight_key = weight_key[0] if weight_key else "sample_weight"
        for weighted in (False, True) if weight_key == "sample_weight" else (True,):
            cases.append(
                {
                    "class_name": class_name,
                    "kwargs": kwargs,
                    "dataset": dataset,
                    "keys": list(keys),
                    "weighted": weighted,
                    "weight_key": weight_key,
                    "results": run_case(class_name, kwargs, dataset, keys, weighted, weight_key),
                }
            )
    fixture = {
        "keras_version": keras.__version__,
        "datasets": DATASETS,
        "cases": cases,
        "evaluate": evaluate_case(),
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(fixture, indent=None, sort_keys=True) + "\n")
    print(f"wrote {len(cases)} metric cases to {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
