"""The lesson notebooks keep their conventions (nbval checks their outputs separately).

Every lesson: a first cell saying what the learner will be able to do, the
learner's words in Chinese with an English translation, seeded randomness,
an exercise marked by a check function, and stored outputs with nothing that
changes from run to run (widget ids, memory addresses, timings).
"""

import json
import pathlib
import re

import pytest

LESSONS = pathlib.Path(__file__).resolve().parent.parent / "lessons"
NAMES = [
    "01_shared_layers_and_nodes.ipynb",
    "02_embedding_vs_input.ipynb",
    "03_symbolic_tensors_and_dot.ipynb",
    "04_model_vs_layer.ipynb",
    "05_two_tweets_model.ipynb",
    "06_conv2d_shared_across_sizes.ipynb",
    "07_dense_after_lstm.ipynb",
]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def load(name):
    return json.loads((LESSONS / name).read_text(encoding="utf-8"))


def source(cell):
    return "".join(cell["source"])


def outputs_text(notebook):
    return json.dumps([cell.get("outputs", []) for cell in notebook["cells"]])


def test_every_lesson_is_there_and_listed_in_the_readme():
    assert sorted(path.name for path in LESSONS.glob("*.ipynb")) == NAMES
    readme = (LESSONS / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"({name})" in readme, name


@pytest.mark.parametrize("name", NAMES)
def test_lesson_starts_with_what_the_learner_will_be_able_to_do(name):
    first = load(name)["cells"][0]
    assert first["cell_type"] == "markdown"
    lines = [line for line in source(first).splitlines() if line.strip()]
    assert lines[0].startswith("# Lesson ")
    assert lines[1].startswith("**After this lesson you can:**")
    assert len(lines) == 2


@pytest.mark.parametrize("name", NAMES)
def test_lesson_quotes_the_learner_in_chinese_and_english(name):
    cells = load(name)["cells"]
    question = next(source(c) for c in cells if source(c).startswith("## The question"))
    quoted = [line for line in question.splitlines() if line.startswith(">")]
    assert any(CHINESE.search(line) for line in quoted)
    # Each Chinese quote is followed by its translation, in italics.
    assert any(line.startswith("> *") and not CHINESE.search(line) for line in quoted)


@pytest.mark.parametrize("name", NAMES)
def test_lesson_is_seeded_and_ends_with_a_checked_exercise(name):
    cells = load(name)["cells"]
    code = [source(c) for c in cells if c["cell_type"] == "code"]
    assert "set_random_seed(0)" in code[0]
    assert "from kerastutor.exercises import check_" in code[0]
    assert any(line.startswith("## Exercise") for c in cells for line in source(c).splitlines())
    assert re.search(r"^check_\w+\(", code[-1], re.MULTILINE)


@pytest.mark.parametrize("name", NAMES)
def test_error_cells_are_marked_and_show_the_engines_explanation(name):
    for cell in load(name)["cells"]:
        if cell["cell_type"] != "code":
            continue
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        marked = "raises-exception" in cell["metadata"].get("tags", [])
        assert bool(errors) == marked, source(cell)
        for error in errors:
            assert len(error["evalue"]) > 20, error["evalue"]


@pytest.mark.parametrize("name", NAMES)
def test_stored_outputs_hold_nothing_that_changes_between_runs(name):
    notebook = load(name)
    text = outputs_text(notebook)
    assert "widget-view+json" not in text
    assert "widgets" not in notebook["metadata"]
    assert not re.search(r"0x[0-9a-f]{6,}", text)
    assert not re.search(r"\d+(ms|us|s)/step", text)
    assert "image/svg+xml" not in text  # graphviz's SVG differs between versions
    # Stored after a full run: every code cell has been executed.
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["execution_count"] is not None, source(cell)
