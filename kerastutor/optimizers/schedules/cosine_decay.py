"""CosineDecay: follow half a cosine wave down, after an optional linear warmup."""

import math

import numpy as np

from kerastutor.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    check_decay_steps,
    float32_step,
)

__all__ = ["CosineDecay"]


class CosineDecay(LearningRateSchedule):
    """Cosine decay (SGDR without restarts), with an optional linear warmup.

    Without warmup (`warmup_target=None`)::

        t = min(step, decay_steps) / decay_steps
        rate(step) = initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * t)) + alpha)

    With warmup, the rate first climbs in a straight line from
    `initial_learning_rate` to `warmup_target` over `warmup_steps` steps,
    then decays from `warmup_target` as above over the next `decay_steps`.

    Example:
        >>> schedule = CosineDecay(1.0, decay_steps=4)
        >>> [round(float(schedule(step)), 4) for step in (0, 2, 4, 9)]
        [1.0, 0.5, 0.0, 0.0]

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: a positive number of decay steps.
        alpha: the end rate as a fraction of the decay's start rate; 0.
        name: defaults to 'CosineDecay'.
        warmup_target: the rate reached after the warmup; None: no warmup.
        warmup_steps: the number of warmup steps; 0.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        check_decay_steps(self, "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def __call__(self, step):
        step = float32_step(step)
        start = np.float32(self.initial_learning_rate)
        decay_steps = np.float32(self.decay_steps)
        if self.warmup_target is None:
            return self._decay(np.minimum(step, decay_steps), decay_steps, start)
        target = np.float32(self.warmup_target)
        warmup_steps = np.float32(self.warmup_steps)
        step = np.minimum(step, decay_steps + warmup_steps)
        if step < warmup_steps:
            return (target - start) * (step / warmup_steps) + start
        return self._decay(step - warmup_steps, decay_steps, target)

    def _decay(self, step, decay_steps, decay_from):
        cosine = np.float32(0.5) * (
            np.float32(1) + np.cos(np.float32(math.pi) * (step / decay_steps))
        )
        alpha = np.float32(self.alpha)
        return decay_from * ((np.float32(1) - alpha) * cosine + alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }
