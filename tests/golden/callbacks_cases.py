"""The callback scenarios that real Keras and kerastutor both run (imports only NumPy).

`tests/golden/make_callbacks_golden.py` runs each scenario with Keras 3 and
writes what it observed to `fixtures_callbacks/callbacks.json`;
`tests/callbacks/test_callbacks_golden.py` runs the same scenarios with
kerastutor and compares. Each scenario gets the `keras` module (Keras's or
kerastutor's) and an empty folder, builds the same small regression model
with the same seeded weights, fits it with `shuffle=False` and returns its
observations: the history (with the learning rate where a callback logs
it), the epochs that ran, the final weights, the files written and their
contents. Only API spelled the same in Keras 3 and kerastutor is used.
"""

import os

import numpy as np

SEED = 12
EPOCHS = 12
BATCH_SIZE = 8


def data():
    """32 training and 8 validation samples of a noisy tanh regression."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(40, 3)).astype("float32")
    true_kernel = np.array([[0.5], [-1.0], [2.0]], dtype="float32")
    y = (np.tanh(x @ true_kernel) + 0.1 * rng.normal(size=(40, 1))).astype("float32")
    return (x[:32], y[:32]), (x[32:], y[32:])


def build(keras, learning_rate, optimizer="SGD"):
    inputs = keras.Input(shape=(3,))
    hidden = keras.layers.Dense(4, activation="tanh")(inputs)
    outputs = keras.layers.Dense(1)(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=getattr(keras.optimizers, optimizer)(learning_rate=learning_rate),
        loss="mse",
        metrics=["mae"],
    )
    model.set_weights(seeded_weights(model))
    return model


def seeded_weights(model):
    """Kernels ~ N(0, s^2) with s = min(0.5, 1.5 / sqrt(fan_in)), biases ~ U(-0.5, 0.5)."""
    rng = np.random.default_rng(SEED + 1)
    weights = []
    for weight in model.get_weights():
        if weight.ndim == 2:
            scale = min(0.5, 1.5 / np.sqrt(weight.shape[0]))
            weights.append(rng.normal(0.0, scale, size=weight.shape).astype("float32"))
        else:
            weights.append(rng.uniform(-0.5, 0.5, size=weight.shape).astype("float32"))
    return weights


def fit(model, callbacks, validation=True, epochs=EPOCHS):
    (x, y), (x_val, y_val) = data()
    return model.fit(
        x,
        y,
        batch_size=BATCH_SIZE,
        epochs=epochs,
        verbose=0,
        shuffle=False,
        validation_data=(x_val, y_val) if validation else None,
        callbacks=callbacks,
    )


def observations(model, history):
    return {
        "epochs": list(history.epoch),
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
        "weights": [w.tolist() for w in model.get_weights()],
    }


# ---------------------------------------------------------------- scenarios


def reduce_lr_on_plateau(keras, folder):
    model = build(keras, learning_rate=0.8)
    callback = keras.callbacks.ReduceLROnPlateau(
        monitor="val_loss", factor=0.5, patience=1, min_delta=0.02, cooldown=1, min_lr=0.06
    )
    return observations(model, fit(model, [callback]))


def learning_rate_scheduler(keras, folder):
    def halve_every_other_epoch(epoch, lr):
        return lr * 0.5 if epoch % 2 == 1 else lr

    model = build(keras, learning_rate=0.4)
    callback = keras.callbacks.LearningRateScheduler(halve_every_other_epoch)
    return observations(model, fit(model, [callback]))


def early_stopping(keras, folder):
    model = build(keras, learning_rate=0.8)
    callback = keras.callbacks.EarlyStopping(
        monitor="val_loss", min_delta=0.002, patience=2, restore_best_weights=True
    )
    result = observations(model, fit(model, [callback], epochs=30))
    result["stopped_epoch"] = callback.stopped_epoch
    result["best_epoch"] = callback.best_epoch
    return result


def early_stopping_baseline(keras, folder):
    model = build(keras, learning_rate=0.2)
    callback = keras.callbacks.EarlyStopping(
        monitor="val_mae", mode="min", baseline=0.05, patience=3, start_from_epoch=2
    )
    result = observations(model, fit(model, [callback]))
    result["stopped_epoch"] = callback.stopped_epoch
    return result


def model_checkpoint(keras, folder):
    model = build(keras, learning_rate=0.8)
    best = keras.callbacks.ModelCheckpoint(
        os.path.join(folder, "best", "w.{epoch:02d}-{val_loss:.2f}.weights.h5"),
        monitor="val_loss",
        save_best_only=True,
        save_weights_only=True,
    )
    every_5_batches = keras.callbacks.ModelCheckpoint(
        os.path.join(folder, "batches", "e{epoch:02d}b{batch}.weights.h5"),
        save_weights_only=True,
        save_freq=5,
    )
    whole = keras.callbacks.ModelCheckpoint(
        os.path.join(folder, "whole", "model_{epoch}.keras"), monitor="loss", mode="min"
    )
    result = observations(model, fit(model, [best, every_5_batches, whole], epochs=6))
    result["files"] = {
        name: sorted(os.listdir(os.path.join(folder, name)))
        for name in ("best", "batches", "whole")
    }
    newest = result["files"]["best"][-1]
    model.load_weights(os.path.join(folder, "best", newest))
    result["best_file_weights"] = [w.tolist() for w in model.get_weights()]
    return result


def csv_logger(keras, folder):
    path = os.path.join(folder, "log.csv")
    model = build(keras, learning_rate=0.2)
    fit(model, [keras.callbacks.CSVLogger(path)], epochs=3)
    fit(model, [keras.callbacks.CSVLogger(path, separator=";", append=True)], epochs=2)
    with open(path, newline="") as stream:
        with_validation = stream.read()
    fit(model, [keras.callbacks.CSVLogger(path)], validation=False, epochs=2)
    with open(path, newline="") as stream:
        without_validation = stream.read()
    return {"with_validation": with_validation, "without_validation": without_validation}


def backup_and_restore(keras, folder):
    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 2:
                raise RuntimeError("interrupted")

    def build_adam():
        return build(keras, learning_rate=0.05, optimizer="Adam")

    backup_dir = os.path.join(folder, "backup")
    try:
        fit(build_adam(), [keras.callbacks.BackupAndRestore(backup_dir), Interrupt()], epochs=6)
    except RuntimeError:
        pass
    backed_up = sorted(os.listdir(backup_dir))
    # A new process: the model starts from its seeded weights and a fresh Adam.
    model = build_adam()
    result = observations(
        model, fit(model, [keras.callbacks.BackupAndRestore(backup_dir)], epochs=6)
    )
    result["backed_up_files"] = backed_up
    result["backup_left"] = os.path.exists(backup_dir)
    return result


SCENARIOS = {
    "reduce_lr_on_plateau": reduce_lr_on_plateau,
    "learning_rate_scheduler": learning_rate_scheduler,
    "early_stopping": early_stopping,
    "early_stopping_baseline": early_stopping_baseline,
    "model_checkpoint": model_checkpoint,
    "csv_logger": csv_logger,
    "backup_and_restore": backup_and_restore,
}
