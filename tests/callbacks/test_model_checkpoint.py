"""ModelCheckpoint, ported from Keras 3's model_checkpoint_test.py, plus kerastutor's messages."""

import os

import numpy as np
import pytest
from helpers import small_data, small_model

from kerastutor.callbacks import ModelCheckpoint
from kerastutor.models import load_model


def fit(model, callbacks, epochs=1, batch_size=4, validation=True):
    x, y = small_data(30)
    return model.fit(
        x[:20],
        y[:20],
        batch_size=batch_size,
        epochs=epochs,
        verbose=0,
        validation_data=(x[20:], y[20:]) if validation else None,
        callbacks=callbacks,
    )


@pytest.mark.parametrize(
    "monitor, mode, save_best_only",
    [("val_loss", "auto", False), ("val_loss", "min", False), ("val_accuracy", "max", True)],
)
def test_saves_the_whole_model_in_a_new_folder(tmp_path, monitor, mode, save_best_only):
    filepath = tmp_path / "subdir" / "checkpoint.keras"
    model = small_model()
    callback = ModelCheckpoint(filepath, monitor=monitor, mode=mode, save_best_only=save_best_only)
    fit(model, [callback])
    restored = load_model(filepath)
    for saved, now in zip(restored.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, now)


def test_save_best_only_with_a_missing_monitor_warns_and_saves(tmp_path):
    filepath = tmp_path / "checkpoint.keras"
    callback = ModelCheckpoint(filepath, monitor="unknown", save_best_only=True, mode="min")
    with pytest.warns(UserWarning, match="Can save best model only with unknown available"):
        fit(small_model(), [callback])
    assert filepath.exists()


def test_save_freq_counts_batches_across_epochs(tmp_path):
    pattern = str(tmp_path / "checkpoint.epoch{epoch:02d}.weights.h5")
    callback = ModelCheckpoint(pattern, save_freq=15, save_weights_only=True)
    fit(small_model(), [callback], epochs=10, batch_size=4)  # 5 batches an epoch
    assert sorted(os.listdir(tmp_path)) == [
        "checkpoint.epoch03.weights.h5",
        "checkpoint.epoch06.weights.h5",
        "checkpoint.epoch09.weights.h5",
    ]


def test_batch_is_a_format_field_with_an_integer_save_freq(tmp_path):
    pattern = str(tmp_path / "checkpoint.epoch{epoch:02d}batch{batch:02d}.keras")
    fit(small_model(), [ModelCheckpoint(pattern, save_freq=1)], epochs=2, batch_size=10)
    assert sorted(os.listdir(tmp_path)) == [
        f"checkpoint.epoch{epoch:02d}batch{batch:02d}.keras" for epoch in (1, 2) for batch in (1, 2)
    ]


def test_save_best_only_keeps_only_improvements(tmp_path, capsys):
    pattern = str(tmp_path / "w.{epoch:02d}.weights.h5")
    callback = ModelCheckpoint(
        pattern, monitor="loss", save_best_only=True, save_weights_only=True, verbose=1
    )
    callback.set_model(small_model())
    for epoch, loss in enumerate([1.0, 0.8, 0.9, 0.7]):
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, {"loss": loss})
    assert sorted(os.listdir(tmp_path)) == ["w.01.weights.h5", "w.02.weights.h5", "w.04.weights.h5"]
    out = capsys.readouterr().out
    assert "\nEpoch 1: loss improved from None to 1.00000, saving model to " in out
    assert "\nEpoch 3: loss did not improve from 0.80000" in out
    assert "\nEpoch 4: finished saving model to " in out


def test_initial_value_threshold_must_be_beaten_first(tmp_path):
    filepath = tmp_path / "best.weights.h5"
    callback = ModelCheckpoint(
        filepath,
        monitor="loss",
        save_best_only=True,
        save_weights_only=True,
        initial_value_threshold=0.5,
    )
    callback.set_model(small_model())
    callback.on_epoch_end(0, {"loss": 0.6})
    assert not filepath.exists()
    callback.on_epoch_end(1, {"loss": 0.4})
    assert filepath.exists()


def test_the_filepath_must_have_keras_3s_extension():
    with pytest.raises(ValueError, match=r"must end in `.keras`.*filepath=model.h5.*legacy"):
        ModelCheckpoint("model.h5")
    with pytest.raises(ValueError, match="pass `save_weights_only=True`"):
        ModelCheckpoint("model.weights.h5")
    with pytest.raises(ValueError, match=r"must end in `.weights.h5`.*filepath=model.keras"):
        ModelCheckpoint("model.keras", save_weights_only=True)
    with pytest.raises(ValueError, match="Unrecognized save_freq: 'invalid'"):
        ModelCheckpoint("model.keras", save_freq="invalid")


def test_an_unknown_format_field_names_the_available_ones(tmp_path):
    callback = ModelCheckpoint(str(tmp_path / "m.{epoch:02d}-{val_loss:.2f}.keras"))
    model = small_model()
    with pytest.raises(KeyError) as caught:
        fit(model, [callback], validation=False)
    message = str(caught.value)
    assert message.startswith('Failed to format this callback filepath: "')
    assert "the field 'val_loss' is not known" in message
    assert "the fields are: epoch, accuracy, loss." in message
    assert "EarlyStopping" not in caught.value.__notes__[0]
    assert "ModelCheckpoint in `on_epoch_end` at epoch 0" in caught.value.__notes__[0]
    assert os.listdir(tmp_path) == []


def test_a_directory_as_filepath_is_refused(tmp_path):
    (tmp_path / "folder.keras").mkdir()
    callback = ModelCheckpoint(str(tmp_path / "folder.keras"))
    callback.set_model(small_model())
    with pytest.raises(OSError, match="non-directory filepath"):
        callback.on_epoch_end(0, {"loss": 1.0})
