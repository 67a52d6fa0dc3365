"""The seeds' own models, as the visual tests draw and inspect them.

Each fixture builds a model exactly as its seed writes it (only the imports
changed); sizes are the seeds' where building is cheap (symbolic calls build
weights but compute nothing) and smaller where a test runs data through.
"""

import types

import pytest

import kerastutor as keras
from kerastutor.layers import LSTM, Dense, Input
from kerastutor.models import Model


@pytest.fixture
def siamese():
    """Seed 002: the two-tweets model, a shared LSTM(64) over two (280, 256) inputs."""
    tweet_a = Input(shape=(280, 256))
    tweet_b = Input(shape=(280, 256))
    shared_lstm = LSTM(64)
    encoded_a = shared_lstm(tweet_a)
    encoded_b = shared_lstm(tweet_b)
    merged_vector = keras.layers.concatenate([encoded_a, encoded_b], axis=-1)
    predictions = Dense(1, activation="sigmoid")(merged_vector)
    model = Model(inputs=[tweet_a, tweet_b], outputs=predictions)
    return types.SimpleNamespace(
        model=model, lstm=shared_lstm, outputs=[predictions], tweet_a=tweet_a, tweet_b=tweet_b
    )


@pytest.fixture
def seed003():
    """Seed 003: the seq2seq training model around the question's decoder snippet."""
    num_encoder_tokens, num_decoder_tokens, latent_dim = 10, 12, 32
    encoder_inputs = Input(shape=(None, num_encoder_tokens))
    encoder = LSTM(latent_dim, return_state=True)
    encoder_outputs, state_h, state_c = encoder(encoder_inputs)
    encoder_states = [state_h, state_c]
    decoder_inputs = Input(shape=(None, num_decoder_tokens))
    decoder_lstm = LSTM(latent_dim, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
    decoder_dense = Dense(num_decoder_tokens, activation="softmax")
    decoder_outputs = decoder_dense(decoder_outputs)
    model = Model([encoder_inputs, decoder_inputs], decoder_outputs)
    return types.SimpleNamespace(
        model=model,
        encoder=encoder,
        decoder_lstm=decoder_lstm,
        decoder_dense=decoder_dense,
        latent_dim=latent_dim,
        num_decoder_tokens=num_decoder_tokens,
    )
