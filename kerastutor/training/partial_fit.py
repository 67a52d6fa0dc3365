"""What a `fit` that fails part-way through has changed, and how to undo it.

`fit` checks all the data it can before its first update (shapes, lengths,
Embedding indices, `validation_data`, callbacks), so most mistakes change
nothing. Some can only appear mid-training: a loss that overflows to inf in
the 40th batch, a callback of your own that raises in epoch 2, Ctrl-C. By
then earlier batches have moved every trainable weight and the optimizer.
Re-running `fit` after fixing the cause would go on from that half-trained
model without saying so; instead the error says what was updated and keeps
the weights as they were before `fit` on itself:

    try:
        model.fit(x, y, epochs=5)
    except Exception as error:
        model.set_weights(error.weights_before_fit)  # back to before fit

Example:
    >>> import numpy as np
    >>> import kerastutor as keras
    >>> class Careless(keras.callbacks.Callback):
    ...     def on_epoch_begin(self, epoch, logs=None):
    ...         if epoch == 1:
    ...             raise RuntimeError("a bug in epoch 2")
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> before = model.get_weights()
    >>> try:
    ...     model.fit(np.ones((8, 1)), np.ones((8, 1)), batch_size=2, epochs=3,
    ...               callbacks=[Careless()], verbose=0)
    ... except RuntimeError as error:
    ...     print(error.updates_before_error)
    ...     model.set_weights(error.weights_before_fit)
    4
    >>> all((a == b).all() for a, b in zip(model.get_weights(), before))
    True
"""

import math

__all__ = ["FitProgress"]


class FitProgress:
    """The updates a running `fit` has made, and the weights before its first.

    `fit` makes one, calls `ran_step(epoch, step, logs)` after each training
    step, and hands any error to `explain(error)` before it goes up.
    """

    def __init__(self, model):
        self.model = model
        self.weights_before_fit = model.get_weights()
        self.updates = 0
        self.first = self.last = None  # (epoch, step) of the first and last update

    def ran_step(self, epoch, step, logs):
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(loss):
            return  # a step whose loss is not a number changes nothing (see `train_step`)
        self.updates += 1
        self.last = (epoch, step)
        if self.first is None:
            self.first = self.last

    def explain(self, error):
        """Put the weights before fit and a note on what changed on `error` (if anything did)."""
        if self.updates == 0 or hasattr(error, "weights_before_fit"):
            return  # nothing was updated (or an inner fit already explained it)
        error.weights_before_fit = self.weights_before_fit
        error.updates_before_error = self.updates
        (first_epoch, first_step), (last_epoch, last_step) = self.first, self.last
        note = (
            f"Before this error, fit had already updated the weights of model "
            f"'{self.model.name}' {self.updates} time(s) (from epoch {first_epoch + 1}, "
            f"batch {first_step} to epoch {last_epoch + 1}, batch {last_step}; batches count "
            "from 0), and its optimizer's step count and moving averages with them. To go "
            "back to the weights before fit: `model.set_weights(error.weights_before_fit)` "
            "(and `model.compile(...)` again for a fresh optimizer)."
        )
        notes = getattr(error, "__notes__", None)
        if notes:  # a callback's error already has a note saying where: one note says all
            notes[-1] = f"{notes[-1]} {note}"
        else:
            error.add_note(note)
