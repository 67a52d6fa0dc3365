"""Ftrl: Follow The Regularized Leader, for large sparse linear models."""

import numpy as np

from kerastutor.optimizers.optimizer import Optimizer

__all__ = ["Ftrl"]


class Ftrl(Optimizer):
    """Keras 3's FTRL-Proximal (McMahan et al., 2013, "Ad Click Prediction"), with p = -learning_rate_power::

        g_shrunk = g + 2 * l2_shrinkage_regularization_strength * w
        new_accumulator = accumulator + g ** 2
        linear = linear + g_shrunk - (new_accumulator ** p - accumulator ** p) / learning_rate * w
        quadratic = new_accumulator ** p / learning_rate + 2 * (l2 + beta / (2 * learning_rate))
        w = (clip(linear, -l1, l1) - linear) / quadratic
        accumulator = new_accumulator

    The weight is solved for rather than stepped: wherever |linear| <= l1
    it is exactly 0, which is how the L1 term makes a sparse model.

    Args:
        learning_rate: defaults to 0.001.
        learning_rate_power: <= 0; -0.5 (the Adagrad-like 1 / sqrt rule).
        initial_accumulator_value: >= 0; 0.1.
        l1_regularization_strength: >= 0; 0.
        l2_regularization_strength: >= 0; 0.
        l2_shrinkage_regularization_strength: >= 0; 0 (an L2 penalty on the
            gradient only, not in the weight's solution).
        beta: 0.0 (the paper's beta, added to the L2 term).
        **kwargs: the options every optimizer takes (see `Optimizer`).
    """

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
        **kwargs,
    ):
        super().__init__(learning_rate, **kwargs)
        if learning_rate_power > 0.0:
            raise ValueError(
                "`learning_rate_power` needs to be negative or zero. Received: "
                f"learning_rate_power={learning_rate_power}."
            )
        for key, value in [
            ("initial_accumulator_value", initial_accumulator_value),
            ("l1_regularization_strength", l1_regularization_strength),
            ("l2_regularization_strength", l2_regularization_strength),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
        ]:
            self._check_non_negative(key, value)
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, variables):
        super().build(variables)
        self._accumulators, self._linears = self.add_optimizer_variables(
            variables, ["accumulator", "linear"], initializer=[self.initial_accumulator_value, 0.0]
        )

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        accumulator, linear = self._accumulators[index].data, self._linears[index].data
        w = variable.data
        p = -np.float32(self.learning_rate_power)
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * learning_rate)
        g_shrunk = gradient + 2 * self.l2_shrinkage_regularization_strength * w
        new_accumulator = accumulator + np.square(gradient)
        linear += g_shrunk - (new_accumulator**p - accumulator**p) / learning_rate * w
        quadratic = new_accumulator**p / learning_rate + 2 * l2
        variable.data = ((np.clip(linear, -l1, l1) - linear) / quadratic).astype(w.dtype)
        accumulator[...] = new_accumulator

    def get_config(self):
        return {
            **super().get_config(),
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        }
