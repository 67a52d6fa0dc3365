"""GroupNormalization: normalize each sample over groups of its channels."""

import numpy as np

from kerastutor import constraints, initializers, ops, regularizers
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec

__all__ = ["GroupNormalization"]


class GroupNormalization(Layer):
    """Splits the channels into `groups` and normalizes each sample within each group.

    The channels on `axis` are cut into `groups` groups of equal size. For
    every sample and every group::

        output = (x - mean) / sqrt(variance + epsilon) * gamma + beta

    where mean and variance are taken over the group's channels at every
    position (all axes but the batch). As with LayerNormalization, one sample
    never affects another, and training and inference compute the same
    thing. groups=1 normalizes each sample over all its values (like
    LayerNormalization over every axis); groups=-1, one group per channel, is
    instance normalization. gamma and beta have one entry per channel.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import GroupNormalization
        >>> x = np.array([[1.0, 3.0, 10.0, 30.0]])  # two groups: (1, 3) and (10, 30)
        >>> GroupNormalization(groups=2, epsilon=0.0)(x)
        array([[-1.,  1., -1.,  1.]], dtype=float32)

    Args:
        groups: how many groups the channels form (32), or -1 for one group
            per channel. The channels must divide evenly into the groups.
        axis: the channels axis, an integer (default -1).
        epsilon: added to the variance before the square root (1e-3).
        center: whether to add beta; scale: whether to multiply by gamma.
        beta_initializer, gamma_initializer: 'zeros' and 'ones'.
        beta_regularizer, gamma_regularizer, beta_constraint,
            gamma_constraint: as on Dense.
        **kwargs: the base Layer's arguments (`name`, `trainable`, ...).

    Input shape:
        Any shape, with a known size on `axis`.

    Output shape:
        The same shape as the input.
    """

    def __init__(
        self,
        groups=32,
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
        **kwargs,
    ):
        super().__init__(**kwargs)
        if (
            isinstance(groups, bool)
            or not isinstance(groups, (int, np.integer))
            or (groups <= 0 and groups != -1)
        ):
            raise ValueError(
                f"Received an invalid value for argument `groups` of GroupNormalization layer "
                f"'{self.name}': expected a positive integer (or -1 for one group per "
                f"channel, instance normalization), received groups={groups!r}."
            )
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(
                f"Expected an int for the argument 'axis' of GroupNormalization layer "
                f"'{self.name}' (the channels axis), but received: {axis!r}"
            )
        self.input_spec = InputSpec(min_ndim=2)  # one tensor: a list is refused, naming the layer
        self.groups = int(groups)
        self.axis = int(axis)
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        self.compute_output_shape(input_shape)
        channels = input_shape[self.axis]
        groups = channels if self.groups == -1 else self.groups
        problem = None
        if channels is None:
            problem = "has an unknown size, but gamma and beta need one entry per channel"
        elif groups > channels:
            problem = f"has {channels} channels: too few for {groups} groups"
        elif channels % groups:
            problem = f"has {channels} channels, which do not split into {groups} equal groups"
        if problem:
            raise ValueError(
                f"Layer '{self.name}' (GroupNormalization) cannot be called "
                f"{self._call_site()}: axis {self.axis} of its input {tuple(input_shape)} "
                f"{problem}. Choose `groups` dividing the number of channels (or -1)."
            )
        self.groups = groups
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: channels})
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma",
                shape=(channels,),
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
        if self.center:
            self.beta = self.add_weight(
                name="beta",
                shape=(channels,),
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
            )
        self.built = True

    def call(self, inputs):
        shape = tuple(inputs.shape)
        axis = self.axis % len(shape)
        # (batch, ..., channels, ...) -> (batch, ..., groups, channels per group, ...)
        grouped_shape = shape[:axis] + (self.groups, shape[axis] // self.groups) + shape[axis + 1 :]
        grouped = ops.reshape(inputs, (-1,) + grouped_shape[1:])
        # Mean and variance of each sample's group: over every axis but the batch and the group.
        axes = tuple(a for a in range(1, len(grouped_shape)) if a != axis)
        mean = ops.mean(grouped, axis=axes, keepdims=True)
        variance = ops.mean(ops.square(grouped - mean), axis=axes, keepdims=True)
        epsilon = np.asarray(self.epsilon, dtype=inputs.dtype)
        normalized = ops.reshape((grouped - mean) / ops.sqrt(variance + epsilon), (-1,) + shape[1:])
        # gamma and beta have one entry per channel; line them up with the channels axis.
        per_channel = [1] * len(shape)
        per_channel[axis] = shape[axis]
        outputs = normalized
        if self.gamma is not None:
            outputs = outputs * ops.reshape(self.gamma, tuple(per_channel))
        if self.beta is not None:
            outputs = outputs + ops.reshape(self.beta, tuple(per_channel))
        return outputs

    def compute_output_shape(self, input_shape):
        if not -len(input_shape) <= self.axis < len(input_shape):
            raise ValueError(
                f"Layer '{self.name}' (GroupNormalization) cannot be called "
                f"{self._call_site()}: axis {self.axis} is out of bounds for input shape "
                f"{tuple(input_shape)} (rank {len(input_shape)}). Received: axis={self.axis}"
            )
        return tuple(input_shape)

    def get_config(self):
        layer_config = super().get_config()
        layer_config.update(
            {
                "groups": self.groups,
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
            }
        )
        return layer_config
