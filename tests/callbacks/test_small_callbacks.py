"""CSVLogger, LambdaCallback, TerminateOnNaN, History and ProgbarLogger, ported from Keras 3's tests."""

import io
import re

import numpy as np
import pytest
from helpers import FakeModel, small_data, small_model

from kerastutor.callbacks import (
    BackupAndRestore,
    CSVLogger,
    History,
    LambdaCallback,
    NonFiniteLossError,
    ProgbarLogger,
    TerminateOnNaN,
)


def fit(model, callbacks, epochs=2, validation=True, x=None, y=None, **kwargs):
    if x is None:
        x, y = small_data(12)
    kwargs.setdefault("verbose", 0)
    return model.fit(
        x[:8],
        y[:8],
        batch_size=4,
        epochs=epochs,
        validation_data=(x[8:], y[8:]) if validation else None,
        callbacks=callbacks,
        **kwargs,
    )


# ---------------------------------------------------------------- CSVLogger


def read_rows(path, separator=","):
    return [line.split(separator) for line in path.read_text().splitlines()]


def test_csv_logger_writes_a_header_and_a_row_per_epoch(tmp_path):
    path = tmp_path / "log.tsv"
    history = fit(small_model(), [CSVLogger(path, separator="\t")])
    rows = read_rows(path, "\t")
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [row[0] for row in rows[1:]] == ["0", "1"]
    np.testing.assert_allclose([float(row[2]) for row in rows[1:]], history.history["loss"])


def test_csv_logger_appends_without_a_second_header(tmp_path):
    path = tmp_path / "log.csv"
    model = small_model()
    fit(model, [CSVLogger(path)])
    fit(model, [CSVLogger(path, append=True)])
    rows = read_rows(path)
    assert len(rows) == 5 and rows[0][0] == "epoch" and [r[0] for r in rows[1:]] == list("0101")
    fit(model, [CSVLogger(path)])  # append=False starts the file again
    assert len(read_rows(path)) == 3


def test_csv_logger_without_validation_fills_val_columns_with_na(tmp_path):
    path = tmp_path / "log.csv"
    fit(small_model(), [CSVLogger(path)], validation=False)
    rows = read_rows(path)
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert rows[1][3:] == ["NA", "NA"]


def test_csv_logger_writes_lists_as_quoted_text(tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 0.5, "per_class": np.array([0.25, 0.75])})
    logger.on_train_end()
    assert path.read_text().splitlines()[1] == '0,0.5,"""[0.25, 0.75]""",NA,NA'


# ---------------------------------------------------------------- LambdaCallback


def test_lambda_callback_runs_every_hook_it_is_given():
    calls = []

    def record(name):
        return lambda *args, **kwargs: calls.append(name)

    hooks = [
        "on_train_begin",
        "on_train_end",
        "on_epoch_begin",
        "on_epoch_end",
        "on_train_batch_begin",
        "on_train_batch_end",
        "on_test_begin",
        "on_test_end",
        "on_test_batch_begin",
        "on_test_batch_end",
    ]
    callback = LambdaCallback(**{hook: record(hook) for hook in hooks})
    fit(small_model(), [callback], epochs=1)
    assert set(calls) == set(hooks)
    assert calls.count("on_train_batch_end") == 2 and calls.count("on_test_batch_end") == 1


def test_lambda_callback_on_batch_end_is_the_train_batch_hook():
    batches = []
    fit(small_model(), [LambdaCallback(on_batch_end=lambda batch, logs: batches.append(batch))])
    assert batches == [0, 1, 0, 1]


def test_lambda_callback_refuses_a_misspelt_hook_or_a_non_function():
    with pytest.raises(TypeError, match="on_epoch_ends, which is not a hook.*on_epoch_end"):
        LambdaCallback(on_epoch_ends=print)
    with pytest.raises(TypeError, match="`on_train_begin` must be callable.*\\(logs\\)"):
        LambdaCallback(on_train_begin="print")


# ---------------------------------------------------------------- TerminateOnNaN


def test_terminate_on_nan_stops_quietly_by_default(capsys):
    callback = TerminateOnNaN()
    callback.set_model(FakeModel())
    callback.on_train_batch_end(0, {"loss": 0.5})
    assert not callback.model.stop_training
    callback.on_train_batch_end(1, {"loss": float("nan")})
    assert callback.model.stop_training
    assert capsys.readouterr().out == "Batch 1: Invalid loss, terminating training\n"


def test_terminate_on_nan_raise_error_is_a_runtime_error_too():
    callback = TerminateOnNaN(raise_error=True)
    callback.set_model(FakeModel())
    callback.on_epoch_begin(2)
    with pytest.raises(RuntimeError, match="became inf at epoch 3, batch 4") as caught:
        callback.on_batch_end(4, {"loss": float("inf")})
    assert isinstance(caught.value, FloatingPointError)
    assert isinstance(caught.value, NonFiniteLossError)
    assert "learning rate too high" in str(caught.value)


# ---------------------------------------------------------------- History, ProgbarLogger


def test_a_history_passed_in_is_the_one_fit_returns():
    history = History()
    model = small_model()
    assert fit(model, [history]) is history and model.history is history
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 2}
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]


def test_a_progbar_logger_passed_in_replaces_fits_own():
    stream = io.StringIO()
    fit(small_model(), [ProgbarLogger(stream=stream)], epochs=2, verbose=2)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert re.fullmatch(r"2/2 - \d+s - \d+(s|ms|us)/step - accuracy: .* - val_loss: .*", lines[1])


def test_a_progbar_logger_with_verbose_0_is_silent(capsys):
    stream = io.StringIO()
    fit(small_model(), [ProgbarLogger(stream=stream)], verbose=0)
    assert stream.getvalue() == "" and capsys.readouterr().out == ""


def test_a_progbar_logger_in_evaluate_or_predict_draws_one_bar():
    stream = io.StringIO()
    bar = ProgbarLogger(stream=stream)
    bar.set_params({"verbose": 1, "epochs": 1, "steps": 3})
    bar.on_test_begin()
    for batch in range(3):
        bar.on_test_batch_end(batch, {"loss": 0.5})
    bar.on_test_end({"loss": 0.25})
    bar.on_predict_begin()
    bar.on_predict_batch_end(0, {"outputs": np.zeros((2, 1))})
    bar.on_predict_end()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and "Epoch" not in stream.getvalue()
    assert re.fullmatch(r"3/3 ━{20} \d+s \d+(s|ms|us)/step - loss: 0.2500", lines[0])
    assert re.fullmatch(r"1/3 ━{6} {14} \d+s \d+(s|ms|us)/step", lines[1])


def test_validation_inside_fit_draws_no_bar_of_its_own():
    stream = io.StringIO()
    fit(small_model(), [ProgbarLogger(stream=stream)], epochs=1, verbose=1)
    assert len(stream.getvalue().splitlines()) == 2  # the title and the epoch's bar


def exploding_model():
    """Kernels of 1e5 through five ReLU layers: the first loss is already infinite."""
    from kerastutor import initializers
    from kerastutor.layers import Dense, Input
    from kerastutor.models import Sequential

    layers = [Input((3,))]
    layers += [
        Dense(2, activation="relu", kernel_initializer=initializers.Constant(1e5)) for _ in range(5)
    ]
    model = Sequential([*layers, Dense(2)])
    model.compile(loss="mean_squared_error", optimizer="sgd")
    rng = np.random.default_rng(1337)
    return model, rng.random((10, 3)), rng.random((10, 2))


def test_terminate_on_nan_in_fit_stops_after_the_first_batch(capsys):
    model, x, y = exploding_model()
    with np.errstate(all="ignore"):
        history = model.fit(
            x,
            y,
            batch_size=4,
            epochs=20,
            verbose=0,
            callbacks=[TerminateOnNaN()],
            validation_data=(x, y),
        )
    (loss,) = history.history["loss"]
    assert np.isnan(loss) or np.isinf(loss)
    assert "Batch 0: Invalid loss, terminating training" in capsys.readouterr().out


def test_raise_error_skips_on_train_end_and_keeps_a_backup(tmp_path):
    ended = []
    model, x, y = exploding_model()
    backup = tmp_path / "backups"
    backup.mkdir()
    (backup / "checkpoint.txt").write_text("an earlier backup")
    callbacks = [
        LambdaCallback(on_train_end=ended.append),
        BackupAndRestore(backup),
        TerminateOnNaN(raise_error=True),
    ]
    with np.errstate(all="ignore"), pytest.raises(RuntimeError, match="batch 0"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=callbacks)
    assert ended == []
    # BackupAndRestore.on_train_end, which deletes the folder, did not run.
    assert (backup / "checkpoint.txt").read_text() == "an earlier backup"
