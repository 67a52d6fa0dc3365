"""Operators on tensors, weights and symbolic tensors (issue 9).

Code reads like the equations (`inputs @ self.kernel + self.bias`) because
every operator is the `kerastutor.ops` function of the same meaning: on
arrays it computes, on watched tensors it records a gradient, and on
symbolic tensors it records an op node named as Keras 3 names it.
"""

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import autodiff, ops
from kerastutor.autodiff import Tensor, Variable, watch
from kerastutor.engine import naming
from kerastutor.utils import grad_check

RNG = np.random.default_rng(0)


def normal(*shape):
    return RNG.standard_normal(shape).astype("float64")


# ------------------------------------------------------------ eager tensors


@pytest.mark.parametrize(
    "expression, numpy_expression",
    [
        (lambda a, b: a + b, np.add),
        (lambda a, b: a - b, np.subtract),
        (lambda a, b: a * b, np.multiply),
        (lambda a, b: a / b, np.divide),
        (lambda a, b: a @ b.T, lambda a, b: a @ b.T),
        (lambda a, b: -a + abs(b), lambda a, b: -a + np.abs(b)),
        (lambda a, b: 2.0 * a - b / 3.0, lambda a, b: 2.0 * a - b / 3.0),
        (lambda a, b: a[:, 1:3] * b[:, :2], lambda a, b: a[:, 1:3] * b[:, :2]),
    ],
)
def test_tensor_operators_compute_and_differentiate(expression, numpy_expression):
    a, b = normal(3, 4), normal(3, 4) + 3.0
    expected = numpy_expression(a, b)
    np.testing.assert_allclose(expression(Tensor(a), Tensor(b)).data, expected)
    grad_check(lambda x, y: expression(x, y), [a, b])


def test_an_array_on_the_left_hands_the_operation_to_the_variable():
    kernel = Variable(normal(4, 2), "dense/kernel")
    bias = Variable(normal(2), "dense/bias")
    x = normal(5, 4)
    # Unwatched weights: plain NumPy out, nothing recorded (what predict does).
    out = x @ kernel + bias
    assert type(out) is np.ndarray
    np.testing.assert_allclose(out, x @ kernel.data + bias.data)
    # Watched weights: the same expression records the gradient.
    with watch([kernel, bias]):
        loss = ops.sum((x @ kernel + bias) * 3.0)
        loss.backward()
    np.testing.assert_allclose(kernel.grad, 3.0 * x.sum(axis=0)[:, None] * np.ones((4, 2)))
    np.testing.assert_allclose(bias.grad, np.full(2, 15.0))


def test_a_variable_reads_like_an_array():
    variable = Variable(np.arange(6.0).reshape(2, 3), "v")
    assert np.asarray(variable).shape == (2, 3)
    assert variable.ndim == 2 and len(variable) == 2
    np.testing.assert_array_equal(variable.value, variable.numpy())
    assert variable.path == "v"
    np.testing.assert_array_equal(variable[1], [3.0, 4.0, 5.0])


def test_a_custom_layer_written_with_operators_trains():
    class Linear(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="ones", name="w")
            self.b = self.add_weight(shape=(2,), initializer="zeros", name="b")

        def call(self, inputs):
            return inputs @ self.w + self.b

    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, Linear()(inputs))
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 3), "float32")
    y = np.zeros((8, 2), "float32")
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=3, verbose=0)
    assert model.evaluate(x, y, verbose=0) < first
    np.testing.assert_allclose(model.predict(x), x @ model.weights[0].data + model.weights[1].data)


# ------------------------------------------------------------ symbolic tensors


def two_inputs():
    return keras.Input((3,), name="a"), keras.Input((3,), name="b")


def test_symbolic_arithmetic_records_op_nodes_named_as_in_keras_3():
    a, b = two_inputs()
    total = a + b
    scaled = 2.0 * total
    first = scaled[:, 0]
    product = ops.matmul(total, np.ones((3, 2), "float32"))
    names = [t._keras_history.layer.name for t in (total, scaled, first, product)]
    assert names == ["add", "multiply", "get_item", "matmul"]
    assert [t.shape for t in (total, scaled, first, product)] == [
        (None, 3),
        (None, 3),
        (None,),
        (None, 2),
    ]
    model = keras.Model([a, b], [first, product])
    # Op nodes are not layers (as in Keras 3), but they are in the graph and the summary.
    assert [layer.name for layer in model.layers] == ["a", "b"]
    assert [op.name for op in model.operations][2:] == ["add", "multiply", "get_item", "matmul"]
    lines = []
    model.summary(print_fn=lines.append)
    rows = [line.split()[:2] for line in lines if line.startswith(("add", "get_item"))]
    assert rows == [["add", "(Add)"], ["get_item", "(GetItem)"]]


def test_op_nodes_compute_the_numbers_and_survive_a_config_round_trip():
    a, b = two_inputs()
    out = (a - b) * (a - b) / (abs(b) + 1.0)
    head = keras.layers.Dense(2)
    model = keras.Model([a, b], [out[:, 1:], head(-out)])
    xa, xb = normal(4, 3).astype("float32"), normal(4, 3).astype("float32")
    expected = (xa - xb) ** 2 / (np.abs(xb) + 1.0)
    got = model.predict([xa, xb])
    np.testing.assert_allclose(got[0], expected[:, 1:], rtol=1e-6)
    rebuilt = keras.Model.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    for mine, theirs in zip(model.predict([xa, xb]), rebuilt.predict([xa, xb]), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6)


def test_a_numpy_array_on_the_left_of_a_symbolic_tensor_builds_a_node():
    a = keras.Input((3,))
    scaled = np.array([1.0, 2.0, 3.0], "float32") * a
    assert scaled._keras_history.layer.name == "multiply"
    model = keras.Model(a, scaled)
    np.testing.assert_allclose(model.predict(np.ones((2, 3))), [[1, 2, 3], [1, 2, 3]])


def test_training_flows_through_op_nodes():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(3)(inputs)
    outputs = hidden * hidden + inputs[:, :3]
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    x = normal(16, 4).astype("float32")
    y = np.zeros((16, 3), "float32")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
    grad_check(model, x.astype("float64")[:3], max_checks=10)


def test_a_refused_op_explains_and_leaves_no_trace():
    a = keras.Input((3,))
    b = keras.Input((4,))
    with pytest.raises(ValueError) as error:
        a + b
    message = str(error.value)
    assert "`ops.add` cannot be applied to symbolic inputs of shape (None, 3) and (None, 4)" in (
        message
    )
    assert "broadcast" in message
    # No node was recorded, and no op layer created: the next add is still called 'add'.
    assert a._keras_history.layer._outbound_nodes == []
    assert (a + a)._keras_history.layer.name == "add"


def test_symbolic_tensors_compare_by_identity_as_the_seeds_need():
    a = keras.Input((3,))
    assert a == a
    assert not (a == keras.Input((3,)))
    assert naming.unique_name("add") == "add"  # `==` recorded no op


def test_a_symbolic_tensor_has_no_values():
    a = keras.Input((3,))
    with pytest.raises(TypeError, match="symbolic"):
        np.asarray(a)
    assert isinstance(a, autodiff.Symbolic)


def test_plot_model_draws_op_nodes_like_layers():
    from kerastutor.utils.model_graph import collect_graph

    a, b = two_inputs()
    model = keras.Model([a, b], keras.layers.Dense(2)(a + b))
    graph = collect_graph(model)
    assert [layer.name for layer in graph.layers] == ["a", "b", "add", "dense"]
