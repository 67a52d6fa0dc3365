"""Model: a functional graph of layers that can also be trained and saved.

What a Model adds over a Layer (seed 000's question): it knows its layers
(`model.layers`, `get_layer`), runs whole datasets in batches (`predict`),
and prints its structure (`summary`).
"""

from kerastutor.engine.functional import Functional

__all__ = ["Model"]


class Model(Functional):
    """`Model(inputs, outputs)`: the layers between input and output tensors.

    Example:
        >>> from kerastutor.layers import Input, Dense
        >>> from kerastutor.models import Model
        >>> inp = Input((7, 12))
        >>> model = Model(inp, Dense(5)(inp))
        >>> model.count_params()
        65
    """
