"""Bidirectional, TimeDistributed, RepeatVector, Masking: numbers, masks, configs, errors.

The reference numbers marked "Keras" were computed by Keras 3.15 with the same
constant initializers (the behaviour of Keras's bidirectional_test.py,
time_distributed_test.py, masking_test.py and repeat_vector_test.py).
"""

import json
import re

import numpy as np
import pytest

from kerastutor import initializers, ops
from kerastutor.layers import (
    GRU,
    LSTM,
    Bidirectional,
    Conv2D,
    Dense,
    Embedding,
    Flatten,
    GRUCell,
    Input,
    Layer,
    LSTMCell,
    Masking,
    RepeatVector,
    SimpleRNN,
    TimeDistributed,
)
from kerastutor.layers.rnn import RNN
from kerastutor.layers.wrapper import Wrapper
from kerastutor.models import Model, Sequential, load_model


def constant_lstm(units=2, kernel=0.01, recurrent=0.02, bias=0.03, **kwargs):
    return LSTM(
        units,
        kernel_initializer=initializers.Constant(kernel),
        recurrent_initializer=initializers.Constant(recurrent),
        bias_initializer=initializers.Constant(bias),
        **kwargs,
    )


SEQUENCE = np.arange(24, dtype="float32").reshape((2, 4, 3))
MASK = np.array([[True, True, False, True], [True, False, False, True]])


# ------------------------------------------------------------ Bidirectional


def test_bidirectional_weights_are_forward_then_backward():
    layer = Bidirectional(LSTM(4, name="lstm"))
    assert layer(Input(shape=(5, 3))).shape == (None, 5 * 0 + 8)
    assert [w.name for w in layer.weights] == [
        "forward_lstm/kernel",
        "forward_lstm/recurrent_kernel",
        "forward_lstm/bias",
        "backward_lstm/kernel",
        "backward_lstm/recurrent_kernel",
        "backward_lstm/bias",
    ]
    assert [w.shape for w in layer.get_weights()] == [(3, 16), (4, 16), (16,)] * 2
    assert layer.count_params() == 256  # Keras: 2 x 4 x (3 + 4 + 1) x 4
    assert layer.forward_layer.go_backwards is False and layer.backward_layer.go_backwards


def test_bidirectional_is_two_lstms_with_the_backward_one_flipped_back():
    layer = Bidirectional(LSTM(3, return_sequences=True), merge_mode=None)
    forward_out, backward_out = layer(SEQUENCE)
    forward = LSTM(3, return_sequences=True)
    backward = LSTM(3, return_sequences=True, go_backwards=True)
    forward(SEQUENCE), backward(SEQUENCE)
    forward.set_weights(layer.forward_layer.get_weights())
    backward.set_weights(layer.backward_layer.get_weights())
    np.testing.assert_allclose(forward_out, forward(SEQUENCE), atol=1e-6)
    np.testing.assert_allclose(backward_out, backward(SEQUENCE)[:, ::-1], atol=1e-6)


def test_bidirectional_merge_modes_match_keras():
    layer = Bidirectional(constant_lstm(return_sequences=True), merge_mode="sum")
    expected_sum = [  # Keras
        [[0.14248669, 0.14248669], [0.2089325, 0.2089325], [0.26913589, 0.26913589]],
        [[0.58903593, 0.58903593], [0.72328353, 0.72328353], [0.80072188, 0.80072188]],
    ]
    np.testing.assert_allclose(layer(SEQUENCE)[:, :3], expected_sum, atol=1e-5)
    backward = constant_lstm(kernel=0.03, recurrent=0.02, bias=0.01, go_backwards=True)
    layer = Bidirectional(constant_lstm(), backward_layer=backward, merge_mode="mul")
    np.testing.assert_allclose(  # Keras
        layer(SEQUENCE), [[0.06443309] * 2, [0.39915711] * 2], atol=1e-5
    )
    forward, backward = Bidirectional(constant_lstm(), merge_mode=None)(SEQUENCE)
    concat = Bidirectional(constant_lstm())(SEQUENCE)
    ave = Bidirectional(constant_lstm(), merge_mode="ave")(SEQUENCE)
    np.testing.assert_allclose(concat, np.concatenate([forward, backward], axis=-1))
    np.testing.assert_allclose(ave, (forward + backward) / 2, atol=1e-7)


def test_bidirectional_initial_state_is_split_in_half():
    states = [np.arange(4, dtype="float32").reshape((2, 2)) * k for k in (1, 2, 3, 4)]
    output = Bidirectional(constant_lstm())(SEQUENCE, initial_state=states)
    np.testing.assert_allclose(  # Keras
        output,
        [
            [0.20794602, 0.4577124, 0.14046375, 0.48191673],
            [0.6682636, 0.6711909, 0.60943645, 0.60950446],
        ],
        atol=1e-5,
    )


def test_bidirectional_return_state_is_output_then_forward_then_backward_states():
    output, h1, c1, h2, c2 = Bidirectional(constant_lstm(return_state=True))(SEQUENCE)
    np.testing.assert_allclose(h1, [[0.1990008] * 2, [0.52335435] * 2], atol=1e-5)  # Keras
    np.testing.assert_allclose(c1, [[0.35567185] * 2, [1.0492687] * 2], atol=1e-5)
    np.testing.assert_allclose(h2, [[0.12659755] * 2, [0.44717982] * 2], atol=1e-5)
    np.testing.assert_allclose(c2, [[0.2501858] * 2, [0.941473] * 2], atol=1e-5)
    np.testing.assert_allclose(output, np.concatenate([h1, h2], axis=-1))


def test_bidirectional_mask_reaches_both_directions_and_zeros_masked_steps():
    sequences = Bidirectional(constant_lstm(return_sequences=True))(SEQUENCE, mask=MASK)
    np.testing.assert_allclose(sequences[~MASK], 0.0)  # Keras: zero output where masked
    np.testing.assert_allclose(  # Keras
        sequences[0, 1], [0.05552049, 0.05552049, 0.11776172, 0.11776172], atol=1e-5
    )
    np.testing.assert_allclose(
        sequences[1, 0], [0.14185598, 0.14185598, 0.31006062, 0.31006062], atol=1e-5
    )
    last = Bidirectional(constant_lstm())(SEQUENCE, mask=MASK)
    np.testing.assert_allclose(  # Keras
        last,
        [
            [0.15249142, 0.15249142, 0.10056869, 0.10056869],
            [0.35969394, 0.35969394, 0.31006062, 0.31006062],
        ],
        atol=1e-5,
    )


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("return_state", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_output_shapes(merge_mode, return_state, return_sequences):
    def make():
        lstm = LSTM(2, return_state=return_state, return_sequences=return_sequences)
        return Bidirectional(lstm, merge_mode=merge_mode)

    eager = make()(np.ones((1, 3, 2), "float32"))
    eager = eager if isinstance(eager, list) else [eager]
    symbolic = make()(Input(shape=(3, 2)))
    symbolic = symbolic if isinstance(symbolic, list) else [symbolic]
    computed = make().compute_output_shape((None, 3, 2))
    computed = computed if isinstance(computed, list) else [computed]
    assert [t.shape for t in symbolic] == computed
    assert [(None, *a.shape[1:]) for a in eager] == computed
    width = 4 if merge_mode == "concat" else 2
    output = (None, 3, width) if return_sequences else (None, width)
    outputs = [output, output] if merge_mode is None else [output]
    assert computed == outputs + [(None, 2)] * (4 if return_state else 0)


def test_bidirectional_in_a_masked_model_passes_the_mask_to_the_sequence_only():
    ids = Input(shape=(4,), dtype="int32")
    embedded = Embedding(6, 3, mask_zero=True)(ids)
    sequence, *states = Bidirectional(LSTM(2, return_sequences=True, return_state=True))(embedded)
    assert sequence._keras_mask is not None
    assert all(state._keras_mask is None for state in states)
    first, second = Bidirectional(LSTM(2, return_sequences=True), merge_mode=None)(embedded)
    assert first._keras_mask is not None and second._keras_mask is not None
    model = Model(ids, Dense(1)(sequence))
    data = np.array([[1, 2, 0, 0], [3, 0, 4, 5]])
    predicted = model.predict(data)
    # A padded step's merged output is zero, so Dense gives its bias there.
    bias = model.layers[-1].bias.data
    np.testing.assert_allclose(predicted[data == 0], np.broadcast_to(bias, (3, 1)), atol=1e-6)


def test_bidirectional_config_round_trip_keeps_both_directions():
    backward = LSTM(3, go_backwards=True, activation="relu", name="my_backward")
    layer = Bidirectional(LSTM(3, name="words"), merge_mode="ave", backward_layer=backward)
    layer(SEQUENCE)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["merge_mode"] == "ave"
    assert config["layer"]["class_name"] == "LSTM"
    assert config["layer"]["config"]["name"] == "forward_words"
    assert config["backward_layer"]["config"]["name"] == "my_backward"
    clone = Bidirectional.from_config(config)
    assert clone.get_config() == layer.get_config()
    clone(SEQUENCE)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(SEQUENCE), layer(SEQUENCE))


class _CustomLSTM(LSTM):
    """A learner's own recurrent layer, known only through custom_objects."""


def test_a_wrapped_custom_layer_reloads_through_custom_objects(tmp_path):
    x = Input(shape=(4, 3))
    y = TimeDistributed(Dense(2))(Bidirectional(_CustomLSTM(2, return_sequences=True))(x))
    model = Model(x, y)
    config = json.loads(json.dumps(model.get_config()))
    model.save(tmp_path / "wrapped.keras")
    objects = {"_CustomLSTM": _CustomLSTM}
    del _registry()["_CustomLSTM"]  # as in a fresh session that never defined it
    try:
        with pytest.raises(ValueError, match=r"Unknown layer class '_CustomLSTM'.*custom_objects"):
            Model.from_config(config)
        clone = Model.from_config(config, custom_objects=objects)
        loaded = load_model(tmp_path / "wrapped.keras", custom_objects=objects)
    finally:
        _registry()["_CustomLSTM"] = _CustomLSTM
    assert isinstance(clone.layers[1].forward_layer, _CustomLSTM)
    assert isinstance(loaded.layers[1].backward_layer, _CustomLSTM)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(SEQUENCE), model.predict(SEQUENCE), atol=1e-6)
    np.testing.assert_allclose(loaded.predict(SEQUENCE), model.predict(SEQUENCE), atol=1e-6)


def _registry():
    from kerastutor.engine.base_layer import _LAYER_CLASSES

    return _LAYER_CLASSES


class _TinyRNN(RNN):
    """h = tanh(x @ kernel + h @ recurrent_kernel): one state, as SimpleRNN."""

    def __init__(self, units, **kwargs):
        super().__init__(None, **kwargs)
        self.units = units
        self.state_size = [units]

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel", shape=(self.units, self.units)
        )

    def _step(self, x_t, states, training=None):
        h = ops.tanh(
            ops.add(ops.matmul(x_t, self.kernel), ops.matmul(states[0], self.recurrent_kernel))
        )
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "units": self.units}

    def _state_names(self):
        return ["h"]


def test_bidirectional_wraps_any_recurrent_layer_with_its_own_states():
    layer = Bidirectional(_TinyRNN(3, return_sequences=True, return_state=True, name="tiny"))
    sequence, h_forward, h_backward = layer(SEQUENCE)
    assert [w.name for w in layer.weights] == [
        "forward_tiny/kernel",
        "forward_tiny/recurrent_kernel",
        "backward_tiny/kernel",
        "backward_tiny/recurrent_kernel",
    ]
    assert sequence.shape == (2, 4, 6) and h_forward.shape == h_backward.shape == (2, 3)
    np.testing.assert_allclose(sequence[:, -1, :3], h_forward, atol=1e-6)
    np.testing.assert_allclose(sequence[:, 0, 3:], h_backward, atol=1e-6)  # read last
    with pytest.raises(ValueError, match=r"list of 2 states, \[h\] for .* then \[h\] for"):
        layer(SEQUENCE, initial_state=[np.zeros((2, 3))] * 4)
    out = layer(SEQUENCE, initial_state=[np.ones((2, 3)), np.zeros((2, 3))])
    assert len(out) == 3
    masked = Bidirectional(_TinyRNN(2, return_sequences=True))(SEQUENCE, mask=MASK)
    np.testing.assert_allclose(masked[~MASK], 0.0)


def constant(layer_class, units=2, kernel=0.01, recurrent=0.02, bias=0.03, **kwargs):
    return layer_class(
        units,
        kernel_initializer=initializers.Constant(kernel),
        recurrent_initializer=initializers.Constant(recurrent),
        bias_initializer=initializers.Constant(bias),
        **kwargs,
    )


def test_bidirectional_simple_rnn_and_gru_match_keras():
    sequence = np.arange(24, dtype="float32").reshape((2, 3, 4))
    forward = constant(SimpleRNN)
    np.testing.assert_allclose(  # Keras
        Bidirectional(forward)(sequence),
        [
            [0.39687276, 0.39687276, 0.10004295, 0.10004295],
            [0.7237238, 0.7237238, 0.53391594, 0.53391594],
        ],
        atol=1e-5,
    )
    np.testing.assert_allclose(  # Keras
        Bidirectional(forward, merge_mode="ave")(sequence),
        [[0.24845785] * 2, [0.6288199] * 2],
        atol=1e-5,
    )
    backward = constant(SimpleRNN, kernel=0.03, bias=0.01, go_backwards=True)
    np.testing.assert_allclose(  # Keras
        Bidirectional(forward, backward_layer=backward, merge_mode="mul")(sequence),
        [[0.08374989] * 2, [0.6740834] * 2],
        atol=1e-5,
    )
    gru = constant(GRU, return_sequences=True)
    np.testing.assert_allclose(  # Keras
        Bidirectional(gru, merge_mode="sum")(sequence)[..., 0],
        [[0.20937867, 0.34462988, 0.40290534], [0.59829646, 0.6734641, 0.6479671]],
        atol=1e-5,
    )
    masked = Bidirectional(constant(GRU))(SEQUENCE, mask=MASK)
    np.testing.assert_allclose(  # Keras
        masked,
        [
            [0.19393763, 0.19393763, 0.11669192, 0.11669192],
            [0.30818558, 0.30818558, 0.28380975, 0.28380975],
        ],
        atol=1e-5,
    )


def test_bidirectional_gru_takes_one_state_per_direction():
    layer = Bidirectional(GRU(3, return_state=True), name="gru_both")
    output, h_forward, h_backward = layer(SEQUENCE)
    assert output.shape == (2, 6) and h_forward.shape == h_backward.shape == (2, 3)
    assert [w.shape for w in layer.get_weights()] == [(3, 9), (3, 9), (2, 9)] * 2
    with pytest.raises(
        ValueError, match=r"list of 2 states, \[h\] for 'forward_gru\w*' then \[h\] for"
    ):
        layer(SEQUENCE, initial_state=[np.zeros((2, 3))] * 4)
    assert len(layer(SEQUENCE, initial_state=[np.ones((2, 3)), np.zeros((2, 3))])) == 3


def test_bidirectional_of_rnn_cells_names_each_directions_cells():
    layer = Bidirectional(RNN([LSTMCell(2, name="words"), GRUCell(3, name="more")]))
    assert layer(SEQUENCE).shape == (2, 6)
    names = [w.name for w in layer.weights]
    assert names[0] == "forward_words/kernel" and names[6] == "backward_words/kernel"
    assert len(set(names)) == len(names) == 12
    config = json.loads(json.dumps(layer.get_config()))
    clone = Bidirectional.from_config(config)
    assert clone.get_config() == layer.get_config()
    clone(SEQUENCE)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(SEQUENCE), layer(SEQUENCE), atol=1e-6)


def test_stateful_bidirectional_carries_both_directions_states():
    layer = Bidirectional(constant_lstm(stateful=True))
    first = layer(SEQUENCE)
    second = layer(SEQUENCE)
    np.testing.assert_allclose(  # Keras
        second,
        [
            [0.26234663, 0.26234663, 0.16959146, 0.16959146],
            [0.6137073, 0.6137073, 0.5381646, 0.5381646],
        ],
        atol=1e-5,
    )
    layer.reset_states()
    np.testing.assert_allclose(layer(SEQUENCE), first, atol=1e-6)
    with pytest.raises(AttributeError, match="is not stateful"):
        Bidirectional(LSTM(2)).reset_states()


def test_bidirectional_of_a_non_recurrent_layer_is_refused():
    with pytest.raises(ValueError, match=r"cannot wrap layer 'dense\w*' \(Dense\).*recurrent"):
        Bidirectional(Dense(3))
    with pytest.raises(ValueError, match="TimeDistributed"):
        Bidirectional("lstm")


def test_bidirectional_misspelt_merge_mode_suggests_the_right_one():
    with pytest.raises(ValueError, match=r"received 'concatenate'\. Did you mean 'concat'\?"):
        Bidirectional(LSTM(2), merge_mode="concatenate")
    with pytest.raises(ValueError, match="'concat', 'sum', 'mul', 'ave' or None"):
        Bidirectional(LSTM(2), merge_mode="average_of_both")


def test_bidirectional_directions_must_differ_and_agree():
    with pytest.raises(ValueError, match="opposite directions.*go_backwards=False"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2))
    with pytest.raises(ValueError, match="agree on `return_sequences`"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2, go_backwards=True, return_sequences=True))


def test_wrong_initial_states_name_the_node_and_leave_nothing_behind():
    layer = Bidirectional(LSTM(4), name="reader")
    x = Input(shape=(5, 3))
    h = Input(shape=(4,))
    with pytest.raises(
        ValueError,
        match=r"'reader' \(Bidirectional\) cannot be called as its node 0: `initial_state` must "
        r"be a list of 4 states, \[h, c\] for 'forward_lstm\w*' then \[h, c\] for 'backward_lstm\w*', "
        r"received 2",
    ):
        layer(x, initial_state=[h, h])
    with pytest.raises(ValueError, match=r"initial state 2 \(of the backward layer\) must have "):
        layer(x, initial_state=[h, h, Input(shape=(3,)), h])
    assert not layer.built and layer.inbound_nodes == [] and layer.weights == []
    with pytest.raises(ValueError, match="on concrete data: `initial_state` must be a list of 4"):
        layer(SEQUENCE, initial_state=[np.zeros((2, 4))] * 3)
    assert not layer.built
    outputs = layer(x, initial_state=[h, h, h, h])
    assert outputs.shape == (None, 8) and len(layer.inbound_nodes) == 1


def test_bidirectional_feature_mismatch_explains_the_kernel():
    layer = Bidirectional(LSTM(4))
    layer(Input(shape=(5, 3)))
    with pytest.raises(ValueError, match=r"as its node 1: expected axis -1.*size 3.*kernel"):
        layer(Input(shape=(5, 2)))


# ------------------------------------------------------------ TimeDistributed


def test_time_distributed_conv2d_runs_on_every_frame():
    frames = Input(shape=(10, 8, 8, 3), batch_size=4)
    conv = Conv2D(6, (3, 3))
    assert TimeDistributed(conv)(frames).shape == (4, 10, 6, 6, 6)
    video = np.random.default_rng(0).standard_normal((2, 3, 8, 8, 3)).astype("float32")
    out = TimeDistributed(conv)(video)
    for t in range(3):
        np.testing.assert_allclose(out[:, t], conv(video[:, t]), atol=1e-5)


def test_time_distributed_dense_matches_keras():
    sequence = np.arange(24, dtype="float32").reshape((3, 2, 4))
    dense = Dense(1, kernel_initializer=initializers.Constant(0.01), use_bias=False)
    np.testing.assert_allclose(  # Keras
        TimeDistributed(dense)(sequence),
        [[[0.06], [0.22]], [[0.38], [0.54]], [[0.7], [0.86]]],
        atol=1e-6,
    )
    assert [w.name for w in TimeDistributed(dense).weights] == [f"{dense.name}/kernel"]


def test_time_distributed_wraps_a_nested_model():
    inner_x = Input(shape=(4, 4, 1))
    inner = Model(inner_x, Dense(2)(Flatten()(inner_x)), name="per_frame")
    frames = Input(shape=(5, 4, 4, 1))
    wrapper = TimeDistributed(inner)
    model = Model(frames, wrapper(frames))
    assert model.output_shape == (None, 5, 2)
    assert model.count_params() == inner.count_params() == 16 * 2 + 2
    video = np.random.default_rng(1).standard_normal((3, 5, 4, 4, 1)).astype("float32")
    np.testing.assert_allclose(model.predict(video)[:, 2], inner.predict(video[:, 2]), atol=1e-6)
    clone = Model.from_config(json.loads(json.dumps(model.get_config())))
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(video), model.predict(video), atol=1e-6)


class _MaskedDense(Wrapper):
    """Multiplies Dense's output by the mask it is given (to see the mask arrive)."""

    def __init__(self, units, **kwargs):
        super().__init__(Dense(units, kernel_initializer="ones", use_bias=False), **kwargs)
        self.supports_masking = True  # else, as in Keras, it warns that it drops the mask

    def call(self, inputs, mask=None):
        outputs = self.layer(inputs)
        return outputs if mask is None else ops.multiply(outputs, mask[:, None].astype("float32"))


def test_time_distributed_gives_each_timestep_its_mask():
    sequence = np.arange(24, dtype="float32").reshape((3, 2, 4))
    mask = np.array([[False, True], [True, False], [True, True]])
    out = TimeDistributed(_MaskedDense(1))(sequence, mask=mask)
    np.testing.assert_allclose(out[..., 0], np.where(mask, sequence.sum(-1), 0.0))


def test_time_distributed_passes_the_mask_on():
    ids = Input(shape=(6,), dtype="int32")
    out = TimeDistributed(Dense(5, activation="softmax"))(Embedding(10, 4, mask_zero=True)(ids))
    assert out._keras_mask is not None and out._keras_mask.shape == (None, 6)


def test_time_distributed_checks_the_mask_shape():
    layer = TimeDistributed(Dense(5))
    x = np.zeros((4, 5, 3), "float32")
    assert layer(x, mask=np.ones((4, 5, 2), bool)).shape == (4, 5, 5)
    for wrong in [(4, 6), (5, 5), (5, 6), (4,)]:
        with pytest.raises(ValueError, match=r"mask of shape .* \(batch, timesteps\) = \(4, 5\)"):
            layer(x, mask=np.ones(wrong, bool))


def test_time_distributed_on_a_rank_2_input_names_the_node_and_builds_nothing():
    dense = Dense(3, name="scores")
    layer = TimeDistributed(dense, name="per_step")
    with pytest.raises(
        ValueError,
        match=r"'per_step' \(TimeDistributed\) cannot be called as its node 0: expected its input "
        r"to have rank at least 3, \(batch, timesteps, \.\.\.\), found rank 2 with shape "
        r"\(None, 4\)\. It applies layer 'scores'",
    ):
        layer(Input(shape=(4,)))
    assert not layer.built and not dense.built and layer.inbound_nodes == []
    with pytest.raises(ValueError, match="on concrete data: expected its input to have rank"):
        layer(np.zeros((2, 4)))


def test_time_distributed_explains_what_the_wrapped_layer_refuses():
    layer = TimeDistributed(Conv2D(2, 3))
    with pytest.raises(
        ValueError,
        match=r"as its node 0: it applies layer 'conv2d\w*' \(Conv2D\) to every timestep x\[:, t\], "
        r"each of shape \(None, 5\), and that layer expected its input to have rank 4",
    ):
        layer(Input(shape=(4, 5)))
    assert layer.inbound_nodes == [] and not layer.layer.built


def test_time_distributed_config_round_trip():
    layer = TimeDistributed(Dense(3, activation="relu"), name="td")
    layer(SEQUENCE)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["layer"]["class_name"] == "Dense"
    clone = TimeDistributed.from_config(config)
    assert clone.get_config() == layer.get_config()


def test_wrapper_needs_a_layer():
    with pytest.raises(ValueError, match=r"TimeDistributed layer '\w+' wraps a layer instance"):
        TimeDistributed(Dense)


# ------------------------------------------------------------ RepeatVector


def test_repeat_vector_repeats_every_sample():
    x = np.random.default_rng(2).random((2, 5)).astype("float32")
    np.testing.assert_array_equal(RepeatVector(3)(x), np.repeat(x[:, None], 3, axis=1))
    assert RepeatVector(n=3)(Input(batch_shape=(None, 5))).shape == (None, 3, 5)
    assert RepeatVector(n=3)(Input(batch_shape=(2, None))).shape == (2, 3, None)


def test_repeat_vector_refuses_bad_n_and_bad_rank():
    for bad in ("3", 3.5, [3], True):
        with pytest.raises(TypeError, match="invalid value for argument `n`.*expected an integer"):
            RepeatVector(n=bad)
    for bad in (0, -3):
        with pytest.raises(ValueError, match="expected a positive integer"):
            RepeatVector(n=bad)
    with pytest.raises(ValueError, match=r"as its node 0: expected its input to have rank 2.*"):
        RepeatVector(2)(Input(shape=(3, 4)))


def test_repeat_vector_gradient_adds_up_over_the_copies():
    from kerastutor import autodiff

    x = autodiff.Variable(np.ones((1, 2), "float32"), name="x")
    with autodiff.watch([x]):
        ops.sum(RepeatVector(4)(x)).backward()
    np.testing.assert_array_equal(x.grad, [[4.0, 4.0]])


# ------------------------------------------------------------ Masking


def test_masking_marks_all_mask_value_timesteps():
    x = np.array([[[0.0, 0.0], [1.0, 2.0], [0.0, 0.0]], [[2.0, 2.0], [0.0, 0.0], [2.0, 1.0]]])
    np.testing.assert_array_equal(
        Masking(mask_value=0.0).compute_mask(x), [[False, True, False], [True, False, True]]
    )
    x = np.array([[[5.0, 5.0], [5.0, 1.0]]], "float32")
    layer = Masking(mask_value=5.0)
    np.testing.assert_array_equal(layer(x), [[[0.0, 0.0], [5.0, 1.0]]])  # Keras: zeros
    np.testing.assert_array_equal(layer.compute_mask(x), [[False, True]])


class _SeesMask(Layer):
    seen = []

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        _SeesMask.seen.append(mask)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


def test_masking_mask_reaches_the_next_layer_in_a_model():
    x = np.array([[[0.0, 0.0], [1.0, 2.0], [0.0, 0.0]], [[2.0, 2.0], [0.0, 0.0], [2.0, 1.0]]])
    model = Sequential([Input(shape=(3, 2)), Masking(), _SeesMask()])
    _SeesMask.seen.clear()
    model.predict(x)
    np.testing.assert_array_equal(_SeesMask.seen[-1], [[False, True, False], [True, False, True]])


def test_masking_then_lstm_matches_keras_and_survives_saving(tmp_path):
    x = np.array(
        [[[1.0, 2.0], [0.0, 0.0], [0.0, 0.0]], [[2.0, 2.0], [2.0, 1.0], [0.0, 0.0]]], "float32"
    )
    model = Sequential([Input(shape=(3, 2)), Masking(), constant_lstm()])
    np.testing.assert_allclose(  # Keras
        model.predict(x), [[0.01588911] * 2, [0.02980303] * 2], atol=1e-6
    )
    model.save(tmp_path / "masked.keras")
    np.testing.assert_allclose(load_model(tmp_path / "masked.keras").predict(x), model.predict(x))


def test_masking_symbolic_mask_can_be_passed_by_hand():
    x = Input(shape=(3, 2))
    masking = Masking()
    hidden = masking(x)
    assert hidden._keras_mask.shape == (None, 3) and hidden._keras_mask.dtype == "bool"
    y = LSTM(2)(hidden, mask=masking.compute_mask(x))
    model = Model(x, y)
    data = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 1.0]]], "float32")
    plain = Sequential([Input(shape=(3, 2)), Masking(), LSTM(2)])
    plain.set_weights(model.get_weights())
    np.testing.assert_allclose(model.predict(data), plain.predict(data), atol=1e-6)


def test_masking_refuses_a_non_number():
    with pytest.raises(TypeError, match="`mask_value`.*expected a number"):
        Masking(mask_value="0")


# ------------------------------------------------------------ summary and plot_model


def _wrapped_model():
    x = Input(shape=(5, 3))
    h = Bidirectional(LSTM(3, return_sequences=True, name="reader"), name="both_ways")(x)
    return Model(x, TimeDistributed(Dense(2, name="scores"), name="per_step")(h))


def test_summary_shows_what_each_wrapper_applies():
    lines = []
    _wrapped_model().summary(print_fn=lines.append)
    rows = [line.split() for line in lines]
    start = rows.index(["both_ways", "(None,", "5,", "6)", "168"])
    assert rows[start + 1] == ["(Bidirectional(LSTM))"]
    assert rows[start + 3] == ["per_step", "(None,", "5,", "2)", "14"]
    assert rows[start + 4] == ["(TimeDistributed(Dense))"]
    assert "Total params: 182" in lines
    assert Bidirectional(LSTM(2)).type_label == "Bidirectional(LSTM)"
    assert TimeDistributed(Conv2D(2, 3)).type_label == "TimeDistributed(Conv2D)"


def test_plot_model_boxes_name_the_wrapped_layers():
    from kerastutor.utils import plot_model

    source = plot_model(_wrapped_model()).source
    both_ways = re.search(r"<b>both_ways</b>.*?</table>", source).group(0)
    assert "wraps <b>forward_reader</b> (LSTM): 84 params" in both_ways
    assert "wraps <b>backward_reader</b> (LSTM): 84 params" in both_ways
    per_step = re.search(r"<b>per_step</b>.*?</table>", source).group(0)
    assert "wraps <b>scores</b> (Dense): 14 params" in per_step
    # The wrapped layers are drawn inside their wrapper's box, not as boxes of their own.
    assert source.count("[label=<") == 3
