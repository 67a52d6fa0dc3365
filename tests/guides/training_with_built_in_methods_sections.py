"""keras-io's guide "Training & evaluation with the built-in methods", one function per section.

Each function re-types the Keras 3 version of one section of
guides/training_with_built_in_methods.py, with ``keras`` passed in (real
Keras 3 or kerastutor); ``ops`` is ``keras.ops`` and ``layers`` is
``keras.layers``, as the guide imports them. What the guide prints (the
History, evaluate's results, predictions, what callbacks write) is handed
to ``run`` (see ``guide_run.py``). Departures from the guide, all marked
``# [test]``:

* seeded synthetic data of MNIST's shapes in place of the download, and a
  few hundred samples instead of 60,000;
* weights replaced by seeded values before training, so that losses,
  metrics and predictions can be compared number for number;
* ``shuffle=False`` in ``fit`` (each library shuffles with its own
  generator), fewer epochs, files in a temporary folder;
* where the guide only builds an object (a schedule, a compile call, a
  callback it never passes to fit), the section also uses it once, so
  that what it does is compared too.

The PyTorch ``DataLoader`` section is not here: the reference Keras has no
PyTorch to run it with. The ``tf.data`` and TensorBoard sections are, for
Keras's fixture, and wait in ``NEEDS`` (test_guides.py).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import warnings

import numpy as np

__all__ = ["SECTIONS"]


# ---------------------------------------------------------------- helpers


def _fake_mnist(run, name, samples):
    """[test] Flattened 28x28 "images" in [0, 1) and float32 labels 0..9, in place of MNIST."""
    rng = run.rng(name)
    x = rng.random((samples, 784)).astype("float32")
    y = rng.integers(0, 10, size=(samples,)).astype("float32")
    return x, y


def _mnist_splits(run):
    """The guide's x_train / x_val / x_test, preprocessed as it does (fewer samples)."""
    x_train, y_train = _fake_mnist(run, "mnist_train", 320)
    x_test, y_test = _fake_mnist(run, "mnist_test", 128)
    # Reserve the last samples for validation, as the guide reserves 10,000.
    x_val = x_train[-64:]
    y_val = y_train[-64:]
    x_train = x_train[:-64]
    y_train = y_train[:-64]
    return (x_train, y_train), (x_val, y_val), (x_test, y_test)


def get_uncompiled_model(keras, run, seed):
    layers = keras.layers
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    run.seed(model, seed)  # [test]
    return model


def get_compiled_model(keras, run, seed):
    model = get_uncompiled_model(keras, run, seed)
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    return model


def _record_history(run, key, history, atol=1e-4):
    """The keys of `history.history` and every value of every epoch."""
    run.fact(f"{key}.keys", sorted(history.history))
    for name in sorted(history.history):
        run.array(f"{key}.{name}", history.history[name], atol=atol)


def _printed(call):
    """Run `call()` and return (its result, what it printed)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        result = call()
    return result, buffer.getvalue()


def _warnings(call):
    """Run `call()` and return (its result, the warnings it gave, each once, as class: text)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    messages = []
    for warning in caught:
        message = f"{warning.category.__name__}: {warning.message}"
        if message not in messages:
            messages.append(message)
    return result, messages


def _callback_messages(text, folder):
    """The "Epoch 3: ..." lines callbacks print, with folder and numbers left out.

    (The numbers are compared through the History; the progress bar's
    lines, "Epoch 1/20" and the bars, are each library's own.)
    """
    lines = []
    for line in text.splitlines():
        line = line.strip().replace(str(folder) + os.sep, "")
        if re.match(r"^Epoch \d+: ", line):
            lines.append(re.sub(r"\d+\.\d+", "<number>", line))
    return lines


# ---------------------------------------------------------------- sections


def api_overview(keras, run):
    """## API overview: a first end-to-end example (compile, fit, history, evaluate, predict)."""
    layers = keras.layers
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    run.model("model", model)
    run.seed(model, "overview")  # [test]

    (x_train, y_train), (x_val, y_val), (x_test, y_test) = _mnist_splits(run)

    model.compile(
        optimizer=keras.optimizers.RMSprop(),  # Optimizer
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=2,
        validation_data=(x_val, y_val),
        shuffle=False,  # [test]
    )
    _record_history(run, "history", history)
    run.fact("history.params", {k: history.params[k] for k in ("epochs", "steps")})
    run.fact("history.epoch", history.epoch)

    results = model.evaluate(x_test, y_test, batch_size=128)
    run.fact("len(results)", len(results))
    run.array("test loss, test acc", results, atol=1e-4)
    run.fact("metrics_names", model.metrics_names)

    predictions = model.predict(x_test[:3])
    run.fact("predictions.shape", predictions.shape)
    run.array("predictions", predictions, atol=1e-5)


def compile_method(keras, run):
    """## The compile() method: an optimizer, a loss and metrics, by class and by name."""
    (x_train, y_train), _, _ = _mnist_splits(run)
    model = get_uncompiled_model(keras, run, "compile")
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    run.fact("by class: optimizer", type(model.optimizer).__name__)
    run.array("by class: learning_rate", model.optimizer.learning_rate)
    # [test] one epoch each way: the names are the same objects' shortcuts.
    history = model.fit(x_train, y_train, batch_size=64, epochs=1, shuffle=False, verbose=0)
    _record_history(run, "by class", history)

    model = get_uncompiled_model(keras, run, "compile")
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    run.fact("by name: optimizer", type(model.optimizer).__name__)
    run.array("by name: learning_rate", model.optimizer.learning_rate)
    history = model.fit(x_train, y_train, batch_size=64, epochs=1, shuffle=False, verbose=0)
    _record_history(run, "by name", history)

    model = get_compiled_model(keras, run, "compile")
    run.fact("get_compiled_model: loss", model.loss)


def builtin_optimizers_losses_metrics(keras, run):
    """### Many built-in optimizers, losses, and metrics are available.

    [test] The guide names them; here each is made with its defaults and
    used once on the same small batch.
    """
    rng = run.rng("builtins")
    y_true = rng.random((6, 4)).astype("float32")
    y_pred = rng.random((6, 4)).astype("float32")
    for optimizer in (keras.optimizers.SGD(), keras.optimizers.RMSprop(), keras.optimizers.Adam()):
        config = optimizer.get_config()
        run.fact(f"{type(optimizer).__name__}.name", config["name"])
        run.array(f"{type(optimizer).__name__}.learning_rate", config["learning_rate"])
    run.fact(
        "SGD(momentum=0.9).momentum", keras.optimizers.SGD(momentum=0.9).get_config()["momentum"]
    )

    for loss in (
        keras.losses.MeanSquaredError(),
        keras.losses.KLDivergence(),
        keras.losses.CosineSimilarity(),
    ):
        run.fact(f"{type(loss).__name__}.name", loss.name)
        run.array(f"{type(loss).__name__}(y_true, y_pred)", loss(y_true, y_pred))

    labels = (y_true > 0.5).astype("float32")
    for metric in (keras.metrics.AUC(), keras.metrics.Precision(), keras.metrics.Recall()):
        metric.update_state(labels, y_pred)
        run.fact(f"{type(metric).__name__}.name", metric.name)
        run.array(f"{type(metric).__name__}.result", metric.result())


def custom_loss_function(keras, run):
    """### Custom losses: a function of y_true and y_pred."""
    ops = keras.ops
    (x_train, y_train), _, _ = _mnist_splits(run)

    def custom_mean_squared_error(y_true, y_pred):
        return ops.mean(ops.square(y_true - y_pred), axis=-1)

    model = get_uncompiled_model(keras, run, "custom_loss_function")
    model.compile(optimizer=keras.optimizers.Adam(), loss=custom_mean_squared_error)

    # We need to one-hot encode the labels to use MSE
    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    run.fact("y_train_one_hot.shape", y_train_one_hot.shape)
    history = model.fit(
        x_train,
        y_train_one_hot,
        batch_size=64,
        epochs=1,
        shuffle=False,  # [test]
    )
    _record_history(run, "history", history)


def custom_loss_class(keras, run):
    """### Custom losses: a keras.losses.Loss subclass with a parameter (CustomMSE)."""
    ops = keras.ops
    (x_train, y_train), _, _ = _mnist_splits(run)

    class CustomMSE(keras.losses.Loss):
        def __init__(self, regularization_factor=0.1, name="custom_mse"):
            super().__init__(name=name)
            self.regularization_factor = regularization_factor

        def call(self, y_true, y_pred):
            mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
            reg = ops.mean(ops.square(0.5 - y_pred), axis=-1)
            return mse + reg * self.regularization_factor

    model = get_uncompiled_model(keras, run, "custom_loss_class")
    model.compile(optimizer=keras.optimizers.Adam(), loss=CustomMSE())

    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    history = model.fit(
        x_train,
        y_train_one_hot,
        batch_size=64,
        epochs=1,
        shuffle=False,  # [test]
    )
    _record_history(run, "history", history)

    # [test] the loss on its own, and what it saves of itself.
    loss = CustomMSE(regularization_factor=0.5)
    y_pred = run.rng("y_pred").random((4, 10)).astype("float32")
    run.array("CustomMSE(0.5)", loss(y_train_one_hot[:4], y_pred))
    run.fact("get_config", loss.get_config())
    run.fact("loss.name", loss.name)


def custom_metric(keras, run):
    """### Custom metrics: CategoricalTruePositives, with add_variable, update_state, result, reset_state."""
    ops = keras.ops
    (x_train, y_train), _, _ = _mnist_splits(run)

    class CategoricalTruePositives(keras.metrics.Metric):
        def __init__(self, name="categorical_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
            values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
            values = ops.cast(values, "float32")
            if sample_weight is not None:
                sample_weight = ops.cast(sample_weight, "float32")
                values = ops.multiply(values, sample_weight)
            self.true_positives.assign_add(ops.sum(values))

        def result(self):
            return self.true_positives

        def reset_state(self):
            # The state of the metric will be reset at the start of each epoch.
            self.true_positives.assign(0)

    model = get_uncompiled_model(keras, run, "custom_metric")
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[CategoricalTruePositives()],
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=3,
        shuffle=False,  # [test]
    )
    _record_history(run, "history", history)

    # [test] the metric on its own: two updates, the result, a reset.
    metric = CategoricalTruePositives()
    probabilities = model.predict(x_train[:8], verbose=0)
    metric.update_state(y_train[:8, None], probabilities)
    metric.update_state(y_train[:8, None], probabilities, sample_weight=np.full((8, 1), 0.5))
    run.array("result after two updates", metric.result())
    metric.reset_state()
    run.array("result after reset_state", metric.result())
    run.fact("metric.variables", [tuple(v.shape) for v in metric.variables])


def add_loss_in_layer(keras, run):
    """### Handling losses that don't fit the standard signature: add_loss from a layer."""
    ops = keras.ops
    layers = keras.layers
    (x_train, y_train), _, _ = _mnist_splits(run)

    class ActivityRegularizationLayer(layers.Layer):
        def call(self, inputs):
            self.add_loss(ops.sum(inputs) * 0.1)
            return inputs  # Pass-through layer.

    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    # Insert activity regularization as a layer
    x = ActivityRegularizationLayer()(x)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, name="predictions")(x)

    model = keras.Model(inputs=inputs, outputs=outputs)
    run.seed(model, "add_loss")  # [test]
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    # The displayed loss will be much higher than before
    # due to the regularization component.
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=1,
        shuffle=False,  # [test]
    )
    _record_history(run, "history", history)


def logistic_endpoint(keras, run):
    """### A layer adding its loss, in a model compiled without a loss (LogisticEndpoint)."""
    ops = keras.ops

    class LogisticEndpoint(keras.layers.Layer):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

        def call(self, targets, logits, sample_weights=None):
            # Compute the training-time loss value and add it
            # to the layer using `self.add_loss()`.
            loss = self.loss_fn(targets, logits, sample_weights)
            self.add_loss(loss)
            # Return the inference-time prediction tensor (for `.predict()`).
            return ops.softmax(logits)

    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    logits = keras.layers.Dense(10)(inputs)
    predictions = LogisticEndpoint(name="predictions")(targets, logits)

    model = keras.Model(inputs=[inputs, targets], outputs=predictions)
    run.model("model", model)
    run.seed(model, "logistic_endpoint")  # [test]
    model.compile(optimizer="adam")  # No loss argument!

    rng = run.rng("endpoint")  # [test] in place of np.random.random
    data = {
        "inputs": rng.random((3, 3)),
        "targets": rng.random((3, 10)),
    }
    history = model.fit(data, shuffle=False)  # [test]
    _record_history(run, "history", history)
    run.array("predict", model.predict(data, verbose=0))


def validation_split(keras, run):
    """### Automatically setting apart a validation holdout set: validation_split=0.2."""
    (x_train, y_train), _, _ = _mnist_splits(run)
    model = get_compiled_model(keras, run, "validation_split")
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        validation_split=0.2,
        epochs=1,
        shuffle=False,  # [test]
    )
    _record_history(run, "history", history)
    run.fact("steps", history.params["steps"])

    # [test] what validation_split refuses: a fraction outside (0, 1), and data
    # that cannot be sliced ("you can only use validation_split when training
    # with NumPy data").
    run.error("validation_split=1.0", lambda: model.fit(x_train, y_train, validation_split=1.0))
    Batches = _example_py_dataset(keras)
    run.error(
        "validation_split with a PyDataset",
        lambda: model.fit(Batches(x_train, y_train, 64), validation_split=0.2),
    )


def tf_data_datasets(keras, run):
    """## Training & evaluation using tf.data Datasets (fit, evaluate, steps, validation).

    [test] Without shuffle(): the datasets' order is each library's own.
    """
    import tensorflow as tf

    (x_train, y_train), (x_val, y_val), (x_test, y_test) = _mnist_splits(run)
    model = get_compiled_model(keras, run, "tf_data")
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(64)
    test_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(64)
    history = model.fit(train_dataset, epochs=3)
    _record_history(run, "history", history)
    result = model.evaluate(test_dataset)
    run.fact("metrics_names", model.metrics_names)
    run.array("evaluate", result, atol=1e-4)

    model = get_compiled_model(keras, run, "tf_data")
    history = model.fit(train_dataset, epochs=3, steps_per_epoch=2)
    _record_history(run, "steps_per_epoch", history)

    val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(16)
    model = get_compiled_model(keras, run, "tf_data")
    history = model.fit(train_dataset, epochs=1, validation_data=val_dataset, validation_steps=2)
    _record_history(run, "validation_steps", history)


def steps_per_epoch_and_validation_steps(keras, run):
    """## steps_per_epoch and validation_steps, on a PyDataset instead of a tf.data Dataset.

    [test] Not in the guide, which shows these two arguments on tf.data
    Datasets: the same calls on an indexable dataset of batches.
    """

    class Batches(keras.utils.PyDataset):
        def __init__(self, x, y, batch_size, **kwargs):
            super().__init__(**kwargs)
            self.x, self.y, self.batch_size = x, y, batch_size

        def __len__(self):
            return int(np.ceil(len(self.x) / self.batch_size))

        def __getitem__(self, idx):
            part = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
            return self.x[part], self.y[part]

    (x_train, y_train), (x_val, y_val), _ = _mnist_splits(run)
    model = get_compiled_model(keras, run, "steps")
    history = model.fit(Batches(x_train, y_train, 64), epochs=3, steps_per_epoch=2, shuffle=False)
    _record_history(run, "steps_per_epoch", history)
    run.fact("steps_per_epoch.params.steps", history.params["steps"])

    model = get_compiled_model(keras, run, "steps")
    history = model.fit(
        Batches(x_train, y_train, 64),
        epochs=1,
        validation_data=Batches(x_val, y_val, 16),
        validation_steps=2,
        shuffle=False,
    )
    _record_history(run, "validation_steps", history)


def _example_py_dataset(keras):
    class ExamplePyDataset(keras.utils.PyDataset):
        def __init__(self, x, y, batch_size, **kwargs):
            super().__init__(**kwargs)
            self.x = x
            self.y = y
            self.batch_size = batch_size

        def __len__(self):
            return int(np.ceil(len(self.x) / float(self.batch_size)))

        def __getitem__(self, idx):
            batch_x = self.x[idx * self.batch_size : (idx + 1) * self.batch_size]
            batch_y = self.y[idx * self.batch_size : (idx + 1) * self.batch_size]
            return batch_x, batch_y

    return ExamplePyDataset


def py_dataset(keras, run):
    """## Training & evaluation using PyDataset instances."""
    ExamplePyDataset = _example_py_dataset(keras)
    (x_train, y_train), (x_val, y_val), _ = _mnist_splits(run)
    train_py_dataset = ExamplePyDataset(x_train, y_train, batch_size=32)
    val_py_dataset = ExamplePyDataset(x_val, y_val, batch_size=32)
    run.fact("len(train_py_dataset)", len(train_py_dataset))

    model = get_compiled_model(keras, run, "py_dataset")
    history = model.fit(
        train_py_dataset,
        batch_size=64,
        validation_data=val_py_dataset,
        epochs=1,
        shuffle=False,  # [test]
    )
    _record_history(run, "history", history)
    run.fact("steps", history.params["steps"])
    run.array("evaluate", model.evaluate(val_py_dataset), atol=1e-4)
    # [test] the dataset holds the targets: a y next to it is refused, as sample_weight is.
    run.error("fit(dataset, y)", lambda: model.fit(train_py_dataset, y_train))
    run.error(
        "fit(dataset, sample_weight=...)",
        lambda: model.fit(train_py_dataset, sample_weight=np.ones(len(y_train))),
    )


def py_dataset_workers(keras, run):
    """## PyDataset's workers, use_multiprocessing and max_queue_size: 4 threads."""
    ExamplePyDataset = _example_py_dataset(keras)
    (x_train, y_train), (x_val, y_val), _ = _mnist_splits(run)
    train_py_dataset = ExamplePyDataset(x_train, y_train, batch_size=32, workers=4)
    val_py_dataset = ExamplePyDataset(x_val, y_val, batch_size=32, workers=4)
    run.fact(
        "train_py_dataset settings",
        [
            train_py_dataset.workers,
            train_py_dataset.use_multiprocessing,
            train_py_dataset.max_queue_size,
        ],
    )
    model = get_compiled_model(keras, run, "py_dataset_workers")
    history = model.fit(
        train_py_dataset,
        batch_size=64,
        validation_data=val_py_dataset,
        epochs=1,
        shuffle=False,  # [test]
    )
    _record_history(run, "history", history)


def class_weights(keras, run):
    """### Class weights: class 5 counts twice."""
    (x_train, y_train), _, _ = _mnist_splits(run)
    class_weight = {
        0: 1.0,
        1: 1.0,
        2: 1.0,
        3: 1.0,
        4: 1.0,
        # Set weight "2" for class "5",
        # making this class 2x more important
        5: 2.0,
        6: 1.0,
        7: 1.0,
        8: 1.0,
        9: 1.0,
    }
    model = get_compiled_model(keras, run, "class_weight")
    history = model.fit(
        x_train, y_train, class_weight=class_weight, batch_size=64, epochs=1, shuffle=False
    )
    _record_history(run, "history", history)


def sample_weights(keras, run):
    """### Sample weights: the samples of class 5 count twice."""
    (x_train, y_train), _, _ = _mnist_splits(run)
    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0

    model = get_compiled_model(keras, run, "class_weight")  # [test] the same weights as above
    history = model.fit(
        x_train, y_train, sample_weight=sample_weight, batch_size=64, epochs=1, shuffle=False
    )
    _record_history(run, "history", history)
    # [test] one weight per sample, or none.
    run.error(
        "sample_weight of the wrong length",
        lambda: model.fit(x_train, y_train, sample_weight=sample_weight[:-1], epochs=1),
    )


def sample_weights_tf_data(keras, run):
    """### Sample weights: a tf.data Dataset yielding (x, y, sample_weight)."""
    import tensorflow as tf

    (x_train, y_train), _, _ = _mnist_splits(run)
    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train, sample_weight))
    train_dataset = train_dataset.batch(64)  # [test] not shuffled
    model = get_compiled_model(keras, run, "class_weight")
    history = model.fit(train_dataset, epochs=1)
    _record_history(run, "history", history)


def _multi_io_model(keras, run):
    layers = keras.layers
    image_input = keras.Input(shape=(32, 32, 3), name="img_input")
    timeseries_input = keras.Input(shape=(None, 10), name="ts_input")

    x1 = layers.Conv2D(3, 3)(image_input)
    x1 = layers.GlobalMaxPooling2D()(x1)

    x2 = layers.Conv1D(3, 3)(timeseries_input)
    x2 = layers.GlobalMaxPooling1D()(x2)

    x = layers.concatenate([x1, x2])

    score_output = layers.Dense(1, name="score_output")(x)
    class_output = layers.Dense(5, name="class_output")(x)

    model = keras.Model(
        inputs=[image_input, timeseries_input], outputs=[score_output, class_output]
    )
    run.seed(model, "multi_io")  # [test]
    return model


def _multi_io_data(run):
    """[test] The guide's dummy data from a seeded generator, 64 samples instead of 100.

    Two full batches of 32: with a smaller last batch, Keras's TensorFlow
    graph averages each output's loss ('score_output_loss') over the batches
    without weighting them by their sizes (the traced batch size is None),
    while its eager mode, its JAX backend and kerastutor weight them, as
    they do for 'loss'.
    """
    rng = run.rng("multi_io_data")
    img_data = rng.random(size=(64, 32, 32, 3))
    ts_data = rng.random(size=(64, 20, 10))
    score_targets = rng.random(size=(64, 1))
    class_targets = rng.random(size=(64, 5))
    return img_data, ts_data, score_targets, class_targets


def multi_io_model(keras, run):
    """## Passing data to multi-input, multi-output models: the model and its plot."""
    model = _multi_io_model(keras, run)
    run.model("model", model)
    run.summary("model", model)
    run.fact("output_names", model.output_names)
    run.plot(model, "multi_input_and_output_model.png", show_shapes=True)
    img_data, ts_data, _, _ = _multi_io_data(run)
    score, classes = model.predict([img_data[:2], ts_data[:2]], verbose=0)
    run.array("predict.score_output", score, atol=1e-4)
    run.array("predict.class_output", classes, atol=1e-4)


def multi_io_compile(keras, run):
    """## Multi-output compile: loss lists, metric lists, dicts, loss_weights.

    [test] The guide only compiles; one epoch after each compile shows what
    each one trains on and reports.
    """
    img_data, ts_data, score_targets, class_targets = _multi_io_data(run)

    def fit_once(label, model):
        history = model.fit(
            [img_data, ts_data],
            [score_targets, class_targets],
            batch_size=32,
            epochs=1,
            shuffle=False,
            verbose=0,
        )
        _record_history(run, label, history)

    model = _multi_io_model(keras, run)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[
            keras.losses.MeanSquaredError(),
            keras.losses.CategoricalCrossentropy(),
        ],
    )
    fit_once("loss list", model)

    model = _multi_io_model(keras, run)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[
            keras.losses.MeanSquaredError(),
            keras.losses.CategoricalCrossentropy(),
        ],
        metrics=[
            [
                keras.metrics.MeanAbsolutePercentageError(),
                keras.metrics.MeanAbsoluteError(),
            ],
            [keras.metrics.CategoricalAccuracy()],
        ],
    )
    fit_once("metric lists", model)

    model = _multi_io_model(keras, run)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "score_output": keras.losses.MeanSquaredError(),
            "class_output": keras.losses.CategoricalCrossentropy(),
        },
        metrics={
            "score_output": [
                keras.metrics.MeanAbsolutePercentageError(),
                keras.metrics.MeanAbsoluteError(),
            ],
            "class_output": [keras.metrics.CategoricalAccuracy()],
        },
    )
    fit_once("dicts", model)

    model = _multi_io_model(keras, run)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "score_output": keras.losses.MeanSquaredError(),
            "class_output": keras.losses.CategoricalCrossentropy(),
        },
        metrics={
            "score_output": [
                keras.metrics.MeanAbsolutePercentageError(),
                keras.metrics.MeanAbsoluteError(),
            ],
            "class_output": [keras.metrics.CategoricalAccuracy()],
        },
        loss_weights={"score_output": 2.0, "class_output": 1.0},
    )
    fit_once("loss_weights", model)
    run.array(
        "loss_weights: evaluate",
        model.evaluate([img_data, ts_data], [score_targets, class_targets], verbose=0),
        atol=1e-4,
    )


def multi_io_some_losses(keras, run):
    """## No loss for some outputs: a None in the list, or a dict without the output.

    [test] As above, one epoch after each compile.
    """
    img_data, ts_data, score_targets, class_targets = _multi_io_data(run)

    # List loss version
    model = _multi_io_model(keras, run)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[None, keras.losses.CategoricalCrossentropy()],
    )
    history, warned = _warnings(
        lambda: model.fit(
            [img_data, ts_data], [score_targets, class_targets], batch_size=32, shuffle=False
        )
    )
    _record_history(run, "list", history)
    run.fact("list: warnings", warned)

    # Or dict loss version
    model = _multi_io_model(keras, run)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={"class_output": keras.losses.CategoricalCrossentropy()},
    )
    # [test] Keras 3 refuses this one in fit: the outputs are a list, so a loss
    # dict must name each of them (None for the outputs not to train).
    run.error(
        "dict: fit",
        lambda: model.fit(
            [img_data, ts_data],
            {"score_output": score_targets, "class_output": class_targets},
            batch_size=32,
            shuffle=False,
        ),
    )
    run.array("dict: weights after the failed fit", model.get_layer("score_output").kernel)

    model = _multi_io_model(keras, run)  # [test] each output named, None for the score
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={"score_output": None, "class_output": keras.losses.CategoricalCrossentropy()},
    )
    history, warned = _warnings(
        lambda: model.fit(
            [img_data, ts_data],
            {"score_output": score_targets, "class_output": class_targets},
            batch_size=32,
            shuffle=False,
        )
    )
    _record_history(run, "dict with None", history)
    run.fact("dict with None: warnings", warned)


def multi_io_fit(keras, run):
    """## Fit a multi-input, multi-output model on lists of arrays, then on dicts."""
    img_data, ts_data, score_targets, class_targets = _multi_io_data(run)
    model = _multi_io_model(keras, run)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[
            keras.losses.MeanSquaredError(),
            keras.losses.CategoricalCrossentropy(),
        ],
    )
    # Fit on lists
    history = model.fit(
        [img_data, ts_data],
        [score_targets, class_targets],
        batch_size=32,
        epochs=1,
        shuffle=False,  # [test]
    )
    _record_history(run, "lists", history)

    # Alternatively, fit on dicts
    history = model.fit(
        {"img_input": img_data, "ts_input": ts_data},
        {"score_output": score_targets, "class_output": class_targets},
        batch_size=32,
        epochs=1,
        shuffle=False,  # [test]
    )
    _record_history(run, "dicts", history)

    # [test] class weights need a single output.
    run.error(
        "class_weight with two outputs",
        lambda: model.fit(
            [img_data, ts_data], [score_targets, class_targets], class_weight={0: 1.0, 1: 2.0}
        ),
    )


def multi_io_tf_data(keras, run):
    """## A multi-input, multi-output model fit on a tf.data Dataset of dicts."""
    import tensorflow as tf

    img_data, ts_data, score_targets, class_targets = _multi_io_data(run)
    model = _multi_io_model(keras, run)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[keras.losses.MeanSquaredError(), keras.losses.CategoricalCrossentropy()],
    )
    train_dataset = tf.data.Dataset.from_tensor_slices(
        (
            {"img_input": img_data, "ts_input": ts_data},
            {"score_output": score_targets, "class_output": class_targets},
        )
    )
    train_dataset = train_dataset.batch(64)  # [test] not shuffled
    history = model.fit(train_dataset, epochs=1)
    _record_history(run, "history", history)


def early_stopping(keras, run):
    """## Using callbacks: EarlyStopping on val_loss, min_delta=1e-2, patience=2."""
    (x_train, y_train), _, _ = _mnist_splits(run)
    model = get_compiled_model(keras, run, "early_stopping")
    callbacks = [
        keras.callbacks.EarlyStopping(
            # Stop training when `val_loss` is no longer improving
            monitor="val_loss",
            # "no longer improving" being defined as "no better than 1e-2 less"
            min_delta=1e-2,
            # "no longer improving" being further defined as "for at least 2 epochs"
            patience=2,
            verbose=1,
        )
    ]
    history, printed = _printed(
        lambda: model.fit(
            x_train,
            y_train,
            epochs=20,
            batch_size=64,
            callbacks=callbacks,
            validation_split=0.2,
            shuffle=False,  # [test]
        )
    )
    _record_history(run, "history", history)
    run.fact("epochs run", len(history.epoch))
    run.fact("stopped_epoch", callbacks[0].stopped_epoch)
    run.fact("printed", _callback_messages(printed, run.workdir))


def custom_callback(keras, run):
    """### Writing your own callback: LossHistory records each batch's loss.

    [test] The guide defines it; here it is passed to fit.
    """

    class LossHistory(keras.callbacks.Callback):
        def on_train_begin(self, logs):
            self.per_batch_losses = []

        def on_batch_end(self, batch, logs):
            self.per_batch_losses.append(logs.get("loss"))

    (x_train, y_train), _, _ = _mnist_splits(run)
    model = get_compiled_model(keras, run, "loss_history")
    loss_history = LossHistory()
    model.fit(x_train, y_train, batch_size=64, epochs=2, callbacks=[loss_history], shuffle=False)
    run.fact("len(per_batch_losses)", len(loss_history.per_batch_losses))
    run.array("per_batch_losses", loss_history.per_batch_losses, atol=1e-4)


def model_checkpoint(keras, run):
    """## Checkpointing models: ModelCheckpoint with save_best_only on val_loss."""
    (x_train, y_train), _, _ = _mnist_splits(run)
    model = get_compiled_model(keras, run, "checkpoint")
    callbacks = [
        keras.callbacks.ModelCheckpoint(
            # Path where to save the model
            filepath=str(run.workdir / "mymodel_{epoch}.keras"),  # [test] a temporary folder
            save_best_only=True,  # Only save a model if `val_loss` has improved.
            monitor="val_loss",
            verbose=1,
        )
    ]
    history, printed = _printed(
        lambda: model.fit(
            x_train,
            y_train,
            epochs=2,
            batch_size=64,
            callbacks=callbacks,
            validation_split=0.2,
            shuffle=False,  # [test]
        )
    )
    _record_history(run, "history", history)
    run.fact("files", sorted(os.listdir(run.workdir)))
    run.fact("printed", _callback_messages(printed, run.workdir))
    # [test] the best checkpoint gives back the model it saved.
    best = int(np.argmin(history.history["val_loss"])) + 1
    restored = keras.models.load_model(str(run.workdir / f"mymodel_{best}.keras"))
    run.array("restored.predict", restored.predict(x_train[:3], verbose=0), atol=1e-5)


def checkpoint_fault_tolerance(keras, run):
    """## ModelCheckpoint for fault tolerance: restore the latest checkpoint, or start anew."""
    (x_train, y_train), _, _ = _mnist_splits(run)

    # Prepare a directory to store all the checkpoints.
    checkpoint_dir = str(run.workdir / "ckpt")  # [test] a temporary folder
    if not os.path.exists(checkpoint_dir):
        os.makedirs(checkpoint_dir)

    def make_or_restore_model():
        # Either restore the latest model, or create a fresh one
        # if there is no checkpoint available.
        checkpoints = [os.path.join(checkpoint_dir, name) for name in os.listdir(checkpoint_dir)]
        if checkpoints:
            latest_checkpoint = max(checkpoints, key=os.path.getctime)
            print("Restoring from", latest_checkpoint)
            run.fact("restored from", os.path.basename(latest_checkpoint))  # [test]
            return keras.models.load_model(latest_checkpoint)
        print("Creating a new model")
        return get_compiled_model(keras, run, "fault_tolerance")

    model = make_or_restore_model()
    callbacks = [
        # This callback saves the model every 100 batches.
        # We include the training loss in the saved model name.
        keras.callbacks.ModelCheckpoint(
            filepath=os.path.join(checkpoint_dir, "model-loss={loss:.2f}.keras"),
            save_freq=3,  # [test] every 3 batches: 8 batches in this epoch
        )
    ]
    model.fit(x_train, y_train, epochs=1, callbacks=callbacks, shuffle=False)  # [test]
    run.fact("checkpoints", sorted(os.listdir(checkpoint_dir)))
    after_fit = model.predict(x_train[:3], verbose=0)

    model = make_or_restore_model()  # [test] the second run of the program
    run.fact("restored optimizer", type(model.optimizer).__name__)
    restored = model.predict(x_train[:3], verbose=0)
    run.array("restored.predict", restored, atol=1e-5)
    run.fact(
        "restored the last checkpoint (saved after batch 6 of 8)",
        bool(not np.allclose(restored, after_fit)),
    )


def learning_rate_schedule(keras, run):
    """### Passing a schedule to an optimizer: ExponentialDecay, and the other built-in schedules."""
    initial_learning_rate = 0.1
    lr_schedule = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate, decay_steps=100000, decay_rate=0.96, staircase=True
    )
    optimizer = keras.optimizers.RMSprop(learning_rate=lr_schedule)
    run.fact("optimizer", type(optimizer).__name__)

    # [test] what the schedule gives along training, and what it saves.
    steps = [0, 1, 99999, 100000, 250000]
    run.array("ExponentialDecay", [float(lr_schedule(step)) for step in steps])
    run.fact("ExponentialDecay.get_config", lr_schedule.get_config())
    others = {
        "PiecewiseConstantDecay": keras.optimizers.schedules.PiecewiseConstantDecay(
            [100000, 110000], [1.0, 0.5, 0.1]
        ),
        "PolynomialDecay": keras.optimizers.schedules.PolynomialDecay(
            0.1, 200000, end_learning_rate=0.01, power=0.5
        ),
        "InverseTimeDecay": keras.optimizers.schedules.InverseTimeDecay(
            0.1, decay_steps=100000, decay_rate=0.5
        ),
    }
    for name, schedule in others.items():
        run.array(name, [float(schedule(step)) for step in steps])

    # [test] the optimizer steps through it: a schedule that decays within one epoch.
    (x_train, y_train), _, _ = _mnist_splits(run)
    model = get_uncompiled_model(keras, run, "schedule")
    fast = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=2, decay_rate=0.5)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=fast),
        loss="sparse_categorical_crossentropy",
    )
    history = model.fit(x_train, y_train, batch_size=64, epochs=2, shuffle=False, verbose=0)
    _record_history(run, "history", history)
    run.fact("iterations", int(model.optimizer.iterations))
    run.array("learning_rate after fit", float(model.optimizer.learning_rate))


def reduce_lr_on_plateau(keras, run):
    """### Using callbacks to implement a dynamic learning rate schedule: ReduceLROnPlateau.

    [test] The guide names the callback; here it lowers the rate in fit.
    """
    (x_train, y_train), _, _ = _mnist_splits(run)
    model = get_compiled_model(keras, run, "plateau")
    callback = keras.callbacks.ReduceLROnPlateau(
        monitor="val_loss", factor=0.5, patience=1, min_delta=0.5, verbose=1
    )
    history, printed = _printed(
        lambda: model.fit(
            x_train,
            y_train,
            epochs=4,
            batch_size=64,
            callbacks=[callback],
            validation_split=0.25,
            shuffle=False,
        )
    )
    _record_history(run, "history", history)
    run.fact("printed", _callback_messages(printed, run.workdir))
    run.array("learning_rate", float(model.optimizer.learning_rate))


def tensorboard(keras, run):
    """### Using the TensorBoard callback."""
    callback = keras.callbacks.TensorBoard(
        log_dir=str(run.workdir / "logs"),  # [test] a temporary folder
        histogram_freq=0,  # How often to log histogram visualizations
        embeddings_freq=0,  # How often to log embedding visualizations
        update_freq="epoch",
    )  # How often to write logs (default: once per epoch)
    run.fact("type", type(callback).__name__)


SECTIONS = [
    api_overview,
    compile_method,
    builtin_optimizers_losses_metrics,
    custom_loss_function,
    custom_loss_class,
    custom_metric,
    add_loss_in_layer,
    logistic_endpoint,
    validation_split,
    tf_data_datasets,
    steps_per_epoch_and_validation_steps,
    py_dataset,
    py_dataset_workers,
    class_weights,
    sample_weights,
    sample_weights_tf_data,
    multi_io_model,
    multi_io_compile,
    multi_io_some_losses,
    multi_io_fit,
    multi_io_tf_data,
    early_stopping,
    custom_callback,
    model_checkpoint,
    checkpoint_fault_tolerance,
    learning_rate_schedule,
    reduce_lr_on_plateau,
    tensorboard,
]
