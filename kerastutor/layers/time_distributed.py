"""TimeDistributed: apply one layer to every timestep of a sequence."""

import numpy as np

from kerastutor import ops
from kerastutor.autodiff import data_of
from kerastutor.engine.input_spec import InputSpec, check_input_spec
from kerastutor.layers.wrapper import Wrapper

__all__ = ["TimeDistributed"]


class TimeDistributed(Wrapper):
    """Applies the same layer, with the same weights, to each slice `x[:, t]`.

    A video of 10 frames is (batch, 10, 128, 128, 3): TimeDistributed(Conv2D)
    runs the one Conv2D on every frame. The way it does so is the whole
    idea: each timestep is just one more sample, so the time axis is folded
    into the batch axis, the layer runs once, and the axis is unfolded again:

        (batch, time, ...) -> (batch * time, ...) -> layer -> (batch, time, ...)

    Backpropagation goes back through the two reshapes by itself, and the
    gradients of all timesteps add up in the one set of weights.

    A Dense layer needs no TimeDistributed: on a (batch, time, features)
    input its kernel already meets only the last axis, at every timestep
    (lesson 7). TimeDistributed matters for layers that read more than the
    last axis: Conv2D, Flatten, or a whole Model.

    A mask from earlier layers (Embedding(mask_zero=True), Masking) passes
    through unchanged to the output; the wrapped layer does not see it.

    Example:
        >>> from kerastutor.layers import Conv2D, Input, TimeDistributed
        >>> frames = Input(shape=(10, 32, 32, 3))
        >>> TimeDistributed(Conv2D(8, 3))(frames).shape
        (None, 10, 30, 30, 8)

    Args:
        layer: the layer to apply at every timestep (any layer, or a Model).
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        (batch_size, timesteps, ...): rank 3 or more; the wrapped layer sees
        (batch_size, ...).

    Output shape:
        (batch_size, timesteps) followed by the wrapped layer's output shape
        without its batch axis.
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)

    def build(self, input_shape):
        # As a first call on one timestep would: the weights, then the input spec.
        self.layer._maybe_build(_step_shape(input_shape))
        self.built = True

    def call(self, inputs, training=None, mask=None):
        batch, timesteps = data_of(inputs).shape[:2]
        # Fold time into the batch: every timestep becomes one more sample.
        steps_as_samples = ops.reshape(inputs, (batch * timesteps, *data_of(inputs).shape[2:]))
        options = {} if training is None else {"training": training}
        if mask is not None:
            # The wrapped layer gets each sample's own mask, if its call takes one.
            mask = self._checked_mask(mask, (batch, timesteps))
            options["mask"] = mask.reshape((batch * timesteps, *mask.shape[2:]))
        outputs = self.layer(steps_as_samples, **options)
        # Unfold it again: (batch * time, ...) -> (batch, time, ...).
        return ops.reshape(outputs, (batch, timesteps, *data_of(outputs).shape[1:]))

    def compute_output_shape(self, input_shape):
        step_output = self.layer.compute_output_shape(_step_shape(input_shape))
        return (input_shape[0], input_shape[1], *step_output[1:])

    # ------------------------------------------------------------ teaching errors

    def _check_input_compatibility(self, inputs, node_index):
        """A time axis first, then whatever the wrapped layer asks of one timestep."""
        shape = tuple(inputs[0].shape)
        where = f"as its node {node_index}" if node_index is not None else "on concrete data"
        prefix = f"Layer '{self.name}' (TimeDistributed) cannot be called {where}: "
        if len(shape) < 3:
            raise ValueError(
                prefix + "expected its input to have rank at least 3, (batch, timesteps, ...), "
                f"found rank {len(shape)} with shape {shape}. It applies layer "
                f"'{self.layer.name}' to every slice x[:, t] along axis 1, the time axis; a "
                f"rank-{len(shape)} input has no timesteps besides its features. Call "
                f"'{self.layer.name}' on it directly, or add a time axis first."
            )
        specs = self.layer.input_spec
        specs = specs if isinstance(specs, list) else [specs]
        try:
            check_input_spec(self.layer, specs, [_step_shape(shape)], node_index=None)
        except ValueError as error:
            # Keep the wrapped layer's reason, without its own "cannot be called" prefix.
            reason = str(error).partition(": ")[2]
            raise ValueError(
                prefix + f"it applies layer '{self.layer.name}' "
                f"({type(self.layer).__name__}) to every timestep x[:, t], each of shape "
                f"{_step_shape(shape)}, and that layer {reason}"
            ) from None

    def _checked_mask(self, mask, expected):
        mask = np.asarray(data_of(mask)).astype(bool)
        if mask.ndim < 2 or mask.shape[:2] != expected:
            raise ValueError(
                f"TimeDistributed layer '{self.name}' received a mask of shape {mask.shape}, "
                f"but its input needs a mask that starts with (batch, timesteps) = {expected}: "
                "one True/False per sample and timestep."
            )
        return mask


def _step_shape(input_shape):
    """The shape of one timestep: the input's shape without its time axis."""
    return (input_shape[0], *input_shape[2:])
