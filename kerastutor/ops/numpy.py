"""Array operations (Keras's `keras.ops.numpy`), each with its gradient rule.

Every op follows the same pattern:

1. take the arrays behind its inputs (`data_of`),
2. compute the output with NumPy,
3. hand `record` a `backward` function that maps the output's gradient to
   one gradient per input.

`record` returns a plain array unless an input is being watched for
gradients, so the same code serves `predict` and `fit`. Learners call these
through `kerastutor.ops`, which also accepts symbolic tensors.

Ops that only compare, count or create (`greater`, `argmax`, `zeros`, ...)
return plain arrays: no gradient flows through them.

The sections, in order: arithmetic, elementwise, comparisons, reductions,
shapes, indexing, creation. This module defines `sum`, `max`, `min`, `abs`,
`any` and `all` under Keras's names, so Python's own functions of those
names are written `builtins.max` and so on here.
"""

import builtins

import numpy as np

from kerastutor.autodiff import Tensor, data_of, record, symbolic_aware, wants_grad
from kerastutor.config import floatx
from kerastutor.ops import core
from kerastutor.ops.core import float_data_of

__all__ = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "negative",
    "matmul",
    "power",
    "floor_divide",
    "mod",
    "einsum",
    "tanh",
    "exp",
    "log",
    "square",
    "sqrt",
    "abs",
    "clip",
    "maximum",
    "where",
    "minimum",
    "sign",
    "log1p",
    "expm1",
    "equal",
    "not_equal",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "sum",
    "mean",
    "max",
    "min",
    "prod",
    "var",
    "std",
    "norm",
    "argmax",
    "argmin",
    "any",
    "all",
    "cumsum",
    "reshape",
    "transpose",
    "concatenate",
    "split",
    "slice_axis",
    "stack",
    "take",
    "expand_dims",
    "squeeze",
    "flip",
    "tile",
    "repeat",
    "pad",
    "get_item",
    "take_along_axis",
    "one_hot",
    "sort",
    "argsort",
    "zeros",
    "ones",
    "full",
    "zeros_like",
    "ones_like",
    "full_like",
    "arange",
]


# ---------------------------------------------------------------- arithmetic


def _operand(x):
    """The value behind one operand of elementwise arithmetic.

    Python numbers stay Python numbers: NumPy then lets the array decide
    the dtype (float32 * 2 stays float32, as in Keras), where a NumPy array
    made from the 2 would make the result float64.
    """
    if isinstance(x, (bool, int, float)):
        return x
    return data_of(x)


def _keras_float(out, *operands):
    """`out` in the float dtype Keras 3 gives it, where NumPy would widen to float64.

    Keras promotes as JAX does: an integer or bool array meeting a float
    array takes the float's dtype (float32 + int64 stays float32, NumPy
    makes float64), and integers that the op itself turns into floats
    (int / int, int + 2.5) become `floatx()`, float32.
    """
    if out.dtype.kind != "f":
        return out
    arrays = [_operand(x) for x in operands]
    floats = [a.dtype for a in arrays if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    target = np.result_type(*floats) if floats else np.dtype(floatx())
    return out if out.dtype == target else out.astype(target)


@symbolic_aware
def add(x1, x2):
    out = _keras_float(np.asarray(_operand(x1) + _operand(x2)), x1, x2)
    return record(out, (x1, x2), lambda g: (g, g), "add")


@symbolic_aware
def subtract(x1, x2):
    out = _keras_float(np.asarray(_operand(x1) - _operand(x2)), x1, x2)
    return record(out, (x1, x2), lambda g: (g, -g), "subtract")


@symbolic_aware
def multiply(x1, x2):
    x1_data, x2_data = _operand(x1), _operand(x2)
    out = _keras_float(np.asarray(x1_data * x2_data), x1, x2)
    return record(out, (x1, x2), lambda g: (g * x2_data, g * x1_data), "multiply")


@symbolic_aware
def divide(x1, x2):
    """`x1 / x2`. A division by zero gives inf or NaN quietly, as in Keras (no NumPy warning)."""
    x1_data, x2_data = _operand(x1), _operand(x2)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = _keras_float(np.asarray(x1_data / x2_data), x1, x2)

    def backward(g):
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / x2_data, -g * out / x2_data

    return record(out, (x1, x2), backward, "divide")


@symbolic_aware
def negative(x):
    return record(-data_of(x), (x,), lambda g: (-g,), "negative")


@symbolic_aware
def matmul(x, w):
    """`x @ w`: Dense's `inputs @ kernel`, and batched products such as `q @ k^T`.

    The last axis of `x` meets the second-to-last of `w`; the axes before
    those two are batch axes and broadcast (a 2-D kernel serves every
    (batch, timesteps) row). A 1-D `x` is a row vector, a 1-D `w` a column.
    The gradients are g @ w^T and x^T @ g, summed over broadcast batch axes.
    """
    x_data, w_data = data_of(x), data_of(w)
    out = np.matmul(x_data, w_data)

    def backward(g):
        # Treat 1-D operands as a (1, n) row and an (n, 1) column, like np.matmul does.
        x_2d = x_data[None, :] if x_data.ndim == 1 else x_data
        w_2d = w_data[:, None] if w_data.ndim == 1 else w_data
        g = g[..., None] if w_data.ndim == 1 else g
        g = g[..., None, :] if x_data.ndim == 1 else g
        grad_x = grad_w = None
        if wants_grad(x):
            grad_x = np.matmul(g, np.swapaxes(w_2d, -1, -2))
            grad_x = grad_x[..., 0, :] if x_data.ndim == 1 else grad_x
        if wants_grad(w) and w_data.ndim == 2:
            # Dense's kernel: one product over every row of every batch entry.
            grad_w = x_2d.reshape(-1, x_2d.shape[-1]).T @ g.reshape(-1, g.shape[-1])
        elif wants_grad(w):
            grad_w = np.matmul(np.swapaxes(x_2d, -1, -2), g)
            grad_w = grad_w[..., 0] if w_data.ndim == 1 else grad_w
        return grad_x, grad_w

    return record(out, (x, w), backward, "matmul")


@symbolic_aware
def power(x1, x2):
    """x1 ** x2, elementwise.

    The gradient for x1 is x2 * x1 ** (x2 - 1); for x2 it is x1 ** x2 * log(x1),
    only computed when x2 is being watched (it needs x1 > 0).
    """
    x1_data, x2_data = _operand(x1), _operand(x2)
    out = _keras_float(np.asarray(np.power(x1_data, x2_data)), x1, x2)

    def backward(g):
        grad_x1 = g * x2_data * np.power(x1_data, x2_data - 1) if wants_grad(x1) else None
        grad_x2 = g * out * np.log(x1_data) if wants_grad(x2) else None
        return grad_x1, grad_x2

    return record(out, (x1, x2), backward, "power")


@symbolic_aware
def floor_divide(x1, x2):
    """x1 // x2, rounded towards minus infinity (-5 // 2 is -3).

    A step function: its slope is zero wherever it is defined, so it records
    no gradient.
    """
    return _keras_float(np.asarray(np.floor_divide(_operand(x1), _operand(x2))), x1, x2)


@symbolic_aware
def mod(x1, x2):
    """x1 % x2 with the sign of x2 (Python's and NumPy's rule: -5 % 3 is 1).

    x1 % x2 = x1 - x2 * floor(x1 / x2), so the slope is 1 for x1 and
    -floor(x1 / x2) for x2 (away from the jumps).
    """
    x1_data, x2_data = _operand(x1), _operand(x2)
    out = _keras_float(np.asarray(np.mod(x1_data, x2_data)), x1, x2)
    return record(out, (x1, x2), lambda g: (g, -g * np.floor(x1_data / x2_data)), "mod")


def _einsum_parts(subscripts, arrays):
    """('ij,jk->ik', arrays) as (['ij', 'jk'], 'ik'), with `...` spelt as letters.

    Implicit output (no '->') is made explicit the NumPy way: the `...` axes,
    then the letters used once, in alphabetical order. Each `...` becomes
    as many unused capital letters as it covers, lined up from the right as
    broadcasting lines them up.
    """
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    terms = inputs.split(",")
    if not arrow:
        letters = inputs.replace(",", "").replace(".", "")
        once = sorted(c for c in set(letters) if letters.count(c) == 1)
        output = ("..." if "..." in inputs else "") + "".join(once)

    def covered(term, array):  # how many axes the term's `...` stands for
        return array.ndim - len(term.replace("...", "")) if "..." in term else 0

    widest = builtins.max((covered(t, a) for t, a in zip(terms, arrays)), default=0)
    spare = "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in subscripts)
    ellipsis = spare[:widest]
    terms = [t.replace("...", ellipsis[widest - covered(t, a) :]) for t, a in zip(terms, arrays)]
    return terms, output.replace("...", ellipsis)


@symbolic_aware
def einsum(subscripts, *operands):
    """Einstein summation, e.g. `einsum('bij,bjk->bik', a, b)` is a batched matmul.

    Each letter names an axis; letters missing from the output are summed
    over. The gradient of one operand is again an einsum: the output's
    gradient times the other operands, with that operand's letters as the
    output. A letter only that operand has (summed away) gets the gradient
    broadcast along it. Subscripts that repeat a letter within one operand
    (`'ii->i'`, a diagonal) are computed but have no gradient rule here.
    """
    arrays = [data_of(x) for x in operands]
    out = np.asarray(np.einsum(subscripts, *arrays))
    terms, output = _einsum_parts(subscripts, arrays)

    def gradient(k, g):
        term = terms[k]
        if len(set(term)) < len(term):
            raise ValueError(
                f"einsum {subscripts!r}: operand {k} repeats a letter ({term!r}), "
                "and kerastutor has no gradient rule for a diagonal. Take the diagonal "
                "first (e.g. with get_item) and einsum the result."
            )
        others = [t for i, t in enumerate(terms) if i != k]
        known = set(output).union(*others)
        present = "".join(c for c in term if c in known)
        spec = ",".join([output, *others]) + "->" + present
        grad = np.einsum(spec, g, *[a for i, a in enumerate(arrays) if i != k])
        # Put back the axes that only this operand had, broadcasting along them.
        for axis, c in enumerate(term):
            if c not in known:
                grad = np.expand_dims(grad, axis)
        # (Tensor.backward then sums it down over axes the operand broadcast.)
        return np.broadcast_to(grad, np.broadcast_shapes(grad.shape, arrays[k].shape))

    def backward(g):
        return tuple(gradient(k, g) if wants_grad(x) else None for k, x in enumerate(operands))

    return record(out, operands, backward, "einsum")


# ---------------------------------------------------------------- elementwise


@symbolic_aware
def tanh(x):
    out = np.tanh(float_data_of(x))
    return record(out, (x,), lambda g: (g * (1 - out * out),), "tanh")


@symbolic_aware
def exp(x):
    out = np.exp(float_data_of(x))
    return record(out, (x,), lambda g: (g * out,), "exp")


@symbolic_aware
def log(x):
    x_data = float_data_of(x)
    return record(np.log(x_data), (x,), lambda g: (g / x_data,), "log")


@symbolic_aware
def square(x):
    x_data = data_of(x)
    return record(x_data * x_data, (x,), lambda g: (2 * g * x_data,), "square")


@symbolic_aware
def sqrt(x):
    out = np.asarray(np.sqrt(float_data_of(x)))  # an array even for one number (std, norm)
    return record(out, (x,), lambda g: (g / (2 * out),), "sqrt")


@symbolic_aware
def abs(x):  # numpy's name, shadowing the builtin
    x_data = data_of(x)
    return record(np.abs(x_data), (x,), lambda g: (g * np.sign(x_data),), "abs")


@symbolic_aware
def clip(x, x_min, x_max):
    """Clip to [x_min, x_max]; the gradient is zero where the value was clipped."""
    x_data = data_of(x)
    out = np.clip(x_data, x_min, x_max)
    inside = (x_data >= x_min) & (x_data <= x_max)
    return record(out, (x,), lambda g: (g * inside,), "clip")


@symbolic_aware
def maximum(x1, x2):
    """The larger of x1 and x2, elementwise; where they tie, x1 gets the gradient."""
    x1_data, x2_data = _operand(x1), _operand(x2)
    out = _keras_float(np.asarray(np.maximum(x1_data, x2_data)), x1, x2)
    x1_wins = x1_data >= x2_data
    return record(out, (x1, x2), lambda g: (g * x1_wins, g * ~x1_wins), "maximum")


@symbolic_aware
def where(condition, x1=None, x2=None):
    """Pick from `x1` where `condition` holds, else from `x2` (masking uses this).

    With only `condition`, the positions where it holds, as NumPy's
    `np.where(condition)` gives them (one index array per axis).
    """
    condition = data_of(condition)
    if x1 is None and x2 is None:
        return tuple(np.nonzero(condition))
    if x1 is None or x2 is None:
        raise ValueError(
            "`x1` and `x2` either both should be `None` or both should have non-None value: "
            "`where(condition, x1, x2)` picks between two values, `where(condition)` "
            f"finds positions. Received x1={type(x1).__name__}, x2={type(x2).__name__}."
        )
    out = _keras_float(np.asarray(np.where(condition, _operand(x1), _operand(x2))), x1, x2)
    return record(out, (x1, x2), lambda g: (g * condition, g * ~condition), "where")


@symbolic_aware
def minimum(x1, x2):
    """The smaller of x1 and x2, elementwise; where they tie, x1 gets the gradient."""
    x1_data, x2_data = _operand(x1), _operand(x2)
    out = _keras_float(np.asarray(np.minimum(x1_data, x2_data)), x1, x2)
    x1_wins = x1_data <= x2_data
    return record(out, (x1, x2), lambda g: (g * x1_wins, g * ~x1_wins), "minimum")


@symbolic_aware
def sign(x):
    """-1, 0 or 1. A step function: no gradient is recorded (its slope is 0 almost everywhere)."""
    return np.asarray(np.sign(data_of(x)))


@symbolic_aware
def log1p(x):
    """log(1 + x), accurate for tiny x where 1 + x would round to 1."""
    x_data = float_data_of(x)
    return record(np.log1p(x_data), (x,), lambda g: (g / (1 + x_data),), "log1p")


@symbolic_aware
def expm1(x):
    """exp(x) - 1, accurate for tiny x; elu uses it."""
    out = np.expm1(float_data_of(x))
    return record(out, (x,), lambda g: (g * (out + 1),), "expm1")


# ---------------------------------------------------------------- comparisons
# True/False arrays: no gradient flows through a comparison.


@symbolic_aware
def equal(x1, x2):
    return np.asarray(np.equal(data_of(x1), data_of(x2)))


@symbolic_aware
def not_equal(x1, x2):
    return np.asarray(np.not_equal(data_of(x1), data_of(x2)))


@symbolic_aware
def greater(x1, x2):
    return np.asarray(np.greater(data_of(x1), data_of(x2)))


@symbolic_aware
def greater_equal(x1, x2):
    return np.asarray(np.greater_equal(data_of(x1), data_of(x2)))


@symbolic_aware
def less(x1, x2):
    return np.asarray(np.less(data_of(x1), data_of(x2)))


@symbolic_aware
def less_equal(x1, x2):
    return np.asarray(np.less_equal(data_of(x1), data_of(x2)))


@symbolic_aware
def logical_and(x1, x2):
    """True where both are true (non-zero numbers count as true)."""
    return np.asarray(np.logical_and(data_of(x1), data_of(x2)))


@symbolic_aware
def logical_or(x1, x2):
    return np.asarray(np.logical_or(data_of(x1), data_of(x2)))


@symbolic_aware
def logical_xor(x1, x2):
    return np.asarray(np.logical_xor(data_of(x1), data_of(x2)))


@symbolic_aware
def logical_not(x):
    return np.asarray(np.logical_not(data_of(x)))


# ---------------------------------------------------------------- reductions


def _total_dtype(dtype):
    """Keras's dtype for sums and products: bools and small ints count in 32 bits.

    NumPy would give int64 even for int32 input; Keras keeps int32 (and
    float types as they are).
    """
    if dtype.kind == "b" or (dtype.kind == "i" and dtype.itemsize < 4):
        return np.dtype("int32")
    if dtype.kind == "u" and dtype.itemsize < 4:
        return np.dtype("uint32")
    return dtype


def _as_axis(axis):
    """An axis argument as NumPy takes it: Keras also accepts a list, `axis=[1, 2]`."""
    return tuple(axis) if isinstance(axis, list) else axis


def _expand_reduced(g, shape, axis, keepdims):
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, shape)


@symbolic_aware
def sum(x, axis=None, keepdims=False):  # numpy's name, shadowing the builtin
    x_data, axis = data_of(x), _as_axis(axis)
    out = np.asarray(x_data.sum(axis=axis, keepdims=keepdims, dtype=_total_dtype(x_data.dtype)))

    def backward(g):
        return (_expand_reduced(g, x_data.shape, axis, keepdims),)

    return record(out, (x,), backward, "sum")


@symbolic_aware
def mean(x, axis=None, keepdims=False):
    x_data, axis = float_data_of(x), _as_axis(axis)
    out = np.asarray(x_data.mean(axis=axis, keepdims=keepdims))
    count = x_data.size / builtins.max(out.size, 1)

    def backward(g):
        return (_expand_reduced(g / count, x_data.shape, axis, keepdims),)

    return record(out, (x,), backward, "mean")


def _check_axes(axes, ndim, shape, op):
    """`axes` as non-negative ints, each checked to be one of `ndim` axes."""
    checked = []
    for axis in axes:
        if not -ndim <= axis < ndim:
            counted = "" if ndim == len(shape) else f" (the result has {ndim} axes)"
            raise ValueError(
                f"`{op}` received axis={axis} for an array of shape {shape}: axis must be "
                f"in [{-ndim}, {ndim - 1}]{counted}; negative axes count from the end."
            )
        checked.append(axis % ndim)
    return checked


def _reduced_axes(x_data, axis, op="reduce"):
    """`axis` (None, an int or a tuple) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(x_data.ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(sorted(_check_axes(axes, x_data.ndim, x_data.shape, op)))


def _to_the_end(x_data, axes):
    """Move `axes` to the end and flatten them into one: shape (kept..., reduced)."""
    kept = [a for a in range(x_data.ndim) if a not in axes]
    moved = np.transpose(x_data, kept + list(axes))
    return moved.reshape(*moved.shape[: len(kept)], -1), kept


def _from_the_end(flat, x_shape, axes, kept):
    """Undo `_to_the_end`: back to `x_shape`."""
    order = kept + list(axes)
    moved = flat.reshape([x_shape[a] for a in order])
    return np.transpose(moved, np.argsort(order))


def _first_extreme(x_data, axis, pick):
    """1 at the first position of each maximum (pick=np.argmax) or minimum, 0 elsewhere.

    `max` and `min` send their whole gradient there, as `maximum` gives ties
    to its first argument: of several equal largest values only the first
    (in row-major order over the reduced axes) gets the gradient.
    """
    axes = _reduced_axes(x_data, axis)
    flat, kept = _to_the_end(x_data, axes)
    winners = np.zeros(flat.shape, dtype=bool)
    if x_data.size == 0:  # max(empty, initial=...): nothing to send a gradient to
        return winners.reshape(x_data.shape)
    np.put_along_axis(winners, pick(flat, axis=-1)[..., None], True, axis=-1)
    return _from_the_end(winners, x_data.shape, axes, kept)


def _extreme(x, axis, keepdims, initial, reduce, pick, name):
    x_data, axis = data_of(x), _as_axis(axis)
    _reduced_axes(x_data, axis, name)  # a clear error for an axis x does not have
    if x_data.size == 0 and initial is None:
        raise ValueError(
            f"`{name}` of an empty array (shape {x_data.shape}) has no value: there is "
            "nothing to compare. Pass `initial=` to give the result for empty input."
        )
    start = {} if initial is None else {"initial": initial}
    out = np.asarray(reduce(x_data, axis=axis, keepdims=keepdims, **start))

    def backward(g):
        winners = _first_extreme(x_data, axis, pick)
        if initial is not None:
            # Where `initial` beat every value, no entry of x gets the gradient.
            winners &= x_data == reduce(x_data, axis=axis, keepdims=True, **start)
        return (_expand_reduced(g, x_data.shape, axis, keepdims) * winners,)

    return record(out, (x,), backward, name)


@symbolic_aware
def max(x, axis=None, keepdims=False, initial=None):
    """The largest value (along `axis`; None means over all values).

    The gradient goes to the first largest value only (see `_first_extreme`).
    """
    return _extreme(x, axis, keepdims, initial, np.max, np.argmax, "max")


@symbolic_aware
def min(x, axis=None, keepdims=False, initial=None):
    """The smallest value (along `axis`); the gradient goes to the first smallest."""
    return _extreme(x, axis, keepdims, initial, np.min, np.argmin, "min")


@symbolic_aware
def prod(x, axis=None, keepdims=False, dtype=None):
    """The product of the values (along `axis`).

    d prod / d x_i is the product of all the other values. Dividing by x_i
    would fail at zeros, so the backward multiplies the running products
    from the left and from the right of each position instead.
    """
    x_data = data_of(x) if dtype is None else data_of(x).astype(dtype)
    axis = _as_axis(axis)
    total_dtype = _total_dtype(x_data.dtype)
    out = np.asarray(np.prod(x_data, axis=axis, keepdims=keepdims, dtype=total_dtype))

    def backward(g):
        axes = _reduced_axes(x_data, axis)
        flat, kept = _to_the_end(x_data, axes)
        ones = np.ones_like(flat[..., :1])
        left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
        right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
        others = _from_the_end(left * right, x_data.shape, axes, kept)
        return (_expand_reduced(g, x_data.shape, axis, keepdims) * others,)

    return record(out, (x,), backward, "prod")


def _floating(x):
    """A tensor as it is (its gradient must flow); anything else as a float array."""
    return x if isinstance(x, Tensor) else float_data_of(x)


@symbolic_aware
def var(x, axis=None, keepdims=False):
    """The variance, mean((x - mean(x))**2), dividing by n as Keras does (no ddof).

    Written with `mean`, `subtract` and `square`, so its gradient comes from theirs.
    """
    x = _floating(x)
    centered = subtract(x, mean(x, axis=axis, keepdims=True))
    return mean(square(centered), axis=axis, keepdims=keepdims)


@symbolic_aware
def std(x, axis=None, keepdims=False):
    """The standard deviation, sqrt(var(x)). Its gradient is infinite where var is 0."""
    return sqrt(var(x, axis=axis, keepdims=keepdims))


@symbolic_aware
def norm(x, ord=None, axis=None, keepdims=False):
    """The Euclidean length of `x` (default), or of each vector along `axis`.

    Supported: `ord=None` (sqrt of the sum of squares, over all values or
    along `axis`; 'fro' says the same for two axes), `ord=1` (sum of |x|)
    and `ord=np.inf` (largest |x|) for vectors. Other orders (matrix
    2-norms, nuclear norms) are not in kerastutor. Built from `sqrt`, `sum`
    and `square` (or `abs`, `max`), so the gradient comes from theirs; at
    an all-zero vector the Euclidean norm has no slope and gives NaN.
    """
    x = _floating(x)
    ndim = len(_reduced_axes(data_of(x), axis, "norm"))
    is_vector = ndim == 1
    if ord is None or ord == "fro" or (ord == 2 and is_vector):
        return sqrt(sum(square(x), axis, keepdims))
    if ord == 1 and is_vector:
        return sum(abs(x), axis, keepdims)
    if ord == np.inf and is_vector:
        return max(abs(x), axis, keepdims)
    raise ValueError(
        f"`norm` supports ord=None (or 'fro'), and ord=1, 2 or np.inf for one axis; "
        f"received ord={ord!r} with axis={axis!r}."
    )


@symbolic_aware
def argmax(x, axis=None, keepdims=False):
    """The index of the first largest value (int32, as in Keras): no gradient."""
    return np.asarray(np.argmax(data_of(x), axis=axis, keepdims=keepdims), dtype=np.int32)


@symbolic_aware
def argmin(x, axis=None, keepdims=False):
    """The index of the first smallest value (int32): no gradient."""
    return np.asarray(np.argmin(data_of(x), axis=axis, keepdims=keepdims), dtype=np.int32)


@symbolic_aware
def any(x, axis=None, keepdims=False):
    """True if any value (along `axis`) is true (non-zero)."""
    return np.asarray(np.any(data_of(x), axis=_as_axis(axis), keepdims=keepdims))


@symbolic_aware
def all(x, axis=None, keepdims=False):
    """True if every value (along `axis`) is true (non-zero)."""
    return np.asarray(np.all(data_of(x), axis=_as_axis(axis), keepdims=keepdims))


@symbolic_aware
def cumsum(x, axis=None, dtype=None):
    """Running sums along `axis` (None: over the flattened values).

    Each input adds into its own output and every later one, so its
    gradient is the sum of the output gradients from its position on: a
    cumulative sum run backwards.
    """
    x_data = data_of(x)
    # Keras keeps x's dtype (bools count in int32); NumPy would widen ints to int64.
    dtype = dtype or ("int32" if x_data.dtype.kind == "b" else x_data.dtype)
    out = np.cumsum(x_data, axis=axis, dtype=dtype)
    along = 0 if axis is None else axis

    def backward(g):
        grad = np.flip(np.cumsum(np.flip(g, along), axis=along), along)
        return (grad.reshape(x_data.shape),)

    return record(out, (x,), backward, "cumsum")


# ---------------------------------------------------------------- shapes


@symbolic_aware
def reshape(x, newshape):
    x_data = data_of(x)
    out = x_data.reshape(newshape)
    return record(out, (x,), lambda g: (g.reshape(x_data.shape),), "reshape")


@symbolic_aware
def transpose(x, axes=None):
    out = np.transpose(data_of(x), axes)
    inverse = None if axes is None else np.argsort(axes)
    return record(out, (x,), lambda g: (np.transpose(g, inverse),), "transpose")


@symbolic_aware
def concatenate(tensors, axis=0):
    arrays = [data_of(t) for t in tensors]
    out = np.concatenate(arrays, axis=axis)
    boundaries = np.cumsum([a.shape[axis] for a in arrays])[:-1]

    def backward(g):
        return tuple(np.split(g, boundaries, axis=axis))

    return record(out, tuple(tensors), backward, "concatenate")


def split(x, indices_or_sections, axis=0):
    """Cut `x` along `axis`: into equal pieces (an int), or at the positions listed.

    `split(z, 4, axis=-1)` gives LSTM's four gates; `split(x, [2, 5])`
    cuts before index 2 and before index 5 (three pieces), as in Keras and
    NumPy. On a symbolic tensor it is one op node with one output per piece.
    """
    x_shape = core.shape(x)  # works for symbolic tensors too
    if isinstance(indices_or_sections, (int, np.integer)) and x_shape[axis] is None:
        # (Keras lets it through, with unknown piece sizes, and fails when data comes.)
        raise ValueError(
            f"`split` cannot cut axis {axis} of a tensor of shape {x_shape} into "
            f"{indices_or_sections} equal pieces: the size of that axis is not known until "
            "the model runs. Give the positions to cut at as a list instead."
        )
    return _split(x, indices_or_sections, axis)


def _split(x, indices_or_sections, axis):
    x_shape = core.shape(x)
    length = x_shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0 or length % sections:
            raise ValueError(
                f"`split` cannot cut axis {axis} (size {length}) of an array of shape "
                f"{x_shape} into {sections} equal pieces: {length} is not a multiple of "
                f"{sections}."
            )
        cuts = [length // sections * k for k in range(1, sections)]
    else:
        cuts = [int(i) for i in indices_or_sections]
    bounds = [0, *cuts, length]
    return [slice_axis(x, start, stop, axis) for start, stop in zip(bounds[:-1], bounds[1:])]


# A symbolic split is one node of the op `ops.split` (which a model runs again on data).
_split.__name__ = "split"
_split = symbolic_aware(_split)


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
def take(x, indices, axis=None):
    """Slices of `x` along `axis` picked by integer `indices`: rows for the Embedding lookup.

    As in Keras (and NumPy), axis=None, the default, picks from the
    flattened x: `take(embeddings, ids)` gives one number per id, not a
    row; the Embedding lookup is `take(embeddings, ids, axis=0)`. The
    gradient adds each picked slice's gradient back where it was read; a
    row read twice collects both.
    """
    x_data, indices = data_of(x), data_of(indices)
    source = x_data.reshape(-1) if axis is None else x_data
    along = 0 if axis is None else axis % x_data.ndim
    out = np.take(source, indices, axis=along)

    def backward(g):
        grad = np.zeros(source.shape, dtype=g.dtype)
        if along == 0:  # the Embedding's lookup: rows
            _add_rows_at(grad, indices, g)
        else:
            # source[:, ..., indices] (the slices before `along` whole) is `out`.
            np.add.at(grad, (slice(None),) * along + (indices,), g)
        return (grad.reshape(x_data.shape),)

    return record(out, (x,), backward, "take")


def _add_rows_at(grad, indices, rows):
    """`np.add.at(grad, indices, rows)`: row `indices[k]` of grad gains `rows[k]`, repeats adding up.

    np.add.at does one element at a time; this does it in whole-array steps.
    A stable sort puts the rows of equal indices side by side, in the order
    they were read. An index read once (most of a batch's words) has its
    row put in place by one assignment; `np.add.reduceat` sums each run of
    an index read several times, and a second assignment puts those sums in
    place (every index is then written once). The sums are np.add.at's up to
    float rounding (the order of the additions differs);
    tests/test_take_rows.py checks the two.
    """
    flat = np.ravel(indices) % len(grad)  # -1 and len(grad) - 1 are the same row
    if flat.size == 0:
        return
    order = np.argsort(flat, kind="stable")
    sorted_indices = flat[order]
    sorted_rows = rows.reshape(flat.size, -1)[order]
    grad_rows = grad.reshape(len(grad), -1)
    first = np.r_[True, sorted_indices[1:] != sorted_indices[:-1]]  # of its run
    last = np.r_[first[1:], True]
    once = first & last
    grad_rows[sorted_indices[once]] = sorted_rows[once]
    repeated = ~once
    if repeated.any():
        starts = np.flatnonzero(first[repeated])  # of each run, among the repeated rows
        grad_rows[sorted_indices[repeated][starts]] = np.add.reduceat(sorted_rows[repeated], starts)


@symbolic_aware
def expand_dims(x, axis):
    """Insert axes of size 1 at `axis` (an int or a tuple): (2, 3) with axis=1 gives (2, 1, 3)."""
    x_data = data_of(x)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    _check_axes(axes, x_data.ndim + len(axes), x_data.shape, "expand_dims")
    out = np.expand_dims(x_data, tuple(axes))
    return record(out, (x,), lambda g: (g.reshape(x_data.shape),), "expand_dims")


@symbolic_aware
def squeeze(x, axis=None):
    """Remove axes of size 1: all of them, or those at `axis` (which must have size 1)."""
    x_data = data_of(x)
    if axis is not None:
        axes = axis if isinstance(axis, (tuple, list)) else (axis,)
        for a in _check_axes(axes, x_data.ndim, x_data.shape, "squeeze"):
            if x_data.shape[a] != 1:
                raise ValueError(
                    f"Cannot squeeze axis {a} of an array of shape {x_data.shape}: its size "
                    f"is {x_data.shape[a]}, not 1. Only axes of size 1 can be removed "
                    "without losing values."
                )
        axis = tuple(axes)
    out = np.squeeze(x_data, axis=axis)
    return record(out, (x,), lambda g: (g.reshape(x_data.shape),), "squeeze")


@symbolic_aware
def flip(x, axis=None):
    """Reverse the order of the values along `axis` (None: along every axis)."""
    out = np.flip(data_of(x), axis=axis)
    return record(out, (x,), lambda g: (np.flip(g, axis=axis),), "flip")


@symbolic_aware
def tile(x, repeats):
    """Repeat the whole of `x` `repeats[i]` times along axis i: tile([1, 2], 2) is [1, 2, 1, 2].

    Each value is copied once per tile, so its gradient is the sum over the
    tiles: the output's gradient is cut into tiles and the tiles added up.
    """
    x_data = data_of(x)
    out = np.tile(x_data, repeats)
    repeats = (repeats,) if np.ndim(repeats) == 0 else tuple(repeats)
    repeats = (1,) * (out.ndim - len(repeats)) + repeats
    sizes = (1,) * (out.ndim - x_data.ndim) + x_data.shape

    def backward(g):
        # (tile count, size) per axis, then sum over the tile counts.
        tiles = g.reshape([n for pair in zip(repeats, sizes) for n in pair])
        return (tiles.sum(axis=tuple(range(0, 2 * out.ndim, 2))).reshape(x_data.shape),)

    return record(out, (x,), backward, "tile")


@symbolic_aware
def repeat(x, repeats, axis=None):
    """Repeat each value `repeats` times along `axis` (None: of the flattened x).

    repeat([1, 2], 2) is [1, 1, 2, 2]. `repeats` may give one count per
    value. The gradient adds up the copies of each value.
    """
    x_data = data_of(x)
    out = np.repeat(x_data, repeats, axis=axis)
    source = x_data.reshape(-1) if axis is None else x_data
    along = 0 if axis is None else axis
    # Which position along the axis each output position was copied from.
    origin = np.repeat(np.arange(source.shape[along]), repeats)

    def backward(g):
        grad = np.zeros((source.shape[along], *np.delete(g.shape, along)), dtype=g.dtype)
        np.add.at(grad, origin, np.moveaxis(g, along, 0))
        return (np.moveaxis(grad, 0, along).reshape(x_data.shape),)

    return record(out, (x,), backward, "repeat")


_PAD_MODES = ("constant", "reflect", "symmetric", "edge", "wrap")


@symbolic_aware
def pad(x, pad_width, mode="constant", constant_values=None):
    """Add values around `x`: `pad_width` is ((before, after), ...) per axis, or one int for all.

    mode='constant' adds `constant_values` (default 0); 'reflect',
    'symmetric', 'edge' and 'wrap' copy values of x as NumPy does. Every
    output value is either a constant or a copy of one input value, so the
    gradient adds each copy's gradient back into the value it came from:
    padding an array of positions the same way says which one that is.
    """
    if mode not in _PAD_MODES:
        raise ValueError(f"`pad` supports mode in {_PAD_MODES}, received mode={mode!r}.")
    if constant_values is not None and mode != "constant":
        raise ValueError(
            "Argument `constant_values` can only be provided when `mode == 'constant'` "
            f"(the other modes copy values of x); received mode={mode!r} with "
            f"constant_values={constant_values!r}."
        )
    x_data = data_of(x)
    if mode == "constant":
        out = np.pad(x_data, pad_width, mode="constant", constant_values=constant_values or 0)
    else:
        out = np.pad(x_data, pad_width, mode=mode)
    positions = np.arange(x_data.size).reshape(x_data.shape)
    if mode == "constant":
        source = np.pad(positions, pad_width, mode="constant", constant_values=-1)
    else:
        source = np.pad(positions, pad_width, mode=mode)
    copied = source >= 0

    def backward(g):
        grad = np.zeros(x_data.size, dtype=g.dtype)
        np.add.at(grad, source[copied], g[copied])
        return (grad.reshape(x_data.shape),)

    return record(out, (x,), backward, "pad")


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
    return builtins.all(
        isinstance(part, (slice, int, type(None), type(Ellipsis))) for part in parts
    )


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


def _along_axis(indices, shape, axis):
    """The index tuple that makes x[index] equal np.take_along_axis(x, indices, axis).

    `shape` is the output's; along every other axis position i reads position i.
    """
    index = list(np.ogrid[tuple(slice(n) for n in shape)])
    index[axis] = np.broadcast_to(indices, shape)
    return tuple(index)


@symbolic_aware
def take_along_axis(x, indices, axis=None):
    """Pick values of `x` along `axis` at `indices` (same rank as x): the top-k and argmax gather.

    With axis=None, `x` is flattened first. The gradient adds each picked
    value's gradient back where it was read (np.add.at, so repeats add up).
    """
    x_data, indices = data_of(x), data_of(indices)
    source = x_data.reshape(-1) if axis is None else x_data
    along = 0 if axis is None else axis
    out = np.take_along_axis(source, indices, axis=along)
    index = _along_axis(indices, out.shape, along)

    def backward(g):
        grad = np.zeros(source.shape, dtype=g.dtype)
        np.add.at(grad, index, g)
        return (grad.reshape(x_data.shape),)

    return record(out, (x,), backward, "take_along_axis")


@symbolic_aware
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Integer class ids as one-hot vectors: one_hot([0, 2], 3) is [[1, 0, 0], [0, 0, 1]].

    A new axis of size `num_classes` is added at `axis`. Ids outside
    [0, num_classes) give a vector of zeros, as in Keras. Keras keeps this op
    in `keras.ops.nn`.
    """
    if sparse:
        raise ValueError("kerastutor has no sparse tensors: `one_hot` needs sparse=False.")
    ids = data_of(x).astype(np.int64)  # float ids are truncated (1.7 -> 1), as Keras casts them
    out = (ids[..., None] == np.arange(num_classes)).astype(dtype or floatx())
    return np.moveaxis(out, -1, axis)


@symbolic_aware
def sort(x, axis=-1):
    """The values in increasing order along `axis` (ties keep their order).

    Each sorted value's gradient goes back to the position it came from.
    """
    x_data = data_of(x)
    order = np.argsort(x_data, axis=axis, kind="stable")
    out = np.take_along_axis(x_data, order, axis=axis)

    def backward(g):
        grad = np.zeros(x_data.shape, dtype=g.dtype)
        np.put_along_axis(grad, order, g, axis=axis)
        return (grad,)

    return record(out, (x,), backward, "sort")


@symbolic_aware
def argsort(x, axis=-1):
    """The positions that would sort `x` along `axis` (int32, ties in their original order)."""
    return np.argsort(data_of(x), axis=axis, kind="stable").astype(np.int32)


# ---------------------------------------------------------------- creation
# New arrays of a given shape or like another; constants, so no gradient.
# As in Keras the default dtype is float32 (`floatx()`), not NumPy's float64.


@symbolic_aware
def zeros(shape, dtype=None):
    return np.zeros(shape, dtype=dtype or floatx())


@symbolic_aware
def ones(shape, dtype=None):
    return np.ones(shape, dtype=dtype or floatx())


@symbolic_aware
def full(shape, fill_value, dtype=None):
    return np.full(shape, data_of(fill_value), dtype=dtype or floatx())


@symbolic_aware
def zeros_like(x, dtype=None):
    """Zeros of x's shape, and of x's dtype unless `dtype` says otherwise."""
    return np.zeros_like(data_of(x), dtype=dtype)


@symbolic_aware
def ones_like(x, dtype=None):
    return np.ones_like(data_of(x), dtype=dtype)


@symbolic_aware
def full_like(x, fill_value, dtype=None):
    return np.full_like(data_of(x), data_of(fill_value), dtype=dtype)


@symbolic_aware
def arange(start, stop=None, step=None, dtype=None):
    """start, start + step, ... below stop; arange(n) is 0 .. n - 1.

    Whole-number arguments give int32, others float32, as in Keras.
    """
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    if dtype is None:
        whole = builtins.all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
        dtype = "int32" if whole else floatx()
    return np.arange(start, stop, step, dtype=dtype)
