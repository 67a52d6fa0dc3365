"""kerastutor's callbacks reproduce what Keras 3's did (fixtures_callbacks/callbacks.json).

The scenarios live in tests/golden/callbacks_cases.py and ran in Keras through
tests/golden/make_callbacks_golden.py; here they run with kerastutor.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import kerastutor

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
sys.path.insert(0, str(GOLDEN.parent))
from golden import callbacks_cases  # noqa: E402

FIXTURE = json.loads((GOLDEN / "fixtures_callbacks" / "callbacks.json").read_text())
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def run(name, tmp_path):
    return callbacks_cases.SCENARIOS[name](kerastutor, str(tmp_path))


def assert_same_training(ours, keras):
    assert ours["epochs"] == keras["epochs"]
    assert sorted(ours["history"]) == sorted(keras["history"])
    for key, values in keras["history"].items():
        np.testing.assert_allclose(ours["history"][key], values, **TOLERANCE, err_msg=key)
    for mine, theirs in zip(ours["weights"], keras["weights"], strict=True):
        np.testing.assert_allclose(mine, theirs, **TOLERANCE)


def test_the_fixture_covers_every_scenario():
    assert set(callbacks_cases.SCENARIOS) <= set(FIXTURE)
    assert FIXTURE["versions"]["keras"] == "3.15.1"


@pytest.mark.parametrize("name", ["reduce_lr_on_plateau", "learning_rate_scheduler"])
def test_the_learning_rate_sequence(name, tmp_path):
    ours, keras = run(name, tmp_path), FIXTURE[name]
    assert_same_training(ours, keras)
    assert len(set(keras["history"]["learning_rate"])) > 3  # the rate really changed


@pytest.mark.parametrize("name", ["early_stopping", "early_stopping_baseline"])
def test_the_early_stopping_epoch_and_the_restored_weights(name, tmp_path):
    ours, keras = run(name, tmp_path), FIXTURE[name]
    assert_same_training(ours, keras)
    assert ours["stopped_epoch"] == keras["stopped_epoch"]
    assert ours.get("best_epoch") == keras.get("best_epoch")


def test_the_checkpoint_files_and_the_best_weights(tmp_path):
    ours, keras = run("model_checkpoint", tmp_path), FIXTURE["model_checkpoint"]
    assert_same_training(ours, keras)
    assert ours["files"] == keras["files"]
    for mine, theirs in zip(ours["best_file_weights"], keras["best_file_weights"], strict=True):
        np.testing.assert_allclose(mine, theirs, **TOLERANCE)


@pytest.mark.parametrize("text", ["with_validation", "without_validation"])
def test_the_csv_text(text, tmp_path):
    ours, keras = run("csv_logger", tmp_path)[text], FIXTURE["csv_logger"][text]
    our_lines, keras_lines = ours.split("\r\n"), keras.split("\r\n")
    assert len(our_lines) == len(keras_lines)
    for mine, theirs in zip(our_lines, keras_lines, strict=True):
        separator = ";" if ";" in theirs else ","
        my_cells, their_cells = mine.split(separator), theirs.split(separator)
        assert len(my_cells) == len(their_cells), (mine, theirs)
        for my_cell, their_cell in zip(my_cells, their_cells, strict=True):
            if their_cell.replace(".", "").replace("e-", "").isdigit() and "." in their_cell:
                np.testing.assert_allclose(float(my_cell), float(their_cell), **TOLERANCE)
            else:
                assert my_cell == their_cell


def test_an_interrupted_fit_resumes_from_the_backup(tmp_path):
    ours, keras = run("backup_and_restore", tmp_path), FIXTURE["backup_and_restore"]
    assert_same_training(ours, keras)  # the weights and Adam's state came back
    assert ours["epochs"] == [3, 4, 5]
    assert ours["backed_up_files"] == keras["backed_up_files"]
    assert ours["backup_left"] is keras["backup_left"] is False
