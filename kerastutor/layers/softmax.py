"""Softmax: exp(x) normalised to sum to 1 along an axis, as a layer, with masks."""

from kerastutor import activations, ops
from kerastutor.engine.base_layer import Layer

__all__ = ["Softmax"]

# What a masked position becomes before the exponentials, as in Keras: small
# enough that exp(it - max) is 0, large enough to stay finite in float32.
_LARGE_NEGATIVE = -1e9


class Softmax(Layer):
    """Turns scores into probabilities along `axis`; it has no weights.

        softmax(x)_i = exp(x_i - max(x)) / sum_j exp(x_j - max(x))

    With a mask (from an `Embedding(mask_zero=True)` before it, or passed as
    `mask=`), masked positions are left out: they get probability 0 and the
    others share all of it. A mask is True (or 1) to keep a position and must
    broadcast against the inputs from the right without more axes; a row with
    every position masked gives all zeros.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Softmax
        >>> Softmax()(np.array([[1.0, 2.0, 1.0]]), mask=np.array([[True, True, False]]))
        array([[0.2689414, 0.7310586, 0.       ]], dtype=float32)

    Args:
        axis: the axis (or a list of axes) whose values sum to 1; the last by default.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = self._mask_for(inputs, mask)
            inputs = ops.where(mask, inputs, _LARGE_NEGATIVE)
        axis = tuple(self.axis) if isinstance(self.axis, (list, tuple)) else self.axis
        outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = ops.where(mask, outputs, 0.0)
        return outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config

    def _mask_for(self, inputs, mask):
        """The mask as booleans, once it is known to broadcast against `inputs`."""
        inputs_shape, mask_shape = tuple(inputs.shape), tuple(mask.shape)
        fits = len(mask_shape) <= len(inputs_shape) and all(
            m is None or i is None or m in (1, i)
            for m, i in zip(reversed(mask_shape), reversed(inputs_shape))
        )
        if not fits:
            raise ValueError(
                f"Softmax layer '{self.name}': the `mask` must be broadcastable to `inputs` and "
                "must not have more dimensions: compared from the last axis, each mask axis "
                f"must be 1 or the input's size. Received: inputs.shape={inputs_shape}, "
                f"mask.shape={mask_shape}."
            )
        if str(mask.dtype) != "bool":
            mask = ops.greater(mask, 0.5)
        return mask
