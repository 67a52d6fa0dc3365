"""Symbolic tensors: a shape and a dtype, no values.

`Input(shape=(280, 128))` returns a KerasTensor with shape (None, 280, 128):
`None` is the batch size, unknown until data arrives. Calling a layer on a
KerasTensor computes no numbers; it records a node in the layer and returns a
new KerasTensor whose shape the layer worked out.

Arithmetic on KerasTensors builds the graph: `x + y`, `x @ w`, `2 * x`,
`-x`, `x[:, 0]` each call the `kerastutor.ops` function of the same meaning,
which records an op node (`add`, `matmul`, `get_item`, ...) as in Keras 3.

Two KerasTensors are equal only if they are the same object, which is why the
seed's `assert shared_lstm.get_output_at(0) == encoded_a` holds (Keras 2's
rule; `==` is not an op here).
"""

from typing import NamedTuple

from kerastutor import ops
from kerastutor.autodiff import Symbolic

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


class KerasTensor(Symbolic):
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

    def apply_op(self, function, args, kwargs):
        """Record `function(*args, **kwargs)` as a node of the graph (see `kerastutor.ops`)."""
        # The op-node machinery builds on Layer, which builds on this module.
        from kerastutor.engine.backend_op import operation_call

        return operation_call(function, args, kwargs)

    # The operators are `kerastutor.ops` functions, so each records an op node.
    # With `__array_ufunc__ = None`, a NumPy array on the left hands over to
    # the reflected method (`array * x` calls `x.__rmul__(array)`).
    __array_ufunc__ = None

    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.subtract(self, other)

    def __rsub__(self, other):
        return ops.subtract(other, self)

    def __mul__(self, other):
        return ops.multiply(self, other)

    def __rmul__(self, other):
        return ops.multiply(other, self)

    def __truediv__(self, other):
        return ops.divide(self, other)

    def __rtruediv__(self, other):
        return ops.divide(other, self)

    def __floordiv__(self, other):
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return ops.floor_divide(other, self)

    def __mod__(self, other):
        return ops.mod(self, other)

    def __rmod__(self, other):
        return ops.mod(other, self)

    def __pow__(self, other):
        return ops.power(self, other)

    def __rpow__(self, other):
        return ops.power(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.abs(self)

    def __getitem__(self, key):
        return ops.get_item(self, key)

    @property
    def T(self):  # NumPy's name
        return ops.transpose(self)

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
