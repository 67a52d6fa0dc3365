"""kerastutor.backend: the seeds' `K`, Keras 2's backend functions in NumPy.

Every function works on concrete values (NumPy arrays, lists, the Variables
of `K.variable`) and computes at once. Give it a symbolic tensor (from
`K.placeholder`, `Input` or a layer call) instead and it computes nothing: it
returns a new symbolic tensor that "only has a shape", as seed 000 puts it,
recorded as a node of a small `BackendOp` layer so it can be part of a Model.

Example:
    >>> from kerastutor import backend as K
    >>> x = K.placeholder(shape=(2, 3))
    >>> y = K.placeholder(shape=(3, 4))
    >>> xy = K.dot(x, y)
    >>> xy
    <KerasTensor shape=(2, 4), dtype=float32, name=dot[0][0]>
    >>> K.int_shape(xy)
    (2, 4)
    >>> import numpy as np
    >>> K.dot(np.ones((2, 3)), np.ones((3, 4))).shape
    (2, 4)
"""

import math

import numpy as np

from kerastutor import ops
from kerastutor.autodiff import Tensor, Variable, data_of
from kerastutor.config import epsilon, floatx, set_epsilon, set_floatx
from kerastutor.engine import naming
from kerastutor.engine.backend_op import register_operation, symbolic_call
from kerastutor.engine.functional import Functional
from kerastutor.engine.input_layer import Input
from kerastutor.engine.keras_tensor import KerasTensor, is_keras_tensor
from kerastutor.engine.naming import reset_names
from kerastutor.engine.tree import flatten

__all__ = [
    "clear_session",
    "floatx",
    "set_floatx",
    "epsilon",
    "set_epsilon",
    "is_keras_tensor",
    "placeholder",
    "variable",
    "constant",
    "zeros",
    "ones",
    "eval",
    "get_value",
    "set_value",
    "function",
    "int_shape",
    "shape",
    "ndim",
    "dtype",
    "dot",
    "concatenate",
    "transpose",
    "reshape",
    "sum",
    "mean",
    "square",
    "sqrt",
    "exp",
    "log",
    "abs",
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
]


def clear_session():
    """Forget layer names, so the next Dense is called 'dense' again."""
    reset_names()


def _any_symbolic(*values):
    return any(isinstance(v, KerasTensor) for v in flatten(list(values)))


def _as_value(x):
    """Lists and numbers become arrays; arrays, Tensors and Variables stay as they are."""
    if isinstance(x, (Tensor, np.ndarray)):
        return x
    return np.asarray(x)


# ---------------------------------------------------------------- making tensors


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic tensor of exactly `shape`: no batch axis is added.

    Unlike `Input(shape=(3,))`, which means (None, 3), `placeholder(shape=(2, 3))`
    is a 2 x 3 matrix. It is an Input underneath, so it can be a model input.

    Args:
        shape: a tuple of ints and None.
        ndim: instead of `shape`: that many axes, all of unknown size.
        dtype: defaults to `floatx()` ('float32').
        sparse: must be False (kerastutor has no sparse tensors).
        name: the name of the placeholder's InputLayer.

    Example:
        >>> placeholder(shape=(2, 3)).shape
        (2, 3)
        >>> placeholder(ndim=2).shape
        (None, None)
    """
    if shape is None:
        if ndim is None:
            raise ValueError(
                "K.placeholder needs `shape=` (e.g. shape=(2, 3)) or `ndim=` (e.g. ndim=2 "
                "for a matrix of unknown size); received neither."
            )
        shape = (None,) * int(ndim)
    elif isinstance(shape, int):
        shape = (shape,)
    return Input(
        batch_shape=tuple(shape),
        dtype=dtype or floatx(),
        sparse=sparse,
        name=name or naming.unique_name("placeholder"),
    )


def variable(value, dtype=None, name=None, trainable=True):
    """A Variable holding a copy of `value` (float32 unless `dtype` says otherwise).

    Example:
        >>> variable([[1, 2], [3, 4]])
        <Variable 'variable' shape=(2, 2) dtype=float32 trainable=True>
    """
    array = np.array(data_of(value), dtype=dtype or floatx())
    return Variable(array, name=name or naming.unique_name("variable"), trainable=trainable)


def constant(value, dtype=None, shape=None, name=None):
    """An array of `value` (float32 by default), broadcast to `shape` if given.

    `name` is accepted for compatibility; plain arrays carry no name.
    """
    array = np.array(data_of(value), dtype=dtype or floatx())
    if shape is not None:
        array = np.array(np.broadcast_to(array, tuple(shape)))
    return array


def zeros(shape, dtype=None, name=None):
    """A Variable of zeros, as Keras's `K.zeros` returns."""
    return variable(np.zeros(shape), dtype=dtype, name=name)


def ones(shape, dtype=None, name=None):
    """A Variable of ones, as Keras's `K.ones` returns."""
    return variable(np.ones(shape), dtype=dtype, name=name)


# ---------------------------------------------------------------- reading values


def _no_value_error(function_name, x):
    return TypeError(
        f"K.{function_name}({x!r}): a symbolic tensor has a shape but no value. Values exist "
        "only once data flows: build `Model(inputs, outputs)` and call "
        "`model.predict(data)`, or `K.function(inputs, outputs)(data)`."
    )


def eval(x):  # Keras's name, shadowing the builtin
    """The value of `x` as a NumPy array (a copy for Variables)."""
    if isinstance(x, KerasTensor):
        raise _no_value_error("eval", x)
    if isinstance(x, Tensor):
        return x.data.copy()
    return np.asarray(x)


def get_value(x):
    """The value of a Variable (or of any concrete value) as a NumPy array."""
    if isinstance(x, KerasTensor):
        raise _no_value_error("get_value", x)
    return eval(x)


def set_value(x, value):
    """Replace the value of a Variable in place (the shape must stay the same)."""
    if not isinstance(x, Variable):
        raise TypeError(
            f"K.set_value needs a Variable (from K.variable or a layer's weights), "
            f"received {type(x).__name__}."
        )
    x.assign(value)


def function(inputs, outputs):
    """A Python function from input arrays to output arrays, like Keras 2's `K.function`.

    Example:
        >>> x = placeholder(shape=(2, 3))
        >>> f = function([x], [square(x)])
        >>> f([np.ones((2, 3))])[0].shape
        (2, 3)
    """
    model = Functional(inputs=list(inputs), outputs=list(outputs))

    def run(values):
        return [data_of(out) for out in flatten(model(list(values)))]

    return run


# ---------------------------------------------------------------- describing


def int_shape(x):
    """The shape as a tuple of ints and None, for symbolic and concrete tensors alike.

    Example:
        >>> int_shape(placeholder(shape=(2, 3)))
        (2, 3)
    """
    if isinstance(x, (KerasTensor, Tensor, np.ndarray)):
        return tuple(x.shape)
    raise TypeError(
        f"K.int_shape expects a tensor (symbolic, a Variable or a NumPy array), received "
        f"{type(x).__name__}: {x!r}."
    )


def ndim(x):
    """The number of axes (the batch axis counts)."""
    return len(int_shape(x))


def dtype(x):
    """The dtype's name, e.g. 'float32'."""
    if isinstance(x, KerasTensor):
        return x.dtype
    return str(data_of(x).dtype)


def shape(x):
    """The shape as an int32 tensor: known only at run time for symbolic tensors.

    `int_shape` answers now, with None for the sizes not known yet; `shape`
    answers when data flows, when every size is known.
    """
    if _any_symbolic(x):
        return symbolic_call("shape", [x])
    return _compute_shape(_as_value(x))


def _compute_shape(x):
    return np.array(np.shape(data_of(x)), dtype="int32")


register_operation(
    "shape",
    _compute_shape,
    lambda x_shape: (len(x_shape),),
    lambda x_dtype: "int32",
)


# ---------------------------------------------------------------- dot


def dot(x, y):
    """Matrix product with `np.dot`'s rule for any rank.

    The last axis of `x` meets the second-to-last axis of `y` (its only axis if
    `y` is a vector): shapes (2, 3) . (3, 4) -> (2, 4), and for more axes
    (2, 3, 4) . (7, 4, 5) -> (2, 3, 7, 5): every other axis of `x`, then every
    other axis of `y`.

    Raises:
        ValueError: naming both shapes when the two meeting axes differ.

    Example:
        >>> dot(np.ones((2, 3, 4)), np.ones((7, 4, 5))).shape
        (2, 3, 7, 5)
    """
    if _any_symbolic(x, y):
        return symbolic_call("dot", [x, y])
    x, y = _as_value(x), _as_value(y)
    _dot_shape(tuple(np.shape(data_of(x))), tuple(np.shape(data_of(y))))
    return _compute_dot(x, y)


def _dot_shape(x_shape, y_shape):
    if len(x_shape) == 0 or len(y_shape) == 0:
        return x_shape or y_shape
    contracted = -2 if len(y_shape) > 1 else -1
    x_size, y_size = x_shape[-1], y_shape[contracted]
    if x_size is not None and y_size is not None and x_size != y_size:
        which = "second-to-last axis" if contracted == -2 else "only axis"
        raise ValueError(
            f"K.dot cannot multiply shapes {x_shape} and {y_shape}: the last axis of x "
            f"(size {x_size}) must match the {which} of y (size {y_size}). The rule "
            "(np.dot's): each output number sums x[..., k] * y[..., k, :] over k, so both "
            "must have the same number of k."
        )
    if len(y_shape) == 1:
        return x_shape[:-1]
    return x_shape[:-1] + y_shape[:-2] + y_shape[-1:]


def _compute_dot(x, y):
    x_shape, y_shape = np.shape(data_of(x)), np.shape(data_of(y))
    if len(x_shape) == 0 or len(y_shape) == 0:
        return ops.multiply(x, y)
    if len(y_shape) == 1:
        column = ops.matmul(x, ops.reshape(y, (-1, 1)))
        return ops.reshape(column, x_shape[:-1])
    if len(y_shape) == 2:
        return ops.matmul(x, y)
    # Bring y's contracted axis to the front and lay every other axis of y
    # side by side as columns: one matrix product, then restore the axes.
    contracted = len(y_shape) - 2
    order = [contracted] + [axis for axis in range(len(y_shape)) if axis != contracted]
    columns = ops.reshape(ops.transpose(y, order), (y_shape[contracted], -1))
    product = ops.matmul(x, columns)
    return ops.reshape(product, x_shape[:-1] + y_shape[:-2] + y_shape[-1:])


register_operation("dot", _compute_dot, _dot_shape)


# ---------------------------------------------------------------- joining and reshaping


def concatenate(tensors, axis=-1):
    """Join tensors along `axis`; every other axis must agree.

    Example:
        >>> concatenate([np.ones((2, 3)), np.ones((2, 4))]).shape
        (2, 7)
    """
    if not isinstance(tensors, (list, tuple)) or not tensors:
        raise ValueError(
            f"K.concatenate expects a non-empty list of tensors, received {tensors!r}."
        )
    if _any_symbolic(tensors):
        return symbolic_call("concatenate", [list(tensors)], axis=axis)
    tensors = [_as_value(t) for t in tensors]
    _concatenate_shape([tuple(np.shape(data_of(t))) for t in tensors], axis=axis)
    return ops.concatenate(tensors, axis=axis)


def _concatenate_shape(shapes, axis=-1):
    ranks = {len(s) for s in shapes}
    if len(ranks) > 1:
        raise ValueError(f"K.concatenate needs tensors of the same rank, received shapes {shapes}.")
    rank = ranks.pop()
    if not -rank <= axis < rank:
        raise ValueError(
            f"K.concatenate: axis {axis} is out of range for tensors of rank {rank} "
            f"(shapes {shapes})."
        )
    axis = axis % rank
    output = list(shapes[0])
    for other in shapes[1:]:
        for i, (a, b) in enumerate(zip(output, other, strict=True)):
            if i == axis:
                continue
            if a is not None and b is not None and a != b:
                raise ValueError(
                    f"K.concatenate along axis {axis} cannot join shapes {shapes}: every axis "
                    f"except the joined one must agree, but axis {i} has sizes {a} and {b}."
                )
            output[i] = a if a is not None else b
    sizes = [s[axis] for s in shapes]
    output[axis] = None if None in sizes else int(np.sum(sizes))
    return tuple(output)


register_operation("concatenate", ops.concatenate, _concatenate_shape)


def transpose(x, axes=None):
    """Reverse the axes (or reorder them as `axes` says)."""
    if _any_symbolic(x):
        return symbolic_call("transpose", [x], axes=None if axes is None else list(axes))
    return ops.transpose(_as_value(x), axes)


def _transpose_shape(x_shape, axes=None):
    if axes is None:
        return tuple(reversed(x_shape))
    if sorted(axes) != list(range(len(x_shape))):
        raise ValueError(
            f"K.transpose: axes {axes} must be a permutation of 0..{len(x_shape) - 1} for a "
            f"tensor of shape {x_shape}."
        )
    return tuple(x_shape[axis] for axis in axes)


register_operation("transpose", ops.transpose, _transpose_shape)


def reshape(x, shape):
    """The same values in a new shape (batch axis included; one -1 may be inferred)."""
    shape = tuple(int(d) for d in shape)
    if _any_symbolic(x):
        return symbolic_call("reshape", [x], shape=list(shape))
    x = _as_value(x)
    _reshape_shape(tuple(np.shape(data_of(x))), shape=shape)
    return ops.reshape(x, shape)


def _reshape_shape(x_shape, shape):
    shape = tuple(shape)
    if list(shape).count(-1) > 1:
        raise ValueError(f"K.reshape: only one axis may be -1, received {shape}.")
    if None in x_shape:
        # Sizes not known yet: the -1 axis cannot be worked out until data flows.
        return tuple(None if d == -1 else d for d in shape)
    size = math.prod(x_shape)
    known = math.prod(d for d in shape if d != -1)
    if (-1 in shape and (known == 0 or size % known)) or (-1 not in shape and known != size):
        raise ValueError(
            f"K.reshape cannot reshape a tensor of shape {x_shape} ({size} values) into "
            f"{shape}: the number of values must stay the same."
        )
    return tuple(size // known if d == -1 else d for d in shape)


register_operation("reshape", ops.reshape, _reshape_shape)


# ---------------------------------------------------------------- reductions


def _reduced_shape(x_shape, axis=None, keepdims=False):
    if axis is None:
        axes = set(range(len(x_shape)))
    else:
        axes = {a % len(x_shape) for a in (axis if isinstance(axis, list) else [axis])}
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(x_shape))
    return tuple(d for i, d in enumerate(x_shape) if i not in axes)


def _reduction(name, op):
    def reduce(x, axis=None, keepdims=False):
        if isinstance(axis, tuple):
            axis = list(axis)
        if _any_symbolic(x):
            return symbolic_call(name, [x], axis=axis, keepdims=keepdims)
        return op(_as_value(x), axis=_numpy_axis(axis), keepdims=keepdims)

    def compute(x, axis=None, keepdims=False):
        return op(x, axis=_numpy_axis(axis), keepdims=keepdims)

    register_operation(name, compute, _reduced_shape)
    reduce.__name__ = name
    reduce.__doc__ = f"The {name} over `axis` (all axes if None), like `np.{name}`."
    return reduce


def _numpy_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


sum = _reduction("sum", ops.sum)  # Keras's name, shadowing the builtin
mean = _reduction("mean", ops.mean)


# ---------------------------------------------------------------- elementwise


def _elementwise(name, op):
    def apply(x):
        if _any_symbolic(x):
            return symbolic_call(name, [x])
        return op(_as_value(x))

    register_operation(name, op, lambda x_shape: x_shape)
    apply.__name__ = name
    apply.__doc__ = f"`{name}` of every element; the shape stays the same."
    return apply


square = _elementwise("square", ops.square)
sqrt = _elementwise("sqrt", ops.sqrt)
exp = _elementwise("exp", ops.exp)
log = _elementwise("log", ops.log)
abs = _elementwise("abs", ops.abs)  # Keras's name, shadowing the builtin
relu = _elementwise("relu", ops.relu)
sigmoid = _elementwise("sigmoid", ops.sigmoid)
tanh = _elementwise("tanh", ops.tanh)
softmax = _elementwise("softmax", ops.softmax)
