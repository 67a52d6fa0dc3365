"""Callbacks in fit (hooks, LambdaCallback, History) and fit's progress display.

Each built-in callback has its own file in tests/callbacks/."""

import re
import subprocess
import sys

import numpy as np
import pytest

from kerastutor.callbacks import Callback, LambdaCallback
from kerastutor.layers import Dense, Input
from kerastutor.models import Model
from kerastutor.training import progress


def small_model():
    x = Input(shape=(3,))
    model = Model(x, Dense(1, activation="sigmoid")(Dense(4, activation="tanh")(x)))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def small_data(count=20):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(count, 3)).astype("float32")
    return x, (x[:, :1] > 0).astype("float32")


def test_hooks_run_in_order_with_logs():
    events = []

    class Recorder(Callback):
        def on_train_begin(self, logs=None):
            events.append(("train_begin", self.params["steps"], self.params["epochs"]))

        def on_epoch_begin(self, epoch, logs=None):
            events.append(("epoch_begin", epoch))

        def on_train_batch_end(self, batch, logs=None):
            events.append(("batch_end", batch, sorted(logs)))

        def on_test_begin(self, logs=None):
            events.append(("test_begin",))

        def on_epoch_end(self, epoch, logs=None):
            events.append(("epoch_end", epoch, sorted(logs)))

        def on_train_end(self, logs=None):
            events.append(("train_end", self.model is model))

    model = small_model()
    x, y = small_data(12)
    model.fit(
        x, y, batch_size=8, epochs=1, verbose=0, callbacks=[Recorder()], validation_split=0.25
    )
    assert events == [
        ("train_begin", 2, 1),
        ("epoch_begin", 0),
        ("batch_end", 0, ["accuracy", "loss"]),
        ("batch_end", 1, ["accuracy", "loss"]),
        ("test_begin",),
        ("epoch_end", 0, ["accuracy", "loss", "val_accuracy", "val_loss"]),
        ("train_end", True),
    ]


def test_lambda_callback_and_stop_training():
    model = small_model()
    x, y = small_data()
    seen = []

    def stop_after_two(epoch, logs):
        seen.append((epoch, round(logs["loss"], 6)))
        if epoch == 1:
            model.stop_training = True

    history = model.fit(
        x, y, epochs=5, verbose=0, callbacks=[LambdaCallback(on_epoch_end=stop_after_two)]
    )
    assert [epoch for epoch, _ in seen] == [0, 1]
    assert [round(v, 6) for v in history.history["loss"]] == [loss for _, loss in seen]
    with pytest.raises(TypeError, match="must be callable"):
        LambdaCallback(on_epoch_end=3)


# ---------------------------------------------------------------- progress


def test_verbose_0_prints_nothing(capsys):
    model = small_model()
    x, y = small_data()
    model.fit(x, y, epochs=2, verbose=0, validation_split=0.2)
    model.evaluate(x, y, verbose=0)
    assert capsys.readouterr().out == ""


def test_verbose_1_prints_a_keras_like_bar_per_epoch(capsys):
    model = small_model()
    x, y = small_data()
    model.fit(x, y, epochs=2, batch_size=8, validation_split=0.2)
    lines = capsys.readouterr().out.splitlines()
    number = r"\d\.\d{4}"
    bar = (
        rf"2/2 ━{{20}} \d+s \d+(s|ms|us)/step - accuracy: {number} - loss: {number} "
        rf"- val_accuracy: {number} - val_loss: {number}"
    )
    assert len(lines) == 4
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert re.fullmatch(bar, lines[1]) and re.fullmatch(bar, lines[3])


def test_verbose_2_prints_one_line_per_epoch(capsys):
    model = small_model()
    x, y = small_data()
    model.fit(x, y, epochs=1, batch_size=32, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/1"
    assert re.fullmatch(
        r"1/1 - \d+s - \d+(s|ms|us)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}", lines[1]
    )


def test_tiny_values_use_scientific_notation():
    assert progress.format_logs({"loss": 0.5, "mae": 0.0001}) == " - loss: 0.5000 - mae: 1.0000e-04"


def test_text_bar_redraws_in_place_on_a_terminal():
    class Terminal:
        def __init__(self):
            self.text = ""

        def isatty(self):
            return True

        def write(self, text):
            self.text += text

        def flush(self):
            pass

    terminal = Terminal()
    bar = progress.TextBar(4, terminal)
    bar.update(1, {"loss": 1.0})
    bar.finish(4, {"loss": 0.5})
    assert terminal.text.startswith("\r1/4 ━━━━━     ")
    assert "\r4/4 ━━━━━━━━━━━━━━━━━━━━" in terminal.text and terminal.text.endswith(
        "loss: 0.5000\n"
    )


def test_widget_bar_state():
    shown = []
    bar = progress.WidgetBar(5, "Epoch 1/3", display=shown.append)
    assert shown == [bar.widget]
    bar.update(2, {"loss": 0.25})
    assert bar.bar.value == 2 and bar.bar.max == 5 and bar.bar.description == "Epoch 1/3"
    assert bar.label.value.startswith("2/5") and bar.label.value.endswith("loss: 0.2500")
    bar.finish(5, {"loss": 0.125})
    assert bar.bar.value == 5 and bar.bar.bar_style == "success"


def test_widgets_only_in_notebooks_and_never_imported_by_training():
    assert not progress.in_notebook()
    assert progress.ProgressBar().widgets is False
    code = (
        "import sys, numpy as np\n"
        "import kerastutor\n"
        "from kerastutor.layers import Input, Dense\n"
        "from kerastutor.models import Model\n"
        "x = Input((2,)); m = Model(x, Dense(1)(x)); m.compile('sgd', 'mse')\n"
        "m.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=1)\n"
        "print('ipywidgets' in sys.modules, 'IPython' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=str(_root())
    )
    assert result.stdout.splitlines()[-1] == "False False"


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def test_history_repr_is_stable_text():
    from kerastutor.callbacks import History

    history = History()
    assert repr(history) == "<History: no epochs yet>"
    history.on_train_begin()
    history.on_epoch_end(0, {"loss": 0.5, "accuracy": 0.75})
    history.on_epoch_end(1, {"loss": 0.25, "accuracy": 1.0})
    assert repr(history) == "<History: 2 epoch(s); last epoch loss=0.25, accuracy=1>"
