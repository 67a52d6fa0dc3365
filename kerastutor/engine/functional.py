"""A graph of layer calls from input tensors to output tensors.

`Model(inputs, outputs)` walks back from the outputs through each tensor's
history `(layer, node_index, tensor_index)` until it reaches the inputs. The
nodes it meets, in dependency order, are the model: running the model on data
runs those nodes, each layer call on the arrays its inputs became.

A model is itself a Layer: calling it on new symbolic tensors adds a node to
the model, which is how models nest.

A subclass with its own `call` (`class MLP(keras.Model)`) is no graph: see
the "subclassed models" section below. It runs `call` as written, and its
layers and weights are the ones it holds as attributes, as in Keras 3.
"""

import contextlib
import warnings

import numpy as np

from kerastutor.autodiff import data_of
from kerastutor.engine import summary as summary_lib
from kerastutor.engine.base_layer import (
    Layer,
    _is_single_shape,
    eager_call,
    get_layer_class,
    map_shapes,
    record_new_weights,
)
from kerastutor.engine.errors import LayerCallError
from kerastutor.engine.graph_walk import depth_first
from kerastutor.engine.input_layer import InputLayer
from kerastutor.engine.input_spec import InputSpec, check_input_spec
from kerastutor.engine.keras_mask import get_keras_mask, set_keras_mask
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.shape_trace import trace_shapes
from kerastutor.engine.tree import flatten, map_structure, pack_like
from kerastutor.engine.validation import first_non_finite, positive_int

__all__ = ["Functional"]


class Functional(Layer):
    """A model defined by its input and output tensors.

    Args:
        inputs: a KerasTensor from `Input`, or a list of them.
        outputs: a KerasTensor produced from the inputs, or a list of them.
        name: the model's name ('model', 'model_1', ...).
        trainable: False freezes every layer in the model.
    """

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        no_graph = inputs is None and outputs is None
        self._subclassed = no_graph and (self._has_own_call() or _written_by_learner(type(self)))
        if self._subclassed:
            # A subclassed model (`class MLP(keras.Model)` with its own `call`):
            # no graph; `call` runs as written, and its first call builds the layers.
            # One without `call` (a GAN that only trains through its own
            # `train_step`) is made too; calling it says what is missing.
            self.built = False
            self.inputs = self.outputs = None
            self._nested_inputs = self._nested_outputs = None
            return
        if inputs is None or outputs is None:
            raise TypeError(
                f"{type(self).__name__} needs `inputs` and `outputs`, e.g. "
                "Model(inputs=[tweet_a, tweet_b], outputs=predictions), or a subclass that "
                "defines `call(self, inputs)`."
            )
        self._init_graph(inputs, outputs)

    @classmethod
    def _has_own_call(cls):
        """A subclassed model's class: `class MLP(keras.Model)` with its own `call`."""
        return cls.call is not Functional.call

    def _is_subclassed(self):
        """This model was made without a graph: a subclass, with or without its own `call`."""
        return getattr(self, "_subclassed", type(self)._has_own_call())

    # ------------------------------------------------------------ subclassed models
    #
    # A subclassed model is no graph. As in Keras 3, its layers are the ones it
    # holds as attributes (in assignment order), its weights theirs, and each
    # call runs `call` itself on real arrays; the first call builds the layers
    # as `call` reaches them. What fit needs to know about its inputs and
    # outputs (how many, which shapes) is read from that first call.

    def build(self, input_shape):
        """Build a subclassed model for inputs of `input_shape` (batch axis included).

        `call` runs once on zeros of that shape (an unknown size is taken as 1),
        which builds every layer it uses, as the first call on data would;
        what that run assigns to weights (a running count) and adds as losses
        is undone, as Keras's symbolic build leaves no trace. (Keras 3's
        `model.build(shape)` on a subclass that defines no `build` only marks
        it built, with a warning, and builds nothing.)
        """
        if self.built or not self._is_subclassed():
            return
        if not self._has_own_call():
            # No `call` to run (a GAN trained by its own train_step): its layers
            # were built where they were made, or build in train_step.
            self.built = True
            return
        if type(self).build is not Functional.build:
            # `super().build(input_shape)` from a subclass's own build, as in
            # Keras: that build made the weights; this marks the model built
            # (and the run on zeros below only learns the outputs).
            self.built = True
        self._run_on_zeros(input_shape)

    def _run_on_zeros(self, input_shape):
        """Run `call` once on zeros of `input_shape`, then undo its assignments and losses."""
        zeros = map_shapes(
            lambda shape: np.zeros(tuple(1 if d is None else d for d in shape), self.dtype),
            input_shape,
        )
        unbuilt = [layer for layer in [self, *self._nested_layers()] if not layer.built]
        with self._leaving_no_trace():
            self._call_subclassed(zeros, (), {})
        for layer in unbuilt:  # summary() shows the shapes of the first real batch, as Keras
            layer._build_shape_is_provisional = True

    @contextlib.contextmanager
    def _leaving_no_trace(self):
        """Undo what `call` assigns to weights and adds as losses while running on zeros."""
        with record_new_weights() as created:
            before = [(v, v.data.copy()) for v in self.weights]
            yield
        for variable, value in before + created:
            variable.data = value
        self._clear_losses()  # penalties of the zeros are no penalties of this model

    def _maybe_build(self, input_shape):
        if self._is_subclassed() and type(self).build is Functional.build:
            return  # `_call_eager` builds it by running `call`
        super()._maybe_build(input_shape)

    def _call_subclassed(self, inputs, args, kwargs):
        """Run a subclassed model's own `call`; the first successful call builds it."""
        first_call = not self.built or self.outputs is None
        outputs = Layer._call_eager(self, inputs, args, kwargs)
        if first_call:  # (after a build of its own, the first call still shows the outputs)
            self._record_io(inputs, outputs)
            self._finish_build(map_structure(lambda x: tuple(np.shape(data_of(x))), inputs))
        return outputs

    def _record_io(self, inputs, outputs):
        """Symbolic tensors that describe the inputs and outputs of the first call."""

        def describe(x):
            array = np.asarray(data_of(x))
            shape = (None, *array.shape[1:]) if array.ndim else ()
            return KerasTensor(shape, dtype=array.dtype)

        self._nested_inputs = map_structure(describe, inputs)
        self._nested_outputs = map_structure(describe, outputs)
        self.inputs = flatten(self._nested_inputs)
        self.outputs = flatten(self._nested_outputs)

    def _unbuild(self):
        if self._is_subclassed():
            super()._unbuild()
            self.inputs = self.outputs = None
            self._nested_inputs = self._nested_outputs = None

    def _require_built(self, what):
        """Keras's error for an unbuilt subclassed model, and how to build it."""
        if not self.built:
            raise ValueError(
                f"You tried to call `{what}` on layer '{self.name}', but the layer isn't "
                "built. You can build it manually via: `layer.build(input_shape)`. "
                f"A subclassed model creates its weights when `call` first runs: call it "
                f"on a batch (`{self.name}(x)`) or fit it first."
            )

    # ------------------------------------------------------------ the graph

    def _init_graph(self, inputs, outputs):
        self._nested_inputs = inputs
        self._nested_outputs = outputs
        # Flattened as Keras 3 flattens: a dict in sorted key order.
        self.inputs = list(flatten(inputs))
        self.outputs = list(flatten(outputs))
        for role, tensors in (("input", self.inputs), ("output", self.outputs)):
            for tensor in tensors:
                if not isinstance(tensor, KerasTensor):
                    raise TypeError(
                        f"Model {role}s must be symbolic tensors (from `Input` or a layer "
                        f"call), received {type(tensor).__name__}: {tensor!r}."
                    )
                if tensor._keras_history is None:
                    raise ValueError(
                        f"Model {role} {tensor!r} was not produced by `Input` or a layer call."
                    )
        self._input_layers = [_input_layer_of(t) for t in self.inputs]
        self._output_layers = [t._keras_history.layer for t in self.outputs]
        self._nodes, operations, self._nodes_by_depth = _map_graph(self.inputs, self.outputs)
        # An Input that no output depends on is still part of the model (and of its config).
        unused = [layer for layer in self._input_layers if layer not in operations]
        self._operations = unused + operations
        _check_unique_names(self._operations)
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
    def operations(self):
        """Every layer and op node of the graph (`x + y` makes an 'add' op), in run order.

        A subclassed model has no graph: its layers are the ones it holds as
        attributes, in the order they were assigned (as Keras 3 lists them).
        """
        if self._is_subclassed():
            return self._sublayers()
        return list(self._operations)

    @property
    def nodes(self):
        """Every node of the graph, one per layer call (the Inputs' too), in the order they run.

        The public way to read the graph (widgets use it); a subclassed model,
        or a Sequential without an input yet, has none.
        """
        if self._is_subclassed():
            return []
        return list(getattr(self, "_nodes", []))

    def nodes_of(self, layer):
        """The nodes of this graph that are calls of `layer` (a layer or its name), in run order.

        A layer shared with another model has nodes there too; only this
        model's are listed.

        Raises:
            ValueError: for a layer that is not in this model.
        """
        if isinstance(layer, str):
            layer = self.get_layer(layer)
        if all(layer is not known for known in self.operations):
            names = ", ".join(f"'{known.name}'" for known in self.operations)
            raise ValueError(
                f"Layer '{getattr(layer, 'name', layer)}' is not part of model '{self.name}', "
                f"whose layers are: {names}."
            )
        return [node for node in self.nodes if node.layer is layer]

    @property
    def layers(self):
        """The layers of the model, inputs first, in the order data reaches them.

        As in Keras 3, the op nodes of `kerastutor.ops` calls (`x + y`,
        `ops.matmul`) are not layers; `operations` lists them too.
        """
        return [layer for layer in self.operations if not getattr(layer, "is_op", False)]

    @layers.setter
    def layers(self, _):
        raise AttributeError(
            "`Model.layers` attribute is reserved and should not be used. Please use another "
            "name. (A model lists its layers itself: keep your list under another name, "
            "e.g. `self.blocks = [...]`, and `model.layers` will show them.)"
        )

    @property
    def input_names(self):
        """The name of each input's InputLayer, in the order of `model.inputs`."""
        if self._is_subclassed():  # no InputLayer: the position in the data
            return [f"input_{i}" for i in range(len(self.inputs or []))]
        return [layer.name for layer in self._input_layers]

    @property
    def output_names(self):
        """Each output's name, as Keras 3 names them: the producing layer's name.

        A subclassed model's outputs come from no layer: 'output_0', 'output_1', ...
        """
        if self._is_subclassed():
            return [f"output_{i}" for i in range(len(self.outputs or []))]
        names = []
        for tensor in self.outputs:
            name = tensor._keras_history.layer.name
            if name in names:
                name = f"{name}_{tensor._keras_history.tensor_index}"
            names.append(name)
        return names

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
        for layer in self.operations:
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
        if self._is_subclassed():  # as a layer's: its layers in assignment order
            return Layer.weights.fget(self)
        return self._unique(w for layer in self.operations for w in layer.weights)

    @property
    def trainable_weights(self):
        if self._is_subclassed():
            return Layer.trainable_weights.fget(self)
        if not self.trainable:
            return []
        return self._unique(w for layer in self.operations for w in layer.trainable_weights)

    @property
    def non_trainable_weights(self):
        if self._is_subclassed():
            return Layer.non_trainable_weights.fget(self)
        if not self.trainable:
            return self.weights
        return self._unique(w for layer in self.operations for w in layer.non_trainable_weights)

    def _nested_layers(self):
        """The model's layers and the layers inside them, each once: whose penalties `losses` lists."""
        found = []
        for layer in self.layers:
            for inner in [layer, *layer._nested_layers()]:
                if all(inner is not known for known in found):
                    found.append(inner)
        return found

    @Layer.trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in self.layers:
            layer.trainable = value

    # ------------------------------------------------------------ running

    def call(self, inputs, training=None, mask=None):
        if self._is_subclassed():  # a subclass that did not write its own `call`
            raise NotImplementedError(
                f"Model {type(self).__name__} does not have a `call()` method implemented, so "
                "it cannot be called on data. A model that only trains through its own "
                "`train_step` (a GAN calling its generator and discriminator) needs none; to "
                "call it, define `call(self, inputs)`."
            )
        outputs, _ = self._run_graph(inputs, training=training, mask=mask)
        return outputs

    def _run_graph(self, inputs, training=None, mask=None):
        """Run every node on data; return the outputs and the mask of each output.

        Training needs the output masks too: a padded timestep must not count
        in the loss (see `kerastutor.losses`).
        """
        if self._is_subclassed():
            if self.built and self._nested_inputs is not None:
                inputs = pack_like(self._nested_inputs, flatten(inputs))
            elif isinstance(inputs, list) and len(inputs) == 1:
                inputs = inputs[0]
            kwargs = {} if training is None else {"training": training}
            outputs = self._call_subclassed(inputs, (), kwargs)
            return outputs, [get_keras_mask(x) for x in flatten(outputs)]
        with eager_call(self, training):
            return self._run_nodes(inputs, training, mask)

    def _run_nodes(self, inputs, training, mask):
        arrays = flatten(inputs)
        if mask is not None:  # the masks given travel with the inputs, as a layer's would
            arrays = [
                x if m is None else set_keras_mask(x, m) for x, m in zip(arrays, flatten(mask))
            ]
        values = {id(t): x for t, x in zip(self.inputs, arrays)}

        def lookup(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x

        for node in self._nodes:
            layer = node.layer
            if isinstance(layer, InputLayer) or id(node.output_tensors[0]) in values:
                continue
            args = map_structure(lookup, node.call_args)
            extra_args = map_structure(lookup, node.extra_args)  # `b` of `layer(a, b)`
            kwargs = map_structure(lookup, node.call_kwargs)
            # Each layer reads its inputs' masks and attaches its outputs' (see `keras_mask`).
            # `training=` given when the layer was called in the graph wins, as in Keras.
            if training is not None and "training" not in kwargs:
                kwargs["training"] = training
            refused = None
            try:
                outputs = layer._call_eager(args, extra_args, kwargs)
            except (ValueError, TypeError) as error:
                refused = error
            if refused is not None:  # the error names this node's layer, not the whole model
                shapes = [tuple(np.shape(data_of(x))) for x in flatten(args)]
                raise LayerCallError.from_error(refused, layer, node.index, shapes)
            for tensor, value in zip(node.output_tensors, flatten(outputs)):
                values[id(tensor)] = value
        outputs = map_structure(lambda t: values[id(t)], self._nested_outputs)
        return outputs, [get_keras_mask(values[id(t)]) for t in self.outputs]

    def _call_eager(self, inputs, args, kwargs):
        if self._is_subclassed():
            return self._call_subclassed(inputs, args, kwargs)
        if kwargs.get("mask") is None:  # inputs that carry masks (an Embedding's output) pass them
            masks = [get_keras_mask(x) for x in self._in_input_order(inputs, _is_one_array)]
            if any(m is not None for m in masks):
                kwargs = {**kwargs, "mask": masks}
        inputs = self._standardize_inputs(inputs)
        return self._call_with_options(inputs, *args, **kwargs)

    def _standardize_inputs(self, inputs):
        """Arrays in the order of `self.inputs`, checked against the Input shapes.

        Accepts the structure the model was built with (a dict by key for dict
        inputs), a list in `model.inputs` order, or a dict by input name. A
        subclassed model's `call` checks its own inputs: they are only made arrays.
        """
        if self._is_subclassed():
            return [self._to_array(x) for x in _leaves(inputs, _is_one_array)]
        arrays = self._in_input_order(inputs, _is_one_array)
        arrays = [
            _as_input_array(t, layer, x)
            for t, layer, x in zip(self.inputs, self._input_layers, arrays)
        ]
        specs = self.input_spec if isinstance(self.input_spec, list) else [self.input_spec]
        check_input_spec(self, specs, [tuple(np.shape(data_of(x))) for x in arrays], None)
        return arrays

    def _in_input_order(self, values, is_single):
        """`values` (one per input, in any structure Keras 3 accepts) as a list in input order."""
        if isinstance(values, dict) and isinstance(self._nested_inputs, dict):
            return _by_keys(self, self._nested_inputs, values, is_single)
        if isinstance(values, dict):
            names = self.input_names
            missing = [name for name in names if name not in values]
            if missing:
                raise ValueError(
                    f"Model '{self.name}' got a dict of inputs without {missing}: a dict must "
                    f"have one entry per input name ({names}); it has {sorted(values)}."
                )
            return [values[name] for name in names]
        if isinstance(self._nested_inputs, dict) and len(self.inputs) > 1:
            raise ValueError(
                f"Model '{self.name}' was built with a dict of inputs, so call it with a dict "
                f"with the keys {sorted(self._nested_inputs)}, received {type(values).__name__}."
            )
        found = _leaves(values, is_single)
        if len(found) != len(self.inputs):
            names = ", ".join(self.input_names)
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} input(s) ({names}), "
                f"but received {len(found)}. Pass a list with one array per input, in that order."
            )
        return found

    def _axis_explanation(self, axis, size):
        shapes = ", ".join(f"'{t._keras_history.layer.name}' {t.shape}" for t in self.inputs)
        return f"The model's inputs were declared as {shapes}."

    def _rank_explanation(self, ndim):
        return self._axis_explanation(None, None)

    def compute_output_shape(self, input_shape):
        if self._is_subclassed():  # called on symbolic tensors: run `call` on zeros
            self.build(input_shape)
            with self._leaving_no_trace():
                return self._trace_output_shape(input_shape)
        given = self._in_input_order(input_shape, _is_single_shape)
        shapes = {id(t): tuple(shape) for t, shape in zip(self.inputs, given)}
        for step in trace_shapes(self, given):
            for tensor, shape in zip(step.node.output_tensors, step.output_shapes):
                shapes[id(tensor)] = shape
        return map_structure(lambda t: shapes[id(t)], self._nested_outputs)

    def compute_mask(self, inputs, mask=None):
        return None

    def _symbolic_outputs(self, output_shape):
        # Each output keeps its own dtype (a float16 and an int32 output stay so).
        shapes = _leaves(output_shape, _is_single_shape)
        tensors = [KerasTensor(shape, dtype=t.dtype) for shape, t in zip(shapes, self.outputs)]
        return pack_like(self._nested_outputs, tensors)

    def predict(self, x, batch_size=32, verbose=0):
        """Run the model on `x` in batches and return NumPy arrays.

        Args:
            x: an array, a list of arrays (one per model input), a dict (by
                input key or name), or a Python generator of such batches (a
                generator may also yield `(x, y)` pairs; y is ignored).
            batch_size: how many samples go through at a time.
            verbose: 0 prints nothing; 1 prints one line when done.

        Returns:
            The outputs in the structure the model was built with: one array,
            a list, or a dict for dict outputs.
        """
        if batch_size is None:
            batch_size = 32  # Keras's default when None is passed
        batch_size = positive_int("predict()", "batch_size", batch_size)
        if not self.built and not _is_generator(x):
            self.build(map_structure(lambda a: tuple(np.shape(a)), x))
        if _is_generator(x):
            batches = (
                self._standardize_inputs(item[0] if isinstance(item, tuple) else item) for item in x
            )
        else:
            arrays = self._standardize_inputs(x)
            _check_same_length(self, arrays)
            batches = (
                [a[start : start + batch_size] for a in arrays]
                for start in range(0, len(arrays[0]), batch_size)
            )
        pieces = []
        for batch in batches:
            _check_finite(self, batch)
            outputs, _ = self._run_graph(batch, training=False)
            pieces.append([data_of(output) for output in flatten(outputs)])
        if not pieces:
            raise ValueError(f"Model '{self.name}': `predict` received no data (an empty input).")
        outputs = [np.concatenate([p[i] for p in pieces]) for i in range(len(self.outputs))]
        if verbose:
            sizes = f" of up to {batch_size}" if not _is_generator(x) else ""
            print(f"predict: {len(outputs[0])} samples in {len(pieces)} batch(es){sizes}")
        return pack_like(self._nested_outputs, outputs)

    # ------------------------------------------------------------ describing

    @property
    def input(self):
        """The model's input tensor(s), as given to the constructor."""
        self._refuse_graph_attribute("input")
        return self._nested_inputs

    @property
    def output(self):
        """The model's output tensor(s), as given to the constructor."""
        self._refuse_graph_attribute("output")
        return self._nested_outputs

    @property
    def input_shape(self):
        self._refuse_graph_attribute("input_shape")
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        self._refuse_graph_attribute("output_shape")
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def _refuse_graph_attribute(self, what):
        """A subclassed model has no input tensors to show, as in Keras 3."""
        if not self._is_subclassed():
            return
        if what in ("input", "output"):
            message = f"The layer {self.name} has never been called and thus has no defined {what}."
        else:
            message = f"'{type(self).__name__}' object has no attribute '{what}'."
        raise AttributeError(
            f"{message} A subclassed model runs its `call` on real arrays, so no symbolic "
            f"{what.split('_')[0]} tensor exists to describe: the shapes are those of the data "
            "you pass. (Build the model with the functional API to have them.)"
        )

    def count_params(self):
        self._require_built("count_params")
        return int(sum(w.data.size for w in self.weights))

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Print Keras's layer table; shared layers get one row per node.

        A subclassed model gets one row per layer it holds, with the output
        shape of the input it was built for ('?' and '0 (unbuilt)' before its
        first call), as Keras 3 prints it.
        """
        if self._is_subclassed():
            summary_lib.print_subclassed_summary(self, line_length, positions, print_fn)
            return
        summary_lib.print_summary(self, line_length, positions, print_fn)

    def get_config(self):
        """The graph, for a functional model; name, trainable and dtype for a subclassed one.

        A subclassed model that takes other constructor arguments defines its
        own `get_config` (starting from `super().get_config()`) to save them.
        """
        if self._is_subclassed():
            return Layer.get_config(self)
        layer_configs = []
        for layer in self._operations:
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
            "input_layers": self._structure_refs(self._nested_inputs, self.inputs),
            "output_layers": self._structure_refs(self._nested_outputs, self.outputs),
        }

    def _relevant_nodes(self, layer):
        return [node for node in layer._inbound_nodes if self._is_relevant(node)]

    def _structure_refs(self, nested, tensors):
        """Tensor references for the config, nested as the inputs/outputs were given.

        A lone tensor is written as a list of one reference, as Keras 2 wrote it.
        """
        if isinstance(nested, KerasTensor):
            return [self._tensor_ref(nested)]
        return map_structure(self._tensor_ref, nested)

    def _tensor_ref(self, tensor):
        for model_input, input_layer in zip(self.inputs, self._input_layers):
            if tensor is model_input:
                return [input_layer.name, 0, 0]
        layer, node_index, tensor_index = tensor._keras_history
        relevant = self._relevant_nodes(layer)
        node = layer._inbound_nodes[node_index]
        return [layer.name, relevant.index(node), tensor_index]

    def _node_config(self, node):
        if isinstance(node.layer, InputLayer):
            return None
        if node.extra_args:
            raise NotImplementedError(
                f"Layer '{node.layer.name}' was called with {1 + len(node.extra_args)} "
                "positional tensors (`layer(a, b)`); kerastutor cannot write such a call into "
                "a model config yet. Pass the tensors as one list (`layer([a, b])`) to save "
                "the model."
            )

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
        """Rebuild layers and replay their calls in the recorded order.

        A subclassed model is made as `cls(**config)`, as Keras 3 does.
        """
        if cls._has_own_call():
            return _subclassed_from_config(cls, model_config)
        created = {}
        tensors = {}
        pending = []
        for layer_config in model_config["layers"]:
            layer_class = get_layer_class(layer_config["class_name"], custom_objects)
            layer = layer_class.from_config(layer_config["config"], custom_objects=custom_objects)
            # References use the entry's name: a custom layer's get_config may leave its
            # own name out, and then (as in Keras) the rebuilt layer gets a fresh one.
            entry_name = layer_config.get("name", layer.name)
            created[entry_name] = layer
            if isinstance(layer, InputLayer):
                tensors[(entry_name, 0, 0)] = layer._inbound_nodes[0].output_tensors[0]
            for node_config in layer_config["inbound_nodes"]:
                if node_config:
                    pending.append((layer, entry_name, _node_config_from_keras_2(node_config)))

        def decode(x):
            return tensors[tuple(x["keras_tensor"])]

        while pending:
            progressed = False
            waiting_layers = set()
            for item in list(pending):
                layer, entry_name, node_config = item
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
                    tensors[(entry_name, node_index, i)] = out
                pending.remove(item)
                progressed = True
            if not progressed:
                raise ValueError(_why_stuck(pending, created))

        def structure(refs):
            if _is_tensor_ref(refs):
                return tensors[tuple(refs)]
            if isinstance(refs, dict):
                return {key: structure(ref) for key, ref in refs.items()}
            return type(refs)(structure(ref) for ref in refs)

        def top_level(refs):
            # A lone tensor was written as a list of one reference.
            if isinstance(refs, list) and len(refs) == 1 and _is_tensor_ref(refs[0]):
                return structure(refs[0])
            return structure(refs)

        # Other keys are a Model subclass's own arguments (its get_config added them).
        graph_keys = ("name", "trainable", "layers", "input_layers", "output_layers")
        own_arguments = {k: v for k, v in model_config.items() if k not in graph_keys}
        return cls(
            inputs=top_level(model_config["input_layers"]),
            outputs=top_level(model_config["output_layers"]),
            name=model_config["name"],
            trainable=model_config.get("trainable", True),
            **own_arguments,
        )


def _subclassed_from_config(cls, model_config):
    try:
        return cls(**model_config)
    except TypeError as error:
        raise TypeError(
            "Unable to revive model from config. When overriding the `get_config()` method, "
            "make sure that the returned config contains all items used as arguments in the "
            f"constructor to {cls}, which is the default behavior. You can override this "
            "default behavior by defining a `from_config(cls, config)` class method to "
            f"specify how to create an instance of {cls.__name__} from its config.\n\n"
            f"Received config={model_config}\n\nError encountered during deserialization: "
            f"{error}"
        ) from None


def _node_config_from_keras_2(node_config):
    """A node entry in kerastutor's form; Keras 2 wrote `[[layer, node, tensor, kwargs], ...]`."""
    if isinstance(node_config, dict):
        return node_config
    refs = [{"keras_tensor": list(entry[:3])} for entry in node_config]
    kwargs = node_config[0][3] if len(node_config[0]) > 3 else {}
    return {"args": refs[0] if len(refs) == 1 else refs, "kwargs": dict(kwargs)}


def _why_stuck(pending, created):
    """The error for a config whose calls cannot all be replayed: a missing layer, or a loop."""
    for layer, _, node_config in pending:
        for ref in _tensor_refs([node_config["args"], node_config["kwargs"]]):
            if ref[0] not in created:
                return (
                    f"The model config cannot be rebuilt: layer '{layer.name}' is called on the "
                    f"output of '{ref[0]}', which is not in the config. The config is corrupt "
                    "or was edited by hand."
                )
    names = ", ".join(f"'{name}'" for _, name, _ in pending)
    return (
        f"The model config cannot be rebuilt: the calls of {names} wait on each other's "
        "outputs in a loop, so none can run first. The config is corrupt or was edited by hand."
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


def _input_layer_of(tensor):
    """The InputLayer behind a model input.

    An input that a layer produced (`Model(inputs=hidden, ...)`, to run the
    rest of a model from a middle point) gets an InputLayer of its own shape
    and dtype, as Keras 3 gives it one: the model starts there.
    """
    layer = tensor._keras_history.layer
    if isinstance(layer, InputLayer):
        return layer
    return InputLayer(batch_input_shape=tensor.shape, dtype=tensor.dtype)


def _as_input_array(tensor, layer, x):
    """`x` as an array of the Input's dtype, as Keras 3 converts model inputs.

    Numbers are cast to the declared dtype (float64 data into a float32 Input),
    except floats that are not whole numbers into an integer Input: those stay,
    so that a layer such as Embedding can say which value is not an index
    instead of truncating it.
    """
    array = layer._to_array(x)
    if not isinstance(array, np.ndarray):
        return array
    # A missing or extra trailing axis of size 1 is added or dropped, as Keras 3 does:
    # data of shape (batch,) fits an Input of shape (None, 1).
    if array.ndim == len(tensor.shape) - 1 and tensor.shape[-1] == 1:
        array = array[..., None]
    elif array.ndim == len(tensor.shape) + 1 and array.shape[-1] == 1:
        array = array[..., 0]
    target = np.dtype(tensor.dtype)
    if array.dtype != target and array.dtype.kind in "biuf" and target.kind in "biuf":
        fractional = array.dtype.kind == "f" and target.kind in "biu" and (array % 1).any()
        if not fractional:
            array = array.astype(target)
    return array


def _by_keys(model, template, values, is_single):
    """The leaves of `values`, a dict nested like `template` (the model's dict of inputs).

    Keys the model does not take are left out, with a warning, as Keras 3 does.
    """
    keys = sorted(template)
    missing = [key for key in keys if key not in values]
    if missing:
        raise ValueError(
            f"Model '{model.name}' takes a dict of inputs with keys {keys}; the dict "
            f"received has no {missing} (it has {sorted(values)})."
        )
    extra = sorted(set(values) - set(keys))
    if extra:
        warnings.warn(
            f"The structure of `inputs` doesn't match the expected structure: model "
            f"'{model.name}' takes the keys {keys}, so {extra} are ignored.",
            stacklevel=4,
        )
    leaves = []
    for key in keys:
        if isinstance(template[key], dict) and isinstance(values[key], dict):
            leaves.extend(_by_keys(model, template[key], values[key], is_single))
        else:
            leaves.extend(_leaves(values[key], is_single))
    return leaves


def _is_tensor_ref(value):
    """`[layer_name, node_index, tensor_index]` in a config."""
    return (
        isinstance(value, (list, tuple))
        and len(value) == 3
        and isinstance(value[0], str)
        and all(isinstance(i, int) for i in value[1:])
    )


def _leaves(structure, is_leaf):
    """`flatten` that stops at what `is_leaf` says is one value (an array, or a shape)."""
    if is_leaf(structure):
        return [structure]
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _leaves(structure[key], is_leaf)]
    return [leaf for item in structure for leaf in _leaves(item, is_leaf)]


def _is_one_array(x):
    """An array, or nested lists of plain numbers (one input's data written out by hand)."""
    if not isinstance(x, (list, tuple, dict)):
        return True
    leaves = flatten(x)
    return not isinstance(x, dict) and all(isinstance(v, (bool, int, float)) for v in leaves)


def _is_generator(x):
    """A Python generator or iterator of batches (not an array, list, tuple or dict)."""
    return hasattr(x, "__next__") and not isinstance(x, (np.ndarray, list, tuple, dict))


def _check_same_length(model, arrays):
    lengths = {name: len(data_of(a)) for name, a in zip(model.input_names, arrays)}
    if len(set(lengths.values())) > 1:
        raise ValueError(
            f"Model '{model.name}': all inputs must have the same number of samples, "
            f"received {lengths}."
        )


def _check_finite(model, arrays):
    for name, array in zip(model.input_names, arrays):
        bad = first_non_finite(data_of(array))
        if bad is not None:
            position, value = bad
            raise ValueError(
                f"Model '{model.name}': input '{name}' contains NaN or infinity, first at "
                f"index {position} (value {value}). Clean or impute the data first; "
                "a NaN would silently turn every output it touches into NaN."
            )


def _map_graph(inputs, outputs):
    """Nodes in execution order, layers in Keras's order, and nodes by depth.

    Depth counts steps back from the outputs: output nodes have depth 0.
    Layers are listed from the deepest (the inputs) to depth 0, ties broken by
    the order in which the walk from the outputs first met them, as Keras does.
    """
    layer_order = {}
    input_ids = {id(t) for t in inputs}

    def _continues_walk(tensor):
        # A model input ends the walk, even one a layer produced (`Model(hidden, ...)`);
        # the InputLayer node of an `Input` is part of the graph.
        if tensor._keras_history is None:
            return False
        return id(tensor) not in input_ids or isinstance(tensor.node.layer, InputLayer)

    def parents(node):
        return [tensor.node for tensor in node.input_tensors if _continues_walk(tensor)]

    execution_order = depth_first(
        [tensor.node for tensor in outputs if _continues_walk(tensor)],
        parents,
        on_enter=lambda node: layer_order.setdefault(node.layer, len(layer_order)),
    )

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
        for tensor in node.input_tensors:
            if not _continues_walk(tensor):
                continue
            parent = tensor.node
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))

    layers = sorted(layer_order, key=lambda layer: (-layer_depth[layer], layer_order[layer]))
    nodes_by_depth = {}
    for node in execution_order:
        nodes_by_depth.setdefault(node_depth[id(node)], []).append(node)
    return execution_order, layers, nodes_by_depth


def _written_by_learner(cls):
    """A model class defined outside kerastutor (`class GAN(keras.Model)`)."""
    return not cls.__module__.startswith("kerastutor.")
