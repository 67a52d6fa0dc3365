"""SequenceView: return_sequences / return_state / initial_state and a Dense per timestep."""

import re

import pytest

from kerastutor.layers import LSTM, Dense, Input
from kerastutor.widgets import SequenceView


def returned(html):
    """[(name, shape)] of the 'returned' table."""
    return re.findall(
        r"<tr[^>]*><td[^>]*><span[^>]*>(output|state_h|state_c)</span></td><td[^>]*>([^<]*)</td>",
        html,
    )


def test_seed_003_decoder_starts_from_the_models_own_options(seed003):
    view = SequenceView(seed003.model)
    assert view.layer is seed003.decoder_lstm
    assert repr(view) == (
        "SequenceView(lstm_1: return_sequences=True, return_state=True, initial_state=True, dense=12)"
    )
    assert [label for label, _ in view.layer_picker.options] == ["lstm", "lstm_1"]
    assert view.output_shapes == [(None, 4, 32), (None, 32), (None, 32)]
    assert view.dense_shape == (None, 4, 12)
    html = view.html
    assert "output, state_h, state_c = LSTM(32, return_sequences=True, return_state=True)" in html
    assert "(x, initial_state=[h0, c0])" in html
    assert returned(html) == [
        ("output", "(None, 4, 32)"),
        ("state_h", "(None, 32)"),
        ("state_c", "(None, 32)"),
    ]
    assert "the same kernel is applied at every one of the 4 timesteps" in html
    assert "Parameters: 396 = 32 x 12 + 12" in html
    # What the model itself does with the decoder's outputs.
    assert (
        "lstm_1</code> node 0 was called on <code>input_2[0][0], initial_state=[lstm[0][1], lstm[0][2]]"
        in html
    )
    assert "dense (Dense) at every timestep" in html


def test_toggles_change_the_returned_structure_and_the_picture(seed003):
    view = SequenceView(seed003.model)
    view.set(return_state=False)
    assert view.output_shapes == [(None, 4, 32)]
    assert "The LSTM returns one tensor" in view.html
    view.set(return_sequences=False)
    assert view.output_shapes == [(None, 32)]
    assert view.dense_shape == (None, 12)
    assert "h at the last timestep only" in view.html
    assert "one vector per sample" in view.html
    view.set(initial_state=False)
    assert "h, c start at zeros" in view.html and "initial_state=[h0, c0]" not in view.html
    view.set(dense_units=0)
    assert view.dense_shape is None and "Dense(" not in view.html.split("</pre>")[1]


def test_returned_steps_are_drawn_in_the_returned_colour():
    view = SequenceView(LSTM(16), timesteps=3, features=5, dense_units=0)
    h_labels = re.findall(r'fill="(#[0-9a-f]+)" font-weight="(\w+)">h(\d)</text>', view.html)
    assert h_labels == [
        ("#bbbbbb", "normal", "1"),
        ("#bbbbbb", "normal", "2"),
        ("#1f77b4", "bold", "3"),
    ]
    view.set(return_sequences=True)
    h_labels = re.findall(r'fill="(#[0-9a-f]+)" font-weight="(\w+)">h(\d)</text>', view.html)
    assert [colour for colour, _, _ in h_labels] == ["#1f77b4"] * 3


def test_long_sequences_are_drawn_with_an_ellipsis():
    view = SequenceView(LSTM(4, return_sequences=True), timesteps=30, features=2)
    assert ">LSTM t=30<" in view.html and "\u2026" in view.html
    assert ">LSTM t=4<" not in view.html


def test_dense_after_lstm_has_the_seeds_65_parameters():
    view = SequenceView(LSTM(12, return_sequences=True), timesteps=7, features=3, dense_units=5)
    assert view.dense_shape == (None, 7, 5)
    assert "Parameters: 65 = 12 x 5 + 5, whatever the number of timesteps" in view.html
    view.set(timesteps=1)
    assert "Parameters: 65 = 12 x 5 + 5" in view.html


def test_choosing_the_encoder_loads_its_options(seed003):
    view = SequenceView(seed003.model)
    view.layer_picker.value = 0
    assert repr(view) == (
        "SequenceView(lstm: return_sequences=False, return_state=True, initial_state=False, dense=5)"
    )
    assert view.output_shapes == [(None, 32), (None, 32), (None, 32)]
    assert "used by" in view.html and "lstm_1 (LSTM)" in view.html


def test_a_layer_never_called_uses_defaults_and_is_not_changed():
    lstm = LSTM(8)
    view = SequenceView(lstm)
    assert (view.timesteps.value, view.features.value, view.dense_units.value) == (4, 8, 5)
    assert lstm.inbound_nodes == [] and not lstm.built
    lstm(Input(shape=(6, 3)))
    assert SequenceView(lstm).features.value == 3


def test_anything_but_an_lstm_is_refused(siamese):
    with pytest.raises(TypeError, match="SequenceView shows an LSTM layer"):
        SequenceView(Dense(3))
    inputs = Input(shape=(3,))
    from kerastutor.models import Model

    with pytest.raises(TypeError, match="has none"):
        SequenceView(Model(inputs, Dense(1)(inputs)))
    assert SequenceView(siamese.model).layer is siamese.lstm
