"""Every lesson in a real browser, as a learner opens it: JupyterLab, Run All, both themes.

One JupyterLab server serves a copy of `lessons/` (both editions). Each English
lesson is opened in its own page, run with Run > Run All Cells, and, once every
cell has run, checked as a learner would read it:

* no error output but the teaching errors (the cells tagged `raises-exception`,
  the cells whose stored outputs hold an error);
* no "Error displaying widget" or "Failed to load model class" anywhere (a
  widget whose JavaScript side did not load);
* every widget output drawn: as many widget views as the stored notebook has,
  each with something in it.

Then the whole notebook is photographed, in JupyterLab's light theme and in its
dark one: test-artifacts/lessons/<lesson>_light.png and <lesson>_dark.png (a
lesson taller than one picture goes on in <lesson>_<theme>_2.png, ...). Look at
them: every widget should show what the text above it says, readable in both.

The Chinese editions run the same code (tests/test_lessons.py checks), so they
are opened without running: their first cells, in the light theme, with the
learner's quote checked to render as Chinese characters and not as boxes
(test-artifacts/lessons/<lesson>_zh_light.png).

The helpers (`jupyter_server`, `run_all_cells`, ...) are the main browser test's
(`test_jupyterlab.py`); the needs are the same.
"""

import json
import re
import shutil
import time
import urllib.request
from pathlib import Path

import pytest
from test_jupyterlab import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    GLYPH_PIXELS_JS,
    chromium_path,
    jupyter_server,
)

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
ENGLISH = sorted(path.name for path in LESSONS.glob("*.ipynb"))
CHINESE = sorted(path.name for path in (LESSONS / "zh-CN").glob("*.ipynb"))
SHOTS = ARTIFACTS / "lessons"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDTH, TALLEST = 1280, 12_000  # one picture at most this tall; taller lessons take several
BROKEN_WIDGET = ("Error displaying widget", "Failed to load model class")

# Every code cell has run: its prompt shows a number, none is waiting or running.
ALL_RUN_JS = """
() => {
  const prompts = [...document.querySelectorAll(".jp-Notebook .jp-CodeCell .jp-InputPrompt")];
  return prompts.length > 0 && prompts.every((p) => /\\[\\d+\\]/.test(p.textContent));
}
"""
# For each cell of the notebook: does it show an error, and what do its widget views hold.
CELLS_JS = """
() => [...document.querySelectorAll(".jp-Notebook .jp-Cell")].map((cell) => ({
  error: cell.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]') !== null,
  widgets: [...cell.querySelectorAll(".jp-OutputArea-output > .jupyter-widgets")]
    .map((view) => view.parentElement)
    .map((output) => ({height: output.getBoundingClientRect().height,
                       text: output.innerText.trim().length,
                       svg: output.querySelectorAll("svg").length})),
}))
"""


def expected(name, folder=LESSONS):
    """Per cell: whether it is meant to show an error, and how many widget views it shows."""
    notebook = json.loads((folder / name).read_text(encoding="utf-8"))
    cells = []
    for cell in notebook["cells"]:
        outputs = cell.get("outputs", [])
        error = any(o["output_type"] == "error" for o in outputs) or any(
            o.get("name") == "stderr" for o in outputs
        )
        widgets = sum(WIDGET_VIEW in o.get("data", {}) for o in outputs)
        cells.append({"error": error, "widgets": widgets})
    return cells


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of lessons/: (base URL, token)."""
    tmp_path = tmp_path_factory.mktemp("lessons-lab")
    root = tmp_path / "notebooks"
    shutil.copytree(LESSONS, root, ignore=shutil.ignore_patterns("*.md", "*.sh", "*.toml"))
    with jupyter_server(tmp_path, "jupyterlab", root) as server:
        yield server


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("The real-browser test needs the pip package `playwright`.")
    executable = chromium_path()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*_failure.png"):  # a failure's picture is of this run only
        old.unlink()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": WIDTH, "height": 1000},
        )
        yield context
        context.close()


def shut_down_kernels(base, token):
    """Stop every kernel the server runs (each lesson gets a fresh one; two cores are few)."""
    with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=10) as response:
        sessions = json.loads(response.read())
    for session in sessions:
        request = urllib.request.Request(
            f"{base}/api/sessions/{session['id']}?token={token}", method="DELETE"
        )
        urllib.request.urlopen(request, timeout=10).close()


def set_theme(page, theme):
    name = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}[theme]
    page.evaluate(
        f"() => window.jupyterapp.commands.execute('apputils:change-theme', {{theme: '{name}'}})"
    )
    light = "true" if theme == "light" else "false"
    page.wait_for_function(f"() => document.body.dataset.jpThemeLight === '{light}'")
    comparison = "> 600" if theme == "light" else "< 200"  # the notebook's own background
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.jp-Notebook')).backgroundColor"
        f".match(/\\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b) {comparison}"
    )
    page.wait_for_timeout(300)  # the theme's colours reach the SVGs and the widgets


def photograph(page, stem):
    """The whole notebook, in as few pictures as TALLEST allows: their file names."""
    scroller = page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").first
    height = scroller.evaluate("(element) => element.scrollHeight")
    chrome = page.evaluate(
        "() => window.innerHeight - document.querySelector('.jp-NotebookPanel "
        ".jp-WindowedPanel-outer').getBoundingClientRect().height"
    )
    page.set_viewport_size({"width": WIDTH, "height": int(min(height, TALLEST) + chrome)})
    names = []
    for part, top in enumerate(range(0, height, TALLEST), start=1):
        scroller.evaluate(f"(element) => {{ element.scrollTop = {top}; }}")
        page.wait_for_timeout(200)
        name = f"{stem}.png" if part == 1 else f"{stem}_{part}.png"
        page.screenshot(path=str(SHOTS / name))
        names.append(name)
    page.set_viewport_size({"width": WIDTH, "height": 1000})
    return names


def open_notebook(browser, lab, path, expect):
    base, token = lab
    shut_down_kernels(base, token)
    page = browser.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/lab/tree/{path}?reset&token={token}")
    expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible(timeout=45_000)
    # The notebook alone, the width of the page (the file browser folded away).
    if page.locator(".jp-FileBrowser").first.is_visible():
        page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-left-area')")
    return page


@pytest.mark.parametrize("name", ENGLISH)
def test_lesson_after_run_all_in_both_themes(name, lab, browser):
    from playwright.sync_api import expect

    cells_expected = expected(name)
    page = open_notebook(browser, lab, name, expect)
    try:
        cells = page.locator(".jp-Notebook .jp-Cell")
        expect(cells).to_have_count(len(cells_expected))
        expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=45_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(ALL_RUN_JS, timeout=90_000, polling=250)
        expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=30_000)
        deadline = time.monotonic() + 20
        while True:  # the widget views are drawn a moment after their cells finish
            shown = page.evaluate(CELLS_JS)
            drawn = [sum(w["height"] > 20 and w["text"] > 0 for w in c["widgets"]) for c in shown]
            if drawn == [c["widgets"] for c in cells_expected] or time.monotonic() > deadline:
                break
            page.wait_for_timeout(250)

        errors = [i for i, cell in enumerate(shown) if cell["error"]]
        meant = [i for i, cell in enumerate(cells_expected) if cell["error"]]
        assert errors == meant, f"{name}: cells {errors} show errors; only {meant} should"
        text = page.locator(".jp-Notebook").inner_text()
        for words in BROKEN_WIDGET:
            assert words not in text, f"{name}: a widget did not load ('{words}')"
        want = [c["widgets"] for c in cells_expected]
        assert drawn == want, f"{name}: widget views drawn per cell {drawn}, stored {want}"

        shots = photograph(page, f"{Path(name).stem}_light")
        set_theme(page, "dark")
        shots += photograph(page, f"{Path(name).stem}_dark")
        set_theme(page, "light")
    except (Exception, pytest.fail.Exception):
        page.screenshot(path=str(SHOTS / f"{Path(name).stem}_failure.png"))
        raise
    finally:
        page.close()
    for shot in shots:
        assert (SHOTS / shot).stat().st_size > 20_000, shot


@pytest.mark.parametrize("name", CHINESE)
def test_chinese_lesson_shows_the_learners_words_as_chinese(name, lab, browser):
    from playwright.sync_api import expect

    page = open_notebook(browser, lab, f"zh-CN/{name}", expect)
    try:
        # The learner's words: the first quote in Chinese (some quote the learner's code).
        chinese = re.compile("[\u4e00-\u9fff]{2}")
        quote = page.locator(".jp-Notebook .jp-Cell blockquote").filter(has_text=chinese).first
        expect(quote).to_be_visible()
        words = [ch for ch in quote.inner_text() if "\u4e00" <= ch <= "\u9fff"]
        assert len(set(words)) >= 2, (
            f"{name}: the first quote holds no Chinese: {quote.inner_text()}"
        )
        pixels = [
            quote.evaluate(GLYPH_PIXELS_JS, character)
            for character in (words[0], next(w for w in words if w != words[0]), "\U0010fffd")
        ]
        assert pixels[0] != pixels[1], f"{name}: two Chinese characters draw the same box: tofu"
        assert pixels[0] != pixels[2], f"{name}: a Chinese character draws as a missing glyph"
        page.screenshot(path=str(SHOTS / f"{Path(name).stem}_light.png"))
    except (Exception, pytest.fail.Exception):
        page.screenshot(path=str(SHOTS / f"{Path(name).stem}_failure.png"))
        raise
    finally:
        page.close()
