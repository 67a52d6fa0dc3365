"""A Model subclass without `call`, trained only by its own train_step (keras-io's GAN)."""

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import layers, ops


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(1337)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def train_step(self, real):
        if isinstance(real, tuple):
            real = real[0]
        batch = ops.shape(real)[0]
        noise = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        images = ops.concatenate([self.generator(noise), real], axis=0)
        labels = ops.concatenate([ops.ones((batch, 1)), ops.zeros((batch, 1))], axis=0)
        with keras.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(images))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        noise = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        with keras.GradientTape() as tape:
            g_loss = self.loss_fn(ops.zeros((batch, 1)), self.discriminator(self.generator(noise)))
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def make_gan():
    keras.utils.set_random_seed(0)
    discriminator = keras.Sequential(
        [keras.Input((6,)), layers.Dense(8), layers.LeakyReLU(negative_slope=0.2), layers.Dense(1)]
    )
    generator = keras.Sequential(
        [keras.Input((4,)), layers.Dense(8), layers.LeakyReLU(0.2), layers.Dense(6, "sigmoid")]
    )
    gan = GAN(discriminator, generator, latent_dim=4)
    gan.compile(
        keras.optimizers.Adam(3e-4),
        keras.optimizers.Adam(3e-4),
        keras.losses.BinaryCrossentropy(from_logits=True),
    )
    return gan


def test_a_gan_without_call_trains_both_of_its_models():
    gan = make_gan()
    before = [w.copy() for w in gan.get_weights()]
    data = np.random.default_rng(0).random((64, 6)).astype("float32")
    history = gan.fit(data, epochs=2, batch_size=16, verbose=0)
    assert sorted(history.history) == ["d_loss", "g_loss"]
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert [layer.name for layer in gan.layers] == [gan.discriminator.name, gan.generator.name]
    assert len(gan.weights) == 8
    changed = [not np.array_equal(a, b) for a, b in zip(before, gan.get_weights(), strict=True)]
    assert all(changed)  # each Dense of both models moved
    again = make_gan()
    again.fit(data, epochs=2, batch_size=16, verbose=0)
    for a, b in zip(gan.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # seeded: the same run twice


def test_calling_a_model_without_call_says_what_is_missing():
    gan = make_gan()
    with pytest.raises(NotImplementedError, match=r"Model GAN does not have a `call\(\)` method"):
        gan(np.zeros((2, 6), "float32"))


def test_a_plain_model_without_inputs_still_asks_for_them():
    with pytest.raises(TypeError, match="needs `inputs` and `outputs`"):
        keras.Model()
