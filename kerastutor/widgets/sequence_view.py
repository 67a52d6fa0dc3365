"""SequenceView: a recurrent layer unrolled over time, what its options return, and the shapes.

A recurrent layer (LSTM, GRU, SimpleRNN, RNN(cell)) reads a sequence one
timestep at a time, carrying its states from step to step: an LSTM two
(h, its output so far, and c, its cell memory), a GRU or SimpleRNN one (h).
Its options only choose what comes out and where the states start:

* `return_sequences=False`: only the output of the last step, (batch, units);
  `True`: the output of every step, (batch, timesteps, units).
* `return_state=True`: also the final states: `[output, *states]`, three
  tensors for an LSTM, two for a GRU.
* `initial_state=[...]`: start from given states (a seq2seq decoder starts
  from the encoder's) instead of zeros.

`Bidirectional` runs a forward and a backward copy and merges their outputs
per timestep; `TimeDistributed` applies one layer to every timestep with no
state passed between them. A Dense after `return_sequences=True` meets a 3-D
tensor: its kernel only touches the last axis, so the same kernel serves
every timestep (seed 003's question).

The widget's state is traitlets (`output_names`, `output_shapes`,
`state_names`, `directions`, ...), computed by building a copy of the layer
in a sandbox and calling it symbolically (the real engine, not a formula);
the picture is drawn from that state.
"""

import ipywidgets
import traitlets

from kerastutor.engine.functional import Functional
from kerastutor.engine.input_layer import Input
from kerastutor.layers.bidirectional import Bidirectional
from kerastutor.layers.dense import Dense
from kerastutor.layers.time_distributed import TimeDistributed
from kerastutor.utils.model_graph import collect_graph, describe_call
from kerastutor.widgets._render import (
    BACKWARD_FILL,
    BOX_FILL,
    BRAND,
    FAINT,
    LAYER_FILL,
    MONO,
    MUTED,
    PANEL,
    SUCCESS,
    TEXT,
    WidgetBase,
    checked_value,
    error_box,
    esc,
    format_shapes,
    sandbox,
    svg,
    svg_arrow,
    svg_box,
    svg_text,
    table,
    unknown_control,
)

__all__ = ["SequenceView"]

_RETURNED = BRAND  # an output the call returns
_NOT_RETURNED = FAINT  # computed, but not returned
_STATE = SUCCESS  # states carried in (initial_state) or returned (return_state)


def _is_recurrent(layer):
    """A layer that carries states along a sequence (LSTM, GRU, SimpleRNN, RNN(cell))."""
    return all(hasattr(layer, a) for a in ("state_size", "return_sequences", "go_backwards"))


def _is_shown(layer):
    return _is_recurrent(layer) or isinstance(layer, (Bidirectional, TimeDistributed))


def _state_names(recurrent):
    if hasattr(recurrent, "_state_names"):
        return list(recurrent._state_names())
    sizes = recurrent.state_size if isinstance(recurrent.state_size, list) else [0]
    return ["h"] if len(sizes) == 1 else [f"s{i}" for i in range(len(sizes))]


def _slider_max(value):
    """The top of a slider starting at `value`: 4 times it, at least 8."""
    return max(4 * value, 8)


class SequenceView(WidgetBase):
    """A recurrent layer (or wrapper) unrolled over time, with what each option returns.

    Example:
        >>> from kerastutor.layers import LSTM
        >>> from kerastutor.widgets import SequenceView
        >>> view = SequenceView(LSTM(16, return_sequences=True), timesteps=7, features=12)
        >>> view.output_shapes
        [(None, 7, 16)]

    Args:
        layer_or_model: a recurrent layer (LSTM, GRU, SimpleRNN, RNN(cell)),
            a Bidirectional or TimeDistributed layer, or a Model containing
            some (a drop-down then chooses one; the model's own calls are
            described too).
        timesteps: timesteps for the picture and shapes (default: from the
            layer's last call, else 4).
        features: features per timestep (default: from the layer's last call,
            else 8).
        dense_units: units of a Dense drawn after the layer; 0 for none
            (default: the units of the Dense that follows it in the model or
            in your graph; 0 when none follows, so no Dense is drawn that
            your code does not have).
    """

    kind = traitlets.Unicode("recurrent")  # 'recurrent', 'bidirectional' or 'time_distributed'
    layer_type = traitlets.Unicode()  # 'LSTM', 'GRU', ...: what runs at every step
    directions = traitlets.List()  # ['forward'], or ['forward', 'backward']
    state_names = traitlets.List()  # per direction: ['h', 'c'] for an LSTM, ['h'] for a GRU
    merge_mode = traitlets.Unicode(None, allow_none=True)
    output_names = traitlets.List()
    output_shapes = traitlets.List()
    dense_shape = traitlets.Any(None)
    dense_kernel = traitlets.Any(None)
    dense_params = traitlets.Int(0)
    dense_in_model = traitlets.Bool(False)
    error = traitlets.Unicode(None, allow_none=True)

    def __init__(self, layer_or_model, timesteps=None, features=None, dense_units=None):
        self.model = layer_or_model if isinstance(layer_or_model, Functional) else None
        self._graph = collect_graph(self.model) if self.model is not None else None
        if self.model is not None:
            candidates = [layer for layer in self._graph.layers if _is_shown(layer)]
            if not candidates:
                raise TypeError(
                    f"SequenceView needs a recurrent layer (LSTM, GRU, SimpleRNN, ...) or a "
                    f"Bidirectional / TimeDistributed layer, and model '{self.model.name}' has none."
                )
        elif _is_shown(layer_or_model):
            candidates = [layer_or_model]
        else:
            raise TypeError(
                "SequenceView shows a recurrent layer (LSTM, GRU, SimpleRNN, ...), a Bidirectional "
                "or TimeDistributed layer, or a Model with some; received "
                f"{type(layer_or_model).__name__}: {layer_or_model!r}."
            )
        self.candidates = candidates
        self.layer_picker = ipywidgets.Dropdown(
            options=[(layer.name, i) for i, layer in enumerate(candidates)],
            value=len(candidates) - 1,
            description="layer",
        )
        if len(candidates) == 1:
            self.layer_picker.layout.display = "none"
        style = {"description_width": "initial"}
        self.return_sequences = ipywidgets.Checkbox(description="return_sequences", indent=False)
        self.return_state = ipywidgets.Checkbox(description="return_state", indent=False)
        self.initial_state = ipywidgets.Checkbox(description="initial_state", indent=False)
        # Each slider's range is set from the chosen layer (`_load_layer_settings`).
        self.timesteps = ipywidgets.IntSlider(min=1, description="timesteps", style=style)
        self.features = ipywidgets.IntSlider(min=1, description="features", style=style)
        self.dense_units = ipywidgets.IntSlider(
            min=0,
            description="Dense units after (0: none)",
            style=style,
            layout={"width": "420px", "min_width": "420px"},  # room for its long label
        )
        self._given = {"timesteps": timesteps, "features": features, "dense_units": dense_units}
        self._load_layer_settings()
        self.layer_picker.observe(self._on_layer_change, names="value")
        controls = [
            self.layer_picker,
            self.return_sequences,
            self.return_state,
            self.initial_state,
            self.timesteps,
            self.features,
            self.dense_units,
        ]
        super().__init__(controls[1:])
        self.controls.children = controls
        self.refresh()

    @property
    def layer(self):
        return self.candidates[self.layer_picker.value]

    def set(self, **values):
        """Change controls from code, e.g. `view.set(return_state=True)`.

        Every name and value is checked before any control changes.

        Raises:
            ValueError: a name that is not a control, or a value outside its range.
            TypeError: a value of the wrong type for its control.
        """
        controls = {
            "layer": self.layer_picker,
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "initial_state": self.initial_state,
            "timesteps": self.timesteps,
            "features": self.features,
            "dense_units": self.dense_units,
        }
        checked = {}
        for name, value in values.items():
            if name not in controls:
                raise unknown_control("SequenceView", name, controls)
            if name == "layer" and isinstance(value, str):  # a layer's name picks it too
                names = [layer.name for layer in self.candidates]
                value = names.index(value) if value in names else value
            why = (
                f"A slider reaches 4 times the layer's own value; make the view with "
                f"SequenceView(..., {name}={value!r}) to center it there."
                if name in ("timesteps", "features", "dense_units")
                else ""
            )
            checked[name] = checked_value("SequenceView", name, controls[name], value, why)
        for name, value in checked.items():
            controls[name].value = value

    def __repr__(self):
        if self.kind == "time_distributed":
            return (
                f"SequenceView({self.layer.name}: TimeDistributed({self.layer_type}), "
                f"dense={self.dense_units.value})"
            )
        merge = f", merge_mode={self.merge_mode!r}" if self.kind == "bidirectional" else ""
        return (
            f"SequenceView({self.layer.name}: return_sequences={self.return_sequences.value}, "
            f"return_state={self.return_state.value}, initial_state={self.initial_state.value}"
            f"{merge}, dense={self.dense_units.value})"
        )

    def refresh(self):
        """Compute the state from the controls, then draw it."""
        try:
            self._update()
            self.error = None
        except Exception as error:  # the widget stays alive; the picture explains
            self.error = f"{type(error).__name__}: {error}"
        super().refresh()

    # ------------------------------------------------------------ settings

    def _on_layer_change(self, change):
        self._load_layer_settings()
        self.refresh()

    def _recurrent(self):
        """The layer that runs at every step and carries the states (None for TimeDistributed)."""
        layer = self.layer
        if isinstance(layer, Bidirectional):
            return layer.forward_layer
        return None if isinstance(layer, TimeDistributed) else layer

    def _load_layer_settings(self):
        """Start the controls from the chosen layer's own options and last call."""
        node = self._model_node()
        recurrent = self._recurrent()
        timesteps, features = self._given["timesteps"], self._given["features"]
        if node is not None:
            shape = node.input_shapes[0]
            timesteps = timesteps or shape[1]
            features = features or shape[-1]
        dense_units = self._given["dense_units"]
        if dense_units is None:
            dense = self._dense_after(node)
            dense_units = dense.units if dense is not None else 0
        for checkbox in (self.return_sequences, self.return_state, self.initial_state):
            checkbox.layout.display = "none" if recurrent is None else None
        with self.quiet():
            if recurrent is not None:
                self.return_sequences.value = recurrent.return_sequences
                self.return_state.value = recurrent.return_state
            self.initial_state.value = bool(
                node is not None and node.call_kwargs.get("initial_state")
            )
            for slider, value in [
                (self.timesteps, timesteps or 4),
                (self.features, features or 8),
                (self.dense_units, dense_units),
            ]:
                # A range around the layer's own value: a handle for 12 features sits
                # at a quarter of the slider, not at the far left of 1..512.
                slider.max = _slider_max(value)
                slider.value = value

    def _model_node(self):
        """The chosen layer's call in the model (or its last call), if any."""
        layer = self.layer
        nodes = self._graph.nodes_of(layer) if self._graph else layer.inbound_nodes
        return nodes[-1] if nodes else None

    def _consumers(self, tensor):
        """The calls that take `tensor`: in the model, or (a layer on its own) in any graph."""
        if self._graph is not None:
            nodes = self._graph.nodes
        else:  # the engine links each layer to the calls that consume its outputs
            nodes = self.layer.outbound_nodes
        return [n for n in nodes if any(t is tensor for t in n.input_tensors)]

    def _dense_after(self, node):
        """The Dense (or TimeDistributed(Dense)) the model applies to this layer's output."""
        if node is None:
            return None
        for consumer in self._consumers(node.output_tensors[0]):
            layer = consumer.layer
            if isinstance(layer, TimeDistributed):
                layer = layer.layer
            if isinstance(layer, Dense):
                return layer
        return None

    # ------------------------------------------------------------ state

    def _update(self):
        """Build a copy of the layer with the chosen options, call it symbolically, keep the facts."""
        layer, recurrent = self.layer, self._recurrent()
        if isinstance(layer, Bidirectional):
            self.kind, self.directions = "bidirectional", ["forward", "backward"]
            self.merge_mode = layer.merge_mode
        else:
            self.kind = "recurrent" if recurrent is not None else "time_distributed"
            self.directions, self.merge_mode = ["forward"], None
        self.layer_type = type(recurrent if recurrent is not None else layer.layer).__name__
        self.state_names = _state_names(recurrent) if recurrent is not None else []
        node = self._model_node()
        with sandbox():
            probe = self._probe_layer()
            step = node.input_shapes[0][2:-1] if node is not None else ()
            x = Input(shape=(self.timesteps.value, *step, self.features.value), name="x")
            kwargs = {}
            if recurrent is not None and self.initial_state.value:
                names = [f"{n}0" for n in self.state_names] * len(self.directions)
                sizes = _state_sizes(recurrent) * len(self.directions)
                kwargs["initial_state"] = [
                    Input(shape=(size,), name=f"{name}_{i}")
                    for i, (name, size) in enumerate(zip(names, sizes, strict=True))
                ]
            outputs = probe(x, **kwargs)
            outputs = outputs if isinstance(outputs, list) else [outputs]
            dense_shape = dense_kernel = None
            dense_params = 0
            if self.dense_units.value:
                dense = Dense(self.dense_units.value, name="dense")
                dense_shape = dense(outputs[0]).shape
                dense_params, dense_kernel = dense.count_params(), tuple(dense.kernel.shape)
        self.output_shapes = [tensor.shape for tensor in outputs]
        self.output_names = self._names_of_outputs()
        self.dense_shape, self.dense_kernel, self.dense_params = (
            dense_shape,
            dense_kernel,
            dense_params,
        )
        dense = self._dense_after(node)
        self.dense_in_model = dense is not None and dense.units == self.dense_units.value

    def _probe_layer(self):
        layer = self.layer
        config = layer.get_config()
        config.pop("batch_input_shape", None)
        config.pop("batch_shape", None)
        flags = {
            "return_sequences": self.return_sequences.value,
            "return_state": self.return_state.value,
        }
        if isinstance(layer, Bidirectional):
            for key in ("layer", "backward_layer"):
                inner = config[key]
                config[key] = {**inner, "config": {**inner["config"], **flags}}
        elif not isinstance(layer, TimeDistributed):
            config.update(flags)
        return type(layer).from_config(config)

    def _names_of_outputs(self):
        if self.kind == "time_distributed":
            return ["output"]
        states = [f"state_{n}" for n in self.state_names]
        if self.kind == "recurrent":
            return ["output"] + (states if self.return_state.value else [])
        outputs = ["output"] if self.merge_mode else ["forward_output", "backward_output"]
        if self.return_state.value:
            outputs += [f"forward_{n}" for n in self.state_names]
            outputs += [f"backward_{n}" for n in self.state_names]
        return outputs

    # ------------------------------------------------------------ drawing

    def _render(self):
        if self.error:
            return error_box("This layer's options could not be shown", self.error)
        parts = [
            f'<pre class="kt-code" style="{MONO}background:{PANEL};color:{TEXT};padding:4px;margin:2px 0;">'
            f"{esc(self._code())}</pre>",
            self._picture(),
            self._outputs_table(),
            self._dense_note(),
            self._model_panel(),
        ]
        return "".join(parts)

    def _code(self):
        layer, target = self.layer, ", ".join(self.output_names)
        if self.kind == "time_distributed":
            code = f"output = TimeDistributed({self.layer_type}(...))(x)"
        else:
            recurrent = self._recurrent()
            options = [str(recurrent.units)] if hasattr(recurrent, "units") else ["cell"]
            options += [
                f"{flag}=True"
                for flag in ("return_sequences", "return_state")
                if getattr(self, flag).value
            ]
            built = f"{self.layer_type}({', '.join(options)})"
            if self.kind == "bidirectional":
                built = f"Bidirectional({built}, merge_mode={layer.merge_mode!r})"
            call = "x"
            if self.initial_state.value:
                names = [f"{n}0" for n in self.state_names]
                if self.kind == "bidirectional":
                    names = [f"{n}_f" for n in names] + [f"{n}_b" for n in names]
                call = f"x, initial_state=[{', '.join(names)}]"
            code = f"{target} = {built}({call})"
        if self.dense_units.value:
            code += f"\ny = Dense({self.dense_units.value})({self.output_names[0]})"
        return code

    def _meaning(self, name):
        sequences = self.return_sequences.value or self.kind == "time_distributed"
        step = "every timestep" if sequences else "the last timestep only"
        if self.kind == "time_distributed":
            return f"{self.layer_type} applied to x[:, t] at every timestep, one weight set"
        if name == "output" and self.kind == "bidirectional":
            how = {"concat": "[forward, backward]", "sum": "forward + backward"}.get(
                self.merge_mode, f"{self.merge_mode} of forward and backward"
            )
            return f"{how} at {step}" if sequences else f"{how}, each at its last step"
        if name == "output":
            return f"h at {step}"
        if name.endswith("output"):
            return f"the {name.split('_')[0]} reading at {step}"
        state = name.split("_", 1)[1]
        meaning = "c, the cell memory" if state == "c" else state
        where = " (of the forward reading)" if name.startswith("forward") else ""
        where = " (of the backward reading, at t=1)" if name.startswith("backward") else where
        same = ""
        if state == "h" and self.kind == "recurrent":
            same = " (= output[:, -1, :])" if sequences else " (= output)"
        return f"{meaning} after the last timestep{same}{where}"

    def _outputs_table(self):
        rows = [
            [f'<span style="{MONO}">{esc(name)}</span>', esc(shape), esc(self._meaning(name))]
            for name, shape in zip(self.output_names, self.output_shapes, strict=True)
        ]
        kind = {"recurrent": self.layer_type, "bidirectional": "Bidirectional layer"}.get(
            self.kind, "TimeDistributed layer"
        )
        caption = f"The {kind} returns " + (
            f"a list [{', '.join(self.output_names)}]" if len(rows) > 1 else "one tensor"
        )
        return table(["returned", "shape", "what it is"], rows, caption=caption)

    def _dense_note(self):
        if not self.dense_units.value:
            return ""
        units = self.dense_units.value
        first = self.output_shapes[0]
        if len(first) == 3:
            how = (
                f"Dense({units}) receives {first}, a 3-D tensor. Its kernel "
                f"{self.dense_kernel} only meets the last axis, so the same kernel is applied "
                f"at every one of the {self.timesteps.value} timesteps"
            )
        else:
            how = f"Dense({units}) receives {first}: one vector per sample"
        absent = ""
        if self.model is not None and not self.dense_in_model:
            absent = (
                f" (This Dense is not in model '{self.model.name}': it shows what one would do.)"
            )
        return (
            f'<div class="kt-dense">{esc(how)}, giving {esc(self.dense_shape)}. Parameters: '
            f"{self.dense_params:,} = {self.dense_kernel[0]} x {units} + {units}, whatever the "
            f"number of timesteps.{esc(absent)}</div>"
        )

    def _model_panel(self):
        node = self._model_node()
        if node is None:
            return ""
        where = f"model '{self.model.name}'" if self.model is not None else "your graph"
        rows = []
        for tensor, shape in zip(node.output_tensors, node.output_shapes, strict=True):
            users = [
                f"{c.layer.name} ({type(c.layer).__name__})"
                + (" at every timestep" if isinstance(c.layer, Dense) and len(shape) == 3 else "")
                for c in self._consumers(tensor)
            ]
            rows.append(
                [
                    f'<span style="{MONO}">{esc(str(tensor._keras_history))}</span>',
                    esc(shape),
                    esc(", ".join(users) or "-"),
                ]
            )
        intro = (
            f"<div>In {esc(where)}: <code>{esc(node.layer.name)}</code> node {node.index} was "
            f"called on <code>{esc(describe_call(node))}</code> with input shape "
            f"{esc(format_shapes(node.input_shapes))}.</div>"
        )
        return intro + table(["output", "shape", "used by"], rows)

    # ------------------------------------------------------------ the picture

    def _picture(self):
        steps = self.timesteps.value
        labels = list(range(1, steps + 1)) if steps <= 5 else [1, 2, 3, None, steps]
        if self.kind == "bidirectional":
            return _bidirectional_picture(self, labels)
        return _one_row_picture(self, labels)


def _state_sizes(recurrent):
    size = recurrent.state_size
    return list(size) if isinstance(size, (list, tuple)) else [size]


def _start_at_zeros(view):
    verb = "starts" if len(view.state_names) == 1 else "start"
    return f"{', '.join(view.state_names)} {verb} at zeros"


_LEFT, _CELL, _GAP = 150, 70, 46


def _column(i):
    """(left edge, centre) of timestep column i."""
    x = _LEFT + i * (_CELL + _GAP)
    return x, x + _CELL / 2


def _one_row_picture(view, labels):
    """One row of cells; a recurrent layer passes its states right, TimeDistributed passes nothing."""
    steps, recurrent = view.timesteps.value, view.kind == "recurrent"
    sequences = view.return_sequences.value or not recurrent
    dense = view.dense_units.value
    top = 84 if dense else 20
    width = _LEFT + len(labels) * (_CELL + _GAP) + 150
    cell_y = top + 80
    carried = ", ".join(view.state_names)
    elements = []
    if recurrent and view.initial_state.value:
        elements.append(svg_arrow(20, cell_y + 22, _LEFT - 2, cell_y + 22, _STATE, 2.5))
        initial = f"initial_state=[{', '.join(n + '0' for n in view.state_names)}]"
        elements.append(svg_text(20, cell_y + 12, initial, _STATE, "start"))
    elif recurrent:
        elements.append(
            svg_arrow(40, cell_y + 22, _LEFT - 2, cell_y + 22, _NOT_RETURNED, 1.5, dashed=True)
        )
        elements.append(svg_text(40, cell_y + 12, _start_at_zeros(view), FAINT, "start"))
    else:
        note = f"the same {view.layer_type} weights at every timestep; nothing passes between steps"
        elements.append(svg_text(_LEFT, top - 6 if dense else 12, note, MUTED, "start", bold=True))
    for i, t in enumerate(labels):
        x, centre = _column(i)
        if t is None:
            elements.append(svg_text(centre, cell_y + 26, "\u2026", MUTED, size=22))
            continue
        returned = sequences or t == steps
        elements.append(svg_box(x, cell_y, _CELL, 44, f"{view.layer_type} t={t}", LAYER_FILL))
        elements.append(svg_arrow(centre, cell_y + 100, centre, cell_y + 46, MUTED))
        elements.append(svg_text(centre, cell_y + 114, f"x[:, {t - 1}]", MUTED))
        if recurrent and i + 1 < len(labels):
            elements.append(
                svg_arrow(x + _CELL + 2, cell_y + 22, x + _CELL + _GAP - 2, cell_y + 22)
            )
            elements.append(svg_text(x + _CELL + _GAP / 2, cell_y + 15, carried, MUTED))
        colour = _RETURNED if returned else _NOT_RETURNED
        elements.append(
            svg_arrow(
                centre,
                cell_y - 2,
                centre,
                cell_y - 40,
                colour,
                2.5 if returned else 1,
                dashed=not returned,
            )
        )
        name = f"h{t}" if recurrent else f"y{t}"
        elements.append(svg_text(centre + 4, cell_y - 46, name, colour, "start", bold=returned))
        if dense and returned:
            elements.append(svg_box(x, top - 64, _CELL, 26, f"Dense({dense})", BOX_FILL))
            elements.append(svg_arrow(centre, cell_y - 52, centre, top - 36, MUTED))
    if recurrent:
        end = _LEFT + len(labels) * (_CELL + _GAP) - _GAP
        state = view.return_state.value
        colour = _STATE if state else _NOT_RETURNED
        for k, name in enumerate(f"state_{n}" for n in view.state_names):
            y = cell_y + 10 + 24 * k
            elements.append(
                svg_arrow(end + 2, y, end + 70, y, colour, 2 if state else 1, dashed=not state)
            )
            elements.append(svg_text(end + 76, y + 4, name, colour, "start", bold=state))
    if dense and sequences:
        elements.append(
            svg_text(
                _LEFT, 12, "the same Dense kernel at every timestep", _RETURNED, "start", bold=True
            )
        )
    return svg(width, top + 206, elements)


def _bidirectional_picture(view, labels):
    """Two rows: the forward copy reads left to right, the backward copy right to left."""
    steps, sequences = view.timesteps.value, view.return_sequences.value
    width = _LEFT + len(labels) * (_CELL + _GAP) + 150
    forward_y, backward_y = 90, 230
    carried = ", ".join(view.state_names)
    end = _LEFT + len(labels) * (_CELL + _GAP) - _GAP
    merge = view.merge_mode or "[forward, backward] (no merge)"
    if sequences:
        summary = f"output[:, t] = {merge}(h\u2192t, h\u2190t) at every timestep"
    else:
        summary = f"output = {merge}(h\u2192{steps}, h\u21901): each direction's last step"
    elements = [svg_text(_LEFT, 16, summary, _RETURNED, "start", bold=True)]
    start = "initial_state" if view.initial_state.value else _start_at_zeros(view)
    colour = _STATE if view.initial_state.value else _NOT_RETURNED
    elements.append(svg_arrow(40, forward_y + 22, _LEFT - 2, forward_y + 22, colour, 1.5))
    elements.append(svg_text(40, forward_y + 12, start, colour, "start"))
    elements.append(svg_arrow(width - 40, backward_y + 22, end + 2, backward_y + 22, colour, 1.5))
    elements.append(svg_text(width - 40, backward_y + 40, start, colour, "end"))
    for i, t in enumerate(labels):
        x, centre = _column(i)
        if t is None:
            elements.append(svg_text(centre, forward_y + 26, "\u2026", MUTED, size=22))
            elements.append(svg_text(centre, backward_y + 26, "\u2026", MUTED, size=22))
            continue
        elements.append(
            svg_box(x, forward_y, _CELL, 44, f"{view.layer_type} \u2192 t={t}", LAYER_FILL)
        )
        elements.append(
            svg_box(x, backward_y, _CELL, 44, f"{view.layer_type} \u2190 t={t}", BACKWARD_FILL)
        )
        middle = (forward_y + 44 + backward_y) / 2
        elements.append(svg_text(centre, middle + 4, f"x[:, {t - 1}]", MUTED))
        elements.append(svg_arrow(centre, middle - 8, centre, forward_y + 46, MUTED))
        elements.append(svg_arrow(centre, middle + 10, centre, backward_y - 2, MUTED))
        if i + 1 < len(labels):
            elements.append(
                svg_arrow(x + _CELL + 2, forward_y + 22, x + _CELL + _GAP - 2, forward_y + 22)
            )
            elements.append(
                svg_arrow(x + _CELL + _GAP - 2, backward_y + 22, x + _CELL + 2, backward_y + 22)
            )
            elements.append(svg_text(x + _CELL + _GAP / 2, forward_y + 15, carried, MUTED))
            elements.append(svg_text(x + _CELL + _GAP / 2, backward_y + 15, carried, MUTED))
        for row_y, arrow, last, up in (
            (forward_y, "\u2192", steps, True),
            (backward_y, "\u2190", 1, False),
        ):
            returned = sequences or t == last
            colour = _RETURNED if returned else _NOT_RETURNED
            y1, y2 = (row_y - 2, row_y - 34) if up else (row_y + 46, row_y + 78)
            elements.append(
                svg_arrow(
                    centre, y1, centre, y2, colour, 2.5 if returned else 1, dashed=not returned
                )
            )
            label_y = y2 - 6 if up else y2 + 14
            elements.append(
                svg_text(centre + 4, label_y, f"h{arrow}{t}", colour, "start", bold=returned)
            )
    state = view.return_state.value
    colour = _STATE if state else _NOT_RETURNED
    for k, name in enumerate(view.state_names):
        y = forward_y + 10 + 24 * k
        elements.append(
            svg_arrow(end + 2, y, end + 70, y, colour, 2 if state else 1, dashed=not state)
        )
        elements.append(svg_text(end + 76, y + 4, f"forward_{name}", colour, "start", bold=state))
        y = backward_y + 10 + 24 * k
        elements.append(
            svg_arrow(_LEFT - 2, y, _LEFT - 70, y, colour, 2 if state else 1, dashed=not state)
        )
        elements.append(svg_text(_LEFT - 76, y + 4, f"backward_{name}", colour, "end", bold=state))
    return svg(width, backward_y + 110, elements)
