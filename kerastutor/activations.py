"""Activation functions, looked up by the names Keras uses.

Each one is built from `kerastutor.ops`, so it has a gradient for free.

Example:
    >>> import numpy as np
    >>> from kerastutor import activations
    >>> activations.get("relu")(np.array([-1.0, 2.0]))
    array([0., 2.])
"""

from kerastutor import ops

__all__ = ["relu", "sigmoid", "tanh", "softmax", "linear", "get", "serialize"]


def relu(x):
    """max(x, 0)."""
    return ops.relu(x)


def sigmoid(x):
    """1 / (1 + exp(-x)): squashes to (0, 1); the LSTM's gate activation."""
    return ops.sigmoid(x)


def tanh(x):
    """Hyperbolic tangent: squashes to (-1, 1); the LSTM's cell activation."""
    return ops.tanh(x)


def softmax(x, axis=-1):
    """exp(x) normalised to sum to 1 along `axis` (the last one by default)."""
    return ops.softmax(x, axis=axis)


def linear(x):
    """The identity: what a layer does with `activation=None`."""
    return x


_BY_NAME = {
    "relu": relu,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softmax": softmax,
    "linear": linear,
}


def get(identifier):
    """A name, None (linear) or a callable, turned into an activation function.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(
                f"Unknown activation: {identifier!r}. Valid names are: "
                f"{', '.join(sorted(_BY_NAME))}."
            )
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise TypeError(
        f"Could not interpret activation identifier {identifier!r}: expected a name or a function."
    )


def serialize(activation):
    """The name `get_config` stores for an activation."""
    return getattr(activation, "__name__", str(activation))
