"""What the spatial reshaping layers share: argument checks and three array moves.

UpSampling, ZeroPadding and Cropping (1D and 2D) differ only in which axes
they touch. Their arguments are standardized here, once, as Keras's
`argument_validation.standardize_tuple` and `standardize_data_format` do,
and their computations are three moves written with `kerastutor.ops`, so
the gradient comes for free:

* `repeat(x, times, axis)`: every entry repeated `times` times along `axis`
  (nearest-neighbour upsampling);
* `pad_zeros(x, axis, before, after)`: zeros added at both ends of `axis`;
* `crop(x, axis, before, after)`: entries removed at both ends of `axis`.
"""

import numpy as np

from kerastutor import ops

__all__ = ["data_format_of", "int_tuple", "pairs_2d", "repeat", "pad_zeros", "crop"]


def data_format_of(layer_name, data_format):
    """'channels_last' (the default) or 'channels_first'; anything else is refused."""
    if data_format is None:
        return "channels_last"
    data_format = str(data_format).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            f"The `data_format` argument of layer '{layer_name}' must be one of "
            f"'channels_first', 'channels_last'. Received: data_format={data_format!r}"
        )
    return data_format


def int_tuple(value, n, name, allow_zero=False):
    """`value` as a tuple of n integers (an int is repeated), each > 0 (>= 0 with allow_zero)."""
    error = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value!r}"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        values = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(error) from None
        if len(values) != n or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values
        ):
            raise ValueError(error)
        values = tuple(int(v) for v in values)
    bad = sorted(v for v in values if v < 0 or (v == 0 and not allow_zero))
    if bad:
        rule = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{error}, including values {bad} that do not satisfy `value {rule}`.")
    return values


def pairs_2d(value, name):
    """((top, bottom), (left, right)) from an int, (symmetric_h, symmetric_w) or two pairs."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"`{name}` cannot be negative. Received: {name}={value}.")
        return ((int(value),) * 2, (int(value),) * 2)
    if not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(
            f"`{name}` should be either an int, a tuple of 2 ints (symmetric_height, "
            f"symmetric_width), or a tuple of 2 tuples of 2 ints ((top, bottom), (left, "
            f"right)). Received: {name}={value!r}."
        )
    height = int_tuple(value[0], 2, f"1st entry of {name}", allow_zero=True)
    width = int_tuple(value[1], 2, f"2nd entry of {name}", allow_zero=True)
    return (height, width)


def repeat(x, times, axis):
    """Each entry of `x` repeated `times` times along `axis`: [a, b] -> [a, a, b, b].

    A new axis of size `times` is put after `axis` and filled by
    broadcasting (a multiplication by ones), then merged into `axis`.
    """
    if times == 1:
        return x
    shape = tuple(x.shape)
    spread = ops.reshape(x, shape[: axis + 1] + (1,) + shape[axis + 1 :])
    ones = np.ones(shape[: axis + 1] + (times,) + shape[axis + 1 :], dtype=x.dtype)
    repeated = ops.multiply(spread, ones)
    return ops.reshape(repeated, shape[:axis] + (shape[axis] * times,) + shape[axis + 1 :])


def pad_zeros(x, axis, before, after):
    """`x` with `before` zeros in front and `after` zeros behind, along `axis`."""
    pieces = []
    for count in (before, None, after):
        if count is None:
            pieces.append(x)
        elif count:
            shape = list(x.shape)
            shape[axis] = count
            pieces.append(np.zeros(shape, dtype=x.dtype))
    return pieces[0] if len(pieces) == 1 else ops.concatenate(pieces, axis=axis)


def crop(x, axis, before, after):
    """`x` without its first `before` and last `after` entries along `axis`."""
    size = x.shape[axis]
    if before == 0 and after == 0:
        return x
    return ops.slice_axis(x, before, size - after, axis=axis)
