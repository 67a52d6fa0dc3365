"""GaussianNoise: during training, add zero-mean normal noise to the inputs."""

import numbers

from kerastutor import random
from kerastutor.engine.base_layer import Layer

__all__ = ["GaussianNoise"]


class GaussianNoise(Layer):
    """Adds noise drawn from N(0, stddev^2) to every input, during training only.

        training:   outputs = inputs + noise,  noise ~ N(0, stddev^2)
        otherwise:  outputs = inputs

    A model that never sees exactly the same input twice cannot memorise
    them: a form of data augmentation for real-valued inputs. `predict` and
    plain calls return the inputs unchanged. Masks pass through.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import GaussianNoise
        >>> layer = GaussianNoise(0.1, seed=0)
        >>> layer(np.ones((1, 3)))
        array([[1., 1., 1.]], dtype=float32)
        >>> bool((layer(np.ones((1, 3)), training=True) != 1.0).all())
        True

    Args:
        stddev: the noise's standard deviation, in [0, 1].
        seed: optional integer for a generator of the layer's own; otherwise
            kerastutor's shared one (`kerastutor.utils.set_random_seed`).
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_rate(self, "stddev", stddev, "the noise's standard deviation", upper=1)
        self.stddev = stddev
        self.seed = seed
        self._generator = random.generator(seed) if seed is not None else None
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        generator = self._generator or random.generator()
        noise = generator.normal(0.0, self.stddev, size=inputs.shape).astype(inputs.dtype)
        return inputs + noise

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config


def _check_rate(layer, argument, value, meaning, upper):
    """A number in [0, upper] (the noise layers' shared check)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= upper:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}': `{argument}` ({meaning}) must be a "
            f"number between 0 and {upper}. Received: {argument}={value!r}."
        )
