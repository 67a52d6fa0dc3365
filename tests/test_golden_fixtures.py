"""The golden fixtures are complete, in the documented layout, and in step with
``tests/golden/cases.py``. Needs neither Keras nor kerastutor.

If this fails after a case was added or edited, regenerate the fixtures:
``TF_CPP_MIN_LOG_LEVEL=3 /opt/kerasref/bin/python tests/golden/make_golden.py``.
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


def _load_cases():
    spec = importlib.util.spec_from_file_location("golden_cases", GOLDEN / "cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cases = _load_cases()


def _arrays(entry):
    with np.load(FIXTURES / entry["file"]) as archive:
        return {key: archive[key] for key in archive.files}


def _check_io(name, entry, arrays):
    assert len(entry["inputs"]) == len(cases.CASES[entry.get("case", name)].inputs)
    for i, spec in enumerate(entry["inputs"]):
        x = arrays[f"input_{i}"]
        assert list(x.shape) == spec["shape"] and str(x.dtype) == spec["dtype"]
        assert x.dtype in (np.float32, np.int32)
    for i, spec in enumerate(entry["outputs"]):
        y = arrays[f"output_{i}"]
        assert list(y.shape) == spec["shape"] and y.dtype == np.float32
        assert (f"output_mask_{i}" in arrays) == spec["has_mask"]
    for i, spec in enumerate(entry["weights"]):
        w = arrays[f"weight_{i}"]
        assert list(w.shape) == spec["shape"] and w.dtype == np.float32
    total = sum(int(np.prod(w["shape"])) for w in entry["weights"])
    assert total == entry["count_params"]


def test_manifest_matches_cases():
    assert list(MANIFEST["forward"]) == list(cases.CASES), "fixtures are stale: regenerate"
    assert list(MANIFEST["train"]) == list(cases.TRAIN_CASES), "fixtures are stale: regenerate"
    files = {p.name for p in FIXTURES.iterdir()}
    listed = {e["file"] for e in MANIFEST["forward"].values()}
    listed |= {e["file"] for e in MANIFEST["train"].values()}
    assert files == listed | {"manifest.json"}


def test_fixtures_stay_small():
    sizes = {p.name: p.stat().st_size for p in FIXTURES.iterdir()}
    forward = sum(size for file, size in sizes.items() if not file.startswith("train_"))
    assert forward < 1_000_000
    assert sum(sizes.values()) < 2_000_000


@pytest.mark.parametrize("name", list(MANIFEST["forward"]))
def test_forward_fixture_layout(name):
    entry = MANIFEST["forward"][name]
    case = cases.CASES[name]
    assert [spec.spec for spec in case.inputs] == [i["spec"] for i in entry["inputs"]]
    assert entry["seed"] == case.seed
    arrays = _arrays(entry)
    _check_io(name, entry, arrays)
    n_in, n_out, n_w = len(entry["inputs"]), len(entry["outputs"]), len(entry["weights"])
    assert len([k for k in arrays if not k.startswith("output_mask_")]) == n_in + n_out + n_w


@pytest.mark.parametrize("name", list(MANIFEST["train"]))
def test_train_fixture_layout(name):
    entry = MANIFEST["train"][name]
    train = cases.TRAIN_CASES[name]
    assert entry["case"] == train.case.name
    assert entry["optimizer"]["name"] == train.optimizer
    assert entry["optimizer"]["kwargs"] == train.optimizer_kwargs
    assert entry["loss"] == train.loss and entry["steps"] == train.steps
    arrays = _arrays(entry)
    _check_io(name, entry, arrays)
    assert arrays["loss"].shape == (train.steps,) and arrays["loss"].dtype == np.float32
    np.testing.assert_array_equal(arrays["loss"], np.float32(entry["losses"]))
    assert list(arrays["target_0"].shape) == entry["target"]["shape"]
    trainable = set(entry["trainable_weight_indices"])
    assert trainable == {i for i, w in enumerate(entry["weights"]) if w["trainable"]}
    # BatchNormalization's moving statistics: non-trainable, yet moved by fit.
    moving = set(entry.get("moving_weight_indices", []))
    assert all(
        entry["weights"][i]["path"].endswith(("moving_mean", "moving_variance")) for i in moving
    )
    for step in range(1, train.steps + 1):
        for i, spec in enumerate(entry["weights"]):
            after = arrays[f"step{step}_weight_{i}"]
            assert list(after.shape) == spec["shape"]
            assert (f"step{step}_grad_{i}" in arrays) == (i in trainable)
            if i not in trainable and i not in moving:
                np.testing.assert_array_equal(after, arrays[f"weight_{i}"])
