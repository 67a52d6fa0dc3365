"""EarlyStopping, ported from Keras 3's early_stopping_test.py, plus kerastutor's messages."""

import numpy as np
import pytest
from helpers import FakeModel, small_data, small_model

from kerastutor.callbacks import EarlyStopping


def run(callback, values, key="val_loss"):
    """Feed one value per epoch; return the epoch that stopped training (or None) and the model."""
    model = FakeModel()
    callback.set_model(model)
    callback.on_train_begin()
    stopped_at = None
    for epoch, value in enumerate(values):
        model.weights = [np.array([float(epoch)])]
        callback.on_epoch_end(epoch, {"loss": 0.0, key: value})
        if model.stop_training:
            stopped_at = epoch
            break
    callback.on_train_end()
    return stopped_at, model


@pytest.mark.parametrize("patience", [0, 1, 2, 3])
def test_patience_counts_epochs_without_improvement(patience):
    losses = [10.0, 9.0, 8.0, 9.0, 8.9, 8.8, 8.7, 8.6, 8.5]
    stopper = EarlyStopping(monitor="loss", patience=patience)
    run(stopper, losses, key="loss")
    assert stopper.stopped_epoch == max(patience, 1) + 2


def test_min_delta_and_baseline():
    assert run(EarlyStopping(min_delta=0.1), [1.0, 0.95])[0] == 1
    assert run(EarlyStopping(patience=2), [1.0, 0.9, 0.95])[0] is None
    assert run(EarlyStopping(patience=2, baseline=0.5), [1.0, 0.9, 0.95])[0] == 2


@pytest.mark.parametrize(
    "mode, monitor, expected",
    [
        ("max", "val_mse", "max"),
        ("min", "val_loss", "min"),
        ("auto", "val_mae", "min"),
        ("auto", "loss", "min"),
        ("auto", "acc", "max"),
        ("auto", "val_accuracy", "max"),
    ],
)
def test_mode_decides_the_direction(mode, monitor, expected):
    stopper = EarlyStopping(monitor=monitor, mode=mode)
    stopper.set_model(FakeModel())
    stopper.on_epoch_end(0, {monitor: 1.0})
    assert stopper.monitor_op(1.0, 2.0) is (expected == "min")


def test_auto_mode_on_an_unknown_metric_says_to_choose():
    stopper = EarlyStopping(monitor="unknown")
    stopper.set_model(FakeModel())
    with pytest.raises(ValueError, match="Pass `mode='max'`"):
        stopper.on_epoch_end(0, {"unknown": 1.0})


def test_a_bad_mode_is_refused():
    with pytest.raises(ValueError, match=r"mode='mn'.*'auto', 'min' or 'max'"):
        EarlyStopping(mode="mn")


def test_reuse_across_fits_starts_afresh():
    stopper = EarlyStopping(monitor="loss", patience=3)
    stopper.set_model(FakeModel())
    stopper.on_train_begin()
    stopper.best, stopper.wait, stopper.stopped_epoch, stopper.best_epoch = 0.1, 3, 5, 5
    stopper.best_weights = object()
    stopper.on_train_begin()
    assert (stopper.best, stopper.wait, stopper.stopped_epoch, stopper.best_epoch) == (
        None,
        0,
        0,
        0,
    )
    assert stopper.best_weights is None


def test_restores_the_best_weights(capsys):
    callback = EarlyStopping(patience=2, restore_best_weights=True, verbose=1)
    stopped, model = run(callback, [0.2, 0.15, 0.1, 0.11, 0.12])
    assert stopped == 4
    np.testing.assert_array_equal(model.weights[0], [2.0])
    out = capsys.readouterr().out
    assert "Epoch 5: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 3." in out


def test_restores_the_best_weights_even_if_none_beats_the_baseline():
    callback = EarlyStopping(patience=5, baseline=0.5, restore_best_weights=True)
    stopped, model = run(callback, [0.9, 0.8, 0.7, 0.71, 0.72, 0.73])
    assert stopped == 4  # five epochs, none better than 0.5
    np.testing.assert_array_equal(model.weights[0], [2.0])


def test_start_from_epoch_waits_before_watching():
    callback = EarlyStopping(monitor="loss", patience=0, start_from_epoch=3)
    stopped, _ = run(callback, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], key="loss")
    assert stopped == 4


def test_in_fit():
    model = small_model()
    x, y = small_data()
    history = model.fit(
        x, y, epochs=10, verbose=0, callbacks=[EarlyStopping(monitor="loss", min_delta=10)]
    )
    assert history.epoch == [0, 1]


def test_a_missing_val_loss_warns_and_says_how_to_get_it():
    model = small_model()
    x, y = small_data()
    with pytest.warns(UserWarning) as caught:
        history = model.fit(x, y, epochs=2, verbose=0, callbacks=[EarlyStopping()])
    assert len(caught) == 2 and history.epoch == [0, 1]
    message = str(caught[0].message)
    assert message.startswith(
        "Early stopping conditioned on metric `val_loss` which is not available. "
        "Available metrics are: accuracy,loss"
    )
    assert "validation_split" in message and "monitor `loss`" in message
