"""`plot_model` (Keras 2's `keras.utils.vis_utils`): draw a model's graph, every call visible.

Keras's `plot_model` draws a shared layer as one box and prints "multiple"
where its shapes differ from call to call. kerastutor draws one box per
layer too (the weights are one set), but the box lists every call (node)
with that node's own input and output shapes, and every arrow says which
tensor it carries in Keras's `layer[node][tensor]` notation. A learner can
read off `lstm.get_input_shape_at(1)` from the picture.

The picture is Graphviz's DOT language. The Python package `graphviz`
wraps it (and displays as SVG in Jupyter); turning DOT into an image needs
Graphviz's `dot` program, which comes from the system, not from pip.

Example:
    >>> from kerastutor.layers import Input, Dense
    >>> from kerastutor.utils import plot_model
    >>> features = Input(shape=(3,), name="features")
    >>> diagram = plot_model(Dense(2)(features))  # no Model needed
    >>> "features[0][0]" in diagram.source
    True
"""

import html
import pathlib

from kerastutor.engine.functional import Functional
from kerastutor.engine.input_layer import InputLayer
from kerastutor.engine.summary import type_name
from kerastutor.utils.model_graph import (
    NODE_COLOURS,
    NODE_TINTS,
    collect_graph,
    format_shapes,
    wrapped_layers,
)

try:
    import graphviz
except ImportError:  # the notebook extra is not installed; plot_model says how to get it
    graphviz = None

__all__ = ["plot_model", "GraphvizNotFoundError"]

_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg"}
_SOURCE_FORMATS = (".dot", ".gv")

_HOW_TO_INSTALL_DOT = (
    "The pip package `graphviz` is only the Python wrapper; the `dot` program itself comes "
    "from the system:\n"
    "    Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "    conda:          conda install graphviz\n"
    "    macOS:          brew install graphviz\n"
    "Then restart the Jupyter kernel. Meanwhile the diagram's DOT source is in `.source` "
    "(on this error and on the diagram); any Graphviz viewer draws it."
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz (the Python package or the `dot` program) is missing.

    Attributes:
        source: the diagram's DOT source, which needs neither.
    """

    def __init__(self, message, source):
        super().__init__(message)
        self.source = source


def plot_model(
    model,
    to_file=None,
    show_shapes=True,
    show_layer_names=True,
    show_node_indices=True,
    rankdir="TB",
    expand_nested=False,
    show_masks=False,
    dpi=96,
):
    """Draw a model, or the graph behind some output tensors, as a Graphviz diagram.

    Args:
        model: a Model, or a symbolic tensor or list of them (to draw while
            wiring, before any Model exists).
        to_file: optional path; '.png', '.svg', '.pdf' or '.jpg' write an
            image (needs the `dot` program), '.dot' / '.gv' the DOT source.
        show_shapes: list each node's input and output shapes in its layer's
            box, and each tensor's shape on its arrow.
        show_layer_names: show layer names as well as class names.
        show_node_indices: label each arrow with the tensor it carries,
            `layer[node][tensor]`, and with the node it enters when that layer
            is shared.
        rankdir: 'TB' (top to bottom), 'LR', 'BT' or 'RL'.
        expand_nested: draw the layers of nested models inside a frame
            instead of one box per nested model.
        show_masks: add each node's output mask and mark arrows carrying one.
        dpi: resolution of PNG and JPG output.

    Returns:
        A `graphviz.Digraph` (it displays as SVG in Jupyter; `.source` is its
        DOT text).

    Raises:
        GraphvizNotFoundError: when the `graphviz` package is missing, or when
            `to_file` asks for an image and the `dot` program is missing. Its
            `source` attribute holds the DOT source all the same.
    """
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"`rankdir` must be one of 'TB', 'LR', 'BT', 'RL', received {rankdir!r}.")
    graph = collect_graph(model)
    writer = _DotWriter(show_shapes, show_layer_names, show_node_indices, expand_nested, show_masks)
    body = [f"\tgraph [rankdir={rankdir} fontname=Helvetica]\n"]
    body += ["\tnode [shape=plaintext fontname=Helvetica fontsize=11]\n"]
    body += ["\tedge [fontname=Helvetica fontsize=10]\n"]
    body += writer.draw(graph)
    source = "digraph {\n" + "".join(body) + "}\n"
    if graphviz is None:
        raise GraphvizNotFoundError(
            "plot_model needs the Python package `graphviz`: pip install graphviz (or "
            "pip install 'kerastutor[notebook]'). It also needs the `dot` program. "
            + _HOW_TO_INSTALL_DOT,
            source,
        )
    title = model.name if isinstance(model, Functional) else "outputs"
    diagram = Diagram(body, title, box_count=len(writer.box_ids), arrow_count=writer.edge_count)
    if to_file is not None:
        _write(diagram, pathlib.Path(to_file), dpi)
    return diagram


def _write(diagram, path, dpi):
    suffix = path.suffix.lower()
    if suffix in _SOURCE_FORMATS:
        path.write_text(diagram.source, encoding="utf-8")
        return
    if suffix not in _FORMATS:
        known = ", ".join(sorted(_FORMATS) + list(_SOURCE_FORMATS))
        raise ValueError(
            f"plot_model cannot write '{path.name}': the file extension must be one of {known}."
        )
    image_format = _FORMATS[suffix]
    drawing = diagram
    if image_format in ("png", "jpg"):
        # Only pixel images get a dpi: in SVG, Graphviz would scale the size
        # but not the drawing, and crop it.
        drawing = graphviz.Digraph(body=[f"\tgraph [dpi={int(dpi)}]\n"] + list(diagram.body))
    try:
        image = drawing.pipe(format=image_format)
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError(
            f"plot_model needs Graphviz's `dot` program to write '{path.name}', and `dot` is "
            "not on this machine's PATH. " + _HOW_TO_INSTALL_DOT,
            diagram.source,
        ) from None
    path.write_bytes(image)


_Digraph = graphviz.Digraph if graphviz is not None else object


class Diagram(_Digraph):
    """A `graphviz.Digraph` with a stable text repr, that explains a missing `dot`.

    In Jupyter it displays as SVG. Where the `dot` program is missing, it
    displays the installation instructions and its DOT source instead of
    raising.
    """

    def __init__(self, body, title, box_count, arrow_count):
        super().__init__(body=body)
        self.title = title
        self.box_count = box_count
        self.arrow_count = arrow_count

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        try:
            bundle = super()._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
        except graphviz.ExecutableNotFound:
            return {
                "text/plain": "This diagram cannot be drawn: Graphviz's `dot` program is not "
                "on this machine's PATH. " + _HOW_TO_INSTALL_DOT + "\n\n" + self.source
            }
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self):
        return (
            f"<Diagram of {self.title}: {self.box_count} boxes, {self.arrow_count} arrows; "
            "DOT text in .source>"
        )


class _DotWriter:
    """Turns a ModelGraph into DOT statements: one box per layer, one arrow per tensor use."""

    def __init__(self, show_shapes, show_layer_names, show_node_indices, expand_nested, show_masks):
        self.show_shapes = show_shapes
        self.show_layer_names = show_layer_names
        self.show_node_indices = show_node_indices
        self.expand_nested = expand_nested
        self.show_masks = show_masks
        self.box_ids = {}
        self.edge_count = 0
        self.cluster_count = 0

    def draw(self, graph, scope=(), indent="\t"):
        """DOT lines for the boxes and arrows of `graph`, inside nested frame `scope`."""
        lines = []
        for layer in graph.layers:
            if self._expands(layer):
                lines += self._cluster(layer, scope, indent)
            else:
                label = self._box_label(graph, layer)
                lines.append(f"{indent}{self._box_id(scope, layer)} [label=<{label}>]\n")
        for node in graph.nodes:
            if isinstance(node.layer, InputLayer):
                continue
            for position, tensor in enumerate(node.input_tensors):
                lines.append(indent + self._arrow(graph, scope, tensor, node, position) + "\n")
        return lines

    # ------------------------------------------------------------ boxes

    def _box_id(self, scope, layer):
        key = (scope, layer)
        if key not in self.box_ids:
            self.box_ids[key] = f"layer_{len(self.box_ids)}"
        return self.box_ids[key]

    def _expands(self, layer):
        return self.expand_nested and isinstance(layer, Functional)

    def _cluster(self, model, scope, indent):
        self.cluster_count += 1
        title = self._title(model)
        lines = [f"{indent}subgraph cluster_{self.cluster_count} {{\n"]
        lines.append(f'{indent}\tlabel=<{title}> style="rounded,dashed" color="#888888"\n')
        lines += self.draw(collect_graph(model), scope + (model,), indent + "\t")
        lines.append(f"{indent}}}\n")
        return lines

    def _title(self, layer):
        class_name = html.escape(type_name(layer))
        if not self.show_layer_names:
            return f"<b>{class_name}</b>"
        return f"<b>{html.escape(layer.name)}</b> ({class_name})"

    def _box_label(self, graph, layer):
        """An HTML-like table: the layer, then one row per node with its shapes."""
        nodes = graph.nodes_of(layer)
        shared = len(nodes) > 1
        columns = ["input", "output"] + (["mask"] if self.show_masks else [])
        if self.show_node_indices:
            columns = ["node"] + columns
        header = "#fde2c4" if shared else "#e8e8e8" if isinstance(layer, InputLayer) else "#dbe9f6"
        width = len(columns) if self.show_shapes else 1
        rows = [f'<tr><td colspan="{width}" bgcolor="{header}">{self._title(layer)}</td></tr>']
        # A wrapper's box names the layers it applies, each with its weights.
        for inner in wrapped_layers(layer):
            params = f"{inner.count_params():,} params" if inner.built else "not built"
            rows.append(
                f'<tr><td colspan="{width}" bgcolor="#f3f3f3">wraps {self._title(inner)}: '
                f"{params}</td></tr>"
            )
        if self.show_shapes:
            rows.append("<tr>" + "".join(f"<td><i>{c}</i></td>" for c in columns) + "</tr>")
            for node in nodes:
                cells = [format_shapes(node.input_shapes), format_shapes(node.output_shapes)]
                if self.show_masks:
                    masks = [m.shape for m in node.output_masks if m is not None]
                    cells.append(format_shapes(masks))
                cells = [f"<td>{html.escape(c)}</td>" for c in cells]
                if self.show_node_indices:
                    tint = NODE_TINTS[node.index % len(NODE_TINTS)] if shared else "white"
                    cells = [f'<td bgcolor="{tint}">{node.index}</td>'] + cells
                rows.append("<tr>" + "".join(cells) + "</tr>")
        if shared:
            params = f"{layer.count_params():,}" if layer.built else "no"
            rows.append(
                f'<tr><td colspan="{width}">shared: {len(nodes)} calls, '
                f"one set of weights ({params} params)</td></tr>"
            )
        table = '<table border="0" cellborder="1" cellspacing="0" cellpadding="4">'
        return table + "".join(rows) + "</table>"

    # ------------------------------------------------------------ arrows

    def _entry_box(self, scope, layer, position):
        """The box an arrow into `layer`'s input `position` points at."""
        if self._expands(layer):
            inputs = layer.inputs
            tensor = inputs[position] if position < len(inputs) else inputs[0]
            return self._box_id(scope + (layer,), tensor._keras_history.layer)
        return self._box_id(scope, layer)

    def _exit_box(self, scope, layer, tensor_index):
        """The box an arrow carrying output `tensor_index` of `layer` starts from."""
        if self._expands(layer):
            history = layer.outputs[tensor_index]._keras_history
            return self._exit_box(scope + (layer,), history.layer, history.tensor_index)
        return self._box_id(scope, layer)

    def _arrow(self, graph, scope, tensor, node, position):
        self.edge_count += 1
        producer, node_index, tensor_index = tensor._keras_history
        lines = []
        if self.show_node_indices:
            reference = str(tensor._keras_history)
            if graph.is_shared(node.layer):
                reference += f" \u2192 node {node.index}"
            lines.append(reference)
        if self.show_shapes:
            lines.append(str(tensor.shape))
        masked = self.show_masks and tensor._keras_mask is not None
        if masked:
            lines.append(f"mask {tensor._keras_mask.shape}")
        attributes = [f'label="{_escape_quoted(chr(10).join(lines))}"'] if lines else []
        if graph.is_shared(node.layer):
            attributes.append(f'color="{NODE_COLOURS[node.index % len(NODE_COLOURS)]}"')
        elif graph.is_shared(producer):
            attributes.append(f'color="{NODE_COLOURS[node_index % len(NODE_COLOURS)]}"')
        if masked:
            attributes.append("style=dashed")
        start = self._exit_box(scope, producer, tensor_index)
        end = self._entry_box(scope, node.layer, position)
        return f"{start} -> {end} [{' '.join(attributes)}]"


def _escape_quoted(text):
    """Text for a double-quoted DOT string; newlines become DOT's '\\n'."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
