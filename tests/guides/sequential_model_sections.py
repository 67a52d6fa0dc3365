"""keras-io's guide "The Sequential model" (guides/sequential_model.py), one function per section.

As in ``functional_api_sections.py``: each function re-types one section's
code with ``keras`` passed in, and hands what the guide shows to ``run``.
Departures from the guide are marked ``# [test]`` (seeded weights so numbers
compare; stand-ins where the guide loads a pretrained network).
"""

from __future__ import annotations

__all__ = ["SECTIONS"]


def when_to_use(keras, run):
    """## When to use a Sequential model: a stack of three Dense, and the same as a function."""
    layers = keras.layers
    ops = keras.ops
    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu", name="layer1"),
            layers.Dense(3, activation="relu", name="layer2"),
            layers.Dense(4, name="layer3"),
        ]
    )
    x = ops.ones((3, 3))
    y = model(x)
    run.fact("y.shape", y.shape)
    run.model("model", model)
    run.seed(model, "when_to_use")  # [test]
    run.array("model(x)", model(x))

    layer1 = layers.Dense(2, activation="relu", name="layer1")
    layer2 = layers.Dense(3, activation="relu", name="layer2")
    layer3 = layers.Dense(4, name="layer3")
    x = ops.ones((3, 3))
    y = layer3(layer2(layer1(x)))
    run.fact("function.y.shape", y.shape)
    # [test] the same weights as the Sequential: the same numbers
    weights = model.get_weights()
    for i, layer in enumerate([layer1, layer2, layer3]):
        layer.set_weights(weights[2 * i : 2 * i + 2])
    run.array("function(x)", layer3(layer2(layer1(x))))


def creating(keras, run):
    """## Creating a Sequential model: a list of layers, add(), pop(), a name."""
    layers = keras.layers
    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu"),
            layers.Dense(3, activation="relu"),
            layers.Dense(4),
        ]
    )
    run.fact("model.layers", [type(layer).__name__ for layer in model.layers])

    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu"))
    model.add(layers.Dense(3, activation="relu"))
    model.add(layers.Dense(4))
    run.fact("added.layer_names", [layer.name for layer in model.layers])
    model.pop()
    run.fact("len(model.layers) after pop", len(model.layers))

    model = keras.Sequential(name="my_sequential")
    model.add(layers.Dense(2, activation="relu", name="layer1"))
    model.add(layers.Dense(3, activation="relu", name="layer2"))
    model.add(layers.Dense(4, name="layer3"))
    run.fact("my_sequential.name", model.name)
    run.fact("my_sequential.layer_names", [layer.name for layer in model.layers])


def specifying_input_shape(keras, run):
    """## Specifying the input shape in advance: weights appear on the first call, or up front."""
    layers = keras.layers
    ops = keras.ops
    layer = layers.Dense(3)
    run.fact("layer.weights before call", len(layer.weights))
    x = ops.ones((1, 4))
    y = layer(x)
    run.fact("layer.weight_shapes", [w.shape for w in layer.weights])
    run.fact("y.shape", y.shape)

    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu"),
            layers.Dense(3, activation="relu"),
            layers.Dense(4),
        ]
    )
    # The guide says model.weights and model.summary() fail here (Keras 2);
    # Keras 3 returns no weights and prints a table of unbuilt layers.
    run.fact("unbuilt.weights", len(model.weights))
    run.summary("unbuilt", model)
    x = ops.ones((1, 4))
    y = model(x)
    run.fact("Number of weights after calling the model", len(model.weights))
    run.summary("built", model)

    model = keras.Sequential()
    model.add(keras.Input(shape=(4,)))
    model.add(layers.Dense(2, activation="relu"))
    run.summary("with_input", model)
    run.fact("with_input.layers", [type(layer).__name__ for layer in model.layers])

    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu", input_shape=(4,)))
    run.summary("input_shape_argument", model)
    run.fact("input_shape_argument.weight_shapes", [w.shape for w in model.weights])


def debugging_workflow(keras, run):
    """## A common debugging workflow: add() + summary() while downsampling images."""
    layers = keras.layers
    model = keras.Sequential()
    model.add(keras.Input(shape=(250, 250, 3)))
    model.add(layers.Conv2D(32, 5, strides=2, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))
    run.summary("first", model)
    run.fact("first.output_shape", model.output_shape)

    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(2))
    run.summary("second", model)
    run.fact("second.output_shape", model.output_shape)

    model.add(layers.GlobalMaxPooling2D())
    model.add(layers.Dense(10))
    run.model("final", model)


def _corner(feature):
    """[test] A small, spread-out sample of a large feature map, to keep fixtures small."""
    return feature[0, ::17, ::17, ::5]


def feature_extraction(keras, run):
    """## Feature extraction with a Sequential model: every layer's output, then one layer's."""
    layers = keras.layers
    ops = keras.ops
    initial_model = keras.Sequential(
        [
            keras.Input(shape=(250, 250, 3)),
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
        ]
    )
    run.seed(initial_model, "feature_extraction")  # [test]
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=[layer.output for layer in initial_model.layers],
    )
    run.model("all_layers", feature_extractor)
    x = ops.ones((1, 250, 250, 3))
    features = feature_extractor(x)
    run.fact("features.shapes", [f.shape for f in features])
    for i, feature in enumerate(features):
        run.array(f"features[{i}]", _corner(run.numpy(feature)), atol=1e-4)

    initial_model = keras.Sequential(
        [
            keras.Input(shape=(250, 250, 3)),
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu", name="my_intermediate_layer"),
            layers.Conv2D(32, 3, activation="relu"),
        ]
    )
    run.seed(initial_model, "feature_extraction_one")  # [test]
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=initial_model.get_layer(name="my_intermediate_layer").output,
    )
    run.model("one_layer", feature_extractor)
    x = ops.ones((1, 250, 250, 3))
    features = feature_extractor(x)
    run.fact("one_layer.features.shape", features.shape)
    run.array("one_layer.features", _corner(run.numpy(features)), atol=1e-4)


def transfer_learning_freeze(keras, run):
    """## Transfer learning with a Sequential model: freeze all layers but the last.

    The guide types ``keras.Input(shape=(784))``: an int, which Keras 3 rejects.
    The section records that error, then runs the fix, ``shape=(784,)``.
    """
    layers = keras.layers
    run.error("Input(shape=(784))", lambda: keras.Input(shape=(784)))
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(10),
        ]
    )
    for layer in model.layers[:-1]:
        layer.trainable = False
    run.fact("trainable_weights", len(model.trainable_weights))
    run.fact("non_trainable_weights", len(model.non_trainable_weights))
    run.summary("frozen", model)


def transfer_learning_base_model(keras, run):
    """## Transfer learning (second blueprint): a frozen base model inside a Sequential.

    [test] A small functional convnet stands in for the pretrained Xception.
    """
    layers = keras.layers
    image = keras.Input(shape=(16, 16, 3))
    x = layers.Conv2D(8, 3, activation="relu")(image)
    x = layers.Flatten()(x)
    base_model = keras.Model(image, x, name="base_model")

    base_model.trainable = False
    model = keras.Sequential(
        [
            base_model,
            layers.Dense(1000),
        ]
    )
    run.model("model", model)
    run.summary("model", model)
    run.seed(model, "base_model")  # [test]
    images = run.rng("images").random((2, 16, 16, 3)).astype("float32")
    run.array("predict", model.predict(images, verbose=0)[:, ::20])  # [test] a sample


SECTIONS = [
    when_to_use,
    creating,
    specifying_input_shape,
    debugging_workflow,
    feature_extraction,
    transfer_learning_freeze,
    transfer_learning_base_model,
]
