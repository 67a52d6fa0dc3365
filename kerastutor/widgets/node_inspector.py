"""NodeInspector: every call (node) of a layer, and the one set of weights they share.

Calling a layer on a symbolic tensor records a node: node 0 for the first
call, node 1 for the second, ... Each node has its own input and output
shapes; the weights belong to the layer, so every node uses the same ones.
The inspector shows both, and adds a row by itself when the layer is called
again in a later cell: the engine tells it (`layer.add_node_listener`), the
widget never polls. The layer holds the inspector weakly, and re-running the
cell that made an inspector replaces it, so re-runs leave no dead listeners.
"""

import ipywidgets

from kerastutor.engine.base_layer import Layer
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.summary import type_name
from kerastutor.utils.model_graph import describe_call
from kerastutor.widgets._render import (
    HIGHLIGHT,
    LAYER_FILL,
    MONO,
    MUTED,
    PANEL,
    TEXT,
    WidgetBase,
    checked_value,
    error_box,
    esc,
    format_shapes,
    node_colour,
    node_tint,
    on_light,
    svg,
    svg_arrow,
    svg_box,
    svg_text,
    table,
)

__all__ = ["NodeInspector"]


class NodeInspector(WidgetBase):
    """A live table of a layer's nodes (calls) and weights.

    Example:
        >>> from kerastutor.layers import Input, LSTM
        >>> from kerastutor.widgets import NodeInspector
        >>> lstm = LSTM(32)
        >>> inspector = NodeInspector(lstm)
        >>> _ = lstm(Input(shape=(280, 128)))
        >>> _ = lstm(Input(shape=(250, 128)))
        >>> inspector
        NodeInspector(lstm: 2 nodes, 3 weights, node 1 selected)

    Args:
        layer: any layer, or a Model (a Model's nodes are its own calls).
    """

    def __init__(self, layer):
        if not isinstance(layer, Layer):
            raise TypeError(
                f"NodeInspector shows the calls of one layer, received {type(layer).__name__}: "
                f"{layer!r}. Pass a layer such as `shared_lstm`."
            )
        self.layer = layer
        # Wide enough for a decoder's labels, `1: input_2[0][0], initial_state=[...]`.
        self.node_picker = ipywidgets.Dropdown(
            description="node",
            options=[],
            disabled=True,
            layout=ipywidgets.Layout(width="auto", min_width="300px", max_width="100%"),
        )
        super().__init__([self.node_picker])
        self._update_picker(select_last=True)
        self.listen_to(layer, "_on_new_node")

    @property
    def selected_node(self):
        """The index of the highlighted node, or None while the layer has none."""
        return self.node_picker.value

    def select(self, node_index):
        """Highlight node `node_index` (as choosing it in the drop-down does).

        Raises:
            ValueError: the layer has no node `node_index`.
            TypeError: `node_index` is not an int.
        """
        count = len(self.layer.inbound_nodes)
        if count == 0:
            raise ValueError(
                f"NodeInspector({self.layer.name}) has no `node` to select yet, received "
                f"{node_index!r}: the layer has never been called on a symbolic tensor. "
                f"Call it, e.g. `{self.layer.name}(Input(shape=...))`, and that call is node 0."
            )
        if not isinstance(node_index, int) or isinstance(node_index, bool):
            raise TypeError(
                f"NodeInspector's `node` takes a node index, an int from 0 to {count - 1}; "
                f"received {type(node_index).__name__} {node_index!r}."
            )
        why = f"{self.layer.name} has {count} node(s), numbered in call order from 0."
        value = checked_value("NodeInspector", "node", self.node_picker, node_index, why)
        self.node_picker.value = value

    def __repr__(self):
        nodes = len(self.layer.inbound_nodes)
        selected = "" if self.selected_node is None else f", node {self.selected_node} selected"
        return (
            f"NodeInspector({self.layer.name}: {nodes} node{'s' * (nodes != 1)}, "
            f"{len(self.layer.weights)} weights{selected})"
        )

    # ------------------------------------------------------------ updating

    def _on_new_node(self, layer, node):
        """Called by the engine when `layer` gets a new node: show it at once."""
        try:
            self._update_picker(select_last=True)
        except Exception as error:  # the learner's layer call must never fail because of us
            self.view.value = error_box("This view could not be updated", str(error))

    def _update_picker(self, select_last):
        nodes = self.layer.inbound_nodes
        options = [
            (f"{node.index}: {describe_call(node) or 'no inputs'}", node.index) for node in nodes
        ]
        with self.quiet():
            self.node_picker.options = options
            self.node_picker.disabled = not options
            if options and (select_last or self.node_picker.value is None):
                self.node_picker.value = options[-1][1]
        self.refresh()

    # ------------------------------------------------------------ drawing

    def _render(self):
        layer = self.layer
        nodes = layer.inbound_nodes
        title = f"<b>{esc(layer.name)}</b> ({esc(type_name(layer))})"
        if not nodes:
            return (
                f"<div>{title} has no nodes yet: it has never been called on a symbolic tensor. "
                f"Call it, e.g. <code>{esc(layer.name)}(Input(shape=...))</code>, and the call "
                "appears here as node 0. (Calling it on arrays computes numbers and adds no "
                "node.)</div>" + self._weights_table()
            )
        params = f"{layer.count_params():,}" if layer.built else "0"
        summary = (
            f"<div>{title}: called {len(nodes)} time{'s' * (len(nodes) != 1)}, so "
            f"{len(nodes)} node{'s' * (len(nodes) != 1)} (numbered in call order); one set of "
            f"weights ({params} params) used by every node.</div>"
        )
        return (
            summary
            + self._picture(nodes)
            + self._nodes_table(nodes)
            + self._selected_details()
            + self._weights_table()
        )

    def _nodes_table(self, nodes):
        rows, styles, classes = [], [], []
        for node in nodes:
            selected = node.index == self.selected_node
            input_masks = [m.shape for m in node.input_masks if isinstance(m, KerasTensor)]
            output_masks = [m.shape for m in node.output_masks if isinstance(m, KerasTensor)]
            rows.append(
                [
                    f'<span style="color:{node_colour(node.index)};font-weight:bold;">'
                    f"{node.index}</span>",
                    f'<span style="{MONO}">{esc(describe_call(node) or "-")}</span>',
                    esc(format_shapes(node.input_shapes)),
                    esc(format_shapes(node.output_shapes)),
                    esc(format_shapes(input_masks)) + " / " + esc(format_shapes(output_masks)),
                ]
            )
            styles.append(f"{on_light(HIGHLIGHT)}font-weight:bold;" if selected else "")
            classes.append("kt-node kt-selected" if selected else "kt-node")
        headers = ["node", "called on", "input shape", "output shape", "mask in / out"]
        return table(headers, rows, styles, classes, caption="Nodes: one per call")

    def _selected_details(self):
        if self.selected_node is None:
            return ""
        index = self.selected_node
        node = self.layer.inbound_nodes[index]
        name = self.layer.name
        lines = [
            f"{name}.get_input_shape_at({index})   # {format_shapes(node.input_shapes)}",
            f"{name}.get_output_shape_at({index})  # {format_shapes(node.output_shapes)}",
            f"{name}.get_output_at({index})        # the tensor {', '.join(_tensor_names(node))}",
        ]
        return (
            f'<div class="kt-details" style="margin:4px 0;">Node {index} in code:'
            f'<pre style="{MONO}margin:2px 0;background:{PANEL};color:{TEXT};padding:4px;">'
            + esc("\n".join(lines))
            + "</pre></div>"
        )

    def _weights_table(self):
        layer = self.layer
        weights = layer.weights
        if not weights:
            if not layer.built:
                return "<div>No weights yet: they are created when the layer is first called.</div>"
            return "<div>This layer has no weights.</div>"
        trainable_ids = {id(w) for w in layer.trainable_weights}
        count = len(layer.inbound_nodes)
        used_by = (
            "no node yet"
            if count == 0
            else f"all {count} nodes"
            if count > 1
            else "node 0 (the only one)"
        )
        rows = [
            [
                f'<span style="{MONO}">{esc(w.name.split("/")[-1])}</span>',
                esc(tuple(w.shape)),
                f"{int(w.data.size):,}",
                "yes" if id(w) in trainable_ids else "no (frozen)",
                used_by,
            ]
            for w in weights
        ]
        headers = ["weight", "shape", "params", "trainable", "used by"]
        return table(headers, rows, caption="Weights: one set for the layer")

    def _picture(self, nodes):
        """Each node's input arrows into the one layer box, and its output arrows out.

        The columns are as wide as their longest label (a decoder LSTM's node
        reads `input_2[0][0], initial_state=[input_3[0][0], input_4[0][0]]`),
        up to `_LABEL_CHARS` characters; a longer label is shortened and its
        full text shown on hover.
        """
        shown = nodes[:8]
        row_height = 34
        height = max(len(shown) * row_height + 20, 60)
        sources = [describe_call(node) or "(no inputs)" for node in shown]
        outputs = [", ".join(_tensor_names(node)) for node in shown]
        in_shapes = [format_shapes(node.input_shapes) for node in shown]
        out_shapes = [format_shapes(node.output_shapes) for node in shown]
        left = _column_width(sources, in_shapes)
        right = _column_width(outputs, out_shapes)
        box_width = 120
        box_x = 8 + left + 40  # the labels, then an arrow 40 px long at least
        out_x = box_x + box_width + 48
        width = out_x + right + 8
        elements = [
            svg_box(box_x, 10, box_width, height - 20, self.layer.name, LAYER_FILL, bold=True)
        ]
        for row, node in enumerate(shown):
            y = 10 + row_height * row + row_height / 2 + 2
            selected = node.index == self.selected_node
            colour = node_colour(node.index)
            weight = 3 if selected else 1.5
            elements.append(_label(8, y - 4, sources[row], colour, bold=selected))
            elements.append(_label(8, y + 9, in_shapes[row], MUTED, size=10))
            elements.append(svg_arrow(8 + left + 6, y, box_x - 2, y, colour, weight))
            elements.append(svg_arrow(box_x + box_width + 2, y, out_x - 8, y, colour, weight))
            elements.append(_label(out_x, y - 4, outputs[row], colour, bold=selected))
            elements.append(_label(out_x, y + 9, out_shapes[row], MUTED, size=10))
            elements.append(
                f'<circle cx="{box_x + 14}" cy="{y}" r="9" '
                f'style="fill:{node_tint(node.index)};stroke:{colour};"/>'
                + svg_text(box_x + 14, y + 4, str(node.index), colour, size=10, bold=True)
            )
        more = ""
        if len(nodes) > len(shown):
            more = f"<div>(picture shows the first {len(shown)} of {len(nodes)} nodes)</div>"
        return svg(width, height, elements) + more


# Label widths in the picture: about this many pixels a character (11 px text;
# 10 px text is narrower), and at most this many characters before shortening.
_CHAR_WIDTH = 6.6
_LABEL_CHARS = 60


def _column_width(labels, small_labels):
    """Pixels for a column of labels (11 px) with a smaller label (10 px) under each."""
    chars = max([min(len(text), _LABEL_CHARS) for text in labels] + [10])
    small = max([min(len(text), _LABEL_CHARS) * 0.9 for text in small_labels] + [0])
    return round(max(chars, small) * _CHAR_WIDTH)


def _label(x, y, text, colour, size=11, bold=False):
    """A left-aligned label, shortened with '…' past _LABEL_CHARS (the full text on hover)."""
    if len(text) <= _LABEL_CHARS:
        return svg_text(x, y, text, colour, anchor="start", size=size, bold=bold)
    short = svg_text(x, y, text[: _LABEL_CHARS - 1] + "…", colour, "start", size, bold)
    return f"<g><title>{esc(text)}</title>{short}</g>"


def _tensor_names(node):
    return [str(tensor._keras_history) for tensor in node.output_tensors]
