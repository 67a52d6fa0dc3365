"""Counts for issue 13's closing note: bad inputs tried per class, and how many now teach.

Run by hand from the repository root (it also runs against an older
kerastutor, to count what was handled before):
`python tests/reliability/census.py`.
"""

import difflib
import gc
import io
import json
import os
import shutil
import sys
import tempfile
import traceback
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(os.path.dirname(HERE)), os.path.dirname(HERE), HERE]

from layer_harness import LAYER_CASES  # noqa: E402
from snapshot import snapshot  # noqa: E402

import kerastutor as keras  # noqa: E402
from kerastutor import layers as L  # noqa: E402
from kerastutor import widgets as W  # noqa: E402
from kerastutor.engine.base_layer import _accepted_keywords  # noqa: E402

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
        accepted = set(_accepted_keywords(cls))  # (an RNN's regularizers come by **kwargs)
        for key in sorted(k for k in config if len(k) > 3 and k in accepted):
            for wrong in slips(key) - accepted - set(config):
                tried += 1
                error = outcome(cls, **{**config, wrong: config[key]})
                text = str(error)
                close = difflib.get_close_matches(wrong, accepted, n=1, cutoff=0.6)
                meant = close[0] if close else key  # (a slip nearer another name means that)
                taught += f"Did you mean '{meant}'?" in text and cls.__name__ in text
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
        lambda: L.Dense(2)(np.array([["a", "b", "c"]])),
        lambda: model.fit([[1, 2, 3], [1, 2]], np.ones((2, 1)), verbose=0),
        lambda: model.predict([[1, 2, 3], [4, 5, 6]]),
        lambda: model.evaluate([[1.0, 2, 3]], [[1.0]], verbose=0),
        lambda: model.predict(None),
    ]
    # A teaching error names the layer, the model or the method that refused.
    names = ("Layer '", "Model '", "`fit`", "`evaluate`", "`predict`", "'dense", "'sequential")
    taught = 0
    for case in cases:
        error = outcome(case)
        text = str(error)
        taught += isinstance(error, (ValueError, TypeError)) and any(n in text for n in names)
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


def optimizer_ranges():
    """Hyperparameters out of range: refused naming the argument and the value."""
    opt = keras.optimizers
    cases = []
    for optimizer in [opt.Adam, opt.AdamW, opt.Adamax, opt.Nadam]:
        cases += [(optimizer, "beta_1", v) for v in (1.5, 1.0, -0.1)]
        cases += [(optimizer, "beta_2", v) for v in (1.0, -1.0)]
    for optimizer in [opt.Adam, opt.RMSprop, opt.Adagrad, opt.Adadelta]:
        cases += [(optimizer, "epsilon", v) for v in (0, -1e-7, float("inf"))]
    for optimizer in [opt.SGD, opt.Adam, opt.RMSprop]:
        cases += [(optimizer, "learning_rate", v) for v in (float("inf"), float("nan"), -1, "fast")]
    cases += [(opt.SGD, "momentum", v) for v in (2, -1)] + [
        (opt.RMSprop, "rho", v) for v in (1.5, -1)
    ]
    taught = 0
    for optimizer, argument, value in cases:
        text = str(outcome(optimizer, **{argument: value}))
        taught += argument in text and (repr(value) in text or str(value) in text)
    return len(cases), taught


def _saved_files(folder):
    """Damaged and hostile model files, each (name, path): issue 13's 'Resources' list."""
    sys.path.insert(0, os.path.dirname(HERE))
    import h5py
    from test_saving_hostile import (
        KERAS_3,
        LEGACY,
        deflated_zeros,
        forged_zip,
        huge_dataset,
        opaque_pickle,
        write_zip,
    )

    with zipfile.ZipFile(KERAS_3) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    files = []

    def add(name, entries_or_bytes):
        path = os.path.join(folder, name)
        if isinstance(entries_or_bytes, bytes):
            with open(path, "wb") as f:
                f.write(entries_or_bytes)
        else:
            write_zip(pathlib_path(path), entries_or_bytes)
        files.append((name, path))

    raw = open(KERAS_3, "rb").read()
    for cut in (10, 100, len(raw) // 2, len(raw) - 10):
        add(f"truncated_{cut}.keras", raw[:cut])
    rng = np.random.default_rng(0)
    for i in range(8):
        flipped = bytearray(raw)
        for at in rng.integers(0, len(raw), 8):
            flipped[at] ^= 0xFF
        add(f"flipped_{i}.keras", bytes(flipped))
    for i, name in enumerate(["../../escaped.txt", "/etc/escaped", "assets/../../x"]):
        add(f"traversal_{i}.keras", {**entries, name: b"x"})
    marker = os.path.join(folder, "unpickled")
    add("pickled.keras", {**entries, "model.weights.h5": opaque_pickle(marker).tobytes()})
    buffer = io.BytesIO(entries["model.weights.h5"])
    with h5py.File(buffer, "a") as h5file:
        huge_dataset(h5file, "layers/dense/vars/0")
    add("huge_weight.keras", {**entries, "model.weights.h5": buffer.getvalue()})
    forged_zip(
        pathlib_path(os.path.join(folder, "declared.keras")),
        entries,
        declared={"model.weights.h5": 3 * 2**30},
    )
    files.append(("declared.keras", os.path.join(folder, "declared.keras")))
    forged_zip(
        pathlib_path(os.path.join(folder, "inflating.keras")),
        {**entries, "model.weights.h5": bytes(1024)},
        deflated={"model.weights.h5": deflated_zeros(2**28)},
    )
    files.append(("inflating.keras", os.path.join(folder, "inflating.keras")))
    config = json.loads(entries["config.json"])
    for entry in config["config"]["layers"]:
        if entry["class_name"] == "Dense":
            entry["config"]["units"] = 10**10
    add("units.keras", {**entries, "config.json": json.dumps(config).encode()})
    deep = '{"class_name": "Sequential", "config": ' + "[" * 100_000 + "]" * 100_000 + "}"
    add("deep_json.keras", {**entries, "config.json": deep.encode()})
    legacy = shutil.copy(LEGACY, os.path.join(folder, "huge.h5"))
    with h5py.File(legacy, "a") as h5file:
        huge_dataset(h5file, "model_weights/dense/dense/kernel:0")
    files.append(("huge.h5", legacy))
    return files, marker


def pathlib_path(path):
    import pathlib

    return pathlib.Path(path)


def resources():
    """Hostile files refused with a ValueError (never MemoryError, RecursionError, a pickle)."""
    folder = tempfile.mkdtemp()
    try:
        files, marker = _saved_files(folder)
        refused = 0
        for _, path in files:
            error = outcome(keras.models.load_model, path)
            refused += isinstance(error, ValueError)
        deep = "[" * 100_000 + "]" * 100_000
        refused += isinstance(outcome(keras.models.model_from_json, deep), ValueError)
        refused -= os.path.exists(marker)
        return len(files) + 1, refused
    finally:
        shutil.rmtree(folder)


def depth():
    """Valid models deeper than the recursion limit: every step works (no RecursionError)."""
    folder = tempfile.mkdtemp()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        x = np.ones((2, 2), "float32")
        path = os.path.join(folder, "deep.keras")

        def chain():
            t = inputs = keras.Input((2,))
            for _ in range(1100):
                t = L.Dense(2)(t)
            return keras.Model(inputs, t)

        steps = [
            lambda m: m.predict(x),
            lambda m: m.summary(print_fn=lambda *a, **k: None),
            lambda m: m.compute_output_shape((None, 2)),
            lambda m: (m.compile("sgd", "mse"), m.fit(x, x, verbose=0)),
            lambda m: m.save(path),
            lambda m: keras.models.load_model(path),
            lambda m: keras.models.model_from_json(m.to_json()),
            lambda m: keras.utils.plot_model(m),
        ]
        worked = tried = 0
        for make in [
            lambda: keras.Sequential([keras.Input((2,)), *[L.Dense(2) for _ in range(1100)]]),
            chain,
        ]:
            tried += 1 + len(steps)  # building it, then each step
            try:
                model = make()
            except Exception:
                continue
            worked += 1 + sum(outcome(step, model) is None for step in steps)
        return tried, worked
    finally:
        sys.setrecursionlimit(limit)
        shutil.rmtree(folder)


def widgets():
    """Out-of-range, wrong-type and misspelt assignments: refused, the widget unchanged."""
    lstm_model = keras.Sequential([keras.Input((5,)), L.Embedding(10, 4), L.LSTM(3)])
    conv = keras.Sequential([keras.Input((6, 6, 1)), L.Conv2D(2, 3)])
    dense = L.Dense(2)
    dense(keras.Input((3,)))
    probes = [
        (lambda: W.ShapeFlow(lstm_model), lambda w: w.set(**{next(iter(w.values)): 10**6})),
        (lambda: W.ShapeFlow(lstm_model), lambda w: w.set(unknown_axis=3)),
        (
            lambda: W.ShapeFlow(lstm_model),
            lambda w: w.set(**{w.values and next(iter(w.values)): "5"}),
        ),
        (lambda: W.SequenceView(L.LSTM(3)), lambda w: w.set(timesteps=0)),
        (lambda: W.SequenceView(L.LSTM(3)), lambda w: w.set(features=10**4)),
        (lambda: W.SequenceView(L.LSTM(3)), lambda w: w.set(return_sequence=True)),
        (lambda: W.SequenceView(L.LSTM(3)), lambda w: w.set(return_state=1)),
        (
            lambda: W.EmbeddingLookup(lstm_model.layers[0], [[1, 2, 3, 4, 5]]),
            lambda w: w.select(99),
        ),
        (
            lambda: W.EmbeddingLookup(lstm_model.layers[0], [[1, 2, 3, 4, 5]]),
            lambda w: w.select("a"),
        ),
        (lambda: W.NodeInspector(dense), lambda w: w.select(99)),
        (lambda: W.NodeInspector(dense), lambda w: w.select(-5)),
        (lambda: W.NodeInspector(dense), lambda w: w.select("0")),
        (lambda: W.ConvView(conv.layers[0]), lambda w: w.select(row=99)),
        (lambda: W.ConvView(conv.layers[0]), lambda w: w.select(filter=-1)),
        (lambda: W.ConvView(conv.layers[0]), lambda w: w.select(col="1")),
    ]
    kept = 0
    for make, act in probes:
        widget = make()
        before = (repr(widget), widget.html if hasattr(widget, "html") else None)
        error = outcome(act, widget)
        after = (repr(widget), widget.html if hasattr(widget, "html") else None)
        kept += isinstance(error, (ValueError, TypeError)) and before == after
        kept -= type(error).__name__ == "TraitError"
    # Re-running a cell that makes a NodeInspector: one more listener, not 200.
    listening = len(dense._node_listeners)  # (one per place above that made one)
    for _ in range(200):
        W.NodeInspector(dense)
    gc.collect()
    kept += len(dense._node_listeners) <= listening + 1
    curve = W.LossCurve(display=lambda *a, **k: None)
    kept += outcome(curve.on_epoch_end, 0, {"loss": "nan?"}) is None
    return len(probes) + 2, kept


def fit_midway():
    """Errors only training can meet: the weights before fit kept on the error, restorable."""

    class RaiseAt(keras.callbacks.Callback):
        def __init__(self, epoch):
            super().__init__()
            self.at = epoch

        def on_epoch_begin(self, epoch, logs=None):
            if epoch == self.at:
                raise RuntimeError("a bug in my callback")

    scenarios = [("callback", epoch) for epoch in (1, 2, 3)]
    scenarios += [("overflow", batch) for batch in (1, 3, 5, 7)]
    restorable = 0
    for kind, at in scenarios:
        model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
        model.compile("adam", "mse")
        before = model.get_weights()
        y = np.ones((16, 2), "float32")
        if kind == "overflow":
            y[2 * at] = 3e38  # its squared error overflows float32
        callbacks = [RaiseAt(at)] if kind == "callback" else []
        with np.errstate(all="ignore"):
            error = outcome(
                model.fit,
                np.ones((16, 3)),
                y,
                batch_size=2,
                epochs=4,
                shuffle=False,
                callbacks=callbacks,
                verbose=0,
            )
        kept = getattr(error, "weights_before_fit", None)
        if kept is None:
            continue
        model.set_weights(kept)
        notes = " ".join(getattr(error, "__notes__", []))
        restorable += "set_weights(error.weights_before_fit)" in notes and all(
            (a == b).all() for a, b in zip(model.get_weights(), before)
        )
    return len(scenarios), restorable


if __name__ == "__main__":
    for name, count in [
        ("unknown/unsupported keywords", keywords),
        ("unknown names", unknown_names),
        ("flags", flags),
        ("dtypes, empty data, input counts", data_and_inputs),
        ("short tracebacks", tracebacks),
        ("atomic failed calls", atomic),
        ("optimizer ranges", optimizer_ranges),
        ("resources (hostile files)", resources),
        ("depth (1,100 layers)", depth),
        ("widgets", widgets),
        ("fit failing mid-training", fit_midway),
    ]:
        tried, good = count()
        print(f"{name}: {good}/{tried}")
