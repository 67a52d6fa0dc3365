"""Sequential models, as keras/src/models/sequential_test.py checks them.

The behaviour of Keras's own tests, re-written for kerastutor: building from
an `Input`, from `input_shape=` / `input_dim=` (Keras 2 spellings kerastutor
keeps), or on the first call; `pop()`; a model as the first layer; the errors
of `add` and `build`; serialization; `compute_output_shape` before build.

Not ported: TimeDistributed and Lambda (later issues), pickling through
Keras's saving machinery, dict/list-passing custom layers.

Error checks ask for Keras's error class and for the message to carry the
facts Keras's message carries, not Keras's exact words.
"""

import numpy as np
import pytest

from kerastutor import layers
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.layers import Input, InputLayer
from kerastutor.models import Model, Sequential


def _random(*shape):
    return np.random.default_rng(0).random(shape).astype("float32")


def _quiet(*args, **kwargs):
    """A print_fn for summary(): the tests only need it not to fail."""


def test_built_from_an_input():
    model = Sequential(name="seq")
    model.add(Input(shape=(2,), batch_size=3))
    model.add(layers.Dense(4))
    model.add(layers.Dense(5))
    model.summary(print_fn=_quiet)
    assert len(model.layers) == 2  # the Input is not a layer of the stack
    assert model.built
    assert len(model.weights) == 4
    assert model(_random(3, 2)).shape == (3, 5)
    assert model(KerasTensor((3, 2))).shape == (3, 5)


def test_layers_argument_and_pop():
    model = Sequential([Input(shape=(2,), batch_size=3), layers.Dense(4), layers.Dense(5)])
    assert len(model.layers) == 2
    assert model.built
    assert len(model.weights) == 4
    assert model(_random(3, 2)).shape == (3, 5)

    model.pop()
    assert len(model.layers) == 1
    assert model.built
    assert len(model.weights) == 2
    assert model(_random(3, 2)).shape == (3, 4)


@pytest.mark.parametrize("first", [{"input_shape": (2,)}, {"input_dim": 2}])
def test_keras2_input_shape_on_the_first_layer(first):
    # Keras 3 warns that these are deprecated; kerastutor keeps them for the
    # seeds, and a later layer's input_shape is ignored as in Keras.
    model = Sequential(name="seq")
    model.add(layers.Dense(4, **first))
    model.add(layers.Dense(5, input_shape=(3, 4)))
    assert len(model.layers) == 2
    assert model.built
    assert len(model.weights) == 4
    assert model.output_shape == (None, 5)


def test_deferred_build_on_first_call():
    model = Sequential(name="seq")
    model.add(layers.Dense(4))
    model.add(layers.Dense(5))
    model.summary(print_fn=_quiet)  # unbuilt: Keras prints the layers, no error
    assert len(model.layers) == 2
    assert not model.built

    assert model(_random(3, 2)).shape == (3, 5)
    assert model.built
    model.summary(print_fn=_quiet)
    assert model(KerasTensor((3, 2))).shape == (3, 5)


def test_deferred_build_then_pop():
    model = Sequential(layers=[layers.Dense(4), layers.Dense(5)])
    assert model(_random(3, 2)).shape == (3, 5)
    model.pop()
    assert len(model.layers) == 1
    assert model.built
    assert len(model.weights) == 2
    assert model(_random(3, 2)).shape == (3, 4)


def test_functional_model_as_first_layer():
    inputs = Input((16, 16, 3))
    functional_model = Model(inputs, layers.Conv2D(4, 3, padding="same")(inputs))
    model = Sequential([functional_model, layers.Flatten(), layers.Dense(1)])
    model.summary(print_fn=_quiet)
    assert len(model.layers) == 3
    assert model.built
    assert all(layer.built for layer in model.layers)
    assert tuple(model(_random(1, 16, 16, 3)).shape) == (1, 1)
    assert model(KerasTensor((1, 16, 16, 3))).shape == (1, 1)


def test_sequential_model_as_first_layer():
    inner = Sequential([Input((16, 16, 3)), layers.Conv2D(4, 3, padding="same")])
    model = Sequential([inner, layers.Flatten(), layers.Dense(1)])
    model.summary(print_fn=_quiet)
    assert len(model.layers) == 3
    assert model.built
    assert all(layer.built for layer in model.layers)
    assert tuple(model(_random(1, 16, 16, 3)).shape) == (1, 1)


def test_sequential_inside_sequential():
    model = Sequential()
    model.add(Input(shape=(16,)))
    outer = Sequential([model])
    assert outer.layers == [model]


def test_a_second_input_is_refused():
    model = Sequential()
    model.add(Input(shape=(2,), batch_size=3))
    with pytest.raises(ValueError, match="Input"):
        model.add(Input(shape=(2,), batch_size=3))
    with pytest.raises(ValueError, match="Input"):
        model.add(InputLayer(shape=(2,), batch_size=3))


def test_layer_names_must_be_unique():
    model = Sequential()
    model.add(layers.Dense(2, name="dense"))
    with pytest.raises(ValueError, match="'dense'|`dense`|dense"):
        model.add(layers.Dense(2, name="dense"))


def test_calling_an_empty_sequential_is_an_error():
    with pytest.raises(ValueError, match="no layers"):
        Sequential()(_random(3, 2))


def test_build_must_agree_with_the_input():
    model = Sequential()
    model.add(Input(shape=(2,), batch_size=3))
    model.add(layers.Dense(2))
    with pytest.raises(ValueError, match=r"\(3, 4\)"):
        model.build((3, 4))
    model.build((3, 2))  # the shape it already has is fine


def test_only_layers_can_be_added():
    model = Sequential(name="seq")
    with pytest.raises((ValueError, TypeError), match="dict"):
        model.add({})


def _assert_round_trip(model):
    revived = Sequential.from_config(model.get_config())
    assert revived.get_config() == model.get_config()
    return revived


def test_serialization_unbuilt_built_and_with_input():
    model = Sequential(name="seq")
    model.add(layers.Dense(4))
    model.add(layers.Dense(5))
    assert len(_assert_round_trip(model).layers) == 2

    model.build((2, 3))
    assert len(_assert_round_trip(model).layers) == 2

    model = Sequential(name="seq")
    model.add(Input(shape=(2,), batch_size=3))
    model.add(layers.Dense(4))
    model.add(layers.Dense(5))
    model.add(layers.Dense(6))
    revived = _assert_round_trip(model)
    assert len(revived.layers) == 3
    revived.set_weights(model.get_weights())
    x = _random(3, 2)
    np.testing.assert_allclose(revived(x), model(x), rtol=1e-6)


def test_functional_properties():
    model = Sequential(name="seq")
    inputs = Input(shape=(2,))
    model.add(inputs)
    model.add(layers.Dense(4))
    assert model.inputs == [inputs]
    assert model.outputs == [model.layers[-1].output]
    assert model.input_shape == (None, 2)
    assert model.output_shape == (None, 4)


class _ZeroWhenTraining(layers.Layer):
    def call(self, inputs, training=False):
        return inputs * 0.0 if training else inputs


def test_training_argument_reaches_the_layers():
    model = Sequential([_ZeroWhenTraining()])
    x = np.ones((4, 20))
    np.testing.assert_allclose(model(x), 1.0)
    np.testing.assert_allclose(model(x, training=False), 1.0)
    np.testing.assert_allclose(model(x, training=True), 0.0)


def test_compute_output_shape_before_build():
    model = Sequential([layers.Dense(4), layers.Dense(8)])
    assert model.compute_output_shape((1, 2)) == (1, 8)


def test_shape_attributes_exist_only_once_built():
    model = Sequential()
    for name in ("input_shape", "output_shape", "inputs", "outputs"):
        assert not hasattr(model, name), name
    model = Sequential([Input((4,)), layers.Dense(8)])
    for name in ("input_shape", "output_shape", "inputs", "outputs"):
        assert hasattr(model, name), name


def test_layers_cannot_be_assigned():
    model = Sequential()
    with pytest.raises(AttributeError, match=r"add\(\)"):
        model.layers = [layers.Dense(4)]


def test_a_pickled_sequential_keeps_its_layers():
    import pickle

    model = Sequential(name="seq")
    model.add(layers.Dense(4))
    assert len(pickle.loads(pickle.dumps(model)).layers) == 1


def test_a_layer_needing_two_positional_arguments_is_refused_at_build():
    class NeedsTraining(layers.Layer):
        def call(self, inputs, training):
            return inputs

    model = Sequential(name="seq")
    model.add(NeedsTraining())
    with pytest.raises(ValueError, match="positional"):
        model.build((None, 2))


def test_a_layer_without_shape_inference_still_runs():
    class AddOne(layers.Layer):
        def call(self, inputs):
            return inputs + 1.0

    model = Sequential([AddOne()])
    x = _random(3, 2)
    np.testing.assert_allclose(model(x), x + 1)
    model.summary(print_fn=_quiet)
