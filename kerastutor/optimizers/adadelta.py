"""Adadelta: steps sized by the ratio of two running root mean squares."""

import numpy as np

from kerastutor.optimizers.optimizer import Optimizer

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Keras 3's Adadelta (Zeiler, 2012), with rms(x) = sqrt(x + epsilon)::

        accumulated_grad = rho * accumulated_grad + (1 - rho) * g ** 2
        delta = -rms(accumulated_delta_var) / rms(accumulated_grad) * g
        accumulated_delta_var = rho * accumulated_delta_var + (1 - rho) * delta ** 2
        w = w + learning_rate * delta

    The step has the units of the weight (a past step size over a gradient
    size), so the paper needs no learning rate; Keras keeps one, and its
    default 0.001 makes the steps small: the paper's rule is learning_rate=1.

    Args:
        learning_rate: defaults to 0.001.
        rho: the decay of both averages, in [0, 1); 0.95.
        epsilon: keeps the roots and the division finite; 1e-7.
        **kwargs: the options every optimizer takes (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self._check_fraction("rho", rho)
        self._check_positive("epsilon", epsilon)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, variables):
        super().build(variables)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            variables, ["accumulated_grad", "accumulated_delta_var"]
        )

    def _rms(self, x):
        return np.sqrt(x + self.epsilon)

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        accumulated_grad = self._accumulated_grads[index].data
        accumulated_delta_var = self._accumulated_delta_vars[index].data
        accumulated_grad *= self.rho
        accumulated_grad += (1 - self.rho) * np.square(gradient)
        delta = -self._rms(accumulated_delta_var) / self._rms(accumulated_grad) * gradient
        accumulated_delta_var *= self.rho
        accumulated_delta_var += (1 - self.rho) * np.square(delta)
        variable.data += learning_rate * delta

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
