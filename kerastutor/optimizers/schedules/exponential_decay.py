"""ExponentialDecay: multiply the rate by `decay_rate` every `decay_steps` steps."""

import numpy as np

from kerastutor.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    check_decay_steps,
    float32_step,
)

__all__ = ["ExponentialDecay"]


class ExponentialDecay(LearningRateSchedule):
    """A rate that decays exponentially::

        rate(step) = initial_learning_rate * decay_rate ** (step / decay_steps)

    With `staircase=True` the exponent is `floor(step / decay_steps)`: the
    rate drops in steps, once every `decay_steps` updates.

    Example:
        >>> schedule = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
        >>> [round(float(schedule(step)), 4) for step in (0, 9, 10, 25)]
        [0.1, 0.1, 0.05, 0.025]

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: a positive number of steps.
        decay_rate: the factor per `decay_steps` steps.
        staircase: decay at whole multiples of `decay_steps` only.
        name: defaults to 'ExponentialDecay'.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        check_decay_steps(self, "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = float32_step(step) / np.float32(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return np.float32(self.initial_learning_rate) * np.power(np.float32(self.decay_rate), p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
