"""Walking nested lists, tuples and dicts of tensors, as layer calls need.

Dicts are walked in sorted key order, as Keras 3 does (it flattens with
`optree`): a model with `outputs={"z": ..., "a": ...}` lists output "a"
first, whatever order the dict was written in.
"""

__all__ = ["flatten", "map_structure", "pack_like"]


def flatten(structure):
    """All leaves of a nested list/tuple/dict, left to right (dict keys sorted)."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    return [structure]


def map_structure(fn, structure):
    """The same nesting with `fn` applied to every leaf."""
    if isinstance(structure, list):
        return [map_structure(fn, item) for item in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(fn, value) for key, value in structure.items()}
    return fn(structure)


def pack_like(structure, leaves):
    """Put `leaves` (in `flatten` order) back into the nesting of `structure`."""
    return _pack(structure, iter(leaves))


def _pack(item, leaves):
    # A module-level function, not a closure inside pack_like: a recursive
    # closure refers to itself, and that reference cycle would keep `leaves`
    # (a layer's output tensors, and the whole gradient graph behind them)
    # alive until Python's cycle collector happens to run.
    if isinstance(item, (list, tuple)):
        return type(item)(_pack(x, leaves) for x in item)
    if isinstance(item, dict):
        packed = {key: _pack(item[key], leaves) for key in sorted(item)}
        return {key: packed[key] for key in item}
    return next(leaves)
