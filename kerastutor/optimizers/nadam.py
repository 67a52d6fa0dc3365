"""Nadam: Adam with Nesterov momentum."""

import numpy as np

from kerastutor.optimizers.optimizer import Optimizer

__all__ = ["Nadam"]


class Nadam(Optimizer):
    """Keras 3's Nadam (Dozat, 2016). At step t = iterations + 1::

        mu_t     = beta_1 * (1 - 0.5 * 0.96 ** t)      # momentum schedule
        mu_next  = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        product  = mu_1 * mu_2 * ... * mu_t           # kept in `u_product`
        m = m + (1 - beta_1) * (g - m)
        v = v + (1 - beta_2) * (g ** 2 - v)
        m_hat = mu_next * m / (1 - product * mu_next) + (1 - mu_t) * g / (1 - product)
        v_hat = v / (1 - beta_2 ** t)
        w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    `m_hat` looks one step ahead along the momentum (Nesterov), mixing the
    next step's momentum with this step's gradient.

    Args:
        learning_rate: defaults to 0.001.
        beta_1: decay of the mean of g, in [0, 1); 0.9.
        beta_2: decay of the mean of g ** 2, in [0, 1); 0.999.
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
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"]
        )
        self._u_product = self.add_variable(initializer=1.0)

    def _mu(self, step):
        return np.float32(self.beta_1) * (
            1 - np.float32(0.5) * np.float32(0.96) ** np.float32(step)
        )

    def before_update_steps(self):
        self._u_product.data = self._u_product.data * self._mu(self.iterations + 1)

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        m, v = self._momentums[index].data, self._velocities[index].data
        t = self.iterations + 1
        mu_t, mu_next = self._mu(t), self._mu(t + 1)
        product = self._u_product.data  # already includes mu_t
        m += (gradient - m) * (1 - self.beta_1)
        v += (np.square(gradient) - v) * (1 - self.beta_2)
        m_hat = mu_next * m / (1 - product * mu_next) + (1 - mu_t) * gradient / (1 - product)
        v_hat = v / (1 - np.float32(self.beta_2) ** np.float32(t))
        variable.data -= learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
