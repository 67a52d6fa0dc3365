"""The functional-API guide's shared vision model (Keras issue #11492): both calls, both shapes.

The guide wraps Conv2D, Conv2D, MaxPooling2D and Flatten as a Model and
calls it on two digit images, so one set of weights reads both. Keras's
summary lists that model once with one output shape; kerastutor's summary
and plot_model show both of its nodes, each with its input and output shape.
"""

import re
import types

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import layers
from kerastutor.utils import plot_model
from kerastutor.widgets import ConvView


@pytest.fixture
def shared_vision():
    """The guide's code with only the imports changed."""
    digit_input = keras.Input(shape=(27, 27, 1))
    x = layers.Conv2D(64, (3, 3))(digit_input)
    x = layers.Conv2D(64, (3, 3))(x)
    x = layers.MaxPooling2D((2, 2))(x)
    out = layers.Flatten()(x)
    vision_model = keras.Model(digit_input, out)

    digit_a = keras.Input(shape=(27, 27, 1))
    digit_b = keras.Input(shape=(27, 27, 1))
    out_a = vision_model(digit_a)
    out_b = vision_model(digit_b)
    concatenated = layers.concatenate([out_a, out_b])
    out = layers.Dense(1, activation="sigmoid")(concatenated)
    classification_model = keras.Model([digit_a, digit_b], out)
    return types.SimpleNamespace(vision=vision_model, model=classification_model)


# Parameter counts as real Keras 3 reports them for this model.
VISION_PARAMS = 640 + 36928
FEATURES = 11 * 11 * 64  # MaxPooling2D((2, 2)) takes 23 x 23 down to 11 x 11


def summary_lines(model):
    lines = []
    model.summary(print_fn=lines.append)
    return lines


def row(lines, start):
    """The summary line that starts with `start`, split into its columns."""
    matches = [line for line in lines if line.startswith(start)]
    assert len(matches) == 1, (start, lines)
    # Columns are 2+ spaces apart, or one space when a long name fills its column.
    return re.split(r"\s{2,}|(?<=\)) (?=\()", matches[0].strip())


def test_summary_lists_both_calls_of_the_vision_model_with_their_shapes(shared_vision):
    lines = summary_lines(shared_vision.model)
    assert row(lines, "model (Functional) node 0") == [
        "model (Functional) node 0",
        f"(None, {FEATURES})",
        str(VISION_PARAMS),
        "input_2[0][0]",
    ]
    assert row(lines, "model (Functional) node 1") == [
        "model (Functional) node 1",
        f"(None, {FEATURES})",
        "(shared)",
        "input_3[0][0]",
    ]
    assert f"Shared layer model: 2 nodes, one set of {VISION_PARAMS:,} weights." in lines
    for node in (0, 1):
        assert f"  node {node}: (None, 27, 27, 1) -> (None, {FEATURES})" in lines
    assert f"Total params: {53057:,}" in lines  # Keras: 37,568 + Dense(1) on 15,488 inputs


def test_summary_of_the_vision_model_itself_shows_each_layer(shared_vision):
    lines = summary_lines(shared_vision.vision)
    assert row(lines, "conv2d (Conv2D)")[1:] == ["(None, 25, 25, 64)", "640"]
    assert row(lines, "conv2d_1 (Conv2D)")[1:] == ["(None, 23, 23, 64)", "36928"]
    assert row(lines, "max_pooling2d (MaxPooling2D)")[1:] == ["(None, 11, 11, 64)", "0"]
    assert row(lines, "flatten (Flatten)")[1:] == [f"(None, {FEATURES})", "0"]
    assert f"Total params: {VISION_PARAMS:,}" in lines


def test_the_node_api_gives_each_calls_shapes(shared_vision):
    vision = shared_vision.vision
    assert [vision.get_input_shape_at(i) for i in (0, 1)] == [(None, 27, 27, 1)] * 2
    assert [vision.get_output_shape_at(i) for i in (0, 1)] == [(None, FEATURES)] * 2


def test_plot_model_draws_one_vision_box_with_both_nodes(shared_vision):
    source = plot_model(shared_vision.model, show_shapes=True).source
    box = re.search(r"\[label=<(<table.*?<b>model</b>.*?</table>)>\]", source).group(1)
    node_rows = re.findall(r"<tr><td bgcolor=\"[^\"]+\">(\d)</td><td>(.*?)</td><td>(.*?)</td>", box)
    assert node_rows == [
        ("0", "(None, 27, 27, 1)", f"(None, {FEATURES})"),
        ("1", "(None, 27, 27, 1)", f"(None, {FEATURES})"),
    ]
    assert f"shared: 2 calls, one set of weights ({VISION_PARAMS:,} params)" in box
    assert source.count("<b>model</b>") == 1
    labels = re.findall(r'-> \w+ \[label="([^"]*)"', source)
    assert labels == [
        "input_2[0][0] \u2192 node 0\\n(None, 27, 27, 1)",
        "input_3[0][0] \u2192 node 1\\n(None, 27, 27, 1)",
        f"model[0][0]\\n(None, {FEATURES})",
        f"model[1][0]\\n(None, {FEATURES})",
        f"concatenate[0][0]\\n(None, {2 * FEATURES})",
    ]


def test_expanded_plot_shows_the_layers_inside_and_both_calls_entering(shared_vision):
    source = plot_model(shared_vision.model, show_shapes=True, expand_nested=True).source
    assert "subgraph cluster_" in source and "<b>model</b> (Functional)" in source
    for name, shape in [
        ("conv2d", "(None, 25, 25, 64)"),
        ("conv2d_1", "(None, 23, 23, 64)"),
        ("max_pooling2d", "(None, 11, 11, 64)"),
        ("flatten", f"(None, {FEATURES})"),
    ]:
        assert re.search(
            rf"<b>{name}</b> \(\w+\).*?<td>{re.escape(shape)}</td></tr></table>", source
        )
    # Both digits enter the same inner input, each call in its own colour.
    assert re.search(r'label="input_2\[0\]\[0\] \u2192 node 0[^"]*" color="#1f77b4"', source)
    assert re.search(r'label="input_3\[0\]\[0\] \u2192 node 1[^"]*" color="#d62728"', source)


def test_conv_view_of_the_shared_conv_reads_both_digits_with_one_kernel(shared_vision):
    conv = shared_vision.vision.layers[1]
    digits = np.random.default_rng(0).random((2, 27, 27, 1)).astype("float32")
    conv_outputs = keras.Model(shared_vision.vision.inputs, conv.output).predict(digits, verbose=0)
    view = ConvView(conv, digits)
    for sample in (0, 1):  # digit a and digit b: the same kernel_window, different windows
        view.select(row=12, col=7, filter=63, sample=sample)
        np.testing.assert_array_equal(view.kernel_window, conv.get_weights()[0][..., 63])
        assert view.cell_value == pytest.approx(conv_outputs[sample, 12, 7, 63], abs=1e-5)
