"""Issue 13's property-based suite: random valid models, random bad inputs of each class.

Hypothesis draws a small valid model (Sequential or functional, of Dense,
Embedding, LSTM or Conv2D layers) and a bad input of one class: a wrong
axis size, a wrong rank, strings, an Embedding index out of range, a
misspelt keyword, a NaN. Whichever entry point receives it (calling the
model, predict, evaluate, fit, train_on_batch), the error is of the
documented type, its message names a layer (or the model or its input)
and gives both the expected and the received value, and a `snapshot` of
every piece of state taken before the call equals one taken after.
"""

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from snapshot import snapshot

import kerastutor as keras
from kerastutor import layers as L
from kerastutor.engine.arguments import KeywordArgumentError
from kerastutor.layers.embedding import EmbeddingIndexError

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ENTRY_POINTS = ["call", "predict", "evaluate", "fit", "train_on_batch"]


# ------------------------------------------------------------ random valid models


@st.composite
def models(draw, kinds=("dense", "embedding", "lstm", "conv")):
    """(model, the shape of one sample, its dtype, the Embedding's input_dim or None)."""
    kind = draw(st.sampled_from(kinds))
    functional = draw(st.booleans())
    units = draw(st.integers(1, 4))
    vocabulary = None
    if kind == "dense":
        sample = (draw(st.integers(1, 5)),)
        hidden = [L.Dense(draw(st.integers(1, 4))) for _ in range(draw(st.integers(0, 2)))]
    elif kind == "embedding":
        sample, vocabulary = (draw(st.integers(2, 5)),), draw(st.integers(2, 9))
        hidden = [L.Embedding(vocabulary, draw(st.integers(1, 3)))]
        hidden.append(L.LSTM(2) if draw(st.booleans()) else L.Flatten())
    elif kind == "lstm":
        sample = (draw(st.integers(2, 4)), draw(st.integers(1, 3)))
        sequences = draw(st.booleans())
        hidden = [L.LSTM(draw(st.integers(1, 3)), return_sequences=sequences)]
        hidden += [L.Flatten()] if sequences else []
    else:
        size = draw(st.integers(3, 5))
        sample = (size, size, draw(st.integers(1, 2)))
        hidden = [L.Conv2D(draw(st.integers(1, 3)), draw(st.integers(1, 3))), L.Flatten()]
    dtype = "int32" if kind == "embedding" else "float32"
    inputs = keras.Input(sample, dtype=dtype)
    if functional:
        x = inputs
        for layer in [*hidden, L.Dense(units)]:
            x = layer(x)
        model = keras.Model(inputs, x)
    else:
        model = keras.Sequential([inputs, *hidden, L.Dense(units)])
    model.compile("adam", "mse")
    good = _good_data(sample, dtype, vocabulary, 4)
    model.fit(good, np.zeros((4, units)), verbose=0)  # optimizer slots and a step count exist
    return model, sample, dtype, vocabulary


def _good_data(sample, dtype, vocabulary, samples):
    if vocabulary is not None:
        return np.arange(samples * sample[0]).reshape((samples, *sample)) % vocabulary
    return np.linspace(0, 1, samples * int(np.prod(sample))).reshape((samples, *sample))


def _run(model, entry, x):
    units = model.outputs[0].shape[-1]
    y = np.zeros((len(x) if np.ndim(x) else 1, units))
    if entry == "call":
        return model(x)
    if entry == "predict":
        return model.predict(x)
    if entry == "evaluate":
        return model.evaluate(x, y, verbose=0)
    if entry == "train_on_batch":
        return model.train_on_batch(x, y)
    return model.fit(x, y, batch_size=2, verbose=0)


def _names(model):
    return [model.name, *(layer.name for layer in model.operations)]


def _refused(model, call, error_type):
    """Run `call`; it must raise `error_type` and leave every piece of state as it was."""
    before = snapshot(model)
    with pytest.raises(error_type) as info:
        call()
    assert snapshot(model) == before
    message = str(info.value)
    assert any(f"'{name}'" in message for name in _names(model)), message
    return message


def _says(message, *values):
    for value in values:
        assert re.search(rf"(?<![\w.]){re.escape(str(value))}(?![\w])", message), (value, message)


# ------------------------------------------------------------ the classes of bad input


@SETTINGS
@given(drawn=models(), entry=st.sampled_from(ENTRY_POINTS), change=st.integers(1, 3))
def test_a_wrong_axis_size_is_refused_with_both_sizes(drawn, entry, change):
    model, sample, dtype, vocabulary = drawn
    wrong = (*sample[:-1], sample[-1] + change)
    x = _good_data(wrong, dtype, vocabulary, 4)
    message = _refused(model, lambda: _run(model, entry, x), ValueError)
    _says(message, sample[-1], sample[-1] + change)


@SETTINGS
@given(drawn=models(), entry=st.sampled_from(ENTRY_POINTS), extra=st.booleans())
def test_a_wrong_rank_is_refused_with_both_ranks(drawn, entry, extra):
    model, sample, dtype, vocabulary = drawn
    wrong = (*sample, 2) if extra else sample[:-1] or (1, 1, 1, 1)
    x = np.zeros((4, *wrong), dtype)
    if not extra and sample[-1] == 1:
        return  # (a missing trailing axis of size 1 is added, as in Keras)
    message = _refused(model, lambda: _run(model, entry, x), ValueError)
    _says(message, f"rank {len(sample) + 1}", f"rank {len(wrong) + 1}")


@SETTINGS
@given(drawn=models(), entry=st.sampled_from(ENTRY_POINTS), text=st.sampled_from(["a", "cat"]))
def test_strings_are_refused_naming_the_dtype(drawn, entry, text):
    model, sample, _, _ = drawn
    x = np.full((4, *sample), text)
    message = _refused(model, lambda: _run(model, entry, x), TypeError)
    _says(message, "numbers", f"'{text}'")
    assert "array of strings (dtype <U" in message


@SETTINGS
@given(
    drawn=models(kinds=("embedding",)),
    entry=st.sampled_from(ENTRY_POINTS),
    beyond=st.integers(0, 20),
    where=st.integers(0, 3),
)
def test_an_index_out_of_range_is_refused_with_the_index_and_input_dim(drawn, entry, beyond, where):
    model, sample, dtype, vocabulary = drawn
    x = _good_data(sample, dtype, vocabulary, 4)
    x[where, -1] = vocabulary + beyond
    message = _refused(model, lambda: _run(model, entry, x), EmbeddingIndexError)
    _says(message, f"index {vocabulary + beyond}", f"input_dim={vocabulary}")


@SETTINGS
@given(
    drawn=models(),
    case=st.sampled_from(
        [
            ("fit", "epoch", "epochs"),
            ("fit", "batchsize", "batch_size"),
            ("fit", "validation_date", "validation_data"),
            ("evaluate", "verbos", "verbose"),
            ("predict", "batch_sise", "batch_size"),
            ("compile", "optimiser", "optimizer"),
            ("compile", "metric", "metrics"),
        ]
    ),
)
def test_a_misspelt_keyword_is_refused_with_did_you_mean(drawn, case):
    model, sample, dtype, vocabulary = drawn
    method, wrong, right = case
    x = _good_data(sample, dtype, vocabulary, 4)
    args = {"compile": ("sgd",), "predict": (x,)}.get(method, (x, np.zeros((4, 1))))
    before = snapshot(model)
    with pytest.raises(KeywordArgumentError) as info:
        getattr(model, method)(*args, **{wrong: 1})
    assert snapshot(model) == before
    _says(str(info.value), f"'{wrong}'", f"{method}()", f"Did you mean '{right}'?")


@SETTINGS
@given(
    drawn=models(kinds=("dense", "lstm", "conv")),
    entry=st.sampled_from(["predict", "evaluate", "fit", "train_on_batch"]),
    position=st.integers(0, 15),
    value=st.sampled_from([np.nan, np.inf, -np.inf]),
)
def test_a_nan_anywhere_is_refused_before_any_update_with_its_position(
    drawn, entry, position, value
):
    model, sample, dtype, vocabulary = drawn
    x = _good_data(sample, dtype, vocabulary, 16)
    index = np.unravel_index(position * x.size // 16, x.shape)
    x[index] = value
    message = _refused(model, lambda: _run(model, entry, x), ValueError)
    _says(message, f"index {tuple(int(i) for i in index)}", f"value {value}")
