"""Flatten: (batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""

import math

from kerastutor import ops
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec

__all__ = ["Flatten"]


class Flatten(Layer):
    """Flattens every axis but the batch axis into one.

    The numbers are read in C order (the last axis changes fastest), as NumPy
    and Keras do: an image of shape (height, width, channels) becomes the
    channels of pixel (0, 0), then those of pixel (0, 1), and so on. This is
    how a Conv2D's feature maps are handed to a Dense layer. An input of
    shape (batch,) becomes (batch, 1).

    With `data_format='channels_first'` the input is read as (batch,
    channels, ...) and its channels axis is first moved to the end, so the
    output lists the numbers in the same order as for the channels_last
    version of the same image: a model saved from either layout gives its
    Dense layer the same features.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Flatten
        >>> Flatten()(np.zeros((2, 4, 4, 3))).shape
        (2, 48)

    Args:
        data_format: 'channels_last' (the default, channels are the last
            axis) or 'channels_first' (channels come right after the batch).
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        N-D array of shape (batch_size, ...), N >= 1.

    Output shape:
        2D array of shape (batch_size, product of the other sizes); the
        product is None when any of them is None.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        data_format = "channels_last" if data_format is None else str(data_format).lower()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"The `data_format` argument of Flatten layer '{self.name}' must be one of "
                f"'channels_first', 'channels_last'. Received: data_format={data_format!r}"
            )
        self.data_format = data_format
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        rank = len(inputs.shape)
        if self.data_format == "channels_first" and rank > 1:
            # (batch, channels, h, w) -> (batch, h, w, channels), then flatten as usual.
            inputs = ops.transpose(inputs, (0, *range(2, rank), 1))
        batch = inputs.shape[0]
        return ops.reshape(inputs, (batch, math.prod(inputs.shape[1:])))

    def compute_output_shape(self, input_shape):
        sizes = input_shape[1:]
        if any(size is None for size in sizes):
            return (input_shape[0], None)
        return (input_shape[0], math.prod(sizes))

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
