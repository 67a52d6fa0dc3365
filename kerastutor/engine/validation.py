"""Shared argument and data checks, so every layer says the same thing the same way.

Two rules that used to be written out in many files:

- `positive_int`: "this argument must be a positive integer" (`units`,
  `filters`, `input_dim`, `batch_size`, ...). Python and NumPy integers are
  accepted alike, so `Dense(np.int64(4))` and `LSTM(np.int64(4))` behave the
  same; `True`, `4.0` and `0` are refused with a message that names the
  argument, the layer and what was received.
- `first_non_finite`: where the first NaN or infinity of an array sits, so
  that errors about dirty data can point at it.
"""

import numpy as np

__all__ = ["first_non_finite", "positive_int"]


def positive_int(owner, argument, value, *, allow_zero=False, allow_none=False):
    """Checks that `value` is a positive integer and returns it as a Python int.

    Example:
        >>> from kerastutor.layers import Dense
        >>> positive_int(Dense(3, name="dense"), "units", 4)
        4
        >>> positive_int("fit()", "epochs", 0, allow_zero=True)
        0

    Args:
        owner: who receives the argument: a layer (named in the message as
            "Dense layer 'dense'"), a string such as "fit()", or None.
        argument: the argument's name, e.g. "units".
        value: what the caller passed.
        allow_zero: accept 0 as well (e.g. `epochs=0`).
        allow_none: accept None, and return it unchanged.

    Returns:
        `int(value)`, or None when `allow_none` and the value is None.

    Raises:
        ValueError: for anything else, including bools (Python counts
            `True` as 1, but `Dense(True)` is a mistake, not one unit) and
            floats such as 4.0 (a size is a count, never a measurement).
    """
    if value is None and allow_none:
        return None
    is_integer = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if is_integer and value >= (0 if allow_zero else 1):
        return int(value)
    expected = "a non-negative integer" if allow_zero else "a positive integer"
    if allow_none:
        expected = f"None or {expected}"
    raise ValueError(
        f"Received an invalid value for argument `{argument}`{_of(owner)}: expected "
        f"{expected}, received {value!r}{_why_not(value)}."
    )


def first_non_finite(array):
    """The index and value of the first NaN or infinity in `array`, or None.

    Only floating-point arrays can hold NaN or infinity; for any other dtype
    the answer is None.

    Example:
        >>> import numpy as np
        >>> first_non_finite(np.array([[1.0, 2.0], [np.nan, 4.0]]))
        ((1, 0), nan)
        >>> first_non_finite(np.array([1, 2])) is None
        True

    Args:
        array: anything `np.asarray` accepts.

    Returns:
        `(position, value)`: `position` is a tuple of Python ints (one per
        axis) and `value` a Python float; or None if every value is finite.
    """
    array = np.asarray(array)
    if array.dtype.kind != "f":
        return None
    finite = np.isfinite(array)
    if finite.all():  # the usual case, checked on every batch: no search for positions
        return None
    position = tuple(int(i) for i in np.argwhere(~finite)[0])
    return position, float(array[position])


def _of(owner):
    """' of Dense layer 'dense'' for a layer, ' of fit()' for a string."""
    if owner is None:
        return ""
    if isinstance(owner, str):
        return f" of {owner}"
    return f" of {type(owner).__name__} layer '{owner.name}'"


def _why_not(value):
    """One reason for the two refusals that look like they should work."""
    if isinstance(value, (bool, np.bool_)):
        return " (a bool: Python counts True as 1, but a size must be written as a number)"
    if isinstance(value, (float, np.floating)) and float(value).is_integer() and value > 0:
        return f" (a float: write {int(value)})"
    return ""
