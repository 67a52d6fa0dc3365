"""BatchNormalization, LayerNormalization, UnitNormalization."""

import numpy as np
import pytest

from kerastutor import layers as L
from kerastutor.models import Model

rng = np.random.default_rng(3)


def centred_data(*shape):
    """Data centred on 5 with variance 100, far from what the layers start with."""
    return rng.normal(loc=5.0, scale=10.0, size=shape).astype("float32")


def per_feature(value, shape, axis):
    broadcast = [1] * len(shape)
    broadcast[axis] = shape[axis]
    return np.reshape(value, broadcast)


# ------------------------------------------------------------ BatchNormalization


def test_batch_norm_weights_names_order_and_trainability():
    layer = L.BatchNormalization(name="bn")
    layer.build((None, 3))
    assert [v.name for v in layer.weights] == [
        "bn/gamma",
        "bn/beta",
        "bn/moving_mean",
        "bn/moving_variance",
    ]
    assert [v.name for v in layer.trainable_weights] == ["bn/gamma", "bn/beta"]
    assert layer.count_params() == 12
    no_scale = L.BatchNormalization(scale=False, center=False)
    no_scale.build((None, 2, 5))
    assert [w.shape for w in no_scale.get_weights()] == [(5,), (5,)]


@pytest.mark.parametrize("axis, shape", [(-1, (200, 3)), (1, (200, 4, 3)), (-1, (50, 2, 2, 3))])
def test_batch_norm_training_normalizes_and_momentum_zero_copies_the_batch(axis, shape):
    layer = L.BatchNormalization(axis=axis, momentum=0.0)
    x = centred_data(*shape)
    out = x
    for _ in range(3):
        out = layer(out, training=True)
    out = (out - per_feature(layer.beta.data, shape, axis)) / per_feature(
        layer.gamma.data, shape, axis
    )
    axes = tuple(i for i in range(len(shape)) if i != axis % len(shape))
    np.testing.assert_allclose(out.mean(axis=axes), 0.0, atol=1e-3)
    np.testing.assert_allclose(out.std(axis=axes), 1.0, atol=1e-3)
    # momentum=0: the moving statistics are the last batch's (already normalized: 0 and 1).
    np.testing.assert_allclose(layer.moving_mean.data, 0.0, atol=1e-3)
    np.testing.assert_allclose(layer.moving_variance.data, 1.0, atol=1e-2)

    fresh = L.BatchNormalization(axis=axis, momentum=0.0)
    inference = fresh(x, training=False)
    training = fresh(x, training=True)
    assert not np.allclose(inference, training, atol=1e-3)
    np.testing.assert_allclose(fresh(x, training=False), training, atol=1e-4)


def test_batch_norm_moving_statistics_follow_keras_momentum():
    layer = L.BatchNormalization(momentum=0.9)
    x = centred_data(8, 2)
    layer(x, training=True)
    np.testing.assert_allclose(layer.moving_mean.data, 0.1 * x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.data, 0.9 + 0.1 * x.var(axis=0), rtol=1e-5)


def test_batch_norm_inference_uses_the_moving_statistics_and_epsilon():
    layer = L.BatchNormalization(epsilon=0.5)
    layer.build((None, 2))
    layer.set_weights([np.array([2.0, 1.0]), np.array([0.0, 1.0]), np.ones(2), np.full(2, 3.5)])
    out = layer(np.array([[3.0, 1.0]]))
    np.testing.assert_allclose(out, [[2.0 * 2.0 / 2.0, 1.0]])


def test_frozen_batch_norm_runs_in_inference_mode_even_in_training():
    layer = L.BatchNormalization(momentum=0.8, epsilon=1e-7)
    layer.build((1, 4, 4, 3))
    layer.trainable = False
    assert len(layer.weights) == 4
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 4
    x = centred_data(20, 4, 4, 3)
    np.testing.assert_allclose(layer(x, training=True), x, rtol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.data, np.zeros(3))
    layer.trainable = True
    assert len(layer.trainable_weights) == 2 and len(layer.non_trainable_weights) == 2
    layer(x, training=True)
    assert not np.array_equal(layer.moving_mean.data, np.zeros(3))


def test_fit_moves_the_statistics_and_predict_never_does():
    x_in = L.Input(shape=(3,))
    bn = L.BatchNormalization()
    model = Model(x_in, L.Dense(1)(bn(x_in)))
    model.compile(optimizer="sgd", loss="mse")
    x, y = centred_data(16, 3), centred_data(16, 1)
    before = [w.copy() for w in bn.get_weights()]
    model.predict(x)
    model.evaluate(x, y, verbose=0)
    for a, b in zip(before, bn.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert not np.array_equal(before[2], bn.moving_mean.data)
    assert not np.array_equal(before[3], bn.moving_variance.data)


def test_symbolic_calls_and_output_shapes_never_touch_the_statistics():
    layer = L.BatchNormalization(moving_mean_initializer="ones")
    layer(L.Input(shape=(4, 2)))
    assert layer.compute_output_shape((None, 4, 2)) == (None, 4, 2)
    np.testing.assert_array_equal(layer.moving_mean.data, np.ones(2))


def test_batch_norm_ignores_masked_steps():
    x = np.array([[[1, 5], [2, 5], [9, 9], [9, 9]]] * 10, dtype="float32")
    mask = np.array([[True, True, False, False]] * 10)
    layer = L.BatchNormalization(momentum=0.0)
    layer(x, mask=mask, training=True)
    np.testing.assert_allclose(layer.moving_mean.data, [1.5, 5.0], rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.data, [0.25, 0.0], atol=1e-6)


def test_batch_norm_fully_masked_and_broadcast_masks():
    norm = L.BatchNormalization(scale=False, center=False)
    out = norm(np.zeros((4, 5)), mask=np.zeros((4,), dtype="float32"), training=True)
    np.testing.assert_array_equal(out, np.zeros((4, 5)))
    layer = L.BatchNormalization(momentum=0.0)
    out = layer(np.ones((1, 2, 3, 4)), mask=np.ones((1, 2, 1)), training=True)
    np.testing.assert_allclose(out, 0.0, atol=1e-6)
    np.testing.assert_allclose(layer.moving_mean.data, np.ones(4), atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.data, np.zeros(4), atol=1e-6)


def test_batch_norm_on_an_axis_that_does_not_exist():
    layer = L.BatchNormalization(axis=3, name="bn")
    with pytest.raises(ValueError) as error:
        layer(L.Input(shape=(4, 2)))
    message = str(error.value)
    assert "'bn' (BatchNormalization) cannot be called as its node 0" in message
    assert "axis=3 does not exist for an input of shape (None, 4, 2)" in message
    assert not layer.built and layer.weights == [] and layer.inbound_nodes == []
    with pytest.raises(ValueError, match="on concrete data.*axis=-3 does not exist"):
        L.BatchNormalization(axis=-3)(np.zeros((2, 3)))


def test_batch_norm_later_calls_must_bring_the_same_features():
    layer = L.BatchNormalization(name="bn")
    layer(L.Input(shape=(3,)))
    with pytest.raises(ValueError, match=r"'bn'.*node 1.*axis -1.*size 3"):
        layer(L.Input(shape=(4,)))


def test_batch_norm_arguments_and_config():
    with pytest.raises(TypeError, match="one integer"):
        L.BatchNormalization(axis=[1, 2])
    with pytest.raises(ValueError, match="renorm=True"):
        L.BatchNormalization(renorm=True)
    layer = L.BatchNormalization(momentum=0.9, gamma_regularizer="l2", beta_constraint="non_neg")
    config = layer.get_config()
    assert config["momentum"] == 0.9 and config["epsilon"] == 0.001
    assert config["gamma_regularizer"] == {"class_name": "L2", "config": {"l2": 0.01}}
    assert L.BatchNormalization.from_config(config).get_config() == config


# ------------------------------------------------------------ LayerNormalization


def test_layer_norm_normalizes_each_sample():
    layer = L.LayerNormalization(epsilon=1e-6)
    x = centred_data(200, 3, 16)
    out = layer(x)
    out = (out - layer.beta.data) / layer.gamma.data
    np.testing.assert_allclose(out.mean(axis=-1), 0.0, atol=1e-4)
    np.testing.assert_allclose(out.std(axis=-1), 1.0, atol=1e-2)
    # Training changes nothing: there are no batch statistics.
    np.testing.assert_array_equal(layer(x, training=True), layer(x))


def test_layer_norm_known_output_and_axes():
    x = np.array([[[0.0, 2.0], [4.0, 6.0]]], dtype="float32")
    out = L.LayerNormalization(axis=[1, 2], epsilon=0.0)(x)
    expected = (x - 3.0) / np.sqrt(5.0)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    layer = L.LayerNormalization(axis=(2, 1))
    layer.build((None, 3, 4))
    assert layer.axis == [1, 2] and layer.gamma.shape == (3, 4)


def test_layer_norm_errors():
    with pytest.raises(TypeError, match="Expected an int or a list/tuple of ints"):
        L.LayerNormalization(axis={"axis": -1})
    layer = L.LayerNormalization(axis=2, name="ln")
    with pytest.raises(ValueError, match=r"'ln'.*node 0.*axis 2 is out of bounds"):
        layer(L.Input(shape=(3,)))
    assert not layer.built and layer.inbound_nodes == []


# ------------------------------------------------------------ UnitNormalization


@pytest.mark.parametrize("axis, shape", [(-1, (2, 3)), ((1, 2), (2, 3, 3)), (1, (2, 3, 2))])
def test_unit_normalization_gives_unit_norms(axis, shape):
    x = rng.normal(size=shape)
    out = L.UnitNormalization(axis=axis)(x)
    axes = axis if isinstance(axis, tuple) else (axis,)
    np.testing.assert_allclose(np.sum(np.square(out), axis=axes), 1.0, rtol=1e-5)


def test_unit_normalization_zero_vector_and_errors():
    np.testing.assert_array_equal(L.UnitNormalization()(np.zeros((1, 3))), np.zeros((1, 3)))
    with pytest.raises(TypeError, match="Invalid value for `axis`"):
        L.UnitNormalization(axis={"axis": -1})
    with pytest.raises(ValueError, match="axis 3 is out of bounds"):
        L.UnitNormalization(axis=3)(L.Input(shape=(2,)))
