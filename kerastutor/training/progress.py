"""The progress bar `fit` shows with `verbose=1`: text in a terminal, a widget in Jupyter.

In a terminal it looks like Keras 3's::

    Epoch 1/3
    8/8 ━━━━━━━━━━━━━━━━━━━━ 0s 4ms/step - accuracy: 0.5000 - loss: 0.6931

Values are running means over the epoch's batches so far; the last line of
each epoch shows the epoch's values (with `val_*` after validation). When
the output is not an interactive terminal (a log file, a test) only that
last line is printed, so the text is the same on every run apart from the
timings. `verbose=2` prints one line per epoch, without the bar.

Inside a Jupyter notebook, when ipywidgets is installed, each epoch gets a
progress-bar widget instead. ipywidgets is imported only then, so
`import kerastutor` stays fast.
"""

import importlib.util
import sys
import time

import numpy as np

from kerastutor.callbacks import Callback

__all__ = ["ProgressBar", "TextBar", "WidgetBar", "format_logs", "in_notebook"]

BAR_WIDTH = 20


def format_value(value):
    """Keras's format: 4 decimals, or scientific notation for tiny values.

    A metric with several values (one per threshold) shows their mean, as Keras's bar does.
    """
    value = float(np.mean(value))
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def format_logs(logs):
    """' - accuracy: 0.5000 - loss: 0.6931' from a logs dict."""
    return "".join(f" - {key}: {format_value(value)}" for key, value in logs.items())


def format_time_per_step(seconds):
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


def in_notebook():
    """True inside a Jupyter kernel (not in a terminal IPython)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class TextBar:
    """One epoch's bar as text.

    Args:
        target: the number of batches in the epoch.
        stream: where to write; defaults to sys.stdout.
    """

    def __init__(self, target, stream=None):
        self.target = target
        self.stream = stream or sys.stdout
        self.dynamic = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.time()
        self.last_draw = 0.0
        self.width_drawn = 0

    def line(self, current, logs):
        if self.target is None:  # a generator without steps_per_epoch: no end known
            elapsed = time.time() - self.start
            return f"{current}/Unknown {elapsed:.0f}s{format_logs(logs)}"
        digits = len(str(self.target))
        filled = int(BAR_WIDTH * current / self.target) if self.target else BAR_WIDTH
        elapsed = time.time() - self.start
        per_step = elapsed / current if current else 0.0
        bar = "━" * filled + " " * (BAR_WIDTH - filled)
        return (
            f"{current:>{digits}}/{self.target} {bar} {elapsed:.0f}s "
            f"{format_time_per_step(per_step)}{format_logs(logs)}"
        )

    def update(self, current, logs):
        """Redraw in place (terminals only, at most 20 times a second)."""
        if not self.dynamic or time.time() - self.last_draw < 0.05:
            return
        self.last_draw = time.time()
        self._draw(self.line(current, logs), end="")

    def finish(self, current, logs):
        self._draw(self.line(current, logs), end="\n")

    def _draw(self, text, end):
        padding = " " * max(self.width_drawn - len(text), 0)
        prefix = "\r" if self.dynamic else ""
        self.stream.write(prefix + text + padding + end)
        self.stream.flush()
        self.width_drawn = 0 if end else len(text)


class WidgetBar:
    """One epoch's bar as an ipywidgets widget: a progress bar and a label.

    Args:
        target: the number of batches in the epoch.
        title: shown left of the bar, e.g. 'Epoch 1/3'.
        display: function that shows a widget; IPython's `display` by default.
    """

    def __init__(self, target, title="", display=None):
        import ipywidgets

        self.target = target
        self.start = time.time()
        self.bar = ipywidgets.IntProgress(
            value=0,
            min=0,
            max=max(target or 1, 1),
            description=title,
            style={"description_width": "initial"},
        )
        self.label = ipywidgets.HTML(value="")
        self.widget = ipywidgets.HBox([self.bar, self.label])
        if display is None:
            from IPython.display import display
        display(self.widget)

    def text(self, current, logs):
        per_step = (time.time() - self.start) / current if current else 0.0
        return f"{current}/{self.target} {format_time_per_step(per_step)}{format_logs(logs)}"

    def update(self, current, logs):
        self.bar.value = current
        self.label.value = self.text(current, logs)

    def finish(self, current, logs):
        self.update(current, logs)
        self.bar.bar_style = "success"


class ProgressBar(Callback):
    """The callback behind `fit(verbose=1)` and `fit(verbose=2)`.

    Args:
        verbose: 1 for a bar per epoch, 2 for one line per epoch.
        stream: where text goes; defaults to sys.stdout.
        widgets: True forces widgets, False forces text; None (default)
            uses widgets only inside Jupyter with ipywidgets installed.
    """

    def __init__(self, verbose=1, stream=None, widgets=None):
        super().__init__()
        self.verbose = verbose
        self.stream = stream
        if widgets is None:
            widgets = verbose == 1 and in_notebook() and importlib.util.find_spec("ipywidgets")
        self.widgets = bool(widgets)
        self.bar = None

    def _write(self, text):
        stream = self.stream or sys.stdout
        stream.write(text + "\n")
        stream.flush()

    def on_epoch_begin(self, epoch, logs=None):
        steps, epochs = self.params["steps"], self.params["epochs"]
        title = f"Epoch {epoch + 1}/{epochs}"
        self.seen = 0
        if self.widgets:
            self.bar = WidgetBar(steps, title)
            return
        self._write(title)
        self.bar = TextBar(steps, self.stream)

    def on_train_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        if self.verbose == 1:
            self.bar.update(batch + 1, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        # `seen` is less than `steps` when a callback stopped training mid-epoch.
        if self.verbose == 1:
            self.bar.finish(self.seen, logs or {})
            return
        steps = self.params["steps"]
        elapsed = time.time() - self.bar.start
        self._write(
            f"{self.seen}/{steps} - {elapsed:.0f}s - "
            f"{format_time_per_step(elapsed / max(self.seen, 1))}{format_logs(logs or {})}"
        )
