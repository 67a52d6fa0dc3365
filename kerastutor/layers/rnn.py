"""RNN: the time loop every recurrent layer shares, and Keras's `RNN(cell)`."""

import numpy as np

from kerastutor import ops
from kerastutor.autodiff import data_of
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec
from kerastutor.engine.tree import flatten
from kerastutor.layers import rnn_states
from kerastutor.layers.rnn_utils import (
    check_flag,
    checked_call,
    checked_cell,
    deserialize_cell,
    forget_dropout_masks,
    fused_kernels,
    fused_kernels_enabled,
    mask_in_output_order,
    sequence_features,
)
from kerastutor.layers.weight_rules import WeightRules, pop_weight_rules, weight_rules_config

__all__ = ["RNN", "fused_kernels"]


class RNN(WeightRules, Layer):
    """Base class of the recurrent layers, and Keras's `RNN(cell)`: runs a cell over time.

    At every timestep t the cell maps (x_t, states) to (output_t, new states).
    This class holds what LSTM, GRU and SimpleRNN share: the options below,
    the checks of `initial_state` and `mask`, and the time loop. A masked
    step keeps the states and repeats the previous output (zeros before the
    first kept step), as in Keras 3. A subclass defines `state_size`,
    `build` and `_step(x_t, states, training)`; it may also offer a fused
    kernel for the whole sequence in `_fused_sequence`, which `call` tries
    first (unless inside `fused_kernels(False)`) before the readable loop,
    as Keras's LSTM tries `backend.lstm`.

    Example:
        >>> from kerastutor.layers import Input, RNN, LSTMCell
        >>> RNN(LSTMCell(8), return_sequences=True)(Input(shape=(5, 3))).shape
        (None, 5, 8)

    Args:
        cell: a layer with `state_size` (an int or a list of ints, one per
            state) and `call(inputs, states)` returning (output, new_states);
            or a list of cells (stacked with `StackedRNNCells`).
        return_sequences: return the output of every timestep, not only the last.
        return_state: also return the final states, one entry per `state_size`
            entry: `[output, h, c]`; stacked cells `[output, [h1, c1], h2]`.
        go_backwards: read the sequence last step first (and return it so, as Keras).
        stateful: the final states of a batch start the next call (sample i
            continues sample i); `layer.states` holds them (variables, not
            weights, see rnn_states.py); `reset_states()` zeroes them.
        unroll: accepted for Keras compatibility (the loop is Python either way).
        zero_output_for_mask: masked steps output zeros instead of repeating.
        kernel_regularizer, recurrent_regularizer, bias_regularizer, and the
            same `*_constraint`s: for the weight of that name (`L2(0.01)`, 'non_neg').
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        (batch_size, timesteps, features).

    Output shape:
        (batch_size, output_size), or (batch_size, timesteps, output_size) with
        `return_sequences`; with `return_state` a list `[output, *states]`.
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        self._weight_rules = pop_weight_rules(kwargs, ("kernel", "recurrent_kernel", "bias"))
        super().__init__(**kwargs)
        flags = {
            "return_sequences": return_sequences,
            "return_state": return_state,
            "go_backwards": go_backwards,
            "stateful": stateful,
            "unroll": unroll,
            "zero_output_for_mask": zero_output_for_mask,
        }
        for argument, value in flags.items():
            check_flag(self, argument, value)
            setattr(self, argument, bool(value))
        if cell is not None or type(self) is RNN:
            self.cell = checked_cell(self, cell)
            self.state_size = _as_list(self.cell.state_size)
        self.states = None
        self.input_spec = InputSpec(ndim=3)
        self.supports_masking = True

    def build(self, input_shape):
        features = sequence_features(self, input_shape)
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._maybe_build((input_shape[0], features))

    def call(self, sequences, initial_state=None, mask=None, training=None):
        batch = data_of(sequences).shape[0]
        states = rnn_states.starting_states(self, batch, initial_state)
        if mask is not None:
            mask = np.asarray(data_of(mask)).astype(bool)
        forget_dropout_masks(self)
        result = NotImplemented
        if fused_kernels_enabled():
            result = self._fused_sequence(sequences, states, mask, training)
        if result is NotImplemented:
            result = self._time_loop(sequences, states, mask, training)
        output, states = result
        forget_dropout_masks(self)
        if self.zero_output_for_mask and mask is not None:
            output = ops.where(mask_in_output_order(self, mask), output, 0.0)
        if self.stateful:
            rnn_states.keep_states(self, states)
        if self.return_state:
            return [output, *states]
        return output

    def _fused_sequence(self, sequences, states, mask, training):
        """A fused kernel for the whole sequence: (output, states), or NotImplemented."""
        return NotImplemented

    def _time_loop(self, sequences, states, mask, training):
        """Walk the timesteps: one `_step` each; a masked step keeps the old values."""
        batch, timesteps, _ = data_of(sequences).shape
        steps = range(timesteps - 1, -1, -1) if self.go_backwards else range(timesteps)
        output = np.zeros((batch, self._output_size()), dtype=self.dtype)
        outputs = []
        for t in steps:
            x_t = sequences[:, t]
            new_output, new_states = self._step(x_t, states, training)
            if mask is None:
                output, states = new_output, new_states
            else:
                keep = mask[:, t : t + 1]
                output = ops.where(keep, new_output, output)
                states = rnn_states.kept_states(keep, new_states, states)
            outputs.append(output)
        return (ops.stack(outputs, axis=1) if self.return_sequences else output), states

    def _step(self, x_t, states, training=None):
        """One timestep through the cell: (output, new_states)."""
        output, new_states = self.cell(x_t, states, training=training)
        return output, _as_list(new_states)

    def compute_output_shape(self, input_shape):
        batch, timesteps = input_shape[0], input_shape[1]
        if self.return_sequences:
            output_shape = (batch, timesteps, self._output_size())
        else:
            output_shape = (batch, self._output_size())
        if self.return_state:
            return [output_shape, *rnn_states.state_shapes(batch, self.state_size)]
        return output_shape

    def compute_mask(self, inputs, mask=None):
        # The output sequence is masked where the input was; a single output
        # vector and the states have no timesteps to mask.
        mask = flatten(mask)[0] if isinstance(mask, (list, tuple)) and mask else mask
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(flatten(self.state_size))
        return output_mask

    def get_initial_state(self, batch_size):
        """The zero states a call starts from: one (batch_size, size) array per state."""
        return rnn_states.zero_states(self, batch_size)

    def reset_states(self):
        """Zero the states a `stateful` layer carries from one batch to the next."""
        rnn_states.reset_states(self)

    reset_state = reset_states

    def get_config(self):
        config = super().get_config()
        for argument in ("return_sequences", "return_state", "go_backwards", "stateful"):
            config[argument] = getattr(self, argument)
        config.update({"unroll": self.unroll, "zero_output_for_mask": self.zero_output_for_mask})
        config.update(weight_rules_config(self._weight_rules))
        if "cell" in vars(self):
            config["cell"] = {
                "class_name": type(self.cell).__name__,
                "config": self.cell.get_config(),
            }
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "cell" in config:
            config["cell"] = deserialize_cell(config["cell"], custom_objects)
        return cls(**config)

    # ------------------------------------------------------------ checks

    def _call_symbolic(self, inputs, args, kwargs):
        kwargs = checked_call(self, inputs, kwargs, node_index=len(self._inbound_nodes))
        return super()._call_symbolic(inputs, args, kwargs)

    def _call_eager(self, inputs, args, kwargs):
        kwargs = checked_call(self, inputs, kwargs, node_index=None)
        return super()._call_eager(inputs, args, kwargs)

    def _maybe_build(self, input_shape):
        if not self.built:
            features = sequence_features(self, input_shape)
            super()._maybe_build(input_shape)
            self.input_spec = InputSpec(ndim=3, axes={-1: features})
            if self.stateful and input_shape[0] is not None:  # zero states for this batch
                self.states = None
                rnn_states.keep_states(self, rnn_states.zero_states(self, input_shape[0]))

    def _state_names(self):
        return [f"state_{i}" for i in range(len(flatten(self.state_size)))]

    def _state_explanation(self):
        return f"The cell's `state_size` is {self.state_size}: one state per entry."

    def _output_size(self):
        cell = vars(self).get("cell")
        return getattr(cell, "output_size", None) or flatten(self.state_size)[0]

    def _rank_explanation(self, ndim):
        return (
            f"{type(self).__name__} reads a sequence: (batch, timesteps, features). For a single "
            "sequence add a batch axis; for one feature per step add a last axis of size 1."
        )

    def _axis_explanation(self, axis, size):
        kernel = getattr(vars(self).get("cell", self), "kernel", None)
        if kernel is None:
            return super()._axis_explanation(axis, size)
        return (
            f"Its kernel has shape {kernel.shape}: one row per input feature. All calls of the "
            f"same layer share these weights, so every call must bring {size} features per "
            "timestep; only the number of timesteps may differ."
        )


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]
