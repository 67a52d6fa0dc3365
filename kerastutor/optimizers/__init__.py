"""Optimizers with Keras 3's rules, defaults, options and saved state.

`model.compile(optimizer='rmsprop')` looks the name up here (`get`), which
creates a fresh optimizer with Keras's default hyper-parameters. Pass an
object instead to choose them: `compile(optimizer=RMSprop(learning_rate=0.01))`.
`schedules` holds the learning-rate schedules.

Example:
    >>> from kerastutor import optimizers
    >>> config = optimizers.get("rmsprop").get_config()
    >>> config["rho"], config["epsilon"], config["clipnorm"]
    (0.9, 1e-07, None)
"""

import difflib

from kerastutor.optimizers import schedules
from kerastutor.optimizers.adadelta import Adadelta
from kerastutor.optimizers.adagrad import Adagrad
from kerastutor.optimizers.adam import Adam
from kerastutor.optimizers.adamax import Adamax
from kerastutor.optimizers.adamw import AdamW
from kerastutor.optimizers.ftrl import Ftrl
from kerastutor.optimizers.lion import Lion
from kerastutor.optimizers.nadam import Nadam
from kerastutor.optimizers.optimizer import Optimizer
from kerastutor.optimizers.rmsprop import RMSprop
from kerastutor.optimizers.sgd import SGD

__all__ = [
    "Optimizer",
    "SGD",
    "RMSprop",
    "Adam",
    "AdamW",
    "Adagrad",
    "Adadelta",
    "Adamax",
    "Nadam",
    "Ftrl",
    "Lion",
    "schedules",
    "get",
    "serialize",
    "deserialize",
]

# Keras accepts any capitalisation of these names ('rmsprop', 'RMSprop', 'Adam').
_CLASSES = [SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam, Ftrl, Lion]
_BY_NAME = {cls.__name__.lower(): cls for cls in _CLASSES}


def get(identifier):
    """An Optimizer from a name ('sgd', 'adam', 'adamw', ...), a config or an object.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
        TypeError: for anything else.
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return _class_named(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise TypeError(
        f"Could not interpret optimizer identifier {identifier!r}: expected a name such as "
        "'rmsprop' or an Optimizer object."
    )


def serialize(optimizer):
    """`{'class_name': ..., 'config': ...}`, JSON-friendly, for saving."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(optimizer_config, custom_objects=None):
    """Rebuild an optimizer from `serialize`'s output (or Keras 3's, with its 'module').

    Raises:
        ValueError: for an unknown class or a malformed config.
    """
    if not isinstance(optimizer_config, dict) or not isinstance(
        optimizer_config.get("config", {}), dict
    ):
        raise ValueError(f"Malformed optimizer config: {optimizer_config!r}.")
    class_name = str(optimizer_config.get("class_name"))
    optimizer_class = (custom_objects or {}).get(class_name) or _class_named(class_name)
    try:
        return optimizer_class.from_config(
            dict(optimizer_config.get("config", {})), custom_objects=custom_objects
        )
    except TypeError as error:
        raise ValueError(f"Malformed {class_name} config: {error}") from None


def _class_named(name):
    optimizer_class = _BY_NAME.get(name.lower())
    if optimizer_class is None:
        close = difflib.get_close_matches(name.lower(), _BY_NAME, n=1)
        raise ValueError(
            f"Unknown optimizer: {name!r}. "
            + (f"Did you mean {close[0]!r}? " if close else "")
            + f"Valid names are: {', '.join(sorted(_BY_NAME))}; or pass an optimizer object "
            "such as kerastutor.optimizers.SGD(learning_rate=0.1, momentum=0.9)."
        )
    return optimizer_class
