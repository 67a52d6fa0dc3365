"""keras-io's guide "Making new layers and models via subclassing", one function per section.

Each function re-types the Keras 3 version of one section of
guides/making_new_layers_and_models_via_subclassing.py, with ``keras``
passed in (real Keras 3 or kerastutor); ``ops`` is ``keras.ops`` and
``layers`` is ``keras.layers``, as the guide imports them. What the guide
prints is handed to ``run`` (see ``guide_run.py``). Departures from the
guide, all marked ``# [test]``:

* seeded synthetic data in place of the MNIST download, and fewer samples;
* weights replaced by seeded values before numbers are compared, where the
  guide draws them from an initializer;
* the VAE's sampling noise comes from each library's own generator, so its
  training losses cannot agree number for number: the deterministic parts
  (encoder outputs, the KL term in ``vae.losses``, the decoder) are compared
  for the same weights, and fit's history is compared by its keys.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SECTIONS"]


def _linear_classes(keras):
    """The guide's three versions of `Linear`: weights in __init__, in build, with get_config."""
    ops = keras.ops

    class LinearInInit(keras.layers.Layer):
        def __init__(self, units=32, input_dim=32):
            super().__init__()
            self.w = self.add_weight(
                shape=(input_dim, units), initializer="random_normal", trainable=True
            )
            self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

    class Linear(keras.layers.Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
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
            config = super().get_config()
            config.update({"units": self.units})
            return config

    return LinearInInit, Linear


def layer_class(keras, run):
    """## The Layer class: state (weights) and some computation."""
    LinearInInit, _ = _linear_classes(keras)
    x = keras.ops.ones((2, 2))
    linear_layer = LinearInInit(4, 2)
    run.seed(linear_layer, "linear")  # [test]
    y = linear_layer(x)
    run.array("y", y)
    run.fact("weights are w, b", linear_layer.weights == [linear_layer.w, linear_layer.b])
    run.fact("weight paths", [w.path for w in linear_layer.weights])


def non_trainable_weights(keras, run):
    """## Layers can have non-trainable weights: a running sum updated in call."""
    ops = keras.ops

    class ComputeSum(keras.layers.Layer):
        def __init__(self, input_dim):
            super().__init__()
            self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

        def call(self, inputs):
            self.total.assign_add(ops.sum(inputs, axis=0))
            return self.total

    x = ops.ones((2, 2))
    my_sum = ComputeSum(2)
    run.array("first", my_sum(x))
    run.array("second", my_sum(x))
    run.fact("weights", len(my_sum.weights))
    run.fact("non-trainable weights", len(my_sum.non_trainable_weights))
    run.fact("trainable_weights", len(my_sum.trainable_weights))


def deferred_build(keras, run):
    """## Best practice: deferring weight creation until the shape of the inputs is known."""
    _, Linear = _linear_classes(keras)
    linear_layer = Linear(32)
    run.fact("built before the call", linear_layer.built)
    run.fact("weights before the call", len(linear_layer.weights))
    y = linear_layer(keras.ops.ones((2, 2)))
    run.fact("y.shape", tuple(y.shape))
    run.fact("weight shapes", [tuple(w.shape) for w in linear_layer.weights])


def recursively_composable(keras, run):
    """## Layers are recursively composable: an MLP block of three Linear layers."""
    ops = keras.ops
    _, Linear = _linear_classes(keras)

    class MLPBlock(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.linear_1 = Linear(32)
            self.linear_2 = Linear(32)
            self.linear_3 = Linear(1)

        def call(self, inputs):
            x = self.linear_1(inputs)
            x = keras.activations.relu(x)
            x = self.linear_2(x)
            x = keras.activations.relu(x)
            return self.linear_3(x)

    mlp = MLPBlock()
    y = mlp(ops.ones(shape=(3, 64)))  # The first call to the `mlp` will create the weights
    run.fact("weights", len(mlp.weights))
    run.fact("trainable weights", len(mlp.trainable_weights))
    run.fact("weight shapes", [tuple(w.shape) for w in mlp.weights])
    run.seed(mlp, "mlp")  # [test]
    x = run.rng("mlp").random((3, 64)).astype("float32")
    run.array("y", mlp(x))
    run.fact("y.shape", tuple(y.shape))


def _activity_regularization_layer(keras):
    class ActivityRegularizationLayer(keras.layers.Layer):
        def __init__(self, rate=1e-2):
            super().__init__()
            self.rate = rate

        def call(self, inputs):
            self.add_loss(self.rate * keras.ops.mean(inputs))
            return inputs

    return ActivityRegularizationLayer


def add_loss(keras, run):
    """## The add_loss() method: losses of the last forward pass, nested layers' too."""
    ops = keras.ops
    ActivityRegularizationLayer = _activity_regularization_layer(keras)

    class OuterLayer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.activity_reg = ActivityRegularizationLayer(1e-2)

        def call(self, inputs):
            return self.activity_reg(inputs)

    layer = OuterLayer()
    run.fact("losses before a call", len(layer.losses))
    _ = layer(ops.zeros((1, 1)))
    run.fact("losses after a call", len(layer.losses))
    _ = layer(ops.ones((1, 1)))
    run.fact("losses after a second call", len(layer.losses))
    run.array("loss of the second call", layer.losses[0])

    class OuterLayerWithKernelRegularizer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(32, kernel_regularizer=keras.regularizers.l2(1e-3))

        def call(self, inputs):
            return self.dense(inputs)

    layer = OuterLayerWithKernelRegularizer()
    _ = layer(ops.zeros((1, 1)))
    run.seed(layer, "regularized")  # [test]
    run.array("kernel penalty", layer.losses[0])


def add_loss_with_fit(keras, run):
    """## add_loss with fit(): added to the compiled loss, or the whole loss without one."""
    ActivityRegularizationLayer = _activity_regularization_layer(keras)
    rng = run.rng("fit")  # [test] in place of np.random.random
    x, y = rng.random((2, 3)), rng.random((2, 3))

    inputs = keras.Input(shape=(3,))
    outputs = ActivityRegularizationLayer()(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, verbose=0)
    run.array("loss with mse", history.history["loss"])
    # [test] a fresh model: Keras 3 recompiling the same model without a loss still
    # trains on the mse it was compiled with before.
    model = keras.Model(inputs, ActivityRegularizationLayer()(inputs))
    model.compile(optimizer="adam")
    history = model.fit(x, y, verbose=0)
    run.array("loss without a compiled loss", history.history["loss"])


def serialization(keras, run):
    """## You can optionally enable serialization on your layers: get_config / from_config."""
    _, Linear = _linear_classes(keras)
    layer = Linear(64)
    config = layer.get_config()
    run.fact("config keys", sorted(config))
    run.fact("units", config["units"])
    new_layer = Linear.from_config(config)
    run.fact("new layer units", new_layer.units)


def training_argument(keras, run):
    """## Privileged training argument in the call() method."""

    class CustomDropout(keras.layers.Layer):
        def __init__(self, rate, **kwargs):
            super().__init__(**kwargs)
            self.rate = rate
            self.seed_generator = keras.random.SeedGenerator(1337)

        def call(self, inputs, training=None):
            if training:
                return keras.random.dropout(inputs, rate=self.rate, seed=self.seed_generator)
            return inputs

    layer = CustomDropout(0.5)
    x = np.ones((4, 100), "float32")
    run.array("inference", layer(x))
    dropped = run.numpy(layer(x, training=True))
    run.fact("training: kept values", sorted({float(v) for v in np.unique(dropped)}))

    # [test] fit passes training=True to it even inside a model.
    inputs = keras.Input((100,))
    model = keras.Model(inputs, keras.layers.Dense(1)(CustomDropout(0.999)(inputs)))
    same = np.array_equal(run.numpy(model.predict(x, verbose=0)), run.numpy(model(x)))
    run.fact("predict is deterministic", bool(same))


def _vae_classes(keras):
    ops = keras.ops
    layers = keras.layers

    class Sampling(layers.Layer):
        """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator(1337)

        def call(self, inputs):
            z_mean, z_log_var = inputs
            batch = ops.shape(z_mean)[0]
            dim = ops.shape(z_mean)[1]
            epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
            return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    class Encoder(layers.Layer):
        """Maps MNIST digits to a triplet (z_mean, z_log_var, z)."""

        def __init__(self, latent_dim=32, intermediate_dim=64, name="encoder", **kwargs):
            super().__init__(name=name, **kwargs)
            self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
            self.dense_mean = layers.Dense(latent_dim)
            self.dense_log_var = layers.Dense(latent_dim)
            self.sampling = Sampling()

        def call(self, inputs):
            x = self.dense_proj(inputs)
            z_mean = self.dense_mean(x)
            z_log_var = self.dense_log_var(x)
            z = self.sampling((z_mean, z_log_var))
            return z_mean, z_log_var, z

    class Decoder(layers.Layer):
        """Converts z, the encoded digit vector, back into a readable digit."""

        def __init__(self, original_dim, intermediate_dim=64, name="decoder", **kwargs):
            super().__init__(name=name, **kwargs)
            self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
            self.dense_output = layers.Dense(original_dim, activation="sigmoid")

        def call(self, inputs):
            x = self.dense_proj(inputs)
            return self.dense_output(x)

    class VariationalAutoEncoder(keras.Model):
        """Combines the encoder and decoder into an end-to-end model for training."""

        def __init__(
            self,
            original_dim,
            intermediate_dim=64,
            latent_dim=32,
            name="autoencoder",
            **kwargs,
        ):
            super().__init__(name=name, **kwargs)
            self.original_dim = original_dim
            self.encoder = Encoder(latent_dim=latent_dim, intermediate_dim=intermediate_dim)
            self.decoder = Decoder(original_dim, intermediate_dim=intermediate_dim)

        def call(self, inputs):
            z_mean, z_log_var, z = self.encoder(inputs)
            reconstructed = self.decoder(z)
            # Add KL divergence regularization loss.
            kl_loss = -0.5 * ops.mean(z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1)
            self.add_loss(kl_loss)
            return reconstructed

    return VariationalAutoEncoder


def vae_end_to_end(keras, run):
    """## Putting it all together: a variational autoencoder trained with fit."""
    VariationalAutoEncoder = _vae_classes(keras)
    x_train = run.rng("mnist").random((256, 784)).astype("float32")  # [test] not MNIST

    vae = VariationalAutoEncoder(784, 64, 32)
    run.fact("built before a call", vae.built)
    run.fact("layers", [[layer.name, type(layer).__name__] for layer in vae.layers])
    run.summary("unbuilt", vae)

    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    vae.compile(optimizer, loss=keras.losses.MeanSquaredError())
    history = vae.fit(x_train, x_train, epochs=2, batch_size=64, verbose=0)
    run.fact("history keys", sorted(history.history))
    run.fact("epochs", len(history.history["loss"]))
    run.fact("losses are finite", bool(np.all(np.isfinite(history.history["loss"]))))
    run.fact("weight shapes", [tuple(w.shape) for w in vae.weights])
    run.fact("count_params", vae.count_params())
    run.summary("trained", vae)

    # [test] the deterministic parts, for the same (seeded) weights.
    run.seed(vae, "vae")
    batch = x_train[:4]
    z_mean, z_log_var, _ = vae.encoder(batch)
    run.array("z_mean", z_mean, atol=1e-4)
    run.array("z_log_var", z_log_var, atol=1e-4)
    run.array("decoded z_mean", vae.decoder(z_mean), atol=1e-4)
    _ = vae(batch)
    run.fact("losses after a call", len(vae.losses))
    run.array("kl loss", vae.losses[0], atol=1e-4)


SECTIONS = [
    layer_class,
    non_trainable_weights,
    deferred_build,
    recursively_composable,
    add_loss,
    add_loss_with_fit,
    serialization,
    training_argument,
    vae_end_to_end,
]
