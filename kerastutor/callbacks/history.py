"""History: the record of every epoch's logs that `fit` returns."""

from kerastutor.callbacks.callback import Callback

__all__ = ["History"]


class History(Callback):
    """Records each epoch's logs; `fit` adds one and returns it.

    Example:
        >>> from kerastutor.callbacks import History
        >>> history = History()
        >>> history.on_train_begin()
        >>> history.on_epoch_end(0, {"loss": 0.5})
        >>> history.history, history.epoch
        ({'loss': [0.5]}, [0])

    Attributes:
        history: {'loss': [epoch 1, epoch 2, ...], 'accuracy': [...],
            'val_loss': [...]}. A History given to several `fit` calls keeps
            appending, as Keras's does.
        epoch: the epoch numbers of the last `fit` (from `initial_epoch`).
        params: fit's {'verbose': ..., 'epochs': ..., 'steps': ...}.
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
        # The model's `history` is the latest record, even while fit runs.
        if self.model is not None:
            self.model.history = self

    def __repr__(self):
        # Stable text (no memory address), so `model.fit(...)` as a notebook
        # cell's last line shows something a lesson can store and compare.
        if not self.epoch:
            return "<History: no epochs yet>"
        last = ", ".join(f"{key}={values[-1]:.4g}" for key, values in self.history.items())
        return f"<History: {len(self.epoch)} epoch(s); last epoch {last}>"
