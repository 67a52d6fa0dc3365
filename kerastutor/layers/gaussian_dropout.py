"""GaussianDropout: during training, multiply the inputs by noise around 1."""

import math

from kerastutor import random
from kerastutor.engine.base_layer import Layer
from kerastutor.layers.gaussian_noise import _check_rate

__all__ = ["GaussianDropout"]


class GaussianDropout(Layer):
    """Multiplies every input by noise from N(1, rate / (1 - rate)), during training only.

        training:   outputs = inputs * noise,  noise ~ N(1, rate / (1 - rate))
        otherwise:  outputs = inputs

    Dropout's multiplicative noise made smooth: Dropout multiplies by 0 or
    1 / (1 - rate), whose mean is 1 and variance rate / (1 - rate); this
    layer draws a normal with the same mean and variance. Masks pass through.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import GaussianDropout
        >>> GaussianDropout(0.5, seed=0)(np.ones((1, 3)))
        array([[1., 1., 1.]], dtype=float32)

    Args:
        rate: the drop probability it imitates, in [0, 1).
        seed: optional integer for a generator of the layer's own; otherwise
            kerastutor's shared one (`kerastutor.utils.set_random_seed`).
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_rate(self, "rate", rate, "the drop probability it imitates", upper=1)
        if rate == 1:
            raise ValueError(
                f"GaussianDropout layer '{self.name}': `rate` must be below 1 (at 1 the noise's "
                "variance rate / (1 - rate) is infinite). Received: rate=1."
            )
        self.rate = rate
        self.seed = seed
        self._generator = random.generator(seed) if seed is not None else None
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        generator = self._generator or random.generator()
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = generator.normal(1.0, stddev, size=inputs.shape).astype(inputs.dtype)
        return inputs * noise

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
