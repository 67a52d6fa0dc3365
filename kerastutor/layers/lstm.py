"""LSTM: a recurrent layer that reads a sequence one timestep at a time."""

from kerastutor import activations, initializers, ops, random
from kerastutor.autodiff import data_of
from kerastutor.engine.validation import positive_int
from kerastutor.layers.lstm_fast import lstm_sequence
from kerastutor.layers.rnn import RNN
from kerastutor.layers.rnn_cell import LayerCell
from kerastutor.layers.rnn_utils import (
    check_flag,
    check_rate,
    dropout_mask,
    dropped,
    sequence_features,
)

__all__ = ["LSTM", "LSTMCell"]


class LSTM(RNN):
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

    `_step` below is exactly these lines. The same three weights serve every
    timestep, which is why one LSTM reads sequences of any length, and why a
    shared LSTM called on (280, 128) and on (250, 128) inputs has one set of
    weights but two input shapes.

    The time loop, masks and states come from the `RNN` base (rnn.py). At a
    masked step (from `Embedding(mask_zero=True)`) h and c keep their values
    and the output repeats the previous output (zeros before the first
    unmasked step), as in Keras 3. Also as in Keras 3: in a model, a call with
    `initial_state` tensors is not given its input's mask, so that call runs
    unmasked, while the mask still travels on to its outputs.

    Fast path: with the default activations and no recurrent dropout in
    training, the whole sequence runs as one fused op (`lstm_fast.py`, the
    same equations with a hand-written backward pass), which trains much
    faster. `with kerastutor.layers.rnn.fused_kernels(False):` runs `_step`
    instead; the tests check both give the same numbers and gradients.

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
        recurrent_initializer: for `recurrent_kernel`, (units, 4 * units): 'orthogonal'.
        bias_initializer: for `bias`, (4 * units,): 'zeros'.
        unit_forget_bias: if True, the forget-gate part of the bias starts at
            1, so that the cell keeps its memory at the start of training.
        dropout: fraction of the input features x_t to drop, in training only
            (the same features at every step of a sequence).
        recurrent_dropout: fraction of h to drop before `h @ recurrent_kernel`.
        seed: optional integer seeding the dropout masks.
        **kwargs: `return_sequences`, `return_state`, `go_backwards`,
            `stateful`, `unroll`, `zero_output_for_mask` (see `RNN`) and the
            base Layer's arguments (`name`, `input_shape`, ...).

    Call arguments:
        inputs: (batch, timesteps, features).
        mask: optional boolean (batch, timesteps); False marks padding.
        training: True turns dropout on (fit does this).
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
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        # Keras's `implementation` and `use_cudnn` pick how the same numbers are computed.
        kwargs.pop("implementation", None), kwargs.pop("use_cudnn", None)
        super().__init__(None, **kwargs)
        self.units = positive_int(self, "units", units)
        check_flag(self, "use_bias", use_bias)
        check_flag(self, "unit_forget_bias", unit_forget_bias)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        if self.unit_forget_bias and self.use_bias and self.bias_initializer is None:
            raise TypeError(
                f"{type(self).__name__} layer '{self.name}': unit_forget_bias=True draws the bias "
                "with `bias_initializer` and then sets the forget gate's part to ones, so "
                "`bias_initializer` cannot be None (Keras fails on it too, at build). Pass "
                "'zeros' (the default), or unit_forget_bias=False to draw the whole bias with "
                "the default initializer."
            )
        self.dropout = check_rate(self, "dropout", dropout)
        self.recurrent_dropout = check_rate(self, "recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self._generator = random.generator(seed) if seed is not None else None
        self.state_size = [self.units, self.units]

    def build(self, input_shape):
        features = sequence_features(self, input_shape)
        units = self.units
        self.kernel = self.add_weight(
            name="kernel", shape=(features, 4 * units), initializer=self.kernel_initializer
        )
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel",
            shape=(units, 4 * units),
            initializer=self.recurrent_initializer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(4 * units,), initializer=self._bias_initializer
            )
        self.built = True

    def _bias_initializer(self, shape, dtype=None):
        """The bias initializer, with ones in the forget-gate slice if unit_forget_bias."""
        # None is add_weight's default, glorot_uniform, as in Keras (then no unit_forget_bias).
        bias = (self.bias_initializer or initializers.get("glorot_uniform"))(shape, dtype=dtype)
        if self.unit_forget_bias:
            bias[self.units : 2 * self.units] = 1.0
        return bias

    def _step(self, x_t, states, training=None):
        """One timestep of the LSTM cell: (output, [h, c])."""
        h, c = states
        x_t = dropped(self, "inputs", x_t, self.dropout, training)
        h_in = dropped(self, "recurrent", h, self.recurrent_dropout, training)
        z = x_t @ self.kernel + h_in @ self.recurrent_kernel
        if self.use_bias:
            z = z + self.bias
        z_i, z_f, z_g, z_o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        g = self.activation(z_g)
        o = self.recurrent_activation(z_o)
        c = f * c + i * g
        h = o * self.activation(c)
        return h, [h, c]

    def _fused_sequence(self, sequences, states, mask, training):
        """The whole sequence as one op (lstm_fast.py), when its assumptions hold."""
        default_activations = (
            self.activation is activations.tanh and self.recurrent_activation is activations.sigmoid
        )
        if not default_activations or (training and self.recurrent_dropout):
            return NotImplemented
        batch, _, features = data_of(sequences).shape
        keep = dropout_mask(self, "inputs", (batch, features), self.dropout, training)
        if keep is not None:
            sequences = sequences * keep[:, None, :]
        output, h, c = lstm_sequence(
            sequences,
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            *states,
            mask=mask,
            go_backwards=self.go_backwards,
            return_sequences=self.return_sequences,
        )
        return output, [h, c]

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
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed,
            }
        )
        return config

    def _state_names(self):
        return ["h", "c"]

    def _state_explanation(self):
        return "An LSTM carries two states: h, its previous output, and c, its cell memory."


class LSTMCell(LayerCell):
    """One LSTM timestep, for `RNN(LSTMCell(units))`: LSTM's weights and `_step`."""

    layer_class = LSTM
    cell_options = (
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "unit_forget_bias",
        "dropout",
        "recurrent_dropout",
        "seed",
    )
    _bias_initializer = LSTM._bias_initializer  # ones in the forget-gate slice, as LSTM's
