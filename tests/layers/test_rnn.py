"""The RNN base and Keras's RNN(cell): user cells, stacked cells, states, masks, errors."""

import numpy as np
import pytest

from kerastutor import initializers, ops
from kerastutor import layers as L
from kerastutor.layers.rnn import fused_kernels
from kerastutor.models import Model, Sequential


class SumCell(L.Layer):
    """h_t = x_t @ ones + h @ ones: easy to follow by hand."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel", shape=(input_shape[-1], self.units), initializer="ones"
        )
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel", shape=(self.units, self.units), initializer="ones"
        )

    def call(self, inputs, states):
        h = ops.add(ops.matmul(inputs, self.kernel), ops.matmul(states[0], self.recurrent_kernel))
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class PairCell(SumCell):
    """Two states a, b (both x @ ones + a @ ones); the output is a + b."""

    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.state_size = [units, units]
        self.output_size = units

    def call(self, inputs, states):
        x_share = ops.matmul(inputs, self.kernel)
        a = ops.add(x_share, ops.matmul(states[0], self.recurrent_kernel))
        b = ops.add(x_share, ops.matmul(states[0], self.recurrent_kernel))
        return ops.add(a, b), [a, b]


ONES = np.ones((1, 2, 3), "float32")


def test_a_user_cell_runs_over_time():
    # Step 1: 3 = x @ ones; step 2: 3 + (3 + 3) = 9.
    np.testing.assert_allclose(L.RNN(SumCell(2))(ONES), [[9, 9]])
    np.testing.assert_allclose(L.RNN(SumCell(2), return_sequences=True)(ONES), [[[3, 3], [9, 9]]])
    output, h = L.RNN(SumCell(2), return_state=True)(ONES)
    np.testing.assert_allclose(output, [[9, 9]])
    np.testing.assert_allclose(h, [[9, 9]])


def test_a_cell_with_two_states():
    output, a, b = L.RNN(PairCell(2), return_sequences=True, return_state=True)(ONES)
    np.testing.assert_allclose(output, [[[6, 6], [18, 18]]])
    np.testing.assert_allclose(a, [[9, 9]])
    np.testing.assert_allclose(b, [[9, 9]])


def test_initial_state_single_array_or_list():
    x, h0 = np.ones((2, 3, 2)), np.ones((2, 2))
    # 2 + 2 = 4, 2 + 8 = 10, 2 + 20 = 22
    np.testing.assert_allclose(L.RNN(SumCell(2))(x, initial_state=h0), np.full((2, 2), 22))
    np.testing.assert_allclose(L.RNN(SumCell(2))(x, initial_state=[h0]), np.full((2, 2), 22))
    output, a, b = L.RNN(PairCell(2), return_state=True)(x, initial_state=[h0, h0])
    np.testing.assert_allclose(output, np.full((2, 2), 44))
    np.testing.assert_allclose(a, np.full((2, 2), 22))


def test_stateful_carries_the_states_to_the_next_call_until_reset():
    layer = L.RNN(SumCell(2), stateful=True, return_state=True)
    layer(ONES)
    output, h = layer(ONES)  # starts from 9: 3 + 18 = 21, 3 + 42 = 45
    np.testing.assert_allclose(output, [[45, 45]])
    np.testing.assert_allclose(h, [[45, 45]])
    layer.reset_states()
    np.testing.assert_allclose(layer(ONES)[0], [[9, 9]])
    two = L.RNN(PairCell(2), stateful=True)
    two(ONES)
    np.testing.assert_allclose(two(ONES), [[90, 90]])
    assert layer.get_config()["stateful"] is True and len(layer.weights) == 2


def test_stateful_refuses_another_batch_size():
    layer = L.LSTM(2, stateful=True)
    layer(np.ones((4, 3, 2)))
    with pytest.raises(ValueError, match=r"batch of 4, received a batch of 1"):
        layer(np.ones((1, 3, 2)))
    with pytest.raises(ValueError, match="batch size must be fixed"):
        L.GRU(2, stateful=True)(L.Input(shape=(3, 2)))


def test_go_backwards_reads_from_the_last_step():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    # Reading backwards: 38, 22 + 76 = 98, 6 + 196 = 202 (first sample).
    np.testing.assert_allclose(L.RNN(SumCell(2), go_backwards=True)(x), [[202, 202], [538, 538]])


def test_masked_steps_repeat_the_output_and_keep_the_state():
    x = np.arange(24, dtype="float32").reshape(2, 4, 3)
    mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool)
    expected = [
        [[3, 3], [18, 18], [57, 57], [57, 57]],
        [[39, 39], [126, 126], [126, 126], [126, 126]],
    ]
    for unroll in (False, True):
        layer = L.RNN(SumCell(2), return_sequences=True, unroll=unroll)
        np.testing.assert_allclose(layer(x, mask=mask), expected)
        np.testing.assert_allclose(L.RNN(SumCell(2))(x, mask=mask), [[57, 57], [126, 126]])
    zeros = L.RNN(SumCell(2), return_sequences=True, zero_output_for_mask=True)(x, mask=mask)
    np.testing.assert_allclose(zeros[0, 3], [0, 0])
    np.testing.assert_allclose(zeros[1, 2:], 0)


def test_rnn_of_a_layer_cell_equals_the_layer():
    x = np.random.default_rng(0).standard_normal((3, 5, 4)).astype("float32")
    for layer, cell in [
        (L.LSTM(3, return_sequences=True), L.LSTMCell(3)),
        (L.GRU(3, return_sequences=True), L.GRUCell(3)),
        (L.GRU(3, return_sequences=True, reset_after=False), L.GRUCell(3, reset_after=False)),
        (L.SimpleRNN(3, return_sequences=True), L.SimpleRNNCell(3)),
    ]:
        rnn = L.RNN(cell, return_sequences=True)
        rnn(x)
        layer(x)
        rnn.set_weights(layer.get_weights())
        np.testing.assert_allclose(rnn(x), layer(x), atol=1e-6)


def test_stacked_cells_equal_stacked_layers():
    x = np.random.default_rng(1).standard_normal((2, 4, 3)).astype("float32")
    first, second = L.GRU(4, return_sequences=True), L.LSTM(2)
    expected = second(first(x))
    rnn = L.RNN([L.GRUCell(4), L.LSTMCell(2)])
    rnn(x)
    rnn.set_weights(first.get_weights() + second.get_weights())
    np.testing.assert_allclose(rnn(x), expected, atol=1e-6)
    assert isinstance(rnn.cell, L.StackedRNNCells)
    assert rnn.state_size == [4, [2, 2]]
    # As Keras 3: the output, then each cell's states (the LSTM's [h, c] as a list).
    output, h1, (h2, c2) = L.RNN(rnn.cell, return_state=True)(x)
    np.testing.assert_allclose(output, h2)
    assert h1.shape == (2, 4) and c2.shape == (2, 2)


def test_cell_weights_names_and_counts_match_keras():
    rnn = L.RNN(L.StackedRNNCells([L.GRUCell(3), L.SimpleRNNCell(2)]))
    rnn(L.Input(shape=(5, 3)))
    assert [w.shape for w in rnn.weights] == [(3, 9), (3, 9), (2, 9), (3, 2), (2, 2), (2,)]
    assert [w.name for w in rnn.weights][:1] == ["gru_cell/kernel"]
    assert rnn.count_params() == 84  # Keras 3.15 says the same


def test_config_round_trip_with_a_user_cell():
    layer = L.RNN(PairCell(2, name="pair"), return_sequences=True, go_backwards=True)
    config = layer.get_config()
    assert config["cell"] == {
        "class_name": "PairCell",
        "config": PairCell(2, name="pair").get_config(),
    }
    clone = L.RNN.from_config(config, custom_objects={"PairCell": PairCell})
    assert clone.get_config() == config
    stacked = L.RNN([L.GRUCell(2), L.LSTMCell(3, dropout=0.5)])
    clone = L.RNN.from_config(stacked.get_config())
    assert clone.get_config() == stacked.get_config()


def test_rnn_in_models_and_sequential():
    x = L.Input(shape=(None, 3))
    model = Model(x, L.Dense(1)(L.RNN(L.LSTMCell(4))(x)))
    assert model.predict(np.zeros((2, 5, 3))).shape == (2, 1)
    clone = Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    data = np.random.default_rng(2).standard_normal((2, 5, 3))
    np.testing.assert_allclose(clone.predict(data), model.predict(data), atol=1e-6)
    sequential = Sequential([L.GRU(3, input_shape=(4, 2), return_sequences=True), L.SimpleRNN(2)])
    assert sequential.output_shape == (None, 2)


def test_fused_kernels_switch_gives_the_same_numbers():
    x = np.random.default_rng(3).standard_normal((2, 6, 3)).astype("float32")
    for layer in (L.LSTM(4, return_state=True), L.GRU(4, return_state=True)):
        fast = layer(x)
        with fused_kernels(False):
            readable = layer(x)
        for a, b in zip(fast, readable, strict=True):
            np.testing.assert_allclose(a, b, atol=1e-6)


def test_dropout_only_in_training_with_masks_fixed_along_the_sequence():
    x = np.ones((4, 5, 3), "float32")
    layer = L.SimpleRNN(6, dropout=0.5, seed=0, kernel_initializer="ones", use_bias=False)
    layer.build((None, 5, 3))
    layer.recurrent_kernel.assign(np.zeros((6, 6)))
    np.testing.assert_array_equal(layer(x), layer(x))  # inference is deterministic
    sequence = L.SimpleRNN(
        6, dropout=0.5, seed=0, kernel_initializer="ones", use_bias=False, return_sequences=True
    )
    sequence.build((None, 5, 3))
    sequence.recurrent_kernel.assign(np.zeros((6, 6)))
    out = sequence(x, training=True)
    # h_t = tanh(dropped(x_t) @ ones): one mask per sequence, so every step is the same ...
    np.testing.assert_array_equal(out, np.repeat(out[:, :1], 5, axis=1))
    # ... kept features are scaled by 2, so h is tanh(2k) for k kept features of 3.
    assert set(np.round(np.arctanh(out[:, 0, 0]) / 2).astype(int)) <= {0, 1, 2, 3}
    assert not np.allclose(out, sequence(x))  # inference: no dropout
    second = sequence(x, training=True)
    assert not np.array_equal(out, second)  # a new mask for the next batch


# ------------------------------------------------------------ errors


def test_a_cell_without_state_size_is_explained():
    class NoState(L.Layer):
        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ValueError, match=r"has no `state_size` attribute.*self.state_size"):
        L.RNN(NoState())
    with pytest.raises(ValueError, match="`call"):
        L.RNN(object())


def test_wrong_number_of_initial_states_names_layer_and_node():
    x = L.Input(shape=(5, 3))
    gru = L.GRU(4, name="gru")
    with pytest.raises(ValueError) as info:
        gru(x, initial_state=[L.Input(shape=(4,)), L.Input(shape=(4,))])
    message = str(info.value)
    assert "'gru' (GRU)" in message and "node 0" in message and "one state [h]" in message
    assert not gru.built and gru.inbound_nodes == []
    with pytest.raises(ValueError, match=r"two states \[h, c\]"):
        L.LSTM(4)(np.zeros((2, 5, 3)), initial_state=[np.zeros((2, 4))])
    with pytest.raises(ValueError, match=r"2 states \[state_0, state_1\]|two states"):
        L.RNN(PairCell(2))(np.zeros((2, 5, 3)), initial_state=[np.zeros((2, 2))])


def test_wrong_initial_state_shape_builds_nothing():
    layer = L.SimpleRNN(4, name="simple")
    with pytest.raises(ValueError) as info:
        layer(np.zeros((2, 5, 3)), initial_state=[np.zeros((2, 3))])
    message = str(info.value)
    assert "'simple'" in message and "concrete data" in message
    assert "(2, 4)" in message and "found (2, 3)" in message
    assert not layer.built and layer.weights == []


def test_mask_of_the_wrong_shape_names_layer_and_node():
    gru = L.GRU(2, name="g")
    with pytest.raises(ValueError) as info:
        gru(np.zeros((2, 5, 1)), mask=np.ones((2, 4), bool))
    assert "'g' (GRU)" in str(info.value) and "(2, 4)" in str(info.value)
    assert "(2, 5)" in str(info.value) and not gru.built
    x = L.Input(shape=(5, 1))
    with pytest.raises(ValueError, match=r"node 0.*mask of shape \(None, 6\)"):
        gru(x, mask=L.Input(shape=(6,), dtype="bool"))
    assert gru.inbound_nodes == []


def test_rank_and_options_are_checked():
    with pytest.raises(ValueError, match="GRU reads a sequence"):
        L.GRU(2)(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="`units` of SimpleRNN"):
        L.SimpleRNN(0)
    with pytest.raises(ValueError, match="`dropout`.*1.5"):
        L.GRU(2, dropout=1.5)
    with pytest.raises(TypeError, match="`reset_after`"):
        L.GRU(2, reset_after="yes")
    with pytest.raises(TypeError, match="`stateful`"):
        L.RNN(SumCell(2), stateful=1)
    with pytest.raises(TypeError, match="Keyword argument not understood"):
        L.LSTMCell(2, return_sequences=True)


# ------------------------------------------------------------ numbers from Keras
# Keras 3.15 with constant initializers (kernel 0.01, recurrent 0.02, bias
# 0.03), so every unit has the same value: one number per sample (and step).

KERAS_CONSTANT = {
    "gru": [[0.115273, 0.20725, 0.293596]],
    "gru_before_back": [[0.051995, 0.147865, 0.239251]],
    "gru_mask_seq": [
        [
            [0.024876, 0.045561, 0.045561, 0.071437, 0.092698, 0.111489],
            [0.067622, 0.067622, 0.067622, 0.124802, 0.163491, 0.163491],
            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ]
    ],
    "lstm_mask_state": [
        [0.07539, 0.120757, 0.0],
        [0.07539, 0.120757, 0.0],
        [0.143344, 0.223337, 0.0],
    ],
    "simple_back_seq": [
        [
            [0.115482, 0.104239, 0.087942, 0.071396, 0.054801, 0.038173],
            [0.20888, 0.201557, 0.185876, 0.169775, 0.153566, 0.137271],
            [0.298617, 0.294918, 0.280106, 0.264745, 0.249228, 0.233577],
        ]
    ],
    "stacked_ones_mask": [[0.849815, 0.783453, 0.0]],
    "gru_stateful_second": [[0.117191, 0.212035, 0.302958]],
    "gru_stateful_reset": [[0.114447, 0.205621, 0.291326]],
}
SEQUENCE = np.arange(72, dtype="float32").reshape(3, 6, 4) / 10
KERAS_MASK = np.array([[1, 1, 0, 1, 1, 1], [1, 0, 0, 1, 1, 0], [0, 0, 0, 0, 0, 0]], bool)


def _constant(**kwargs):
    return dict(
        kernel_initializer=initializers.Constant(0.01),
        recurrent_initializer=initializers.Constant(0.02),
        bias_initializer=initializers.Constant(0.03),
        **kwargs,
    )


def _ones_cell():
    return L.LSTMCell(1, kernel_initializer="ones", recurrent_initializer="ones")


@pytest.mark.parametrize(
    "name, make, kwargs",
    [
        ("gru", lambda: L.GRU(3, **_constant()), {}),
        (
            "gru_before_back",
            lambda: L.GRU(3, reset_after=False, go_backwards=True, **_constant()),
            {},
        ),
        (
            "gru_mask_seq",
            lambda: L.GRU(2, return_sequences=True, **_constant()),
            {"mask": KERAS_MASK},
        ),
        (
            "lstm_mask_state",
            lambda: L.LSTM(2, return_state=True, **_constant()),
            {"mask": KERAS_MASK},
        ),
        (
            "simple_back_seq",
            lambda: L.SimpleRNN(2, go_backwards=True, return_sequences=True, **_constant()),
            {},
        ),
        ("stacked_ones_mask", lambda: L.RNN([_ones_cell(), _ones_cell()]), {"mask": KERAS_MASK}),
    ],
)
def test_numbers_keras_computes(name, make, kwargs):
    outputs = make()(SEQUENCE, **kwargs)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    for got, expected in zip(outputs, KERAS_CONSTANT[name], strict=True):
        np.testing.assert_allclose(
            got, np.broadcast_to(np.array(expected)[..., None], got.shape), atol=2e-6
        )
    with fused_kernels(False):
        again = make()(SEQUENCE, **kwargs)
    for got, expected in zip(again if isinstance(again, list) else [again], outputs, strict=True):
        np.testing.assert_allclose(got, expected, atol=1e-6)


def test_stateful_gru_numbers_keras_computes():
    layer = L.GRU(2, stateful=True, **_constant())
    layer(SEQUENCE)
    np.testing.assert_allclose(
        layer(SEQUENCE)[:, 0], KERAS_CONSTANT["gru_stateful_second"][0], atol=2e-6
    )
    layer.reset_states()
    np.testing.assert_allclose(
        layer(SEQUENCE)[:, 0], KERAS_CONSTANT["gru_stateful_reset"][0], atol=2e-6
    )


def test_unroll_needs_known_timesteps():
    with pytest.raises(ValueError, match=r"`unroll=True` needs a known number of timesteps"):
        L.GRU(2, unroll=True)(L.Input(shape=(None, 3)))
    assert L.GRU(2, unroll=True)(L.Input(shape=(4, 3))).shape == (None, 2)


def test_stateful_in_a_model_with_a_fixed_batch():
    x = L.Input(shape=(3, 2), batch_size=4)
    layer = L.SimpleRNN(2, stateful=True)
    model = Model(x, layer(x))
    data = np.random.default_rng(5).normal(size=(4, 3, 2))
    first, second = model.predict(data, batch_size=4), model.predict(data, batch_size=4)
    assert not np.allclose(first, second)  # the second batch continues the first
    layer.reset_states()
    np.testing.assert_allclose(model.predict(data, batch_size=4), first, atol=1e-6)


@pytest.mark.parametrize("layer_class", [L.SimpleRNN, L.GRU, L.LSTM])
def test_fit_with_dropout_lowers_the_loss(layer_class):
    from kerastutor.utils import set_random_seed

    set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 5, 3)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None] / 5
    inputs = L.Input(shape=(5, 3))
    hidden = layer_class(8, dropout=0.2, recurrent_dropout=0.2, seed=1)(inputs)
    model = Model(inputs, L.Dense(1)(hidden))
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, epochs=15, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
