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
