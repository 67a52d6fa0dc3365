"""Run the lesson notebooks and store their outputs, minus what changes from run to run.

nbval compares every stored output with a fresh run, so the stored outputs
must be exactly what a run gives. Three things a plain
`jupyter nbconvert --execute --inplace` stores are different at every run and
are not part of any lesson, so this script leaves them out:

* the `application/vnd.jupyter.widget-view+json` part of a widget's output
  (a random model id; nbval skips it anyway). The widget's text
  (its `__repr__`) stays, so the stored notebook reads well without a kernel;
* the notebook's `metadata.widgets` (widget state under random ids);
* each cell's `metadata.execution` (when it ran, to the microsecond).

Every lesson has two editions, English (`lessons/*.ipynb`) and Chinese
(`lessons/zh-CN/*_zh.ipynb`), with the same code. They must show the same
outputs (tests/test_lessons.py checks), so a lesson named on the command
line is refreshed in both editions, and a run without arguments refreshes
every notebook of both.

Usage (from the repository root, in the environment of `tools/setup.sh`):
    python tools/refresh_lessons.py                 # both editions of every lesson
    python tools/refresh_lessons.py lessons/05_two_tweets_model.ipynb   # lesson 5, both editions
    python tools/refresh_lessons.py lessons/zh-CN   # the notebooks of one folder only

It prints how long each notebook took to run, and the total for each edition.
"""

import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LESSONS = pathlib.Path(__file__).resolve().parent.parent / "lessons"
EDITIONS = {"English": LESSONS, "Chinese": LESSONS / "zh-CN"}


def strip_run_specific(notebook):
    """Remove widget ids, widget state and execution times; return the notebook."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is not None:
                data.pop(WIDGET_VIEW, None)
    return notebook


def refresh(path):
    """Execute the notebook at `path` in its folder and write it back. Returns seconds."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(strip_run_specific(notebook), path)
    return seconds


def every_lesson():
    """Both editions' notebooks, English first."""
    return [path for folder in EDITIONS.values() for path in sorted(folder.glob("*.ipynb"))]


def twin(path):
    """The other edition of the lesson at `path` (the same code, so the same outputs)."""
    if path.parent == EDITIONS["Chinese"]:
        return EDITIONS["English"] / path.name.replace("_zh.ipynb", ".ipynb")
    return EDITIONS["Chinese"] / path.name.replace(".ipynb", "_zh.ipynb")


def notebooks(argument):
    """The notebooks a command-line argument names: a folder's, or a lesson in both editions."""
    path = pathlib.Path(argument).resolve()
    if path.is_dir():
        return sorted(path.glob("*.ipynb"))
    return [path] + [other for other in [twin(path)] if other.exists()]


def main(arguments):
    named = [path for argument in arguments for path in notebooks(argument)]
    paths = list(dict.fromkeys(named)) or every_lesson()
    totals = {}
    for path in paths:
        seconds = refresh(path)
        edition = next((e for e, folder in EDITIONS.items() if path.parent == folder), "other")
        totals[edition] = totals.get(edition, 0.0) + seconds
        print(f"{path.parent.name}/{path.name}: {seconds:.1f} s")
    for edition, seconds in totals.items():
        print(f"{edition} edition: {seconds:.1f} s")
    print(f"all {len(paths)}: {sum(totals.values()):.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
