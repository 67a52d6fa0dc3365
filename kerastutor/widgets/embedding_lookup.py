"""EmbeddingLookup: what an Embedding layer computes, row by row.

An Embedding holds one matrix W of shape (input_dim, output_dim): one row
per index of the vocabulary, one column per embedding dimension. For each
position of the input sequence it returns the row of W that the index at
that position names. That is the same as one-hot(indices) x W: the one-hot
row of index k has a single 1 in column k, so the product keeps row k of W.

The widget draws W as a colour-coded table beside the index sequence and the
output. Choosing a position highlights its index, the row of W it selects
and the output vector; a toggle shows the product form. The numbers come
from calling the layer itself, so a trained or frozen layer shows its
current weights (call `refresh()` after training).

State and drawing: `refresh()` calls the layer and keeps what the picture
needs (`output`, `mask`, `weights` (W itself, not a copy), `largest`);
moving a control only draws again from that state. Only the rows the
picture shows are read from W, and the one-hot form is built for the
indices the sequence uses (every other column of one-hot(indices) is all
zeros), so a 100,000-word vocabulary costs no more than a small one.
"""

import ipywidgets
import numpy as np

from kerastutor.autodiff import data_of
from kerastutor.engine.base_layer import Layer
from kerastutor.widgets._render import (
    FAINT,
    HIGHLIGHT,
    HIGHLIGHT_EDGE,
    MONO,
    WidgetBase,
    checked_value,
    esc,
    number_cell,
    on_light,
    table,
)

__all__ = ["EmbeddingLookup"]

_FLEX = '<div style="display:flex;flex-wrap:wrap;align-items:flex-start;gap:6px;">'


class EmbeddingLookup(WidgetBase):
    """The lookup of `indices` in an Embedding's matrix W, one position at a time.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Embedding
        >>> from kerastutor.widgets import EmbeddingLookup
        >>> layer = Embedding(6, 2, weights=[np.eye(6, 2)], trainable=False)
        >>> lookup = EmbeddingLookup(layer, [1, 2, 3])
        >>> lookup.select(0)
        >>> lookup.selected_row
        1

    Args:
        embedding_layer: an Embedding layer (built or not; it is called on
            `indices` to get the output).
        indices: one sequence of integer indices, or a batch of them (then a
            `sample` slider chooses the sequence).
        max_dims: the most columns (embedding dimensions) of W and of the
            output drawn; the others are counted in a last column.
        max_rows: the most rows of W drawn; for a large vocabulary the rows
            the sequence uses are shown and the others summarised.
    """

    def __init__(self, embedding_layer, indices, max_rows=24, max_dims=12):
        if not isinstance(embedding_layer, Layer) or not hasattr(embedding_layer, "input_dim"):
            raise TypeError(
                "EmbeddingLookup needs an Embedding layer, received "
                f"{type(embedding_layer).__name__}: {embedding_layer!r}."
            )
        self.layer = embedding_layer
        batch = np.asarray(indices)
        if batch.ndim == 1:
            batch = batch[None, :]
        if batch.ndim != 2 or batch.shape[1] == 0:
            raise ValueError(
                "EmbeddingLookup takes one sequence of indices, e.g. [1, 2, 3], or a batch of "
                f"them, e.g. [[1, 2, 3], [2, 1, 0]]; received an array of shape {batch.shape}."
            )
        self.indices = batch
        self.max_rows = max_rows
        self.max_dims = max_dims
        self.position_slider = ipywidgets.IntSlider(
            value=0, min=0, max=batch.shape[1] - 1, description="position"
        )
        self.sample_slider = ipywidgets.IntSlider(
            value=0, min=0, max=batch.shape[0] - 1, description="sample"
        )
        if batch.shape[0] == 1:
            self.sample_slider.layout.display = "none"
        self.one_hot_toggle = ipywidgets.ToggleButton(
            value=False, description="as one-hot(indices) x W", layout={"width": "auto"}
        )
        self.output = None
        self.mask = None
        self.weights = None
        self.largest = 0.0
        self._failure = None
        super().__init__([self.position_slider, self.sample_slider, self.one_hot_toggle])
        self.refresh()

    # ------------------------------------------------------------ state

    @property
    def position(self):
        return self.position_slider.value

    @property
    def sequence(self):
        """The indices of the chosen sample."""
        return self.indices[self.sample_slider.value]

    @property
    def selected_row(self):
        """The row of W that the chosen position looks up (its index)."""
        return int(self.sequence[self.position])

    def select(self, position, sample=None):
        """Choose a position (and a sample), as moving the sliders does.

        Raises:
            ValueError: the position or sample is outside the indices given.
            TypeError: it is not an int.
        """
        length, samples = self.indices.shape[1], self.indices.shape[0]
        position = checked_value(
            "EmbeddingLookup",
            "position",
            self.position_slider,
            position,
            f"The sequence has {length} position(s), numbered from 0.",
        )
        if sample is not None:
            sample = checked_value(
                "EmbeddingLookup",
                "sample",
                self.sample_slider,
                sample,
                f"The batch of indices has {samples} sample(s), numbered from 0.",
            )
            self.sample_slider.value = sample
        self.position_slider.value = position

    def show_one_hot(self, show=True):
        """Show the lookup as one-hot(indices) x W (True) or as rows of W (False)."""
        self.one_hot_toggle.value = checked_value(
            "EmbeddingLookup", "as one-hot", self.one_hot_toggle, show
        )

    def __repr__(self):
        shape = (self.layer.input_dim, self.layer.output_dim)
        return (
            f"EmbeddingLookup({self.layer.name}: W {shape}, {self.indices.shape[1]} positions, "
            f"position {self.position} -> index {self.selected_row})"
        )

    # ------------------------------------------------------------ state

    def refresh(self):
        """Call the layer again (e.g. after training changed W), then draw."""
        try:
            self._update()
            self._failure = None
        except Exception as error:  # shown by the drawing: the widget stays alive
            self._failure = error
        super().refresh()

    def _on_control_change(self, change):
        if not self._quiet:
            super().refresh()  # a position, a sample, the toggle: draw from the state

    def _update(self):
        layer = self.layer
        # The real layer computes the output, exactly as in a model.
        self.output = np.asarray(data_of(layer(self.indices)))
        mask = layer.compute_mask(self.indices, None)
        self.mask = None if mask is None else np.asarray(data_of(mask))
        self.weights = np.asarray(data_of(layer.embeddings))  # W itself: no copy
        self.largest = max(abs(float(self.weights.max())), abs(float(self.weights.min())), 1e-12)

    # ------------------------------------------------------------ drawing

    def _render(self):
        if self._failure is not None:
            raise self._failure  # the base class shows it in plain words
        layer, weights, largest = self.layer, self.weights, self.largest
        sample = self.sample_slider.value
        sequence, output = self.sequence, self.output[sample]
        masked = None if self.mask is None else ~self.mask[sample]
        position, row = self.position, self.selected_row
        rows_shown = self._rows_to_show(sequence)
        frozen = "frozen (trainable=False)" if not layer.trainable else "trainable"
        header = (
            f"<div><b>{esc(layer.name)}</b> (Embedding, {frozen}): W has shape "
            f"{weights.shape}: {weights.shape[0]} rows, one per index of the vocabulary "
            f"(input_dim), and {weights.shape[1]} columns, one per embedding dimension "
            "(output_dim).</div>"
        )
        if self.one_hot_toggle.value:
            body = self._one_hot_view(sequence, weights, output, rows_shown, largest, masked)
        else:
            body = (
                _FLEX
                + self._sequence_table(sequence, masked)
                + '<div style="align-self:center;font-size:20px;">&rarr;</div>'
                + self._weights_table(weights, rows_shown, {row}, set(sequence), largest)
                + '<div style="align-self:center;font-size:20px;">&rarr;</div>'
                + self._output_table(output, largest, masked)
                + "</div>"
            )
        vector = ", ".join(f"{v:.3f}" for v in output[position][: self.max_dims])
        if output.shape[1] > self.max_dims:
            vector += f", ... ({output.shape[1] - self.max_dims} more)"
        sentence = (
            f'<div class="kt-sentence" style="{MONO}margin:4px 0;">position {position} holds '
            f"index {row}, so output[{position}] = W[{row}] = [{vector}]</div>"
        )
        if masked is not None and masked[position]:
            sentence += (
                "<div>Index 0 with mask_zero=True: this position is padding. Row 0 is still "
                "looked up, but the mask tells the next layers (an LSTM) to skip this step.</div>"
            )
        return header + sentence + body

    def _rows_to_show(self, sequence):
        """All rows of a small W; for a large one, the rows this sequence uses."""
        count = self.layer.input_dim
        if count <= self.max_rows:
            return list(range(count))
        used = sorted(set(int(i) for i in sequence if 0 <= i < count))
        return used[: self.max_rows]

    def _sequence_table(self, sequence, masked):
        rows, styles, classes = [], [], []
        for i, index in enumerate(sequence):
            note = " (masked)" if masked is not None and masked[i] else ""
            rows.append([str(i), f"<b>{int(index)}</b>{note}"])
            chosen = i == self.position
            styles.append(_row_style(chosen, masked is not None and masked[i]))
            classes.append("kt-position kt-selected" if chosen else "kt-position")
        return table(["position", "index"], rows, styles, classes, caption="Input indices")

    def _weights_table(self, weights, rows_shown, selected, used, largest, caption="W"):
        rows, styles, classes = [], [], []
        previous = -1
        for index in rows_shown:
            if index > previous + 1:
                rows.append(
                    [f"&#8942; {index - previous - 1} rows not used here"]
                    + [""] * len(self._dims_header(weights.shape[1]))
                )
                styles.append(f"color:{FAINT};")
                classes.append("kt-gap")
            previous = index
            chosen = index in selected
            cells = self._number_cells(weights[index], largest)
            marker = "&larr; looked up" if chosen else ("used" if index in used else "")
            rows.append([f"<b>{index}</b> <small>{marker}</small>"] + cells)
            styles.append(_row_style(chosen, False))
            classes.append("kt-row kt-selected" if chosen else "kt-row")
        if previous < weights.shape[0] - 1:
            rows.append(
                [f"&#8942; {weights.shape[0] - 1 - previous} rows not used here"]
                + [""] * len(self._dims_header(weights.shape[1]))
            )
            styles.append(f"color:{FAINT};")
            classes.append("kt-gap")
        headers = ["row (index)"] + self._dims_header(weights.shape[1])
        return table(headers, rows, styles, classes, caption=f"{caption}: {weights.shape}")

    def _output_table(self, output, largest, masked):
        rows, styles, classes = [], [], []
        for i, vector in enumerate(output):
            chosen = i == self.position
            rows.append([str(i)] + self._number_cells(vector, largest))
            styles.append(_row_style(chosen, masked is not None and masked[i]))
            classes.append("kt-output kt-selected" if chosen else "kt-output")
        headers = ["position"] + self._dims_header(output.shape[1])
        return table(headers, rows, styles, classes, caption=f"Output: {output.shape}")

    def _dims_header(self, dims):
        shown = [f"dim {j}" for j in range(min(dims, self.max_dims))]
        return shown + ([f"{dims - self.max_dims} more dims"] if dims > self.max_dims else [])

    def _number_cells(self, vector, largest):
        """One vector's first `max_dims` numbers as coloured cells, the rest counted."""
        cells = [number_cell(v, largest) for v in vector[: self.max_dims]]
        if len(vector) > self.max_dims:
            cells.append("&hellip;")
        return cells

    def _one_hot_view(self, sequence, weights, output, rows_shown, largest, masked):
        # one-hot(indices) has one column per index of the vocabulary, all zeros but for the
        # indices the sequence uses: those columns times those rows of W give the whole product.
        used = np.unique(sequence)
        one_hot = (sequence[:, None] == used[None, :]).astype(weights.dtype)
        product = one_hot @ weights[used]
        difference = float(np.abs(product - output).max())
        column = {int(index): k for k, index in enumerate(used)}
        rows, styles, classes = [], [], []
        for i, vector in enumerate(one_hot):
            chosen = i == self.position
            bits = [int(vector[column[k]]) if k in column else 0 for k in rows_shown]
            cells = [
                f'<span style="{MONO}{"font-weight:bold;" if bit else "opacity:0.45;"}">'
                f"{bit}</span>"
                for bit in bits
            ]
            rows.append([str(i)] + cells)
            styles.append(_row_style(chosen, masked is not None and masked[i]))
            classes.append("kt-onehot kt-selected" if chosen else "kt-onehot")
        headers = ["position"] + [f"col {k}" for k in rows_shown]
        shape = (len(sequence), weights.shape[0])
        one_hot_table = table(headers, rows, styles, classes, caption=f"one-hot(indices): {shape}")
        symbol = '<div style="align-self:center;font-size:20px;">{}</div>'
        verdict = "equal" if difference < 1e-6 else "different"
        return (
            _FLEX
            + one_hot_table
            + symbol.format("&times;")
            + self._weights_table(weights, rows_shown, {self.selected_row}, set(sequence), largest)
            + symbol.format("=")
            + self._output_table(product, largest, masked)
            + "</div>"
            + f'<div class="kt-check">one-hot(indices) x W and the lookup are {verdict} '
            f"(largest difference {difference:.1e}): the lookup is the fast way to compute "
            "this product.</div>"
        )


def _row_style(chosen, masked):
    style = f"{on_light(HIGHLIGHT)}outline:2px solid {HIGHLIGHT_EDGE};" if chosen else ""
    if masked:
        style += "opacity:0.6;text-decoration:line-through;"
    return style
