"""Callback and CallbackList: the hook set, the aliases, logs as Keras passes them, errors."""

import numpy as np
import pytest
from helpers import small_data, small_model

from kerastutor.callbacks import (
    Callback,
    CallbackList,
    EarlyStopping,
    History,
    LambdaCallback,
    ProgbarLogger,
)

HOOKS_WITH_A_NUMBER = [
    "on_batch_begin",
    "on_batch_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
]
HOOKS_WITHOUT = [
    f"on_{mode}_{moment}" for mode in ("train", "test", "predict") for moment in ("begin", "end")
]


def test_the_base_class_has_every_hook_and_they_do_nothing():
    callback = Callback()
    assert callback.model is None and callback.params is None
    for hook in HOOKS_WITH_A_NUMBER:
        assert getattr(callback, hook)(0, logs={}) is None
    for hook in HOOKS_WITHOUT:
        assert getattr(callback, hook)(logs={}) is None
    callback.set_model("model")
    callback.set_params({"epochs": 1})
    assert callback.model == "model" and callback.params == {"epochs": 1}


def test_on_batch_begin_and_end_are_the_train_batch_hooks_older_names():
    seen = []

    class Old(Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch, sorted(logs)))

    model = small_model()
    x, y = small_data(8)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=[Old()])
    assert seen == [
        ("begin", 0),
        ("end", 0, ["accuracy", "loss"]),
        ("begin", 1),
        ("end", 1, ["accuracy", "loss"]),
    ]


def test_every_callback_gets_the_same_sorted_logs_of_python_floats():
    seen = []

    class AddKey(Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["extra"] = 1.0

    class Look(Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(logs)

    given = {"loss": np.float32(0.5), "accuracy": np.float64(0.25)}
    hooks = CallbackList([AddKey(), Look()])
    hooks.on_epoch_end(0, given)
    assert seen == [{"accuracy": 0.25, "loss": 0.5, "extra": 1.0}]
    assert all(type(v) is float for v in seen[0].values())
    assert list(seen[0])[:2] == ["accuracy", "loss"] and "extra" not in given
    hooks.on_epoch_begin(1)
    hooks.on_train_begin()  # no logs arrive as {} (as in Keras), never None


def test_history_and_progbar_are_added_once_and_the_model_gets_the_history():
    model = small_model()
    mine = History()
    hooks = CallbackList([mine], add_history=True, add_progbar=True, model=model, verbose=2)
    assert hooks.callbacks[0] is mine and isinstance(hooks.callbacks[1], ProgbarLogger)
    assert len(hooks.callbacks) == 2 and model.history is mine
    assert hooks.callbacks[1].verbose == 2 and mine.params == {"verbose": 2}
    assert CallbackList().callbacks == []


def test_fit_returns_the_history_it_records_into_model_history():
    model = small_model()
    x, y = small_data()
    history = model.fit(x, y, epochs=2, verbose=0)
    assert model.history is history and history.epoch == [0, 1]
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 1}


def test_on_train_end_receives_the_last_epoch_logs():
    received = []
    model = small_model()
    x, y = small_data()
    callback = LambdaCallback(on_train_end=received.append)
    history = model.fit(x, y, epochs=2, verbose=0, validation_split=0.25, callbacks=[callback])
    assert received == [{key: values[-1] for key, values in history.history.items()}]


def test_a_class_instead_of_an_instance_is_refused():
    model = small_model()
    x, y = small_data()
    with pytest.raises(
        TypeError, match=r"the class EarlyStopping, not an instance.*EarlyStopping\(\)"
    ):
        model.fit(x, y, verbose=0, callbacks=[EarlyStopping])
    with pytest.raises(TypeError, match="LambdaCallback"):
        CallbackList([print])


class Broken(Callback):
    def __init__(self, hook):
        super().__init__()
        self.hook = hook

    def _fail(self):
        raise KeyError("oops")

    def on_epoch_end(self, epoch, logs=None):
        if self.hook == "on_epoch_end":
            self._fail()

    def on_train_batch_end(self, batch, logs=None):
        if self.hook == "on_train_batch_end" and batch == 1:
            self._fail()

    def on_test_batch_begin(self, batch, logs=None):
        if self.hook == "on_test_batch_begin":
            self._fail()

    def on_train_begin(self, logs=None):
        if self.hook == "on_train_begin":
            self._fail()


@pytest.mark.parametrize(
    "hook, where",
    [
        ("on_epoch_end", "`on_epoch_end` at epoch 0 (counting from 0)"),
        ("on_train_batch_end", "`on_train_batch_end` at epoch 0, batch 1 (counting from 0)"),
        ("on_test_batch_begin", "`on_test_batch_begin` at batch 0 of the validation of epoch 0"),
        ("on_train_begin", "`on_train_begin`. No training batch had completed"),
    ],
)
def test_an_error_in_a_hook_keeps_its_type_and_gains_a_note(hook, where):
    model = small_model()
    x, y = small_data(12)
    with pytest.raises(KeyError, match="oops") as caught:
        model.fit(
            x, y, batch_size=4, epochs=2, verbose=0, validation_split=0.25, callbacks=[Broken(hook)]
        )
    (note,) = caught.value.__notes__
    assert note.startswith("This error was raised by the callback Broken in " + where)
    if hook != "on_train_begin":
        assert (
            "weights are as after the last completed batch: nothing was "
            "rolled back and no step was half-applied." in note
        )
        # fit adds how to go back (see kerastutor.training.partial_fit)
        assert note.endswith(
            "model.set_weights(error.weights_before_fit)` (and "
            "`model.compile(...)` again for a fresh optimizer)."
        )


def test_the_weights_are_those_of_the_last_completed_batch():
    model = small_model()
    x, y = small_data(12)
    after_each_batch = []
    record = LambdaCallback(
        on_train_batch_end=lambda batch, logs: after_each_batch.append(model.get_weights())
    )
    with pytest.raises(KeyError):
        model.fit(
            x,
            y,
            batch_size=4,
            epochs=1,
            verbose=0,
            callbacks=[record, Broken("on_train_batch_end")],
        )
    assert len(after_each_batch) == 2
    for now, then in zip(model.get_weights(), after_each_batch[-1], strict=True):
        np.testing.assert_array_equal(now, then)


def test_evaluate_and_predict_run_their_hooks_with_keras_logs():
    events = []

    class Recorder(Callback):
        def on_test_begin(self, logs=None):
            events.append(("test_begin", logs))

        def on_test_batch_end(self, batch, logs=None):
            events.append(("test_batch_end", batch, sorted(logs)))

        def on_test_end(self, logs=None):
            events.append(("test_end", sorted(logs)))

        def on_predict_batch_end(self, batch, logs=None):
            events.append(("predict_batch_end", batch, logs["outputs"].shape))

        def on_predict_end(self, logs=None):
            events.append(("predict_end", logs))

    model = small_model()
    x, y = small_data(12)
    model.evaluate(x, y, batch_size=8, verbose=0, callbacks=[Recorder()])
    model.predict(x, batch_size=8, verbose=0, callbacks=[Recorder()])
    assert events == [
        ("test_begin", {}),
        ("test_batch_end", 0, ["accuracy", "loss"]),
        ("test_batch_end", 1, ["accuracy", "loss"]),
        ("test_end", ["accuracy", "loss"]),
        ("predict_batch_end", 0, (8, 1)),
        ("predict_batch_end", 1, (4, 1)),
        ("predict_end", {}),
    ]


def test_an_error_in_a_predict_hook_names_the_batch():
    class Broken(Callback):
        def on_predict_batch_end(self, batch, logs=None):
            raise ValueError("bad")

    with pytest.raises(ValueError, match="bad") as caught:
        small_model().predict(small_data(4)[0], verbose=0, callbacks=[Broken()])
    assert (
        "Broken in `on_predict_batch_end` at batch 0 (counting from 0)"
        in (caught.value.__notes__[0])
    )


def test_one_callback_or_a_nested_list_is_taken_as_keras_takes_it():
    seen = []
    one = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(("one", epoch)))
    two = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(("two", epoch)))
    model = small_model()
    x, y = small_data()
    model.fit(x, y, epochs=1, verbose=0, callbacks=one)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[[one], (two,)])
    assert seen == [("one", 0), ("one", 0), ("two", 0)]
    with pytest.raises(TypeError, match="the class EarlyStopping, not an instance"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=EarlyStopping)
