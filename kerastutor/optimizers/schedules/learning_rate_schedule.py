"""The LearningRateSchedule base class, and (de)serializing schedules as Keras 3 does.

A schedule is a function of the optimizer's step: `schedule(step)` is the
learning rate for the update made when `optimizer.iterations == step`.
Subclass it for a rule of your own::

    class Halving(LearningRateSchedule):
        def __init__(self, initial_learning_rate, every):
            self.initial_learning_rate = initial_learning_rate
            self.every = every

        def __call__(self, step):
            return self.initial_learning_rate * 0.5 ** (step // self.every)

        def get_config(self):
            return {"initial_learning_rate": self.initial_learning_rate, "every": self.every}
"""

import numpy as np

__all__ = ["LearningRateSchedule", "serialize", "deserialize"]

# Keras 3 writes its own schedules with this module name in saved configs.
KERAS_MODULE = "keras.optimizers.schedules"


class LearningRateSchedule:
    """Base class: override `__call__(self, step)` and `get_config(self)`."""

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` in "
            "order to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def step_value(step):
    """The step as a NumPy number: an int, a float or a Variable holding one."""
    return np.asarray(getattr(step, "data", step))


def float32_step(step):
    """The step as the float32 number Keras's schedules compute with."""
    return np.float32(step_value(step))


def check_decay_steps(schedule, key, value):
    """Keras's check that a schedule's number of steps is > 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value > 0:
        raise ValueError(
            f"Argument `{key}` must be > 0. Received: {key}={value!r} "
            f"({type(schedule).__name__}: the rate changes over this many optimizer steps)."
        )


def serialize(learning_rate_schedule):
    """`{'module', 'class_name', 'config', 'registered_name'}`, as Keras 3 writes a schedule."""
    cls = type(learning_rate_schedule)
    built_in = cls.__module__.startswith("kerastutor.optimizers.schedules")
    return {
        "module": KERAS_MODULE if built_in else cls.__module__,
        "class_name": cls.__name__,
        "config": learning_rate_schedule.get_config(),
        "registered_name": None if built_in else cls.__name__,
    }


def deserialize(config, custom_objects=None):
    """A schedule from `serialize`'s dict; your own classes come through `custom_objects`.

    Raises:
        ValueError: for a malformed dict or a class that is neither built in
            nor in `custom_objects`.
    """
    from kerastutor.optimizers import schedules  # the package, which lists the built-ins

    if not isinstance(config, dict) or not isinstance(config.get("config", {}), dict):
        raise ValueError(f"Malformed learning rate schedule config: {config!r}.")
    custom_objects = custom_objects or {}
    name = config.get("class_name")
    cls = custom_objects.get(name) or custom_objects.get(config.get("registered_name"))
    if cls is None and name in schedules.__all__ and name not in ("serialize", "deserialize"):
        cls = getattr(schedules, name)
    if not (isinstance(cls, type) and issubclass(cls, LearningRateSchedule)):
        built_ins = [n for n in schedules.__all__ if n[0].isupper() and n != "LearningRateSchedule"]
        raise ValueError(
            f"Could not locate learning rate schedule class {name!r}. Built-in schedules: "
            f"{', '.join(built_ins)}. A class of your own must be passed in "
            f"custom_objects={{{name!r}: {name}}}."
        )
    return cls.from_config(dict(config.get("config", {})))
