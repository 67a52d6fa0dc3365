"""LSTM: a recurrent layer that reads a sequence one timestep at a time."""

import numpy as np

from kerastutor import activations, initializers, ops
from kerastutor.autodiff import data_of
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.tree import flatten
from kerastutor.layers.lstm_fast import lstm_sequence

__all__ = ["LSTM"]


class LSTM(Layer):
    """Long Short-Term Memory layer (Hochreiter & Schmidhuber, 1997).

    The layer carries two state vectors of size `units` along the sequence:
    h (the output so far) and c (the cell's memory). At every timestep t,
    with x_t the features of that step:

        z   = x_t @ kernel + h @ recurrent_kernel + bias     (batch, 4 * units)
        i   = sigmoid(z[:, 0u:1u])     input gate: how much new to write
        f   = sigmoid(z[:, 1u:2u])     forget gate: how much memory to keep
        g   = tanh(z[:, 2u:3u])        candidate values to write
        o   = sigmoid(z[:, 3u:4u])     output gate: how much memory to show
        c   = f * c + i * g
        h   = o * tanh(c)

    The same three weights serve every timestep, which is why one LSTM reads
    sequences of any length, and why a shared LSTM called on (280, 128) and on
    (250, 128) inputs has one set of weights but two input shapes. The number
    of features (128) is fixed by the kernel's rows.

    Masking (from `Embedding(mask_zero=True)`): at a masked step h and c keep
    their previous values, and the output repeats the previous output (zeros
    before the first unmasked step), as in Keras 3. Also as in Keras 3: in a
    model, a call with `initial_state` tensors is not given its input's mask
    (Keras fills in `mask` only for calls with one tensor argument), so that
    call runs unmasked, while the mask still travels on to its outputs.

    Example:
        >>> from kerastutor.layers import Input, LSTM
        >>> x = Input(shape=(280, 128))
        >>> LSTM(32)(x).shape
        (None, 32)
        >>> seq, h, c = LSTM(32, return_sequences=True, return_state=True)(x)
        >>> seq.shape, h.shape, c.shape
        ((None, 280, 32), (None, 32), (None, 32))

    Args:
        units: positive integer, the size of h and c (and of the output).
        activation: for the candidate values and the output: 'tanh'.
        recurrent_activation: for the gates i, f, o: 'sigmoid'.
        use_bias: whether to add a bias vector.
        kernel_initializer: for `kernel`, (features, 4 * units): 'glorot_uniform'.
        recurrent_initializer: for `recurrent_kernel`, (units, 4 * units):
            'orthogonal'.
        bias_initializer: for `bias`, (4 * units,): 'zeros'.
        unit_forget_bias: if True, the forget-gate part of the bias starts at
            1, so that the cell keeps its memory at the start of training.
        return_sequences: return the output of every timestep, not only the last.
        return_state: also return the final h and c: `[output, h, c]`.
        go_backwards: read the sequence from the last timestep to the first
            (the returned sequence is then in that reversed order, as in Keras).
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Call arguments:
        inputs: (batch, timesteps, features).
        mask: optional boolean (batch, timesteps); False marks padding.
        training: accepted and ignored (this LSTM has no dropout).
        initial_state: optional list [h, c], each (batch, units); zeros if None.

    Input shape:
        3-D array of shape (batch_size, timesteps, features).

    Output shape:
        (batch_size, units), or (batch_size, timesteps, units) with
        `return_sequences`; with `return_state` a list [output, h, c] where h
        and c are (batch_size, units).
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"Received an invalid value for argument `units` of LSTM layer '{self.name}': "
                f"expected a positive integer, received {units!r}."
            )
        flags = {
            "use_bias": use_bias,
            "unit_forget_bias": unit_forget_bias,
            "return_sequences": return_sequences,
            "return_state": return_state,
            "go_backwards": go_backwards,
        }
        for argument, value in flags.items():
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(
                    f"Argument `{argument}` of LSTM layer '{self.name}' must be True or False, "
                    f"received {value!r}."
                )
        self.units = int(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.input_spec = InputSpec(ndim=3)
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(
                f"LSTM layer '{self.name}' cannot be built for input shape "
                f"{tuple(input_shape)}: it needs (batch, timesteps, features) with a known "
                "number of features, one kernel row per feature. " + self._rank_explanation(3)
            )
        features = input_shape[-1]
        units = self.units
        self.kernel = self.add_weight(
            name="kernel", shape=(features, 4 * units), initializer=self.kernel_initializer
        )
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel",
            shape=(units, 4 * units),
            initializer=self.recurrent_initializer,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(4 * units,), initializer=self._bias_initializer
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(ndim=3, axes={-1: features})
        self.built = True

    def _bias_initializer(self, shape, dtype=None):
        """The bias initializer, with ones in the forget-gate slice if unit_forget_bias."""
        bias = self.bias_initializer(shape, dtype=dtype)
        if self.unit_forget_bias:
            bias[self.units : 2 * self.units] = 1.0
        return bias

    def call(self, inputs, mask=None, training=None, initial_state=None):
        batch, timesteps, _ = data_of(inputs).shape
        if timesteps == 0:
            raise ValueError(
                f"LSTM layer '{self.name}' received a sequence with 0 timesteps "
                f"(shape {data_of(inputs).shape}); it needs at least one step to read."
            )
        if initial_state is None:
            h = np.zeros((batch, self.units), dtype=self.dtype)
            c = np.zeros((batch, self.units), dtype=self.dtype)
        else:
            self._check_initial_state(data_of(inputs).shape, initial_state, node_index=None)
            h, c = (self._to_array(state) for state in initial_state)
        if mask is not None:
            mask = self._checked_mask(mask, (batch, timesteps))

        if self._uses_fused_kernel():
            output, h, c = self._fused_sequence(inputs, h, c, mask)
        else:
            # The input's share of every gate, for all timesteps in one matmul;
            # only h @ recurrent_kernel must wait for the previous step.
            projected = ops.matmul(inputs, self.kernel)
            if self.use_bias:
                projected = ops.add(projected, self.bias)
            outputs, h, c = self._recurrence(projected, h, c, mask)
            output = ops.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        if self.return_state:
            return [output, h, c]
        return output

    # The readable loop below (`_recurrence` and `_step`) is the LSTM of the
    # docstring. With the default activations the layer runs the same
    # equations as one fused op from lstm_fast.py, which is much faster to
    # train; set `LSTM.use_fused_kernel = False` to run the readable loop
    # instead (the tests check both give the same numbers and gradients).
    use_fused_kernel = True

    def _uses_fused_kernel(self):
        return (
            self.use_fused_kernel
            and self.activation is activations.tanh
            and self.recurrent_activation is activations.sigmoid
        )

    def _fused_sequence(self, inputs, h, c, mask):
        """The whole layer as one op; returns (output, h, c) like `call` needs them."""
        packed = lstm_sequence(
            inputs,
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            h,
            c,
            mask=mask,
            go_backwards=self.go_backwards,
            return_sequences=self.return_sequences,
        )
        steps = data_of(packed).shape[1] - 2
        output = ops.slice_axis(packed, 0, steps, axis=1)
        if not self.return_sequences:
            output = ops.reshape(output, (-1, self.units))
        h = ops.reshape(ops.slice_axis(packed, steps, steps + 1, axis=1), (-1, self.units))
        c = ops.reshape(ops.slice_axis(packed, steps + 1, steps + 2, axis=1), (-1, self.units))
        return output, h, c

    def _recurrence(self, projected, h, c, mask):
        """Walk the timesteps: one `_step` each, masked steps keep the old values.

        Args:
            projected: x @ kernel + bias, shape (batch, timesteps, 4 * units).
            h, c: the states before the first step, each (batch, units).
            mask: None, or a boolean (batch, timesteps) array.

        Returns:
            (outputs, h, c): the output of every step in reading order, and
            the final states.
        """
        batch, timesteps, _ = data_of(projected).shape
        steps = range(timesteps - 1, -1, -1) if self.go_backwards else range(timesteps)
        output = np.zeros((batch, self.units), dtype=data_of(projected).dtype)
        outputs = []
        for t in steps:
            projected_t = ops.reshape(ops.slice_axis(projected, t, t + 1, axis=1), (batch, -1))
            new_h, new_c = self._step(projected_t, h, c)
            if mask is None:
                output, h, c = new_h, new_h, new_c
            else:
                # At a padded step nothing changes: the output repeats the
                # previous output and the states carry over.
                keep = mask[:, t : t + 1]
                output = ops.where(keep, new_h, output)
                h = ops.where(keep, new_h, h)
                c = ops.where(keep, new_c, c)
            outputs.append(output)
        return outputs, h, c

    def _step(self, projected_t, h, c):
        """One timestep of the LSTM cell: the new (h, c).

        Args:
            projected_t: x_t @ kernel + bias for this step, (batch, 4 * units).
            h, c: the previous states, each (batch, units).
        """
        z = ops.add(projected_t, ops.matmul(h, self.recurrent_kernel))
        z_i, z_f, z_c, z_o = ops.split(z, [self.units] * 4, axis=-1)
        input_gate = self.recurrent_activation(z_i)
        forget_gate = self.recurrent_activation(z_f)
        candidate = self.activation(z_c)
        output_gate = self.recurrent_activation(z_o)
        c = ops.add(ops.multiply(forget_gate, c), ops.multiply(input_gate, candidate))
        h = ops.multiply(output_gate, self.activation(c))
        return h, c

    def compute_output_shape(self, input_shape):
        batch, timesteps = input_shape[0], input_shape[1]
        if self.return_sequences:
            output_shape = (batch, timesteps, self.units)
        else:
            output_shape = (batch, self.units)
        if self.return_state:
            state_shape = (batch, self.units)
            return [output_shape, state_shape, state_shape]
        return output_shape

    def compute_mask(self, inputs, mask=None):
        # One mask per sequence: the output sequence is masked where the input
        # was; a single output vector (and each state) has no timesteps to mask.
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask, None, None]
        return output_mask

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "unit_forget_bias": self.unit_forget_bias,
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
            }
        )
        return config

    # ------------------------------------------------------------ teaching errors

    def __call__(self, inputs, *args, initial_state=None, **kwargs):
        """Check `initial_state` (naming the node it would be), then call as any layer.

        The base layer checks the sequence against `input_spec`; the states
        arrive as a keyword argument, so they are checked here.
        """
        if isinstance(inputs, (list, tuple)) and any(
            isinstance(x, KerasTensor) for x in flatten(inputs)
        ):
            raise TypeError(
                f"LSTM layer '{self.name}' takes one sequence tensor, received a list of "
                f"{len(flatten(inputs))}. To start from given states, pass them separately: "
                "`lstm(x, initial_state=[h, c])`."
            )
        if initial_state is not None:
            symbolic = any(isinstance(x, KerasTensor) for x in flatten([inputs, initial_state]))
            node_index = len(self._inbound_nodes) if symbolic else None
            self._check_initial_state(_shape_of(inputs), initial_state, node_index)
            kwargs["initial_state"] = list(initial_state)
        return super().__call__(inputs, *args, **kwargs)

    def _check_initial_state(self, input_shape, initial_state, node_index):
        where = f"as its node {node_index}" if node_index is not None else "on concrete data"
        prefix = f"Layer '{self.name}' (LSTM) cannot be called {where}: "
        if not isinstance(initial_state, (list, tuple)) or len(initial_state) != 2:
            raise ValueError(
                prefix + "`initial_state` must be a list of two states [h, c], received "
                f"{initial_state!r}. An LSTM carries two states: h, its previous output, and "
                "c, its cell memory."
            )
        expected = (input_shape[0], self.units)
        for name, state in zip(("h", "c"), initial_state, strict=True):
            shape = _shape_of(state)
            batch_ok = shape[:1] == (None,) or expected[0] is None or shape[:1] == expected[:1]
            if len(shape) != 2 or shape[-1] != self.units or not batch_ok:
                raise ValueError(
                    prefix + f"initial state {name} must have shape (batch, units) = "
                    f"{expected}, found {shape}. The states hold one number per unit for each "
                    f"sample, so with units={self.units} and a batch of {expected[0]} they are "
                    f"{expected}; pass the states of an LSTM with the same number of units."
                )

    def _checked_mask(self, mask, expected):
        mask = np.asarray(data_of(mask)).astype(bool)
        if mask.shape != expected:
            raise ValueError(
                f"LSTM layer '{self.name}' received a mask of shape {mask.shape}, but its "
                f"input needs a (batch, timesteps) = {expected} mask: one True/False per step."
            )
        return mask

    def _rank_explanation(self, ndim):
        return (
            "An LSTM reads a sequence: (batch, timesteps, features). For a single sequence "
            "add a batch axis; for one feature per step add a last axis of size 1."
        )

    def _axis_explanation(self, axis, size):
        return (
            f"Its kernel has shape {self.kernel.shape}: one row per input feature (and "
            f"4 x {self.units} columns for the gates i, f, c, o). All calls of the same layer "
            f"share these weights, so every call must bring {size} features per timestep; "
            "only the number of timesteps may differ."
        )


def _shape_of(x):
    """The shape of an array, a Tensor, a KerasTensor or a nested list."""
    if hasattr(x, "shape"):
        return tuple(x.shape)
    return tuple(np.shape(x))
