"""RMSprop: divide each step by a running average of the gradient's size."""

import numpy as np

from kerastutor.optimizers.optimizer import Optimizer
from kerastutor.optimizers.parallel_updates import independent_per_variable

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """Keras 3's RMSprop (the seed's `optimizer='rmsprop'`)::

        velocity = rho * velocity + (1 - rho) * g ** 2
        w = w - learning_rate * g / sqrt(velocity + epsilon)

    A weight whose gradients are large gets small steps and vice versa.
    Note where epsilon goes: inside the square root, as in Keras (Adam puts
    it outside).

    With `centered=True` the denominator uses the variance instead,
    `velocity - average_gradient ** 2`, where `average_gradient` is the
    running mean of g. With `momentum > 0` the steps add up in a momentum
    slot, `momentum_slot = momentum * momentum_slot + step; w = w - momentum_slot`.

    Args:
        learning_rate: defaults to 0.001.
        rho: how much of the old average to keep at each step; 0.9.
        momentum: 0.0 (none).
        epsilon: keeps the division finite; 1e-7.
        centered: divide by the variance rather than the mean square.
        **kwargs: the options every optimizer takes (see `Optimizer`).
    """

    def __init__(
        self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs
    ):
        super().__init__(learning_rate, **kwargs)
        self._check_fraction("rho", rho)
        self._check_fraction("momentum", momentum)
        self._check_positive("epsilon", epsilon)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, variables):
        super().build(variables)
        self._velocities = self.add_optimizer_variables(variables, "velocity")
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(variables, "momentum")
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(variables, "average_gradient")

    @independent_per_variable
    def update_step(self, gradient, variable, learning_rate):
        """The update of the class docstring, computed in place (`out=`) into kept arrays.

        `_update_step_readable` is the same update written as the formulas;
        both give the same bits (tests/test_optimizers_in_place.py).
        """
        index = self._get_variable_index(variable)
        velocity, w = self._velocities[index].data, variable.data
        if not self._in_place_fits(gradient, velocity, w):
            return self._update_step_readable(gradient, variable, learning_rate)
        step, denominator = self._scratch(variable, 2)
        # velocity = rho * velocity + (1 - rho) * g ** 2
        velocity *= self.rho
        np.square(gradient, out=step)
        step *= 1 - self.rho
        velocity += step
        if self.centered:
            # denominator = velocity - average_gradient ** 2 + epsilon
            average = self._average_gradients[index].data
            average *= self.rho
            np.multiply(gradient, 1 - self.rho, out=step)
            average += step
            np.square(average, out=step)
            np.subtract(velocity, step, out=denominator)
            denominator += self.epsilon
        else:
            np.add(velocity, self.epsilon, out=denominator)
        # w = w - learning_rate * g / sqrt(denominator)
        np.sqrt(denominator, out=denominator)
        np.multiply(learning_rate, gradient, out=step)
        step /= denominator
        if self.momentum > 0:
            momentum = self._momentums[index].data
            momentum *= self.momentum
            momentum += step
            step = momentum
        w -= step
        return None

    def _update_step_readable(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        velocity = self._velocities[index].data
        velocity *= self.rho
        velocity += (1 - self.rho) * np.square(gradient)
        if self.centered:
            average = self._average_gradients[index].data
            average *= self.rho
            average += (1 - self.rho) * gradient
            denominator = velocity - np.square(average) + self.epsilon
        else:
            denominator = velocity + self.epsilon
        increment = learning_rate * gradient / np.sqrt(denominator)
        if self.momentum > 0:
            momentum = self._momentums[index].data
            momentum *= self.momentum
            momentum += increment
            variable.data -= momentum
        else:
            variable.data -= increment

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
