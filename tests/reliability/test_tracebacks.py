"""Issue 13, item 3: an error for the learner's input shows the learner's line.

With filtering on (the default, as in Keras 3), the traceback of a refused
call holds the learner's frames and one kerastutor frame, the filter's own
`raise`; with it off, every frame.
"""

import os
import traceback

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import config
from kerastutor import layers as L
from kerastutor.engine.traceback_utils import is_kerastutor_frame

FILTER = os.path.join("kerastutor", "engine", "traceback_utils.py")


@pytest.fixture(autouse=True)
def filtering_restored():
    yield
    config.enable_traceback_filtering()


def _frames(error):
    return [frame.f_code.co_filename for frame, _ in traceback.walk_tb(error.__traceback__)]


def _compiled():
    model = keras.Sequential([keras.Input((3,)), L.Dense(1)])
    model.compile("sgd", "mse")
    return model


MISTAKES = {
    "dense_second_call_wrong_features": lambda: _refused_second_call(),
    "dense_on_strings": lambda: L.Dense(4)(np.array([["a", "b", "c"]])),
    "conv_on_too_few_axes": lambda: L.Conv2D(2, 3)(np.ones((2, 5, 5))),
    "misspelt_argument": lambda: L.Dense(4, activaton="relu"),
    "unknown_activation": lambda: L.Dense(4, activation="Relu"),
    "string_flag": lambda: L.LSTM(3, return_sequences="yes"),
    "fit_misspelt": lambda: _compiled().fit(np.ones((4, 3)), np.ones((4, 1)), epoch=3),
    "fit_wrong_features": lambda: _compiled().fit(np.ones((4, 5)), np.ones((4, 1)), verbose=0),
    "sequential_add": lambda: keras.Sequential([keras.Input((3,)), L.Flatten(), L.Conv2D(2, 3)]),
    "load_model_missing_file": lambda: keras.models.load_model("no_such_model.keras"),
    "predict_two_arrays": lambda: _compiled().predict([np.ones((2, 3))] * 2),
}


def _refused_second_call():
    dense = L.Dense(2)
    dense(keras.Input((3,)))
    dense(keras.Input((4,)))


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_with_filtering_on_the_traceback_ends_on_the_learner_s_line(mistake):
    assert config.is_traceback_filtering_enabled()
    with pytest.raises((ValueError, TypeError, OSError)) as error:
        MISTAKES[mistake]()
    frames = _frames(error.value)
    inside = [f for f in frames if is_kerastutor_frame(f)]
    assert inside and all(f.endswith(FILTER) for f in inside), inside
    assert frames[-1].endswith(FILTER)  # the learner's code calls it; nothing below it
    assert any(f == __file__ for f in frames)


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_with_filtering_off_every_frame_is_kept(mistake):
    config.disable_traceback_filtering()
    assert not config.is_traceback_filtering_enabled()
    with pytest.raises((ValueError, TypeError, OSError)) as error:
        MISTAKES[mistake]()
    inside = [f for f in _frames(error.value) if is_kerastutor_frame(f)]
    assert len(inside) >= 2  # the entry point and what it ran, down to the raising line
    assert not inside[-1].endswith(FILTER)


def test_the_message_is_untouched_by_filtering():
    messages = []
    for switch in (config.enable_traceback_filtering, config.disable_traceback_filtering):
        switch()
        with pytest.raises(ValueError) as error:
            L.Conv2D(2, 3, name="conv")(np.ones((2, 5, 5)))
        messages.append(str(error.value))
    assert messages[0] == messages[1]


def test_an_error_in_the_learner_s_own_layer_keeps_the_learner_s_frames():
    class Broken(L.Layer):
        def call(self, x):
            return x.no_such_attribute

    with pytest.raises(AttributeError) as error:
        Broken()(np.ones((2, 3)))
    names = [frame.f_code.co_name for frame, _ in traceback.walk_tb(error.value.__traceback__)]
    assert "call" in names  # the learner's `call`, where the mistake is


def test_the_keras_3_names_are_in_kerastutor_config():
    for name in (
        "enable_traceback_filtering",
        "disable_traceback_filtering",
        "is_traceback_filtering_enabled",
    ):
        assert name in config.__all__
    assert keras.config.is_traceback_filtering_enabled() is True
