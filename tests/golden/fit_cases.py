"""fit cases that real Keras and kerastutor both run: weighted samples, classes, timesteps.

Each case is `build(keras) -> (model, fit_kwargs, evaluate_kwargs)`, written
only with API spelled the same in Keras 3 and kerastutor, so
`tests/golden/make_fit_golden.py` runs it with `import keras` and
`tests/training/test_fit_golden.py` with `import kerastutor as keras`.
Every weight is replaced by seeded values (`seeded_weights`), data is
seeded NumPy, `shuffle=False`: the two runs see the same numbers in the same
order. Imports only NumPy.
"""

import numpy as np

CASES = {}


def case(function):
    CASES[function.__name__] = function
    return function


def seeded_weights(model, seed=0):
    """Replace every weight, in `get_weights()` order, by seeded values."""
    rng = np.random.default_rng(seed)
    weights = []
    for weight in model.get_weights():
        if weight.ndim == 1:
            weights.append(rng.uniform(-0.5, 0.5, weight.shape).astype("float32"))
        else:
            scale = min(0.5, 1.5 / np.sqrt(weight.shape[0]))
            weights.append(rng.normal(0.0, scale, weight.shape).astype("float32"))
    model.set_weights(weights)


def _classifier(keras, units, activation, features=4):
    inputs = keras.Input(shape=(features,))
    hidden = keras.layers.Dense(6, activation="tanh")(inputs)
    return keras.Model(inputs, keras.layers.Dense(units, activation=activation)(hidden))


@case
def sample_weight_binary(keras):
    """Per-sample weights on a sigmoid classifier, weighted validation data, weighted_metrics."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(22, 4)).astype("float32")
    y = (x[:, :1] - x[:, 1:2] > 0).astype("float32")
    sw = rng.uniform(0.1, 3.0, size=(22,)).astype("float32")
    xv = rng.normal(size=(9, 4)).astype("float32")
    yv = (xv[:, :1] > 0).astype("float32")
    swv = rng.uniform(0.0, 2.0, size=(9,)).astype("float32")
    model = _classifier(keras, 1, "sigmoid")
    seeded_weights(model, 1)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss="binary_crossentropy",
        metrics=["accuracy"],
        weighted_metrics=["accuracy", "mse"],
    )
    fit = dict(x=x, y=y, sample_weight=sw, validation_data=(xv, yv, swv), batch_size=5, epochs=3)
    return model, fit, dict(x=xv, y=yv, sample_weight=swv, batch_size=4)


@case
def class_weight_softmax(keras):
    """class_weight on sparse labels (class 3 absent from the dict counts 1), Adam."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(20, 4)).astype("float32")
    y = rng.integers(0, 4, size=(20,)).astype("int32")
    model = _classifier(keras, 4, "softmax")
    seeded_weights(model, 2)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    fit = dict(
        x=x,
        y=y,
        class_weight={0: 0.5, 1: 2.0, 2: 1.5},
        validation_split=0.25,
        batch_size=4,
        epochs=3,
    )
    return model, fit, dict(x=x, y=y, batch_size=6)


@case
def class_weight_one_hot(keras):
    """class_weight with one-hot targets (the class is the argmax), RMSprop, validation_freq."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(18, 4)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, size=18)]
    model = _classifier(keras, 3, "softmax")
    seeded_weights(model, 3)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.01),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    fit = dict(
        x=x,
        y=y,
        class_weight={0: 3.0, 2: 0.25},
        validation_data=(x[:6], y[:6]),
        validation_freq=2,
        batch_size=6,
        epochs=4,
    )
    return model, fit, dict(x=x, y=y)


@case
def timestep_weights(keras):
    """Per-timestep weights (samples, timesteps) on a sequence output, mse and mae."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(12, 5, 3)).astype("float32")
    y = rng.normal(size=(12, 5, 2)).astype("float32")
    sw = rng.uniform(0.0, 2.0, size=(12, 5)).astype("float32")
    inputs = keras.Input(shape=(5, 3))
    outputs = keras.layers.Dense(2)(keras.layers.Dense(4, activation="tanh")(inputs))
    model = keras.Model(inputs, outputs)
    seeded_weights(model, 4)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.05),
        loss="mse",
        metrics=["mae"],
        weighted_metrics=["mae"],
    )
    fit = dict(
        x=x, y=y, sample_weight=sw, validation_data=(x[:4], y[:4], sw[:4]), batch_size=5, epochs=3
    )
    return model, fit, dict(x=x, y=y, sample_weight=sw, batch_size=5)


@case
def masked_timestep_weights(keras):
    """Padding masks (Embedding mask_zero) combined with per-timestep weights."""
    rng = np.random.default_rng(5)
    tokens = rng.integers(1, 7, size=(10, 6))
    for row, length in enumerate(rng.integers(2, 7, size=10)):
        tokens[row, length:] = 0
    y = rng.normal(size=(10, 6, 1)).astype("float32")
    sw = rng.uniform(0.5, 2.0, size=(10, 6)).astype("float32")
    inputs = keras.Input(shape=(6,), dtype="int32")
    embedded = keras.layers.Embedding(7, 3, mask_zero=True)(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(embedded))
    seeded_weights(model, 5)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss="mse",
        metrics=["mae"],
        weighted_metrics=["mse"],
    )
    fit = dict(x=tokens, y=y, sample_weight=sw, batch_size=4, epochs=3)
    return model, fit, dict(x=tokens, y=y, sample_weight=sw)


@case
def per_sample_weights_on_sequences(keras):
    """(samples, 1) weights on a sequence output: each sample's timesteps share its weight."""
    rng = np.random.default_rng(6)
    x = rng.normal(size=(8, 4, 3)).astype("float32")
    y = rng.normal(size=(8, 4, 2)).astype("float32")
    sw = rng.uniform(0.0, 3.0, size=(8, 1)).astype("float32")
    inputs = keras.Input(shape=(4, 3))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    seeded_weights(model, 6)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mae", metrics=["mse"])
    fit = dict(x=x, y=y, sample_weight=sw, batch_size=3, epochs=2)
    return model, fit, dict(x=x, y=y, sample_weight=sw)


@case
def two_outputs_weighted(keras):
    """Two outputs, one sample-weight array each (a list, as y is), loss_weights."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(14, 3)).astype("float32")
    y_p = (x[:, :1] > 0).astype("float32")
    y_r = rng.normal(size=(14, 2)).astype("float32")
    inputs = keras.Input(shape=(3,))
    hidden = keras.layers.Dense(5, activation="tanh")(inputs)
    p = keras.layers.Dense(1, activation="sigmoid", name="p")(hidden)
    r = keras.layers.Dense(2, name="r")(hidden)
    model = keras.Model(inputs, [p, r])
    seeded_weights(model, 7)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss=["binary_crossentropy", "mse"],
        loss_weights=[1.0, 0.5],
        metrics=[["accuracy"], ["mae"]],
        weighted_metrics=[["accuracy"], []],
    )
    sw = [
        rng.uniform(0, 2, size=14).astype("float32"),
        rng.uniform(0, 2, size=14).astype("float32"),
    ]
    # Batches of equal size: with a short last batch Keras's TensorFlow backend
    # averages each output's loss per batch (its batch size is unknown inside
    # the traced step) but the total per sample; kerastutor does both per sample.
    fit = dict(x=x, y=[y_p, y_r], sample_weight=sw, batch_size=7, epochs=2)
    return model, fit, dict(x=x, y=[y_p, y_r], sample_weight=sw)


@case
def generator_steps_per_epoch(keras):
    """A generator of (x, y, sample_weight) batches read 3 steps an epoch, across epochs."""
    rng = np.random.default_rng(8)
    x = rng.normal(size=(30, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    sw = rng.uniform(0.5, 1.5, size=(30,)).astype("float32")

    def batches():
        for start in range(0, 30, 5):
            yield x[start : start + 5], y[start : start + 5], sw[start : start + 5]

    model = _classifier(keras, 1, "sigmoid")
    seeded_weights(model, 8)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.2), loss="binary_crossentropy")
    fit = dict(x=batches(), steps_per_epoch=3, epochs=2)
    return model, fit, dict(x=x, y=y, sample_weight=sw)


@case
def finite_generator_replays(keras):
    """A finite generator and 3 epochs: Keras's later epochs see its first two batches again."""
    rng = np.random.default_rng(12)
    x = rng.normal(size=(20, 4)).astype("float32")
    y = rng.normal(size=(20, 1)).astype("float32")

    def batches():
        for start in range(0, 20, 4):
            yield x[start : start + 4], y[start : start + 4]

    model = _classifier(keras, 1, None)
    seeded_weights(model, 12)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
    return model, dict(x=batches(), epochs=3), dict(x=x, y=y)


def _autoencoder_class(keras):
    class AutoEncoder(keras.Model):
        """A subclassed model whose loss is its own `add_loss` (compiled without a loss)."""

        def __init__(self):
            super().__init__()
            self.encoder = keras.layers.Dense(2, activation="tanh")
            self.decoder = keras.layers.Dense(4)

        def call(self, x):
            reconstruction = self.decoder(self.encoder(x))
            self.add_loss(keras.ops.mean((reconstruction - x) ** 2))
            return reconstruction

    return AutoEncoder


@case
def add_loss_autoencoder(keras):
    """fit(x) alone: the loss is what the model's call adds with add_loss."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(24, 4)).astype("float32")
    model = _autoencoder_class(keras)()
    model(x[:2])
    seeded_weights(model, 11)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02))
    return model, dict(x=x, batch_size=6, epochs=3, validation_data=(x[:8],)), dict(x=x)


def py_dataset_case(keras):
    """A PyDataset of (x, y) batches with on_epoch_end; validation with steps."""
    rng = np.random.default_rng(9)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")

    class Batches(keras.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.epochs_ended = 0

        def __len__(self):
            return 4

        def __getitem__(self, index):
            return x[index * 4 : (index + 1) * 4], y[index * 4 : (index + 1) * 4]

        def on_epoch_end(self):
            self.epochs_ended += 1

    model = _classifier(keras, 1, None)
    seeded_weights(model, 9)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="mse", metrics=["mae"])
    fit = dict(
        x=Batches(), validation_data=(x, y), validation_steps=2, validation_batch_size=3, epochs=2
    )
    return model, fit, dict(x=x, y=y, steps=3, batch_size=5)


CASES["py_dataset"] = py_dataset_case


def guide_custom_train_step(keras, tape_module):
    """The first model of Keras's guide 'Customizing what happens in fit()' (TensorFlow version)."""

    class CustomModel(keras.Model):
        def train_step(self, data):
            x, y = data
            with tape_module.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)
            self.optimizer.apply(gradients, trainable_vars)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    rng = np.random.default_rng(10)
    x = rng.random((40, 8)).astype("float32")
    y = rng.random((40, 1)).astype("float32")
    inputs = keras.Input(shape=(8,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    seeded_weights(model, 10)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model, dict(x=x, y=y, epochs=3), dict(x=x, y=y)
