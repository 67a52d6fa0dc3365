"""A snapshot of every piece of state a failed call must leave as it was (issue 13, item 1).

`snapshot(obj)` for a layer or a model: weights (names, values, count),
`built`, `input_spec`, nodes (in and out), `layers`, the compiled state
(optimizer, its iterations and slots, loss, metrics). Two snapshots compare
with `==`.
"""

import numpy as np

__all__ = ["snapshot"]


def _array_key(array):
    array = np.asarray(array)
    return (array.shape, str(array.dtype), array.tobytes())


def _spec_key(spec):
    if spec is None:
        return None
    if isinstance(spec, list):
        return [_spec_key(s) for s in spec]
    return repr(vars(spec)) if hasattr(spec, "__dict__") else repr(spec)


def _layer_state(layer):
    return {
        "class": type(layer).__name__,
        "built": layer.built,
        "weights": [(v.name, _array_key(v.data)) for v in layer.weights],
        "input_spec": _spec_key(layer.input_spec),
        "inbound": [id(n) for n in layer._inbound_nodes],
        "outbound": [id(n) for n in layer._outbound_nodes],
        "listeners": list(getattr(layer, "_node_listeners", [])),
    }


def _optimizer_state(optimizer):
    if optimizer is None:
        return None
    variables = getattr(optimizer, "variables", [])
    return {
        "id": id(optimizer),
        "variables": [_array_key(getattr(v, "data", v)) for v in variables],
    }


def snapshot(obj):
    """Everything observable about `obj` (a layer or model) as plain, comparable values."""
    state = {"self": _layer_state(obj)}
    layers = getattr(obj, "layers", None)
    if layers is not None:
        state["layers"] = [(id(layer), _layer_state(layer)) for layer in layers]
    if hasattr(obj, "compiled"):
        state["compiled"] = obj.compiled
        state["optimizer"] = _optimizer_state(getattr(obj, "optimizer", None))
        state["loss"] = id(getattr(obj, "loss", None))
        state["compile_config"] = repr(getattr(obj, "_compile_config", None))
        state["metrics"] = [id(m) for m in getattr(obj, "_compile_metrics_objects", [])]
    return state
