"""SequenceView: what each option returns, for LSTM, any recurrent layer and the wrappers.

The tests read the widget's state (traitlets); one smoke test reads the HTML.
"""

import re

import pytest

from kerastutor.layers import (
    GRU,
    LSTM,
    Bidirectional,
    Conv2D,
    Dense,
    Embedding,
    Input,
    SimpleRNN,
    TimeDistributed,
)
from kerastutor.models import Model
from kerastutor.widgets import SequenceView
from kerastutor.widgets._render import BRAND, FAINT


def test_seed_003_decoder_starts_from_the_models_own_options(seed003):
    view = SequenceView(seed003.model)
    assert view.layer is seed003.decoder_lstm
    assert repr(view) == (
        "SequenceView(lstm_1: return_sequences=True, return_state=True, initial_state=True, dense=12)"
    )
    assert [label for label, _ in view.layer_picker.options] == ["lstm", "lstm_1"]
    assert (view.kind, view.layer_type, view.state_names) == ("recurrent", "LSTM", ["h", "c"])
    assert view.output_names == ["output", "state_h", "state_c"]
    assert view.output_shapes == [(None, 4, 32), (None, 32), (None, 32)]
    assert view.dense_shape == (None, 4, 12) and view.dense_params == 396
    assert view.dense_in_model


def test_html_smoke(seed003):
    html = SequenceView(seed003.model).html
    assert "output, state_h, state_c = LSTM(32, return_sequences=True, return_state=True)" in html
    assert "(x, initial_state=[h0, c0])" in html
    assert "the same kernel is applied at every one of the 4 timesteps" in html
    assert "Parameters: 396 = 32 x 12 + 12" in html
    assert (
        "lstm_1</code> node 0 was called on <code>input_2[0][0], initial_state=[lstm[0][1], lstm[0][2]]"
        in html
    )
    assert "dense (Dense) at every timestep" in html
    assert ">LSTM t=4<" in html and "kt-error" not in html


def test_toggles_change_the_returned_structure(seed003):
    view = SequenceView(seed003.model)
    view.set(return_state=False)
    assert view.output_names == ["output"] and view.output_shapes == [(None, 4, 32)]
    view.set(return_sequences=False)
    assert view.output_shapes == [(None, 32)] and view.dense_shape == (None, 12)
    view.set(initial_state=False, dense_units=0)
    assert view.dense_shape is None and view.dense_params == 0
    assert "initial_state=[h0, c0]" not in view.html


def test_returned_steps_are_drawn_in_the_returned_colour():
    view = SequenceView(LSTM(16), timesteps=3, features=5, dense_units=0)
    h_labels = re.findall(r'style="fill:([^;]+);" font-weight="(\w+)">h(\d)</text>', view.html)
    assert h_labels == [
        (FAINT, "normal", "1"),
        (FAINT, "normal", "2"),
        (BRAND, "bold", "3"),
    ]


def test_dense_after_lstm_has_the_seeds_65_parameters():
    view = SequenceView(LSTM(12, return_sequences=True), timesteps=7, features=3, dense_units=5)
    assert view.dense_shape == (None, 7, 5) and view.dense_kernel == (12, 5)
    assert view.dense_params == 65
    view.set(timesteps=1)
    assert view.dense_params == 65


def test_the_seq2seq_encoder_has_no_dense_after_it_and_none_is_drawn(seed003):
    view = SequenceView(seed003.model)
    view.layer_picker.value = 0
    assert repr(view) == (
        "SequenceView(lstm: return_sequences=False, return_state=True, initial_state=False, dense=0)"
    )
    assert view.output_shapes == [(None, 32), (None, 32), (None, 32)]
    assert view.dense_shape is None and not view.dense_in_model
    assert ">Dense(" not in view.html
    # A Dense the learner asks for is drawn, and said not to be in the model.
    view.set(dense_units=4)
    assert view.dense_shape == (None, 4) and not view.dense_in_model
    assert "This Dense is not in model" in view.html


def test_a_gru_returns_two_tensors_where_an_lstm_returns_three():
    view = SequenceView(GRU(6, return_state=True), timesteps=5, features=2, dense_units=0)
    assert view.state_names == ["h"] and view.layer_type == "GRU"
    assert view.output_names == ["output", "state_h"]
    assert view.output_shapes == [(None, 6), (None, 6)]
    lstm = SequenceView(LSTM(6, return_state=True), timesteps=5, features=2, dense_units=0)
    assert lstm.output_names == ["output", "state_h", "state_c"]
    assert "h starts at zeros" in view.html and "h, c start at zeros" in lstm.html
    view.set(initial_state=True)
    assert view.error is None and "initial_state=[h0]" in view.html


def test_bidirectional_shows_both_directions_and_the_merge():
    ids = Input(shape=(6,), dtype="int32")
    embedded = Embedding(10, 4, mask_zero=True)(ids)
    sequence, *_ = Bidirectional(LSTM(3, return_sequences=True, return_state=True))(embedded)
    model = Model(ids, TimeDistributed(Dense(2))(sequence))
    view = SequenceView(model)
    view.layer_picker.value = [c.name for c in view.candidates].index("bidirectional")
    assert (view.kind, view.directions, view.merge_mode) == (
        "bidirectional",
        ["forward", "backward"],
        "concat",
    )
    assert view.output_names == ["output", "forward_h", "forward_c", "backward_h", "backward_c"]
    assert view.output_shapes == [(None, 6, 6)] + [(None, 3)] * 4
    assert view.dense_units.value == 2 and view.dense_in_model  # the TimeDistributed(Dense)
    view.set(initial_state=True, return_state=False)
    assert view.error is None and view.output_shapes == [(None, 6, 6)]
    assert "initial_state=[h0_f, c0_f, h0_b, c0_b]" in view.html
    unmerged = SequenceView(Bidirectional(SimpleRNN(3), merge_mode=None), dense_units=0)
    assert unmerged.output_names == ["forward_output", "backward_output"]
    assert unmerged.output_shapes == [(None, 3), (None, 3)]
    assert "merge_mode=None" in repr(unmerged)


def test_time_distributed_shows_one_layer_per_timestep_and_no_state():
    frames = Input(shape=(4, 6, 6, 1))
    wrapper = TimeDistributed(Conv2D(2, 3))
    wrapper(frames)
    view = SequenceView(wrapper, dense_units=0)
    assert (view.kind, view.layer_type, view.state_names) == ("time_distributed", "Conv2D", [])
    assert view.output_shapes == [(None, 4, 4, 4, 2)]
    assert repr(view) == "SequenceView(time_distributed: TimeDistributed(Conv2D), dense=0)"
    assert view.return_state.layout.display == "none"
    assert ">Conv2D t=4<" in view.html and "nothing passes between steps" in view.html


def test_a_layer_never_called_uses_defaults_and_is_not_changed():
    lstm = LSTM(8)
    view = SequenceView(lstm)
    assert (view.timesteps.value, view.features.value, view.dense_units.value) == (4, 8, 0)
    assert "Dense(" not in view.html  # no Dense is drawn that the code does not have
    assert lstm.inbound_nodes == [] and not lstm.built
    lstm(Input(shape=(6, 3)))
    assert SequenceView(lstm).features.value == 3


def test_anything_but_a_recurrent_layer_or_wrapper_is_refused(siamese):
    with pytest.raises(TypeError, match="SequenceView shows a recurrent layer"):
        SequenceView(Dense(3))
    inputs = Input(shape=(3,))
    with pytest.raises(TypeError, match="has none"):
        SequenceView(Model(inputs, Dense(1)(inputs)))
    assert SequenceView(siamese.model).layer is siamese.lstm


def test_options_that_cannot_be_built_show_an_error_in_the_widget():
    view = SequenceView(TimeDistributed(Conv2D(2, 3)), dense_units=0)
    assert view.error is not None and "rank 4" in view.error
    assert "kt-error" in view.html


def test_a_seq2seq_encoder_with_no_dense_after_it_is_drawn_without_one():
    encoder_inputs = Input(shape=(None, 10))
    encoder = LSTM(32, return_state=True)
    _, state_h, state_c = encoder(encoder_inputs)
    decoder_lstm = LSTM(32, return_sequences=True)
    decoder_outputs = decoder_lstm(Input(shape=(None, 12)), initial_state=[state_h, state_c])
    Dense(12, activation="softmax")(decoder_outputs)
    view = SequenceView(encoder)
    assert view.dense_units.value == 0 and view.dense_shape is None
    assert "Dense(" not in view.html and "kt-dense" not in view.html
    decoder = SequenceView(decoder_lstm)  # the decoder has one: its units
    assert decoder.dense_units.value == 12 and "Dense(12)" in decoder.html


def test_the_dense_units_slider_has_room_for_its_label():
    view = SequenceView(LSTM(4))
    width = int(view.dense_units.layout.width.removesuffix("px"))
    assert width >= 400 and view.dense_units.layout.min_width == view.dense_units.layout.width
