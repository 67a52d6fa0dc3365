"""CosineDecayRestarts: cosine decay that starts again, each period longer (SGDR)."""

import math

import numpy as np

from kerastutor.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    check_decay_steps,
    float32_step,
)

__all__ = ["CosineDecayRestarts"]


class CosineDecayRestarts(LearningRateSchedule):
    """Stochastic gradient descent with warm restarts (Loshchilov & Hutter, SGDR).

    Period i (from 0) lasts `first_decay_steps * t_mul ** i` steps and its
    cosine is `m_mul ** i` high. Inside a period, with t the fraction of it done::

        cosine = 0.5 * m_mul ** i * (1 + cos(pi * t))
        rate = initial_learning_rate * ((1 - alpha) * cosine + alpha)

    Example:
        >>> schedule = CosineDecayRestarts(1.0, first_decay_steps=2, t_mul=1.0)
        >>> [round(float(schedule(step)), 4) for step in (0, 1, 2, 3)]
        [1.0, 0.5, 1.0, 0.5]

    Args:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: the length of the first period.
        t_mul: each period is this many times longer than the one before; 2.
        m_mul: each period starts this many times lower; 1.
        alpha: the lowest rate as a fraction of the period's start rate; 0.
        name: defaults to 'SGDRDecay'.
    """

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        check_decay_steps(self, "first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        one = np.float32(1)
        t_mul = np.float32(self._t_mul)
        fraction = float32_step(step) / np.float32(self.first_decay_steps)
        if t_mul == one:
            restart = np.floor(fraction)
            fraction = fraction - restart
        else:
            # Periods 1, t, t**2, ... end at (1 - t**i) / (1 - t): solve for i.
            restart = np.floor(np.log(one - fraction * (one - t_mul)) / np.log(t_mul))
            done_before = (one - np.power(t_mul, restart)) / (one - t_mul)
            fraction = (fraction - done_before) / np.power(t_mul, restart)
        height = np.power(np.float32(self._m_mul), restart)
        cosine = np.float32(0.5) * height * (one + np.cos(np.float32(math.pi) * fraction))
        alpha = np.float32(self.alpha)
        return np.float32(self.initial_learning_rate) * ((one - alpha) * cosine + alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
