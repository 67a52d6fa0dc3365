"""LayerNormalization: normalize each sample over its own features."""

import numpy as np

from kerastutor import constraints, initializers, ops, regularizers
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec

__all__ = ["LayerNormalization"]


class LayerNormalization(Layer):
    """Normalizes each sample to mean 0 and variance 1 along `axis`, then scales and shifts.

    For every sample (and every timestep)::

        output = (x - mean) / sqrt(variance + epsilon) * gamma + beta

    where mean and variance are taken over `axis` (the features) of that
    sample alone. Unlike BatchNormalization there are no batch statistics
    and no moving averages: training and inference compute the same thing,
    and one sample never affects another. This is the normalization of
    Transformers and many RNNs.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import LayerNormalization
        >>> LayerNormalization(epsilon=0.0)(np.array([[1.0, 3.0]]))
        array([[-1.,  1.]], dtype=float32)

    Args:
        axis: an integer or a list of integers, the axis (axes) normalized
            over (default -1). After `build` it is kept as a sorted list, as
            Keras 3 does.
        epsilon: added to the variance before the square root (1e-3).
        center: whether to add beta; scale: whether to multiply by gamma.
        beta_initializer, gamma_initializer: 'zeros' and 'ones'.
        beta_regularizer, gamma_regularizer, beta_constraint,
            gamma_constraint: as on Dense.
        **kwargs: the base Layer's arguments (`name`, `trainable`, ...).

    Input shape:
        Any shape, with known sizes on `axis`.

    Output shape:
        The same shape as the input.
    """

    def __init__(
        self,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        rms_scaling=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.input_spec = InputSpec(min_ndim=1)  # one tensor: a list is refused, naming the layer
        if isinstance(axis, (list, tuple)) and all(isinstance(a, int) for a in axis):
            self.axis = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the argument 'axis' of "
                f"LayerNormalization layer '{self.name}', but received: {axis!r}"
            )
        if rms_scaling:
            raise ValueError(
                f"LayerNormalization layer '{self.name}': `rms_scaling=True` is deprecated in "
                "Keras 3 (it scales by the variance, not the root mean square) and is not "
                "implemented here."
            )
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = False
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        self.compute_output_shape(input_shape)
        axes = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        shape = tuple(input_shape[axis] for axis in axes)
        if None in shape:
            raise ValueError(
                f"Layer '{self.name}' (LayerNormalization) cannot be called "
                f"{self._call_site()}: axis {axes} of its input {tuple(input_shape)} has an "
                "unknown size, but gamma and beta need one entry per normalized position."
            )
        self.axis = axes
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
        if self.center:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
            )
        self.built = True

    def call(self, inputs):
        axes = tuple(self.axis)
        mean = ops.mean(inputs, axis=axes, keepdims=True)
        variance = ops.mean(ops.square(inputs - mean), axis=axes, keepdims=True)
        epsilon = np.asarray(self.epsilon, dtype=inputs.dtype)
        outputs = (inputs - mean) / ops.sqrt(variance + epsilon)
        # gamma and beta have the shape of the normalized axes; line them up with the input.
        shape = [1] * len(inputs.shape)
        for axis in axes:
            shape[axis] = inputs.shape[axis]
        if self.gamma is not None:
            outputs = outputs * ops.reshape(self.gamma, tuple(shape))
        if self.beta is not None:
            outputs = outputs + ops.reshape(self.beta, tuple(shape))
        return outputs

    def compute_output_shape(self, input_shape):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for axis in axes:
            if not -len(input_shape) <= axis < len(input_shape):
                raise ValueError(
                    f"Layer '{self.name}' (LayerNormalization) cannot be called "
                    f"{self._call_site()}: axis {axis} is out of bounds for input shape "
                    f"{tuple(input_shape)} (rank {len(input_shape)}). Received: axis={self.axis}"
                )
        return tuple(input_shape)

    def get_config(self):
        layer_config = super().get_config()
        layer_config.update(
            {
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "rms_scaling": self.rms_scaling,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
            }
        )
        return layer_config
