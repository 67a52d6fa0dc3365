"""Regenerate the subclassing fixtures from real Keras 3. Run by hand, never in CI.

Trains the models of subclass_models.py in Keras from seeded weights (fit,
three epochs, no shuffling) and records the weights after training, the
loss history, predictions and `model.losses`; saves the subclassed model as
a `.keras` file too. tests/subclassing/test_subclass_golden.py does the same
in kerastutor and compares.

    flock /tmp/golden.lock env TF_CPP_MIN_LOG_LEVEL=3 /tmp/kerasref/bin/python \
        tests/golden/make_subclass_golden.py

Rewrites tests/golden/fixtures_subclass/ (subclass.json, net.keras).
"""

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

import keras  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from subclass_models import combine_model, data, net_classes, seeded  # noqa: E402

OUT = HERE / "fixtures_subclass"


def rounded(values):
    return [np.asarray(v, dtype="float64").round(7).tolist() for v in values]


def net_case():
    _, Net = net_classes(keras)
    keras.saving.register_keras_serializable(package="golden")(Net)
    x, y = data()
    model = Net(name="net")
    model(x[:2])  # built by a first call (the counter counts it)
    model.set_weights(seeded([w.shape for w in model.get_weights()], 7))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="mse")
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    weights = rounded(model.get_weights())  # before predict and call count once more
    model.save(OUT / "net.keras")
    predictions = model.predict(x, verbose=0)
    _ = model(x[:3])
    # The saved file carries Adam's state: one more step from it, in slot order.
    resumed = keras.saving.load_model(OUT / "net.keras")
    resumed.train_on_batch(x[:4], y[:4])
    return {
        "weights_after_resumed_step": rounded(resumed.get_weights()),
        "weight_paths": [w.path for w in model.weights],
        "weights": weights,
        "calls_at_the_end": float(model.blocks[1].calls.numpy()),
        "loss": rounded(history.history["loss"]),
        "predict": rounded(predictions),
        "losses_after_call": rounded([float(loss) for loss in model.losses]),
    }


def combine_case():
    x, y = data()
    b = np.round(np.linspace(-1, 1, 36).reshape(12, 3), 3).astype("float32")
    model = combine_model(keras)
    model.set_weights(seeded([w.shape for w in model.get_weights()], 8))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    history = model.fit([x, b], y, batch_size=6, epochs=3, shuffle=False, verbose=0)
    return {
        "weights": rounded(model.get_weights()),
        "loss": rounded(history.history["loss"]),
    }


def main():
    OUT.mkdir(exist_ok=True)
    keras.utils.set_random_seed(0)
    cases = {"keras_version": keras.__version__, "net": net_case(), "combine": combine_case()}
    path = OUT / "subclass.json"
    path.write_text(json.dumps(cases, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
