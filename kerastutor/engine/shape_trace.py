"""trace_shapes: the shape of every tensor of a model for new input shapes, no layer run.

`model.compute_output_shape((None, 20, 8))` asks what a model built for 10
timesteps would give for 20. The answer is found node by node, in the order
the model runs: each layer first checks the new input shapes against its
`input_spec` (as a real call would), then computes its output shape. No
layer is called on data, built or changed.

The same walk serves `Functional.compute_output_shape` and the ShapeFlow
widget, which draws every row of it and, when a layer refuses, the
`LayerCallError` it raised: which layer, as which node, on which shapes.

Example:
    >>> from kerastutor.layers import Dense, Input, LSTM
    >>> from kerastutor.models import Model
    >>> x = Input((10, 8))
    >>> model = Model(x, Dense(3)(LSTM(4, return_sequences=True)(x)))
    >>> [step.output_shapes for step in trace_shapes(model, [(None, 20, 8)])]
    [[(None, 20, 8)], [(None, 20, 4)], [(None, 20, 3)]]
"""

from typing import NamedTuple

from kerastutor.engine.errors import LayerCallError
from kerastutor.engine.input_layer import InputLayer
from kerastutor.engine.input_spec import check_input_spec
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.node import Node
from kerastutor.engine.tree import flatten, map_structure

__all__ = ["NodeShapes", "trace_shapes"]


class NodeShapes(NamedTuple):
    """One node of a trace: the call, and the shapes it takes and gives."""

    node: Node
    input_shapes: list
    output_shapes: list


def trace_shapes(model, input_shapes):
    """The shapes each node of `model` would take and give for inputs of `input_shapes`.

    Args:
        model: a functional model (a `Model(inputs, outputs)` or a built
            Sequential).
        input_shapes: one shape per model input, batch axis included, in
            the order of `model.inputs`.

    Returns:
        A list of `NodeShapes`, one per node of `model.nodes`, in run order
        (an Input's node takes no shapes and gives its own).

    Raises:
        LayerCallError: (a ValueError) for the first node whose layer
            refuses its new input shapes; besides `.layer`, `.node_index`
            and `.input_shapes`, its `.traced` lists the nodes before it.
            A more specific ValueError or a TypeError keeps its class and
            carries the same facts.
    """
    shapes = {id(t): tuple(shape) for t, shape in zip(model.inputs, input_shapes)}
    traced = []
    for node in model.nodes:
        if isinstance(node.layer, InputLayer):
            traced.append(NodeShapes(node, [], [shapes[id(node.output_tensors[0])]]))
            continue
        given = [shapes[id(t)] for t in flatten(node.call_args) if isinstance(t, KerasTensor)]
        try:
            output_shapes = _node_output_shapes(node, shapes, given)
        except (ValueError, TypeError) as error:
            refused = error
        else:
            for tensor, shape in zip(node.output_tensors, output_shapes):
                shapes[id(tensor)] = shape
            traced.append(NodeShapes(node, given, output_shapes))
            continue
        # Raised outside the `except`, so the message is not printed twice in a chain.
        error = LayerCallError.from_error(refused, node.layer, node.index, given)
        error.traced = traced
        raise error
    return traced


def _node_output_shapes(node, shapes, given):
    """What one node gives for new input shapes: the layer's own checks, then its output shape."""
    layer = node.layer
    if layer.input_spec is not None:
        specs = layer.input_spec if isinstance(layer.input_spec, list) else [layer.input_spec]
        check_input_spec(layer, specs, given[: len(specs)], node.index)
    if isinstance(node.call_args, (list, tuple)):
        input_shape = map_structure(lambda t: shapes[id(t)], node.call_args)
    else:
        input_shape = shapes[id(node.call_args)]
    before, layer._node_in_progress = layer._node_in_progress, node.index  # "as its node 1"
    try:
        if node.extra_args:  # `layer(a, b)`: its call runs on zeros of the new shapes
            extra = map_structure(
                lambda t: KerasTensor(shapes[id(t)]) if isinstance(t, KerasTensor) else t,
                node.extra_args,
            )
            output = layer._trace_output_shape(input_shape, extra)
        else:
            output = layer.compute_output_shape(input_shape)
    finally:
        layer._node_in_progress = before
    return [tuple(shape) for shape in _shape_list(output)]


def _shape_list(shape_or_shapes):
    """[shape] for one shape, the list for several."""
    if isinstance(shape_or_shapes, tuple) and all(
        d is None or isinstance(d, int) for d in shape_or_shapes
    ):
        return [shape_or_shapes]
    return list(shape_or_shapes)
