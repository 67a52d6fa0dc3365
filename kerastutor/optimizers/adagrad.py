"""Adagrad: each weight's steps shrink as its squared gradients add up."""

import numpy as np

from kerastutor.optimizers.optimizer import Optimizer

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Keras 3's Adagrad::

        accumulator = accumulator + g ** 2         # starts at 0.1, never decays
        w = w - learning_rate * g / sqrt(accumulator + epsilon)

    A weight that has had large gradients takes ever smaller steps; one
    that is rarely updated (a rare word's embedding row) keeps large ones.

    Args:
        learning_rate: defaults to 0.001.
        initial_accumulator_value: the accumulator's start; 0.1.
        epsilon: keeps the division finite; 1e-7.
        **kwargs: the options every optimizer takes (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if initial_accumulator_value < 0:
            raise ValueError(
                "`initial_accumulator_value` of Adagrad must be non-negative, received "
                f"{initial_accumulator_value!r}."
            )
        self._check_positive("epsilon", epsilon)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, variables):
        super().build(variables)
        self._accumulators = self.add_optimizer_variables(
            variables, "accumulator", initializer=self.initial_accumulator_value
        )

    def update_step(self, gradient, variable, learning_rate):
        accumulator = self._accumulators[self._get_variable_index(variable)].data
        accumulator += np.square(gradient)
        variable.data -= learning_rate * gradient / np.sqrt(accumulator + self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }
