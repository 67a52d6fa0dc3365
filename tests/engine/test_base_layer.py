"""The base Layer: keyword arguments, names, weights and building."""

import numpy as np
import pytest

from kerastutor import backend as K
from kerastutor import ops
from kerastutor.engine.base_layer import ALLOWED_KWARGS
from kerastutor.layers import LSTM, Conv2D, Dense, Embedding, Input, Layer
from kerastutor.models import Model, Sequential

# ------------------------------------------------------------ keyword arguments


@pytest.mark.parametrize("make", [Dense, lambda **kw: Embedding(3, 2, **kw), Layer])
def test_unknown_keyword_argument_raises_keras_2_type_error(make):
    with pytest.raises(TypeError) as error:
        make(**({"units": 2} if make is Dense else {}), kernel_initialiser="zeros")
    assert error.value.args == ("Keyword argument not understood:", "kernel_initialiser")


def test_the_seed_s_allowed_keyword_arguments_are_accepted():
    assert set(ALLOWED_KWARGS) == {
        "input_shape",
        "batch_input_shape",
        "batch_size",
        "dtype",
        "name",
        "trainable",
        "weights",
        "input_dtype",
    }
    layer = Dense(
        2,
        input_shape=(3,),
        batch_size=4,
        dtype="float32",
        name="my_dense",
        trainable=False,
        weights=[np.ones((3, 2)), np.zeros(2)],
    )
    assert layer.name == "my_dense"
    assert layer.trainable is False
    assert layer.dtype == "float32"
    assert layer.get_config()["batch_input_shape"] == (4, 3)


def test_input_shape_on_the_first_layer_creates_the_sequential_input():
    model = Sequential([Dense(2, input_shape=(3,)), Dense(1)])
    assert model.input_shape == (None, 3)
    assert model.output_shape == (None, 1)
    batch_model = Sequential([Dense(2, batch_input_shape=(5, 3))])
    assert batch_model.input_shape == (5, 3)


def test_layer_name_must_be_a_non_empty_string():
    with pytest.raises(TypeError, match="non-empty string"):
        Dense(2, name="")
    with pytest.raises(TypeError, match="non-empty string"):
        Dense(2, name=3)


# ------------------------------------------------------------ names


def test_names_are_unique_per_class_as_in_keras():
    names = [Dense(1).name, Dense(1).name, LSTM(1).name, Dense(1).name, Conv2D(1, 1).name]
    assert names == ["dense", "dense_1", "lstm", "dense_2", "conv2d"]
    inputs = [Input((1,)), Input((1,))]
    assert [t._keras_history.layer.name for t in inputs] == ["input_1", "input_2"]


def test_clear_session_restarts_the_numbering():
    Dense(1)
    Dense(1)
    K.clear_session()
    assert Dense(1).name == "dense"


def test_explicit_names_do_not_use_up_the_numbering():
    Dense(1, name="head")
    assert Dense(1).name == "dense"


def test_snake_case_names_of_custom_layers():
    class MyFancyLayer(Layer):
        pass

    assert MyFancyLayer().name == "my_fancy_layer"
    assert MyFancyLayer().name == "my_fancy_layer_1"


# ------------------------------------------------------------ weights and building


def test_weights_argument_is_applied_when_the_layer_is_built():
    kernel = np.arange(6, dtype="float32").reshape(3, 2)
    bias = np.array([1.0, -1.0])
    layer = Dense(2, weights=[kernel, bias])
    assert not layer.built
    assert layer.weights == []
    out = layer(np.ones((1, 3)))
    np.testing.assert_array_equal(layer.get_weights()[0], kernel)
    np.testing.assert_array_equal(layer.get_weights()[1], bias)
    np.testing.assert_allclose(out, np.ones((1, 3)) @ kernel + bias)
    assert all(w.dtype == np.float32 for w in layer.get_weights())


def test_weights_argument_is_applied_on_a_symbolic_build_too():
    kernel = np.full((4, 1), 0.5)
    layer = Dense(1, use_bias=False, weights=[kernel])
    x = Input((4,))
    model = Model(x, layer(x))
    np.testing.assert_allclose(model.predict(np.ones((2, 4))), [[2.0], [2.0]])


def test_weights_argument_with_a_wrong_shape_fails_at_build():
    layer = Dense(2, weights=[np.ones((3, 3)), np.zeros(2)])
    with pytest.raises(ValueError) as error:
        layer(np.ones((1, 3)))
    message = str(error.value)
    assert "weights=" in message
    assert "'kernel' has shape (3, 2)" in message
    assert "(3, 3)" in message


def test_set_weights_with_a_wrong_shape_leaves_the_weights_untouched():
    layer = Dense(2)
    layer(np.ones((1, 3)))
    before = layer.get_weights()
    new_kernel = np.full((3, 2), 7.0)
    with pytest.raises(ValueError, match=r"weight 'bias' has shape \(2,\).*shape \(3,\)"):
        layer.set_weights([new_kernel, np.zeros(3)])
    for old, now in zip(before, layer.get_weights(), strict=True):
        np.testing.assert_array_equal(old, now)


def test_set_weights_with_the_wrong_number_of_arrays_names_the_weights():
    layer = Dense(2)
    layer(np.ones((1, 3)))
    with pytest.raises(ValueError) as error:
        layer.set_weights([np.ones((3, 2))])
    message = str(error.value)
    assert "list of 1 arrays" in message
    assert "has 2 weights (kernel (3, 2), bias (2,))" in message


def test_set_weights_casts_to_the_weight_dtype_and_copies():
    layer = Dense(1)
    layer(np.ones((1, 2)))
    kernel = np.array([[1.0], [2.0]], dtype="float64")
    layer.set_weights([kernel, np.zeros(1)])
    kernel[0, 0] = 100.0
    assert layer.get_weights()[0].dtype == np.float32
    assert layer.get_weights()[0][0, 0] == 1.0


def test_get_weights_returns_copies():
    layer = Dense(1)
    layer(np.ones((1, 2)))
    layer.get_weights()[0][:] = 5.0
    assert not np.any(layer.get_weights()[0] == 5.0)


def test_count_params_before_build_explains_why():
    layer = Dense(3, name="head")
    with pytest.raises(ValueError) as error:
        layer.count_params()
    message = str(error.value)
    assert "count_params" in message
    assert "'head'" in message
    assert "isn't built yet" in message
    layer(Input((4,)))
    assert layer.count_params() == 15


def test_trainable_false_moves_weights_to_non_trainable():
    layer = Dense(2, trainable=False)
    layer(np.ones((1, 3)))
    assert layer.trainable_weights == []
    assert [w.name for w in layer.non_trainable_weights] == ["dense/kernel", "dense/bias"]
    layer.trainable = True
    assert len(layer.trainable_weights) == 2


def test_custom_layer_from_the_docstring_builds_and_infers_its_shape():
    class Scale(Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

        def call(self, inputs):
            return ops.multiply(inputs, self.scale)

    layer = Scale()
    x = Input((5, 3))
    y = layer(x)
    assert y.shape == (None, 5, 3)
    assert layer.count_params() == 3
    model = Model(x, y)
    data = np.random.default_rng(0).standard_normal((2, 5, 3)).astype("float32")
    np.testing.assert_allclose(model.predict(data), data)


def test_failed_call_adds_no_node():
    layer = Dense(2)
    layer(Input((3,)))
    with pytest.raises(ValueError, match="node 1"):
        layer(Input((4,)))
    assert len(layer.inbound_nodes) == 1
    assert layer(Input((3,)))._keras_history.node_index == 1


def test_mixing_symbolic_and_concrete_inputs_is_refused():
    from kerastutor.layers import Add

    with pytest.raises(TypeError, match="mix of symbolic tensors and concrete data"):
        Add()([Input((2,)), np.ones((1, 2))])
