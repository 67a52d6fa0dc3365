"""Counts for issue 13's closing note: bad inputs tried per class, and how many now teach.

Run by hand from the repository root (it also runs against an older
kerastutor, to count what was handled before):
`python tests/reliability/census.py`.
"""

import inspect
import os
import sys
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(os.path.dirname(HERE)), os.path.dirname(HERE), HERE]

from layer_harness import LAYER_CASES  # noqa: E402
from snapshot import snapshot  # noqa: E402

import kerastutor as keras  # noqa: E402
from kerastutor import layers as L  # noqa: E402

PACKAGE = os.path.dirname(keras.__file__)


def slips(name):
    return {
        name[1:],
        name + name[-1],
        name[: len(name) // 2 - 1]
        + name[len(name) // 2]
        + name[len(name) // 2 - 1]
        + name[len(name) // 2 + 1 :],
    }


def outcome(call, *args, **kwargs):
    """The error `call(*args, **kwargs)` raises, or None."""
    try:
        call(*args, **kwargs)
    except Exception as error:
        return error
    return None


def keywords():
    tried = taught = 0
    for case in LAYER_CASES:
        layer = case.make()
        cls, config = type(layer), layer.get_config()
        accepted = set()
        for klass in cls.__mro__:
            if "__init__" in vars(klass):
                accepted |= set(inspect.signature(vars(klass)["__init__"]).parameters)
        for key in sorted(k for k in config if len(k) > 3 and k in accepted):
            for wrong in slips(key) - accepted - set(config):
                tried += 1
                error = outcome(cls, **{**config, wrong: config[key]})
                text = str(error)
                taught += bool(error) and "Did you mean" in text and cls.__name__ in text
    model = keras.Sequential([keras.Input((3,)), L.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((4, 3)), np.ones((4, 1))
    for method, args, wrongs in [
        ("compile", ("sgd",), ["optimiser", "los", "metric", "loss_weight"]),
        ("fit", (x, y), ["epoch", "batchsize", "verbos", "callback", "validation_date"]),
        ("evaluate", (x, y), ["batchsize", "verbos", "sample_weights"]),
        ("predict", (x,), ["batch_sise", "verbos", "callback"]),
    ]:
        for wrong in wrongs:
            tried += 1
            error = outcome(getattr(model, method), *args, **{wrong: 1})
            taught += bool(error) and "Did you mean" in str(error)
    for make in [
        lambda: L.Dense(2, lora_rank=2),
        lambda: L.LSTM(2, time_major=True),
        lambda: model.fit(x, y, workers=2, verbose=0),
        lambda: L.Dense(2, ragged=True),
    ]:
        tried += 1
        taught += "does not support" in str(outcome(make))
    return tried, taught


def unknown_names():
    tried = taught = 0
    for layer_class, args, argument in [
        (L.Dense, (4,), "activation"),
        (L.Dense, (4,), "kernel_initializer"),
        (L.Dense, (4,), "kernel_regularizer"),
        (L.Dense, (4,), "bias_constraint"),
        (L.LSTM, (4,), "recurrent_activation"),
        (L.Conv2D, (2, 3), "activation"),
        (L.Embedding, (5, 2), "embeddings_initializer"),
        (L.Conv1D, (2, 3), "bias_initializer"),
    ]:
        for bad in ["Relu", "glorot", "L3", "maxnorm", "sigmod", "zero"]:
            tried += 1
            text = str(outcome(layer_class, *args, **{argument: bad}))
            taught += argument in text and "Valid names" in text
    return tried, taught


def flags():
    tried = taught = 0
    for case in LAYER_CASES:
        layer = case.make()
        cls, config = type(layer), layer.get_config()
        for key in sorted(k for k, v in config.items() if isinstance(v, bool)):
            for bad in ["False", "yes", 0, None]:
                tried += 1
                error = outcome(cls, **{**config, key: bad})
                taught += isinstance(error, TypeError) and key in str(error)
    return tried, taught


def data_and_inputs():
    x = np.ones((2, 3))
    model = keras.Sequential([keras.Input((3,)), L.Dense(1)])
    model.compile("sgd", "mse")
    cases = [
        lambda: L.Dense(2, dtype="int32")(x),
        lambda: L.Conv2D(2, 3, dtype="int32")(np.ones((1, 5, 5, 1))),
        lambda: model.fit(np.zeros((0, 3)), np.zeros((0, 1)), verbose=0),
        lambda: model.evaluate(np.zeros((0, 3)), np.zeros((0, 1)), verbose=0),
        lambda: model.predict(np.zeros((0, 3))),
        lambda: model([x, x]),
        lambda: model.predict([x, x]),
        lambda: L.Flatten()([x, x]),
        lambda: L.Flatten()([keras.Input((3,)), keras.Input((3,))]),
        lambda: L.LayerNormalization()([x, x]),
    ]
    taught = sum(isinstance(outcome(c), (ValueError, TypeError)) for c in cases)
    return len(cases), taught


def tracebacks():
    mistakes = [
        lambda: L.Conv2D(2, 3)(np.ones((2, 5, 5))),
        lambda: L.Dense(4, activaton="relu"),
        lambda: L.Dense(4, activation="Relu"),
        lambda: L.Dense(4)(np.array([["a", "b"]])),
        lambda: keras.Sequential([keras.Input((3,)), L.Flatten(), L.Conv2D(2, 3)]),
        lambda: keras.Sequential([keras.Input((3,)), L.Dense(1)]).predict([np.ones((2, 3))] * 2),
    ]
    short = 0
    for mistake in mistakes:
        error = outcome(mistake)
        inside = [
            f.f_code.co_filename
            for f, _ in traceback.walk_tb(error.__traceback__)
            if f.f_code.co_filename.startswith(PACKAGE)
        ]
        short += len(inside) <= 1
    return len(mistakes), short


def atomic():
    def compiled():
        m = keras.Sequential([keras.Input((3,)), L.Dense(4)])
        m.compile("adam", "mse")
        m.fit(np.ones((4, 3)), np.ones((4, 4)), verbose=0)
        return m

    def embedding():
        m = keras.Sequential([keras.Input((2,)), L.Embedding(5, 2), L.Flatten(), L.Dense(1)])
        m.compile("adam", "mse")
        return m

    bad = np.zeros((64, 2), int)
    bad[40, 0] = 9
    probes = [
        (compiled, lambda m: m.add(L.Conv2D(2, 3))),
        (lambda: keras.Sequential(), lambda m: m.add(L.Conv2D(2, 3, input_shape=(4, 4)))),
        (compiled, lambda m: m.set_weights([np.zeros((3, 4)), np.zeros(5)])),
        (compiled, lambda m: m.set_weights([np.zeros((3, 4)), np.array(["a"] * 4)])),
        (compiled, lambda m: m.compile("sgd", "mse", metrics=["acuracy"])),
        (compiled, lambda m: m.compile("sgd", "mse_x")),
        (
            embedding,
            lambda m: m.fit(bad, np.zeros((64, 1)), batch_size=8, shuffle=False, verbose=0),
        ),
        (
            embedding,
            lambda m: m.fit(
                bad[:8] * 0, np.zeros((8, 1)), validation_data=(bad, np.zeros((64, 1))), verbose=0
            ),
        ),
        (embedding, lambda m: m.predict(bad)),
        (
            compiled,
            lambda m: m.fit(np.ones((4, 3)), np.ones((4, 4)), callbacks=[keras.callbacks.History]),
        ),
        (
            compiled,
            lambda m: m.fit(
                np.ones((4, 3)), np.ones((4, 4)), validation_data=(np.ones((2, 5)), np.ones((2, 4)))
            ),
        ),
        (lambda: L.Add(), lambda a: a([keras.Input((3,)), keras.Input((4,))])),
        (lambda: L.Concatenate(), lambda a: a([np.ones((2, 3)), np.ones((3, 3))])),
        (lambda: L.Conv2D(4, 5), lambda c: c(keras.Input((3, 3, 2)))),
        (lambda: L.Dense(2, weights=[np.zeros((4, 2)), np.zeros(2)]), lambda d: d(np.ones((1, 3)))),
        (lambda: L.Flatten(), lambda f: f([keras.Input((3,))] * 2)),
    ]
    kept = 0
    for make, act in probes:
        obj = make()
        before = snapshot(obj)
        error = outcome(act, obj)
        kept += error is not None and snapshot(obj) == before
    return len(probes), kept


if __name__ == "__main__":
    for name, count in [
        ("unknown/unsupported keywords", keywords),
        ("unknown names", unknown_names),
        ("flags", flags),
        ("dtypes, empty data, input counts", data_and_inputs),
        ("short tracebacks", tracebacks),
        ("atomic failed calls", atomic),
    ]:
        tried, good = count()
        print(f"{name}: {good}/{tried}")
