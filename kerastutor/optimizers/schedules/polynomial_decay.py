"""PolynomialDecay: go from one rate to another along (1 - t) ** power."""

import numpy as np

from kerastutor.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    check_decay_steps,
    float32_step,
)

__all__ = ["PolynomialDecay"]


class PolynomialDecay(LearningRateSchedule):
    """From `initial_learning_rate` to `end_learning_rate` in `decay_steps` steps::

        t = min(step, decay_steps) / decay_steps
        rate(step) = (initial_learning_rate - end_learning_rate) * (1 - t) ** power
                     + end_learning_rate

    `power=1` is a straight line. With `cycle=True` the decay starts again,
    over `decay_steps * ceil(step / decay_steps)` steps, instead of staying at
    the end rate.

    Example:
        >>> schedule = PolynomialDecay(1.0, decay_steps=4, end_learning_rate=0.0)
        >>> [float(schedule(step)) for step in (0, 1, 2, 4, 8)]
        [1.0, 0.75, 0.5, 0.0, 0.0]

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: a positive number of steps.
        end_learning_rate: the rate at the end; 0.0001.
        power: the polynomial's power; 1.0.
        cycle: restart the decay after `decay_steps`.
        name: defaults to 'PolynomialDecay'.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        check_decay_steps(self, "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        step = float32_step(step)
        decay_steps = np.float32(self.decay_steps)
        if self.cycle:
            decay_steps = decay_steps * (
                np.float32(1) if step == 0 else np.ceil(step / decay_steps)
            )
        else:
            step = np.minimum(step, decay_steps)
        t = step / decay_steps
        start, end = np.float32(self.initial_learning_rate), np.float32(self.end_learning_rate)
        return (start - end) * np.power(np.float32(1) - t, np.float32(self.power)) + end

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }
