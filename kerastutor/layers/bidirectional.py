"""Bidirectional: read a sequence forwards and backwards, and merge the two readings."""

import difflib

from kerastutor import ops
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.tree import flatten
from kerastutor.layers.bidirectional_checks import (
    check_directions,
    check_initial_state,
    check_recurrent,
    state_sizes,
)
from kerastutor.layers.wrapper import deserialize_layer, serialize_layer

__all__ = ["Bidirectional"]

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Layer):
    """Runs a recurrent layer over the sequence in both directions.

    A forward copy of the layer reads x[:, 0], x[:, 1], ...; a backward copy
    (the same config with `go_backwards=True`, its own weights) reads from
    the last timestep to the first. At timestep t the forward output knows
    the past and the backward output knows the future; `merge_mode` combines
    them:

        'concat': [forward, backward] on the last axis (2 * units)
        'sum':    forward + backward        'mul': forward * backward
        'ave':    (forward + backward) / 2   None: the list [forward, backward]

    With `return_sequences=True` the backward copy returns its outputs in
    the order it read them, last timestep first, so they are flipped back
    before merging: output[:, t] pairs both readings of timestep t. A mask
    reaches both copies; at a masked timestep the merged sequence is zero
    (both copies get `zero_output_for_mask=True`, as in Keras).

    The weights are the forward copy's, then the backward copy's, named
    after them: 'forward_lstm/kernel', ..., 'backward_lstm/kernel', ...

    Example:
        >>> from kerastutor.layers import LSTM, Bidirectional, Input
        >>> x = Input(shape=(7, 12))
        >>> Bidirectional(LSTM(16))(x).shape
        (None, 32)
        >>> out, h_f, c_f, h_b, c_b = Bidirectional(LSTM(16, return_state=True))(x)
        >>> out.shape, h_b.shape
        ((None, 32), (None, 16))

    Args:
        layer: a recurrent layer (LSTM, GRU, SimpleRNN, RNN(cell), ...): one
            with `state_size`, `return_sequences`, `return_state` and
            `go_backwards`. It is used
            as a template; the wrapper builds two fresh copies of it.
        merge_mode: 'concat', 'sum', 'mul', 'ave' or None (see above).
        backward_layer: optional recurrent layer for the backward direction,
            with `go_backwards=True` and the same `return_sequences` and
            `return_state` as `layer`.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Call arguments:
        inputs: (batch, timesteps, features).
        mask: optional boolean (batch, timesteps), given to both directions.
        training: passed on to both directions.
        initial_state: optional list: the forward layer's states, then the
            backward layer's (for LSTMs `[h_f, c_f, h_b, c_b]`).

    Input shape:
        (batch_size, timesteps, features).

    Output shape:
        The wrapped layer's output with the last axis doubled for 'concat';
        with `return_state`, `[output, *forward_states, *backward_states]`
        (with merge_mode=None the output is two tensors).
    """

    def __init__(self, layer, merge_mode="concat", backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        check_recurrent(self, layer, "layer")
        if backward_layer is not None:
            check_recurrent(self, backward_layer, "backward_layer")
        if merge_mode not in MERGE_MODES:
            close = difflib.get_close_matches(str(merge_mode), [m for m in MERGE_MODES if m])
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"Received an invalid value for argument `merge_mode` of Bidirectional layer "
                f"'{self.name}': expected one of 'concat', 'sum', 'mul', 'ave' or None, "
                f"received {merge_mode!r}.{hint}"
            )
        self.forward_layer = _copy(layer, "forward_")
        if backward_layer is None:
            backward_layer = _copy(layer, "backward_", go_backwards=True)
        self.backward_layer = backward_layer
        check_directions(self)
        for direction in (self.forward_layer, self.backward_layer):
            # As in Keras: a masked timestep of the merged sequence is zero.
            if hasattr(direction, "zero_output_for_mask"):
                direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = getattr(layer, "stateful", False)
        self.supports_masking = True
        self.input_spec = layer.input_spec

    @property
    def type_label(self):
        """The type `summary()` shows: 'Bidirectional(LSTM)'."""
        kinds = dict.fromkeys(type(d).__name__ for d in (self.forward_layer, self.backward_layer))
        return f"Bidirectional({', '.join(kinds)})"

    def build(self, input_shape):
        # As a first call would: the weights, then the input spec they fix.
        self.forward_layer._maybe_build(input_shape)
        self.backward_layer._maybe_build(input_shape)
        self.input_spec = self.forward_layer.input_spec
        self.built = True

    def call(self, inputs, mask=None, training=None, initial_state=None):
        options = {"mask": mask, "training": training}
        options = {key: value for key, value in options.items() if value is not None}
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        forward = self.forward_layer(inputs, initial_state=forward_state, **options)
        backward = self.backward_layer(inputs, initial_state=backward_state, **options)
        states = []
        if self.return_state:
            forward, *forward_states = forward
            backward, *backward_states = backward
            states = forward_states + backward_states
        if self.return_sequences:
            # The backward layer returns its outputs in reading order, last
            # timestep first: flip them back so that [:, t] means timestep t.
            backward = ops.flip(backward, axis=1)
        output = self._merge(forward, backward)
        if self.return_state:
            return flatten([output]) + states
        return output

    def _merge(self, forward, backward):
        if self.merge_mode == "concat":
            return ops.concatenate([forward, backward], axis=-1)
        if self.merge_mode == "sum":
            return forward + backward
        if self.merge_mode == "mul":
            return forward * backward
        if self.merge_mode == "ave":
            return (forward + backward) / 2
        return [forward, backward]

    def reset_states(self):
        """Zero the states both directions of a `stateful` layer carry between batches."""
        if not self.stateful:
            raise AttributeError(
                f"Bidirectional layer '{self.name}' is not stateful: it starts every batch "
                "from zeros (or its `initial_state`), so there is nothing to reset."
            )
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states

    def compute_output_shape(self, input_shape):
        shapes = self.forward_layer.compute_output_shape(input_shape)
        output_shape, state_shapes = shapes, []
        if self.return_state:
            output_shape, *state_shapes = shapes
        if self.merge_mode == "concat":
            outputs = [(*output_shape[:-1], 2 * output_shape[-1])]
        elif self.merge_mode is None:
            outputs = [tuple(output_shape), tuple(output_shape)]
        else:
            outputs = [tuple(output_shape)]
        shapes = outputs + list(state_shapes) * 2
        return shapes[0] if len(shapes) == 1 else shapes

    def compute_mask(self, inputs, mask=None):
        # The merged sequence is masked where the input was; a single output
        # vector and the states have no timesteps to mask.
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        output_mask = mask if self.return_sequences else None
        masks = [output_mask] if self.merge_mode is not None else [output_mask, output_mask]
        if self.return_state:
            masks += [None] * (2 * len(state_sizes(self.forward_layer)))
        return masks[0] if len(masks) == 1 else masks

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "merge_mode": self.merge_mode,
                "layer": serialize_layer(self.forward_layer),
                "backward_layer": serialize_layer(self.backward_layer),
            }
        )
        return config

    @classmethod
    def from_config(cls, layer_config, custom_objects=None):
        layer_config = dict(layer_config)
        layer_config["layer"] = deserialize_layer(layer_config["layer"], custom_objects)
        if layer_config.get("backward_layer") is not None:
            backward = deserialize_layer(layer_config["backward_layer"], custom_objects)
            layer_config["backward_layer"] = backward
        return cls(**layer_config)

    # ------------------------------------------------------------ teaching errors

    def __call__(self, inputs, *args, initial_state=None, **kwargs):
        """Check `initial_state` (naming the node it would be), then call as any layer."""
        if initial_state is not None:
            symbolic = any(isinstance(x, KerasTensor) for x in flatten([inputs, initial_state]))
            node_index = len(self._inbound_nodes) if symbolic else None
            check_initial_state(self, inputs, initial_state, node_index)
            kwargs["initial_state"] = list(initial_state)
        return super().__call__(inputs, *args, **kwargs)

    def _axis_explanation(self, axis, size):
        return self.forward_layer._axis_explanation(axis, size)

    def _rank_explanation(self, ndim):
        return self.forward_layer._rank_explanation(ndim)


def _copy(layer, prefix, **changes):
    """A fresh layer (no weights shared) with `layer`'s config and `changes`, named
    `prefix` + its name; the cells of an RNN(cell) too, since they own the weights."""
    config = {**layer.get_config(), **changes}
    config["name"] = prefix + _removeprefix(layer.name, prefix)
    if "cell" in config:
        config["cell"] = _prefixed_cell(config["cell"], prefix)
    return type(layer).from_config(config)


def _prefixed_cell(cell, prefix):
    config = dict(cell["config"], name=prefix + _removeprefix(cell["config"]["name"], prefix))
    if "cells" in config:  # StackedRNNCells
        config["cells"] = [_prefixed_cell(inner, prefix) for inner in config["cells"]]
    return {**cell, "config": config}


def _removeprefix(name, prefix):
    return name[len(prefix) :] if name.startswith(prefix) else name
