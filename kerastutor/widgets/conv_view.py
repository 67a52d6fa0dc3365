"""ConvView: one output cell of a convolution (or pooling) layer, worked out by hand.

A Conv2D slides each of its `filters` kernels over the image: at every
window position, the numbers under the window times the kernel's numbers,
summed over the window and all input channels, plus the filter's bias, give
one output cell. The widget draws the input with the window on it, the
window's numbers, the kernel's numbers and their products, and the output
map with the cell they make. Sliders choose the output position and the
filter; switches change padding, strides (and dilation, for layers that have
it), and the window, the picture and the output size follow, with a sentence
on why the output is smaller than the input, the same size, or causal.

The numbers are the engine's own: the layer (or, when a switch differs from
the layer's own setting, a copy of it with the same weights) is called on
the input, and the widget checks that its hand-worked sum equals the layer's
output at that cell. A trained layer shows its trained weights; call
`refresh()` after more training.

Pooling layers are shown the same way, without a kernel: the window's
numbers and their max (the input that won is outlined) or their mean (the
padding left out). A 1-D layer (Conv1D, MaxPooling1D, ...) is drawn as an
image one row high, its window sliding along the steps.

How it works (the ipywidgets pattern): each control is linked to a trait
(padding, strides, dilation_rate, sample, row, col, filter); any change runs
`_update`, which computes the state traits (taps, window, kernel_window,
products_sum, engine_value, ...), then `_render` draws HTML from that state
alone. Tests and lessons read the traits.
"""

import functools

import ipywidgets
import numpy as np
import traitlets

from kerastutor import ops
from kerastutor.autodiff import data_of
from kerastutor.layers import (
    AveragePooling1D,
    AveragePooling2D,
    Conv1D,
    Conv2D,
    MaxPooling1D,
    MaxPooling2D,
)
from kerastutor.widgets._render import (
    BORDER,
    ERROR,
    FAINT,
    HIGHLIGHT,
    HIGHLIGHT_EDGE,
    MONO,
    ON_LIGHT,
    PAD_FILL,
    WidgetBase,
    checked_value,
    error_box,
    esc,
    largest_magnitude,
    number_cell,
    sandbox,
    svg,
    svg_text,
    table,
    value_colour,
)

__all__ = ["ConvView"]

# The layers ConvView explains, and what their window does with the numbers it covers.
CONVOLUTIONS = (Conv1D, Conv2D)
POOLINGS = {
    MaxPooling1D: "max",
    MaxPooling2D: "max",
    AveragePooling1D: "average",
    AveragePooling2D: "average",
}
_FLEX = '<div style="display:flex;flex-wrap:wrap;align-items:flex-start;gap:8px;">'
_SYMBOL = '<div style="align-self:center;font-size:20px;">{}</div>'
_CHANNELS_DRAWN = 3


class _TeachingTrait:
    """A trait whose wrong-type error names ConvView, the setting and what it takes.

    traitlets would raise its bare TraitError; a learner setting `view.row = '1'`
    or `view.strides = 2` gets a TypeError saying what to give instead.
    """

    takes = ""

    def error(self, obj, value, error=None, info=None):
        raise TypeError(
            f"ConvView's `{self.name}` takes {self.takes}; received "
            f"{type(value).__name__} {value!r}."
        )


class _Index(_TeachingTrait, traitlets.Int):
    takes = "an int (a position or a filter, counted from 0)"


class _Padding(_TeachingTrait, traitlets.Unicode):
    takes = "a str such as 'valid' or 'same'"


class _Steps(_TeachingTrait, traitlets.Tuple):
    takes = "a tuple with one int per spatial axis, e.g. (2, 2)"


class ConvView(WidgetBase):
    """Which inputs one output cell of a Conv or Pooling layer reads, and how it sums them.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Conv2D
        >>> from kerastutor.widgets import ConvView
        >>> conv = Conv2D(1, (3, 3), kernel_initializer="ones")
        >>> view = ConvView(conv, np.arange(25.0).reshape(5, 5, 1))
        >>> view.output_shape
        (3, 3, 1)
        >>> view.select(row=1, col=2)
        >>> view.taps[0], view.engine_value
        ((1, 2), 117.0)

    Args:
        layer: a Conv1D or Conv2D (any padding, strides, dilation_rate,
            groups), or a MaxPooling1D/2D or AveragePooling1D/2D layer; built
            or not, trained or not.
        inputs: one image (height, width, channels) or a batch of them (then a
            `sample` slider chooses the image); for a 1-D layer, one sequence
            (steps, channels) or a batch. By default a small input of whole
            numbers 0-9, drawn from `seed`.
        seed: the seed of the default input.

    State (traits; tests and lessons read them):
        padding, strides, dilation_rate, sample, row, col, filter: the
            controls' values (set them from code as moving the controls does).
        output_shape: the output of one sample, e.g. (5, 5, 2).
        taps: the input (row, col) each kernel offset reads, in kernel order
            (the step, for 1-D layers); a position outside the input is padding.
        channels_read: the input channels the cell reads: all of them for a
            convolution (its group's, with `groups`), one for pooling.
        window, kernel_window: the numbers under the window (in those
            channels) and the chosen filter's kernel, both (kernel_height,
            kernel_width, len(channels_read)); pooling has no kernel.
        products_sum, bias: sum(window * kernel_window) and the filter's bias
            (for pooling, the sum of the window's inputs).
        cell_value: what the widget works out, activation included.
        engine_value: the layer's own output at that cell (equal to cell_value).
        winner: for max pooling, the input (row, col) that was the largest.
        size_reason: why the output has the size it has.
        error: the engine's error for the current switches, or None.
    """

    padding = _Padding("valid")
    strides = _Steps()
    dilation_rate = _Steps()
    sample = _Index(0)
    row = _Index(0)
    col = _Index(0)
    filter = _Index(0)

    input_shape = traitlets.Tuple()
    output_shape = traitlets.Tuple()
    pads = traitlets.Tuple()
    taps = traitlets.List()
    window = traitlets.List()
    kernel_window = traitlets.List()
    products_sum = traitlets.Float(0.0)
    bias = traitlets.Float(0.0)
    cell_value = traitlets.Float(0.0)
    engine_value = traitlets.Float(0.0)
    winner = traitlets.Tuple()
    size_reason = traitlets.Unicode("")
    channels_read = traitlets.List()
    input_maps = traitlets.List()
    output_map = traitlets.List()
    error = traitlets.Unicode(None, allow_none=True)

    def __init__(self, layer, inputs=None, seed=0):
        if not isinstance(layer, CONVOLUTIONS + tuple(POOLINGS)):
            names = ", ".join(kind.__name__ for kind in CONVOLUTIONS + tuple(POOLINGS))
            raise TypeError(
                f"ConvView explains one of {names}; received {type(layer).__name__}: {layer!r}."
            )
        self.layer = layer
        self.config = layer.get_config()
        self.kind = POOLINGS.get(type(layer), "conv")
        self.spatial_rank = len(self.config["pool_size" if self.kind != "conv" else "kernel_size"])
        self.inputs = self._as_batch(inputs, seed)
        self._layer_copies = {}
        self._engine_outputs = {}  # switches -> (the layer's outputs, its weights), until refresh
        # The controls change the traits (linked); the traits' observer updates and renders.
        super().__init__()
        self._updating = True
        self.padding = self.config["padding"]
        self.strides = tuple(self.config["strides"])
        self.dilation_rate = self._own_dilation()
        self.controls.children = self._make_controls()
        self._updating = False
        self.refresh()

    # ------------------------------------------------------------ controls

    def _make_controls(self):
        one_d = self.spatial_rank == 1
        paddings = ["valid", "same"] + (["causal"] if one_d and self.kind == "conv" else [])
        self.padding_picker = ipywidgets.Dropdown(
            options=[(padding, padding) for padding in paddings], description="padding"
        )
        self.strides_picker = ipywidgets.Dropdown(
            options=_step_options(self.strides), description="strides"
        )
        self.dilation_picker = ipywidgets.Dropdown(
            options=_step_options(self.dilation_rate), description="dilation"
        )
        self.sample_slider = ipywidgets.IntSlider(
            min=0, max=len(self.inputs) - 1, description="sample"
        )
        if len(self.inputs) == 1:
            self.sample_slider.layout.display = "none"
        self.row_slider = ipywidgets.IntSlider(min=0, max=0, description="output row")
        if one_d:
            self.row_slider.layout.display = "none"
        self.col_slider = ipywidgets.IntSlider(
            min=0, max=0, description="output step" if one_d else "output col"
        )
        channels = self.config["filters"] if self.kind == "conv" else self.inputs.shape[-1]
        self.filter_slider = ipywidgets.IntSlider(
            min=0, max=channels - 1, description="filter" if self.kind == "conv" else "channel"
        )
        controls = {
            "padding": self.padding_picker,
            "strides": self.strides_picker,
            "dilation_rate": self.dilation_picker,
            **self._sliders(),
        }
        if "dilation_rate" not in self.config:  # pooling windows are never dilated
            del controls["dilation_rate"]
        for name, control in controls.items():
            control.style = {"description_width": "initial"}
            control.value = getattr(self, name)
            traitlets.link((control, "value"), (self, name))
        return tuple(controls.values())

    @traitlets.validate("padding", "strides", "dilation_rate")
    def _offer_the_setting(self, proposal):
        """A setting given from code joins its drop-down, so the engine can judge it."""
        value = proposal.value
        picker = getattr(self, f"{proposal.trait.name.split('_')[0]}_picker", None)
        if picker is not None:
            if value not in [option_value for _, option_value in picker.options]:
                label = value if isinstance(value, str) else str(value)
                picker.options = [*picker.options, (label, value)]
        return value

    @traitlets.validate("sample", "row", "col", "filter")
    def _keep_inside_the_slider(self, proposal):
        """A cell chosen from code must be inside the output: a ValueError, not a clamp.

        (When new switches shrink the output, the sliders move their cell inside
        first, and the traits follow them.)
        """
        slider = self._sliders()[proposal.trait.name]
        why = f"The output is {self.output_shape} for these switches, counted from 0."
        return checked_value("ConvView", proposal.trait.name, slider, proposal.value, why)

    def _sliders(self):
        return {
            "sample": self.sample_slider,
            "row": self.row_slider,
            "col": self.col_slider,
            "filter": self.filter_slider,
        }

    @traitlets.observe("padding", "strides", "dilation_rate", "sample", "row", "col", "filter")
    def _on_switch(self, change):
        if not self._updating:
            self._redraw()

    def refresh(self):
        """Call the layer again (e.g. after training changed the weights) and redraw."""
        self._engine_outputs.clear()
        self._redraw()

    def _redraw(self):
        self._update()
        super().refresh()

    def select(self, row=None, col=None, filter=None, sample=None):
        """Choose an output cell, as moving the sliders does (one render).

        Raises:
            ValueError: a row, col, filter or sample outside the output (its
                slider's range); nothing changes then.
            TypeError: one that is not an int.
        """
        chosen = {"sample": sample, "row": row, "col": col, "filter": filter}
        chosen = {name: value for name, value in chosen.items() if value is not None}
        why = f"The output is {self.output_shape} for these switches, counted from 0."
        if self.error:
            why = "These switches give no output (see the widget's message)."
        sliders = self._sliders()
        for name, value in chosen.items():
            chosen[name] = checked_value("ConvView", name, sliders[name], value, why)
        self._updating = True
        try:
            for name, value in chosen.items():
                setattr(self, name, value)
        finally:
            self._updating = False
        self._redraw()

    def __repr__(self):
        settings = f"padding={self.padding!r}, strides={self.strides}"
        if "dilation_rate" in self.config:
            settings += f", dilation_rate={self.dilation_rate}"
        if self.error:
            state = "rejected"
        else:
            shapes = f"{self.input_shape} -> {self.output_shape}"
            state = f"{shapes}, output[{self._cell_index()}] = {self.engine_value:.3f}"
        return f"ConvView({self.layer.name}: {type(self.layer).__name__}, {settings}: {state})"

    # ------------------------------------------------------------ updating

    def _update(self):
        """Compute the state traits from the controls: the engine's output and the cell's sum."""
        self._updating = True
        try:
            self._compute()
            self.error = None
        except Exception as error:  # an engine error is part of the lesson: show it
            self.error = f"{type(error).__name__}: {error}"
            self.output_shape, self.taps, self.window, self.kernel_window = (), [], [], []
        finally:
            self._updating = False

    def _compute(self):
        outputs, weights = self._engine_outputs_for_switches()
        # A 1-D sequence is drawn as an image one row high: (steps, channels) -> (1, steps, ...).
        images, outputs = self._as_images(self.inputs), self._as_images(outputs)
        self.input_shape = tuple(self.inputs.shape[1:])
        self.output_shape = tuple(outputs.shape[2 if self.spatial_rank == 1 else 1 :])
        # The position sliders reach every output cell (and the chosen cell stays inside).
        self.row_slider.max, self.col_slider.max = outputs.shape[1] - 1, outputs.shape[2] - 1
        image, output = images[self.sample], outputs[self.sample]
        self.channels_read = self._channels_read(image.shape[2])
        rows, cols, inside, window = self._read_window(image[:, :, self.channels_read])
        self.engine_value = float(output[self.row, self.col, self.filter])
        if self.kind == "conv":
            self._work_out_convolution(window, weights)
        else:
            self._work_out_pooling(window[:, :, 0], inside, rows, cols)
        self.window = window.tolist()
        drawn = self.channels_read[:_CHANNELS_DRAWN]
        self.input_maps = [image[:, :, channel].tolist() for channel in drawn]
        self.output_map = output[:, :, self.filter].tolist()
        self.size_reason = self._size_reason(image.shape[:2], output.shape[:2])

    def _channels_read(self, channels):
        """The input channels the chosen cell reads: all, its filter's group, or the pooled one."""
        if self.kind != "conv":
            return [self.filter]
        groups = self.config.get("groups", 1)
        per_group = channels // groups
        group = self.filter // (self.config["filters"] // groups)
        return list(range(group * per_group, (group + 1) * per_group))

    def _engine_outputs_for_switches(self):
        """The layer's outputs on the whole input, and its weights, for the current switches."""
        switches = (self.padding, tuple(self.strides), tuple(self.dilation_rate))
        if switches not in self._engine_outputs:
            layer = self._layer_for_switches()
            outputs = np.asarray(data_of(layer(self.inputs)))
            self._engine_outputs[switches] = (outputs, layer.get_weights())
        return self._engine_outputs[switches]

    def _read_window(self, image):
        """The input rows and columns the chosen cell's window reads, and the numbers there.

        Kernel offset (i, j) of output cell (row, col) reads input row
        row * stride - pad_before + i * dilation (and the same for columns);
        a position outside the image is padding and reads 0.
        """
        size, strides = self._window_size(), self._as_pair(self.strides)
        dilation = self._as_pair(self.dilation_rate)
        self.pads = tuple(self._pad(image.shape[axis], size[axis], axis) for axis in (0, 1))
        (top, _), (left, _) = self.pads
        rows = [self.row * strides[0] - top + i * dilation[0] for i in range(size[0])]
        cols = [self.col * strides[1] - left + j * dilation[1] for j in range(size[1])]
        self.taps = [(r, c) if self.spatial_rank == 2 else c for r in rows for c in cols]
        inside = np.array(
            [[0 <= r < image.shape[0] and 0 <= c < image.shape[1] for c in cols] for r in rows]
        )
        window = np.zeros((size[0], size[1], image.shape[2]), dtype=image.dtype)
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                if inside[i, j]:
                    window[i, j] = image[r, c]
        return rows, cols, inside, window

    def _work_out_convolution(self, window, weights):
        kernel = weights[0].reshape(self._window_size() + weights[0].shape[-2:])
        kernel_window = kernel[..., self.filter]
        self.kernel_window = kernel_window.tolist()
        self.products_sum = float((window * kernel_window).sum())
        self.bias = float(weights[1][self.filter]) if len(weights) > 1 else 0.0
        before_activation = np.asarray(self.products_sum + self.bias, dtype=window.dtype)
        self.cell_value = float(data_of(self.layer.activation(before_activation)))
        self.winner = ()

    def _work_out_pooling(self, window, inside, rows, cols):
        self.kernel_window, self.bias = [], 0.0
        self.products_sum = float(window[inside].sum())
        if self.kind == "max":
            # Padding never wins: only positions inside the image compete (ties: the first).
            best = np.argmax(np.where(inside, window, -np.inf))
            i, j = np.unravel_index(best, window.shape)
            self.winner = (rows[i], cols[j]) if self.spatial_rank == 2 else (cols[j],)
            self.cell_value = float(window[i, j])
        else:
            self.winner = ()
            self.cell_value = self.products_sum / int(inside.sum())

    def _layer_for_switches(self):
        """The learner's layer if the switches are its own settings, else a copy with its weights."""
        settings = (self.padding, tuple(self.strides), tuple(self.dilation_rate))
        own = (self.config["padding"], tuple(self.config["strides"]), self._own_dilation())
        if not self.layer.built:
            self._build_learners_layer()
        if settings == own:
            return self.layer
        if settings not in self._layer_copies:
            config = dict(self.config, padding=self.padding, strides=tuple(self.strides))
            if "dilation_rate" in config:
                config["dilation_rate"] = tuple(self.dilation_rate)
            elif settings[2] != own[2]:
                raise ValueError(
                    f"{type(self.layer).__name__} has no `dilation_rate`: its window is never "
                    f"dilated, so dilation_rate={tuple(self.dilation_rate)} cannot be shown."
                )
            with sandbox():
                copy = type(self.layer).from_config(config)
                copy.build(tuple(self.inputs.shape))
            self._layer_copies[settings] = copy
        copy = self._layer_copies[settings]
        copy.set_weights(self.layer.get_weights())
        return copy

    def _build_learners_layer(self):
        """Build an unbuilt layer for this input's channels, without using up random numbers.

        Its weights depend only on the number of channels, so it is called once
        on zeros with those channels and room for its own window, even when
        its own padding cannot fit the window in the input (the widget then
        explains that, and its switches still work).
        """
        key = "kernel_size" if self.kind == "conv" else "pool_size"
        dilation = self._own_dilation()
        spans = [d * (k - 1) + 1 for k, d in zip(self.config[key], dilation)]
        sizes = [max(n, span) for n, span in zip(self.inputs.shape[1:-1], spans)]
        zeros = np.zeros((1, *sizes, self.inputs.shape[-1]), dtype=self.inputs.dtype)
        with sandbox():
            self.layer(zeros)

    # ------------------------------------------------------------ geometry

    def _window_size(self):
        """(height, width) of the window; a 1-D window is one row high."""
        key = "kernel_size" if self.kind == "conv" else "pool_size"
        return self._as_pair(self.config[key])

    def _as_pair(self, values):
        return tuple(values) if self.spatial_rank == 2 else (1, values[0])

    def _pad(self, length, size, axis):
        """Positions added (before, after) along one axis, as the layer's op pads."""
        if self.spatial_rank == 1 and axis == 0:
            return (0, 0)
        stride = self._as_pair(self.strides)[axis]
        dilation = self._as_pair(self.dilation_rate)[axis]
        return ops.conv_padding(length, size, stride, self.padding, dilation)

    def _filler(self):
        """What padding puts around the input, in words."""
        if self.kind == "max":
            return "position(s) that never win the max"
        if self.kind == "average":
            return "position(s) left out of the mean"
        return "zero(s)"

    def _size_reason(self, input_size, output_size):
        """Why each spatial axis of the output has its size, in one sentence per axis."""
        axes = ["rows", "columns"] if self.spatial_rank == 2 else [None, "steps"]
        size = self._window_size()
        sentences = []
        for axis in range(2):
            if axes[axis] is None:
                continue
            length, positions = input_size[axis], output_size[axis]
            stride = self._as_pair(self.strides)[axis]
            dilation = self._as_pair(self.dilation_rate)[axis]
            reach = dilation * (size[axis] - 1) + 1  # the inputs one window spans
            before, after = self.pads[axis]
            span = f"a window {reach} wide"
            if dilation > 1:
                span += f" ({size[axis]} taps, one every {dilation} inputs: dilation_rate)"
            if self.padding == "valid":
                how = (
                    f"padding='valid' adds nothing, so {span} fits at "
                    f"(({length} - {reach}) // {stride}) + 1 = {positions} places"
                )
            elif self.padding == "causal":
                latest = "t" if stride == 1 else f"t * {stride}"
                how = (
                    f"padding='causal' adds {before} zeros at the start only, so output step t "
                    f"reads inputs up to step {latest} and never later ones: {positions} steps"
                )
            else:
                how = (
                    f"padding='same' adds {before} {self._filler()} before and {after} after, "
                    f"so {span} "
                    f"fits at ceil({length} / {stride}) = {positions} places"
                )
            verdict = (
                "the same as the input"
                if positions == length
                else "smaller than the input"
                if positions < length
                else "larger than the input"
            )
            sentences.append((axes[axis], f"{how}, {verdict} ({length})."))
        if len(sentences) == 2 and sentences[0][1] == sentences[1][1]:
            return f"rows and columns: {sentences[0][1]}"
        return " ".join(f"{axis}: {sentence}" for axis, sentence in sentences)

    # ------------------------------------------------------------ inputs

    def _as_batch(self, inputs, seed):
        image_rank = self.spatial_rank + 1
        if inputs is None:
            channels = self._built_channels() or 1
            size = (7, 7) if self.spatial_rank == 2 else (10,)
            numbers = np.random.default_rng(seed).integers(0, 10, size=(1,) + size + (channels,))
            return numbers.astype("float32")
        batch = np.asarray(inputs, dtype="float32")
        if batch.ndim == image_rank:
            batch = batch[None]
        if batch.ndim != image_rank + 1 or 0 in batch.shape:
            example = "(height, width, channels)" if self.spatial_rank == 2 else "(steps, channels)"
            raise ValueError(
                f"ConvView shows {type(self.layer).__name__} on one input shaped {example}, or a "
                f"batch of them; received an array of shape {batch.shape}. A grayscale image "
                "still needs its channels axis of size 1."
            )
        return batch

    def _built_channels(self):
        if self.kind == "conv" and self.layer.built:
            # The kernel reads in_channels // groups channels per filter.
            return self.layer.get_weights()[0].shape[-2] * self.config.get("groups", 1)
        return None

    def _own_dilation(self):
        return tuple(self.config.get("dilation_rate", (1,) * self.spatial_rank))

    def _as_images(self, batch):
        return batch[:, None] if self.spatial_rank == 1 else batch

    def _cell_index(self):
        position = (self.row, self.col) if self.spatial_rank == 2 else (self.col,)
        return ", ".join(str(i) for i in position + (self.filter,))

    # ------------------------------------------------------------ drawing

    def _render(self):
        header = self._header()
        if self.error:
            return header + error_box(
                "Keras would refuse these settings",
                self.error,
                "Nothing is broken: change a switch to try other settings.",
            )
        largest = max(largest_magnitude(self.input_maps), 1e-12)
        output_largest = max(largest_magnitude(self.output_map), 1e-12)
        pad = "0" if self.kind == "conv" else ""  # pooling ignores padded positions
        pictures = [
            _grid_svg(
                grid,
                self.pads,
                self._tap_cells(),
                largest,
                self._caption(channel),
                pad,
                winner=self._winner_cell(),
            )
            for channel, grid in zip(self.channels_read, self.input_maps)
        ]
        chosen = {(self.row, self.col)}
        output_picture = _grid_svg(
            self.output_map, ((0, 0), (0, 0)), chosen, output_largest, self._output_caption()
        )
        return (
            header
            + f'<div class="kt-size" style="margin:4px 0;">{esc(self.size_reason)}</div>'
            + _FLEX
            + "".join(pictures)
            + _SYMBOL.format("&rarr;")
            + output_picture
            + "</div>"
            + self._arithmetic()
            + self._check()
        )

    def _header(self):
        layer, config = self.layer, self.config
        trained = "trainable" if layer.trainable else "frozen (trainable=False)"
        if self.kind == "conv":
            channels = self.inputs.shape[-1]
            groups = config.get("groups", 1)
            over = f"all {channels} input channel(s)"
            if groups > 1:
                over = f"the {channels // groups} input channels of its group (groups={groups})"
            what = (
                f"{config['filters']} filter(s), each a {_size_text(self._window_size())} "
                f"window over {over}; activation {config['activation']}, {trained}"
            )
        else:
            what = (
                f"{self.kind} of each {_size_text(self._window_size())} window, channel by channel"
            )
        shapes = (
            f": input {self.input_shape} &rarr; output {self.output_shape}"
            if self.output_shape
            else ""
        )
        return (
            f"<div><b>{esc(layer.name)}</b> ({esc(type(layer).__name__)}, {esc(what)}){shapes}"
            "</div>"
        )

    def _arithmetic(self):
        """The window's numbers, the kernel's, and their products, channel by channel."""
        window = np.asarray(self.window)
        if self.kind != "conv":
            return self._pooling_arithmetic(window[:, :, 0])
        kernel = np.asarray(self.kernel_window)
        largest = max(largest_magnitude(window), 1e-12)
        kernel_largest = max(largest_magnitude(kernel), 1e-12)
        products = window * kernel
        product_largest = max(largest_magnitude(products), 1e-12)
        parts = []
        drawn = self.channels_read[:_CHANNELS_DRAWN]
        for k, channel in enumerate(drawn):
            parts.append(
                f'<div class="kt-channel">{_FLEX}'
                + _number_table(window[:, :, k], largest, f"window, channel {channel}")
                + _SYMBOL.format("&times;")
                + _number_table(kernel[:, :, k], kernel_largest, f"kernel[..., {k}, {self.filter}]")
                + _SYMBOL.format("=")
                + _number_table(products[:, :, k], product_largest, "products")
                + _SYMBOL.format(f"&Sigma; {products[:, :, k].sum():.3f}")
                + "</div></div>"
            )
        hidden = window.shape[2] - len(drawn)
        if hidden:
            rest = products[:, :, len(drawn) :].sum()
            parts.append(f"<div>The other {hidden} channels' products add {rest:.3f}.</div>")
        activation = self.config["activation"]
        before = self.products_sum + self.bias
        after = (
            ""
            if activation == "linear"
            else f" &rarr; {esc(activation)} &rarr; {self.cell_value:.3f}"
        )
        parts.append(
            f'<div class="kt-sentence" style="{MONO}margin:4px 0;">output[{self._cell_index()}] '
            f"= sum(window &times; kernel) + bias[{self.filter}] = {self.products_sum:.3f} + "
            f"{self.bias:.3f} = {before:.3f}{after}</div>"
        )
        return "".join(parts)

    def _pooling_arithmetic(self, window):
        inside = self._inside_mask()
        largest = max(largest_magnitude(window), 1e-12)
        rows = []
        for i in range(window.shape[0]):
            cells = []
            for j in range(window.shape[1]):
                tap = self.taps[i * window.shape[1] + j]
                if not inside[i, j]:
                    cells.append(f'<span style="color:{FAINT};">pad</span>')
                    continue
                won = self.kind == "max" and _as_tuple(tap) == tuple(self.winner)
                extra = f"outline:2px solid {HIGHLIGHT_EDGE};font-weight:bold;" if won else ""
                cells.append(number_cell(window[i, j], largest, extra))
            rows.append(cells)
        picture = table([], rows, caption=f"window, channel {self.filter}")
        if self.kind == "max":
            if self.spatial_rank == 2:
                where = f"row {self.winner[0]}, col {self.winner[1]}"
            else:
                where = f"step {self.winner[0]}"
            sentence = (
                f"output[{self._cell_index()}] = max(window) = {self.cell_value:.3f}, the input "
                f"at {where} (outlined red); padding never wins"
            )
        else:
            sentence = (
                f"output[{self._cell_index()}] = sum / count = {self.products_sum:.3f} / "
                f"{int(inside.sum())} = {self.cell_value:.3f} (padding is not counted)"
            )
        return picture + f'<div class="kt-sentence" style="{MONO}margin:4px 0;">{sentence}</div>'

    def _check(self):
        difference = abs(self.cell_value - self.engine_value)
        worked = {"conv": "sum", "max": "max", "average": "mean"}[self.kind]
        verdict = "equal" if difference <= 1e-5 * max(1.0, abs(self.engine_value)) else "different"
        return (
            f'<div class="kt-check">The layer itself computed output[{self._cell_index()}] = '
            f"{self.engine_value:.3f}; the {worked} worked out above is {verdict} "
            f"(difference {difference:.1e}).</div>"
        )

    def _tap_cells(self):
        return {_as_tuple(tap) if self.spatial_rank == 2 else (0, tap) for tap in self.taps}

    def _winner_cell(self):
        if not self.winner:
            return None
        return tuple(self.winner) if self.spatial_rank == 2 else (0, self.winner[0])

    def _inside_mask(self):
        height, width = len(self.input_maps[0]), len(self.input_maps[0][0])
        size = self._window_size()
        cells = [(0, tap) if self.spatial_rank == 1 else tuple(tap) for tap in self.taps]
        inside = [0 <= r < height and 0 <= c < width for r, c in cells]
        return np.array(inside).reshape(size)

    def _caption(self, channel):
        return f"input, channel {channel}"

    def _output_caption(self):
        name = "filter" if self.kind == "conv" else "channel"
        return f"output, {name} {self.filter}"


def _step_options(own):
    """Drop-down choices for strides or dilation: 1, 2, 3 on every axis, and the layer's own."""
    options = [(str(step), (step,) * len(own)) for step in (1, 2, 3)]
    if own not in [value for _, value in options]:
        options.append((str(own), own))
    return options


def _as_tuple(tap):
    return tuple(tap) if isinstance(tap, (tuple, list)) else (tap,)


def _size_text(size):
    return f"{size[1]}-step" if size[0] == 1 else f"{size[0]}x{size[1]}"


def _number_table(values, largest, caption):
    rows = [[number_cell(v, largest) for v in row] for row in values]
    return table([], rows, caption=caption)


def _grid_svg(grid, pads, chosen, largest, caption, pad_label="0", winner=None):
    """An image (or output map) as coloured cells, its padding dashed, `chosen` cells outlined.

    `winner`, if given, is the (row, col) of the max pooling's maximum, outlined red.
    """
    height, width = len(grid), len(grid[0])
    (top, bottom), (left, right) = pads
    rows, cols = height + top + bottom, width + left + right
    cell = max(6, min(26, 300 // max(rows, cols)))
    cells = _grid_cells(tuple(map(tuple, grid)), tuple(pads), largest, pad_label, cell)
    elements = [svg_text(0, 12, caption, anchor="start", bold=True), cells]
    for r, c in chosen:
        x, y = (c + left) * cell, (r + top) * cell + 18
        elements.append(
            f'<rect class="kt-tap" x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" '
            f'style="fill:{HIGHLIGHT};stroke:{HIGHLIGHT_EDGE};" fill-opacity="0.35" stroke-width="2"/>'
        )
        if cell >= 20:  # the number again, bold, above the tint that covers it
            inside = 0 <= r < height and 0 <= c < width
            label = _cell_label(grid[r][c]) if inside else pad_label
            elements.append(
                svg_text(x + cell / 2, y + cell / 2 + 4, label, ON_LIGHT, size=9, bold=True)
            )
    if winner is not None:
        x, y = (winner[1] + left) * cell, (winner[0] + top) * cell + 18
        elements.append(
            f'<rect class="kt-winner" x="{x + 1}" y="{y + 1}" width="{cell - 2}" '
            f'height="{cell - 2}" style="fill:none;stroke:{ERROR};" stroke-width="3"/>'
        )
    return svg(max(cols * cell, 120), rows * cell + 20, elements)


def _cell_label(value):
    return f"{value:.1f}" if abs(value) < 100 else f"{value:.0f}"


@functools.lru_cache(maxsize=64)
def _grid_cells(grid, pads, largest, pad_label, cell):
    """The cells of `_grid_svg`, kept: moving the window redraws only its outline."""
    height, width = len(grid), len(grid[0])
    (top, bottom), (left, right) = pads
    numbers = cell >= 20
    elements = []
    for r in range(-top, height + bottom):
        for c in range(-left, width + right):
            x, y = (c + left) * cell, (r + top) * cell + 18
            if 0 <= r < height and 0 <= c < width:
                value = grid[r][c]
                style = f'style="fill:{value_colour(value, largest)};stroke:{BORDER};"'
                label = _cell_label(value)
            else:
                style = f'style="fill:{PAD_FILL};stroke:{BORDER};" stroke-dasharray="2 2"'
                label = pad_label
            elements.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" {style}/>')
            if numbers:
                elements.append(svg_text(x + cell / 2, y + cell / 2 + 4, label, ON_LIGHT, size=9))
    return "".join(elements)
