"""TerminateOnNaN: stop training when the loss is no longer a number."""

import math

import numpy as np

from kerastutor.callbacks.callback import Callback

__all__ = ["TerminateOnNaN", "NonFiniteLossError", "non_finite_loss_error"]


class NonFiniteLossError(FloatingPointError, RuntimeError):
    """The loss became NaN or infinite.

    A FloatingPointError (what kerastutor has always raised) and a
    RuntimeError (what Keras's `TerminateOnNaN(raise_error=True)` raises),
    so `except` clauses written for either catch it.
    """


class TerminateOnNaN(Callback):
    """Stop as soon as a batch's loss is NaN or infinite.

    `fit` adds one with `raise_error=True` unless you pass your own, so a
    learner whose loss blows up gets an error that names the epoch and the
    batch and lists the usual causes. The step of that batch is skipped, so
    the weights are as after the last finite batch.

    Example:
        >>> from kerastutor.callbacks import TerminateOnNaN
        >>> quiet = TerminateOnNaN()  # model.fit(..., callbacks=[quiet]) stops quietly

    Args:
        raise_error: False (Keras's default) prints one line and sets
            `model.stop_training`; True raises a `NonFiniteLossError` (a
            FloatingPointError and a RuntimeError) at once.
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error
        self._epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_batch_end(self, batch, logs=None):
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


def non_finite_loss_error(loss, where):
    """The error `fit` and `train_on_batch` raise when the loss stops being a number.

    Args:
        loss: the non-finite value (nan, inf or -inf).
        where: e.g. 'epoch 3, batch 7 (batches count from 0)'.
    """
    return NonFiniteLossError(
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
