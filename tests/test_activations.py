"""kerastutor.activations: Keras 3's names, their formulas, gradients and serialization.

The numbers are also golden-checked against real Keras (cases
`activation_layers_keras3` and `dense_keras3_activations`); here each
activation is compared with its formula written in plain NumPy.
"""

import math

import numpy as np
import pytest

from kerastutor import activations
from kerastutor.layers import Activation, Dense, Input
from kerastutor.models import Model, model_from_json
from kerastutor.utils import grad_check

X = np.array([[-4.0, -3.0, -1.2, -0.3, 0.0, 0.4, 1.5, 3.0, 5.0]])


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _elu(x, alpha=1.0):
    return np.where(x >= 0, x, alpha * (np.exp(x) - 1))


_erf = np.vectorize(math.erf)

FORMULAS = {
    "gelu": lambda x: x * 0.5 * (1 + _erf(x / math.sqrt(2))),
    "silu": lambda x: x / (1 + np.exp(-x)),
    "swish": lambda x: x / (1 + np.exp(-x)),
    "elu": _elu,
    "selu": lambda x: 1.0507009873554805 * _elu(x, 1.6732632423543772),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "exponential": np.exp,
    "log_softmax": lambda x: np.log(_softmax(x)),
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_each_name_computes_its_formula(name):
    np.testing.assert_allclose(activations.get(name)(X), FORMULAS[name](X), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_each_activation_has_a_gradient(name):
    grad_check(activations.get(name), [X[:, [0, 2, 3, 5, 6, 8]] + 0.01])


def test_arguments_keras_gives_them():
    x = np.array([-2.0, 1.0])
    np.testing.assert_allclose(activations.leaky_relu(x, negative_slope=0.1), [-0.2, 1.0])
    np.testing.assert_allclose(activations.elu(x, alpha=2.0), [2 * (np.exp(-2) - 1), 1.0])
    tanh_form = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    np.testing.assert_allclose(activations.gelu(x, approximate=True), tanh_form, rtol=1e-6)
    assert not np.allclose(activations.gelu(x), tanh_form, rtol=1e-6)  # exact by default
    rows = np.array([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(
        activations.log_softmax(rows, axis=0), np.log(_softmax(rows.T).T), rtol=1e-6
    )


RELU_X = np.array([-10, -5, -1, 0, 1, 2, 5, 7, 10], dtype="float32")


@pytest.mark.parametrize(
    "kwargs, expected",  # what keras.activations.relu(RELU_X, **kwargs) returns (Keras 3.15)
    [
        ({"negative_slope": 0.5}, [-5, -2.5, -0.5, 0, 1, 2, 5, 7, 10]),
        ({"max_value": 5.0}, [0, 0, 0, 0, 1, 2, 5, 5, 5]),
        ({"threshold": 5.0}, [0, 0, 0, 0, 0, 0, 0, 7, 10]),
        ({"negative_slope": 0.5, "threshold": 2.0}, [-6, -3.5, -1.5, -1, -0.5, 0, 5, 7, 10]),
        (
            {"negative_slope": 0.1, "max_value": 6.0, "threshold": 1.0},
            [-1.1, -0.6, -0.2, -0.1, 0, 2, 5, 6, 6],
        ),
    ],
)
def test_relu_options_match_keras(kwargs, expected):
    out = activations.relu(RELU_X, **kwargs)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-7)
    grad_check(lambda x: activations.relu(x, **kwargs), [RELU_X[[0, 2, 5, 7]] + 0.25])


@pytest.mark.parametrize(
    "name, saved",
    [(name, name) for name in sorted(FORMULAS) if name != "swish"] + [("swish", "silu")],
)
def test_names_round_trip_through_layers_and_json(name, saved):
    dense, layer = Dense(3, activation=name), Activation(name)
    assert dense.get_config()["activation"] == saved
    assert layer.get_config()["activation"] == saved
    assert activations.get(saved) is activations.get(name)
    x = Input((4,))
    model = Model(x, layer(dense(x)))
    clone = model_from_json(model.to_json())
    assert clone.layers[1].activation is activations.get(name)
    assert clone.layers[2].activation is activations.get(name)


def test_dense_activation_equals_dense_then_activation_layer():
    x = np.linspace(-3, 3, 12).reshape(3, 4).astype("float32")
    dense, linear = Dense(2, activation="gelu"), Dense(2)
    y = dense(x)
    linear.build(x.shape)
    linear.set_weights(dense.get_weights())
    np.testing.assert_allclose(y, Activation("gelu")(linear(x)), rtol=1e-6)


def test_unknown_names_list_the_new_ones():
    with pytest.raises(ValueError) as error:
        activations.get("GELU")
    message = str(error.value)
    assert "Unknown activation: 'GELU'" in message
    for name in FORMULAS:
        assert name in message
