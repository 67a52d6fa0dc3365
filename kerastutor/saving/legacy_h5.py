"""Reading Keras 2's HDF5 files: `model.save("m.h5")` and `save_weights("w.h5")` of tf_keras.

Most older tutorials (and the seeds' era) saved models this way. The file is
one HDF5 file::

    attrs  model_config       the architecture, Keras 2's JSON
           training_config    loss, metrics, optimizer_config (JSON)
    model_weights/            attrs layer_names: every layer, in order
        dense/                attrs weight_names: ['dense/kernel:0', 'dense/bias:0']
            dense/kernel:0    the arrays, at 'model_weights/<layer>/<weight name>'
    optimizer_weights/        attrs weight_names: ['iteration:0', 'Adam/m/dense/kernel:0', ...]

A weights-only file is the `model_weights` group alone, at the file's root.

Keras 2's config is close to kerastutor's own (`{'class_name', 'config'}`,
dtypes as strings); what differs, this module bridges:

* a node is `[[layer, node, tensor, kwargs], ...]`: the call's input tensors
  in a list. An RNN given `initial_state` lists its states after its input
  (`[[x], [h], [c]]`), which become `initial_state=[h, c]` here;
* a nested model counts its own construction as its node 0, so the outer
  config calls it at nodes 1, 2, ...; kerastutor counts from 0;
* an optimizer is `Custom>Adam`, its slots are named `m` and `v` (Keras 3:
  `momentum` and `velocity`) and kept by variable name, not position.

Everything is checked (limits first, then the architecture, then every
weight's declared shape) before one array is read or one weight is set.
"""

import warnings

from kerastutor.saving import limits

__all__ = ["is_legacy_model", "is_legacy_weights", "read_model", "read_weights", "read_optimizer"]

# tf_keras's names of optimizer slots -> kerastutor's (Keras 3's).
_SLOT_NAMES = {
    "m": "momentum",
    "v": "velocity",
    "momentum": "momentum",
    "velocity": "velocity",
    "accumulator": "accumulator",
}
# Keras 2 optimizer settings that change speed or bookkeeping, not the numbers.
_PERFORMANCE_ONLY = ("jit_compile", "is_legacy_optimizer")
_EMA_SETTINGS = ("ema_momentum", "ema_overwrite_frequency")
_RECURRENT = ("LSTM", "GRU", "SimpleRNN", "RNN")


def is_legacy_model(h5file):
    return "model_config" in h5file.attrs


def is_legacy_weights(h5file):
    return "layer_names" in h5file.attrs or "layer_names0" in h5file.attrs


# ---------------------------------------------------------------- the architecture


def read_model(h5file, where):
    """`(entry, compile_config)`: the model as a Keras 3-style entry `load_model` builds."""
    model_config = limits.parse_json(_text_attribute(h5file, "model_config", where), where)
    if not isinstance(model_config, dict) or not isinstance(model_config.get("config"), dict):
        raise ValueError(f"{where}: its model_config is not a {{'class_name', 'config'}} object.")
    entry = _entry_from_keras_2(model_config, where)
    training = None
    if "training_config" in h5file.attrs:
        text = _text_attribute(h5file, "training_config", where)
        training = _compile_config(limits.parse_json(text, where), where)
    return entry, training


def _entry_from_keras_2(entry, where):
    """A layer or model entry with Keras 2's nodes and node indices in kerastutor's form."""
    if not isinstance(entry, dict) or not isinstance(entry.get("config"), dict):
        raise ValueError(f"{where}: a layer entry is not a {{'class_name', 'config'}} object.")
    # Keras 2 names no module: its layers are Keras's own (or the learner's, by custom_objects).
    entry = {"module": "keras.layers", "registered_name": None, **entry}
    config = entry["config"]
    if not isinstance(config.get("layers"), list):
        return {**entry, "config": _layer_config_from_keras_2(entry["class_name"], config, where)}
    offsets = {
        layer.get("name", layer["config"].get("name")): 1
        for layer in config["layers"]
        if isinstance(layer, dict) and _counts_its_own_node(layer)
    }
    layers = []
    for layer in config["layers"]:
        converted = _entry_from_keras_2(layer, where)
        if isinstance(layer, dict) and "inbound_nodes" in layer:
            converted = {
                **converted,
                "inbound_nodes": [
                    _node_from_keras_2(node, layer, offsets, where)
                    for node in layer["inbound_nodes"]
                ],
            }
        layers.append(converted)
    new_config = {**config, "layers": layers}
    if "output_layers" in config:
        new_config["output_layers"] = _shift_refs(config["output_layers"], offsets)
    return {**entry, "config": new_config}


def _layer_config_from_keras_2(class_name, config, where):
    """The few layer arguments Keras 2 wrote in another form than Keras 3 (and kerastutor)."""
    if class_name == "Lambda" and "function_type" in config:
        raise ValueError(
            f"{where}: its Lambda layer '{config.get('name')}' keeps its function as marshalled "
            "Python bytecode, which kerastutor never loads (it could run any code). Rebuild "
            "that model in code, or write the Lambda as a layer class of your own and pass it "
            "in custom_objects."
        )
    if class_name == "BatchNormalization" and isinstance(config.get("axis"), list):
        if len(config["axis"]) == 1:  # Keras 2 kept the axis as a list of one
            config = {**config, "axis": config["axis"][0]}
    if class_name == "LeakyReLU" and "alpha" in config:  # Keras 3 renamed it
        config = {**config, "negative_slope": config["alpha"]}
        del config["alpha"]
    if class_name == "SeparableConv2D":
        # Keras 2's separable convolution inherits kernel_* arguments it never uses
        # (its kernels are the depthwise and pointwise ones).
        unused = ("kernel_initializer", "kernel_regularizer", "kernel_constraint")
        config = {key: value for key, value in config.items() if key not in unused}
    return config


def _counts_its_own_node(entry):
    """Keras 2: a nested model made from an Input has a node 0 of its own construction."""
    if entry.get("class_name") in ("Functional", "Model"):
        return True
    layers = entry["config"].get("layers")
    return (
        entry.get("class_name") == "Sequential"
        and isinstance(layers, list)
        and bool(layers)
        and isinstance(layers[0], dict)
        and layers[0].get("class_name") == "InputLayer"
    )


def _shift_refs(refs, offsets):
    if _is_ref(refs):
        name, node_index, tensor_index = refs[:3]
        return [name, node_index - offsets.get(name, 0), tensor_index]
    if isinstance(refs, list):
        return [_shift_refs(ref, offsets) for ref in refs]
    return refs


def _is_ref(value):
    return (
        isinstance(value, list)
        and len(value) >= 3
        and isinstance(value[0], str)
        and all(isinstance(i, int) and not isinstance(i, bool) for i in value[1:3])
    )


def _node_from_keras_2(node, layer, offsets, where):
    """`[[layer, node, tensor, kwargs], ...]` -> kerastutor's `{'args', 'kwargs'}`."""
    if isinstance(node, dict):  # already Keras 3's form
        return node
    if not (isinstance(node, list) and node and all(_is_ref(ref) for ref in node)):
        raise ValueError(
            f"{where}: a call of layer '{layer.get('name')}' is malformed: {str(node)[:80]!r}. "
            "Keras 2 writes each call as a list of [layer, node, tensor, kwargs]."
        )
    tensors = [{"keras_tensor": _shift_refs(list(ref[:3]), offsets)} for ref in node]
    kwargs = node[0][3] if len(node[0]) > 3 and isinstance(node[0][3], dict) else {}
    kwargs = {key: value for key, value in kwargs.items() if key not in ("training", "mask")}
    if layer.get("class_name") in _RECURRENT and len(tensors) > 1:
        # Keras 2 listed an RNN's initial states after its input.
        return {"args": [tensors[0]], "kwargs": {**kwargs, "initial_state": tensors[1:]}}
    return {"args": [tensors[0] if len(tensors) == 1 else tensors], "kwargs": kwargs}


# ---------------------------------------------------------------- compile arguments


def _compile_config(training, where):
    """Keras 2's `training_config` as the `compile_config` kerastutor's loader takes."""
    if not isinstance(training, dict):
        raise ValueError(f"{where}: its training_config is not a JSON object.")
    optimizer = training.get("optimizer_config")
    if isinstance(optimizer, dict):
        config = dict(optimizer.get("config") or {})
        for key in _PERFORMANCE_ONLY:
            config.pop(key, None)
        if not config.get("use_ema"):
            for key in _EMA_SETTINGS:
                config.pop(key, None)
        class_name = str(optimizer.get("class_name", "")).removeprefix("Custom>")
        optimizer = {"class_name": class_name, "config": config}
    return {
        "optimizer": optimizer,
        "loss": training.get("loss"),
        "loss_weights": training.get("loss_weights"),
        "metrics": _metrics(training.get("metrics")),
    }


def _metrics(metrics):
    """Keras 2 keeps one list per output, its built-in metrics wrapped (`MeanMetricWrapper`)."""
    if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list):
        metrics = metrics[0]
    if isinstance(metrics, list):
        return [_metric(metric) for metric in metrics]
    return metrics


def _metric(metric):
    if isinstance(metric, dict) and metric.get("class_name") == "MeanMetricWrapper":
        return (metric.get("config") or {}).get("name")
    return metric


# ---------------------------------------------------------------- weights


def read_weights(h5file, model, where):
    """`[(variable, array)]` for every weight of `model`, from a Keras 2 weights group.

    `h5file` is the file of `save_weights("w.h5")`, or the `model_weights`
    group of a full-model file. As Keras 2's `load_weights`, the layers that
    have weights are matched in order (their names may differ: `dense_6` in
    this session was `dense` in the one that saved), then each layer's
    weights, trainable first, in the order the file lists them.
    """
    group = h5file["model_weights"] if "model_weights" in h5file else h5file
    saved = []
    for name in _name_list(group, "layer_names", where):
        layer_group = group.get(name)
        weight_names = _name_list(layer_group, "weight_names", where) if layer_group else []
        if weight_names:
            saved.append((name, layer_group, weight_names))
    layers = [layer for layer in model.layers if layer.weights]
    if len(saved) != len(layers):
        raise ValueError(
            f"{where}: the file has weights for {len(saved)} layers "
            f"({', '.join(name for name, _, _ in saved)}), the model has {len(layers)} layers "
            f"with weights ({', '.join(layer.name for layer in layers)}). It belongs to another "
            "architecture."
        )
    found = []
    for layer, (name, layer_group, weight_names) in zip(layers, saved, strict=True):
        variables = layer.trainable_weights + layer.non_trainable_weights
        if len(weight_names) != len(variables):
            raise ValueError(
                f"{where}: layer '{layer.name}' has {len(variables)} weights, but the file's "
                f"layer '{name}' has {len(weight_names)} ({', '.join(weight_names)}). The file "
                "belongs to a different architecture."
            )
        for variable, weight_name in zip(variables, weight_names, strict=True):
            array = limits.read_dataset(
                layer_group.get(weight_name),
                f"{name}/{weight_name}",
                where,
                variable.shape,
                f"weight '{variable.name}' of layer '{layer.name}'",
            )
            found.append((variable, array))
    return found


def read_optimizer(h5file, model, where):
    """`(iterations, [(weight index, slot, array)])` from `optimizer_weights`, or None.

    tf_keras names each slot `<Optimizer>/<slot>/<variable path>:0` (Keras 2
    before 2.11: `<Optimizer>/<variable path>/<slot>:0`); the slots of one
    kind follow the trainable weights' order, which kerastutor shares.
    A file whose slots do not fit gives a warning (the weights still load).
    """
    group = h5file.get("optimizer_weights")
    if group is None:
        return None
    names = _name_list(group, "weight_names", where)
    iterations, by_kind = None, {}
    for name in names:
        parts = name.removesuffix(":0").split("/")
        if parts[-1] in ("iteration", "iter"):
            iterations = limits.read_dataset(group.get(name), name, where, ())
        elif len(parts) > 2 and parts[1] in _SLOT_NAMES:  # `Adam/m/dense/kernel:0`
            by_kind.setdefault(_SLOT_NAMES[parts[1]], []).append(name)
        elif len(parts) > 2 and parts[-1] in _SLOT_NAMES:  # before 2.11: `Adam/dense/kernel/m:0`
            by_kind.setdefault(_SLOT_NAMES[parts[-1]], []).append(name)
    try:
        matched = _match_slots(model, by_kind, where)
    except ValueError as error:
        # Another optimizer or setting (as in Keras): the weights load, the optimizer starts anew.
        warnings.warn(f"The optimizer state was not loaded: {error}", stacklevel=4)
        return None
    slots = []
    for index, kind, variable, name in matched:
        owner = f"optimizer slot '{kind}' of weight '{variable.name}'"
        array = limits.read_dataset(group.get(name), name, where, variable.shape, owner)
        slots.append((index, kind, array))
    return int(iterations) if iterations is not None else 0, slots


def _match_slots(model, by_kind, where):
    """`[(weight index, slot, variable, dataset name)]`: the file's slots for the model's."""
    optimizer = model.optimizer
    weights = model.weights
    position = {id(variable): index for index, variable in enumerate(weights)}
    trainable = model.trainable_weights
    expected = sorted(optimizer.build_slots(trainable[0])) if trainable else []
    if sorted(by_kind) != expected or any(len(by_kind[k]) != len(trainable) for k in expected):
        counts = {kind: len(names) for kind, names in by_kind.items()}
        raise ValueError(
            f"{where}: the file's optimizer keeps {counts or 'no slots'}, but "
            f"{type(optimizer).__name__} keeps {expected or 'none'} for each of this model's "
            f"{len(trainable)} trainable weights."
        )
    return [
        (position[id(variable)], kind, variable, name)
        for kind in expected
        for variable, name in zip(trainable, by_kind[kind], strict=True)
    ]


# ---------------------------------------------------------------- attributes


def _text_attribute(h5file, name, where):
    value = limits.read_attribute(h5file, name, where)
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        raise ValueError(f"{where}: its '{name}' attribute is not text (JSON).")
    return value


def _name_list(group, name, where):
    """A list of names; Keras 2 splits long ones into `name0`, `name1`, ..."""
    if name in group.attrs:
        values = list(limits.read_attribute(group, name, where, listed=True))
    else:
        values, chunk = [], 0
        while f"{name}{chunk}" in group.attrs:
            values += list(limits.read_attribute(group, f"{name}{chunk}", where, listed=True))
            chunk += 1
        if chunk == 0:
            raise ValueError(f"{where}: the group '{group.name}' lacks its '{name}' attribute.")
    texts = []
    for value in values:
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if not isinstance(value, str):
            raise ValueError(f"{where}: '{group.name}' lists {name} that are not text.")
        texts.append(value)
    return texts
