"""Nodes: one per call, counted 0, 1, 2, ..., and the node API with its errors."""

import numpy as np
import pytest

from kerastutor.engine.keras_tensor import KerasHistory
from kerastutor.engine.node import Node
from kerastutor.layers import LSTM, Dense, Embedding, Input

GETTERS = {
    "get_input_at": "input",
    "get_output_at": "output",
    "get_input_shape_at": "input shape",
    "get_output_shape_at": "output shape",
    "get_input_mask_at": "input mask",
    "get_output_mask_at": "output mask",
}


def three_calls():
    """A Dense called on three inputs of different lengths."""
    dense = Dense(4)
    inputs = [Input((2, 3)), Input((5, 3)), Input((3,))]
    outputs = [dense(x) for x in inputs]
    return dense, inputs, outputs


def test_node_indices_count_the_calls():
    dense, inputs, outputs = three_calls()
    assert [node.index for node in dense.inbound_nodes] == [0, 1, 2]
    assert all(isinstance(node, Node) for node in dense.inbound_nodes)
    for i, (x, y) in enumerate(zip(inputs, outputs, strict=True)):
        assert y._keras_history == KerasHistory(dense, i, 0)
        assert y.name == f"dense[{i}][0]"
        assert y.node is dense.inbound_nodes[i]
        assert dense.inbound_nodes[i].input_tensors == [x]
        assert dense.inbound_nodes[i].output_tensors == [y]


def test_eager_calls_add_no_nodes():
    dense, _, _ = three_calls()
    dense(np.ones((2, 3)))
    assert len(dense.inbound_nodes) == 3


def test_node_getters_return_each_call():
    dense, inputs, outputs = three_calls()
    for i in range(3):
        assert dense.get_input_at(i) is inputs[i]
        assert dense.get_output_at(i) is outputs[i]
        assert dense.get_input_mask_at(i) is None
        assert dense.get_output_mask_at(i) is None
    assert [dense.get_input_shape_at(i) for i in range(3)] == [
        (None, 2, 3),
        (None, 5, 3),
        (None, 3),
    ]
    assert [dense.get_output_shape_at(i) for i in range(3)] == [
        (None, 2, 4),
        (None, 5, 4),
        (None, 4),
    ]


def test_negative_node_index_counts_from_the_last_call_as_in_keras():
    dense, _, outputs = three_calls()
    assert dense.get_output_at(-1) is outputs[2]
    assert dense.get_output_at(-3) is outputs[0]
    with pytest.raises(ValueError, match="Asked to get output at node -4"):
        dense.get_output_at(-4)


@pytest.mark.parametrize("getter", GETTERS)
def test_out_of_range_node_index(getter):
    dense = Dense(2)
    dense(Input((3,)))
    dense(Input((3,)))
    with pytest.raises(ValueError) as error:
        getattr(dense, getter)(5)
    assert str(error.value) == (
        f"Asked to get {GETTERS[getter]} at node 5, but the layer has only 2 inbound nodes."
    )


@pytest.mark.parametrize("getter", GETTERS)
def test_node_getters_on_a_layer_never_called(getter):
    dense = Dense(2)
    dense(np.ones((1, 3)))  # eager: builds, but records no node
    with pytest.raises(RuntimeError) as error:
        getattr(dense, getter)(0)
    assert str(error.value) == (
        f"The layer 'dense' has never been called and thus has no defined {GETTERS[getter]}."
    )


def test_node_index_must_be_an_integer():
    dense = Dense(2)
    dense(Input((3,)))
    with pytest.raises(TypeError) as error:
        dense.get_output_at("0")
    assert str(error.value) == (
        "`node_index` must be an integer (0 for the first call of the layer, 1 for the second, "
        "...), received '0' of type str."
    )
    with pytest.raises(TypeError, match="received True of type bool"):
        dense.get_output_at(True)


def test_properties_with_one_node():
    dense = Dense(2)
    x = Input((3,))
    y = dense(x)
    assert dense.input is x
    assert dense.output is y
    assert dense.input_mask is None
    assert dense.output_mask is None
    assert dense.input_shape == (None, 3)
    assert dense.output_shape == (None, 2)


@pytest.mark.parametrize(
    ("attribute", "getter"),
    [
        ("input", "get_input_at"),
        ("output", "get_output_at"),
        ("input_mask", "get_input_mask_at"),
        ("output_mask", "get_output_mask_at"),
    ],
)
def test_properties_with_several_nodes_raise_the_keras_2_error(attribute, getter):
    dense = Dense(2, name="lstm_1")
    dense(Input((3,)))
    dense(Input((3,)))
    with pytest.raises(AttributeError) as error:
        getattr(dense, attribute)
    words = attribute.replace("_", " ")
    keras_2 = (
        f'Layer lstm_1 has multiple inbound nodes, hence the notion of "layer {words}" is '
        f"ill-defined. Use `{getter}(node_index)` instead."
    )
    message = str(error.value)
    assert message.startswith(keras_2)
    tail = message[len(keras_2) :]
    assert "Keras 3" in tail and "node 0" in tail


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        ("input", "Layer dense is not connected, no input to return."),
        ("output", "Layer dense has no inbound nodes."),
        ("input_mask", "Layer dense is not connected."),
        ("output_mask", "Layer dense is not connected."),
        (
            "input_shape",
            "The layer dense has never been called and thus has no defined input shape.",
        ),
        (
            "output_shape",
            "The layer dense has never been called and thus has no defined output shape.",
        ),
    ],
)
def test_properties_of_a_layer_never_called(attribute, message):
    dense = Dense(2)
    with pytest.raises(AttributeError) as error:
        getattr(dense, attribute)
    assert str(error.value) == message


def test_shape_properties_work_while_all_nodes_agree():
    lstm = LSTM(8)
    lstm(Input((280, 128)))
    lstm(Input((280, 128)))
    assert lstm.input_shape == (None, 280, 128)
    assert lstm.output_shape == (None, 8)
    lstm(Input((250, 128)))
    assert lstm.output_shape == (None, 8)  # outputs still agree
    with pytest.raises(AttributeError) as error:
        lstm.input_shape  # noqa: B018
    message = str(error.value)
    assert "multiple inbound nodes, with different input shapes" in message
    assert "get_input_shape_at(node_index)" in message


def test_masks_per_node():
    embedding = Embedding(10, 4, mask_zero=True)
    lstm = LSTM(3)
    x = Input((None,), dtype="int32")
    y = lstm(embedding(x))
    assert embedding.get_input_mask_at(0) is None
    mask = embedding.get_output_mask_at(0)
    assert mask is not None
    assert mask.shape == (None, None)
    assert lstm.get_input_mask_at(0) is mask
    assert lstm.get_output_mask_at(0) is None  # return_sequences=False drops the time axis
    assert y._keras_mask is None


def test_node_records_keyword_tensors_and_parent_nodes():
    encoder = LSTM(4, return_state=True)
    _, h, c = encoder(Input((5, 3)))
    decoder = LSTM(4, return_sequences=True)
    x = Input((None, 2))
    decoder(x, initial_state=[h, c])
    node = decoder.inbound_nodes[0]
    assert node.input_tensors == [x, h, c]
    assert node.input_shapes == [(None, None, 2), (None, 4), (None, 4)]
    assert [n.layer for n in node.parent_nodes] == [x._keras_history.layer, encoder, encoder]
    assert node.describe_inputs() == ["input_2[0][0]", "lstm[0][1]", "lstm[0][2]"]
    assert encoder._outbound_nodes == [node, node]


def test_symbolic_tensors_compare_by_identity_and_refuse_truth_values():
    dense = Dense(2)
    x = Input((3,))
    first, second = dense(x), dense(x)
    assert first == first
    assert not (first == second)
    assert first != second
    with pytest.raises(TypeError, match="no truth value"):
        bool(first)
    with pytest.raises(TypeError, match="no values yet"):
        np.asarray(first)


def test_a_history_is_spelt_layer_node_tensor_everywhere():
    lstm = LSTM(3, return_state=True, name="enc")
    lstm(Input((4, 2), name="first"))
    _, h, c = lstm(Input((5, 2), name="second"))
    assert str(h._keras_history) == "enc[1][1]" == h.name
    assert str(KerasHistory(lstm, 1, 2)) == "enc[1][2]" == c.name
    assert lstm.inbound_nodes[1].describe_inputs() == ["second[0][0]"]
