"""Fuzz: random control values, in random order, never let an exception out of a widget.

Every control of every widget is set to random valid values (sliders
anywhere in their range, any option, any checkbox state), including values
whose wiring Keras rejects. After each change the widget must still render,
say something sensible, and keep a stable repr.

Then hypothesis assigns anything at all through each widget's Python API
(`set`, `select`, `show_one_hot`, log values for LossCurve): out-of-range
numbers, wrong types, NaN, strings, None, misspelt control names. Each
assignment either takes effect, or raises a ValueError/TypeError (never a
bare TraitError) that names the widget, the control and the value received,
and leaves the widget exactly as it was.
"""

import ipywidgets
import numpy as np
import pytest
import traitlets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kerastutor as keras
from kerastutor.layers import LSTM, AveragePooling2D, Conv1D, Conv2D, Dense, Input, MaxPooling2D
from kerastutor.widgets import (
    ConvView,
    EmbeddingLookup,
    LossCurve,
    NodeInspector,
    SequenceView,
    ShapeFlow,
)
from kerastutor.widgets.loss_curve import _finite_runs


def random_value(control, rng):
    if isinstance(control, ipywidgets.Checkbox | ipywidgets.ToggleButton):
        return bool(rng.integers(2))
    if isinstance(control, ipywidgets.IntSlider):
        return int(rng.integers(control.min, control.max + 1))
    if isinstance(control, ipywidgets.Dropdown):
        return (
            control.options[rng.integers(len(control.options))][1]
            if isinstance(control.options[0], tuple)
            else control.options[rng.integers(len(control.options))]
        )
    raise AssertionError(f"no fuzz value for {control!r}")


def test_shape_flow_survives_random_wirings():
    rng = np.random.default_rng(0)

    def wiring(timesteps, features_a, features_b, units, return_sequences, head):
        a = Input(shape=(timesteps, features_a))
        b = Input(shape=(timesteps, features_b))
        shared = LSTM(units, return_sequences=return_sequences)
        merged = keras.layers.concatenate([shared(a), shared(b)])
        if head == "dense":
            return Dense(3)(merged)
        return merged

    flow = ShapeFlow(
        wiring,
        timesteps=(1, 9),
        features_a=(2, 3),
        features_b=(2, 3),
        units=(1, 5),
        return_sequences=False,
        head=["dense", "none"],
    )
    controls = list(flow.control_widgets.values())
    rejected = accepted = 0
    for _ in range(60):
        control = controls[rng.integers(len(controls))]
        control.value = random_value(control, rng)
        values = flow.values
        if values["features_a"] == values["features_b"]:
            assert flow.error is None, flow.error
            accepted += 1
            last = flow.shapes["dense" if values["head"] == "dense" else "concatenate"][0]
            assert last[-1] == (3 if values["head"] == "dense" else 2 * values["units"])
        else:
            assert flow.error["layer"] == "lstm" and flow.error["node"] == 1
            assert f"size {values['features_a']}" in flow.html
            rejected += 1
    assert rejected > 5 and accepted > 5


def test_shape_flow_on_a_model_survives_random_input_sizes(seed003):
    flow = ShapeFlow(seed003.model)
    rng = np.random.default_rng(1)
    built_features = {"input_1_axis_2": 10, "input_2_axis_2": 12}
    rejected = accepted = 0
    for _ in range(40):
        name = list(flow.control_widgets)[rng.integers(4)]
        control = flow.control_widgets[name]
        # Feature axes: half the time the size the LSTMs were built for.
        if name in built_features and rng.random() < 0.5:
            control.value = built_features[name]
        else:
            control.value = random_value(control, rng)
        fits = all(flow.values[k] == v for k, v in built_features.items())
        assert (flow.error is None) == fits
        assert "0x" not in repr(flow) and "Traceback" not in flow.html
        if fits:
            accepted += 1
            timesteps = flow.values["input_2_axis_1"]
            assert flow.shapes["dense"] == [(None, timesteps, 12)]
        else:
            rejected += 1
            assert flow.error["layer"] in ("lstm", "lstm_1") and "kt-rejected" in flow.html
    assert rejected > 5 and accepted > 5


def test_embedding_lookup_survives_random_positions_samples_and_toggles(seed001):
    lookup = EmbeddingLookup(seed001.layer, seed001.input_array)
    controls = [lookup.position_slider, lookup.sample_slider, lookup.one_hot_toggle]
    rng = np.random.default_rng(2)
    for _ in range(40):
        control = controls[rng.integers(len(controls))]
        control.value = random_value(control, rng)
        expected_row = seed001.input_array[lookup.sample_slider.value, lookup.position]
        assert lookup.selected_row == expected_row
        assert f"W[{expected_row}]" in lookup.html and "kt-error" not in lookup.html


def test_sequence_view_survives_random_options(seed003):
    view = SequenceView(seed003.model)
    controls = [
        view.layer_picker,
        view.return_sequences,
        view.return_state,
        view.initial_state,
        view.timesteps,
        view.features,
        view.dense_units,
    ]
    rng = np.random.default_rng(3)
    for _ in range(40):
        control = controls[rng.integers(len(controls))]
        control.value = random_value(control, rng)
        assert "kt-error" not in view.html
        assert len(view.output_shapes) == (3 if view.return_state.value else 1)
        rank = 3 if view.return_sequences.value else 2
        assert len(view.output_shapes[0]) == rank


def test_node_inspector_survives_random_calls_and_selections():
    rng = np.random.default_rng(4)
    lstm = LSTM(4)
    inspector = NodeInspector(lstm)
    lstm(Input(shape=(4, 3)))
    for _ in range(12):
        features = 3 if rng.random() < 0.7 else 5
        try:
            lstm(Input(shape=(int(rng.integers(1, 9)), features)))
        except ValueError:
            assert features == 5 and lstm.built  # Keras rejects it; the inspector is unaffected
        if lstm.inbound_nodes:
            inspector.node_picker.value = random_value(inspector.node_picker, rng)
            assert f"get_input_shape_at({inspector.selected_node})" in inspector.html
    assert repr(inspector).startswith(f"NodeInspector(lstm: {len(lstm.inbound_nodes)} nodes")


def test_conv_view_survives_random_switches_and_cells():
    rng = np.random.default_rng(5)
    conv = Conv2D(3, (4, 2), activation="relu")
    images = rng.normal(size=(2, 3, 5, 2)).astype("float32")
    view = ConvView(conv, images)  # 'valid' cannot fit 4 rows of kernel in 3 rows of image
    controls = list(view.controls.children)
    refused = worked = 0
    for _ in range(60):
        control = controls[rng.integers(len(controls))]
        control.value = random_value(control, rng)
        assert repr(view).startswith(f"ConvView(conv2d: Conv2D, padding={view.padding!r}")
        if max(view.strides) > 1 and max(view.dilation_rate) > 1:
            assert "does not support strides > 1" in view.error and "kt-error" in view.html
            refused += 1
            continue
        if view.padding == "valid":
            assert "its (4, 2) kernel must fit inside" in view.error and "kt-error" in view.html
            refused += 1
            continue
        assert view.error is None and "kt-error" not in view.html
        assert 0 <= view.row < view.output_shape[0] and 0 <= view.col < view.output_shape[1]
        assert abs(view.cell_value - view.engine_value) < 1e-5
        assert "the sum worked out above is equal" in view.html
        worked += 1
    assert refused > 5 and worked > 5


def test_conv_view_of_pooling_layers_survives_random_switches_and_cells():
    rng = np.random.default_rng(6)
    images = -rng.random((2, 5, 4, 3)).astype("float32")  # negative: padding must never win
    for layer in (MaxPooling2D(3), AveragePooling2D((2, 3), strides=1)):
        view = ConvView(layer, images)
        controls = list(view.controls.children)
        for _ in range(30):
            control = controls[rng.integers(len(controls))]
            control.value = random_value(control, rng)
            assert view.error is None and "kt-error" not in view.html
            assert abs(view.cell_value - view.engine_value) < 1e-6
            assert "worked out above is equal" in view.html


def test_conv_view_of_a_conv1d_survives_random_paddings_strides_and_dilations():
    rng = np.random.default_rng(7)
    conv = Conv1D(2, 3, use_bias=False, activation="tanh")
    view = ConvView(conv, rng.normal(size=(2, 9, 3)).astype("float32"))
    controls = list(view.controls.children)
    for _ in range(60):
        control = controls[rng.integers(len(controls))]
        control.value = random_value(control, rng)
        if max(view.strides) > 1 and max(view.dilation_rate) > 1:
            assert "does not support strides > 1" in view.error
            continue
        assert view.error is None and view.bias == 0.0
        assert abs(view.cell_value - np.tanh(view.products_sum)) < 1e-5
        assert abs(view.cell_value - view.engine_value) < 1e-5
        if view.padding == "causal":
            assert max(view.taps) == view.col * view.strides[0]  # never a later step


# ---------------------------------------------------------------- anything, through the API

ANYTHING = st.one_of(
    st.integers(-3, 300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=4),
    st.tuples(st.integers(0, 3), st.integers(0, 3)),
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assign(widget, action, widget_name, name, value):
    """Do `action()`; on refusal, check the error teaches and nothing changed. True if taken."""
    before = (repr(widget), widget.html)
    try:
        action()
    except (ValueError, TypeError) as error:
        assert not isinstance(error, traitlets.TraitError), error
        message = str(error)
        assert message.startswith(widget_name), message
        assert repr(name) in message or f"`{name}`" in message, message
        assert "received" in message or "Did you mean" in message or "no control" in message
        assert (repr(widget), widget.html) == before, "a refused assignment changed the widget"
        return False
    assert "could not be drawn" not in widget.html and "Traceback" not in widget.html
    assert repr(widget).startswith(widget_name)
    return True


@FUZZ
@given(
    st.lists(
        st.tuples(st.sampled_from(["units", "deep", "rate", "activation", "unit", "x"]), ANYTHING),
        max_size=6,
    )
)
def test_shape_flow_takes_or_explains_anything_set_from_code(assignments):
    flow = ShapeFlow(
        lambda units, deep, rate, activation: Dense(units, activation=activation)(
            Input(shape=(3,)) if not deep else Dense(2)(Input(shape=(3,)))
        ),
        units=4,
        deep=False,
        rate=0.5,
        activation="relu",
    )
    for name, value in assignments:
        if assign(
            flow, lambda name=name, value=value: flow.set(**{name: value}), "ShapeFlow", name, value
        ):
            assert flow.values[name] == value
            if name == "activation" and flow.error is not None:  # the engine explains inside
                assert "kt-error" in flow.html


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "layer",
                    "return_sequences",
                    "return_state",
                    "initial_state",
                    "timesteps",
                    "features",
                    "dense_units",
                    "return_sequence",
                    "units",
                ]
            ),
            ANYTHING,
        ),
        max_size=6,
    )
)
def test_sequence_view_takes_or_explains_anything_set_from_code(assignments):
    view = SequenceView(LSTM(3), timesteps=4, features=2)
    for name, value in assignments:
        if assign(
            view,
            lambda name=name, value=value: view.set(**{name: value}),
            "SequenceView",
            name,
            value,
        ):
            assert "kt-error" not in view.html


@FUZZ
@given(
    st.lists(st.tuples(st.sampled_from(["position", "sample", "as one-hot"]), ANYTHING), max_size=6)
)
def test_embedding_lookup_takes_or_explains_anything_set_from_code(assignments):
    lookup = EmbeddingLookup(keras.layers.Embedding(8, 3), [[1, 2, 3, 4], [5, 6, 7, 0]])
    actions = {
        "position": lambda value: lookup.select(value),
        "sample": lambda value: lookup.select(0, sample=value),
        "as one-hot": lambda value: lookup.show_one_hot(value),
    }
    for name, value in assignments:
        if assign(
            lookup,
            lambda name=name, value=value: actions[name](value),
            "EmbeddingLookup",
            name,
            value,
        ):
            assert f"so output[{lookup.position}] = W[{lookup.selected_row}]" in lookup.html


@FUZZ
@given(st.lists(ANYTHING, max_size=6), st.integers(0, 3))
def test_node_inspector_takes_or_explains_any_node_index(values, calls):
    lstm = LSTM(2)
    inspector = NodeInspector(lstm)
    for steps in range(calls):
        lstm(Input(shape=(steps + 1, 2)))
    for value in values:
        if assign(
            inspector, lambda value=value: inspector.select(value), "NodeInspector", "node", value
        ):
            assert inspector.selected_node == value
            assert f"get_input_shape_at({value})" in inspector.html


@FUZZ
@given(
    st.lists(st.tuples(st.sampled_from(["row", "col", "filter", "sample"]), ANYTHING), max_size=6)
)
def test_conv_view_takes_or_explains_any_cell(assignments):
    view = ConvView(Conv2D(2, 3), np.arange(50.0).reshape(2, 5, 5, 1))
    for name, value in assignments:
        if assign(
            view,
            lambda name=name, value=value: view.select(**{name: value}),
            "ConvView",
            name,
            value,
        ):
            assert value is None or getattr(view, name) == value  # None: left as it is
            assert abs(view.cell_value - view.engine_value) < 1e-4


@FUZZ
@given(st.lists(st.one_of(ANYTHING, st.lists(st.floats(), max_size=2)), min_size=1, max_size=8))
def test_loss_curve_keeps_drawing_whatever_is_logged(values):
    curve = LossCurve(metrics=["mae"], display=lambda widget: None)
    curve.on_train_begin()
    for epoch, value in enumerate(values):
        curve.on_train_batch_end(0, {"loss": value})
        curve.on_epoch_end(epoch, {"loss": value, "mae": 0.5})
    assert "kt-error" not in curve.html
    assert (
        repr(curve)
        == f"LossCurve(loss, mae: {len(values)} epoch{'s' * (len(values) != 1)} in 1 fit)"
    )
    runs = _finite_runs(list(enumerate(values, start=1)))
    assert curve.html.count('class="kt-line" data-key="loss"') == len(runs)


@FUZZ
@given(
    st.lists(
        st.tuples(st.sampled_from(["row", "col", "filter", "padding", "strides"]), ANYTHING),
        max_size=6,
    )
)
def test_conv_view_state_set_from_code_is_taken_or_explained(assignments):
    view = ConvView(Conv2D(2, 3), np.arange(25.0).reshape(5, 5, 1))
    for name, value in assignments:
        if assign(
            view, lambda name=name, value=value: setattr(view, name, value), "ConvView", name, value
        ):
            assert getattr(view, name) == value
            assert (view.error is None) != ("kt-error" in view.html)  # refusals explained inside


@pytest.mark.parametrize("values", [[1.634266486238469e308], [1.7e308, -1.7e308], [1e308, 1.0]])
def test_loss_curve_draws_losses_near_floats_limit(values):
    # Hypothesis found it: padding the y axis of a 1.6e308 loss overflowed to inf.
    curve = LossCurve(metrics=["mae"], display=lambda widget: None)
    curve.on_train_begin()
    for epoch, value in enumerate(values):
        curve.on_epoch_end(epoch, {"loss": value, "mae": 0.5})
    assert "kt-error" not in curve.html
    assert 'data-key="loss"' in curve.html
