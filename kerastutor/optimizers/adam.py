"""Adam: momentum plus RMSprop's step scaling, with bias correction."""

import math

import numpy as np

from kerastutor.optimizers.optimizer import Optimizer

__all__ = ["Adam"]


class Adam(Optimizer):
    """Keras 3's Adam. At step t = iterations + 1::

        m = m + (1 - beta_1) * (g - m)             # running mean of g
        v = v + (1 - beta_2) * (g ** 2 - v)        # running mean of g ** 2
        alpha = learning_rate * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        w = w - alpha * m / (sqrt(v) + epsilon)

    m and v start at 0, so early on they are too small; `alpha` corrects
    both at once (the bias correction). Epsilon goes outside the square
    root here ("epsilon hat" in the paper), unlike RMSprop.

    Args:
        learning_rate: defaults to 0.001.
        beta_1: decay of the mean of g; 0.9.
        beta_2: decay of the mean of g ** 2; 0.999.
        epsilon: keeps the division finite; 1e-7.
        name: defaults to 'adam'.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None):
        super().__init__(learning_rate, name=name)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)

    def build_slots(self, variable):
        return {"momentum": np.zeros_like(variable.data), "velocity": np.zeros_like(variable.data)}

    def update_step(self, gradient, variable, learning_rate):
        slots = self.slots(variable)
        m, v = slots["momentum"], slots["velocity"]
        step = self.iterations + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2**step) / (1 - self.beta_1**step)
        m += (gradient - m) * (1 - self.beta_1)
        v += (np.square(gradient) - v) * (1 - self.beta_2)
        variable.data -= alpha * m / (np.sqrt(v) + self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
