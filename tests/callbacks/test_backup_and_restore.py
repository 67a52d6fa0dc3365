"""BackupAndRestore, ported from Keras 3's backup_and_restore_test.py."""

import json

import numpy as np
import pytest
from helpers import small_data, small_model

from kerastutor.callbacks import BackupAndRestore, Callback


class Interrupt(Callback):
    """Raises after `batches` training batches or `epochs` epochs, like a crash."""

    def __init__(self, batches=None, epochs=None):
        super().__init__()
        self.batches, self.epochs = batches, epochs
        self.batch_count = self.epoch_count = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_count += 1
        if self.epoch_count == self.epochs:
            raise RuntimeError("EpochInterruption")

    def on_batch_end(self, batch, logs=None):
        self.batch_count += 1
        if self.batch_count == self.batches:
            raise RuntimeError("StepsInterruption")


def test_a_bad_save_freq_or_folder_is_refused():
    with pytest.raises(ValueError, match="Invalid value"):
        BackupAndRestore(backup_dir="backup_dir", save_freq="batch")
    with pytest.raises(ValueError, match="Invalid value"):
        BackupAndRestore(backup_dir="backup_dir", save_freq=0.15)
    with pytest.raises(ValueError, match="Empty `backup_dir`"):
        BackupAndRestore(backup_dir="")


def test_resumes_after_the_last_backed_up_epoch(tmp_path):
    backup_dir = tmp_path / "subdir"
    model = small_model(optimizer="sgd", loss="mse", metrics=())
    x, y = small_data(10)
    backup = BackupAndRestore(backup_dir)
    with pytest.raises(RuntimeError, match="EpochInterruption"):
        model.fit(x, y, batch_size=4, epochs=6, verbose=0, callbacks=[backup, Interrupt(epochs=2)])
    assert backup._current_epoch == 2 and backup_dir.exists()
    assert json.loads((backup_dir / "training_metadata.json").read_text()) == {
        "epoch": 2,
        "batch": 0,
    }
    saved = model.get_weights()
    model.set_weights([np.zeros_like(w) for w in saved])  # what a new process would have

    first_epoch_weights = []
    look = Callback()
    look.on_epoch_begin = lambda epoch, logs=None: first_epoch_weights.append(model.get_weights())
    history = model.fit(x, y, batch_size=4, epochs=5, verbose=0, callbacks=[backup, look])
    assert history.epoch == [2, 3, 4]
    for restored, expected in zip(first_epoch_weights[0], saved, strict=True):
        np.testing.assert_array_equal(restored, expected)
    assert not backup_dir.exists()  # deleted once fit ends normally


def test_backs_up_every_n_batches(tmp_path):
    backup_dir = tmp_path / "subdir"
    model = small_model(optimizer="sgd", loss="mse", metrics=())
    x, y = small_data(10)
    backup = BackupAndRestore(backup_dir, save_freq=1, delete_checkpoint=False)
    with pytest.raises(RuntimeError, match="StepsInterruption"):
        model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[backup, Interrupt(batches=2)])
    assert backup._current_epoch == 0 and backup._batches.last_batch == 1
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[backup])
    assert history.epoch == [0, 1] and backup_dir.exists()  # kept: delete_checkpoint=False
