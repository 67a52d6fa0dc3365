"""LSTM: shapes, weights, numbers against a plain-NumPy reference, masks, states, errors."""

import itertools

import numpy as np
import pytest

from kerastutor import autodiff, ops
from kerastutor.layers import LSTM, Dense, Embedding, Input
from kerastutor.models import Model, Sequential
from kerastutor.utils import grad_check

# ------------------------------------------------------------ the reference


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def reference_lstm(x, kernel, recurrent_kernel, bias, h0=None, c0=None, mask=None, backwards=False):
    """The LSTM equations, one sample and one step at a time, in float64.

    Keras 3's masking: at a masked step h and c keep their values and the
    output repeats the previous output (zeros before any unmasked step).

    Returns:
        (sequence, last_output, h, c); `sequence` is in reading order.
    """
    x = np.asarray(x, np.float64)
    batch, timesteps, _ = x.shape
    units = recurrent_kernel.shape[0]
    sequences, lasts, hs, cs = [], [], [], []
    for n in range(batch):
        h = np.zeros(units) if h0 is None else np.asarray(h0[n], np.float64)
        c = np.zeros(units) if c0 is None else np.asarray(c0[n], np.float64)
        output = np.zeros(units)
        outputs = []
        steps = range(timesteps - 1, -1, -1) if backwards else range(timesteps)
        for t in steps:
            z = x[n, t] @ kernel + h @ recurrent_kernel + bias
            i = _sigmoid(z[:units])
            f = _sigmoid(z[units : 2 * units])
            g = np.tanh(z[2 * units : 3 * units])
            o = _sigmoid(z[3 * units :])
            new_c = f * c + i * g
            new_h = o * np.tanh(new_c)
            if mask is None or mask[n, t]:
                h, c, output = new_h, new_c, new_h
            outputs.append(output)
        sequences.append(outputs)
        lasts.append(output)
        hs.append(h)
        cs.append(c)
    return np.array(sequences), np.array(lasts), np.array(hs), np.array(cs)


BATCH, STEPS, FEATURES, UNITS = 5, 6, 3, 4
# A full row, zeros in the middle, a padded tail, leading padding, all padding.
MASK = np.array(
    [
        [1, 1, 1, 1, 1, 1],
        [1, 1, 0, 0, 1, 1],
        [1, 1, 1, 0, 0, 0],
        [0, 0, 1, 1, 1, 1],
        [0, 0, 0, 0, 0, 0],
    ],
    dtype=bool,
)


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    return {
        "x": rng.standard_normal((BATCH, STEPS, FEATURES)).astype(np.float32),
        "weights": [
            (rng.standard_normal((FEATURES, 4 * UNITS)) * 0.6).astype(np.float32),
            (rng.standard_normal((UNITS, 4 * UNITS)) * 0.6).astype(np.float32),
            rng.uniform(-0.5, 0.5, 4 * UNITS).astype(np.float32),
        ],
        "h0": rng.standard_normal((BATCH, UNITS)).astype(np.float32),
        "c0": rng.standard_normal((BATCH, UNITS)).astype(np.float32),
    }


OPTIONS = list(itertools.product([False, True], repeat=5))


@pytest.mark.parametrize(("sequences", "state", "backwards", "masked", "initial"), OPTIONS)
def test_numbers_match_the_numpy_reference(data, sequences, state, backwards, masked, initial):
    layer = LSTM(UNITS, return_sequences=sequences, return_state=state, go_backwards=backwards)
    layer.build((None, STEPS, FEATURES))
    layer.set_weights(data["weights"])
    kwargs = {}
    if masked:
        kwargs["mask"] = MASK
    if initial:
        kwargs["initial_state"] = [data["h0"], data["c0"]]
    result = layer(data["x"], **kwargs)
    seq, last, h, c = reference_lstm(
        data["x"],
        *data["weights"],
        h0=data["h0"] if initial else None,
        c0=data["c0"] if initial else None,
        mask=MASK if masked else None,
        backwards=backwards,
    )
    expected_output = seq if sequences else last
    if state:
        assert isinstance(result, list) and len(result) == 3
        output, got_h, got_c = result
        np.testing.assert_allclose(got_h, h, atol=1e-5)
        np.testing.assert_allclose(got_c, c, atol=1e-5)
        assert got_h.dtype == np.float32 and got_c.dtype == np.float32
    else:
        output = result
    assert output.dtype == np.float32
    assert output.shape == expected_output.shape
    np.testing.assert_allclose(output, expected_output, atol=1e-5)


def test_masking_follows_keras_3(data):
    """The rules of `reference_lstm`, spelled out on the rows of MASK."""
    layer = LSTM(UNITS, return_sequences=True, return_state=True)
    layer.build((None, STEPS, FEATURES))
    layer.set_weights(data["weights"])
    seq, h, c = layer(data["x"], mask=MASK, initial_state=[data["h0"], data["c0"]])
    np.testing.assert_array_equal(seq[1, 2], seq[1, 1])  # zeros in the middle: repeat
    np.testing.assert_array_equal(seq[1, 3], seq[1, 1])
    np.testing.assert_array_equal(seq[2, 3:], np.repeat(seq[2, 2:3], 3, axis=0))  # padded tail
    np.testing.assert_array_equal(h[2], seq[2, 2])
    np.testing.assert_array_equal(seq[3, :2], 0)  # leading padding: zeros, not h0
    np.testing.assert_array_equal(seq[4], 0)  # all padding
    np.testing.assert_array_equal(h[4], data["h0"][4])  # ... and the states are untouched
    np.testing.assert_array_equal(c[4], data["c0"][4])


def test_step_is_one_timestep_of_the_reference(data):
    layer = LSTM(UNITS)
    layer.build((None, STEPS, FEATURES))
    layer.set_weights(data["weights"])
    h, [same_h, c] = layer._step(data["x"][:, 0], [data["h0"], data["c0"]])
    assert same_h is h
    _, _, ref_h, ref_c = reference_lstm(
        data["x"][:, :1], *data["weights"], h0=data["h0"], c0=data["c0"]
    )
    np.testing.assert_allclose(h, ref_h, atol=1e-5)
    np.testing.assert_allclose(c, ref_c, atol=1e-5)


def test_float32_throughout_even_from_float64_data(data):
    layer = LSTM(UNITS, return_sequences=True, return_state=True)
    outputs = layer(
        data["x"].astype(np.float64),
        initial_state=[data["h0"].astype(np.float64), data["c0"].astype(np.float64)],
        mask=MASK,
    )
    assert [o.dtype for o in outputs] == [np.float32] * 3
    assert [w.dtype for w in layer.get_weights()] == [np.float32] * 3


# ------------------------------------------------------------ weights


def test_weights_names_shapes_and_order():
    layer = LSTM(4, name="lstm")
    layer(Input(shape=(6, 3)))
    assert [w.name for w in layer.weights] == [
        "lstm/kernel",
        "lstm/recurrent_kernel",
        "lstm/bias",
    ]
    assert [w.shape for w in layer.weights] == [(3, 16), (4, 16), (16,)]
    assert layer.count_params() == 3 * 16 + 4 * 16 + 16


@pytest.mark.parametrize(
    ("units", "features", "count"), [(64, 256, 82_176), (32, 128, 20_608), (3, 5, 108)]
)
def test_parameter_counts_match_keras(units, features, count):
    layer = LSTM(units)
    layer(Input(shape=(10, features)))
    assert layer.count_params() == count


def test_unit_forget_bias_puts_ones_in_the_forget_slice():
    layer = LSTM(3)
    layer.build((None, 2, 5))
    np.testing.assert_array_equal(layer.get_weights()[2], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    plain = LSTM(3, unit_forget_bias=False)
    plain.build((None, 2, 5))
    np.testing.assert_array_equal(plain.get_weights()[2], np.zeros(12))


def test_recurrent_kernel_is_orthogonal_and_kernel_glorot():
    layer = LSTM(8)
    layer.build((None, 2, 24))
    kernel, recurrent_kernel, _ = layer.get_weights()
    np.testing.assert_allclose(recurrent_kernel @ recurrent_kernel.T, np.eye(8), atol=1e-5)
    limit = np.sqrt(6 / (24 + 32))
    assert np.abs(kernel).max() <= limit and kernel.std() > limit / 3


def test_no_bias():
    layer = LSTM(2, use_bias=False)
    layer.build((None, 3, 4))
    assert [w.name.split("/")[-1] for w in layer.weights] == ["kernel", "recurrent_kernel"]
    assert layer.count_params() == 4 * 8 + 2 * 8


# ------------------------------------------------------------ shapes


@pytest.mark.parametrize(
    ("sequences", "state", "backwards", "initial"), list(itertools.product([False, True], repeat=4))
)
@pytest.mark.parametrize("timesteps", [7, None])
def test_symbolic_shapes_equal_eager_shapes(sequences, state, backwards, initial, timesteps):
    layer = LSTM(5, return_sequences=sequences, return_state=state, go_backwards=backwards)
    x = Input(shape=(timesteps, 3))
    kwargs = {"initial_state": [Input(shape=(5,)), Input(shape=(5,))]} if initial else {}
    symbolic = layer(x, **kwargs)
    symbolic_shapes = [t.shape for t in symbolic] if state else [symbolic.shape]
    assert symbolic_shapes == (
        layer.compute_output_shape((None, timesteps, 3))
        if state
        else [layer.compute_output_shape((None, timesteps, 3))]
    )
    assert all(t.dtype == "float32" for t in (symbolic if state else [symbolic]))
    batch = 2
    arrays = np.ones((batch, 7, 3), dtype=np.float32)
    eager_kwargs = {"initial_state": [np.zeros((batch, 5))] * 2} if initial else {}
    eager = layer(arrays, **eager_kwargs)
    eager_shapes = [o.shape for o in eager] if state else [eager.shape]
    for symbolic_shape, eager_shape in zip(symbolic_shapes, eager_shapes, strict=True):
        expected = tuple(
            {0: batch, 1: 7}.get(i) if d is None else d for i, d in enumerate(symbolic_shape)
        )
        assert eager_shape == expected


def test_seed_000_shared_lstm_shapes():
    a = Input(shape=(280, 128))
    b = Input(shape=(250, 128))
    lstm = LSTM(32)
    encoded_a = lstm(a)
    encoded_b = lstm(b)
    assert lstm.get_input_shape_at(0) == (None, 280, 128)
    assert lstm.get_input_shape_at(1) == (None, 250, 128)
    assert lstm.get_output_shape_at(0) == (None, 32)
    assert lstm.get_output_shape_at(1) == (None, 32)
    assert lstm.get_output_at(0) is encoded_a and lstm.get_output_at(1) is encoded_b
    assert len(lstm.weights) == 3  # one set of weights for both calls


def test_shared_lstm_computes_the_same_function_on_both_inputs():
    tweet_a = Input(shape=(4, 3))
    tweet_b = Input(shape=(6, 3))
    shared = LSTM(2)
    model = Model([tweet_a, tweet_b], [shared(tweet_a), shared(tweet_b)])
    rng = np.random.default_rng(1)
    xa, xb = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 6, 3))
    out_a, out_b = model.predict([xa, xb])
    np.testing.assert_array_equal(out_a, shared(xa))
    np.testing.assert_array_equal(out_b, shared(xb))


def test_seed_003_decoder_with_initial_state():
    encoder_inputs = Input(shape=(None, 7))
    _, state_h, state_c = LSTM(8, return_state=True)(encoder_inputs)
    decoder_inputs = Input(shape=(None, 9))
    decoder_lstm = LSTM(8, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=[state_h, state_c])
    decoder_outputs = Dense(9, activation="softmax")(decoder_outputs)
    assert decoder_outputs.shape == (None, None, 9)
    assert decoder_lstm.get_input_at(0) == [decoder_inputs, state_h, state_c]
    assert decoder_lstm.get_input_shape_at(0) == [(None, None, 9), (None, 8), (None, 8)]
    model = Model([encoder_inputs, decoder_inputs], decoder_outputs)
    rng = np.random.default_rng(2)
    probabilities = model.predict([rng.standard_normal((3, 5, 7)), rng.standard_normal((3, 4, 9))])
    assert probabilities.shape == (3, 4, 9) and probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1, atol=1e-5)


def test_sequential_with_input_shape():
    model = Sequential([LSTM(4, input_shape=(5, 3)), Dense(1)])
    assert model.output_shape == (None, 1)
    assert model.predict(np.zeros((2, 5, 3))).shape == (2, 1)


# ------------------------------------------------------------ masks


def test_mask_from_embedding_through_a_model(data):
    ids = np.where(MASK, np.arange(1, STEPS + 1), 0)
    x = Input(shape=(STEPS,), dtype="int32")
    embedding = Embedding(STEPS + 1, FEATURES, mask_zero=True)
    lstm = LSTM(UNITS, return_sequences=True)
    model = Model(x, lstm(embedding(x)))
    lstm.set_weights(data["weights"])
    embedded = embedding.get_weights()[0][ids]
    seq, _, _, _ = reference_lstm(embedded, *data["weights"], mask=MASK)
    np.testing.assert_allclose(model.predict(ids), seq, atol=1e-5)


def test_output_masks_symbolic():
    x = Input(shape=(5,), dtype="int32")
    embedded = Embedding(10, 3, mask_zero=True)(x)
    assert LSTM(2)(embedded)._keras_mask is None
    sequence = LSTM(2, return_sequences=True)(embedded)
    assert sequence._keras_mask is embedded._keras_mask
    out, h, c = LSTM(2, return_sequences=True, return_state=True)(embedded)
    assert out._keras_mask is embedded._keras_mask
    assert h._keras_mask is None and c._keras_mask is None
    out, h, c = LSTM(2, return_state=True)(embedded)
    assert out._keras_mask is None


def test_compute_mask_eager():
    mask = np.array([[True, False]])
    assert LSTM(2).compute_mask(None, mask) is None
    assert LSTM(2, return_sequences=True).compute_mask(None, mask) is mask
    assert LSTM(2, return_state=True).compute_mask(None, mask) == [None, None, None]


def test_keras_3_ignores_the_mask_when_initial_state_tensors_are_given(data):
    """Keras 3 fills in `mask=` only for a call with one tensor argument.

    With `initial_state` tensors there are three, so in a model the LSTM runs
    unmasked, yet the Embedding's mask is still attached to its outputs.
    (Checked against Keras 3.15: golden case lstm_mask_initial_state.)
    """
    ids = np.where(MASK, np.arange(1, STEPS + 1), 0)
    x = Input(shape=(STEPS,), dtype="int32")
    h0, c0 = Input(shape=(UNITS,)), Input(shape=(UNITS,))
    embedding = Embedding(STEPS + 1, FEATURES, mask_zero=True)
    lstm = LSTM(UNITS, return_sequences=True)
    sequence = lstm(embedding(x), initial_state=[h0, c0])
    assert sequence._keras_mask is not None
    model = Model([x, h0, c0], sequence)
    lstm.set_weights(data["weights"])
    embedded = embedding.get_weights()[0][ids]
    unmasked, _, _, _ = reference_lstm(embedded, *data["weights"], h0=data["h0"], c0=data["c0"])
    got = model.predict([ids, data["h0"], data["c0"]])
    np.testing.assert_allclose(got, unmasked, atol=1e-5)
    # Given mask= explicitly, the same layer does mask: called on arrays ...
    masked = lstm(embedding(ids), mask=ids != 0, initial_state=[data["h0"], data["c0"]])
    expected, _, _, _ = reference_lstm(
        embedded, *data["weights"], h0=data["h0"], c0=data["c0"], mask=MASK
    )
    np.testing.assert_allclose(masked, expected, atol=1e-5)
    # ... and in a model (golden case lstm_mask_initial_state_explicit).
    explicit = lstm(embedding(x), initial_state=[h0, c0], mask=embedding.compute_mask(x))
    explicit_model = Model([x, h0, c0], explicit)
    inputs = [ids, data["h0"], data["c0"]]
    np.testing.assert_allclose(explicit_model.predict(inputs), expected, atol=1e-5)
    clone = Model.from_config(explicit_model.get_config())
    clone.set_weights(explicit_model.get_weights())
    np.testing.assert_allclose(clone.predict(inputs), expected, atol=1e-5)


# ------------------------------------------------------------ gradients


@pytest.mark.parametrize("backwards", [False, True])
def test_gradients_match_central_differences(backwards):
    rng = np.random.default_rng(3)
    layer = LSTM(3, return_sequences=True, return_state=True, go_backwards=backwards)
    layer.build((None, 5, 2))
    layer.set_weights([rng.standard_normal(w.shape) * 0.5 for w in layer.get_weights()])
    mask = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 1, 1], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]], bool)
    x = rng.standard_normal((4, 5, 2))
    h0, c0 = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))

    errors = grad_check(layer, x, kwargs={"initial_state": [h0, c0], "mask": mask}, atol=1e-6)
    # The input, both initial states and the three weights were all checked.
    assert len(errors) == 6

    # A padded step has no influence at all: its input gets no gradient.
    x_var = autodiff.Variable(x.astype("float32"), name="x")
    with autodiff.watch([x_var]):
        outputs = layer(x_var, initial_state=[h0, c0], mask=mask)
        ops.sum(ops.concatenate([ops.reshape(o, (4, -1)) for o in outputs], axis=1)).backward()
    np.testing.assert_array_equal(x_var.grad[~mask], 0)


def test_gradients_through_a_long_sequence():
    """400 timesteps record a graph thousands of ops deep; backward must still work."""
    layer = LSTM(2)
    x = np.random.default_rng(8).standard_normal((1, 400, 3))
    layer.build((None, 400, 3))
    with autodiff.watch(layer.trainable_weights):
        ops.sum(layer(x)).backward()
    for weight in layer.trainable_weights:
        assert weight.grad.shape == weight.shape and np.isfinite(weight.grad).all()
        assert np.abs(weight.grad).sum() > 0


def test_gradients_reach_both_calls_of_a_shared_lstm():
    rng = np.random.default_rng(4)
    shared = LSTM(2)
    xa, xb = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4))
    shared(xa)
    grads = {}
    for name, inputs in (("a", [xa]), ("b", [xb]), ("ab", [xa, xb])):
        with autodiff.watch(shared.trainable_weights):
            total = ops.sum(shared(inputs[0]))
            for more in inputs[1:]:
                total = ops.add(total, ops.sum(shared(more)))
            total.backward()
        grads[name] = [w.grad for w in shared.trainable_weights]
    for g_a, g_b, g_ab in zip(grads["a"], grads["b"], grads["ab"], strict=True):
        np.testing.assert_allclose(g_ab, g_a + g_b, atol=1e-6)


# ------------------------------------------------------------ errors


def test_128_features_then_64_is_explained():
    lstm = LSTM(32)
    lstm(Input(shape=(280, 128)))
    with pytest.raises(ValueError) as info:
        lstm(Input(shape=(250, 64)))
    message = str(info.value)
    assert "'lstm'" in message and "node 1" in message
    assert "size 128" in message and "(None, 250, 64)" in message and "size 64" in message
    assert "one row per input feature" in message and "(128, 128)" in message
    assert len(lstm.inbound_nodes) == 1


def test_rank_2_input_is_explained():
    with pytest.raises(ValueError, match=r"LSTM reads a sequence: \(batch, timesteps, features\)"):
        LSTM(3)(Input(shape=(128,)))
    with pytest.raises(ValueError, match="rank 3"):
        LSTM(3)(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"LSTM reads a sequence"):
        LSTM(3).build((None, 4))


def test_wrong_initial_state_shape_names_the_node():
    lstm = LSTM(4)
    x = Input(shape=(5, 8))
    lstm(x)
    with pytest.raises(ValueError) as info:
        lstm(x, initial_state=[Input(shape=(3,)), Input(shape=(4,))])
    message = str(info.value)
    assert "'lstm'" in message and "node 1" in message
    assert "(None, 4)" in message and "found (None, 3)" in message and "units=4" in message
    assert len(lstm.inbound_nodes) == 1


def test_wrong_initial_state_eager():
    lstm = LSTM(4)
    x = np.zeros((2, 5, 8))
    with pytest.raises(ValueError, match=r"concrete data.*\(2, 4\), found \(3, 4\)"):
        lstm(x, initial_state=[np.zeros((3, 4)), np.zeros((3, 4))])
    with pytest.raises(ValueError, match=r"list of two states \[h, c\]"):
        lstm(x, initial_state=[np.zeros((2, 4))])
    with pytest.raises(ValueError, match=r"list of two states"):
        lstm(x, initial_state=np.zeros((2, 4)))


def test_list_input_points_to_initial_state():
    with pytest.raises(TypeError, match=r"initial_state=\[h, c\]\)"):
        LSTM(4)([Input(shape=(5, 8)), Input(shape=(4,)), Input(shape=(4,))])


def test_bad_mask_shape():
    with pytest.raises(ValueError, match=r"mask of shape \(2, 4\).*\(2, 5\)"):
        LSTM(3)(np.zeros((2, 5, 1)), mask=np.ones((2, 4), bool))


def test_zero_timesteps():
    with pytest.raises(ValueError, match="0 timesteps"):
        LSTM(3)(np.zeros((2, 0, 1)))


@pytest.mark.parametrize("units", [0, -2, 2.5, "8", True, None])
def test_units_must_be_a_positive_integer(units):
    with pytest.raises(ValueError, match=f"`units`.*{units!r}"):
        LSTM(units)


def test_flags_must_be_booleans():
    with pytest.raises(TypeError, match="`return_sequences`.*'yes'"):
        LSTM(3, return_sequences="yes")


def test_unknown_activation_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Valid names"):
        LSTM(3, activation="swishy")


def test_unsupported_keras_options_are_rejected():
    with pytest.raises(TypeError) as info:
        LSTM(3, time_major=True)  # a Keras 2 option that Keras 3 refuses too
    assert info.value.args == ("Keyword argument not understood:", "time_major")
    accepted = LSTM(3, implementation=1, use_cudnn=False, name="a").get_config()
    assert accepted == LSTM(3, name="a").get_config()  # Keras's layout choices change nothing


# ------------------------------------------------------------ config


def test_config_lists_every_argument_and_round_trips():
    layer = LSTM(
        6,
        activation="relu",
        recurrent_activation="tanh",
        use_bias=False,
        unit_forget_bias=False,
        return_sequences=True,
        return_state=True,
        go_backwards=True,
        name="decoder",
    )
    config = layer.get_config()
    assert config == {
        "name": "decoder",
        "trainable": True,
        "dtype": "float32",
        "units": 6,
        "activation": "relu",
        "recurrent_activation": "tanh",
        "use_bias": False,
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "recurrent_initializer": {
            "class_name": "Orthogonal",
            "config": {"gain": 1.0, "seed": None},
        },
        "bias_initializer": {"class_name": "Zeros", "config": {}},
        "unit_forget_bias": False,
        "dropout": 0.0,
        "recurrent_dropout": 0.0,
        "seed": None,
        "return_sequences": True,
        "return_state": True,
        "go_backwards": True,
        "stateful": False,
        "unroll": False,
        "zero_output_for_mask": False,
    }
    clone = LSTM.from_config(config)
    assert clone.get_config() == config
    x = np.random.default_rng(5).standard_normal((2, 3, 4))
    layer.build((None, 3, 4))
    clone.build((None, 3, 4))
    clone.set_weights(layer.get_weights())
    for got, expected in zip(clone(x), layer(x), strict=True):
        np.testing.assert_array_equal(got, expected)


def test_model_with_initial_state_round_trips_through_config():
    x = Input(shape=(4, 3))
    h0, c0 = Input(shape=(2,)), Input(shape=(2,))
    y = LSTM(2, return_sequences=True)(x, initial_state=[h0, c0])
    model = Model([x, h0, c0], y)
    clone = Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    rng = np.random.default_rng(6)
    inputs = [
        rng.standard_normal((2, 4, 3)),
        rng.standard_normal((2, 2)),
        rng.standard_normal((2, 2)),
    ]
    np.testing.assert_array_equal(clone.predict(inputs), model.predict(inputs))


def test_initial_state_is_checked_once_per_call(monkeypatch):
    from kerastutor.layers import rnn_utils

    calls = []
    original = rnn_utils._check_initial_state
    monkeypatch.setattr(
        rnn_utils, "_check_initial_state", lambda *a: calls.append(1) or original(*a)
    )
    LSTM(2)(np.zeros((3, 4, 5)), initial_state=[np.zeros((3, 2))] * 2)
    assert calls == [1]


def test_initial_state_is_checked_once_per_model_run(monkeypatch):
    from kerastutor.layers import rnn_utils

    x, h0, c0 = Input(shape=(4, 5)), Input(shape=(2,)), Input(shape=(2,))
    model = Model([x, h0, c0], LSTM(2)(x, initial_state=[h0, c0]))
    calls = []
    original = rnn_utils._check_initial_state
    monkeypatch.setattr(
        rnn_utils, "_check_initial_state", lambda *a: calls.append(1) or original(*a)
    )
    model.predict([np.zeros((3, 4, 5)), np.zeros((3, 2)), np.zeros((3, 2))])
    assert calls == [1]
