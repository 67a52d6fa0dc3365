"""keras-io's guide "Writing your own callbacks", one function per section.

Each function re-types the Keras 3 version of one section of
guides/writing_your_own_callbacks.py, with ``keras`` passed in (real Keras 3
or kerastutor). Where the guide's callbacks print, they hand the same
values to ``run`` instead (see ``guide_run.py``): which hook ran, in what
order, with which log keys, and the numbers in the logs. Departures from the
guide, all marked ``# [test]``:

* seeded synthetic data of MNIST's shapes in place of the download;
* the model is built and its weights replaced by seeded values before
  training, so that every logged loss can be compared with Keras's;
* ``shuffle=False`` in ``fit``, and fewer epochs where the guide trains long;
* ``np.inf`` for the guide's ``np.Inf`` (gone from NumPy 2).
"""

from __future__ import annotations

import numpy as np

__all__ = ["SECTIONS"]


def _mnist(run):
    """[test] 1000 flattened "images" in [0, 1) and uint8 digit labels, in place of MNIST."""
    rng = run.rng("callbacks_mnist")
    x_train = rng.random((1000, 784)).astype("float32")
    y_train = rng.integers(0, 10, size=(1000,)).astype("uint8")
    x_test = rng.random((1000, 784)).astype("float32")
    y_test = rng.integers(0, 10, size=(1000,)).astype("uint8")
    return x_train, y_train, x_test, y_test


def get_model(keras, run, seed):
    """The guide's model: one Dense unit, RMSprop(0.1), mean squared error."""
    model = keras.Sequential()
    model.add(keras.layers.Dense(1))
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.1),
        loss="mean_squared_error",
        metrics=["mean_absolute_error"],
    )
    model.build((None, 784))  # [test] built now, so its weights can be seeded
    run.seed(model, seed)  # [test]
    return model


def _events_callback(keras, events):
    """The guide's CustomCallback: every hook, noting (hook, index, log keys) instead of printing."""

    class CustomCallback(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append(["Starting training", list(logs.keys())])

        def on_train_end(self, logs=None):
            events.append(["Stop training", list(logs.keys())])

        def on_epoch_begin(self, epoch, logs=None):
            events.append([f"Start epoch {epoch} of training", list(logs.keys())])

        def on_epoch_end(self, epoch, logs=None):
            events.append([f"End epoch {epoch} of training", list(logs.keys())])

        def on_test_begin(self, logs=None):
            events.append(["Start testing", list(logs.keys())])

        def on_test_end(self, logs=None):
            events.append(["Stop testing", list(logs.keys())])

        def on_predict_begin(self, logs=None):
            events.append(["Start predicting", list(logs.keys())])

        def on_predict_end(self, logs=None):
            events.append(["Stop predicting", list(logs.keys())])

        def on_train_batch_begin(self, batch, logs=None):
            events.append([f"...Training: start of batch {batch}", list(logs.keys())])

        def on_train_batch_end(self, batch, logs=None):
            events.append([f"...Training: end of batch {batch}", list(logs.keys())])

        def on_test_batch_begin(self, batch, logs=None):
            events.append([f"...Evaluating: start of batch {batch}", list(logs.keys())])

        def on_test_batch_end(self, batch, logs=None):
            events.append([f"...Evaluating: end of batch {batch}", list(logs.keys())])

        def on_predict_batch_begin(self, batch, logs=None):
            events.append([f"...Predicting: start of batch {batch}", list(logs.keys())])

        def on_predict_batch_end(self, batch, logs=None):
            events.append([f"...Predicting: end of batch {batch}", list(logs.keys())])

    return CustomCallback


def basic_example(keras, run):
    """## A basic example: a callback on every hook of fit, evaluate and predict."""
    x_train, y_train, x_test, y_test = _mnist(run)
    events = []
    CustomCallback = _events_callback(keras, events)

    class Params(keras.callbacks.Callback):  # [test] what each call tells its callbacks
        def on_train_begin(self, logs=None):
            run.fact("fit: params", self.params)
            run.fact("fit: self.model is the model", self.model is model)

        def on_test_begin(self, logs=None):
            if not self.model.stop_training and "evaluate: params" not in run.facts:
                run.fact("evaluate: params", self.params)

        def on_predict_begin(self, logs=None):
            run.fact("predict: params", self.params)

    model = get_model(keras, run, "basic")
    model.fit(
        x_train,
        y_train,
        batch_size=128,
        epochs=1,
        verbose=0,
        validation_split=0.5,
        callbacks=[CustomCallback()],
        shuffle=False,  # [test]
    )
    run.fact("fit", events[:])
    model.fit(
        x_train[:256], y_train[:256], batch_size=128, verbose=0, callbacks=[Params()], shuffle=False
    )
    del events[:]

    res = model.evaluate(
        x_test, y_test, batch_size=128, verbose=0, callbacks=[CustomCallback(), Params()]
    )
    run.fact("evaluate", events[:])
    run.array("evaluate: res", res, atol=1e-4)
    del events[:]

    res = model.predict(x_test, batch_size=128, callbacks=[CustomCallback(), Params()])
    run.fact("predict", events[:])
    run.fact("predict: res.shape", res.shape)
    run.array("predict: res[:4]", res[:4], atol=1e-4)


def _loss_and_error_callback(keras, lines):
    """The guide's LossAndErrorPrintingCallback, noting the numbers it prints."""

    class LossAndErrorPrintingCallback(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            lines.append(["train batch", batch, logs["loss"]])

        def on_test_batch_end(self, batch, logs=None):
            lines.append(["test batch", batch, logs["loss"]])

        def on_epoch_end(self, epoch, logs=None):
            lines.append(["epoch", epoch, logs["loss"], logs["mean_absolute_error"]])

    return LossAndErrorPrintingCallback


def _record_lines(run, key, lines, atol=1e-4):
    """What each printed line named (as facts) and its numbers (as arrays)."""
    run.fact(f"{key}.lines", [line[:2] for line in lines])
    run.array(f"{key}.loss", [line[2] for line in lines], atol=atol)
    epochs = [line[3] for line in lines if line[0] == "epoch"]
    if epochs:
        run.array(f"{key}.mean_absolute_error", epochs, atol=atol)


def logs_dict(keras, run):
    """### Usage of logs dict: the average loss so far, after each batch and epoch."""
    x_train, y_train, x_test, y_test = _mnist(run)
    lines = []
    LossAndErrorPrintingCallback = _loss_and_error_callback(keras, lines)

    model = get_model(keras, run, "logs")
    model.fit(
        x_train,
        y_train,
        batch_size=128,
        epochs=2,
        verbose=0,
        callbacks=[LossAndErrorPrintingCallback()],
        shuffle=False,  # [test]
    )
    _record_lines(run, "fit", lines)
    del lines[:]

    model.evaluate(
        x_test,
        y_test,
        batch_size=128,
        verbose=0,
        callbacks=[LossAndErrorPrintingCallback()],
    )
    _record_lines(run, "evaluate", lines)


def early_stopping_at_min_loss(keras, run):
    """### Early stopping at minimum loss: stop_training, get_weights and set_weights."""
    x_train, y_train, _, _ = _mnist(run)
    lines = []
    LossAndErrorPrintingCallback = _loss_and_error_callback(keras, lines)
    printed = []  # [test] what the callback prints

    class EarlyStoppingAtMinLoss(keras.callbacks.Callback):
        """Stop training when the loss is at its min, i.e. the loss stops decreasing.

        Arguments:
            patience: Number of epochs to wait after min has been hit. After this
            number of no improvement, training stops.
        """

        def __init__(self, patience=0):
            super().__init__()
            self.patience = patience
            # best_weights to store the weights at which the minimum loss occurs.
            self.best_weights = None

        def on_train_begin(self, logs=None):
            # The number of epoch it has waited when loss is no longer minimum.
            self.wait = 0
            # The epoch the training stops at.
            self.stopped_epoch = 0
            # Initialize the best as infinity.
            self.best = np.inf

        def on_epoch_end(self, epoch, logs=None):
            current = logs.get("loss")
            if np.less(current, self.best):
                self.best = current
                self.wait = 0
                # Record the best weights if current results is better (less).
                self.best_weights = self.model.get_weights()
            else:
                self.wait += 1
                if self.wait >= self.patience:
                    self.stopped_epoch = epoch
                    self.model.stop_training = True
                    printed.append("Restoring model weights from the end of the best epoch.")
                    self.model.set_weights(self.best_weights)

        def on_train_end(self, logs=None):
            if self.stopped_epoch > 0:
                printed.append(f"Epoch {self.stopped_epoch + 1}: early stopping")

    model = get_model(keras, run, "early_stopping")
    early_stopping = EarlyStoppingAtMinLoss()
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=30,
        verbose=0,
        callbacks=[LossAndErrorPrintingCallback(), early_stopping],
        shuffle=False,  # [test]
    )
    _record_lines(run, "fit", lines, atol=1e-3)
    run.fact("printed", printed)
    run.fact("epochs run", len(history.epoch))
    run.array("best", early_stopping.best, atol=1e-3)
    # [test] the weights are those of the best epoch again.
    run.fact(
        "weights restored",
        bool(
            all(
                np.array_equal(w, b)
                for w, b in zip(model.get_weights(), early_stopping.best_weights)
            )
        ),
    )
    run.array("predict after restoring", model.predict(x_train[:3], verbose=0), atol=1e-3)


def learning_rate_scheduling(keras, run):
    """### Learning rate scheduling: a callback setting optimizer.learning_rate each epoch."""
    x_train, y_train, _, _ = _mnist(run)
    lines = []
    LossAndErrorPrintingCallback = _loss_and_error_callback(keras, lines)
    scheduled = []  # [test] the rates the callback prints

    class CustomLearningRateScheduler(keras.callbacks.Callback):
        """Learning rate scheduler which sets the learning rate according to schedule.

        Arguments:
            schedule: a function that takes an epoch index
                (integer, indexed from 0) and current learning rate
                as inputs and returns a new learning rate as output (float).
        """

        def __init__(self, schedule):
            super().__init__()
            self.schedule = schedule

        def on_epoch_begin(self, epoch, logs=None):
            if not hasattr(self.model.optimizer, "learning_rate"):
                raise ValueError('Optimizer must have a "learning_rate" attribute.')
            # Get the current learning rate from model's optimizer.
            lr = self.model.optimizer.learning_rate
            # Call schedule function to get the scheduled learning rate.
            scheduled_lr = self.schedule(epoch, lr)
            # Set the value back to the optimizer before this epoch starts
            self.model.optimizer.learning_rate = scheduled_lr
            scheduled.append(float(np.array(scheduled_lr)))

    LR_SCHEDULE = [
        # (epoch to start, learning rate) tuples
        (3, 0.05),
        (6, 0.01),
        (9, 0.005),
        (12, 0.001),
    ]

    def lr_schedule(epoch, lr):
        """Helper function to retrieve the scheduled learning rate based on epoch."""
        if epoch < LR_SCHEDULE[0][0] or epoch > LR_SCHEDULE[-1][0]:
            return lr
        for i in range(len(LR_SCHEDULE)):
            if epoch == LR_SCHEDULE[i][0]:
                return LR_SCHEDULE[i][1]
        return lr

    model = get_model(keras, run, "lr_schedule")
    model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=15,
        verbose=0,
        callbacks=[
            LossAndErrorPrintingCallback(),
            CustomLearningRateScheduler(lr_schedule),
        ],
        shuffle=False,  # [test]
    )
    run.fact("Learning rate is", scheduled)
    epochs = [line for line in lines if line[0] == "epoch"]
    run.array("epoch losses", [line[2] for line in epochs], atol=1e-3)
    run.array("epoch mean_absolute_error", [line[3] for line in epochs], atol=1e-3)


def built_in_callbacks(keras, run):
    """### Built-in Keras callbacks: LearningRateScheduler and CSVLogger.

    [test] The guide points to the built-in callbacks; here the general
    LearningRateScheduler runs the same schedule, and CSVLogger writes the logs.
    """
    x_train, y_train, _, _ = _mnist(run)

    def lr_schedule(epoch, lr):
        return lr if epoch < 2 else lr * 0.5

    path = run.workdir / "training.log"
    model = get_model(keras, run, "built_in")
    history = model.fit(
        x_train,
        y_train,
        batch_size=128,
        epochs=4,
        verbose=0,
        callbacks=[
            keras.callbacks.LearningRateScheduler(lr_schedule),
            keras.callbacks.CSVLogger(str(path)),
        ],
        shuffle=False,
    )
    run.fact("history.keys", sorted(history.history))
    run.array("history.learning_rate", history.history["learning_rate"])
    run.array("history.loss", history.history["loss"], atol=1e-4)
    rows = path.read_text().splitlines()
    run.fact("csv header", rows[0])
    run.fact("csv epochs", [row.split(",")[0] for row in rows[1:]])


SECTIONS = [
    basic_example,
    logs_dict,
    early_stopping_at_min_loss,
    learning_rate_scheduling,
    built_in_callbacks,
]
