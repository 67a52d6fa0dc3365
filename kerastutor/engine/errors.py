"""LayerCallError: the error of a layer call that was refused, with what a widget needs.

A refused call (a wrong shape, rank or number of inputs) raises
`LayerCallError`, a ValueError, so `except ValueError` keeps working. Beside
the message it carries:

- `layer`: the layer that refused the call (the innermost one, when a
  model's call fails inside one of its layers);
- `node_index`: the node the call would have been, or None for a call on
  concrete data;
- `input_shapes`: the shape of each input tensor it received;
- `inputs`: the symbolic input tensors of a refused symbolic call (to
  draw what fed it), [] for concrete data.

A TypeError from a layer call (symbolic and concrete data mixed, strings)
and a more specific ValueError (EmbeddingIndexError) keep their class and
carry the same four facts.

Widgets such as ShapeFlow read these instead of guessing from the message.

Example:
    >>> import numpy as np
    >>> from kerastutor.layers import Dense, Input
    >>> d = Dense(2)
    >>> y = d(Input((3,)))
    >>> try:
    ...     d(Input((4,)))
    ... except LayerCallError as error:
    ...     print(error.layer is d, error.node_index, error.input_shapes)
    True 1 [(None, 4)]
"""

__all__ = ["LayerCallError"]


class LayerCallError(ValueError):
    """A ValueError raised by a refused layer call; see the module docstring."""

    def __init__(self, message, layer=None, node_index=None, input_shapes=(), inputs=()):
        super().__init__(message)
        self.layer = layer
        self.node_index = node_index
        self.input_shapes = list(input_shapes)
        self.inputs = list(inputs)

    @classmethod
    def from_error(cls, error, layer, node_index, input_shapes, inputs=()):
        """`error` as a LayerCallError: its message, traceback, cause and context kept.

        An error that already carries the facts (raised by a layer inside
        a model) keeps them: they name the innermost layer that refused.
        """
        if isinstance(error, cls) or hasattr(error, "input_shapes"):
            return error
        if type(error) is not ValueError:
            # A TypeError, or a more specific ValueError (EmbeddingIndexError), keeps its
            # class and gains the facts.
            error.layer, error.node_index = layer, node_index
            error.input_shapes, error.inputs = list(input_shapes), list(inputs)
            return error
        message = error.args[0] if len(error.args) == 1 else error.args
        new = cls(message, layer, node_index, input_shapes, inputs)
        new.__cause__, new.__context__ = error.__cause__, error.__context__
        new.__suppress_context__ = error.__suppress_context__
        return new.with_traceback(error.__traceback__)
