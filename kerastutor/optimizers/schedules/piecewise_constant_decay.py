"""PiecewiseConstantDecay: one rate per interval of steps."""

import numpy as np

from kerastutor.optimizers.schedules.learning_rate_schedule import LearningRateSchedule, step_value

__all__ = ["PiecewiseConstantDecay"]


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` up to and including step `boundaries[0]`, `values[1]` up to `boundaries[1]`, ...

    With boundaries [b0, b1] and values [v0, v1, v2]::

        rate(step) = v0 if step <= b0,  v1 if b0 < step <= b1,  v2 if step > b1

    Example:
        >>> schedule = PiecewiseConstantDecay(boundaries=[10, 20], values=[1.0, 0.5, 0.25])
        >>> [float(schedule(step)) for step in (0, 10, 11, 20, 21)]
        [1.0, 1.0, 0.5, 0.5, 0.25]

    Args:
        boundaries: increasing step numbers where the rate changes.
        values: one more rate than there are boundaries.
        name: defaults to 'PiecewiseConstant'.
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. Received: "
                f"boundaries={boundaries} of length {len(boundaries)}, and values={values} of "
                f"length {len(values)}. (Each boundary separates two intervals, each interval "
                "has its rate.)"
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = step_value(step)
        for boundary, value in zip(self.boundaries, self.values, strict=False):
            if step <= boundary:
                return np.float32(value)
        return np.float32(self.values[-1])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}
