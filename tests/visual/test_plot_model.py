"""plot_model: one box per layer, every call of a shared layer on its own arrows."""

import os
import re
import subprocess
import sys

import pytest

from kerastutor.layers import LSTM, Dense, Embedding, Input
from kerastutor.models import Model
from kerastutor.utils import GraphvizNotFoundError, plot_model
from kerastutor.utils.model_graph import collect_graph

vis_utils = sys.modules["kerastutor.utils.vis_utils"]


def arrows(source):
    """{(label first line): full label} of every arrow in a DOT source."""
    return re.findall(r'-> \w+ \[label="([^"]*)"', source)


def box_label(source, layer_name):
    match = re.search(rf"\[label=<(<table.*?<b>{layer_name}</b>.*?</table>)>\]", source)
    assert match, f"no box for {layer_name}"
    return match.group(1)


def test_import_of_utils_does_not_import_graphviz():
    code = (
        "import sys, kerastutor.utils; assert 'graphviz' not in sys.modules; "
        "from kerastutor.utils import plot_model; assert callable(plot_model); "
        "assert 'graphviz' in sys.modules; print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=os.getcwd()
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_plot_model_is_the_function_however_it_is_imported():
    import kerastutor.utils
    from kerastutor.utils.vis_utils import plot_model as keras2_path

    assert kerastutor.utils.plot_model is plot_model is keras2_path


def test_shared_lstm_is_one_box_listing_both_nodes(siamese):
    diagram = plot_model(siamese.model)
    lstm_box = box_label(diagram.source, "lstm")
    assert lstm_box.count("(None, 280, 256)") == 2
    assert lstm_box.count("(None, 64)") == 2
    assert ">0</td>" in lstm_box and ">1</td>" in lstm_box
    assert "shared: 2 calls, one set of weights (82,176 params)" in lstm_box
    assert diagram.source.count("<b>lstm</b>") == 1
    assert repr(diagram) == "<Diagram of model: 5 boxes, 5 arrows; DOT text in .source>"


def test_every_arrow_names_its_tensor_node_and_shape(siamese):
    labels = arrows(plot_model(siamese.model).source)
    assert labels == [
        "input_1[0][0] \u2192 node 0\\n(None, 280, 256)",
        "input_2[0][0] \u2192 node 1\\n(None, 280, 256)",
        "lstm[0][0]\\n(None, 64)",
        "lstm[1][0]\\n(None, 64)",
        "concatenate[0][0]\\n(None, 128)",
    ]


def test_arrows_of_a_shared_layer_take_their_node_colour(siamese):
    source = plot_model(siamese.model).source
    assert re.search(r'label="input_1\[0\]\[0\][^"]*" color="#1f77b4"', source)
    assert re.search(r'label="input_2\[0\]\[0\][^"]*" color="#d62728"', source)
    assert re.search(r'label="lstm\[1\]\[0\][^"]*" color="#d62728"', source)


def test_per_node_shapes_of_seed_000_differ_in_the_box():
    a = Input(shape=(280, 128))
    b = Input(shape=(250, 128))
    lstm = LSTM(32)
    lstm(a)
    lstm(b)
    box = box_label(plot_model([lstm.get_output_at(0), lstm.get_output_at(1)]).source, "lstm")
    rows = re.findall(r"<tr><td[^>]*>(\d)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", box)
    assert rows == [
        ("0", "(None, 280, 128)", "(None, 32)"),
        ("1", "(None, 250, 128)", "(None, 32)"),
    ]


def test_drawing_output_tensors_before_any_model_exists(siamese):
    from_tensors = plot_model(siamese.outputs)
    from_model = plot_model(siamese.model)
    assert from_tensors.source == from_model.source
    assert repr(from_tensors).startswith("<Diagram of outputs: 5 boxes")
    # A half-wired graph: just the shared LSTM's two calls, no concatenate yet.
    partial = plot_model([siamese.lstm.get_output_at(0), siamese.lstm.get_output_at(1)])
    assert "concatenate" not in partial.source
    assert "input_2[0][0] \u2192 node 1" in partial.source


def test_seed_003_decoder_shows_initial_state_arrows(seed003):
    source = plot_model(seed003.model).source
    labels = arrows(source)
    assert "lstm[0][1]\\n(None, 32)" in labels
    assert "lstm[0][2]\\n(None, 32)" in labels
    assert "input_2[0][0]\\n(None, None, 12)" in labels
    box = box_label(source, "lstm_1")
    assert "[(None, None, 12), (None, 32), (None, 32)]" in box
    assert "[(None, None, 32), (None, 32), (None, 32)]" in box


def test_seed_001_embedding_box():
    import numpy as np

    from kerastutor.models import Sequential

    model = Sequential()
    model.add(
        Embedding(6, 2, weights=[np.eye(6, 2)], input_length=3, trainable=False, name="embedding")
    )
    box = box_label(plot_model(model).source, "embedding")
    assert "(None, 3)" in box and "(None, 3, 2)" in box


def test_options_remove_what_they_name(siamese):
    bare = plot_model(siamese.model, show_shapes=False, show_node_indices=False).source
    assert "(None" not in bare
    assert "[0][0]" not in bare
    assert "label=" not in bare.split("->", 1)[1]
    nameless = plot_model(siamese.model, show_layer_names=False).source
    assert "<b>LSTM</b>" in nameless and "<b>lstm</b>" not in nameless
    assert "rankdir=LR" in plot_model(siamese.model, rankdir="LR").source


def test_masks_are_shown_on_request():
    tokens = Input(shape=(7,), dtype="int32")
    embedded = Embedding(20, 4, mask_zero=True)(tokens)
    encoded = LSTM(3)(embedded)
    source = plot_model(encoded, show_masks=True).source
    assert 'embedding[0][0]\\n(None, 7, 4)\\nmask (None, 7)" style=dashed' in source
    assert "<i>mask</i>" in box_label(source, "embedding")
    assert "mask" not in plot_model(encoded).source


def test_nested_models_are_one_box_or_an_expanded_cluster():
    inner_input = Input(shape=(8,))
    inner = Model(inner_input, Dense(4, name="inner_dense")(inner_input), name="encoder")
    left, right = Input(shape=(8,)), Input(shape=(8,))
    merged = Dense(1, name="head")(inner(left))
    outer = Model([left, right], [merged, inner(right)], name="outer")

    closed = plot_model(outer).source
    assert "cluster" not in closed and "inner_dense" not in closed
    assert "input_2[0][0] \u2192 node 0" in closed and "input_3[0][0] \u2192 node 1" in closed

    expanded = plot_model(outer, expand_nested=True).source
    assert "subgraph cluster_1" in expanded and "<b>encoder</b> (Functional)" in expanded
    assert "<b>inner_dense</b>" in expanded
    ids = dict(re.findall(r"(layer_\d+) \[label=<<table.*?<b>(\w+)</b>", expanded))
    by_name = {name: box for box, name in ids.items()}
    # The outer inputs point at the encoder's own Input box, and its Dense feeds the head.
    assert f"{by_name['input_2']} -> {by_name['input_1']}" in expanded
    assert f"{by_name['inner_dense']} -> {by_name['head']}" in expanded


def test_to_file_writes_png_svg_and_dot(tmp_path, siamese):
    plot_model(siamese.model, to_file=tmp_path / "model.png")
    assert (tmp_path / "model.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plot_model(siamese.model, to_file=str(tmp_path / "model.svg"))
    svg = (tmp_path / "model.svg").read_text()
    assert "<svg" in svg and "lstm[1][0]" in svg
    diagram = plot_model(siamese.model, to_file=tmp_path / "model.dot")
    assert (tmp_path / "model.dot").read_text() == diagram.source
    with pytest.raises(ValueError, match=r"extension must be one of .*\.png"):
        plot_model(siamese.model, to_file=tmp_path / "model.bmp")


def test_diagram_displays_as_svg_with_a_stable_text(siamese):
    bundle = plot_model(siamese.model)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]
    assert bundle["text/plain"] == "<Diagram of model: 5 boxes, 5 arrows; DOT text in .source>"


def test_missing_dot_program_explains_how_to_install_it(tmp_path, monkeypatch, siamese):
    monkeypatch.setenv("PATH", str(tmp_path))
    diagram = plot_model(siamese.model)  # drawing needs no `dot`; only rendering does
    with pytest.raises(GraphvizNotFoundError) as caught:
        plot_model(siamese.model, to_file=tmp_path / "model.png")
    message = str(caught.value)
    for hint in (
        "only the Python wrapper",
        "apt-get install graphviz",
        "conda install graphviz",
        "brew install graphviz",
        ".source",
    ):
        assert hint in message
    assert caught.value.source == diagram.source
    assert not (tmp_path / "model.png").exists()
    shown = diagram._repr_mimebundle_()
    assert list(shown) == ["text/plain"]
    assert "apt-get install graphviz" in shown["text/plain"]
    assert diagram.source in shown["text/plain"]


def test_missing_graphviz_package_still_gives_the_source(monkeypatch, siamese):
    monkeypatch.setattr(vis_utils, "graphviz", None)
    with pytest.raises(GraphvizNotFoundError, match="pip install graphviz") as caught:
        plot_model(siamese.model)
    assert caught.value.source.startswith("digraph {")
    assert "lstm[1][0]" in caught.value.source


def test_bad_arguments_are_explained(siamese):
    with pytest.raises(ValueError, match="`rankdir` must be one of"):
        plot_model(siamese.model, rankdir="sideways")
    with pytest.raises(TypeError, match="Expected a Model, a symbolic tensor"):
        plot_model("model")
    with pytest.raises(TypeError, match="Arrays have values but no history"):
        plot_model([siamese.outputs[0], 3.0])


def test_collect_graph_orders_calls_after_their_inputs(siamese):
    graph = collect_graph(siamese.outputs)
    names = [node.layer.name for node in graph.nodes]
    assert names == ["input_1", "lstm", "input_2", "lstm", "concatenate", "dense"]
    assert graph.is_shared(siamese.lstm)
    assert [node.index for node in graph.nodes_of(siamese.lstm)] == [0, 1]
