"""The subclassed models that make_subclass_golden.py trains in Keras 3 and the tests in kerastutor.

Each builder takes the `keras` module (real Keras or kerastutor) and uses only
API spelled the same in both, so one definition serves both sides.
"""

import numpy as np

__all__ = ["combine_model", "data", "net_classes", "seeded", "SAMPLES"]

SAMPLES = 12


def data(features=5, outputs=2):
    """Inputs and targets as three-digit decimals, which both sides read as the same float32."""
    rng = np.random.default_rng(12)
    x = np.round(rng.uniform(-1, 1, size=(SAMPLES, features)), 3).astype("float32")
    y = np.round(rng.uniform(-1, 1, size=(SAMPLES, outputs)), 3).astype("float32")
    return x, y


def seeded(shapes, seed):
    """Weights for `shapes` (in `get_weights()` order), the same on both sides.

    Matrices get small normals; vectors and scalars values in [0.5, 1.5), so
    that a BatchNormalization's moving variance stays positive.
    """
    rng = np.random.default_rng(seed)
    weights = []
    for shape in shapes:
        if len(shape) >= 2:
            values = 0.4 * rng.standard_normal(shape)
        else:
            values = rng.uniform(0.5, 1.5, size=shape)
        weights.append(np.round(values, 3).astype("float32"))
    return weights


def net_classes(keras):
    """A custom layer with a counter, a penalty and a nested BatchNormalization, and a model."""
    ops = keras.ops
    layers = keras.layers

    class Scale(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.norm = layers.BatchNormalization()

        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")
            self.calls = self.add_weight(
                shape=(), initializer="zeros", trainable=False, name="calls"
            )

        def call(self, inputs):  # no `training` argument: BatchNormalization still sees fit's
            self.calls.assign(self.calls + 1.0)
            self.add_loss(0.01 * ops.mean(ops.square(inputs)))
            return self.norm(inputs) * self.scale

    class Net(keras.Model):
        def __init__(self, units=6, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.head = layers.Dense(2)  # assigned first, called last
            self.blocks = [layers.Dense(units, activation="tanh"), Scale()]
            self.extra = {"gate": layers.Dense(units, activation="sigmoid")}

        def call(self, inputs, training=None):
            x = self.blocks[0](inputs)
            x = self.blocks[1](x) * self.extra["gate"](inputs)
            return self.head(x)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return Scale, Net


def combine_model(keras):
    """A functional model around a layer called on two positional tensors, `layer(a, b)`."""
    ops = keras.ops

    class Combine(keras.layers.Layer):
        def build(self, a_shape, b_shape):
            self.w = self.add_weight(shape=(a_shape[-1], b_shape[-1]), name="w")

        def call(self, a, b):
            return ops.tanh(ops.matmul(a, self.w)) * b

    a = keras.Input((5,))
    b = keras.Input((3,))
    mixed = Combine()(keras.layers.Dense(4)(a), b)
    return keras.Model([a, b], keras.layers.Dense(2)(mixed))
