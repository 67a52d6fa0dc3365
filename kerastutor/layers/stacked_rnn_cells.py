"""StackedRNNCells: several cells run one after the other at every timestep."""

from kerastutor.engine.base_layer import Layer, get_layer_class
from kerastutor.engine.tree import flatten

__all__ = ["StackedRNNCells"]


class StackedRNNCells(Layer):
    """Cells stacked inside one timestep: each cell's output is the next cell's input.

    `RNN(StackedRNNCells([c1, c2]))` (or just `RNN([c1, c2])`) computes what
    two stacked recurrent layers compute, one timestep at a time. The states
    are the cells' states, in order.

    Example:
        >>> from kerastutor.layers import Input, RNN, GRUCell, LSTMCell, StackedRNNCells
        >>> cells = StackedRNNCells([GRUCell(8), LSTMCell(4)])
        >>> RNN(cells)(Input(shape=(5, 3))).shape
        (None, 4)

    Args:
        cells: a list of cells (each with `state_size` and `call(inputs, states)`).
        **kwargs: the base Layer's arguments (`name`, ...).
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if (
                not callable(getattr(cell, "call", None))
                or getattr(cell, "state_size", None) is None
            ):
                raise ValueError(
                    f"StackedRNNCells '{self.name}': every cell needs a `call(inputs, states)` "
                    f"method and a `state_size` attribute, received {cell!r}."
                )
        self.cells = list(cells)

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        last = self.cells[-1]
        return getattr(last, "output_size", None) or flatten([last.state_size])[0]

    def build(self, input_shape):
        batch = input_shape[0]
        for cell in self.cells:
            cell._maybe_build(tuple(input_shape))
            output_size = getattr(cell, "output_size", None) or flatten([cell.state_size])[0]
            input_shape = (batch, output_size)

    def call(self, inputs, states, training=None):
        new_states = []
        for cell, cell_states in zip(self.cells, states, strict=True):
            several = isinstance(cell_states, (list, tuple))
            inputs, cell_states = cell(
                inputs, list(cell_states) if several else [cell_states], training=training
            )
            if not isinstance(cell_states, (list, tuple)):
                cell_states = [cell_states]
            new_states.append(list(cell_states) if several else cell_states[0])
        return inputs, new_states

    def get_config(self):
        config = super().get_config()
        config["cells"] = [
            {"class_name": type(cell).__name__, "config": cell.get_config()} for cell in self.cells
        ]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["cells"] = [
            get_layer_class(cell["class_name"], custom_objects).from_config(cell["config"])
            for cell in config["cells"]
        ]
        return cls(**config)
