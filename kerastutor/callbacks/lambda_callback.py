"""LambdaCallback: a callback made of plain functions."""

from kerastutor.callbacks.callback import Callback

__all__ = ["LambdaCallback"]

# Every hook of Callback, with the arguments its function receives.
_HOOKS = {
    "on_epoch_begin": "(epoch, logs)",
    "on_epoch_end": "(epoch, logs)",
    "on_train_begin": "(logs)",
    "on_train_end": "(logs)",
    "on_train_batch_begin": "(batch, logs)",
    "on_train_batch_end": "(batch, logs)",
    "on_batch_begin": "(batch, logs)",
    "on_batch_end": "(batch, logs)",
    "on_test_begin": "(logs)",
    "on_test_end": "(logs)",
    "on_test_batch_begin": "(batch, logs)",
    "on_test_batch_end": "(batch, logs)",
    "on_predict_begin": "(logs)",
    "on_predict_end": "(logs)",
    "on_predict_batch_begin": "(batch, logs)",
    "on_predict_batch_end": "(batch, logs)",
}


class LambdaCallback(Callback):
    """A callback from functions, one per hook you need.

    Each function replaces that hook, so it receives what the hook
    receives: `on_epoch_end=f` is called as `f(epoch, logs)`,
    `on_train_begin=f` as `f(logs)`, `on_train_batch_end=f` as
    `f(batch, logs=logs)`. The six arguments below are Keras's named ones;
    every other hook (`on_test_begin`, `on_predict_batch_end`,
    `on_batch_end`, ...) is accepted by keyword too.

    Example:
        >>> from kerastutor.callbacks import LambdaCallback
        >>> show = LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))
        >>> show.on_epoch_end(0, {"loss": 0.25})
        0 0.25

    Args:
        on_epoch_begin, on_epoch_end: `f(epoch, logs)`.
        on_train_begin, on_train_end: `f(logs)`.
        on_train_batch_begin, on_train_batch_end: `f(batch, logs)`.
        **hooks: any other hook by its name.

    Raises:
        TypeError: for a name that is not a hook, or a value that is not a
            function.
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **hooks,
    ):
        super().__init__()
        unknown = [name for name in hooks if name not in _HOOKS]
        if unknown:
            raise TypeError(
                f"LambdaCallback received {', '.join(unknown)}, which "
                f"{'is not a hook' if len(unknown) == 1 else 'are not hooks'}: a misspelt hook "
                f"would silently never run. The hooks are: {', '.join(_HOOKS)}."
            )
        hooks.update(
            on_epoch_begin=on_epoch_begin,
            on_epoch_end=on_epoch_end,
            on_train_begin=on_train_begin,
            on_train_end=on_train_end,
            on_train_batch_begin=on_train_batch_begin,
            on_train_batch_end=on_train_batch_end,
        )
        for name, function in hooks.items():
            if function is None:
                continue
            if not callable(function):
                raise TypeError(
                    f"LambdaCallback `{name}` must be callable, a function taking {_HOOKS[name]}; "
                    f"received {function!r}."
                )
            setattr(self, name, function)
