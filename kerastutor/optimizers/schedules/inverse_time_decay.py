"""InverseTimeDecay: divide the rate by a number that grows with the step."""

import numpy as np

from kerastutor.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    check_decay_steps,
    float32_step,
)

__all__ = ["InverseTimeDecay"]


class InverseTimeDecay(LearningRateSchedule):
    """A rate that falls like 1 / t::

        rate(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps)

    With `staircase=True`, `step / decay_steps` is rounded down. This is
    what Keras 2's `decay=` argument did; Keras 3 spells it as a schedule.

    Example:
        >>> schedule = InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5)
        >>> [round(float(schedule(step)), 4) for step in (0, 1, 2)]
        [0.1, 0.0667, 0.05]

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: a positive number of steps.
        decay_rate: how fast the divisor grows.
        staircase: change only at whole multiples of `decay_steps`.
        name: defaults to 'InverseTimeDecay'.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
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
        return np.float32(self.initial_learning_rate) / (
            np.float32(1) + np.float32(self.decay_rate) * p
        )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
