"""ModelCheckpoint: save the model, or its weights, during training."""

import os
import warnings

import numpy as np

from kerastutor.callbacks.batch_counter import BatchCounter
from kerastutor.callbacks.monitor_callback import MonitorCallback

__all__ = ["ModelCheckpoint"]


class ModelCheckpoint(MonitorCallback):
    """Save the model (`model.save`) or its weights (`model.save_weights`) as training goes.

    `filepath` may hold format fields filled from the epoch (counting from
    1) and the logs, e.g. 'weights.{epoch:02d}-{val_loss:.2f}.weights.h5'
    writes 'weights.03-0.41.weights.h5' after the third epoch. With
    `save_freq=n` (batches) the field `{batch}` is available too.

    With `save_best_only=True` a file is written only when the monitored
    value improves on the best so far; a filepath without format fields
    then always holds the best model.

    Example:
        >>> from kerastutor.callbacks import ModelCheckpoint
        >>> checkpoint = ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True)
        >>> # model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[checkpoint])
        >>> # then kerastutor.models.load_model("best.keras") is the best epoch's model

    Args:
        filepath: where to save; must end in '.keras' (the whole model,
            Keras 3's format) or, with `save_weights_only=True`, in
            '.weights.h5'.
        monitor: the logs key that `save_best_only` compares.
        verbose: 1 prints a line for every save decision.
        save_best_only: save only when `monitor` improves.
        save_weights_only: save with `model.save_weights` instead of `model.save`.
        mode: 'min', 'max' or 'auto' (from the name of `monitor`).
        save_freq: 'epoch' (at each epoch's end), or an integer: save after
            every that many batches (the logs are then the epoch's running
            means so far).
        initial_value_threshold: with `save_best_only`, the value to beat
            before the first save.

    Raises:
        ValueError: for a filepath with the wrong ending or a bad `save_freq`.
        KeyError: at the first save, for a format field that is neither
            'epoch' nor a logs key (the message lists the keys).
    """

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
    ):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._current_epoch = 0
        is_count = isinstance(save_freq, int) and not isinstance(save_freq, bool)
        if save_freq != "epoch" and not (is_count and save_freq > 0):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq!r}. Expected 'epoch' (save at the end of "
                "each epoch) or a positive integer (save every that many batches)."
            )
        _check_extension(self.filepath, save_weights_only)
        self._batches = BatchCounter(save_freq)

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq != "epoch" and self._batches.due(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_model(self, epoch, logs, filepath):
        logs = logs or {}
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Can save best model only with {self.monitor} available. Available: "
                f"{', '.join(logs)}. Saving at every epoch instead.",
                stacklevel=2,
            )
            return True
        if np.ndim(current) > 0:
            warnings.warn(
                f"Can save best model only when `monitor` is a scalar value. Received: "
                f"{current}. Falling back to `save_best_only=False`.",
                stacklevel=2,
            )
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                    f"{current:.5f}, saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs or {})
        if not self._should_save_model(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used "
                f"is an existing directory: {filepath}"
            )
        directory = os.path.dirname(filepath)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch, batch, logs):
        """`filepath` with its fields filled: epoch (from 1), batch (from 1) and the logs."""
        fields = {"epoch": epoch + 1, **logs}
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise FilepathFormatError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: the field '
                f"{error} is not known at this point; the fields are: {', '.join(fields)}. A "
                "'val_*' field needs validation data in fit; {batch} needs an integer save_freq."
            ) from None


class FilepathFormatError(KeyError):
    """The KeyError Keras raises for an unknown field, printed as plain text."""

    def __str__(self):
        return str(self.args[0])


def _check_extension(filepath, save_weights_only):
    if save_weights_only and not filepath.endswith(".weights.h5"):
        raise ValueError(
            "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided "
            f"must end in `.weights.h5` (Keras weights format). Received: filepath={filepath}"
        )
    if not save_weights_only and not filepath.endswith(".keras"):
        hint = ""
        if filepath.endswith(".weights.h5"):
            hint = (
                " It ends in `.weights.h5`: pass `save_weights_only=True` to save only the weights."
            )
        elif filepath.endswith(".h5"):
            hint = (
                " Keras 3 still writes the legacy Keras 2 `.h5` model file; kerastutor writes "
                "Keras 3's own `.keras` format only."
            )
        raise ValueError(
            "The filepath provided must end in `.keras` (Keras model format). Received: "
            f"filepath={filepath}.{hint}"
        )
