"""A graph of layer calls from input tensors to output tensors.

`Model(inputs, outputs)` walks back from the outputs through each tensor's
history `(layer, node_index, tensor_index)` until it reaches the inputs. The
nodes it meets, in dependency order, are the model: running the model on data
runs those nodes, each layer call on the arrays its inputs became.

A model is itself a Layer: calling it on new symbolic tensors adds a node to
the model, which is how models nest.
"""

import inspect

import numpy as np

from kerastutor.autodiff import data_of
from kerastutor.engine import summary as summary_lib
from kerastutor.engine.base_layer import Layer, eager_call, get_layer_class, mask_per_output
from kerastutor.engine.input_layer import InputLayer
from kerastutor.engine.input_spec import InputSpec, check_input_spec
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.tree import flatten, map_structure

__all__ = ["Functional"]


class Functional(Layer):
    """A model defined by its input and output tensors.

    Args:
        inputs: a KerasTensor from `Input`, or a list of them.
        outputs: a KerasTensor produced from the inputs, or a list of them.
        name: the model's name ('model', 'model_1', ...).
        trainable: False freezes every layer in the model.
    """

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        if inputs is None or outputs is None:
            raise TypeError(
                f"{type(self).__name__} needs `inputs` and `outputs`, e.g. "
                "Model(inputs=[tweet_a, tweet_b], outputs=predictions)."
            )
        self._init_graph(inputs, outputs)

    # ------------------------------------------------------------ the graph

    def _init_graph(self, inputs, outputs):
        self._nested_inputs = inputs
        self._nested_outputs = outputs
        self.inputs = list(flatten(inputs))
        self.outputs = list(flatten(outputs))
        for role, tensors in (("input", self.inputs), ("output", self.outputs)):
            for tensor in tensors:
                if not isinstance(tensor, KerasTensor):
                    raise TypeError(
                        f"Model {role}s must be symbolic tensors (from `Input` or a layer "
                        f"call), received {type(tensor).__name__}: {tensor!r}."
                    )
        for tensor in self.inputs:
            layer = tensor._keras_history.layer
            if not isinstance(layer, InputLayer):
                raise ValueError(
                    f"Model inputs must come from `Input(...)`. {tensor!r} was produced by "
                    f"layer '{layer.name}' instead."
                )
        self._input_layers = [t._keras_history.layer for t in self.inputs]
        self._output_layers = [t._keras_history.layer for t in self.outputs]
        self._nodes, self._layers, self._nodes_by_depth = _map_graph(self.inputs, self.outputs)
        _check_unique_names(self._layers)
        self._node_ids = {id(node) for node in self._nodes}
        self.input_spec = [
            InputSpec(
                ndim=len(t.shape),
                axes={i: d for i, d in enumerate(t.shape) if d is not None and i > 0},
            )
            for t in self.inputs
        ]
        self.built = True

    @property
    def layers(self):
        """The layers of the model, inputs first, in the order data reaches them."""
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """A layer by name or by position in `model.layers`.

        Raises:
            ValueError: for an unknown name (listing the names) or an index
                out of range.
        """
        if index is not None and name is not None:
            raise ValueError("Provide only a layer name or a layer index, not both.")
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model "
                    f"'{self.name}' only has {len(self.layers)} layers."
                )
            return self.layers[index]
        if name is None:
            raise ValueError("Provide either a layer name or a layer index.")
        for layer in self.layers:
            if layer.name == name:
                return layer
        names = ", ".join(repr(layer.name) for layer in self.layers)
        raise ValueError(f"No such layer: {name!r}. Existing layers are: [{names}].")

    def _is_relevant(self, node):
        """Whether `node` is part of this model's graph (a shared layer may have others)."""
        return id(node) in self._node_ids

    # ------------------------------------------------------------ weights

    def _unique(self, variables):
        seen, unique = set(), []
        for variable in variables:
            if id(variable) not in seen:
                seen.add(id(variable))
                unique.append(variable)
        return unique

    @property
    def weights(self):
        return self._unique(w for layer in self.layers for w in layer.weights)

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return self._unique(w for layer in self.layers for w in layer.trainable_weights)

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return self.weights
        return self._unique(w for layer in self.layers for w in layer.non_trainable_weights)

    def _nested_layers(self):
        """The model's layers and the layers inside them: whose penalties `losses` lists."""
        return [nested for layer in self.layers for nested in [layer, *layer._nested_layers()]]

    @Layer.trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in self.layers:
            layer.trainable = value

    # ------------------------------------------------------------ running

    def call(self, inputs, training=None, mask=None):
        outputs, _ = self._run_graph(inputs, training=training, mask=mask)
        return outputs

    def _run_graph(self, inputs, training=None, mask=None):
        """Run every node on data; return the outputs and the mask of each output.

        Training needs the output masks too: a padded timestep must not count
        in the loss (see `kerastutor.losses`).
        """
        with eager_call(self):
            return self._run_nodes(inputs, training, mask)

    def _run_nodes(self, inputs, training, mask):
        arrays = flatten(inputs)
        values = {id(t): x for t, x in zip(self.inputs, arrays)}
        masks = dict.fromkeys(values)
        if mask is not None:
            for tensor, tensor_mask in zip(self.inputs, flatten(mask)):
                masks[id(tensor)] = tensor_mask

        def lookup(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x

        for node in self._nodes:
            layer = node.layer
            if isinstance(layer, InputLayer):
                continue
            args = map_structure(lookup, node.call_args)
            kwargs = map_structure(lookup, node.call_kwargs)
            input_masks = [masks.get(id(t)) for t in flatten(node.call_args)]
            node_mask = layer._mask_argument(node.call_args, input_masks)
            # As in Keras 3, `mask=` is filled in only for a call with one tensor
            # argument: with more (an LSTM's `initial_state`) the layer computes
            # unmasked, though its first input's mask still reaches its outputs.
            if node_mask is not None and "mask" not in kwargs and not _has_tensor_kwargs(node):
                kwargs["mask"] = node_mask
            if training is not None:
                kwargs["training"] = training
            outputs = layer._call_eager(args, (), kwargs)
            output_list = flatten(outputs)
            output_masks = mask_per_output(
                layer.compute_mask(args, kwargs.get("mask", node_mask)), len(output_list)
            )
            for tensor, value, value_mask in zip(node.output_tensors, output_list, output_masks):
                values[id(tensor)] = value
                masks[id(tensor)] = value_mask
        outputs = map_structure(lambda t: values[id(t)], self._nested_outputs)
        return outputs, [masks[id(t)] for t in self.outputs]

    def _call_eager(self, inputs, args, kwargs):
        inputs = self._standardize_inputs(inputs)
        return self._call_with_options(inputs, *args, **kwargs)

    def _standardize_inputs(self, inputs):
        """Arrays in the order of `self.inputs`, checked against the Input shapes."""
        if isinstance(inputs, dict):
            arrays = [inputs[layer.name] for layer in self._input_layers]
        elif isinstance(inputs, (list, tuple)):
            arrays = list(inputs)
        else:
            arrays = [inputs]
        if len(arrays) != len(self.inputs):
            names = ", ".join(layer.name for layer in self._input_layers)
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} input(s) ({names}), "
                f"but received {len(arrays)}. Pass a list with one array per input, in that order."
            )
        arrays = [layer._to_array(x) for layer, x in zip(self._input_layers, arrays)]
        check_input_spec(self, self.input_spec, [tuple(np.shape(data_of(x))) for x in arrays], None)
        return arrays

    def _axis_explanation(self, axis, size):
        shapes = ", ".join(f"'{t._keras_history.layer.name}' {t.shape}" for t in self.inputs)
        return f"The model's inputs were declared as {shapes}."

    def _rank_explanation(self, ndim):
        return self._axis_explanation(None, None)

    def compute_output_shape(self, input_shape):
        shapes = {id(t): s for t, s in zip(self.inputs, _shape_list(input_shape))}
        for node in self._nodes:
            if isinstance(node.layer, InputLayer):
                continue
            node_shape = (
                map_structure(lambda t: shapes[id(t)], node.call_args)
                if isinstance(node.call_args, (list, tuple))
                else shapes[id(node.call_args)]
            )
            out = node.layer.compute_output_shape(node_shape)
            for tensor, shape in zip(node.output_tensors, _shape_list(out)):
                shapes[id(tensor)] = shape
        out_shapes = [shapes[id(t)] for t in self.outputs]
        return out_shapes[0] if isinstance(self._nested_outputs, KerasTensor) else out_shapes

    def compute_mask(self, inputs, mask=None):
        return None

    def predict(self, x, batch_size=32, verbose=0):
        """Run the model on `x` in batches and return NumPy arrays.

        Args:
            x: an array, or a list of arrays (one per model input).
            batch_size: how many samples go through at a time.
            verbose: 0 prints nothing; 1 prints one line when done.
        """
        arrays = self._standardize_inputs(x)
        _check_same_length(self, arrays)
        _check_finite(self, arrays)
        count = len(arrays[0])
        if batch_size is None:
            batch_size = 32  # Keras's default when None is passed
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"`batch_size` must be a positive integer, received {batch_size!r}.")
        pieces = []
        for start in range(0, count, batch_size):
            batch = [a[start : start + batch_size] for a in arrays]
            pieces.append(flatten(self.call(batch if len(batch) > 1 else batch[0])))
        outputs = [np.concatenate([p[i] for p in pieces]) for i in range(len(self.outputs))]
        if verbose:
            print(f"predict: {count} samples in {len(pieces)} batch(es) of up to {batch_size}")
        if isinstance(self._nested_outputs, KerasTensor):
            return outputs[0]
        return outputs

    # ------------------------------------------------------------ describing

    @property
    def input(self):
        """The model's input tensor(s), as given to the constructor."""
        return self._nested_inputs

    @property
    def output(self):
        """The model's output tensor(s), as given to the constructor."""
        return self._nested_outputs

    @property
    def input_shape(self):
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def count_params(self):
        return int(sum(w.data.size for w in self.weights))

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Print Keras's layer table; shared layers get one row per node."""
        summary_lib.print_summary(self, line_length, positions, print_fn)

    def get_config(self):
        layer_configs = []
        for layer in self.layers:
            node_configs = []
            for node in self._relevant_nodes(layer):
                node_configs.append(self._node_config(node))
            layer_configs.append(
                {
                    "name": layer.name,
                    "class_name": type(layer).__name__,
                    "config": layer.get_config(),
                    "inbound_nodes": node_configs,
                }
            )
        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": layer_configs,
            "input_layers": [self._tensor_ref(t) for t in self.inputs],
            "output_layers": [self._tensor_ref(t) for t in self.outputs],
        }

    def _relevant_nodes(self, layer):
        return [node for node in layer._inbound_nodes if self._is_relevant(node)]

    def _tensor_ref(self, tensor):
        layer, node_index, tensor_index = tensor._keras_history
        relevant = self._relevant_nodes(layer)
        node = layer._inbound_nodes[node_index]
        return [layer.name, relevant.index(node), tensor_index]

    def _node_config(self, node):
        if isinstance(node.layer, InputLayer):
            return None

        def encode(x):
            if isinstance(x, KerasTensor):
                return {"keras_tensor": self._tensor_ref(x)}
            return x

        return {
            "args": map_structure(encode, node.call_args),
            "kwargs": map_structure(encode, node.call_kwargs),
        }

    @classmethod
    def from_config(cls, model_config, custom_objects=None):
        """Rebuild layers and replay their calls in the recorded order."""
        created = {}
        tensors = {}
        pending = []
        for layer_config in model_config["layers"]:
            layer_class = get_layer_class(layer_config["class_name"], custom_objects)
            if hasattr(layer_class, "_init_graph") or _takes_custom_objects(layer_class):
                layer = layer_class.from_config(layer_config["config"], custom_objects)
            else:
                layer = layer_class.from_config(layer_config["config"])
            created[layer.name] = layer
            if isinstance(layer, InputLayer):
                tensors[(layer.name, 0, 0)] = layer._inbound_nodes[0].output_tensors[0]
            for node_config in layer_config["inbound_nodes"]:
                if node_config is not None:
                    pending.append((layer, node_config))

        def decode(x):
            return tensors[tuple(x["keras_tensor"])]

        while pending:
            progressed = False
            waiting_layers = set()
            for item in list(pending):
                layer, node_config = item
                # A shared layer's calls are replayed in their original order,
                # so that node indices come out the same.
                if id(layer) in waiting_layers:
                    continue
                refs = _tensor_refs([node_config["args"], node_config["kwargs"]])
                if not all(ref in tensors for ref in refs):
                    waiting_layers.add(id(layer))
                    continue
                node_index = len(layer._inbound_nodes)
                outputs = layer(
                    _decode_structure(decode, node_config["args"]),
                    **_decode_structure(decode, node_config["kwargs"]),
                )
                for i, out in enumerate(flatten(outputs)):
                    tensors[(layer.name, node_index, i)] = out
                pending.remove(item)
                progressed = True
            if not progressed:
                names = ", ".join(layer.name for layer, _ in pending)
                raise ValueError(
                    f"The model config cannot be replayed: the inputs of {names} never become "
                    "available. The config is corrupt or was edited by hand."
                )
        inputs = [tensors[tuple(ref)] for ref in model_config["input_layers"]]
        outputs = [tensors[tuple(ref)] for ref in model_config["output_layers"]]
        return cls(
            inputs=inputs[0] if len(inputs) == 1 else inputs,
            outputs=outputs[0] if len(outputs) == 1 else outputs,
            name=model_config["name"],
            trainable=model_config.get("trainable", True),
        )


def _tensor_refs(structure):
    """Every `{"keras_tensor": [layer, node, tensor]}` reference in a node config."""
    if isinstance(structure, dict):
        if set(structure) == {"keras_tensor"}:
            return [tuple(structure["keras_tensor"])]
        return [ref for value in structure.values() for ref in _tensor_refs(value)]
    if isinstance(structure, (list, tuple)):
        return [ref for item in structure for ref in _tensor_refs(item)]
    return []


def _decode_structure(decode, structure):
    if isinstance(structure, dict) and set(structure) == {"keras_tensor"}:
        return decode(structure)
    if isinstance(structure, list):
        return [_decode_structure(decode, x) for x in structure]
    if isinstance(structure, tuple):
        return tuple(_decode_structure(decode, x) for x in structure)
    if isinstance(structure, dict):
        return {k: _decode_structure(decode, v) for k, v in structure.items()}
    return structure


def _check_unique_names(layers):
    """`get_layer` and `from_config` find layers by name, so names must not repeat."""
    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(
                f'The name "{name}" is used {names.count(name)} times in the model. All layer '
                "names should be unique: `get_layer` and `from_config` find layers by name."
            )


def _takes_custom_objects(layer_class):
    """Whether `from_config` takes custom_objects (Lambda does, to find its function)."""
    return "custom_objects" in inspect.signature(layer_class.from_config).parameters


def _has_tensor_kwargs(node):
    """Whether a call passed symbolic tensors by keyword (e.g. `initial_state=[h, c]`)."""
    return any(isinstance(x, KerasTensor) for x in flatten(node.call_kwargs))


def _shape_list(shape_or_shapes):
    if isinstance(shape_or_shapes, tuple) and all(
        d is None or isinstance(d, int) for d in shape_or_shapes
    ):
        return [shape_or_shapes]
    return list(shape_or_shapes)


def _check_same_length(model, arrays):
    lengths = {layer.name: len(data_of(a)) for layer, a in zip(model._input_layers, arrays)}
    if len(set(lengths.values())) > 1:
        raise ValueError(
            f"Model '{model.name}': all inputs must have the same number of samples, "
            f"received {lengths}."
        )


def _check_finite(model, arrays):
    for layer, array in zip(model._input_layers, arrays):
        array = data_of(array)
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            position = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
            raise ValueError(
                f"Model '{model.name}': input '{layer.name}' contains NaN or infinity, first at "
                f"index {position} (value {array[position]}). Clean or impute the data first; "
                "a NaN would silently turn every output it touches into NaN."
            )


def _map_graph(inputs, outputs):
    """Nodes in execution order, layers in Keras's order, and nodes by depth.

    Depth counts steps back from the outputs: output nodes have depth 0.
    Layers are listed from the deepest (the inputs) to depth 0, ties broken by
    the order in which the walk from the outputs first met them, as Keras does.
    """
    execution_order = []
    finished, in_progress = set(), set()
    layer_order = {}

    def visit(node):
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError(f"The graph has a cycle through layer '{node.layer.name}'.")
        layer_order.setdefault(node.layer, len(layer_order))
        in_progress.add(id(node))
        for parent in node.parent_nodes:
            visit(parent)
        in_progress.discard(id(node))
        finished.add(id(node))
        execution_order.append(node)

    for tensor in outputs:
        if tensor._keras_history is None:
            raise ValueError(f"Output {tensor!r} was not produced by a layer.")
        visit(tensor.node)

    input_ids = {id(t) for t in inputs}
    for node in execution_order:
        if isinstance(node.layer, InputLayer) and id(node.output_tensors[0]) not in input_ids:
            raise ValueError(
                f"Graph disconnected: the outputs depend on input '{node.layer.name}', which is "
                "not among the model's inputs. Add it to `inputs=`."
            )

    node_depth, layer_depth = {}, {}
    for node in reversed(execution_order):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(node.layer, 0))
        node_depth[id(node)] = depth
        layer_depth[node.layer] = depth
        for parent in node.parent_nodes:
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))

    layers = sorted(layer_order, key=lambda layer: (-layer_depth[layer], layer_order[layer]))
    nodes_by_depth = {}
    for node in execution_order:
        nodes_by_depth.setdefault(node_depth[id(node)], []).append(node)
    return execution_order, layers, nodes_by_depth
