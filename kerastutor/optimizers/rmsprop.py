"""RMSprop: divide each step by a running average of the gradient's size."""

import numpy as np

from kerastutor.optimizers.optimizer import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """Keras 3's RMSprop (the seed's `optimizer='rmsprop'`)::

        velocity = rho * velocity + (1 - rho) * g ** 2
        w = w - learning_rate * g / sqrt(velocity + epsilon)

    A weight whose gradients are large gets small steps and vice versa.
    Note where epsilon goes: inside the square root, as in Keras (Adam puts
    it outside).

    Args:
        learning_rate: defaults to 0.001.
        rho: how much of the old average to keep at each step; 0.9.
        epsilon: keeps the division finite; 1e-7.
        name: defaults to 'rmsprop'.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, name=None):
        super().__init__(learning_rate, name=name)
        self.rho = float(rho)
        self.epsilon = float(epsilon)

    def build_slots(self, variable):
        return {"velocity": np.zeros_like(variable.data)}

    def update_step(self, gradient, variable, learning_rate):
        velocity = self.slots(variable)["velocity"]
        velocity *= self.rho
        velocity += (1 - self.rho) * np.square(gradient)
        variable.data -= learning_rate * gradient / np.sqrt(velocity + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
