"""What every widget shares: a base class and small HTML/SVG drawing helpers.

Each widget is an ipywidgets `VBox`: a row of ipywidgets controls on top and
one `ipywidgets.HTML` view below. Every control change re-runs the widget's
single `_render()` method, which returns an HTML string (tables and inline
SVG). Styles are inline, so the pictures look the same in JupyterLab,
Notebook 7, VS Code and Colab without any front-end code.

Colours: every colour a widget draws is a name from the palette below. The
theme colours are JupyterLab's CSS variables, so the pictures follow its
light and dark themes; each has the light theme's value as a fallback for
front ends without them (VS Code, Colab). A fill that stays light in both
themes (a highlight, a heat-map cell, a layer box) comes with its own dark
text colour, chosen with it, so its text is readable whatever the theme.
SVG takes CSS variables only in `style` (not in `fill=` attributes), so the
SVG helpers write `style="fill: ...; stroke: ..."`.

A widget never lets an exception out: whatever `_render()` raises is shown
inside the widget in plain words, and the next control change renders again.

A widget that updates when a layer is called (`listen_to`) leaks nothing:
the layer holds only a weak listener, which removes itself once the widget
is closed or gone; and a widget created again from the same line of the same
notebook cell (the cell was re-run) closes the one that line made before.
"""

import contextlib
import difflib
import html
import numbers
import sys
import weakref

import ipywidgets
import numpy as np

from kerastutor.engine.naming import sandbox  # re-exported: the widgets' throwaway graphs
from kerastutor.utils.model_graph import NODE_COLOURS, NODE_TINTS, format_shapes

__all__ = [
    "WidgetBase",
    "sandbox",
    "esc",
    "table",
    "error_box",
    "value_colour",
    "number_cell",
    "largest_magnitude",
    "node_colour",
    "node_tint",
    "format_shapes",
    "svg",
    "svg_box",
    "svg_arrow",
    "svg_text",
    "on_light",
    "with_static_hint",
    "checked_value",
    "unknown_control",
    "PALETTE",
    "STATIC_HINT",
]

# ---------------------------------------------------------------- the palette

# Theme colours: they follow JupyterLab's theme (light fallbacks elsewhere).
TEXT = "var(--jp-ui-font-color1, #222)"  # body text, SVG labels
MUTED = "var(--jp-ui-font-color2, #555)"  # secondary text, arrows, axes
FAINT = "var(--jp-ui-font-color3, #999)"  # what is not returned, not used, padding
BACKGROUND = "var(--jp-layout-color1, #fff)"  # a chart's own background
PANEL = "var(--jp-layout-color2, #f0f0f0)"  # table headers, code blocks
BORDER = "var(--jp-border-color1, #ccc)"  # table cells, boxes
GRID = "var(--jp-border-color2, #eee)"  # chart grid lines
BRAND = "var(--jp-brand-color1, #1f77b4)"  # what is returned, the training series
WARN = "var(--jp-warn-color1, #ff7f0e)"  # the validation series
ERROR = "var(--jp-error-color1, #d62728)"  # error borders, problem marks and notes
SUCCESS = "var(--jp-success-color1, #2ca02c)"  # states carried in or returned

# Fills that are light in both themes, each with the dark text that goes on it.
ON_LIGHT = "#222"  # the text on every light fill below (and on heat-map cells)
HIGHLIGHT = "var(--jp-warn-color3, #fff0a8)"  # the chosen row or cell
HIGHLIGHT_EDGE = "var(--jp-warn-color0, #e0a800)"  # its outline
CHANGED = "var(--jp-success-color3, #d8f5d0)"  # a shape that just changed
ERROR_FILL = "var(--jp-error-color3, #fdecea)"  # the error box, a rejected call
ERROR_TITLE = "#a31515"  # an error's title, on ERROR_FILL
BOX_FILL = "#dbe9f6"  # a Dense (or any) box in a picture
LAYER_FILL = "#fde2c4"  # the layer being explained, its forward copy
BACKWARD_FILL = "#e6dcf0"  # a Bidirectional's backward copy
PAD_FILL = "#f4f4f4"  # padding cells around an image

# Every colour above by name (what the tests check; widgets import the names).
PALETTE = {
    "TEXT": TEXT,
    "MUTED": MUTED,
    "FAINT": FAINT,
    "BACKGROUND": BACKGROUND,
    "PANEL": PANEL,
    "BORDER": BORDER,
    "GRID": GRID,
    "BRAND": BRAND,
    "WARN": WARN,
    "ERROR": ERROR,
    "SUCCESS": SUCCESS,
    "ON_LIGHT": ON_LIGHT,
    "HIGHLIGHT": HIGHLIGHT,
    "HIGHLIGHT_EDGE": HIGHLIGHT_EDGE,
    "CHANGED": CHANGED,
    "ERROR_FILL": ERROR_FILL,
    "ERROR_TITLE": ERROR_TITLE,
    "BOX_FILL": BOX_FILL,
    "LAYER_FILL": LAYER_FILL,
    "BACKWARD_FILL": BACKWARD_FILL,
    "PAD_FILL": PAD_FILL,
}

# The end of every widget's text form: what a notebook shows before the widget is drawn
# (a lesson not yet run, a static renderer such as GitHub's), so the reader knows why.
STATIC_HINT = "(run the cell in Jupyter to see the interactive widget)"

FONT = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:13px;"
MONO = "font-family:Menlo,Consolas,'DejaVu Sans Mono',monospace;"


def on_light(fill):
    """The inline style of something filled with a light `fill`: the fill and its text colour."""
    return f"background:{fill};color:{ON_LIGHT};"


class WidgetBase(ipywidgets.VBox):
    """Controls on top, the rendered picture below, re-rendered on every change.

    Subclasses build their controls, call `super().__init__(controls)`, and
    implement `_render()` (returning HTML) and `__repr__` (plain, stable
    text: lessons are regression-tested on it). A widget that updates when a
    layer is called registers with `listen_to(layer, method_name)`;
    `close()` stops that and closes the controls and the view too.
    """

    def __init__(self, controls=()):
        self._quiet = False
        self.closed = False
        self._listeners = []
        self.view = ipywidgets.HTML()
        self.controls = ipywidgets.HBox(list(controls), layout={"flex_flow": "row wrap"})
        super().__init__([self.controls, self.view])
        for control in controls:
            control.observe(self._on_control_change, names="value")

    @property
    def html(self):
        """The HTML currently shown (what the tests look at)."""
        return self.view.value

    def _repr_mimebundle_(self, **kwargs):
        """The live widget for Jupyter; for other front ends, the repr and a hint, whole."""
        return with_static_hint(super()._repr_mimebundle_(**kwargs), repr(self))

    def refresh(self):
        """Render again, e.g. after training changed the weights."""
        try:
            body = self._render()
        except Exception as error:  # the widget must stay alive, whatever went wrong
            body = error_box(
                "This view could not be drawn",
                f"{type(error).__name__}: {error}",
                "Change a control to try again.",
            )
        self.view.value = f'<div style="{FONT}">{body}</div>'

    @contextlib.contextmanager
    def quiet(self):
        """Change several controls, then render once (the caller calls `refresh`)."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _on_control_change(self, change):
        if not self._quiet:
            self.refresh()

    def listen_to(self, layer, method_name):
        """Call `self.<method_name>(layer, node)` whenever `layer` gets a new node.

        The layer holds the widget weakly (see `_WeakNodeListener`). The same
        widget made again from the same place (a re-run cell) replaces this one.
        """
        _replace_earlier_widget(self, layer)
        listener = _WeakNodeListener(self, method_name)
        self._listeners.append((layer, listener))
        layer.add_node_listener(listener)

    def close(self):
        """Stop listening to layers, and close the widget, its controls and its view."""
        for layer, listener in getattr(self, "_listeners", ()):
            layer.remove_node_listener(listener)
        self._listeners = []
        self.closed = True
        controls, view = getattr(self, "controls", None), getattr(self, "view", None)
        parts = [*(controls.children if controls is not None else ()), controls, view, self]
        for part in parts:
            if part is None:
                continue
            for look in (getattr(part, "layout", None), getattr(part, "style", None)):
                if isinstance(look, ipywidgets.Widget):  # a widget's layout and style are widgets
                    look.close()
            if part is not self:
                part.close()
        super().close()

    def _render(self):
        raise NotImplementedError


# ---------------------------------------------------------------- controls set from code


def checked_value(widget, name, control, value, why=""):
    """`value` if `control` can take it as it is; else a TypeError or ValueError that teaches.

    A slider set from code would silently clamp a value outside its range, and
    a wrong type would surface as traitlets' bare TraitError; the learner gets
    instead the widget, the control, what it takes and what it received, and
    `why` (one sentence on what the range means).
    """
    what = f"{widget}'s `{name}`"
    reason = f" {why}" if why else ""
    if isinstance(control, (ipywidgets.Checkbox, ipywidgets.ToggleButton)):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(
                f"{what} is a switch: it takes True or False; received "
                f"{type(value).__name__} {value!r}.{reason}"
            )
        return bool(value)
    if isinstance(control, (ipywidgets.IntSlider, ipywidgets.FloatSlider)):
        integer = isinstance(control, ipywidgets.IntSlider)
        kind = "an int" if integer else "a number"
        wanted = numbers.Integral if integer else numbers.Real
        if not isinstance(value, wanted) or isinstance(value, (bool, np.bool_)):
            raise TypeError(
                f"{what} slider takes {kind} from {control.min} to {control.max}; received "
                f"{type(value).__name__} {value!r}.{reason}"
            )
        if not control.min <= value <= control.max:  # also refuses NaN
            raise ValueError(
                f"{what} slider takes {kind} from {control.min} to {control.max}; received "
                f"{value!r}.{reason}"
            )
        return int(value) if integer else float(value)
    if isinstance(control, ipywidgets.Dropdown):
        choices = [option[1] if isinstance(option, tuple) else option for option in control.options]
        if not any(_same_choice(value, choice) for choice in choices):
            raise ValueError(
                f"{what} drop-down takes one of {', '.join(map(repr, choices))}; received "
                f"{value!r}.{reason}"
            )
        return next(choice for choice in choices if _same_choice(value, choice))
    if isinstance(control, ipywidgets.Text) and not isinstance(value, str):
        raise TypeError(
            f"{what} text box takes a str; received {type(value).__name__} {value!r}.{reason}"
        )
    return value


def _same_choice(value, choice):
    """True if `value` is `choice`: 1 and np.int64(1) are, True and 1 are not, '1' and 1 not."""
    flags = isinstance(value, (bool, np.bool_)), isinstance(choice, (bool, np.bool_))
    if any(flags):
        return all(flags) and bool(value) == bool(choice)
    if isinstance(value, numbers.Integral) and isinstance(choice, numbers.Integral):
        return int(value) == int(choice)
    return type(value) is type(choice) and value == choice


def unknown_control(widget, name, names):
    """The ValueError for a control name the widget does not have, with a "did you mean"."""
    close = difflib.get_close_matches(str(name), list(names), n=1)
    guess = f" Did you mean {close[0]!r}?" if close else ""
    return ValueError(
        f"{widget} has no control {name!r}; its controls are {', '.join(names)}.{guess}"
    )


def with_static_hint(bundle, text):
    """A widget's display data with its text form set to `text` and STATIC_HINT below it."""
    bundle = dict(bundle or {})
    bundle["text/plain"] = f"{text}\n{STATIC_HINT}"  # ipywidgets would cut it at 110 characters
    return bundle


class _WeakNodeListener:
    """A layer's node listener that holds its widget weakly.

    When the widget has been closed or collected, the next call of the layer
    removes the listener instead of calling it, so dead widgets cost nothing.
    """

    def __init__(self, widget, method_name):
        self.widget = weakref.ref(widget)
        self.method_name = method_name

    def __call__(self, layer, node):
        widget = self.widget()
        if widget is None or widget.closed:
            layer.remove_node_listener(self)
            return
        getattr(widget, self.method_name)(layer, node)


# (id of the layer, widget class, place of creation) -> the widget made there, held weakly.
_MADE_AT = {}


def _replace_earlier_widget(widget, layer):
    """Close the widget of this class, on this layer, that the same place made before."""
    for key in [key for key, made in _MADE_AT.items() if made() is None]:
        del _MADE_AT[key]  # forget widgets that are gone
    key = (id(layer), type(widget).__name__, _creation_place())
    earlier = _MADE_AT.get(key, lambda: None)()
    if earlier is not None and earlier is not widget and getattr(earlier, "layer", None) is layer:
        earlier.close()
    _MADE_AT[key] = weakref.ref(widget)


def _creation_place():
    """Where the learner's code made the widget: the notebook cell's id and the line.

    The first frame outside kerastutor gives the file and line; inside Jupyter
    the running cell's id tells two cells with the same code apart (ipykernel
    names a cell's code after its text, and JupyterLab sends the cell's id).
    """
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("kerastutor."):
        frame = frame.f_back
    line = (frame.f_code.co_filename, frame.f_lineno) if frame is not None else None
    return (_running_cell_id(),) + (line or ())


def _running_cell_id():
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    kernel = getattr(shell, "kernel", None)
    try:
        return kernel.get_parent().get("metadata", {}).get("cellId")
    except Exception:  # not in a kernel, or a kernel that does not say
        return None


def esc(value):
    """Text made safe to put inside HTML."""
    return html.escape(str(value))


def node_colour(index):
    """The colour of node `index`, the same as in `plot_model`'s arrows."""
    return NODE_COLOURS[index % len(NODE_COLOURS)]


def node_tint(index):
    return NODE_TINTS[index % len(NODE_TINTS)]


def table(headers, rows, row_styles=None, row_classes=None, caption=None):
    """An HTML table. `rows` hold HTML strings (escape text with `esc` first).

    Args:
        headers: column titles (plain text).
        rows: one list of cell HTML strings per row.
        row_styles: optional inline style per row (e.g. a highlight).
        row_classes: optional class names per row, for tests and styling hooks.
        caption: optional plain-text title above the table.
    """
    cell = f"border:1px solid {BORDER};padding:2px 6px;text-align:left;"
    parts = ['<table style="border-collapse:collapse;margin:4px 8px 4px 0;">']
    if caption:
        parts.append(f'<caption style="text-align:left;font-weight:bold;">{esc(caption)}</caption>')
    if headers:
        parts.append(
            "<tr>"
            + "".join(
                f'<th style="{cell}background:{PANEL};color:{TEXT};">{esc(h)}</th>' for h in headers
            )
            + "</tr>"
        )
    for i, row in enumerate(rows):
        style = (row_styles[i] if row_styles else "") or ""
        classes = (row_classes[i] if row_classes else "") or ""
        class_attribute = f' class="{classes}"' if classes else ""
        cells = "".join(f'<td style="{cell}">{value}</td>' for value in row)
        parts.append(f'<tr{class_attribute} style="{style}">{cells}</tr>')
    parts.append("</table>")
    return "".join(parts)


def error_box(title, message, hint=""):
    """A red box with a plain-language explanation (never a traceback)."""
    hint_html = f'<div style="margin-top:4px;">{esc(hint)}</div>' if hint else ""
    return (
        f'<div class="kt-error" style="border:2px solid {ERROR};{on_light(ERROR_FILL)}'
        'padding:6px 10px;margin:4px 0;border-radius:4px;">'
        f'<div style="font-weight:bold;color:{ERROR_TITLE};">{esc(title)}</div>'
        f'<div style="white-space:pre-wrap;">{esc(message)}</div>{hint_html}</div>'
    )


def value_colour(value, largest):
    """A background colour for a number: blue below zero, white at zero, red above.

    The colours are light (the text on them is `ON_LIGHT`) in either theme.
    """
    strength = 0.0 if largest <= 0 else min(abs(float(value)) / largest, 1.0)
    fade = int(round(255 - 150 * strength))
    if value < 0:
        return f"#{fade:02x}{fade:02x}ff"
    return f"#ff{fade:02x}{fade:02x}"


def number_cell(value, largest, extra_style=""):
    """A table cell's HTML for one number, coloured by sign and size."""
    colour = value_colour(value, largest)
    return (
        f'<span style="display:block;{on_light(colour)}{MONO}padding:0 3px;{extra_style}">'
        f"{float(value):.3f}</span>"
    )


def largest_magnitude(array):
    array = np.asarray(array)
    return float(np.abs(array).max()) if array.size else 0.0


def svg(width, height, elements):
    """An inline SVG picture from a list of SVG element strings."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="{FONT}">' + "".join(elements) + "</svg>"
    )


def svg_box(x, y, width, height, text, fill=BOX_FILL, stroke=MUTED, bold=False):
    """A rounded box with centred text; `fill` is one of the light fills (its text is ON_LIGHT)."""
    weight = "bold" if bold else "normal"
    return (
        f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="5" '
        f'style="fill:{fill};stroke:{stroke};"/><text x="{x + width / 2}" '
        f'y="{y + height / 2 + 4}" text-anchor="middle" font-size="12" font-weight="{weight}" '
        f'style="fill:{ON_LIGHT};">{esc(text)}</text>'
    )


def svg_arrow(x1, y1, x2, y2, colour=MUTED, width=1.5, dashed=False):
    """A line from (x1, y1) to (x2, y2) with an arrowhead at the end."""
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    length = max(float(np.hypot(x2 - x1, y2 - y1)), 1e-9)
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    size = 4 + 2 * width
    left = (x2 - size * ux - size * 0.5 * uy, y2 - size * uy + size * 0.5 * ux)
    right = (x2 - size * ux + size * 0.5 * uy, y2 - size * uy - size * 0.5 * ux)
    head = f"{x2:.1f},{y2:.1f} {left[0]:.1f},{left[1]:.1f} {right[0]:.1f},{right[1]:.1f}"
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2 - size * ux:.1f}" y2="{y2 - size * uy:.1f}" '
        f'style="stroke:{colour};" stroke-width="{width}"{dash}/>'
        f'<polygon points="{head}" style="fill:{colour};"/>'
    )


def svg_text(x, y, text, colour=TEXT, anchor="middle", size=11, bold=False):
    weight = "bold" if bold else "normal"
    return (
        f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="{size}" '
        f'style="fill:{colour};" font-weight="{weight}">{esc(text)}</text>'
    )
