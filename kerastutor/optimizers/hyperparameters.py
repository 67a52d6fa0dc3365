"""Checks every optimizer runs on its arguments, with errors that teach.

`Optimizer` inherits them: a subclass's `__init__` calls
`self._check_fraction("beta_1", beta_1)` and the message names the
optimizer, the argument, the allowed range and what was received. An
argument the class does not take (`Adam(lr=0.01)`) is named with its Keras 3
spelling or the closest accepted name.
"""

import difflib
import inspect
import math
import warnings

import numpy as np

__all__ = ["HyperparameterChecks"]

# Keras 2 spellings a learner's older code still uses, and what Keras 3 calls them.
RENAMED = {"lr": "learning_rate"}


class HyperparameterChecks:
    """Range checks for optimizer arguments (a mixin of `Optimizer`)."""

    def _refuse_unknown_arguments(self, kwargs):
        if kwargs.pop("decay", None) is not None:
            warnings.warn(
                "Argument `decay` is no longer supported and will be ignored. (Keras 3 decays "
                "the rate with a schedule: learning_rate=keras.optimizers.schedules."
                "InverseTimeDecay(...).)",
                stacklevel=3,
            )
        if not kwargs:
            return
        accepted = self._accepted_arguments()
        hints = []
        for key in kwargs:
            if key in RENAMED:
                hints.append(f"`{key}` was renamed to `{RENAMED[key]}` in Keras 3.")
            else:
                close = difflib.get_close_matches(key, accepted, n=1)
                hints.append(f"Did you mean `{close[0]}` for `{key}`?" if close else "")
        raise ValueError(
            f"Argument(s) not recognized: {kwargs} by {type(self).__name__}. "
            + " ".join(hint for hint in hints if hint)
            + f" {type(self).__name__} accepts: {', '.join(accepted)}."
        )

    def _accepted_arguments(self):
        names = []
        for klass in type(self).__mro__:
            if "__init__" in vars(klass) and klass is not object:
                for parameter in inspect.signature(klass.__init__).parameters.values():
                    if (
                        parameter.kind is parameter.POSITIONAL_OR_KEYWORD
                        and parameter.name != "self"
                    ):
                        if parameter.name not in names:
                            names.append(parameter.name)
        return names

    def _check_positive(self, key, value):
        if not _is_number(value) or not (math.isfinite(value) and value > 0):
            raise ValueError(
                f"Argument `{key}` of {type(self).__name__} must be a finite number > 0, "
                f"received {key}={value!r}."
            )

    def _check_non_negative(self, key, value):
        if not _is_number(value) or not (math.isfinite(value) and value >= 0):
            raise ValueError(
                f"Argument `{key}` of {type(self).__name__} must be a finite number >= 0, "
                f"received {key}={value!r}."
            )

    def _check_fraction(self, key, value, top_included=False):
        """A decay rate: in [0, 1) (or [0, 1]); 1 would never forget, above 1 would explode."""
        inside = _is_number(value) and (0 <= value <= 1 if top_included else 0 <= value < 1)
        if not inside:
            interval = "[0, 1]" if top_included else "[0, 1)"
            raise ValueError(
                f"Argument `{key}` of {type(self).__name__} must be in {interval}, received "
                f"{key}={value!r}. It is the fraction of the running average kept at each step."
            )

    def _check_count(self, key, value, smallest):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < smallest:
            raise ValueError(
                f"`{key}` of {type(self).__name__} must be an integer >= {smallest}. "
                f"Received: {key}={value!r}"
            )

    def _checked_rate(self, rate):
        number = not isinstance(rate, bool) and isinstance(rate, (int, float, np.number))
        if not number or not (math.isfinite(rate) and rate > 0):
            raise ValueError(
                f"Argument `learning_rate` of {type(self).__name__} should be a finite positive "
                "float, or an instance of LearningRateSchedule, or a callable (that takes in the "
                f"current iteration value and returns the corresponding learning rate value). "
                f"Received instead: learning_rate={rate!r}. The rate multiplies every step: "
                "zero, negative or infinite rates do not train."
            )
        return float(rate)


def _is_number(value):
    return not isinstance(value, bool) and isinstance(value, (int, float, np.number))
