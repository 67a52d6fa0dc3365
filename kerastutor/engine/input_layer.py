"""Input and InputLayer: where a model's data enters.

`Input(shape=(32,))` computes nothing. It creates an InputLayer whose only
node produces a symbolic tensor of shape (None, 32): the None is the batch
size, unknown until data arrives. Compare the Embedding layer, which does
compute something (it looks rows up in a weight matrix).

The arguments are Keras 3's (`shape`, `batch_size`, `batch_shape`, `dtype`,
`sparse`, `name`, `tensor` / `input_tensor`); Keras 2's spellings that the
learners' material uses (`input_shape`, `batch_input_shape`) work too.
"""

import numpy as np

from kerastutor import config
from kerastutor.engine import naming
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.node import Node

__all__ = ["InputLayer", "Input"]


def _as_shape(shape, argument):
    """`shape` as a tuple of sizes (ints >= 0 or None), or a ValueError that shows the fix."""
    if isinstance(shape, int) and not isinstance(shape, bool):
        raise ValueError(
            f"Cannot convert '{shape}' to a shape: `{argument}` must be a tuple, even for "
            f"one axis. Write `{argument}=({shape},)`, with the comma."
        )
    if not isinstance(shape, (tuple, list)) or not all(
        d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0)
        for d in shape
    ):
        raise ValueError(
            f"Cannot convert {shape!r} to a shape: `{argument}` must be a tuple of "
            "non-negative integers or None, e.g. (280, 128) or (None, 128)."
        )
    return tuple(None if d is None else int(d) for d in shape)


class InputLayer(Layer):
    """The layer behind `Input`: no weights, one node, one symbolic output.

    Example:
        >>> from kerastutor.layers import InputLayer
        >>> InputLayer(shape=(280, 128)).batch_shape
        (None, 280, 128)

    Args:
        shape: shape without the batch axis, e.g. (280, 128).
        batch_size: optional fixed batch size.
        dtype: dtype of the data, e.g. 'float32' or 'int32' for indices.
        sparse: accepted for compatibility; must be False or None.
        batch_shape: the full shape, batch axis included, instead of
            `shape` and `batch_size`.
        input_tensor: an existing symbolic tensor to use as the output,
            instead of a new one.
        optional: must be False (kerastutor has no optional inputs).
        name: defaults to 'input_1', 'input_2', ... as in Keras 2.
        input_shape, batch_input_shape: Keras 2's names for `shape` and
            `batch_shape`.
    """

    # Data enters as given; each layer casts what it needs (floats for Dense,
    # integer indices for Embedding).
    _cast_inputs = False

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        batch_shape=None,
        input_tensor=None,
        optional=False,
        name=None,
        input_shape=None,
        batch_input_shape=None,
        **kwargs,
    ):
        if sparse:
            raise ValueError("kerastutor has no sparse tensors: `sparse` must be False.")
        if optional:
            raise ValueError("kerastutor has no optional inputs: `optional` must be False.")
        # The argument the shape comes from, to name it if it disagrees with `input_tensor`.
        if batch_shape is not None or batch_input_shape is not None:
            asked = "batch_shape"
        else:
            asked = "shape" if shape is not None or input_shape is not None else "batch_size"
        batch_shape = self._batch_shape(
            shape, batch_size, batch_shape, input_shape, batch_input_shape, input_tensor
        )
        if input_tensor is not None:
            _check_agrees(input_tensor, batch_shape, dtype, asked)
            dtype = dtype or input_tensor.dtype
        name = name or naming.unique_name("input", zero_based=False)
        super().__init__(name=name, dtype=dtype or config.floatx(), **kwargs)
        self._batch_input_shape = batch_shape
        self.sparse = False
        self.built = True
        tensor = input_tensor if input_tensor is not None else KerasTensor(batch_shape, self.dtype)
        Node(
            self,
            call_args=None,
            call_kwargs={},
            outputs=tensor,
            input_masks=[],
            output_masks=[None],
        )
        tensor.name = self.name  # as Keras 3 names an Input's tensor

    @staticmethod
    def _batch_shape(shape, batch_size, batch_shape, input_shape, batch_input_shape, tensor):
        """The one shape, batch axis included, from whichever argument was given."""
        if input_shape is not None:  # Keras 2 allowed an int here
            shape = (input_shape,) if isinstance(input_shape, int) else input_shape
        batch_shape = batch_shape if batch_shape is not None else batch_input_shape
        if batch_shape is not None:
            if shape is not None:
                raise ValueError(
                    "Pass `shape` (without the batch axis) or `batch_shape` (with it), not "
                    f"both; received shape={shape!r} and batch_shape={batch_shape!r}."
                )
            if batch_size is not None:
                raise ValueError(
                    "Pass `batch_size` with `shape`, or the batch size inside `batch_shape`, "
                    f"not both; received batch_size={batch_size!r} and "
                    f"batch_shape={batch_shape!r}."
                )
            return _as_shape(batch_shape, "batch_shape")
        if shape is not None:
            return (batch_size,) + _as_shape(shape, "shape")
        if tensor is not None:
            return (batch_size,) + tuple(tensor.shape)[1:] if batch_size else tuple(tensor.shape)
        raise ValueError(
            "An Input needs a shape: pass `shape=` (without the batch axis, e.g. "
            "shape=(280, 128)) or `batch_shape=` (with it)."
        )

    @property
    def batch_shape(self):
        """The shape of the data, batch axis included: (None, 280, 128)."""
        return self._batch_input_shape

    def call(self):
        """An InputLayer computes nothing: data enters the model here as it is."""
        return None

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


def _check_agrees(tensor, batch_shape, dtype, asked):
    """An `input_tensor` must have the shape and dtype the other arguments ask for.

    `asked` names the argument the shape came from ('shape', 'batch_shape', 'batch_size').
    """
    if not isinstance(tensor, KerasTensor):
        raise ValueError(
            "`input_tensor` must be a KerasTensor (a symbolic tensor from `Input` or a layer "
            f"call), received {type(tensor).__name__}."
        )
    agrees = len(batch_shape) == len(tensor.shape) and all(
        wanted is None or wanted == size for wanted, size in zip(batch_shape, tensor.shape)
    )
    if not agrees:
        raise ValueError(
            f"`{asked}` asks for inputs of shape {tuple(batch_shape)}, but the `input_tensor` "
            f"has shape {tuple(tensor.shape)}; they must agree (or leave `{asked}` out)."
        )
    if dtype is not None and str(np.dtype(dtype)) != tensor.dtype:
        raise ValueError(
            f"`dtype` is {str(np.dtype(dtype))!r}, but the `input_tensor` has dtype "
            f"{tensor.dtype!r}; they must agree (or leave `dtype` out)."
        )


def Input(
    shape=None,
    batch_size=None,
    dtype=None,
    sparse=None,
    batch_shape=None,
    name=None,
    tensor=None,
    optional=False,
):
    """A symbolic tensor to build a model from.

    Args:
        shape: the shape of one sample, without the batch axis: a tuple,
            (784,) for a vector of 784 numbers.
        batch_size: optional fixed batch size.
        dtype: 'float32' by default; 'int32' for Embedding indices.
        sparse: must be False or None.
        batch_shape: the shape with the batch axis, instead of `shape`.
        name: the InputLayer's name.
        tensor: an existing symbolic tensor to wrap, instead of a new one.
        optional: must be False.

    Returns:
        A KerasTensor with shape (batch_size, *shape).

    Example:
        >>> from kerastutor.layers import Input
        >>> Input(shape=(280, 128)).shape
        (None, 280, 128)
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        input_tensor=tensor,
        optional=optional,
        name=name,
    )
    return layer._inbound_nodes[0].output_tensors[0]
