"""Regularizers and constraints on the convolution layers (issue 11), through the shared mechanism."""

import numpy as np
import pytest

from kerastutor import constraints, layers, regularizers
from kerastutor.models import Model


@pytest.mark.parametrize(
    "make, input_shape",
    [
        (lambda **kw: layers.Conv1D(3, 2, **kw), (6, 2)),
        (lambda **kw: layers.Conv2D(3, 2, **kw), (5, 5, 2)),
        (lambda **kw: layers.Conv2DTranspose(3, 2, **kw), (4, 4, 2)),
    ],
    ids=["conv1d", "conv2d", "conv2d_transpose"],
)
def test_kernel_and_bias_penalties_join_the_loss(make, input_shape):
    layer = make(
        kernel_regularizer=regularizers.L2(0.01),
        bias_regularizer="l1",
        bias_initializer="ones",
    )
    inputs = layers.Input(input_shape)
    model = Model(inputs, layers.Flatten()(layer(inputs)))
    kernel, bias = layer.kernel.data, layer.bias.data
    expected = 0.01 * np.sum(kernel.astype("float64") ** 2) + 0.01 * np.sum(np.abs(bias))
    np.testing.assert_allclose(float(sum(np.asarray(p) for p in model.losses)), expected, rtol=1e-5)
    rebuilt = type(layer).from_config(layer.get_config())
    assert rebuilt.get_config()["kernel_regularizer"] == layer.get_config()["kernel_regularizer"]


def test_a_kernel_constraint_holds_after_each_update():
    layer = layers.Conv2D(2, 3, kernel_constraint=constraints.NonNeg())
    inputs = layers.Input((5, 5, 1))
    model = Model(inputs, layers.Flatten()(layer(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).standard_normal((8, 5, 5, 1)).astype("float32")
    model.fit(x, np.ones((8, 18), "float32") * -5, epochs=2, verbose=0)
    assert (layer.kernel.data >= 0).all()


@pytest.mark.parametrize("layer_class", [layers.SimpleRNN, layers.GRU, layers.LSTM])
def test_recurrent_layers_take_keras_weight_penalties_and_rules(layer_class):
    layer = layer_class(
        3,
        kernel_regularizer=regularizers.L2(0.01),
        recurrent_regularizer="l1",
        recurrent_constraint=constraints.MaxNorm(0.5),
    )
    inputs = layers.Input((4, 2))
    model = Model(inputs, layer(inputs))
    kernel, recurrent = layer.kernel.data.astype("float64"), layer.recurrent_kernel.data
    expected = 0.01 * np.sum(kernel**2) + 0.01 * np.sum(np.abs(recurrent))
    np.testing.assert_allclose(float(sum(np.asarray(p) for p in model.losses)), expected, rtol=1e-5)
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).standard_normal((8, 4, 2)).astype("float32")
    model.fit(x, np.ones((8, 3), "float32"), epochs=2, verbose=0)
    # MaxNorm bounds each column's norm, as Keras's constraint does.
    assert np.linalg.norm(layer.recurrent_kernel.data, axis=0).max() <= 0.5 + 1e-6
    config = layer.get_config()
    assert config["recurrent_constraint"] == constraints.serialize(constraints.MaxNorm(0.5))
    assert layer_class.from_config(config).get_config() == config
