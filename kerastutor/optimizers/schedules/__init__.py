"""Learning-rate schedules: the rate as a function of the optimizer's step.

Pass one as an optimizer's `learning_rate`; each update then uses
`schedule(optimizer.iterations)`::

    from kerastutor import optimizers
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.9)
    optimizer = optimizers.SGD(learning_rate=schedule)
"""

from kerastutor.optimizers.schedules.cosine_decay import CosineDecay
from kerastutor.optimizers.schedules.cosine_decay_restarts import CosineDecayRestarts
from kerastutor.optimizers.schedules.exponential_decay import ExponentialDecay
from kerastutor.optimizers.schedules.inverse_time_decay import InverseTimeDecay
from kerastutor.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    deserialize,
    serialize,
)
from kerastutor.optimizers.schedules.piecewise_constant_decay import PiecewiseConstantDecay
from kerastutor.optimizers.schedules.polynomial_decay import PolynomialDecay

__all__ = [
    "LearningRateSchedule",
    "ExponentialDecay",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "InverseTimeDecay",
    "CosineDecay",
    "CosineDecayRestarts",
    "serialize",
    "deserialize",
]
