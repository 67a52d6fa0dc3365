"""Lion: step by the sign of an interpolated momentum."""

import numpy as np

from kerastutor.optimizers.optimizer import Optimizer

__all__ = ["Lion"]


class Lion(Optimizer):
    """Keras 3's Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms")::

        w = w - learning_rate * sign(beta_1 * m + (1 - beta_1) * g)
        m = beta_2 * m + (1 - beta_2) * g

    Every weight moves by exactly `learning_rate` (up or down), so Lion
    wants a rate 3 to 10 times smaller than Adam's.

    Args:
        learning_rate: defaults to 0.001.
        beta_1: the mix of momentum and gradient for the step's sign, in (0, 1]; 0.9.
        beta_2: the momentum's decay, in [0, 1); 0.99.
        **kwargs: the options every optimizer takes (see `Optimizer`).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if not (isinstance(beta_1, (int, float)) and 0 < beta_1 <= 1):
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1}."
            )
        self._check_fraction("beta_2", beta_2)
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, variables):
        super().build(variables)
        self._momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        m = self._momentums[self._get_variable_index(variable)].data
        variable.data -= learning_rate * np.sign(self.beta_1 * m + (1 - self.beta_1) * gradient)
        m *= self.beta_2
        m += (1 - self.beta_2) * gradient

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
