"""A training step leaves no reference cycles: its arrays are freed as soon as it ends.

A cycle (say, a recursive closure that holds a layer's outputs) keeps the
whole gradient graph of a step, with every array it saved, alive until
Python's cycle collector happens to run: the seq2seq model of
benchmarks/matrix.py grew from 96 to 283 MiB that way. This checks that
nothing is left for the collector after a step, for the kinds of models the
lessons train.
"""

import gc

import numpy as np
import pytest

from kerastutor import layers, models


def seq2seq():
    enc_in, dec_in = layers.Input((None, 5)), layers.Input((None, 6))
    _, h, c = layers.LSTM(8, return_state=True)(enc_in)
    seq = layers.LSTM(8, return_sequences=True)(dec_in, initial_state=[h, c])
    model = models.Model([enc_in, dec_in], layers.Dense(6, activation="softmax")(seq))
    rng = np.random.default_rng(0)
    x = [rng.normal(size=(4, 3, 5)).astype("float32"), rng.normal(size=(4, 2, 6)).astype("float32")]
    return (
        model,
        x,
        np.eye(6, dtype="float32")[rng.integers(0, 6, (4, 2))],
        "categorical_crossentropy",
    )


def masked_text():
    ids = layers.Input((5,), dtype="int32")
    h = layers.Bidirectional(layers.GRU(4))(layers.Embedding(10, 3, mask_zero=True)(ids))
    model = models.Model(ids, layers.Dense(1, activation="sigmoid")(h))
    x = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 0, 0], [6, 7, 8, 9, 1], [2, 0, 0, 0, 0]])
    return model, x, np.array([[0.0], [1.0], [1.0], [0.0]], "float32"), "binary_crossentropy"


def small_cnn():
    image = layers.Input((8, 8, 2))
    h = layers.MaxPooling2D()(layers.Conv2D(4, 3, padding="same", activation="relu")(image))
    model = models.Model(image, layers.Dense(3, activation="softmax")(layers.Flatten()(h)))
    rng = np.random.default_rng(1)
    return (
        model,
        rng.normal(size=(4, 8, 8, 2)).astype("float32"),
        np.array([0, 1, 2, 1]),
        ("sparse_categorical_crossentropy"),
    )


@pytest.mark.parametrize("make", [seq2seq, masked_text, small_cnn])
def test_a_training_step_and_a_prediction_leave_nothing_for_the_cycle_collector(make):
    model, x, y, loss = make()
    model.compile(optimizer="adam", loss=loss)
    model.train_on_batch(x, y)  # the first step builds the optimizer's slots
    gc.collect()
    was = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        model.train_on_batch(x, y)
        model.predict(x, verbose=0)
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(was)
        gc.garbage.clear()
    assert left == [], f"objects in reference cycles after a step: {sorted(set(left))}"
