"""Keras 3's Layer features: tracking, add_weight, add_loss, training, trainable, several inputs.

Ports of the behaviour checked by keras/src/layers/layer_test.py (Keras 3.15),
written for kerastutor's NumPy layers.
"""

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import layers, ops


class Stack(layers.Layer):
    """Dense layers held as an attribute, in a dict and in a list that grows in build."""

    def __init__(self, units):
        super().__init__()
        self.units = units
        self.dense1 = layers.Dense(units)
        self.layer_dict = {"dense2": layers.Dense(units)}
        self.layer_list = [layers.Dense(units)]

    def build(self, input_shape):
        self.layer_list.append(layers.Dense(self.units))

    def call(self, x):
        x = self.dense1(x)
        x = self.layer_dict["dense2"](x)
        return self.layer_list[1](self.layer_list[0](x))


class Parent(layers.Layer):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def call(self, x):
        return self.inner(x)


def test_layers_are_tracked_in_attributes_dicts_lists_and_nested_layers():
    layer = Stack(3)
    layer.build((1, 3))
    assert len(layer._sublayers()) == 4
    layer(np.zeros((1, 3)))
    assert len(layer.weights) == 8
    for wrapped in (Parent(Stack(3)), Parent(Parent(Stack(3)))):
        assert len(wrapped._sublayers()) == 1
        wrapped(np.zeros((1, 3)))
        assert len(wrapped.weights) == 8 and len(wrapped.variables) == 8


def test_a_layer_with_two_positional_tensors_eager_and_functional():
    class Combine(layers.Layer):
        def build(self, a_shape, b_shape):
            self.w = self.add_weight(shape=(a_shape[-1], b_shape[-1]), initializer="ones", name="w")

        def call(self, a, b):
            return ops.matmul(a, self.w) * b

    eager = Combine()
    out = eager(np.ones((2, 3)), np.full((2, 4), 2.0))
    np.testing.assert_allclose(out, np.full((2, 4), 6.0))
    assert eager.w.shape == (3, 4)

    layer = Combine()
    a, b = keras.Input((3,)), keras.Input((4,))
    y = layer(a, b)
    assert y.shape == (None, 4)
    node = layer.inbound_nodes[0]
    assert node.input_tensors == [a, b]  # the node records both tensors
    assert node.input_shapes == [(None, 3), (None, 4)]
    model = keras.Model([a, b], y)
    np.testing.assert_allclose(model.predict([np.ones((2, 3)), np.ones((2, 4))]), 3.0)


def test_a_build_argument_that_matches_no_call_argument_is_refused():
    class Odd(layers.Layer):
        def build(self, a_shape, c_shape):
            pass

        def call(self, a, b):
            return a

    with pytest.raises(ValueError, match="`c_shape`, which matches none of `call"):
        Odd()(np.ones((1, 2)), np.ones((1, 2)))


def test_add_weight_defaults_and_positional_arguments():
    class Defaults(layers.Layer):
        def __init__(self):
            super().__init__()
            self.w1 = self.add_weight()
            self.w2 = self.add_weight(dtype="int32", trainable=False)
            self.w3 = self.add_weight(dtype="bool", trainable=False)
            self.w4 = self.add_weight((3, 4), "zeros", "float32")
            self.w5 = self.add_variable((2, 2), "ones")

    layer = Defaults()
    assert layer.w1.shape == () and layer.w1.data.dtype == np.float32
    assert layer.w2.data.dtype == np.int32 and layer.w2.data == 0
    assert layer.w3.data.dtype == bool and not layer.w3.data
    np.testing.assert_array_equal(layer.w4.data, np.zeros((3, 4)))
    np.testing.assert_array_equal(layer.w5.data, np.ones((2, 2)))
    assert layer.non_trainable_weights == [layer.w2, layer.w3]


def test_add_weight_refuses_keras_2_spellings_and_bad_values_naming_the_layer():
    layer = layers.Layer(name="my_layer")
    with pytest.raises(ValueError, match="`name` must be passed as a keyword argument"):
        layer.add_weight("matrix", shape=(3, 4))
    with pytest.raises(ValueError, match="`shape` was passed both positionally and as a keyword"):
        layer.add_weight((3, 4), shape=(3, 4))
    with pytest.raises(TypeError, match="takes at most 3 positional arguments"):
        layer.add_weight((3, 4), "zeros", "float32", "name")
    with pytest.raises(ValueError, match="layer 'my_layer' needs a shape made of non-negative"):
        layer.add_weight(shape=(None, 3))
    with pytest.raises(ValueError, match="add_weight 'w' on layer 'my_layer': Unknown initializer"):
        layer.add_weight(shape=(2,), initializer="glorot_unifrom", name="w")
    assert layer.weights == []


def test_a_non_trainable_weight_updated_in_call_with_assign():
    class ComputeSum(layers.Layer):
        def __init__(self, input_dim):
            super().__init__()
            self.total = self.add_weight(
                shape=(input_dim,), initializer="zeros", trainable=False, name="total"
            )

        def call(self, inputs):
            self.total.assign(self.total + ops.sum(inputs, axis=0))
            return self.total

    layer = ComputeSum(2)
    layer(np.ones((2, 2)))
    np.testing.assert_array_equal(layer(np.ones((2, 2))).data, [4.0, 4.0])
    assert layer.weights == [layer.total] and layer.trainable_weights == []
    with pytest.raises(ValueError, match=r"shape \(3,\) to variable 'compute_sum/total' of shape"):
        layer.total.assign(np.zeros(3))

    # In a model, fit leaves it to `call`: the optimizer never touches it.
    inputs = keras.Input((2,))
    hidden = ComputeSum(2)
    model = keras.Model(inputs, layers.Dense(1)(inputs + 0 * hidden(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 2)), np.zeros((4, 1)), batch_size=4, epochs=2, verbose=0)
    np.testing.assert_array_equal(hidden.total.data, [8.0, 8.0])  # 2 steps of 4 ones


def test_add_loss_lists_the_last_calls_losses_also_in_models():
    class LossLayer(layers.Layer):
        def call(self, x):
            self.add_loss(ops.sum(x))
            return x

    layer = LossLayer()
    layer(np.ones((1,)))
    layer(np.ones((1,)))
    assert len(layer.losses) == 1 and float(layer.losses[0]) == 1.0  # reset by each call
    model = keras.Sequential([layer])
    model(np.ones((1, 1)))
    assert [float(loss) for loss in model.losses] == [1.0]
    outer = keras.Sequential([model])
    outer(np.ones((1, 1)))
    assert [float(loss) for loss in outer.losses] == [1.0]
    with pytest.raises(ValueError, match="on a tensor input. Received invalid value: 1.0"):
        layer.add_loss(1.0)


def test_add_loss_in_a_functional_model_counts_only_on_real_data():
    class LossLayer(layers.Layer):
        def call(self, x):
            self.add_loss(ops.sum(x))
            return x

    inputs = keras.Input((3,))
    outputs = LossLayer()(inputs)
    model = keras.Model(inputs, outputs)
    assert model.losses == []  # Keras 3: building the graph adds no loss
    model(np.ones((2, 3)))
    assert [float(loss) for loss in model.losses] == [6.0]
    with pytest.raises(NotImplementedError, match="inside the `call` of a custom layer"):
        model.add_loss(ops.sum(outputs))


def test_activity_regularization_losses_reset_on_call_and_skip_symbolic_calls():
    layer = layers.Layer(activity_regularizer="l1")
    layer(np.ones((1,)))
    layer(np.ones((1,)))
    assert len(layer.losses) == 1
    np.testing.assert_allclose(layer.losses[0], 0.01)
    symbolic = layers.Layer(activity_regularizer="l1")
    symbolic(keras.Input(batch_shape=(2, 2)))
    assert symbolic.losses == []


def test_training_is_passed_down_to_nested_layers():
    class TrainingLayer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.dp = layers.Dropout(0.9)

        def call(self, x, training=False):
            return self.dp(x)  # does not forward `training`

    class Wrapped(layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = TrainingLayer()

        def call(self, x):
            return self.inner(x)

    x = np.ones((4, 4))
    for layer in (TrainingLayer(), Wrapped()):
        assert np.min(layer(x)) == 1
        assert np.min(layer(x, training=True)) == 0

    class Explicit(TrainingLayer):
        def call(self, x, training=False):
            return self.dp(x, training=True)

    assert np.min(Explicit()(x, training=False)) == 0

    class Bad(layers.Layer):
        def call(self, x, training=False):
            raise RuntimeError("oops!")

    with pytest.raises(RuntimeError):
        Bad()(x, training=True)
    assert np.min(TrainingLayer()(x)) == 1  # the failed call left no training=True behind


def test_a_signature_default_does_not_leak_to_sibling_layers():
    seen = {}

    class DefaultsTrue(layers.Layer):
        def call(self, x, training=True):
            return x

    class Record(layers.Layer):
        def call(self, x, training=None):
            seen["training"] = training
            return x

    inputs = keras.Input((4,))
    model = keras.Model(inputs, Record()(DefaultsTrue()(inputs)))
    model(np.ones((4, 4)))
    assert seen["training"] is None
    model(np.ones((4, 4)), training=True)
    assert seen["training"] is True


def test_fit_reaches_a_dropout_inside_a_custom_layer():
    class Noisy(layers.Layer):
        def __init__(self):
            super().__init__()
            self.dp = layers.Dropout(0.999)

        def call(self, x):
            out = self.dp(x)
            self.zeros_seen = float(np.mean(keras.ops.convert_to_numpy(out) == 0))
            return out

    inputs = keras.Input((50,))
    noisy = Noisy()
    model = keras.Model(inputs, layers.Dense(1)(noisy(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 50)), np.zeros((8, 1)), batch_size=8, verbose=0)
    assert noisy.zeros_seen > 0.9  # dropout was on during fit
    model.predict(np.ones((8, 50)))
    assert noisy.zeros_seen == 0.0


def test_trainable_propagates_to_weights_and_nested_layers():
    class Weights(layers.Layer):
        def build(self, _):
            self.w1 = self.add_weight(shape=(), initializer="ones", trainable=True)
            self.w2 = self.add_weight(shape=(), initializer="ones", trainable=False)

    class Nested(Weights):
        def build(self, shape):
            super().build(shape)
            self.nested = Weights()
            self.nested.build(None)

    layer = Nested()
    layer.build(None)
    assert (len(layer.trainable_weights), len(layer.non_trainable_weights)) == (2, 2)
    order = list(layer.weights)
    layer.trainable = False
    assert (len(layer.trainable_weights), len(layer.non_trainable_weights)) == (0, 4)
    assert not layer.w1.trainable and not layer.nested.w1.trainable
    assert layer.weights == order
    layer.trainable = True
    assert (len(layer.trainable_weights), len(layer.non_trainable_weights)) == (2, 2)
    assert layer.w1.trainable and layer.nested.w1.trainable and not layer.w2.trainable


def test_a_layer_shared_by_two_parents_adds_its_loss_once():
    class LossLayer(layers.Layer):
        def call(self, x):
            self.add_loss(ops.sum(x))
            return x

    shared = LossLayer()

    class Two(layers.Layer):
        def __init__(self):
            super().__init__()
            self.first = Parent(shared)
            self.second = Parent(shared)

        def call(self, x):
            return self.second(self.first(x))

    layer = Two()
    layer(np.ones((1, 2)))
    # Both calls' penalties, listed once each (Keras 3 visits each layer once).
    assert [float(loss) for loss in layer.losses] == [2.0, 2.0]


def test_a_failed_first_call_unbuilds_and_keeps_the_given_weights():
    embedding = layers.Embedding(4, 2, weights=[np.eye(4, 2)])
    model = Parent(embedding)  # a custom layer holding it: built by its first eager call
    with pytest.raises(ValueError):
        model(np.array([[0, 1], [2, 9]]))  # index 9 is out of range for 4 rows
    assert not embedding.built and embedding.weights == []
    model(np.array([[0, 1], [2, 3]]))
    np.testing.assert_array_equal(embedding.get_weights()[0], np.eye(4, 2))


def test_tensors_passed_by_keyword_build_and_trace_as_in_keras():
    class KeywordLayer(layers.Layer):
        def __init__(self, units):
            super().__init__()
            self.dense1 = layers.Dense(units)
            self.dense2 = layers.Dense(units)

        def call(self, x1, x2):
            return self.dense1(x1) + self.dense2(x2)

    eager = KeywordLayer(2)
    assert eager(x1=np.ones((3, 4)), x2=np.ones((3, 5))).shape == (3, 2)
    assert len(eager.weights) == 4

    symbolic = KeywordLayer(2)
    a, b = keras.Input((4,)), keras.Input((5,))
    out = symbolic(x1=a, x2=b)
    assert out.shape == (None, 2) and len(symbolic.weights) == 4
    model = keras.Model([a, b], out)
    assert model.predict([np.ones((2, 4)), np.ones((2, 5))]).shape == (2, 2)

    class Named(layers.Layer):
        def build(self, x1_shape, x2_shape):
            self.w = self.add_weight(shape=(x1_shape[-1], x2_shape[-1]), name="w")

        def call(self, x1, x2):
            return ops.matmul(x1, self.w) * x2

    assert Named()(np.ones((2, 3)), x2=np.ones((2, 4))).shape == (2, 4)
    with pytest.raises(TypeError, match="called without inputs"):
        Named()(y=np.ones((2, 3)))
