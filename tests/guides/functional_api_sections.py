"""keras-io's guide "The Functional API" (guides/functional_api.py), one function per section.

Each function re-types the code a learner runs in one section of the guide,
with the same layers, shapes, names and calls, and ``keras`` passed in (real
Keras 3 or kerastutor). What the guide prints or plots is handed to ``run``
(see ``guide_run.py``). Departures from the guide, all marked ``# [test]``:

* seeded synthetic data in place of the MNIST / CIFAR10 downloads, and fewer
  samples, so a section runs in a second;
* weights replaced by seeded values before anything is computed, so the
  numbers can be compared with Keras's;
* ``shuffle=False`` in ``fit`` and a temporary folder for saved files.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SECTIONS"]


def _mnist_model(keras):
    """The three-Dense model the introduction builds (used again by later sections)."""
    layers = keras.layers
    inputs = keras.Input(shape=(784,))
    dense = layers.Dense(64, activation="relu")
    x = dense(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")


def _fake_mnist(run, samples):
    """[test] Flattened 28x28 "images" in [0, 1) and labels 0..9, in place of MNIST."""
    rng = run.rng(f"mnist{samples}")
    x = rng.random((samples, 784)).astype("float32")
    y = rng.integers(0, 10, size=(samples,))
    return x, y


def introduction(keras, run):
    """## Introduction: Input, a stack of Dense layers, Model, summary, plot_model."""
    layers = keras.layers
    inputs = keras.Input(shape=(784,))
    img_inputs = keras.Input(shape=(32, 32, 3))
    run.fact("inputs.shape", inputs.shape)
    run.fact("inputs.dtype", str(inputs.dtype))
    run.fact("img_inputs.shape", img_inputs.shape)

    dense = layers.Dense(64, activation="relu")
    x = dense(inputs)
    run.fact("x.shape", x.shape)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    run.model("model", model)
    run.summary("model", model)
    run.plot(model, "my_first_model.png")
    run.plot(model, "my_first_model_with_shape_info.png", show_shapes=True)

    run.seed(model, "introduction")  # [test]
    x_batch, _ = _fake_mnist(run, 4)
    run.array("predict", model.predict(x_batch, verbose=0))


def training_evaluation_inference(keras, run):
    """## Training, evaluation, and inference: compile, fit with a validation split, evaluate."""
    model = _mnist_model(keras)
    run.seed(model, "training")  # [test]
    x_train, y_train = _fake_mnist(run, 320)  # [test] in place of mnist.load_data()
    x_test, y_test = _fake_mnist(run, 64)

    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )
    history = model.fit(
        x_train, y_train, batch_size=64, epochs=2, validation_split=0.2, shuffle=False
    )
    run.fact("history.keys", sorted(history.history))
    for key in sorted(history.history):
        run.array(f"history.{key}", history.history[key], atol=1e-4)

    test_scores = model.evaluate(x_test, y_test, verbose=2)
    run.fact("len(test_scores)", len(test_scores))
    run.array("test_scores", test_scores, atol=1e-4)


def save_and_serialize(keras, run):
    """## Save and serialize: model.save, then load_model recreates the same model."""
    model = _mnist_model(keras)
    run.seed(model, "save")  # [test]
    x_train, y_train = _fake_mnist(run, 128)
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )
    model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0, shuffle=False)
    before = model.predict(x_train[:4], verbose=0)
    scores_before = model.evaluate(x_train, y_train, verbose=0)

    model.save(str(run.workdir / "my_model.keras"))
    del model
    model = keras.models.load_model(str(run.workdir / "my_model.keras"))

    run.model("loaded", model)
    run.fact("loaded.optimizer", type(model.optimizer).__name__)
    run.array("predict_before_save", before)
    run.array("predict_after_load", model.predict(x_train[:4], verbose=0))
    run.array("evaluate_before_save", scores_before, atol=1e-4)
    run.array("evaluate_after_load", model.evaluate(x_train, y_train, verbose=0), atol=1e-4)


def _encoder_layers(keras, encoder_input):
    """The encoder stack both autoencoder sections type."""
    layers = keras.layers
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    return layers.GlobalMaxPooling2D()(x)


def _decoder_layers(keras, decoder_input):
    """The decoder stack both autoencoder sections type."""
    layers = keras.layers
    x = layers.Reshape((4, 4, 1))(decoder_input)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    return layers.Conv2DTranspose(1, 3, activation="relu")(x)


def same_graph_multiple_models(keras, run):
    """## Use the same graph of layers to define multiple models: encoder and autoencoder."""
    encoder_input = keras.Input(shape=(28, 28, 1), name="img")
    encoder_output = _encoder_layers(keras, encoder_input)
    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    run.model("encoder", encoder)
    run.summary("encoder", encoder)

    decoder_output = _decoder_layers(keras, encoder_output)
    autoencoder = keras.Model(encoder_input, decoder_output, name="autoencoder")
    run.model("autoencoder", autoencoder)
    run.summary("autoencoder", autoencoder)

    run.seed(autoencoder, "same_graph")  # [test]
    images = run.rng("images").random((2, 28, 28, 1)).astype("float32")
    decoded = autoencoder.predict(images, verbose=0)
    run.array("autoencoder.predict", decoded[:, ::3, ::3], atol=1e-4)  # [test] a sample
    run.array("encoder.predict", encoder.predict(images, verbose=0), atol=1e-4)


def models_are_callable(keras, run):
    """## All models are callable, just like layers: encoder and decoder chained."""
    encoder_input = keras.Input(shape=(28, 28, 1), name="original_img")
    encoder_output = _encoder_layers(keras, encoder_input)
    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    run.summary("encoder", encoder)

    decoder_input = keras.Input(shape=(16,), name="encoded_img")
    decoder_output = _decoder_layers(keras, decoder_input)
    decoder = keras.Model(decoder_input, decoder_output, name="decoder")
    run.summary("decoder", decoder)

    autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
    encoded_img = encoder(autoencoder_input)
    decoded_img = decoder(encoded_img)
    autoencoder = keras.Model(autoencoder_input, decoded_img, name="autoencoder")
    run.model("autoencoder", autoencoder)
    run.summary("autoencoder", autoencoder)

    run.seed(autoencoder, "callable")  # [test]
    images = run.rng("images").random((2, 28, 28, 1)).astype("float32")
    decoded = autoencoder.predict(images, verbose=0)
    run.array("autoencoder.predict", decoded[:, ::3, ::3], atol=1e-4)  # [test] a sample


def ensembling(keras, run):
    """## All models are callable (second half): an ensemble averaging three models."""
    layers = keras.layers

    def get_model():
        inputs = keras.Input(shape=(128,))
        outputs = layers.Dense(1)(inputs)
        return keras.Model(inputs, outputs)

    model1 = get_model()
    model2 = get_model()
    model3 = get_model()

    inputs = keras.Input(shape=(128,))
    y1 = model1(inputs)
    y2 = model2(inputs)
    y3 = model3(inputs)
    outputs = layers.average([y1, y2, y3])
    ensemble_model = keras.Model(inputs=inputs, outputs=outputs)
    run.model("ensemble_model", ensemble_model)

    run.seed(ensemble_model, "ensemble")  # [test]
    x = run.rng("x").standard_normal((3, 128)).astype("float32")
    run.array("predict", ensemble_model.predict(x, verbose=0))


def _ticket_model(keras):
    """The ticket-routing model of "Models with multiple inputs and outputs"."""
    layers = keras.layers
    num_tags = 12
    num_words = 10000
    num_departments = 4

    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")

    title_features = layers.Embedding(num_words, 64)(title_input)
    body_features = layers.Embedding(num_words, 64)(body_input)
    title_features = layers.LSTM(128)(title_features)
    body_features = layers.LSTM(32)(body_features)
    x = layers.concatenate([title_features, body_features, tags_input])

    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="department")(x)
    return keras.Model(
        inputs=[title_input, body_input, tags_input],
        outputs={"priority": priority_pred, "department": department_pred},
    )


def multiple_inputs_and_outputs(keras, run):
    """### Models with multiple inputs and outputs: three inputs, dict outputs, two losses."""
    num_tags, num_words, num_departments = 12, 10000, 4
    model = _ticket_model(keras)
    run.model("model", model)
    run.fact("model.output_names", model.output_names)
    run.plot(model, "multi_input_and_output_model.png", show_shapes=True)

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[
            keras.losses.BinaryCrossentropy(from_logits=True),
            keras.losses.CategoricalCrossentropy(from_logits=True),
        ],
        loss_weights=[1.0, 0.2],
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "priority": keras.losses.BinaryCrossentropy(from_logits=True),
            "department": keras.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )

    # [test] 64 samples instead of 1280, from a seeded generator
    rng = run.rng("tickets")
    samples = 64
    title_data = rng.integers(num_words, size=(samples, 10))
    body_data = rng.integers(num_words, size=(samples, 100))
    tags_data = rng.integers(2, size=(samples, num_tags)).astype("float32")
    priority_targets = rng.random(size=(samples, 1))
    dept_targets = rng.integers(2, size=(samples, num_departments))

    run.seed(model, "tickets")  # [test]
    inputs = {"title": title_data, "body": body_data, "tags": tags_data}
    predictions = model.predict({k: v[:4] for k, v in inputs.items()}, verbose=0)
    run.fact("predict.type", type(predictions).__name__)
    run.fact("predict.keys", sorted(predictions))
    for key in sorted(predictions):
        run.array(f"predict.{key}", predictions[key])

    history = model.fit(
        inputs,
        {"priority": priority_targets, "department": dept_targets},
        epochs=2,
        batch_size=32,
        shuffle=False,
    )
    run.fact("history.keys", sorted(history.history))
    run.array("history.loss", history.history["loss"], atol=1e-4)


def toy_resnet(keras, run):
    """### A toy ResNet model: residual adds, global average pooling, train on CIFAR-sized data."""
    layers = keras.layers
    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)

    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])

    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])

    x = layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)

    model = keras.Model(inputs, outputs, name="toy_resnet")
    run.model("model", model)
    run.summary("model", model)
    run.plot(model, "mini_resnet.png", show_shapes=True)

    # [test] 40 seeded "CIFAR10" images instead of the download
    rng = run.rng("cifar")
    x_train = rng.integers(0, 256, size=(40, 32, 32, 3)).astype("float32") / 255.0
    y_train = keras.utils.to_categorical(rng.integers(0, 10, size=(40, 1)), 10)
    run.fact("y_train.shape", y_train.shape)

    run.seed(model, "toy_resnet")  # [test]
    run.array("predict", model.predict(x_train[:2], verbose=0), atol=1e-4)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["acc"],
    )
    history = model.fit(
        x_train, y_train, batch_size=64, epochs=1, validation_split=0.2, shuffle=False
    )
    run.fact("history.keys", sorted(history.history))


def shared_layers(keras, run):
    """## Shared layers: one Embedding called on two integer inputs."""
    layers = keras.layers
    shared_embedding = layers.Embedding(1000, 128)
    text_input_a = keras.Input(shape=(None,), dtype="int32")
    text_input_b = keras.Input(shape=(None,), dtype="int32")
    encoded_input_a = shared_embedding(text_input_a)
    encoded_input_b = shared_embedding(text_input_b)

    run.fact("text_input_a.dtype", str(text_input_a.dtype))
    run.fact("encoded_input_a.shape", encoded_input_a.shape)
    run.fact("encoded_input_b.shape", encoded_input_b.shape)
    run.fact("shared_embedding.count_params", shared_embedding.count_params())
    run.fact("shared_embedding.weight_shapes", [w.shape for w in shared_embedding.weights])


def extract_and_reuse_nodes(keras, run):
    """## Extract and reuse nodes in the graph of layers: VGG19's intermediate outputs."""
    vgg19 = keras.applications.VGG19(weights=None)  # [test] no ImageNet download
    features_list = [layer.output for layer in vgg19.layers]
    feat_extraction_model = keras.Model(inputs=vgg19.input, outputs=features_list)
    run.fact("vgg19.count_params", vgg19.count_params())
    run.fact("len(features_list)", len(features_list))
    run.fact("feature_shapes", [f.shape for f in features_list])

    img = np.random.default_rng(0).random((1, 224, 224, 3)).astype("float32")
    extracted_features = feat_extraction_model(img)
    run.fact("len(extracted_features)", len(extracted_features))


def extract_and_reuse_nodes_small(keras, run):
    """## Extract and reuse nodes, on a small convnet kerastutor can build (VGG19 stand-in).

    [test] Not in the guide: the same three lines (``layer.output`` of every
    layer, ``Model(inputs=model.input, outputs=features_list)``, call it on an
    image) on a model that needs no download and no pooling layer.
    """
    layers = keras.layers
    image = keras.Input(shape=(12, 12, 3), name="image")
    x = layers.Conv2D(8, 3, activation="relu", name="block1_conv1")(image)
    x = layers.Conv2D(8, 3, strides=2, activation="relu", name="block1_conv2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(16, activation="relu", name="fc1")(x)
    outputs = layers.Dense(5, activation="softmax", name="predictions")(x)
    small = keras.Model(image, outputs, name="small_convnet")
    run.seed(small, "small_convnet")

    features_list = [layer.output for layer in small.layers]
    feat_extraction_model = keras.Model(inputs=small.input, outputs=features_list)
    run.model("feat_extraction_model", feat_extraction_model)

    img = run.rng("img").random((1, 12, 12, 3)).astype("float32")
    extracted_features = feat_extraction_model(img)
    run.fact("len(extracted_features)", len(extracted_features))
    for layer, feature in zip(small.layers[1:], extracted_features[1:]):
        run.array(f"feature.{layer.name}", feature)


def custom_layers(keras, run):
    """## Extend the API using custom layers: CustomDense, then get_config / from_config."""
    layers = keras.layers
    ops = keras.ops

    class CustomDense(layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units),
                initializer="random_normal",
                trainable=True,
            )
            self.b = self.add_weight(
                shape=(self.units,), initializer="random_normal", trainable=True
            )

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

        def get_config(self):
            return {"units": self.units}

    inputs = keras.Input((4,))
    outputs = CustomDense(10)(inputs)
    model = keras.Model(inputs, outputs)
    run.model("model", model)

    config = model.get_config()
    new_model = keras.Model.from_config(config, custom_objects={"CustomDense": CustomDense})
    run.model("new_model", new_model)

    run.seed(model, "custom_dense")  # [test]
    new_model.set_weights(model.get_weights())
    x = run.rng("x").standard_normal((3, 4)).astype("float32")
    run.array("model.predict", model.predict(x, verbose=0))
    run.array("new_model.predict", new_model.predict(x, verbose=0))


def subclassed_mlp(keras, run):
    """## When to use the functional API: the subclassed MLP of "Less verbose".

    [test] The guide shows this code in a text cell, next to the functional
    version; learners run both.
    """
    layers = keras.layers
    ops = keras.ops

    class MLP(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense_1 = layers.Dense(64, activation="relu")
            self.dense_2 = layers.Dense(10)

        def call(self, inputs):
            x = self.dense_1(inputs)
            return self.dense_2(x)

    mlp = MLP()
    _ = mlp(ops.zeros((1, 32)))
    run.fact("output.shape", _.shape)
    run.fact("weight_shapes", [w.shape for w in mlp.weights])
    run.fact("count_params", mlp.count_params())

    run.seed(mlp, "mlp")  # [test]
    x = run.rng("x").standard_normal((2, 32)).astype("float32")
    run.array("mlp(x)", mlp(x))


def _define_custom_rnn(keras, units, classifier=None):
    """The guide's CustomRNN class (with its own Dense classifier unless one is given)."""
    layers = keras.layers
    ops = keras.ops

    class CustomRNN(layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = units
            self.projection_1 = layers.Dense(units=units, activation="tanh")
            self.projection_2 = layers.Dense(units=units, activation="tanh")
            self.classifier = classifier if classifier is not None else layers.Dense(1)

        def call(self, inputs):
            outputs = []
            state = ops.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                x = inputs[:, t, :]
                h = self.projection_1(x)
                y = h + self.projection_2(state)
                state = y
                outputs.append(y)
            features = ops.stack(outputs, axis=1)
            return self.classifier(features)

    return CustomRNN


def mix_and_match(keras, run):
    """## Mix-and-match API styles: a functional model inside a custom layer."""
    layers = keras.layers
    ops = keras.ops
    units = 32
    timesteps = 10
    input_dim = 5

    inputs = keras.Input((None, units))
    x = layers.GlobalAveragePooling1D()(inputs)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)

    CustomRNN = _define_custom_rnn(keras, units, classifier=model)
    rnn_model = CustomRNN()
    _ = rnn_model(ops.zeros((1, timesteps, input_dim)))
    run.fact("output.shape", _.shape)
    run.fact("weight_shapes", [w.shape for w in rnn_model.weights])

    run.seed(rnn_model, "mix_and_match")  # [test]
    x = run.rng("x").standard_normal((2, timesteps, input_dim)).astype("float32")
    run.array("rnn_model(x)", rnn_model(x))


def custom_rnn_in_functional_model(keras, run):
    """## Mix-and-match API styles (second half): CustomRNN after a Conv1D, fixed batch size."""
    layers = keras.layers
    units, timesteps, input_dim, batch_size = 32, 10, 5, 16
    CustomRNN = _define_custom_rnn(keras, units)

    inputs = keras.Input(batch_shape=(batch_size, timesteps, input_dim))
    x = layers.Conv1D(32, 3)(inputs)
    outputs = CustomRNN()(x)
    model = keras.Model(inputs, outputs)
    run.model("model", model)

    run.seed(model, "custom_rnn_functional")  # [test]
    x = run.rng("x").standard_normal((batch_size, timesteps, input_dim)).astype("float32")
    run.array("predict", model.predict(x, batch_size=batch_size, verbose=0), atol=1e-4)


def custom_rnn_eager(keras, run):
    """## Mix-and-match API styles (last lines): CustomRNN called on a zeros tensor."""
    ops = keras.ops
    CustomRNN = _define_custom_rnn(keras, 32)
    rnn_model = CustomRNN()
    _ = rnn_model(ops.zeros((1, 10, 5)))
    run.fact("output.shape", _.shape)
    run.fact("weight_shapes", [w.shape for w in rnn_model.weights])

    run.seed(rnn_model, "custom_rnn_eager")  # [test]
    x = run.rng("x").standard_normal((2, 10, 5)).astype("float32")
    run.array("rnn_model(x)", rnn_model(x))


SECTIONS = [
    introduction,
    training_evaluation_inference,
    save_and_serialize,
    same_graph_multiple_models,
    models_are_callable,
    ensembling,
    multiple_inputs_and_outputs,
    toy_resnet,
    shared_layers,
    extract_and_reuse_nodes,
    extract_and_reuse_nodes_small,
    custom_layers,
    subclassed_mlp,
    mix_and_match,
    custom_rnn_in_functional_model,
    custom_rnn_eager,
]
