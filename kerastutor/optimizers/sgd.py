"""SGD: step against the gradient, optionally with (Nesterov) momentum."""

from kerastutor.optimizers.optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """Gradient descent, with Keras 3's momentum rules.

    Without momentum::

        w = w - learning_rate * g

    With momentum, a velocity remembers past steps::

        velocity = momentum * velocity - learning_rate * g
        w = w + velocity

    With `nesterov=True` the step looks ahead along the new velocity::

        velocity = momentum * velocity - learning_rate * g
        w = w + momentum * velocity - learning_rate * g

    Args:
        learning_rate: defaults to 0.01.
        momentum: a float in [0, 1]; 0 (the default) is plain SGD.
        nesterov: whether to use Nesterov momentum.
        **kwargs: the options every optimizer takes (`weight_decay`,
            `clipnorm`, `name`, ...; see `Optimizer`).

    Example:
        >>> import numpy as np
        >>> from kerastutor.autodiff import Variable
        >>> w = Variable(np.array([1.0], dtype="float32"), name="w")
        >>> SGD(learning_rate=0.1).apply([np.array([2.0])], [w])
        >>> w.data
        array([0.8], dtype=float32)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if (
            isinstance(momentum, bool)
            or not isinstance(momentum, (int, float))
            or not (0 <= momentum <= 1)
        ):
            raise ValueError(f"`momentum` must be a float between [0, 1], received {momentum!r}.")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def build(self, variables):
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        if self.momentum == 0:
            variable.data -= learning_rate * gradient
            return
        velocity = self.momentums[self._get_variable_index(variable)].data
        velocity *= self.momentum
        velocity -= learning_rate * gradient
        if self.nesterov:
            variable.data += self.momentum * velocity - learning_rate * gradient
        else:
            variable.data += velocity

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
