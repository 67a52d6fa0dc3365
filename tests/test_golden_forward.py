"""kerastutor's forward pass against the numbers real Keras computed.

Each case of ``tests/golden/cases.py`` is built here with ``kerastutor.layers``
and ``kerastutor.models``, given the weights Keras used, and must reproduce
Keras's ``model.predict`` outputs stored in ``tests/golden/fixtures/``. The
fixtures come from ``tests/golden/make_golden.py`` (run by hand with Keras);
this test needs only NumPy and kerastutor. See ``tests/golden/README.md``.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
FIXTURES = GOLDEN / "fixtures"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
FORWARD = MANIFEST["forward"]
RTOL = 1e-5
ATOL = 1e-5


def _load_cases():
    # Loaded by path so the import works whatever pytest's import mode is.
    spec = importlib.util.spec_from_file_location("golden_cases", GOLDEN / "cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = _load_cases().CASES


def _fixture(entry):
    with np.load(FIXTURES / entry["file"]) as archive:
        return {key: archive[key] for key in archive.files}


def _build(name):
    """Build case ``name`` with kerastutor, from a fresh session and seed."""
    from kerastutor import backend, layers, models, utils

    backend.clear_session()
    utils.set_random_seed(0)
    return CASES[name].build(layers, models)


def _weight_table(entry):
    return "\n".join(f"  {w['path']}: {tuple(w['shape'])}" for w in entry["weights"])


@pytest.mark.parametrize("name", list(FORWARD))
def test_weights_match_keras(name):
    entry = FORWARD[name]
    model = _build(name)

    got = [tuple(np.shape(w)) for w in model.get_weights()]
    expected = [tuple(w["shape"]) for w in entry["weights"]]
    assert got == expected, (
        f"{name}: get_weights() shapes {got} differ from Keras's, which are, in order:\n"
        f"{_weight_table(entry)}"
    )
    assert model.count_params() == entry["count_params"], (
        f"{name}: count_params() is {model.count_params()}, Keras says {entry['count_params']}"
    )


@pytest.mark.parametrize("name", list(FORWARD))
def test_forward_matches_keras(name):
    entry = FORWARD[name]
    fixture = _fixture(entry)
    model = _build(name)

    weights = [fixture[f"weight_{i}"] for i in range(len(entry["weights"]))]
    for i, (current, new) in enumerate(zip(model.get_weights(), weights, strict=True)):
        assert np.shape(current) == new.shape, (
            f"{name}: weight {i} ({entry['weights'][i]['path']} in Keras) has shape "
            f"{np.shape(current)}, the fixture has {new.shape}"
        )
    model.set_weights(weights)

    inputs = [fixture[f"input_{i}"] for i in range(len(entry["inputs"]))]
    outputs = model.predict(inputs[0] if len(inputs) == 1 else inputs)
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    assert len(outputs) == len(entry["outputs"]), (
        f"{name}: the model returned {len(outputs)} outputs, Keras {len(entry['outputs'])}"
    )
    for i, got in enumerate(outputs):
        np.testing.assert_allclose(
            np.asarray(got),
            fixture[f"output_{i}"],
            rtol=RTOL,
            atol=ATOL,
            err_msg=f"{name}: output {i} differs from Keras ({entry['description']})",
        )
