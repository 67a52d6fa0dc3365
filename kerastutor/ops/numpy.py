"""Array operations (Keras's `keras.ops.numpy`), each with its gradient rule.

Every op follows the same pattern:

1. take the arrays behind its inputs (`data_of`),
2. compute the output with NumPy,
3. hand `record` a `backward` function that maps the output's gradient to
   one gradient per input.

`record` returns a plain array unless an input is being watched for
gradients, so the same code serves `predict` and `fit`. Learners call these
through `kerastutor.ops`, which also accepts symbolic tensors.
"""

import numpy as np

from kerastutor.autodiff import data_of, record, symbolic_aware, wants_grad

__all__ = [
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
]


# ---------------------------------------------------------------- arithmetic


@symbolic_aware
def add(a, b):
    out = data_of(a) + data_of(b)
    return record(out, (a, b), lambda g: (g, g), "add")


@symbolic_aware
def subtract(a, b):
    out = data_of(a) - data_of(b)
    return record(out, (a, b), lambda g: (g, -g), "subtract")


@symbolic_aware
def multiply(a, b):
    a_data, b_data = data_of(a), data_of(b)
    out = a_data * b_data
    return record(out, (a, b), lambda g: (g * b_data, g * a_data), "multiply")


@symbolic_aware
def divide(a, b):
    a_data, b_data = data_of(a), data_of(b)
    out = a_data / b_data
    return record(out, (a, b), lambda g: (g / b_data, -g * out / b_data), "divide")


@symbolic_aware
def negative(a):
    return record(-data_of(a), (a,), lambda g: (-g,), "negative")


@symbolic_aware
def matmul(x, w):
    """`x @ w` for `x` of any rank >= 1 and a 2-D `w` (Dense's kernel).

    The last axis of `x` meets the rows of `w`; every other axis of `x` is
    carried along, which is why a Dense layer works on (batch, timesteps, dim).
    """
    x_data, w_data = data_of(x), data_of(w)
    out = np.matmul(x_data, w_data)

    def backward(g):
        grad_x = grad_w = None
        if wants_grad(x):
            grad_x = np.matmul(g, w_data.T)
        if wants_grad(w):
            flat_x = x_data.reshape(-1, x_data.shape[-1])
            grad_w = flat_x.T @ g.reshape(-1, g.shape[-1])
        return grad_x, grad_w

    return record(out, (x, w), backward, "matmul")


# ---------------------------------------------------------------- elementwise


@symbolic_aware
def tanh(x):
    out = np.tanh(data_of(x))
    return record(out, (x,), lambda g: (g * (1 - out * out),), "tanh")


@symbolic_aware
def exp(x):
    out = np.exp(data_of(x))
    return record(out, (x,), lambda g: (g * out,), "exp")


@symbolic_aware
def log(x):
    x_data = data_of(x)
    return record(np.log(x_data), (x,), lambda g: (g / x_data,), "log")


@symbolic_aware
def square(x):
    x_data = data_of(x)
    return record(x_data * x_data, (x,), lambda g: (2 * g * x_data,), "square")


@symbolic_aware
def sqrt(x):
    out = np.sqrt(data_of(x))
    return record(out, (x,), lambda g: (g / (2 * out),), "sqrt")


@symbolic_aware
def abs(x):  # noqa: A001 - mirrors numpy's name
    x_data = data_of(x)
    return record(np.abs(x_data), (x,), lambda g: (g * np.sign(x_data),), "abs")


@symbolic_aware
def clip(x, low, high):
    """Clip to [low, high]; the gradient is zero where the value was clipped."""
    x_data = data_of(x)
    out = np.clip(x_data, low, high)
    inside = (x_data >= low) & (x_data <= high)
    return record(out, (x,), lambda g: (g * inside,), "clip")


@symbolic_aware
def maximum(a, b):
    a_data, b_data = data_of(a), data_of(b)
    out = np.maximum(a_data, b_data)
    a_wins = a_data >= b_data
    return record(out, (a, b), lambda g: (g * a_wins, g * ~a_wins), "maximum")


@symbolic_aware
def where(condition, a, b):
    """Pick from `a` where `condition` holds, else from `b` (masking uses this)."""
    condition = data_of(condition)
    out = np.where(condition, data_of(a), data_of(b))
    return record(out, (a, b), lambda g: (g * condition, g * ~condition), "where")


# ---------------------------------------------------------------- reductions


def _expand_reduced(g, shape, axis, keepdims):
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, shape)


@symbolic_aware
def sum(x, axis=None, keepdims=False):  # noqa: A001 - mirrors numpy's name
    x_data = data_of(x)
    out = np.asarray(x_data.sum(axis=axis, keepdims=keepdims))

    def backward(g):
        return (_expand_reduced(g, x_data.shape, axis, keepdims),)

    return record(out, (x,), backward, "sum")


@symbolic_aware
def mean(x, axis=None, keepdims=False):
    x_data = data_of(x)
    out = np.asarray(x_data.mean(axis=axis, keepdims=keepdims))
    count = x_data.size / max(out.size, 1)

    def backward(g):
        return (_expand_reduced(g / count, x_data.shape, axis, keepdims),)

    return record(out, (x,), backward, "mean")


# ---------------------------------------------------------------- shapes


@symbolic_aware
def reshape(x, shape):
    x_data = data_of(x)
    out = x_data.reshape(shape)
    return record(out, (x,), lambda g: (g.reshape(x_data.shape),), "reshape")


@symbolic_aware
def transpose(x, axes=None):
    out = np.transpose(data_of(x), axes)
    inverse = None if axes is None else np.argsort(axes)
    return record(out, (x,), lambda g: (np.transpose(g, inverse),), "transpose")


@symbolic_aware
def concatenate(tensors, axis=-1):
    arrays = [data_of(t) for t in tensors]
    out = np.concatenate(arrays, axis=axis)
    boundaries = np.cumsum([a.shape[axis] for a in arrays])[:-1]

    def backward(g):
        return tuple(np.split(g, boundaries, axis=axis))

    return record(out, tuple(tensors), backward, "concatenate")


def split(x, sizes, axis=-1):
    """Cut `x` along `axis` into pieces of the given sizes (LSTM gates use this)."""
    pieces = []
    start = 0
    for size in sizes:
        pieces.append(slice_axis(x, start, start + size, axis))
        start += size
    return pieces


@symbolic_aware
def slice_axis(x, start, stop, axis=-1):
    """`x[..., start:stop, ...]` along one axis."""
    x_data = data_of(x)
    index = [slice(None)] * x_data.ndim
    index[axis] = slice(start, stop)
    index = tuple(index)
    out = x_data[index]

    def backward(g):
        grad = np.zeros_like(x_data, dtype=g.dtype)
        grad[index] = g
        return (grad,)

    return record(out, (x,), backward, "slice_axis")


@symbolic_aware
def stack(tensors, axis=0):
    out = np.stack([data_of(t) for t in tensors], axis=axis)

    def backward(g):
        return tuple(np.moveaxis(g, axis, 0))

    return record(out, tuple(tensors), backward, "stack")


@symbolic_aware
def take(params, indices):
    """Rows of `params` picked by integer `indices`: the Embedding lookup.

    The gradient adds each output row's gradient back into the row it was
    read from; a row read twice collects both gradients.
    """
    params_data = data_of(params)
    indices = data_of(indices)
    out = np.take(params_data, indices, axis=0)

    def backward(g):
        grad = np.zeros_like(params_data, dtype=g.dtype)
        np.add.at(grad, indices.reshape(-1), g.reshape(-1, *params_data.shape[1:]))
        return (grad,)

    return record(out, (params,), backward, "take")


# ---------------------------------------------------------------- indexing


def _plain_key(key):
    """`key` with any tensor inside it replaced by its array (`x[indices]`)."""
    if isinstance(key, tuple):
        return tuple(_plain_key(part) for part in key)
    if isinstance(key, (slice, int, type(None), type(Ellipsis))):
        return key
    return data_of(key)


def _is_basic(key):
    """True if `key` uses only slices, ints, None and `...` (no index arrays)."""
    parts = key if isinstance(key, tuple) else (key,)
    return all(isinstance(part, (slice, int, type(None), type(Ellipsis))) for part in parts)


@symbolic_aware
def get_item(x, key):
    """`x[key]`: slices, ints, None (a new axis), `...` and integer or boolean arrays.

    The gradient is zero everywhere except at the positions read, where it
    is the output's gradient. With index arrays a position can be read more
    than once (`x[[0, 0, 1]]`); `np.add.at` then adds up every gradient that
    reaches it, where `grad[key] += g` would keep only the last one.

    Example:
        >>> get_item(np.arange(6).reshape(2, 3), (slice(None), 0))
        array([0, 3])
    """
    x_data = data_of(x)
    key = _plain_key(key)
    out = np.asarray(x_data[key])

    def backward(g):
        grad = np.zeros(x_data.shape, dtype=g.dtype)
        if _is_basic(key):
            grad[key] = g  # each position is read at most once
        else:
            np.add.at(grad, key, g)
        return (grad,)

    return record(out, (x,), backward, "get_item")
