"""The golden cases: small functional-API models that kerastutor must compute
exactly like real Keras.

This module imports nothing but NumPy, so it runs unchanged on both sides:

* ``make_golden.py`` calls ``case.build(keras.layers, keras.models)`` in the
  reference venv (Keras 3 + TensorFlow) to produce the fixtures;
* the tests call ``case.build(kerastutor.layers, kerastutor.models)``.

Every builder uses only API that is spelled the same in Keras 3 and in
Keras 2 / tf.keras: ``L.Input(shape=..., dtype=...)``, ``M.Model(inputs,
outputs)``, layer classes with keyword arguments, ``L.concatenate`` and
``L.add``. No layer names, no ``input_length``, no ``input_shape=`` on layers.

A forward case is a builder ``build(L, M) -> Model`` plus a list of input
specs; ``case.make_inputs(rng)`` turns the specs into arrays (float32 from a
standard normal, or int32 token ids for Embeddings).

A training case (``TRAIN_CASES``) names a forward case, an optimizer (class
name + keyword arguments, Keras defaults otherwise) and a loss string;
``make_targets`` draws the ``y`` that matches the loss.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = [
    "BATCH",
    "CASES",
    "LOSSES",
    "OPTIMIZERS",
    "TRAIN_CASES",
    "TRAIN_STEPS",
    "Case",
    "TrainCase",
    "make_targets",
]

BATCH = 4
TRAIN_STEPS = 3


# --------------------------------------------------------------------------
# Input specs: each is a callable ``spec(rng, batch) -> np.ndarray``.
# --------------------------------------------------------------------------


def floats(*shape):
    """Float32 input of per-sample ``shape``, drawn from N(0, 1)."""

    def make(rng, batch):
        return rng.standard_normal((batch, *shape)).astype(np.float32)

    make.spec = {"kind": "floats", "shape": list(shape)}
    return make


def token_ids(vocab, length):
    """Int32 token ids in ``[0, vocab)`` (zeros included, no masking meaning)."""

    def make(rng, batch):
        return rng.integers(0, vocab, size=(batch, length)).astype(np.int32)

    make.spec = {"kind": "token_ids", "vocab": vocab, "length": length}
    return make


def padded_ids(vocab, rows, distinct=False):
    """Int32 token ids with zeros (padding) exactly where ``rows`` has a ``0``.

    ``rows`` is a list of strings, one per sample, ``"x"`` for a real token and
    ``"0"`` for padding: ``"xxx000"`` is padded after step 3, ``"x00xxx"`` has
    zeros in the middle, ``"00xxxx"`` has leading zeros, ``"000000"`` is all
    padding. Real tokens are drawn from ``[1, vocab)``; with ``distinct=True``
    no real token repeats in the batch (see the README: on the TensorFlow
    backend, repeated ids change what Adam/RMSprop/Adagrad do to an Embedding).
    The batch size is ``len(rows)``.
    """

    def make(rng, batch):
        if batch != len(rows):
            raise ValueError(f"padded_ids has {len(rows)} rows, batch is {batch}")
        pattern = np.array([[c == "x" for c in row] for row in rows])
        if distinct:
            if pattern.sum() > vocab - 1:
                raise ValueError(f"{pattern.sum()} distinct tokens do not fit in vocab {vocab}")
            ids = np.zeros(pattern.shape, dtype=np.int64)
            ids[pattern] = rng.permutation(np.arange(1, vocab))[: pattern.sum()]
        else:
            ids = rng.integers(1, vocab, size=pattern.shape)
        return np.where(pattern, ids, 0).astype(np.int32)

    make.spec = {"kind": "padded_ids", "vocab": vocab, "rows": list(rows), "distinct": distinct}
    make.batch = len(rows)
    return make


# --------------------------------------------------------------------------
# The registry.
# --------------------------------------------------------------------------


class Case:
    """One forward golden case."""

    def __init__(self, name, build, inputs, batch, description, tags):
        self.name = name
        self.build = build
        self.inputs = inputs
        self.batch = batch
        self.description = description
        self.tags = tags
        # A per-case seed that does not move when cases are added or removed.
        self.seed = zlib.crc32(name.encode("utf-8"))

    def make_inputs(self, rng):
        """The list of input arrays, in the order of the model's inputs."""
        return [spec(rng, self.batch) for spec in self.inputs]

    def __repr__(self):
        return f"Case({self.name!r})"


CASES: dict[str, Case] = {}


def case(*inputs, tags=(), batch=None):
    """Register ``build(L, M)`` as a forward case named after the function."""

    def register(build):
        name = build.__name__
        if name in CASES:
            raise ValueError(f"duplicate golden case {name!r}")
        sizes = {getattr(spec, "batch", None) for spec in inputs} - {None}
        if len(sizes) > 1:
            raise ValueError(f"case {name!r}: inputs disagree on the batch size {sizes}")
        n = batch or (sizes.pop() if sizes else BATCH)
        doc = " ".join((build.__doc__ or "").split())
        CASES[name] = Case(name, build, list(inputs), n, doc, tuple(tags))
        return build

    return register


# Rows used by the masking cases (batch 4, 6 time steps):
#   full sequence / padded after step 3 / zeros in the middle / padded after step 1
MASK_ROWS = ["xxxxxx", "xxx000", "x00xx0", "x00000"]
# For initial-state masking: leading padding and a row that is all padding.
MASK_ROWS_LEADING = ["xxxxxx", "xxxx00", "00xxxx", "000000"]


# ---------------------------------------------------------------- Dense ---


@case(floats(5), tags=("dense",))
def dense_linear(L, M):
    """Dense(3) with the default linear activation on 2-D input."""
    x = L.Input(shape=(5,))
    y = L.Dense(3)(x)
    return M.Model(x, y)


@case(floats(6), tags=("dense",))
def dense_relu(L, M):
    """Dense(4, relu)."""
    x = L.Input(shape=(6,))
    y = L.Dense(4, activation="relu")(x)
    return M.Model(x, y)


@case(floats(4), tags=("dense",))
def dense_sigmoid(L, M):
    """Dense(3, sigmoid)."""
    x = L.Input(shape=(4,))
    y = L.Dense(3, activation="sigmoid")(x)
    return M.Model(x, y)


@case(floats(5), tags=("dense",))
def dense_tanh(L, M):
    """Dense(4, tanh)."""
    x = L.Input(shape=(5,))
    y = L.Dense(4, activation="tanh")(x)
    return M.Model(x, y)


@case(floats(6), tags=("dense",))
def dense_softmax(L, M):
    """Dense(5, softmax): a softmax regression."""
    x = L.Input(shape=(6,))
    y = L.Dense(5, activation="softmax")(x)
    return M.Model(x, y)


@case(floats(5), tags=("dense",))
def dense_no_bias(L, M):
    """Dense(3, use_bias=False): the kernel is the only weight."""
    x = L.Input(shape=(5,))
    y = L.Dense(3, use_bias=False)(x)
    return M.Model(x, y)


@case(floats(7, 12), batch=3, tags=("dense", "seed"))
def dense_3d_seed(L, M):
    """The learner's Dense(5) on (7, 12): applied per time step, 65 parameters."""
    x = L.Input(shape=(7, 12))
    y = L.Dense(5)(x)
    return M.Model(x, y)


@case(floats(4, 6), tags=("dense",))
def dense_3d_softmax(L, M):
    """Dense(3, softmax) on 3-D input: softmax over the last axis only."""
    x = L.Input(shape=(4, 6))
    y = L.Dense(3, activation="softmax")(x)
    return M.Model(x, y)


@case(floats(3, 4, 5), batch=3, tags=("dense",))
def dense_4d(L, M):
    """Dense(3, relu) on 4-D input (batch, 3, 4, 5): contracts the last axis."""
    x = L.Input(shape=(3, 4, 5))
    y = L.Dense(3, activation="relu")(x)
    return M.Model(x, y)


@case(floats(8), tags=("dense", "dropout"))
def mlp_dropout(L, M):
    """Dense-Dropout-Dense-Dropout-Dense: Dropout is the identity in predict()."""
    x = L.Input(shape=(8,))
    h = L.Dense(6, activation="relu")(x)
    h = L.Dropout(0.5)(h)
    h = L.Dense(4, activation="tanh")(h)
    h = L.Dropout(0.25)(h)
    y = L.Dense(3, activation="softmax")(h)
    return M.Model(x, y)


@case(floats(6), tags=("activation", "multi_output"))
def activation_layers(L, M):
    """One Dense feeding five Activation layers; five outputs, in order."""
    x = L.Input(shape=(6,))
    z = L.Dense(5)(x)
    outputs = [
        L.Activation("linear")(z),
        L.Activation("relu")(z),
        L.Activation("sigmoid")(z),
        L.Activation("tanh")(z),
        L.Activation("softmax")(z),
    ]
    return M.Model(x, outputs)


@case(floats(5), tags=("dense", "train_base"))
def mlp_regression(L, M):
    """Dense(8, tanh) then Dense(2): a small regression network."""
    x = L.Input(shape=(5,))
    h = L.Dense(8, activation="tanh")(x)
    y = L.Dense(2)(h)
    return M.Model(x, y)


@case(floats(6), tags=("dense", "train_base"))
def binary_classifier(L, M):
    """Dense(5, relu) then Dense(1, sigmoid)."""
    x = L.Input(shape=(6,))
    h = L.Dense(5, activation="relu")(x)
    y = L.Dense(1, activation="sigmoid")(h)
    return M.Model(x, y)


# ------------------------------------------------------------ Embedding ---


@case(token_ids(10, 7), tags=("embedding",))
def embedding_lookup(L, M):
    """Embedding(10, 4): a row lookup; equal ids give equal rows."""
    x = L.Input(shape=(7,), dtype="int32")
    y = L.Embedding(10, 4)(x)
    return M.Model(x, y)


@case(token_ids(6, 3), tags=("embedding", "frozen", "seed"))
def embedding_frozen_seed(L, M):
    """The learner's frozen Embedding(6, 2) on 3 ids: (None, 3, 2), 12 parameters."""
    x = L.Input(shape=(3,), dtype="int32")
    y = L.Embedding(6, 2, trainable=False)(x)
    return M.Model(x, y)


@case(padded_ids(8, ["xxxxx", "xx000", "x0x0x"]), tags=("embedding", "mask"))
def embedding_mask_zero(L, M):
    """Embedding(8, 3, mask_zero=True): id 0 still returns row 0 (it is not zeroed)."""
    x = L.Input(shape=(5,), dtype="int32")
    y = L.Embedding(8, 3, mask_zero=True)(x)
    return M.Model(x, y)


@case(token_ids(12, 5), tags=("embedding", "dense", "train_base"))
def embedding_dense_softmax(L, M):
    """Embedding(12, 5) then Dense(3, softmax) per position."""
    x = L.Input(shape=(5,), dtype="int32")
    h = L.Embedding(12, 5)(x)
    y = L.Dense(3, activation="softmax")(h)
    return M.Model(x, y)


# ----------------------------------------------------------------- LSTM ---


@case(floats(6, 5), tags=("lstm",))
def lstm_last(L, M):
    """LSTM(4): only the last output, (batch, 4)."""
    x = L.Input(shape=(6, 5))
    y = L.LSTM(4)(x)
    return M.Model(x, y)


@case(floats(6, 5), tags=("lstm",))
def lstm_sequences(L, M):
    """LSTM(4, return_sequences=True): every step, (batch, 6, 4)."""
    x = L.Input(shape=(6, 5))
    y = L.LSTM(4, return_sequences=True)(x)
    return M.Model(x, y)


@case(floats(6, 5), tags=("lstm", "multi_output"))
def lstm_state(L, M):
    """LSTM(4, return_state=True): outputs [last output, h, c]; output equals h."""
    x = L.Input(shape=(6, 5))
    y, h, c = L.LSTM(4, return_state=True)(x)
    return M.Model(x, [y, h, c])


@case(floats(6, 5), tags=("lstm", "multi_output"))
def lstm_sequences_state(L, M):
    """LSTM(4, return_sequences=True, return_state=True): [sequence, h, c]."""
    x = L.Input(shape=(6, 5))
    y, h, c = L.LSTM(4, return_sequences=True, return_state=True)(x)
    return M.Model(x, [y, h, c])


@case(floats(6, 5), floats(4), floats(4), tags=("lstm", "initial_state", "multi_output"))
def lstm_initial_state_inputs(L, M):
    """LSTM(4) started from initial_state=[h0, c0] fed by two extra Inputs."""
    x = L.Input(shape=(6, 5))
    h0 = L.Input(shape=(4,))
    c0 = L.Input(shape=(4,))
    y, h, c = L.LSTM(4, return_sequences=True, return_state=True)(x, initial_state=[h0, c0])
    return M.Model([x, h0, c0], [y, h, c])


@case(floats(5, 3), tags=("lstm",))
def lstm_no_unit_forget_bias(L, M):
    """LSTM(3, unit_forget_bias=False, return_sequences=True): same maths, other init."""
    x = L.Input(shape=(5, 3))
    y = L.LSTM(3, unit_forget_bias=False, return_sequences=True)(x)
    return M.Model(x, y)


@case(floats(6, 4), tags=("lstm", "dense"))
def lstm_stacked_dense(L, M):
    """LSTM(5, return_sequences=True) -> LSTM(3) -> Dense(2, softmax)."""
    x = L.Input(shape=(6, 4))
    h = L.LSTM(5, return_sequences=True)(x)
    h = L.LSTM(3)(h)
    y = L.Dense(2, activation="softmax")(h)
    return M.Model(x, y)


@case(floats(7, 3), batch=3, tags=("lstm", "variable_length"))
def lstm_variable_length(L, M):
    """Input(shape=(None, 3)): the time axis is unknown when the model is built."""
    x = L.Input(shape=(None, 3))
    y = L.LSTM(4, return_sequences=True)(x)
    return M.Model(x, y)


@case(padded_ids(16, MASK_ROWS, distinct=True), tags=("lstm", "mask", "train_base"))
def lstm_mask_last(L, M):
    """Embedding(mask_zero=True) -> LSTM(3): masked steps are skipped."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(16, 4, mask_zero=True)(x)
    y = L.LSTM(3)(h)
    return M.Model(x, y)


@case(padded_ids(10, MASK_ROWS), tags=("lstm", "mask", "multi_output"))
def lstm_mask_sequences_state(L, M):
    """Masked LSTM(3, return_sequences, return_state): masked steps repeat the last output."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(10, 4, mask_zero=True)(x)
    y, h_last, c_last = L.LSTM(3, return_sequences=True, return_state=True)(h)
    return M.Model(x, [y, h_last, c_last])


@case(
    padded_ids(10, MASK_ROWS_LEADING),
    floats(3),
    floats(3),
    tags=("lstm", "mask", "initial_state", "multi_output", "keras3_initial_state_drops_mask"),
)
def lstm_mask_initial_state(L, M):
    """Keras 3 quirk: an LSTM called with initial_state= does NOT receive the
    Embedding's mask (every step is processed), though its sequence output
    still carries the mask downstream."""
    x = L.Input(shape=(6,), dtype="int32")
    h0 = L.Input(shape=(3,))
    c0 = L.Input(shape=(3,))
    e = L.Embedding(10, 4, mask_zero=True)(x)
    y, h, c = L.LSTM(3, return_sequences=True, return_state=True)(e, initial_state=[h0, c0])
    return M.Model([x, h0, c0], [y, h, c])


@case(
    padded_ids(10, MASK_ROWS_LEADING),
    floats(3),
    floats(3),
    tags=("lstm", "mask", "initial_state", "multi_output"),
)
def lstm_mask_initial_state_explicit(L, M):
    """Masked LSTM from initial_state=[h0, c0] with mask= passed explicitly:
    a leading padded step outputs zeros, an all-padding row keeps h0 and c0."""
    x = L.Input(shape=(6,), dtype="int32")
    h0 = L.Input(shape=(3,))
    c0 = L.Input(shape=(3,))
    embedding = L.Embedding(10, 4, mask_zero=True)
    e = embedding(x)
    mask = embedding.compute_mask(x)
    lstm = L.LSTM(3, return_sequences=True, return_state=True)
    y, h, c = lstm(e, initial_state=[h0, c0], mask=mask)
    return M.Model([x, h0, c0], [y, h, c])


@case(padded_ids(10, MASK_ROWS), tags=("lstm", "mask"))
def lstm_mask_stacked(L, M):
    """The mask travels through LSTM(return_sequences=True) into a second LSTM."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(10, 4, mask_zero=True)(x)
    h = L.LSTM(4, return_sequences=True)(h)
    y = L.LSTM(3)(h)
    return M.Model(x, y)


@case(padded_ids(16, MASK_ROWS, distinct=True), tags=("lstm", "mask", "dense", "train_base"))
def lstm_mask_time_dense(L, M):
    """Masked LSTM(4, return_sequences=True) -> Dense(3, softmax) per step."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(16, 4, mask_zero=True)(x)
    h = L.LSTM(4, return_sequences=True)(h)
    y = L.Dense(3, activation="softmax")(h)
    return M.Model(x, y)


@case(token_ids(10, 6), tags=("lstm", "embedding", "frozen", "train_base"))
def embed_frozen_lstm(L, M):
    """Frozen Embedding(10, 4, trainable=False) -> LSTM(3) -> Dense(3, softmax)."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(10, 4, trainable=False)(x)
    h = L.LSTM(3)(h)
    y = L.Dense(3, activation="softmax")(h)
    return M.Model(x, y)


# -------------------------------------------------------------- seq2seq ---


@case(floats(5, 6), floats(4, 7), tags=("lstm", "seq2seq", "initial_state", "train_base"))
def seq2seq(L, M):
    """The seq2seq training model: encoder states become the decoder's initial_state."""
    encoder_inputs = L.Input(shape=(None, 6))
    _, state_h, state_c = L.LSTM(4, return_state=True)(encoder_inputs)
    decoder_inputs = L.Input(shape=(None, 7))
    decoder_lstm = L.LSTM(4, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=[state_h, state_c])
    decoder_outputs = L.Dense(7, activation="softmax")(decoder_outputs)
    return M.Model([encoder_inputs, decoder_inputs], decoder_outputs)


@case(floats(4, 7), floats(4), floats(4), tags=("lstm", "seq2seq", "multi_output"))
def seq2seq_inference_decoder(L, M):
    """The seq2seq inference decoder: [tokens, h, c] in, [probabilities, h, c] out."""
    decoder_inputs = L.Input(shape=(None, 7))
    state_h_in = L.Input(shape=(4,))
    state_c_in = L.Input(shape=(4,))
    decoder_lstm = L.LSTM(4, return_sequences=True, return_state=True)
    outputs, state_h, state_c = decoder_lstm(decoder_inputs, initial_state=[state_h_in, state_c_in])
    outputs = L.Dense(7, activation="softmax")(outputs)
    return M.Model([decoder_inputs, state_h_in, state_c_in], [outputs, state_h, state_c])


SEQ2SEQ_ENCODER_ROWS = ["xxxxx", "xxx00", "x0xx0", "xx000"]
SEQ2SEQ_DECODER_ROWS = ["xxxx", "xxx0", "xx00", "x0x0"]


@case(
    padded_ids(9, SEQ2SEQ_ENCODER_ROWS),
    padded_ids(8, SEQ2SEQ_DECODER_ROWS),
    tags=(
        "lstm",
        "seq2seq",
        "mask",
        "embedding",
        "train_base",
        "keras3_initial_state_drops_mask",
    ),
)
def seq2seq_embedding_mask(L, M):
    """seq2seq with masked Embeddings on both sides. Keras 3 quirk: the encoder
    is masked, the decoder LSTM (called with initial_state=) is not, yet the
    decoder mask reaches the output (and the loss)."""
    encoder_inputs = L.Input(shape=(5,), dtype="int32")
    e = L.Embedding(9, 4, mask_zero=True)(encoder_inputs)
    _, state_h, state_c = L.LSTM(5, return_state=True)(e)
    decoder_inputs = L.Input(shape=(4,), dtype="int32")
    d = L.Embedding(8, 4, mask_zero=True)(decoder_inputs)
    d, _, _ = L.LSTM(5, return_sequences=True, return_state=True)(
        d, initial_state=[state_h, state_c]
    )
    y = L.Dense(8, activation="softmax")(d)
    return M.Model([encoder_inputs, decoder_inputs], y)


@case(
    padded_ids(9, SEQ2SEQ_ENCODER_ROWS),
    padded_ids(8, SEQ2SEQ_DECODER_ROWS),
    tags=("lstm", "seq2seq", "mask", "embedding"),
)
def seq2seq_embedding_mask_explicit(L, M):
    """seq2seq with masked Embeddings; the decoder mask is passed with mask=,
    so both LSTMs skip padding."""
    encoder_inputs = L.Input(shape=(5,), dtype="int32")
    e = L.Embedding(9, 4, mask_zero=True)(encoder_inputs)
    _, state_h, state_c = L.LSTM(5, return_state=True)(e)
    decoder_inputs = L.Input(shape=(4,), dtype="int32")
    decoder_embedding = L.Embedding(8, 4, mask_zero=True)
    d = decoder_embedding(decoder_inputs)
    decoder_mask = decoder_embedding.compute_mask(decoder_inputs)
    d, _, _ = L.LSTM(5, return_sequences=True, return_state=True)(
        d, initial_state=[state_h, state_c], mask=decoder_mask
    )
    y = L.Dense(8, activation="softmax")(d)
    return M.Model([encoder_inputs, decoder_inputs], y)


# --------------------------------------------------------------- Conv2D ---


@case(floats(7, 7, 2), batch=3, tags=("conv",))
def conv_valid_3x3(L, M):
    """Conv2D(3, (3, 3), padding='valid', relu) on 7x7x2 -> 5x5x3."""
    x = L.Input(shape=(7, 7, 2))
    y = L.Conv2D(3, (3, 3), padding="valid", activation="relu")(x)
    return M.Model(x, y)


@case(floats(7, 7, 2), batch=3, tags=("conv", "same"))
def conv_same_3x3_odd(L, M):
    """Conv2D(3, (3, 3), padding='same', relu) on 7x7: one pixel of padding each side."""
    x = L.Input(shape=(7, 7, 2))
    y = L.Conv2D(3, (3, 3), padding="same", activation="relu")(x)
    return M.Model(x, y)


@case(floats(8, 8, 2), batch=3, tags=("conv", "same", "stride", "train_base"))
def conv_same_3x3_stride2_even(L, M):
    """Conv2D(4, (3, 3), strides=(2, 2), 'same') on 8x8: total padding 1, all of it after."""
    x = L.Input(shape=(8, 8, 2))
    y = L.Conv2D(4, (3, 3), strides=(2, 2), padding="same", activation="relu")(x)
    return M.Model(x, y)


@case(floats(7, 7, 2), batch=3, tags=("conv", "same", "stride"))
def conv_same_3x3_stride2_odd(L, M):
    """Conv2D(4, (3, 3), strides=(2, 2), 'same') on 7x7: total padding 2, one each side."""
    x = L.Input(shape=(7, 7, 2))
    y = L.Conv2D(4, (3, 3), strides=(2, 2), padding="same", activation="relu")(x)
    return M.Model(x, y)


@case(floats(6, 5, 3), batch=3, tags=("conv", "same"))
def conv_same_2x3(L, M):
    """Conv2D(2, (2, 3), 'same') on 6x5: rows padded (0 before, 1 after), columns (1, 1)."""
    x = L.Input(shape=(6, 5, 3))
    y = L.Conv2D(2, (2, 3), padding="same", activation="relu")(x)
    return M.Model(x, y)


@case(floats(7, 8, 1), batch=3, tags=("conv", "same", "stride"))
def conv_same_2x3_stride2(L, M):
    """Conv2D(3, (2, 3), strides=(2, 2), 'same') on 7x8 -> 4x4, padding (0, 1) on both axes."""
    x = L.Input(shape=(7, 8, 1))
    y = L.Conv2D(3, (2, 3), strides=(2, 2), padding="same", activation="relu")(x)
    return M.Model(x, y)


@case(floats(8, 9, 2), batch=3, tags=("conv", "stride"))
def conv_valid_2x3_stride2(L, M):
    """Conv2D(3, (2, 3), strides=(2, 2), 'valid', relu) on 8x9 -> 4x4."""
    x = L.Input(shape=(8, 9, 2))
    y = L.Conv2D(3, (2, 3), strides=(2, 2), padding="valid", activation="relu")(x)
    return M.Model(x, y)


@case(floats(6, 7, 1), batch=3, tags=("conv", "same", "stride"))
def conv_int_args_no_bias(L, M):
    """Conv2D(2, 3, strides=(2, 1), 'same', use_bias=False): int kernel_size, uneven strides."""
    x = L.Input(shape=(6, 7, 1))
    y = L.Conv2D(2, 3, strides=(2, 1), padding="same", use_bias=False)(x)
    return M.Model(x, y)


@case(floats(8, 8, 1), batch=3, tags=("conv", "flatten", "dense", "train_base"))
def conv_stack_flatten_dense(L, M):
    """Conv2D(same) -> Conv2D(stride 2, valid) -> Flatten -> Dense(5) -> Dense(3, softmax)."""
    x = L.Input(shape=(8, 8, 1))
    h = L.Conv2D(4, (3, 3), padding="same", activation="relu")(x)
    h = L.Conv2D(3, (3, 3), strides=(2, 2), padding="valid", activation="relu")(h)
    h = L.Flatten()(h)
    h = L.Dense(5, activation="relu")(h)
    y = L.Dense(3, activation="softmax")(h)
    return M.Model(x, y)


@case(floats(5, 5, 2), floats(6, 7, 2), batch=3, tags=("conv", "shared", "seed", "multi_output"))
def shared_conv_two_sizes(L, M):
    """The learner's shared Conv2D(padding='same') called on two image sizes."""
    a = L.Input(shape=(5, 5, 2))
    b = L.Input(shape=(6, 7, 2))
    conv = L.Conv2D(3, (3, 3), padding="same")
    return M.Model([a, b], [conv(a), conv(b)])


# -------------------------------------------------------------- merging ---


@case(floats(5), floats(3), tags=("merge",))
def concat_last_axis(L, M):
    """Concatenate(axis=-1) of (5,) and (3,) -> Dense(2)."""
    a = L.Input(shape=(5,))
    b = L.Input(shape=(3,))
    h = L.Concatenate(axis=-1)([a, b])
    y = L.Dense(2)(h)
    return M.Model([a, b], y)


@case(floats(4, 3), floats(2, 3), tags=("merge",))
def concat_axis1_sequences(L, M):
    """Concatenate(axis=1) of (4, 3) and (2, 3) along time -> (6, 3) -> Dense(2, tanh)."""
    a = L.Input(shape=(4, 3))
    b = L.Input(shape=(2, 3))
    h = L.Concatenate(axis=1)([a, b])
    y = L.Dense(2, activation="tanh")(h)
    return M.Model([a, b], y)


@case(floats(4, 3), floats(4, 2), tags=("merge",))
def concatenate_function_3d(L, M):
    """L.concatenate([a, b], axis=-1) on (4, 3) and (4, 2), then Dense(3, sigmoid)."""
    a = L.Input(shape=(4, 3))
    b = L.Input(shape=(4, 2))
    h = L.concatenate([a, b], axis=-1)
    y = L.Dense(3, activation="sigmoid")(h)
    return M.Model([a, b], [h, y])


@case(floats(5), floats(5), tags=("merge",))
def add_layer(L, M):
    """Add()([Dense(4)(a), Dense(4)(b)]) -> Activation('relu')."""
    a = L.Input(shape=(5,))
    b = L.Input(shape=(5,))
    h = L.Add()([L.Dense(4)(a), L.Dense(4)(b)])
    y = L.Activation("relu")(h)
    return M.Model([a, b], y)


@case(floats(4), floats(4), floats(4), tags=("merge",))
def add_function_three(L, M):
    """L.add of three inputs, then Dense(2)."""
    a = L.Input(shape=(4,))
    b = L.Input(shape=(4,))
    c = L.Input(shape=(4,))
    h = L.add([a, b, c])
    y = L.Dense(2)(h)
    return M.Model([a, b, c], y)


@case(floats(6), tags=("merge", "train_base"))
def residual_block(L, M):
    """Two residual Dense blocks (L.add and Add()) then Dense(2)."""
    x = L.Input(shape=(6,))
    h = L.Dense(6, activation="relu")(x)
    h = L.add([x, h])
    g = L.Dense(6, activation="tanh")(h)
    h = L.Add()([h, g])
    y = L.Dense(2)(h)
    return M.Model(x, y)


@case(floats(5), tags=("merge", "weight_order"))
def branch_order(L, M):
    """Branches of unequal depth from one input: pins Keras's order of get_weights()."""
    x = L.Input(shape=(5,))
    short = L.Dense(3, activation="relu")(x)
    long = L.Dense(4, activation="tanh")(x)
    long = L.Dense(2)(long)
    h = L.concatenate([short, long])
    y = L.Dense(2)(h)
    return M.Model(x, y)


# --------------------------------------------------------- shared LSTM ---


@case(floats(6, 5), floats(6, 5), tags=("lstm", "shared", "merge", "seed", "train_base"))
def shared_lstm_tweets(L, M):
    """The learner's two-tweets model: shared LSTM(4), concatenate, Dense(1, sigmoid)."""
    tweet_a = L.Input(shape=(6, 5))
    tweet_b = L.Input(shape=(6, 5))
    shared_lstm = L.LSTM(4)
    encoded_a = shared_lstm(tweet_a)
    encoded_b = shared_lstm(tweet_b)
    merged_vector = L.concatenate([encoded_a, encoded_b], axis=-1)
    predictions = L.Dense(1, activation="sigmoid")(merged_vector)
    return M.Model([tweet_a, tweet_b], predictions)


@case(floats(6, 5), floats(4, 5), tags=("lstm", "shared", "seed", "multi_output"))
def shared_lstm_two_lengths(L, M):
    """The learner's shared LSTM(3) on (6, 5) and (4, 5): one set of weights, two calls."""
    a = L.Input(shape=(6, 5))
    b = L.Input(shape=(4, 5))
    lstm = L.LSTM(3)
    return M.Model([a, b], [lstm(a), lstm(b)])


# --------------------------------------------------------------------------
# Training cases.
# --------------------------------------------------------------------------

# name -> (optimizer class name, keyword arguments); Keras defaults otherwise.
OPTIMIZERS = {
    "sgd": ("SGD", {"learning_rate": 0.1}),
    "momentum": ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    "nesterov": ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    "rmsprop": ("RMSprop", {}),
    "adam": ("Adam", {}),
    "adagrad": ("Adagrad", {}),
    # Optimizers and options of issue 12; values chosen so each option acts within 3 steps.
    "adamw": ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.5}),
    "nadam": ("Nadam", {"learning_rate": 0.01}),
    "adamax": ("Adamax", {"learning_rate": 0.01}),
    "adadelta": ("Adadelta", {"learning_rate": 1.0}),
    "ftrl": (
        "Ftrl",
        {
            "learning_rate": 0.1,
            "l1_regularization_strength": 0.01,
            "l2_regularization_strength": 0.01,
            "l2_shrinkage_regularization_strength": 0.01,
            "beta": 0.1,
        },
    ),
    "lion": ("Lion", {"learning_rate": 0.01}),
    "amsgrad": ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
    "rmsprop_centered": ("RMSprop", {"momentum": 0.5, "centered": True}),
    "weight_decay": ("SGD", {"learning_rate": 0.1, "weight_decay": 0.5}),
    "clipnorm": ("Adam", {"learning_rate": 0.01, "clipnorm": 0.1}),
    "clipvalue": ("SGD", {"learning_rate": 0.1, "clipvalue": 0.05}),
    "global_clipnorm": ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "global_clipnorm": 0.2}),
    "ema": (
        "SGD",
        {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.5, "ema_overwrite_frequency": 2},
    ),
    "accumulate": ("Adam", {"learning_rate": 0.01, "gradient_accumulation_steps": 2}),
    "exponential_decay": (
        "SGD",
        {
            "learning_rate": {
                "module": "keras.optimizers.schedules",
                "class_name": "ExponentialDecay",
                "config": {"initial_learning_rate": 0.2, "decay_steps": 1, "decay_rate": 0.5},
                "registered_name": None,
            },
            "momentum": 0.5,
        },
    ),
    "piecewise": (
        "Adam",
        {
            "learning_rate": {
                "module": "keras.optimizers.schedules",
                "class_name": "PiecewiseConstantDecay",
                "config": {"boundaries": [0, 1], "values": [0.01, 0.05, 0.001]},
                "registered_name": None,
            },
        },
    ),
}

LOSSES = (
    "mse",
    "mae",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
)


class TrainCase:
    """One training golden case: a forward case, an optimizer and a loss."""

    def __init__(self, case_name, optimizer, loss, description="", tf_sparse_quirk=False):
        if case_name not in CASES:
            raise ValueError(f"unknown forward case {case_name!r}")
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}; valid: {sorted(OPTIMIZERS)}")
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; valid: {LOSSES}")
        self.case = CASES[case_name]
        self.optimizer_key = optimizer
        self.optimizer, self.optimizer_kwargs = OPTIMIZERS[optimizer]
        self.loss = loss
        self.steps = TRAIN_STEPS
        self.name = f"train_{case_name}_{optimizer}_{loss}"
        self.description = description
        # True when the numbers depend on the TensorFlow backend's sparse
        # Embedding gradients (repeated ids + Adam/RMSprop/Adagrad; README).
        self.tf_sparse_quirk = tf_sparse_quirk
        self.seed = zlib.crc32(self.name.encode("utf-8"))

    def __repr__(self):
        return f"TrainCase({self.name!r})"


_TRAIN = [
    TrainCase("mlp_regression", "sgd", "mse", "plain SGD on a 2-layer regression"),
    TrainCase("mlp_regression", "momentum", "mae", "momentum SGD, mean absolute error"),
    TrainCase("binary_classifier", "nesterov", "binary_crossentropy", "Nesterov, sigmoid + BCE"),
    TrainCase("dense_softmax", "rmsprop", "categorical_crossentropy", "RMSprop, one-hot targets"),
    TrainCase("dense_softmax", "adagrad", "sparse_categorical_crossentropy", "Adagrad, int labels"),
    TrainCase("residual_block", "adagrad", "mse", "gradients through two residual adds"),
    TrainCase("conv_stack_flatten_dense", "adam", "categorical_crossentropy", "Adam on a CNN"),
    TrainCase("conv_same_3x3_stride2_even", "sgd", "mse", "conv gradient, asymmetric padding"),
    TrainCase(
        "embedding_dense_softmax",
        "nesterov",
        "sparse_categorical_crossentropy",
        "scce on a 3-D output, trainable Embedding",
    ),
    TrainCase(
        "embedding_dense_softmax",
        "adam",
        "sparse_categorical_crossentropy",
        "repeated ids + Adam: Keras-on-TensorFlow squares each occurrence's gradient",
        tf_sparse_quirk=True,
    ),
    TrainCase(
        "embed_frozen_lstm",
        "momentum",
        "sparse_categorical_crossentropy",
        "the frozen Embedding must not move",
    ),
    TrainCase("lstm_mask_last", "adam", "mae", "masked LSTM; Adam on a trainable Embedding"),
    TrainCase(
        "lstm_mask_time_dense",
        "rmsprop",
        "sparse_categorical_crossentropy",
        "the output mask weights the loss: padded steps do not count",
    ),
    TrainCase(
        "shared_lstm_tweets",
        "rmsprop",
        "binary_crossentropy",
        "the learner's compile(optimizer='rmsprop', loss='binary_crossentropy')",
    ),
    TrainCase(
        "shared_lstm_tweets", "sgd", "binary_crossentropy", "gradients of a shared LSTM add up"
    ),
    TrainCase("seq2seq", "adam", "categorical_crossentropy", "seq2seq with one-hot targets"),
    TrainCase(
        "seq2seq_embedding_mask",
        "momentum",
        "sparse_categorical_crossentropy",
        "masked seq2seq: decoder mask reaches the loss",
    ),
]


# --------------------------------------------------------------------------
# The wider layer set: one section per area, each adding forward cases with
# ``@case`` and training cases with ``_TRAIN += [...]``.
# --------------------------------------------------------------------------

# ------------------------------------------------ Keras surface (issue 9) ---
# Tensor arithmetic on symbolic tensors, keras.ops nodes, dict inputs/outputs,
# activations, the functional-API and sequential-model guides.
# (Dict inputs/outputs and the guides are checked in tests/guides/; keras.ops
# functions cannot be spelled from ``L`` and ``M``, so their nodes appear here
# through the Python operators, which Keras 3 and kerastutor both map to ops.)


@case(floats(4), floats(4), tags=("operators",))
def symbolic_arithmetic(L, M):
    """Every binary and unary operator on two symbolic tensors, one output each."""
    a = L.Input(shape=(4,))
    b = L.Input(shape=(4,))
    outputs = [
        a + b,
        a - b,
        a * b,
        a / (abs(b) + 1.0),
        a // 0.5,
        a % 0.75,
        abs(a) ** 1.5,
        a**2,
        -a,
        abs(b),
    ]
    return M.Model([a, b], outputs)


@case(floats(4), tags=("operators",))
def symbolic_reflected(L, M):
    """A Python number on the left: the reflected operators."""
    a = L.Input(shape=(4,))
    outputs = [
        2.0 + a,
        1.0 - a,
        3.0 * a,
        1.0 / (abs(a) + 0.5),
        2.0 ** (a * 0.5),
        2.0 // (abs(a) + 0.5),
    ]
    return M.Model(a, outputs)


@case(floats(3, 4), floats(4, 2), tags=("operators",))
def symbolic_matmul(L, M):
    """``a @ b`` on two batched symbolic tensors, then a Dense."""
    a = L.Input(shape=(3, 4))
    b = L.Input(shape=(4, 2))
    y = L.Dense(3)(a @ b)
    return M.Model([a, b], y)


@case(floats(3, 4), tags=("operators",))
def symbolic_indexing(L, M):
    """Indexing and slicing a symbolic tensor: ``x[:, 0]``, ``x[:, 1:3]``, ``x[..., None]``."""
    x = L.Input(shape=(3, 4))
    outputs = [x[:, 0], x[:, 1:3], x[..., None], x[:, :, ::2], x[:, -1, 1]]
    return M.Model(x, outputs)


@case(floats(5), tags=("operators",))
def gated_units_by_operators(L, M):
    """Dense layers combined by operators, as an LSTM cell combines its gates."""
    x = L.Input(shape=(5,))
    h = L.Dense(6, activation="tanh")(x)
    g = L.Dense(6, activation="sigmoid")(x)
    y = L.Dense(2)(h * g + 0.5 * h - g**2)
    return M.Model(x, y)


@case(floats(3, 4), tags=("operators",))
def slices_of_a_dense_sequence(L, M):
    """A Dense over time steps, then its first and last step combined by slicing."""
    x = L.Input(shape=(3, 4))
    h = L.Dense(5, activation="tanh")(x)
    y = L.Dense(1)(h[:, -1] - h[:, 0])
    return M.Model(x, y)


@case(floats(6), tags=("operators",))
def residual_by_operators(L, M):
    """A residual connection written ``x + f(x)`` and an average written ``(p + q) / 2``."""
    x = L.Input(shape=(6,))
    h = L.Dense(6, activation="relu")(x)
    p = L.Dense(3)(x + h)
    q = L.Dense(3)(h)
    return M.Model(x, (p + q) / 2.0)


_TRAIN += [
    TrainCase("gated_units_by_operators", "sgd", "mse", "gradients through * + - ** op nodes"),
    TrainCase("gated_units_by_operators", "rmsprop", "mae", "op nodes under RMSprop"),
    TrainCase("slices_of_a_dense_sequence", "momentum", "mse", "gradients through slicing"),
    TrainCase("residual_by_operators", "adam", "mse", "x + f(x) and (p + q) / 2 in fit"),
]

# activations

KERAS3_ACTIVATIONS = (
    "gelu",
    "silu",
    "swish",
    "elu",
    "selu",
    "leaky_relu",
    "softplus",
    "softsign",
    "hard_sigmoid",
    "exponential",
    "log_softmax",
)


@case(floats(6), tags=("activation", "multi_output"))
def activation_layers_keras3(L, M):
    """One Dense(7) feeding an Activation layer per Keras 3 activation name; 11 outputs."""
    x = L.Input(shape=(6,))
    z = L.Dense(7)(x)
    z = L.Dense(7)(L.concatenate([z, z]))  # a second Dense widens z's range past hard_sigmoid's +-3
    return M.Model(x, [L.Activation(name)(z) for name in KERAS3_ACTIVATIONS])


@case(floats(5), tags=("activation", "dense"))
def dense_keras3_activations(L, M):
    """A stack of Dense layers, each with another activation given by name."""
    x = L.Input(shape=(5,))
    h = L.Dense(8, activation="gelu")(x)
    h = L.Dense(7, activation="silu")(h)
    h = L.Dense(7, activation="elu")(h)
    h = L.Dense(6, activation="selu")(h)
    h = L.Dense(6, activation="leaky_relu")(h)
    h = L.Dense(6, activation="softplus")(h)
    h = L.Dense(5, activation="softsign")(h)
    h = L.Dense(5, activation="hard_sigmoid")(h)
    h = L.Dense(4, activation="swish")(h)
    return M.Model(x, L.Dense(3, activation="log_softmax")(h))


_TRAIN += [
    TrainCase("dense_keras3_activations", "adam", "mse", "gradients through nine activations"),
]


# ---------------------------------------------- recurrent wing (issue 10) ---
# SimpleRNN, GRU, LSTM options, RNN(cell), Bidirectional, TimeDistributed,
# RepeatVector, Masking.


@case(floats(6, 3), tags=("simple_rnn",))
def simple_rnn_last(L, M):
    """SimpleRNN(4): h = tanh(x @ W + h @ U + b), the last step's h."""
    x = L.Input(shape=(6, 3))
    return M.Model(x, L.SimpleRNN(4)(x))


@case(floats(5, 3), tags=("simple_rnn", "multi_output"))
def simple_rnn_sequences_state_backwards(L, M):
    """SimpleRNN(3, return_sequences, return_state, go_backwards, relu, no bias)."""
    x = L.Input(shape=(5, 3))
    y, h = L.SimpleRNN(
        3,
        activation="relu",
        use_bias=False,
        return_sequences=True,
        return_state=True,
        go_backwards=True,
    )(x)
    return M.Model(x, [y, h])


@case(padded_ids(10, MASK_ROWS), tags=("simple_rnn", "mask"))
def simple_rnn_mask(L, M):
    """Masked SimpleRNN(3, return_sequences=True) -> Dense(2): padded steps repeat."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(10, 4, mask_zero=True)(x)
    h = L.SimpleRNN(3, return_sequences=True)(h)
    return M.Model(x, L.Dense(2)(h))


@case(floats(6, 3), tags=("gru", "train_base"))
def gru_last(L, M):
    """GRU(4), Keras 3's default reset_after=True: bias (2, 12)."""
    x = L.Input(shape=(6, 3))
    return M.Model(x, L.GRU(4)(x))


@case(floats(6, 3), tags=("gru", "train_base"))
def gru_reset_before(L, M):
    """GRU(4, reset_after=False): the reset gate before the matmul, bias (12,)."""
    x = L.Input(shape=(6, 3))
    return M.Model(x, L.Dense(2)(L.GRU(4, reset_after=False)(x)))


@case(floats(5, 3), tags=("gru", "multi_output"))
def gru_sequences_state_backwards(L, M):
    """GRU(3, return_sequences, return_state, go_backwards)."""
    x = L.Input(shape=(5, 3))
    y, h = L.GRU(3, return_sequences=True, return_state=True, go_backwards=True)(x)
    return M.Model(x, [y, h])


@case(padded_ids(10, MASK_ROWS), tags=("gru", "mask"))
def gru_mask_reset_before(L, M):
    """Masked GRU(3, reset_after=False, return_sequences, return_state)."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(10, 4, mask_zero=True)(x)
    y, state = L.GRU(3, reset_after=False, return_sequences=True, return_state=True)(h)
    return M.Model(x, [y, state])


@case(floats(5, 3), floats(4), tags=("gru", "initial_state"))
def gru_initial_state(L, M):
    """GRU(4, return_sequences=True) from initial_state=[h0], no bias."""
    x = L.Input(shape=(5, 3))
    h0 = L.Input(shape=(4,))
    y = L.GRU(4, use_bias=False, return_sequences=True)(x, initial_state=[h0])
    return M.Model([x, h0], y)


@case(padded_ids(16, MASK_ROWS, distinct=True), tags=("gru", "simple_rnn", "mask", "train_base"))
def gru_simple_rnn_stacked_mask(L, M):
    """Embedding(mask_zero) -> GRU(4, return_sequences) -> SimpleRNN(3) -> Dense(2, softmax)."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(16, 4, mask_zero=True)(x)
    h = L.GRU(4, return_sequences=True)(h)
    h = L.SimpleRNN(3)(h)
    return M.Model(x, L.Dense(2, activation="softmax")(h))


@case(floats(5, 3), tags=("lstm", "gru", "simple_rnn", "dropout", "multi_output"))
def recurrent_dropout_inference(L, M):
    """dropout and recurrent_dropout change nothing in predict()."""
    x = L.Input(shape=(5, 3))
    a = L.LSTM(3, dropout=0.4, recurrent_dropout=0.3)(x)
    b = L.GRU(3, dropout=0.4, recurrent_dropout=0.3)(x)
    c = L.SimpleRNN(3, dropout=0.4, recurrent_dropout=0.3)(x)
    return M.Model(x, [a, b, c])


@case(padded_ids(10, MASK_ROWS), tags=("lstm", "gru", "mask", "multi_output"))
def zero_output_for_mask(L, M):
    """zero_output_for_mask=True: padded steps output zeros instead of repeating."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(10, 4, mask_zero=True)(x)
    a = L.LSTM(3, return_sequences=True, zero_output_for_mask=True)(h)
    b = L.GRU(3, return_sequences=True, go_backwards=True, zero_output_for_mask=True)(h)
    c = L.GRU(2, zero_output_for_mask=True)(h)
    return M.Model(x, [a, b, c])


@case(floats(5, 3), tags=("rnn_cell", "lstm", "train_base"))
def rnn_lstm_cell(L, M):
    """RNN(LSTMCell(4), return_sequences=True) -> Dense(2): the same as LSTM(4)."""
    x = L.Input(shape=(5, 3))
    h = L.RNN(L.LSTMCell(4), return_sequences=True)(x)
    return M.Model(x, L.Dense(2)(h))


@case(floats(5, 3), tags=("rnn_cell", "gru", "simple_rnn", "multi_output"))
def rnn_cell_list_state(L, M):
    """RNN([GRUCell(3), SimpleRNNCell(2)], return_state=True): a list of cells is stacked."""
    x = L.Input(shape=(5, 3))
    y, h1, h2 = L.RNN([L.GRUCell(3), L.SimpleRNNCell(2)], return_state=True)(x)
    return M.Model(x, [y, h1, h2])


@case(padded_ids(10, MASK_ROWS), tags=("rnn_cell", "mask", "train_base"))
def rnn_stacked_cells_mask(L, M):
    """Masked RNN(StackedRNNCells([GRUCell(4, reset_after=False), LSTMCell(3)])) -> Dense(2)."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(10, 4, mask_zero=True)(x)
    cells = L.StackedRNNCells([L.GRUCell(4, reset_after=False), L.LSTMCell(3)])
    h = L.RNN(cells, return_sequences=True, go_backwards=True)(h)
    return M.Model(x, L.Dense(2)(h))


@case(floats(5, 3), tags=("lstm", "train_base"))
def lstm_backwards_no_bias(L, M):
    """LSTM(3, go_backwards=True, use_bias=False, return_sequences=True) -> Dense(2)."""
    x = L.Input(shape=(5, 3))
    h = L.LSTM(3, go_backwards=True, use_bias=False, return_sequences=True)(x)
    return M.Model(x, L.Dense(2)(h))


@case(padded_ids(10, MASK_ROWS), tags=("lstm", "gru", "mask", "train_base"))
def recurrent_custom_activations(L, M):
    """relu candidates (the readable `_step`, no fused kernel): masked LSTM -> GRU -> Dense."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(10, 4, mask_zero=True)(x)
    h = L.LSTM(3, activation="relu", return_sequences=True)(h)
    h = L.GRU(3, activation="relu", recurrent_activation="tanh")(h)
    return M.Model(x, L.Dense(2)(h))


_TRAIN += [
    TrainCase("simple_rnn_mask", "sgd", "mse", "SimpleRNN gradients through a mask"),
    TrainCase("gru_last", "adam", "mse", "GRU with its (2, 3u) bias, Adam"),
    TrainCase("gru_reset_before", "sgd", "mae", "GRU(reset_after=False)"),
    TrainCase(
        "gru_simple_rnn_stacked_mask",
        "rmsprop",
        "sparse_categorical_crossentropy",
        "masked GRU -> SimpleRNN, each token id once",
    ),
    TrainCase("rnn_lstm_cell", "adam", "mse", "RNN(LSTMCell) trains like LSTM"),
    TrainCase("rnn_stacked_cells_mask", "momentum", "mse", "stacked cells, masked, backwards"),
    TrainCase("lstm_backwards_no_bias", "adam", "mse", "fused LSTM backwards without a bias"),
    TrainCase("recurrent_custom_activations", "sgd", "mse", "the readable loop trains as Keras"),
]


# wrappers


def padded_floats(timesteps, features, rows):
    """Float32 sequences whose timestep t of sample b is all zeros where rows[b][t] is "0".

    Masking(mask_value=0.0) turns exactly those steps into padding.
    """

    def make(rng, batch):
        if batch != len(rows):
            raise ValueError(f"padded_floats has {len(rows)} rows, batch is {batch}")
        pattern = np.array([[c == "x" for c in row] for row in rows])
        values = rng.standard_normal((batch, timesteps, features)).astype(np.float32)
        return np.where(pattern[:, :, None], values, np.float32(0.0))

    make.spec = {
        "kind": "padded_floats",
        "timesteps": timesteps,
        "features": features,
        "rows": list(rows),
    }
    make.batch = len(rows)
    return make


@case(floats(5, 3), tags=("bidirectional", "lstm", "train_base"))
def bidirectional_lstm_concat(L, M):
    """Bidirectional(LSTM(3)) -> Dense(2): forward and backward last outputs, concatenated."""
    x = L.Input(shape=(5, 3))
    h = L.Bidirectional(L.LSTM(3))(x)
    return M.Model(x, L.Dense(2)(h))


@case(floats(5, 3), tags=("bidirectional", "lstm"))
def bidirectional_lstm_sequences_sum(L, M):
    """Bidirectional(LSTM(3, return_sequences=True), merge_mode='sum'): the backward
    sequence is flipped back into time order before the sum."""
    x = L.Input(shape=(5, 3))
    return M.Model(x, L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode="sum")(x))


@case(floats(4, 2), tags=("bidirectional", "lstm"))
def bidirectional_lstm_sequences_mul(L, M):
    """Bidirectional(LSTM(2, return_sequences=True), merge_mode='mul')."""
    x = L.Input(shape=(4, 2))
    return M.Model(x, L.Bidirectional(L.LSTM(2, return_sequences=True), merge_mode="mul")(x))


@case(floats(4, 2), tags=("bidirectional", "lstm"))
def bidirectional_lstm_ave(L, M):
    """Bidirectional(LSTM(3), merge_mode='ave')."""
    x = L.Input(shape=(4, 2))
    return M.Model(x, L.Bidirectional(L.LSTM(3), merge_mode="ave")(x))


@case(floats(4, 3), tags=("bidirectional", "lstm", "multi_output"))
def bidirectional_lstm_states_no_merge(L, M):
    """merge_mode=None with return_sequences and return_state: six outputs,
    [forward, backward, h_f, c_f, h_b, c_b]."""
    x = L.Input(shape=(4, 3))
    outputs = L.Bidirectional(L.LSTM(2, return_sequences=True, return_state=True), merge_mode=None)(
        x
    )
    return M.Model(x, list(outputs))


@case(floats(4, 3), floats(2), floats(2), floats(2), floats(2), tags=("bidirectional", "lstm"))
def bidirectional_lstm_initial_state(L, M):
    """initial_state=[h_f, c_f, h_b, c_b]: the first half starts the forward LSTM."""
    x = L.Input(shape=(4, 3))
    states = [L.Input(shape=(2,)) for _ in range(4)]
    y = L.Bidirectional(L.LSTM(2, return_sequences=True))(x, initial_state=states)
    return M.Model([x, *states], y)


@case(floats(5, 2), tags=("bidirectional", "lstm"))
def bidirectional_lstm_backward_layer(L, M):
    """A backward_layer of its own (relu instead of tanh), with its own weights."""
    x = L.Input(shape=(5, 2))
    backward = L.LSTM(3, activation="relu", go_backwards=True, return_sequences=True)
    y = L.Bidirectional(L.LSTM(3, return_sequences=True), backward_layer=backward)(x)
    return M.Model(x, y)


@case(
    padded_ids(16, MASK_ROWS, distinct=True), tags=("bidirectional", "lstm", "mask", "train_base")
)
def bidirectional_lstm_embedding_mask(L, M):
    """Embedding(mask_zero=True) -> Bidirectional(LSTM(3, return_sequences=True)) ->
    Dense(3, softmax): both directions skip the padding, a padded step outputs
    zeros, and the mask reaches the loss."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(16, 4, mask_zero=True)(x)
    h = L.Bidirectional(L.LSTM(3, return_sequences=True))(h)
    return M.Model(x, L.Dense(3, activation="softmax")(h))


@case(
    padded_ids(16, MASK_ROWS, distinct=True), tags=("bidirectional", "lstm", "mask", "train_base")
)
def bidirectional_lstm_embedding_mask_last(L, M):
    """Embedding(mask_zero=True) -> Bidirectional(LSTM(3)) -> Dense(1, sigmoid)."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(16, 4, mask_zero=True)(x)
    h = L.Bidirectional(L.LSTM(3))(h)
    return M.Model(x, L.Dense(1, activation="sigmoid")(h))


@case(padded_ids(16, MASK_ROWS, distinct=True), tags=("bidirectional", "gru", "mask", "train_base"))
def bidirectional_gru_embedding_mask(L, M):
    """Embedding(mask_zero=True) -> Bidirectional(GRU(3, return_sequences=True)) ->
    Dense(3, softmax): the text-classification shape of Keras's examples, masked."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(16, 4, mask_zero=True)(x)
    h = L.Bidirectional(L.GRU(3, return_sequences=True))(h)
    return M.Model(x, L.Dense(3, activation="softmax")(h))


@case(floats(5, 3), tags=("bidirectional", "gru", "multi_output"))
def bidirectional_gru_states_sum(L, M):
    """Bidirectional(GRU(2, return_state=True), merge_mode='sum'): [output, h_f, h_b],
    one state per direction."""
    x = L.Input(shape=(5, 3))
    outputs = L.Bidirectional(L.GRU(2, return_state=True), merge_mode="sum")(x)
    return M.Model(x, list(outputs))


@case(floats(4, 3), floats(2), floats(2), tags=("bidirectional", "gru", "initial_state"))
def bidirectional_gru_initial_state(L, M):
    """Bidirectional(GRU(2, reset_after=False)) from initial_state=[h_f, h_b]."""
    x = L.Input(shape=(4, 3))
    states = [L.Input(shape=(2,)), L.Input(shape=(2,))]
    layer = L.Bidirectional(L.GRU(2, reset_after=False, return_sequences=True))
    return M.Model([x, *states], layer(x, initial_state=states))


@case(floats(4, 3), tags=("bidirectional", "rnn_cell"))
def bidirectional_rnn_stacked_cells(L, M):
    """Bidirectional(RNN([LSTMCell(2), GRUCell(2)], return_sequences=True), merge_mode='ave')."""
    x = L.Input(shape=(4, 3))
    cells = [L.LSTMCell(2), L.GRUCell(2)]
    y = L.Bidirectional(L.RNN(cells, return_sequences=True), merge_mode="ave")(x)
    return M.Model(x, y)


@case(padded_floats(6, 3, MASK_ROWS), tags=("bidirectional", "simple_rnn", "mask"))
def bidirectional_simple_rnn_backward_layer(L, M):
    """Masking() -> Bidirectional(SimpleRNN(3), backward_layer=SimpleRNN(3, relu),
    merge_mode='mul')."""
    x = L.Input(shape=(6, 3))
    backward = L.SimpleRNN(3, activation="relu", go_backwards=True, return_sequences=True)
    layer = L.Bidirectional(
        L.SimpleRNN(3, return_sequences=True), backward_layer=backward, merge_mode="mul"
    )
    return M.Model(x, layer(L.Masking()(x)))


@case(floats(4, 3), tags=("time_distributed", "dense"))
def time_distributed_dense(L, M):
    """TimeDistributed(Dense(2, tanh)): the same Dense at every timestep."""
    x = L.Input(shape=(4, 3))
    return M.Model(x, L.TimeDistributed(L.Dense(2, activation="tanh"))(x))


@case(padded_ids(16, MASK_ROWS, distinct=True), tags=("time_distributed", "mask", "train_base"))
def time_distributed_mask_zero(L, M):
    """Embedding(mask_zero=True) -> TimeDistributed(Dense(3, softmax)): the mask
    passes through the wrapper to the loss."""
    x = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(16, 4, mask_zero=True)(x)
    return M.Model(x, L.TimeDistributed(L.Dense(3, activation="softmax"))(h))


@case(floats(3, 5, 5, 2), tags=("time_distributed", "conv", "train_base"))
def time_distributed_conv2d(L, M):
    """TimeDistributed(Conv2D(2, 3)) -> TimeDistributed(Flatten()) -> LSTM(2):
    a tiny video model, one Conv2D applied to every frame."""
    x = L.Input(shape=(3, 5, 5, 2))
    h = L.TimeDistributed(L.Conv2D(2, 3, activation="relu"))(x)
    h = L.TimeDistributed(L.Flatten())(h)
    return M.Model(x, L.LSTM(2)(h))


@case(floats(3, 4, 4, 1), tags=("time_distributed", "nested"))
def time_distributed_nested_model(L, M):
    """TimeDistributed(Model(frame -> Flatten -> Dense(3))): a whole model per timestep."""
    frame = L.Input(shape=(4, 4, 1))
    per_frame = M.Model(frame, L.Dense(3)(L.Flatten()(frame)))
    x = L.Input(shape=(3, 4, 4, 1))
    return M.Model(x, L.TimeDistributed(per_frame)(x))


@case(floats(5, 3), tags=("repeat_vector", "lstm", "train_base"))
def repeat_vector_encoder_decoder(L, M):
    """LSTM(4) -> RepeatVector(3) -> LSTM(4, return_sequences=True) ->
    TimeDistributed(Dense(2)): the encoder-decoder without initial_state."""
    x = L.Input(shape=(5, 3))
    h = L.RepeatVector(3)(L.LSTM(4)(x))
    h = L.LSTM(4, return_sequences=True)(h)
    return M.Model(x, L.TimeDistributed(L.Dense(2))(h))


@case(padded_floats(6, 3, MASK_ROWS), tags=("masking", "lstm", "mask", "train_base"))
def masking_lstm_sequences(L, M):
    """Masking() -> LSTM(3, return_sequences=True) -> Dense(2): all-zero steps
    are skipped by the LSTM and left out of the loss."""
    x = L.Input(shape=(6, 3))
    h = L.LSTM(3, return_sequences=True)(L.Masking()(x))
    return M.Model(x, L.Dense(2)(h))


@case(padded_floats(6, 3, MASK_ROWS), tags=("masking", "bidirectional", "mask"))
def masking_bidirectional_lstm(L, M):
    """Masking() -> Bidirectional(LSTM(2)): the mask reaches both directions."""
    x = L.Input(shape=(6, 3))
    return M.Model(x, L.Bidirectional(L.LSTM(2))(L.Masking()(x)))


_TRAIN += [
    TrainCase("bidirectional_lstm_concat", "sgd", "mse", "gradients of both directions"),
    TrainCase(
        "bidirectional_lstm_embedding_mask",
        "adam",
        "sparse_categorical_crossentropy",
        "masked Bidirectional(LSTM): padded steps do not count",
    ),
    TrainCase(
        "bidirectional_lstm_embedding_mask_last",
        "sgd",
        "binary_crossentropy",
        "masked Bidirectional(LSTM) reading to the last real step",
    ),
    TrainCase(
        "bidirectional_gru_embedding_mask",
        "adam",
        "sparse_categorical_crossentropy",
        "masked Embedding -> Bidirectional(GRU), Adam",
    ),
    TrainCase("time_distributed_conv2d", "adam", "mse", "one Conv2D's gradients over 3 frames"),
    TrainCase(
        "time_distributed_mask_zero",
        "rmsprop",
        "sparse_categorical_crossentropy",
        "padded steps leave the loss through TimeDistributed's mask",
    ),
    TrainCase("repeat_vector_encoder_decoder", "rmsprop", "mae", "RepeatVector adds 3 gradients"),
    TrainCase("masking_lstm_sequences", "sgd", "mse", "Masking's mask reaches the LSTM and loss"),
]


# ------------------------------------- convolution and pooling (issue 11) ---
# Conv1D, dilated and grouped Conv2D, Conv2DTranspose, DepthwiseConv2D,
# SeparableConv2D, the pooling layers.


@case(floats(9, 8, 2), tags=("conv",))
def conv2d_dilated(L, M):
    """Conv2D(3, 3, dilation_rate=2) 'valid' (9x8 -> 5x4) and 'same', and a (2, 1)-dilated 2x3."""
    x = L.Input(shape=(9, 8, 2))
    a = L.Conv2D(3, (3, 3), dilation_rate=(2, 2), activation="relu")(x)
    b = L.Conv2D(2, (3, 3), dilation_rate=(2, 2), padding="same")(x)
    c = L.Conv2D(2, (2, 3), dilation_rate=(2, 1), padding="same")(x)
    return M.Model(x, [a, b, c])


@case(floats(6, 7, 4), tags=("conv",))
def conv2d_groups(L, M):
    """Conv2D(6, 3, groups=2, same) and Conv2D(4, (2, 2), strides=2, groups=4) on 4 channels."""
    x = L.Input(shape=(6, 7, 4))
    a = L.Conv2D(6, (3, 3), padding="same", groups=2)(x)
    b = L.Conv2D(4, (2, 2), strides=(2, 2), groups=4, activation="tanh")(x)
    return M.Model(x, [a, b])


@case(floats(10, 3), tags=("conv",))
def conv1d_paddings(L, M):
    """Conv1D(4, 3) 'valid', 'same' with strides 2, 'causal' with dilation 2, grouped."""
    x = L.Input(shape=(10, 3))
    a = L.Conv1D(4, 3, activation="relu")(x)
    b = L.Conv1D(2, 4, strides=2, padding="same")(x)
    c = L.Conv1D(2, 3, padding="causal", dilation_rate=2)(x)
    d = L.Conv1D(3, 2, padding="causal", strides=3)(x)
    return M.Model(x, [a, b, c, d])


@case(floats(9, 4), tags=("conv",))
def conv1d_groups(L, M):
    """Conv1D(6, 2, same, dilation 2, groups 2): Keras's own grouped, dilated case."""
    x = L.Input(shape=(9, 4))
    y = L.Conv1D(6, 2, padding="same", dilation_rate=2, groups=2)(x)
    return M.Model(x, y)


@case(floats(12, 2), tags=("conv", "train_base"))
def conv1d_text_stack(L, M):
    """Conv1D(causal, dilated) -> Conv1D(same) -> MaxPooling1D -> GlobalMaxPooling1D -> Dense."""
    x = L.Input(shape=(12, 2))
    h = L.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="relu")(x)
    h = L.Conv1D(3, 2, padding="same", activation="tanh")(h)
    h = L.MaxPooling1D(2)(h)
    y = L.Dense(2)(L.GlobalMaxPooling1D()(h))
    return M.Model(x, y)


@case(floats(4, 5, 3), tags=("conv",))
def conv2d_transpose_options(L, M):
    """Conv2DTranspose: valid, same with strides 2, output_padding, uneven strides.

    Not dilation: TensorFlow's CPU kernels refuse a dilated transposed convolution in a graph."""
    x = L.Input(shape=(4, 5, 3))
    a = L.Conv2DTranspose(2, (3, 3))(x)
    b = L.Conv2DTranspose(2, (3, 3), strides=(2, 2), padding="same", activation="relu")(x)
    c = L.Conv2DTranspose(2, (3, 2), strides=(2, 2), padding="same", output_padding=(1, 1))(x)
    d = L.Conv2DTranspose(2, (2, 2), strides=(3, 3), output_padding=(2, 1))(x)
    e = L.Conv2DTranspose(2, (2, 3), strides=(2, 1), use_bias=False)(x)
    return M.Model(x, [a, b, c, d, e])


@case(floats(8, 8, 1), tags=("conv", "train_base"))
def conv_autoencoder(L, M):
    """Conv2D(stride 2) -> Conv2DTranspose(stride 2, same): an 8x8 autoencoder."""
    x = L.Input(shape=(8, 8, 1))
    h = L.Conv2D(4, (3, 3), strides=(2, 2), padding="same", activation="relu")(x)
    y = L.Conv2DTranspose(1, (3, 3), strides=(2, 2), padding="same", activation="sigmoid")(h)
    return M.Model(x, y)


@case(floats(7, 6, 3), tags=("conv",))
def depthwise_conv2d_options(L, M):
    """DepthwiseConv2D: multiplier 2, 'same' strides 2, dilation, strides with dilation."""
    x = L.Input(shape=(7, 6, 3))
    a = L.DepthwiseConv2D((3, 3), depth_multiplier=2)(x)
    b = L.DepthwiseConv2D((3, 2), strides=(2, 2), padding="same", activation="relu")(x)
    c = L.DepthwiseConv2D((2, 2), dilation_rate=(2, 2), padding="same", use_bias=False)(x)
    d = L.DepthwiseConv2D((2, 2), strides=(2, 2), dilation_rate=(2, 2))(x)
    return M.Model(x, [a, b, c, d])


@case(floats(7, 6, 3), tags=("conv",))
def separable_conv2d_options(L, M):
    """SeparableConv2D: valid, 'same' strides 2 with multiplier 2, dilated, no bias."""
    x = L.Input(shape=(7, 6, 3))
    a = L.SeparableConv2D(4, (3, 3))(x)
    b = L.SeparableConv2D(2, (3, 3), strides=(2, 2), padding="same", depth_multiplier=2)(x)
    c = L.SeparableConv2D(2, (2, 2), dilation_rate=(2, 2), use_bias=False, activation="tanh")(x)
    return M.Model(x, [a, b, c])


@case(floats(8, 8, 2), tags=("conv", "train_base"))
def mobile_block(L, M):
    """DepthwiseConv2D -> Conv2D(1x1) -> SeparableConv2D(stride 2) -> GlobalAveragePooling2D -> Dense."""
    x = L.Input(shape=(8, 8, 2))
    h = L.DepthwiseConv2D((3, 3), padding="same", depth_multiplier=2, activation="relu")(x)
    h = L.Conv2D(4, (1, 1), activation="relu")(h)
    h = L.SeparableConv2D(3, (3, 3), strides=(2, 2), padding="same")(h)
    y = L.Dense(3, activation="softmax")(L.GlobalAveragePooling2D()(h))
    return M.Model(x, y)


@case(floats(9, 9, 4), tags=("conv", "train_base"))
def conv2d_dilated_grouped_stack(L, M):
    """Conv2D(groups=2, dilated) -> Conv2D(groups=4) -> Flatten -> Dense(2)."""
    x = L.Input(shape=(9, 9, 4))
    h = L.Conv2D(4, (3, 3), dilation_rate=(2, 2), groups=2, activation="relu")(x)
    h = L.Conv2D(4, (2, 2), strides=(2, 2), groups=4, activation="tanh")(h)
    y = L.Dense(2)(L.Flatten()(h))
    return M.Model(x, y)


_TRAIN += [
    TrainCase("conv1d_text_stack", "adam", "mse", "causal dilated Conv1D gradients"),
    TrainCase("conv_autoencoder", "sgd", "binary_crossentropy", "Conv2DTranspose gradients"),
    TrainCase("mobile_block", "adam", "categorical_crossentropy", "depthwise and separable"),
    TrainCase("conv2d_dilated_grouped_stack", "sgd", "mse", "dilated and grouped Conv2D"),
]


@case(floats(7, 6, 2), tags=("pooling",))
def pool_max2d_default(L, M):
    """Conv2D(3, 3, same) -> MaxPooling2D(): 7x6 -> 3x3 (the odd row dropped)."""
    x = L.Input(shape=(7, 6, 2))
    h = L.Conv2D(3, (3, 3), padding="same")(x)
    y = L.MaxPooling2D()(h)
    return M.Model(x, y)


@case(floats(7, 6, 2), tags=("pooling",))
def pool_max2d_same_strided(L, M):
    """MaxPooling2D((3, 2), strides=(2, 1), padding='same') after a Conv2D: overlapping windows."""
    x = L.Input(shape=(7, 6, 2))
    h = L.Conv2D(3, (2, 2), padding="same")(x)
    y = L.MaxPooling2D(pool_size=(3, 2), strides=(2, 1), padding="same")(h)
    return M.Model(x, y)


@case(floats(7, 5, 2), tags=("pooling",))
def pool_average2d(L, M):
    """Conv2D -> AveragePooling2D(2) 'valid' + AveragePooling2D(3, 2, 'same'), both 3x2."""
    x = L.Input(shape=(7, 5, 2))
    h = L.Conv2D(3, (2, 2), activation="relu")(x)
    a = L.AveragePooling2D(pool_size=(2, 2))(h)
    b = L.AveragePooling2D(pool_size=(3, 3), strides=(2, 2), padding="same")(h)
    return M.Model(x, L.add([a, b]))


@case(floats(9, 3), tags=("pooling",))
def pool_1d(L, M):
    """Dense on a sequence -> MaxPooling1D(2) and AveragePooling1D(3, 1, 'same')."""
    x = L.Input(shape=(9, 3))
    h = L.Dense(4, activation="tanh")(x)
    a = L.MaxPooling1D(pool_size=2)(h)
    b = L.AveragePooling1D(pool_size=3, strides=1, padding="same")(h)
    c = L.MaxPooling1D(pool_size=3, strides=2, padding="same")(h)
    return M.Model(x, [a, b, c])


@case(floats(9, 3), tags=("pooling",))
def pool_1d_stack(L, M):
    """Dense -> MaxPooling1D(3, 2, 'same') -> AveragePooling1D(2) -> Flatten -> Dense(2)."""
    x = L.Input(shape=(9, 3))
    h = L.Dense(4, activation="tanh")(x)
    h = L.MaxPooling1D(pool_size=3, strides=2, padding="same")(h)
    h = L.AveragePooling1D(pool_size=2)(h)
    y = L.Dense(2)(L.Flatten()(h))
    return M.Model(x, y)


@case(floats(5, 6, 2), tags=("pooling",))
def pool_global_2d(L, M):
    """Conv2D -> GlobalMaxPooling2D, GlobalAveragePooling2D(keepdims=True), concatenated -> Dense."""
    x = L.Input(shape=(5, 6, 2))
    h = L.Conv2D(4, (3, 3), padding="same", activation="relu")(x)
    a = L.GlobalMaxPooling2D()(h)
    b = L.Flatten()(L.GlobalAveragePooling2D(keepdims=True)(h))
    y = L.Dense(3, activation="softmax")(L.concatenate([a, b]))
    return M.Model(x, y)


@case(floats(6, 3), tags=("pooling",))
def pool_global_1d(L, M):
    """Dense on a sequence -> GlobalMaxPooling1D(keepdims=True) and GlobalAveragePooling1D."""
    x = L.Input(shape=(6, 3))
    h = L.Dense(4)(x)
    a = L.GlobalMaxPooling1D(keepdims=True)(h)
    b = L.GlobalAveragePooling1D()(h)
    return M.Model(x, [a, b])


@case(padded_ids(16, MASK_ROWS, distinct=True), tags=("pooling",))
def pool_global_average_masked(L, M):
    """Embedding(mask_zero=True) -> GlobalAveragePooling1D: the mean over the real tokens."""
    ids = L.Input(shape=(6,), dtype="int32")
    h = L.Embedding(16, 3, mask_zero=True)(ids)
    h = L.GlobalAveragePooling1D()(h)
    y = L.Dense(2, activation="sigmoid")(h)
    return M.Model(ids, y)


@case(floats(12, 12, 1), tags=("pooling", "train_base"))
def pool_cnn_classifier(L, M):
    """Conv2D -> MaxPooling2D -> Conv2D -> MaxPooling2D -> Flatten -> Dense(3, softmax)."""
    x = L.Input(shape=(12, 12, 1))
    h = L.Conv2D(4, (3, 3), activation="relu")(x)
    h = L.MaxPooling2D()(h)
    h = L.Conv2D(3, (3, 3), activation="relu")(h)
    h = L.MaxPooling2D()(h)
    y = L.Dense(3, activation="softmax")(L.Flatten()(h))
    return M.Model(x, y)


_TRAIN += [
    TrainCase("pool_cnn_classifier", "adam", "categorical_crossentropy", "Adam through max pools"),
    TrainCase("pool_max2d_same_strided", "sgd", "mse", "max-pool gradient, overlapping windows"),
    TrainCase("pool_average2d", "sgd", "mse", "average-pool gradients, 'same' excludes padding"),
    TrainCase("pool_1d_stack", "adam", "mae", "1-D pooling gradients"),
    TrainCase("pool_global_2d", "sgd", "categorical_crossentropy", "global pooling gradients"),
    TrainCase(
        "pool_global_average_masked",
        "adam",
        "binary_crossentropy",
        "masked mean: padding gets no gradient",
    ),
]


# ------------------------- shape, normalization and merging (issue 11) ---
# Reshape, Permute, UpSampling, ZeroPadding, Cropping, BatchNormalization,
# LayerNormalization, UnitNormalization, the merge layers, regularizers.


# Regularizers and constraints are given as config dicts (or Keras's names),
# which both libraries read the same way.
L2_005 = {"class_name": "L2", "config": {"l2": 0.05}}
L1L2_SMALL = {"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.02}}
MAX_NORM_05 = {"class_name": "MaxNorm", "config": {"max_value": 0.5, "axis": 0}}


@case(floats(3, 4), tags=("reshape",))
def reshape_dense(L, M):
    """Reshape((2, 6)) and Reshape((-1, 3)) of a (3, 4) sample, then Dense(2)."""
    x = L.Input(shape=(3, 4))
    h = L.Reshape((2, 6))(x)
    h = L.Reshape((-1, 3))(h)
    y = L.Dense(2)(h)
    return M.Model(x, [h, y])


@case(floats(4, 3), tags=("reshape",))
def permute_dense(L, M):
    """Permute((2, 1)) turns (4, 3) into (3, 4), then Dense(2, tanh)."""
    x = L.Input(shape=(4, 3))
    h = L.Permute((2, 1))(x)
    y = L.Dense(2, activation="tanh")(h)
    return M.Model(x, y)


@case(floats(2, 3, 4), tags=("reshape",))
def permute_3d(L, M):
    """Permute((3, 1, 2)) of a (2, 3, 4) sample."""
    x = L.Input(shape=(2, 3, 4))
    return M.Model(x, L.Permute((3, 1, 2))(x))


@case(floats(3, 2, 2), tags=("reshape",))
def flatten_channels_first(L, M):
    """Flatten(data_format='channels_first') of (3, 2, 2) moves the channels last first."""
    x = L.Input(shape=(3, 2, 2))
    h = L.Flatten(data_format="channels_first")(x)
    y = L.Dense(2)(h)
    return M.Model(x, [h, y])


@case(floats(3, 2), tags=("reshape",))
def up_sampling1d(L, M):
    """UpSampling1D(3) of a (3, 2) sequence, then Dense(2)."""
    x = L.Input(shape=(3, 2))
    h = L.UpSampling1D(3)(x)
    return M.Model(x, [h, L.Dense(2)(h)])


@case(floats(5, 2), tags=("reshape",))
def pad_crop_1d(L, M):
    """ZeroPadding1D((2, 1)) then Cropping1D((1, 3)) then Dense(2)."""
    x = L.Input(shape=(5, 2))
    h = L.ZeroPadding1D((2, 1))(x)
    h = L.Cropping1D((1, 3))(h)
    return M.Model(x, [h, L.Dense(2)(h)])


@case(floats(3, 2), tags=("reshape",))
def zero_padding1d_channels_first(L, M):
    """ZeroPadding1D(1, data_format='channels_first') pads the last axis of (3, 2)."""
    x = L.Input(shape=(3, 2))
    return M.Model(x, L.ZeroPadding1D(1, data_format="channels_first")(x))


@case(floats(4, 4, 2), tags=("reshape", "conv"))
def pad_crop_upsample_2d(L, M):
    """ZeroPadding2D(((1, 0), (2, 1))), Cropping2D(((0, 1), (1, 0))), UpSampling2D((1, 2))."""
    x = L.Input(shape=(4, 4, 2))
    h = L.ZeroPadding2D(((1, 0), (2, 1)))(x)
    h = L.Cropping2D(((0, 1), (1, 0)))(h)
    h = L.UpSampling2D((1, 2))(h)
    y = L.Dense(2)(L.Flatten()(h))
    return M.Model(x, [h, y])


@case(floats(2, 3, 3), tags=("reshape", "conv"))
def pad_crop_upsample_2d_channels_first(L, M):
    """The 2-D reshaping layers with data_format='channels_first' on (2, 3, 3)."""
    x = L.Input(shape=(2, 3, 3))
    h = L.ZeroPadding2D(1, data_format="channels_first")(x)
    h = L.Cropping2D(((1, 0), (0, 2)), data_format="channels_first")(h)
    h = L.UpSampling2D(2, data_format="channels_first")(h)
    y = L.Dense(2)(L.Flatten(data_format="channels_first")(h))
    return M.Model(x, [h, y])


@case(floats(6, 6, 1), tags=("reshape", "conv", "train_base"))
def upsampling_autoencoder(L, M):
    """The autoencoder shape: Conv2D, UpSampling2D, Cropping2D, Conv2D back to one channel."""
    x = L.Input(shape=(6, 6, 1))
    h = L.Conv2D(2, 3, activation="relu")(x)
    h = L.UpSampling2D(2)(h)
    h = L.Cropping2D(1)(h)
    y = L.Conv2D(1, 3, padding="same")(h)
    return M.Model(x, y)


@case(floats(3), tags=("reshape",))
def lambda_double_plus_one(L, M):
    """Lambda(lambda x: x * 2.0 + 1.0) then Dense(2)."""
    x = L.Input(shape=(3,))
    h = L.Lambda(lambda t: t * 2.0 + 1.0)(x)
    return M.Model(x, L.Dense(2)(h))


@case(floats(5), tags=("normalization", "train_base"))
def batch_norm_mlp(L, M):
    """Dense(4) -> BatchNormalization() -> Dense(2): predict uses the moving statistics."""
    x = L.Input(shape=(5,))
    h = L.Dense(4)(x)
    h = L.BatchNormalization()(h)
    y = L.Dense(2)(L.Activation("relu")(h))
    return M.Model(x, y)


@case(floats(3, 4), tags=("normalization",))
def batch_norm_axis1_options(L, M):
    """BatchNormalization(axis=1, momentum=0.9, epsilon=0.01, center=False) on (3, 4)."""
    x = L.Input(shape=(3, 4))
    h = L.BatchNormalization(axis=1, momentum=0.9, epsilon=0.01, center=False)(x)
    return M.Model(x, L.BatchNormalization(scale=False)(h))


@case(floats(5, 5, 2), tags=("normalization", "conv", "train_base"))
def batch_norm_conv(L, M):
    """Conv2D(3, 3x3) -> BatchNormalization() -> Flatten -> Dense(2, softmax)."""
    x = L.Input(shape=(5, 5, 2))
    h = L.Conv2D(3, 3)(x)
    h = L.BatchNormalization(momentum=0.5)(h)
    y = L.Dense(2, activation="softmax")(L.Flatten()(h))
    return M.Model(x, y)


@case(floats(4), tags=("normalization", "train_base", "frozen"))
def batch_norm_frozen(L, M):
    """A frozen BatchNormalization(trainable=False) runs in inference mode during fit."""
    x = L.Input(shape=(4,))
    h = L.BatchNormalization(trainable=False)(x)
    return M.Model(x, L.Dense(2)(h))


@case(floats(3, 4), tags=("normalization", "train_base"))
def layer_norm(L, M):
    """LayerNormalization() on (3, 4), then LayerNormalization(axis=[1, 2], center=False)."""
    x = L.Input(shape=(3, 4))
    h = L.Dense(4)(x)
    h = L.LayerNormalization()(h)
    y = L.LayerNormalization(axis=[1, 2], center=False, epsilon=0.01)(h)
    return M.Model(x, y)


@case(floats(3, 4), tags=("normalization", "train_base"))
def group_norm(L, M):
    """GroupNormalization(groups=2) on (3, 4), then GroupNormalization(groups=-1, axis=1)."""
    x = L.Input(shape=(3, 4))
    h = L.Dense(4)(x)
    h = L.GroupNormalization(groups=2)(h)
    y = L.GroupNormalization(groups=-1, axis=1, epsilon=0.01)(h)
    return M.Model(x, y)


@case(floats(3, 4), tags=("normalization",))
def unit_normalization(L, M):
    """UnitNormalization() and UnitNormalization(axis=[1, 2])."""
    x = L.Input(shape=(3, 4))
    return M.Model(x, [L.UnitNormalization()(x), L.UnitNormalization(axis=[1, 2])(x)])


@case(floats(4), floats(4), floats(4), tags=("merge",))
def elementwise_merges(L, M):
    """Subtract, Multiply, Average, Maximum, Minimum of Dense branches."""
    a = L.Input(shape=(4,))
    b = L.Input(shape=(4,))
    c = L.Input(shape=(4,))
    da, db, dc = L.Dense(3)(a), L.Dense(3)(b), L.Dense(3)(c)
    outputs = [
        L.Subtract()([da, db]),
        L.Multiply()([da, db, dc]),
        L.Average()([da, db, dc]),
        L.Maximum()([da, db, dc]),
        L.Minimum()([da, db]),
    ]
    return M.Model([a, b, c], outputs)


@case(floats(3, 4), floats(4), tags=("merge",))
def merge_functions_ranks(L, M):
    """L.subtract / multiply / average / maximum / minimum of (3, 4) with (4,) (broadcast)."""
    a = L.Input(shape=(3, 4))
    b = L.Input(shape=(4,))
    outputs = [
        L.subtract([a, b]),
        L.multiply([a, b]),
        L.average([a, b]),
        L.maximum([a, b]),
        L.minimum([b, a]),
    ]
    return M.Model([a, b], outputs)


@case(floats(5), floats(5), floats(3, 5), floats(4, 5), tags=("merge",))
def dot_layers(L, M):
    """Dot(axes=1), Dot(1, normalize=True), Dot((2, 2)), L.dot((1, 2)) and (1, 1)."""
    a = L.Input(shape=(5,))
    b = L.Input(shape=(5,))
    p = L.Input(shape=(3, 5))
    q = L.Input(shape=(4, 5))
    outputs = [
        L.Dot(axes=1)([a, b]),
        L.Dot(axes=1, normalize=True)([a, b]),
        L.Dot(axes=(2, 2))([p, q]),
        L.dot([a, p], axes=(1, 2)),
        L.Dot(axes=(2, 1))([q, L.Permute((2, 1))(p)]),
    ]
    return M.Model([a, b, p, q], outputs)


@case(
    padded_ids(9, ["xxx000", "xxxxx0", "x00xx0", "xxxxxx"]),
    padded_ids(9, ["xx0000", "xxxxxx", "xx0xx0", "x00000"]),
    tags=("merge", "mask"),
)
def masked_merges(L, M):
    """Two Embedding(mask_zero=True) sequences through Multiply, Maximum, Minimum, Add."""
    a = L.Input(shape=(6,), dtype="int32")
    b = L.Input(shape=(6,), dtype="int32")
    ea = L.Embedding(9, 3, mask_zero=True)(a)
    eb = L.Embedding(9, 3, mask_zero=True)(b)
    outputs = [
        L.Multiply()([ea, eb]),
        L.Maximum()([ea, eb]),
        L.Minimum()([ea, eb]),
        L.Subtract()([ea, eb]),
    ]
    return M.Model([a, b], outputs)


@case(floats(6), floats(6), tags=("merge", "train_base"))
def gated_merge(L, M):
    """A gate: Multiply of Dense(4, sigmoid)(a) and Dense(4)(b), minus Dense(4)(a), Dot(axes=1)."""
    a = L.Input(shape=(6,))
    b = L.Input(shape=(6,))
    gate = L.Dense(4, activation="sigmoid")(a)
    h = L.multiply([gate, L.Dense(4)(b)])
    h = L.subtract([h, L.Dense(4)(a)])
    h = L.maximum([h, L.Dense(4)(b)])
    y = L.Dot(axes=1)([h, L.Dense(4, activation="tanh")(b)])
    return M.Model([a, b], y)


@case(floats(5), tags=("regularizer", "train_base"))
def regularized_mlp(L, M):
    """Dense layers with kernel/bias/activity regularizers ('l2', L1L2, L2(0.05))."""
    x = L.Input(shape=(5,))
    h = L.Dense(
        4,
        activation="tanh",
        kernel_regularizer="l2",
        bias_regularizer=L1L2_SMALL,
        activity_regularizer=L2_005,
    )(x)
    y = L.Dense(2, kernel_regularizer="l1", activity_regularizer="l2")(h)
    return M.Model(x, y)


@case(floats(5), tags=("constraint", "train_base"))
def constrained_mlp(L, M):
    """Dense(kernel_constraint=MaxNorm(0.5), bias_constraint='non_neg'), then unit_norm."""
    x = L.Input(shape=(5,))
    h = L.Dense(4, kernel_constraint=MAX_NORM_05, bias_constraint="non_neg")(x)
    y = L.Dense(2, kernel_constraint="unit_norm", kernel_regularizer=L2_005)(h)
    return M.Model(x, y)


@case(token_ids(7, 4), tags=("regularizer", "constraint", "embedding", "train_base"))
def regularized_embedding(L, M):
    """Embedding(embeddings_regularizer='l2', embeddings_constraint=MaxNorm) -> Flatten -> Dense."""
    ids = L.Input(shape=(4,), dtype="int32")
    h = L.Embedding(
        7,
        3,
        embeddings_regularizer=L2_005,
        activity_regularizer="l1",
        embeddings_constraint={"class_name": "MaxNorm", "config": {"max_value": 0.4, "axis": 1}},
    )(ids)
    y = L.Dense(2)(L.Flatten()(h))
    return M.Model(ids, y)


@case(floats(6, 6, 2), tags=("regularizer", "constraint", "conv", "train_base"))
def regularized_separable(L, M):
    """DepthwiseConv2D and SeparableConv2D with depthwise_/pointwise_ penalties and rules."""
    x = L.Input(shape=(6, 6, 2))
    h = L.DepthwiseConv2D(
        (3, 3), depthwise_regularizer=L2_005, depthwise_constraint=MAX_NORM_05, activation="tanh"
    )(x)
    h = L.SeparableConv2D(
        3,
        (2, 2),
        depthwise_regularizer="l2",
        pointwise_regularizer=L1L2_SMALL,
        pointwise_constraint="non_neg",
        bias_regularizer="l1",
    )(h)
    y = L.Dense(2)(L.Flatten()(h))
    return M.Model(x, y)


_TRAIN += [
    TrainCase("batch_norm_mlp", "sgd", "mse", "BN batch statistics in fit; moving stats move"),
    TrainCase("batch_norm_mlp", "adam", "mae", "Adam through BatchNormalization"),
    TrainCase(
        "batch_norm_conv", "momentum", "categorical_crossentropy", "BN after Conv2D, momentum 0.5"
    ),
    TrainCase("batch_norm_frozen", "sgd", "mse", "a frozen BN: inference mode, nothing moves"),
    TrainCase("layer_norm", "adam", "mse", "gradients through LayerNormalization"),
    TrainCase("group_norm", "sgd", "mse", "gradients through GroupNormalization"),
    TrainCase(
        "upsampling_autoencoder", "sgd", "mse", "gradients through UpSampling2D and Cropping2D"
    ),
    TrainCase(
        "gated_merge", "rmsprop", "mse", "gradients through Multiply, Subtract, Maximum, Dot"
    ),
    TrainCase("regularized_mlp", "sgd", "mse", "regularized loss: weight and activity penalties"),
    TrainCase("regularized_mlp", "adam", "mae", "regularized loss with Adam"),
    TrainCase("constrained_mlp", "sgd", "mse", "constraints applied after each update"),
    TrainCase("regularized_embedding", "momentum", "mse", "Embedding penalty and MaxNorm(axis=1)"),
    TrainCase("regularized_separable", "sgd", "mse", "depthwise_/pointwise_ penalties and rules"),
]


# --------------------------------------------------------- activation layers ---


@case(floats(3, 4), tags=("activation", "train_base"))
def activation_layer_classes(L, M):
    """Dense -> ReLU(cap, leak, threshold) / LeakyReLU / ELU / PReLU(shared) -> Softmax."""
    x = L.Input(shape=(3, 4))
    h = L.Dense(5)(x)
    relu = L.ReLU(max_value=0.9, negative_slope=0.1, threshold=0.2)(h)
    leaky = L.LeakyReLU(negative_slope=0.25)(h)
    elu = L.ELU(alpha=0.6)(h)
    prelu = L.PReLU(alpha_initializer="glorot_uniform", shared_axes=[1])(h)
    merged = L.add([relu, leaky, elu, prelu])
    return M.Model(x, L.Softmax(axis=(1, 2))(L.Dense(2)(merged)))


@case(floats(4), token_ids(2, 4), tags=("activation", "mask"))
def masked_softmax(L, M):
    """Softmax(Dense(4)(x), mask=keep) with an int 0/1 mask input: masked scores get 0."""
    x = L.Input(shape=(4,))
    keep = L.Input(shape=(4,), dtype="int32")
    return M.Model([x, keep], L.Softmax()(L.Dense(4)(x), mask=keep))


@case(floats(4, 3), tags=("preprocessing", "regularizer", "train_base"))
def rescaled_regularized(L, M):
    """Rescaling(per channel) -> Identity -> Dense -> ActivityRegularization -> noise layers
    (identity outside training) -> GlobalAveragePooling1D -> Dense."""
    x = L.Input(shape=(4, 3))
    h = L.Identity()(L.Rescaling([0.5, 2.0, -1.0], offset=0.25)(x))
    h = L.ActivityRegularization(l1=0.01, l2=0.05)(L.Dense(5, activation="tanh")(h))
    h = L.SpatialDropout1D(0.3)(L.GaussianDropout(0.2)(L.GaussianNoise(0.1)(h)))
    return M.Model(x, L.Dense(2)(L.GlobalAveragePooling1D()(h)))


@case(floats(4, 3), tags=("preprocessing", "train_base"))
def normalized_inputs(L, M):
    """Normalization(mean, variance per feature) -> Dense -> Normalization(invert=True)."""
    x = L.Input(shape=(4, 3))
    h = L.Normalization(mean=[0.5, -1.0, 2.0], variance=[4.0, 1.0, 0.25])(x)
    h = L.Dense(2, activation="tanh")(h)
    y = L.Normalization(axis=None, mean=1.5, variance=2.0, invert=True)(L.Flatten()(h))
    return M.Model(x, y)


@case(floats(4, 3), tags=("preprocessing", "regularizer", "train_base"))
def rescaled_activity_penalty(L, M):
    """Rescaling -> Dense -> ActivityRegularization -> Dense: the penalty in fit's loss."""
    x = L.Input(shape=(4, 3))
    h = L.Dense(5, activation="tanh")(L.Rescaling(0.5, offset=-0.1)(x))
    h = L.ActivityRegularization(l1=0.01, l2=0.05)(h)
    return M.Model(x, L.Dense(2)(L.Flatten()(h)))


_TRAIN += [
    TrainCase("activation_layer_classes", "adam", "mse", "gradients through the activation layers"),
    TrainCase("rescaled_activity_penalty", "sgd", "mse", "ActivityRegularization's penalty"),
    TrainCase("normalized_inputs", "adam", "mse", "gradients through Normalization, both ways"),
]


# ---------------------------------------------------- optimizers (issue 12) ---

_TRAIN += [
    TrainCase("mlp_regression", "adamw", "mse", "AdamW: decoupled weight decay, then Adam"),
    TrainCase("mlp_regression", "nadam", "mse", "Nadam: Nesterov momentum in Adam"),
    TrainCase("mlp_regression", "adamax", "mae", "Adamax: the infinity norm"),
    TrainCase("mlp_regression", "adadelta", "mse", "Adadelta, learning_rate=1 as in the paper"),
    TrainCase("binary_classifier", "ftrl", "binary_crossentropy", "FTRL with L1, L2, shrinkage"),
    TrainCase("mlp_regression", "lion", "mse", "Lion: signed steps"),
    TrainCase("dense_softmax", "amsgrad", "categorical_crossentropy", "Adam(amsgrad=True)"),
    TrainCase("mlp_regression", "rmsprop_centered", "mse", "RMSprop centered, with momentum"),
    TrainCase("mlp_regression", "weight_decay", "mse", "weight_decay on SGD"),
    TrainCase("mlp_regression", "clipnorm", "mse", "each gradient clipped to norm 0.1"),
    TrainCase("mlp_regression", "clipvalue", "mae", "gradients clipped to [-0.05, 0.05]"),
    TrainCase("binary_classifier", "global_clipnorm", "binary_crossentropy", "global norm 0.2"),
    TrainCase("mlp_regression", "ema", "mse", "EMA of the weights, copied in at step 2"),
    TrainCase("mlp_regression", "accumulate", "mse", "2-step gradient accumulation"),
    TrainCase("mlp_regression", "exponential_decay", "mse", "ExponentialDecay schedule, SGD"),
    TrainCase("dense_softmax", "piecewise", "categorical_crossentropy", "PiecewiseConstantDecay"),
]


# --------------------------------------------------------------------------

TRAIN_CASES: dict[str, TrainCase] = {t.name: t for t in _TRAIN}
if len(TRAIN_CASES) != len(_TRAIN):
    raise ValueError("duplicate training case names")


def make_targets(loss, output_shape, rng):
    """Draw ``y`` for ``loss`` given the model's output shape (batch included).

    * ``mse`` / ``mae``: float32 from N(0, 1), same shape as the output;
    * ``binary_crossentropy``: float32 0/1, same shape as the output;
    * ``categorical_crossentropy``: float32 one-hot over the last axis;
    * ``sparse_categorical_crossentropy``: int32 class ids, shape ``output_shape[:-1]``.
    """
    output_shape = tuple(output_shape)
    if loss in ("mse", "mae"):
        return rng.standard_normal(output_shape).astype(np.float32)
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, size=output_shape).astype(np.float32)
    classes = output_shape[-1]
    labels = rng.integers(0, classes, size=output_shape[:-1])
    if loss == "sparse_categorical_crossentropy":
        return labels.astype(np.int32)
    if loss == "categorical_crossentropy":
        return np.eye(classes, dtype=np.float32)[labels]
    raise ValueError(f"unknown loss {loss!r}; valid: {LOSSES}")
