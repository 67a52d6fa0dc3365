"""The mask that travels with a layer's output, as `output._keras_mask`.

A mask says which timesteps of a sequence are real (True) and which are
padding (False): shape (batch, timesteps) for an output of shape
(batch, timesteps, features). `Embedding(mask_zero=True)` and `Masking`
make one; layers with `supports_masking = True` pass it on (or change it,
in `compute_mask`); layers whose `call` takes `mask=` receive it.

Keras 3 attaches the mask to the output tensor itself. A symbolic tensor
(`KerasTensor`) and a recorded `Tensor` hold it as a plain attribute. A NumPy
array cannot take attributes, so an eager output that has a mask becomes an
`ArrayWithMask`: the same array (a view, no copy) that also holds
`_keras_mask`. Anything computed from it (`x * 2`, `x[0]`, `np.sum(x)`) is a
plain array again, as in Keras: a new tensor has no mask of its own.

Example:
    >>> import numpy as np
    >>> from kerastutor.layers import Embedding
    >>> out = Embedding(10, 2, mask_zero=True)(np.array([[4, 2, 0]]))
    >>> out._keras_mask
    array([[ True,  True, False]])
    >>> hasattr(out * 2, "_keras_mask")
    False
"""

import numpy as np

from kerastutor.engine.tree import flatten, map_structure, pack_like

__all__ = ["ArrayWithMask", "get_keras_mask", "set_keras_mask", "with_masks"]


def _plain(x):
    """`x` as a plain NumPy array if it is an ArrayWithMask, else `x` unchanged."""
    return x.view(np.ndarray) if isinstance(x, ArrayWithMask) else x


class ArrayWithMask(np.ndarray):
    """A NumPy array that holds the mask of the layer output it is (`_keras_mask`)."""

    def __array_finalize__(self, obj):
        # A view or copy made by a method (`x.reshape(...)`, `x.copy()`) is new data.
        self._keras_mask = None

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = tuple(_plain(x) for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(_plain(x) for x in kwargs["out"])
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return func(*map_structure(_plain, args), **map_structure(_plain, kwargs))

    def __getitem__(self, key):
        return self.view(np.ndarray)[key]

    def __repr__(self):
        return repr(self.view(np.ndarray))


def get_keras_mask(x):
    """The mask attached to `x`, or None (for data without one)."""
    return getattr(x, "_keras_mask", None)


def set_keras_mask(x, mask):
    """`x` with `mask` attached: `x` itself, or for a NumPy array a view that can hold it."""
    if isinstance(x, np.ndarray):
        x = x.view(ArrayWithMask)
    elif not hasattr(x, "__dict__"):  # a Python number: nothing to attach to
        return x
    x._keras_mask = mask
    return x


def with_masks(outputs, masks):
    """`outputs` (one tensor or a structure) with `masks` (one per leaf) attached where given."""
    leaves = flatten(outputs)
    attached = [
        leaf if mask is None else set_keras_mask(leaf, mask) for leaf, mask in zip(leaves, masks)
    ]
    return pack_like(outputs, attached)
