"""Symbolic tensors: a shape and a dtype, no values.

`Input(shape=(280, 128))` returns a KerasTensor with shape (None, 280, 128):
`None` is the batch size, unknown until data arrives. Calling a layer on a
KerasTensor computes no numbers; it records a node in the layer and returns a
new KerasTensor whose shape the layer worked out.

Two KerasTensors are equal only if they are the same object, which is why the
seed's `assert shared_lstm.get_output_at(0) == encoded_a` holds.
"""

from typing import NamedTuple

__all__ = ["KerasTensor", "KerasHistory", "is_keras_tensor"]


class KerasHistory(NamedTuple):
    """Where a symbolic tensor came from: output `tensor_index` of the layer's node `node_index`.

    `str(history)` is Keras's notation for it, `layer[node_index][tensor_index]`
    (e.g. 'lstm[1][0]': the first output of the shared LSTM's second call), as
    Keras 2's summary prints it in the "Connected to" column. It is the only
    place that spelling is written: summaries, diagrams, widgets and exercises
    all call `str()` on a history.
    """

    layer: object
    node_index: int
    tensor_index: int

    def __str__(self):
        return f"{self.layer.name}[{self.node_index}][{self.tensor_index}]"


class KerasTensor:
    """A placeholder for the data that will flow through a model.

    Args:
        shape: a tuple of ints and None; None means "any size".
        dtype: the dtype the values will have, e.g. 'float32' or 'int32'.
        name: a readable name, e.g. 'lstm[1][0]' for the first output of the
            layer's node 1.
    """

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = tuple(None if dim is None else int(dim) for dim in shape)
        self.dtype = str(dtype)
        self.name = name
        self._keras_history = None
        self._keras_mask = None

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def node(self):
        """The node that produced this tensor, or None for a bare placeholder."""
        if self._keras_history is None:
            return None
        layer, node_index, _ = self._keras_history
        return layer._inbound_nodes[node_index]

    def __repr__(self):
        name = f", name={self.name}" if self.name else ""
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}{name}>"

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"{self!r} is symbolic: it has a shape but no values yet. Build a Model from "
            "it and call `model.predict(data)` to get numbers."
        )

    def __bool__(self):
        raise TypeError(
            f"{self!r} is symbolic and has no truth value. To check that two symbolic tensors "
            "are the same object, compare them with `==` or `is` directly (as in "
            "`assert layer.get_output_at(0) == encoded_a`)."
        )


def is_keras_tensor(x):
    """True for symbolic tensors (from Input, placeholders and layer calls)."""
    return isinstance(x, KerasTensor)
