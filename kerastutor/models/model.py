"""Model: a functional graph of layers that can also be trained and saved.

What a Model adds over a Layer (seed 000's question): it knows its layers
(`model.layers`, `get_layer`), runs whole datasets in batches (`predict`),
prints its structure (`summary`), learns from data (`compile`, `fit`,
`evaluate`, from `kerastutor.training.Trainer`) and saves itself to one file
(`save`, `save_weights`, `to_json`) in Keras 3's own `.keras` format.
"""

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
        """
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
