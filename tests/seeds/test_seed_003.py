"""Seed 003: why a Dense layer works after an LSTM with return_sequences=True.

Runs the answer's two small models (with `from kerastutor.layers import *`,
as the seed imports `*` from keras.layers) and the seq2seq decoder the
question quotes, then checks numerically that Dense on (batch, timesteps, dim)
is Dense applied to each timestep.
"""

import numpy as np

import kerastutor.backend as K  # noqa: F401 - imported by the seed, unused there too
from kerastutor.layers import *  # noqa: F403 - the seed's own import
from kerastutor.models import Model

TIMESTEP_SUMMARY = """\
_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
input_1 (InputLayer)         (None, 7, 12)             0
_________________________________________________________________
dense (Dense)                (None, 7, 5)              65
=================================================================
Total params: 65
Trainable params: 65
Non-trainable params: 0
_________________________________________________________________"""

NO_TIMESTEP_SUMMARY = """\
_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
input_2 (InputLayer)         (None, 12)                0
_________________________________________________________________
dense_1 (Dense)              (None, 5)                 65
=================================================================
Total params: 65
Trainable params: 65
Non-trainable params: 0
_________________________________________________________________"""


def test_dense_has_65_parameters_with_and_without_timesteps(capsys):
    # model with time steps
    inp = Input((7, 12))  # noqa: F405
    out = Dense(5)(inp)  # noqa: F405
    model = Model(inp, out)
    model.summary()
    # model without time steps
    inp2 = Input((12,))  # noqa: F405
    out2 = Dense(5)(inp2)  # noqa: F405
    model2 = Model(inp2, out2)
    model2.summary()
    # --- end of seed code
    lines = [line.rstrip() for line in capsys.readouterr().out.splitlines()]
    assert lines == TIMESTEP_SUMMARY.splitlines() + NO_TIMESTEP_SUMMARY.splitlines()
    assert model.count_params() == model2.count_params() == 65 == 12 * 5 + 5
    assert [w.shape for w in model.get_weights()] == [(12, 5), (5,)]


def test_dense_on_timesteps_is_dense_on_each_timestep():
    dense = Dense(5, activation="tanh")  # noqa: F405
    sequences = np.random.default_rng(1).standard_normal((3, 7, 12)).astype("float32")
    together = dense(sequences)
    assert together.shape == (3, 7, 5)
    for t in range(7):
        np.testing.assert_allclose(together[:, t, :], dense(sequences[:, t, :]), atol=1e-6)
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(together, np.tanh(sequences @ kernel + bias), atol=1e-6)


def build_seq2seq(num_encoder_tokens=6, num_decoder_tokens=4, latent_dim=8):
    """The Keras blog's seq2seq training model that the question quotes."""
    encoder_inputs = Input(shape=(None, num_encoder_tokens))  # noqa: F405
    encoder = LSTM(latent_dim, return_state=True)  # noqa: F405
    encoder_outputs, state_h, state_c = encoder(encoder_inputs)
    encoder_states = [state_h, state_c]
    decoder_inputs = Input(shape=(None, num_decoder_tokens))  # noqa: F405
    # --- the question's snippet
    decoder_lstm = LSTM(latent_dim, return_sequences=True, return_state=True)  # noqa: F405
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
    decoder_dense = Dense(num_decoder_tokens, activation="softmax")  # noqa: F405
    decoder_outputs = decoder_dense(decoder_outputs)
    # --- end of the question's snippet
    model = Model([encoder_inputs, decoder_inputs], decoder_outputs)
    return model, encoder_states, decoder_lstm


def test_seq2seq_decoder_shapes():
    model, encoder_states, decoder_lstm = build_seq2seq()
    assert [s.shape for s in encoder_states] == [(None, 8), (None, 8)]
    assert decoder_lstm.get_output_shape_at(0) == [(None, None, 8), (None, 8), (None, 8)]
    assert model.output_shape == (None, None, 4)
    assert model.input_shape == [(None, None, 6), (None, None, 4)]
    # The decoder's node got the states as inputs too.
    assert decoder_lstm.get_input_at(0)[1:] == encoder_states


def test_seq2seq_predicts_one_softmax_per_timestep_and_uses_the_initial_state():
    model, _, _ = build_seq2seq()
    rng = np.random.default_rng(2)
    encoder_data = rng.standard_normal((2, 5, 6)).astype("float32")
    decoder_data = rng.standard_normal((2, 3, 4)).astype("float32")
    probabilities = model.predict([encoder_data, decoder_data])
    assert probabilities.shape == (2, 3, 4)
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1, atol=1e-6)
    # A different encoder input changes the decoder's initial state, hence its output.
    other = model.predict([encoder_data[::-1], decoder_data])
    assert not np.allclose(other, probabilities)
