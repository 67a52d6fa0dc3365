"""The seeds' models, small, built with API spelled the same in tf_keras, Keras 3 and kerastutor.

`build(keras)` takes the `keras` module (tf_keras, Keras 3 or `kerastutor`)
and returns {name: (model, inputs, labels)}, each model compiled; the inputs
are seeded NumPy arrays. The legacy `.h5` fixtures (make_legacy_files.py,
tf_keras) and the `seed_*.keras` fixtures (make_keras_files.py, Keras 3) are
both written from these.
"""

import numpy as np


def build(keras):
    layers = keras.layers
    rng = np.random.default_rng(1)
    models = {}

    # Seed 002: two tweets through one shared LSTM (two nodes), concatenated.
    tweet_a, tweet_b = keras.Input((4, 3), name="tweet_a"), keras.Input((4, 3), name="tweet_b")
    shared_lstm = layers.LSTM(5, name="shared_lstm")
    merged = layers.concatenate([shared_lstm(tweet_a), shared_lstm(tweet_b)], axis=-1)
    predictions = layers.Dense(1, activation="sigmoid")(merged)
    tweets = keras.Model([tweet_a, tweet_b], predictions)
    tweets.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    x = [rng.normal(size=(6, 4, 3)).astype("float32") for _ in range(2)]
    models["tweets"] = (tweets, x, rng.integers(0, 2, (6, 1)).astype("float32"))

    # Seed 001: a frozen Embedding (its weights set by hand), here with a Dense to train.
    embedding = keras.Sequential(
        [
            keras.Input((3,), dtype="int32"),
            layers.Embedding(6, 2, trainable=False, name="embedding"),
            layers.Flatten(),
            layers.Dense(1),
        ]
    )
    embedding.get_layer("embedding").set_weights([np.eye(6, 2, dtype="float32")])
    embedding.compile("rmsprop", "mse")
    models["embedding"] = (
        embedding,
        rng.integers(0, 6, (4, 3)).astype("int32"),
        rng.normal(size=(4, 1)).astype("float32"),
    )

    # Seed 003: an encoder LSTM whose states start the decoder LSTM (`initial_state`).
    encoder_inputs = keras.Input((None, 6), name="encoder_inputs")
    _, state_h, state_c = layers.LSTM(8, return_state=True, name="encoder")(encoder_inputs)
    decoder_inputs = keras.Input((None, 4), name="decoder_inputs")
    decoder_lstm = layers.LSTM(8, return_sequences=True, return_state=True, name="decoder")
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=[state_h, state_c])
    decoder_outputs = layers.Dense(4, activation="softmax")(decoder_outputs)
    decoder = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)
    decoder.compile(optimizer="adam", loss="categorical_crossentropy")
    x = [
        rng.normal(size=(4, 5, 6)).astype("float32"),
        rng.normal(size=(4, 3, 4)).astype("float32"),
    ]
    models["decoder"] = (decoder, x, np.eye(4, dtype="float32")[rng.integers(0, 4, (4, 3))])

    # A nested model called twice (two nodes in the outer graph), and a Sequential head.
    inner_input = keras.Input((3,))
    inner = keras.Model(inner_input, layers.Dense(2, activation="tanh")(inner_input), name="inner")
    left, right = keras.Input((3,), name="left"), keras.Input((3,), name="right")
    head = keras.Sequential([keras.Input((2,)), layers.Dense(1)], name="head")
    shared = keras.Model([left, right], head(layers.Add()([inner(left), inner(right)])))
    shared.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss="mse")
    x = [rng.normal(size=(4, 3)).astype("float32") for _ in range(2)]
    models["shared"] = (shared, x, rng.normal(size=(4, 1)).astype("float32"))

    # A Sequential with Conv2D and MaxPooling2D.
    conv = keras.Sequential(
        [
            keras.Input((6, 6, 1)),
            layers.Conv2D(2, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(3, activation="softmax"),
        ]
    )
    conv.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    models["conv"] = (
        conv,
        rng.normal(size=(4, 6, 6, 1)).astype("float32"),
        rng.integers(0, 3, (4,)).astype("int32"),
    )
    return models


def flat_inputs(inputs):
    return inputs if isinstance(inputs, list) else [inputs]
