"""Adamax: Adam with the infinity norm in place of the root mean square."""

import numpy as np

from kerastutor.optimizers.optimizer import Optimizer

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Keras 3's Adamax (section 7 of the Adam paper). At step t = iterations + 1::

        m = m + (1 - beta_1) * (g - m)             # running mean of g
        u = max(beta_2 * u, |g|)                   # decaying largest |g| ("norm")
        w = w - learning_rate * m / ((1 - beta_1 ** t) * (u + epsilon))

    Only m needs a bias correction: u is a maximum, not an average.

    Args:
        learning_rate: defaults to 0.001.
        beta_1: decay of the mean of g, in [0, 1); 0.9.
        beta_2: decay of the largest |g|, in [0, 1); 0.999.
        epsilon: keeps the division finite; 1e-7.
        **kwargs: the options every optimizer takes (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self._check_fraction("beta_1", beta_1)
        self._check_fraction("beta_2", beta_2)
        self._check_positive("epsilon", epsilon)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, variables):
        super().build(variables)
        self._m, self._u = self.add_optimizer_variables(variables, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        m, u = self._m[index].data, self._u[index].data
        t = self.iterations + 1
        m += (gradient - m) * (1 - self.beta_1)
        np.maximum(self.beta_2 * u, np.abs(gradient), out=u)
        bias_correction = 1 - np.float32(self.beta_1) ** np.float32(t)
        variable.data -= learning_rate * m / (bias_correction * (u + self.epsilon))

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
