"""Weight initializers with Keras's names, defaults and configs.

An initializer is called with a shape and a dtype and returns a NumPy array.
Unseeded initializers draw from kerastutor's shared generator, so
`kerastutor.utils.set_random_seed(0)` makes every freshly built model the same.

Example:
    >>> from kerastutor import initializers
    >>> init = initializers.get("glorot_uniform")
    >>> init((3, 2)).shape
    (3, 2)
"""

import math

import numpy as np

from kerastutor import config, random
from kerastutor.engine.arguments import unknown_name

__all__ = [
    "Initializer",
    "Zeros",
    "Ones",
    "Constant",
    "RandomUniform",
    "RandomNormal",
    "GlorotUniform",
    "GlorotNormal",
    "HeUniform",
    "HeNormal",
    "Orthogonal",
    "TruncatedNormal",
    "VarianceScaling",
    "LecunUniform",
    "LecunNormal",
    "Identity",
    "get",
    "serialize",
    "deserialize",
]


def _fans(shape):
    """Fan-in and fan-out as Keras computes them (conv kernels count the window)."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class Initializer:
    """Base class: subclasses implement `__call__(shape, dtype)` and `get_config`."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config_dict):
        return cls(**config_dict)

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"


class Zeros(Initializer):
    """All zeros: Keras's default for biases."""

    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype=dtype or config.floatx())


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return np.ones(shape, dtype=dtype or config.floatx())


class Constant(Initializer):
    """Every entry equal to `value`."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.full(shape, self.value, dtype=dtype or config.floatx())

    def get_config(self):
        return {"value": self.value}


class RandomUniform(Initializer):
    """Uniform on [minval, maxval): Keras's 'uniform', the Embedding default."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed

    def __call__(self, shape, dtype=None):
        values = random.generator(self.seed).uniform(self.minval, self.maxval, size=shape)
        return values.astype(dtype or config.floatx())

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(Initializer):
    """Normal with the given mean and standard deviation."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None):
        values = random.generator(self.seed).normal(self.mean, self.stddev, size=shape)
        return values.astype(dtype or config.floatx())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(Initializer):
    """Normal with the given mean and stddev, redrawn where it falls over 2 stddevs away."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None):
        values = _truncated_normal(shape, self.stddev, self.seed) + self.mean
        return values.astype(dtype or config.floatx())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class VarianceScaling(Initializer):
    """Random weights whose variance is `scale / n`, n counted from the weight's shape.

    With n = fan_in (`mode='fan_in'`), fan_out or their average
    (`'fan_avg'`), the outputs of a layer keep about the variance of its
    inputs. The Glorot, He and LeCun initializers are this with fixed
    arguments:

        'truncated_normal':   stddev = sqrt(scale / n), cut at 2 stddevs
        'untruncated_normal': stddev = sqrt(scale / n)
        'uniform':            on [-limit, limit], limit = sqrt(3 * scale / n)
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if not scale > 0:
            raise ValueError(
                f"VarianceScaling: `scale` must be a positive number. Received: scale={scale!r}."
            )
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(
                "VarianceScaling: `mode` must be one of 'fan_in', 'fan_out', 'fan_avg'. "
                f"Received: mode={mode!r}."
            )
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(
                "VarianceScaling: `distribution` must be one of 'truncated_normal', "
                f"'untruncated_normal', 'uniform'. Received: distribution={distribution!r}."
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = _fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            values = random.generator(self.seed).uniform(-limit, limit, size=shape)
        elif self.distribution == "untruncated_normal":
            values = random.generator(self.seed).normal(0.0, math.sqrt(variance), size=shape)
        else:
            # Cutting at 2 stddevs narrows a normal: its stddev is 0.8796... of
            # the one drawn from, so draw from a wider one to end at sqrt(variance).
            values = _truncated_normal(shape, math.sqrt(variance) / 0.87962566103423978, self.seed)
        return values.astype(dtype or config.floatx())

    def get_config(self):
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling whose scale, mode and distribution are its class's (Glorot, He, ...)."""

    scale_mode_distribution = None  # set by each subclass

    def __init__(self, seed=None):
        super().__init__(*self.scale_mode_distribution, seed=seed)

    def get_config(self):
        return {"seed": self.seed}


class GlorotUniform(_FixedVarianceScaling):
    """Uniform on [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)): the kernel default."""

    scale_mode_distribution = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with stddev sqrt(2 / (fan_in + fan_out))."""

    scale_mode_distribution = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """Uniform on [-limit, limit], limit = sqrt(6 / fan_in): suits relu layers."""

    scale_mode_distribution = (2.0, "fan_in", "uniform")


class HeNormal(_FixedVarianceScaling):
    """Truncated normal with stddev sqrt(2 / fan_in)."""

    scale_mode_distribution = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """Uniform on [-limit, limit], limit = sqrt(3 / fan_in): suits selu layers."""

    scale_mode_distribution = (1.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with stddev sqrt(1 / fan_in)."""

    scale_mode_distribution = (1.0, "fan_in", "truncated_normal")


class Identity(Initializer):
    """`gain` times the identity matrix, for square or rectangular 2-D weights."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(
                f"Identity initializer is for 2-D weights (a matrix); received shape {shape}. "
                "Use 'orthogonal' for a kernel of higher rank."
            )
        return (self.gain * np.eye(*shape)).astype(dtype or config.floatx())

    def get_config(self):
        return {"gain": self.gain}


class Orthogonal(Initializer):
    """A random orthogonal matrix: the LSTM's recurrent_kernel default.

    Its columns are orthonormal, so repeatedly multiplying a state by it
    neither blows up nor shrinks the state: useful across many timesteps.
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        self.seed = seed

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(
                f"Orthogonal initializer needs a shape of rank at least 2, received {shape}."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        flat = random.generator(self.seed).normal(0.0, 1.0, size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(flat)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(shape).astype(dtype or config.floatx())

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


def _truncated_normal(shape, stddev, seed):
    """Normal(0, stddev) samples, each one over 2 stddevs from 0 drawn again."""
    rng = random.generator(seed)
    values = rng.normal(0.0, stddev, size=shape)
    outside = np.abs(values) > 2 * stddev
    while outside.any():
        values[outside] = rng.normal(0.0, stddev, size=int(outside.sum()))
        outside = np.abs(values) > 2 * stddev
    return values


_BY_NAME = {
    "zeros": Zeros,
    "ones": Ones,
    "constant": Constant,
    "uniform": RandomUniform,
    "random_uniform": RandomUniform,
    "normal": RandomNormal,
    "random_normal": RandomNormal,
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "he_normal": HeNormal,
    "orthogonal": Orthogonal,
    "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling,
    "lecun_uniform": LecunUniform,
    "lecun_normal": LecunNormal,
    "identity": Identity,
}
_BY_CLASS_NAME = {cls.__name__: cls for cls in set(_BY_NAME.values())}


def get(identifier):
    """Turn a name, a config dict or an initializer into an initializer; None stays None.

    None, as in Keras, means "the default": a layer's `add_weight` then
    draws a float weight with glorot_uniform (a bias too) and fills any
    other with zeros, whatever default the layer's own argument has.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        # Keras takes a class name too: 'GlorotUniform' as 'glorot_uniform'.
        cls = _BY_NAME.get(identifier) or _BY_CLASS_NAME.get(identifier)
        if cls is None:
            raise unknown_name("initializer", identifier, _BY_NAME)
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(
        f"Could not interpret initializer identifier {identifier!r}: expected a name, "
        "a config dict or an Initializer."
    )


def serialize(initializer):
    """The `{'class_name': ..., 'config': ...}` dict that `get_config` shows (None for None)."""
    if initializer is None:
        return None
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def deserialize(config_dict):
    class_name = config_dict.get("class_name")
    if class_name not in _BY_CLASS_NAME:
        raise ValueError(
            f"Unknown initializer class: {class_name!r}. Valid classes are: "
            f"{', '.join(sorted(_BY_CLASS_NAME))}."
        )
    return _BY_CLASS_NAME[class_name].from_config(config_dict.get("config", {}))
