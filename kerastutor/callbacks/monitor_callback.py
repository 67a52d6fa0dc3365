"""MonitorCallback: the shared base of callbacks that watch one value in the logs."""

from kerastutor.callbacks.callback import Callback

__all__ = ["MonitorCallback"]

# Keras 3's built-in metrics know whether higher is better (their `_direction`);
# these are their names as `compile(metrics=[...])` logs them.
_HIGHER_IS_BETTER = {
    "accuracy",
    "acc",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "auc",
    "precision",
    "recall",
    "f1_score",
    "fbeta_score",
    "r2_score",
    "cosine_similarity",
}
_LOWER_IS_BETTER = {
    "mae",
    "mse",
    "mape",
    "msle",
    "mean_absolute_error",
    "mean_squared_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "root_mean_squared_error",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "kl_divergence",
    "poisson",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "log_cosh_error",
}


class MonitorCallback(Callback):
    """Base for EarlyStopping, ModelCheckpoint and ReduceLROnPlateau: is a new value better?

    `mode='min'` means lower is better, `'max'` higher; `'auto'` decides
    from the name, the first time it is needed (at the end of the first
    epoch): 'loss' and 'val_loss' go down, 'accuracy' and 'val_accuracy'
    go up, and so on for Keras's built-in metrics.

    A value improves on `reference` when it is better by more than
    `min_delta`: `value < reference - min_delta` in 'min' mode,
    `value > reference + min_delta` in 'max' mode.

    Example:
        >>> from kerastutor.callbacks import EarlyStopping
        >>> watcher = EarlyStopping(monitor="val_loss", min_delta=0.01)
        >>> watcher._set_monitor_op()
        >>> watcher._is_improvement(0.5, 0.515), watcher._is_improvement(0.5, 0.505)
        (True, False)

    Args:
        monitor: the key of `logs` to watch.
        mode: 'auto', 'min' or 'max'.
        baseline: the value to start from as the best so far (None: the
            first value seen is the best).
        min_delta: changes smaller than this are not improvements.

    Raises:
        ValueError: for a `mode` other than 'auto', 'min' or 'max' (Keras
            warns and uses 'auto'; a misspelt mode is more likely a mistake
            to fix than a wish for 'auto'), and, at the first epoch's end,
            for `mode='auto'` on a name whose direction is unknown.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            raise ValueError(
                f"{type(self).__name__} received mode={mode!r}; it must be 'auto', 'min' or "
                "'max': 'min' when a lower value is better (a loss), 'max' when higher is "
                "better (an accuracy), 'auto' to decide from the monitored name."
            )
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        """Choose `monitor_op`, `less` or `greater`, and give `min_delta` its sign."""
        if self.mode == "min":
            self.monitor_op = _less
        elif self.mode == "max":
            self.monitor_op = _greater
        else:
            self.monitor_op = self._operator_from_name()
        if self.monitor_op is _less:
            self.min_delta *= -1

    def _operator_from_name(self):
        name = self.monitor.removeprefix("val_")
        if name == "loss":
            return _less
        direction = getattr(self._compiled_metric(name), "_direction", None)
        if direction == "up" or (direction is None and name in _HIGHER_IS_BETTER):
            return _greater
        if direction == "down" or (direction is None and name in _LOWER_IS_BETTER):
            return _less
        raise ValueError(
            f"{type(self).__name__} callback received monitor={self.monitor}, but Keras isn't "
            "able to automatically determine whether that metric should be maximized or "
            "minimized. Pass `mode='max'` in order to monitor based on the highest metric "
            "value, or pass `mode='min'` in order to use the lowest value."
        )

    def _compiled_metric(self, name):
        """The model's metric called `name`, if the model lists its metrics."""
        for metric in getattr(self.model, "metrics", None) or []:
            for inner in getattr(metric, "metrics", [metric]):
                if getattr(inner, "name", None) == name:
                    return inner
        return None

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return self.monitor_op(monitor_value - self.min_delta, reference_value)


def _less(a, b):
    return a < b


def _greater(a, b):
    return a > b
