"""The one place where kerastutor's configs and Keras 3's `config.json` meet.

kerastutor's `get_config()` is the short form Keras 2 used (an initializer is
`{'class_name', 'config'}`, a dtype is `'float32'`, a node is
`{'keras_tensor': [layer, node, tensor]}`). Keras 3 writes more around the
same information. Both directions are here, so no layer needs to know::

    kerastutor                               Keras 3 (config.json)
    {'class_name', 'config'}                 + 'module', 'registered_name'
    'dtype': 'float32'                       {'class_name': 'DTypePolicy', ...}
    InputLayer 'batch_input_shape'           'batch_shape'
    'Model'                                  'Functional'
    node {'args': x}                         {'args': [x]}, tensors as
                                             {'class_name': '__keras_tensor__', ...}
    Sequential [layers]                      [InputLayer, layers], 'build_input_shape'
    an op node (`x + 1`): BackendOp          an operation entry (`keras_ops.py`)

Reading Keras's side, an argument kerastutor's class does not take is
dropped only when its value is the one that switches the feature off
(`dropout=0.0`, `stateful=False`, `kernel_regularizer=None`); any other
value is refused by name, since loading without it would compute something
else.
"""

import inspect
import re

from kerastutor import initializers, layers
from kerastutor.engine.backend_op import BackendOp
from kerastutor.engine.base_layer import ALLOWED_KWARGS, get_layer_class
from kerastutor.saving import keras_ops, object_registration
from kerastutor.saving.errors import KerasFormatError

__all__ = [
    "to_keras",
    "from_keras",
    "object_from_keras",
    "kerastutor_class",
    "snake_case",
    "KerasFormatError",
]

_MODEL_CLASSES = {"Model": "Functional"}  # kerastutor's class name -> Keras 3's
_KERAS_MODULES = {"Functional": "keras.src.models.functional", "Sequential": "keras"}
_KERAS_REGISTERED = {"Functional": "Functional"}
_DTYPE_POLICY = "DTypePolicy"
# Arguments kerastutor's configs carry (from a shared base class) that Keras 3's class
# does not take: a generic RNN's weights belong to its cell. Left out when unset.
_WEIGHT_RULES = [
    f"{weight}_{rule}"
    for weight in ("kernel", "recurrent", "bias")
    for rule in ("regularizer", "constraint")
]
_NOT_KERAS_ARGUMENTS = {"RNN": _WEIGHT_RULES}
# Keras 3's name of the first argument of `call`, where kerastutor's differs.
_FIRST_CALL_ARGUMENT = {"Bidirectional": "sequences"}

# Keras 3 arguments whose value here means "this feature is off".
_OFF_VALUES = {
    "dilation_rate": [[1, 1], [1], 1],
    "groups": [1],
    "ema_momentum": [0.99],
    "reduction": ["sum_over_batch_size"],
    "axis": [-1],
    "implementation": [1, 2],  # Keras 2's choice of LSTM/GRU kernel: the same numbers
}


# ---------------------------------------------------------------- kerastutor -> Keras 3


def to_keras(model):
    """The `config.json` entry for `model`: Keras 3's serialized form of its config."""
    class_name = _keras_class_name(model)
    if is_subclassed(model):
        return {
            "module": type(model).__module__,
            "class_name": class_name,
            "config": _subclassed_config(model),
            "registered_name": _custom_name(model),
            "build_config": {"input_shape": _traced_input_shape(model)},
        }
    return {
        "module": _KERAS_MODULES.get(class_name, type(model).__module__),
        "class_name": class_name,
        "config": _model_config_to_keras(model),
        "registered_name": _KERAS_REGISTERED.get(class_name, _custom_name(model)),
        "build_config": {"input_shape": _sequential_input_shape(model)},
    }


def is_subclassed(model):
    """A `class MLP(keras.Model)` with its own `call`: Keras saves its constructor arguments."""
    has_own_call = getattr(type(model), "_has_own_call", None)
    return has_own_call is not None and has_own_call()


def _subclassed_config(model):
    """The arguments that rebuild a subclassed model: its own `get_config`, if it wrote one."""
    config = {"name": model.name, "trainable": model.trainable}
    base = next(c for c in type(model).__mro__ if c.__module__.startswith("kerastutor."))
    if type(model).get_config is not base.get_config:
        config.update(_plain(model.get_config()))
    # kerastutor's `super().get_config()` in a subclass gives the traced graph;
    # Keras 3 gives only name and trainable, and the graph is no argument.
    for graph_key in ("layers", "input_layers", "output_layers"):
        config.pop(graph_key, None)
    return config


def _traced_input_shape(model):
    if not model.built:
        return None
    shapes = [list(tensor.shape) for tensor in model.inputs]
    return shapes[0] if len(shapes) == 1 else shapes


def _keras_class_name(layer):
    return _MODEL_CLASSES.get(type(layer).__name__, type(layer).__name__)


def _custom_name(layer):
    """Keras's `registered_name`: None for built-in classes, 'package>Name' or 'Name' for a learner's."""
    if type(layer).__module__.startswith("kerastutor."):
        return None
    return object_registration.get_registered_name(type(layer))


def _is_model(layer):
    return hasattr(layer, "_init_graph")


def _is_sequential(model):
    return _keras_class_name(model) == "Sequential" or hasattr(model, "_stack")


def _sequential_input_shape(model):
    if _is_sequential(model) and model.built:
        return list(model.inputs[0].shape)
    return None


def _model_config_to_keras(model):
    if _is_sequential(model):
        layers = [_layer_to_keras(layer, model, None) for layer in model.layers]
        if model.built:
            input_layer = model.inputs[0]._keras_history.layer
            layers.insert(0, _layer_to_keras(input_layer, model, None))
        config = {"name": model.name, "trainable": model.trainable, "layers": layers}
        if model.built:
            config["build_input_shape"] = _sequential_input_shape(model)
        return config
    config = model.get_config()
    entries = []
    for entry, layer in zip(config["layers"], model.operations, strict=True):
        if isinstance(layer, BackendOp):  # `x + 1`, `ops.concatenate(...)`, `K.dot(...)`
            (node,) = entry["inbound_nodes"]
            tensors = _node_to_keras(node, model)["args"][0]
            try:
                entries.append(keras_ops.op_to_keras(layer, tensors))
            except TypeError as error:
                raise TypeError(f"Model '{model.name}' cannot be saved: {error}") from None
            continue
        keras_entry = _layer_to_keras(layer, model, entry["inbound_nodes"])
        entries.append(keras_entry)
    return {
        "name": config["name"],
        "trainable": config["trainable"],
        "layers": entries,
        "input_layers": _bare_if_single(config["input_layers"]),
        "output_layers": _bare_if_single(config["output_layers"]),
    }


def _bare_if_single(refs):
    """Keras 3 writes one tensor as `[layer, node, tensor]`, kerastutor as `[[...]]`."""
    if isinstance(refs, list) and len(refs) == 1 and _is_ref(refs[0]):
        return refs[0]
    return refs


def _is_ref(value):
    return (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], str)
        and all(isinstance(i, int) for i in value[1:])
    )


def _layer_to_keras(layer, model, inbound_nodes):
    class_name = _keras_class_name(layer)
    if _is_model(layer):
        config = _model_config_to_keras(layer)
    else:
        config = _layer_config_to_keras(class_name, _plain(layer.get_config()))
    entry = {
        "module": _KERAS_MODULES.get(class_name, "keras.layers")
        if _custom_name(layer) is None
        else type(layer).__module__,
        "class_name": class_name,
        "config": config,
        "registered_name": _KERAS_REGISTERED.get(class_name, _custom_name(layer)),
    }
    build_config = _build_config(layer, model)
    if build_config is not None:
        entry["build_config"] = build_config
    if inbound_nodes is not None:
        entry["name"] = layer.name
        entry["inbound_nodes"] = [
            _node_to_keras(node, model) for node in inbound_nodes if node is not None
        ]
    return entry


def _layer_config_to_keras(class_name, config):
    """A layer's own config in Keras 3's form (a wrapper's inner layers too)."""
    if class_name == "InputLayer":
        return _InputLayer_to_keras(config)
    config.pop("batch_input_shape", None)  # Keras 3 keeps it on the InputLayer
    config.pop("input_length", None)  # Keras 2's Embedding argument
    for key in _NOT_KERAS_ARGUMENTS.get(class_name, []):
        if config.get(key) is None:
            config.pop(key, None)
    config["dtype"] = _dtype_policy(config.get("dtype", "float32"))
    return {key: _argument_to_keras(value) for key, value in config.items()}


def _argument_to_keras(value):
    """A layer (Bidirectional's, an RNN's cell) or an initializer inside a config."""
    if isinstance(value, list):
        return [_argument_to_keras(item) for item in value]
    if not (isinstance(value, dict) and set(value) == {"class_name", "config"}):
        return value
    if _is_layer_class(value["class_name"]):
        return {
            "module": "keras.layers",
            "class_name": value["class_name"],
            "config": _layer_config_to_keras(value["class_name"], dict(value["config"])),
            "registered_name": None,
        }
    return _object_to_keras(value, "keras.initializers")


def _is_layer_class(class_name):
    try:
        get_layer_class(class_name)
    except ValueError:
        return False
    return True


def _InputLayer_to_keras(config):
    return {
        "batch_shape": list(config["batch_input_shape"]),
        "dtype": config["dtype"],
        "sparse": bool(config.get("sparse", False)),
        "ragged": False,
        "name": config["name"],
        "optional": False,
    }


def _dtype_policy(name):
    return {
        "module": "keras",
        "class_name": _DTYPE_POLICY,
        "config": {"name": name},
        "registered_name": None,
    }


def _object_to_keras(value, module):
    """An initializer, optimizer, loss or metric `{'class_name', 'config'}` as Keras 3 writes it."""
    return {
        "module": module,
        "class_name": value["class_name"],
        "config": _plain(value["config"]),
        "registered_name": None,
    }


def _build_config(layer, model):
    """The input shape(s) of the layer's first call in `model`: Keras's `build_config`."""
    if _keras_class_name(layer) == "InputLayer" or not layer.built or not model.built:
        return None
    nodes = [node for node in layer._inbound_nodes if model._is_relevant(node)]
    if not nodes:
        return None
    node = nodes[0]
    tensor_kwargs = {
        key: value
        for key, value in node.call_kwargs.items()
        if key != "mask" and value is not None and _shapes(value) is not None
    }
    if tensor_kwargs:
        # Keras 3 then builds with one shape per tensor argument of `call`:
        # {'sequences_shape': ..., 'initial_state_shape': [...]}.
        first = _FIRST_CALL_ARGUMENT.get(type(layer).__name__)
        first = first or list(inspect.signature(type(layer).call).parameters)[1]  # after self
        shapes = {f"{first}_shape": _shapes(node.call_args)}
        shapes.update({f"{key}_shape": _shapes(value) for key, value in tensor_kwargs.items()})
        return {"shapes_dict": shapes}
    mask = node.call_kwargs.get("mask")  # a mask passed on by the model is no input to build for
    inputs = [tensor for tensor in node.input_tensors if tensor is not mask]
    if len(inputs) == 1 and not isinstance(node.call_args, (list, tuple)):
        return {"input_shape": list(inputs[0].shape)}
    return {"input_shape": [list(tensor.shape) for tensor in inputs]}


def _shapes(value):
    """The shape (or list of shapes) of a symbolic tensor (or a list of them); else None."""
    if isinstance(value, (list, tuple)):
        shapes = [_shapes(item) for item in value]
        return None if any(shape is None for shape in shapes) else shapes
    shape = getattr(value, "shape", None)
    return None if shape is None else list(shape)


def _node_to_keras(node_config, model):
    def encode(value):
        if isinstance(value, dict) and set(value) == {"keras_tensor"}:
            ref = list(value["keras_tensor"])
            tensor = _tensor_at(model, ref)
            return {
                "class_name": "__keras_tensor__",
                "config": {
                    "shape": list(tensor.shape),
                    "dtype": tensor.dtype,
                    "keras_history": ref,
                },
            }
        if isinstance(value, (list, tuple)):
            return [encode(item) for item in value]
        if isinstance(value, dict):
            return {key: encode(item) for key, item in value.items()}
        return value

    return {"args": [encode(node_config["args"])], "kwargs": encode(node_config["kwargs"])}


def _tensor_at(model, ref):
    """The symbolic tensor a `[layer, node, tensor]` reference of `model`'s config means."""
    name, node_index, tensor_index = ref
    layer = model.get_layer(name)
    nodes = [node for node in layer._inbound_nodes if model._is_relevant(node)]
    return nodes[node_index].output_tensors[tensor_index]


def _plain(config):
    """Tuples become lists and NumPy scalars Python numbers, as JSON will store them."""
    if isinstance(config, dict):
        return {key: _plain(value) for key, value in config.items()}
    if isinstance(config, (list, tuple)):
        return [_plain(value) for value in config]
    if hasattr(config, "item") and not isinstance(config, (str, bytes)):
        return config.item()
    return config


# ---------------------------------------------------------------- Keras 3 -> kerastutor


def from_keras(entry, custom_objects=None, where="the file"):
    """kerastutor's `{'class_name', 'config'}` for a Keras 3 serialized model or layer.

    Raises:
        KerasFormatError: for a layer class kerastutor lacks, or an argument
            it does not support set to a value that changes the computation.
    """
    if not isinstance(entry, dict) or not isinstance(entry.get("config"), dict):
        raise KerasFormatError(
            f"{where}: expected a serialized layer {{'class_name': ..., 'config': {{...}}}}, "
            f"received {str(entry)[:80]!r}."
        )
    class_name = _kerastutor_class_name(entry.get("class_name"))
    layer_class = kerastutor_class(entry, custom_objects)
    config = entry["config"]
    if _is_model(layer_class) and layer_class._has_own_call():
        return {
            "class_name": class_name,
            "config": {**config, "dtype": _dtype_name(config.get("dtype"))},
        }
    if _is_model(layer_class):
        return {
            "class_name": class_name,
            "config": _model_config_from_keras(config, layer_class, custom_objects),
        }
    if class_name == "InputLayer":
        config = {
            **config,
            "batch_shape": config.get("batch_shape", config.get("batch_input_shape")),
        }
        config.pop("batch_input_shape", None)
    layer_name = config.get("name", entry.get("name", "?"))
    converted = {}
    for key, value in config.items():
        if key == "dtype":
            value = _dtype_name(value)
        else:
            value = _argument_from_keras(value, custom_objects, f"{key} of layer '{layer_name}':")
        converted[key] = value
    accepted = _accepted_arguments(layer_class) | set(ALLOWED_KWARGS)
    return {
        "class_name": class_name,
        "config": _supported(converted, accepted, f"{class_name} layer '{layer_name}'"),
    }


def object_from_keras(value, module, what):
    """Keras 3's `{'module', 'class_name', 'config', ...}` as kerastutor's `{'class_name', 'config'}`.

    Used for initializers, optimizers, losses and metrics: `module` is the
    kerastutor module whose class of that name gets the config.
    """
    if not (isinstance(value, dict) and "class_name" in value):
        return value
    config = dict(value.get("config") or {})
    config.pop("shared_object_id", None)
    cls = getattr(module, str(value["class_name"]), None)
    if isinstance(cls, type):
        config = _supported(config, _accepted_arguments(cls), f"{what} {value['class_name']}")
    return {"class_name": value["class_name"], "config": config}


def _argument_from_keras(value, custom_objects, what):
    """A layer (a wrapper's, an RNN's cell) or an initializer inside a Keras 3 config."""
    if isinstance(value, list):
        return [_argument_from_keras(item, custom_objects, what) for item in value]
    if not (isinstance(value, dict) and isinstance(value.get("config"), dict)):
        return value
    if str(value.get("module", "")).startswith("keras.layers") or (
        _is_layer_class(_kerastutor_class_name(value.get("class_name")))
    ):
        return from_keras(value, custom_objects, what)
    return object_from_keras(value, initializers, what)


def _kerastutor_class_name(keras_name):
    for ours, theirs in _MODEL_CLASSES.items():
        if keras_name == theirs:
            return ours
    return str(keras_name)


def _dtype_name(value):
    if isinstance(value, dict):
        return value.get("config", {}).get("name", "float32")
    return value


def _accepted_arguments(cls):
    """The named arguments of `cls.__init__` and of the bases it passes `**kwargs` to."""
    accepted = set()
    for klass in cls.__mro__:
        if "__init__" in vars(klass) and klass is not object:
            parameters = inspect.signature(klass.__init__).parameters.values()
            accepted |= {
                p.name for p in parameters if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
            }
    # A cell (LSTMCell, ...) passes its layer's options on to that layer.
    accepted |= set(getattr(cls, "cell_options", ()))
    return accepted - {"self"}


def _supported(config, accepted, what):
    """`config` without the Keras 3 arguments kerastutor lacks, if each is switched off."""
    kept = {}
    for key, value in config.items():
        if key in accepted:
            kept[key] = value
        elif value in (None, False, 0, 0.0) or value in _OFF_VALUES.get(key, []):
            continue
        else:
            raise KerasFormatError(
                f"The {what} sets `{key}={_short(value)}`, which kerastutor does not support "
                f"(it takes {', '.join(sorted(accepted - {'self'}))}). Loading it without that "
                "argument would compute something different, so it is refused."
            )
    return kept


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def kerastutor_class(entry, custom_objects=None):
    """The kerastutor class for a Keras 3 entry's `class_name` ('Functional' is `Model`).

    Raises:
        KerasFormatError: for one of Keras's own layers that kerastutor lacks.
        ValueError: for an unknown custom class (pass it in `custom_objects`).
    """
    class_name = _kerastutor_class_name(entry.get("class_name"))
    registered = object_registration.get_registered_object(
        entry.get("registered_name") or class_name, custom_objects
    )
    if registered is not None:
        return registered
    try:
        return get_layer_class(class_name, custom_objects)
    except ValueError:
        module = str(entry.get("module") or "")
        if entry.get("registered_name") is None and module.startswith("keras"):
            raise KerasFormatError(
                f"The file uses Keras's {class_name} layer, which kerastutor does not have. It "
                f"can load models made of its own layers only ({_known_classes()}). If "
                f"{class_name} is a layer of your own, pass custom_objects={{{class_name!r}: "
                f"{class_name}}}."
            ) from None
        raise


def _known_classes():
    classes = [getattr(layers, name) for name in layers.__all__]
    return ", ".join(
        cls.__name__
        for cls in classes
        if isinstance(cls, type) and issubclass(cls, layers.Layer) and cls is not layers.Layer
    )


def _model_config_from_keras(config, model_class, custom_objects):
    layers = []
    for entry in config.get("layers", []):
        if keras_ops.is_keras_op(entry):  # `x + 1` in the graph: an operation, not a layer
            layers.append(keras_ops.op_from_keras(entry, f"model '{config.get('name')}'"))
            continue
        converted = from_keras(entry, custom_objects, f"model '{config.get('name')}'")
        if "inbound_nodes" in entry:
            converted["name"] = entry.get("name", converted["config"].get("name"))
            converted["inbound_nodes"] = [_node_from_keras(node) for node in entry["inbound_nodes"]]
        layers.append(converted)
    if "input_layers" not in config:  # a Sequential
        return {
            "name": config.get("name"),
            "trainable": config.get("trainable", True),
            "layers": layers,
        }
    return {
        "name": config.get("name"),
        "trainable": config.get("trainable", True),
        "layers": layers,
        "input_layers": config["input_layers"],
        "output_layers": config["output_layers"],
    }


def _node_from_keras(node):
    def decode(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            return {"keras_tensor": list(value["config"]["keras_history"])[:3]}
        if isinstance(value, list):
            return [decode(item) for item in value]
        if isinstance(value, dict):
            return {key: decode(item) for key, item in value.items()}
        return value

    if not isinstance(node, dict):  # Keras 2: [[layer, node, tensor, kwargs], ...]
        return node
    args = node.get("args", [])
    if len(args) != 1:
        raise KerasFormatError(
            f"A layer call in the file has {len(args)} positional arguments; kerastutor's "
            "layers take their inputs as the one positional argument."
        )
    kwargs = {
        key: value
        for key, value in node.get("kwargs", {}).items()
        if key != "training" and not (key == "mask" and value is None)
    }
    return {"args": decode(args[0]), "kwargs": decode(kwargs)}


def snake_case(class_name):
    """Keras's name for a class in weight files: 'Conv2D' -> 'conv2d', 'InputLayer' -> 'input_layer'."""
    words = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", class_name)  # 'InputLayer' -> 'Input_Layer'
    words = re.sub("([a-z])([A-Z])", r"\1_\2", words)  # 'simpleRNN' -> 'simple_RNN'
    return words.lower()
