"""ShapeFlow: controls rebuild the wiring; shapes, changes and rejections show in the widget."""

import re

import ipywidgets
import numpy as np
import pytest

import kerastutor as keras
from kerastutor import random
from kerastutor.layers import LSTM, Dense, Input
from kerastutor.widgets import ShapeFlow


def decoder_wiring(timesteps, features, units, return_sequences):
    x = Input(shape=(timesteps, features))
    h = LSTM(units, return_sequences=return_sequences)(x)
    return Dense(5)(h)


def shared_wiring(features_b):
    """Seed 000's question: a shared LSTM built on 128 features, then called on features_b."""
    a = Input(shape=(280, 128))
    b = Input(shape=(250, features_b))
    lstm = LSTM(32)
    return keras.layers.concatenate([lstm(a), lstm(b)])


def flow_rows(flow):
    """[(classes, layer call, input shape, output shape)] from the rendered table."""
    return re.findall(
        r'<tr class="(kt-call[^"]*)"[^>]*><td[^>]*>\d+</td><td[^>]*><span[^>]*>([^<]*)</span></td>'
        r"<td[^>]*><span[^>]*>[^<]*</span></td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>",
        flow.html,
    )


def test_controls_come_from_the_arguments():
    flow = ShapeFlow(decoder_wiring, timesteps=7, features=12, units=32, return_sequences=True)
    controls = flow.control_widgets
    assert isinstance(controls["timesteps"], ipywidgets.IntSlider)
    assert controls["timesteps"].value == 7 and controls["timesteps"].max == 28
    assert isinstance(controls["return_sequences"], ipywidgets.Checkbox)
    other = ShapeFlow(
        lambda units, activation, name, size: Dense(units, activation=activation, name=name)(
            Input(shape=(size,))
        ),
        units=(1, 10, 2),
        activation=["relu", "tanh"],
        name="head",
        size=ipywidgets.IntSlider(3, min=1, max=5),
    )
    assert other.values == {"units": 1, "activation": "relu", "name": "head", "size": 3}
    assert other.control_widgets["size"].description == "size"
    assert other.shapes["head"] == [(None, 1)]


def test_every_tensor_shape_is_listed_and_changes_are_marked():
    flow = ShapeFlow(decoder_wiring, timesteps=7, features=12, units=32, return_sequences=True)
    assert flow.shapes == {
        "input_1": [(None, 7, 12)],
        "lstm": [(None, 7, 32)],
        "dense": [(None, 7, 5)],
    }
    assert repr(flow) == (
        "ShapeFlow(timesteps=7, features=12, units=32, return_sequences=True: 3 calls)"
    )
    flow.set(return_sequences=False)
    assert flow.shapes["lstm"] == [(None, 32)] and flow.shapes["dense"] == [(None, 5)]
    assert flow.changed == {"lstm", "dense"}
    assert flow_rows(flow) == [
        ("kt-call", "input_1 (InputLayer)", "-", "(None, 7, 12)"),
        ("kt-call kt-changed", "lstm (LSTM)", "(None, 7, 12)", "(None, 32)"),
        ("kt-call kt-changed", "dense (Dense)", "(None, 32)", "(None, 5)"),
    ]
    flow.control_widgets["timesteps"].value = 9
    assert flow.changed == {"input_1"}


def test_a_rejected_wiring_is_explained_inside_the_widget_which_keeps_working():
    flow = ShapeFlow(shared_wiring, features_b=128)
    assert flow.error is None
    assert flow.shapes["lstm[1]"] == [(None, 32)]

    flow.set(features_b=64)
    assert repr(flow) == "ShapeFlow(features_b=64: rejected)"
    assert flow.error["layer"] == "lstm" and flow.error["node"] == 1
    assert flow.error["input_shapes"] == [(None, 250, 64)]
    text = flow.html
    assert "Keras would reject this wiring" in text
    assert "Layer: lstm (LSTM), as its node 1" in text
    assert "Called on shape: (None, 250, 64)" in text
    assert "expected axis -1 of its input to have size 128" in text
    assert "Traceback" not in text
    # The calls that worked, then the rejected one.
    rows = flow_rows(flow)
    assert [row[1] for row in rows] == [
        "input_1 (InputLayer)",
        "lstm (LSTM)",
        "input_2 (InputLayer)",
        "lstm (LSTM) node 1",
    ]
    assert "kt-rejected" in rows[-1][0] and rows[-1][3] == "rejected"

    flow.set(features_b=128)
    assert flow.error is None and "kt-error" not in flow.html
    assert flow.shapes["lstm[1]"] == [(None, 32)]


def test_the_learners_own_bug_is_shown_too():
    def wiring(units):
        return Dense(units)(undefined_tensor)  # noqa: F821 - the learner's typo

    flow = ShapeFlow(wiring, units=3)
    assert flow.error["title"] == "A Python error in your code: NameError"
    assert "NameError: name &#x27;undefined_tensor&#x27; is not defined" in flow.html
    assert "in wiring, line" in flow.html and "return Dense(units)(undefined_tensor)" in flow.html
    assert "Nothing is broken" not in flow.html and "not a wiring Keras rejects" in flow.html
    flow.set(units=4)
    assert flow.error["type"] == "NameError"


def test_a_bad_argument_is_shown_with_the_last_wiring_that_worked():
    flow = ShapeFlow(lambda units: Dense(units)(Input(shape=(3,))), units=(0, 4))
    assert "expected a positive integer, received 0" in flow.html
    flow.set(units=2)
    flow.set(units=0)
    assert "The last wiring that worked" in flow.html
    assert "opacity:0.5" in flow.html


def test_returning_a_layer_instead_of_its_output_is_explained():
    flow = ShapeFlow(lambda units: Dense(units), units=3)
    assert flow.error["title"] == "The build function must return output tensors or a Model"
    assert "return what calling it gave" in flow.html
    nothing = ShapeFlow(lambda units: None, units=3)
    assert "Expected a Model, a symbolic tensor" in nothing.html


def test_rebuilding_leaves_names_and_random_numbers_alone():
    random.set_random_seed(5)
    expected = random.generator(5).random(3)
    flow = ShapeFlow(decoder_wiring, timesteps=7, features=12, units=32, return_sequences=True)
    flow.set(units=16)
    flow.set(features=3)
    assert flow.shapes["lstm"] == [(None, 7, 16)]
    np.testing.assert_array_equal(random.generator().random(3), expected)
    assert Dense(1).name == "dense" and LSTM(1).name == "lstm"


def test_shape_flow_on_a_model_checks_new_input_sizes_without_changing_it(seed003):
    model = seed003.model
    flow = ShapeFlow(model)
    assert sorted(flow.values) == [
        "input_1_axis_1",
        "input_1_axis_2",
        "input_2_axis_1",
        "input_2_axis_2",
    ]
    assert flow.values["input_2_axis_2"] == 12
    assert flow.shapes["dense"] == [(None, 10, 12)]
    flow.set(input_2_axis_1=25)
    assert flow.shapes["lstm_1"] == [(None, 25, 32), (None, 32), (None, 32)]
    flow.set(input_2_axis_2=11)
    assert flow.error["layer"] == "lstm_1"
    assert "Its kernel has shape (12, 128)" in flow.html
    assert "Layer: lstm_1 (LSTM), as its node 0" in flow.html
    assert len(seed003.decoder_lstm.inbound_nodes) == 1
    with pytest.raises(ValueError, match="ShapeFlow has no control 'units'"):
        flow.set(units=3)


def test_bad_constructor_arguments_are_explained():
    with pytest.raises(TypeError, match="needs a function that wires layers"):
        ShapeFlow(42)
    with pytest.raises(TypeError, match="cannot make a control for `units=None`"):
        ShapeFlow(decoder_wiring, units=None)


def test_siamese_wiring_with_the_seed_sizes():
    def two_tweets(length_a, length_b, features, units):
        tweet_a = Input(shape=(length_a, features))
        tweet_b = Input(shape=(length_b, features))
        shared_lstm = LSTM(units)
        merged = keras.layers.concatenate([shared_lstm(tweet_a), shared_lstm(tweet_b)], axis=-1)
        return Dense(1, activation="sigmoid")(merged)

    flow = ShapeFlow(two_tweets, length_a=280, length_b=280, features=256, units=64)
    assert flow.shapes["concatenate"] == [(None, 128)]
    flow.set(length_b=250)
    # Only the tweet's own shape changed: the shared LSTM still gives (None, 64).
    assert flow.changed == {"input_2"}
    assert flow.shapes["lstm[1]"] == [(None, 64)]
    assert "(None, 250, 256)" in flow.html
