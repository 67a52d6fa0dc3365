"""keras.regularizers and keras.constraints, and how layers, models and fit use them."""

import json

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import autodiff, constraints, ops, regularizers
from kerastutor import layers as L
from kerastutor.models import Model

rng = np.random.default_rng(11)


def example_array():
    array = rng.random((20, 30)) * 100.0 - 50.0
    array[0, 0] = 0.0
    return array.astype("float32")


# ------------------------------------------------------------------ regularizers


def test_penalties_follow_keras_formulas():
    w = example_array()
    np.testing.assert_allclose(regularizers.L1(0.1)(w), 0.1 * np.abs(w).sum(), rtol=1e-5)
    np.testing.assert_allclose(regularizers.L2(0.1)(w), 0.1 * np.square(w).sum(), rtol=1e-5)
    both = regularizers.L1L2(l1=0.1, l2=0.2)(w)
    np.testing.assert_allclose(both, 0.1 * np.abs(w).sum() + 0.2 * np.square(w).sum(), rtol=1e-5)
    assert float(regularizers.L2(2.0)(np.ones((5, 5)))) == 50.0
    assert float(regularizers.L1L2()(w)) == 0.0
    assert float(regularizers.L1(0.0)(w)) == 0.0
    assert float(regularizers.L2(0.5)(np.zeros((3,)))) == 0.0
    assert np.asarray(regularizers.L2(0.5)(w)).dtype == np.float32


def test_names_configs_and_round_trips():
    assert regularizers.get("l1").get_config() == {"l1": np.float32(0.01).item()}
    assert regularizers.get("l2").get_config() == {"l2": 0.01}
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}
    assert regularizers.get("L1L2").get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.get(None) is None
    for regularizer in (regularizers.L1(0.2), regularizers.L2(0.3), regularizers.L1L2(0.1, 0.4)):
        config = json.loads(json.dumps(regularizers.serialize(regularizer)))
        rebuilt = regularizers.deserialize(config)
        assert type(rebuilt) is type(regularizer)
        assert rebuilt.get_config() == regularizer.get_config()
        assert regularizers.get(config).get_config() == regularizer.get_config()
    custom = regularizers.get(lambda w: ops.sum(w))
    assert float(custom(np.ones(3))) == 3.0


def test_a_misspelt_regularizer_name_lists_the_valid_ones():
    with pytest.raises(ValueError) as error:
        regularizers.get("l3")
    message = str(error.value)
    assert "'l3'" in message
    for name in ("'l1'", "'l2'", "'l1_l2'", "'L1L2'"):
        assert name in message
    with pytest.raises(ValueError, match="'l3'"):
        L.Dense(2, kernel_regularizer="l3")
    with pytest.raises(ValueError, match="Unknown regularizer class: 'L3'"):
        regularizers.deserialize({"class_name": "L3", "config": {}})


@pytest.mark.parametrize("value", [-1, float("nan"), float("inf"), "0.1", [0.1], True])
def test_factors_must_be_non_negative_floats(value):
    with pytest.raises(ValueError, match="expected a non-negative float"):
        regularizers.L2(value)
    with pytest.raises(ValueError, match="expected a non-negative float"):
        regularizers.L1L2(l1=value)


def test_none_factor_means_the_default():
    assert regularizers.L2(None).l2 == 0.01
    assert regularizers.L1L2(None, None).get_config() == {"l1": 0.0, "l2": 0.0}


# ------------------------------------------------------------------ layer.losses


def test_layer_losses_hold_weight_and_activity_penalties():
    # Keras's docstring example: the kernel penalty is 0.01 * 25 = 0.25; every output is
    # 10, so the activity penalty is 0.01 * 25 * 10**2, divided by the batch size 5: 5.0.
    layer = L.Dense(
        5,
        kernel_initializer="ones",
        kernel_regularizer=regularizers.L1(0.01),
        activity_regularizer=regularizers.L2(0.01),
    )
    layer(np.ones((5, 5), dtype="float32") * 2.0)
    np.testing.assert_allclose(float(sum(layer.losses)), 5.25, rtol=1e-6)
    # A new call replaces the activity penalty instead of adding to it.
    layer(np.ones((5, 5), dtype="float32") * 2.0)
    assert len(layer.losses) == 2
    layer.trainable = False
    assert len(layer.losses) == 1  # the kernel of a frozen layer is not penalized


def test_model_losses_collect_every_layer_and_a_shared_layer_counts_each_call():
    x1, x2 = L.Input(shape=(3,)), L.Input(shape=(3,))
    shared = L.Dense(2, kernel_initializer="ones", activity_regularizer="l1")
    head = L.Dense(1, kernel_regularizer="l2", bias_regularizer="l1_l2")
    model = Model([x1, x2], head(L.add([shared(x1), shared(x2)])))
    data = [np.ones((4, 3), dtype="float32"), np.full((4, 3), 2.0, dtype="float32")]
    model.predict(data)
    losses = [float(loss) for loss in model.losses]
    # The shared layer's two calls: 0.01 * sum|3| / 4 * 8 = 0.06 and 0.12.
    np.testing.assert_allclose(sorted(losses)[-2:], [0.06, 0.12], rtol=1e-5)
    kernel = head.kernel.data
    assert len(losses) == 4
    np.testing.assert_allclose(sum(losses), 0.18 + 0.01 * np.square(kernel).sum() + 0.0, rtol=1e-5)


def test_fit_reports_and_minimizes_the_regularized_loss():
    x = L.Input(shape=(4,))
    dense = L.Dense(1, kernel_initializer="ones", kernel_regularizer=regularizers.L2(0.5))
    model = Model(x, dense(x))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    data = rng.standard_normal((8, 4)).astype("float32")
    target = data @ np.ones((4, 1), dtype="float32")
    # The data loss is 0 at the start: everything reported is the penalty 0.5 * 4.
    assert model.evaluate(data, target, verbose=0) == pytest.approx(2.0, rel=1e-6)
    loss = model.train_on_batch(data, target)
    assert loss == pytest.approx(2.0, rel=1e-6)
    # The penalty's gradient 2 * 0.5 * w = w shrinks the kernel by 10%; the data loss's is 0.
    np.testing.assert_allclose(dense.kernel.data, np.full((4, 1), 0.9), rtol=1e-5)


def test_the_penalty_gradient_reaches_the_weights():
    layer = L.Dense(2, kernel_regularizer=regularizers.L1L2(l1=0.1, l2=0.2), use_bias=False)
    layer.build((None, 3))
    with autodiff.watch(layer.trainable_weights):
        layer.losses[0].backward()
    w = layer.kernel.data
    np.testing.assert_allclose(layer.kernel.grad, 0.1 * np.sign(w) + 0.4 * w, rtol=1e-5)


def test_embedding_regularizer_and_config_round_trip():
    layer = L.Embedding(4, 2, embeddings_initializer="ones", embeddings_regularizer="l2")
    layer(np.array([[0, 1]]))
    np.testing.assert_allclose(float(layer.losses[0]), 0.01 * 8, rtol=1e-6)
    dense = L.Dense(
        3, kernel_regularizer="l2", activity_regularizer="l1", bias_constraint="non_neg"
    )
    config = json.loads(json.dumps(dense.get_config()))
    assert config["activity_regularizer"]["class_name"] == "L1"
    assert "activity_regularizer" not in L.Dense(3).get_config()
    assert L.Dense.from_config(config).get_config() == config


# ------------------------------------------------------------------ constraints


def test_max_norm_scales_down_long_columns_only():
    x = np.array([[0, 0, 0], [1.0, 0, 0], [3, 0, 0], [3, 3, 3]]).T
    expected = np.array(
        [[0, 0, 0], [1.0, 0, 0], [2.0, 0, 0], [2 / np.sqrt(3), 2 / np.sqrt(3), 2 / np.sqrt(3)]]
    ).T
    np.testing.assert_allclose(constraints.MaxNorm(2.0)(x), expected, rtol=1e-6)


def test_non_neg_unit_norm_min_max_norm():
    w = example_array()
    assert (constraints.NonNeg()(w) >= 0).all()
    np.testing.assert_array_equal(constraints.NonNeg()(np.array([-1.0, 2.0])), [0.0, 2.0])
    norms = np.sqrt(np.square(constraints.UnitNorm()(w)).sum(axis=0))
    np.testing.assert_allclose(norms, 1.0, rtol=1e-5)
    norms = np.sqrt(np.square(constraints.MinMaxNorm(0.2, 0.5)(w)).sum(axis=0))
    assert (norms >= 0.2).all() and (norms <= 0.5 + 1e-6).all()
    rows = np.sqrt(np.square(constraints.UnitNorm(axis=1)(w)).sum(axis=1))
    np.testing.assert_allclose(rows, 1.0, rtol=1e-5)


def test_constraint_names_configs_and_errors():
    assert isinstance(constraints.get("unit_norm"), constraints.UnitNorm)
    assert isinstance(constraints.get("MaxNorm"), constraints.MaxNorm)
    assert constraints.get(None) is None
    assert constraints.get("min_max_norm").get_config() == {
        "min_value": 0.0,
        "max_value": 1.0,
        "rate": 1.0,
        "axis": 0,
    }
    with pytest.raises(ValueError, match="'maxnorm'.*'max_norm'"):
        constraints.get("maxnorm")
    for constraint in (
        constraints.MaxNorm(3, axis=1),
        constraints.NonNeg(),
        constraints.UnitNorm(),
    ):
        rebuilt = constraints.deserialize(constraints.serialize(constraint))
        assert rebuilt.get_config() == constraint.get_config()
    w = example_array()
    np.testing.assert_array_equal(constraints.Constraint()(w), w)


def test_the_optimizer_applies_constraints_after_each_update():
    x = L.Input(shape=(3,))
    dense = L.Dense(2, kernel_constraint=constraints.MaxNorm(0.5), bias_constraint="non_neg")
    model = Model(x, dense(x))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="mse")
    data = rng.standard_normal((6, 3)).astype("float32")
    target = rng.standard_normal((6, 2)).astype("float32") * 10
    for _ in range(3):
        model.train_on_batch(data, target)
        norms = np.sqrt(np.square(dense.kernel.data).sum(axis=0))
        assert (norms <= 0.5 + 1e-6).all()
        assert (dense.bias.data >= 0).all()
    # A plain call never applies them: they belong to the update.
    dense.kernel.assign(np.full((3, 2), 5.0))
    model.predict(data)
    np.testing.assert_array_equal(dense.kernel.data, np.full((3, 2), 5.0))
