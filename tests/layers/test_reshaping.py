"""Reshape, Permute, Flatten(channels_first), UpSampling, ZeroPadding, Cropping, Lambda."""

import json

import numpy as np
import pytest

from kerastutor import autodiff, ops, saving
from kerastutor import layers as L
from kerastutor.models import Model, Sequential

rng = np.random.default_rng(7)


def normal(*shape):
    return rng.standard_normal(shape).astype("float32")


def assert_no_node_and_not_built(layer):
    assert not layer.built
    assert layer.inbound_nodes == []


# ------------------------------------------------------------------ Reshape


@pytest.mark.parametrize(
    "target, input_shape, expected",
    [
        ((8, 1), (3, 2, 4), (3, 8, 1)),
        ((8,), (3, 2, 4), (3, 8)),
        ((2, 4), (3, 8), (3, 2, 4)),
        ((-1, 1), (3, 2, 4), (3, 8, 1)),
        ((1, -1), (3, 2, 4), (3, 1, 8)),
        ((-1,), (3, 2, 4), (3, 8)),
        ((2, -1), (3, 2, 4), (3, 2, 4)),
    ],
)
def test_reshape_shapes_and_numbers(target, input_shape, expected):
    x = normal(*input_shape)
    layer = L.Reshape(target)
    out = layer(x)
    assert out.shape == expected
    np.testing.assert_array_equal(out, x.reshape(expected))
    assert layer.compute_output_shape((None, *input_shape[1:])) == (None, *expected[1:])


def test_reshape_symbolic_shapes_with_unknown_sizes():
    assert L.Reshape((8,))(L.Input(shape=(2, 4))).shape == (None, 8)
    assert L.Reshape((-1, 8))(L.Input(shape=(6, 4))).shape == (None, 3, 8)
    assert L.Reshape((-1, 3)).compute_output_shape((4, 6, None, 3)) == (4, None, 3)
    # Keeps a known batch size and a target without -1 even when a size is unknown.
    assert L.Reshape((3, 5))(L.Input(batch_shape=(2, None))).shape == (2, 3, 5)


def test_reshape_minus_one_follows_each_call():
    layer = L.Reshape((-1, 8))
    assert layer(np.ones((1, 6, 4))).shape == (1, 3, 8)
    assert layer(np.ones((1, 10, 4))).shape == (1, 5, 8)


def test_reshape_model_with_varying_length_trains_and_predicts():
    model = Sequential([L.Input(shape=(None, 2)), L.Reshape((-1, 8))])
    model.compile(loss="mse", optimizer="sgd")
    model.fit(np.ones((1, 12, 2)), np.zeros((1, 3, 8)), verbose=0)
    for length, steps in [(12, 3), (20, 5), (24, 6)]:
        assert model.predict(np.ones((1, length, 2))).shape == (1, steps, 8)


def test_reshape_rejects_invalid_target_shapes():
    with pytest.raises(ValueError, match=r"non-negative integer.*-1.*target_shape=\(-2, 5\)"):
        L.Reshape(target_shape=(-2, 5))
    with pytest.raises(ValueError, match=r"single unknown dimension.*\(-1, -1, 5\)"):
        L.Reshape(target_shape=(-1, -1, 5))
    with pytest.raises(TypeError, match="tuple of integers"):
        L.Reshape(6)


def test_reshape_size_mismatch_names_layer_node_and_totals():
    x = L.Input(shape=(3, 4))
    L.Dense(2)(x)
    layer = L.Reshape((5, 2), name="bad_reshape")
    with pytest.raises(ValueError) as error:
        layer(x)
    message = str(error.value)
    assert "'bad_reshape' (Reshape) cannot be called as its node 0" in message
    assert "(3, 4), i.e. 3 * 4 = 12 numbers" in message
    assert "5 * 2 = 10 numbers" in message
    assert_no_node_and_not_built(layer)
    with pytest.raises(ValueError, match=r"on concrete data.*dimension 0 \(the -1\)"):
        L.Reshape((-1, 5))(np.zeros((2, 3, 4)))


def test_reshape_gradient_is_reshaped_back():
    x = autodiff.Variable(normal(2, 3, 4), name="x")
    with autodiff.watch([x]):
        ops.sum(ops.multiply(L.Reshape((4, 3))(x), np.arange(12.0).reshape(4, 3))).backward()
    np.testing.assert_array_equal(x.grad, np.broadcast_to(np.arange(12.0).reshape(3, 4), (2, 3, 4)))


# ------------------------------------------------------------------ Permute


def test_permute_moves_the_numbers_with_their_axes():
    x = normal(2, 3, 4, 5)
    out = L.Permute((3, 1, 2))(x)
    np.testing.assert_array_equal(out, np.transpose(x, (0, 3, 1, 2)))
    assert L.Permute((2, 1))(L.Input(shape=(3, 5))).shape == (None, 5, 3)


@pytest.mark.parametrize("dims", [(1, 3), (0, 1, 2), (2, 2)])
def test_permute_rejects_dims_that_are_not_a_permutation(dims):
    with pytest.raises(ValueError, match="Invalid permutation .*dims"):
        L.Permute(dims)


def test_permute_wrong_rank_is_refused_before_any_node():
    layer = L.Permute((2, 1), name="swap")
    with pytest.raises(ValueError, match=r"'swap' \(Permute\).*rank 3.*reorders 2 axes"):
        layer(L.Input(shape=(2, 3, 4)))
    assert layer.inbound_nodes == []


# ------------------------------------------------------------------ Flatten


def test_flatten_channels_first_matches_channels_last_of_the_same_image():
    channels_last = normal(2, 3, 4, 5)
    channels_first = np.transpose(channels_last, (0, 3, 1, 2))
    np.testing.assert_array_equal(
        L.Flatten(data_format="channels_first")(channels_first), L.Flatten()(channels_last)
    )
    layer = L.Flatten(data_format="channels_first")
    assert layer(L.Input(shape=(5, 3, 4))).shape == (None, 60)
    assert layer.get_config()["data_format"] == "channels_first"
    # Rank 2 has nothing to move.
    x = normal(3, 4)
    np.testing.assert_array_equal(L.Flatten(data_format="channels_first")(x), x)


# ------------------------------------------------------------------ UpSampling


def test_up_sampling1d_repeats_each_step():
    x = normal(2, 3, 4)
    out = L.UpSampling1D(size=2)(x)
    np.testing.assert_array_equal(out, np.repeat(x, 2, axis=1))
    assert L.UpSampling1D(3)(L.Input(shape=(None, 4))).shape == (None, None, 4)


@pytest.mark.parametrize("size", [0, -2])
def test_up_sampling1d_size_must_be_positive(size):
    with pytest.raises(ValueError, match="should be a positive integer"):
        L.UpSampling1D(size=size)


@pytest.mark.parametrize("size", [1.5, "2", (2,)])
def test_up_sampling1d_size_must_be_an_integer(size):
    with pytest.raises(TypeError, match="integer value for `size`"):
        L.UpSampling1D(size=size)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_up_sampling2d_matches_numpy_repeat(data_format):
    x = normal(2, 3, 4, 5)
    out = L.UpSampling2D((2, 3), data_format=data_format)(x)
    first = 2 if data_format == "channels_first" else 1
    expected = np.repeat(np.repeat(x, 2, axis=first), 3, axis=first + 1)
    np.testing.assert_array_equal(out, expected)


def test_up_sampling2d_refuses_other_interpolations():
    with pytest.raises(ValueError, match="only implements 'nearest'"):
        L.UpSampling2D(interpolation="bilinear")
    with pytest.raises(ValueError, match="data_format"):
        L.UpSampling2D(data_format="channels_middle")


def test_up_sampling_gradient_sums_the_copies():
    x = autodiff.Variable(normal(1, 2, 1), name="x")
    with autodiff.watch([x]):
        ops.sum(L.UpSampling1D(3)(x)).backward()
    np.testing.assert_array_equal(x.grad, np.full((1, 2, 1), 3.0))


# ------------------------------------------------------------------ ZeroPadding


def test_zero_padding1d_matches_numpy_pad():
    x = normal(2, 3, 4)
    np.testing.assert_array_equal(L.ZeroPadding1D((1, 2))(x), np.pad(x, ((0, 0), (1, 2), (0, 0))))
    np.testing.assert_array_equal(
        L.ZeroPadding1D(2, data_format="channels_first")(x), np.pad(x, ((0, 0), (0, 0), (2, 2)))
    )


@pytest.mark.parametrize(
    "padding, expected",
    [
        (1, ((1, 1), (1, 1))),
        ((1, 2), ((1, 1), (2, 2))),
        (((1, 2), (3, 4)), ((1, 2), (3, 4))),
    ],
)
def test_zero_padding2d_forms_of_padding(padding, expected):
    x = normal(2, 3, 4, 2)
    layer = L.ZeroPadding2D(padding)
    assert layer.padding == expected
    np.testing.assert_array_equal(layer(x), np.pad(x, ((0, 0), *expected, (0, 0))))
    assert json.loads(json.dumps(layer.get_config()))["padding"] == [list(p) for p in expected]


@pytest.mark.parametrize("padding", [(1, 2, 3), "1", -1, ((1, 2), (3, -4)), ((1, 2, 3), (1, 2))])
def test_zero_padding2d_rejects_bad_padding(padding):
    with pytest.raises(ValueError):
        L.ZeroPadding2D(padding)


@pytest.mark.parametrize("padding", [(1, 2, 3), "1", -1, (1, -1), (1.5, 2)])
def test_zero_padding1d_rejects_bad_padding(padding):
    with pytest.raises(ValueError):
        L.ZeroPadding1D(padding)


# ------------------------------------------------------------------ Cropping


def test_cropping1d_keeps_the_middle():
    x = normal(2, 6, 3)
    np.testing.assert_array_equal(L.Cropping1D((1, 2))(x), x[:, 1:4])
    np.testing.assert_array_equal(L.Cropping1D((2, 0))(x), x[:, 2:])


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_cropping2d_keeps_the_middle(data_format):
    x = normal(2, 5, 6, 3) if data_format == "channels_last" else normal(2, 3, 5, 6)
    out = L.Cropping2D(((1, 2), (0, 3)), data_format=data_format)(x)
    expected = x[:, 1:3, 0:3] if data_format == "channels_last" else x[:, :, 1:3, 0:3]
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("cropping", [(1,), (1, 2, 3), "1"])
def test_cropping1d_rejects_bad_cropping(cropping):
    with pytest.raises(ValueError):
        L.Cropping1D(cropping=cropping)


@pytest.mark.parametrize(
    "cropping", [(1,), (1, 2, 3), "1", ((1, 2), (3, 4, 5)), ((1, 2), (3, -4)), ((1, 2), "3"), -1]
)
def test_cropping2d_rejects_bad_cropping(cropping):
    with pytest.raises(ValueError):
        L.Cropping2D(cropping=cropping)


def test_cropping_more_than_the_input_names_layer_node_and_sizes():
    x = L.Input(shape=(5, 2))
    layer = L.Cropping1D((3, 2), name="crop")
    with pytest.raises(ValueError) as error:
        layer(x)
    assert "'crop' (Cropping1D) cannot be called as its node 0" in str(error.value)
    assert "removes 5 steps" in str(error.value) and "has only 5" in str(error.value)
    assert_no_node_and_not_built(layer)
    with pytest.raises(ValueError, match="on concrete data.*removes 4 columns.*only 4"):
        L.Cropping2D(((0, 0), (2, 2)))(np.zeros((1, 3, 4, 1)))


# ------------------------------------------------------------------ Lambda


def double(x):
    return x * 2


def test_lambda_computes_and_passes_arguments_mask_and_training():
    np.testing.assert_array_equal(L.Lambda(lambda x: x + 1)(np.ones((1, 2))), [[2.0, 2.0]])
    summed = L.Lambda(ops.sum, arguments={"axis": 1})(np.ones((2, 3)))
    np.testing.assert_array_equal(summed, [3.0, 3.0])

    def scaled(x, training=None):
        return x * (10.0 if training else 1.0)

    layer = L.Lambda(scaled)
    assert float(layer(np.ones((1, 1)), training=True)[0, 0]) == 10.0
    assert float(layer(np.ones((1, 1)))[0, 0]) == 1.0


def test_lambda_output_shapes():
    x = L.Input(shape=(3, 4))
    assert L.Lambda(lambda t: ops.sum(t, axis=-1))(x).shape == (None, 3)
    assert L.Lambda(double, output_shape=(3, 4))(x).shape == (None, 3, 4)
    assert L.Lambda(double, output_shape=lambda s: s)(x).shape == (None, 3, 4)


def test_lambda_with_a_named_function_saves_and_loads(tmp_path):
    x = L.Input(shape=(2,))
    model = Model(x, L.Dense(1)(L.Lambda(double)(x)))
    path = tmp_path / "model.keras"
    model.save(path)
    with pytest.raises(ValueError, match=r"custom_objects=\{'double': double\}"):
        saving.load_model(path)
    loaded = saving.load_model(path, custom_objects={"double": double})
    data = normal(3, 2)
    np.testing.assert_allclose(loaded.predict(data), model.predict(data))
    tanh_layer = L.Lambda(ops.tanh)
    assert L.Lambda.from_config(tanh_layer.get_config()).function is ops.tanh


def test_lambda_of_a_builtin_op_is_written_as_keras_writes_keras_ops():
    # Keras 3 saves Lambda(keras.ops.tanh) under module 'builtins' and finds it
    # again by name; a learner's own function keeps its module.
    function = L.Lambda(ops.tanh).get_config()["function"]
    assert function == {
        "module": "builtins",
        "class_name": "function",
        "config": "tanh",
        "registered_name": "function",
    }
    assert L.Lambda(double).get_config()["function"]["module"] == double.__module__


def test_lambda_of_a_python_lambda_refuses_to_save(tmp_path):
    x = L.Input(shape=(2,))
    model = Model(x, L.Lambda(lambda t: t * 2, name="doubler")(x))
    np.testing.assert_array_equal(model.predict(np.ones((1, 2))), [[2.0, 2.0]])
    with pytest.raises(ValueError, match=r"'doubler' cannot be saved.*Python lambda.*marshal"):
        model.save(tmp_path / "model.keras")


def test_lambda_saved_by_keras_with_bytecode_is_refused_on_load():
    config = L.Lambda(double, name="from_keras").get_config()
    config["function"] = {"class_name": "__lambda__", "config": {"code": "4wEAAA=="}}
    with pytest.raises(ValueError, match="'from_keras'.*bytecode.*refuses"):
        L.Lambda.from_config(config)


def test_lambda_needs_a_function():
    with pytest.raises(TypeError, match="needs a function"):
        L.Lambda(3)
