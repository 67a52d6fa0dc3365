"""Gradient clipping: the three rules `clipnorm`, `global_clipnorm` and `clipvalue` choose from."""

import numpy as np

__all__ = ["clip_by_norm", "clip_by_global_norm", "clip_by_value"]


def clip_by_norm(gradient, clipnorm):
    """Rescale `gradient` so that its L2 norm is at most `clipnorm`: g * clipnorm / max(|g|, clipnorm)."""
    clipnorm = np.float32(clipnorm)
    return gradient * clipnorm / max(np.sqrt(np.sum(np.square(gradient))), clipnorm)


def clip_by_global_norm(grads, clipnorm):
    """Rescale all gradients by one factor so that their joint L2 norm is at most `clipnorm`.

    The factor is 1 when the norm is small enough, clipnorm / norm otherwise,
    and NaN when the norm is not finite, as in Keras.
    """
    clipnorm = np.float32(clipnorm)
    norm = np.sqrt(sum(np.sum(np.square(g)) for g in grads))
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = clipnorm * np.minimum(1 / norm, 1 / clipnorm) + (norm - norm)
    return [g * scale for g in grads]


def clip_by_value(gradient, clipvalue):
    """Clip each element of `gradient` into [-clipvalue, clipvalue]."""
    return np.clip(gradient, -clipvalue, clipvalue)
