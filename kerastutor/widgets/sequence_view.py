"""SequenceView: what `return_sequences`, `return_state` and `initial_state` change.

An LSTM reads a sequence one timestep at a time, carrying two states (h, its
output so far, and c, its cell memory) from step to step. Its options only
choose what comes out and where the states start:

* `return_sequences=False`: only h of the last step, (batch, units);
  `True`: h of every step, (batch, timesteps, units).
* `return_state=True`: also the last h and c: `[output, state_h, state_c]`.
* `initial_state=[h0, c0]`: start from given states (a seq2seq decoder starts
  from the encoder's) instead of zeros.

A Dense layer after `return_sequences=True` meets a 3-D tensor: its kernel
only touches the last axis, so the same kernel is applied at every timestep
(seed 003's question); its parameter count does not depend on the timesteps.

The shapes shown come from building a copy of the LSTM (and of the Dense) in
a sandbox and calling it symbolically: the real engine, not a formula.
"""

import ipywidgets

from kerastutor.engine.functional import Functional
from kerastutor.engine.input_layer import Input
from kerastutor.layers.dense import Dense
from kerastutor.layers.lstm import LSTM
from kerastutor.utils.model_graph import describe_call
from kerastutor.widgets._render import (
    MONO,
    WidgetBase,
    error_box,
    esc,
    format_shapes,
    sandbox,
    svg,
    svg_arrow,
    svg_box,
    svg_text,
    table,
)

__all__ = ["SequenceView"]

_RETURNED = "#1f77b4"
_NOT_RETURNED = "#bbbbbb"
_STATE = "#2ca02c"


class SequenceView(WidgetBase):
    """An LSTM unrolled over time, with what each option returns and their shapes.

    Example:
        >>> from kerastutor.layers import LSTM
        >>> from kerastutor.widgets import SequenceView
        >>> view = SequenceView(LSTM(16, return_sequences=True), timesteps=7, features=12)
        >>> view.output_shapes
        [(None, 7, 16)]

    Args:
        layer_or_model: an LSTM layer, or a Model containing LSTMs (a
            drop-down then chooses one; the model's own calls are described
            too).
        timesteps: timesteps for the picture and shapes (default: from the
            layer's last call, else 4).
        features: features per timestep (default: from the layer's last call,
            else 8).
        dense_units: units of a Dense applied after the LSTM; 0 for none
            (default: the Dense that follows it in the model, else 5).
    """

    def __init__(self, layer_or_model, timesteps=None, features=None, dense_units=None):
        self.model = layer_or_model if isinstance(layer_or_model, Functional) else None
        if self.model is not None:
            candidates = [layer for layer in self.model.layers if isinstance(layer, LSTM)]
            if not candidates:
                raise TypeError(
                    f"SequenceView needs an LSTM, and model '{self.model.name}' has none."
                )
        elif isinstance(layer_or_model, LSTM):
            candidates = [layer_or_model]
        else:
            raise TypeError(
                "SequenceView shows an LSTM layer, or a Model with LSTMs, received "
                f"{type(layer_or_model).__name__}: {layer_or_model!r}."
            )
        self.candidates = candidates
        self.layer_picker = ipywidgets.Dropdown(
            options=[(layer.name, i) for i, layer in enumerate(candidates)],
            value=len(candidates) - 1,
            description="LSTM",
        )
        if len(candidates) == 1:
            self.layer_picker.layout.display = "none"
        style = {"description_width": "initial"}
        self.return_sequences = ipywidgets.Checkbox(description="return_sequences", indent=False)
        self.return_state = ipywidgets.Checkbox(description="return_state", indent=False)
        self.initial_state = ipywidgets.Checkbox(description="initial_state=[h0, c0]", indent=False)
        self.timesteps = ipywidgets.IntSlider(min=1, max=50, description="timesteps", style=style)
        self.features = ipywidgets.IntSlider(min=1, max=512, description="features", style=style)
        self.dense_units = ipywidgets.IntSlider(
            min=0, max=256, description="Dense units after (0: none)", style=style
        )
        self._given = {"timesteps": timesteps, "features": features, "dense_units": dense_units}
        self.output_shapes = []
        self.dense_shape = None
        self.dense_params = 0
        self.dense_kernel = None
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
        """Change controls from code, e.g. `view.set(return_state=True)`."""
        for name, value in values.items():
            getattr(self, name).value = value

    def __repr__(self):
        return (
            f"SequenceView({self.layer.name}: return_sequences={self.return_sequences.value}, "
            f"return_state={self.return_state.value}, initial_state={self.initial_state.value}, "
            f"dense={self.dense_units.value})"
        )

    # ------------------------------------------------------------ settings

    def _on_layer_change(self, change):
        try:
            self._load_layer_settings()
        except Exception as error:  # keep the widget alive; the render shows the rest
            self.view.value = error_box("This LSTM's settings could not be read", str(error))
            return
        self.refresh()

    def _load_layer_settings(self):
        """Start the controls from the chosen layer's own options and last call."""
        layer, node = self.layer, self._model_node()
        timesteps, features = self._given["timesteps"], self._given["features"]
        if node is not None:
            shape = node.input_shapes[0]
            timesteps = timesteps or shape[1]
            features = features or shape[2]
        dense_units = self._given["dense_units"]
        if dense_units is None:
            dense = self._dense_after(node)
            dense_units = dense.units if dense is not None else 5
        with self.quiet():
            self.return_sequences.value = layer.return_sequences
            self.return_state.value = layer.return_state
            self.initial_state.value = bool(
                node is not None and node.call_kwargs.get("initial_state")
            )
            self.timesteps.value = min(timesteps or 4, self.timesteps.max)
            self.features.value = min(features or 8, self.features.max)
            self.dense_units.value = min(dense_units, self.dense_units.max)

    def _model_node(self):
        """The chosen LSTM's call in the model (or its last call), if any."""
        layer = self.layer
        nodes = layer.inbound_nodes
        if self.model is not None:
            nodes = self.model._relevant_nodes(layer)
        return nodes[-1] if nodes else None

    def _dense_after(self, node):
        if node is None or self.model is None:
            return None
        for consumer in self.model._nodes:
            if isinstance(consumer.layer, Dense) and any(
                t is node.output_tensors[0] for t in consumer.input_tensors
            ):
                return consumer.layer
        return None

    # ------------------------------------------------------------ shapes

    def _probe(self):
        """Build a copy of the LSTM with the chosen options and call it symbolically."""
        layer = self.layer
        config = layer.get_config()
        config.update(
            return_sequences=self.return_sequences.value,
            return_state=self.return_state.value,
            name=layer.name,
        )
        config.pop("batch_input_shape", None)
        with sandbox():
            probe = type(layer).from_config(config)
            x = Input(shape=(self.timesteps.value, self.features.value), name="x")
            kwargs = {}
            if self.initial_state.value:
                kwargs["initial_state"] = [
                    Input(shape=(layer.units,), name="h0"),
                    Input(shape=(layer.units,), name="c0"),
                ]
            outputs = probe(x, **kwargs)
            outputs = outputs if isinstance(outputs, list) else [outputs]
            if self.dense_units.value:
                dense = Dense(self.dense_units.value, name="dense")
                dense_output = dense(outputs[0])
                self.dense_shape = dense_output.shape
                self.dense_params = dense.count_params()
                self.dense_kernel = tuple(dense.kernel.shape)
            else:
                self.dense_shape = None
        self.output_shapes = [tensor.shape for tensor in outputs]

    # ------------------------------------------------------------ drawing

    def _render(self):
        self._probe()
        layer = self.layer
        options = [f"{layer.units}"]
        if self.return_sequences.value:
            options.append("return_sequences=True")
        if self.return_state.value:
            options.append("return_state=True")
        names = ["output", "state_h", "state_c"] if self.return_state.value else ["output"]
        call = "x, initial_state=[h0, c0]" if self.initial_state.value else "x"
        target = ", ".join(names)
        code = f"{target} = LSTM({', '.join(options)})({call})"
        if self.dense_units.value:
            code += f"\ny = Dense({self.dense_units.value})(output)"
        parts = [
            f'<pre class="kt-code" style="{MONO}background:#f6f6f6;padding:4px;margin:2px 0;">'
            f"{esc(code)}</pre>",
            self._picture(),
            self._outputs_table(names),
            self._dense_note(),
            self._model_panel(),
        ]
        return "".join(parts)

    def _outputs_table(self, names):
        meaning = {
            "output": "h at every timestep"
            if self.return_sequences.value
            else "h at the last timestep only",
            "state_h": "h after the last timestep"
            + (" (= output[:, -1, :])" if self.return_sequences.value else " (= output)"),
            "state_c": "c, the cell memory, after the last timestep",
        }
        rows = [
            [f'<span style="{MONO}">{name}</span>', esc(shape), esc(meaning[name])]
            for name, shape in zip(names, self.output_shapes)
        ]
        caption = "The LSTM returns " + (
            "a list [output, state_h, state_c]" if self.return_state.value else "one tensor"
        )
        return table(["returned", "shape", "what it is"], rows, caption=caption)

    def _dense_note(self):
        if not self.dense_units.value:
            return ""
        units = self.dense_units.value
        if self.return_sequences.value:
            how = (
                f"Dense({units}) receives {self.output_shapes[0]}, a 3-D tensor. Its kernel "
                f"{self.dense_kernel} only meets the last axis, so the same kernel is applied "
                f"at every one of the {self.timesteps.value} timesteps"
            )
        else:
            how = f"Dense({units}) receives {self.output_shapes[0]}: one vector per sample"
        return (
            f'<div class="kt-dense">{esc(how)}, giving {esc(self.dense_shape)}. Parameters: '
            f"{self.dense_params:,} = {self.dense_kernel[0]} x {units} + {units}, whatever the "
            "number of timesteps.</div>"
        )

    def _model_panel(self):
        node = self._model_node()
        if node is None:
            return ""
        where = f"model '{self.model.name}'" if self.model is not None else "your graph"
        rows = []
        consumers = self.model._nodes if self.model is not None else []
        for tensor, shape in zip(node.output_tensors, node.output_shapes, strict=True):
            users = [
                f"{c.layer.name} ({type(c.layer).__name__})"
                + (" at every timestep" if isinstance(c.layer, Dense) and len(shape) == 3 else "")
                for c in consumers
                if any(t is tensor for t in c.input_tensors)
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

    def _picture(self):
        steps = self.timesteps.value
        labels = list(range(1, steps + 1)) if steps <= 5 else [1, 2, 3, None, steps]
        sequences, state = self.return_sequences.value, self.return_state.value
        dense = self.dense_units.value
        left, cell_width, gap = 150, 64, 46
        top = 84 if dense else 20
        width = left + len(labels) * (cell_width + gap) + 150
        height = top + 206
        cell_y = top + 80
        elements = []
        if self.initial_state.value:
            elements.append(svg_arrow(20, cell_y + 22, left - 2, cell_y + 22, _STATE, 2.5))
            elements.append(svg_text(20, cell_y + 12, "initial_state=[h0, c0]", _STATE, "start"))
        else:
            elements.append(
                svg_arrow(40, cell_y + 22, left - 2, cell_y + 22, _NOT_RETURNED, 1.5, dashed=True)
            )
            elements.append(svg_text(40, cell_y + 12, "h, c start at zeros", "#777", "start"))
        for i, t in enumerate(labels):
            x = left + i * (cell_width + gap)
            centre = x + cell_width / 2
            if t is None:
                elements.append(svg_text(centre, cell_y + 26, "\u2026", "#444", size=22))
                continue
            last = t == steps
            elements.append(svg_box(x, cell_y, cell_width, 44, f"LSTM t={t}", "#fde2c4"))
            elements.append(svg_arrow(centre, cell_y + 100, centre, cell_y + 46, "#444"))
            elements.append(svg_text(centre, cell_y + 114, f"x[:, {t - 1}]", "#444"))
            if i + 1 < len(labels):
                elements.append(
                    svg_arrow(
                        x + cell_width + 2, cell_y + 22, x + cell_width + gap - 2, cell_y + 22
                    )
                )
                elements.append(svg_text(x + cell_width + gap / 2, cell_y + 15, "h, c", "#444"))
            returned = sequences or last
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
            elements.append(
                svg_text(centre + 4, cell_y - 46, f"h{t}", colour, "start", bold=returned)
            )
            if dense and returned:
                elements.append(svg_box(x, top - 64, cell_width, 26, f"Dense({dense})", "#dbe9f6"))
                elements.append(svg_arrow(centre, cell_y - 52, centre, top - 36, "#444"))
        end = left + len(labels) * (cell_width + gap) - gap
        state_colour = _STATE if state else _NOT_RETURNED
        for k, name in enumerate(["state_h", "state_c"]):
            y = cell_y + 10 + 24 * k
            elements.append(
                svg_arrow(
                    end + 2, y, end + 70, y, state_colour, 2 if state else 1, dashed=not state
                )
            )
            elements.append(svg_text(end + 76, y + 4, name, state_colour, "start", bold=state))
        if dense and sequences:
            elements.append(
                svg_text(
                    left,
                    12,
                    "the same Dense kernel at every timestep",
                    "#1f77b4",
                    "start",
                    bold=True,
                )
            )
        return svg(width, height, elements)
