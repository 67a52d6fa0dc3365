"""ValueTrace: one concrete sample fed through a model, node by node, with its numbers.

A model built from `Input`s is a graph of symbolic tensors: `lstm(tweet_a)`
has a shape but no numbers yet. ValueTrace feeds one real sample through
that graph and keeps, for every node (every call of a layer), the arrays it
received and the arrays it returned, so the numbers behind each shape can be
read. A shared layer appears once per call: the two-tweets model's LSTM is
node `lstm[0]` on tweet A and node `lstm[1]` on tweet B, with different
numbers in and out and the same weights.

Given a loss (`loss=`, or the model's compiled loss) and a `target=`, the
widget also runs one backward pass: the gradient of the loss with respect to
each node's output and to each weight. A shared layer's weight gets one
gradient, the sum of what each of its calls contributes; the widget works
out each call's share too (the call run again on its own inputs, weighted by
the gradient that reached its outputs), and the shares add up to the sum.

How it works: the widget runs the model's nodes itself, in the order the
model runs them, calling each layer on the arrays its inputs became (so
every number is the layer's own), with `training=False` (no dropout: the
same sample always gives the same numbers). A nested model is run through
its own nodes, listed under its call as `outer[0]/inner[0]`. `refresh()`
runs everything again (after training); choosing a node only draws again
from the stored state (`trace`, `gradients`, `gradient_shares`).
"""

import ipywidgets
import numpy as np
import traitlets

from kerastutor import autodiff, losses, ops
from kerastutor.autodiff import Tensor, data_of
from kerastutor.engine.base_layer import mask_per_output
from kerastutor.engine.functional import Functional
from kerastutor.engine.input_layer import InputLayer
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.summary import type_name
from kerastutor.engine.tree import flatten, map_structure
from kerastutor.utils.model_graph import collect_graph
from kerastutor.widgets._render import (
    BOX_FILL,
    FAINT,
    HIGHLIGHT,
    HIGHLIGHT_EDGE,
    MONO,
    MUTED,
    WidgetBase,
    checked_value,
    esc,
    node_colour,
    number_cell,
    svg,
    svg_arrow,
    svg_box,
    svg_text,
    table,
)

__all__ = ["ValueTrace", "TracedNode"]

_FLEX = '<div style="display:flex;flex-wrap:wrap;align-items:flex-start;gap:6px;">'
_BOX_WIDTH, _BOX_HEIGHT, _GAP_X, _GAP_Y = 150, 36, 16, 26


class TracedNode:
    """One call of a layer, with the numbers it received and returned.

    Attributes:
        label: Keras's name of the call, 'lstm[1]' (layer name, node index);
            inside a nested model 'encoder[0]/dense[0]'.
        layer, node: the layer and its Node (`node.index` is the call's number).
        inputs, outputs: lists of NumPy arrays (batch axis of size 1 included).
        args, kwargs: what the layer was called with (arrays), to call it again.
        sources: for each input, the label of the node that produced it.
        output_grads: for each output, d loss / d output (None: no loss, or unused).
        depth: 0 for the model's own nodes, 1 inside a nested model, ...
        parents: the positions in the trace of the nodes this one consumed.
    """

    def __init__(self, label, layer, node, depth):
        self.label, self.layer, self.node, self.depth = label, layer, node, depth
        self.inputs, self.outputs, self.sources = [], [], []
        self.args, self.kwargs = None, {}
        self.output_grads = []
        self.parents = []

    def __repr__(self):
        shapes = [tuple(np.shape(x)) for x in self.outputs]
        return f"<TracedNode {self.label}: {shapes}>"


class ValueTrace(WidgetBase):
    """The actual numbers of one sample at every node of a model, and its gradients.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Dense, Input
        >>> from kerastutor.models import Model
        >>> from kerastutor.widgets import ValueTrace
        >>> x = Input(shape=(2,), name="x")
        >>> model = Model(x, Dense(1, kernel_initializer="ones", name="dense")(x))
        >>> trace = ValueTrace(model, np.array([1.0, 2.0]), loss="mse", target=[0.0])
        >>> trace.node_labels
        ['x[0]', 'dense[0]']
        >>> trace.select("dense[0]")
        >>> trace.selected_node.outputs[0]
        array([[3.]], dtype=float32)

    Args:
        model: a built functional model or Sequential (nested models included).
        sample: one sample: an array per model input (a list for several
            inputs), without the batch axis or with a batch axis of 1. By
            default, random numbers drawn from `seed`.
        loss: a loss name, Loss or function f(y_true, y_pred) for the backward
            pass; by default the model's compiled loss, if it has one.
        target: the sample's target (one per output), needed for the loss.
        seed: the seed of the default sample.
        max_rows, max_cols: the most rows and columns of an array drawn; a
            larger one is cut, with its min, max and mean.

    State (traits; tests and lessons read them):
        node_labels: every node, in the order the model runs them.
        selected: the chosen node's label (the drop-down's and the buttons' value).
        loss_value: the loss of the sample, or None without a loss.
        error: why the sample could not be traced, or None.
    And, as plain attributes: `trace` (a TracedNode per node), `gradients`
    (weight path -> d loss / d weight) and `gradient_shares` (weight path of a
    shared layer -> {node label: that call's share}).
    """

    node_labels = traitlets.List()
    selected = traitlets.Unicode(None, allow_none=True)
    loss_value = traitlets.Float(None, allow_none=True)
    error = traitlets.Unicode(None, allow_none=True)

    def __init__(self, model, sample=None, loss=None, target=None, seed=0, max_rows=8, max_cols=10):
        if not isinstance(model, Functional):
            raise TypeError(
                "ValueTrace feeds a sample through a model: pass a functional Model or a "
                f"Sequential, received {type(model).__name__}: {model!r}. (For one layer, "
                "call it on an array: `layer(np.ones((1, 3)))`.)"
            )
        self.model = model
        self.graph = collect_graph(model)  # raises the teaching error for an unbuilt model
        self.sample, self.target, self.loss = sample, target, loss
        self.seed, self.max_rows, self.max_cols = seed, max_rows, max_cols
        self.trace, self.gradients, self.gradient_shares = [], {}, {}
        self.places, self.diagram_size = {}, (0, 0)
        self._summaries = {}
        self.node_picker = ipywidgets.Dropdown(description="node", options=[])
        # One button per node, labelled as in the diagram: clicking one chooses that node.
        self.node_buttons = ipywidgets.ToggleButtons(
            options=[], tooltips=[], style={"button_width": "auto"}
        )
        super().__init__([self.node_picker, self.node_buttons])
        self.refresh()

    # ------------------------------------------------------------ choosing

    @property
    def selected_node(self):
        """The chosen TracedNode (None while nothing could be traced)."""
        return next((entry for entry in self.trace if entry.label == self.selected), None)

    def select(self, label):
        """Choose the node called `label` ('lstm[1]'), as the drop-down and the buttons do.

        Raises:
            TypeError: `label` is not a str.
            ValueError: the model has no such node (the message lists them).
        """
        if not isinstance(label, str):
            raise TypeError(
                f"ValueTrace's `node` takes a node's name, a str such as "
                f"{self.node_labels[-1]!r} (layer name, then the call's index); received "
                f"{type(label).__name__} {label!r}."
            )
        why = "Each name is a layer's name and the index of the call (node) in brackets."
        self.node_picker.value = checked_value("ValueTrace", "node", self.node_picker, label, why)

    def node_values(self, label):
        """The TracedNode called `label` (see `node_labels`)."""
        for entry in self.trace:
            if entry.label == label:
                return entry
        raise ValueError(
            f"ValueTrace has no node {label!r}; its nodes are {', '.join(self.node_labels)}."
        )

    def __repr__(self):
        if self.error:
            return f"ValueTrace({self.model.name}: the sample could not be traced)"
        entry = self.selected_node
        shapes = ""
        if entry is not None:
            shapes = f": {_shapes(entry.inputs) or '-'} -> {_shapes(entry.outputs)}"
        loss = "" if self.loss_value is None else f", loss {self.loss_value:.4f}"
        return (
            f"ValueTrace({self.model.name}: {len(self.trace)} nodes, {self.selected} "
            f"selected{shapes}{loss})"
        )

    # ------------------------------------------------------------ updating

    def refresh(self):
        """Feed the sample through the model again (e.g. after training), then draw."""
        try:
            self._update()
            self.error = None
        except Exception as error:  # shown inside the widget: it stays alive
            self.trace, self.gradients, self.gradient_shares = [], {}, {}
            self.places, self.diagram_size = {}, (0, 0)
            self.loss_value = None
            self.error = f"{type(error).__name__}: {error}"
        labels = [entry.label for entry in self.trace]
        with self.quiet():
            # A nested model's nodes indented under its call (a drop-down keeps only no-break spaces).
            indent = "\u00a0\u00a0\u00a0"
            self.node_picker.options = [(indent * e.depth + e.label, e.label) for e in self.trace]
            self.node_picker.disabled = not labels
            if labels and self.node_picker.value not in labels:
                self.node_picker.value = _last_layer_call(self.trace)
            self.node_buttons.options = labels
            self.node_buttons.tooltips = [f"show the numbers of {label}" for label in labels]
            self.node_buttons.disabled = not labels
            self.node_buttons.value = self.node_picker.value
        self.node_labels = labels
        self.selected = self.node_picker.value
        super().refresh()

    def _on_control_change(self, change):
        if self._quiet:
            return
        if change["owner"] is self.node_buttons:  # a click: the drop-down follows, and draws
            self.node_picker.value = change["new"]
            return
        with self.quiet():
            self.node_buttons.value = self.node_picker.value
        self.selected = self.node_picker.value
        super().refresh()  # draw from the stored state: nothing is run again

    def _update(self):
        model = self.model
        arrays = self._sample_arrays()
        loss_functions = self._loss_functions()
        trace = []
        if loss_functions is None:
            self._run(model, arrays, "", 0, trace)
        else:
            targets = self._target_arrays()
            weights = model.trainable_weights
            with autodiff.watch(weights):
                outputs = self._run(model, arrays, "", 0, trace)
                total = self._total_loss(loss_functions, targets, outputs)
                if isinstance(total, Tensor):
                    total.backward()
                self.loss_value = float(data_of(total))
                self.gradients = {
                    w.path: np.zeros(w.shape, w.dtype) if w.grad is None else np.array(w.grad)
                    for w in weights
                }
            for entry in trace:
                entry.output_grads = [getattr(x, "grad", None) for x in entry.outputs]
            for weight in weights:
                weight.grad = None  # leave the model as it was
            self.gradient_shares = self._shares(trace)
        if loss_functions is None:
            self.loss_value, self.gradients, self.gradient_shares = None, {}, {}
        for entry in trace:  # from here on the trace holds plain arrays
            entry.inputs = [np.asarray(data_of(x)) for x in entry.inputs]
            entry.outputs = [np.asarray(data_of(x)) for x in entry.outputs]
            entry.args = map_structure(_plain, entry.args)
            entry.kwargs = map_structure(_plain, entry.kwargs)
            entry.output_grads = [None if g is None else np.asarray(g) for g in entry.output_grads]
        self.trace = trace
        self.places, self.diagram_size = self._layout()
        self._summaries = {}

    def _run(self, model, inputs, prefix, depth, trace):
        """Run `model`'s nodes on `inputs`, appending a TracedNode per node; return the outputs."""
        values = {id(tensor): x for tensor, x in zip(model.inputs, inputs)}
        masks = {}
        labels, positions = {}, {}  # id(tensor) -> the label of its node; id(node) -> position

        def lookup(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x

        for node in collect_graph(model).nodes:
            layer = node.layer
            entry = TracedNode(f"{prefix}{layer.name}[{node.index}]", layer, node, depth)
            entry.parents = [positions[id(p)] for p in node.parent_nodes if id(p) in positions]
            positions[id(node)] = len(trace)
            trace.append(entry)
            for tensor in node.output_tensors:
                labels[id(tensor)] = entry.label
            if isinstance(layer, InputLayer) or id(node.output_tensors[0]) in values:
                entry.outputs = [values[id(t)] for t in node.output_tensors]
                continue
            args = map_structure(lookup, node.call_args)
            kwargs = map_structure(lookup, dict(node.call_kwargs or {}))
            input_tensors = flatten(node.call_args)
            mask = _mask_argument(node.call_args, [masks.get(id(t)) for t in input_tensors])
            tensor_kwargs = any(isinstance(t, KerasTensor) for t in flatten(node.call_kwargs or {}))
            if mask is not None and "mask" not in kwargs and not tensor_kwargs:
                kwargs["mask"] = mask
            kwargs.setdefault(
                "training", False
            )  # inference: no dropout, the same numbers each time
            entry.args, entry.kwargs = args, kwargs
            entry.inputs = [lookup(t) for t in node.input_tensors]
            entry.sources = [labels.get(id(t), "?") for t in node.input_tensors]
            if isinstance(layer, Functional):  # a nested model: through its own nodes
                outputs = self._run(layer, flatten(args), f"{entry.label}/", depth + 1, trace)
            else:
                outputs = layer(args, **kwargs)
            entry.outputs = list(flatten(outputs))
            output_masks = mask_per_output(
                layer.compute_mask(args, kwargs.get("mask")), len(entry.outputs)
            )
            for tensor, value, value_mask in zip(node.output_tensors, entry.outputs, output_masks):
                values[id(tensor)] = value
                masks[id(tensor)] = value_mask
        found = [values[id(t)] for t in model.outputs]
        return found[0] if len(found) == 1 else found

    def _shares(self, trace):
        """For each weight of a layer called more than once: each call's part of its gradient.

        The gradient of the loss through one call is that call's outputs times
        the gradient that reached them, differentiated with respect to the
        weights; run on each call's own inputs, the parts add up to the total.
        """
        calls = {}
        for entry in trace:
            if entry.args is not None and not isinstance(entry.layer, Functional):
                calls.setdefault(id(entry.layer), []).append(entry)
        shares = {}
        for entries in calls.values():
            weights = entries[0].layer.trainable_weights
            if len(entries) < 2 or not weights:
                continue
            for entry in entries:
                with autodiff.watch(weights):
                    args = map_structure(_plain, entry.args)
                    kwargs = map_structure(_plain, entry.kwargs)
                    outputs = flatten(entries[0].layer(args, **kwargs))
                    weighted = None
                    for output, grad in zip(outputs, entry.output_grads):
                        if grad is None or not isinstance(output, Tensor):
                            continue
                        term = ops.sum(ops.multiply(output, np.asarray(grad)))
                        weighted = term if weighted is None else ops.add(weighted, term)
                    if isinstance(weighted, Tensor):
                        weighted.backward()
                    for weight in weights:
                        part = np.zeros(weight.shape, weight.dtype)
                        if weight.grad is not None:
                            part = np.array(weight.grad)
                        shares.setdefault(weight.path, {})[entry.label] = part
                for weight in weights:
                    weight.grad = None
        return shares

    # ------------------------------------------------------------ the sample, the target, the loss

    def _sample_arrays(self):
        """One array per model input, with a batch axis of 1, checked against the Input."""
        model, inputs = self.model, self.model.inputs
        if self.sample is None:
            rng = np.random.default_rng(self.seed)
            return [_default_sample(tensor, rng, self.graph) for tensor in inputs]
        given = self.sample
        if isinstance(given, dict):
            names = model.input_names
            missing = [name for name in names if name not in given]
            if missing:
                raise ValueError(
                    f"The sample is a dict without {missing}: give one array per input "
                    f"name ({', '.join(names)})."
                )
            given = [given[name] for name in names]
        elif len(inputs) == 1:
            given = [given]
        if not isinstance(given, (list, tuple)) or len(given) != len(inputs):
            names = ", ".join(model.input_names)
            count = len(given) if isinstance(given, (list, tuple)) else 1
            raise ValueError(
                f"Model '{model.name}' has {len(inputs)} inputs ({names}); the sample gives "
                f"{count}. Pass a list with one array per input, in that order."
            )
        return [_one_sample(t, name, x) for t, name, x in zip(inputs, model.input_names, given)]

    def _loss_functions(self):
        """One Loss per output, from `loss=` or the compiled loss; None for no backward pass."""
        identifier = self.loss if self.loss is not None else getattr(self.model, "loss", None)
        if identifier is None:
            if self.target is not None:
                raise ValueError(
                    f"A target was given but no loss: model '{self.model.name}' is not "
                    "compiled with one. Pass `loss=` (e.g. 'mse') to compare them."
                )
            return None
        if self.target is None:
            raise ValueError(
                "The backward pass needs the sample's target: pass `target=` (one per output) "
                "so the loss can compare the prediction with it."
            )
        names = self.model.output_names
        if isinstance(identifier, dict):
            identifier = [identifier.get(name) for name in names]
        if not isinstance(identifier, (list, tuple)):
            identifier = [identifier] * len(names)
        if len(identifier) != len(names):
            raise ValueError(
                f"`loss` is a list of {len(identifier)}, but model '{self.model.name}' has "
                f"{len(names)} output(s) ({', '.join(names)})."
            )
        return [None if item is None else losses.get(item) for item in identifier]

    def _target_arrays(self):
        outputs = self.model.outputs
        targets = [self.target] if len(outputs) == 1 else list(self.target)
        if len(targets) != len(outputs):
            raise ValueError(
                f"Model '{self.model.name}' has {len(outputs)} outputs; `target` gives "
                f"{len(targets)}. Give one target per output, in order."
            )
        return [np.asarray(y) for y in targets]

    def _total_loss(self, loss_functions, targets, outputs):
        outputs = outputs if isinstance(outputs, list) else [outputs]
        total = None
        for loss, y, prediction in zip(loss_functions, targets, outputs):
            if loss is None:
                continue
            shape = np.shape(data_of(prediction))
            if y.size == int(np.prod(shape)):
                y = y.reshape(shape)  # the target of one sample, with its batch axis
            elif y.ndim < len(shape):
                y = y[None]
            value = loss(y.astype(data_of(prediction).dtype), prediction)
            total = value if total is None else ops.add(total, value)
        return total

    # ------------------------------------------------------------ drawing

    def _render(self):
        if self.error:
            raise ValueError(self.error.split(": ", 1)[-1])  # the base class shows it inside
        entry = self.selected_node
        loss = ""
        if self.loss_value is not None:
            loss = f"; after one backward pass the loss is <b>{self.loss_value:.4f}</b>"
        header = (
            f"<div><b>{esc(self.model.name)}</b>: one sample fed through its "
            f"{len(self.trace)} nodes (layer calls){loss}. Click a node's button (or use the drop-down) to see the numbers it "
            "received and returned.</div>"
        )
        return header + self._diagram(entry) + self._details(entry)

    def _layout(self):
        """Where the diagram draws each of the model's own nodes: a row per step from the inputs.

        A node's row is one below the lowest of the nodes it consumes; each row is centred.
        Returns {trace position: (x, y)} and the picture's (width, height).
        """
        level = {}
        for position, entry in enumerate(self.trace):
            if entry.depth == 0:
                parents = [level[p] for p in entry.parents if p in level]
                level[position] = 1 + max(parents) if parents else 0
        rows = {}
        for position, row in level.items():
            rows.setdefault(row, []).append(position)
        widest = max((len(row) for row in rows.values()), default=1)
        width = widest * (_BOX_WIDTH + _GAP_X) + _GAP_X
        height = len(rows) * (_BOX_HEIGHT + _GAP_Y) - _GAP_Y + 8
        places = {}
        for row, positions in rows.items():
            offset = (width - len(positions) * (_BOX_WIDTH + _GAP_X) + _GAP_X) / 2
            for k, position in enumerate(positions):
                places[position] = (
                    offset + k * (_BOX_WIDTH + _GAP_X),
                    4 + row * (_BOX_HEIGHT + _GAP_Y),
                )
        return places, (width, height)

    def _diagram(self, chosen):
        """The model's own nodes, with an arrow per tensor passed on; the chosen one lit."""
        places, (width, height) = self.places, self.diagram_size
        lit = chosen.label.split("/")[0] if chosen is not None else None  # a nested call: its model
        elements = []
        for position, (x, y) in places.items():
            entry = self.trace[position]
            colour = node_colour(entry.node.index)
            for parent in entry.parents:
                px, py = places[parent]
                start = (px + _BOX_WIDTH / 2, py + _BOX_HEIGHT + 4)
                elements.append(svg_arrow(*start, x + _BOX_WIDTH / 2, y, colour))
        for position, (x, y) in places.items():
            entry = self.trace[position]
            is_lit = entry.label == lit
            fill, stroke = (HIGHLIGHT, HIGHLIGHT_EDGE) if is_lit else (BOX_FILL, MUTED)
            elements.append(
                svg_box(x, y, _BOX_WIDTH, _BOX_HEIGHT - 12, entry.label, fill, stroke, bold=is_lit)
            )
            shapes = _shapes(entry.outputs)
            elements.append(
                svg_text(x + _BOX_WIDTH / 2, y + _BOX_HEIGHT + 1, shapes, MUTED, size=10)
            )
        return f'<div class="kt-diagram">{svg(width, height, elements)}</div>'

    def _details(self, entry):
        if entry is None:
            return ""
        layer = entry.layer
        kind = type_name(layer)
        shared = [e.label for e in self.trace if e.layer is layer]
        note = ""
        if len(shared) > 1:
            note = (
                f" The layer is shared: it is called {len(shared)} times ({', '.join(shared)}), "
                "each call with its own inputs and outputs, all with the same weights."
            )
        parts = [
            f'<div class="kt-node-title" style="margin-top:6px;"><b>{esc(entry.label)}</b> '
            f"({esc(kind)}): call {entry.node.index} of layer '{esc(layer.name)}'.{esc(note)}</div>"
        ]
        if not entry.inputs:
            parts.append("<div>An input: it returns the sample as given.</div>")
        tables = []
        for i, (source, value) in enumerate(zip(entry.sources, entry.inputs)):
            tables.append(self._array(value, f"input {i} (from {source})", ("in", entry.label, i)))
        for i, value in enumerate(entry.outputs):
            tables.append(self._array(value, f"output {i}", ("out", entry.label, i)))
        for i, grad in enumerate(entry.output_grads):
            if grad is not None:
                caption = f"d loss / d output {i}"
                tables.append(self._array(grad, caption, ("grad", entry.label, i)))
        parts.append(_FLEX + "".join(tables) + "</div>")
        if kind == "Embedding" and entry.inputs:
            rows = sorted({int(i) for i in np.asarray(entry.inputs[0]).ravel()})
            shown = ", ".join(map(str, rows[:20])) + (", ..." if len(rows) > 20 else "")
            parts.append(
                f'<div class="kt-lookup">Rows of W looked up: {esc(shown)}: output[i] is row '
                "index[i] of W (the embeddings). Only these rows get a gradient.</div>"
            )
        parts.append(self._weights(entry))
        return "".join(parts)

    def _weights(self, entry):
        """The layer's weights and, after the backward pass, their gradients (and shares)."""
        layer = entry.layer
        if isinstance(layer, Functional) or not layer.weights:
            return ""
        trainable = {id(weight) for weight in layer.trainable_weights}
        rows = [
            [
                f'<span style="{MONO}">{esc(weight.path)}</span>',
                esc(tuple(weight.shape)),
                "yes" if id(weight) in trainable else "no (frozen: no gradient)",
            ]
            for weight in layer.weights
        ]
        text = table(["weight", "shape", "trainable"], rows, caption="Weights (one set, all calls)")
        if not self.gradients:
            return (
                text
                + f'<div style="color:{FAINT};">No gradients: give `loss=` and `target=`.</div>'
            )
        parts = []
        for weight in layer.weights:
            name = weight.path
            if name not in self.gradients:
                continue
            shares = self.gradient_shares.get(name, {})
            tables = [self._array(self.gradients[name], f"d loss / d {name}", ("dw", name))]
            for label, part in shares.items():
                tables.append(self._array(part, f"share of {label}", ("share", name, label)))
            if shares:
                terms = " + ".join(f"share of {label}" for label in shares)
                parts.append(
                    f'<div class="kt-shares">d loss / d {esc(name)} = {esc(terms)}: each call '
                    "adds what the loss asks of the weights through that call's own outputs.</div>"
                )
            parts.append(_FLEX + "".join(tables) + "</div>")
        return text + "".join(parts)

    def _array(self, value, caption, key):
        """A heat-mapped table of one array (batch axis of 1 dropped), cut to fit, summarised."""
        array = np.asarray(value)
        if key not in self._summaries:  # the numbers of a big array are summed once, not per draw
            if array.size and array.dtype.kind in "biuf":
                finite = array[np.isfinite(array)] if array.dtype.kind == "f" else array
                self._summaries[key] = (
                    (float(finite.min()), float(finite.max()), float(finite.mean()))
                    if finite.size
                    else None
                )
            else:
                self._summaries[key] = None
        summary = self._summaries[key]
        shape = tuple(array.shape)
        grid = array[0] if array.ndim >= 1 and array.shape[0] == 1 and key[0] != "dw" else array
        if key[0] in ("dw", "share"):
            grid = array
        prefix = ""
        while grid.ndim > 2:
            grid = grid[0]
            prefix += "0, "
        grid = np.atleast_2d(grid) if grid.ndim < 2 else grid
        shown = grid[: self.max_rows, : self.max_cols]
        largest = max(abs(summary[0]), abs(summary[1])) if summary else 0.0
        rows = [
            [f"{i}"]
            + [_cell(v, largest) for v in row]
            + (["&hellip;"] * (grid.shape[1] > shown.shape[1]))
            for i, row in enumerate(shown)
        ]
        if grid.shape[0] > shown.shape[0]:
            rows.append([f"&#8942; {grid.shape[0] - shown.shape[0]} more rows"])
        note = f"shape {shape}"
        if prefix:
            note += f", showing [{prefix}:, :]"
        if summary:
            note += f"; min {summary[0]:.3g}, max {summary[1]:.3g}, mean {summary[2]:.3g}"
        return (
            f'<div class="kt-array"><div><b>{esc(caption)}</b></div>'
            f'<div style="color:{MUTED};">{esc(note)}</div>' + table([], rows) + "</div>"
        )


# ---------------------------------------------------------------- helpers


def _cell(value, largest):
    if np.issubdtype(type(value), np.integer) or isinstance(value, (int, np.integer)):
        return f'<span style="{MONO}">{int(value)}</span>'
    return number_cell(value, largest)


def _plain(x):
    return np.asarray(data_of(x)) if isinstance(x, Tensor) else x


def _shapes(arrays):
    return ", ".join(str(tuple(np.shape(data_of(x)))) for x in arrays)


def _mask_argument(call_args, masks):
    """The `mask=` a layer gets: its input's mask (a list of them for a list of inputs)."""
    if all(mask is None for mask in masks):
        return None
    return masks if isinstance(call_args, (list, tuple)) else masks[0]


def _last_layer_call(trace):
    """The node chosen at first: the last call of the model itself (its output)."""
    top = [entry for entry in trace if entry.depth == 0]
    return (top or trace)[-1].label


def _one_sample(tensor, name, x):
    """`x` as one sample of the Input `tensor`: a batch axis of 1, the Input's dtype, checked."""
    array = np.asarray(data_of(x))
    expected = tuple(tensor.shape[1:])
    if array.ndim == len(expected):
        array = array[None]
    fits = array.ndim == len(expected) + 1 and array.shape[0] == 1
    fits = fits and all(d is None or d == s for d, s in zip(expected, array.shape[1:]))
    if not fits:
        received = array.shape[1:] if array.ndim == len(expected) + 1 else array.shape
        raise ValueError(
            f"The sample for input '{name}' should be one sample of shape "
            f"{_readable(expected)}; received an array of shape {tuple(received)}. ValueTrace "
            "follows one sample through the model (a batch axis of 1 in front is fine too)."
        )
    target = np.dtype(tensor.dtype)
    if array.dtype != target and array.dtype.kind in "biuf" and target.kind in "biuf":
        array = array.astype(target)
    return array


def _readable(shape):
    """(280, 256), or (any, 8) for an axis of any size."""
    return (
        "("
        + ", ".join("any" if d is None else str(d) for d in shape)
        + (",)" if len(shape) == 1 else ")")
    )


def _default_sample(tensor, rng, graph):
    """Random numbers for the Input `tensor`; whole numbers below the vocabulary for indices."""
    shape = (1,) + tuple(4 if d is None else d for d in tensor.shape[1:])
    dtype = np.dtype(tensor.dtype)
    consumers = [node.layer for node in graph.nodes if any(t is tensor for t in node.input_tensors)]
    sizes = [layer.input_dim for layer in consumers if hasattr(layer, "input_dim")]
    if dtype.kind in "iu" or sizes:
        return rng.integers(0, min(sizes + [10]), size=shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)
