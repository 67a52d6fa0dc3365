"""ReduceLROnPlateau: lower the learning rate when a monitored value stops improving."""

import warnings

import numpy as np

from kerastutor.callbacks.monitor_callback import MonitorCallback

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by `factor` after `patience` epochs without improvement.

    Smaller steps often get a training unstuck from a plateau. After each
    reduction it waits `cooldown` epochs before counting again, and it
    never goes below `min_lr`. It reads and sets
    `model.optimizer.learning_rate`, and adds the epoch's rate to the logs
    as 'learning_rate' (so `History` records it).

    Example:
        >>> from kerastutor.callbacks import ReduceLROnPlateau
        >>> reduce_lr = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5,
        ...                               min_lr=0.001)
        >>> # model.fit(x, y, validation_split=0.2, callbacks=[reduce_lr])

    Args:
        monitor: the logs key to watch.
        factor: the new rate is `rate * factor`; must be below 1.
        patience: epochs without improvement before the rate is reduced.
        verbose: 1 prints a line at each reduction.
        mode: 'min', 'max' or 'auto' (from the name of `monitor`).
        min_delta: a change smaller than this is not an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the lowest rate it sets.

    Raises:
        ValueError: for `factor >= 1` (that would not reduce anything).
        TypeError: from the optimizer, if its learning rate is a schedule
            (a schedule decides the rate itself and cannot be set).
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}: "
                "the new learning rate is the old one times `factor`, e.g. factor=0.1."
            )
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def _reduce_optimizer_lr(self, optimizer, epoch):
        old_lr = float(optimizer.learning_rate)
        # Keras stores the rate as float32: compare as it does.
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            optimizer.learning_rate = new_lr
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
            return True
        return False

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs or {}
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is "
                f"not available. Available metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce_optimizer_lr(
                self.model.optimizer, epoch
            ):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0
