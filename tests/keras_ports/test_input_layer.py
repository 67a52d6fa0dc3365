"""Keras 3's `Input` / `InputLayer`, as keras/src/layers/core/input_layer_test.py checks them.

The behaviour of Keras's own tests, re-written for kerastutor (NumPy backend),
plus the Keras 2 spellings issue 9 keeps (`input_shape=`, `batch_input_shape=`).
Error checks ask for Keras's error class and for the message to name the
arguments involved, not for Keras's exact words: kerastutor's messages are
longer on purpose (they teach). Where kerastutor means to differ, the test
says so and why.
"""

import warnings

import numpy as np
import pytest

from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.layers import Input, InputLayer


def test_shape_batch_size_and_dtype_make_the_batch_shape():
    layer = InputLayer(shape=(2, 3), batch_size=4, dtype="float32")
    assert layer.dtype == "float32"
    assert layer.batch_shape == (4, 2, 3)
    assert layer.sparse is False
    assert layer.trainable is True
    assert isinstance(layer.output, KerasTensor)
    assert layer.output.ndim == 3
    assert layer.output.shape == (4, 2, 3)
    assert layer.output.dtype == "float32"


def test_sparse_is_refused_as_on_keras_numpy_backend():
    # kerastutor is a NumPy engine: Keras's NumPy backend has no sparse tensors
    # and refuses `sparse=True` in the same words.
    with pytest.raises(ValueError, match="sparse"):
        InputLayer(shape=(2, 3), batch_size=4, sparse=True)


def test_shape_and_batch_shape_together_are_refused():
    with pytest.raises(ValueError, match=r"`shape`.*`batch_shape`"):
        InputLayer(shape=(2, 3), batch_shape=(2, 3))


def test_batch_size_and_batch_shape_together_are_refused():
    with pytest.raises(ValueError, match=r"`batch_size`.*`batch_shape`"):
        InputLayer(batch_size=4, batch_shape=(2, 3))


def test_a_shape_is_required():
    with pytest.raises(ValueError, match="shape"):
        InputLayer(shape=None, batch_shape=None)


def test_input_tensor_must_be_a_keras_tensor():
    # Keras raises ValueError; kerastutor's rule for a wrong type allows TypeError.
    with pytest.raises((ValueError, TypeError), match=r"`input_tensor`"):
        InputLayer(shape=(2, 3), batch_size=4, input_tensor=np.zeros((2, 3)))


def test_input_tensor_becomes_the_output():
    tensor = KerasTensor(shape=(2, 3), dtype="float32")
    layer = InputLayer(input_tensor=tensor)
    assert layer.dtype == "float32"
    assert layer.batch_shape == (2, 3)
    assert layer.trainable is True
    assert layer.output is tensor
    assert layer.output.ndim == 2


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("shape", (2, 4)),
        ("batch_shape", (2, 4)),
        ("batch_size", 5),
        ("dtype", "float16"),
    ],
)
def test_arguments_must_agree_with_input_tensor(argument, value):
    tensor = KerasTensor(shape=(2, 3), dtype="float32")
    with pytest.raises(ValueError, match=f"`{argument}`"):
        InputLayer(input_tensor=tensor, **{argument: value})


def test_arguments_that_agree_with_input_tensor_are_fine():
    tensor = KerasTensor(shape=(2, 3), dtype="float32")
    layer = InputLayer(shape=(3,), batch_size=2, sparse=False, dtype="float32", input_tensor=tensor)
    assert layer.output is tensor


def test_keras2_input_shape_still_works():
    # Keras 3 warns that `input_shape` is deprecated; kerastutor keeps the
    # Keras 2 spelling the seeds use. Either way the layer is the same.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = InputLayer(input_shape=(2, 3), batch_size=4, dtype="float32")
    assert layer.batch_shape == (4, 2, 3)
    assert layer.dtype == "float32"
    assert isinstance(layer.output, KerasTensor)


def test_keras2_batch_input_shape_still_works():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = InputLayer(batch_input_shape=(None, 3))
    assert layer.batch_shape == (None, 3)


def test_call_returns_none():
    assert InputLayer(shape=(32,)).call() is None


def test_numpy_integers_are_a_shape():
    layer = InputLayer(shape=(np.int64(32),))
    assert layer.batch_shape == (None, 32)
    assert all(type(d) is int for d in layer.batch_shape[1:])


def test_input_returns_the_layers_tensor():
    x = Input(shape=(3,), batch_size=2, name="input_a")
    assert isinstance(x, KerasTensor)
    assert x.shape == (2, 3)
    assert x.name == "input_a"
    layer, node_index, tensor_index = x._keras_history
    assert isinstance(layer, InputLayer)
    assert layer.name == "input_a"
    assert (node_index, tensor_index) == (0, 0)


def test_input_batch_shape():
    # the functional guide's `keras.Input(batch_shape=(batch_size, timesteps, input_dim))`
    assert Input(batch_shape=(16, 10, 5)).shape == (16, 10, 5)


def test_input_with_an_int_shape_explains_the_tuple():
    # `keras.Input(shape=(784))` is an int: Keras 3 says "Cannot convert '784'
    # to a shape."; kerastutor's message also spells out the fix.
    with pytest.raises(ValueError, match="784") as error:
        Input(shape=784)
    assert "(784,)" in str(error.value)
