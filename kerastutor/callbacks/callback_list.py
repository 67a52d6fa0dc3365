"""CallbackList: what `fit`, `evaluate` and `predict` talk to; it calls each callback in turn."""

import numpy as np

from kerastutor.callbacks.callback import Callback
from kerastutor.callbacks.history import History

__all__ = ["CallbackList"]


class CallbackList(Callback):
    """Calls the same hook on every callback, in the order they were given.

    Every callback receives the same `logs` dict, a fresh copy with its keys
    sorted and its values as Python floats (as Keras 3 passes them). So a
    callback that adds a key (`ReduceLROnPlateau` adds 'learning_rate') is
    seen by those after it, such as the `History` that `fit` adds at the end.

    When a callback raises inside a hook, the error keeps its type and
    message and gains a note naming the callback, the hook, the epoch and
    batch, and what state the model is in.

    Example:
        >>> from kerastutor.callbacks import CallbackList, LambdaCallback
        >>> hooks = CallbackList([LambdaCallback(on_epoch_end=lambda e, logs: print(e, logs))])
        >>> hooks.on_epoch_end(0, {"loss": 0.5})
        0 {'loss': 0.5}

    Args:
        callbacks: a list of `Callback` instances (nested lists are
            flattened, and a single callback is a list of one, as in Keras).
        add_history: add a `History` at the end unless the list has one.
        add_progbar: add a `ProgbarLogger` at the end unless the list has one.
        model: the model, given to each callback with `set_model`.
        **params: given to each callback with `set_params` (`fit` passes
            `verbose`, `epochs` and `steps`).
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        self.callbacks = _flatten(callbacks)
        for callback in self.callbacks:
            _check_is_a_callback(callback)
        self._epoch = None
        self._completed_batches = 0
        self._add_default_callbacks(add_history, add_progbar)
        self.set_model(model)
        self.set_params(params)

    def _add_default_callbacks(self, add_history, add_progbar):
        # Imported here: the progress bar lives in kerastutor.training, which
        # itself imports this package.
        from kerastutor.callbacks.progbar_logger import ProgbarLogger

        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    def set_params(self, params):
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model):
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def _call(self, hook, *args, logs=None, logs_by_keyword=False):
        """Run `hook` on every callback; an error gains a note saying where it happened."""
        logs = _plain_logs(logs)
        for callback in self.callbacks:
            method = getattr(callback, hook)
            try:
                if logs_by_keyword:
                    method(*args, logs=logs)
                else:
                    method(*args, logs)
            except Exception as error:
                error.add_note(self._where(callback, hook, args))
                raise

    def _where(self, callback, hook, args):
        if hook.startswith("on_epoch"):
            moment = f" at epoch {args[0]}"
        elif args and hook.startswith("on_test") and self._epoch is not None:
            moment = f" at batch {args[0]} of the validation of epoch {self._epoch}"
        elif args and not hook.startswith(("on_test", "on_predict")) and self._epoch is not None:
            moment = f" at epoch {self._epoch}, batch {args[0]}"
        elif args:
            moment = f" at batch {args[0]}"
        else:
            moment = ""
        counting = " (counting from 0)" if moment else ""
        if hook.startswith(("on_test", "on_predict")) and self._epoch is None:
            weights = "The model's weights are unchanged: evaluate and predict do not train."
        elif self._completed_batches == 0:
            weights = (
                "No training batch had completed: the model's weights are as fit received them."
            )
        else:
            weights = (
                "The model's weights are as after the last completed batch: nothing was rolled "
                "back and no step was half-applied."
            )
        return (
            f"This error was raised by the callback {type(callback).__name__} in "
            f"`{hook}`{moment}{counting}. {weights}"
        )

    def on_batch_begin(self, batch, logs=None):
        self._call("on_batch_begin", batch, logs=logs, logs_by_keyword=True)

    def on_batch_end(self, batch, logs=None):
        self._call("on_batch_end", batch, logs=logs, logs_by_keyword=True)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs=logs, logs_by_keyword=True)

    def on_train_batch_end(self, batch, logs=None):
        self._completed_batches += 1  # the hook runs after the batch's step
        self._call("on_train_batch_end", batch, logs=logs, logs_by_keyword=True)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs=logs, logs_by_keyword=True)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs=logs, logs_by_keyword=True)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs=logs, logs_by_keyword=True)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs=logs, logs_by_keyword=True)

    def on_train_begin(self, logs=None):
        self._epoch = None
        self._completed_batches = 0
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs=logs)
        self._epoch = None

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs=logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs=logs)


def _plain_logs(logs):
    """A new dict, keys sorted, nested dicts merged, numbers as Python floats (as Keras 3)."""
    plain = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            plain.update(_plain_logs(value))
        elif isinstance(value, (int, float, np.number)) or getattr(value, "shape", None) == ():
            plain[key] = float(value)  # a number, or a 0-d array or tensor
        else:
            plain[key] = value  # e.g. predict's {'outputs': ...}
    return plain


def _flatten(callbacks):
    if callbacks is None:
        return []
    if not isinstance(callbacks, (list, tuple)):
        return [callbacks]
    return [callback for item in callbacks for callback in _flatten(item)]


def _check_is_a_callback(callback):
    if isinstance(callback, type) and issubclass(callback, Callback):
        raise TypeError(
            f"`callbacks` holds the class {callback.__name__}, not an instance of it. "
            f"Create one by calling it: callbacks=[{callback.__name__}()] (with its "
            "arguments), so that each fit can keep its own state in it."
        )
    if not isinstance(callback, Callback):
        raise TypeError(
            "Each entry of `callbacks` must be a kerastutor.callbacks.Callback instance, "
            f"received {type(callback).__name__}: {callback!r}. To run a plain function, "
            "wrap it: LambdaCallback(on_epoch_end=function)."
        )
