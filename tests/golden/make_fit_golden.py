"""Regenerate tests/golden/fixtures_fit/ from real Keras: fit with sample, class and timestep weights.

Run by hand (never in CI), from the repository root, with the Keras venv::

    flock /tmp/golden.lock env TF_CPP_MIN_LOG_LEVEL=3 /tmp/kerasref/bin/python \\
        tests/golden/make_fit_golden.py

For each case of `fit_cases.py` (and the guide's custom train_step model):
seeded weights, `fit(...)` as the case says, then `evaluate(...,
return_dict=True)`. One JSON file per case records the history (every log
key, one value per epoch), the final weights and evaluate's dict.
`tests/training/test_fit_golden.py` runs the same cases in kerastutor and
compares at 1e-5. The output is byte-identical from run to run
(single-threaded, deterministic TensorFlow).
"""

import json
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import tensorflow as tf

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import fit_cases  # noqa: E402

OUT = HERE / "fixtures_fit"


def run(name, build):
    keras.utils.set_random_seed(0)
    model, fit_kwargs, evaluate_kwargs = build()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras's "ran out of data" and shuffle notes
        history = model.fit(verbose=0, shuffle=False, **fit_kwargs)
        evaluated = model.evaluate(verbose=0, return_dict=True, **evaluate_kwargs)
    return {
        "case": name,
        "keras": keras.__version__,
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
        "epochs": history.epoch,
        "evaluate": {key: float(value) for key, value in evaluated.items()},
        "weights": [w.astype("float64").round(7).tolist() for w in model.get_weights()],
    }


def main():
    OUT.mkdir(exist_ok=True)
    builds = {name: (lambda b=b: b(keras)) for name, b in fit_cases.CASES.items()}
    builds["guide_custom_train_step"] = lambda: fit_cases.guide_custom_train_step(keras, tf)
    for name, build in builds.items():
        record = run(name, build)
        path = OUT / f"{name}.json"
        path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        print(f"{path.name}: {record['history']}")


if __name__ == "__main__":
    main()
