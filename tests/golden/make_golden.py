"""Regenerate the golden fixtures from real Keras. Run by hand, never in CI.

Why: kerastutor promises to compute the same numbers as Keras. These fixtures
are those numbers, produced once by Keras 3 (TensorFlow backend, CPU) and
committed, so the test suite can check kerastutor without installing Keras.

How (from the repository root, with the reference venv that has Keras)::

    TF_CPP_MIN_LOG_LEVEL=3 /opt/kerasref/bin/python tests/golden/make_golden.py

It rewrites ``tests/golden/fixtures/`` completely: one ``<case>.npz`` per
forward case of ``cases.CASES``, one ``train_<...>.npz`` per training case of
``cases.TRAIN_CASES``, and ``manifest.json``. Running it twice gives
byte-identical files (everything is seeded, TensorFlow runs single-threaded
with op determinism and without oneDNN, the zip entries carry a fixed date).
Run it again whenever a case is added or changed, and commit the result.

For each forward case: build the model with ``keras.layers`` / ``keras.models``,
replace every weight (in ``model.get_weights()`` order) with seeded random
values -- kernels, recurrent kernels and embeddings from N(0, s^2) with
s = min(0.5, 1.5 / sqrt(fan_in)) (0.5 for embeddings), biases from U(-0.5, 0.5)
-- then ``model.predict(inputs)``. For each training case: the same, then
``compile(optimizer, loss)`` and three ``train_on_batch(x, y)`` steps, keeping
the weights before and after every step, the gradients and the losses. Before
writing anything the script re-derives each first loss and each optimizer step
in NumPy, so a fixture never records something we misunderstand.
The file layout is described in ``tests/golden/README.md``.
"""

from __future__ import annotations

import copy
import io
import json
import math
import os
import platform
import shutil
import sys
import zipfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf

tf.get_logger().setLevel("ERROR")  # silence retracing notices: each case traces anew
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # so that ``golden`` is importable
from golden import cases  # noqa: E402
from golden.optimizer_replay import NumpyOptimizer  # noqa: E402

FIXTURES = HERE / "fixtures"
COMMAND = "TF_CPP_MIN_LOG_LEVEL=3 /opt/kerasref/bin/python tests/golden/make_golden.py"
MAX_TOTAL_BYTES = 2_000_000
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


# ------------------------------------------------------------------ files ---


def save_npz(path, arrays):
    """Like ``np.savez_compressed`` but byte-for-byte reproducible."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, array in arrays.items():
            payload = io.BytesIO()
            np.lib.format.write_array(payload, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload.getvalue(), compresslevel=9)
    path.write_bytes(buffer.getvalue())


def as_float32(array):
    return np.asarray(array, dtype=np.float32)


def as_input(array):
    array = np.asarray(array)
    return array.astype(np.int32) if array.dtype.kind in "iu" else as_float32(array)


def to_json(value, indent=0):
    """JSON with one line per weight/input/output spec, so diffs stay readable."""

    def flat(v):
        if isinstance(v, dict):
            return all(not isinstance(x, (dict, list)) or flat(x) for x in v.values())
        if isinstance(v, list):
            return all(not isinstance(x, (dict, list)) for x in v)
        return True

    pad = " " * (indent + 1)
    if isinstance(value, dict) and value and not (indent > 0 and flat(value)):
        items = [f"{pad}{json.dumps(k)}: {to_json(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(value, list) and value and not flat(value):
        items = [pad + to_json(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    return json.dumps(value)


def jsonable(value):
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


# ---------------------------------------------------------------- weights ---


def random_weights(model, rng):
    """Seeded stand-ins for every weight, in ``model.weights`` order."""
    values = []
    for weight in model.weights:
        shape = tuple(weight.shape)
        if weight.path.endswith("moving_variance"):
            values.append(rng.uniform(0.5, 1.5, size=shape))  # a variance is positive
            continue
        if len(shape) == 1:
            values.append(rng.uniform(-0.5, 0.5, size=shape))
            continue
        fan_in = math.prod(shape[:-1])
        if weight.path.endswith("embeddings"):
            scale = 0.5
        else:
            scale = min(0.5, 1.5 / math.sqrt(fan_in))
        values.append(rng.normal(0.0, scale, size=shape))
    return [as_float32(v) for v in values]


def weight_specs(model):
    trainable = {id(w) for w in model.trainable_weights}
    return [
        {"path": w.path, "shape": list(w.shape), "trainable": id(w) in trainable}
        for w in model.weights
    ]


def build(case, seed):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    model = case.build(keras.layers, keras.models)
    model.set_weights(random_weights(model, np.random.default_rng([seed, 1])))
    inputs = [as_input(x) for x in case.make_inputs(np.random.default_rng([seed, 0]))]
    return model, inputs


def model_arg(inputs):
    """Keras's convention: one array for one input, a list otherwise."""
    return inputs[0] if len(inputs) == 1 else list(inputs)


def as_list(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def predict(model, inputs):
    outputs = [as_float32(o) for o in as_list(model.predict(model_arg(inputs), verbose=0))]
    # Cross-check predict() (a tf.function) against an eager call, and read masks.
    eager = as_list(model(model_arg(inputs), training=False))
    masks = []
    for got, tensor in zip(outputs, eager, strict=True):
        np.testing.assert_allclose(got, np.asarray(tensor), rtol=1e-6, atol=1e-6)
        mask = getattr(tensor, "_keras_mask", None)
        masks.append(None if mask is None else np.asarray(mask).astype(bool))
    return outputs, masks


def layer_list(model):
    return [{"name": layer.name, "class": type(layer).__name__} for layer in model.layers]


def common_entry(case, model, inputs, outputs, masks, seed):
    return {
        "description": case.description,
        "tags": list(case.tags),
        "seed": seed,
        "batch": case.batch,
        "inputs": [
            {"shape": list(x.shape), "dtype": str(x.dtype), "spec": case.inputs[i].spec}
            for i, x in enumerate(inputs)
        ],
        "outputs": [
            {"shape": list(o.shape), "dtype": str(o.dtype), "has_mask": m is not None}
            for o, m in zip(outputs, masks, strict=True)
        ],
        "weights": weight_specs(model),
        "count_params": int(model.count_params()),
        "trainable_params": int(sum(math.prod(w.shape) for w in model.trainable_weights)),
        "layers": layer_list(model),
    }


def io_arrays(inputs, outputs, masks):
    arrays = {}
    for i, x in enumerate(inputs):
        arrays[f"input_{i}"] = x
    for i, (o, m) in enumerate(zip(outputs, masks, strict=True)):
        arrays[f"output_{i}"] = o
        if m is not None:
            arrays[f"output_mask_{i}"] = m
    return arrays


# ---------------------------------------------------------------- forward ---


def make_forward(case):
    model, inputs = build(case, case.seed)
    outputs, masks = predict(model, inputs)
    arrays = io_arrays(inputs, outputs, masks)
    for i, w in enumerate(model.get_weights()):
        arrays[f"weight_{i}"] = as_float32(w)
    entry = {
        "file": f"{case.name}.npz",
        **common_entry(case, model, inputs, outputs, masks, case.seed),
    }
    return entry, arrays


# --------------------------------------------------------------- training ---


def numpy_loss(loss, y, p, mask):
    """The Keras 3 loss, re-derived in NumPy from probabilities (float64)."""
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    eps = keras.backend.epsilon()
    if loss == "mse":
        per = np.mean((y - p) ** 2, axis=-1)
    elif loss == "mae":
        per = np.mean(np.abs(y - p), axis=-1)
    elif loss == "binary_crossentropy":
        q = np.clip(p, eps, 1 - eps)
        per = np.mean(-(y * np.log(q) + (1 - y) * np.log(1 - q)), axis=-1)
    elif loss == "categorical_crossentropy":
        q = np.clip(p / p.sum(axis=-1, keepdims=True), eps, 1 - eps)
        per = -np.sum(y * np.log(q), axis=-1)
    elif loss == "sparse_categorical_crossentropy":
        q = np.clip(p, eps, 1 - eps)
        per = -np.log(np.take_along_axis(q, y.astype(int)[..., None], axis=-1)[..., 0])
    else:
        raise ValueError(loss)
    if mask is None:
        return per.mean()
    mask = mask.astype(np.float64)
    return (per * mask).sum() / mask.sum()


def numpy_penalty(regularizer, value):
    """An L1/L2/L1L2 penalty re-derived from its config: l1 * sum|v| + l2 * sum v**2."""
    config = regularizer.get_config()
    value = np.asarray(value, dtype=np.float64)
    return config.get("l1", 0.0) * np.abs(value).sum() + config.get("l2", 0.0) * (value**2).sum()


def non_trainable_snapshot(model):
    """Restores the non-trainable weights when called: a training-mode call moves them."""
    saved = [(w, np.asarray(w)) for w in model.non_trainable_weights]

    def restore():
        for weight, value in saved:
            weight.assign(value)

    return restore


def training_mode_values(model, x_arg, tensors):
    """The values of some of the model's tensors in training mode, leaving its state as it was."""
    if not tensors:
        return []
    restore = non_trainable_snapshot(model)
    probe = keras.Model(model_arg(model.inputs), tensors)
    values = [np.asarray(v, dtype=np.float64) for v in as_list(probe(x_arg, training=True))]
    restore()
    return values


def moving_statistics(model):
    """(weight index, layer, 'mean' | 'variance') for every moving statistic fit may move."""
    index = {id(w): i for i, w in enumerate(model.weights)}
    found = []
    for layer in model.layers:
        if type(layer).__name__ == "BatchNormalization" and layer.trainable:
            found.append((index[id(layer.moving_mean)], layer, "mean"))
            found.append((index[id(layer.moving_variance)], layer, "variance"))
    return found


def expected_moving_statistics(model, x_arg, before):
    """Each moving statistic after one training step, re-derived from the BN inputs."""
    stats = moving_statistics(model)
    layers = list(dict.fromkeys(layer for _, layer, _ in stats))
    inputs = dict(
        zip(layers, training_mode_values(model, x_arg, [layer.input for layer in layers]))
    )
    expected = {}
    for i, layer, which in stats:
        x = inputs[layer]
        axes = tuple(a for a in range(x.ndim) if a != layer.axis % x.ndim)
        batch = x.mean(axis=axes) if which == "mean" else x.var(axis=axes)
        expected[i] = before[i] * layer.momentum + batch * (1 - layer.momentum)
    return expected


def expected_penalties(model, x_arg):
    """model.losses re-derived in NumPy: weight penalties, then activity penalties / batch."""
    total = 0.0
    for weight in model.trainable_weights:
        if getattr(weight, "regularizer", None) is not None:
            total += numpy_penalty(weight.regularizer, weight)
    regularized = [layer for layer in model.layers if getattr(layer, "activity_regularizer", None)]
    outputs = training_mode_values(model, x_arg, [layer.output for layer in regularized])
    for layer, output in zip(regularized, outputs, strict=True):
        total += numpy_penalty(layer.activity_regularizer, output) / output.shape[0]
    return total


def replay_weights(replay, grads, squares, starts):
    """Every trainable weight after one step of ``replay``, in the order Keras's apply() works.

    ``squares`` is what the rules square (see NumpyOptimizer); once clipping or
    gradient accumulation has changed a gradient, that is its dense square.
    """
    seen = replay.begin_step(grads)
    if seen is None:  # gradient accumulation: this call only adds up the gradients
        updated = dict(starts)
    else:
        changed = seen is not grads
        updated = {
            i: replay.step(i, starts[i], g, g**2 if changed else squares[i])
            for i, g in seen.items()
        }
    return replay.end_step(updated)


def make_train(train):
    case = train.case
    model, inputs = build(case, train.seed)
    outputs, masks = predict(model, inputs)
    if len(outputs) != 1:
        raise ValueError(f"{train.name}: training cases must have one output")
    if any(type(layer).__name__ == "Dropout" for layer in model.layers):
        raise ValueError(f"{train.name}: Dropout makes training random")
    y = cases.make_targets(train.loss, outputs[0].shape, np.random.default_rng([train.seed, 2]))

    optimizer = keras.optimizers.get(
        {"class_name": train.optimizer, "config": copy.deepcopy(train.optimizer_kwargs)}
    )
    model.compile(optimizer=optimizer, loss=train.loss, jit_compile=False)

    trainable_index = [
        i for i, w in enumerate(model.weights) if id(w) in {id(t) for t in model.trainable_weights}
    ]
    x_arg = model_arg(inputs)

    @tf.function
    def gradients(x, y):
        # The same forward pass, loss and gradient as Keras's TF train_step.
        with tf.GradientTape() as tape:
            y_pred = model(x, training=True)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
        return loss, tape.gradient(loss, model.trainable_weights), y_pred

    arrays = io_arrays(inputs, outputs, masks)
    arrays["target_0"] = y
    before = [as_float32(w) for w in model.get_weights()]
    for i, w in enumerate(before):
        arrays[f"weight_{i}"] = w

    replay = NumpyOptimizer(optimizer)  # TensorFlow's sparse semantics
    replay_dense = NumpyOptimizer(optimizer)  # what a dense implementation does
    quirk_seen = False
    losses = []
    moving = {i for i, _, _ in moving_statistics(model)}
    first_penalty = expected_penalties(model, x_arg)
    for step in range(1, train.steps + 1):
        restore = non_trainable_snapshot(model)  # the tape's training-mode pass moves them
        tape_loss, raw_grads, train_pred = gradients(
            tf.nest.map_structure(tf.convert_to_tensor, x_arg), tf.convert_to_tensor(y)
        )
        restore()
        if step == 1:
            first_train_pred = np.asarray(train_pred)
        expected_moving = expected_moving_statistics(model, x_arg, before)
        loss = float(model.train_on_batch(x_arg, y))
        after = [as_float32(w) for w in model.get_weights()]
        np.testing.assert_allclose(loss, float(tape_loss), rtol=1e-6, err_msg=train.name)

        grads, squares = {}, {}
        for raw, i in zip(raw_grads, trainable_index, strict=True):
            g = np.asarray(tf.convert_to_tensor(raw), dtype=np.float64)
            g2 = g**2
            if isinstance(raw, tf.IndexedSlices):
                g2 = np.zeros_like(g)
                values = np.asarray(raw.values, dtype=np.float64)
                np.add.at(g2, np.asarray(raw.indices), values**2)
            arrays[f"step{step}_grad_{i}"] = as_float32(g)
            grads[i], squares[i] = g, g2
        starts = {i: before[i].astype(np.float64) for i in trainable_index}
        replayed = replay_weights(replay, grads, squares, starts)
        replayed_dense = replay_weights(
            replay_dense, grads, {i: g**2 for i, g in grads.items()}, starts
        )
        for i in trainable_index:
            w0, expected, dense = starts[i], replayed[i], replayed_dense[i]
            constraint = getattr(model.weights[i], "constraint", None)
            if constraint is not None:  # applied after the update, as the optimizer does
                expected = np.asarray(constraint(expected), dtype=np.float64)
                dense = np.asarray(constraint(dense), dtype=np.float64)
            where = f"{train.name}: step {step}, {model.weights[i].path}"
            # Compare the updates, not the weights: an update is ~1e-3 of a weight.
            delta = after[i].astype(np.float64) - w0
            np.testing.assert_allclose(delta, expected - w0, rtol=1e-3, atol=3e-7, err_msg=where)
            if not np.allclose(delta, dense - w0, rtol=1e-3, atol=3e-7):
                if not train.tf_sparse_quirk:
                    raise AssertionError(f"{where}: depends on TF sparse gradients; flag it")
                quirk_seen = True
        for i in set(range(len(before))) - set(trainable_index) - moving:
            np.testing.assert_array_equal(after[i], before[i], err_msg="frozen weight moved")
        for i, expected in expected_moving.items():
            where = f"{train.name}: step {step}, {model.weights[i].path}"
            np.testing.assert_allclose(after[i], expected, rtol=1e-5, atol=1e-6, err_msg=where)
        for i, w in enumerate(after):
            arrays[f"step{step}_weight_{i}"] = w
        losses.append(loss)
        before = after

    if train.tf_sparse_quirk and not quirk_seen:
        raise AssertionError(f"{train.name}: flagged tf_sparse_quirk but shows none")
    # The first loss: the data loss on the training-mode predictions (BatchNormalization
    # uses batch statistics there), plus every regularization penalty.
    expected_loss = numpy_loss(train.loss, y, first_train_pred, masks[0]) + first_penalty
    np.testing.assert_allclose(losses[0], expected_loss, rtol=1e-5, err_msg=train.name)
    arrays["loss"] = as_float32(losses)

    config = jsonable(optimizer.get_config())
    entry = {
        "file": f"{train.name}.npz",
        "case": case.name,
        "optimizer": {
            "name": train.optimizer,
            "kwargs": dict(train.optimizer_kwargs),
            "config": config,
        },
        "loss": train.loss,
        "steps": train.steps,
        "losses": [float(v) for v in as_float32(losses)],
        "trainable_weight_indices": trainable_index,
        "target": {"shape": list(y.shape), "dtype": str(y.dtype)},
        "train_description": train.description,
        "tf_sparse_quirk": train.tf_sparse_quirk,
        # Only where fit moves non-trainable weights (BatchNormalization's statistics).
        **({"moving_weight_indices": sorted(moving)} if moving else {}),
        **common_entry(case, model, inputs, outputs, masks, train.seed),
    }
    return entry, arrays


# ------------------------------------------------------------------- main ---


def main():
    if FIXTURES.exists():
        shutil.rmtree(FIXTURES)
    FIXTURES.mkdir(parents=True)
    manifest = {
        "format_version": 1,
        "generated_by": "tests/golden/make_golden.py",
        "command": COMMAND,
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "keras_backend": keras.backend.backend(),
        "keras_epsilon": keras.backend.epsilon(),
        "floatx": keras.backend.floatx(),
        "tolerance": {"rtol": 1e-5, "atol": 1e-5},
        "weight_init": (
            "kernels/recurrent kernels ~ N(0, s^2), s = min(0.5, 1.5/sqrt(fan_in)); "
            "embeddings ~ N(0, 0.25); biases ~ U(-0.5, 0.5); in model.get_weights() order"
        ),
        "forward": {},
        "train": {},
    }
    for name, case in cases.CASES.items():
        entry, arrays = make_forward(case)
        save_npz(FIXTURES / entry["file"], arrays)
        manifest["forward"][name] = entry
        print(f"forward {name:34s} {len(arrays):3d} arrays")
    for name, train in cases.TRAIN_CASES.items():
        entry, arrays = make_train(train)
        save_npz(FIXTURES / entry["file"], arrays)
        manifest["train"][name] = entry
        losses = ", ".join(f"{v:.5f}" for v in entry["losses"])
        print(f"train   {name:60s} loss {losses}")
    text = to_json(jsonable(manifest)) + "\n"
    if json.loads(text) != jsonable(manifest):
        raise AssertionError("to_json lost information")
    (FIXTURES / "manifest.json").write_text(text, encoding="utf-8")

    total = sum(p.stat().st_size for p in FIXTURES.iterdir())
    print(f"{len(cases.CASES)} forward + {len(cases.TRAIN_CASES)} training cases, {total:,} bytes")
    if total > MAX_TOTAL_BYTES:
        raise SystemExit(f"fixtures are {total:,} bytes, over the {MAX_TOTAL_BYTES:,} budget")


if __name__ == "__main__":
    main()
