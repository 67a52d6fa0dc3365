"""Run every guide section with real Keras and write what it shows to fixtures/. By hand only.

    cd <repo> && TF_CPP_MIN_LOG_LEVEL=3 /tmp/kerasref/bin/python tests/guides/make_fixtures.py

Writes ``fixtures/functional_api.json``, ``fixtures/sequential_model.json``,
``fixtures/subclassing.json`` and ``fixtures/understanding_masking_and_padding.json``
(name guides on the command line to write only those):
Writes ``fixtures/<guide>.json`` for every guide in GUIDES (name guides on the
command line to write only those):
``{section: {"facts": {...}, "arrays": {key: nested lists}, "tolerances": {key: atol}}}``.
Every section must run under Keras (also those whose layers kerastutor does not
have yet), so the fixtures are complete the day a layer lands. CI never runs
this script; the tests only read the JSON.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf

tf.get_logger().setLevel("ERROR")
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from guides import (  # noqa: E402
    functional_api_sections,
    sequential_model_sections,
    subclassing_sections,
    training_with_built_in_methods_sections,
    understanding_masking_and_padding_sections,
    working_with_rnns_sections,
    writing_your_own_callbacks_sections,
)
from guides.guide_run import GuideRun  # noqa: E402

GUIDES = {
    "functional_api": functional_api_sections,
    "sequential_model": sequential_model_sections,
    "subclassing": subclassing_sections,
    "training_with_built_in_methods": training_with_built_in_methods_sections,
    "writing_your_own_callbacks": writing_your_own_callbacks_sections,
    "understanding_masking_and_padding": understanding_masking_and_padding_sections,
    "working_with_rnns": working_with_rnns_sections,
}


def _rounded(array):
    """Nested lists of 8 significant digits: float32 precision, half the characters."""
    return np.vectorize(lambda v: float(f"{v:.8g}"), otypes=[object])(array).tolist()


def run_section(section):
    """One section under Keras, in a fresh session, with its own temporary folder."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        run = GuideRun(keras, Path(tmp), plot=False)  # no pydot in the reference venv
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras 3 warns on input_shape=, as a learner sees
            section(keras, run)
    return {
        "facts": run.facts,
        "arrays": {key: _rounded(value) for key, value in run.arrays.items()},
        "tolerances": run.tolerances,
    }


def main():
    out = HERE / "fixtures"
    out.mkdir(exist_ok=True)
    only = sys.argv[1:]  # e.g. `make_fixtures.py subclassing`: that guide's fixture only
    for guide, module in GUIDES.items():
        if only and guide not in only:
            continue
        data = {"keras_version": keras.__version__, "sections": {}}
        for section in module.SECTIONS:
            print(f"{guide}.{section.__name__}", flush=True)
            data["sections"][section.__name__] = run_section(section)
        path = out / f"{guide}.json"
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    np.set_printoptions(precision=4)
    main()
