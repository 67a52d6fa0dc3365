"""`kerastutor.ops`: the operations layers are made of, each with its gradient rule.

These are Keras 3's `keras.ops`, computed with NumPy. Every function works on
three kinds of values:

* NumPy arrays (and Python numbers): it just computes, and returns an array;
* watched tensors (`kerastutor.autodiff.Tensor`, a `Variable` inside
  `watch`): it computes and records how, so `backward()` can send gradients
  back through it;
* symbolic tensors (from `Input`): there is nothing to compute yet, so the
  call becomes a node of the graph, shown in `summary()` and `plot_model`
  and replayed with real arrays when the model runs (`symbolic_aware`).

The code lives in `kerastutor.ops.numpy` (array operations) and
`kerastutor.ops.nn` (convolution and activations), each forward computation
beside its gradient rule. The fused LSTM (`kerastutor.layers.lstm_fast`) is
the one other place that differentiates; its tests check it against these
rules.

Example:
    >>> import numpy as np
    >>> from kerastutor import ops
    >>> ops.matmul(np.ones((2, 3)), np.ones((3, 4))).shape
    (2, 4)
"""

from kerastutor.ops.nn import conv2d, conv_padding, relu, sigmoid, softmax, softplus
from kerastutor.ops.numpy import (
    abs,
    add,
    clip,
    concatenate,
    divide,
    exp,
    get_item,
    log,
    matmul,
    maximum,
    mean,
    multiply,
    negative,
    reshape,
    slice_axis,
    split,
    sqrt,
    square,
    stack,
    subtract,
    sum,
    take,
    tanh,
    transpose,
    where,
)

__all__ = [
    # kerastutor.ops.numpy
    "add",
    "subtract",
    "multiply",
    "divide",
    "negative",
    "matmul",
    "tanh",
    "exp",
    "log",
    "square",
    "sqrt",
    "abs",
    "clip",
    "maximum",
    "where",
    "sum",
    "mean",
    "reshape",
    "transpose",
    "concatenate",
    "split",
    "slice_axis",
    "stack",
    "take",
    "get_item",
    # kerastutor.ops.nn
    "conv_padding",
    "conv2d",
    "relu",
    "sigmoid",
    "softplus",
    "softmax",
]
