"""Core operations (Keras's `keras.ops.core`): dtypes, shapes and conversions.

These do no arithmetic. `cast` is the one that can carry a gradient (from
floats to floats); the others only look at or convert values, and
`stop_gradient` exists to block gradients.
"""

import numpy as np

from kerastutor.autodiff import Symbolic, Tensor, data_of, record, symbolic_aware
from kerastutor.config import floatx

__all__ = [
    "cast",
    "convert_to_numpy",
    "convert_to_tensor",
    "shape",
    "stop_gradient",
    "float_data_of",
]


def _python_dtype(value):
    """Keras's dtype for Python numbers and lists: int32 and float32, not NumPy's 64 bits."""
    leaves = np.asarray(value)
    if leaves.dtype == np.int64:
        return "int32"
    if leaves.dtype == np.float64:
        return floatx()
    return leaves.dtype


def _checked_dtype(dtype, op):
    try:
        return np.dtype(dtype)
    except TypeError:
        raise ValueError(
            f"`{op}` received an invalid dtype: {dtype!r}. Use a NumPy dtype name such as "
            "'float32', 'int32' or 'bool'."
        ) from None


def float_data_of(x):
    """The array behind `x`, as floats: integers and booleans become `floatx()` (float32).

    Keras's float-valued ops (`mean`, `sqrt`, `exp`, the activations) give
    float32 for integer inputs, as this does; float arrays keep their dtype.
    """
    x_data = data_of(x)
    if x_data.dtype.kind in "biu":
        return x_data.astype(floatx())
    return x_data


@symbolic_aware
def cast(x, dtype):
    """`x` converted to `dtype`, e.g. `cast(mask, 'float32')` or `cast(x, 'int32')`.

    Casting to a float type passes the gradient through (converted back to
    x's dtype); casting to an integer or bool type rounds the values, and no
    gradient flows back through it.
    """
    dtype = _checked_dtype(dtype, "cast")
    x_data = np.asarray(data_of(x))  # a Python number too, as keras.ops.cast takes
    out = x_data.astype(dtype)
    if dtype.kind != "f":
        return out
    return record(out, (x,), lambda g: (g.astype(x_data.dtype),), "cast")


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """`x` as a value the ops accept: a NumPy array, or the tensor itself.

    A tensor (one being watched, or a symbolic one) is returned unchanged so
    gradients and graphs keep flowing, unless `dtype` asks for a cast.
    Python numbers and lists become int32 or float32 as in Keras (NumPy
    would choose 64 bits).
    """
    if sparse or ragged:
        raise ValueError(
            "kerastutor has no sparse or ragged tensors: `convert_to_tensor` accepts "
            f"sparse=None/False and ragged=None/False only, received sparse={sparse!r}, "
            f"ragged={ragged!r}."
        )
    if isinstance(x, (Tensor, Symbolic)):
        return x if dtype is None or np.dtype(dtype) == x.dtype else cast(x, dtype)
    if dtype is None and not isinstance(x, np.ndarray | np.generic):
        dtype = _python_dtype(x)
    return np.asarray(
        x, dtype=None if dtype is None else _checked_dtype(dtype, "convert_to_tensor")
    )


def convert_to_numpy(x):
    """The NumPy array behind `x` (an array, a tensor or a Variable)."""
    if isinstance(x, Symbolic):
        raise ValueError(
            "`convert_to_numpy` received a symbolic tensor (from `Input`, or an op on one). "
            "It stands for a shape and a dtype and has no numbers until the model runs: "
            "call the model on data, e.g. `model.predict(x)`, and convert its output."
        )
    return np.array(data_of(x))


def shape(x):
    """The shape of `x` as a tuple; for a symbolic tensor unknown sizes are None."""
    if isinstance(x, (Tensor, Symbolic)):
        return tuple(x.shape)
    return np.shape(x)


@symbolic_aware
def stop_gradient(variable):
    """The same values, with no gradient flowing back through them.

    Example: `x * ops.stop_gradient(w)` trains through `x` but leaves `w` as
    it is (a target network, the straight-through trick).
    """
    return np.array(data_of(variable))
