"""`model.summary()`: the classic Keras text table.

Chain-shaped models get the three-column table (Layer, Output Shape,
Param #); graphs get a fourth column, Connected to, naming each input as
`layer[node][tensor]`.

Beyond Keras: where Keras prints 'multiple' for a layer called more than
once, kerastutor prints one row per node with that node's own output shape,
and lists each shared layer's per-node input and output shapes under the
totals. One set of weights, several shapes: the table shows both.
"""

__all__ = ["print_summary", "print_unbuilt_summary"]


def _format_shape(shapes):
    if len(shapes) == 1:
        return str(shapes[0])
    return ", ".join(str(s) for s in shapes)


def _print_row(fields, positions, print_fn):
    line = ""
    for i, field in enumerate(fields):
        if i > 0:
            line = line[:-1] + " "
        line += str(field)
        line = line[: positions[i]]
        line += " " * (positions[i] - len(line))
    print_fn(line)


def _is_sequential_like(model):
    """A chain: one node per depth with one input, each layer used once."""
    if type(model).__name__ == "Sequential":
        return True
    seen_layers = set()
    for nodes in model._nodes_by_depth.values():
        if len(nodes) > 1 or len(nodes[0].input_tensors) > 1:
            return False
        if nodes[0].layer in seen_layers:
            return False
        seen_layers.add(nodes[0].layer)
    return True


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Print the summary of `model` line by line through `print_fn` (default print).

    Args:
        model: a built model.
        line_length: total width (65 for chains, 98 for graphs, as in Keras).
        positions: right edge of each column, as fractions or as absolute positions.
        print_fn: called with each line, e.g. `lines.append`.
    """
    print_fn = print_fn or print
    sequential_like = _is_sequential_like(model)
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [0.33, 0.55, 0.67, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    if type(model).__name__ == "Sequential":
        layers = [layer for layer in model.layers if layer is not model._input_layers[0]]
    else:
        layers = model.operations  # op nodes (`x + y`) get rows too, as in Keras 3

    print_fn("_" * line_length)
    _print_row(headers, positions, print_fn)
    print_fn("=" * line_length)

    shared = []
    for i, layer in enumerate(layers):
        nodes = model._relevant_nodes(layer)
        title = f"{layer.name} ({getattr(layer, 'type_label', type(layer).__name__)})"
        params = layer.count_params() if layer.built else 0
        if len(nodes) > 1:
            shared.append((layer, nodes))
        for k, node in enumerate(nodes):
            # The node's own index, so that rows match the `layer[node][tensor]`
            # references in the Connected to column (a layer may also have
            # nodes outside this model).
            name = title if len(nodes) == 1 else f"{title} node {node.index}"
            param_field = params if k == 0 else "(shared)"
            fields = [name, _format_shape(node.output_shapes), param_field]
            if sequential_like:
                _print_row(fields, positions, print_fn)
                continue
            connections = node.describe_inputs()
            _print_row(fields + [connections[0] if connections else ""], positions, print_fn)
            for connection in connections[1:]:
                _print_row(["", "", "", connection], positions, print_fn)
        for inner in layer._sublayers():  # what a wrapper applies, e.g. Bidirectional's two LSTMs
            inner_params = inner.count_params() if inner.built else 0
            _print_row(
                [f"  {inner.name} ({type(inner).__name__})", "", inner_params], positions, print_fn
            )
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length)

    trainable = sum(w.data.size for w in model.trainable_weights)
    total = model.count_params()
    print_fn(f"Total params: {total:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {total - trainable:,}")
    print_fn("_" * line_length)
    for layer, nodes in shared:
        print_fn(
            f"Shared layer {layer.name}: {len(nodes)} nodes, one set of "
            f"{layer.count_params():,} weights."
        )
        for node in nodes:
            print_fn(
                f"  node {node.index}: {_format_shape(node.input_shapes)} -> "
                f"{_format_shape(node.output_shapes)}"
            )


def print_unbuilt_summary(model, line_length=None, positions=None, print_fn=None):
    """The table of a Sequential that has not seen its input shape: shapes '?', no weights."""
    print_fn = print_fn or print
    line_length = line_length or 65
    positions = positions or [0.45, 0.75, 1.0]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    print_fn("_" * line_length)
    _print_row(["Layer (type)", "Output Shape", "Param #"], positions, print_fn)
    print_fn("=" * line_length)
    for i, layer in enumerate(model.layers):
        params = layer.count_params() if layer.built else "0 (unbuilt)"
        _print_row([f"{layer.name} ({type(layer).__name__})", "?", params], positions, print_fn)
        print_fn(("=" if i == len(model.layers) - 1 else "_") * line_length)
    print_fn("Total params: 0 (the model is not built yet: its weights depend on its input shape)")
    print_fn("_" * line_length)
