"""Which layers and which calls (nodes) a drawing shows.

`plot_model` and the widgets draw the same thing: the nodes between some
inputs and some outputs. They get it from a Model (its own graph), or, while
the learner is still wiring and no Model exists yet, from the output tensors
alone: each symbolic tensor remembers the call that made it
(`tensor._keras_history`), so walking back from the outputs finds every call.

Example:
    >>> from kerastutor.layers import Input, Dense
    >>> x = Input(shape=(3,), name="features")
    >>> graph = collect_graph(Dense(2, name="scores")(x))
    >>> [layer.name for layer in graph.layers]
    ['features', 'scores']
"""

from kerastutor.engine.functional import Functional
from kerastutor.engine.graph_walk import depth_first
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.tree import flatten

__all__ = [
    "ModelGraph",
    "collect_graph",
    "describe_call",
    "wrapped_layers",
    "format_shapes",
    "NODE_COLOURS",
    "NODE_TINTS",
]

# One colour per node index (node 0 blue, node 1 red, ...), shared by the
# diagrams and the widgets so that "node 1" looks the same everywhere.
NODE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
NODE_TINTS = ("#d3e4f3", "#f7d4d4", "#d6efd6", "#e6dcf0", "#ffe3c7", "#eadbd6")


class ModelGraph:
    """The calls between some inputs and some outputs.

    Args:
        nodes: every node (layer call) of the graph, each after the nodes it
            consumes.
        outputs: the output tensors the walk started from.
        model: the Model the graph belongs to, or None when it was collected
            from tensors.
    """

    def __init__(self, nodes, outputs, model=None):
        self.nodes = list(nodes)
        self.outputs = list(outputs)
        self.model = model
        self._node_ids = {id(node) for node in self.nodes}
        self.layers = []
        for node in self.nodes:
            if node.layer not in self.layers:
                self.layers.append(node.layer)

    def nodes_of(self, layer):
        """The calls of `layer` that belong to this graph (a layer may have others)."""
        return [node for node in layer.inbound_nodes if id(node) in self._node_ids]

    def is_shared(self, layer):
        """Whether `layer` is called more than once in this graph."""
        return len(self.nodes_of(layer)) > 1


def collect_graph(model_or_outputs):
    """The graph of a Model, or of output tensors before any Model exists.

    Args:
        model_or_outputs: a Model, or a symbolic tensor, or a list of them.

    Raises:
        TypeError: for anything else, saying what was received.
        ValueError: for a Sequential model that has not been built yet.
    """
    if isinstance(model_or_outputs, Functional):
        model = model_or_outputs
        if model._is_subclassed():
            raise ValueError(
                f"Model '{model.name}' is a subclassed model: its `call` is Python code, not "
                "a graph of layer calls, so there is no graph to draw (Keras 3 draws it as one "
                "box). `model.summary()` lists its layers; the functional API "
                "(`keras.Model(inputs, outputs)`) gives a model whose graph can be drawn."
            )
        if not model.built:
            raise ValueError(
                f"Model '{model.name}' has not been built yet, so it has no graph to draw. "
                "Give its first layer an `input_shape=`, add an Input first, or call "
                "`model.build(input_shape)`."
            )
        return ModelGraph(model._nodes, model.outputs, model=model)
    outputs = model_or_outputs
    if isinstance(outputs, KerasTensor):
        outputs = [outputs]
    if not isinstance(outputs, (list, tuple)) or not outputs:
        raise TypeError(
            "Expected a Model, a symbolic tensor or a list of symbolic tensors (what calling a "
            f"layer on an Input returns), received {type(model_or_outputs).__name__}: "
            f"{model_or_outputs!r}."
        )
    for tensor in outputs:
        if not isinstance(tensor, KerasTensor) or tensor._keras_history is None:
            raise TypeError(
                "Only symbolic tensors made by `Input(...)` or by calling a layer can be drawn; "
                f"received {tensor!r}. Arrays have values but no history of layer calls."
            )
    return ModelGraph(_walk_back(outputs), outputs)


def _walk_back(outputs):
    """Every node the outputs depend on, each after its parents (depth-first)."""
    return depth_first([tensor.node for tensor in outputs], lambda node: node.parent_nodes)


def wrapped_layers(layer):
    """The layers a wrapper applies: [dense] for TimeDistributed(dense), both
    directions for Bidirectional; [] for an ordinary layer."""
    return layer._sublayers()


def describe_call(node):
    """'input_1[0][0]', or 'decoder_inputs[0][0], initial_state=[lstm[0][1], lstm[0][2]]'."""

    def references(structure):
        return [
            str(t._keras_history)
            for t in flatten(structure)
            if isinstance(t, KerasTensor) and t._keras_history is not None
        ]

    parts = references(node.call_args)
    for key, value in (node.call_kwargs or {}).items():
        keyword_references = references(value)
        if keyword_references:
            inner = ", ".join(keyword_references)
            if isinstance(value, (list, tuple)):
                inner = f"[{inner}]"
            parts.append(f"{key}={inner}")
    return ", ".join(parts)


def format_shapes(shapes):
    """'(None, 64)' for one shape, '[(None, 64), (None, 64)]' for several, '-' for none."""
    shapes = list(shapes)
    if not shapes:
        return "-"
    if len(shapes) == 1:
        return str(shapes[0])
    return "[" + ", ".join(str(shape) for shape in shapes) + "]"
