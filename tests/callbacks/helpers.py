"""Small models and data shared by the callback tests."""

import numpy as np

from kerastutor.layers import Dense, Input
from kerastutor.models import Model


def small_model(optimizer="adam", loss="binary_crossentropy", metrics=("accuracy",)):
    x = Input(shape=(3,))
    model = Model(x, Dense(1, activation="sigmoid")(Dense(4, activation="tanh")(x)))
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model


def small_data(count=20):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(count, 3)).astype("float32")
    return x, (x[:, :1] > 0).astype("float32")


class FakeModel:
    """Just what the monitor callbacks touch: weights, `stop_training`, an optimizer."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.weights = [np.zeros(1)]
        self.optimizer = FakeOptimizer(learning_rate)

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [w.copy() for w in weights]


class FakeOptimizer:
    def __init__(self, learning_rate):
        self.learning_rate = learning_rate
