"""SimpleRNN: the plainest recurrent layer, one tanh per timestep."""

from kerastutor import activations, initializers, random
from kerastutor.engine.validation import positive_int
from kerastutor.layers.rnn import RNN
from kerastutor.layers.rnn_cell import LayerCell
from kerastutor.layers.rnn_utils import (
    check_flag,
    check_rate,
    dropped,
    sequence_features,
)

__all__ = ["SimpleRNN", "SimpleRNNCell"]


class SimpleRNN(RNN):
    """Fully-connected RNN: the output of each step is fed back into the next.

    One state h of size `units`. At every timestep t:

        h = tanh(x_t @ kernel + h @ recurrent_kernel + bias)

    and h is also the step's output. `_step` below is that line. The time
    loop, masks and states come from the `RNN` base (rnn.py).

    Example:
        >>> from kerastutor.layers import Input, SimpleRNN
        >>> x = Input(shape=(10, 8))
        >>> SimpleRNN(4)(x).shape
        (None, 4)
        >>> seq, h = SimpleRNN(4, return_sequences=True, return_state=True)(x)
        >>> seq.shape, h.shape
        ((None, 10, 4), (None, 4))

    Args:
        units: positive integer, the size of h (and of the output).
        activation: 'tanh' by default.
        use_bias: whether to add a bias vector.
        kernel_initializer: for `kernel`, (features, units): 'glorot_uniform'.
        recurrent_initializer: for `recurrent_kernel`, (units, units): 'orthogonal'.
        bias_initializer: for `bias`, (units,): 'zeros'.
        dropout: fraction of the input features x_t to drop, in training only
            (the same features at every step of a sequence).
        recurrent_dropout: fraction of h to drop before `h @ recurrent_kernel`.
        seed: optional integer seeding the dropout masks.
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
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(None, **kwargs)
        self.units = positive_int(self, "units", units)
        check_flag(self, "use_bias", use_bias)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.dropout = check_rate(self, "dropout", dropout)
        self.recurrent_dropout = check_rate(self, "recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self._generator = random.generator(seed) if seed is not None else None
        self.state_size = [self.units]

    def build(self, input_shape):
        features = sequence_features(self, input_shape)
        self.kernel = self.add_weight(
            name="kernel", shape=(features, self.units), initializer=self.kernel_initializer
        )
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel",
            shape=(self.units, self.units),
            initializer=self.recurrent_initializer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(self.units,), initializer=self.bias_initializer
            )
        self.built = True

    def _step(self, x_t, states, training=None):
        """One timestep: (output, [h])."""
        (h,) = states
        x_t = dropped(self, "inputs", x_t, self.dropout, training)
        h_in = dropped(self, "recurrent", h, self.recurrent_dropout, training)
        z = x_t @ self.kernel + h_in @ self.recurrent_kernel
        if self.use_bias:
            z = z + self.bias
        h = self.activation(z)
        return h, [h]

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
            }
        )
        return config

    def _state_names(self):
        return ["h"]

    def _state_explanation(self):
        return "A SimpleRNN carries one state: h, its previous output."


class SimpleRNNCell(LayerCell):
    """One SimpleRNN timestep, for `RNN(SimpleRNNCell(units))`: SimpleRNN's weights and `_step`."""

    layer_class = SimpleRNN
    cell_options = (
        "units",
        "activation",
        "use_bias",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "dropout",
        "recurrent_dropout",
        "seed",
    )
