"""Seed 002: shared layers (the two-tweets model), node indices and their errors.

The seed's code runs in page order with only the imports changed
(`import keras` -> `import kerastutor as keras`), compile and fit included
(fit on two random tweet pairs, to stay fast).
"""

import numpy as np
import pytest

import kerastutor as keras
from kerastutor.layers import LSTM, Conv2D, Dense, Input
from kerastutor.models import Model

SEED_ERROR = (
    'Layer lstm_1 has multiple inbound nodes, hence the notion of "layer output" is '
    "ill-defined. Use `get_output_at(node_index)` instead."
)


def build_tweet_model(data_a=None, data_b=None, labels=None):
    """The seed's first snippet: one LSTM(64) shared by two tweets.

    With data, it also runs the seed's `fit` line and returns its History.
    """
    tweet_a = Input(shape=(280, 256))
    tweet_b = Input(shape=(280, 256))
    # This layer can take as input a matrix
    # and will return a vector of size 64
    shared_lstm = LSTM(64)
    # When we reuse the same layer instance
    # multiple times, the weights of the layer
    # are also being reused
    # (it is effectively *the same* layer)
    encoded_a = shared_lstm(tweet_a)
    encoded_b = shared_lstm(tweet_b)
    # We can then concatenate the two vectors:
    merged_vector = keras.layers.concatenate([encoded_a, encoded_b], axis=-1)
    # And add a logistic regression on top
    predictions = Dense(1, activation="sigmoid")(merged_vector)
    # We define a trainable model linking the
    # tweet inputs to the predictions
    model = Model(inputs=[tweet_a, tweet_b], outputs=predictions)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    if data_a is None:
        return model, shared_lstm
    history = model.fit([data_a, data_b], labels, epochs=10)
    return model, shared_lstm, history


def test_tweet_model_has_keras_parameter_count():
    model, shared_lstm = build_tweet_model()
    # LSTM: 4 gates * (256 inputs + 64 recurrent + 1 bias) * 64 units; Dense: 128 + 1.
    assert shared_lstm.count_params() == 4 * (256 + 64 + 1) * 64 == 82_176
    assert model.get_layer(index=-1).count_params() == 129
    assert model.count_params() == 82_305
    assert model.output_shape == (None, 1)
    assert len(shared_lstm.inbound_nodes) == 2
    assert shared_lstm.get_output_shape_at(0) == shared_lstm.get_output_shape_at(1) == (None, 64)


def test_tweet_model_predicts_probabilities_with_one_set_of_weights():
    model, shared_lstm = build_tweet_model()
    rng = np.random.default_rng(0)
    data_a = rng.standard_normal((3, 280, 256)).astype("float32")
    data_b = rng.standard_normal((3, 280, 256)).astype("float32")
    probabilities = model.predict([data_a, data_b])
    assert probabilities.shape == (3, 1)
    assert np.all((probabilities > 0) & (probabilities < 1))
    # Shared means the same weights: the two encodings of one tweet are equal.
    encoder = Model(model.inputs, [shared_lstm.get_output_at(0), shared_lstm.get_output_at(1)])
    encoded_a, encoded_b = encoder.predict([data_a, data_a])
    np.testing.assert_array_equal(encoded_a, encoded_b)


def test_tweet_model_fits_as_in_the_seed():
    rng = np.random.default_rng(4)
    data_a = rng.standard_normal((2, 280, 256)).astype("float32")
    data_b = rng.standard_normal((2, 280, 256)).astype("float32")
    labels = np.array([[0], [1]])
    model, shared_lstm, history = build_tweet_model(data_a, data_b, labels)
    losses = history.history["loss"]
    assert len(losses) == 10
    assert losses[-1] < losses[0]
    assert set(history.history) == {"loss", "accuracy"}
    # Still one set of LSTM weights after training, used by both branches.
    assert len(shared_lstm.weights) == 3
    assert model.count_params() == 82_305


def test_layer_output_with_two_nodes_raises_the_seed_error():
    build_tweet_model()  # the page's first snippet names its LSTM 'lstm'
    # --- seed code
    a = Input(shape=(280, 256))
    b = Input(shape=(280, 256))
    lstm = LSTM(32)
    encoded_a = lstm(a)
    encoded_b = lstm(b)
    with pytest.raises(AttributeError) as error:
        lstm.output  # noqa: B018
    assert lstm.get_output_at(0) == encoded_a
    assert lstm.get_output_at(1) == encoded_b
    # --- end of seed code
    message = str(error.value)
    assert message.startswith(SEED_ERROR)
    # ... followed by one sentence on what Keras 3 does instead.
    assert "Keras 3" in message[len(SEED_ERROR) :]
    # Node indices count the calls: 0, 1, then 2.
    encoded_c = lstm(Input(shape=(10, 256)))
    assert [node.index for node in lstm.inbound_nodes] == [0, 1, 2]
    assert lstm.get_output_at(2) == encoded_c
    assert encoded_c._keras_history == (lstm, 2, 0)


def test_shared_conv2d_input_shapes():
    a = Input(shape=(32, 32, 3))
    b = Input(shape=(64, 64, 3))

    conv = Conv2D(16, (3, 3), padding="same")
    conved_a = conv(a)

    # Only one input so far, the following will work:
    assert conv.input_shape == (None, 32, 32, 3)

    conved_b = conv(b)
    # now the `.input_shape` property wouldn't work, but this does:
    assert conv.get_input_shape_at(0) == (None, 32, 32, 3)
    assert conv.get_input_shape_at(1) == (None, 64, 64, 3)
    # --- end of seed code
    with pytest.raises(AttributeError, match="get_input_shape_at"):
        conv.input_shape  # noqa: B018
    assert conved_a.shape == (None, 32, 32, 16)
    assert conved_b.shape == (None, 64, 64, 16)
    assert conv.count_params() == 3 * 3 * 3 * 16 + 16
