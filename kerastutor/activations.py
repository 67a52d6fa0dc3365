"""Activation functions, looked up by the names Keras uses.

Each one is built from `kerastutor.ops`, so it has a gradient for free.

Example:
    >>> import numpy as np
    >>> from kerastutor import activations
    >>> activations.get("relu")(np.array([-1.0, 2.0]))
    array([0., 2.])
"""

from kerastutor import ops
from kerastutor.engine.arguments import unknown_name

__all__ = [
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "linear",
    "gelu",
    "silu",
    "swish",
    "elu",
    "selu",
    "leaky_relu",
    "softplus",
    "softsign",
    "hard_sigmoid",
    "exponential",
    "log_softmax",
    "get",
    "serialize",
]


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0); with Keras's options, a leaky, capped or shifted relu.

    Above `threshold` the output is x, below it `negative_slope * (x -
    threshold)` (0 by default), and nothing exceeds `max_value` (relu6 is
    `max_value=6`).
    """
    if negative_slope == 0 and max_value is None and threshold == 0:
        return ops.relu(x)
    out = ops.where(ops.greater(x, threshold), x, negative_slope * (x - threshold))
    if max_value is not None:
        out = ops.minimum(out, max_value)
    return out


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


# The smooth and the self-normalizing relatives of relu that Keras 3 has.
# Each is one op of `kerastutor.ops`, whose docstring gives its formula and slope.


def gelu(x, approximate=False):
    """x * Phi(x), Phi the standard normal CDF: a relu that bends smoothly near 0.

    Transformers' activation. Keras's activation computes the exact Phi by
    default (`keras.ops.gelu` defaults to the tanh approximation instead).
    """
    return ops.gelu(x, approximate=approximate)


def silu(x):
    """x * sigmoid(x), also called swish: smooth, and dips slightly below 0."""
    return ops.silu(x)


swish = silu  # one function under two names; it is saved as 'silu', as Keras does


def elu(x, alpha=1.0):
    """x for x >= 0, alpha * (exp(x) - 1) below: negative outputs, down to -alpha."""
    return ops.elu(x, alpha=alpha)


def selu(x):
    """1.0507 * elu(x, alpha=1.6733): constants that keep activations at mean 0, variance 1.

    Meant for `kernel_initializer='lecun_normal'` and no batch normalization.
    """
    return ops.selu(x)


def leaky_relu(x, negative_slope=0.2):
    """x for x >= 0, negative_slope * x below: a relu whose negative side still learns."""
    return ops.leaky_relu(x, negative_slope=negative_slope)


def softplus(x):
    """log(1 + exp(x)): a smooth relu, always positive."""
    return ops.softplus(x)


def softsign(x):
    """x / (1 + |x|): squashes to (-1, 1) like tanh, but approaches the ends slower."""
    return ops.softsign(x)


def hard_sigmoid(x):
    """clip(x / 6 + 0.5, 0, 1): a straight-line sigmoid, cheap to compute."""
    return ops.hard_sigmoid(x)


def exponential(x):
    """exp(x)."""
    return ops.exp(x)


def log_softmax(x, axis=-1):
    """log(softmax(x)) along `axis`, computed without taking the log of 0."""
    return ops.log_softmax(x, axis=axis)


_BY_NAME = {
    "relu": relu,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softmax": softmax,
    "linear": linear,
    "gelu": gelu,
    "silu": silu,
    "swish": swish,
    "elu": elu,
    "selu": selu,
    "leaky_relu": leaky_relu,
    "softplus": softplus,
    "softsign": softsign,
    "hard_sigmoid": hard_sigmoid,
    "exponential": exponential,
    "log_softmax": log_softmax,
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
            raise unknown_name("activation", identifier, _BY_NAME)
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise TypeError(
        f"Could not interpret activation identifier {identifier!r}: expected a name or a function."
    )


def serialize(activation):
    """The name `get_config` stores for an activation."""
    return getattr(activation, "__name__", str(activation))
