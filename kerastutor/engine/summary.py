"""`model.summary()`: the classic Keras text table.

Chain-shaped models get the three-column table (Layer, Output Shape,
Param #); graphs get a fourth column, Connected to, naming each input as
`layer[node][tensor]`.

Beyond Keras: where Keras prints 'multiple' for a layer called more than
once, kerastutor prints one row per node with that node's own output shape,
and lists each shared layer's per-node input and output shapes under the
totals. One set of weights, several shapes: the table shows both.

Nothing is cut off: a cell that does not fit its column wraps onto the next
lines (a layer's title between words, a list of shapes between shapes, as
Keras 2 wraps), and a column too narrow for one whole word or shape is
widened.

Once the optimizer has taken its first step, its variables count too, in
their own line, as Keras 3 prints them: 'Optimizer params' (the step
counter, the learning rate and each weight's slots, e.g. Adam's two moments),
and 'Total params' is the model's weights plus those.
"""

__all__ = ["print_subclassed_summary", "print_summary", "print_unbuilt_summary", "type_name"]


def type_name(layer):
    """The class name shown in brackets: 'Dense', 'Functional', a subclass's own name.

    A model made as `Model(inputs, outputs)` is a `Functional`, as in Keras 3.
    """
    label = getattr(layer, "type_label", None)  # an op node: 'Add' for `x + y`, as in Keras 3
    if label is not None:
        return label
    return type(layer).__name__


def _format_shape(shapes):
    if len(shapes) == 1:
        return str(shapes[0])
    return ", ".join(str(s) for s in shapes)


def _shape_pieces(shapes):
    """A cell's unbreakable pieces: one shape, or a list of shapes '[(..),', '(..)]'."""
    if len(shapes) == 1:
        return [str(shapes[0])]
    pieces = [f"{shape}," for shape in shapes[:-1]] + [f"{shapes[-1]}]"]
    pieces[0] = "[" + pieces[0]
    return pieces


def _cell_lines(pieces, width):
    """The pieces joined by spaces, in lines of at most `width` characters.

    A line breaks only between pieces; the lines after the first of a list of
    shapes start one space in, under the first shape rather than the '['.
    """
    indent = " " if pieces[0].startswith("[") else ""
    lines = [pieces[0]]
    for piece in pieces[1:]:
        if len(lines[-1]) + 1 + len(piece) <= width:
            lines[-1] += " " + piece
        else:
            lines.append(indent + piece)
    return lines


def _widths(rows, positions):
    """Each column's width from `positions`, widened where one piece would not fit.

    Every column but the last keeps one space free, so columns never touch.
    """
    widths = [end - start for start, end in zip([0] + positions[:-1], positions, strict=True)]
    last = len(widths) - 1
    for cells in rows:
        for column, pieces in enumerate(cells):
            indent = 1 if pieces and pieces[0].startswith("[") else 0
            needed = max((len(piece) + indent for piece in pieces), default=0)
            widths[column] = max(widths[column], needed + (0 if column == last else 1))
    return widths


def _print_row(cells, widths, print_fn):
    """One table row: each cell wrapped in its column, as many lines as the tallest."""
    wrapped = [
        _cell_lines(pieces, width - (0 if column == len(widths) - 1 else 1)) if pieces else []
        for column, (pieces, width) in enumerate(zip(cells, widths, strict=True))
    ]
    for i in range(max(len(lines) for lines in wrapped)):
        line = ""
        for lines, width in zip(wrapped, widths, strict=True):
            text = lines[i] if i < len(lines) else ""
            line += text + " " * (width - len(text))
        print_fn(line)


def _print_table(headers, blocks, line_length, positions, print_fn):
    """The header, then each block of rows between rules; returns the line length used.

    Each row is a list of cells, each cell a list of unbreakable pieces.
    """
    header = [header.split(" ") for header in headers]
    widths = _widths([header] + [row for rows in blocks for row in rows], positions)
    line_length = max(line_length, sum(widths))
    print_fn("_" * line_length)
    _print_row(header, widths, print_fn)
    print_fn("=" * line_length)
    for i, rows in enumerate(blocks):
        for cells in rows:
            _print_row(cells, widths, print_fn)
        print_fn(("=" if i == len(blocks) - 1 else "_") * line_length)
    return line_length


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

    # First every row (each cell a list of unbreakable pieces), then the widths they need.
    blocks, shared = [], []
    for layer in layers:
        nodes = model._relevant_nodes(layer)
        title = f"{layer.name} ({type_name(layer)})"
        params = layer.count_params() if layer.built else 0
        if len(nodes) > 1:
            shared.append((layer, nodes))
        rows = []
        for k, node in enumerate(nodes):
            # The node's own index, so that rows match the `layer[node][tensor]`
            # references in the Connected to column (a layer may also have
            # nodes outside this model).
            name = title if len(nodes) == 1 else f"{title} node {node.index}"
            param_field = params if k == 0 else "(shared)"
            cells = [name.split(" "), _shape_pieces(node.output_shapes), [str(param_field)]]
            if sequential_like:
                rows.append(cells)
                continue
            connections = node.describe_inputs()
            rows.append(cells + [connections[:1]])
            rows.extend([[], [], [], [connection]] for connection in connections[1:])
        blocks.append(rows)
    line_length = _print_table(headers, blocks, line_length, positions, print_fn)

    _print_totals(model, print_fn)
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


def _print_totals(model, print_fn):
    """Total, trainable and non-trainable counts, and the optimizer's once it has stepped."""
    trainable = sum(w.data.size for w in model.trainable_weights)
    weights = sum(w.data.size for w in model.weights)
    optimizer_count = optimizer_param_count(model)
    print_fn(f"Total params: {weights + (optimizer_count or 0):,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {weights - trainable:,}")
    if optimizer_count is not None:
        print_fn(f"Optimizer params: {optimizer_count:,}")


def optimizer_param_count(model):
    """How many numbers the optimizer keeps, or None before its first step (as Keras 3 counts).

    Keras 3 counts every variable the optimizer holds (`optimizer.variables`):
    its step counter, its learning rate (unless a schedule computes it), then
    its slots for each trainable weight (none for plain SGD, a momentum for
    SGD(momentum=...), two moments for Adam).
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(optimizer, "iterations", 0):
        return None
    return int(sum(variable.data.size for variable in optimizer.variables))


def print_subclassed_summary(model, line_length=None, positions=None, print_fn=None):
    """The table of a subclassed model: one row per layer it holds, as Keras 3 prints it.

    A layer shows the output shape for the input it was built with, and '?'
    with '0 (unbuilt)' parameters before the model's first call.
    """
    print_fn = print_fn or print
    line_length = line_length or 65
    positions = positions or [0.45, 0.85, 1.0]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    blocks = []
    for layer in model.layers:
        if layer.built:
            params = str(sum(w.data.size for w in layer.weights))
        else:
            params = "0 (unbuilt)"
        title = f"{layer.name} ({type_name(layer)})"
        blocks.append([[title.split(" "), _built_output_shape(layer), [params]]])
    headers = ["Layer (type)", "Output Shape", "Param #"]
    line_length = _print_table(headers, blocks, line_length, positions, print_fn)
    _print_totals(model, print_fn)
    print_fn("_" * line_length)
    if not model.built:
        print_fn(
            f"Model '{model.name}' is not built yet: its layers create their weights when "
            "`call` first runs. Call the model on a batch (or fit it), then ask again."
        )


def _built_output_shape(layer):
    """The cell pieces of a layer's output shape for the input it was built with, or '?'."""
    if getattr(layer, "outputs", None):  # a nested model knows its outputs
        return _shape_pieces([tensor.shape for tensor in layer.outputs])
    build_shape = getattr(layer, "_build_input_shape", None)
    if build_shape is None:
        return ["?"]
    try:
        output_shape = layer.compute_output_shape(build_shape)
    except (ValueError, TypeError, NotImplementedError):
        return ["?"]
    if isinstance(output_shape, tuple) and all(
        d is None or isinstance(d, int) for d in output_shape
    ):
        return [str(output_shape)]
    return _shape_pieces(list(output_shape))


def print_unbuilt_summary(model, line_length=None, positions=None, print_fn=None):
    """The table of a Sequential that has not seen its input shape: shapes '?', no weights."""
    print_fn = print_fn or print
    line_length = line_length or 65
    positions = positions or [0.45, 0.75, 1.0]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    blocks = [
        [
            [
                f"{layer.name} ({type_name(layer)})".split(" "),
                ["?"],
                [str(layer.count_params()) if layer.built else "0 (unbuilt)"],
            ]
        ]
        for layer in model.layers
    ]
    headers = ["Layer (type)", "Output Shape", "Param #"]
    line_length = _print_table(headers, blocks, line_length, positions, print_fn)
    print_fn("Total params: 0 (the model is not built yet: its weights depend on its input shape)")
    print_fn("Trainable params: 0")
    print_fn("Non-trainable params: 0")
    print_fn("_" * line_length)
