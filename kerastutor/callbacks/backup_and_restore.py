"""BackupAndRestore: resume a `fit` that was interrupted, from its last backup."""

import json
import os
import shutil

from kerastutor.callbacks.batch_counter import BatchCounter
from kerastutor.callbacks.callback import Callback

__all__ = ["BackupAndRestore"]


class BackupAndRestore(Callback):
    """Back up the weights and the epoch reached, so a new `fit` resumes there.

    At the end of every epoch (or every `save_freq` batches) it writes
    `backup_dir/latest.weights.h5` (the weights and the optimizer's state)
    and `backup_dir/training_metadata.json` ({"epoch": ..., "batch": ...}).
    When `fit` starts, it loads them if they exist and sets
    `model._initial_epoch`, which `fit` reads to skip the epochs already
    done. When `fit` finishes normally the backup is deleted; after an
    interruption it stays, so running the same `fit` again continues.

    Example:
        >>> from kerastutor.callbacks import BackupAndRestore
        >>> backup = BackupAndRestore(backup_dir="/tmp/backup")
        >>> # model.fit(x, y, epochs=10, callbacks=[backup])  -> interrupted in epoch 6
        >>> # model.fit(x, y, epochs=10, callbacks=[backup])  -> runs epochs 6 to 10

    Args:
        backup_dir: the folder for the backup (used only by this callback).
        save_freq: 'epoch', or an integer: back up every that many batches.
        double_checkpoint: keep the previous backup as '*.bkp' too, used if
            the latest one cannot be read.
        delete_checkpoint: delete the backup when `fit` ends normally.

    Raises:
        ValueError: for an empty `backup_dir` or a bad `save_freq`; at the
            start of fit, for a model that is not built yet.
    """

    def __init__(
        self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True
    ):
        super().__init__()
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._current_epoch = 0
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        self.backup_dir = os.fspath(backup_dir)
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._training_metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._prev_weights_path = f"{self._weights_path}.bkp"
        self._prev_training_metadata_path = f"{self._training_metadata_path}.bkp"
        is_count = isinstance(save_freq, int) and not isinstance(save_freq, bool)
        if save_freq != "epoch" and not is_count:
            raise ValueError(
                "Invalid value for argument `save_freq`. "
                f"Received: save_freq={save_freq}. Expected either 'epoch' or an integer value."
            )
        self._batches = BatchCounter(save_freq)

    def on_train_begin(self, logs=None):
        try:
            self._load_model()
        except OSError:
            # The latest backup may be damaged (interrupted while writing).
            if not os.path.exists(self._prev_weights_path):
                raise
            shutil.copy(self._prev_weights_path, self._weights_path)
            if os.path.exists(self._prev_training_metadata_path):
                shutil.copy(self._prev_training_metadata_path, self._training_metadata_path)
            elif os.path.exists(self._training_metadata_path):
                os.remove(self._training_metadata_path)
            self._load_model()

    def _load_model(self):
        if not self.model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, you model must be built before you call "
                f"`fit()`. Model {self.model} is unbuilt. You can build it beforehand by "
                "calling it on a batch of data."
            )
        if os.path.exists(self._weights_path):
            self.model.load_weights(self._weights_path)
        if os.path.exists(self._training_metadata_path):
            with open(self._training_metadata_path) as stream:
                training_metadata = json.loads(stream.read())
            self.model._initial_epoch = training_metadata["epoch"]

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._batches.last_batch = 0
        if self.save_freq == "epoch":
            self._save_model()

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq != "epoch" and self._batches.due(batch):
            self._save_model()

    def _save_model(self):
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._weights_path):
            shutil.copy(self._weights_path, self._prev_weights_path)
        if self.double_checkpoint and os.path.exists(self._training_metadata_path):
            shutil.copy(self._training_metadata_path, self._prev_training_metadata_path)
        self.model.save_weights(self._weights_path, overwrite=True)
        with open(self._training_metadata_path, "w") as stream:
            metadata = {"epoch": self._current_epoch, "batch": self._batches.last_batch or 0}
            stream.write(json.dumps(metadata))

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
