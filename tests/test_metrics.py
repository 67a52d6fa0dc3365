"""Metrics: how 'accuracy' is resolved (Keras 3's rule) and what each one computes."""

import numpy as np
import pytest

from kerastutor import metrics


@pytest.mark.parametrize(
    "y_shape, output_shape, expected",
    [
        ((8, 1), (None, 1), metrics.BinaryAccuracy),
        ((8,), (None, 1), metrics.BinaryAccuracy),
        ((8, 5, 1), (None, 5, 1), metrics.BinaryAccuracy),
        ((8,), (None, 3), metrics.SparseCategoricalAccuracy),
        ((8, 1), (None, 3), metrics.SparseCategoricalAccuracy),
        ((8, 5), (None, 5, 3), metrics.SparseCategoricalAccuracy),
        ((8, 3), (None, 3), metrics.CategoricalAccuracy),
        ((8, 5, 3), (None, 5, 3), metrics.CategoricalAccuracy),
    ],
)
def test_accuracy_is_resolved_from_the_shapes(y_shape, output_shape, expected):
    for name in ("accuracy", "acc"):
        metric = metrics.get(name, y_shape, output_shape)
        assert type(metric) is expected
        assert metric.name == name


def test_binary_accuracy_thresholds_at_one_half():
    metric = metrics.BinaryAccuracy()
    metric.update_state(np.array([[1], [0], [1], [0]]), np.array([[0.9], [0.5], [0.5], [0.1]]))
    assert metric.result() == 0.75  # the third: 0.5 is not above the threshold


def test_categorical_and_sparse_accuracy():
    p = np.array([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.2, 0.3, 0.5]])
    sparse = metrics.SparseCategoricalAccuracy()
    sparse.update_state(np.array([1, 1, 2]), p)
    np.testing.assert_allclose(sparse.result(), 2 / 3)
    categorical = metrics.CategoricalAccuracy()
    categorical.update_state(np.eye(3)[[1, 1, 2]], p)
    np.testing.assert_allclose(categorical.result(), 2 / 3)


def test_running_mean_over_batches_weights_samples_equally():
    metric = metrics.get("mae")
    metric.update_state(np.zeros((3, 1)), np.ones((3, 1)))
    metric.update_state(np.zeros((1, 1)), np.full((1, 1), 5.0))
    np.testing.assert_allclose(metric.result(), (3 * 1 + 5) / 4)
    metric.reset_state()
    assert metric.result() == 0.0


def test_mask_counts_only_real_steps():
    metric = metrics.SparseCategoricalAccuracy()
    p = np.zeros((2, 3, 2))
    p[..., 1] = 1.0  # always predicts class 1
    labels = np.array([[1, 1, 0], [0, 1, 1]])
    mask = np.array([[True, True, False], [False, True, False]])
    metric.update_state(labels, p, mask)
    assert metric.result() == 1.0  # every unmasked step is right


def test_mse_metric():
    metric = metrics.get("mse")
    metric.update_state(np.zeros((2, 2)), np.array([[1.0, 3.0], [0.0, 2.0]]))
    np.testing.assert_allclose(metric.result(), (1 + 9 + 0 + 4) / 4)


def test_unknown_name_lists_valid_ones():
    with pytest.raises(
        ValueError, match="Unknown metric: 'f1'.*accuracy.*sparse_categorical_accuracy"
    ):
        metrics.get("f1")
    with pytest.raises(ValueError, match="depends on the shapes"):
        metrics.get("accuracy")
