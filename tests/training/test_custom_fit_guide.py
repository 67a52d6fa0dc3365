"""Keras's guide "Customizing what happens in fit()", run in kerastutor.

Each model is the guide's (TensorFlow version) with `import keras` read as
`import kerastutor as keras` and `tf.GradientTape()` as
`keras.GradientTape()`; only the data is smaller. Where the guide's custom
step computes what the built-in one does, the two must give the same
numbers; `tests/training/test_fit_golden.py` checks the first one against
Keras itself. (The guide's GAN needs LeakyReLU, keras.random.SeedGenerator
and a Model without `call`, which kerastutor does not have yet.)
"""

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import autodiff
from kerastutor.utils import set_random_seed


def data(samples=64, features=8, seed=0):
    rng = np.random.default_rng(seed)
    return (
        rng.random((samples, features)).astype("float32"),
        rng.random((samples, 1)).astype("float32"),
    )


def dense_model(model_class, seed=3):
    """`model_class(inputs, outputs)` with one Dense(1) whose weights are the same every time."""
    inputs = keras.Input(shape=(8,))
    model = model_class(inputs, keras.layers.Dense(1)(inputs))
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    return model


# ---------------------------------------------------------------- the guide's models


class CustomModel(keras.Model):
    """'A first simple example'."""

    def train_step(self, data):
        x, y = data
        with keras.GradientTape() as tape:
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


class LowLevelModel(keras.Model):
    """'Going lower-level': own loss and metrics, listed by a `metrics` property."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    def train_step(self, data):
        x, y = data
        with keras.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.loss_fn(y, y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


class WeightedModel(keras.Model):
    """'Supporting sample_weight & class_weight'."""

    def train_step(self, data):
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data
        with keras.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}


class EvalModel(keras.Model):
    """'Providing your own evaluation step'."""

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


class TorchStyleModel(keras.Model):
    """The PyTorch guide's step: `loss.backward()`, then each weight's `.grad`."""

    def train_step(self, data):
        x, y = data
        trainable_weights = self.trainable_weights
        with autodiff.watch(trainable_weights):
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            loss.backward()
        gradients = [v.grad for v in trainable_weights]
        self.optimizer.apply(gradients, trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def fit_history(model_class, compile_kwargs, **fit_kwargs):
    set_random_seed(0)
    model = dense_model(model_class)
    model.compile(**compile_kwargs)
    x, y = data()
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False, **fit_kwargs)
    return model, history.history


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize("model_class", [CustomModel, TorchStyleModel])
def test_a_custom_train_step_computes_what_fit_does(model_class):
    compiled = dict(optimizer="adam", loss="mse", metrics=["mae"])
    custom, custom_history = fit_history(model_class, compiled)
    builtin, builtin_history = fit_history(keras.Model, compiled)
    assert sorted(custom_history) == ["loss", "mae"]
    for key, values in builtin_history.items():
        np.testing.assert_allclose(custom_history[key], values, rtol=1e-6, err_msg=key)
    for got, want in zip(custom.get_weights(), builtin.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    assert [m.name for m in custom.metrics] == ["loss", "compile_metrics"]


def test_own_metrics_listed_by_the_metrics_property_are_reset_every_epoch():
    custom, custom_history = fit_history(LowLevelModel, dict(optimizer="adam"))
    _, builtin_history = fit_history(
        keras.Model, dict(optimizer="adam", loss="mse", metrics=["mae"])
    )
    # Equal batches: the guide's unweighted Mean of batch losses is the per-sample mean.
    for key in ("loss", "mae"):
        np.testing.assert_allclose(custom_history[key], builtin_history[key], rtol=1e-6)
    assert custom.metrics_names == ["loss", "mae"]
    custom.reset_metrics()
    assert float(custom.loss_tracker.result()) == 0.0


def test_sample_weight_reaches_a_custom_train_step():
    x, y = data()
    sample_weight = np.random.default_rng(4).random((64, 1)).astype("float32")
    compiled = dict(optimizer="adam", loss="mse", metrics=["mae"])
    custom, history = fit_history(WeightedModel, compiled, sample_weight=sample_weight)
    builtin, builtin_history = fit_history(keras.Model, compiled, sample_weight=sample_weight)
    for key, values in builtin_history.items():
        np.testing.assert_allclose(history[key], values, rtol=1e-6, err_msg=key)
    unweighted, _ = fit_history(WeightedModel, compiled)
    assert not np.allclose(custom.get_weights()[0], unweighted.get_weights()[0])


def test_class_weight_reaches_a_custom_train_step_as_sample_weight():
    seen = []

    class Recording(WeightedModel):
        def train_step(self, data):
            seen.append(len(data))
            return super().train_step(data)

    set_random_seed(0)
    model = dense_model(Recording)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    x = np.random.default_rng(1).random((8, 8)).astype("float32")
    y = np.array([0, 1] * 4, dtype="float32")[:, None]
    model.fit(x, y, class_weight={0: 1.0, 1: 3.0}, batch_size=4, epochs=1, verbose=0)
    assert seen == [3, 3]


def test_a_custom_test_step_drives_evaluate():
    x, y = data()
    results = {}
    for model_class in (EvalModel, keras.Model):
        model = dense_model(model_class)
        model.compile(loss="mse", metrics=["mae"])
        results[model_class] = model.evaluate(x, y, batch_size=16, verbose=0)
    np.testing.assert_allclose(results[EvalModel], results[keras.Model], rtol=1e-6)


def test_the_guide_first_model_runs_as_written():
    """The guide's own sizes: 1000 samples of 32 features, fit for 3 epochs."""
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x = np.random.random((1000, 32))
    y = np.random.random((1000, 1))
    history = model.fit(x, y, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]
