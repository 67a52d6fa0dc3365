"""Record what Keras 3's callbacks do, for kerastutor to reproduce. Run by hand, never in CI.

From the repository root, with the reference venv that has Keras::

    flock /tmp/golden.lock env TF_CPP_MIN_LOG_LEVEL=3 \\
        /tmp/kerasref/bin/python tests/golden/make_callbacks_golden.py

It runs every scenario of `callbacks_cases.SCENARIOS` in a fresh temporary
folder and writes `fixtures_callbacks/callbacks.json`: versions, and per
scenario the history (learning rates included), the epochs that ran, the
final weights, the checkpoint files written and the weights of the best
one, the CSV text. Running it twice gives the same bytes (TensorFlow runs
single-threaded and deterministic; nothing depends on the date or the
folder's name).
"""

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import tensorflow as tf

tf.get_logger().setLevel("ERROR")
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # so that ``golden`` is importable
from golden import callbacks_cases  # noqa: E402

OUTPUT = HERE / "fixtures_callbacks" / "callbacks.json"


def main():
    results = {
        "versions": {"keras": keras.__version__, "tensorflow": tf.__version__},
        "command": "tests/golden/make_callbacks_golden.py",
    }
    for name, scenario in callbacks_cases.SCENARIOS.items():
        keras.utils.clear_session()
        with tempfile.TemporaryDirectory() as folder:
            results[name] = scenario(keras, folder)
        print(f"{name}: {summary(results[name])}")
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


def summary(result):
    parts = []
    if "epochs" in result:
        parts.append(f"{len(result['epochs'])} epochs")
    if "learning_rate" in result.get("history", {}):
        parts.append(f"lr {result['history']['learning_rate']}")
    if "val_loss" in result.get("history", {}):
        parts.append("val_loss " + " ".join(f"{v:.4f}" for v in result["history"]["val_loss"]))
    for key in ("stopped_epoch", "best_epoch", "files"):
        if key in result:
            parts.append(f"{key} {result[key]}")
    if "with_validation" in result:
        parts.append(repr(result["with_validation"][:160]))
    return "; ".join(parts)


if __name__ == "__main__":
    main()
