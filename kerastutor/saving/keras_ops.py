"""`kerastutor.ops` calls inside a functional model, as Keras 3's files write them.

`y = x * 2.0` or `ops.concatenate([a, b], axis=-1)` on symbolic tensors puts
an op node in the graph, not a layer. Keras 3 saves such a node as an entry
beside the layers' entries, naming the operation's class:

    {"module": "keras.src.ops.numpy", "class_name": "Concatenate",
     "config": {"name": "concatenate", "axis": -1},
     "inbound_nodes": [{"args": [[<tensor a>, <tensor b>]], "kwargs": {}}]}

The function's arguments are split in two. Its settings (Concatenate's
`axis`, Sum's `axis` and `keepdims`) go to the operation's constructor, so
into `config`; the tensors, and any value that stands where a tensor could
(the 2.0 of `x * 2.0`, GetItem's index), are the call's `args`, in order.
kerastutor keeps the same call as a `BackendOp` node (function
`'ops.concatenate'`, its arguments with a slot for each input tensor); this
module translates between the two for the ops in `CALL_ARGUMENTS`.
"""

import inspect

from kerastutor import ops
from kerastutor.engine.backend_op import _Slot
from kerastutor.saving.errors import KerasFormatError

__all__ = ["is_keras_op", "op_to_keras", "op_from_keras"]

_BINARY = ("x1", "x2")
_UNARY = ("x",)

# op name -> (Keras module, the names of the arguments its call takes). The
# other arguments of the function are the operation's settings.
CALL_ARGUMENTS = {
    **{
        name: ("numpy", _BINARY)
        for name in (
            "add subtract multiply divide matmul power maximum minimum floor_divide mod "
            "equal not_equal greater greater_equal less less_equal "
            "logical_and logical_or logical_xor"
        ).split()
    },
    **{
        name: ("numpy", _UNARY)
        for name in (
            "negative tanh exp log square sqrt abs log1p expm1 sign logical_not clip "
            "sum mean max min prod std var any all argmax argmin reshape transpose "
            "expand_dims squeeze cumsum tile repeat flip sort argsort zeros_like ones_like"
        ).split()
    },
    "concatenate": ("numpy", ("xs",)),
    "stack": ("numpy", ("x",)),
    "get_item": ("numpy", ("x", "key")),
    "where": ("numpy", ("condition", "x1", "x2")),
    "take": ("numpy", ("x", "indices")),
    "take_along_axis": ("numpy", ("x", "indices")),
    "full_like": ("numpy", ("x", "fill_value")),
    "pad": ("numpy", ("x", "constant_values")),
    "einsum": ("numpy", ("*operands",)),
    **{
        name: ("nn", _UNARY)
        for name in (
            "relu sigmoid softplus softmax log_softmax gelu silu elu selu leaky_relu "
            "softsign hard_sigmoid relu6 log_sigmoid hard_silu one_hot"
        ).split()
    },
    "cast": ("core", _UNARY),
    "stop_gradient": ("core", ("variable",)),
}
_SAME_AS = {"swish": "silu", "hard_swish": "hard_silu"}  # kerastutor aliases, one Keras class


def keras_class_name(op_name):
    """Keras's operation class for an op: 'get_item' -> 'GetItem', 'relu6' -> 'Relu6'."""
    return "".join(part.capitalize() for part in op_name.split("_"))


_BY_CLASS = {
    f"keras.src.ops.{module}.{keras_class_name(name)}": name
    for name, (module, _) in CALL_ARGUMENTS.items()
}


def is_keras_op(entry):
    """Whether a Keras 3 model entry is an operation (`x + y`), not a layer."""
    return str(entry.get("module", "")).startswith("keras.src.ops.")


# ---------------------------------------------------------------- kerastutor -> Keras 3


def op_to_keras(op, input_tensors):
    """The Keras 3 entry of a BackendOp node; `input_tensors` are Keras's tensor dicts, in order.

    Raises:
        TypeError: for an op Keras files have no operation for (a backend
            function such as `K.dot`) or a constant Keras cannot write (an array).
    """
    name = op.function[len("ops.") :] if op.function.startswith("ops.") else None
    name = _SAME_AS.get(name, name)
    if name not in CALL_ARGUMENTS:
        raise TypeError(
            f"The op '{op.name}' ({op.function}) has no Keras 3 operation kerastutor knows how "
            f"to write. Keras files can hold these ops: {', '.join(sorted(CALL_ARGUMENTS))}. "
            "Use one of them or a layer instead."
        )
    module, call_names = CALL_ARGUMENTS[name]
    values = _bound_arguments(name, op.arguments, op.options)
    if call_names == ("*operands",):
        call_values = list(values.pop("operands"))
    else:
        call_values = [values.pop(key) for key in call_names if key in values]
    args = [_value_to_keras(value, op, input_tensors) for value in call_values]
    config = {"name": op.name, **{key: _value_to_keras(v, op) for key, v in values.items()}}
    class_name = keras_class_name(name)
    return {
        "module": f"keras.src.ops.{module}",
        "class_name": class_name,
        "config": config,
        "registered_name": class_name,
        "name": op.name,
        "inbound_nodes": [{"args": args, "kwargs": {}}],
    }


# The few arguments kerastutor names otherwise than Keras (by op).
_KERAS_NAMES = {
    ("matmul", "x"): "x1",
    ("matmul", "w"): "x2",
    ("concatenate", "tensors"): "xs",
    ("stack", "tensors"): "x",
}


def _bound_arguments(name, arguments, options):
    """`{Keras's argument name: value}` for every argument of the op, defaults included."""
    bound = inspect.signature(getattr(ops, name)).bind(*arguments, **options)
    bound.apply_defaults()
    return {_KERAS_NAMES.get((name, key), key): value for key, value in bound.arguments.items()}


def _value_to_keras(value, op, input_tensors=()):
    """An argument in Keras 3's JSON: an input slot as its tensor, slices and `...` as
    objects, tuples as lists."""
    if isinstance(value, _Slot):
        return input_tensors[value.index]
    if isinstance(value, slice):
        return {
            "class_name": "__slice__",
            "config": {"start": value.start, "stop": value.stop, "step": value.step},
        }
    if value is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(value, (list, tuple)):
        return [_value_to_keras(item, op, input_tensors) for item in value]
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()  # a NumPy scalar
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(
        f"The op '{op.name}' ({op.function}) has a constant argument of type "
        f"{type(value).__name__}, which a Keras file cannot hold. Pass it as an input, or as "
        "a layer's weight, instead."
    )


# ---------------------------------------------------------------- Keras 3 -> kerastutor


def op_from_keras(entry, where):
    """kerastutor's BackendOp entry (config and nodes) for a Keras 3 operation entry.

    Raises:
        KerasFormatError: for an operation kerastutor does not have.
    """
    key = f"{entry.get('module')}.{entry.get('class_name')}"
    if key not in _BY_CLASS:
        raise KerasFormatError(
            f"{where}: the file uses Keras's operation {entry.get('class_name')} "
            f"({entry.get('module')}), which kerastutor cannot rebuild. The ops it can: "
            f"{', '.join(sorted(keras_class_name(name) for name in CALL_ARGUMENTS))}."
        )
    name = _BY_CLASS[key]
    config = dict(entry.get("config") or {})
    op_name = config.pop("name", entry.get("name", name))
    nodes = entry.get("inbound_nodes") or [{"args": [], "kwargs": {}}]
    if len(nodes) != 1:
        raise KerasFormatError(f"{where}: the operation '{op_name}' has {len(nodes)} calls, not 1.")
    tensors = []

    def decode(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            tensors.append({"keras_tensor": list(value["config"]["keras_history"])[:3]})
            return {"input": len(tensors) - 1}
        if isinstance(value, dict) and value.get("class_name") == "__slice__":
            slice_config = value.get("config", {})
            return {"slice": [slice_config.get(k) for k in ("start", "stop", "step")]}
        if isinstance(value, dict) and value.get("class_name") == "__ellipsis__":
            return {"ellipsis": True}
        if isinstance(value, list):
            return [decode(item) for item in value]
        return value

    args = [decode(value) for value in nodes[0].get("args", [])]
    kwargs = {key: decode(value) for key, value in nodes[0].get("kwargs", {}).items()}
    if name == "get_item" and len(args) == 2 and isinstance(args[1], list):
        args[1] = {"tuple": args[1]}  # Keras writes the index tuple `x[:, 0]` as a list
    return {
        "class_name": "BackendOp",
        "config": {
            "name": op_name,
            "trainable": True,
            "dtype": "float32",
            "function": f"ops.{name}",
            "arguments": _positional(name, args, config),
            "options": {**config, **kwargs},
        },
        "name": op_name,
        "inbound_nodes": [{"args": tensors, "kwargs": {}}],
    }


def _positional(name, args, settings):
    """The call's arguments in kerastutor's order: where a setting comes between two of
    them (`pad(x, pad_width, mode, constant_values)`), it moves into the list."""
    if name == "pad" and len(args) == 2:
        return [args[0], settings.pop("pad_width"), settings.pop("mode", "constant"), args[1]]
    if name == "einsum":
        return [settings.pop("subscripts"), *args]
    return args
