"""GRU: a gated recurrent layer with one state, cheaper than an LSTM."""

from kerastutor import activations, initializers, ops, random
from kerastutor.autodiff import data_of
from kerastutor.engine.validation import positive_int
from kerastutor.layers.gru_fast import gru_sequence
from kerastutor.layers.rnn import RNN
from kerastutor.layers.rnn_cell import LayerCell
from kerastutor.layers.rnn_utils import (
    check_flag,
    check_rate,
    dropout_mask,
    dropped,
    sequence_features,
)

__all__ = ["GRU", "GRUCell"]


class GRU(RNN):
    """Gated Recurrent Unit (Cho et al., 2014), as in Keras 3.

    One state h of size `units`. At every timestep t, with the kernels'
    columns in Keras's order z, r, h (update gate, reset gate, candidate):

        x_z, x_r, x_h = split(x_t @ kernel + input_bias)
        h_z, h_r, h_h = split(h @ recurrent_kernel + recurrent_bias)
        z  = sigmoid(x_z + h_z)          update gate: how much of h to keep
        r  = sigmoid(x_r + h_r)          reset gate: how much of h to use
        hh = tanh(x_h + r * h_h)         the candidate
        h  = z * h + (1 - z) * hh

    That is Keras 3's default, `reset_after=True`: the reset gate multiplies
    `h @ recurrent_kernel` after the product, and the bias has two rows,
    (2, 3 * units): input_bias, then recurrent_bias. With `reset_after=False`
    (the original paper's GRU) the bias is one (3 * units,) vector and

        hh = tanh(x_h + (r * h) @ recurrent_kernel[:, 2u:])

    `_step` below is these lines. The time loop, masks and states come from
    the `RNN` base (rnn.py).

    Fast path: with the default activations and no recurrent dropout in
    training, the whole sequence runs as one fused op (`gru_fast.py`, the
    same equations with a hand-written backward pass). `with
    kerastutor.layers.rnn.fused_kernels(False):` runs `_step` instead.

    Example:
        >>> from kerastutor.layers import Input, GRU
        >>> x = Input(shape=(10, 8))
        >>> GRU(4)(x).shape
        (None, 4)
        >>> seq, h = GRU(4, return_sequences=True, return_state=True)(x)
        >>> seq.shape, h.shape
        ((None, 10, 4), (None, 4))

    Args:
        units: positive integer, the size of h (and of the output).
        activation: for the candidate: 'tanh'.
        recurrent_activation: for the gates z and r: 'sigmoid'.
        use_bias: whether to add a bias.
        kernel_initializer: for `kernel`, (features, 3 * units): 'glorot_uniform'.
        recurrent_initializer: for `recurrent_kernel`, (units, 3 * units): 'orthogonal'.
        bias_initializer: for `bias`: 'zeros'.
        dropout: fraction of the input features x_t to drop, in training only
            (the same features at every step of a sequence).
        recurrent_dropout: fraction of h to drop before `h @ recurrent_kernel`.
        seed: optional integer seeding the dropout masks.
        reset_after: apply the reset gate after the recurrent matmul (True,
            Keras 3's default) or before it (False).
        **kwargs: `return_sequences`, `return_state`, `go_backwards`,
            `stateful`, `unroll`, `zero_output_for_mask` (see `RNN`) and the
            base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        (batch_size, timesteps, features).

    Output shape:
        (batch_size, units), or (batch_size, timesteps, units) with
        `return_sequences`; with `return_state` a list [output, h].
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
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        reset_after=True,
        **kwargs,
    ):
        # Keras's `implementation` and `use_cudnn` pick how the same numbers are computed.
        kwargs.pop("implementation", None), kwargs.pop("use_cudnn", None)
        super().__init__(None, **kwargs)
        self.units = positive_int(self, "units", units)
        check_flag(self, "use_bias", use_bias)
        check_flag(self, "reset_after", reset_after)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.dropout = check_rate(self, "dropout", dropout)
        self.recurrent_dropout = check_rate(self, "recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self._generator = random.generator(seed) if seed is not None else None
        self.reset_after = bool(reset_after)
        self.state_size = [self.units]

    def build(self, input_shape):
        features = sequence_features(self, input_shape)
        units = self.units
        self.kernel = self.add_weight(
            name="kernel", shape=(features, 3 * units), initializer=self.kernel_initializer
        )
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel",
            shape=(units, 3 * units),
            initializer=self.recurrent_initializer,
        )
        self.bias = None
        if self.use_bias:
            bias_shape = (2, 3 * units) if self.reset_after else (3 * units,)
            self.bias = self.add_weight(
                name="bias", shape=bias_shape, initializer=self.bias_initializer
            )
        self.built = True

    def _step(self, x_t, states, training=None):
        """One timestep of the GRU cell: (output, [h])."""
        (h,) = states
        u = self.units
        x_t = dropped(self, "inputs", x_t, self.dropout, training)
        h_in = dropped(self, "recurrent", h, self.recurrent_dropout, training)
        input_bias, recurrent_bias = self._biases()
        x_z, x_r, x_h = ops.split(x_t @ self.kernel + input_bias, 3, axis=-1)
        if self.reset_after:
            h_z, h_r, h_h = ops.split(h_in @ self.recurrent_kernel + recurrent_bias, 3, axis=-1)
        else:
            h_z, h_r = ops.split(h_in @ self.recurrent_kernel[:, : 2 * u], 2, axis=-1)
        z = self.recurrent_activation(x_z + h_z)
        r = self.recurrent_activation(x_r + h_r)
        if self.reset_after:
            hh = self.activation(x_h + r * h_h)
        else:
            hh = self.activation(x_h + (r * h_in) @ self.recurrent_kernel[:, 2 * u :])
        h = z * h + (1 - z) * hh
        return h, [h]

    def _biases(self):
        """(input_bias, recurrent_bias): the bias's two rows, or zeros without a bias."""
        if not self.use_bias:
            return 0.0, 0.0
        if not self.reset_after:
            return self.bias, 0.0
        return self.bias[0], self.bias[1]

    def _fused_sequence(self, sequences, states, mask, training):
        """The whole sequence as one op (gru_fast.py), when its assumptions hold."""
        default_activations = (
            self.activation is activations.tanh and self.recurrent_activation is activations.sigmoid
        )
        if not default_activations or (training and self.recurrent_dropout):
            return NotImplemented
        batch, _, features = data_of(sequences).shape
        keep = dropout_mask(self, "inputs", (batch, features), self.dropout, training)
        if keep is not None:
            sequences = sequences * keep[:, None, :]
        output, h = gru_sequence(
            sequences,
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            states[0],
            mask=mask,
            go_backwards=self.go_backwards,
            return_sequences=self.return_sequences,
            reset_after=self.reset_after,
        )
        return output, [h]

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
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed,
                "reset_after": self.reset_after,
            }
        )
        return config

    def _state_names(self):
        return ["h"]

    def _state_explanation(self):
        return "A GRU carries one state: h, its previous output."


class GRUCell(LayerCell):
    """One GRU timestep, for `RNN(GRUCell(units))`: GRU's weights and `_step`."""

    layer_class = GRU
    cell_options = (
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "dropout",
        "recurrent_dropout",
        "reset_after",
        "seed",
    )
    _biases = GRU._biases  # the input and recurrent rows of the bias, as GRU's
