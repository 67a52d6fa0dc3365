"""Conv2DTranspose and `ops.conv_transpose`: shapes, numbers, the transpose of conv, errors.

Ports the behaviour of Keras's conv_transpose_test.py Conv2DTranspose cases
(channels_last).
"""

import numpy as np
import pytest
from conv_reference import reference_conv_transpose

from kerastutor import autodiff, ops
from kerastutor import layers as L
from kerastutor.utils import grad_check


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        # Keras's test_conv2d_transpose_basic (channels_last)
        ({"filters": 5, "kernel_size": 2, "strides": 2}, (2, 8, 8, 4), (2, 16, 16, 5)),
        (
            {"filters": 6, "kernel_size": 2, "strides": 3, "padding": "same", "output_padding": 2},
            (2, 8, 8, 4),
            (2, 23, 23, 6),
        ),
        (
            {"filters": 2, "kernel_size": (7, 7), "strides": (16, 16)},
            (1, 14, 14, 2),
            (1, 224, 224, 2),
        ),
        ({"filters": 3, "kernel_size": 3}, (1, 5, 4, 2), (1, 7, 6, 3)),
        ({"filters": 3, "kernel_size": 3, "dilation_rate": 2}, (1, 5, 4, 2), (1, 9, 8, 3)),
        (
            {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
            (1, 5, 4, 2),
            (1, 10, 8, 3),
        ),
    ],
)
def test_shapes_and_weights_as_keras(kwargs, input_shape, output_shape):
    layer = L.Conv2DTranspose(**kwargs)
    assert layer(np.zeros(input_shape)).shape == output_shape
    assert layer(L.Input(shape=input_shape[1:])).shape == (None,) + output_shape[1:]
    assert [w.shape for w in layer.weights] == [
        layer.kernel_size + (kwargs["filters"], input_shape[-1]),
        (kwargs["filters"],),
    ]


@pytest.mark.parametrize(
    "kernel_size, strides, padding, output_padding, dilation_rate",
    [
        ((2, 2), (2, 2), "valid", None, (1, 1)),
        ((3, 3), (2, 2), "same", None, (1, 1)),
        ((3, 2), (2, 2), "same", (1, 1), (1, 1)),
        ((3, 3), (3, 3), "valid", (2, 1), (1, 1)),
        ((3, 3), (1, 1), "same", None, (2, 2)),
    ],
)
def test_numbers_match_the_loop_reference(
    kernel_size, strides, padding, output_padding, dilation_rate
):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 5, 3))
    kernel = rng.standard_normal(kernel_size + (2, 3))
    out = ops.conv_transpose(x, kernel, strides, padding, output_padding, dilation_rate)
    out_sizes = out.shape[1:3]
    pads = [
        ops.conv_padding(n, k, s, padding, d)
        for n, k, s, d in zip(out_sizes, kernel_size, strides, dilation_rate)
    ]
    expected = reference_conv_transpose(x, kernel, out_sizes, pads, strides, dilation_rate)
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_it_is_the_input_gradient_of_the_convolution():
    # <conv(x, k), y> = <x, conv_transpose(y, k)> for every x, y: the definition of a transpose.
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 7, 6, 3))
    kernel = rng.standard_normal((3, 3, 3, 4))
    y = rng.standard_normal((2, 4, 3, 4))
    left = np.sum(ops.conv(x, kernel, 2, "same") * y)
    # The same kernel array: (kh, kw, 3, 4) is conv's (in, filters) and the transpose's (filters, in).
    # output_padding (0, 1) picks the 7x6 image that the strided conv maps to 4x3.
    transposed = ops.conv_transpose(y, kernel, 2, "same", (0, 1))
    assert transposed.shape == x.shape
    right = np.sum(x * transposed)
    np.testing.assert_allclose(left, right, rtol=1e-10)
    tensor = autodiff.Tensor(x)
    ops.conv(tensor, kernel, 2, "same").backward(y)
    np.testing.assert_allclose(tensor.grad, transposed, atol=1e-12)


def test_layer_gradients():
    layer = L.Conv2DTranspose(2, 3, strides=2, padding="same", activation="tanh")
    x = np.random.default_rng(2).standard_normal((2, 3, 4, 3))
    errors = grad_check(layer, x, rtol=0, atol=1e-7)
    assert sorted(name.split("/")[-1] for name in errors) == ["bias", "input", "kernel"]


def test_bad_arguments_and_inputs_explain_themselves():
    with pytest.raises(ValueError, match=r"`output_padding`.*smaller than the stride"):
        L.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match=r"strides=\(2, 2\) and dilation_rate=\(2, 2\)"):
        L.Conv2DTranspose(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="only exists for sequences"):
        L.Conv2DTranspose(2, 3, padding="causal")
    # An output size the Conv2D it transposes cannot map back (TensorFlow aborts here).
    layer = L.Conv2DTranspose(2, 2, strides=2, padding="same", output_padding=0, name="up")
    with pytest.raises(ValueError, match=r"'up' \(Conv2DTranspose\).*node 0.*axis 1 \(size 6\)"):
        layer(L.Input(shape=(6, 5, 5)))
    assert not layer.built and layer.inbound_nodes == []


def test_config_round_trip():
    layer = L.Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1)
    config = layer.get_config()
    assert config["output_padding"] == (1, 1) and "groups" not in config
    assert L.Conv2DTranspose.from_config(config).get_config() == config
    assert L.Conv2DTranspose(4, 3).get_config()["output_padding"] is None
