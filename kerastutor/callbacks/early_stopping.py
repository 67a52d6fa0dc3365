"""EarlyStopping: stop `fit` when a monitored value has stopped improving."""

import warnings

from kerastutor.callbacks.monitor_callback import MonitorCallback

__all__ = ["EarlyStopping"]


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored value has stopped improving.

    At the end of every epoch it compares `logs[monitor]` with the best value
    so far. After `patience` epochs in a row without an improvement larger
    than `min_delta` it sets `model.stop_training = True`, and `fit` stops
    after that epoch. With `restore_best_weights=True` the model goes back,
    when training ends, to the weights it had at the end of the best epoch.

    Example:
        >>> import numpy as np
        >>> import kerastutor as keras
        >>> model = keras.Sequential([keras.layers.Dense(10)])
        >>> model.compile(keras.optimizers.SGD(), loss="mse")
        >>> callback = keras.callbacks.EarlyStopping(monitor="loss", min_delta=1.0)
        >>> x, y = np.arange(100).reshape(5, 20) / 100, np.zeros((5, 10))
        >>> history = model.fit(x, y, epochs=10, callbacks=[callback], verbose=0)
        >>> len(history.history["loss"])  # epoch 2 did not lower the loss by 1.0
        2

    Args:
        monitor: the logs key to watch; 'val_loss' by default (which needs
            `validation_data` or `validation_split` in fit).
        min_delta: a change smaller than this is not an improvement.
        patience: how many epochs without improvement to wait before stopping.
        verbose: 1 prints a line when it stops and when it restores weights.
        mode: 'min' (lower is better), 'max', or 'auto' (from the name).
        baseline: a value to beat: the patience counts on until a value beats
            both the best so far and the baseline.
        restore_best_weights: at the end of training, set the weights of the
            best epoch (even if none beat the baseline).
        start_from_epoch: epochs to train before watching at all (a warm-up).

    Warns:
        UserWarning: at each epoch end where `monitor` is not in the logs;
            then it never stops training (as in Keras).
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        # One instance may serve several fit calls: each starts afresh.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Nothing better has been seen yet: these weights are the best.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # The patience starts again only if the baseline is beaten too.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}"
                f"{_why_missing(self.monitor, logs)}",
                stacklevel=2,
            )
        return value


def _why_missing(monitor, logs):
    """One sentence on the usual reason a monitored key is missing."""
    if monitor.startswith("val_") and not any(key.startswith("val_") for key in logs):
        return (
            f". `{monitor}` is computed on validation data, and this fit has none: pass "
            "`validation_data=(x_val, y_val)` or `validation_split=0.2` to fit, or monitor "
            f"`{monitor.removeprefix('val_')}`. Until then EarlyStopping never stops training."
        )
    return ". Monitor one of those keys; until then EarlyStopping never stops training."
