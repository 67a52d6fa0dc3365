"""Dropout: during training, zero a random fraction `rate` of the inputs."""

import numbers

from kerastutor import random
from kerastutor.engine.base_layer import Layer

__all__ = ["Dropout"]


class Dropout(Layer):
    """Randomly sets inputs to 0 with probability `rate`, during training only.

    In training (`fit`, or a call with `training=True`) each input is kept
    with probability 1 - rate and then divided by 1 - rate ("inverted
    dropout"), so the expected value of every output equals its input. At
    any other time (`predict`, a plain call) the layer is the identity, which
    is why a model with Dropout predicts the same numbers every time.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Dropout
        >>> layer = Dropout(0.5, seed=0)
        >>> layer(np.ones((1, 4)))
        array([[1., 1., 1., 1.]], dtype=float32)
        >>> sorted(set(layer(np.ones((1, 100)), training=True).ravel().tolist()))
        [0.0, 2.0]

    Args:
        rate: float in [0, 1), the fraction of inputs to drop.
        noise_shape: optional shape of the keep/drop mask, one entry per input
            axis; a 1 shares the decision along that axis (e.g. (batch, 1,
            features) drops the same features at every timestep), None means
            the input's size.
        seed: optional integer; the layer then draws its masks from its own
            generator seeded with it. Without it, the masks come from
            kerastutor's shared generator (`kerastutor.utils.set_random_seed`).
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(rate, numbers.Real) or isinstance(rate, bool) or not 0 <= rate < 1:
            raise ValueError(
                f"Received an invalid value for argument `rate` of Dropout layer '{self.name}': "
                f"expected a float in [0, 1), the fraction of inputs to drop, received {rate!r}. "
                "(A rate of 1 would drop everything and scale the rest by 1 / 0.)"
            )
        if noise_shape is not None:
            if isinstance(noise_shape, int) or not all(
                d is None or (isinstance(d, int) and d > 0) for d in noise_shape
            ):
                raise ValueError(
                    f"Received an invalid value for argument `noise_shape` of Dropout layer "
                    f"'{self.name}': expected a tuple of positive integers or None, received "
                    f"{noise_shape!r}."
                )
            noise_shape = tuple(noise_shape)
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise ValueError(
                f"Received an invalid value for argument `seed` of Dropout layer '{self.name}': "
                f"expected an integer or None, received {seed!r}."
            )
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self._generator = random.generator(seed) if seed is not None else None
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        generator = self._generator or random.generator()
        keep = generator.random(self._mask_shape(inputs.shape)) >= self.rate
        scale = keep.astype(inputs.dtype) / inputs.dtype.type(1 - self.rate)
        return inputs * scale

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config

    def _mask_shape(self, input_shape):
        """`noise_shape` with its Nones filled in from the input's shape."""
        if self.noise_shape is None:
            return tuple(input_shape)
        fits = len(self.noise_shape) == len(input_shape) and all(
            d is None or d in (1, size)
            for d, size in zip(self.noise_shape, input_shape, strict=True)
        )
        if not fits:
            raise ValueError(
                f"Dropout layer '{self.name}' has noise_shape={self.noise_shape}, which does not "
                f"fit its input of shape {tuple(input_shape)}: it needs one entry per axis, each "
                "None, 1 (share the mask along that axis) or the axis's size."
            )
        return tuple(
            size if d is None else d for d, size in zip(self.noise_shape, input_shape, strict=True)
        )
