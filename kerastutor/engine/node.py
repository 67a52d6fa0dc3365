"""A Node records one call of a layer on symbolic tensors.

The first call of a layer creates its node 0, the second its node 1, and so
on. A shared LSTM called on `tweet_a` and then on `tweet_b` has two nodes with
different input tensors (and perhaps shapes) but one set of weights: the
weights belong to the layer, the shapes belong to the node.
"""

from kerastutor.engine.keras_tensor import KerasHistory, KerasTensor
from kerastutor.engine.tree import flatten

__all__ = ["Node"]


class Node:
    """One call of `layer`: which tensors went in, which came out.

    Args:
        layer: the layer that was called.
        call_args: the positional inputs exactly as passed (a tensor or a list).
        call_kwargs: the keyword arguments as passed (e.g. `initial_state`).
        extra_args: the positional arguments after the inputs (`b` in `layer(a, b)`).
        outputs: the output KerasTensor, or a list of them.
        input_masks: the mask of each input tensor (None where there is none).
        output_masks: the mask of each output tensor.

    Creating a Node appends it to `layer._inbound_nodes`, which gives it its
    index, and stamps each output tensor with `(layer, node_index, i)`.
    """

    def __init__(
        self, layer, call_args, call_kwargs, outputs, input_masks, output_masks, extra_args=()
    ):
        self.layer = layer
        self.call_args = call_args
        self.call_kwargs = call_kwargs
        self.extra_args = tuple(extra_args)
        self.outputs = outputs
        self.input_tensors = [
            t
            for t in flatten([call_args, list(self.extra_args), call_kwargs])
            if isinstance(t, KerasTensor)
        ]
        self.output_tensors = flatten(outputs)
        self.input_masks = list(input_masks)
        self.output_masks = list(output_masks)
        self.index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, tensor in enumerate(self.output_tensors):
            tensor._keras_history = KerasHistory(layer, self.index, i)
            tensor.name = str(tensor._keras_history)
        for layer_before in self.inbound_layers:
            layer_before._outbound_nodes.append(self)

    @property
    def inbound_history(self):
        """`(layer, node_index, tensor_index)` of every input tensor."""
        return [t._keras_history for t in self.input_tensors]

    @property
    def inbound_layers(self):
        return [history.layer for history in self.inbound_history if history is not None]

    @property
    def parent_nodes(self):
        """The nodes whose outputs this node consumed."""
        return [
            history.layer._inbound_nodes[history.node_index]
            for history in self.inbound_history
            if history is not None
        ]

    @property
    def input_shapes(self):
        return [t.shape for t in self.input_tensors]

    @property
    def output_shapes(self):
        return [t.shape for t in self.output_tensors]

    def describe_inputs(self):
        """Keras's `layer[node][tensor]` notation for each input, e.g. 'input_1[0][0]'."""
        return [str(history) for history in self.inbound_history if history is not None]

    def __repr__(self):
        return (
            f"<Node {self.layer.name}[{self.index}]: {self.input_shapes} -> {self.output_shapes}>"
        )
