"""LearningRateScheduler: set the learning rate at the start of every epoch."""

import inspect
import math

import numpy as np

from kerastutor.callbacks.callback import Callback

__all__ = ["LearningRateScheduler"]


class LearningRateScheduler(Callback):
    """Before each epoch, set `model.optimizer.learning_rate = schedule(epoch, lr)`.

    `epoch` counts from 0 and `lr` is the current rate. A function of the
    epoch alone, `schedule(epoch)`, works too. The epoch's rate is added to
    the logs as 'learning_rate' (so `History` records it).

    Example:
        >>> import math
        >>> from kerastutor.callbacks import LearningRateScheduler
        >>> def scheduler(epoch, lr):
        ...     return lr if epoch < 10 else lr * math.exp(-0.1)
        >>> callback = LearningRateScheduler(scheduler)
        >>> # model.fit(x, y, epochs=15, callbacks=[callback])

    Args:
        schedule: a function `(epoch, lr) -> new lr` (a float).
        verbose: 1 prints the rate at each epoch.

    Raises:
        ValueError: if `schedule` returns something other than a float, or a
            rate that is NaN or infinite.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                "LearningRateScheduler needs a function schedule(epoch, lr) returning the new "
                f"learning rate, received {schedule!r}."
            )
        self.schedule = schedule
        self.verbose = verbose

    def _update_optimizer_lr(self, optimizer, epoch):
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        learning_rate = float(optimizer.learning_rate)
        if _takes_two_arguments(self.schedule):
            learning_rate = self.schedule(epoch, learning_rate)
        else:  # Keras 2's spelling: schedule(epoch)
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                "The output of the `schedule` function should be a float. Got: "
                f"{learning_rate!r} (a {type(learning_rate).__name__}) at epoch {epoch}."
            )
        if not math.isfinite(learning_rate):
            raise ValueError(
                f"The `schedule` function returned a learning rate of {learning_rate} at epoch "
                f"{epoch}: every weight would become NaN at the first step. Return a finite "
                "rate (a decay such as lr * 0.9 stays finite; a division by a value that "
                "reaches 0 does not)."
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        learning_rate = self._update_optimizer_lr(self.model.optimizer, epoch)
        if self.verbose > 0:
            print(
                f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                f"{learning_rate}."
            )

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)


def _takes_two_arguments(function):
    try:
        inspect.signature(function).bind(0, 0.0)
    except TypeError:
        return False
    except ValueError:  # a built-in without a signature: try the new spelling
        return True
    return True
