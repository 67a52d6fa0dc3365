"""The models of the saving fixtures, built with API spelled the same in Keras 3 and kerastutor.

`build(keras)` takes the `keras` module (real Keras 3, or `kerastutor`) and
returns {name: (model, inputs, labels)}; the inputs are seeded NumPy arrays.
"""

import numpy as np


def build(keras):
    layers = keras.layers
    rng = np.random.default_rng(0)
    models = {}

    # Two inputs through one shared LSTM, merged: the lessons' tweets model.
    a, b = keras.Input((4, 3), name="a"), keras.Input((4, 3), name="b")
    lstm = layers.LSTM(5)
    merged = layers.Concatenate()([lstm(a), lstm(b)])
    tweets = keras.Model([a, b], layers.Dense(1, activation="sigmoid")(merged))
    tweets.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    x = [rng.normal(size=(6, 4, 3)).astype("float32") for _ in range(2)]
    models["tweets"] = (tweets, x, rng.integers(0, 2, (6, 1)).astype("float32"))

    # A Sequential: Embedding, Flatten, Dropout, Dense, Activation.
    stack = keras.Sequential(
        [
            keras.Input((3,), dtype="int32"),
            layers.Embedding(10, 2),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(4),
            layers.Activation("relu"),
            layers.Dense(3),
        ]
    )
    stack.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    models["stack"] = (stack, rng.integers(0, 10, (6, 3)), rng.integers(0, 3, (6,)))

    # Nested models: a Model used twice, Add, Activation, a Sequential head.
    inner_input = keras.Input((3,))
    inner = keras.Model(inner_input, layers.Dense(2)(inner_input), name="inner")
    x_in = keras.Input((3,), name="x")
    added = layers.Add()([inner(x_in), layers.Activation("tanh")(inner(x_in))])
    head = keras.Sequential([layers.Dense(4), layers.Dense(1)], name="head")
    nested = keras.Model(x_in, head(layers.Concatenate()([added, x_in])))
    nested.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9), loss="mse")
    data = rng.normal(size=(6, 3)).astype("float32")
    models["nested"] = (nested, data, rng.normal(size=(6, 1)).astype("float32"))

    # The convolution and pooling layers, 2-D and 1-D (causal, dilated).
    image, series = keras.Input((6, 6, 2), name="image"), keras.Input((10, 3), name="series")
    a = layers.Conv2D(3, 3, padding="same", activation="relu")(image)
    a = layers.SeparableConv2D(3, 3, padding="same")(a)
    a = layers.GlobalAveragePooling2D()(layers.AveragePooling2D(2)(a))
    b = layers.MaxPooling2D()(layers.DepthwiseConv2D(3, depth_multiplier=2)(image))
    b = layers.GlobalMaxPooling2D()(layers.Conv2DTranspose(3, 2, strides=2)(b))
    c = layers.MaxPooling1D()(layers.Conv1D(4, 3, padding="causal", dilation_rate=2)(series))
    c = layers.GlobalAveragePooling1D()(c)
    vision = keras.Model([image, series], layers.Dense(2)(layers.Concatenate()([a, b, c])))
    vision.compile(optimizer="adam", loss="mse")
    data = [
        rng.normal(size=(4, 6, 6, 2)).astype("float32"),
        rng.normal(size=(4, 10, 3)).astype("float32"),
    ]
    models["vision"] = (vision, data, rng.normal(size=(4, 2)).astype("float32"))

    # The smallest model, for the one `.weights.h5` fixture (h5 groups cost kilobytes each).
    tiny = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    tiny.compile(optimizer="sgd", loss="mse")
    models["tiny"] = (tiny, rng.normal(size=(6, 3)).astype("float32"), np.zeros((6, 2), "float32"))
    return models


def all_models(keras):
    """These models and the seeds' (seed_models.py), the latter named `seed_<name>`."""
    import seed_models

    seeds = {f"seed_{name}": entry for name, entry in seed_models.build(keras).items()}
    return {**build(keras), **seeds}


def flat_inputs(inputs):
    return inputs if isinstance(inputs, list) else [inputs]
