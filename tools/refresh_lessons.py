"""Run the lesson notebooks and store their outputs, minus what changes from run to run.

nbval compares every stored output with a fresh run, so the stored outputs
must be exactly what a run gives. Two things a plain
`jupyter nbconvert --execute --inplace` stores are different at every run and
are not part of any lesson, so this script leaves them out:

* the `application/vnd.jupyter.widget-view+json` part of a widget's output
  (a random model id; nbval skips it anyway). The widget's text
  (its `__repr__`) stays, so the stored notebook reads well without a kernel;
* the notebook's `metadata.widgets` (widget state under random ids).

Usage (from the repository root, in the environment of `tools/setup.sh`):
    python tools/refresh_lessons.py                 # every lessons/*.ipynb
    python tools/refresh_lessons.py lessons/05_two_tweets_model.ipynb

It prints how long each notebook took to run.
"""

import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LESSONS = pathlib.Path(__file__).resolve().parent.parent / "lessons"


def strip_run_specific(notebook):
    """Remove widget ids and widget state; return the notebook."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
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


def main(arguments):
    paths = [pathlib.Path(a).resolve() for a in arguments] or sorted(LESSONS.glob("*.ipynb"))
    total = 0.0
    for path in paths:
        seconds = refresh(path)
        total += seconds
        print(f"{path.name}: {seconds:.1f} s")
    print(f"all {len(paths)}: {total:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
