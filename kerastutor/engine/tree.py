"""Walking nested lists, tuples and dicts of tensors, as layer calls need."""

__all__ = ["flatten", "map_structure"]


def flatten(structure):
    """All leaves of a nested list/tuple/dict, left to right."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in flatten(structure[key])]
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
