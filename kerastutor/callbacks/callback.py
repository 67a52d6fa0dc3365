"""Callback: the base class, one do-nothing method per moment of training."""

__all__ = ["Callback"]


class Callback:
    """Base class for code that `fit`, `evaluate` and `predict` run at fixed moments.

    Subclass it and override the hooks you need; every hook does nothing
    until overridden. `fit` calls, in this order::

        on_train_begin
        for each epoch:
            on_epoch_begin(epoch)
            for each batch:
                on_train_batch_begin(batch)
                ... one optimizer step ...
                on_train_batch_end(batch, logs)   # logs: running means so far
            on_test_begin ... on_test_batch_* ... on_test_end   (validation)
            on_epoch_end(epoch, logs)             # loss, metrics, val_*
        on_train_end(logs)                        # the last epoch's logs

    `evaluate` calls the `on_test_*` hooks and `predict` the `on_predict_*`
    hooks. `on_batch_begin` / `on_batch_end` are Keras's older names:
    the default `on_train_batch_begin` / `on_train_batch_end` call them, so
    overriding either spelling works.

    A callback reads `self.model` (the model being trained) and
    `self.params` ({'epochs': ..., 'steps': ..., 'verbose': ...}); it stops
    training with `self.model.stop_training = True`.

    Example:
        >>> from kerastutor.callbacks import Callback
        >>> class PrintLoss(Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(f"epoch {epoch}: loss {logs['loss']:.3f}")
    """

    def __init__(self):
        self.params = None
        self.model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_batch_begin(self, batch, logs=None):
        """Keras's older name for `on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """Keras's older name for `on_train_batch_end`."""

    def on_epoch_begin(self, epoch, logs=None):
        """At the start of epoch `epoch` (counting from 0) of `fit`."""

    def on_epoch_end(self, epoch, logs=None):
        """At the end of an epoch; `logs` has the epoch's loss, metrics and `val_*` values."""

    def on_train_batch_begin(self, batch, logs=None):
        """Before training batch `batch` (counting from 0 in each epoch)."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """After a training step; `logs` has the epoch's running means so far."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Before a batch of `evaluate`, or of the validation inside `fit`."""

    def on_test_batch_end(self, batch, logs=None):
        """After a batch of `evaluate` or validation; `logs` has the running means."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Before a batch of `predict`."""

    def on_predict_batch_end(self, batch, logs=None):
        """After a batch of `predict`; `logs` has {'outputs': the batch's predictions}."""

    def on_train_begin(self, logs=None):
        """Once, when `fit` starts."""

    def on_train_end(self, logs=None):
        """Once, when `fit` ends; `logs` are the last epoch's logs."""

    def on_test_begin(self, logs=None):
        """When `evaluate`, or the validation of an epoch, starts."""

    def on_test_end(self, logs=None):
        """When `evaluate` or validation ends; `logs` has the results."""

    def on_predict_begin(self, logs=None):
        """When `predict` starts."""

    def on_predict_end(self, logs=None):
        """When `predict` ends."""
