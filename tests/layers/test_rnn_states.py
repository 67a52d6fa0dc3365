"""A recurrent layer's states as Keras 3 shapes them (rnn_states.py).

What keras-io's "Working with RNNs" guide relies on: `return_state` on
stacked cells gives each cell's states (nested, as Keras), those states
start another call, and a stateful layer's `states` are variables it
updates in place, there from the build on when the batch size is fixed.
The structures below are what Keras 3.15 returns for the same code.
"""

import numpy as np
import pytest

from kerastutor import layers as L
from kerastutor.models import Model

X = np.random.default_rng(3).standard_normal((2, 5, 3)).astype("float32")


def _shapes(result):
    if isinstance(result, (list, tuple)):
        return [_shapes(item) for item in result]
    return tuple(result.shape)


def test_stacked_cells_return_each_cells_states_nested_as_keras():
    rnn = L.RNN([L.LSTMCell(4), L.SimpleRNNCell(2)], return_state=True)
    symbolic = rnn(L.Input(shape=(5, 3)))
    assert _shapes(symbolic) == [(None, 2), [(None, 4), (None, 4)], (None, 2)]
    output, (h_1, c_1), h_2 = rnn(X)
    assert _shapes([output, h_1, c_1, h_2]) == [(2, 2), (2, 4), (2, 4), (2, 2)]
    np.testing.assert_allclose(output, h_2)  # the last cell's output is its state
    assert rnn.compute_output_shape((None, 5, 3)) == [(None, 2), [(None, 4), (None, 4)], (None, 2)]


def test_stacked_states_start_the_next_call_nested_or_flat():
    rnn = L.RNN([L.LSTMCell(4), L.GRUCell(2)], return_state=True)
    first = rnn(X[:, :3])
    _, states_1, states_2 = first
    continued = rnn(X[:, 3:], initial_state=[states_1, states_2])
    flat = rnn(X[:, 3:], initial_state=[*states_1, states_2])
    whole = rnn(X)
    np.testing.assert_allclose(continued[0], whole[0], atol=1e-6)
    np.testing.assert_allclose(flat[0], whole[0], atol=1e-6)


def test_a_model_of_stacked_states_lists_its_outputs_flat_and_predicts_them_nested():
    inputs = L.Input(shape=(5, 3))
    model = Model(inputs, L.RNN([L.LSTMCell(4), L.LSTMCell(2)], return_state=True)(inputs))
    assert [t.shape for t in model.outputs] == [
        (None, 2),
        (None, 4),
        (None, 4),
        (None, 2),
        (None, 2),
    ]
    assert _shapes(model.predict(X, verbose=0)) == [(2, 2), [(2, 4), (2, 4)], [(2, 2), (2, 2)]]


def test_bidirectional_of_stacked_cells_keeps_both_directions_states_nested():
    layer = L.Bidirectional(L.RNN([L.LSTMCell(4), L.SimpleRNNCell(2)], return_state=True))
    per_direction = [[(None, 4), (None, 4)], (None, 2)]
    assert _shapes(layer(L.Input(shape=(5, 3)))) == [(None, 4), *per_direction, *per_direction]
    assert len(layer(X)) == 5


def test_stateful_states_are_variables_the_layer_updates_in_place():
    layer = L.LSTM(3, stateful=True)
    layer(X)
    held = layer.states
    assert [s.name for s in held] == ["lstm/rnn_state", "lstm/rnn_state"]
    assert len(layer.weights) == 3  # the states are not weights
    after_one = held[0].numpy().copy()
    layer(X)
    assert held is layer.states
    assert not np.allclose(held[0].numpy(), after_one)  # the list taken follows the layer
    layer.reset_states()
    assert held is layer.states and not np.any(held[0].numpy()) and not np.any(held[1].numpy())
    np.testing.assert_allclose(layer(X), L.LSTM(3, weights=layer.get_weights())(X), atol=1e-6)


def test_stateful_states_exist_once_the_batch_size_is_fixed():
    unbuilt = L.GRU(3, stateful=True)
    assert unbuilt.states is None
    inputs = L.Input(batch_shape=(2, 5, 3))
    layer = L.GRU(3, stateful=True)
    model = Model(inputs, layer(inputs))
    assert [s.shape for s in layer.states] == [(2, 3)] and not np.any(layer.states[0].numpy())
    first = model.predict(X, batch_size=2, verbose=0)
    np.testing.assert_allclose(layer.states[0].numpy(), first, atol=1e-6)


def test_another_batch_size_after_reset_is_still_refused_with_the_reason():
    layer = L.SimpleRNN(2, stateful=True)
    layer(X)
    layer.reset_states()
    with pytest.raises(ValueError, match=r"batch of 2, received a batch of 1: sample i"):
        layer(X[:1])


def test_nested_inputs_are_refused_with_what_to_do_instead():
    rnn = L.RNN(L.LSTMCell(4))
    with pytest.raises(TypeError, match=r"concatenate their features") as error:
        rnn((L.Input(shape=(None, 3)), L.Input(shape=(None, 2))))
    assert "received a list of 2" in str(error.value)
    assert not rnn.built


def test_get_initial_state_gives_the_zero_states_a_call_starts_from():
    assert [s.shape for s in L.LSTM(3).get_initial_state(2)] == [(2, 3), (2, 3)]
    assert [s.shape for s in L.GRU(3).get_initial_state(batch_size=2)] == [(2, 3)]
    stacked = L.RNN([L.LSTMCell(4), L.GRUCell(2)]).get_initial_state(2)
    assert _shapes(stacked) == [[(2, 4), (2, 4)], (2, 2)] and not np.any(stacked[0][0])


def test_a_failed_first_call_leaves_no_states_for_its_batch():
    class FailsOnce(L.Layer):
        failed = False

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.state_size = 2

        def call(self, inputs, states):
            if not FailsOnce.failed:
                FailsOnce.failed = True
                raise ValueError("the first step fails")
            return states[0] + 1, [states[0] + 1]

    layer = L.RNN(FailsOnce(), stateful=True)
    with pytest.raises(ValueError, match="the first step fails"):
        layer(X)
    layer(X[:1])  # another batch size: the failed call kept nothing
    assert [s.shape for s in layer.states] == [(1, 2)]
    np.testing.assert_allclose(layer.states[0].numpy(), [[5, 5]])
