"""Re-running any cell of a lesson gives the same page.

A learner runs a cell, reads it, and runs it again (to see it once more, or
after changing a line and changing it back). The page must not change under
them: a layer auto-named `dense_3` instead of `dense`, a shared layer with a
third node, a model that trains on from where it stopped, a random number
drawn afresh. This test runs every English lesson in a kernel (nbclient),
each code cell twice in a row, and compares the text outputs of the two runs,
as nbval compares them (prints joined, no execution counters, no images).

The Chinese editions run the same code (tests/test_lessons.py checks that
their code cells are the English ones, comments aside), so they are not run
again here: that keeps the test under about a minute.
"""

import pathlib
import time

import pytest

LESSONS = pathlib.Path(__file__).resolve().parent.parent / "lessons"
ENGLISH = sorted(path.name for path in LESSONS.glob("*.ipynb"))
BUDGET_SECONDS = 30  # per lesson, both runs of every cell (lesson 5, the slowest, takes ~10)


def shown(outputs):
    """The text a learner reads of a cell's outputs, as nbval compares it."""
    texts = []
    for output in outputs:
        kind = output["output_type"]
        if kind == "stream":
            # The kernel sends a cell's prints in pieces that vary from run to run.
            if texts and texts[-1][0] == output["name"]:
                texts[-1] = (output["name"], texts[-1][1] + output["text"])
            else:
                texts.append((output["name"], output["text"]))
        elif kind == "error":
            texts.append((output["ename"], output["evalue"]))
        else:
            texts.append((kind, output.get("data", {}).get("text/plain", "")))
    return texts


def run_every_cell_twice(path):
    """{cell number: (first run's text, second run's text)} of the cells that differ."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    differing = {}
    with client.setup_kernel():
        for number, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, number)
            first = shown(cell.outputs)
            client.execute_cell(cell, number)
            second = shown(cell.outputs)
            if second != first:
                differing[number] = (first, second)
    return differing


def test_shown_joins_the_pieces_of_a_print():
    pieces = [
        {"output_type": "stream", "name": "stdout", "text": "(None, 1)"},
        {"output_type": "stream", "name": "stdout", "text": " 56\n"},
        {"output_type": "execute_result", "data": {"text/plain": "3"}, "execution_count": 4},
    ]
    assert shown(pieces) == [("stdout", "(None, 1) 56\n"), ("execute_result", "3")]
    assert shown(pieces[1:]) != shown(pieces)


@pytest.mark.parametrize("name", ENGLISH)
def test_running_a_cell_again_gives_the_same_page(name):
    start = time.perf_counter()
    differing = run_every_cell_twice(LESSONS / name)
    seconds = time.perf_counter() - start
    report = [
        f"cell {number}: first run\n  {first}\nsecond run\n  {second}"
        for number, (first, second) in differing.items()
    ]
    assert not report, "running the cell again changed the page:\n" + "\n".join(report)
    assert seconds < BUDGET_SECONDS, f"{name} took {seconds:.1f} s, run twice"
