"""DepthwiseConv2D and SeparableConv2D: weights, numbers, gradients, config.

Ports the behaviour of Keras's depthwise_conv_test.py and separable_conv_test.py
2-D cases (channels_last).
"""

import numpy as np
import pytest
from conv_reference import reference_conv

from kerastutor import layers as L
from kerastutor import ops
from kerastutor.utils import grad_check


def reference_depthwise(x, kernel, strides, padding, dilation_rate):
    """Each channel c on its own: conv of x[..., c] with kernel[..., c, :]."""
    outputs = [
        reference_conv(
            x[..., c : c + 1], kernel[..., c : c + 1, :], strides, padding, dilation_rate
        )
        for c in range(x.shape[-1])
    ]
    return np.concatenate(outputs, axis=-1)


DEPTHWISE_CASES = [
    # Keras's test_depthwise_conv2d_basic / correctness cases (channels_last)
    ({"depth_multiplier": 5, "kernel_size": 2}, (3, 5, 5, 4), (3, 4, 4, 20)),
    (
        {"depth_multiplier": 6, "kernel_size": 2, "padding": "same", "dilation_rate": (2, 2)},
        (3, 4, 4, 4),
        (3, 4, 4, 24),
    ),
    (
        {"depth_multiplier": 6, "kernel_size": (2, 2), "strides": (2, 2)},
        (3, 5, 5, 4),
        (3, 2, 2, 24),
    ),
]


@pytest.mark.parametrize("kwargs, input_shape, output_shape", DEPTHWISE_CASES)
def test_depthwise_shapes_weights_and_numbers(kwargs, input_shape, output_shape):
    layer = L.DepthwiseConv2D(**kwargs)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(input_shape).astype("float32")
    assert layer(x).shape == output_shape
    multiplier = kwargs["depth_multiplier"]
    assert [w.name for w in layer.weights] == ["depthwise_conv2d/kernel", "depthwise_conv2d/bias"]
    assert [w.shape for w in layer.weights] == [
        layer.kernel_size + (input_shape[-1], multiplier),
        (input_shape[-1] * multiplier,),
    ]
    kernel, bias = rng.standard_normal(layer.kernel.shape), rng.standard_normal(layer.bias.shape)
    layer.set_weights([kernel, bias])
    expected = reference_depthwise(x, kernel, layer.strides, layer.padding, layer.dilation_rate)
    np.testing.assert_allclose(layer(x), expected + bias, rtol=1e-5, atol=1e-5)


SEPARABLE_CASES = [
    # Keras's test_separable_conv2d_basic / correctness cases (channels_last)
    ({"depth_multiplier": 5, "filters": 5, "kernel_size": 2}, (3, 5, 5, 4), (3, 4, 4, 5)),
    (
        {
            "depth_multiplier": 6,
            "filters": 6,
            "kernel_size": 2,
            "padding": "same",
            "dilation_rate": (2, 2),
        },
        (3, 4, 4, 4),
        (3, 4, 4, 6),
    ),
    (
        {"depth_multiplier": 6, "filters": 6, "kernel_size": (2, 2), "strides": (2, 2)},
        (3, 5, 5, 4),
        (3, 2, 2, 6),
    ),
]


@pytest.mark.parametrize("kwargs, input_shape, output_shape", SEPARABLE_CASES)
def test_separable_shapes_weights_and_numbers(kwargs, input_shape, output_shape):
    layer = L.SeparableConv2D(**kwargs)
    rng = np.random.default_rng(1)
    x = rng.standard_normal(input_shape).astype("float32")
    assert layer(x).shape == output_shape
    multiplier, filters = kwargs["depth_multiplier"], kwargs["filters"]
    names = [w.name.split("/")[-1] for w in layer.weights]
    assert names == ["depthwise_kernel", "pointwise_kernel", "bias"]
    channels = input_shape[-1]
    assert [w.shape for w in layer.weights] == [
        layer.kernel_size + (channels, multiplier),
        (1, 1, channels * multiplier, filters),
        (filters,),
    ]
    assert layer.count_params() == np.prod(layer.kernel_size) * channels * multiplier + (
        channels * multiplier * filters + filters
    )
    weights = [rng.standard_normal(w.shape) for w in layer.weights]
    layer.set_weights(weights)
    depthwise = reference_depthwise(
        x, weights[0], layer.strides, layer.padding, layer.dilation_rate
    )
    expected = reference_conv(depthwise, weights[1]) + weights[2]
    np.testing.assert_allclose(layer(x), expected, rtol=1e-4, atol=1e-4)


def test_depthwise_is_a_conv_with_one_group_per_channel():
    rng = np.random.default_rng(2)
    x, kernel = rng.standard_normal((2, 6, 6, 3)), rng.standard_normal((3, 3, 3, 2))
    grouped = ops.conv(x, kernel.reshape(3, 3, 1, 6), 1, "same")
    np.testing.assert_allclose(ops.depthwise_conv(x, kernel, 1, "same"), grouped, atol=1e-12)


def test_gradients():
    for layer in (
        L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", activation="tanh"),
        L.DepthwiseConv2D(2, strides=2, dilation_rate=2),
    ):
        x = np.random.default_rng(3).standard_normal((2, 6, 5, 2))
        errors = grad_check(layer, x, rtol=0, atol=1e-7)
        assert sorted(name.split("/")[-1] for name in errors) == ["bias", "input", "kernel"]
    layer = L.SeparableConv2D(3, 3, padding="same", depth_multiplier=2)
    errors = grad_check(
        layer, np.random.default_rng(4).standard_normal((2, 5, 5, 2)), rtol=0, atol=1e-7
    )
    assert sorted(name.split("/")[-1] for name in errors) == [
        "bias",
        "depthwise_kernel",
        "input",
        "pointwise_kernel",
    ]


def test_config_keys_as_keras():
    config = L.DepthwiseConv2D(3, depth_multiplier=2).get_config()
    assert config["depth_multiplier"] == 2 and "depthwise_initializer" in config
    assert "filters" not in config and "groups" not in config and "kernel_initializer" not in config
    assert L.DepthwiseConv2D.from_config(config).get_config() == config
    config = L.SeparableConv2D(4, 3, depth_multiplier=2).get_config()
    assert config["filters"] == 4 and "pointwise_initializer" in config and "groups" not in config
    assert L.SeparableConv2D.from_config(config).get_config() == config


def test_errors():
    with pytest.raises(ValueError, match="`depth_multiplier` of DepthwiseConv2D"):
        L.DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match="`filters` of SeparableConv2D"):
        L.SeparableConv2D(0, 3)
    layer = L.SeparableConv2D(2, 5, name="sep")
    with pytest.raises(ValueError, match=r"'sep' \(SeparableConv2D\).*node 0.*size 4 < 5"):
        layer(L.Input(shape=(4, 8, 3)))
    assert not layer.built and layer.weights == []
    built = L.DepthwiseConv2D(3)
    built(np.zeros((1, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"kernel has shape \(3, 3, 3, 1\).*3 channels"):
        built(np.zeros((1, 5, 5, 4)))


def test_depthwise_and_pointwise_rules_reach_their_kernels():
    # Keras 3 names the rules after the kernels: depthwise_* and pointwise_*.
    layer = L.SeparableConv2D(
        2, 3, depthwise_regularizer="l2", pointwise_regularizer="l1", pointwise_constraint="non_neg"
    )
    layer(np.ones((1, 5, 5, 2), dtype="float32"))
    assert len(layer.losses) == 2
    assert layer.pointwise_kernel.constraint is not None
    assert layer.depthwise_kernel.constraint is None
    config = layer.get_config()
    assert config["pointwise_constraint"]["class_name"] == "NonNeg"
    assert "kernel_regularizer" not in config and "kernel_constraint" not in config
    rebuilt = L.SeparableConv2D.from_config(config)
    assert rebuilt.get_config() == config


def test_depthwise_refuses_kernel_regularizer_and_names_the_right_argument():
    with pytest.raises(TypeError, match="depthwise_regularizer"):
        L.DepthwiseConv2D(3, kernel_regularizer="l2")
    with pytest.raises(TypeError, match="`depthwise_constraint` and `pointwise_constraint`"):
        L.SeparableConv2D(2, 3, kernel_constraint="non_neg")
