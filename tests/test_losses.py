"""Losses against a float64 NumPy transcription of Keras 3 (keras/src/losses/losses.py
and keras/src/backend/numpy/nn.py): clipping, from_logits, masks, target checks."""

import numpy as np
import pytest

from kerastutor import losses
from kerastutor.autodiff import Variable, watch

EPS = 1e-7


def reference(name, y, p, from_logits=False):
    """Per-sample losses in float64, written from Keras's formulas."""
    y = np.asarray(y, np.float64)
    p = np.asarray(p, np.float64)
    if name == "mse":
        return np.mean((y - p) ** 2, axis=-1)
    if name == "mae":
        return np.mean(np.abs(y - p), axis=-1)
    if name == "binary_crossentropy":
        if from_logits:
            p = 1 / (1 + np.exp(-p))
        q = np.clip(p, EPS, 1 - EPS)
        return np.mean(-(y * np.log(q) + (1 - y) * np.log(1 - q)), axis=-1)
    if from_logits:
        p = np.exp(p - p.max(-1, keepdims=True))
    q = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    if name == "sparse_categorical_crossentropy":
        y = np.eye(p.shape[-1])[y.astype(int)]
    return -np.sum(y * np.log(q), axis=-1)


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(6, 4)).astype("float32")
    probabilities = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    sigmoid = 1 / (1 + np.exp(-logits))
    labels = rng.integers(0, 4, size=6)
    return {
        "logits": logits,
        "softmax": probabilities.astype("float32"),
        "sigmoid": sigmoid.astype("float32"),
        "labels": labels,
        "one_hot": np.eye(4, dtype="float32")[labels],
        "binary": rng.integers(0, 2, size=(6, 4)).astype("float32"),
        "real": rng.normal(size=(6, 4)).astype("float32"),
    }


@pytest.mark.parametrize(
    "name, target, prediction",
    [
        ("mse", "real", "logits"),
        ("mae", "real", "logits"),
        ("binary_crossentropy", "binary", "sigmoid"),
        ("categorical_crossentropy", "one_hot", "softmax"),
        ("sparse_categorical_crossentropy", "labels", "softmax"),
    ],
)
def test_values_match_keras_formulas(data, name, target, prediction):
    loss = losses.get(name)
    value = loss(data[target], data[prediction])
    assert value.dtype == np.float32
    expected = reference(name, data[target], data[prediction]).mean()
    np.testing.assert_allclose(value, expected, rtol=1e-6)


@pytest.mark.parametrize(
    "loss_class, name, target",
    [
        (losses.BinaryCrossentropy, "binary_crossentropy", "binary"),
        (losses.CategoricalCrossentropy, "categorical_crossentropy", "one_hot"),
        (losses.SparseCategoricalCrossentropy, "sparse_categorical_crossentropy", "labels"),
    ],
)
def test_from_logits(data, loss_class, name, target):
    value = loss_class(from_logits=True)(data[target], data["logits"])
    expected = reference(name, data[target], data["logits"], from_logits=True).mean()
    np.testing.assert_allclose(value, expected, rtol=1e-6)


def test_from_logits_is_exact_where_probabilities_saturate():
    # sigmoid(40) is 1.0 in float32: clipped, the loss would be capped at -log(1e-7).
    logits = np.array([[40.0], [-40.0]], dtype="float32")
    y = np.array([[0.0], [1.0]], dtype="float32")
    np.testing.assert_allclose(
        losses.BinaryCrossentropy(from_logits=True)(y, logits), 40.0, rtol=1e-6
    )
    clipped = losses.BinaryCrossentropy()(y, 1 / (1 + np.exp(-logits)))
    np.testing.assert_allclose(clipped, -np.log(EPS), rtol=1e-3)


def test_from_logits_gradient_at_zero_is_sigmoid_minus_target():
    logits = Variable(np.zeros((2, 1), "float32"), name="logits")
    with watch([logits]):
        losses.BinaryCrossentropy(from_logits=True)(np.array([[1.0], [0.0]]), logits).backward()
    np.testing.assert_allclose(logits.grad, [[-0.25], [0.25]])  # (0.5 - y) / 2 samples


def test_probabilities_are_clipped_so_log_zero_never_happens():
    p = np.array([[0.0, 1.0]], dtype="float32")
    y = np.array([[1.0, 0.0]], dtype="float32")
    value = losses.get("binary_crossentropy")(y, p)
    assert np.isfinite(value)
    np.testing.assert_allclose(value, -np.log(EPS), rtol=1e-3)
    value = losses.get("categorical_crossentropy")(y, p)
    np.testing.assert_allclose(value, -np.log(EPS), rtol=1e-3)


def test_categorical_renormalises_rows(data):
    scaled = data["softmax"] * 3.0
    np.testing.assert_allclose(
        losses.get("categorical_crossentropy")(data["one_hot"], scaled),
        losses.get("categorical_crossentropy")(data["one_hot"], data["softmax"]),
        rtol=1e-6,
    )


def test_column_targets_meet_column_outputs():
    y = np.array([1.0, 0.0, 1.0], dtype="float32")
    p = np.array([[0.8], [0.3], [0.6]], dtype="float32")
    bce = losses.get("binary_crossentropy")
    np.testing.assert_allclose(bce(y, p), bce(y[:, None], p), rtol=1e-7)
    labels = np.array([[2], [0]])
    probabilities = np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], dtype="float32")
    np.testing.assert_allclose(
        losses.get("sparse_categorical_crossentropy")(labels, probabilities),
        -np.log([0.7, 0.5]).mean(),
        rtol=1e-6,
    )


def test_mask_averages_over_real_steps_only():
    y = np.zeros((2, 3, 1), "float32")
    p = np.array([[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]]], "float32")
    mask = np.array([[True, True, False], [True, False, False]])
    value = losses.get("mse")(y, p, mask=mask)
    np.testing.assert_allclose(value, (1 + 4 + 16) / 3)
    np.testing.assert_allclose(losses.get("mse")(y, p, mask=np.zeros((2, 3), bool)), 0.0)


def test_masked_steps_get_no_gradient():
    p = Variable(np.ones((1, 3, 1), "float32"), name="p")
    with watch([p]):
        losses.get("mse")(np.zeros((1, 3, 1)), p, mask=np.array([[True, False, True]])).backward()
    np.testing.assert_allclose(p.grad[0, :, 0], [1.0, 0.0, 1.0])  # d/dp of (p^2 + p^2) / 2


def test_reductions():
    y, p = np.zeros((2, 1), "float32"), np.array([[1.0], [3.0]], "float32")
    np.testing.assert_allclose(losses.MeanSquaredError(reduction="sum")(y, p), 10.0)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction="none")(y, p), [1.0, 9.0])
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


def test_get():
    assert isinstance(losses.get("mse"), losses.MeanSquaredError)
    assert isinstance(losses.get("MeanAbsoluteError"), losses.MeanAbsoluteError)
    assert isinstance(losses.get(losses.binary_crossentropy), losses.BinaryCrossentropy)
    custom = losses.get(lambda y_true, y_pred: y_pred)
    assert isinstance(custom, losses.LossFunctionWrapper)
    with pytest.raises(ValueError, match="Unknown loss: 'crossentropy'.*binary_crossentropy"):
        losses.get("crossentropy")
    with pytest.raises(TypeError, match="Could not interpret loss"):
        losses.get(3)


@pytest.mark.parametrize(
    "name, y, output_shape, message",
    [
        ("binary_crossentropy", [[0.0], [2.0]], (None, 1), "between 0 and 1.*contains 2.0"),
        ("binary_crossentropy", [[0.0], [-1.0]], (None, 1), "between 0 and 1"),
        ("sparse_categorical_crossentropy", [0, 3], (None, 3), "from 0 to 2; y contains 3"),
        ("sparse_categorical_crossentropy", [-1, 0], (None, 3), "contains -1"),
        ("sparse_categorical_crossentropy", [0.5, 1.0], (None, 3), "fractions"),
        ("sparse_categorical_crossentropy", np.eye(3), (None, 3), "look one-hot"),
        ("categorical_crossentropy", [0, 2], (None, 3), "look like integer class ids"),
        ("categorical_crossentropy", [[0], [2]], (None, 3), "sparse_categorical_crossentropy"),
        ("mse", np.zeros((2, 3)), (None, 2), r"shape \(None, 2\), but y has shape \(2, 3\)"),
    ],
)
def test_targets_outside_the_loss_range_are_refused(name, y, output_shape, message):
    with pytest.raises(ValueError, match=message):
        losses.get(name).check_targets(np.asarray(y), output_shape, "output 'dense'")


def test_valid_targets_pass():
    losses.get("binary_crossentropy").check_targets(np.array([0, 1, 1]), (None, 1), "o")
    losses.get("sparse_categorical_crossentropy").check_targets(
        np.array([[0], [2]]), (None, 3), "o"
    )
    losses.get("sparse_categorical_crossentropy").check_targets(
        np.zeros((2, 5), int), (None, 5, 3), "o"
    )
    losses.get("categorical_crossentropy").check_targets(np.eye(3), (None, 3), "o")


def test_kl_divergence_matches_keras_formula_with_clipping():
    rng = np.random.default_rng(7)
    y = rng.random((5, 4)).astype("float32")
    y[0, 1] = 0.0  # clipped to epsilon: 0 * log(0) never happens
    p = rng.random((5, 4)).astype("float32")
    p[2, 3] = 0.0
    yc, pc = np.clip(y.astype(np.float64), EPS, 1), np.clip(p.astype(np.float64), EPS, 1)
    expected = np.sum(yc * np.log(yc / pc), axis=-1)
    loss = losses.KLDivergence()
    assert loss.name == "kl_divergence"
    np.testing.assert_allclose(losses.kl_divergence(y, p), expected, rtol=1e-5)
    np.testing.assert_allclose(loss(y, p), expected.mean(), rtol=1e-5)
    assert isinstance(losses.get("kld"), losses.KLDivergence)
    assert isinstance(losses.get("KLD"), losses.KLDivergence)


def test_cosine_similarity_is_minus_the_cosine_and_zero_for_a_zero_vector():
    y = np.array([[1.0, 0.0], [3.0, 4.0], [0.0, 0.0]], "float32")
    p = np.array([[2.0, 0.0], [-3.0, -4.0], [1.0, 2.0]], "float32")
    loss = losses.CosineSimilarity()
    assert loss.name == "cosine_similarity"
    assert loss.get_config() == {"name": "cosine_similarity", "reduction": "sum_over_batch_size"}
    np.testing.assert_allclose(losses.cosine_similarity(y, p), [-1.0, 1.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(loss(y, p), 0.0, atol=1e-6)
    weights = Variable(p, name="p")
    with watch([weights]):
        loss(y, weights).backward()
    assert np.all(np.isfinite(weights.grad))
    # Along the first axis instead: the columns are the vectors.
    column = losses.CosineSimilarity(axis=0, reduction="none")(y[:2], p[:2])
    expected = -np.sum(y[:2] * p[:2], 0) / (
        np.linalg.norm(y[:2], axis=0) * np.linalg.norm(p[:2], axis=0)
    )
    np.testing.assert_allclose(column, expected, rtol=1e-6)
