"""fit with sample, class and timestep weights gives Keras's numbers (tests/golden/fixtures_fit/).

The cases are in tests/golden/fit_cases.py; the fixtures come from
tests/golden/make_fit_golden.py run in real Keras 3. Every log of every
epoch, evaluate's dict and the final weights must agree at 1e-5.
"""

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import kerastutor

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
sys.path.insert(0, str(GOLDEN))
import fit_cases  # noqa: E402

FIXTURES = GOLDEN / "fixtures_fit"

BUILDS = {name: (lambda b=b: b(kerastutor)) for name, b in fit_cases.CASES.items()}
BUILDS["guide_custom_train_step"] = lambda: fit_cases.guide_custom_train_step(
    kerastutor, kerastutor
)


def test_every_case_has_a_fixture_and_every_fixture_a_case():
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(BUILDS)


@pytest.mark.parametrize("name", sorted(BUILDS))
def test_fit_matches_keras(name):
    expected = json.loads((FIXTURES / f"{name}.json").read_text())
    model, fit_kwargs, evaluate_kwargs = BUILDS[name]()
    with warnings.catch_warnings():
        # The generator case runs out of data in its last epoch, as in Keras (which warns too).
        warnings.filterwarnings("ignore", message="Your input ran out of data")
        history = model.fit(verbose=0, shuffle=False, **fit_kwargs)
    assert history.epoch == expected["epochs"]
    assert sorted(history.history) == sorted(expected["history"])
    for key, values in expected["history"].items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-5, atol=1e-6, err_msg=key)
    for got, want in zip(model.get_weights(), expected["weights"], strict=True):
        np.testing.assert_allclose(got, np.asarray(want), rtol=1e-5, atol=1e-5)
    evaluated = model.evaluate(verbose=0, return_dict=True, **evaluate_kwargs)
    assert sorted(evaluated) == sorted(expected["evaluate"])
    for key, value in expected["evaluate"].items():
        np.testing.assert_allclose(evaluated[key], value, rtol=1e-5, atol=1e-6, err_msg=key)
