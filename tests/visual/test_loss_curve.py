"""LossCurve: a fit callback whose chart (hand-written SVG) shows exactly what History records."""

import math
import re

import numpy as np
import pytest

from kerastutor.callbacks import LambdaCallback, TerminateOnNaN
from kerastutor.layers import Dense, Input
from kerastutor.models import Model
from kerastutor.optimizers import SGD
from kerastutor.utils import set_random_seed
from kerastutor.widgets import LossCurve
from kerastutor.widgets import loss_curve as module
from kerastutor.widgets._render import STATIC_HINT

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def small_model(metrics=("accuracy",)):
    x = Input(shape=(3,))
    model = Model(x, Dense(1, activation="sigmoid")(Dense(4, activation="tanh")(x)))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=list(metrics))
    return model


def small_data(count=40):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(count, 3)).astype("float32")
    return x, (x[:, :1] > 0).astype("float32")


def drive(curve, rows, epochs=None, initial_epoch=0):
    """Call the hooks as fit does, with the given epoch logs."""
    curve.set_params({"epochs": epochs or initial_epoch + len(rows), "steps": 1, "verbose": 0})
    curve.on_train_begin()
    for offset, logs in enumerate(rows):
        curve.on_epoch_begin(initial_epoch + offset)
        curve.on_epoch_end(initial_epoch + offset, logs)
    curve.on_train_end()


def panel(curve, quantity):
    """The SVG of one panel, found by its title."""
    panels = re.findall(r'<g transform="translate\(\d+,\d+\)">(.*?)</g>', curve.svg())
    titles = [re.search(r'font-weight="bold">([^<]*)</text>', p).group(1) for p in panels]
    return panels[titles.index(quantity)]


def polylines(svg_text, key):
    """The point lists of every polyline drawn for `key`, as [[(x, y), ...], ...]."""
    found = re.findall(rf'<polyline class="kt-line" data-key="{key}" points="([^"]*)"', svg_text)
    return [[tuple(float(c) for c in pair.split(",")) for pair in p.split()] for p in found]


def y_tick_labels(svg_text):
    return [
        float(label)
        for label in re.findall(
            r'<text x="[\d.]+" y="[\d.]+" text-anchor="end"[^>]*>([^<]*)<', svg_text
        )
    ]


def values_read_off(svg_text, key):
    """Read the values back from the drawing: invert the y axis using its tick labels."""
    ticks = y_tick_labels(svg_text)
    low, high = ticks[0], ticks[-1]
    height = module.PLOT_BOTTOM - module.PLOT_TOP
    return [
        low + (module.PLOT_BOTTOM - y) / height * (high - low)
        for line in polylines(svg_text, key)
        for _, y in line
    ], (high - low) / height


# ---------------------------------------------------------------- the picture


def test_a_tiny_known_history_gives_these_exact_points():
    curve = LossCurve()
    drive(
        curve,
        [
            {"loss": 1.0, "val_loss": 1.0},
            {"loss": 0.6, "val_loss": 0.8},
            {"loss": 0.4, "val_loss": 0.6},
        ],
    )
    chart = panel(curve, "loss")
    # x: epochs 1..3 span the plot's width, 56..384; y: ticks 0.4..1.0 span 190 (bottom)..34 (top).
    assert polylines(chart, "loss") == [[(56.0, 34.0), (220.0, 138.0), (384.0, 190.0)]]
    assert polylines(chart, "val_loss") == [[(56.0, 34.0), (220.0, 86.0), (384.0, 138.0)]]
    assert (
        'data-key="val_loss" points="56.0,34.0 220.0,86.0 384.0,138.0" style="fill:none;' in chart
    )
    assert 'stroke-dasharray="6 3"' in chart  # validation dashed
    assert y_tick_labels(chart) == [0.4, 0.6, 0.8, 1.0]
    assert re.findall(r'text-anchor="middle" font-size="10"[^>]*>(\d+)</text>', chart) == [
        "1",
        "2",
        "3",
    ]
    assert ">epoch</text>" in chart
    # The legend names each line with its last value.
    assert ">loss 0.4000</text>" in chart and ">val_loss 0.6000</text>" in chart
    assert chart.count("<circle") == 6  # a dot per epoch while there are few
    assert curve.svg().startswith('<svg xmlns="http://www.w3.org/2000/svg" width="400"')
    assert curve.html.count("<svg") == 1 and curve.svg() in curve.html


def test_fit_draws_what_history_records_with_validation_split():
    model = small_model()
    x, y = small_data()
    curve = LossCurve(metrics=["accuracy"])
    assert repr(curve) == "LossCurve(loss, accuracy: draws each epoch of fit)"
    history = model.fit(
        x, y, epochs=6, batch_size=8, verbose=0, validation_split=0.25, callbacks=[curve]
    )
    assert curve.history == history.history
    assert set(curve.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert repr(curve) == "LossCurve(loss, accuracy: 6 epochs in 1 fit)"
    for quantity in ("loss", "accuracy"):
        chart = panel(curve, quantity)
        for key in (quantity, f"val_{quantity}"):
            drawn, pixel = values_read_off(chart, key)
            assert len(polylines(chart, key)) == 1
            np.testing.assert_allclose(drawn, history.history[key], atol=pixel)
    xs = [x for x, _ in polylines(panel(curve, "loss"), "loss")[0]]
    assert xs == [56.0, 121.6, 187.2, 252.8, 318.4, 384.0]  # one point per epoch, evenly spaced
    assert "kt-error" not in curve.html and "kt-note" not in curve.html


def test_the_chart_updates_after_every_epoch_and_the_axis_spans_the_planned_epochs():
    model = small_model()
    x, y = small_data()
    curve = LossCurve()
    points_seen = []

    def look(epoch, logs):
        points_seen.append(sum(len(line) for line in polylines(curve.html, "loss")))

    model.fit(x, y, epochs=4, verbose=0, callbacks=[curve, LambdaCallback(on_epoch_end=look)])
    assert points_seen == [1, 2, 3, 4]
    # After epoch 1 of 4 the one point sits at the left end of an axis labelled up to 4.
    early = LossCurve()
    drive(early, [{"loss": 0.5}], epochs=4)
    assert polylines(early.svg(), "loss")[0][0][0] == module.PLOT_LEFT
    assert ">4</text>" in early.svg()


def test_five_hundred_epochs_stay_readable():
    curve = LossCurve()
    drive(curve, [{"loss": 1.0 / (epoch + 1)} for epoch in range(500)])
    chart = panel(curve, "loss")
    (line,) = polylines(chart, "loss")
    assert len(line) == 500
    assert line[0][0] == module.PLOT_LEFT and line[-1][0] == module.PLOT_RIGHT
    assert "<circle" not in chart  # no dots when they would crowd
    labels = re.findall(r'text-anchor="middle" font-size="10"[^>]*>(\d+)</text>', chart)
    assert labels == ["100", "200", "300", "400", "500"]
    assert len(curve.svg()) < 30_000


@pytest.mark.parametrize(
    ("last", "labels"),
    [
        (1, ["1"]),
        (8, [str(n) for n in range(1, 9)]),
        (9, ["2", "4", "6", "8"]),
        (30, ["5", "10", "15", "20", "25", "30"]),
    ],
)
def test_epoch_ticks_are_whole_round_numbers(last, labels):
    low, high = (1, last) if last >= 2 else (0.5, 1.5)
    assert [str(n) for n in module.epoch_ticks(low, high)] == labels


def test_y_ticks_cover_the_values_with_round_steps():
    assert module.nice_ticks(0.25, 1.0) == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    assert module.nice_ticks(0.693, 0.693)[0] < 0.693 < module.nice_ticks(0.693, 0.693)[-1]
    assert module.nice_ticks(0.0, 0.0) == pytest.approx([-1.0, -0.5, 0.0, 0.5, 1.0])
    ticks = module.nice_ticks(3.0, 2.6e5)
    assert ticks[0] <= 3.0 and ticks[-1] >= 2.6e5 and 3 <= len(ticks) <= 7


# ---------------------------------------------------------------- NaN and infinity


def test_values_that_are_not_numbers_leave_a_gap_a_mark_and_a_note():
    curve = LossCurve()
    nan, inf = float("nan"), float("inf")
    drive(
        curve,
        [{"loss": 1.0}, {"loss": 0.8}, {"loss": nan}, {"loss": 0.5}, {"loss": inf}, {"loss": 0.25}],
    )
    chart = panel(curve, "loss")
    lines = polylines(chart, "loss")
    assert [len(line) for line in lines] == [2, 1, 1]  # broken at epochs 3 and 5
    marks = re.findall(r'<line class="kt-not-finite" x1="([\d.]+)"', chart)
    assert [float(x) for x in marks] == [187.2, 318.4]  # epochs 3 and 5 of 6
    assert "loss: nan at epoch 3, inf at epoch 5, not drawn" in chart
    assert y_tick_labels(chart)[0] <= 0.25 and y_tick_labels(chart)[-1] >= 1.0  # from finite values
    assert ">loss 0.2500</text>" in chart
    assert "kt-error" not in curve.html


def diverging_model():
    """A one-Dense regression whose loss overflows within a few epochs of SGD(0.5)."""
    set_random_seed(0)
    inputs = Input(shape=(2,))
    model = Model(inputs, Dense(1)(inputs))
    model.compile(optimizer=SGD(learning_rate=0.5), loss="mse")
    return model, np.full((8, 2), 10.0, dtype="float32"), np.ones((8, 1), dtype="float32")


def test_a_loss_that_overflows_mid_fit_is_explained_and_earlier_epochs_stay():
    model, x, y = diverging_model()
    curve = LossCurve()
    with np.errstate(over="ignore", invalid="ignore"), pytest.raises(FloatingPointError) as error:
        model.fit(x, y, epochs=40, batch_size=4, verbose=0, callbacks=[curve])
    stopped_in = int(re.search(r"at epoch (\d+), batch", str(error.value)).group(1))
    assert len(curve.history["loss"]) == stopped_in - 1
    assert all(math.isfinite(v) for v in curve.history["loss"])
    assert len(polylines(curve.html, "loss")[0]) == stopped_in - 1
    assert f"fit stopped: the loss became inf in epoch {stopped_in}, batch 0" in curve.html
    assert "kt-error" not in curve.html


def test_with_a_quiet_terminate_on_nan_the_last_epoch_is_a_marked_gap(capsys):
    model, x, y = diverging_model()
    curve = LossCurve()
    with np.errstate(over="ignore", invalid="ignore"):
        history = model.fit(
            x,
            y,
            epochs=40,
            batch_size=4,
            verbose=0,
            callbacks=[curve, TerminateOnNaN(raise_error=False)],
        )
    assert "Invalid loss, terminating training" in capsys.readouterr().out
    assert curve.history.keys() == history.history.keys()
    assert curve.history["loss"][:-1] == history.history["loss"][:-1]
    last = curve.history["loss"][-1]
    assert not math.isfinite(last) and not math.isfinite(history.history["loss"][-1])
    epochs = len(history.history["loss"])
    assert f"loss: {last} at epoch {epochs}, not drawn" in curve.html
    assert len(polylines(curve.html, "loss")[0]) == epochs - 1
    assert len(re.findall("kt-not-finite", curve.html)) == 1


# ---------------------------------------------------------------- several fits


def test_a_second_fit_continues_the_curve():
    model = small_model()
    x, y = small_data()
    curve = LossCurve()
    first = model.fit(x, y, epochs=3, verbose=0, callbacks=[curve])
    second = model.fit(x, y, epochs=2, verbose=0, callbacks=[curve])
    assert curve.history["loss"] == first.history["loss"] + second.history["loss"]
    assert curve.fit_starts == [0, 3]
    assert repr(curve) == "LossCurve(loss: 5 epochs in 2 fits)"
    chart = panel(curve, "loss")
    (line,) = polylines(chart, "loss")
    assert len(line) == 5
    boundary = re.search(r'<line class="kt-fit-start" x1="([\d.]+)"', chart).group(1)
    assert float(boundary) == pytest.approx((line[2][0] + line[3][0]) / 2, abs=0.1)
    assert ">fit 2</text>" in chart


def test_resuming_with_initial_epoch_and_a_fit_with_validation_after_one_without():
    curve = LossCurve()
    drive(curve, [{"loss": 1.0}, {"loss": 0.8}])
    drive(curve, [{"loss": 0.7, "val_loss": 0.9}, {"loss": 0.6, "val_loss": 0.85}], initial_epoch=2)
    assert curve.history == {"loss": [1.0, 0.8, 0.7, 0.6], "val_loss": [0.9, 0.85]}
    chart = panel(curve, "loss")
    (validation,) = polylines(chart, "val_loss")
    assert [x for x, _ in validation] == [274.7, 384.0]  # epochs 3 and 4 of 4


def test_a_new_curve_starts_afresh():
    model = small_model()
    x, y = small_data()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[LossCurve()])
    fresh = LossCurve()
    history = model.fit(x, y, epochs=1, verbose=0, callbacks=[fresh])
    assert fresh.history == history.history and fresh.fit_starts == [0]


# ---------------------------------------------------------------- alongside fit's own output


def _without_timings(text):
    return re.sub(r"\d+s \d+(s|ms|us)/step|\d+s - \d+(s|ms|us)/step", "T", text)


@pytest.mark.parametrize("verbose", [0, 1, 2])
def test_fit_prints_the_same_with_and_without_the_curve(verbose, capsys):
    outputs = []
    for callbacks in ([], [LossCurve(metrics=["accuracy"])]):
        set_random_seed(0)
        model = small_model()
        x, y = small_data()
        model.fit(
            x,
            y,
            epochs=2,
            batch_size=16,
            verbose=verbose,
            validation_split=0.25,
            callbacks=callbacks,
        )
        outputs.append(_without_timings(capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    assert (outputs[0] == "") == (verbose == 0)


def test_shows_itself_once_when_training_begins_inside_jupyter():
    shown = []
    curve = LossCurve(display=shown.append)
    assert shown == []
    model = small_model()
    x, y = small_data()
    model.fit(x, y, epochs=1, verbose=0, callbacks=[curve])
    model.fit(x, y, epochs=1, verbose=0, callbacks=[curve])
    assert shown == [curve]
    bundle = curve._repr_mimebundle_()
    assert bundle["text/plain"] == f"LossCurve(loss: 2 epochs in 2 fits)\n{STATIC_HINT}"
    assert bundle[WIDGET_VIEW]["model_id"] == curve.view.model_id


def test_outside_jupyter_it_shows_and_prints_nothing(capsys):
    curve = LossCurve()
    model = small_model()
    x, y = small_data()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[curve])
    assert capsys.readouterr().out == ""
    assert len(polylines(curve.svg(), "loss")[0]) == 2


def test_a_metric_fit_does_not_log_gets_a_note_not_an_error():
    model = small_model(metrics=())
    x, y = small_data()
    curve = LossCurve(metrics=["accuracy"])
    model.fit(x, y, epochs=1, verbose=0, callbacks=[curve])
    assert "fit logs no &#x27;accuracy&#x27; (it logs loss); compile with" in panel(
        curve, "accuracy"
    )
    assert polylines(curve.html, "loss")


def test_a_spoilt_log_value_is_noted_and_training_and_drawing_go_on():
    model = small_model(metrics=())
    x, y = small_data()
    curve = LossCurve(metrics=["mae"])
    spoil = LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update(mae="not a number"))
    history = model.fit(x, y, epochs=2, verbose=0, callbacks=[spoil, curve])
    assert len(history.history["loss"]) == 2
    assert "kt-error" not in curve.html and len(polylines(curve.html, "loss")) == 1
    assert "(str, not a number) at epoch 1" in panel(curve, "mae")


def test_a_drawing_error_shows_in_the_widget_and_training_goes_on(monkeypatch):
    model = small_model(metrics=())
    x, y = small_data()
    curve = LossCurve()

    def broken(quantity):
        raise ValueError("drawing failed")

    monkeypatch.setattr(curve, "_panel", broken)
    history = model.fit(x, y, epochs=2, verbose=0, callbacks=[curve])
    assert len(history.history["loss"]) == 2
    assert "kt-error" in curve.html and "The loss curve could not be drawn" in curve.html
    assert "ValueError: drawing failed" in curve.html


def test_metrics_must_be_names():
    assert LossCurve(metrics="accuracy").quantities == ["loss", "accuracy"]
    assert LossCurve(metrics=["loss", "mae", "mae"]).quantities == ["loss", "mae"]
    with pytest.raises(
        TypeError, match=r"list of names of logged values, such as \['accuracy'\], received 3"
    ):
        LossCurve(metrics=3)


def test_a_logged_value_that_is_no_number_is_noted_and_the_chart_keeps_drawing():
    curve = LossCurve(metrics=["accuracy"], display=lambda widget: None)
    curve.on_train_begin()
    curve.on_train_batch_end(0, {"loss": "oops"})  # a callback's stray string: fit goes on
    logs = [
        {"loss": 1.0, "accuracy": 0.5},
        {"loss": "oops", "accuracy": None},
        {"loss": np.float32(0.5), "accuracy": [0.7, 0.8]},
        {"loss": 0.25, "accuracy": 0.9},
    ]
    for epoch, values in enumerate(logs):
        curve.on_epoch_end(epoch, values)
    assert "kt-error" not in curve.html and "fit stopped" not in curve.html
    chart = panel(curve, "loss")
    assert polylines(chart, "loss") == [[(56.0, 34.0)], [(274.7, 131.5), (384.0, 180.2)]]
    assert "loss: &#x27;oops&#x27; (str, not a number) at epoch 2, not drawn" in chart
    accuracy = panel(curve, "accuracy")
    assert "None (NoneType, not a number) at epoch 2" in accuracy
    assert "[0.7, 0.8] (list, not a" in accuracy and "number) at epoch 3, not drawn" in accuracy
    assert len(polylines(accuracy, "accuracy")) == 2
    assert repr(curve) == "LossCurve(loss, accuracy: 4 epochs in 1 fit)"
