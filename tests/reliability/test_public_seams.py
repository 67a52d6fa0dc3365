"""Issue 13, item 6: what widgets read, through public seams.

`LayerCallError` (a ValueError) says which layer refused a call, as which
node, on which shapes; `Functional.nodes` and `nodes_of(layer)` list the
graph without private lists.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kerastutor as keras
from kerastutor import layers as L
from kerastutor.engine.errors import LayerCallError
from kerastutor.layers.embedding import EmbeddingIndexError


def test_a_refused_symbolic_call_carries_the_layer_node_and_shapes():
    dense = L.Dense(2)
    dense(keras.Input((3,)))
    with pytest.raises(LayerCallError) as error:
        dense(keras.Input((4,)))
    assert error.value.layer is dense
    assert error.value.node_index == 1
    assert error.value.input_shapes == [(None, 4)]
    assert "as its node 1" in str(error.value)  # the message is the engine's, unchanged


def test_a_refused_eager_call_has_no_node_index():
    conv = L.Conv2D(2, 3)
    with pytest.raises(ValueError) as error:  # `except ValueError` keeps working
        conv(np.ones((2, 5, 5)))
    assert isinstance(error.value, LayerCallError)
    assert error.value.layer is conv and error.value.node_index is None
    assert error.value.input_shapes == [(2, 5, 5)]


def test_a_model_call_names_the_innermost_layer_that_refused():
    inputs = keras.Input((4, 3))
    hidden = L.Dense(5)(inputs)
    model = keras.Model(inputs, L.Flatten()(hidden))
    with pytest.raises(LayerCallError) as error:
        model(np.ones((2, 4)))
    assert error.value.layer is model and error.value.input_shapes == [(2, 4)]


def test_a_merge_layer_refusal_is_a_layer_call_error():
    add = L.Add()
    with pytest.raises(LayerCallError) as error:
        add([keras.Input((3,)), keras.Input((4,))])
    assert error.value.layer is add and error.value.node_index == 0
    assert error.value.input_shapes == [(None, 3), (None, 4)]


def test_a_more_specific_value_error_keeps_its_class_and_gains_the_facts():
    embedding = L.Embedding(3, 2)
    with pytest.raises(EmbeddingIndexError) as error:
        embedding(np.array([[0, 7]]))
    assert error.value.layer is embedding and error.value.input_shapes == [(1, 2)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    units=st.lists(st.integers(1, 5), min_size=1, max_size=4),
    features=st.integers(1, 4),
    wrong=st.integers(5, 9),
)
def test_any_refused_call_of_a_random_stack_names_its_layer(units, features, wrong):
    model = keras.Sequential([keras.Input((features,)), *[L.Dense(u) for u in units]])
    with pytest.raises(LayerCallError) as error:
        model(np.ones((2, wrong)))
    assert error.value.layer in (model, *model.layers)


def test_nodes_lists_every_call_in_run_order():
    inputs = keras.Input((3,))
    shared = L.Dense(3, name="shared")
    once = shared(inputs)
    twice = shared(once)
    model = keras.Model(inputs, L.Dense(1, name="head")(twice))
    layers = [node.layer.name for node in model.nodes]
    assert layers == [model.layers[0].name, "shared", "shared", "head"]
    assert [node.index for node in model.nodes_of(shared)] == [0, 1]
    assert model.nodes_of("head") == [model.nodes[-1]]


def test_nodes_of_a_layer_elsewhere_is_refused_naming_the_model_s_layers():
    model = keras.Sequential([keras.Input((3,)), L.Dense(2, name="d")])
    with pytest.raises(ValueError, match="is not part of model .* whose layers are: .*'d'"):
        model.nodes_of(L.Dense(2, name="other"))


def test_a_node_shared_with_another_model_is_listed_only_there():
    shared = L.Dense(2)
    a = keras.Input((3,))
    b = keras.Input((3,))
    first = keras.Model(a, shared(a))
    keras.Model(b, shared(b))
    assert [node.index for node in first.nodes_of(shared)] == [0]


# ------------------------------------------------------------ trace_shapes


def _lstm_model():
    inputs = keras.Input((10, 8), name="tokens")
    hidden = L.LSTM(4, return_sequences=True, name="lstm")(inputs)
    return keras.Model(inputs, L.Dense(3, name="head")(hidden))


def test_trace_shapes_gives_every_node_s_shapes_without_changing_the_model():
    from snapshot import snapshot

    from kerastutor.engine.shape_trace import trace_shapes

    model = _lstm_model()
    before = snapshot(model)
    steps = trace_shapes(model, [(None, 20, 8)])
    assert [step.node for step in steps] == model.nodes
    assert [step.output_shapes for step in steps] == [
        [(None, 20, 8)],
        [(None, 20, 4)],
        [(None, 20, 3)],
    ]
    assert steps[2].input_shapes == [(None, 20, 4)]
    assert snapshot(model) == before


def test_trace_shapes_refuses_with_the_layer_node_shapes_and_the_steps_before():
    from kerastutor.engine.shape_trace import trace_shapes

    model = _lstm_model()
    with pytest.raises(LayerCallError) as error:
        trace_shapes(model, [(None, 10, 5)])
    assert error.value.layer is model.get_layer("lstm") and error.value.node_index == 0
    assert error.value.input_shapes == [(None, 10, 5)]
    assert [step.node.layer.name for step in error.value.traced] == ["tokens"]
    assert "as its node 0" in str(error.value)


def test_compute_output_shape_checks_each_layer_as_a_real_call_would():
    # (Keras 3 runs each layer's call symbolically here; the wrong size used to pass.)
    model = _lstm_model()
    assert model.compute_output_shape((None, 20, 8)) == (None, 20, 3)
    with pytest.raises(LayerCallError, match="'lstm'") as error:
        model.compute_output_shape((None, 20, 5))
    assert error.value.layer is model.get_layer("lstm")


def test_a_type_error_of_a_layer_call_carries_the_facts_too():
    dense = L.Dense(2)
    with pytest.raises(TypeError) as error:
        dense([keras.Input((3,)), np.ones((2, 3))])
    assert error.value.layer is dense and error.value.node_index == 0


def test_a_refusal_inside_a_model_names_the_innermost_layer():
    embedding = L.Embedding(3, 2)
    model = keras.Sequential([keras.Input((2,)), embedding])
    with pytest.raises(EmbeddingIndexError) as error:
        model(np.array([[0, 7]]))
    assert error.value.layer is embedding


# ------------------------------------------------------------ widgets on the seams


def test_shape_flow_state_is_traits_computed_from_the_engine_s_trace(monkeypatch):
    from kerastutor.widgets import ShapeFlow, shape_flow

    calls = []
    real = shape_flow.trace_shapes
    monkeypatch.setattr(shape_flow, "trace_shapes", lambda *a: calls.append(a[1]) or real(*a))
    model = _lstm_model()
    flow = ShapeFlow(model)
    assert {"rows", "shapes", "error", "changed", "last_good_rows"} <= set(flow.trait_names())
    seen = []
    flow.observe(lambda change: seen.append(change["name"]), names=["shapes", "error"])
    flow.set(tokens_axis_1=12)
    assert calls == [[(None, 10, 8)], [(None, 12, 8)]]
    assert flow.shapes["head"] == [(None, 12, 3)] and flow.changed == {"tokens", "lstm", "head"}
    assert "shapes" in seen
    flow.set(tokens_axis_2=5)  # the LSTM was built on 8 features
    assert flow.error["layer"] == "lstm" and flow.error["node"] == 0
    assert flow.error["input_shapes"] == [(None, 12, 5)]
    assert [row["layer"] for row in flow.rows] == ["tokens", "lstm"] and flow.rows[-1]["rejected"]


def test_shape_flow_finds_the_refusing_call_from_the_error_not_the_stack():
    from kerastutor.widgets import ShapeFlow

    def wiring(features):
        x = keras.Input((4, features))
        shared = L.Dense(3, name="shared")
        y = shared(x)
        return shared(L.Flatten()(y))  # 12 features into a kernel built for `features`

    flow = ShapeFlow(wiring, features=5)
    assert flow.error["layer"] == "shared" and flow.error["node"] == 1
    assert flow.error["input_shapes"] == [(None, 12)]
    assert flow.rows[-1]["rejected"]


def test_sequence_view_reads_consumers_through_outbound_nodes():
    from kerastutor.widgets import SequenceView

    lstm = L.LSTM(4, return_sequences=True)
    hidden = lstm(keras.Input((6, 3)))
    dense = L.Dense(7)
    dense(hidden)
    assert [node.layer for node in lstm.outbound_nodes] == [dense]
    assert SequenceView(lstm).dense_units.value == 7


@pytest.mark.parametrize("features, timesteps", [(3, 5), (12, 7), (300, 40)])
def test_sequence_view_sliders_reach_four_times_the_layer_s_own_values(features, timesteps):
    from kerastutor.widgets import SequenceView

    view = SequenceView(L.LSTM(4), timesteps=timesteps, features=features)
    assert view.features.max == max(4 * features, 8) and view.features.value == features
    assert view.timesteps.max == max(4 * timesteps, 8)
    assert view.features.value / view.features.max >= 0.25 or view.features.max == 8
