"""Keras 3's weight layout: where each weight lives in `model.weights.h5`.

Keras does not store weights by their names (names like 'dense_7' change
from run to run) but by the model's structure. Each layer gets a group named
after its class, made unique in its model (`layers/dense`, `layers/dense_1`,
... in the order of `model.layers`), and its own weights are datasets `0`,
`1`, ... in a `vars` group, trainable ones first::

    vars                         (the model itself: no weights)
    layers/dense/vars/0          kernel (3, 2)
    layers/dense/vars/1          bias (2,)
    layers/lstm/cell/vars/0      kernel (Keras keeps an LSTM's weights in its cell)
    layers/functional/layers/dense/vars/0   (a nested model)
    optimizer/vars/0, 1, ...     iterations, learning rate, then each slot

The group names come from the model's Keras config (`keras_format`), so the
same function serves writing and reading. h5py is imported only when a file
is actually read or written.
"""

import numpy as np

from kerastutor.optimizers.saved_state import describe_variable
from kerastutor.saving import keras_ops, limits
from kerastutor.saving.keras_format import is_subclassed, snake_case

__all__ = [
    "weight_layout",
    "write_weights",
    "read_weights",
    "optimizer_arrays",
    "read_optimizer",
    "set_optimizer",
]

# Keras 3 keeps these layers' weights in a cell sublayer, `<layer>/cell`.
_WEIGHTS_IN_CELL = {"LSTM": "lstm_cell", "GRU": "gru_cell", "SimpleRNN": "simple_rnn_cell"}


def h5py():
    """The h5py module, imported on first use (so `import kerastutor` stays light)."""
    import h5py as module

    return module


def weight_layout(model, keras_config):
    """`[(group path, layer name, [variables])]` in Keras 3's order for `model`.

    Args:
        model: the kerastutor model whose variables fill the groups.
        keras_config: the model's Keras 3 config (`keras_format.to_keras(model)["config"]`,
            or a file's), which fixes the order of the layers.
    """
    layout = []
    if is_subclassed(model):  # its layers are found as its attributes, as a custom layer's
        _add_layer(model, type(model).__name__, "", {id(model)}, layout)
    else:
        _add_model(model, keras_config, "", set(), layout)
    return layout


def _join(path, name):
    return f"{path}/{name}" if path else name


def _add_model(model, config, path, seen, layout):
    layout.append((path, model.name, []))
    entries = config["layers"]
    if "input_layers" not in config:  # Sequential: `model.layers` has no InputLayer
        entries = [entry for entry in entries if entry["class_name"] != "InputLayer"]
    # An operation (`x + 1` in the graph) has no weights and no group in the file.
    entries = [entry for entry in entries if not keras_ops.is_keras_op(entry)]
    by_name = {layer.name: layer for layer in model.layers}
    used = {}
    for entry in entries:
        group = _join(_join(path, "layers"), _unique(snake_case(entry["class_name"]), used))
        name = entry.get("name") or entry["config"].get("name")
        if name not in by_name:
            raise ValueError(
                f"Model '{model.name}' has no layer '{name}' that the file's config lists: the "
                "file's config and its model disagree (edited or damaged)."
            )
        layer = by_name[name]
        if id(layer) in seen:  # a shared layer's weights are stored once, where first met
            continue
        seen.add(id(layer))
        if hasattr(layer, "_init_graph") and not is_subclassed(layer):
            _add_model(layer, entry["config"], group, seen, layout)
        else:
            _add_layer(layer, entry["class_name"], group, seen, layout)


def _unique(name, used):
    """'dense', then 'dense_1', 'dense_2', ... for the same class in one model."""
    count = used.get(name, -1) + 1
    used[name] = count
    return name if count == 0 else f"{name}_{count}"


def _add_layer(layer, class_name, path, seen, layout):
    own = [v for v in layer._variables if v.trainable]
    own += [v for v in layer._variables if not v.trainable]
    if class_name in _WEIGHTS_IN_CELL:
        layout.append((path, layer.name, []))
        layout.append((_join(path, "cell"), _WEIGHTS_IN_CELL[class_name], own))
    else:
        layout.append((path, layer.name, own))
    # Layers kept as attributes of a custom layer or subclassed model: Keras
    # visits them by attribute name, public names before private ones, and a
    # list of layers as `<attribute>/<class>`, `<attribute>/<class>_1`, ...
    attributes = sorted(vars(layer).items(), key=lambda item: (item[0].startswith("_"), item[0]))
    for attribute, value in attributes:
        if attribute.startswith("_"):
            continue  # kerastutor's own bookkeeping (`_operations`, `_input_layers`, ...)
        if isinstance(value, dict):  # a dict of layers is saved as the list of its values
            value = list(value.values())
        if _is_layer(value):
            _add_attribute_layer(value, _join(path, attribute), seen, layout)
        elif isinstance(value, (list, tuple)) and value and all(map(_is_layer, value)):
            used = {}
            for item in value:
                name = _unique(snake_case(type(item).__name__), used)
                _add_attribute_layer(item, _join(_join(path, attribute), name), seen, layout)


def _add_attribute_layer(layer, path, seen, layout):
    if id(layer) in seen:
        return
    seen.add(id(layer))
    _add_layer(layer, type(layer).__name__, path, seen, layout)


def _is_layer(value):
    return hasattr(value, "_variables") and hasattr(value, "_inbound_nodes")


def _vars_path(path):
    return _join(path, "vars")


# ---------------------------------------------------------------- writing


def write_weights(h5file, layout, optimizer_state=None):
    """Write every group of `layout` (and the optimizer's variables) into an open h5 file."""
    for path, name, variables in layout:
        group = h5file.create_group(_vars_path(path))
        group.attrs["name"] = name
        for index, variable in enumerate(variables):
            group.create_dataset(str(index), data=np.asarray(variable.data))
    if optimizer_state is not None:
        name, arrays = optimizer_state
        group = h5file.create_group("optimizer/vars")
        group.attrs["name"] = name
        for index, array in enumerate(arrays):
            group.create_dataset(str(index), data=array)


def optimizer_arrays(model):
    """Keras 3's `optimizer.variables`: iteration, learning rate (unless a schedule), the slots.

    The slots follow Keras's order of the trainable weights. Before the
    first training step kerastutor's optimizer has no slots yet, and neither
    has an unbuilt Keras optimizer.
    """
    optimizer = model.optimizer
    variables = optimizer.variables_in_order(_keras_trainable_order(model))
    return optimizer.name, [np.asarray(variable.data) for variable in variables]


def _keras_trainable_order(model):
    """The trainable weights in the order Keras 3's optimizer keeps their slots.

    For a subclassed model Keras tracks layers in the order `__init__`
    assigns them (`self.d1 = ...`, then `self.blocks = [...]`), not in the
    order `call` uses them.
    """
    if not is_subclassed(model):
        return model.trainable_weights
    ordered, known = [], set()
    for attribute, value in vars(model).items():
        layers = value if isinstance(value, (list, tuple)) else [value]
        if attribute.startswith("_"):
            continue
        for layer in filter(_is_layer, layers):
            for variable in layer.trainable_weights:
                if id(variable) not in known:
                    known.add(id(variable))
                    ordered.append(variable)
    rest = [v for v in model.trainable_weights if id(v) not in known]
    return ordered + rest


# ---------------------------------------------------------------- reading


def read_weights(h5file, layout, where):
    """`[(variable, array)]` for every weight of `layout`, all checked, nothing assigned.

    Raises:
        ValueError: when a group is missing, holds a different number of
            weights, a weight's shape differs, or the file holds weights the
            model has no place for.
    """
    found = []
    expected_groups = set()
    for path, name, variables in layout:
        vars_path = _vars_path(path)
        expected_groups.add(vars_path)
        group = h5file.get(vars_path)
        keys = sorted(group.keys()) if isinstance(group, h5py().Group) else []
        if keys != sorted(str(i) for i in range(len(variables))):
            listed = ", ".join(f"{v.name.split('/')[-1]} {v.shape}" for v in variables) or "none"
            raise ValueError(
                f"{where}: layer '{name}' has {len(variables)} weights ({listed}), but the file "
                f"has {len(keys)} at '{vars_path}'. The file belongs to a different "
                "architecture, or was edited or damaged."
            )
        for index, variable in enumerate(variables):
            owner = f"weight '{variable.name}' of layer '{name}'"
            array = limits.read_dataset(
                group[str(index)], f"{vars_path}/{index}", where, variable.shape, owner
            )
            found.append((variable, array))
    extra = []
    h5file.visititems(
        lambda key, item: (
            extra.append(key)
            if isinstance(item, h5py().Dataset)
            and key.rsplit("/", 1)[0] not in expected_groups
            and not key.startswith("optimizer/")
            else None
        )
    )
    if extra:
        raise ValueError(
            f"{where}: the file has weights the model has no place for ({', '.join(extra[:4])}): "
            "it belongs to a different architecture, with more layers."
        )
    return found


def read_optimizer(h5file, model, where):
    """The file's optimizer variables, checked against the model's optimizer; None if absent."""
    group = h5file.get("optimizer/vars")
    if group is None or len(group) == 0:
        return None
    # The optimizer says what it keeps; each dataset's declared shape is checked before reading.
    expected = model.optimizer.expected_variables(_keras_trainable_order(model), len(group), where)
    return [
        limits.read_dataset(
            group.get(str(i)),
            f"optimizer/vars/{i}",
            where,
            variable.shape,
            describe_variable(variable),
        )
        for i, variable in enumerate(expected)
    ]


def set_optimizer(model, state):
    """Load `read_optimizer`'s arrays, or legacy_h5's `(iterations, named slots)`."""
    if isinstance(state, tuple):
        iterations, slots = state
        model.optimizer.set_state(model.weights, iterations, slots)
    else:
        model.optimizer.set_variable_arrays(_keras_trainable_order(model), state)
