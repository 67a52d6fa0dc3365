"""Keras-written optimizer state loads into kerastutor and training continues identically.

The files come from keras_files/make_keras_files.py (Keras 3.15.1): a model
trained three steps with each optimizer of keras_files/optimizer_cases.py,
and Keras's weights after a fourth step.
"""

import pathlib
import sys

import h5py
import numpy as np
import pytest

import kerastutor
from kerastutor.models import load_model

FILES = pathlib.Path(__file__).parent / "keras_files"
sys.path.insert(0, str(FILES))
from optimizer_cases import OPTIMIZERS, STEPS_BEFORE_SAVING, build, data  # noqa: E402

FIRST = next(iter(OPTIMIZERS))


def saved_optimizer_arrays(path):
    with h5py.File(path, "r") as h5file:
        group = h5file["optimizer/vars"]
        return [group[str(i)][()] for i in range(len(group))]


@pytest.mark.parametrize("stem", [stem for stem in OPTIMIZERS if stem != FIRST])
def test_a_keras_weights_file_restores_the_optimizer_and_the_next_step_matches(stem):
    model = build(kerastutor, stem)
    model.load_weights(FILES / f"{stem}.weights.h5")
    expected = np.load(FILES / f"{stem}.npz", allow_pickle=False)
    optimizer = model.optimizer
    steps = optimizer.gradient_accumulation_steps or 1
    assert optimizer.iterations == STEPS_BEFORE_SAVING // steps
    saved = saved_optimizer_arrays(FILES / f"{stem}.weights.h5")
    assert len(optimizer.variables) == len(saved) == len(expected["optimizer_variable_paths"])
    for variable, array, path in zip(
        optimizer.variables, saved, expected["optimizer_variable_paths"], strict=True
    ):
        # Keras's paths carry the model's scope ('adam_w/sequential_1_dense_2_kernel_momentum'):
        # the slot's own name ends both.
        assert str(path).endswith(getattr(variable, "slot_name", variable.name))
        np.testing.assert_array_equal(variable.data, array)
    x, y = data()
    model.train_on_batch(x, y)
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, expected[f"weight_{i}"], rtol=1e-5, atol=1e-6)


def test_a_keras_file_with_a_schedule_in_its_optimizer_config_loads_and_continues():
    model = load_model(FILES / f"{FIRST}.keras")
    optimizer = model.optimizer
    assert type(optimizer).__name__ == "Nadam" and optimizer.clipnorm == 1.0
    schedule = optimizer._learning_rate
    assert type(schedule).__name__ == "CosineDecay" and schedule.alpha == 0.1
    assert [v.name for v in optimizer.variables][0] == "iteration"  # no learning_rate variable
    assert optimizer.iterations == STEPS_BEFORE_SAVING
    np.testing.assert_allclose(optimizer.learning_rate, float(schedule(STEPS_BEFORE_SAVING)))
    x, y = data()
    model.train_on_batch(x, y)
    expected = np.load(FILES / f"{FIRST}.npz", allow_pickle=False)
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, expected[f"weight_{i}"], rtol=1e-5, atol=1e-6)


def test_the_state_of_another_setting_is_refused_with_a_warning(tmp_path):
    model = build(kerastutor, "adamax")
    model.compile(optimizer=kerastutor.optimizers.Adamax(), loss="mse")  # fine: same slots
    model.load_weights(FILES / "adamax.weights.h5")
    assert model.optimizer.iterations == STEPS_BEFORE_SAVING
    other = build(kerastutor, "adamw_amsgrad")
    with pytest.warns(UserWarning, match="optimizer state was not loaded: .*AdamW keeps 14"):
        other.load_weights(FILES / "adamax.weights.h5")
    assert other.optimizer.iterations == 0


@pytest.mark.parametrize("stem", list(OPTIMIZERS))
def test_a_kerastutor_file_round_trips_the_optimizer_state(stem, tmp_path):
    """keras_files/check_in_keras.py loads the same files in Keras 3 (run by hand: they match)."""
    x, y = data()
    model = build(kerastutor, stem)
    for _ in range(STEPS_BEFORE_SAVING):
        model.train_on_batch(x, y)
    model.save(tmp_path / "model.keras")
    loaded = load_model(tmp_path / "model.keras")
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables, strict=True):
        assert a.name == b.name and a.data.tobytes() == b.data.tobytes()
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        assert a.tobytes() == b.tobytes()
