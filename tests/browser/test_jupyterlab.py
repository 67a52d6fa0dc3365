"""The widgets in a real browser: JupyterLab on 127.0.0.1, driven through Debian's chromium.

The test starts JupyterLab (with a token, on a free port, in a temporary
directory holding a copy of `fixtures/widgets.ipynb`), opens the notebook in
headless chromium through Playwright, runs every cell, checks what training
drew (`fit(..., verbose=1)`: one progress widget per epoch, finished, with
the epoch's loss and metrics; a LossCurve: an SVG chart with one line per
logged value), and then acts as a learner would:

* calls the shared LSTM again in a new cell: the NodeInspector shown above
  gets a third row by itself (the engine's node listener, through the
  widget comm, to the page);
* picks node 0 in the inspector's drop-down: the kernel re-renders and the
  highlighted row and the code lines change;
* moves the EmbeddingLookup's position slider with the keyboard: the
  highlighted index, row of W and output change;
* switches the ConvView's padding from 'valid' to 'same': the explanation and
  the output size change;
* switches JupyterLab to its dark theme (the `apputils:change-theme` command,
  as Settings > Theme does) and checks that the widgets' text still stands
  out from what is behind it: the contrast of the computed text and
  background colours of highlighted rows, table headers, code, error boxes
  and SVG labels, in both themes (WCAG's ratio; 4.5 is its minimum for text).

Screenshots of every widget cell, in both themes, are kept in
test-artifacts/ (`jupyterlab_light_*.png`, `jupyterlab_dark_*.png`).

Screenshots are kept in test-artifacts/ (gitignored). Needs: the pip
packages jupyterlab, ipywidgets and playwright, and Debian's chromium
(`apt-get install -y chromium`). Playwright's own browser download
(`playwright install`) is not used.
"""

import base64
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "widgets.ipynb"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# JupyterLab settings for the test: render every cell (no virtual scrolling, so
# the widgets below the fold exist in the page) and never ask about news.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def chromium_path():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(
            "The real-browser test needs Debian's chromium: apt-get install -y chromium "
            "fonts-dejavu-core (Playwright drives it through executable_path; do not run "
            "`playwright install`)."
        )
    return path


def run_all_cells(page, cells, expect):
    """Run > Run All Cells, once the kernel is idle (before that the command can do nothing)."""
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=45_000)
    first_prompt = cells.nth(1).locator(".jp-InputPrompt")
    for _ in range(3):
        page.locator(".lm-MenuBar-itemLabel").get_by_text("Run", exact=True).click()
        page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        try:
            expect(first_prompt).not_to_have_text("[ ]:", timeout=10_000)
            return
        except AssertionError:
            page.keyboard.press("Escape")  # close the menu if it is still open, and retry
    pytest.fail("JupyterLab did not start running the cells after Run > Run All Cells.")


# WCAG's contrast ratio of an element's text (or SVG fill) against what is behind it: the
# first ancestor with a background, or the light fill of the SVG box the text sits in.
CONTRAST_JS = """
(element) => {
  const parse = (colour) => {
    const match = colour && colour.match(/rgba?\\(([^)]+)\\)/);
    if (!match) return null;
    const parts = match[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const behind = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const colour = parse(getComputedStyle(n).backgroundColor);
      if (colour && colour.a > 0) return colour;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const isSvg = element instanceof SVGElement;
  let background = behind(isSvg ? element.closest("svg").parentElement : element);
  const box = isSvg && element.previousElementSibling;
  if (box && box.tagName === "rect") {
    const fill = parse(getComputedStyle(box).fill);
    if (fill) background = fill;
  }
  const raw = parse(isSvg ? getComputedStyle(element).fill : getComputedStyle(element).color);
  const mix = (f, b) => ({
    r: f.r * f.a + b.r * (1 - f.a), g: f.g * f.a + b.g * (1 - f.a), b: f.b * f.a + b.b * (1 - f.a),
  });
  const text = mix(raw, background);
  const luminance = (c) => {
    const [r, g, b] = [c.r, c.g, c.b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
  return {ratio: (light + 0.05) / (dark + 0.05), background: luminance(background)};
}
"""


def contrasts(cells):
    """The text contrast of the widgets' parts that the dark theme once made unreadable."""
    inspector, lookup, sequence, flow = cells.nth(2), cells.nth(6), cells.nth(7), cells.nth(8)
    parts = {
        "inspector summary": inspector.locator(".widget-html-content div div").first,
        "inspector highlighted row": inspector.locator("tr.kt-selected td").nth(2),
        "inspector table header": inspector.locator("th").first,
        "inspector code": inspector.locator(".kt-details pre"),
        "inspector svg label": inspector.locator("svg text", has_text="(None, 280, 16)").first,
        "inspector svg layer box": inspector.locator("svg rect + text").first,
        "lookup highlighted row": lookup.locator("tr.kt-row.kt-selected td").first,
        "lookup heat-map cell": lookup.locator("tr.kt-output td span").first,
        "sequence code": sequence.locator(".kt-code"),
        "sequence svg label": sequence.locator("svg text", has_text="x[:, 0]").first,
        "shape flow error box": flow.locator(".kt-error div").nth(1),
        "loss curve label": cells.nth(9).locator(".kt-loss-curve svg text").first,
    }
    return {name: part.evaluate(CONTRAST_JS) for name, part in parts.items()}


def check_contrast(cells, theme):
    measured = contrasts(cells)
    low = {name: round(m["ratio"], 2) for name, m in measured.items() if m["ratio"] < 4.5}
    assert not low, f"text hard to read in the {theme} theme (contrast below 4.5): {low}"
    return measured


def screenshot_cells(cells, theme):
    names = {2: "node_inspector", 6: "embedding_lookup", 7: "sequence_view", 8: "shape_flow"}
    names.update({9: "training", 10: "conv_view"})
    for index, name in names.items():
        cells.nth(index).scroll_into_view_if_needed()
        cells.nth(index).screenshot(path=str(ARTIFACTS / f"jupyterlab_{theme}_{name}.png"))
    return [f"jupyterlab_{theme}_{name}.png" for name in names.values()]


def svg_of(data_uri):
    """The SVG text of an <img src="data:image/svg+xml,..."> (JupyterLab draws SVG as images)."""
    header, _, payload = data_uri.partition(",")
    if header.endswith(";base64"):
        return base64.b64decode(payload).decode()
    return urllib.parse.unquote(payload)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url, process, log_path, timeout=45):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text()[-3000:]
            pytest.fail(f"Jupyter exited early with code {process.returncode}:\n{log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    log = log_path.read_text()[-3000:]
    pytest.fail(f"Jupyter did not answer on {url.split('?')[0]} within {timeout} s:\n{log}")


@contextlib.contextmanager
def jupyter_server(tmp_path, app, root):
    """A Jupyter server (`app`: "jupyterlab" or "notebook") on 127.0.0.1 serving `root`.

    Yields its base URL and token; stopped after.
    """
    for module, package in ((app, app), ("ipywidgets", "ipywidgets")):
        try:
            __import__(module)
        except ImportError:
            pytest.fail(f"The real-browser test needs the pip package `{package}`.")
    settings = tmp_path / "lab-settings"
    for name, values in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), os.urandom(16).hex()
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        PYTHONWARNINGS="ignore",
    )
    command = [
        sys.executable,
        "-m",
        app,
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False",
    ]
    if app == "jupyterlab":
        command += [
            "--LabApp.news_url=",
            "--LabApp.extension_manager=readonly",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: the theme command
        ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI containers run as root
    log_path = tmp_path / f"{app}.log"
    log = log_path.open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/api/status?token={token}", server, log_path)
        yield f"http://127.0.0.1:{port}", token
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def jupyterlab(tmp_path):
    """JupyterLab serving a copy of the fixture notebook: the notebook's URL."""
    root = tmp_path / "notebooks"
    root.mkdir()
    shutil.copy(FIXTURE, root / "widgets.ipynb")
    with jupyter_server(tmp_path, "jupyterlab", root) as (base, token):
        yield f"{base}/lab/tree/widgets.ipynb?token={token}"


def test_widgets_update_in_jupyterlab(jupyterlab, tmp_path):
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail(
            "The real-browser test needs the pip package `playwright` (pip install playwright; "
            "its browser download, `playwright install`, is not needed: Debian's chromium is used)."
        )
    executable = chromium_path()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "jupyterlab_widgets_failure.png").unlink(missing_ok=True)
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        page = browser.new_page()
        try:
            page.set_default_timeout(30_000)
            page.goto(jupyterlab)
            cells = page.locator(".jp-Notebook .jp-Cell")
            expect(cells).to_have_count(12)

            run_all_cells(page, cells, expect)

            inspector = cells.nth(2)
            lookup = cells.nth(6)
            expect(cells.nth(8)).to_contain_text("Keras would reject this wiring")
            expect(inspector).to_contain_text("called 2 times, so 2 nodes")
            expect(inspector).to_contain_text("(None, 250, 16)")
            diagram = cells.nth(5).locator(".jp-RenderedSVG img")
            expect(diagram).to_be_visible()
            assert "lstm[1][0]" in svg_of(diagram.get_attribute("src"))
            expect(lookup).to_contain_text("position 0 holds index 1, so output[0] = W[1]")
            expect(cells.nth(7)).to_contain_text("output, state_h, state_c = LSTM(32")
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_widgets_before.png"))

            # fit(..., verbose=1): a progress widget per epoch, each finished (green) and
            # labelled with the epoch's running means; 48 training samples, batch 16: 3 steps.
            training = cells.nth(9)
            bars = training.locator(".widget-hbox").filter(has=page.locator(".widget-hprogress"))
            expect(bars).to_have_count(2)
            expect(training.locator(".progress-bar-success")).to_have_count(2)
            expect(bars.nth(0)).to_contain_text("Epoch 1/2")
            number = r"\d\.\d{4}"
            expect(bars.nth(1)).to_contain_text(
                re.compile(
                    rf"Epoch 2/2\s*3/3 \d+(s|ms|us)/step - accuracy: {number} - loss: {number} - "
                    rf"val_accuracy: {number} - val_loss: {number}"
                )
            )
            # LossCurve: shown when training began, redrawn after each epoch.
            lines = training.locator(".kt-loss-curve svg polyline.kt-line")
            expect(lines).to_have_count(4)
            keys = [lines.nth(i).get_attribute("data-key") for i in range(4)]
            assert keys == ["loss", "val_loss", "accuracy", "val_accuracy"]
            assert len(lines.first.get_attribute("points").split()) == 2  # one point per epoch
            expect(training.locator(".kt-loss-curve svg")).to_be_visible()
            training.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_training.png"))

            # 1. Call the watched layer again in a new cell: the inspector above updates.
            last = cells.nth(11)
            last.locator(".cm-content").click()
            page.keyboard.type("third = shared_lstm(Input(shape=(123, 16)))")
            page.keyboard.press("Shift+Enter")
            expect(inspector).to_contain_text("called 3 times, so 3 nodes")
            expect(inspector.locator("tr.kt-selected")).to_contain_text("(None, 123, 16)")

            # 2. Pick node 0 in the inspector's drop-down: the kernel re-renders.
            inspector.locator("select").select_option(label="0: input_1[0][0]")
            expect(inspector.locator("tr.kt-selected")).to_contain_text("input_1[0][0]")
            expect(inspector).to_contain_text("lstm.get_input_shape_at(0)   # (None, 280, 16)")
            inspector.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_node_inspector.png"))

            # 3. Move the EmbeddingLookup's position slider one step with the keyboard.
            lookup.locator(".noUi-handle").first.focus()
            page.keyboard.press("ArrowRight")
            expect(lookup).to_contain_text("position 1 holds index 2, so output[1] = W[2]")
            expect(lookup.locator("tr.kt-position.kt-selected")).to_contain_text("1")
            expect(lookup.locator("tr.kt-row.kt-selected")).to_contain_text("looked up")
            expect(lookup.locator("tr.kt-row.kt-selected")).to_contain_text("2")

            lookup.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_widgets.png"))

            # 4. Switch the ConvView's padding to 'same': the output grows to the input's size.
            conv_view = cells.nth(10)
            expect(conv_view).to_contain_text("padding='valid' adds nothing")
            expect(conv_view).to_contain_text("output (3, 3, 1)")
            conv_view.locator("select").first.select_option(label="same")
            expect(conv_view).to_contain_text("padding='same' adds 1 zero(s) before and 1 after")
            expect(conv_view).to_contain_text("output (5, 5, 1)")
            conv_view.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_conv_view.png"))

            # 5. Both themes: every widget's text stands out from its background.
            light = check_contrast(cells, "light")
            shots = screenshot_cells(cells, "light")
            page.evaluate(
                "() => window.jupyterapp.commands.execute('apputils:change-theme', "
                "{theme: 'JupyterLab Dark'})"
            )
            page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
            page.wait_for_function(  # the theme's CSS has arrived: the notebook is dark
                "() => getComputedStyle(document.querySelector('.jp-Notebook')).backgroundColor"
                ".match(/\\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b) < 200"
            )
            dark = check_contrast(cells, "dark")
            # The dark theme really is dark behind the summary, and light behind highlights.
            assert dark["inspector summary"]["background"] < 0.05
            assert light["inspector summary"]["background"] > 0.8
            assert dark["inspector highlighted row"]["background"] > 0.5
            shots += screenshot_cells(cells, "dark")
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_dark_page.png"))
        except (Exception, pytest.fail.Exception):
            page.screenshot(path=str(ARTIFACTS / "jupyterlab_widgets_failure.png"))
            raise
        finally:
            browser.close()
    for name in shots + [
        "jupyterlab_node_inspector.png",
        "jupyterlab_widgets.png",
        "jupyterlab_training.png",
        "jupyterlab_conv_view.png",
    ]:
        assert (ARTIFACTS / name).stat().st_size > 10_000


ZH_LESSON = REPO / "lessons" / "zh-CN" / "07_dense_after_lstm_zh.ipynb"
LEARNER_QUOTE = "我不明白的是为什么在 LSTM 层之后添加一个密集层"
# Draws `text` in the font of `element` on a canvas and returns the pixels: a missing glyph
# is drawn as the same box (tofu) whatever the character, so two different characters
# drawing the same pixels, or the same as a character no font has, means no CJK font.
GLYPH_PIXELS_JS = """
(element, text) => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 64;
  const context = canvas.getContext("2d");
  const style = getComputedStyle(element);
  context.font = `48px ${style.fontFamily}`;
  context.fillText(text, 4, 52);
  return Array.from(context.getImageData(0, 0, 64, 64).data).join(",");
}
"""


def test_chinese_lesson_in_notebook7(tmp_path):
    """Lesson 7's Chinese edition in Notebook 7: its quotes render as CJK text, a widget draws."""
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail("The real-browser test needs the pip package `playwright`.")
    executable = chromium_path()
    ARTIFACTS.mkdir(exist_ok=True)
    root = tmp_path / "notebooks"
    root.mkdir()
    shutil.copy(ZH_LESSON, root / ZH_LESSON.name)
    expect.set_options(timeout=30_000)
    with jupyter_server(tmp_path, "notebook", root) as (base, token):
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                str(tmp_path / "chromium-profile"),
                executable_path=executable,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1400, "height": 1000},
            )
            page = browser.new_page()
            try:
                page.goto(f"{base}/notebooks/{ZH_LESSON.name}?token={token}")
                cells = page.locator(".jp-Notebook .jp-Cell")
                expect(cells.first).to_be_visible(timeout=45_000)
                # The learner's words, as the blockquote of the question shows them.
                quote = cells.nth(1).locator("blockquote").first
                expect(quote).to_contain_text(LEARNER_QUOTE)
                pixels = [
                    quote.evaluate(GLYPH_PIXELS_JS, character)
                    for character in ("我", "密", "\U0010fffd")
                ]
                assert pixels[0] != pixels[1], "two Chinese characters draw the same box: tofu"
                assert pixels[0] != pixels[2], "a Chinese character draws as a missing glyph"
                page.screenshot(path=str(ARTIFACTS / "notebook7_zh_before_run.png"))
                # The widgets as stored (ipywidgets' saved state), before the kernel runs.
                cells.nth(6).scroll_into_view_if_needed()
                cells.nth(6).screenshot(path=str(ARTIFACTS / "notebook7_zh_stored_widget.png"))

                # Run > Run All Cells, as in JupyterLab (Notebook 7 has the same menus).
                for _ in range(6):
                    page.locator(".lm-MenuBar-itemLabel").get_by_text("Run", exact=True).click()
                    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells").first.click()
                    try:
                        expect(cells.nth(2).locator(".jp-InputPrompt")).not_to_have_text(
                            "[ ]:", timeout=10_000
                        )
                        break
                    except AssertionError:
                        page.keyboard.press("Escape")
                view = cells.nth(6)
                expect(view.locator(".widget-vbox").first).to_be_visible(timeout=60_000)
                expect(view.locator(".kt-code").first).to_contain_text("return_sequences=True")
                expect(view.locator("svg").first).to_be_visible()
                # The second view: return_sequences=False, Keras's default, is left out.
                second = cells.nth(7).locator(".kt-code").first
                expect(second).to_contain_text("LSTM(16, return_state=True)")
                expect(second).not_to_contain_text("return_sequences")
                view.scroll_into_view_if_needed()
                view.screenshot(path=str(ARTIFACTS / "notebook7_zh_sequence_view.png"))
                cells.nth(1).scroll_into_view_if_needed()
                cells.nth(1).screenshot(path=str(ARTIFACTS / "notebook7_zh_question.png"))
            except (Exception, pytest.fail.Exception):
                page.screenshot(path=str(ARTIFACTS / "notebook7_failure.png"))
                raise
            finally:
                browser.close()
