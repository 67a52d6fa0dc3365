"""The pooling layers and the `ops.max_pool` / `ops.average_pool` they run on.

Ports the behaviour of Keras's pooling tests (keras/src/layers/pooling/*_test.py,
channels_last cases): output shapes for pool sizes, strides and paddings,
numbers against a loop reference, global pooling with keepdims and masks.
"""

import itertools

import numpy as np
import pytest

from kerastutor import layers as L
from kerastutor import ops
from kerastutor.autodiff import Tensor
from kerastutor.models import Model
from kerastutor.utils import grad_check


def reference_pool(x, pool_size, strides, padding, mode):
    """A slow, obviously-correct pooling: explicit padding and a loop per output cell."""
    rank = x.ndim - 2
    pads = [
        ops.conv_padding(n, k, s, padding) for n, k, s in zip(x.shape[1:-1], pool_size, strides)
    ]
    fill = -np.inf if mode == "max" else np.nan
    padded = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=fill)
    out_sizes = [(n - k) // s + 1 for n, k, s in zip(padded.shape[1:-1], pool_size, strides)]
    out = np.zeros((x.shape[0], *out_sizes, x.shape[-1]))
    for position in itertools.product(*(range(n) for n in out_sizes)):
        corner = [p * s for p, s in zip(position, strides)]
        window = padded[(slice(None), *(slice(c, c + k) for c, k in zip(corner, pool_size)))]
        axes = tuple(range(1, rank + 1))
        value = window.max(axis=axes) if mode == "max" else np.nanmean(window, axis=axes)
        out[(slice(None), *position)] = value
    return out


# ------------------------------------------------------------------ the ops


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize(
    "pool_size, strides", [((2, 2), (2, 2)), ((3, 3), (2, 2)), ((2, 3), (1, 2)), ((3, 1), (1, 1))]
)
def test_2d_pool_ops_match_loop_reference(mode, padding, pool_size, strides):
    x = np.random.default_rng(0).standard_normal((2, 7, 6, 3))
    op = ops.max_pool if mode == "max" else ops.average_pool
    expected = reference_pool(x, pool_size, strides, padding, mode)
    np.testing.assert_allclose(op(x, pool_size, strides, padding), expected, atol=1e-12)


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("pool_size, strides", [(2, 2), (3, 2), (2, 1), (4, 3)])
def test_1d_pool_ops_match_loop_reference(mode, padding, pool_size, strides):
    x = np.random.default_rng(1).standard_normal((2, 9, 4))
    op = ops.max_pool if mode == "max" else ops.average_pool
    expected = reference_pool(x, (pool_size,), (strides,), padding, mode)
    np.testing.assert_allclose(op(x, pool_size, strides, padding), expected, atol=1e-12)


def test_same_average_leaves_the_padding_out_of_the_mean():
    # Real Keras 3 (TensorFlow): AveragePooling2D(2, padding='same') on 1..25 (5x5).
    x = np.arange(1, 26, dtype="float32").reshape(1, 5, 5, 1)
    expected = [[4.0, 6.0, 7.5], [14.0, 16.0, 17.5], [21.5, 23.5, 25.0]]
    np.testing.assert_array_equal(L.AveragePooling2D(2, padding="same")(x)[0, :, :, 0], expected)
    expected_max = [[7.0, 9.0, 10.0], [17.0, 19.0, 20.0], [22.0, 24.0, 25.0]]
    pooled = L.MaxPooling2D(3, strides=2, padding="same")(x)
    np.testing.assert_array_equal(pooled[0, :, :, 0], expected_max)


def test_max_gradient_goes_to_the_first_argmax_of_each_window():
    # Ties everywhere: window (0, 0) holds four 1s, only its first gets the gradient.
    x = np.array([[1.0, 1.0, 0.0, 2.0], [1.0, 1.0, 2.0, 0.0]]).reshape(1, 2, 4, 1)
    # Central differences are meaningless at ties: check the rule itself.
    tensor = Tensor(x)
    out = ops.max_pool(tensor, (2, 2))
    out.backward(np.array([[[[10.0], [20.0]]]]))
    np.testing.assert_array_equal(
        tensor.grad[0, :, :, 0], [[10.0, 0.0, 0.0, 20.0], [0.0, 0.0, 0.0, 0.0]]
    )


def test_overlapping_windows_add_their_gradients():
    # Stride 1, window 2: the 9 in the middle is the max of both windows.
    tensor = Tensor(np.array([[[1.0], [9.0], [2.0]]]))
    ops.max_pool(tensor, 2, 1).backward(np.array([[[1.0], [1.0]]]))
    np.testing.assert_array_equal(tensor.grad[0, :, 0], [0.0, 2.0, 0.0])


@pytest.mark.parametrize("op", [ops.max_pool, ops.average_pool])
@pytest.mark.parametrize(
    "shape, pool_size, strides, padding",
    [
        ((2, 5, 4, 2), (2, 2), None, "valid"),
        ((2, 5, 4, 2), (3, 2), (2, 1), "same"),
        ((2, 7, 3), 3, 2, "same"),
        ((1, 6, 2), 2, 1, "valid"),
    ],
)
def test_pool_op_gradients_match_central_differences(op, shape, pool_size, strides, padding):
    x = np.random.default_rng(2).standard_normal(shape)
    errors = grad_check(lambda x: op(x, pool_size, strides, padding), [x], rtol=0, atol=1e-7)
    assert errors


# ------------------------------------------------------------------ layers: shapes


@pytest.mark.parametrize(
    "layer_class, kwargs, input_shape, output_shape",
    [
        # Keras's test_max_pooling1d / test_average_pooling1d (channels_last)
        (L.MaxPooling1D, {"pool_size": 2, "strides": 1}, (3, 5, 4), (3, 4, 4)),
        (L.MaxPooling1D, {"pool_size": 2, "strides": 1, "padding": "same"}, (3, 5, 4), (3, 5, 4)),
        (L.MaxPooling1D, {"pool_size": (2,), "strides": (2,)}, (3, 5, 4), (3, 2, 4)),
        (L.AveragePooling1D, {"pool_size": 2, "strides": 1}, (3, 5, 4), (3, 4, 4)),
        (L.AveragePooling1D, {"pool_size": (2,), "strides": (2,)}, (3, 5, 4), (3, 2, 4)),
        # Keras's test_max_pooling2d / test_average_pooling2d (channels_last)
        (L.MaxPooling2D, {"pool_size": 2, "strides": 1}, (3, 5, 5, 4), (3, 4, 4, 4)),
        (L.MaxPooling2D, {"pool_size": (2, 3), "strides": (2, 2)}, (3, 5, 5, 4), (3, 2, 2, 4)),
        (
            L.AveragePooling2D,
            {"pool_size": 2, "strides": 1, "padding": "same"},
            (3, 5, 5, 4),
            (3, 5, 5, 4),
        ),
        (
            L.AveragePooling2D,
            {"pool_size": (2, 3), "strides": (2, 2), "padding": "same"},
            (3, 5, 5, 4),
            (3, 3, 3, 4),
        ),
        (L.MaxPooling2D, {}, (1, 7, 9, 2), (1, 3, 4, 2)),
    ],
)
def test_output_shapes_as_keras(layer_class, kwargs, input_shape, output_shape):
    layer = layer_class(**kwargs)
    assert layer(np.zeros(input_shape)).shape == output_shape
    assert layer(L.Input(shape=input_shape[1:])).shape == (None,) + output_shape[1:]
    assert layer.compute_output_shape(input_shape) == output_shape
    assert layer.weights == [] and layer.built


def test_unknown_sizes_stay_unknown():
    assert L.MaxPooling2D()(L.Input(shape=(None, 8, 3))).shape == (None, None, 4, 3)
    assert L.GlobalMaxPooling1D()(L.Input(shape=(None, 5))).shape == (None, 5)


def test_default_strides_are_the_pool_size_and_config_round_trips():
    layer = L.MaxPooling2D((3, 2), padding="SAME", name="pool")
    assert layer.strides == (3, 2) and layer.padding == "same"
    config = layer.get_config()
    assert {k: config[k] for k in ("pool_size", "padding", "strides", "data_format")} == {
        "pool_size": (3, 2),
        "padding": "same",
        "strides": (3, 2),
        "data_format": "channels_last",
    }
    clone = L.MaxPooling2D.from_config(config)
    assert clone.get_config() == config
    assert L.MaxPooling1D().pool_size == (2,) and L.MaxPooling1D().strides == (2,)


# ------------------------------------------------------------------ layers: numbers


def test_max_pooling1d_numbers_like_keras():
    # Keras's test_max_pooling1d numbers: np.arange(24).reshape(2, 3, 4), pool 2, strides 1.
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    out = L.MaxPooling1D(2, strides=1)(x)
    np.testing.assert_array_equal(out, x[:, 1:, :])
    same = L.AveragePooling1D(2, strides=1, padding="same")(x)
    expected = np.concatenate([(x[:, :-1] + x[:, 1:]) / 2, x[:, -1:]], axis=1)
    np.testing.assert_array_equal(same, expected)


@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_2d(keepdims):
    x = np.random.default_rng(3).standard_normal((2, 4, 5, 3)).astype("float32")
    max_out = L.GlobalMaxPooling2D(keepdims=keepdims)(x)
    mean_out = L.GlobalAveragePooling2D(keepdims=keepdims)(x)
    np.testing.assert_array_equal(max_out, x.max(axis=(1, 2), keepdims=keepdims))
    np.testing.assert_allclose(mean_out, x.mean(axis=(1, 2), keepdims=keepdims), rtol=1e-6)
    expected_shape = (2, 1, 1, 3) if keepdims else (2, 3)
    assert max_out.shape == mean_out.shape == expected_shape
    assert L.GlobalMaxPooling2D(keepdims=keepdims).compute_output_shape(x.shape) == expected_shape


@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_1d_and_the_mask(keepdims):
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(
        L.GlobalMaxPooling1D(keepdims=keepdims)(x), x.max(axis=1, keepdims=keepdims)
    )
    layer = L.GlobalAveragePooling1D(keepdims=keepdims)
    np.testing.assert_array_equal(layer(x), x.mean(axis=1, keepdims=keepdims))
    # Keras's masked case: the mean over the unmasked steps only.
    mask = np.array([[1, 1, 0], [0, 1, 0]], dtype="int32")
    weights = mask[:, :, None]
    expected = (x * weights).sum(axis=1, keepdims=keepdims) / weights.sum(axis=1, keepdims=keepdims)
    np.testing.assert_allclose(layer(x, mask=mask), expected)
    assert layer.compute_mask(x, mask) is None


def test_global_average_pooling1d_after_a_masked_embedding_ignores_padding():
    ids = L.Input(shape=(5,), dtype="int32")
    embedded = L.Embedding(10, 3, mask_zero=True)(ids)
    pooled = L.GlobalAveragePooling1D()(embedded)
    assert pooled._keras_mask is None
    model = Model(ids, pooled)
    table = model.layers[1].get_weights()[0]
    out = model.predict(np.array([[4, 2, 0, 0, 0], [4, 2, 7, 7, 7]]))
    np.testing.assert_allclose(out[0], table[[4, 2]].mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(out[1], table[[4, 2, 7, 7, 7]].mean(axis=0), rtol=1e-6)


def test_global_max_gradient_reaches_only_the_max():
    x = np.random.default_rng(4).standard_normal((2, 3, 4, 2))
    errors = grad_check(L.GlobalMaxPooling2D(), x, rtol=0, atol=1e-7)
    assert list(errors) == ["input"]


# ------------------------------------------------------------------ errors


def test_a_pool_larger_than_the_input_names_layer_node_and_sizes():
    pool = L.MaxPooling2D(3, name="pool")
    pool(L.Input(shape=(8, 8, 1)))
    with pytest.raises(ValueError) as error:
        pool(L.Input(shape=(2, 8, 1)))
    message = str(error.value)
    assert "'pool' (MaxPooling2D)" in message and "node 1" in message
    assert "(3, 3) pool_size window" in message and "axis 1" in message and "size 2 < 3" in message
    assert "padding='same'" in message
    assert len(pool.inbound_nodes) == 1
    with pytest.raises(ValueError, match="on concrete data.*axis 2 of the input shape"):
        pool(np.zeros((1, 4, 2, 1)))
    assert L.MaxPooling2D(3, padding="same")(np.zeros((1, 2, 2, 1))).shape == (1, 1, 1, 1)
    with pytest.raises(ValueError, match=r"\(4,\) pool_size window.*size 3 < 4"):
        L.AveragePooling1D(4)(L.Input(shape=(3, 2)))


@pytest.mark.parametrize(
    "make, argument",
    [
        (lambda: L.MaxPooling2D(0), "pool_size"),
        (lambda: L.MaxPooling2D((2, 2, 2)), "pool_size"),
        (lambda: L.AveragePooling1D(2, strides=0), "strides"),
        (lambda: L.MaxPooling1D(2, padding="causal"), "padding"),
        (lambda: L.MaxPooling2D(2, padding="full"), "padding"),
        (lambda: L.GlobalMaxPooling1D(keepdims="yes"), "keepdims"),
    ],
)
def test_invalid_arguments_name_the_argument(make, argument):
    with pytest.raises(ValueError, match=f"argument `{argument}`"):
        make()


def test_wrong_rank_and_channels_first_explain_themselves():
    with pytest.raises(ValueError, match="rank 4.*channels axis of size 1"):
        L.MaxPooling2D()(L.Input(shape=(28, 28)))
    with pytest.raises(ValueError, match=r"rank 3.*\(batch, steps, channels\)"):
        L.GlobalAveragePooling1D()(L.Input(shape=(4, 4, 2)))
    with pytest.raises(ValueError, match="only supports 'channels_last'"):
        L.AveragePooling2D(data_format="channels_first")
