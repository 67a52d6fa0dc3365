"""keras-io's guides, run with `import kerastutor as keras` and compared with Keras 3.

Every section of each guide in ``GUIDES`` (the functional API, the
sequential model, subclassing, training with the built-in methods, writing
your own callbacks, masking and padding, working with RNNs; one
``<guide>_sections.py`` each) runs here with kerastutor, and what it shows
(shapes, layer names, parameter counts, summary rows, losses and metrics,
predictions for seeded weights, errors) is compared with what the same code
showed under Keras 3 (``fixtures/<guide>.json``, made by ``make_fixtures.py``).
All differences of a section are reported together, so one run shows
everything that is off.

Sections are left out of the run for one of two stated reasons, each in a
table below:

* ``NEEDS``: the section uses layers (or modules) kerastutor does not have.
  ``test_needed_layers_are_still_missing`` fails as soon as one lands, so the
  table must then be updated and the section runs.
* ``PENDING``: the section differs from Keras for a reason stated above the
  table (its first error is here and in ``PENDING.md``). It runs as a
  strict expected failure: once it matches Keras, the run fails (XPASS) and
  the entry must go. ``KERASTUTOR_GUIDES_PENDING=1`` runs them as plain tests.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from keras_ports.pending import PENDING as PORTS_PENDING

import kerastutor as keras
from guides import (
    functional_api_sections,
    sequential_model_sections,
    subclassing_sections,
    training_with_built_in_methods_sections,
    understanding_masking_and_padding_sections,
    working_with_rnns_sections,
    writing_your_own_callbacks_sections,
)
from guides.guide_run import GuideRun

HERE = Path(__file__).resolve().parent
GUIDES = {
    "functional_api": functional_api_sections,
    "sequential_model": sequential_model_sections,
    "subclassing": subclassing_sections,
    "training_with_built_in_methods": training_with_built_in_methods_sections,
    "writing_your_own_callbacks": writing_your_own_callbacks_sections,
    "understanding_masking_and_padding": understanding_masking_and_padding_sections,
    "working_with_rnns": working_with_rnns_sections,
}

# (guide, section) -> what kerastutor lacks (attribute paths under kerastutor).
NEEDS = {
    # keras.applications is in no issue: pretrained networks need downloads.
    ("functional_api", "extract_and_reuse_nodes"): ["applications"],
    # tf.data is TensorFlow's input pipeline: kerastutor's fit reads NumPy arrays,
    # PyDatasets and Python generators (steps_per_epoch_and_validation_steps
    # runs the tf.data section's calls on a PyDataset).
    ("training_with_built_in_methods", "tf_data_datasets"): ["tf.data"],
    ("training_with_built_in_methods", "sample_weights_tf_data"): ["tf.data"],
    ("training_with_built_in_methods", "multi_io_tf_data"): ["tf.data"],
    # TensorBoard writes TensorFlow event files; kerastutor's widgets plot the History.
    ("training_with_built_in_methods", "tensorboard"): ["callbacks.TensorBoard"],
}

# "guide.section" -> first error with main as merged; mirrored in PENDING.md.
# working_with_rnns.built_in_rnn_layers / outputs_and_states wait for embedding.py
# (maskguide's): without `input_length` it sets `input_shape=(None,)` as Keras 2 did,
# so a Sequential that starts with it is built at once (summary counts the params,
# inputs (None, None)); Keras 3 leaves it unbuilt until its first call. Lesson 02
# (cell 20) shows Keras 2's error at construction, so the change is the integrator's call.
PENDING = {
    "working_with_rnns.built_in_rnn_layers": "differs: layer.output.shapes: kerastutor [[None, None, 64], [None, 128], [None, 10]] != Keras [[3, 12, 64], [3, 128], [3, 10]]; model.input_shapes: kerastutor [[None, None]] != Keras [[3, 12]]; model.output_shapes: kerastutor [[None, 10]] != Keras [[3, 10]]",
    "working_with_rnns.outputs_and_states": "differs: layer.output.shapes: kerastutor [[None, None, 64], [None, None, 256], [None, 128], [None, 10]] != Keras [[2, 9, 64], [2, 9, 256], [2, 128], [2, 10]]; model.input_shapes: kerastutor [[None, None]] != Keras [[2, 9]]; model.output_shapes: kerastutor [[None, 10]] != Keras [[2, 10]]",
}

RUN_PENDING = os.environ.get("KERASTUTOR_GUIDES_PENDING") == "1"


def _fixture(guide):
    return json.loads((HERE / "fixtures" / f"{guide}.json").read_text())["sections"]


FIXTURES = {guide: _fixture(guide) for guide in GUIDES}


def _sections():
    """Every section not waiting for another issue; pending ones as strict expected failures."""
    for guide, module in GUIDES.items():
        for section in module.SECTIONS:
            if (guide, section.__name__) in NEEDS:
                continue
            key = f"{guide}.{section.__name__}"
            marks = []
            if key in PENDING and not RUN_PENDING:
                marks = [pytest.mark.xfail(strict=True, reason=PENDING[key])]
            yield pytest.param(guide, section, id=f"{guide}.{section.__name__}", marks=marks)


# Names Keras makes up for an unnamed Input or Model. Keras 3 says `input_layer`,
# `input_layer_1`, `functional`, `functional_1`; kerastutor keeps Keras 2's
# `input_1`, `model`, `model_1`, because the seeds' printed summaries (seed 003:
# `input_1 (InputLayer)`) are Keras 2 programs' output. The counters also differ
# (Keras 3 counts the functional model inside each Sequential), so both sides
# compare as "<input>" / "<model>": a made-up name, whichever it is.
_AUTO_NAMES = [
    (re.compile(r"^(input_layer(_\d+)?|input_\d+)$"), "<input>"),
    (re.compile(r"^(functional(_\d+)?|model(_\d+)?)$"), "<model>"),
]


def _without_auto_names(value):
    if isinstance(value, list):
        return [_without_auto_names(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_auto_names(v) for k, v in value.items()}
    if isinstance(value, str):
        for pattern, placeholder in _AUTO_NAMES:
            if pattern.match(value):
                return placeholder
    return value


def _same_rows(got, want):
    """summary() rows agree; a Keras cell cut with "…" only has to start the same."""

    def same(mine, theirs):
        if theirs.endswith("…"):
            return mine.startswith(theirs[:-1])
        return mine == theirs

    return len(got) == len(want) and all(
        same(g_name, w_name) and same(g_type, w_type)
        for (g_name, g_type), (w_name, w_type) in zip(got, want)
    )


def _differences(expected, run):
    """Every fact and array where kerastutor's run differs from Keras's fixture."""
    problems = []
    facts = _without_auto_names(expected["facts"])
    run.facts = _without_auto_names(run.facts)
    for key in sorted(set(facts) | set(run.facts)):
        if key not in run.facts:
            problems.append(f"{key}: not recorded by kerastutor (Keras: {facts[key]!r})")
        elif key not in facts:
            problems.append(f"{key}: recorded by kerastutor only ({run.facts[key]!r})")
        elif key.endswith(".summary_rows") and _same_rows(run.facts[key], facts[key]):
            continue
        elif run.facts[key] != facts[key]:
            problems.append(f"{key}: kerastutor {run.facts[key]!r} != Keras {facts[key]!r}")
    arrays = expected["arrays"]
    for key in sorted(set(arrays) | set(run.arrays)):
        if key not in run.arrays or key not in arrays:
            problems.append(f"{key}: array recorded on one side only")
            continue
        want = np.asarray(arrays[key], dtype=np.float32)
        got = run.arrays[key]
        if got.shape != want.shape:
            problems.append(f"{key}: shape {got.shape} != Keras {want.shape}")
            continue
        atol = expected["tolerances"][key]
        if not np.allclose(got, want, rtol=atol, atol=atol):
            worst = float(np.max(np.abs(got - want)))
            problems.append(f"{key}: max |kerastutor - Keras| = {worst:.3g} > {atol}")
    return problems


@pytest.mark.parametrize(("guide", "section"), list(_sections()))
def test_section_matches_keras(guide, section, tmp_path, capsys):
    run = GuideRun(keras, tmp_path)
    section(keras, run)
    capsys.readouterr()  # fit's progress bars and summaries, as the learner sees them
    problems = _differences(FIXTURES[guide][section.__name__], run)
    assert not problems, f"{guide}.{section.__name__} differs from Keras 3:\n" + "\n".join(problems)


def _has(path):
    obj = keras
    for part in path.split("."):
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True


@pytest.mark.parametrize(("key", "needed"), list(NEEDS.items()), ids=lambda v: str(v))
def test_needed_layers_are_still_missing(key, needed):
    # When one of these lands, drop it from NEEDS: the section should then run.
    present = [path for path in needed if _has(path)]
    assert not present, f"{key}: kerastutor now has {present}; update NEEDS in {__file__}"


def test_every_section_has_a_fixture_and_a_known_status():
    for guide, module in GUIDES.items():
        names = [section.__name__ for section in module.SECTIONS]
        assert sorted(names) == sorted(FIXTURES[guide]), f"re-run make_fixtures.py for {guide}"
    known = {(g, s.__name__) for g, m in GUIDES.items() for s in m.SECTIONS}
    pending = {tuple(key.split(".")) for key in PENDING}
    assert set(NEEDS) <= known
    assert pending <= known
    assert not set(NEEDS) & pending


def test_pending_md_lists_every_pending_test():
    text = (HERE / "PENDING.md").read_text()
    listed = set(re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE))
    expected = set(PENDING) | set(PORTS_PENDING)
    assert listed == expected, "PENDING.md and the PENDING tables disagree"


def test_the_comparison_catches_a_changed_fact_a_changed_number_and_a_missing_one(tmp_path):
    expected = FIXTURES["functional_api"]["introduction"]
    run = GuideRun(keras, tmp_path)
    run.facts = json.loads(json.dumps(expected["facts"]))
    run.arrays = {k: np.asarray(v, dtype=np.float32) for k, v in expected["arrays"].items()}
    assert _differences(expected, run) == []

    run.facts["model.count_params"] += 1
    run.arrays["predict"] = run.arrays["predict"] + 1e-3
    del run.facts["x.shape"]
    problems = _differences(expected, run)
    assert [p.split(":")[0] for p in problems] == ["model.count_params", "x.shape", "predict"]
