"""Flatten, Activation and Dropout: shapes, numbers, masks, training mode, config."""

import json

import numpy as np
import pytest

from kerastutor import activations, autodiff, ops
from kerastutor.layers import Activation, Dense, Dropout, Flatten, Input
from kerastutor.models import Model
from kerastutor.utils import set_random_seed

# ------------------------------------------------------------------ Flatten


def test_flatten_reads_in_c_order():
    x = np.arange(2 * 3 * 4 * 2, dtype="float32").reshape(2, 3, 4, 2)
    out = Flatten()(x)
    assert out.shape == (2, 24) and out.dtype == np.float32
    np.testing.assert_array_equal(out, x.reshape(2, -1))
    # Pixel (0, 0)'s channels come first, then pixel (0, 1)'s.
    np.testing.assert_array_equal(
        out[0, :4], [x[0, 0, 0, 0], x[0, 0, 0, 1], x[0, 0, 1, 0], x[0, 0, 1, 1]]
    )


@pytest.mark.parametrize(
    "input_shape, expected",
    [
        ((None, 3, 4, 2), (None, 24)),
        ((None, 10, 64), (None, 640)),
        ((None, 3, None, 2), (None, None)),
        ((7, 5), (7, 5)),
        ((None,), (None, 1)),
    ],
)
def test_flatten_shapes(input_shape, expected):
    assert Flatten().compute_output_shape(input_shape) == expected
    symbolic = Flatten()(Input(batch_shape=input_shape))
    assert symbolic.shape == expected
    filled = tuple(3 if d is None else d for d in input_shape)
    assert Flatten()(np.zeros(filled)).shape[1:] == (expected[1] or np.prod(filled[1:]),)


def test_flatten_in_a_model_and_config():
    x = Input(shape=(2, 3))
    y = Dense(1, kernel_initializer="ones")(Flatten(name="flat")(x))
    model = Model(x, y)
    data = np.arange(12, dtype="float32").reshape(2, 2, 3)
    np.testing.assert_array_equal(model.predict(data), [[15.0], [51.0]])
    config = model.get_layer("flat").get_config()
    assert config["data_format"] == "channels_last"
    assert Flatten.from_config(json.loads(json.dumps(config))).get_config() == config
    with pytest.raises(ValueError, match="must be one of 'channels_first', 'channels_last'"):
        Flatten(data_format="channels_middle")


def test_flatten_gradient_is_reshaped_back():
    x = autodiff.Variable(np.ones((2, 3, 2)), name="x")
    weights = np.arange(12.0).reshape(2, 6)
    with autodiff.watch([x]):
        ops.sum(ops.multiply(Flatten(dtype="float64")(x), weights)).backward()
    np.testing.assert_array_equal(x.grad, weights.reshape(2, 3, 2))


# ------------------------------------------------------------------ Activation


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softmax", "linear"])
def test_activation_applies_the_named_function(name):
    x = np.random.default_rng(0).standard_normal((3, 4, 5)).astype("float32")
    out = Activation(name)(x)
    np.testing.assert_array_equal(out, activations.get(name)(x))
    assert out.dtype == np.float32
    assert Activation(name)(Input(shape=(4, 5))).shape == (None, 4, 5)


def test_activation_values_softmax_on_last_axis_and_relu():
    np.testing.assert_array_equal(
        Activation("relu")(np.array([[-3.0, -1.0, 0.0, 2.0]])), [[0, 0, 0, 2]]
    )
    out = Activation("softmax")(np.zeros((2, 3, 4)))
    np.testing.assert_allclose(out, np.full((2, 3, 4), 0.25))


def test_activation_takes_a_function_and_rejects_unknown_names():
    assert Activation(activations.tanh).activation is activations.tanh
    assert Activation(None).activation is activations.linear
    with pytest.raises(ValueError, match="Unknown activation: 'swishy'. Valid names are"):
        Activation("swishy")


def test_activation_passes_masks_and_round_trips():
    layer = Activation("tanh", name="squash")
    mask = np.array([[True, False]])
    assert layer.supports_masking
    assert layer.compute_mask(np.zeros((1, 2, 3)), mask) is mask
    config = layer.get_config()
    assert config["activation"] == "tanh"
    assert Activation.from_config(json.loads(json.dumps(config))).get_config() == config


# ------------------------------------------------------------------ Dropout


def test_dropout_is_the_identity_outside_training():
    x = np.random.default_rng(0).standard_normal((4, 5)).astype("float32")
    layer = Dropout(0.5)
    np.testing.assert_array_equal(layer(x), x)
    np.testing.assert_array_equal(layer(x, training=False), x)
    inputs = Input(shape=(5,))
    model = Model(inputs, Dropout(0.9)(inputs))
    np.testing.assert_array_equal(model.predict(x), x)
    assert model.predict(x).dtype == np.float32


def test_dropout_in_training_drops_and_rescales():
    layer = Dropout(0.25)
    out = layer(np.ones((200, 100)), training=True)
    assert out.dtype == np.float32
    assert set(np.unique(out).tolist()) == {0.0, np.float32(1 / 0.75)}
    assert abs((out == 0).mean() - 0.25) < 0.01
    assert abs(out.mean() - 1.0) < 0.02  # inverted dropout keeps the expected value


def test_dropout_in_a_model_with_training_true():
    inputs = Input(shape=(50,))
    model = Model(inputs, Dropout(0.5)(inputs))
    out = model.call(np.ones((4, 50), dtype="float32"), training=True)
    assert set(np.unique(out).tolist()) == {0.0, 2.0}


def test_dropout_masks_follow_the_seeds():
    x = np.ones((3, 8))
    set_random_seed(7)
    first = Dropout(0.5)(x, training=True)
    second = Dropout(0.5)(x, training=True)
    set_random_seed(7)
    np.testing.assert_array_equal(Dropout(0.5)(x, training=True), first)
    assert not np.array_equal(first, second)  # the shared generator moves on
    # An explicit seed gives the layer its own generator, whatever the global seed.
    own = Dropout(0.5, seed=3)
    again = Dropout(0.5, seed=3)
    set_random_seed(11)
    masks = [own(x, training=True), own(x, training=True)]
    np.testing.assert_array_equal(again(x, training=True), masks[0])
    assert not np.array_equal(masks[0], masks[1])


def test_dropout_noise_shape_shares_the_mask():
    layer = Dropout(0.5, noise_shape=(None, 1, 6))
    out = layer(np.ones((4, 5, 6)), training=True)
    assert (out == out[:, :1, :]).all()
    assert 0 < (out == 0).mean() < 1
    with pytest.raises(ValueError, match=r"noise_shape=\(None, 1, 6\).*\(4, 5\)"):
        layer(np.ones((4, 5)), training=True)
    with pytest.raises(ValueError, match="`noise_shape` of Dropout"):
        Dropout(0.5, noise_shape=(None, 0))


@pytest.mark.parametrize("rate", [-0.1, 1, 1.0, 1.5, "0.5", True, None])
def test_dropout_rate_must_be_in_zero_one(rate):
    with pytest.raises(ValueError, match=r"`rate` of Dropout layer 'dropout'.*\[0, 1\)"):
        Dropout(rate)


def test_dropout_rate_zero_is_the_identity_even_in_training():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(Dropout(0)(x, training=True), x)


def test_dropout_gradient_is_the_scaled_mask():
    x = autodiff.Variable(np.ones((20, 10)), name="x")
    layer = Dropout(0.5, seed=1, dtype="float64")
    with autodiff.watch([x]):
        out = layer(x, training=True)
        ops.sum(out).backward()
    np.testing.assert_array_equal(x.grad, out.data)  # d out / d x = mask / (1 - rate)
    assert set(np.unique(x.grad).tolist()) == {0.0, 2.0}


def test_dropout_passes_masks_and_round_trips():
    layer = Dropout(0.3, noise_shape=(None, 1), seed=5, name="drop")
    mask = np.array([[True, False]])
    assert layer.compute_mask(np.zeros((1, 2, 3)), mask) is mask
    config = layer.get_config()
    assert (config["rate"], config["noise_shape"], config["seed"]) == (0.3, (None, 1), 5)
    clone = Dropout.from_config(json.loads(json.dumps(config)))
    assert clone.get_config() == config
