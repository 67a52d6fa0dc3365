"""Callbacks: code that `fit` runs at fixed moments of training.

`fit` calls, in this order::

    on_train_begin
    for each epoch:
        on_epoch_begin(epoch)
        for each batch:
            on_train_batch_begin(batch)
            ... one optimizer step ...
            on_train_batch_end(batch, logs)     # logs: running means so far
        ... validation (on_test_begin / on_test_end) ...
        on_epoch_end(epoch, logs)               # logs: the epoch's loss, metrics, val_*
    on_train_end

A callback reads `self.model` and `logs`; it stops training by setting
`self.model.stop_training = True`. `fit` always uses a `History` (returned
by `fit`), and a `TerminateOnNaN` that raises an error naming the epoch and
batch, unless you pass your own.

Example:
    >>> from kerastutor.callbacks import LambdaCallback
    >>> show = LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))
"""

import math

import numpy as np

__all__ = [
    "Callback",
    "CallbackList",
    "History",
    "EarlyStopping",
    "LambdaCallback",
    "TerminateOnNaN",
    "non_finite_loss_error",
]


class Callback:
    """Base class: every hook does nothing until overridden.

    Attributes:
        model: the model being trained (set by `fit`).
        params: {'epochs': ..., 'steps': ..., 'verbose': ...} (set by `fit`).
    """

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass


class CallbackList:
    """Calls the same hook on every callback in turn (what `fit` talks to)."""

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    "Each entry of `callbacks` must be a kerastutor.callbacks.Callback, "
                    f"received {type(callback).__name__}: {callback!r}."
                )
            callback.set_model(model)
            callback.set_params(params)

    def __getattr__(self, hook):
        if not hook.startswith("on_"):
            raise AttributeError(hook)

        def call_all(*args):
            for callback in self.callbacks:
                getattr(callback, hook)(*args)

        return call_all


class History(Callback):
    """Records each epoch's logs: `fit` returns it.

    Attributes:
        history: {'loss': [epoch 1, epoch 2, ...], 'accuracy': [...], 'val_loss': [...]}.
        epoch: the epoch numbers that ran (from `initial_epoch`).
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self):
        # Stable text (no memory address), so `model.fit(...)` as a notebook
        # cell's last line shows something a lesson can store and compare.
        if not self.epoch:
            return "<History: no epochs yet>"
        last = ", ".join(f"{key}={values[-1]:.4g}" for key, values in self.history.items())
        return f"<History: {len(self.epoch)} epoch(s); last epoch {last}>"


class EarlyStopping(Callback):
    """Stop training when a monitored value has stopped improving.

    Args:
        monitor: the log key to watch, 'val_loss' by default.
        min_delta: a change smaller than this is not an improvement.
        patience: how many epochs without improvement to wait.
        verbose: 1 prints a line when it stops.
        mode: 'min', 'max', or 'auto' (max for accuracies, min otherwise).
        baseline: a value to beat; training stops if it is not beaten
            within `patience` epochs.
        restore_best_weights: when training ends, go back to the weights of
            the best epoch.
        start_from_epoch: epochs to wait before watching at all.

    Raises:
        ValueError: at the end of the first epoch if `monitor` is not in
            the logs (e.g. 'val_loss' without validation data). Keras only
            warns and never stops; an error says why at once.
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
        super().__init__()
        if mode not in ("auto", "min", "max"):
            raise ValueError(
                f"EarlyStopping mode must be 'auto', 'min' or 'max', received {mode!r}."
            )
        if mode == "auto":
            mode = "max" if "acc" in monitor else "min"
        self.monitor = monitor
        self.mode = mode
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def _is_improvement(self, current, reference):
        if reference is None:
            return True
        if self.mode == "max":
            return current - self.min_delta > reference
        return current + self.min_delta < reference

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(
                f"EarlyStopping is watching {self.monitor!r}, which fit does not compute. "
                f"Available: {', '.join(logs)}. For 'val_*' values pass `validation_split` "
                "or `validation_data` to fit; or monitor one of the available keys."
            )
        if epoch < self.start_from_epoch:
            return
        current = logs[self.monitor]
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Only a value that also beats the baseline resets the patience.
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


class LambdaCallback(Callback):
    """A callback from plain functions, e.g. `LambdaCallback(on_epoch_end=f)`.

    Args:
        on_epoch_begin, on_epoch_end: `f(epoch, logs)`.
        on_train_batch_begin, on_train_batch_end: `f(batch, logs)`.
        on_train_begin, on_train_end: `f(logs)`.
        on_batch_begin, on_batch_end: Keras's older names for the batch hooks.
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        on_batch_begin=None,
        on_batch_end=None,
    ):
        super().__init__()
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin or on_batch_begin,
            "on_train_batch_end": on_train_batch_end or on_batch_end,
        }
        for hook, function in hooks.items():
            if function is not None:
                if not callable(function):
                    raise TypeError(
                        f"LambdaCallback `{hook}` must be callable, received {function!r}."
                    )
                setattr(self, hook, function)


def non_finite_loss_error(loss, where):
    """The error `fit` and `train_on_batch` raise when the loss stops being a number.

    Args:
        loss: the non-finite value (nan, inf or -inf).
        where: e.g. 'epoch 3, batch 7 (batches count from 0)'.
    """
    return FloatingPointError(
        f"The loss became {loss} at {where}, so training stopped: "
        "every weight the gradient reaches would turn into NaN. The weights were left as they "
        "were before that batch. Common causes:\n"
        "  - a learning rate too high: the steps overshoot and grow until they overflow; "
        "try one 10 times smaller;\n"
        "  - unscaled inputs: features in the hundreds or thousands saturate units and blow "
        "up gradients; scale them to mean 0 and standard deviation 1 (or to [0, 1]);\n"
        "  - the log of 0: a custom loss taking log(p) without clipping p to "
        "[epsilon, 1 - epsilon] (the built-in crossentropies clip), or probabilities that "
        "come from something other than a sigmoid or softmax."
    )


class TerminateOnNaN(Callback):
    """Stop as soon as the loss is NaN or infinite.

    Args:
        raise_error: True raises a FloatingPointError naming the epoch and
            batch and listing the usual causes (what `fit` uses by default);
            False prints one line and stops quietly, as Keras's default does.
    """

    def __init__(self, raise_error=True):
        super().__init__()
        self.raise_error = raise_error
        self._epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            where = f"batch {batch} (batches count from 0)"
            if self._epoch is not None:
                where = f"epoch {self._epoch + 1}, " + where
            raise non_finite_loss_error(np.float32(loss), where)
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
