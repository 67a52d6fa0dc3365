"""compile / fit / evaluate / train_on_batch on the seeds' models, and what fit refuses.

Seed 002 trains the two-tweets model with rmsprop and binary_crossentropy;
seed 001 freezes a pretrained Embedding; gradients of shared layers, masks,
initial_state and frozen layers are checked here through training.
"""

import re

import numpy as np
import pytest

from kerastutor import losses, ops, optimizers
from kerastutor.autodiff import watch
from kerastutor.callbacks import LambdaCallback, TerminateOnNaN
from kerastutor.layers import LSTM, Dense, Embedding, Input, concatenate
from kerastutor.models import Model, Sequential
from kerastutor.utils import set_random_seed

T, F = 6, 5


def tweets_model(units=8):
    """Seed 002's model at small sizes: two (T, F) inputs, a shared LSTM, concatenate, Dense."""
    tweet_a = Input(shape=(T, F))
    tweet_b = Input(shape=(T, F))
    shared_lstm = LSTM(units)
    encoded_a = shared_lstm(tweet_a)
    encoded_b = shared_lstm(tweet_b)
    merged_vector = concatenate([encoded_a, encoded_b], axis=-1)
    predictions = Dense(1, activation="sigmoid")(merged_vector)
    return Model(inputs=[tweet_a, tweet_b], outputs=predictions)


def same_author_data(count, seed=1):
    """Pairs of 'tweets' (sequences of feature vectors) and whether both are by author A.

    Each author has a style vector; a tweet is its author's style plus noise.
    Half the pairs are two tweets by A (label 1), the others pair A with B in
    either order (label 0).
    """
    rng = np.random.default_rng(seed)
    styles = rng.normal(size=(2, F))
    same = rng.integers(0, 2, count)
    b_first = rng.integers(0, 2, count)
    author_a = np.where(same == 1, 0, b_first)
    author_b = np.where(same == 1, 0, 1 - b_first)

    def tweets(authors):
        noise = rng.normal(size=(count, T, F))
        return (styles[authors][:, None, :] + noise).astype("float32")

    return [tweets(author_a), tweets(author_b)], same[:, None].astype("float32")


def classifier(activation="sigmoid", units=1, features=4):
    x = Input(shape=(features,))
    h = Dense(8, activation="tanh")(x)
    return Model(x, Dense(units, activation=activation)(h))


def blobs(count=40, features=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(count, features)).astype("float32")
    y = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype("float32")
    return x, y


# ---------------------------------------------------------------- the seeds


def test_seed_002_two_tweets_model_learns():
    x, labels = same_author_data(160)
    model = tweets_model()
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, labels, epochs=20, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    assert len(history.history["loss"]) == 20
    loss = history.history["loss"]
    assert loss[-1] < loss[0] - 0.08
    assert all(later < earlier + 1e-3 for earlier, later in zip(loss[:-1], loss[1:], strict=True))
    assert history.history["accuracy"][-1] > history.history["accuracy"][0]
    assert history.history["accuracy"][-1] >= 0.75


def test_seed_001_frozen_embedding_is_unchanged_after_fit(seed001):
    model, input_array = seed001.model, seed001.input_array
    model.add(LSTM(3))
    model.add(Dense(1))
    model.compile("rmsprop", "mse")
    frozen = model.get_layer("embedding").get_weights()[0].copy()
    lstm_before = model.layers[1].get_weights()
    model.fit(input_array, np.arange(4.0)[:, None], epochs=3, batch_size=2, verbose=0)
    after = model.get_layer("embedding").get_weights()[0]
    assert after.tobytes() == frozen.tobytes()
    np.testing.assert_array_equal(after, np.eye(6, 2))
    assert not np.array_equal(model.layers[1].get_weights()[0], lstm_before[0])


def test_seed_001_model_with_only_a_frozen_embedding_fits_without_change():
    model = Sequential()
    model.add(Embedding(6, 2, weights=[np.eye(6, 2)], input_length=3, trainable=False))
    model.compile("rmsprop", "mse")
    model.fit(np.array([[1, 2, 3]]), np.zeros((1, 3, 2)), epochs=2, verbose=0)
    np.testing.assert_array_equal(model.get_weights()[0], np.eye(6, 2))


def test_trainable_false_set_later_before_compile_keeps_weights_bit_identical():
    x, y = blobs()
    model = classifier()
    frozen = model.layers[1]
    frozen.trainable = False
    model.compile(optimizer="adam", loss="binary_crossentropy")
    before = [w.copy() for w in model.get_weights()]
    frozen_before = [w.tobytes() for w in frozen.get_weights()]
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert [w.tobytes() for w in frozen.get_weights()] == frozen_before
    changed = [not np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True)]
    assert changed.count(True) == 2  # the last Dense's kernel and bias


# ---------------------------------------------------------------- gradients


def loss_and_gradients(model, x, y, loss="binary_crossentropy"):
    weights = model.trainable_weights
    with watch(weights):
        value = losses.get(loss)(y, model(x))
        value.backward()
        return float(value.data), [w.grad.copy() for w in weights]


def test_shared_lstm_gradient_is_the_sum_over_both_calls():
    x, y = same_author_data(8)
    shared = tweets_model(units=3)
    lstm = shared.layers[2]
    _, grads = loss_and_gradients(shared, x, y)

    # The same computation with two separate LSTMs holding copies of the weights:
    # the shared gradient must be the sum of theirs.
    a, b = Input(shape=(T, F)), Input(shape=(T, F))
    lstm_a, lstm_b, dense = LSTM(3), LSTM(3), Dense(1, activation="sigmoid")
    split = Model([a, b], dense(concatenate([lstm_a(a), lstm_b(b)])))
    lstm_a.set_weights(lstm.get_weights())
    lstm_b.set_weights(lstm.get_weights())
    dense.set_weights(shared.layers[-1].get_weights())
    np.testing.assert_allclose(split.predict(x), shared.predict(x), rtol=1e-6)
    with watch(lstm_a.trainable_weights + lstm_b.trainable_weights):
        losses.get("binary_crossentropy")(y, split(x)).backward()
        for shared_grad, grad_a, grad_b in zip(
            grads[:3],
            [w.grad for w in lstm_a.weights],
            [w.grad for w in lstm_b.weights],
            strict=True,
        ):
            assert np.abs(grad_a).max() > 0 and np.abs(grad_b).max() > 0
            np.testing.assert_allclose(shared_grad, grad_a + grad_b, rtol=1e-5, atol=1e-7)


def test_mask_zero_stops_gradients_at_padded_steps():
    ids = Input(shape=(5,), dtype="int32")
    embedding = Embedding(7, 3, mask_zero=True)
    model = Model(ids, Dense(1)(LSTM(2)(embedding(ids))))
    x = np.array([[3, 4, 0, 0, 0], [5, 1, 2, 6, 0]])
    model.compile(optimizer="sgd", loss="mse")
    with watch([embedding.embeddings]):
        losses.get("mse")(np.ones((2, 1)), model(x)).backward()
        grad = embedding.embeddings.grad
    np.testing.assert_array_equal(grad[0], 0.0)  # row 0 is only read at padded steps
    assert np.all(np.abs(grad[1:7]).sum(axis=1) > 0)
    # The padded steps' vectors do not matter at all: change row 0, same predictions.
    before = model.predict(x)
    embedding.embeddings.data[0] = 100.0
    np.testing.assert_array_equal(model.predict(x), before)


def test_initial_state_passes_gradients_into_the_encoder():
    encoder_inputs = Input(shape=(None, 4))
    encoder = LSTM(3, return_state=True)
    _, state_h, state_c = encoder(encoder_inputs)
    decoder_inputs = Input(shape=(None, 2))
    decoder = LSTM(3, return_sequences=True)
    decoded = decoder(decoder_inputs, initial_state=[state_h, state_c])
    model = Model([encoder_inputs, decoder_inputs], Dense(2, activation="softmax")(decoded))
    rng = np.random.default_rng(0)
    x = [rng.normal(size=(4, 5, 4)).astype("float32"), rng.normal(size=(4, 3, 2)).astype("float32")]
    y = np.eye(2, dtype="float32")[rng.integers(0, 2, (4, 3))]
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    encoder_before = [w.copy() for w in encoder.get_weights()]
    with watch(model.trainable_weights):
        losses.get("categorical_crossentropy")(y, model(x)).backward()
        assert all(np.abs(w.grad).max() > 0 for w in encoder.weights)
    model.train_on_batch(x, y)
    assert all(
        not np.array_equal(a, b) for a, b in zip(encoder_before, encoder.get_weights(), strict=True)
    )


def test_custom_layer_trains_without_a_backward_pass():
    from kerastutor.layers import Layer

    class Scale(Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

        def call(self, inputs):
            return ops.multiply(inputs, self.scale)

    x = Input(shape=(3,))
    model = Model(x, Scale()(x))
    model.compile(optimizer=optimizers.SGD(learning_rate=1.0), loss="mse")
    data = np.ones((8, 3), "float32")
    history = model.fit(data, 2 * data, epochs=20, verbose=0)
    np.testing.assert_allclose(model.get_weights()[0], 2.0, rtol=1e-3)
    assert history.history["loss"][-1] < 1e-5


# ---------------------------------------------------------------- fit's bookkeeping


def test_history_keys_for_several_inputs_and_outputs_follow_keras():
    a, b = Input(shape=(3,)), Input(shape=(2,))
    merged = concatenate([a, b])
    p = Dense(1, activation="sigmoid", name="p")(merged)
    r = Dense(2, name="r")(merged)
    model = Model([a, b], [p, r])
    model.compile("sgd", ["binary_crossentropy", "mse"], metrics=[["accuracy"], ["mae"]])
    rng = np.random.default_rng(0)
    x = [rng.normal(size=(10, 3)), rng.normal(size=(10, 2))]
    y = [np.ones((10, 1)), np.zeros((10, 2))]
    history = model.fit(x, y, epochs=2, verbose=0, validation_split=0.2)
    assert list(history.history) == [
        "loss",
        "p_accuracy",
        "p_loss",
        "r_loss",
        "r_mae",
        "val_loss",
        "val_p_accuracy",
        "val_p_loss",
        "val_r_loss",
        "val_r_mae",
    ]
    results = model.evaluate(x, y, verbose=0)
    # Keras 3 lists the compiled metrics as one container, and orders evaluate's
    # list as loss, the outputs' losses, then the prefixed metrics sorted.
    assert model.metrics_names == ["loss", "compile_metrics", "p_loss", "r_loss"]
    np.testing.assert_allclose(results[0], results[1] + results[2], rtol=1e-6)
    as_dict = model.evaluate(
        {"input_1": x[0], "input_2": x[1]}, {"p": y[0], "r": y[1]}, verbose=0, return_dict=True
    )
    np.testing.assert_allclose(as_dict["loss"], results[0], rtol=1e-6)


def test_loss_weights_weight_the_total():
    x = Input(shape=(2,))
    model = Model(x, [Dense(1, name="a")(x), Dense(1, name="b")(x)])
    model.compile("sgd", "mse", loss_weights=[1.0, 3.0])
    data = np.ones((4, 2))
    total, loss_a, loss_b = model.evaluate(data, [np.zeros((4, 1)), np.ones((4, 1))], verbose=0)
    np.testing.assert_allclose(total, loss_a + 3 * loss_b, rtol=1e-6)


def _two_output_model():
    x = Input(shape=(2,))
    return Model(x, [Dense(1, name="a")(x), Dense(1, name="b")(x)])


def test_one_output_with_a_loss_reports_only_the_loss_as_keras_3():
    # Keras 3 adds '<output>_loss' entries only when more than one output has a loss.
    model = _two_output_model()
    model.compile("sgd", [None, "mse"])
    data, targets = np.ones((4, 2)), [np.zeros((4, 1)), np.ones((4, 1))]
    with pytest.warns(UserWarning, match="Gradients do not exist for variables"):
        history = model.fit(data, targets, verbose=0)
    assert list(history.history) == ["loss"]
    assert model.metrics_names == ["loss"]


def test_a_loss_dict_must_name_every_output_of_a_list_model():
    model = _two_output_model()
    model.compile("sgd", {"b": "mse"})  # compile accepts it, as Keras 3's does
    before = model.get_weights()
    data, targets = np.ones((4, 2)), {"a": np.zeros((4, 1)), "b": np.ones((4, 1))}
    message = (
        re.escape("Expected keys ['a', 'b'] in loss dict, but found loss.keys()=['b']")
        + r".*loss=\{'a': None, 'b': \.\.\.\}"
    )
    with pytest.raises(ValueError, match=message):
        model.fit(data, targets, verbose=0)
    for weight, old in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(weight, old)
    with pytest.raises(ValueError, match="Expected keys"):
        model.evaluate(data, targets, verbose=0)
    model.compile("sgd", {"a": None, "b": "mse"})
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        assert list(model.fit(data, targets, verbose=0).history) == ["loss"]


def test_validation_split_holds_out_the_last_samples():
    x, y = blobs(40)
    model = classifier()
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=1, validation_split=0.25, verbose=0)
    expected = model.evaluate(x[30:], y[30:], verbose=0)
    np.testing.assert_allclose(history.history["val_loss"][0], expected[0], rtol=1e-6)
    np.testing.assert_allclose(history.history["val_accuracy"][0], expected[1], rtol=1e-6)
    data = model.fit(x, y, epochs=1, validation_data=(x[:5], y[:5]), verbose=0)
    assert "val_loss" in data.history


def test_epoch_loss_is_the_mean_over_samples_and_batches_are_counted():
    x, y = blobs(10)
    model = classifier()
    model.compile(optimizer=optimizers.SGD(learning_rate=1e-9), loss="binary_crossentropy")
    batches = []
    callback = LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(batch))
    history = model.fit(x, y, batch_size=4, epochs=2, callbacks=[callback], verbose=0)
    assert batches == [0, 1, 2, 0, 1, 2]
    # With a negligible learning rate every batch sees the same weights.
    np.testing.assert_allclose(
        history.history["loss"][0], model.evaluate(x, y, verbose=0), rtol=1e-5
    )


def test_shuffling_uses_kerastutors_seeded_generator():
    x, y = blobs(32)

    def train(seed, shuffle=True):
        set_random_seed(0)
        model = classifier()
        model.compile(optimizer="sgd", loss="binary_crossentropy")
        set_random_seed(seed)
        model.fit(x, y, batch_size=4, epochs=2, shuffle=shuffle, verbose=0)
        return model.get_weights()

    first, again, other, ordered = train(5), train(5), train(6), train(5, shuffle=False)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    assert not np.array_equal(first[0], ordered[0])


def test_initial_epoch_and_epochs():
    x, y = blobs(8)
    model = classifier()
    model.compile("sgd", "binary_crossentropy")
    history = model.fit(x, y, epochs=5, initial_epoch=3, verbose=0)
    assert history.epoch == [3, 4]
    assert model.history is history


def test_train_on_batch_and_test_on_batch():
    x, y = blobs(8)
    model = classifier()
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    before = model.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(model.test_on_batch(x, y), before, rtol=1e-6)
    loss, accuracy = model.train_on_batch(x, y)
    np.testing.assert_allclose([loss, accuracy], before, rtol=1e-6)
    assert model.evaluate(x, y, verbose=0)[0] < loss
    assert set(model.train_on_batch(x, y, return_dict=True)) == {"loss", "accuracy"}
    model.compile("sgd", "binary_crossentropy")
    assert isinstance(model.train_on_batch(x, y), float)


def test_sparse_labels_and_sequence_outputs():
    ids = Input(shape=(4,), dtype="int32")
    h = Embedding(9, 3)(ids)
    model = Model(ids, Dense(5, activation="softmax")(LSTM(4, return_sequences=True)(h)))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    history = model.fit(rng.integers(0, 9, (6, 4)), rng.integers(0, 5, (6, 4)), epochs=2, verbose=0)
    assert set(history.history) == {"accuracy", "loss"}


# ---------------------------------------------------------------- refused before any change


def compiled_classifier(loss="binary_crossentropy", units=1, activation="sigmoid"):
    model = classifier(activation=activation, units=units)
    model.compile("sgd", loss, metrics=["accuracy"])
    return model


x_ok, y_ok = blobs(8)


@pytest.mark.parametrize(
    "make_model, call, error, message",
    [
        (compiled_classifier, lambda m: m.fit(x_ok, y_ok[:5]), ValueError, "x has 8.*have 5"),
        (
            compiled_classifier,
            lambda m: m.fit(x_ok[:, :3], y_ok),
            ValueError,
            "expected axis 1 .*size 4",
        ),
        (compiled_classifier, lambda m: m.fit([x_ok, x_ok], y_ok), ValueError, "expects 1 input"),
        (
            compiled_classifier,
            lambda m: m.fit(x_ok, 2 * y_ok),
            ValueError,
            "between 0 and 1.*contains 2",
        ),
        (
            lambda: compiled_classifier("sparse_categorical_crossentropy", 3, "softmax"),
            lambda m: m.fit(x_ok, np.arange(8) % 4),
            ValueError,
            "3 units.*from 0 to 2; y contains 3",
        ),
        (
            lambda: compiled_classifier("categorical_crossentropy", 3, "softmax"),
            lambda m: m.fit(x_ok, np.arange(8) % 3),
            ValueError,
            "sparse_categorical_crossentropy",
        ),
        (
            compiled_classifier,
            lambda m: m.fit(np.where(x_ok > 1, np.nan, x_ok), y_ok),
            ValueError,
            "NaN",
        ),
        (
            compiled_classifier,
            lambda m: m.fit(x_ok, np.where(y_ok > 0, np.nan, y_ok)),
            ValueError,
            "targets y .*NaN",
        ),
        (compiled_classifier, lambda m: m.fit(x_ok, [y_ok, y_ok]), ValueError, "x has 8.*have 2"),
        (compiled_classifier, lambda m: m.fit(x_ok, y_ok, batch_size=0), ValueError, "batch_size"),
        (
            compiled_classifier,
            lambda m: m.fit(x_ok, y_ok, validation_split=1.0),
            ValueError,
            "validation_split",
        ),
        (
            compiled_classifier,
            lambda m: m.fit(x_ok, y_ok, validation_split=0.9),
            ValueError,
            "too few to split",
        ),
        (
            compiled_classifier,
            lambda m: m.fit(x_ok, y_ok, validation_data=(x_ok[:, :2], y_ok)),
            ValueError,
            "size 4",
        ),
        (
            compiled_classifier,
            lambda m: m.fit(x_ok, y_ok, callbacks=[print]),
            TypeError,
            "Callback",
        ),
        (compiled_classifier, lambda m: m.fit(x_ok, y_ok, verbose=3), ValueError, "verbose"),
        (classifier, lambda m: m.fit(x_ok, y_ok), ValueError, r"must call `compile\(\)`"),
        (classifier, lambda m: m.evaluate(x_ok, y_ok), ValueError, r"must call `compile\(\)`"),
        (
            classifier,
            lambda m: m.train_on_batch(x_ok, y_ok),
            ValueError,
            r"must call `compile\(\)`",
        ),
    ],
)
def test_bad_calls_are_refused_before_any_weight_changes(make_model, call, error, message):
    model = make_model()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(error, match=message):
        call(model)
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"optimizer": "adamm", "loss": "mse"},
            "Unknown optimizer: 'adamm'. Did you mean 'adam'. Valid names are: adadelta, adagrad,",
        ),
        (
            {"loss": "mean_square_error"},
            "Unknown loss: 'mean_square_error'. Valid names are: .*mse",
        ),
        (
            {"loss": "mse", "metrics": ["acuracy"]},
            "Unknown metric: 'acuracy'. Valid names are: acc, accuracy",
        ),
        ({"loss": "mse", "loss_weights": ["mae"]}, "pass metrics by keyword"),
        ({"loss": ["mse", "mae"]}, "list of 2, but model .* has 1 output"),
    ],
)
def test_compile_refuses_unknown_names_and_lists_the_valid_ones(kwargs, message):
    model = classifier()
    with pytest.raises(ValueError, match=message):
        model.compile(**kwargs)
    assert not model.compiled


def test_compile_without_loss_cannot_fit():
    model = classifier()
    model.compile("sgd")
    with pytest.raises(ValueError, match="no loss"):
        model.fit(x_ok, y_ok)


def test_several_outputs_need_one_target_each():
    x = Input(shape=(2,))
    model = Model(x, [Dense(1, name="a")(x), Dense(1, name="b")(x)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"2 outputs \(a, b\): pass y as a list of 2 arrays"):
        model.fit(np.ones((3, 2)), np.ones((3, 1)))
    with pytest.raises(ValueError, match="one entry per output"):
        model.compile("sgd", "mse", metrics=["mae"])


# ---------------------------------------------------------------- non-finite loss


def exploding_model():
    x = Input(shape=(3,))
    model = Model(x, Dense(1)(x))
    model.compile(optimizer=optimizers.SGD(learning_rate=1e6), loss="mse")
    rng = np.random.default_rng(0)
    return model, 1000 * rng.normal(size=(64, 3)).astype("float32"), rng.normal(size=(64, 1))


def test_a_nan_loss_stops_fit_with_epoch_batch_and_causes():
    model, x, y = exploding_model()
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError) as caught:
        model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    message = str(caught.value)
    assert re.search(
        r"The loss became (nan|inf) at epoch 1, batch [1-7] \(batches count from 0\)", message
    )
    for cause in ("learning rate too high", "unscaled inputs", "log of 0"):
        assert cause in message
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_terminate_on_nan_can_stop_quietly(capsys):
    model, x, y = exploding_model()
    with np.errstate(all="ignore"):
        history = model.fit(
            x,
            y,
            batch_size=8,
            epochs=3,
            shuffle=False,
            verbose=0,
            callbacks=[TerminateOnNaN(raise_error=False)],
        )
    assert "Invalid loss, terminating training" in capsys.readouterr().out
    assert len(history.epoch) == 1
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_train_on_batch_refuses_a_non_finite_loss():
    model, x, y = exploding_model()
    with np.errstate(all="ignore"):
        for _ in range(20):
            try:
                model.train_on_batch(x[:8], y[:8])
            except FloatingPointError as error:
                assert "this train_on_batch call" in str(error)
                break
        else:
            pytest.fail("the loss never became non-finite")
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_sequential_without_input_shape_is_built_by_fit():
    model = Sequential([Dense(4, activation="relu"), Dense(1)])
    model.compile("adam", "mse", metrics=["mae"])
    history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0)
    assert list(history.history) == ["loss", "mae"]
    # As in Keras 3, the model is built for the shape of the data it first sees.
    assert model.built and model.input_shape == (8, 3)


def test_custom_loss_and_metric_functions():
    def squared_log_error(y_true, y_pred):
        # Written with kerastutor.ops, so it has a gradient without further code.
        difference = ops.subtract(ops.log(ops.add(y_pred, 1.0)), np.log1p(y_true).astype("float32"))
        return ops.mean(ops.square(difference), axis=-1)

    def max_error(y_true, y_pred):
        return np.abs(y_true - y_pred).max(axis=-1)

    x = Input(shape=(2,))
    model = Model(x, Dense(1, activation="relu")(x))
    model.compile(optimizers.SGD(0.1), loss=squared_log_error, metrics=[max_error])
    data = np.abs(np.random.default_rng(0).normal(size=(16, 2))).astype("float32")
    history = model.fit(data, data.sum(axis=1, keepdims=True), epochs=5, verbose=0)
    assert list(history.history) == ["loss", "max_error"]
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_inputs_and_targets_by_name():
    a, b = Input(shape=(2,), name="left"), Input(shape=(3,), name="right")
    out = Dense(1, name="score")(concatenate([a, b]))
    model = Model([a, b], out)
    model.compile("sgd", "mse")
    x = {"right": np.ones((4, 3)), "left": np.zeros((4, 2))}
    by_name = model.evaluate(x, {"score": np.ones((4, 1))}, verbose=0)
    by_order = model.evaluate([np.zeros((4, 2)), np.ones((4, 3))], np.ones((4, 1)), verbose=0)
    assert by_name == by_order


def test_fit_history_equals_real_keras():
    """Numbers printed by real Keras 3.15 (TensorFlow) for exactly this fit.

    Same weights, SGD with momentum, batch 4 over 8 training samples (so a
    short last batch), validation_split=0.2, shuffle=False. The history
    checks how fit batches, averages the loss over an epoch and validates.
    """
    rng = np.random.default_rng(0)
    x = rng.normal(size=(10, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    w1 = (rng.normal(size=(3, 4)) * 0.5).astype("float32")
    b1 = rng.uniform(-0.5, 0.5, 4).astype("float32")
    w2 = (rng.normal(size=(4, 1)) * 0.5).astype("float32")
    b2 = rng.uniform(-0.5, 0.5, 1).astype("float32")
    inputs = Input(shape=(3,))
    outputs = Dense(1, activation="sigmoid")(Dense(4, activation="tanh")(inputs))
    model = Model(inputs, outputs)
    model.set_weights([w1, b1, w2, b2])
    model.compile(
        optimizer=optimizers.SGD(learning_rate=0.5, momentum=0.5),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        x, y, batch_size=4, epochs=3, shuffle=False, verbose=0, validation_split=0.2
    )
    keras_history = {
        "accuracy": [0.625, 1.0, 1.0],
        "loss": [0.641527, 0.235202, 0.120972],
        "val_accuracy": [1.0, 1.0, 1.0],
        "val_loss": [0.527669, 0.26259, 0.170768],
    }
    assert list(history.history) == list(keras_history)
    for key, values in keras_history.items():
        np.testing.assert_allclose(history.history[key], values, atol=2e-6, err_msg=key)
    np.testing.assert_allclose(
        model.get_weights()[0][0], [0.14422, 0.765642, 0.880585, 0.912848], atol=2e-6
    )
