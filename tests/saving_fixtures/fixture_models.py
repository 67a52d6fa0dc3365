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

    # `keras.ops` calls and operators in the graph: saved as operations, not layers.
    ops = keras.ops
    series = keras.Input((3, 4), name="series")
    h = layers.Dense(4)(series)
    scaled = 2.0 - h * 0.5 + 1.0
    joined = ops.concatenate([scaled, ops.tanh(h)], axis=-1)  # (3, 8)
    paired = ops.matmul(joined, ops.transpose(joined, (0, 2, 1)))  # (3, 3)
    flat = ops.reshape(ops.softmax(paired), (-1, 9))
    picked = flat[:, 1:7] + ops.expand_dims(ops.sum(h[..., 0], axis=-1), -1)
    gated = ops.where(ops.greater(picked, 0.0), picked, ops.clip(picked, -0.5, 0.0))
    summed = ops.einsum("bi,bi->b", gated, gated)
    features = ops.stack([ops.mean(gated, axis=-1), summed, ops.max(h, axis=(1, 2))], axis=1)
    with_ops = keras.Model(series, layers.Dense(1)(ops.relu(features)))
    with_ops.compile(optimizer="adam", loss="mse")
    data = rng.normal(size=(4, 3, 4)).astype("float32")
    models["with_ops"] = (with_ops, data, rng.normal(size=(4, 1)).astype("float32"))
    return models


def all_models(keras):
    """These models and the seeds' (seed_models.py), the latter named `seed_<name>`."""
    import seed_models

    seeds = {f"seed_{name}": entry for name, entry in seed_models.build(keras).items()}
    return {**build(keras), **seeds}


def flat_inputs(inputs):
    return inputs if isinstance(inputs, list) else [inputs]
