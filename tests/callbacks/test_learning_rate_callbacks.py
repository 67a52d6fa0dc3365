"""ReduceLROnPlateau and LearningRateScheduler, ported from Keras 3's tests."""

import math

import numpy as np
import pytest
from helpers import FakeModel, small_data, small_model

from kerastutor.callbacks import LearningRateScheduler, ReduceLROnPlateau


def fit_with(callback, epochs, learning_rate=0.1):
    model = small_model(optimizer="adam", loss="mse", metrics=())
    model.optimizer.learning_rate = learning_rate
    x, y = small_data(20)
    history = model.fit(
        x[:10],
        y[:10],
        validation_data=(x[10:], y[10:]),
        epochs=epochs,
        verbose=0,
        callbacks=[callback],
    )
    return model, history


# ---------------------------------------------------------------- ReduceLROnPlateau


def test_reduces_the_rate_with_fit_and_logs_it():
    # min_delta=100: no epoch counts as an improvement after the first.
    reduce_lr = ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss", min_delta=100)
    model, history = fit_with(reduce_lr, epochs=2)
    assert model.optimizer.learning_rate == pytest.approx(0.01)
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.1])


def test_verbose_says_when_it_reduces(capsys):
    reduce_lr = ReduceLROnPlateau(
        patience=1, factor=0.1, monitor="val_loss", min_delta=100, verbose=1
    )
    fit_with(reduce_lr, epochs=2)
    assert "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.01" in capsys.readouterr().out


def test_never_goes_below_min_lr():
    reduce_lr = ReduceLROnPlateau(
        patience=1, factor=0.1, monitor="val_loss", min_delta=10, min_lr=0.005
    )
    model, _ = fit_with(reduce_lr, epochs=4)
    assert model.optimizer.learning_rate == pytest.approx(0.005)


def test_cooldown_waits_between_reductions():
    reduce_lr = ReduceLROnPlateau(
        patience=1, factor=0.1, monitor="val_loss", min_delta=100, cooldown=2
    )
    model, _ = fit_with(reduce_lr, epochs=4)
    assert model.optimizer.learning_rate == pytest.approx(0.001)


def test_state_resets_across_fit_calls():
    reduce_lr = ReduceLROnPlateau(patience=1, monitor="loss", cooldown=2)
    reduce_lr.set_model(FakeModel())
    reduce_lr.best, reduce_lr.wait, reduce_lr.cooldown_counter = 0.5, 3, 2
    reduce_lr.on_train_begin()
    assert (reduce_lr.best, reduce_lr.wait, reduce_lr.cooldown_counter) == (None, 0, 0)


def test_a_factor_of_one_or_more_is_refused():
    with pytest.raises(ValueError, match="factor >= 1.0. Received factor=1.5"):
        ReduceLROnPlateau(factor=1.5)


def test_a_missing_monitor_warns_and_changes_nothing():
    reduce_lr = ReduceLROnPlateau(patience=0)
    model = FakeModel(learning_rate=0.1)
    reduce_lr.set_model(model)
    reduce_lr.on_train_begin()
    with pytest.warns(UserWarning, match="`val_loss` which is not available.*loss,learning_rate"):
        reduce_lr.on_epoch_end(0, {"loss": 1.0})
    assert model.optimizer.learning_rate == 0.1


def test_the_optimizers_type_error_for_a_schedule_names_the_callback():
    class ScheduledOptimizer:
        learning_rate = 0.1

        def __setattr__(self, name, value):
            raise TypeError("This optimizer was created with a `LearningRateSchedule`")

    model = FakeModel()
    model.optimizer = ScheduledOptimizer()
    reduce_lr = ReduceLROnPlateau(monitor="loss", patience=0, min_delta=100)
    reduce_lr.set_model(model)
    reduce_lr.on_train_begin()
    reduce_lr.on_epoch_end(0, {"loss": 1.0})
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        reduce_lr.on_epoch_end(1, {"loss": 1.0})


# ---------------------------------------------------------------- LearningRateScheduler


def test_the_schedule_sets_the_rate_every_epoch():
    scheduler = LearningRateScheduler(lambda epoch, lr: 1.0 / (1.0 + epoch))
    model, history = fit_with(scheduler, epochs=3)
    np.testing.assert_allclose(history.history["learning_rate"], [1.0, 0.5, 1 / 3])
    assert model.optimizer.learning_rate == pytest.approx(1 / 3)


def test_a_schedule_of_the_epoch_alone_works_too():
    scheduler = LearningRateScheduler(lambda epoch: 0.5**epoch)
    model, _ = fit_with(scheduler, epochs=3)
    assert model.optimizer.learning_rate == pytest.approx(0.25)


def test_verbose_prints_the_rate(capsys):
    fit_with(LearningRateScheduler(lambda epoch, lr: 0.05, verbose=1), epochs=1)
    assert "\nEpoch 1: LearningRateScheduler setting learning rate to 0.05." in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize(
    "returned, message",
    [
        (1, "should be a float. Got: 1 \\(a int\\) at epoch 0"),
        ("0.1", "should be a float"),
        (math.inf, "learning rate of inf at epoch 0"),
        (math.nan, "learning rate of nan"),
    ],
)
def test_a_schedule_must_return_a_finite_float(returned, message):
    scheduler = LearningRateScheduler(lambda epoch, lr: returned)
    model = FakeModel(learning_rate=0.1)
    scheduler.set_model(model)
    with pytest.raises(ValueError, match=message):
        scheduler.on_epoch_begin(0)
    assert model.optimizer.learning_rate == 0.1  # nothing half-applied


def test_the_schedule_must_be_a_function():
    with pytest.raises(TypeError, match="schedule\\(epoch, lr\\)"):
        LearningRateScheduler(0.1)
