"""One seedable source of randomness for weights, dropout and shuffling.

Lessons and tests call `kerastutor.utils.set_random_seed(seed)` first, so every
number they show is the same on every run.
"""

import random as _python_random

import numpy as np

__all__ = ["set_random_seed", "generator"]

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
