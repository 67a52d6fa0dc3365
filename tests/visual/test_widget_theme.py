"""Both JupyterLab themes: every colour a widget draws comes from the one palette.

The palette's theme colours are JupyterLab's CSS variables with light
fallbacks; its light fills carry their own dark text. These tests read the
widgets' source and their HTML: no colour literal outside the palette, no
SVG `fill=`/`stroke=` attribute (CSS variables work only in `style`), every
variable with a fallback, and every light fill with its text colour. The
browser test checks the pixels in the dark theme.
"""

import re
from pathlib import Path

import numpy as np
import pytest

from kerastutor.layers import LSTM, Bidirectional, Conv2D, Dense, Embedding, Input, MaxPooling2D
from kerastutor.widgets import (
    ConvView,
    EmbeddingLookup,
    LossCurve,
    NodeInspector,
    SequenceView,
    ShapeFlow,
)
from kerastutor.widgets._render import ON_LIGHT, PALETTE

WIDGETS = Path(__file__).resolve().parents[2] / "kerastutor" / "widgets"
COLOUR_LITERAL = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b(?!;)")


def every_widget():
    """One of each widget, in a state that draws highlights, changes and errors."""
    lstm = LSTM(4)
    inspector = NodeInspector(lstm)
    lstm(Input(shape=(5, 3)))
    lstm(Input(shape=(6, 3)))

    def wiring(features_b, units):
        a, b = Input(shape=(7, 3)), Input(shape=(7, features_b))
        shared = LSTM(units)
        return Dense(2)(shared(a) if features_b != 3 else shared(b))

    flow = ShapeFlow(wiring, features_b=3, units=4)
    flow.set(units=5)  # a changed row
    rejected = ShapeFlow(lambda n: LSTM(2)(Input(shape=(n,))), n=3)
    lookup = EmbeddingLookup(Embedding(6, 2, mask_zero=True), [[1, 0, 3]])
    one_hot = EmbeddingLookup(Embedding(6, 2), [1, 2])
    one_hot.show_one_hot()
    sequence = SequenceView(Bidirectional(LSTM(3, return_sequences=True)), 4, 2, dense_units=2)
    plain = SequenceView(LSTM(3), 4, 2, dense_units=2)
    plain.set(initial_state=True)
    conv = ConvView(Conv2D(1, 3, padding="same"), np.arange(25.0).reshape(5, 5, 1))
    pool = ConvView(MaxPooling2D(), np.arange(16.0).reshape(4, 4, 1))
    curve = LossCurve(display=lambda widget: None)
    for epoch, loss in enumerate([1.0, float("nan"), 0.5]):
        curve.on_epoch_end(epoch, {"loss": loss, "val_loss": loss})
    return {
        "NodeInspector": inspector.html,
        "ShapeFlow": flow.html,
        "ShapeFlow rejected": rejected.html,
        "EmbeddingLookup": lookup.html,
        "EmbeddingLookup one-hot": one_hot.html,
        "SequenceView bidirectional": sequence.html,
        "SequenceView": plain.html,
        "ConvView": conv.html,
        "ConvView pooling": pool.html,
        "LossCurve": curve.html,
    }


@pytest.fixture(scope="module")
def pages():
    return every_widget()


@pytest.mark.parametrize("path", sorted(WIDGETS.glob("*.py")), ids=lambda path: path.name)
def test_no_widget_names_a_colour_outside_the_palette(path):
    source = path.read_text()
    if path.name == "_render.py":
        palette = source.split(
            "# ---------------------------------------------------------------- the palette"
        )[1]
        source = source.replace(palette.split("PALETTE = {")[0], "")
    literals = [m.group(0) for m in COLOUR_LITERAL.finditer(source)]
    assert literals == [], f"{path.name} names colours {literals}: take a name from the palette"


def test_every_theme_colour_is_a_jupyterlab_variable_with_a_light_fallback():
    for name, value in PALETTE.items():
        if value.startswith("var("):
            assert re.fullmatch(r"var\(--jp-[a-z0-9-]+, #[0-9a-f]{3,6}\)", value), name
        else:  # the light fills and the dark text that goes on them
            assert re.fullmatch(r"#[0-9a-f]{3,6}", value), name
    assert PALETTE["TEXT"] == "var(--jp-ui-font-color1, #222)"
    assert PALETTE["ERROR"] == "var(--jp-error-color1, #d62728)"


def test_svg_colours_are_styles_so_css_variables_apply(pages):
    for name, page in pages.items():
        attributes = re.findall(r'\s(?:fill|stroke)="[^"]*"', page)
        assert attributes == [], f"{name}: {attributes[:3]}"
        for text in re.findall(r"<text [^>]*>", page):
            assert 'style="fill:' in text, f"{name}: an SVG text without its colour: {text}"


def test_every_light_fill_comes_with_its_dark_text(pages):
    light = {v for k, v in PALETTE.items() if k.endswith(("FILL", "HIGHLIGHT", "CHANGED"))}
    for name, page in pages.items():
        for style in re.findall(r'style="([^"]*)"', page):
            fills = re.findall(r"background:([^;]+);", style)
            for fill in fills:
                if fill in light or fill.startswith("#"):
                    assert f"color:{ON_LIGHT};" in style, f"{name}: {style}"
                else:  # a theme colour: then the text must be the theme's too
                    assert fill.startswith("var(--jp-layout-color"), f"{name}: {style}"
        for rect, text in re.findall(r"(<rect [^>]*/>)<text ([^>]*)>", page):
            fill = re.search(r"fill:([^;]+);", rect).group(1)
            if fill in light:
                assert f"fill:{ON_LIGHT};" in text, f"{name}: {rect} {text}"


def test_highlighted_rows_name_their_text_colour(pages):
    assert re.search(r'class="kt-node kt-selected" style="[^"]*color:#222;', pages["NodeInspector"])
    assert re.search(
        r'class="kt-row kt-selected" style="[^"]*color:#222;', pages["EmbeddingLookup"]
    )
    assert re.search(r'class="kt-call kt-changed" style="[^"]*color:#222;', pages["ShapeFlow"])
    assert (
        'class="kt-error" style="border:2px solid var(--jp-error-color1'
        in pages["ShapeFlow rejected"]
    )
