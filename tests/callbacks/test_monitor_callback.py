"""MonitorCallback (the base of EarlyStopping, ModelCheckpoint, ReduceLROnPlateau), from Keras 3's test."""

import pytest
from helpers import small_data, small_model

from kerastutor.callbacks import Callback, MonitorCallback


@pytest.mark.parametrize(
    "mode, monitor, higher_is_better",
    [
        ("max", "val_mse", True),
        ("min", "val_loss", False),
        ("auto", "val_mse", False),
        ("auto", "loss", False),
        ("auto", "acc", True),
        ("auto", "val_accuracy", True),
        ("auto", "hinge", False),
        ("auto", "val_mae", False),
    ],
)
def test_the_direction_comes_from_the_mode_or_the_name(mode, monitor, higher_is_better):
    model = small_model(loss="mae", metrics=["mse", "acc", "accuracy", "mae"])
    x, y = small_data(20)
    model.fit(x[:10], y[:10], batch_size=5, validation_data=(x[10:], y[10:]), epochs=2, verbose=0)
    callback = MonitorCallback(monitor, mode)
    callback.set_model(model)
    callback._set_monitor_op()
    assert callback.monitor_op(2.0, 1.0) is higher_is_better


def test_an_unknown_name_in_auto_mode_is_refused():
    callback = MonitorCallback("unknown")
    callback.set_model(small_model())
    with pytest.raises(ValueError, match="isn't able to automatically determine"):
        callback._set_monitor_op()


def test_a_metric_that_knows_its_direction_decides():
    class Score:
        name = "score"
        _direction = "up"

    class WithMetrics:
        metrics = [Score()]

    callback = MonitorCallback("val_score")
    callback.set_model(WithMetrics())
    callback._set_monitor_op()
    assert callback.monitor_op(2.0, 1.0)


def test_min_delta_must_be_exceeded():
    callback = MonitorCallback(mode="max", min_delta=0.5)
    callback._set_monitor_op()
    assert callback._is_improvement(0.75, 0)
    assert callback._is_improvement(0.5, None)
    assert not callback._is_improvement(0.5, 0)
    assert not callback._is_improvement(0.2, 0.5)
    lower = MonitorCallback(mode="min", min_delta=0.5)
    lower._set_monitor_op()
    assert lower._is_improvement(0.4, 1.0) and not lower._is_improvement(0.6, 1.0)


def test_the_model_is_current_when_a_batch_hook_runs():
    seen = []

    class Look(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(self.model.optimizer.iterations)

    x, y = small_data(8)
    small_model().fit(x, y, batch_size=2, epochs=1, verbose=0, callbacks=[Look()])
    assert [int(i) for i in seen] == [1, 2, 3, 4]
