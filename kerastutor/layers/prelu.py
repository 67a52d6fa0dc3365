"""PReLU: a leaky relu whose negative slope is a learned weight."""

from kerastutor import activations, constraints, initializers, regularizers
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec

__all__ = ["PReLU"]


class PReLU(Layer):
    """A leaky relu that learns its negative slope, one `alpha` per input value.

        f(x) = x            if x >= 0
        f(x) = alpha * x    otherwise

    `alpha` has the shape of one sample, `input_shape[1:]`, so every feature
    (every pixel of every channel, for an image) learns a slope of its own.
    `shared_axes` shares one slope along those axes: after a Conv2D,
    `shared_axes=[1, 2]` gives each filter one slope, `alpha` of shape
    (1, 1, filters). It starts at zeros, a plain relu. Masks pass through.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import PReLU
        >>> layer = PReLU(alpha_initializer="ones", shared_axes=[1])
        >>> layer(np.zeros((2, 5, 3))).shape, layer.alpha.shape
        ((2, 5, 3), (1, 3))

    Args:
        alpha_initializer: how `alpha` starts ('zeros' by default: a relu).
        alpha_regularizer: a penalty on `alpha` (e.g. `L2(0.01)`), or None.
        alpha_constraint: a rule for `alpha` after each update (e.g. 'non_neg').
        shared_axes: an axis (>= 1) or a list of them along which one slope is
            shared, or None.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape with a batch axis.

    Output shape:
        The same shape as the input.
    """

    def __init__(
        self,
        alpha_initializer="Zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is not None and not isinstance(shared_axes, (list, tuple)):
            shared_axes = [shared_axes]
        self.shared_axes = None if shared_axes is None else list(shared_axes)
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        for axis in self.shared_axes or []:
            if isinstance(axis, bool) or not isinstance(axis, int) or not 1 <= axis < rank:
                raise ValueError(
                    f"PReLU layer '{self.name}': each of `shared_axes` must be an axis of one "
                    f"sample, from 1 to {rank - 1} for inputs of shape {tuple(input_shape)} "
                    f"(axis 0 is the batch, and has no slope of its own). "
                    f"Received: shared_axes={self.shared_axes}."
                )
        shared = set(self.shared_axes or [])
        alpha_shape = tuple(1 if axis in shared else input_shape[axis] for axis in range(1, rank))
        self.alpha = self.add_weight(
            shape=alpha_shape,
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
            name="alpha",
        )
        # alpha fixes the size of every axis it does not share.
        fixed = {axis: input_shape[axis] for axis in range(1, rank) if axis not in shared}
        self.input_spec = InputSpec(ndim=rank, axes=fixed)
        self.built = True

    def call(self, inputs):
        positive = activations.relu(inputs)
        negative = -self.alpha * activations.relu(-inputs)
        return positive + negative

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes,
            }
        )
        return config
