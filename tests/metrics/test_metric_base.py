"""The Metric base class as Keras 3 calls it, a learner's own metric, and errors that teach.

Ports the behaviour of keras/src/metrics/metric_test.py and the metric
parts of keras-io's "Training & evaluation with the built-in methods" guide.
"""

import doctest
import importlib
import json
import pickle
import zipfile

import numpy as np
import pytest

import kerastutor
from kerastutor import layers, metrics, models, ops
from kerastutor.autodiff import Variable
from kerastutor.engine import naming


class ExampleMetric(metrics.Metric):
    """Keras's test metric: a running mean of squared errors, with an int32 count."""

    def __init__(self, name="mean_square_error", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.sum = self.add_variable(name="sum", shape=(), initializer="zeros")
        self.total = self.add_variable(name="total", shape=(), initializer="zeros", dtype="int32")

    def update_state(self, y_true, y_pred):
        y_true = ops.cast(y_true, self.dtype)
        y_pred = ops.cast(y_pred, self.dtype)
        self.sum.assign(self.sum + ops.sum((y_true - y_pred) ** 2))
        self.total.assign(self.total + ops.shape(y_true)[0])

    def result(self):
        return ops.cast(self.sum, self.dtype) / (ops.cast(self.total, self.dtype) + 1e-7)

    def reset_state(self):
        self.sum.assign(0)
        self.total.assign(0)


class CategoricalTruePositives(metrics.Metric):
    """keras-io's custom metric: how many samples were classified right."""

    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            values = ops.multiply(values, ops.cast(sample_weight, "float32"))
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives.value

    def reset_state(self):
        self.true_positives.assign(0.0)


# ---------------------------------------------------------------- the base class


def test_end_to_end_flow_over_batches():
    metric = ExampleMetric(name="mse")
    assert metric.name == "mse" and len(metric.variables) == 2
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.random((20, 3)), rng.random((20, 3))
    for start in range(0, 20, 8):
        metric.update_state(y_true[start : start + 8], y_pred[start : start + 8])
    assert int(metric.total.value) == 20
    np.testing.assert_allclose(metric.result(), np.sum((y_true - y_pred) ** 2) / 20, rtol=1e-5)
    metric.reset_state()
    assert metric.result() == 0.0


def test_init_does_not_reset_before_the_subclass_has_made_its_variables():
    class ResetsEverything(metrics.Metric):
        def __init__(self):
            super().__init__(name="resets")  # a base that called reset_state here would fail
            self.count = self.add_variable(shape=(2,), initializer="ones", name="count")

        def reset_state(self):
            self.count.assign(np.zeros(2))

    metric = ResetsEverything()
    assert metric.count.value.tolist() == [1.0, 1.0]
    assert metric.count.name == "resets/count" and metric.count.trainable is False


def test_default_reset_state_zeros_every_variable():
    metric = metrics.Mean()
    metric.update_state([1.0, 2.0])
    metrics.Metric.reset_state(metric)
    assert [float(v.value) for v in metric.variables] == [0.0, 0.0]


def test_add_weight_is_the_older_spelling_of_add_variable():
    metric = ExampleMetric()
    extra = metric.add_weight(shape=(3,), initializer="zeros", name="extra")
    assert isinstance(extra, Variable) and extra.shape == (3,) and metric.variables[-1] is extra


def test_variables_and_sub_metrics_are_tracked_in_attributes_lists_and_dicts():
    metric = ExampleMetric()
    metric.more = [Variable(np.float32(0), "a"), Variable(np.float32(1), "b")]
    assert len(metric.variables) == 4
    metric = ExampleMetric()
    metric.more = {"a": [Variable(np.float32(0), "a"), Variable(np.float32(1), "b")]}
    assert len(metric.variables) == 4
    metric = ExampleMetric()
    metric.sub = ExampleMetric()
    metric.sub.sub = ExampleMetric()
    assert len(metric.variables) == 6
    metric = ExampleMetric()
    metric.subs = {"1": ExampleMetric(), "2": ExampleMetric()}
    assert len(metric.variables) == 6


def test_dtype_name_config_call_and_repr():
    metric = ExampleMetric(name="mse", dtype="float16")
    metric.update_state(np.ones((4, 3)), np.zeros((4, 3)))
    assert metric.result().dtype == np.float16
    with pytest.raises(AttributeError):
        metric.dtype = "float32"
    assert ExampleMetric().dtype == kerastutor.config.floatx()
    assert metrics.Mean(name="m").get_config() == {"name": "m", "dtype": "float32"}
    assert float(metrics.Mean()([1.0, 3.0])) == 2.0
    assert repr(metrics.AUC(name="auc_x")) == "<AUC name=auc_x>"


def test_default_names_are_snake_case_and_unique_as_in_keras():
    with naming.fresh_names():
        assert [metrics.Precision().name, metrics.Precision().name] == ["precision", "precision_1"]
        assert metrics.AUC().name == "auc"
        assert metrics.Mean().name == metrics.Mean().name == "mean"  # a default name stays
        assert CategoricalTruePositives().name == "categorical_true_positives"


@pytest.mark.parametrize("make", [metrics.Precision, metrics.AUC, lambda: metrics.get("mse")])
def test_metrics_pickle(make):
    metric = make()
    metric.update_state([0, 1, 1], [0.2, 0.8, 0.4])
    reloaded = pickle.loads(pickle.dumps(metric))
    assert type(reloaded) is type(metric)
    np.testing.assert_array_equal(reloaded.result(), metric.result())


@pytest.mark.parametrize(
    "make",
    [
        lambda: metrics.Precision(
            name="my_precision", thresholds=[0.4, 0.9], top_k=15, class_id=12
        ),
        lambda: metrics.Recall(thresholds=0.3),
        lambda: metrics.AUC(num_thresholds=100, curve="PR", summation_method="majoring"),
        lambda: metrics.AUC(thresholds=[0.3, 0.5], multi_label=True, label_weights=[1, 2]),
        lambda: metrics.TruePositives(thresholds=[0.2, 0.8]),
        lambda: metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True),
        lambda: metrics.BinaryAccuracy(threshold=0.7),
        lambda: metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
        lambda: metrics.SparseCategoricalCrossentropy(from_logits=True),
        lambda: metrics.F1Score(average="macro", threshold=0.4),
        lambda: metrics.FBetaScore(beta=2.0),
        metrics.RootMeanSquaredError,
        metrics.Sum,
    ],
)
def test_config_round_trip_rebuilds_the_same_metric(make):
    metric = make()
    rebuilt = type(metric).from_config(metric.get_config())
    assert rebuilt.get_config() == metric.get_config()
    assert [v.shape for v in rebuilt.variables] == [v.shape for v in metric.variables]
    assert metrics.deserialize(metrics.serialize(metric)).get_config() == metric.get_config()


def test_auc_thresholds_and_config_as_keras_writes_them():
    auc = metrics.AUC(num_thresholds=2, thresholds=[0.5])
    assert auc.num_thresholds == 3
    np.testing.assert_allclose(auc.thresholds, [0.0, 0.5, 1.0], atol=1e-6)
    assert auc.get_config()["thresholds"] == [0.5]
    assert metrics.AUC(name="auc").get_config() == {
        "name": "auc",
        "dtype": "float32",
        "num_thresholds": 200,
        "curve": "ROC",
        "summation_method": "interpolation",
        "multi_label": False,
        "num_labels": None,
        "label_weights": None,
        "from_logits": False,
    }


def test_auc_multi_label_builds_its_variables_on_the_first_batch():
    auc = metrics.AUC(multi_label=True, num_thresholds=5)
    assert auc.variables == []
    auc.update_state(np.eye(3)[[0, 1, 2, 0]], np.eye(3)[[0, 1, 2, 0]])
    assert [v.shape for v in auc.variables] == [(5, 3)] * 4
    assert auc.result() == 1.0
    auc.reset_state()
    assert auc.true_positives.value.sum() == 0


# ---------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    "identifier, expected",
    [
        ("mse", metrics.MeanSquaredError),
        ("mean_squared_error", metrics.MeanSquaredError),
        ("MAE", metrics.MeanAbsoluteError),
        ("categorical_accuracy", metrics.CategoricalAccuracy),
        ("precision", metrics.Precision),
        ("Recall", metrics.Recall),
        ("auc", metrics.AUC),
        ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
        ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy),
        ("root_mean_squared_error", metrics.RootMeanSquaredError),
        ("true_positives", metrics.TruePositives),
        ("mape", metrics.MeanAbsolutePercentageError),
        ("msle", metrics.MeanSquaredLogarithmicError),
        ("bce", metrics.BinaryCrossentropy),
        ("categorical_crossentropy", metrics.CategoricalCrossentropy),
        ("SparseCategoricalCrossentropy", metrics.SparseCategoricalCrossentropy),
        ("f1_score", metrics.F1Score),
        (metrics.MeanAbsoluteError, metrics.MeanAbsoluteError),  # a class: made with defaults
        ({"class_name": "Precision", "config": {"thresholds": 0.2}}, metrics.Precision),
    ],
)
def test_get_accepts_what_keras_accepts(identifier, expected):
    metric = metrics.get(identifier)
    assert type(metric) is expected
    if isinstance(identifier, str):
        assert metric.name == identifier  # logged under the name given, as in Keras


def test_get_of_none_is_none_and_a_function_is_wrapped():
    assert metrics.get(None) is None

    def max_error(y_true, y_pred):
        return np.max(np.abs(np.asarray(y_true) - np.asarray(y_pred)), axis=-1)

    wrapped = metrics.get(max_error)
    assert isinstance(wrapped, metrics.MeanMetricWrapper) and wrapped.name == "max_error"
    assert float(wrapped([[0.0, 1.0]], [[0.5, 3.0]])) == 2.0


def test_a_loss_class_or_object_becomes_a_mean_of_its_batch_losses_as_in_keras():
    from kerastutor import losses

    metric = metrics.get(losses.MeanSquaredError)
    assert isinstance(metric, metrics.MeanMetricWrapper) and metric.name == "mean_squared_error"
    metric.update_state(np.zeros((2, 2)), np.ones((2, 2)))
    metric.update_state(np.zeros((4, 2)), np.full((4, 2), 3.0))
    assert metric.result() == 5.0  # (1 + 9) / 2: each batch's loss counts once
    assert metrics.get(losses.MeanAbsoluteError(name="l1")).name == "l1"
    with pytest.raises(TypeError, match="Could not interpret metric identifier 3"):
        metrics.get(3)


def test_a_custom_metric_is_not_serialized_as_a_built_in():
    assert metrics.serialize(CategoricalTruePositives()) is None
    assert metrics.serialize(metrics.MeanMetricWrapper(np.abs)) is None


# ---------------------------------------------------------------- in compile, fit and evaluate


def classifier():
    model = models.Sequential([layers.Input((4,)), layers.Dense(3, activation="softmax")])
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 4)).astype("float32")
    y = rng.integers(0, 3, size=(30, 1))
    return model, x, y


def test_a_custom_metric_works_in_compile_fit_and_evaluate():
    model, x, y = classifier()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=[CategoricalTruePositives()])
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert len(history.history["categorical_true_positives"]) == 2
    logs = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    right = np.sum(np.argmax(model.predict(x, verbose=0), axis=1) == y[:, 0])
    assert (
        logs["categorical_true_positives"] == right
    )  # counted over all batches, reset at the start


def test_a_metric_class_in_compile_is_made_as_keras_does():
    model, x, y = classifier()
    model.compile(
        "sgd", "sparse_categorical_crossentropy", metrics=[metrics.SparseTopKCategoricalAccuracy]
    )
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "sparse_top_k_categorical_accuracy"}
    assert logs["sparse_top_k_categorical_accuracy"] == 1.0  # k=5 of 3 classes: always in


def test_precision_recall_auc_by_name_in_compile():
    model = models.Sequential([layers.Input((3,)), layers.Dense(1, activation="sigmoid")])
    x = np.random.default_rng(2).normal(size=(24, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model.compile("sgd", "binary_crossentropy", metrics=["precision", "recall", "auc", "mae"])
    logs = model.evaluate(x, y, batch_size=5, verbose=0, return_dict=True)
    predictions = model.predict(x, verbose=0)
    for name in ("precision", "recall", "auc"):
        expected = metrics.get(name)(y, predictions)  # batching changes nothing: counts add up
        np.testing.assert_allclose(logs[name], expected, rtol=1e-6)


def test_metrics_in_a_saved_compile_config_round_trip_as_keras_writes_them(tmp_path):
    model, x, y = classifier()
    chosen = ["accuracy", metrics.SparseTopKCategoricalAccuracy(k=2, name="top2"), "mae"]
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=chosen)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        saved = json.loads(archive.read("config.json"))["compile_config"]["metrics"]
    assert saved[0] == "accuracy" and saved[2] == "mae"
    assert saved[1] == {
        "module": "keras.metrics",
        "class_name": "SparseTopKCategoricalAccuracy",
        "config": {"name": "top2", "dtype": "float32", "k": 2},
        "registered_name": None,
    }
    loaded = models.load_model(tmp_path / "m.keras")
    assert loaded.evaluate(x, y, verbose=0, return_dict=True) == model.evaluate(
        x, y, verbose=0, return_dict=True
    )


# What Keras 3.15.1's model.get_compile_config() wrote for metrics=['precision',
# AUC(curve='PR'), Precision(thresholds=[0.3, 0.6])].
KERAS_WRITTEN_METRICS = [
    "precision",
    {
        "module": "keras.metrics",
        "class_name": "AUC",
        "config": {
            "name": "auc_1",
            "dtype": "float32",
            "num_thresholds": 200,
            "curve": "PR",
            "summation_method": "interpolation",
            "multi_label": False,
            "num_labels": None,
            "label_weights": None,
            "from_logits": False,
        },
        "registered_name": None,
    },
    {
        "module": "keras.metrics",
        "class_name": "Precision",
        "config": {
            "name": "precision_2",
            "dtype": "float32",
            "thresholds": [0.3, 0.6],
            "top_k": None,
            "class_id": None,
        },
        "registered_name": None,
    },
]


@pytest.mark.parametrize("entry", KERAS_WRITTEN_METRICS[1:], ids=["AUC", "Precision"])
def test_metrics_as_keras_writes_them_rebuild_with_the_same_config(entry):
    from kerastutor.saving import keras_format

    metric = metrics.deserialize(keras_format.object_from_keras(entry, metrics, "metric"))
    assert type(metric).__name__ == entry["class_name"]
    assert metric.get_config() == entry["config"]


# ---------------------------------------------------------------- errors that teach


def test_unknown_metric_names_list_the_valid_ones_and_suggest_one():
    with pytest.raises(
        ValueError, match=r"Unknown metric: 'precison'.*auc.*recall.*Did you mean 'precision'"
    ):
        metrics.get("precison")
    model, _, _ = classifier()
    with pytest.raises(ValueError, match="Unknown metric: 'f1'"):
        model.compile("sgd", "mse", metrics=["f1"])
    with pytest.raises(ValueError, match="received None"):
        model.compile("sgd", "mse", metrics=[None])


@pytest.mark.parametrize(
    "make",
    [
        lambda: metrics.Precision(thresholds=1.5),
        lambda: metrics.Recall(thresholds=[0.5, -0.1]),
        lambda: metrics.TruePositives(thresholds=[None]),
        lambda: metrics.AUC(thresholds=[2.0]),
    ],
)
def test_thresholds_outside_zero_one_are_refused(make):
    with pytest.raises(ValueError, match=r"threshold values must be in \[0, 1\]"):
        make()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_thresholds": 1}, "`num_thresholds` must be an integer > 1"),
        ({"num_thresholds": -1}, "`num_thresholds` must be an integer > 1"),
        ({"curve": "Invalid"}, "invalid `curve` 'Invalid'. Expected one of 'ROC', 'PR', 'PRGAIN'"),
        ({"summation_method": "Invalid"}, "invalid `summation_method` 'Invalid'"),
        ({"num_labels": 3}, "`num_labels` is needed only when `multi_label=True`"),
    ],
)
def test_bad_auc_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        metrics.AUC(**kwargs)


@pytest.mark.parametrize(
    "metric, y_true, y_pred, message",
    [
        (metrics.Precision(name="p"), np.ones(4), np.ones((4, 3)), r"Precision metric 'p': y_true has shape \(4,\) but y_pred has shape \(4, 3\)"),
        (metrics.AUC(name="a"), np.ones((3, 1)), np.ones((4, 1)), r"AUC metric 'a': y_true has shape \(3, 1\) but y_pred has shape \(4, 1\)"),
        (metrics.MeanSquaredError(name="mse"), np.ones((3, 2)), np.ones((4, 2)), r"MeanSquaredError metric 'mse': y_true of shape \(3, 2\) and y_pred of shape \(4, 2\)"),
        (metrics.RootMeanSquaredError(), np.ones(4), np.ones((4, 3)), r"y_true of shape \(4,\) and y_pred of shape \(4, 3\)"),
        (metrics.SparseTopKCategoricalAccuracy(name="top"), np.ones(3), np.ones((4, 5)), r"SparseTopKCategoricalAccuracy metric 'top'.*\(3,\).*\(4, 5\)"),
        (metrics.Precision(class_id=2, name="p"), np.ones(5), np.ones(5), r"class_id=2 needs y_pred of shape \(num_samples, num_classes\)"),
        (metrics.Recall(top_k=4), np.ones((2, 3)), np.ones((2, 3)), r"top_k=4 needs predictions with at least 4 values"),
        (metrics.AUC(multi_label=True, name="m"), np.ones(4), np.ones(4), r"with multi_label=True, y_pred must have rank 2"),
    ],
)  # fmt: skip
def test_mismatched_shapes_name_the_metric_and_both_shapes(metric, y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        metric.update_state(y_true, y_pred)


def test_crossentropy_options_kerastutor_lacks_are_refused_by_name():
    with pytest.raises(ValueError, match="over the last axis only"):
        metrics.CategoricalCrossentropy(axis=1)
    with pytest.raises(ValueError, match="does not support ignore_class"):
        metrics.SparseCategoricalCrossentropy(ignore_class=0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"average": "mean"}, "`average` must be one of None, 'micro', 'macro', 'weighted'"),
        ({"beta": 2}, "`beta` must be a Python float > 0"),
        ({"threshold": 1.5}, "`threshold` must be a Python float with 0 < threshold <= 1"),
    ],
)
def test_bad_f_score_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        metrics.FBetaScore(**kwargs)
    with pytest.raises(
        ValueError, match=r"expects y_true and y_pred of shape \(batch_size, classes\)"
    ):
        metrics.F1Score().update_state(np.ones(3), np.ones(3))


def test_sample_weight_that_cannot_broadcast_is_refused():
    with pytest.raises(
        ValueError,
        match=r"Precision metric 'precision.*': sample_weight of shape \(3,\) cannot be broadcast",
    ):
        metrics.Precision().update_state(np.ones((4, 2)), np.ones((4, 2)), np.ones(3))
    with pytest.raises(ValueError, match=r"Mean metric 'mean': sample_weight of shape \(3,\)"):
        metrics.Mean().update_state([1.0, 2.0], sample_weight=[1.0, 1.0, 1.0])


@pytest.mark.parametrize(
    "metric",
    [
        metrics.Precision(),
        metrics.AUC(),
        metrics.MeanSquaredError(),
        metrics.RootMeanSquaredError(),
    ],
)
def test_a_failed_update_leaves_the_state_unchanged(metric):
    metric.update_state(np.array([[0.0], [1.0]]), np.array([[0.3], [0.9]]))
    before = [v.value.copy() for v in metric.variables]
    result = metric.result()
    with pytest.raises(ValueError):
        metric.update_state(np.ones((3, 2)), np.ones((4, 2)))
    assert all(np.array_equal(a, v.value) for a, v in zip(before, metric.variables, strict=True))
    assert metric.result() == result


def test_a_learners_update_that_fails_halfway_is_undone():
    class TwoCounts(metrics.Metric):
        def __init__(self):
            super().__init__(name="two")
            self.first = self.add_variable(shape=(), initializer="zeros", name="first")
            self.second = self.add_variable(shape=(), initializer="zeros", name="second")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.first.assign_add(1.0)
            self.second.assign_add(ops.sum(y_pred))  # fails on a string

    metric = TwoCounts()
    with pytest.raises(Exception):  # noqa: B017 (NumPy's own error for summing strings)
        metric.update_state([1], np.array(["x"]))
    assert float(metric.first.value) == 0.0


def test_forgetting_super_init_or_add_variable_says_what_to_do():
    class NoSuper(metrics.Metric):
        def __init__(self):
            self.count = self.add_variable(shape=(), initializer="zeros")

    with pytest.raises(
        RuntimeError, match=r"NoSuper.add_variable: you forgot to call super\(\).__init__\(\)"
    ):
        NoSuper()

    class NoState(metrics.Metric):
        def update_state(self, y_true, y_pred, sample_weight=None):
            self.true_positives.assign_add(1.0)

    with pytest.raises(
        AttributeError, match=r"NoState metric has no attribute 'true_positives'.*add_variable"
    ):
        NoState().update_state([1], [1])


# ---------------------------------------------------------------- docstrings


@pytest.mark.parametrize(
    "module",
    [
        "metric",
        "metrics_utils",
        "reduction_metrics",
        "accuracy_metrics",
        "regression_metrics",
        "confusion_metrics",
        "auc",
        "f_score_metrics",
        "probabilistic_metrics",
        "lookup",
    ],
)
def test_docstring_examples_run(module):
    module = importlib.import_module(f"kerastutor.metrics.{module}")
    with naming.fresh_names():
        failures, tried = doctest.testmod(module, extraglobs={"np": np})
    assert tried > 0 and failures == 0
