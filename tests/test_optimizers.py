"""Optimizers against a float64 NumPy transcription of Keras 3's update rules.

The rules below are written from keras/src/optimizers/{sgd,rmsprop,adam,adagrad}.py;
tests/test_golden_training.py checks the same optimizers against real Keras.
"""

import numpy as np
import pytest

from kerastutor import optimizers
from kerastutor.autodiff import Variable


def reference_steps(name, config, w, grads):
    """Apply `grads` one after the other with Keras's formulas, in float64."""
    w = w.astype(np.float64)
    lr = config["learning_rate"]
    state = {}
    for t, g in enumerate(grads, start=1):
        g = g.astype(np.float64)
        if name == "SGD":
            if config["momentum"] == 0:
                w = w - lr * g
            else:
                m = config["momentum"] * state.get("m", 0.0) - lr * g
                state["m"] = m
                w = w + (config["momentum"] * m - lr * g if config["nesterov"] else m)
        elif name == "RMSprop":
            v = config["rho"] * state.get("v", 0.0) + (1 - config["rho"]) * g**2
            state["v"] = v
            w = w - lr * g / np.sqrt(v + config["epsilon"])
        elif name == "Adam":
            m = state.get("m", 0.0) + (g - state.get("m", 0.0)) * (1 - config["beta_1"])
            v = state.get("v", 0.0) + (g**2 - state.get("v", 0.0)) * (1 - config["beta_2"])
            state["m"], state["v"] = m, v
            alpha = lr * np.sqrt(1 - config["beta_2"] ** t) / (1 - config["beta_1"] ** t)
            w = w - alpha * m / (np.sqrt(v) + config["epsilon"])
        elif name == "Adagrad":
            a = state.get("a", config["initial_accumulator_value"]) + g**2
            state["a"] = a
            w = w - lr * g / np.sqrt(a + config["epsilon"])
    return w


CONFIGURATIONS = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("RMSprop", {}),
    ("RMSprop", {"learning_rate": 0.01, "rho": 0.8}),
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99}),
    ("Adagrad", {}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5}),
]


@pytest.mark.parametrize("name, kwargs", CONFIGURATIONS)
def test_three_steps_follow_keras_rules(name, kwargs):
    rng = np.random.default_rng(7)
    start = rng.normal(size=(3, 4)).astype("float32")
    grads = [rng.normal(size=(3, 4)).astype("float32") * scale for scale in (1.0, 0.01, 3.0)]
    optimizer = getattr(optimizers, name)(**kwargs)
    variable = Variable(start.copy(), name="w")
    for g in grads:
        optimizer.apply([g], [variable])
    expected = reference_steps(name, optimizer.get_config(), start, grads)
    assert variable.data.dtype == np.float32
    np.testing.assert_allclose(variable.data, expected, rtol=1e-5, atol=1e-6)
    assert optimizer.iterations == 3


def test_defaults_are_keras_defaults():
    assert optimizers.SGD().get_config() == {
        "name": "sgd",
        "learning_rate": 0.01,
        "momentum": 0.0,
        "nesterov": False,
    }
    assert optimizers.RMSprop().get_config() == {
        "name": "rmsprop",
        "learning_rate": 0.001,
        "rho": 0.9,
        "epsilon": 1e-7,
    }
    assert optimizers.Adam().get_config() == {
        "name": "adam",
        "learning_rate": 0.001,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-7,
    }
    assert optimizers.Adagrad().get_config() == {
        "name": "adagrad",
        "learning_rate": 0.001,
        "initial_accumulator_value": 0.1,
        "epsilon": 1e-7,
    }


def test_rmsprop_puts_epsilon_inside_the_root_and_adam_outside():
    # One step from zero state with g = 1e-4: sqrt(v + eps) vs sqrt(v) + eps differ a lot.
    g = np.full((1,), 1e-4, dtype="float32")
    rms = Variable(np.zeros(1, "float32"), name="a")
    optimizers.RMSprop(learning_rate=1.0).apply([g], [rms])
    np.testing.assert_allclose(-rms.data, 1e-4 / np.sqrt(0.1 * 1e-8 + 1e-7), rtol=1e-5)
    adam = Variable(np.zeros(1, "float32"), name="b")
    optimizers.Adam(learning_rate=1.0).apply([g], [adam])
    alpha = np.sqrt(1 - 0.999) / (1 - 0.9)
    np.testing.assert_allclose(-adam.data, alpha * 1e-5 / (np.sqrt(1e-11) + 1e-7), rtol=1e-5)


def test_a_missing_gradient_leaves_the_weight_alone():
    a = Variable(np.ones(2, "float32"), name="a")
    b = Variable(np.ones(2, "float32"), name="b")
    optimizer = optimizers.Adam()
    optimizer.apply([None, np.ones(2)], [a, b])
    np.testing.assert_array_equal(a.data, np.ones(2))
    assert not np.array_equal(b.data, np.ones(2))
    assert optimizer.iterations == 1


def test_shape_mismatch_is_refused_before_any_change():
    a = Variable(np.ones(2, "float32"), name="a")
    b = Variable(np.ones(3, "float32"), name="b")
    with pytest.raises(ValueError, match=r"gradient for 'b' has shape \(2,\)"):
        optimizers.SGD().apply([np.ones(2), np.ones(2)], [a, b])
    np.testing.assert_array_equal(a.data, np.ones(2))
    with pytest.raises(ValueError, match="2 gradients for 1 variables"):
        optimizers.SGD().apply([np.ones(2), np.ones(2)], [a])


@pytest.mark.parametrize("name", ["sgd", "SGD", "rmsprop", "RMSprop", "adam", "Adam", "adagrad"])
def test_get_by_name(name):
    assert type(optimizers.get(name)).__name__.lower() == name.lower()


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamw'.*adagrad, adam, rmsprop, sgd"):
        optimizers.get("adamw")
    with pytest.raises(TypeError, match="Could not interpret optimizer"):
        optimizers.get(3)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: optimizers.SGD(learning_rate=-1), "must be a positive number"),
        (lambda: optimizers.SGD(momentum=1.5), "momentum"),
        (lambda: optimizers.Adagrad(initial_accumulator_value=-1), "non-negative"),
    ],
)
def test_bad_hyperparameters(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_state_round_trip_continues_identically():
    rng = np.random.default_rng(0)
    start = rng.normal(size=(4,)).astype("float32")
    grads = [rng.normal(size=4).astype("float32") for _ in range(4)]
    first = Variable(start.copy(), name="w")
    original = optimizers.Adam(learning_rate=0.1)
    for g in grads[:2]:
        original.apply([g], [first])
    iterations, slots = original.get_state([first])
    second = Variable(first.data.copy(), name="w")
    restored = optimizers.Adam(learning_rate=0.1)
    restored.set_state([second], iterations, slots)
    for g in grads[2:]:
        original.apply([g], [first])
        restored.apply([g], [second])
    np.testing.assert_array_equal(first.data, second.data)
    with pytest.raises(ValueError, match="does not fit"):
        restored.set_state([second], 1, [(0, "velocity", np.ones(3))])
