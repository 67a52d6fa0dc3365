"""ValueTrace in a real browser: JupyterLab on 127.0.0.1, driven through Debian's chromium.

Opens `fixtures/value_trace.ipynb` (seed 002's two-tweets model, small), runs
its cells, and acts as a learner would: picks the shared LSTM's second call
(`lstm[1]`) in the drop-down, and checks that the diagram lights that node,
that the numbers shown are that call's, and that the gradient is split
between the two calls; clicks the buttons of `lstm[0]` and `lstm[1]` (one per
node, beside the drop-down), which choose and light those nodes; then the same in JupyterLab's dark theme, with the
text contrast of the title, the heat-map cells and the diagram's labels.
Screenshots: test-artifacts/jupyterlab_{light,dark}_value_trace.png.

The server and browser helpers (`jupyter_server`, ...) are the main browser test's
(`test_jupyterlab.py`); the needs are the same.
"""

import shutil
from pathlib import Path

import pytest
from test_jupyterlab import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    CONTRAST_JS,
    chromium_path,
    jupyter_server,
    run_all_cells,
)

NOTEBOOK = Path(__file__).parent / "fixtures" / "value_trace.ipynb"


@pytest.fixture
def value_trace_lab(tmp_path):
    """A JupyterLab server serving a copy of the ValueTrace notebook: the notebook's URL."""
    root = tmp_path / "notebooks"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    with jupyter_server(tmp_path, "jupyterlab", root) as (base, token):
        yield f"{base}/lab/tree/{NOTEBOOK.name}?token={token}"


def lit_box(widget):
    """The label of the diagram's highlighted box (the only bold one)."""
    return widget.locator('.kt-diagram svg text[font-weight="bold"]')


def check_contrast(widget, theme):
    parts = {
        "title": widget.locator(".kt-node-title"),
        "heat-map cell": widget.locator(".kt-array td span").first,
        "diagram label": lit_box(widget),
        "array note": widget.locator(".kt-array div").nth(1),
    }
    measured = {name: part.evaluate(CONTRAST_JS) for name, part in parts.items()}
    low = {name: round(m["ratio"], 2) for name, m in measured.items() if m["ratio"] < 4.5}
    assert not low, f"ValueTrace text hard to read in the {theme} theme: {low}"
    return measured


def test_value_trace_follows_the_chosen_node_in_jupyterlab(value_trace_lab, tmp_path):
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail("The real-browser test needs the pip package `playwright`.")
    executable = chromium_path()
    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 3000},  # the whole widget in one picture,
        )
        page = browser.new_page()
        try:
            page.goto(value_trace_lab)
            cells = page.locator(".jp-Notebook .jp-Cell")
            expect(cells).to_have_count(3)
            run_all_cells(page, cells, expect)
            widget = cells.nth(2)
            expect(widget).to_contain_text("one sample fed through its 6 nodes")
            expect(lit_box(widget)).to_have_text("dense[0]")  # the output is chosen first

            widget.locator("select").select_option(label="lstm[1]")
            expect(lit_box(widget)).to_have_text("lstm[1]")
            expect(widget.locator(".kt-node-title")).to_contain_text("call 1 of layer 'lstm'")
            expect(widget).to_contain_text("input 0 (from input_2[0])")
            expect(widget).to_contain_text("share of lstm[0]")
            expect(widget).to_contain_text("share of lstm[1]")
            # Clicking a node's button chooses it: the drop-down follows, the diagram lights it.
            widget.locator(".widget-toggle-buttons button", has_text="lstm[0]").click()
            expect(lit_box(widget)).to_have_text("lstm[0]")
            expect(widget.locator("select")).to_have_value("lstm[0]")
            expect(widget.locator(".kt-node-title")).to_contain_text("call 0 of layer 'lstm'")
            expect(widget).to_contain_text("input 0 (from input_1[0])")
            widget.locator(".widget-toggle-buttons button", has_text="lstm[1]").click()
            expect(lit_box(widget)).to_have_text("lstm[1]")
            expect(widget.locator(".widget-toggle-buttons button.mod-active")).to_have_text(
                "lstm[1]"
            )
            check_contrast(widget, "light")
            widget.scroll_into_view_if_needed()
            widget.screenshot(path=str(ARTIFACTS / "jupyterlab_light_value_trace.png"))

            page.evaluate(
                "() => window.jupyterapp.commands.execute('apputils:change-theme', "
                "{theme: 'JupyterLab Dark'})"
            )
            page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
            page.wait_for_function(
                "() => getComputedStyle(document.querySelector('.jp-Notebook')).backgroundColor"
                ".match(/\\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b) < 200"
            )
            dark = check_contrast(widget, "dark")
            assert dark["title"]["background"] < 0.05  # the dark theme really is dark behind it
            widget.screenshot(path=str(ARTIFACTS / "jupyterlab_dark_value_trace.png"))
        except (Exception, pytest.fail.Exception):
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_value_trace_failure.png"))
            raise
        finally:
            browser.close()
    for theme in ("light", "dark"):
        assert (ARTIFACTS / f"jupyterlab_{theme}_value_trace.png").stat().st_size > 10_000
