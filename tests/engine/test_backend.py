"""kerastutor.backend (the seeds' K): concrete values in, values out; symbolic in, symbolic out."""

import numpy as np
import pytest

from kerastutor import autodiff
from kerastutor import backend as K
from kerastutor.engine.backend_op import BackendOp
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.layers import Dense, Input
from kerastutor.models import Model


def random(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


# ------------------------------------------------------------ placeholders


def test_placeholder_has_exactly_the_given_shape():
    x = K.placeholder(shape=(2, 3))
    assert isinstance(x, KerasTensor)
    assert x.shape == (2, 3)  # no batch axis added
    assert x.dtype == "float32"
    assert repr(x) == "<KerasTensor shape=(2, 3), dtype=float32, name=placeholder>"
    assert K.placeholder(ndim=3).shape == (None, None, None)
    assert K.placeholder(shape=(None, 4), dtype="int32", name="ids").dtype == "int32"
    assert K.placeholder(shape=5).shape == (5,)
    assert K.is_keras_tensor(x)
    assert not K.is_keras_tensor(np.ones(2))


def test_placeholder_needs_a_shape_or_ndim():
    with pytest.raises(ValueError, match="needs `shape=`.*or `ndim=`"):
        K.placeholder()


def test_placeholder_names_are_numbered():
    names = [K.placeholder(shape=(1,)).name for _ in range(3)]
    assert names == ["placeholder", "placeholder_1", "placeholder_2"]


# ------------------------------------------------------------ dot


@pytest.mark.parametrize(
    ("x_shape", "y_shape", "expected"),
    [
        ((2, 3), (3, 4), (2, 4)),
        ((2, 3, 4), (4, 5), (2, 3, 5)),
        ((2, 3, 4), (7, 4, 5), (2, 3, 7, 5)),
        ((3,), (3, 4), (4,)),
        ((2, 3), (3,), (2,)),
        ((3,), (3,), ()),
        ((2, 4), (6, 4, 5), (2, 6, 5)),
        ((2, 3, 4), (2, 7, 4, 5), (2, 3, 2, 7, 5)),
        ((), (2, 3), (2, 3)),
    ],
)
def test_dot_follows_numpy_dot_for_any_rank(x_shape, y_shape, expected):
    # Keras 2's K.dot (keras.src.legacy.backend.dot) gives the same shapes and values
    # for these cases (checked against TensorFlow 2.21 by hand).
    x, y = random(*x_shape, seed=1), random(*y_shape, seed=2)
    result = K.dot(x, y)
    assert result.shape == expected
    np.testing.assert_allclose(result, np.dot(x, y), rtol=1e-5, atol=1e-5)
    symbolic = K.dot(K.placeholder(shape=x_shape), K.placeholder(shape=y_shape))
    assert symbolic.shape == expected


def test_dot_with_unknown_sizes():
    x = K.placeholder(shape=(None, 3))
    assert K.dot(x, K.placeholder(shape=(3, None))).shape == (None, None)
    assert K.dot(x, K.placeholder(shape=(None, 5))).shape == (None, 5)


@pytest.mark.parametrize(
    ("x_shape", "y_shape", "which"),
    [((2, 3), (4, 5), "second-to-last axis"), ((2, 3), (4,), "only axis")],
)
def test_dot_shape_mismatch_names_both_shapes_and_the_rule(x_shape, y_shape, which):
    for x, y in [
        (K.placeholder(shape=x_shape), K.placeholder(shape=y_shape)),
        (np.ones(x_shape), np.ones(y_shape)),
    ]:
        with pytest.raises(ValueError) as error:
            K.dot(x, y)
        message = str(error.value)
        assert f"K.dot cannot multiply shapes {x_shape} and {y_shape}" in message
        assert f"the last axis of x (size {x_shape[-1]}) must match the {which} of y" in message
        assert "np.dot" in message


def test_symbolic_dot_is_a_node_and_predicts_inside_a_model():
    x = Input((3,))
    weights = K.variable(random(3, 4, seed=3))
    y = K.dot(x, weights)
    assert y.shape == (None, 4)
    layer, node_index, tensor_index = y._keras_history
    assert isinstance(layer, BackendOp)
    assert (layer.name, node_index, tensor_index) == ("dot", 0, 0)
    assert layer.get_input_at(0) is x
    model = Model(x, Dense(2)(y))
    data = random(5, 3, seed=4)
    hidden = data @ K.get_value(weights)
    np.testing.assert_allclose(model.predict(data), model.layers[-1](hidden), atol=1e-5)
    # The captured Variable is a weight of the op, so the model counts (and trains) it.
    assert layer.weights == [weights]
    assert model.count_params() == 12 + 10


def test_model_of_placeholders_computes_the_product():
    x = K.placeholder(shape=(2, 3))
    y = K.placeholder(shape=(3, 4))
    model = Model([x, y], K.dot(x, y))
    first, second = random(2, 3, seed=5), random(3, 4, seed=6)
    np.testing.assert_allclose(model([first, second]), first @ second, atol=1e-6)


def test_symbolic_ops_chain_and_mix_with_layers():
    x = Input((4, 3))
    scores = K.softmax(K.dot(x, K.transpose(K.placeholder(shape=(2, 3)))))
    assert scores.shape == (None, 4, 2)
    y = K.concatenate([K.mean(x, axis=1), K.sum(scores, axis=-1)], axis=-1)
    assert y.shape == (None, 7)
    assert K.int_shape(K.reshape(x, (-1, 12))) == (None, 12)
    assert K.int_shape(K.reshape(K.placeholder(shape=(2, 6)), (3, -1))) == (3, 4)


def test_symbolic_shape_is_known_at_run_time():
    x = Input((None, 3))
    dynamic = K.shape(x)
    assert dynamic.shape == (3,)
    assert dynamic.dtype == "int32"
    assert K.int_shape(x) == (None, None, 3)
    model = Model(x, dynamic)
    np.testing.assert_array_equal(model(np.ones((2, 5, 3))), [2, 5, 3])
    np.testing.assert_array_equal(K.shape(np.ones((2, 5))), [2, 5])


def test_backend_function_runs_a_graph():
    x = K.placeholder(shape=(None, 3))
    f = K.function([x], [K.square(x), K.sum(x, axis=1)])
    data = random(4, 3)
    squares, sums = f([data])
    np.testing.assert_allclose(squares, data**2, atol=1e-6)
    np.testing.assert_allclose(sums, data.sum(axis=1), atol=1e-5)


def test_backend_ops_round_trip_through_config():
    x = Input((3,))
    weights = K.variable(np.arange(6).reshape(3, 2))
    model = Model(x, K.concatenate([K.dot(x, weights), K.mean(x, axis=-1, keepdims=True)]))
    clone = Model.from_config(model.get_config())
    data = random(2, 3)
    np.testing.assert_allclose(clone.predict(data), model.predict(data), atol=1e-6)


def test_gradients_flow_through_backend_ops():
    weights = K.variable(random(3, 2, seed=7))
    data = random(4, 3, seed=8)
    with autodiff.watch([weights]):
        loss = K.sum(K.square(K.dot(data, weights)))
        loss.backward()
    expected = 2 * data.T @ (data @ K.get_value(weights))
    np.testing.assert_allclose(weights.grad, expected, rtol=1e-4, atol=1e-4)


def test_n_d_dot_gradients_match_central_differences():
    x, y = random(2, 3, seed=9).astype("float64"), random(4, 3, 5, seed=10).astype("float64")
    variable = autodiff.Variable(y, name="y")
    with autodiff.watch([variable]):
        K.sum(K.dot(x, variable)).backward()
    numeric = np.zeros_like(y)
    step = 1e-6
    for index in np.ndindex(y.shape):
        bumped = y.copy()
        bumped[index] += step
        numeric[index] = (np.dot(x, bumped).sum() - np.dot(x, y).sum()) / step
    np.testing.assert_allclose(variable.grad, numeric, atol=1e-5)


# ------------------------------------------------------------ describing and values


def test_int_shape_ndim_dtype():
    x = K.placeholder(shape=(None, 3))
    assert (K.int_shape(x), K.ndim(x), K.dtype(x)) == ((None, 3), 2, "float32")
    array = np.ones((2, 5), dtype="int32")
    assert (K.int_shape(array), K.ndim(array), K.dtype(array)) == ((2, 5), 2, "int32")
    variable = K.variable(np.ones((4,)))
    assert (K.int_shape(variable), K.ndim(variable), K.dtype(variable)) == ((4,), 1, "float32")
    with pytest.raises(TypeError, match="K.int_shape expects a tensor"):
        K.int_shape([1, 2])


def test_variables_and_constants():
    variable = K.variable([[1, 2], [3, 4]], name="w")
    assert variable.name == "w"
    assert K.get_value(variable).dtype == np.float32
    np.testing.assert_array_equal(K.eval(variable), [[1, 2], [3, 4]])
    K.eval(variable)[0, 0] = 100  # eval returns a copy
    assert K.get_value(variable)[0, 0] == 1
    K.set_value(variable, np.zeros((2, 2)))
    np.testing.assert_array_equal(K.get_value(variable), 0)
    with pytest.raises(ValueError, match="shape"):
        K.set_value(variable, np.zeros(3))
    with pytest.raises(TypeError, match="needs a Variable"):
        K.set_value(np.zeros(2), np.ones(2))
    np.testing.assert_array_equal(K.get_value(K.zeros((2, 3))), np.zeros((2, 3)))
    np.testing.assert_array_equal(K.eval(K.ones((2,), dtype="int32")), [1, 1])
    assert K.ones((2,), dtype="int32").data.dtype == np.int32
    constant = K.constant(2.0, shape=(2, 2))
    assert constant.dtype == np.float32 and constant.shape == (2, 2)
    np.testing.assert_array_equal(K.eval([1.0, 2.0]), [1.0, 2.0])


@pytest.mark.parametrize("function", [K.eval, K.get_value])
def test_symbolic_tensors_have_no_value(function):
    x = K.placeholder(shape=(2, 3))
    with pytest.raises(TypeError) as error:
        function(x)
    message = str(error.value)
    assert "a symbolic tensor has a shape but no value" in message
    assert "model.predict" in message and "K.function" in message


def test_concatenate_checks_shapes():
    np.testing.assert_array_equal(
        K.concatenate([np.ones((2, 1)), np.zeros((2, 2))]), [[1, 0, 0], [1, 0, 0]]
    )
    assert K.concatenate([K.placeholder(shape=(None, 2)), np.ones((3, 4))], axis=1).shape == (3, 6)
    with pytest.raises(ValueError, match=r"axis 0 has sizes 2 and 3"):
        K.concatenate([np.ones((2, 1)), np.ones((3, 1))])
    with pytest.raises(ValueError, match="same rank"):
        K.concatenate([K.placeholder(shape=(2,)), K.placeholder(shape=(2, 1))])
    with pytest.raises(ValueError, match="non-empty list"):
        K.concatenate([])


def test_reshape_checks_the_number_of_values():
    with pytest.raises(ValueError, match=r"shape \(2, 3\) \(6 values\) into \(4, -1\)"):
        K.reshape(np.ones((2, 3)), (4, -1))
    with pytest.raises(ValueError, match="only one axis may be -1"):
        K.reshape(K.placeholder(shape=(2, 3)), (-1, -1))


def test_elementwise_and_reductions_on_values():
    data = random(2, 3)
    np.testing.assert_allclose(K.relu(data), np.maximum(data, 0))
    np.testing.assert_allclose(K.sigmoid(data), 1 / (1 + np.exp(-data)), atol=1e-6)
    np.testing.assert_allclose(K.tanh(data), np.tanh(data), atol=1e-6)
    np.testing.assert_allclose(K.abs(data), np.abs(data))
    np.testing.assert_allclose(K.exp(K.log(K.abs(data))), np.abs(data), rtol=1e-5)
    np.testing.assert_allclose(K.sqrt(K.square(data)), np.abs(data), rtol=1e-5)
    np.testing.assert_allclose(K.softmax(data).sum(axis=-1), 1, atol=1e-6)
    np.testing.assert_allclose(K.mean(data, axis=(0, 1)), data.mean(), atol=1e-6)
    assert K.sum(K.placeholder(shape=(2, 3, 4)), axis=[0, 2]).shape == (3,)
    assert K.sum(K.placeholder(shape=(2, 3)), keepdims=True).shape == (1, 1)


def test_clear_session_restarts_backend_names():
    K.dot(K.placeholder(shape=(1, 1)), K.placeholder(shape=(1, 1)))
    K.clear_session()
    assert K.dot(K.placeholder(shape=(1, 1)), K.placeholder(shape=(1, 1))).name == "dot[0][0]"


def test_symbolic_ops_compute_in_their_declared_dtype():
    x = K.placeholder(shape=(None, 3))
    y = K.concatenate([x, K.square(x)])
    assert y.dtype == "float32"
    out = Model(x, y).predict(np.arange(6).reshape(2, 3))  # int64 data
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0, 1, 2, 0, 1, 4], [3, 4, 5, 9, 16, 25]])
    ids = K.placeholder(shape=(None, 3), dtype="int32")
    assert K.shape(ids).dtype == "int32"
    assert Model(ids, K.shape(ids)).predict(np.zeros((2, 3), dtype="int32")).dtype == np.int32


def test_the_same_tensor_twice():
    p = K.placeholder(shape=(3, 3))
    square = K.dot(p, p)
    assert p._keras_history.layer.name == "placeholder"
    assert square.node.describe_inputs() == ["placeholder[0][0]", "placeholder[0][0]"]
    a = np.arange(9.0).reshape(3, 3)
    np.testing.assert_allclose(Model(p, square)(a), a @ a)
