"""fit / evaluate / predict as Keras 3's loops: hooks and their logs, params, steps, data kinds.

What Keras 3.15.1 does was read off real Keras (see the comments); these
tests hold kerastutor to it. Errors are in test_fit_errors.py.
"""

import warnings

import numpy as np
import pytest

import kerastutor as keras
from kerastutor.callbacks import Callback
from kerastutor.utils import PyDataset, set_random_seed, unpack_x_y_sample_weight


def small_model(outputs=2, activation="softmax", loss="sparse_categorical_crossentropy"):
    inputs = keras.Input(shape=(3,), name="features")
    model = keras.Model(inputs, keras.layers.Dense(outputs, activation=activation)(inputs))
    model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    return model


def arrays(count=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((count, 3)).astype("float32"), np.array([0, 1] * (count // 2))


class Recorder(Callback):
    """Writes down every hook call: (hook, positional arguments, logs)."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        if name.startswith("on_"):

            def hook(*args, logs=None):
                if args and isinstance(args[-1], dict):
                    *args, logs = args
                self.calls.append((name, tuple(args), logs))

            return hook
        return super().__getattribute__(name)

    def hooks(self):
        return [(name, args) for name, args, _ in self.calls]

    def logs_of(self, hook):
        return [logs for name, _, logs in self.calls if name == hook]


# ---------------------------------------------------------------- hooks and logs


def test_fit_calls_the_hooks_in_keras_order_with_validation_in_the_test_hooks():
    x, y = arrays()
    model = small_model()
    recorder = Recorder()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, validation_data=(x, y), callbacks=[recorder])
    assert recorder.hooks() == [
        ("on_train_begin", ()),
        ("on_epoch_begin", (0,)),
        ("on_train_batch_begin", (0,)),
        ("on_train_batch_end", (0,)),
        ("on_train_batch_begin", (1,)),
        ("on_train_batch_end", (1,)),
        ("on_train_batch_begin", (2,)),
        ("on_train_batch_end", (2,)),
        ("on_test_begin", ()),
        ("on_test_batch_begin", (0,)),
        ("on_test_batch_end", (0,)),
        ("on_test_batch_begin", (1,)),
        ("on_test_batch_end", (1,)),
        ("on_test_batch_begin", (2,)),
        ("on_test_batch_end", (2,)),
        ("on_test_end", ()),
        ("on_epoch_end", (0,)),
        ("on_train_end", ()),
    ]
    assert recorder.params == {"verbose": 0, "epochs": 1, "steps": 3}
    assert recorder.model is model
    batch_logs = recorder.logs_of("on_train_batch_end")
    assert all(sorted(logs) == ["accuracy", "loss"] for logs in batch_logs)
    assert all(isinstance(value, float) for logs in batch_logs for value in logs.values())
    (epoch_logs,) = recorder.logs_of("on_epoch_end")
    assert sorted(epoch_logs) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    # The epoch's training values are the running means after its last batch,
    # the validation values what on_test_end received; on_train_end gets the last epoch's.
    assert {k: epoch_logs[k] for k in ("accuracy", "loss")} == batch_logs[-1]
    (test_logs,) = recorder.logs_of("on_test_end")
    assert epoch_logs["val_loss"] == test_logs["loss"]
    assert recorder.logs_of("on_train_end") == [epoch_logs]


def test_evaluate_and_predict_call_their_hooks_with_their_own_params():
    x, y = arrays()
    model = small_model()
    recorder = Recorder()
    model.evaluate(x, y, batch_size=5, verbose=0, callbacks=[recorder])
    assert recorder.hooks() == [
        ("on_test_begin", ()),
        ("on_test_batch_begin", (0,)),
        ("on_test_batch_end", (0,)),
        ("on_test_batch_begin", (1,)),
        ("on_test_batch_end", (1,)),
        ("on_test_end", ()),
    ]
    assert recorder.params == {"verbose": 0, "epochs": 1, "steps": 2}
    recorder = Recorder()
    predictions = model.predict(x, batch_size=4, verbose=0, callbacks=[recorder])
    assert [name for name, _ in recorder.hooks()] == (
        ["on_predict_begin"]
        + ["on_predict_batch_begin", "on_predict_batch_end"] * 3
        + ["on_predict_end"]
    )
    outputs = [logs["outputs"] for logs in recorder.logs_of("on_predict_batch_end")]
    assert [len(o) for o in outputs] == [4, 4, 2]
    np.testing.assert_allclose(np.concatenate(outputs), predictions)


def test_a_callback_stops_training_mid_epoch_with_model_stop_training():
    class StopAfterTwoBatches(Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    x, y = arrays(20)
    model = small_model()
    recorder = Recorder()
    history = model.fit(
        x, y, batch_size=2, epochs=5, verbose=0, callbacks=[StopAfterTwoBatches(), recorder]
    )
    assert history.epoch == [0]
    assert len(recorder.logs_of("on_train_batch_end")) == 2


def test_initial_epoch_and_a_callback_resuming_through_model_initial_epoch():
    x, y = arrays()
    model = small_model()
    assert model.fit(x, y, epochs=4, initial_epoch=2, verbose=0).epoch == [2, 3]

    class Resume(Callback):  # what BackupAndRestore does in on_train_begin
        def on_train_begin(self, logs=None):
            self.model._initial_epoch = 3

    assert model.fit(x, y, epochs=5, verbose=0, callbacks=[Resume()]).epoch == [3, 4]


def test_validation_freq_as_an_int_or_a_list_of_epochs():
    x, y = arrays()
    model = small_model()
    history = model.fit(x, y, epochs=4, verbose=0, validation_data=(x, y), validation_freq=2)
    assert len(history.history["val_loss"]) == 2
    recorder = Recorder()
    model.fit(
        x,
        y,
        epochs=4,
        verbose=0,
        validation_data=(x, y),
        validation_freq=[1, 4],
        callbacks=[recorder],
    )
    has_val = ["val_loss" in logs for logs in recorder.logs_of("on_epoch_end")]
    assert has_val == [True, False, False, True]


# ---------------------------------------------------------------- the data train_step sees


def test_train_step_receives_keras_tuples_in_the_structure_given():
    seen = []

    class Spy(keras.Model):
        def train_step(self, data):
            seen.append(data)
            return super().train_step(data)

    inputs = keras.Input(shape=(3,), name="features")
    model = Spy(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    x, _ = arrays(6)
    y = np.ones((6, 1), dtype="float32")
    model.fit({"features": x}, y, batch_size=4, epochs=1, verbose=0, shuffle=False)
    model.fit(x, y, sample_weight=np.ones(6), batch_size=6, epochs=1, verbose=0)
    first, second, weighted = seen
    assert len(first) == 2 and set(first[0]) == {"features"}
    np.testing.assert_array_equal(first[0]["features"], x[:4])
    assert len(second[0]["features"]) == 2
    x_batch, y_batch, sample_weight = unpack_x_y_sample_weight(weighted)
    assert x_batch.shape == (6, 3) and y_batch.shape == (6, 1) and sample_weight.shape == (6,)


def test_steps_per_epoch_with_arrays_continues_where_the_last_epoch_stopped():
    firsts = []

    class Spy(keras.Model):
        def train_step(self, data):
            firsts.append(float(data[0][0, 0]))
            return super().train_step(data)

    inputs = keras.Input(shape=(1,))
    model = Spy(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    x = np.arange(10, dtype="float32")[:, None]
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        model.fit(x, x, batch_size=2, steps_per_epoch=3, epochs=3, shuffle=False, verbose=0)
    # 5 batches: epoch 1 reads 0-2, epoch 2 reads 3-4 and runs out (Keras warns and
    # ends it), epoch 3 starts over at 0. Keras 3.15.1 gives the same 3 + 2 + 3 steps.
    assert firsts == [0, 2, 4, 6, 8, 0, 2, 4]


def test_a_generator_read_three_steps_an_epoch_warns_as_keras_when_it_runs_out():
    x, y = arrays(10)

    def batches():
        for start in range(0, 10, 2):
            yield x[start : start + 2], y[start : start + 2]

    model = small_model()
    recorder = Recorder()
    with pytest.warns(UserWarning, match="Your input ran out of data; interrupting training"):
        history = model.fit(batches(), steps_per_epoch=3, epochs=2, verbose=0, callbacks=[recorder])
    assert history.epoch == [0, 1]
    assert recorder.params["steps"] == 3
    # Epoch 2 got the generator's last 2 batches, then it ran out.
    assert [args for name, args in recorder.hooks() if name == "on_train_batch_end"] == [
        (0,),
        (1,),
        (2,),
        (0,),
        (1,),
    ]


def test_a_generator_without_steps_is_one_epoch_long_and_unknown_in_params():
    x, y = arrays(10)
    model = small_model()
    recorder = Recorder()
    with pytest.warns(UserWarning, match="ran out of data"):
        model.fit(((x[i : i + 5], y[i : i + 5]) for i in (0, 5)), verbose=0, callbacks=[recorder])
    assert recorder.params["steps"] is None
    assert len(recorder.logs_of("on_train_batch_end")) == 2


class Batches(PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.read = []
        self.epochs_ended = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        self.read.append(index)
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part], self.y[part]

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_a_py_dataset_is_read_by_index_with_on_epoch_end_after_each_epoch():
    x, y = arrays(10)
    dataset = Batches(x, y, 4, workers=2, use_multiprocessing=False)
    model = small_model()
    recorder = Recorder()
    model.fit(dataset, epochs=2, shuffle=False, verbose=0, callbacks=[recorder])
    assert dataset.read == [0, 1, 2, 0, 1, 2]
    assert dataset.epochs_ended == 2
    assert recorder.params["steps"] == 3
    set_random_seed(1)
    dataset.batch_size = 2
    dataset.read = []
    model.fit(dataset, epochs=1, shuffle=True, verbose=0)
    assert sorted(dataset.read) == [0, 1, 2, 3, 4] and dataset.read != [0, 1, 2, 3, 4]
    assert model.evaluate(dataset, verbose=0, return_dict=True).keys() == {"accuracy", "loss"}
    assert model.predict(dataset, verbose=0).shape == (10, 2)


def test_evaluate_and_predict_with_steps_read_only_that_many_batches():
    x, y = arrays(10)
    model = small_model()
    first_two = model.evaluate(x[:4], y[:4], batch_size=2, verbose=0, return_dict=True)
    assert model.evaluate(x, y, batch_size=2, steps=2, verbose=0, return_dict=True) == first_two
    assert model.predict(x, batch_size=3, steps=2, verbose=0).shape == (6, 2)


def test_return_dict_on_single_batches_and_evaluate():
    x, y = arrays(10)
    model = small_model()
    logs = model.train_on_batch(x, y, return_dict=True)
    assert sorted(logs) == ["accuracy", "loss"]
    loss, accuracy = model.test_on_batch(x, y)
    assert model.test_on_batch(x, y, return_dict=True) == {"accuracy": accuracy, "loss": loss}
    assert model.evaluate(x, y, verbose=0) == [loss, accuracy]


def test_sample_weight_in_evaluate_and_train_on_batch_weights_the_loss():
    x, y = arrays(10)
    model = small_model()
    plain = model.evaluate(x, y, verbose=0, return_dict=True)
    doubled = model.evaluate(x, y, sample_weight=np.full(10, 2.0), verbose=0, return_dict=True)
    np.testing.assert_allclose(doubled["loss"], 2 * plain["loss"], rtol=1e-6)
    assert doubled["accuracy"] == plain["accuracy"]  # compiled metrics are not weighted
    zero_first = np.r_[0.0, np.ones(9)]
    weighted = model.test_on_batch(x, y, sample_weight=zero_first, return_dict=True)
    rest = model.test_on_batch(x[1:], y[1:], return_dict=True)
    np.testing.assert_allclose(weighted["loss"], rest["loss"] * 9 / 10, rtol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.train_on_batch(x, y, class_weight={0: 2.0})


def test_predict_step_and_predict_on_batch():
    class Doubled(keras.Model):
        def predict_step(self, data):
            (x,) = data
            return 2 * self(x, training=False)

    inputs = keras.Input(shape=(3,))
    model = Doubled(inputs, keras.layers.Dense(1)(inputs))
    x, _ = arrays(5)
    np.testing.assert_allclose(model.predict(x, verbose=0), 2 * np.asarray(model(x)), rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x), 2 * np.asarray(model(x)), rtol=1e-6)


def test_keras_2_names_compiled_loss_and_compiled_metrics_warn_as_keras_3_and_work():
    class OldStyle(keras.Model):
        def train_step(self, data):
            x, y = data
            with keras.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred)
            gradients = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply(gradients, self.trainable_weights)
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    inputs = keras.Input(shape=(3,))
    model = OldStyle(inputs, keras.layers.Dense(2, activation="softmax")(inputs))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = arrays()
    with pytest.warns(UserWarning, match=r"`model.compiled_(loss|metrics)\(\)` is deprecated"):
        history = model.fit(x, y, epochs=1, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss"]


def test_validation_split_takes_the_last_samples_and_their_weights():
    x, y = arrays(10)
    weights = np.linspace(0.5, 2.0, 10)
    model = small_model()
    # Validation runs after the epoch's updates: with one epoch, on the final weights.
    history = model.fit(x, y, sample_weight=weights, validation_split=0.2, epochs=1, verbose=0)
    held_out = model.evaluate(x[8:], y[8:], sample_weight=weights[8:], verbose=0)
    np.testing.assert_allclose(history.history["val_loss"], [held_out[0]], rtol=1e-6)


def test_evaluate_verbose_on_a_generator_counts_the_batches_it_read(capsys):
    x, y = arrays(10)
    model = small_model()
    with pytest.warns(UserWarning, match="ran out of data"):
        model.evaluate(((x[i : i + 5], y[i : i + 5]) for i in (0, 5)), verbose=1)
    assert capsys.readouterr().out.startswith("2/Unknown")
    model.evaluate(x, y, batch_size=4, verbose=1)
    assert capsys.readouterr().out.startswith("3/3 ")


def test_params_keep_verbose_as_given_and_sequential_predict_takes_callbacks():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    recorders = [Recorder() for _ in range(3)]
    x, y = np.ones((4, 3)), np.ones((4, 1))
    model.fit(x, y, verbose=0, callbacks=[recorders[0]])
    model.evaluate(x, y, verbose=0, callbacks=[recorders[1]])
    model.predict(x, steps=1, batch_size=2, callbacks=[recorders[2]])
    # Keras 3.15.1: predict's default verbose reaches the callbacks as 'auto'.
    assert [r.params for r in recorders] == [
        {"verbose": 0, "epochs": 1, "steps": 1},
        {"verbose": 0, "epochs": 1, "steps": 1},
        {"verbose": "auto", "epochs": 1, "steps": 1},
    ]
