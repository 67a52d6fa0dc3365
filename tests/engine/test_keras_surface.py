"""`import kerastutor as keras` (issue 9): the namespace, Keras 3's Input, dict inputs and outputs.

Where Keras 3's behaviour is checked here (orders, names, messages), it was
read off Keras 3.15 running the same code.
"""

import subprocess
import sys

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import layers

# ------------------------------------------------------------ the namespace


@pytest.mark.parametrize(
    "name",
    [
        "activations",
        "backend",
        "callbacks",
        "initializers",
        "layers",
        "losses",
        "metrics",
        "models",
        "ops",
        "optimizers",
        "saving",
        "utils",
    ],
)
def test_keras_module_names_resolve(name):
    module = getattr(keras, name)
    assert module.__name__ == f"kerastutor.{name}"


def test_top_level_names_are_the_classes_of_the_submodules():
    assert keras.Input is layers.Input
    assert keras.Layer is layers.Layer
    assert keras.Model is keras.models.Model
    assert keras.Sequential is keras.models.Sequential
    assert keras.version() == keras.__version__
    # The base classes a learner subclasses, spelled as Keras 3 spells them.
    assert keras.Metric is keras.metrics.Metric
    assert keras.Loss is keras.losses.Loss
    assert keras.Optimizer is keras.optimizers.Optimizer
    assert keras.Regularizer is keras.regularizers.Regularizer
    assert keras.Initializer is keras.initializers.Initializer


def test_an_unknown_top_level_name_lists_what_there_is():
    with pytest.raises(AttributeError, match="has no attribute 'Dense'.*layers"):
        keras.Dense  # noqa: B018 - the attribute access is the test


def test_import_kerastutor_loads_nothing_heavy():
    code = (
        "import sys, kerastutor; "
        "heavy = [m for m in ('ipywidgets', 'graphviz', 'kerastutor.layers', 'kerastutor.engine')"
        " if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_import_kerastutor_models_leaves_the_file_formats_until_a_file_is_used():
    code = (
        "import sys, kerastutor.models as models; "
        "late = ('kerastutor.saving.saving_lib', 'kerastutor.models.loading', 'zipfile'); "
        "print([m for m in late if m in sys.modules]); "
        "print(models.load_model.__module__, [m for m in late if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    before, after = result.stdout.strip().splitlines()
    assert before == "[]"
    assert after.startswith("kerastutor.models.loading") and "saving_lib" in after


def test_the_functional_api_guide_opening_runs():
    inputs = keras.Input(shape=(784,))
    x = keras.layers.Dense(64, activation="relu")(inputs)
    x = keras.layers.Dense(64, activation="relu")(x)
    outputs = keras.layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    assert model.count_params() == 55050
    assert inputs.shape == (None, 784) and inputs.dtype == "float32"


# ------------------------------------------------------------ Input and InputLayer


def test_input_with_an_int_shape_says_how_to_write_the_tuple():
    with pytest.raises(ValueError, match=r"Cannot convert '784' to a shape.*shape=\(784,\)"):
        keras.Input(shape=784)


def test_input_takes_keras_3_arguments():
    assert keras.Input(shape=(3,), batch_size=8).shape == (8, 3)
    assert keras.Input(batch_shape=(2, None, 5)).shape == (2, None, 5)
    assert keras.Input(shape=(4,), dtype="int32").dtype == "int32"
    with pytest.raises(ValueError, match="not both"):
        keras.Input(shape=(3,), batch_shape=(None, 3))
    with pytest.raises(ValueError, match="sparse"):
        keras.Input(shape=(3,), sparse=True)


def test_input_layer_takes_keras_3_and_keras_2_spellings():
    new = layers.InputLayer(shape=(280, 128), name="new")
    old = layers.InputLayer(input_shape=(280, 128), name="old")
    full = layers.InputLayer(batch_input_shape=(None, 280, 128), name="full")
    assert new.batch_shape == old.batch_shape == full.batch_shape == (None, 280, 128)
    assert new.output.shape == (None, 280, 128)


def test_input_can_wrap_an_existing_symbolic_tensor():
    existing = keras.Input(shape=(3,), dtype="int32")
    wrapped = keras.Input(tensor=existing, name="wrapped")
    assert wrapped is existing
    assert wrapped._keras_history.layer.name == "wrapped"
    with pytest.raises(ValueError, match="`input_tensor` must be a KerasTensor"):
        keras.Input(tensor=np.ones((2, 3)))


def test_model_inputs_are_cast_to_the_input_dtype_as_keras_3_does():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, inputs * 2.0)
    assert model.predict(np.ones((2, 3))).dtype == np.float32


# ------------------------------------------------------------ dict inputs and outputs


def dict_model():
    b = keras.Input((3,), name="b")
    a = keras.Input((3,), name="a")
    zz = layers.Dense(2, name="zz")(a)
    aa = layers.Dense(4, name="aa")(b)
    return keras.Model(inputs={"b": b, "a": a}, outputs={"z": zz, "a_out": aa})


def test_dict_structures_are_flattened_in_sorted_key_order_as_in_keras_3():
    model = dict_model()
    assert model.input_names == ["a", "b"]
    assert model.output_names == ["aa", "zz"]  # the producing layers of 'a_out', 'z'
    assert [layer.name for layer in model.layers] == ["b", "a", "aa", "zz"]
    assert [w.path for w in model.weights] == ["aa/kernel", "aa/bias", "zz/kernel", "zz/bias"]
    assert model.output_shape == [(None, 4), (None, 2)]
    shapes = {"a": (None, 3), "b": (None, 3)}
    assert model.compute_output_shape(shapes) == {"z": (None, 2), "a_out": (None, 4)}


def test_predict_on_a_dict_model_returns_a_dict_keyed_like_the_outputs():
    model = dict_model()
    xa, xb = np.ones((2, 3)), np.full((2, 3), 2.0)
    out = model.predict({"a": xa, "b": xb})
    assert list(out) == ["z", "a_out"]
    aa, zz = model.get_layer("aa"), model.get_layer("zz")
    np.testing.assert_allclose(out["z"], xa @ zz.kernel.data + zz.bias.data, rtol=1e-6)
    np.testing.assert_allclose(out["a_out"], xb @ aa.kernel.data + aa.bias.data, rtol=1e-6)


def test_a_dict_model_refuses_a_list_and_names_the_keys():
    model = dict_model()
    with pytest.raises(ValueError, match=r"dict of inputs.*\['a', 'b'\]"):
        model.predict([np.ones((2, 3)), np.ones((2, 3))])
    with pytest.raises(ValueError, match=r"has no \['b'\]"):
        model.predict({"a": np.ones((2, 3))})


def test_compile_and_fit_by_output_key():
    model = dict_model()
    model.compile(
        optimizer="sgd", loss={"z": "mse", "a_out": "mae"}, loss_weights={"z": 1.0, "a_out": 0.5}
    )
    x = {"a": np.ones((4, 3)), "b": np.ones((4, 3))}
    y = {"z": np.ones((4, 2)), "a_out": np.ones((4, 4))}
    history = model.fit(x, y, epochs=2, verbose=0)
    assert sorted(history.history) == ["a_out_loss", "loss", "z_loss"]
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], logs["z_loss"] + 0.5 * logs["a_out_loss"], rtol=1e-5)


def test_a_dict_model_survives_a_config_round_trip():
    model = dict_model()
    config = model.get_config()
    assert config["output_layers"] == {"z": ["zz", 0, 0], "a_out": ["aa", 0, 0]}
    rebuilt = keras.Model.from_config(config)
    rebuilt.set_weights(model.get_weights())
    x = {"a": np.ones((2, 3)), "b": np.ones((2, 3))}
    for key, value in model.predict(x).items():
        np.testing.assert_allclose(rebuilt.predict(x)[key], value)


# ------------------------------------------------------------ more of the graph API


def test_from_config_keeps_an_input_no_output_uses():
    used, unused = keras.Input((3,), name="used"), keras.Input((2,), name="unused")
    model = keras.Model([used, unused], layers.Dense(1)(used))
    assert [layer.name for layer in model.layers][:2] == ["unused", "used"]
    rebuilt = keras.Model.from_config(model.get_config())
    assert rebuilt.input_names == ["used", "unused"]
    assert rebuilt.predict([np.ones((2, 3)), np.ones((2, 2))]).shape == (2, 1)


def test_predict_takes_a_generator_of_batches():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dense(2)(inputs))
    data = np.arange(30, dtype="float32").reshape(10, 3)
    batches = (data[i : i + 4] for i in range(0, 10, 4))
    # A generator has no length: Keras 3 reads it until it ends, and warns when it does.
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        np.testing.assert_allclose(model.predict(batches), model.predict(data), rtol=1e-6)
    pairs = ((data[i : i + 5], np.zeros(5)) for i in range(0, 10, 5))
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        assert model.predict(pairs).shape == (10, 2)


def test_get_layer_errors_say_what_exists():
    inputs = keras.Input((3,), name="x")
    model = keras.Model(inputs, layers.Dense(2, name="d")(inputs))
    with pytest.raises(ValueError, match=r"No such layer: 'nope'.*\['x', 'd'\]"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="index 5 but model 'model' only has 2 layers"):
        model.get_layer(index=5)
    with pytest.raises(ValueError, match="Provide either a layer name or a layer index"):
        model.get_layer()


def test_sequential_pop_and_a_model_as_first_layer():
    inner_inputs = keras.Input((5,))
    inner = keras.Model(inner_inputs, layers.Dense(3)(inner_inputs), name="inner")
    model = keras.Sequential([inner, layers.Dense(1, name="head")])
    assert model.built and model.output_shape == (None, 1)
    assert model.count_params() == 22
    assert model.pop().name == "head"
    assert model.output_shape == (None, 3)
    assert [layer.name for layer in model.layers] == ["inner"]
    model.pop()
    with pytest.raises(ValueError, match="no layers to pop"):
        model.pop()


def test_a_subclassed_model_runs_its_own_call():
    class MLP(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense_1 = layers.Dense(8, activation="relu")
            self.dense_2 = layers.Dense(2)

        def call(self, inputs):
            return self.dense_2(self.dense_1(inputs))

    mlp = MLP(name="mlp")
    assert not mlp.built
    x = np.random.default_rng(0).standard_normal((16, 4)).astype("float32")
    out = mlp(x)
    expected = np.maximum(x @ mlp.dense_1.kernel.data + mlp.dense_1.bias.data, 0)
    np.testing.assert_allclose(
        out, expected @ mlp.dense_2.kernel.data + mlp.dense_2.bias.data, rtol=1e-5
    )
    assert mlp.count_params() == 4 * 8 + 8 + 8 * 2 + 2
    assert [layer.name for layer in mlp.layers] == ["dense", "dense_1"]  # no InputLayer
    mlp.compile(optimizer="sgd", loss="mse")
    y = np.zeros((16, 2), "float32")
    before = mlp.evaluate(x, y, verbose=0)
    mlp.fit(x, y, epochs=3, verbose=0)
    assert mlp.evaluate(x, y, verbose=0) < before
    # Called on a symbolic tensor, it is a layer like any other.
    assert MLP()(keras.Input((4,))).shape == (None, 2)


def test_a_subclassed_model_can_be_compiled_and_used_before_its_first_call():
    class Tiny(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.head = layers.Dense(2, name="head")

        def call(self, inputs):
            return self.head(inputs)

    model = Tiny()
    assert [layer.name for layer in model.layers] == ["head"]  # what it holds, before a graph
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 3)), np.zeros((4, 2)), epochs=1, verbose=0)
    assert Tiny().predict(np.ones((2, 3))).shape == (2, 2)


def test_weight_names_keep_keras_2s_layer_prefix_and_path_is_keras_3s():
    # Keras 2 printed 'dense/kernel:0' and Keras 3 prints name 'kernel', path
    # 'dense/kernel'; kerastutor's name is Keras 2's without ':0', and files use neither.
    dense = layers.Dense(2, name="dense")
    dense.build((None, 3))
    assert [w.name for w in dense.weights] == ["dense/kernel", "dense/bias"]
    assert [w.path for w in dense.weights] == ["dense/kernel", "dense/bias"]


def test_a_layer_kerastutor_lacks_is_named_with_a_suggestion_and_the_list():
    with pytest.raises(AttributeError, match="kerastutor does not have that layer") as info:
        layers.MultiHeadAttention  # noqa: B018
    message = str(info.value)
    assert "'MultiHeadAttention'" in message and "Dense, " in message and "LeakyReLU, " in message
    with pytest.raises(AttributeError, match="Did you mean 'LeakyReLU'"):
        layers.LeakyRelu  # noqa: B018
    assert not hasattr(layers, "Attention")
