"""EmbeddingLookup: positions, the rows of W they select, one-hot x W, masks, errors."""

import re

import numpy as np
import pytest

from kerastutor.layers import Embedding
from kerastutor.widgets import EmbeddingLookup


def selected(html, kind):
    """The first cell of each highlighted row of one table (kt-position, kt-row, ...)."""
    return re.findall(rf'<tr class="{kind} kt-selected"[^>]*><td[^>]*>(.*?)</td>', html)


def weight_rows(html):
    """{row index: (value, ...)} of the W table as drawn."""
    rows = {}
    for index, cells in re.findall(
        r'<tr class="kt-row[^"]*"[^>]*><td[^>]*><b>(\d+)</b>.*?</td>(.*?)</tr>', html
    ):
        rows[int(index)] = tuple(float(v) for v in re.findall(r">(-?\d+\.\d+)</span>", cells))
    return rows


def test_seed_001_choosing_a_position_highlights_index_row_and_output(seed001):
    lookup = EmbeddingLookup(seed001.layer, seed001.input_array)
    assert (
        repr(lookup) == "EmbeddingLookup(embedding: W (6, 2), 3 positions, position 0 -> index 1)"
    )
    assert "frozen (trainable=False)" in lookup.html
    assert weight_rows(lookup.html) == {
        0: (1.0, 0.0),
        1: (0.0, 1.0),
        2: (0.0, 0.0),
        3: (0.0, 0.0),
        4: (0.0, 0.0),
        5: (0.0, 0.0),
    }
    lookup.select(1)
    assert lookup.selected_row == 2
    assert selected(lookup.html, "kt-position") == ["1"]
    assert selected(lookup.html, "kt-row")[0].startswith("<b>2</b>")
    assert selected(lookup.html, "kt-output") == ["1"]
    assert "position 1 holds index 2, so output[1] = W[2] = [0.000, 0.000]" in lookup.html

    lookup.select(1, sample=1)  # the seed's second sample [2, 1, 0]
    assert lookup.selected_row == 1
    assert "output[1] = W[1] = [0.000, 1.000]" in lookup.html
    np.testing.assert_array_equal(lookup.output, seed001.model.predict(seed001.input_array))


def test_one_hot_toggle_shows_the_same_result_as_a_product(seed001):
    lookup = EmbeddingLookup(seed001.layer, [1, 2, 3])
    assert "one-hot(indices): (3, 6)" not in lookup.html
    lookup.show_one_hot()
    html = lookup.html
    assert "one-hot(indices): (3, 6)" in html
    assert "one-hot(indices) x W and the lookup are equal (largest difference 0.0e+00)" in html
    one_hot_rows = re.findall(r'<tr class="kt-onehot[^"]*"[^>]*>(.*?)</tr>', html)
    ones = [re.findall(r">([01])</span>", row).index("1") for row in one_hot_rows]
    assert ones == [1, 2, 3]
    assert selected(html, "kt-onehot") == ["0"]
    lookup.one_hot_toggle.value = False
    assert "one-hot(indices): (3, 6)" not in lookup.html


def test_mask_zero_marks_padded_positions():
    layer = Embedding(5, 3, mask_zero=True)
    lookup = EmbeddingLookup(layer, [2, 0, 0])
    assert lookup.mask.tolist() == [[True, False, False]]
    positions = re.findall(
        r'<tr class="kt-position[^"]*" style="([^"]*)"><td[^>]*>(\d)</td><td[^>]*>(.*?)</td>',
        lookup.html,
    )
    assert [p[2] for p in positions] == ["<b>2</b>", "<b>0</b> (masked)", "<b>0</b> (masked)"]
    assert "line-through" in positions[1][0] and "line-through" not in positions[0][0]
    lookup.select(2)
    assert "Index 0 with mask_zero=True: this position is padding" in lookup.html


def test_trained_weights_are_shown_after_refresh(seed001):
    layer = Embedding(4, 2)
    lookup = EmbeddingLookup(layer, [3, 1])
    layer.set_weights([np.arange(8, dtype="float32").reshape(4, 2)])
    assert weight_rows(lookup.html)[3] != (6.0, 7.0)
    lookup.refresh()
    assert weight_rows(lookup.html)[3] == (6.0, 7.0)
    assert "output[0] = W[3] = [6.000, 7.000]" in lookup.html


def test_an_index_outside_the_vocabulary_is_explained_inside_the_widget():
    layer = Embedding(6, 2)
    lookup = EmbeddingLookup(layer, [1, 7, 2])
    assert "kt-error" in lookup.html
    assert "valid indices are 0 to 5" in lookup.html
    assert (
        repr(lookup) == "EmbeddingLookup(embedding: W (6, 2), 3 positions, position 0 -> index 1)"
    )
    lookup.select(2)
    assert "kt-error" in lookup.html  # still alive, still explaining


def test_a_large_vocabulary_shows_the_rows_in_use():
    layer = Embedding(1000, 4)
    lookup = EmbeddingLookup(layer, [5, 999, 5])
    assert sorted(weight_rows(lookup.html)) == [5, 999]
    gaps = re.findall(r"&#8942; (\d+) rows not used here", lookup.html)
    assert gaps == ["5", "993"]
    lookup.select(1)
    assert selected(lookup.html, "kt-row")[0].startswith("<b>999</b>")


def test_constructor_arguments_are_checked():
    with pytest.raises(TypeError, match="EmbeddingLookup needs an Embedding layer"):
        EmbeddingLookup("embedding", [1])
    with pytest.raises(ValueError, match="received an array of shape"):
        EmbeddingLookup(Embedding(3, 2), np.zeros((1, 2, 2), dtype=int))


def test_a_100k_by_300_table_redraws_fast_and_never_builds_the_full_one_hot():
    import statistics
    import time
    import tracemalloc

    layer = Embedding(100_000, 300)
    lookup = EmbeddingLookup(layer, np.arange(0, 100_000, 5_000))
    lookup.show_one_hot()
    times = []
    for position in [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]:
        start = time.perf_counter()
        lookup.select(position)
        times.append((time.perf_counter() - start) * 1000)
    assert statistics.median(times) < 30, times
    tracemalloc.start()
    try:
        lookup.select(11)
        lookup.show_one_hot(False)
        lookup.refresh()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50e6, f"{peak / 1e6:.0f} MB: W (120 MB) or a one-hot was copied"
    assert "one-hot(indices): (20, 100000)" not in lookup.html  # the toggle is off now
    lookup.show_one_hot()
    html = lookup.html
    assert "one-hot(indices): (20, 100000)" in html and "are equal" in html
    assert "288 more dims" in html and "position 11 holds index 55000" in html
    assert f"W[55000] = [{layer.get_weights()[0][55000, 0]:.3f}," in html
