"""LayerCell: one timestep of a recurrent layer as a Keras cell (LSTMCell, GRUCell, ...)."""

from kerastutor.engine.base_layer import ALLOWED_KWARGS, Layer

__all__ = ["LayerCell"]


class LayerCell(Layer):
    """Base of SimpleRNNCell, GRUCell and LSTMCell: a recurrent layer's step, as a cell.

    Keras splits each recurrent layer into a cell (one timestep) and the RNN
    that loops it. kerastutor keeps the step in the layer's own file, as
    `_step`, so a learner reads the equations where the layer is; a cell
    class borrows them. It takes the layer's cell arguments (checked by the
    layer itself), makes the same weights in `build` and runs the layer's
    `_step` in `call`. So `RNN(LSTMCell(4))` computes what `LSTM(4)` does.

    Subclasses set `layer_class` (e.g. LSTM) and `cell_options`, the
    arguments of the Keras cell.
    """

    layer_class = None
    cell_options = ()

    def __init__(self, units, **kwargs):
        layer_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in ALLOWED_KWARGS}
        super().__init__(**layer_kwargs)
        for argument in kwargs:
            if argument not in self.cell_options:
                raise TypeError("Keyword argument not understood:", argument)
        # The layer checks and stores the arguments; the cell takes what it stored.
        options = self.layer_class(units, name=self.name, dtype=self.dtype, **kwargs)
        for name in self.cell_options:
            setattr(self, name, getattr(options, name))
        self._generator = options._generator
        self._options = options
        sizes = options.state_size
        self.state_size = sizes[0] if len(sizes) == 1 else list(sizes)
        self.output_size = self.units

    def build(self, input_shape):
        # The layer's weights, for one step's (batch, features).
        self.layer_class.build(self, (input_shape[0], None, input_shape[-1]))

    def call(self, inputs, states, training=None):
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        return self.layer_class._step(self, inputs, states, training)

    def get_config(self):
        config = super().get_config()
        options = self._options.get_config()
        config.update({name: options.get(name, getattr(self, name)) for name in self.cell_options})
        return config
