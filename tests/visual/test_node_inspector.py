"""NodeInspector: a layer's nodes and weights, updated live by the engine's listeners."""

import re

import numpy as np
import pytest

from kerastutor.layers import LSTM, Dense, Embedding, Input
from kerastutor.widgets import NodeInspector


def node_rows(inspector):
    """[(classes, node index, called on, input shape, output shape)] from the rendered table."""
    rows = re.findall(
        r'<tr class="(kt-node[^"]*)"[^>]*><td[^>]*><span[^>]*>(\d+)</span></td>'
        r"<td[^>]*><span[^>]*>([^<]*)</span></td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>",
        inspector.html,
    )
    return rows


def selected_rows(inspector):
    return [row[1] for row in node_rows(inspector) if "kt-selected" in row[0]]


def test_inspector_updates_itself_when_the_layer_is_called_again():
    lstm = LSTM(32)
    inspector = NodeInspector(lstm)
    assert repr(inspector) == "NodeInspector(lstm: 0 nodes, 0 weights)"
    assert "has no nodes yet" in inspector.html
    assert inspector.node_picker.disabled

    a = Input(shape=(280, 128))
    lstm(a)
    assert repr(inspector) == "NodeInspector(lstm: 1 node, 3 weights, node 0 selected)"
    b = Input(shape=(250, 128))
    lstm(b)
    assert repr(inspector) == "NodeInspector(lstm: 2 nodes, 3 weights, node 1 selected)"
    assert node_rows(inspector) == [
        ("kt-node", "0", "input_1[0][0]", "(None, 280, 128)", "(None, 32)"),
        ("kt-node kt-selected", "1", "input_2[0][0]", "(None, 250, 128)", "(None, 32)"),
    ]
    assert "called 2 times, so 2 nodes" in inspector.html
    assert [label for label, _ in inspector.node_picker.options] == [
        "0: input_1[0][0]",
        "1: input_2[0][0]",
    ]


def test_choosing_a_node_highlights_its_row_and_shows_its_code():
    lstm = LSTM(32)
    lstm(Input(shape=(280, 128)))
    lstm(Input(shape=(250, 128)))
    inspector = NodeInspector(lstm)
    assert selected_rows(inspector) == ["1"]
    inspector.node_picker.value = 0
    assert selected_rows(inspector) == ["0"]
    assert inspector.selected_node == 0
    assert "lstm.get_input_shape_at(0)   # (None, 280, 128)" in inspector.html
    inspector.select(1)
    assert "lstm.get_input_shape_at(1)   # (None, 250, 128)" in inspector.html
    assert "lstm.get_output_at(1)        # the tensor lstm[1][0]" in inspector.html


def test_weights_table_shows_one_set_shared_by_all_nodes(siamese):
    inspector = NodeInspector(siamese.lstm)
    weights = re.findall(
        r"<tr[^>]*><td[^>]*><span[^>]*>(\w+)</span></td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)"
        r"</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td></tr>",
        inspector.html,
    )
    assert weights == [
        ("kernel", "(256, 256)", "65,536", "yes", "all 2 nodes"),
        ("recurrent_kernel", "(64, 256)", "16,384", "yes", "all 2 nodes"),
        ("bias", "(256,)", "256", "yes", "all 2 nodes"),
    ]
    assert "one set of weights (82,176 params) used by every node" in inspector.html


def test_frozen_embedding_weights_are_marked(seed001):
    inspector = NodeInspector(seed001.layer)
    assert "no (frozen)" in inspector.html
    assert "node 0 (the only one)" in inspector.html


def test_seed_003_decoder_call_lists_its_initial_state(seed003):
    inspector = NodeInspector(seed003.decoder_lstm)
    row = node_rows(inspector)[0]
    assert row[2] == "input_2[0][0], initial_state=[lstm[0][1], lstm[0][2]]"
    assert row[3] == "[(None, None, 12), (None, 32), (None, 32)]"
    assert row[4] == "[(None, None, 32), (None, 32), (None, 32)]"


def test_masks_appear_in_the_table():
    tokens = Input(shape=(7,), dtype="int32")
    embedded = Embedding(20, 4, mask_zero=True)(tokens)
    lstm = LSTM(3, return_sequences=True)
    inspector = NodeInspector(lstm)
    lstm(embedded)
    assert "(None, 7) / (None, 7)" in inspector.html


def test_eager_calls_add_no_node_and_the_view_says_why():
    dense = Dense(2)
    inspector = NodeInspector(dense)
    dense(np.ones((1, 3)))
    assert repr(inspector) == "NodeInspector(dense: 0 nodes, 2 weights)"
    assert "Calling it on arrays computes numbers and adds no node" in inspector.html


def test_close_stops_listening():
    dense = Dense(2)
    inspector = NodeInspector(dense)
    dense(Input(shape=(3,)))
    shown = inspector.html
    inspector.close()
    dense(Input(shape=(3,)))
    assert inspector.html == shown
    assert len(dense.inbound_nodes) == 2


def test_a_failing_render_never_breaks_the_learners_call(monkeypatch):
    dense = Dense(2)
    inspector = NodeInspector(dense)

    def broken():
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(inspector, "_render", broken)
    output = dense(Input(shape=(3,)))
    assert output.shape == (None, 2)
    assert "kt-error" in inspector.html and "RuntimeError: drawing failed" in inspector.html


def test_inspector_rejects_what_is_not_a_layer():
    with pytest.raises(TypeError, match="NodeInspector shows the calls of one layer"):
        NodeInspector("lstm")


def test_a_model_is_inspected_as_a_layer(siamese):
    inspector = NodeInspector(siamese.model)
    assert repr(inspector) == "NodeInspector(model: 0 nodes, 5 weights)"
    siamese.model([Input(shape=(280, 256)), Input(shape=(280, 256))])
    assert repr(inspector) == "NodeInspector(model: 1 node, 5 weights, node 0 selected)"
    assert "input_3[0][0], input_4[0][0]" in inspector.html


def test_long_labels_get_room_before_the_layer_box(seed003):
    """A decoder's labels (`input_2[0][0], initial_state=[...]`) end before the arrows start."""
    decoder = seed003.decoder_lstm
    inspector = NodeInspector(decoder)
    picture = inspector.html
    box_x = float(re.search(r'<rect x="([\d.]+)"', picture).group(1))
    label = "input_2[0][0], initial_state=[lstm[0][1], lstm[0][2]]"
    assert label in picture
    assert 8 + len(label) * 6.6 < box_x - 40  # text width at 11 px, then a 40 px arrow
    width = float(re.search(r'<svg[^>]* width="([\d.]+)"', picture).group(1))
    outputs = ", ".join(str(t._keras_history) for t in decoder.inbound_nodes[0].output_tensors)
    assert outputs in picture and box_x + 120 + 48 + len(outputs) * 6.6 <= width
    assert inspector.node_picker.layout.min_width == "300px"


def test_a_label_past_sixty_characters_is_shortened_with_its_full_text_on_hover():
    inputs = [Input((2,), name=f"a_very_long_input_name_{i}") for i in range(4)]
    from kerastutor.layers import Concatenate

    concat = Concatenate()
    concat(inputs)
    picture = NodeInspector(concat).html
    full = ", ".join(f"a_very_long_input_name_{i}[0][0]" for i in range(4))
    assert f"<title>{full}</title>" in picture
    assert full[:59] + "…" in picture
