"""GlobalMaxPooling1D: the largest value of each feature over all steps."""

from kerastutor import ops
from kerastutor.layers.base_global_pooling import BaseGlobalPooling

__all__ = ["GlobalMaxPooling1D"]


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Global max pooling for sequences: one number per feature, the largest over time.

    A MaxPooling1D whose window is the whole sequence: (batch, steps,
    features) becomes (batch, features), for sequences of any length; a
    common way to turn a Conv1D's output into one vector per text. The
    gradient of each feature flows to the (first) step that was its maximum.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import GlobalMaxPooling1D
        >>> x = np.array([[[1.0, 9.0], [4.0, 2.0], [3.0, 5.0]]])
        >>> GlobalMaxPooling1D()(x)
        array([[4., 9.]], dtype=float32)

    Args:
        data_format: only 'channels_last' (or None) is supported.
        keepdims: keep the steps axis, with size 1.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        3D array of shape (batch_size, steps, features).

    Output shape:
        (batch_size, features), or (batch_size, 1, features) with keepdims.
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs):
        batch, steps, features = inputs.shape
        # Max pooling with one window as long as the sequence: (batch, 1, features).
        pooled = ops.max_pool(inputs, pool_size=steps)
        return pooled if self.keepdims else ops.reshape(pooled, (batch, features))
