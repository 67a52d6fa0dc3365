"""Conv2D and the `ops.conv2d` it runs on: shapes, padding, errors, numbers, gradients."""

import itertools
import json

import numpy as np
import pytest
from conv_reference import reference_conv

from kerastutor import ops
from kerastutor.layers import Conv2D, Dense, Flatten, Input
from kerastutor.models import Model
from kerastutor.utils import grad_check


def reference_conv2d(x, kernel, strides, padding):
    """A slow, obviously-correct convolution: explicit padding and four loops."""
    batch, height, width, _ = x.shape
    kernel_h, kernel_w, _, filters = kernel.shape
    pads = [
        ops.conv_padding(size, k, s, padding)
        for size, k, s in zip((height, width), (kernel_h, kernel_w), strides, strict=True)
    ]
    padded = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    out_h = (padded.shape[1] - kernel_h) // strides[0] + 1
    out_w = (padded.shape[2] - kernel_w) // strides[1] + 1
    out = np.zeros((batch, out_h, out_w, filters))
    for b, i, j, f in itertools.product(range(batch), range(out_h), range(out_w), range(filters)):
        top, left = i * strides[0], j * strides[1]
        window = padded[b, top : top + kernel_h, left : left + kernel_w, :]
        out[b, i, j, f] = np.sum(window * kernel[..., f])
    return out


# ------------------------------------------------------------------ padding


@pytest.mark.parametrize(
    "length, kernel, stride, expected",
    [
        (7, 3, 1, (1, 1)),
        (6, 2, 1, (0, 1)),  # an even kernel pads more after
        (8, 3, 2, (0, 1)),  # even size, stride 2: total 1, all of it after
        (7, 3, 2, (1, 1)),  # odd size, stride 2: total 2, one each side
        (5, 2, 2, (0, 1)),
        (7, 4, 3, (1, 2)),
        (8, 1, 2, (0, 0)),
    ],
)
def test_same_padding_amounts_follow_tensorflow(length, kernel, stride, expected):
    assert ops.conv_padding(length, kernel, stride, "same") == expected
    assert ops.conv_padding(length, kernel, stride, "valid") == (0, 0)


@pytest.mark.parametrize(
    "size, kernel, expected",
    [
        # Outputs of real Keras 3 (TensorFlow) for an all-ones kernel, strides 2,
        # padding 'same', on np.arange(size * size).reshape(1, size, size, 1).
        (4, 3, [[45.0, 39.0], [66.0, 50.0]]),
        (5, 2, [[12.0, 20.0, 13.0], [52.0, 60.0, 33.0], [41.0, 45.0, 24.0]]),
        (5, 3, [[12.0, 27.0, 24.0], [63.0, 108.0, 81.0], [72.0, 117.0, 84.0]]),
    ],
)
def test_same_padding_with_stride_matches_keras(size, kernel, expected):
    conv = Conv2D(1, kernel, strides=2, padding="same", use_bias=False, kernel_initializer="ones")
    x = np.arange(size * size, dtype="float32").reshape(1, size, size, 1)
    np.testing.assert_array_equal(conv(x)[0, :, :, 0], expected)


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("strides", [(1, 1), (2, 2), (2, 1), (3, 2)])
@pytest.mark.parametrize("kernel_size", [(3, 3), (2, 3), (1, 1)])
def test_conv2d_op_matches_loop_reference(padding, strides, kernel_size):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 7, 6, 3))
    kernel = rng.standard_normal(kernel_size + (3, 4))
    out = ops.conv2d(x, kernel, strides, padding)
    np.testing.assert_allclose(out, reference_conv2d(x, kernel, strides, padding), atol=1e-12)


def test_layer_adds_bias_and_activation_in_float32():
    conv = Conv2D(2, (2, 2), activation="relu", bias_initializer="ones")
    x = np.random.default_rng(0).standard_normal((3, 5, 5, 2))
    out = conv(x)
    assert out.dtype == np.float32
    kernel, bias = conv.get_weights()
    expected = np.maximum(reference_conv2d(x.astype("float32"), kernel, (1, 1), "valid") + bias, 0)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ gradients


@pytest.mark.parametrize(
    "padding, strides, kernel_size, size",
    [
        ("valid", (1, 1), (3, 3), (5, 5)),
        ("same", (1, 1), (3, 3), (5, 4)),
        ("same", (2, 2), (3, 3), (6, 6)),  # even size: padding only after
        ("same", (2, 2), (3, 2), (7, 5)),  # odd size, uneven kernel
        ("valid", (2, 3), (2, 3), (7, 8)),  # stride leaves the last rows unread
    ],
)
def test_conv2d_op_gradients_match_central_differences(padding, strides, kernel_size, size):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2,) + size + (2,))
    kernel = rng.standard_normal(kernel_size + (2, 3))

    def conv(x, kernel):
        return ops.conv2d(x, kernel, strides, padding)

    errors = grad_check(conv, [x, kernel], rtol=0, atol=1e-7)
    assert sorted(errors) == ["argument 0", "argument 1"]


def test_layer_gradients_reach_kernel_and_bias():
    conv = Conv2D(2, 3, strides=2, padding="same", activation="tanh")
    x = np.random.default_rng(3).standard_normal((2, 5, 6, 2))
    errors = grad_check(conv, x, rtol=0, atol=1e-7)
    assert sorted(name.split("/")[-1] for name in errors) == ["bias", "input", "kernel"]


# ------------------------------------------------------------------ shapes and weights


@pytest.mark.parametrize(
    "size, kernel, stride, padding, expected",
    [
        (32, 3, 1, "same", 32),
        (32, 3, 1, "valid", 30),
        (7, 3, 2, "same", 4),
        (8, 3, 2, "same", 4),
        (7, 3, 2, "valid", 3),
        (8, 3, 2, "valid", 3),
        (9, 2, 3, "valid", 3),
    ],
)
def test_output_shape_symbolic_and_eager_agree(size, kernel, stride, padding, expected):
    conv = Conv2D(4, kernel, strides=stride, padding=padding)
    symbolic = conv(Input(shape=(size, size + 1, 2)))
    eager = conv(np.zeros((3, size, size + 1, 2)))
    assert symbolic.shape[1] == expected
    assert eager.shape == (3,) + symbolic.shape[1:]
    assert conv.compute_output_shape((3, size, size + 1, 2)) == eager.shape


def test_unknown_image_size_stays_unknown():
    conv = Conv2D(5, 3, strides=2, padding="same")
    assert conv(Input(shape=(None, None, 3))).shape == (None, None, None, 5)
    assert conv.compute_output_shape((None, 9, None, 3)) == (None, 5, None, 5)


def test_weights_have_keras_names_shapes_and_count():
    conv = Conv2D(16, (3, 3), padding="same")
    conv(Input(shape=(32, 32, 3)))
    assert [w.name for w in conv.weights] == ["conv2d/kernel", "conv2d/bias"]
    assert [w.shape for w in conv.weights] == [(3, 3, 3, 16), (16,)]
    assert conv.count_params() == 3 * 3 * 3 * 16 + 16 == 448
    assert Conv2D(2, (2, 3), use_bias=False)(np.zeros((1, 4, 4, 5))).shape == (1, 3, 2, 2)


def test_glorot_limit_counts_the_window():
    conv = Conv2D(8, (3, 3))
    conv.build((None, 10, 10, 4))
    limit = np.sqrt(6 / (3 * 3 * 4 + 3 * 3 * 8))
    kernel = conv.get_weights()[0]
    assert np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.9 * limit


# ------------------------------------------------------------------ seed 002


def test_seed_002_shared_conv_computes_both_sizes_with_one_kernel():
    # The seed's input_shape / get_input_shape_at lines are tested in tests/seeds/test_seed_002.py.
    a = Input(shape=(32, 32, 3))
    b = Input(shape=(64, 64, 3))
    conv = Conv2D(16, (3, 3), padding="same")
    conved_a, conved_b = conv(a), conv(b)
    assert conv.get_output_shape_at(0) == conved_a.shape == (None, 32, 32, 16)
    assert conv.get_output_shape_at(1) == conved_b.shape == (None, 64, 64, 16)

    model = Model([a, b], [conved_a, conved_b])
    small, large = model.predict([np.ones((2, 32, 32, 3)), np.ones((2, 64, 64, 3))])
    assert small.shape == (2, 32, 32, 16) and large.shape == (2, 64, 64, 16)
    assert small.dtype == large.dtype == np.float32
    # The same weights: away from the borders every pixel sees the same ones.
    np.testing.assert_allclose(small[:, 5, 5], large[:, 40, 40], rtol=1e-6)


def test_a_call_with_other_channels_is_refused_with_the_kernel_shape():
    conv = Conv2D(16, (3, 3), padding="same")
    conv(Input(shape=(32, 32, 3)))
    conv(Input(shape=(64, 64, 3)))
    with pytest.raises(ValueError) as error:
        conv(Input(shape=(32, 32, 4)))
    message = str(error.value)
    assert "'conv2d'" in message and "node 2" in message
    assert "(3, 3, 3, 16)" in message and "3 channels" in message
    assert "size 4" in message
    with pytest.raises(ValueError, match="3 channels"):
        conv(np.zeros((1, 8, 8, 4)))
    assert len(conv.inbound_nodes) == 2


def test_wrong_rank_and_too_small_images_explain_themselves():
    conv = Conv2D(4, 3)
    with pytest.raises(ValueError, match="rank 4.*channels axis of size 1"):
        conv(Input(shape=(28, 28)))
    with pytest.raises(
        ValueError,
        match=r"node 0.*axis 2 of the input shape \(None, 5, 2, 1\) has size 2 < 3.*padding='same'",
    ):
        conv(Input(shape=(5, 2, 1)))
    conv_built = Conv2D(4, 3)
    conv_built(np.zeros((1, 5, 5, 1)))
    with pytest.raises(
        ValueError,
        match=r"on concrete data.*axis 1 of the input shape \(1, 2, 5, 1\) has size 2 < 3",
    ):
        conv_built(np.zeros((1, 2, 5, 1)))
    assert Conv2D(4, 3, padding="same")(np.zeros((1, 2, 2, 1))).shape == (1, 2, 2, 4)


# ------------------------------------------------------------------ arguments


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"filters": 0, "kernel_size": 3}, "filters"),
        ({"filters": 2.5, "kernel_size": 3}, "filters"),
        ({"filters": 2, "kernel_size": (3, 3, 3)}, "kernel_size"),
        ({"filters": 2, "kernel_size": 0}, "kernel_size"),
        ({"filters": 2, "kernel_size": 3, "strides": (0, 1)}, "strides"),
        ({"filters": 2, "kernel_size": 3, "strides": "2"}, "strides"),
    ],
)
def test_invalid_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=f"`{argument}` of Conv2D layer"):
        Conv2D(**kwargs)


def test_padding_is_case_insensitive_and_checked():
    assert Conv2D(2, 3, padding="SAME").padding == "same"
    assert Conv2D(2, 3, padding="Valid").padding == "valid"
    for bad in ("full", "causal", None, 1):
        with pytest.raises(ValueError, match=r"expected one of \('valid', 'same'\)"):
            Conv2D(2, 3, padding=bad)


def test_only_channels_last():
    assert Conv2D(2, 3, data_format="channels_last").data_format == "channels_last"
    with pytest.raises(ValueError, match="only supports 'channels_last'.*np.moveaxis"):
        Conv2D(2, 3, data_format="channels_first")


def test_int_arguments_become_pairs():
    conv = Conv2D(2, 3, strides=2)
    assert conv.kernel_size == (3, 3) and conv.strides == (2, 2)


def test_unknown_keyword_is_rejected_like_keras():
    with pytest.raises(TypeError) as error:
        Conv2D(2, 3, dilation=2)
    assert error.value.args == ("Keyword argument not understood:", "dilation")


# ------------------------------------------------------------------ config


def test_config_round_trip_through_json():
    conv = Conv2D(
        6,
        (2, 3),
        strides=(2, 1),
        padding="SAME",
        activation="relu",
        use_bias=False,
        name="edges",
    )
    config = conv.get_config()
    assert config["padding"] == "same" and config["kernel_size"] == (2, 3)
    assert config["data_format"] == "channels_last"
    clone = Conv2D.from_config(json.loads(json.dumps(config)))
    assert clone.get_config() == config
    x = np.random.default_rng(4).standard_normal((2, 6, 5, 3))
    conv(x)
    clone(x)
    clone.set_weights(conv.get_weights())
    np.testing.assert_array_equal(clone(x), conv(x))


def test_model_with_conv_flatten_dense_round_trips():
    x = Input(shape=(8, 8, 1))
    h = Conv2D(4, (3, 3), padding="same", activation="relu")(x)
    h = Conv2D(3, (3, 3), strides=(2, 2))(h)
    y = Dense(2)(Flatten()(h))
    model = Model(x, y)
    assert [layer.output_shape for layer in model.layers[1:]] == [
        (None, 8, 8, 4),
        (None, 3, 3, 3),
        (None, 27),
        (None, 2),
    ]
    clone = Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    data = np.random.default_rng(5).standard_normal((5, 8, 8, 1))
    np.testing.assert_array_equal(clone.predict(data), model.predict(data))
    # Other batch sizes only change the order of float32 sums.
    np.testing.assert_allclose(model.predict(data, batch_size=2), model.predict(data), atol=1e-6)
    assert model.predict(data).dtype == np.float32


# ------------------------------------------------------------------ dilation and groups


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        # Keras's test_conv2d_basic (channels_last)
        ({"filters": 5, "kernel_size": 2}, (3, 5, 5, 4), (3, 4, 4, 5)),
        (
            {
                "filters": 6,
                "kernel_size": 2,
                "padding": "same",
                "dilation_rate": (2, 2),
                "groups": 2,
            },
            (3, 4, 4, 4),
            (3, 4, 4, 6),
        ),
        (
            {"filters": 6, "kernel_size": (2, 2), "strides": (2, 1), "groups": 2},
            (3, 5, 5, 4),
            (3, 2, 4, 6),
        ),
        ({"filters": 2, "kernel_size": 3, "dilation_rate": 2}, (1, 9, 7, 1), (1, 5, 3, 2)),
    ],
)
def test_dilation_and_groups_shapes_as_keras(kwargs, input_shape, output_shape):
    conv = Conv2D(**kwargs)
    assert conv(np.zeros(input_shape)).shape == output_shape
    assert conv.compute_output_shape(input_shape) == output_shape
    groups = kwargs.get("groups", 1)
    assert conv.kernel.shape == conv.kernel_size + (input_shape[-1] // groups, kwargs["filters"])


@pytest.mark.parametrize(
    "kwargs",
    [
        # Keras's ConvCorrectnessTest.test_conv2d (channels_last)
        {"filters": 5, "kernel_size": 2},
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
        {"filters": 6, "kernel_size": 2, "padding": "same", "dilation_rate": (2, 2), "groups": 2},
        {"filters": 6, "kernel_size": 2, "padding": "same", "dilation_rate": (2, 3), "groups": 2},
        {"filters": 6, "kernel_size": (4, 3), "strides": (2, 1), "groups": 2},
        {"filters": 4, "kernel_size": 3, "dilation_rate": (1, 2), "groups": 4},
    ],
)
def test_dilated_grouped_numbers_match_loop_reference(kwargs):
    conv = Conv2D(**kwargs)
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 8, 8, 4)).astype("float32")
    conv(x)
    kernel, bias = rng.standard_normal(conv.kernel.shape), rng.standard_normal(conv.bias.shape)
    conv.set_weights([kernel, bias])
    expected = reference_conv(
        x,
        kernel.astype("float32"),
        conv.strides,
        conv.padding,
        conv.dilation_rate,
    ) + bias.astype("float32")
    np.testing.assert_allclose(conv(x), expected, rtol=1e-5, atol=1e-5)


def test_dilated_and_grouped_gradients():
    for conv in (
        Conv2D(4, 3, padding="same", dilation_rate=(2, 1), groups=2),
        Conv2D(2, (2, 3), dilation_rate=2, activation="tanh"),
    ):
        x = np.random.default_rng(7).standard_normal((2, 6, 7, 4))
        errors = grad_check(conv, x, rtol=0, atol=1e-7)
        assert sorted(name.split("/")[-1] for name in errors) == ["bias", "input", "kernel"]


def test_groups_and_causal_and_dilated_strides_are_refused_with_reasons():
    with pytest.raises(ValueError, match=r"`groups`.*5 filters must split evenly into groups=2"):
        Conv2D(5, 3, groups=2)
    with pytest.raises(ValueError, match=r"`groups` of Conv2D layer.*positive integer"):
        Conv2D(4, 3, groups=0)
    with pytest.raises(ValueError, match=r"only exists for sequences \(Conv1D\)"):
        Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError, match=r"strides=\(2, 2\) and dilation_rate=\(2, 2\)"):
        Conv2D(4, 3, strides=2, dilation_rate=2)
    conv = Conv2D(4, 3, groups=2, name="grouped")
    with pytest.raises(ValueError) as error:
        conv(Input(shape=(8, 8, 3)))
    message = str(error.value)
    assert "'grouped' (Conv2D)" in message and "node 0" in message
    assert "groups=2" in message and "3 channels" in message
    assert not conv.built and conv.weights == [] and conv.inbound_nodes == []
    with pytest.raises(ValueError, match="on concrete data.*3 channels"):
        conv(np.zeros((1, 8, 8, 3)))
    assert not conv.built


def test_a_kernel_larger_than_the_input_builds_nothing():
    # Keras's test_conv_symbolic_invalid_configuration: a dilated kernel spanning 11 > 10 pixels.
    conv = Conv2D(1, (2, 2), dilation_rate=(10, 10))
    with pytest.raises(ValueError, match=r"it spans 11 inputs.*size 10 < 11"):
        conv(Input(shape=(10, 10, 3)))
    assert not conv.built and conv.weights == [] and conv.inbound_nodes == []


def test_dilation_config_round_trip():
    conv = Conv2D(4, 3, dilation_rate=2, groups=2)
    config = conv.get_config()
    assert config["dilation_rate"] == (2, 2) and config["groups"] == 2
    assert Conv2D.from_config(config).get_config() == config
