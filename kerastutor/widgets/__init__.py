"""Live notebook widgets that show what the engine does (needs ipywidgets 8).

* `NodeInspector(layer)`: a layer's nodes (calls) and its one set of weights,
  updated by itself when the layer is called again.
* `ShapeFlow(build_fn, **controls)`: change input shapes and layer arguments
  with controls and watch every tensor's shape, or a plain-language reason
  why Keras would reject the wiring.
* `EmbeddingLookup(embedding, indices)`: the lookup as rows of W, and as
  one-hot(indices) x W.
* `SequenceView(layer_or_model)`: any recurrent layer or wrapper (SimpleRNN,
  GRU, LSTM, Bidirectional, TimeDistributed): what `return_sequences`,
  `return_state` and `initial_state` change, and a Dense applied at every timestep.
* `LossCurve(metrics=[...])`: a callback for `fit` that draws the loss and
  the metrics you name after every epoch, live.
* `ConvView(conv_or_pooling_layer, image)`: the window sliding over the
  input, and its numbers times the kernel's summing to one output cell.

Colours follow JupyterLab's light and dark themes (its CSS variables, with
light fallbacks for VS Code and Colab). Controls set from code (`select`,
`set`) take what their slider or drop-down offers, or raise a ValueError or
TypeError that says what they take; a re-run cell's widget replaces the one
it made before, so nothing is left listening to the layer.

Install with `pip install 'kerastutor[notebook]'` (ipywidgets and graphviz).
"""

try:
    import ipywidgets  # noqa: F401 - checked here to give a helpful error
except ImportError as error:
    raise ImportError(
        "kerastutor.widgets needs ipywidgets 8: pip install 'ipywidgets>=8' (or "
        "pip install 'kerastutor[notebook]'), then restart the kernel."
    ) from error

from kerastutor.widgets.conv_view import ConvView
from kerastutor.widgets.embedding_lookup import EmbeddingLookup
from kerastutor.widgets.loss_curve import LossCurve
from kerastutor.widgets.node_inspector import NodeInspector
from kerastutor.widgets.sequence_view import SequenceView
from kerastutor.widgets.shape_flow import ShapeFlow

__all__ = ["NodeInspector", "ShapeFlow", "EmbeddingLookup", "SequenceView", "LossCurve", "ConvView"]
