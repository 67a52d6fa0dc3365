"""`class MyModel(keras.Model)`: tracking, build, summary, training, config, as Keras 3 does."""

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import layers


class Block(keras.Model):
    """Layers assigned in one order and called in another, in a list and a dict."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.d2 = layers.Dense(3)
        self.blocks = [layers.Dense(4), layers.Dense(5)]
        self.by_key = {"b": layers.Dense(2), "a": layers.Dense(6)}
        self.d1 = layers.Dense(7)

    def call(self, x, training=None):
        x = self.d1(x)
        x = self.by_key["a"](x)
        x = self.by_key["b"](x)
        for block in self.blocks:
            x = block(x)
        return self.d2(x)


def summary_lines(model):
    lines = []
    model.summary(print_fn=lines.append)
    return lines


def test_layers_and_weights_follow_assignment_order_not_call_order():
    model = Block()
    names = [layer.name for layer in model.layers]
    assert [layer.units for layer in model.layers] == [3, 4, 5, 2, 6, 7]
    assert model.weights == []  # Keras 3: no weights before the first call, no error
    model(np.ones((2, 8), "float32"))
    # Keras 3.15: block/dense/kernel, block/dense/bias, block/dense_1/kernel, ...
    assert [w.name for w in model.weights] == [
        f"{name}/{part}" for name in names for part in ("kernel", "bias")
    ]
    assert [w.shape for w in model.weights[:2]] == [(5, 3), (3,)]  # d2, called last
    assert model.layers == [layer for layer in model.layers if not hasattr(layer, "is_op")]


def test_an_unbuilt_subclassed_model_summary_count_and_save(tmp_path):
    model = Block(name="block")
    lines = summary_lines(model)
    rows = [line for line in lines if "(Dense)" in line]
    assert len(rows) == 6 and all(" ? " in row and "0 (unbuilt)" in row for row in rows)
    assert "Total params: 0" in lines
    assert "not built yet" in lines[-1]
    with pytest.raises(ValueError, match="You tried to call `count_params` on layer 'block', but"):
        model.count_params()
    with pytest.raises(ValueError, match="call it on a batch"):
        model.count_params()


def test_summary_of_a_built_model_and_the_optimizer_line():
    model = Block()
    model(np.ones((2, 8), "float32"))
    lines = summary_lines(model)
    rows = [line.split() for line in lines if "(Dense)" in line]
    # As Keras 3.15 prints them: shapes of the build input, params per layer.
    assert [row[2:] for row in rows] == [
        ["(2,", "3)", "18"],
        ["(2,", "4)", "12"],
        ["(2,", "5)", "25"],
        ["(2,", "2)", "14"],
        ["(2,", "6)", "48"],
        ["(2,", "7)", "63"],
    ]
    assert lines[-4:-1] == ["Total params: 180", "Trainable params: 180", "Non-trainable params: 0"]
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 8)), np.ones((4, 3)), verbose=0)
    # Keras 3.15: "Total params: 542", "Optimizer params: 362" (iterations, learning rate, m, v).
    assert summary_lines(model)[-5:-1] == [
        "Total params: 542",
        "Trainable params: 180",
        "Non-trainable params: 0",
        "Optimizer params: 362",
    ]


def test_the_optimizer_line_for_sequential_models_too():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    assert not any("Optimizer" in line for line in summary_lines(model))
    model.fit(np.ones((2, 3)), np.ones((2, 2)), verbose=0)
    assert "Total params: 10" in summary_lines(model)  # Keras 3.15: 10, of which optimizer 2
    assert "Optimizer params: 2" in summary_lines(model)
    model.compile(optimizer="adam", loss="mse")  # a new optimizer has no variables yet
    assert "Total params: 8" in summary_lines(model)
    model.fit(np.ones((2, 3)), np.ones((2, 2)), verbose=0)
    assert "Optimizer params: 18" in summary_lines(model)


def test_fit_evaluate_predict_and_training_reaches_nested_layers():
    class Noisy(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1, kernel_initializer="ones")
            self.drop = layers.Dropout(0.5)

        def call(self, x, training=None):
            self.seen = training
            return self.dense(self.drop(x))

    model = Noisy()
    x = np.ones((8, 4), "float32")
    assert model.predict(x).shape == (8, 1) and model.seen is False
    model.compile(optimizer="sgd", loss="mse")
    before = model.evaluate(x, np.zeros((8, 1)), verbose=0)
    assert model.seen is False
    model.fit(x, np.zeros((8, 1)), epochs=3, verbose=0)
    assert model.seen is True
    assert model.evaluate(x, np.zeros((8, 1)), verbose=0) < before


def test_build_with_an_input_shape_creates_the_weights():
    model = Block()
    model.build((None, 8))
    assert model.built and model.count_params() == 180
    assert model.losses == []


def test_a_failed_first_call_builds_nothing():
    class Broken(keras.Model):
        def __init__(self):
            super().__init__()
            self.first = layers.Dense(4)
            self.second = layers.Dense(2)

        def call(self, x):
            return self.second(self.first(x)) + np.ones((3, 3))  # wrong on purpose

    model = Broken()
    with pytest.raises(ValueError):
        model(np.ones((2, 5), "float32"))
    assert not model.built and not model.first.built and not model.second.built
    assert model.weights == []


def test_nested_models_and_trainable_propagation():
    class Outer(keras.Model):
        def __init__(self):
            super().__init__()
            self.inner = Block()
            self.head = layers.Dense(1)

        def call(self, x):
            return self.head(self.inner(x))

    model = Outer()
    model(np.ones((2, 8), "float32"))
    assert len(model.weights) == 14 and model.weights[0] is model.inner.weights[0]
    assert [layer.name for layer in model.layers] == [model.inner.name, model.head.name]
    model.inner.trainable = False
    assert all(not layer.trainable for layer in model.inner.layers)
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 12


def test_get_config_and_from_config():
    class WithUnits(keras.Model):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = layers.Dense(units)

        def call(self, x):
            return self.dense(x)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    model = WithUnits(units=5, name="with_units")
    config = model.get_config()
    assert config == {"name": "with_units", "trainable": True, "dtype": "float32", "units": 5}
    clone = WithUnits.from_config(config)
    assert clone.units == 5 and clone.name == "with_units"

    class NoConfig(WithUnits):
        def get_config(self):
            return {"name": self.name}

        def __init__(self, units, **kwargs):
            super().__init__(units, **kwargs)

    with pytest.raises(TypeError, match="Unable to revive model from config"):
        NoConfig.from_config({"name": "x"})


def test_a_subclassed_model_inside_a_functional_model():
    inner = Block()
    inputs = keras.Input((8,))
    outputs = inner(inputs)
    assert outputs.shape == (None, 3)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    np.testing.assert_allclose(model.predict(x), inner.predict(x), rtol=1e-6)


def test_build_leaves_no_trace_of_its_run_on_zeros():
    class Counting(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            if not hasattr(self, "calls"):
                self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False)
            self.calls.assign(self.calls + 1.0)
            self.add_loss(keras.ops.sum(x))
            return self.dense(x)

    model = Counting()
    model.build((None, 3))
    assert model.count_params() == 8 + 1 and float(model.calls.data) == 0.0
    assert model.losses == []
    model(np.ones((2, 3), "float32"))
    assert float(model.calls.data) == 1.0


def test_a_model_with_its_own_build_that_calls_super():
    class OwnBuild(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def build(self, input_shape):
            self.dense.build(input_shape)
            super().build(input_shape)

        def call(self, x):
            return self.dense(x)

    model = OwnBuild()
    model.build((None, 3))
    assert model.built and model.count_params() == 8
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 3)), np.zeros((4, 2)), verbose=0)
    assert model.predict(np.ones((1, 3))).shape == (1, 2)
    fresh = OwnBuild()  # built by fit's first step, through its own build
    fresh.compile(optimizer="sgd", loss="mse")
    fresh.fit(np.ones((4, 3)), np.zeros((4, 2)), verbose=0)
    assert fresh(np.ones((1, 3))).shape == (1, 2)


# Ports of keras/src/models/model_test.py (Keras 3.15) that touch subclassing.


def test_tuple_input_model_subclass():
    class MultiInputModel(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense1 = layers.Dense(4)

        def call(self, inputs):
            a, b = inputs
            return layers.concatenate([self.dense1(a), b])

    model = MultiInputModel()
    out = model((np.random.rand(3, 3), np.random.rand(3, 2)))
    assert out.shape == (3, 6)
    model.compile(optimizer="sgd", loss="mse")
    model.fit((np.random.rand(4, 3), np.random.rand(4, 2)), np.zeros((4, 6)), verbose=0)


def test_reviving_a_functional_model_subclass_with_its_own_argument():
    class CustomModel(keras.Model):
        def __init__(self, *args, param=1, **kwargs):
            super().__init__(*args, **kwargs)
            self.param = param

        def get_config(self):
            return super().get_config() | {"param": self.param}

    inputs = keras.Input((3,))
    model = CustomModel(inputs=inputs, outputs=layers.Dense(5)(inputs), param=3)
    new_model = CustomModel.from_config(model.get_config())
    assert new_model.param == 3 and new_model.count_params() == 20


def test_subclass_model_training_arg_reaches_a_layer_it_does_not_pass_to():
    class CustomLayer(layers.Layer):
        def call(self, inputs, training=False):
            return inputs * 0.0 if training else inputs

    class CustomModel(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.layer = CustomLayer()

        def call(self, inputs, training=False):
            return self.layer(inputs)  # `training` not passed on, on purpose

    model = CustomModel()
    np.testing.assert_allclose(model(np.ones((4, 20))), 1.0)
    np.testing.assert_allclose(model(np.ones((4, 20)), training=False), 1.0)
    np.testing.assert_allclose(model(np.ones((4, 20)), training=True), 0.0)


def test_layers_setter_is_reserved():
    class Listed(keras.Model):
        def __init__(self):
            super().__init__()
            self.layers = [layers.Dense(4)]

        def call(self, x):
            return x

    with pytest.raises(AttributeError, match="`Model.layers` attribute is reserved"):
        Listed()


def test_plot_model_says_why_a_subclassed_model_has_no_graph(tmp_path):
    model = Block()
    model(np.ones((1, 8), "float32"))
    with pytest.raises(ValueError, match="subclassed model: its `call` is Python code"):
        keras.utils.plot_model(model, str(tmp_path / "block.png"))


def test_summary_after_fit_shows_the_first_batch_shapes_as_keras_does():
    model = Block()
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((64, 8)), np.ones((64, 3)), verbose=0)
    rows = [line.split() for line in summary_lines(model) if "(Dense)" in line]
    # Keras 3.15 prints (32, 3), (32, 4), ...: the shapes of fit's first batch of 32.
    assert [row[2] for row in rows] == ["(32,"] * 6


def test_graph_attributes_of_a_subclassed_model_are_refused_as_in_keras():
    model = Block(name="block")
    model(np.ones((1, 8), "float32"))
    with pytest.raises(AttributeError, match="The layer block has never been called and thus"):
        _ = model.input
    with pytest.raises(AttributeError, match="'Block' object has no attribute 'output_shape'"):
        _ = model.output_shape
    with pytest.raises(ValueError, match="but the layer has 0 weights .* not built yet"):
        Block().set_weights([np.ones((8, 7))])


def test_a_subclassed_model_in_a_sequential_counts_only_real_calls():
    class Counting(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def build(self, input_shape):
            self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False)
            self.dense.build(input_shape)
            super().build(input_shape)

        def call(self, x):
            self.calls.assign(self.calls + 1.0)
            return self.dense(x)

    inner = Counting()
    model = keras.Sequential([keras.Input((3,)), inner, layers.Dense(1)])
    assert model.output_shape == (None, 1)
    assert float(inner.calls.data) == 0.0  # working out shapes ran it on zeros, undone
    model.predict(np.ones((4, 3)))
    assert float(inner.calls.data) == 1.0
