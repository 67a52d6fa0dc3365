"""Masking: skip the timesteps whose features all equal `mask_value`."""

import numbers

import numpy as np

from kerastutor import ops
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec

__all__ = ["Masking"]


class Masking(Layer):
    """Marks the timesteps where every feature equals `mask_value` as padding.

    Sequences of different lengths are padded to one length, here with
    feature vectors full of `mask_value`. Masking passes its input on
    unchanged (padded steps become exact zeros) together with a mask,
    True at real steps and False at padded ones:

        mask[b, t] = any(inputs[b, t, :] != mask_value)

    The layers after it read the mask, as they read an
    `Embedding(mask_zero=True)`'s: an LSTM keeps its state over a padded
    step, a Dense passes the mask on, and the loss leaves padded steps out
    of its average. A step is padding only if *all* its features equal
    `mask_value`; a real step may contain some.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Masking
        >>> x = np.array([[[1.0, 0.0], [0.0, 0.0], [0.0, 3.0]]])
        >>> Masking().compute_mask(x)
        array([[ True, False,  True]])

    Args:
        mask_value: the number that fills a padded timestep (0.0).
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        (batch_size, timesteps, features), or any rank >= 2: the last axis is
        the one compared.

    Output shape:
        The same as the input; the mask has the input's shape without its
        last axis.
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(mask_value, numbers.Real) or isinstance(mask_value, bool):
            raise TypeError(
                f"Received an invalid value for argument `mask_value` of Masking layer "
                f"'{self.name}': expected a number (the value that fills padded timesteps), "
                f"received {mask_value!r}."
            )
        self.mask_value = float(mask_value)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=2)

    def call(self, inputs):
        keep = _timesteps_to_keep(inputs, self.mask_value)
        # Padded steps become exact zeros, as in Keras, whatever mask_value is.
        return ops.where(keep[..., np.newaxis], inputs, 0.0)

    def compute_mask(self, inputs, mask=None):
        return _timesteps_to_keep(inputs, self.mask_value)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config


def _timesteps_to_keep(inputs, mask_value):
    """True where a timestep has at least one feature that is not `mask_value`.

    Written with `kerastutor.ops`, as Keras 3 writes it: on symbolic inputs
    the mask is made by two op nodes of the graph (`not_equal`, `any`), which
    a model lists in `summary()` when an LSTM receives the mask, and which
    can also be handed on by hand: `lstm(x, mask=masking.compute_mask(x))`.
    """
    return ops.any(ops.not_equal(inputs, mask_value), axis=-1)
