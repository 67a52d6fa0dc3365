"""Controls set from code: a value a control cannot take gets a teaching error, never a clamp.

Sliders set from code used to clamp silently (`select(99)` chose the last
position) and drop-downs raised traitlets' bare TraitError. Each widget's
Python API now names the widget, the control, what it takes and what it
received, and changes nothing when it refuses.
"""

import ipywidgets
import numpy as np
import pytest
import traitlets

from kerastutor.layers import LSTM, Conv2D, Dense, Embedding, Input
from kerastutor.widgets import ConvView, EmbeddingLookup, NodeInspector, SequenceView, ShapeFlow


def test_embedding_lookup_refuses_a_position_outside_the_sequence():
    lookup = EmbeddingLookup(Embedding(6, 2), [[1, 2, 3], [4, 5, 0]])
    lookup.select(1)
    with pytest.raises(ValueError) as caught:
        lookup.select(99)
    assert str(caught.value) == (
        "EmbeddingLookup's `position` slider takes an int from 0 to 2; received 99. "
        "The sequence has 3 position(s), numbered from 0."
    )
    with pytest.raises(ValueError, match=r"`sample` slider takes an int from 0 to 1; received 2"):
        lookup.select(0, sample=2)
    assert (lookup.position, lookup.sample_slider.value) == (1, 0)  # nothing changed
    with pytest.raises(TypeError, match=r"`position` slider takes an int .* received float 1.5"):
        lookup.select(1.5)
    with pytest.raises(TypeError, match=r"`as one-hot` is a switch: it takes True or False; "):
        lookup.show_one_hot("yes")
    lookup.select(np.int64(2), sample=1)
    assert lookup.selected_row == 0


def test_node_inspector_refuses_a_node_the_layer_does_not_have():
    lstm = LSTM(3)
    inspector = NodeInspector(lstm)
    with pytest.raises(
        ValueError, match=r"NodeInspector\(lstm\) has no `node` to select yet, received 0"
    ):
        inspector.select(0)
    lstm(Input(shape=(4, 2)))
    lstm(Input(shape=(5, 2)))
    with pytest.raises(ValueError) as caught:
        inspector.select(5)
    assert not isinstance(caught.value, traitlets.TraitError)
    assert "`node` drop-down takes one of 0, 1; received 5. lstm has 2 node(s)" in str(caught.value)
    with pytest.raises(
        TypeError, match=r"takes a node index, an int from 0 to 1; received str '1'"
    ):
        inspector.select("1")
    assert inspector.selected_node == 1


def test_shape_flow_checks_every_name_and_value_before_changing_any():
    flow = ShapeFlow(lambda units, deep: Dense(units)(Input(shape=(3,))), units=4, deep=False)
    with pytest.raises(ValueError) as caught:
        flow.set(unit=5)
    assert str(caught.value) == (
        "ShapeFlow has no control 'unit'; its controls are units, deep. Did you mean 'units'?"
    )
    with pytest.raises(ValueError, match=r"ShapeFlow's `units` slider takes an int from 1 to 16; "):
        flow.set(deep=True, units=99)
    assert flow.values == {"units": 4, "deep": False}  # the valid `deep` was not applied either
    with pytest.raises(TypeError, match=r"`deep` is a switch: it takes True or False; received "):
        flow.set(deep="False")
    with pytest.raises(TypeError, match=r"`units` slider takes an int .* received str '5'"):
        flow.set(units="5")


def test_sequence_view_names_its_controls():
    view = SequenceView(LSTM(3))
    with pytest.raises(
        ValueError,
        match=r"SequenceView has no control 'return_sequence'.*"
        r"Did you mean 'return_sequences'\?",
    ):
        view.set(return_sequence=True)
    with pytest.raises(ValueError, match=r"`timesteps` slider takes an int from 1 to 16; "):
        view.set(timesteps=0)
    with pytest.raises(ValueError, match=r"from 1 to 32; received 99\. .*features=99"):
        view.set(features=99)  # (range: up to 4 times the layer's own value, 8 features)
    with pytest.raises(TypeError, match=r"`return_state` is a switch"):
        view.set(return_state=1)
    view.set(return_state=True, timesteps=6)
    assert view.output_shapes == [(None, 3), (None, 3), (None, 3)]


def test_conv_view_refuses_a_cell_outside_the_output():
    view = ConvView(Conv2D(2, 3), np.ones((5, 5, 1)))
    with pytest.raises(
        ValueError,
        match=r"ConvView's `filter` slider takes an int from 0 to 1; "
        r"received 2\. The output is \(3, 3, 2\)",
    ):
        view.select(row=1, filter=2)
    assert (view.row, view.filter) == (0, 0)


def test_conv_view_state_set_from_code_is_checked_too():
    view = ConvView(Conv2D(2, 3), np.ones((5, 5, 1)))
    with pytest.raises(ValueError, match=r"ConvView's `row` slider takes an int from 0 to 2; "):
        view.row = 7
    with pytest.raises(TypeError) as caught:
        view.col = "1"
    assert not isinstance(caught.value, traitlets.TraitError)
    assert str(caught.value) == (
        "ConvView's `col` takes an int (a position or a filter, counted from 0); received str '1'."
    )
    with pytest.raises(TypeError, match=r"`strides` takes a tuple with one int per spatial axis"):
        view.strides = 2
    with pytest.raises(TypeError, match=r"`padding` takes a str such as 'valid' or 'same'"):
        view.padding = None
    assert (view.row, view.col, view.strides, view.padding) == (0, 0, (1, 1), "valid")
    view.strides = (2, 2)
    view.row = 1
    assert view.output_shape == (2, 2, 2) and view.row_slider.value == 1


def test_a_control_of_your_own_that_refuses_a_value_is_named():
    picker = ipywidgets.SelectionSlider(options=[2, 4, 8], value=4)
    flow = ShapeFlow(lambda units: Dense(units)(Input(shape=(3,))), units=picker)
    with pytest.raises(ValueError) as caught:
        flow.set(units=5)
    assert not isinstance(caught.value, traitlets.TraitError)
    assert str(caught.value).startswith(
        "ShapeFlow's `units` control (SelectionSlider) cannot take 5"
    )
    flow.set(units=8)
    assert flow.shapes["dense"] == [(None, 8)]
