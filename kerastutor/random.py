"""One seedable source of randomness for weights, dropout and shuffling.

Lessons and tests call `kerastutor.utils.set_random_seed(seed)` first, so every
number they show is the same on every run.
"""

import random as _python_random

import numpy as np

__all__ = ["SeedGenerator", "dropout", "generator", "normal", "set_random_seed", "uniform"]

_generator = np.random.default_rng()


def set_random_seed(seed):
    """Seed kerastutor's generator (and Python's and NumPy's legacy ones).

    Args:
        seed: a non-negative integer.
    """
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"set_random_seed expects a non-negative integer seed, received {seed!r}.")
    _generator = np.random.default_rng(int(seed))
    _python_random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)


def generator(seed=None):
    """The generator to draw from: a fresh one for an explicit seed, else the shared one."""
    if seed is not None:
        return np.random.default_rng(seed)
    return _generator


class SeedGenerator:
    """A layer's own stream of random numbers, as Keras 3's `keras.random.SeedGenerator`.

    A layer that draws noise in `call` (a VAE's sampling layer) keeps one and
    passes it as `seed=`: each call draws new numbers, and the same seed
    gives the same sequence on every run.

    Args:
        seed: an integer; None draws one from kerastutor's shared generator.
    """

    def __init__(self, seed=None, **kwargs):
        if seed is None:
            seed = int(generator().integers(2**31))
        self._generator = np.random.default_rng(int(seed))

    def next(self):
        """The NumPy generator the next draw comes from."""
        return self._generator


def _draw_from(seed):
    if isinstance(seed, SeedGenerator):
        return seed.next()
    return generator(seed)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from N(mean, stddev^2) of `shape`, as `keras.random.normal`.

    Args:
        seed: None (the shared generator), an integer (the same numbers every
            time) or a `SeedGenerator` (a new draw from its stream each time).
    """
    values = _draw_from(seed).normal(mean, stddev, size=tuple(int(d) for d in shape))
    return values.astype(dtype or "float32")


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from U[minval, maxval) of `shape`, as `keras.random.uniform`."""
    values = _draw_from(seed).uniform(minval, maxval, size=tuple(int(d) for d in shape))
    return values.astype(dtype or "float32")


def dropout(inputs, rate, noise_shape=None, seed=None):
    """`inputs` with each entry zeroed with probability `rate`, the rest scaled by 1/(1-rate).

    As `keras.random.dropout`: a custom layer's `call` uses it when
    `training` is true. Gradients flow through the entries that are kept.
    """
    from kerastutor import ops  # ops is built on this module: imported when first used

    shape = np.shape(np.asarray(inputs)) if noise_shape is None else noise_shape
    keep = _draw_from(seed).uniform(size=tuple(int(d) for d in shape)) >= rate
    scale = np.asarray(keep / (1.0 - rate), dtype=np.asarray(inputs).dtype)
    return ops.multiply(inputs, scale)
