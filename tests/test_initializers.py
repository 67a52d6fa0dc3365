"""Initializers: Keras's names and class names, variance formulas, configs, errors.

Behaviour follows Keras 3's initializers tests (keras/src/initializers/*_test.py).
Random draws cannot equal TensorFlow's, so the statistics are checked instead.
"""

import json
import math

import numpy as np
import pytest

from kerastutor import initializers as I
from kerastutor import layers as L
from kerastutor.utils import set_random_seed


@pytest.mark.parametrize(
    "name, cls",
    [
        ("zeros", I.Zeros),
        ("Zeros", I.Zeros),
        ("glorot_uniform", I.GlorotUniform),
        ("GlorotUniform", I.GlorotUniform),
        ("HeNormal", I.HeNormal),
        ("truncated_normal", I.TruncatedNormal),
        ("TruncatedNormal", I.TruncatedNormal),
        ("lecun_normal", I.LecunNormal),
        ("LecunUniform", I.LecunUniform),
        ("variance_scaling", I.VarianceScaling),
        ("identity", I.Identity),
        ("Orthogonal", I.Orthogonal),
    ],
)
def test_names_and_class_names_give_the_class(name, cls):
    assert type(I.get(name)) is cls


def test_a_misspelt_name_lists_the_snake_case_names():
    with pytest.raises(ValueError, match="Unknown initializer: 'glorotuniform'") as info:
        I.get("glorotuniform")
    assert "Did you mean 'glorot_uniform'?" in str(info.value)
    assert "'GlorotUniform'" not in str(info.value)  # the list stays readable


@pytest.mark.parametrize(
    "init, shape, expected_std",
    [
        (I.VarianceScaling(2.0, "fan_in", seed=3), (25, 20), math.sqrt(2.0 / 25)),
        (I.VarianceScaling(2.0, "fan_out", seed=3), (25, 20), math.sqrt(2.0 / 20)),
        (I.VarianceScaling(1.0, "fan_avg", "uniform", seed=3), (40, 60), math.sqrt(1.0 / 50)),
        (I.VarianceScaling(3.0, "fan_in", "untruncated_normal", seed=3), (300, 200), 0.1),
        (I.GlorotNormal(seed=4), (300, 100), math.sqrt(2.0 / 400)),
        (I.HeUniform(seed=4), (200, 100), math.sqrt(2.0 / 200)),
        (I.LecunNormal(seed=4), (3, 3, 16, 8), math.sqrt(1.0 / 144)),  # fan_in = 3 * 3 * 16
        (I.LecunUniform(seed=4), (400, 10), math.sqrt(1.0 / 400)),
        (I.TruncatedNormal(stddev=0.5, seed=4), (200, 200), 0.5 * 0.8796),
    ],
)
def test_variance_scaling_gives_the_stddev_of_its_formula(init, shape, expected_std):
    values = init(shape)
    assert values.shape == shape and values.dtype == np.float32
    assert abs(values.std() - expected_std) < 0.05 * expected_std + 2e-3


def test_truncated_draws_stay_within_two_stddevs():
    values = I.TruncatedNormal(mean=1.0, stddev=0.2, seed=0)((100_000,))
    assert values.min() >= 1.0 - 0.4 and values.max() <= 1.0 + 0.4
    scaled = I.HeNormal(seed=0)((400, 50))
    drawn_from = math.sqrt(2.0 / 400) / 0.87962566103423978
    assert np.abs(scaled).max() <= 2 * drawn_from + 1e-7


def test_glorot_uniform_keeps_its_limit():
    values = I.GlorotUniform(seed=0)((30, 70))
    limit = math.sqrt(6.0 / 100)
    assert values.min() >= -limit and values.max() <= limit and values.max() > 0.95 * limit


def test_seeded_initializers_repeat_and_global_seed_makes_them_repeat():
    a = I.LecunNormal(seed=7)((4, 3))
    np.testing.assert_array_equal(a, I.LecunNormal(seed=7)((4, 3)))
    set_random_seed(5)
    first = I.VarianceScaling()((3, 3))
    set_random_seed(5)
    np.testing.assert_array_equal(first, I.VarianceScaling()((3, 3)))


@pytest.mark.parametrize(
    "init",
    [
        I.VarianceScaling(0.5, "fan_out", "uniform", seed=2),
        I.TruncatedNormal(mean=0.1, stddev=0.3, seed=1),
        I.LecunNormal(seed=9),
        I.Identity(gain=2.0),
    ],
)
def test_configs_round_trip(init):
    config = json.loads(json.dumps(I.serialize(init)))
    again = I.deserialize(config)
    assert type(again) is type(init) and again.get_config() == init.get_config()
    np.testing.assert_array_equal(again((4, 4)), init((4, 4)))


def test_fixed_variance_scalings_show_only_their_seed():
    assert I.GlorotUniform(seed=3).get_config() == {"seed": 3}
    assert I.LecunUniform().get_config() == {"seed": None}
    assert I.VarianceScaling().get_config() == {
        "scale": 1.0,
        "mode": "fan_in",
        "distribution": "truncated_normal",
        "seed": None,
    }


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"scale": -1.0}, "`scale` must be a positive number"),
        ({"mode": "fan_middle"}, "`mode` must be one of 'fan_in', 'fan_out', 'fan_avg'"),
        ({"distribution": "gamma"}, "`distribution` must be one of"),
    ],
)
def test_variance_scaling_refuses_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        I.VarianceScaling(**kwargs)


def test_identity_is_gain_times_eye_and_only_2d():
    np.testing.assert_array_equal(I.Identity(gain=2)((3, 3)), 2 * np.eye(3))
    np.testing.assert_array_equal(I.get("identity")((2, 4)), np.eye(2, 4))
    with pytest.raises(ValueError, match="Identity initializer is for 2-D weights"):
        I.Identity()((3, 3, 3))


def test_layers_take_the_new_initializers_by_any_name():
    dense = L.Dense(3, kernel_initializer="Identity", bias_initializer="Zeros")
    dense.build((None, 3))
    np.testing.assert_array_equal(dense.kernel.numpy(), np.eye(3))
    config = dense.get_config()
    assert config["kernel_initializer"]["class_name"] == "Identity"
    conv = L.Conv2D(2, 3, kernel_initializer="lecun_uniform")
    conv.build((None, 5, 5, 4))
    limit = math.sqrt(3.0 / 36)
    assert np.abs(conv.kernel.numpy()).max() <= limit


def test_none_means_the_default_of_add_weight_as_in_keras():
    # Keras: initializers.get(None) is None, and add_weight then draws a float
    # weight with glorot_uniform, the bias of Dense(bias_initializer=None) too.
    assert I.get(None) is None and I.serialize(None) is None
    set_random_seed(3)
    given_none = L.Dense(3, kernel_initializer=None, bias_initializer=None)
    given_none.build((None, 2))
    set_random_seed(3)
    explicit = L.Dense(3, kernel_initializer="glorot_uniform", bias_initializer="glorot_uniform")
    explicit.build((None, 2))
    for weight, same in zip(given_none.weights, explicit.weights, strict=True):
        np.testing.assert_array_equal(weight.numpy(), same.numpy())
    assert np.abs(given_none.bias.numpy()).max() > 0, "not zeros: glorot_uniform"
    config = given_none.get_config()
    assert config["kernel_initializer"] is None and config["bias_initializer"] is None
    rebuilt = L.Dense.from_config(json.loads(json.dumps(config)))
    assert rebuilt.kernel_initializer is None


def test_none_initializers_build_every_layer_that_takes_one():
    for layer, shape in [
        (L.Conv2D(2, 3, kernel_initializer=None, bias_initializer=None), (None, 5, 5, 1)),
        (L.Embedding(5, 2, embeddings_initializer=None), (None, 4)),
        (L.BatchNormalization(gamma_initializer=None), (None, 3)),
        (L.GRU(2, kernel_initializer=None), (None, 3, 4)),
    ]:
        layer.build(shape)
        assert all(np.isfinite(w.numpy()).all() for w in layer.weights), type(layer).__name__


def test_an_lstm_bias_initializer_of_none_follows_keras():
    # Without unit_forget_bias, None is add_weight's default (glorot_uniform), as in Keras.
    lstm = L.LSTM(2, bias_initializer=None, unit_forget_bias=False)
    lstm.build((None, 3, 4))
    assert np.abs(lstm.bias.numpy()).max() > 0
    # With it, Keras fails at build ('NoneType' object is not callable): here at once, saying why.
    with pytest.raises(TypeError, match="unit_forget_bias=True draws the bias"):
        L.LSTM(2, bias_initializer=None)
