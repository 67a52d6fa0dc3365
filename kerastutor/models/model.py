"""Model: a functional graph of layers, or a subclass with its own `call`, that trains and saves.

What a Model adds over a Layer (seed 000's question): it knows its layers
(`model.layers`, `get_layer`), runs whole datasets in batches (`predict`),
prints its structure (`summary`), learns from data (`compile`, `fit`,
`evaluate`, from `kerastutor.training.Trainer`) and saves itself to one file
(`save`, `save_weights`, `to_json`) in Keras 3's own `.keras` format.

Two ways to make one, as in Keras 3:

* functional: `Model(inputs, outputs)` (a `Functional`: the graph between them);
* subclassing: `class MyModel(Model)` creating layers in `__init__` and
  running them in `call(self, inputs, training=None)`. Its layers and
  weights are the ones it holds as attributes (also in lists and dicts), in
  the order they were assigned; its first call builds them. A model that
  takes constructor arguments writes `get_config` to save them, and
  `@kerastutor.saving.register_keras_serializable(package=...)` lets
  `load_model` find its class (see `kerastutor.engine.functional`).
"""

import warnings

from kerastutor import saving
from kerastutor.engine import naming
from kerastutor.engine.functional import Functional
from kerastutor.training.trainer import Trainer

__all__ = ["Model", "Functional"]


class Model(Trainer, Functional):
    """`Model(inputs, outputs)`: the layers between input and output tensors.

    Example:
        >>> from kerastutor.layers import Input, Dense
        >>> from kerastutor.models import Model
        >>> inp = Input((7, 12))
        >>> model = Model(inp, Dense(5)(inp))
        >>> model.count_params()
        65
    """

    def __new__(cls, *args, **kwargs):
        # As in Keras 3, `Model(inputs, outputs)` makes a `Functional` (a Model
        # defined by its graph); a subclass such as Sequential or a learner's
        # `class MLP(Model)` is made as itself.
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            cls = Functional
        return super().__new__(cls)

    def save(self, filepath, overwrite=True, include_optimizer=True):
        """Save architecture, weights and optimizer state to one `.keras` file.

        The file is Keras 3's own (see `kerastutor.saving`): load it back with
        `kerastutor.models.load_model(filepath)`, or in Keras 3 with
        `keras.saving.load_model(filepath)`.

        A subclassed model that has never been called has no weights yet: it is
        saved anyway, with a warning, as Keras 3 does.
        """
        if not self.built:
            warnings.warn(
                "You are saving a model that has not yet been built. It might not contain any "
                "weights yet. Consider building the model first by calling it on some data. "
                f"(Model '{self.name}' creates its weights when `call` first runs, so the file "
                "would hold none.)",
                UserWarning,
                stacklevel=2,
            )
        saving.save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer)

    def save_weights(self, filepath, overwrite=True):
        """Save only the weights, as Keras 3's `.weights.h5` file.

        `load_weights` puts them into a model of the same architecture (here or in Keras 3).
        """
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath):
        """Set every weight from a `.weights.h5` or `.keras` file (all checked first)."""
        saving.load_weights(self, filepath)

    def to_json(self, **kwargs):
        """The architecture (no weights) as Keras 3's JSON; `model_from_json` rebuilds it."""
        return saving.model_to_json(self, **kwargs)


class Functional(Model):
    """What `Model(inputs, outputs)` returns, as in Keras 3: a Model defined by a graph.

    `isinstance(model, Model)` holds; `type(model).__name__` is 'Functional',
    which is what `summary()`, `plot_model` and a saved config show.
    """

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        # Named 'model', 'model_1', ... as in Keras 2, which the seeds print
        # (Keras 3 says 'functional').
        super().__init__(inputs, outputs, name=name or naming.unique_name("model"), **kwargs)
