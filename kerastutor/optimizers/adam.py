"""Adam: momentum plus RMSprop's step scaling, with bias correction."""

import math

import numpy as np

from kerastutor.optimizers.optimizer import Optimizer
from kerastutor.optimizers.parallel_updates import independent_per_variable

__all__ = ["Adam"]


class Adam(Optimizer):
    """Keras 3's Adam (Kingma & Ba, 2014). At step t = iterations + 1::

        m = m + (1 - beta_1) * (g - m)             # running mean of g
        v = v + (1 - beta_2) * (g ** 2 - v)        # running mean of g ** 2
        alpha = learning_rate * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        w = w - alpha * m / (sqrt(v) + epsilon)

    m and v start at 0, so early on they are too small; `alpha` corrects
    both at once (the bias correction). Epsilon goes outside the square
    root here ("epsilon hat" in the paper), unlike RMSprop. With
    `amsgrad=True`, the largest v seen so far (`velocity_hat`) replaces v.

    Args:
        learning_rate: defaults to 0.001.
        beta_1: decay of the mean of g, in [0, 1); 0.9.
        beta_2: decay of the mean of g ** 2, in [0, 1); 0.999.
        epsilon: keeps the division finite; 1e-7.
        amsgrad: use the AMSGrad variant (Reddi et al., 2018).
        **kwargs: the options every optimizer takes (see `Optimizer`).
    """

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs
    ):
        super().__init__(learning_rate, **kwargs)
        self._check_fraction("beta_1", beta_1)
        self._check_fraction("beta_2", beta_2)
        self._check_positive("epsilon", epsilon)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, variables):
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(variables, "velocity_hat")

    @independent_per_variable
    def update_step(self, gradient, variable, learning_rate):
        """The update of the class docstring, computed in place (`out=`) into kept arrays.

        `_update_step_readable` is the same update written as the formulas;
        both give the same bits (tests/test_optimizers_in_place.py).
        """
        index = self._get_variable_index(variable)
        m, v = self._momentums[index].data, self._velocities[index].data
        w = variable.data
        if not self._in_place_fits(gradient, m, v, w):
            return self._update_step_readable(gradient, variable, learning_rate)
        t = self.iterations + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        step, denominator = self._scratch(variable, 2)
        # m = m + (1 - beta_1) * (g - m)
        np.subtract(gradient, m, out=step)
        step *= 1 - self.beta_1
        m += step
        # v = v + (1 - beta_2) * (g ** 2 - v)
        np.square(gradient, out=step)
        step -= v
        step *= 1 - self.beta_2
        v += step
        if self.amsgrad:
            v_hat = self._velocity_hats[index].data
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        # w = w - alpha * m / (sqrt(v) + epsilon)
        np.sqrt(v, out=denominator)
        denominator += self.epsilon
        np.multiply(alpha, m, out=step)
        step /= denominator
        w -= step
        return None

    def _update_step_readable(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        m, v = self._momentums[index].data, self._velocities[index].data
        t = self.iterations + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        m += (gradient - m) * (1 - self.beta_1)
        v += (np.square(gradient) - v) * (1 - self.beta_2)
        if self.amsgrad:
            v_hat = self._velocity_hats[index].data
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        variable.data -= alpha * m / (np.sqrt(v) + self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }
