"""What a layer accepts: rank and fixed axis sizes, checked on every call.

A layer sets `self.input_spec` in `build` once it knows its weight shapes:
an LSTM built on 128 features sets `InputSpec(ndim=3, axes={-1: 128})`, so a
later call with 64 features is refused with an explanation instead of a
NumPy broadcasting error deep inside `call`.
"""

__all__ = ["InputSpec", "check_input_spec"]


class InputSpec:
    """Constraints on one input of a layer.

    Args:
        ndim: exact rank, batch axis included.
        min_ndim: smallest rank accepted.
        axes: `{axis: size}` for axes whose size is fixed (usually by weights).
        dtype_kind: 'int' for layers that need integer input (Embedding).
        shape: Keras 3's way to say both at once: the full shape, None for any
            size, e.g. `InputSpec(shape=(None, 4, 3))` is rank 3 with axes 1
            and 2 fixed.
    """

    def __init__(self, ndim=None, min_ndim=None, axes=None, dtype_kind=None, shape=None):
        axes = dict(axes or {})
        if shape is not None:
            ndim = len(shape)
            axes.update({i: size for i, size in enumerate(shape) if size is not None})
        self.ndim = ndim
        self.min_ndim = min_ndim
        self.axes = axes
        self.dtype_kind = dtype_kind

    def __repr__(self):
        parts = [
            f"{name}={value!r}" for name, value in vars(self).items() if value not in (None, {})
        ]
        return f"InputSpec({', '.join(parts)})"


def _shape_str(shape):
    return str(tuple(shape))


def check_input_spec(layer, specs, shapes, node_index):
    """Raise a ValueError that teaches if `shapes` break the layer's `specs`.

    Args:
        layer: the layer being called (for its name and weights).
        specs: one InputSpec (or None) per input.
        shapes: the shape of each input, batch axis included.
        node_index: the node this call would become, or None for an eager call.
    """
    where = f"as its node {node_index}" if node_index is not None else "on concrete data"
    for input_index, (spec, shape) in enumerate(zip(specs, shapes)):
        if spec is None:
            continue
        which = f"input {input_index} " if len(shapes) > 1 else "its input "
        prefix = f"Layer '{layer.name}' ({type(layer).__name__}) cannot be called {where}: "
        if spec.ndim is not None and len(shape) != spec.ndim:
            explanation = layer._rank_explanation(spec.ndim)
            raise ValueError(
                prefix + f"expected {which}to have rank {spec.ndim} (batch axis included), "
                f"found rank {len(shape)} with shape {_shape_str(shape)}."
                + (f" {explanation}" if explanation else "")
            )
        if spec.min_ndim is not None and len(shape) < spec.min_ndim:
            raise ValueError(
                prefix + f"expected {which}to have rank at least {spec.min_ndim} "
                f"(batch axis included), found rank {len(shape)} with shape {_shape_str(shape)}."
            )
        for axis, size in spec.axes.items():
            found = shape[axis] if -len(shape) <= axis < len(shape) else "missing"
            if found is not None and found != size:
                raise ValueError(
                    prefix + f"expected axis {axis} of {which}to have size {size}, found shape "
                    f"{_shape_str(shape)} (size {found}). " + layer._axis_explanation(axis, size)
                )
