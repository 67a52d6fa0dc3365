"""Run the lesson notebooks and store their outputs, the same at every run.

nbval compares every stored output with a fresh run, so the stored outputs
must be exactly what a run gives; and a lesson opened before it is run, or
shown by a static renderer (GitHub, `jupyter nbconvert --to html`), should
show its widgets as they were. So this script

* stores the widgets' state (ipywidgets' saved state, `metadata.widgets`,
  and each widget output's `application/vnd.jupyter.widget-view+json`, which
  nbval does not compare), with the same model ids at every run: before the
  first cell it seeds the kernel's `uuid.uuid4`, which makes the widget ids;
* keeps the widgets' text (their `__repr__`), so the notebook reads well
  without any widget renderer too;
* joins a cell's consecutive prints into one output (the kernel sends them
  in pieces that vary from run to run);
* leaves out each cell's `metadata.execution` (when it ran, to the microsecond);
* replaces the checkout's absolute path in any output by `.../` (a stored
  output names no folder of the machine that ran it);
* refuses to store a lesson in which a cell changed a widget shown further
  up (itself, or the layer it shows), unless the text above that widget says
  to watch it ("watch", "回来看看"): after Run All every widget must show
  what the text above it describes. It compares each widget's text form when
  its cell ran with its text form after the last cell.

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

import json
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

REPOSITORY = pathlib.Path(__file__).resolve().parent.parent
LESSONS = REPOSITORY / "lessons"
EDITIONS = {"English": LESSONS, "Chinese": LESSONS / "zh-CN"}


# Run in the kernel before the first cell: widget (comm) ids come from uuid.uuid4(),
# so a seeded uuid4 gives the same ids, and the same stored widget state, at every run.
SEED_WIDGET_IDS = """
import random as _random, uuid as _uuid
_ids = _random.Random(0)
_uuid.uuid4 = lambda: _uuid.UUID(int=_ids.getrandbits(128), version=4)
del _random
"""


# Run after the last cell (in a cell of its own, removed again): every kerastutor
# widget's text form, by model id, as it is once all the cells have run.
FINAL_WIDGET_TEXTS = """
import json as _json
from ipywidgets.widgets.widget import _instances as _widgets
print(_json.dumps({i: repr(w) for i, w in _widgets.items()
                   if type(w).__module__.startswith("kerastutor.")}))
"""
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# Words of the text above a widget that tell the reader later cells change it.
WATCH = ("watch", "回来看看")


def widgets_changed_later(notebook, final_texts):
    """Widgets that later cells changed although the text above them does not say so."""
    problems = []
    text_above = ""
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            text_above = cell.source
            continue
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None or view["model_id"] not in final_texts:
                continue
            shown = output["data"]["text/plain"].splitlines()[0]
            final = final_texts[view["model_id"]]
            if final != shown and not any(word in text_above for word in WATCH):
                problems.append(f"cell {number} shows {shown}, but after Run All: {final}")
    return problems


def without_checkout_path(text):
    """`text` with the checkout's absolute path replaced by `.../`."""
    return text.replace(str(REPOSITORY) + "/", ".../").replace(str(REPOSITORY), "...")


def joined_streams(outputs):
    """`outputs` with each run of stdout (or stderr) pieces joined into one output."""
    joined = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            output["output_type"] == "stream"
            and previous is not None
            and previous["output_type"] == "stream"
            and previous["name"] == output["name"]
        ):
            previous["text"] += output["text"]
        else:
            joined.append(output)
    return joined


def strip_run_specific(notebook):
    """Join prints, remove execution times and the checkout's path; return the notebook."""
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if "outputs" in cell:
            cell.outputs = joined_streams(cell.outputs)
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = without_checkout_path(output["text"])
            if "traceback" in output:
                output["traceback"] = [without_checkout_path(line) for line in output["traceback"]]
            if "evalue" in output:
                output["evalue"] = without_checkout_path(output["evalue"])
            for kind, value in output.get("data", {}).items():
                if isinstance(value, str):
                    output["data"][kind] = without_checkout_path(value)
    return notebook


def run(notebook, folder):
    """Execute `notebook` in `folder`. Returns seconds and the widgets' final text forms."""
    notebook.cells.append(nbformat.v4.new_code_cell(FINAL_WIDGET_TEXTS))
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(folder)}},
    )

    async def seed_widget_ids(**_):
        reply = client.kc.execute(SEED_WIDGET_IDS, silent=True, store_history=False)
        await client.async_wait_for_reply(reply)

    client.on_notebook_start = seed_widget_ids
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        last = notebook.cells.pop()
    seconds = time.perf_counter() - start
    final_texts = json.loads("".join(output["text"] for output in last.outputs))
    return seconds, final_texts


def refresh(path):
    """Execute the notebook at `path` in its folder and write it back. Returns seconds."""
    notebook = nbformat.read(path, as_version=4)
    seconds, final_texts = run(notebook, path.parent)
    problems = widgets_changed_later(notebook, final_texts)
    if problems:
        raise SystemExit(
            f"{path.name}: not stored; a later cell changed a widget the text above it explains "
            "(make the later cell create its own widget or layer):\n  " + "\n  ".join(problems)
        )
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
