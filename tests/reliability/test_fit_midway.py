"""Issue 13, item 1: a `fit` that fails mid-training says what it updated and how to undo it.

The errors `fit` can only meet part-way through (a loss overflowing in a
late batch, a callback raising in epoch 2) keep the weights as they were
before `fit` on the error, and a note says how many updates ran; errors
met before the first update change nothing and carry no such note.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from snapshot import snapshot

import kerastutor as keras
from kerastutor import layers as L
from kerastutor.callbacks import NonFiniteLossError


def _model(units=2):
    model = keras.Sequential([keras.Input((3,)), L.Dense(units)])
    model.compile("adam", "mse")
    return model


class _RaiseAt(keras.callbacks.Callback):
    def __init__(self, hook, epoch=None, batch=None):
        super().__init__()
        self.hook, self.epoch, self.batch = hook, epoch, batch

    def on_train_begin(self, logs=None):
        if self.hook == "train_begin":
            raise RuntimeError("raised in on_train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        if self.hook == "epoch_begin" and epoch == self.epoch:
            raise RuntimeError(f"raised in epoch {epoch + 1}")

    def on_train_batch_end(self, batch, logs=None):
        if self.hook == "batch_end" and batch == self.batch:
            raise KeyError("a typo in my callback")


def _assert_restorable(model, error, weights_before):
    """The error keeps the weights before fit, says so, and set_weights puts them back."""
    for kept, before in zip(error.weights_before_fit, weights_before):
        np.testing.assert_array_equal(kept, before)
    note = "\n".join(error.__notes__)
    assert f"fit had already updated the weights of model '{model.name}'" in note
    assert "model.set_weights(error.weights_before_fit)" in note
    model.set_weights(error.weights_before_fit)
    for now, before in zip(model.get_weights(), weights_before):
        np.testing.assert_array_equal(now, before)


@settings(
    max_examples=10, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(epoch=st.integers(1, 3), units=st.integers(1, 3))
def test_a_callback_raising_in_a_later_epoch_leaves_a_restorable_model(epoch, units):
    model = _model(units)
    weights_before = model.get_weights()
    with pytest.raises(RuntimeError, match=f"raised in epoch {epoch + 1}") as info:
        model.fit(
            np.ones((8, 3)),
            np.ones((8, units)),
            batch_size=4,
            epochs=4,
            callbacks=[_RaiseAt("epoch_begin", epoch=epoch)],
            verbose=0,
        )
    assert info.value.updates_before_error == 2 * epoch
    _assert_restorable(model, info.value, weights_before)


def test_an_error_of_any_kind_mid_epoch_is_explained_too():
    model = _model()
    weights_before = model.get_weights()
    with pytest.raises(KeyError) as info:
        model.fit(
            np.ones((8, 3)),
            np.ones((8, 2)),
            batch_size=2,
            callbacks=[_RaiseAt("batch_end", batch=2)],
            verbose=0,
        )
    assert info.value.updates_before_error == 3
    assert "from epoch 1, batch 0 to epoch 1, batch 2" in "\n".join(info.value.__notes__)
    _assert_restorable(model, info.value, weights_before)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's overflow warning, on purpose
@settings(
    max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(batch=st.integers(1, 7))
def test_a_loss_overflowing_in_a_later_batch_leaves_a_restorable_model(batch):
    model = _model()
    weights_before = model.get_weights()
    y = np.ones((16, 2), "float32")
    y[2 * batch] = 3e38  # finite, but its squared error overflows float32 to inf
    with pytest.raises(NonFiniteLossError, match=f"batch {batch}") as info:
        model.fit(np.ones((16, 3)), y, batch_size=2, shuffle=False, verbose=0)
    assert info.value.updates_before_error == batch  # the batch of inf updated nothing
    _assert_restorable(model, info.value, weights_before)


def test_an_error_before_the_first_update_changes_nothing_and_needs_no_note():
    model = _model()
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)  # optimizer slots exist
    before = snapshot(model)
    with pytest.raises(RuntimeError) as info:
        model.fit(np.ones((4, 3)), np.ones((4, 2)), callbacks=[_RaiseAt("train_begin")], verbose=0)
    assert snapshot(model) == before
    assert not hasattr(info.value, "weights_before_fit")
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "No training batch had completed" in notes and "weights_before_fit" not in notes
