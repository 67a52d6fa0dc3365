"""SimpleRNN: numbers by hand and against NumPy, weights, config, masks, states."""

import numpy as np
import pytest

from kerastutor import initializers
from kerastutor.layers import Input, SimpleRNN
from kerastutor.utils import grad_check


def test_one_tanh_per_step_by_hand():
    layer = SimpleRNN(
        2,
        kernel_initializer=initializers.Constant(0.1),
        recurrent_initializer=initializers.Constant(0.2),
        bias_initializer=initializers.Constant(0.3),
        return_sequences=True,
    )
    x = np.ones((1, 2, 3), "float32")
    first = np.tanh(3 * 0.1 + 0.3)
    second = np.tanh(3 * 0.1 + 2 * 0.2 * first + 0.3)
    np.testing.assert_allclose(layer(x), [[[first, first], [second, second]]], rtol=1e-6)


def test_numbers_match_numpy_with_mask_initial_state_and_backwards():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4, 2)).astype("float32")
    h0 = rng.normal(size=(3, 3)).astype("float32")
    mask = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [0, 0, 0, 0]], bool)
    layer = SimpleRNN(3, go_backwards=True, return_state=True)
    layer.build((None, 4, 2))
    kernel, recurrent_kernel, bias = layer.get_weights()
    output, h = layer(x, initial_state=[h0], mask=mask)
    for n in range(3):
        state, last = h0[n].astype(np.float64), np.zeros(3)
        for t in reversed(range(4)):
            if mask[n, t]:
                state = np.tanh(x[n, t] @ kernel + state @ recurrent_kernel + bias)
                last = state
        np.testing.assert_allclose(output[n], last, atol=1e-6)
        np.testing.assert_allclose(h[n], state, atol=1e-6)


def test_weights_and_parameter_count_match_keras():
    layer = SimpleRNN(4, name="simple_rnn")
    layer(Input(shape=(6, 3)))
    assert [w.name for w in layer.weights] == [
        "simple_rnn/kernel",
        "simple_rnn/recurrent_kernel",
        "simple_rnn/bias",
    ]
    assert layer.count_params() == 3 * 4 + 4 * 4 + 4


def test_config_has_keras_keys_and_round_trips():
    layer = SimpleRNN(3, activation="relu", dropout=0.2, recurrent_dropout=0.1, stateful=True)
    config = layer.get_config()
    assert "recurrent_activation" not in config and "seed" not in config  # as Keras 3
    assert config["activation"] == "relu" and config["stateful"] is True
    assert SimpleRNN.from_config(config).get_config() == config


def test_gradients_with_a_mask():
    mask = np.array([[1, 0, 1], [1, 1, 0]], bool)
    layer = SimpleRNN(2, return_sequences=True)
    report = grad_check(layer, np.random.default_rng(1).normal(size=(2, 3, 2)), {"mask": mask})
    assert len(report) == 4


def test_return_state_gives_output_and_h():
    seq, h = SimpleRNN(3, return_sequences=True, return_state=True)(Input(shape=(None, 2)))
    assert seq.shape == (None, None, 3) and h.shape == (None, 3)
    with pytest.raises(ValueError, match=r"one state \[h\].*A SimpleRNN carries one state"):
        SimpleRNN(3)(np.zeros((1, 2, 2)), initial_state=[np.zeros((1, 3))] * 2)
