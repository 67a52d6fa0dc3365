"""Conv1D: shapes, 'causal' padding, dilation, groups, numbers, gradients, errors.

Ports the behaviour of Keras's conv_test.py Conv1D cases (channels_last).
"""

import numpy as np
import pytest
from conv_reference import reference_conv

from kerastutor import layers as L
from kerastutor.utils import grad_check

KERAS_CASES = [
    # Keras's test_conv1d_basic / ConvCorrectnessTest.test_conv1d (channels_last)
    ({"filters": 5, "kernel_size": 2}, (3, 5, 4), (3, 4, 5)),
    (
        {"filters": 6, "kernel_size": 2, "padding": "same", "dilation_rate": (2,), "groups": 2},
        (3, 4, 4),
        (3, 4, 6),
    ),
    (
        {"filters": 6, "kernel_size": 2, "padding": "causal", "dilation_rate": (2,), "groups": 2},
        (3, 4, 4),
        (3, 4, 6),
    ),
    ({"filters": 6, "kernel_size": 2, "strides": (2,), "groups": 2}, (3, 5, 4), (3, 2, 6)),
]


@pytest.mark.parametrize("kwargs, input_shape, output_shape", KERAS_CASES)
def test_shapes_and_weights_as_keras(kwargs, input_shape, output_shape):
    conv = L.Conv1D(**kwargs)
    assert conv(np.zeros(input_shape)).shape == output_shape
    assert conv(L.Input(shape=input_shape[1:])).shape == (None,) + output_shape[1:]
    groups = kwargs.get("groups", 1)
    kernel_shape = conv.kernel_size + (input_shape[-1] // groups, kwargs["filters"])
    assert [w.shape for w in conv.weights] == [kernel_shape, (kwargs["filters"],)]
    assert [w.name for w in conv.weights] == ["conv1d/kernel", "conv1d/bias"]


@pytest.mark.parametrize("kwargs", [case[0] for case in KERAS_CASES])
def test_numbers_match_loop_reference(kwargs):
    conv = L.Conv1D(**kwargs)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 8, 4)).astype("float32")
    conv(x)
    kernel, bias = rng.standard_normal(conv.kernel.shape), rng.standard_normal(conv.bias.shape)
    conv.set_weights([kernel, bias])
    expected = reference_conv(x, kernel, conv.strides, conv.padding, conv.dilation_rate) + bias
    np.testing.assert_allclose(conv(x), expected, rtol=1e-5, atol=1e-5)


def test_causal_output_never_sees_the_future():
    conv = L.Conv1D(3, 3, padding="causal", dilation_rate=2)
    x = np.random.default_rng(1).standard_normal((1, 10, 2)).astype("float32")
    before = conv(x)
    changed = x.copy()
    changed[:, 6:] += 5.0  # change steps 6.. only
    after = conv(changed)
    np.testing.assert_array_equal(before[:, :6], after[:, :6])
    assert not np.allclose(before[:, 6:], after[:, 6:])


def test_causal_with_strides_and_unknown_length():
    conv = L.Conv1D(2, 3, strides=2, padding="causal")
    assert conv(np.ones((1, 7, 2))).shape == (1, 4, 2)
    assert conv(L.Input(shape=(None, 2))).shape == (None, None, 2)


def test_gradients_for_causal_dilated_and_grouped():
    for conv in (
        L.Conv1D(2, 3, padding="causal", dilation_rate=2),
        L.Conv1D(4, 2, strides=2, groups=2, activation="tanh"),
    ):
        x = np.random.default_rng(2).standard_normal((2, 7, 4))
        errors = grad_check(conv, x, rtol=0, atol=1e-7)
        assert sorted(name.split("/")[-1] for name in errors) == ["bias", "input", "kernel"]


def test_errors_name_the_layer_and_the_node():
    conv = L.Conv1D(2, 5, name="ngrams")
    with pytest.raises(ValueError) as error:
        conv(L.Input(shape=(3, 4)))
    message = str(error.value)
    assert "'ngrams' (Conv1D)" in message and "node 0" in message and "size 3 < 5" in message
    assert not conv.built and conv.inbound_nodes == []
    with pytest.raises(ValueError, match=r"rank 3.*\(batch, steps, channels\)"):
        conv(L.Input(shape=(8,)))
    with pytest.raises(ValueError, match="`padding` of Conv1D layer"):
        L.Conv1D(2, 3, padding="full")
    with pytest.raises(ValueError, match=r"strides=\(2,\) and dilation_rate=\(2,\)"):
        L.Conv1D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="`kernel_size` of Conv1D layer"):
        L.Conv1D(2, (3, 3))


def test_config_round_trip():
    conv = L.Conv1D(4, 3, padding="CAUSAL", dilation_rate=2, activation="relu")
    config = conv.get_config()
    assert config["padding"] == "causal" and config["kernel_size"] == (3,)
    assert config["dilation_rate"] == (2,) and config["groups"] == 1
    assert L.Conv1D.from_config(config).get_config() == config
