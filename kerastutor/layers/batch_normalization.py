"""BatchNormalization: normalize each feature with the statistics of the batch."""

import numpy as np

from kerastutor import config, constraints, initializers, ops, regularizers
from kerastutor.autodiff import data_of
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec

__all__ = ["BatchNormalization"]


class BatchNormalization(Layer):
    """Normalizes each feature to mean 0 and variance 1, then scales and shifts it.

    For every feature (every index on `axis`)::

        output = (x - mean) / sqrt(variance + epsilon) * gamma + beta

    Which mean and variance depends on the mode:

    * in training (`fit`, or a call with `training=True`): the mean and the
      (biased) variance of this batch, over every axis but `axis`. The
      gradient flows through them too. Each such call also moves the
      running averages a step towards them::

          moving_mean = moving_mean * momentum + mean * (1 - momentum)
          moving_variance = moving_variance * momentum + variance * (1 - momentum)

    * at inference (`predict`, a plain call): `moving_mean` and
      `moving_variance`, so one sample's output never depends on the others.
      Nothing changes.

    gamma and beta are learned by the optimizer; moving_mean and
    moving_variance are non-trainable weights (they are in `get_weights()`
    and saved, but no gradient moves them). A frozen layer
    (`trainable=False`) runs in inference mode even during `fit`, as in
    Keras 3, which is what fine-tuning a pre-trained network needs.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import BatchNormalization
        >>> layer = BatchNormalization()
        >>> x = np.array([[1.0], [3.0]])
        >>> layer(x, training=True).round(3)
        array([[-0.999],
               [ 0.999]], dtype=float32)
        >>> layer.moving_mean.data  # 0.99 * 0 + 0.01 * 2
        array([0.02], dtype=float32)

    Args:
        axis: the features axis (default -1): each index on it gets its own
            statistics, gamma and beta.
        momentum: how slowly the moving averages follow the batches (0.99).
        epsilon: added to the variance before the square root (1e-3).
        center: whether to add beta; scale: whether to multiply by gamma.
        beta_initializer, gamma_initializer, moving_mean_initializer,
            moving_variance_initializer: 'zeros', 'ones', 'zeros', 'ones'.
        beta_regularizer, gamma_regularizer, beta_constraint,
            gamma_constraint: as on Dense.
        synchronized, renorm, renorm_clipping, renorm_momentum: accepted for
            Keras compatibility; only their defaults (off) are supported.
        **kwargs: the base Layer's arguments (`name`, `trainable`, ...).

    Input shape:
        Any shape, with a known size on `axis`.

    Output shape:
        The same shape as the input.
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        synchronized=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
            raise TypeError(
                f"BatchNormalization layer '{self.name}' expects `axis` to be one integer (the "
                f"features axis), received {axis!r}."
            )
        for argument, value in (("renorm", renorm), ("synchronized", synchronized)):
            if value:
                raise ValueError(
                    f"BatchNormalization layer '{self.name}': kerastutor does not implement "
                    f"`{argument}=True` (batch renormalization / statistics shared across "
                    "devices); leave it False."
                )
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.supports_masking = True

    def build(self, input_shape):
        size = self._feature_size(input_shape)
        shape = (size,)
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
        self.moving_mean = self.add_weight(
            name="moving_mean",
            shape=shape,
            initializer=self.moving_mean_initializer,
            trainable=False,
        )
        self.moving_variance = self.add_weight(
            name="moving_variance",
            shape=shape,
            initializer=self.moving_variance_initializer,
            trainable=False,
        )
        rank = len(input_shape)
        self.input_spec = InputSpec(ndim=rank, axes={self.axis: size})
        self._reduction_axes = tuple(i for i in range(rank) if i != self.axis % rank)
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            self._update_moving_statistics(mean, variance)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        shape = self._broadcast_shape(len(inputs.shape))
        mean, variance = ops.reshape(mean, shape), ops.reshape(variance, shape)
        epsilon = np.asarray(self.epsilon, dtype=inputs.dtype)
        outputs = ops.divide(ops.subtract(inputs, mean), ops.sqrt(ops.add(variance, epsilon)))
        if self.scale:
            outputs = ops.multiply(outputs, ops.reshape(self.gamma, shape))
        if self.center:
            outputs = ops.add(outputs, ops.reshape(self.beta, shape))
        return outputs

    def compute_output_shape(self, input_shape):
        # Not traced by running `call`: a traced call must never touch the statistics.
        self._feature_size(input_shape)
        return tuple(input_shape)

    def get_config(self):
        layer_config = super().get_config()
        layer_config.update(
            {
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(
                    self.moving_variance_initializer
                ),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
                "synchronized": False,
                "renorm": False,
                "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum,
            }
        )
        return layer_config

    # ------------------------------------------------------------ the statistics

    def _moments(self, inputs, mask):
        """Mean and (biased) variance per feature, over the batch and every other axis.

        With a mask (batch, timesteps), only unmasked timesteps count, and,
        as in Keras, the sums are divided by count + epsilon.
        """
        axes = self._reduction_axes
        if mask is None:
            mean = ops.mean(inputs, axis=axes)
            shape = self._broadcast_shape(len(inputs.shape))
            variance = ops.mean(
                ops.square(ops.subtract(inputs, ops.reshape(mean, shape))), axis=axes
            )
            return mean, variance
        keep = np.broadcast_to(np.expand_dims(np.asarray(mask, bool), -1), inputs.shape)
        count = keep.sum(axis=axes, keepdims=True).astype(inputs.dtype) + config.epsilon()
        zero = np.zeros((), dtype=inputs.dtype)
        mean = ops.divide(ops.sum(ops.where(keep, inputs, zero), axis=axes, keepdims=True), count)
        difference = ops.where(keep, ops.subtract(inputs, mean), zero)
        variance = ops.divide(ops.sum(ops.square(difference), axis=axes, keepdims=True), count)
        size = inputs.shape[self.axis]
        return ops.reshape(mean, (size,)), ops.reshape(variance, (size,))

    def _update_moving_statistics(self, mean, variance):
        """One step of the running averages (plain NumPy: no gradient goes through it)."""
        momentum = np.float32(self.momentum)
        for moving, batch_value in ((self.moving_mean, mean), (self.moving_variance, variance)):
            moving.assign(moving.data * momentum + data_of(batch_value) * (1 - momentum))

    def _broadcast_shape(self, rank):
        """(1, ..., features, ..., 1): a per-feature vector lined up with `axis`."""
        shape = [1] * rank
        shape[self.axis] = -1
        return tuple(shape)

    def _feature_size(self, input_shape):
        """The size of `axis`, or an error if that axis does not exist or is unknown."""
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Layer '{self.name}' (BatchNormalization) cannot be called "
                f"{self._call_site()}: axis={self.axis} does not exist for an input of shape "
                f"{tuple(input_shape)} (rank {rank}, so axes go from {-rank} to {rank - 1}). "
                "`axis` is the features axis, the one that gets its own mean and variance."
            )
        size = input_shape[self.axis]
        if size is None:
            raise ValueError(
                f"Layer '{self.name}' (BatchNormalization) cannot be called "
                f"{self._call_site()}: axis {self.axis} of its input {tuple(input_shape)} has "
                "an unknown size, but the layer needs it to create gamma, beta and the "
                "moving statistics (one of each per feature)."
            )
        return size
