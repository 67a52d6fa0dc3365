"""GlobalAveragePooling1D: the mean of each feature over the (unmasked) steps."""

import numpy as np

from kerastutor import ops
from kerastutor.layers.base_global_pooling import BaseGlobalPooling

__all__ = ["GlobalAveragePooling1D"]


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Global average pooling for sequences: one number per feature, its mean over time.

    (batch, steps, features) becomes (batch, features). After an
    `Embedding(mask_zero=True)` the padding steps are left out: the mean is
    taken over the real steps only, which is why the classic text classifier
    `Embedding -> GlobalAveragePooling1D -> Dense` does not depend on how much
    padding a sentence got. The mask stops here (the output has no steps).

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import GlobalAveragePooling1D
        >>> x = np.array([[[1.0, 2.0], [3.0, 4.0], [8.0, 0.0]]])
        >>> GlobalAveragePooling1D()(x)
        array([[4., 2.]], dtype=float32)
        >>> GlobalAveragePooling1D()(x, mask=np.array([[True, True, False]]))
        array([[2., 3.]], dtype=float32)

    Args:
        data_format: only 'channels_last' (or None) is supported.
        keepdims: keep the steps axis, with size 1.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Call arguments:
        inputs: a 3D array.
        mask: optional (batch_size, steps) booleans, False for steps to leave out.

    Input shape:
        3D array of shape (batch_size, steps, features).

    Output shape:
        (batch_size, features), or (batch_size, 1, features) with keepdims.
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1, keepdims=self.keepdims)
        # mean over the real steps = sum(inputs * mask) / number of real steps
        weights = np.asarray(mask, dtype=inputs.dtype)[:, :, None]
        total = ops.sum(ops.multiply(inputs, weights), axis=1, keepdims=self.keepdims)
        return ops.divide(total, weights.sum(axis=1, keepdims=self.keepdims))

    def compute_mask(self, inputs, mask=None):
        return None
