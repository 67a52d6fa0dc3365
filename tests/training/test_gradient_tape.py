"""kerastutor.GradientTape behaves as tf.GradientTape does for what Keras's guides use."""

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import autodiff, ops
from kerastutor.autodiff import Variable


def test_gradients_of_every_trainable_variable_used_none_for_the_others():
    w = Variable(np.array([1.0, 2.0]), name="w")
    unused = Variable(np.array([3.0]), name="unused")
    frozen = Variable(np.array([4.0]), name="frozen", trainable=False)
    with keras.GradientTape() as tape:
        loss = ops.sum(w * w) + ops.sum(frozen)
    grad_w, grad_unused, grad_frozen = tape.gradient(loss, [w, unused, frozen])
    np.testing.assert_allclose(grad_w, [2.0, 4.0])
    assert grad_unused is None
    assert grad_frozen is None  # not watched: a frozen weight records nothing, as in TF
    assert not w.requires_grad  # after the block, inference is plain NumPy again
    assert isinstance(ops.multiply(w, 2.0), np.ndarray)


def test_sources_keep_their_structure_and_a_single_source_gives_one_array():
    a = Variable(np.array(2.0), name="a")
    b = Variable(np.array(3.0), name="b")
    with keras.GradientTape(persistent=True) as tape:
        y = a * b
    assert tape.gradient(y, {"a": a, "b": b}) == {"a": 3.0, "b": 2.0}
    assert tape.gradient(y, a) == 3.0
    np.testing.assert_allclose(tape.gradient(y, (a, b)), [3.0, 2.0])


def test_a_tape_answers_once_unless_persistent():
    w = Variable(np.array([1.0]), name="w")
    with keras.GradientTape() as tape:
        loss = ops.sum(3.0 * w)
    tape.gradient(loss, [w])
    with pytest.raises(RuntimeError, match="persistent=True"):
        tape.gradient(loss, [w])
    with keras.GradientTape(persistent=True) as tape:
        loss = ops.sum(3.0 * w * w)
    first = tape.gradient(loss, [w])[0]
    np.testing.assert_allclose(tape.gradient(loss, [w])[0], first)  # not accumulated twice
    np.testing.assert_allclose(first, [6.0])


def test_watch_adds_a_tensor_and_refuses_numpy_with_a_way_out():
    x = Variable(np.array([1.0, 2.0]), name="x", trainable=False)
    with keras.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = ops.sum(x * x * x)
    np.testing.assert_allclose(tape.gradient(y, x), [3.0, 12.0])
    with keras.GradientTape() as tape:
        with pytest.raises(TypeError, match=r"make it a Variable first"):
            tape.watch(np.ones(2))


def test_a_constant_target_has_no_gradients():
    w = Variable(np.array([1.0]), name="w")
    with keras.GradientTape() as tape:
        loss = np.float32(2.0)
    assert tape.gradient(loss, [w]) == [None]


def test_the_same_gradients_as_watch_and_backward_which_still_work_inside():
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="tanh")(inputs))
    x = np.random.default_rng(0).random((4, 3)).astype("float32")
    with keras.GradientTape() as tape:
        loss = ops.mean(model(x, training=True) ** 2)
        loss.backward()  # the PyTorch guide's spelling, in the same block
        torch_style = [v.grad for v in model.trainable_weights]
    tf_style = tape.gradient(loss, model.trainable_weights)
    with autodiff.watch(model.trainable_weights):
        ops.mean(model(x, training=True) ** 2).backward()
        watched = [v.grad for v in model.trainable_weights]
    for a, b, c in zip(tf_style, torch_style, watched, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
        np.testing.assert_allclose(a, c, rtol=1e-6)
