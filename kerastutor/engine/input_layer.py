"""Input and InputLayer: where a model's data enters.

`Input(shape=(32,))` computes nothing. It creates an InputLayer whose only
node produces a symbolic tensor of shape (None, 32): the None is the batch
size, unknown until data arrives. Compare the Embedding layer, which does
compute something (it looks rows up in a weight matrix).
"""

from kerastutor import config
from kerastutor.engine import naming
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.node import Node

__all__ = ["InputLayer", "Input"]


def _as_shape(shape, argument):
    if isinstance(shape, int):
        return (shape,)
    if not isinstance(shape, (tuple, list)) or not all(
        d is None or (isinstance(d, int) and d >= 0) for d in shape
    ):
        raise ValueError(
            f"`{argument}` must be a tuple of non-negative integers or None, received {shape!r}."
        )
    return tuple(shape)


class InputLayer(Layer):
    """The layer behind `Input`: no weights, one node, one symbolic output.

    Args:
        input_shape: shape without the batch axis, e.g. (280, 128).
        batch_size: optional fixed batch size.
        dtype: dtype of the data, e.g. 'float32' or 'int32' for indices.
        sparse: accepted for compatibility; must be False.
        name: defaults to 'input_1', 'input_2', ... as in Keras 2.
        batch_input_shape: the full shape, batch axis included, instead of
            `input_shape` and `batch_size`.
    """

    # Data enters as given; each layer casts what it needs (floats for Dense,
    # integer indices for Embedding).
    _cast_inputs = False

    def __init__(
        self,
        input_shape=None,
        batch_size=None,
        dtype=None,
        sparse=False,
        name=None,
        batch_input_shape=None,
        **kwargs,
    ):
        if sparse:
            raise ValueError("kerastutor has no sparse tensors: `sparse` must be False.")
        if batch_input_shape is None:
            if input_shape is None:
                raise ValueError(
                    "An Input needs a shape: pass `shape=` (without the batch axis, e.g. "
                    "shape=(280, 128)) or `batch_shape=` (with it)."
                )
            batch_input_shape = (batch_size,) + _as_shape(input_shape, "shape")
        batch_input_shape = _as_shape(batch_input_shape, "batch_shape")
        name = name or naming.unique_name("input", zero_based=False)
        super().__init__(name=name, dtype=dtype or config.floatx(), **kwargs)
        self._batch_input_shape = batch_input_shape
        self.sparse = False
        self.built = True
        tensor = KerasTensor(batch_input_shape, dtype=self.dtype)
        Node(
            self,
            call_args=None,
            call_kwargs={},
            outputs=tensor,
            input_masks=[],
            output_masks=[None],
        )

    def __call__(self, *args, **kwargs):
        raise TypeError(
            f"InputLayer '{self.name}' cannot be called: it has no inputs. Use its output "
            f"tensor (`{self.name}.output`, or what `Input(...)` returned) instead."
        )

    def get_config(self):
        return {
            "batch_input_shape": self._batch_input_shape,
            "dtype": self.dtype,
            "sparse": self.sparse,
            "name": self.name,
        }


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False, batch_shape=None):
    """A symbolic tensor to build a model from.

    Args:
        shape: the shape of one sample, without the batch axis.
        batch_size: optional fixed batch size.
        name: the InputLayer's name.
        dtype: 'float32' by default; 'int32' for Embedding indices.
        sparse: must be False.
        batch_shape: the shape with the batch axis, instead of `shape`.

    Returns:
        A KerasTensor with shape (batch_size, *shape).

    Example:
        >>> from kerastutor.layers import Input
        >>> Input(shape=(280, 128)).shape
        (None, 280, 128)
    """
    layer = InputLayer(
        input_shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        name=name,
        batch_input_shape=batch_shape,
    )
    return layer._inbound_nodes[0].output_tensors[0]
