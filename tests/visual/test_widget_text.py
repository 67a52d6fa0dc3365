"""What a notebook shows of a widget before it is drawn: its repr, whole, and a hint.

A lesson opened before it is run, or shown by a static renderer, has only the
widget's text form. It must say what the widget shows and tell the reader to
run the cell; ipywidgets' own text form cut long reprs at 110 characters.
"""

import numpy as np
import pytest

from kerastutor.layers import LSTM, Conv2D, Dense, Embedding, Input
from kerastutor.widgets import (
    ConvView,
    EmbeddingLookup,
    LossCurve,
    NodeInspector,
    SequenceView,
    ShapeFlow,
)
from kerastutor.widgets._render import STATIC_HINT

MAKERS = {
    "NodeInspector": lambda: NodeInspector(LSTM(3)),
    "ShapeFlow": lambda: ShapeFlow(lambda units: Dense(units)(Input(shape=(2,))), units=3),
    "EmbeddingLookup": lambda: EmbeddingLookup(Embedding(5, 2), [1, 2]),
    "SequenceView": lambda: SequenceView(LSTM(3, return_sequences=True, return_state=True)),
    "ConvView": lambda: ConvView(Conv2D(1, 2), np.ones((3, 3, 1))),
    "LossCurve": lambda: LossCurve(metrics=["accuracy"], display=lambda widget: None),
}


@pytest.mark.parametrize("name", MAKERS)
def test_the_text_form_is_the_whole_repr_then_the_hint(name):
    widget = MAKERS[name]()
    text = widget._repr_mimebundle_()["text/plain"]
    assert text == f"{widget!r}\n{STATIC_HINT}"
    assert text.startswith(f"{name}(") and text.endswith(
        "(run the cell in Jupyter to see the interactive widget)"
    )
    assert "…" not in text


def test_a_long_repr_is_not_cut():
    layer = LSTM(3, return_sequences=True, return_state=True, name="decoder_lstm_for_the_french")
    view = SequenceView(layer, dense_units=2)
    assert len(repr(view)) > 110
    assert view._repr_mimebundle_()["text/plain"].startswith(repr(view))
