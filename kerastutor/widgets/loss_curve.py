"""LossCurve: the loss (and any metric you name) after every epoch, drawn while `fit` runs.

Pass it to `fit` like any Keras callback::

    curve = LossCurve(metrics=["accuracy"])
    model.fit(x, y, epochs=20, validation_split=0.2, callbacks=[curve])

Inside Jupyter it shows itself when training begins and redraws after each
epoch: one chart for the loss and one per metric, each with its `val_` twin
(dashed) when `fit` validates. Elsewhere (a terminal, a test) it shows and
prints nothing and keeps the numbers: `curve.history` and `curve.svg()`
give the same data and picture.

Training several times with the same curve continues it: the epochs of the
next `fit` are drawn after the ones before, with a dashed line where each
`fit` began, as the model itself continues from its trained weights. To
start afresh, make a new LossCurve.

A loss that is not a number (NaN, infinite, or a logged value that is no
number at all, such as a string a custom callback put in the logs) is not
drawn: the line has a gap there, a red mark on the top edge shows the epoch,
and a note under the chart says what the value was; the chart keeps drawing. When the loss turns NaN in the middle of an
epoch and `fit` stops with an error, the note says in which epoch and batch.
"""

import math
import sys
import textwrap

import ipywidgets

from kerastutor.callbacks import Callback
from kerastutor.training.progress import format_value, in_notebook
from kerastutor.widgets._render import (
    BACKGROUND,
    BRAND,
    ERROR,
    FAINT,
    FONT,
    GRID,
    MUTED,
    TEXT,
    WARN,
    error_box,
    esc,
    svg,
    svg_text,
    with_static_hint,
)

__all__ = ["LossCurve"]

PANEL_WIDTH, PANEL_HEIGHT = 400, 270
PLOT_LEFT, PLOT_RIGHT = 56, PANEL_WIDTH - 16  # the plotting area inside one panel
PLOT_TOP, PLOT_BOTTOM = 34, 190
NOTES_TOP, NOTE_LINES, NOTE_WIDTH = 238, 3, 76  # red notes under the chart: where, how many
COLUMNS = 2  # panels per row
MARKERS_UP_TO = 30  # draw a dot at each epoch while there are at most this many
TRAIN_COLOUR, VALIDATION_COLOUR, PROBLEM_COLOUR = BRAND, WARN, ERROR


class LossCurve(Callback):
    """A live chart of the loss and chosen metrics, one point per epoch.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Dense, Input
        >>> from kerastutor.models import Model
        >>> from kerastutor.widgets import LossCurve
        >>> inputs = Input(shape=(2,))
        >>> model = Model(inputs, Dense(1)(inputs))
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> curve = LossCurve(metrics=["mae"])
        >>> history = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=3, verbose=0,
        ...                     callbacks=[curve])
        >>> curve.history == history.history
        True
        >>> curve
        LossCurve(loss, mae: 3 epochs in 1 fit)

    Args:
        metrics: names of logged values to draw besides the loss, each in
            its own chart with its `val_` twin, e.g. ['accuracy']. The
            names are the keys of `history.history` (with several outputs,
            e.g. 'dense_1_accuracy').
        display: the function that shows the widget when training begins;
            IPython's `display` inside Jupyter, nothing elsewhere.

    Attributes:
        history: {'loss': [...], 'val_loss': [...], ...}, equal to
            `History.history` of one fit (over several fits, each list is
            the fits' lists one after the other).
        fit_starts: the epoch index (from 0) where each fit began.
        view: the ipywidgets.HTML that shows the chart.
    """

    def __init__(self, metrics=(), display=None):
        super().__init__()
        if isinstance(metrics, str):
            metrics = [metrics]
        if not isinstance(metrics, (list, tuple)) or not all(isinstance(m, str) for m in metrics):
            raise TypeError(
                "LossCurve `metrics` must be a list of names of logged values, such as "
                f"['accuracy'], received {metrics!r}."
            )
        self.quantities = ["loss"] + [m for m in dict.fromkeys(metrics) if m != "loss"]
        self.display = display
        self.view = ipywidgets.HTML()
        self.fit_starts = []
        self._epoch_logs = []  # one dict per epoch, as fit logged it
        self._planned = 0  # epochs drawn when the current fit has run all of its epochs
        self._stop_note = ""
        self._fit_starting = False
        self._shown = False
        self.refresh()

    @property
    def history(self):
        history = {}
        for logs in self._epoch_logs:
            for key, value in logs.items():
                history.setdefault(key, []).append(value)
        return history

    @property
    def html(self):
        """The HTML currently shown (what the tests look at)."""
        return self.view.value

    def __repr__(self):
        if not self._epoch_logs:
            return f"LossCurve({', '.join(self.quantities)}: draws each epoch of fit)"
        epochs, fits = len(self._epoch_logs), len(self.fit_starts)
        return (
            f"LossCurve({', '.join(self.quantities)}: {epochs} epoch{'s' * (epochs != 1)} in "
            f"{fits} fit{'s' * (fits != 1)})"
        )

    def _repr_mimebundle_(self, **kwargs):
        """Shown in Jupyter as the live widget, with our own stable text for other front ends."""
        self._shown = True
        return with_static_hint(self.view._repr_mimebundle_(**kwargs), repr(self))

    # ------------------------------------------------------------ callback hooks

    def on_train_begin(self, logs=None):
        self.fit_starts.append(len(self._epoch_logs))
        self._planned = len(self._epoch_logs)
        self._stop_note = ""
        self._fit_starting = True
        if not self._shown:
            show = self.display
            if show is None and in_notebook():
                from IPython.display import display as show
            if show is not None:
                show(self)
                self._shown = True
        self.refresh()

    def on_epoch_begin(self, epoch, logs=None):
        if self._fit_starting:  # fit's first epoch: now we know how many it will run
            self._planned = len(self._epoch_logs) + self.params.get("epochs", epoch + 1) - epoch
            self._fit_starting = False

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if _is_number(loss) and not _finite(loss):
            # TerminateOnNaN is about to stop fit: say where, while the widget still updates.
            self._stop_note = (
                f"fit stopped: the loss became {loss} in epoch {len(self._epoch_logs) + 1}, "
                f"batch {batch} (batches count from 0)"
            )
            self.refresh()

    def on_epoch_end(self, epoch, logs=None):
        self._epoch_logs.append(dict(logs or {}))
        self.refresh()

    def on_train_end(self, logs=None):
        self.refresh()

    # ------------------------------------------------------------ drawing

    def refresh(self):
        """Draw again; never lets an error out into `fit`."""
        try:
            body = f'<div class="kt-loss-curve">{self.svg()}</div>'
        except Exception as error:  # training must go on, whatever the drawing did
            body = error_box(
                "The loss curve could not be drawn",
                f"{type(error).__name__}: {error}",
                "Training is not affected; the numbers are in `curve.history`.",
            )
        self.view.value = f'<div style="{FONT}">{body}</div>'

    def svg(self):
        """The chart as SVG text: one panel per quantity, two panels a row."""
        elements = []
        for index, quantity in enumerate(self.quantities):
            x = (index % COLUMNS) * PANEL_WIDTH
            y = (index // COLUMNS) * PANEL_HEIGHT
            elements.append(f'<g transform="translate({x},{y})">{self._panel(quantity)}</g>')
        columns = min(len(self.quantities), COLUMNS)
        rows = math.ceil(len(self.quantities) / COLUMNS)
        return svg(columns * PANEL_WIDTH, rows * PANEL_HEIGHT, elements)

    def _panel(self, quantity):
        """One chart: `quantity` and `val_<quantity>` against the epoch."""
        # Each series as (epoch number from 1, value): a key can be missing from some epochs
        # when one fit validated and another did not.
        series = {}
        for key in (quantity, f"val_{quantity}"):
            points = [(n + 1, logs[key]) for n, logs in enumerate(self._epoch_logs) if key in logs]
            if points:
                series[key] = points
        last_epoch = max(len(self._epoch_logs), self._planned)
        x_low, x_high = (1, last_epoch) if last_epoch >= 2 else (0.5, 1.5)
        finite = [
            float(value) for points in series.values() for _, value in points if _finite(value)
        ]
        y_ticks = nice_ticks(min(finite), max(finite)) if finite else [0.0, 0.5, 1.0]
        y_low, y_high = y_ticks[0], y_ticks[-1]

        def to_x(epoch):
            return PLOT_LEFT + (epoch - x_low) / (x_high - x_low) * (PLOT_RIGHT - PLOT_LEFT)

        def to_y(value):
            return PLOT_BOTTOM - (value - y_low) / (y_high - y_low) * (PLOT_BOTTOM - PLOT_TOP)

        parts = [
            f'<rect x="0.5" y="0.5" width="{PANEL_WIDTH - 1}" height="{PANEL_HEIGHT - 1}" '
            f'style="fill:{BACKGROUND};stroke:{GRID};"/>',
            svg_text(10, 20, quantity, anchor="start", size=13, bold=True),
        ]
        parts += _axes(y_ticks, to_y, epoch_ticks(x_low, x_high), to_x)
        for number, start in enumerate(self.fit_starts[1:], start=2):
            if start < len(self._epoch_logs):  # a dashed line where fit number `number` began
                x = to_x(start + 0.5)
                parts.append(
                    f'<line class="kt-fit-start" x1="{x:.1f}" y1="{PLOT_TOP}" x2="{x:.1f}" '
                    f'y2="{PLOT_BOTTOM}" style="stroke:{FAINT};" stroke-dasharray="3 3"/>'
                )
                parts.append(svg_text(x + 3, PLOT_TOP + 10, f"fit {number}", MUTED, "start", 10))
        for key, points in series.items():
            parts += _line(key, points, to_x, to_y, markers=last_epoch <= MARKERS_UP_TO)
        parts += _legend(quantity, series)
        if not self._epoch_logs:
            middle = ((PLOT_LEFT + PLOT_RIGHT) / 2, (PLOT_TOP + PLOT_BOTTOM) / 2)
            parts.append(svg_text(*middle, "drawn after each epoch of fit", MUTED))
        parts += _notes(self._notes(quantity, series))
        return "".join(parts)

    def _notes(self, quantity, series):
        """Plain sentences for what the chart cannot show: values that are not numbers, etc."""
        notes = []
        for key, points in series.items():
            bad = [(epoch, value) for epoch, value in points if not _finite(value)]
            if bad:
                where = ", ".join(f"{_shown(value)} at epoch {epoch}" for epoch, value in bad[:3])
                more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
                notes.append(f"{key}: {where}{more}, not drawn")
        if self._epoch_logs and not series:
            logged = ", ".join(self._epoch_logs[-1]) or "nothing"
            notes.append(
                f"fit logs no {quantity!r} (it logs {logged}); compile with "
                f"metrics=[{quantity!r}] to see it"
            )
        if quantity == "loss" and self._stop_note:
            notes.append(self._stop_note)
        return notes


# ---------------------------------------------------------------- chart pieces


def _finite(value):
    """True for a finite number (a Python or NumPy scalar); False for NaN, inf and non-numbers."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):  # a str, None, a list, an array of many
        return False


def _is_number(value):
    try:
        float(value)
        return True
    except (TypeError, ValueError, OverflowError):
        return False


def _shown(value):
    """A logged value for a note: numbers as they are, anything else with its type."""
    return str(value) if _is_number(value) else f"{value!r} ({type(value).__name__}, not a number)"


def _finite_runs(points):
    """The (epoch, value) points split at every non-finite value: one list per unbroken line."""
    runs, current = [], []
    for epoch, value in points:
        if _finite(value):
            current.append((epoch, float(value)))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def nice_ticks(low, high, count=4):
    """Round tick values (steps of 1, 2 or 5 times a power of ten) that cover [low, high]."""
    if high == low:  # a flat line: give it some room
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    # Near float's limit (a loss of 1e308) the padding would overflow to inf.
    low, high = max(low, -sys.float_info.max), min(high, sys.float_info.max)
    raw_step = high / count - low / count  # (high - low) / count, without overflowing
    power = 10.0 ** math.floor(math.log10(raw_step))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw_step * (1 - 1e-9))
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [k * step for k in range(first, last + 1) if math.isfinite(k * step)]


def epoch_ticks(low, high, most=8):
    """Whole epoch numbers to label on the x axis: every 1, 2, 5, 10, 20, 50, ... epochs."""
    step = 1
    while high / step > most:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    first = step if step > 1 else max(1, math.ceil(low))
    return list(range(first, int(high) + 1, step))


def format_tick(value, step):
    if step >= 1e5 or step < 1e-4:
        return f"{value:.3g}"
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:.{decimals}f}"


def _axes(y_ticks, to_y, x_ticks, to_x):
    step = y_ticks[1] - y_ticks[0]
    parts = []
    for value in y_ticks:
        y = to_y(value)
        parts.append(
            f'<line x1="{PLOT_LEFT}" y1="{y:.1f}" x2="{PLOT_RIGHT}" y2="{y:.1f}" style="stroke:{GRID};"/>'
        )
        parts.append(svg_text(PLOT_LEFT - 5, y + 4, format_tick(value, step), MUTED, "end", 10))
    for epoch in x_ticks:
        x = to_x(epoch)
        parts.append(
            f'<line x1="{x:.1f}" y1="{PLOT_BOTTOM}" x2="{x:.1f}" y2="{PLOT_BOTTOM + 4}" '
            f'style="stroke:{MUTED};"/>'
        )
        parts.append(svg_text(x, PLOT_BOTTOM + 16, str(epoch), MUTED, size=10))
    parts.append(
        f'<polyline class="kt-axes" points="{PLOT_LEFT},{PLOT_TOP} {PLOT_LEFT},{PLOT_BOTTOM} '
        f'{PLOT_RIGHT},{PLOT_BOTTOM}" style="fill:none;stroke:{MUTED};"/>'
    )
    parts.append(svg_text((PLOT_LEFT + PLOT_RIGHT) / 2, PLOT_BOTTOM + 30, "epoch", MUTED))
    return parts


def _stroke(key):
    """Colour and dash pattern of a series: training solid blue, validation dashed orange."""
    if key.startswith("val_"):
        return VALIDATION_COLOUR, ' stroke-dasharray="6 3"'
    return TRAIN_COLOUR, ""


def _line(key, points, to_x, to_y, markers):
    """A series as polylines (broken where a value is not finite) and red marks at those epochs."""
    colour, dash = _stroke(key)
    parts = []
    for run in _finite_runs(points):
        coordinates = " ".join(f"{to_x(epoch):.1f},{to_y(value):.1f}" for epoch, value in run)
        parts.append(
            f'<polyline class="kt-line" data-key="{esc(key)}" points="{coordinates}" '
            f'style="fill:none;stroke:{colour};" stroke-width="2"{dash}/>'
        )
        if markers:
            parts += [
                f'<circle cx="{to_x(epoch):.1f}" cy="{to_y(value):.1f}" r="2.5" style="fill:{colour};"/>'
                for epoch, value in run
            ]
    for epoch, value in points:
        if not _finite(value):
            x = to_x(epoch)
            parts.append(
                f'<line class="kt-not-finite" x1="{x:.1f}" y1="{PLOT_TOP - 4}" x2="{x:.1f}" '
                f'y2="{PLOT_TOP + 6}" style="stroke:{PROBLEM_COLOUR};" stroke-width="2"/>'
            )
    return parts


def _notes(notes):
    """Red lines of text under the chart, wrapped; at most NOTE_LINES of them."""
    lines = [line for note in notes for line in textwrap.wrap(note, NOTE_WIDTH)]
    if len(lines) > NOTE_LINES:
        lines = lines[: NOTE_LINES - 1] + [lines[NOTE_LINES - 1][: NOTE_WIDTH - 2] + " …"]
    return [
        f'<text class="kt-note" x="8" y="{NOTES_TOP + 12 * row}" font-size="10" '
        f'style="fill:{PROBLEM_COLOUR};">{esc(line)}</text>'
        for row, line in enumerate(lines)
    ]


def _legend(title, series):
    """A line sample and 'key last-value' per series, in the panel's top row."""
    parts, x = [], 10 + 8 * len(title) + 20
    for key, points in series.items():
        colour, dash = _stroke(key)
        value = points[-1][1]
        label = f"{key} {format_value(float(value)) if _finite(value) else _shown(value)}"
        parts.append(
            f'<line x1="{x}" y1="16" x2="{x + 20}" y2="16" style="stroke:{colour};" stroke-width="2"'
            f"{dash}/>"
        )
        parts.append(svg_text(x + 24, 20, label, TEXT, "start", 11))
        x += 24 + 6.5 * len(label) + 14
    return parts
