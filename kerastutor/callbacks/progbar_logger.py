"""ProgbarLogger: Keras's name for the progress bar `fit(verbose=1)` shows."""

from kerastutor.training.progress import ProgressBar, TextBar, WidgetBar

__all__ = ["ProgbarLogger"]


class ProgbarLogger(ProgressBar):
    """The progress bar: a bar per epoch (verbose=1) or a line per epoch (verbose=2).

    `fit(verbose=1)` or `fit(verbose=2)` adds one; pass your own only to
    choose where the text goes. As in Keras, the verbosity comes from the
    `verbose` of fit (or evaluate, predict) through `set_params`. The
    drawing is `kerastutor.training.progress.ProgressBar`: text in a
    terminal, a widget in Jupyter. Given to `evaluate` or `predict` it
    draws one bar for the whole run; the validation inside `fit` draws none.

    Example:
        >>> import io
        >>> from kerastutor.callbacks import ProgbarLogger
        >>> bar = ProgbarLogger(stream=io.StringIO())  # model.fit(..., callbacks=[bar])

    Args:
        stream: where text goes; sys.stdout by default.
        widgets: True forces a widget, False text; None (default) uses a
            widget inside Jupyter when ipywidgets is installed.
    """

    def __init__(self, stream=None, widgets=None):
        super().__init__(verbose=1, stream=stream, widgets=widgets)
        self._choose_widgets = widgets is None
        self._widgets_available = self.widgets
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        if self._choose_widgets:
            # A widget is a bar; verbose=2 asks for lines of text.
            self.widgets = self._widgets_available and self.verbose == 1

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._start_bar()

    def on_predict_begin(self, logs=None):
        self._start_bar()

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            super().on_epoch_begin(epoch, logs)

    def on_train_batch_end(self, batch, logs=None):
        if self.verbose:
            super().on_train_batch_end(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self.on_train_batch_end(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self.on_train_batch_end(batch, None)  # the bar shows no predictions

    def on_epoch_end(self, epoch, logs=None):
        if self.verbose:
            super().on_epoch_end(epoch, logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self.on_epoch_end(0, logs)

    def on_predict_end(self, logs=None):
        self.on_epoch_end(0, None)

    def on_train_end(self, logs=None):
        self._called_in_fit = False

    def _start_bar(self):
        """A bar for a whole evaluate or predict run: no 'Epoch i/n' title."""
        self.seen = 0
        if not self.verbose:
            return
        steps = self.params["steps"]
        self.bar = WidgetBar(steps) if self.widgets else TextBar(steps, self.stream)
