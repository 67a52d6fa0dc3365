"""Rescaling: inputs * scale + offset, e.g. pixel values 0..255 into 0..1."""

import numpy as np

from kerastutor.engine.base_layer import Layer

__all__ = ["Rescaling"]


class Rescaling(Layer):
    """Multiplies every input value by `scale` and adds `offset`; it has no weights.

        outputs = inputs * scale + offset

    Image models start with it: `Rescaling(1 / 255)` turns pixel values in
    [0, 255] into [0, 1], `Rescaling(1 / 127.5, offset=-1)` into [-1, 1]. It
    works the same in training and inference, takes integer inputs (uint8
    images) and returns floats. `scale` and `offset` may also be lists, one
    value per channel (the last axis). Masks pass through.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Rescaling
        >>> Rescaling(1 / 255)(np.array([[0, 255]], dtype="uint8"))
        array([[0., 1.]], dtype=float32)
        >>> Rescaling(1 / 127.5, offset=-1)(np.array([[0, 255]], dtype="uint8"))
        array([[-1.,  1.]], dtype=float32)

    Args:
        scale: the factor: a number, or one per channel.
        offset: added after scaling: a number, or one per channel.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _number_or_numbers(self, "scale", scale)
        self.offset = _number_or_numbers(self, "offset", offset)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        scale = np.asarray(self.scale, dtype=self.dtype)
        offset = np.asarray(self.offset, dtype=self.dtype)
        return inputs * scale + offset

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config


def _number_or_numbers(layer, argument, value):
    """A number, or a list of numbers (one per channel), as JSON can store it."""
    values = np.asarray(value)
    if isinstance(value, bool) or values.ndim > 1 or values.dtype.kind not in "iuf":
        raise ValueError(
            f"Rescaling layer '{layer.name}': `{argument}` must be a number or a list of "
            f"numbers, one per channel. Received: {argument}={value!r}."
        )
    return float(values) if values.ndim == 0 else [float(v) for v in values]
