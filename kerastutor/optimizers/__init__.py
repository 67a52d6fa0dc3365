"""Optimizers: SGD, RMSprop, Adam and Adagrad, with Keras 3's rules and defaults.

`model.compile(optimizer='rmsprop')` looks the name up here (`get`), which
creates a fresh optimizer with Keras's default hyper-parameters. Pass an
object instead to choose them: `compile(optimizer=RMSprop(learning_rate=0.01))`.

Example:
    >>> from kerastutor import optimizers
    >>> optimizers.get("rmsprop").get_config()
    {'name': 'rmsprop', 'learning_rate': 0.001, 'rho': 0.9, 'epsilon': 1e-07}
"""

from kerastutor.optimizers.adagrad import Adagrad
from kerastutor.optimizers.adam import Adam
from kerastutor.optimizers.optimizer import Optimizer
from kerastutor.optimizers.rmsprop import RMSprop
from kerastutor.optimizers.sgd import SGD

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "Adagrad", "get", "serialize", "deserialize"]

# Keras accepts any capitalisation of these names ('rmsprop', 'RMSprop', 'Adam').
_BY_NAME = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adagrad": Adagrad}


def get(identifier):
    """An Optimizer from a name ('sgd', 'rmsprop', 'adam', 'adagrad'), a config or an object.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
        TypeError: for anything else.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        optimizer_class = _BY_NAME.get(identifier.lower())
        if optimizer_class is None:
            raise ValueError(
                f"Unknown optimizer: {identifier!r}. Valid names are: "
                f"{', '.join(sorted(_BY_NAME))}; or pass an optimizer object such as "
                "kerastutor.optimizers.SGD(learning_rate=0.1, momentum=0.9)."
            )
        return optimizer_class()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise TypeError(
        f"Could not interpret optimizer identifier {identifier!r}: expected a name such as "
        "'rmsprop' or an Optimizer object."
    )


def serialize(optimizer):
    """`{'class_name': ..., 'config': ...}`, JSON-friendly, for saving."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(optimizer_config):
    """Rebuild an optimizer from `serialize`'s output (only the four classes above).

    Raises:
        ValueError: for an unknown class or a malformed config.
    """
    if not isinstance(optimizer_config, dict) or not isinstance(
        optimizer_config.get("config", {}), dict
    ):
        raise ValueError(f"Malformed optimizer config: {optimizer_config!r}.")
    class_name = optimizer_config.get("class_name")
    optimizer_class = _BY_NAME.get(str(class_name).lower())
    if optimizer_class is None:
        raise ValueError(
            f"Unknown optimizer class {class_name!r}. Valid: SGD, RMSprop, Adam, Adagrad."
        )
    try:
        return optimizer_class.from_config(optimizer_config.get("config", {}))
    except TypeError as error:
        raise ValueError(f"Malformed {class_name} config: {error}") from None
