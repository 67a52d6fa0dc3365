"""ShapeFlow: a wiring playground that shows every tensor's shape.

The learner writes a small function that wires layers together from a few
arguments (timesteps, features, units, return_sequences, ...). ShapeFlow
turns each argument into a control; every change calls the function again,
builds the graph for real, and lists every layer call with its input and
output shapes (the ones that changed are marked). A wiring Keras would reject
is explained inside the widget: which layer, which node, the shapes, and the
layer's own reason. The widget keeps working, whatever the function raises.
"""

import linecache
import traceback

import ipywidgets
import traitlets

from kerastutor.engine.base_layer import Layer
from kerastutor.engine.functional import Functional
from kerastutor.engine.shape_trace import trace_shapes
from kerastutor.engine.summary import type_name
from kerastutor.utils.model_graph import collect_graph, describe_call
from kerastutor.widgets._render import (
    CHANGED,
    ERROR_FILL,
    ERROR_TITLE,
    MONO,
    WidgetBase,
    checked_value,
    error_box,
    esc,
    format_shapes,
    node_colour,
    on_light,
    sandbox,
    table,
    unknown_control,
)

__all__ = ["ShapeFlow"]


class ShapeFlow(WidgetBase):
    """Controls for a wiring's arguments, and the shapes that flow through it.

    Example:
        >>> from kerastutor.layers import Input, LSTM, Dense
        >>> from kerastutor.widgets import ShapeFlow
        >>> def wiring(timesteps, features, units, return_sequences):
        ...     x = Input(shape=(timesteps, features))
        ...     h = LSTM(units, return_sequences=return_sequences)(x)
        ...     return Dense(5)(h)
        >>> flow = ShapeFlow(wiring, timesteps=7, features=12, units=32,
        ...                  return_sequences=True)
        >>> flow.shapes["dense"]
        [(None, 7, 5)]

    Args:
        build_fn: a function that takes the controls' values as keyword
            arguments and returns the output tensor(s) or a Model. Or a Model:
            then the controls are its inputs' sizes, and the model's layers
            are checked against them without being changed.
        **controls: one per argument of `build_fn`: an int (a slider around
            it), a bool (a checkbox), a (min, max) or (min, max, step) tuple
            (a slider starting at min), a list (a drop-down), a str (a text
            box), or any ipywidgets control.
    """

    rows = traitlets.List()  # one dict per layer call: layer, node, shapes in and out
    shapes = traitlets.Dict()  # call name ('dense', or 'lstm[1]' for a shared layer) -> shapes
    error = traitlets.Dict(None, allow_none=True)  # what went wrong, or None
    changed = traitlets.Set()  # the calls whose output shapes changed at the last update
    last_good_rows = traitlets.List()  # the rows of the last wiring that worked (drawn faded)

    def __init__(self, build_fn, **controls):
        self.model = build_fn if isinstance(build_fn, Functional) else None
        if self.model is None and not callable(build_fn):
            raise TypeError(
                "ShapeFlow needs a function that wires layers (or a Model), received "
                f"{type(build_fn).__name__}: {build_fn!r}."
            )
        self.build_fn = build_fn
        if self.model is not None and not controls:
            controls = _input_size_controls(self.model)
        self.control_widgets = {
            name: _make_control(name, value) for name, value in controls.items()
        }
        super().__init__(list(self.control_widgets.values()))
        self.refresh()

    @property
    def values(self):
        """The controls' current values, by argument name."""
        return {name: control.value for name, control in self.control_widgets.items()}

    def set(self, **values):
        """Change controls from code, as moving them would (one render per value).

        Every name and value is checked before any control changes.

        Raises:
            ValueError: a name that is not a control, or a value outside its range.
            TypeError: a value of the wrong type for its control.
        """
        checked = {}
        for name, value in values.items():
            if name not in self.control_widgets:
                raise unknown_control("ShapeFlow", name, self.control_widgets)
            why = "Make the ShapeFlow with a (min, max) tuple for that argument to widen it."
            checked[name] = checked_value("ShapeFlow", name, self.control_widgets[name], value, why)
        for name, value in checked.items():
            control = self.control_widgets[name]
            try:
                control.value = value
            except traitlets.TraitError as error:  # a control of your own that refuses it
                raise ValueError(
                    f"ShapeFlow's `{name}` control ({type(control).__name__}) cannot take "
                    f"{value!r}: {error}"
                ) from None

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        state = "rejected" if self.error else f"{len(self.rows)} calls"
        return f"ShapeFlow({arguments}: {state})"

    # ------------------------------------------------------------ building

    def refresh(self):
        """Compute the state from the controls (`_update`), then draw it."""
        self._update()
        super().refresh()

    def _update(self):
        """Wire (or trace) for the current values; set rows, shapes, error and changed."""
        previous = dict(self.shapes)
        try:
            if self.model is not None:
                rows, failure = _dry_run(self.model, self.values)
            else:
                rows, failure = self._build()
        except Exception as error:  # whatever the learner's function does, keep working
            rows, failure = [], _describe_failure(error)
        shapes = {row["call"]: row["output_shapes"] for row in rows}
        self.changed = {
            call for call, shape in shapes.items() if call in previous and previous[call] != shape
        }
        self.rows, self.shapes, self.error = rows, shapes, failure
        if failure is None:
            self.last_good_rows = rows

    def _render(self):
        if self.error is None:
            return self._flow_table(self.rows)
        body = _failure_html(self.error)
        if self.rows:
            body += self._flow_table(
                self.rows, caption="The calls that worked, up to the failing one"
            )
        elif self.last_good_rows:
            body += self._flow_table(
                self.last_good_rows, caption="The last wiring that worked", faded=True
            )
        return body

    def _build(self):
        """Call the learner's function in a sandbox; the rows of the graph, or a failure."""
        with sandbox():
            try:
                result = self.build_fn(**self.values)
            except Exception as error:
                failure = _describe_failure(error)
                partial = failure.pop("inputs", None)
                rows = _rows(collect_graph(partial)) if partial else []
                if "layer" in failure:
                    rows.append(_rejected_row(failure))
                return rows, failure
            title = "The build function must return output tensors or a Model"
            if isinstance(result, Layer) and not isinstance(result, Functional):
                message = (
                    "It returned a layer; return what calling it gave (its output tensor), "
                    "e.g. `return Dense(5)(x)`."
                )
                return [], {"type": "TypeError", "title": title, "message": message}
            try:
                return _rows(collect_graph(result)), None
            except (TypeError, ValueError) as error:
                return [], {"type": type(error).__name__, "title": title, "message": str(error)}

    # ------------------------------------------------------------ drawing

    def _flow_table(self, rows, caption="Every layer call, in the order data flows", faded=False):
        cells, styles, classes = [], [], []
        for step, row in enumerate(rows):
            changed = row["call"] in self.changed and not faded
            rejected = row.get("rejected", False)
            name = f"{row['layer']} ({row['class']})"
            if row["shared"]:
                name += f" node {row['node']}"
            # A shared layer's calls take their node's colour; others the row's own text colour.
            colour = f"color:{node_colour(row['node'])};" if row["shared"] else ""
            cells.append(
                [
                    str(step),
                    f'<span style="{colour}font-weight:bold;">{esc(name)}</span>',
                    f'<span style="{MONO}">{esc(row["called_on"] or "-")}</span>',
                    esc(format_shapes(row["input_shapes"])),
                    "rejected" if rejected else esc(format_shapes(row["output_shapes"])),
                ]
            )
            style = on_light(CHANGED) if changed else ""
            if rejected:
                style = f"{on_light(ERROR_FILL)}color:{ERROR_TITLE};font-weight:bold;"
            styles.append(style + ("opacity:0.5;" if faded else ""))
            classes.append(
                "kt-call kt-rejected"
                if rejected
                else "kt-call kt-changed"
                if changed
                else "kt-call"
            )
        headers = ["step", "layer call", "called on", "input shape", "output shape"]
        return table(headers, cells, styles, classes, caption=caption)


# ---------------------------------------------------------------- controls


def _make_control(name, value):
    if isinstance(value, ipywidgets.ValueWidget):
        if not value.description:
            value.description = name
        return value
    style = {"description_width": "initial"}
    if isinstance(value, bool):
        return ipywidgets.Checkbox(value=value, description=name, indent=False)
    if isinstance(value, int):
        return ipywidgets.IntSlider(
            value=value, min=1, max=max(4 * value, 8), description=name, style=style
        )
    if isinstance(value, float):
        return ipywidgets.FloatSlider(
            value=value, min=0.0, max=max(2 * value, 1.0), description=name, style=style
        )
    if isinstance(value, tuple) and len(value) in (2, 3) and all(isinstance(v, int) for v in value):
        step = value[2] if len(value) == 3 else 1
        return ipywidgets.IntSlider(
            value=value[0], min=value[0], max=value[1], step=step, description=name, style=style
        )
    if isinstance(value, list) and value:
        return ipywidgets.Dropdown(options=value, value=value[0], description=name, style=style)
    if isinstance(value, str):
        return ipywidgets.Text(value=value, description=name, style=style)
    raise TypeError(
        f"ShapeFlow cannot make a control for `{name}={value!r}`: give an int, a bool, a "
        "(min, max) tuple, a list of choices, a str, or an ipywidgets control."
    )


def _input_size_controls(model):
    """One slider per axis of each model input (batch axis excluded)."""
    controls = {}
    for tensor, layer_name in zip(model.inputs, model.input_names):
        for axis, size in enumerate(tensor.shape[1:], start=1):
            start = size if size is not None else 10
            label = f"{layer_name} axis {axis}" + (" (None)" if size is None else "")
            controls[f"{layer_name}_axis_{axis}"] = ipywidgets.IntSlider(
                value=start,
                min=1,
                max=max(4 * start, 8),
                description=label,
                style={"description_width": "initial"},
            )
    return controls


# ---------------------------------------------------------------- graph rows


def _rows(graph):
    """One dict per layer call of `graph`, in the order data reaches them."""
    return [
        _row(node, graph.is_shared(node.layer), node.input_shapes, node.output_shapes)
        for node in graph.nodes
    ]


def _dry_run(model, values):
    """Every tensor's shape for new input sizes, from the engine's `trace_shapes`.

    Each node's layer checks the new input shapes against its `input_spec`
    (as a real call would) and computes its output shape; no layer is
    called and the model is not changed. A refusal is the engine's
    LayerCallError, which names the layer, the node and the shapes.
    """
    input_shapes = []
    for tensor, layer_name in zip(model.inputs, model.input_names):
        input_shapes.append(
            (None,)
            + tuple(values[f"{layer_name}_axis_{axis}"] for axis in range(1, len(tensor.shape)))
        )
    try:
        steps = trace_shapes(model, input_shapes)
    except (ValueError, TypeError) as error:
        if not hasattr(error, "traced"):
            raise
        rows = [_dry_row(*step) for step in error.traced]
        failure = _describe_failure(error)
        node = error.layer.inbound_nodes[error.node_index]
        failure["called_on"] = describe_call(node)
        failure.pop("inputs", None)
        return rows + [_rejected_row(failure)], failure
    return [_dry_row(*step) for step in steps], None


def _rejected_row(failure):
    return {
        "call": f"{failure['layer']}[{failure['node']}]",
        "layer": failure["layer"],
        "class": failure["kind"],
        "node": failure["node"],
        "shared": failure["node"] > 0,
        "called_on": failure.get("called_on", ""),
        "input_shapes": failure["input_shapes"],
        "output_shapes": [],
        "rejected": True,
    }


def _dry_row(node, input_shapes, output_shapes):
    return _row(node, len(node.layer.inbound_nodes) > 1, input_shapes, output_shapes)


def _row(node, shared, input_shapes, output_shapes):
    """The table row of one layer call: who was called on what, shapes in and out."""
    return {
        "call": node.layer.name + (f"[{node.index}]" if shared else ""),
        "layer": node.layer.name,
        "class": type_name(node.layer),
        "node": node.index,
        "shared": shared,
        "called_on": describe_call(node),
        "input_shapes": [tuple(shape) for shape in input_shapes],
        "output_shapes": [tuple(shape) for shape in output_shapes],
    }


# ---------------------------------------------------------------- failures


def _describe_failure(error):
    """What went wrong, for the learner: the message and, for a refused layer call, which one.

    A layer call the engine refuses raises a LayerCallError (a TypeError,
    or a more specific ValueError, carries the same facts): the layer, the
    node the call would have been, the input shapes and tensors. The
    traceback is read only to tell kerastutor's errors from the learner's
    own, and to find the learner's line.
    """
    failure = {"type": type(error).__name__, "message": str(error).strip() or repr(error)}
    raised_by_kerastutor = False
    learners_line = None  # the last line of the learner's code the error passed through
    for frame, line_number in traceback.walk_tb(error.__traceback__):
        raised_by_kerastutor = frame.f_globals.get("__name__", "").startswith("kerastutor.")
        if not raised_by_kerastutor:
            code = linecache.getline(frame.f_code.co_filename, line_number).strip()
            learners_line = (frame.f_code.co_name, line_number, code)
    if raised_by_kerastutor and isinstance(error, (ValueError, TypeError)):
        failure["title"] = "Keras would reject this wiring"
    elif raised_by_kerastutor:
        failure["title"] = f"The build function raised {type(error).__name__}"
    else:  # the learner's own code failed before (or without) any layer refusing anything
        failure["title"] = f"A Python error in your code: {type(error).__name__}"
        failure["python_error"] = True
        if learners_line is not None:
            failure["where"] = learners_line
    layer = getattr(error, "layer", None)
    if isinstance(layer, Layer) and getattr(error, "node_index", None) is not None:
        tensors = list(getattr(error, "inputs", []))
        failure.update(
            layer=layer.name,
            kind=type(layer).__name__,
            node=error.node_index,
            input_shapes=list(error.input_shapes),
            called_on=", ".join(
                str(t._keras_history) for t in tensors if t._keras_history is not None
            ),
        )
        if tensors and all(t._keras_history is not None for t in tensors):
            # What worked: the failing layer's earlier calls, and what fed this one.
            earlier = [t for node in layer.inbound_nodes for t in node.output_tensors]
            failure["inputs"] = earlier + tensors
    return failure


def _failure_html(failure):
    if failure.get("python_error"):
        return _python_error_html(failure)
    lines = []
    if "layer" in failure:
        lines.append(
            f"Layer: {failure['layer']} ({failure['kind']}), as its node {failure['node']}"
        )
        lines.append(f"Called on shape: {format_shapes(failure['input_shapes'])}")
    lines.append(f"Why: {failure['message']}")
    return error_box(
        failure["title"],
        "\n".join(lines),
        "Nothing is broken: change a control to try another wiring.",
    )


def _python_error_html(failure):
    """A plain Python bug in the learner's function: their line and Python's message."""
    lines = [f"{failure['type']}: {failure['message']}"]
    if "where" in failure:
        function, line_number, code = failure["where"]
        lines.append(f"in {function}, line {line_number}:    {code}")
    return error_box(
        failure["title"],
        "\n".join(lines),
        "This is not a wiring Keras rejects: Python stopped inside your function, before "
        "any layer could check the shapes. Fix that line, run the cell again, and the "
        "shapes appear here.",
    )
