"""Ports of keras/src/trainers/trainer_test.py (Keras 3) for what kerastutor's fit does.

Keras's tests mix its `Trainer` into a `Dense` layer; here the same models
are `keras.Model` subclasses (kerastutor's Trainer is Model's). The numbers
are Keras's own expectations, written in its test.
"""

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import layers, losses, metrics, optimizers


class ExampleModel(keras.Model):
    """Keras's ExampleModel: one Dense without bias, kernel of ones."""

    def __init__(self, units):
        super().__init__()
        self.dense = layers.Dense(units, use_bias=False, kernel_initializer="ones")

    def call(self, x):
        return self.dense(x)


class ListInputModel(keras.Model):
    def __init__(self, units):
        super().__init__()
        self.dense_1 = layers.Dense(units, use_bias=False, kernel_initializer="ones")
        self.dense_2 = layers.Dense(units, use_bias=False, kernel_initializer="ones")

    def call(self, x):
        return self.dense_1(x[0]) + self.dense_2(x[1])


class ListOutputModel(keras.Model):
    def __init__(self, units):
        super().__init__()
        self.dense_1 = layers.Dense(units, use_bias=False, kernel_initializer="ones")
        self.dense_2 = layers.Dense(units, use_bias=False, kernel_initializer="ones")

    def call(self, x):
        return [self.dense_1(x), self.dense_2(x)]


class CustomTrainTestStepModel(ExampleModel):
    def train_step(self, data):
        logs = super().train_step(data)
        logs["my_custom_metric"] = 10.0
        return logs

    def test_step(self, data):
        logs = super().test_step(data)
        logs["my_custom_metric"] = 5.0
        return logs


def test_metric_tracking_loss_tracker_then_compile_metrics_then_own_metrics():
    class ModelWithMetric(ExampleModel):
        def __init__(self, units):
            super().__init__(units)
            self.my_metric = metrics.MeanSquaredError(name="my_metric")

    model = ModelWithMetric(units=3)
    model.compile(
        optimizer=optimizers.SGD(),
        loss=losses.MeanSquaredError(),
        metrics=[metrics.MeanSquaredError()],
    )
    model.fit(np.ones((2, 4)), np.zeros((2, 3)), batch_size=2, epochs=1, verbose=0)
    assert len(model.metrics) == 3
    assert model.metrics[0] is model._loss_tracker
    assert model.metrics[1] is model._compile_metrics
    assert model.metrics[2] is model.my_metric


def test_evaluate_return_list_respects_metrics_order():
    def metrics_zero(y_true, y_pred):
        return 0.0

    def metrics_one(y_true, y_pred):
        return 1.0

    model = ExampleModel(units=3)
    model.compile(optimizer="sgd", loss="mse", metrics=[metrics_zero, metrics_one])
    eval_out = model.evaluate(np.ones((3, 2)), np.ones((3, 3)), verbose=0)
    assert len(eval_out) == 3 and eval_out[1:] == [0.0, 1.0]
    model.compile(optimizer="sgd", loss="mse", metrics=[metrics_one, metrics_zero])
    eval_out = model.evaluate(np.ones((3, 2)), np.ones((3, 3)), verbose=0)
    assert eval_out[1:] == [1.0, 0.0]


def test_nested_inputs():
    model = ListInputModel(units=2)
    out = model([np.ones((3, 2)), np.ones((3, 3))])
    assert tuple(out.shape) == (3, 2)
    model.compile(optimizer="sgd", loss="mse", metrics=["mse"])
    x, y = [np.ones((3, 2)), np.ones((3, 3))], np.ones((3, 2))
    history = model.fit(x, y, verbose=0).history
    np.testing.assert_allclose(history["loss"], 16.0, rtol=1e-6)
    np.testing.assert_allclose(model.train_on_batch(x, y)[0], 14.44, rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0)[0], 13.0321, rtol=1e-5)
    np.testing.assert_allclose(model.test_on_batch(x, y)[0], 13.0321, rtol=1e-5)
    assert model.predict(x, verbose=0).shape == (3, 2)
    assert model.predict_on_batch(x).shape == (3, 2)


def test_on_batch_methods_with_sample_and_class_weights():
    model = ExampleModel(units=3)
    x, y = np.ones((100, 4)), np.zeros((100, 3))
    sw = np.arange(100).reshape((100,)).astype("float32") / 50.0
    model.compile(
        optimizer=optimizers.SGD(),
        loss=losses.MeanSquaredError(),
        metrics=[metrics.MeanSquaredError()],
    )
    logs = model.train_on_batch(x, y)
    assert isinstance(logs, list) and len(logs) == 2
    np.testing.assert_allclose(logs[0], 16.0)
    logs = model.train_on_batch(x, y, return_dict=True)
    assert len(logs) == 2
    np.testing.assert_allclose(logs["loss"], 15.158, atol=1e-3)
    np.testing.assert_allclose(model.test_on_batch(x, y)[0], 14.360, atol=1e-3)
    np.testing.assert_allclose(
        model.test_on_batch(x, y, return_dict=True)["loss"], 14.360, atol=1e-3
    )
    output = model.predict_on_batch(x)
    assert isinstance(output, np.ndarray)
    np.testing.assert_allclose(output[0], [3.789511] * 3, rtol=1e-5)
    np.testing.assert_allclose(model.train_on_batch(x, y, sw)[0], 14.217, atol=1e-3)
    np.testing.assert_allclose(model.test_on_batch(x, y, sw)[0], 13.476, atol=1e-3)
    np.testing.assert_allclose(model.predict_on_batch(x)[0], [3.689468] * 3, rtol=1e-5)
    logs = model.train_on_batch(x, y, class_weight={1: 0.3, 0: 0.2})
    np.testing.assert_allclose(logs[0], 2.722, atol=1e-3)


@pytest.mark.parametrize("return_dict", [True, False])
def test_evaluate_with_custom_test_step(return_dict):
    model = CustomTrainTestStepModel(units=3)
    model.compile(
        optimizer=optimizers.SGD(),
        loss=losses.MeanSquaredError(),
        metrics=[metrics.MeanSquaredError()],
    )
    output = model.evaluate(
        np.ones((100, 4)), np.zeros((100, 3)), batch_size=16, return_dict=return_dict, verbose=0
    )
    assert len(output) == 3
    if return_dict:
        assert output["my_custom_metric"] == 5.0
    else:
        assert output[-1] == 5.0  # custom metrics go last


def test_fit_and_evaluate_with_different_batch_sizes_give_the_same_loss():
    x, y = np.random.rand(100, 4), np.ones((100, 1))
    model = ExampleModel(units=1)
    model.trainable = False
    model.compile(loss="mse")
    loss1 = model.fit(x, y, batch_size=80, verbose=0).history["loss"]
    loss2 = model.fit(x, y, batch_size=100, verbose=0).history["loss"]
    np.testing.assert_allclose(loss1, loss2, rtol=1e-6)
    np.testing.assert_allclose(
        model.evaluate(x, y, batch_size=80, verbose=0),
        model.evaluate(x, y, batch_size=100, verbose=0),
        rtol=1e-6,
    )


def test_validation_data_infinite_generator_with_validation_steps():
    model = ExampleModel(units=3)
    model.compile(optimizer="sgd", loss="mse", metrics=["mse"])
    counts = {"train": 0, "test": 0}

    class Recorder(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            counts["train"] += 1

        def on_test_batch_end(self, batch, logs=None):
            counts["test"] += 1

    def infinite_gen():
        while True:
            yield np.ones((2, 2)), np.ones((2, 3))

    model.fit(
        infinite_gen(),
        validation_data=infinite_gen(),
        steps_per_epoch=3,
        validation_steps=4,
        epochs=1,
        shuffle=False,
        callbacks=[Recorder()],
        verbose=0,
    )
    assert counts == {"train": 3, "test": 4}


@pytest.mark.parametrize(
    "method, flag, hook",
    [
        ("fit", "training", "train"),
        ("evaluate", "evaluating", "test"),
        ("predict", "predicting", "predict"),
    ],
)
def test_stop_loop(method, flag, hook):
    model = ExampleModel(units=3)
    model.compile(optimizer="sgd", loss="mse", metrics=["mse"])
    counter = []

    class Stopper(keras.callbacks.Callback):
        def batch_end(self, batch, logs=None):
            counter.append(batch)
            if len(counter) == 5:
                setattr(self.model, f"stop_{flag}", True)

    stopper = Stopper()
    setattr(stopper, f"on_{hook}_batch_end", stopper.batch_end)

    def infinite_gen():
        while True:
            x, y = np.ones((2, 2)), np.ones((2, 3))
            yield (x,) if method == "predict" else (x, y)

    getattr(model, method)(infinite_gen(), callbacks=[stopper], verbose=0)
    assert len(counter) == 5


def test_constraints_are_applied():
    model = keras.Sequential([layers.Dense(2, kernel_constraint="non_neg")])
    model.compile(optimizer="rmsprop", loss="mse")
    model.fit(np.ones((2, 3)), np.ones((2, 2)), verbose=0)
    assert np.min(model.layers[0].kernel.numpy()) >= 0.0


def _custom_loss_model(with_training_argument, expect_training):
    class MyModel(keras.Model):
        def __init__(self):
            super().__init__()
            self.custom_metric = keras.metrics.Mean(name="custom")
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    if with_training_argument:

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            assert training is expect_training
            loss = keras.Model.compute_loss(self, x, y, y_pred, sample_weight, training)
            self.custom_metric.update_state(loss * 4)
            return loss

    else:

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
            loss = keras.Model.compute_loss(self, x, y, y_pred, sample_weight)
            self.custom_metric.update_state(loss * 4)
            return loss

    MyModel.compute_loss = compute_loss
    model = MyModel()
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_metric_update_in_compute_loss():
    model = _custom_loss_model(True, expect_training=True)
    history = model.fit(np.ones((32, 4)), np.ones((32, 2)) * 2, verbose=0).history
    np.testing.assert_allclose(history["custom"][0], history["loss"][0] * 4, rtol=1e-6)


def test_evaluate_with_custom_compute_loss():
    model = _custom_loss_model(True, expect_training=False)
    logs = model.evaluate(np.ones((32, 4)), np.ones((32, 2)) * 2, return_dict=True, verbose=0)
    np.testing.assert_allclose(logs["custom"], logs["loss"] * 4, rtol=1e-6)


def test_compute_loss_without_the_training_argument_still_works():
    model = _custom_loss_model(False, expect_training=None)
    x, y = np.ones((32, 4)), np.ones((32, 2)) * 2
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    np.testing.assert_allclose(logs["custom"], logs["loss"] * 4, rtol=1e-6)
    history = model.fit(x, y, verbose=0).history
    np.testing.assert_allclose(history["custom"][0], history["loss"][0] * 4, rtol=1e-6)


def test_loss_weights():
    epochs, batch_size = 3, 20
    x, y = np.ones((40, 4)), np.zeros((40, 3))
    model = ExampleModel(units=3)
    model.compile(
        optimizer=optimizers.SGD(),
        loss=losses.MeanSquaredError(),
        metrics=[metrics.MeanSquaredError()],
        loss_weights=0.2,
    )
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0).history
    np.testing.assert_allclose(history["loss"], [3.182979, 3.115617, 3.049681], atol=1e-3)
    model = ListOutputModel(units=3)
    model.compile(
        optimizer=optimizers.SGD(),
        loss=[losses.MeanSquaredError(), losses.MeanSquaredError()],
        metrics=[metrics.MeanSquaredError(), metrics.MeanSquaredError()],
        loss_weights=[0.1, 0.2],
    )
    history = model.fit(x, [y, y], batch_size=batch_size, epochs=epochs, verbose=0).history
    np.testing.assert_allclose(history["loss"], [4.778718, 4.694403, 4.611693], atol=1e-3)


def test_callback_methods_keys():
    expected = {
        "on_train_begin": [],
        "on_train_end": ["loss", "mean_absolute_error", "val_loss", "val_mean_absolute_error"],
        "on_epoch_begin": [],
        "on_epoch_end": ["loss", "mean_absolute_error", "val_loss", "val_mean_absolute_error"],
        "on_test_begin": [],
        "on_test_end": ["loss", "mean_absolute_error"],
        "on_predict_begin": [],
        "on_predict_end": [],
        "on_train_batch_begin": [],
        "on_train_batch_end": ["loss", "mean_absolute_error"],
        "on_test_batch_begin": [],
        "on_test_batch_end": ["loss", "mean_absolute_error"],
        "on_predict_batch_begin": [],
        "on_predict_batch_end": ["outputs"],
    }
    seen = set()

    class CustomCallback(keras.callbacks.Callback):
        def __getattribute__(self, name):
            if name not in expected:
                return super().__getattribute__(name)

            def hook(*args, logs=None):
                if (
                    logs is None
                ):  # given positionally: on_train_begin(logs), on_epoch_end(epoch, logs)
                    logs = args[-1]
                assert sorted(logs.keys()) == expected[name], name
                seen.add(name)

            return hook

    model = ExampleModel(units=3)
    model.compile(optimizer="adam", loss="mse", metrics=["mean_absolute_error"])
    x, y = np.ones((16, 4)), np.zeros((16, 3))
    model.fit(x, y, callbacks=[CustomCallback()], batch_size=4, validation_data=(x, y), verbose=0)
    model.evaluate(x, y, batch_size=4, callbacks=[CustomCallback()], verbose=0)
    model.predict(x, batch_size=4, callbacks=[CustomCallback()], verbose=0)
    assert seen == set(expected)
