"""Sequential: a stack of layers, each called on the previous one's output.

`model.add(layer)` calls `layer` on the current output at once (one node per
layer), provided the model knows its input shape, from an `Input` added first
or from `input_shape=` on the first layer. Without either, the model is built
the first time it sees data.
"""

import numpy as np

from kerastutor.engine import summary as summary_lib
from kerastutor.engine.base_layer import Layer, get_layer_class
from kerastutor.engine.input_layer import Input, InputLayer
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.traceback_utils import filter_traceback
from kerastutor.models.model import Model

__all__ = ["Sequential"]


class Sequential(Model):
    """A linear stack of layers.

    Args:
        layers: optional list of layers (an `Input(...)` may come first).
        name: the model's name ('sequential', 'sequential_1', ...).

    Example:
        >>> from kerastutor.layers import Embedding
        >>> from kerastutor.models import Sequential
        >>> model = Sequential()
        >>> model.add(Embedding(4, 5, input_length=7))
        >>> model.output_shape
        (None, 7, 5)
    """

    def __init__(self, layers=None, name=None, trainable=True):
        Layer.__init__(self, name=name, trainable=trainable)
        self._stack = []
        self._input_tensor = None
        self._output_tensor = None
        self.built = False
        self._extend(layers or [])

    def _extend(self, layers):
        """Append each of `layers`, then map the graph once (not once a layer, as `add` does)."""
        for layer in layers:
            self._append(layer)
        if self._output_tensor is not None and self._stack:
            self._init_graph(self._input_tensor, self._output_tensor)

    @filter_traceback
    def add(self, layer):
        """Append `layer` and, when the input shape is known, call it on the current output."""
        if self._append(layer) and self._output_tensor is not None:
            self._init_graph(self._input_tensor, self._output_tensor)

    def _append(self, layer):
        """Append `layer` (calling it on the current output); True if it joined the stack.

        The graph is not mapped here: `add` maps it after each layer, the
        constructor once after them all (mapping it after each of 1,000
        layers would take time quadratic in the depth).
        """
        if isinstance(layer, KerasTensor) and isinstance(layer._keras_history.layer, InputLayer):
            self._set_input(layer)
            return False
        if isinstance(layer, InputLayer):
            self._set_input(layer._inbound_nodes[0].output_tensors[0])
            return False
        if not isinstance(layer, Layer):
            raise TypeError(
                "The added layer must be an instance of class Layer (or an Input). "
                f"Received: {layer!r} of type {type(layer).__name__}."
            )
        if any(existing.name == layer.name for existing in self._stack):
            raise ValueError(
                f"All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in this model. Pass a "
                "different `name=` to the layer."
            )
        # The layer is called first and joins the model only if the call works:
        # a refused layer leaves `model.layers` (and the graph) as they were.
        input_tensor, output_tensor = self._input_tensor, self._output_tensor
        if input_tensor is None and not self._stack:
            batch_shape = _declared_input_shape(layer)
            if batch_shape is not None:
                input_tensor = output_tensor = Input(batch_shape=batch_shape)
        if output_tensor is not None:
            output_tensor = layer(output_tensor)
        self._stack.append(layer)
        self._input_tensor, self._output_tensor = input_tensor, output_tensor
        return True

    def pop(self):
        """Remove the last layer (and rewire the model without it).

        Returns:
            The removed layer.
        """
        if not self._stack:
            raise ValueError(f"Sequential model '{self.name}' has no layers to pop.")
        layer = self._stack.pop()
        if self.built:
            output = self._input_tensor
            for remaining in self._stack:
                output = self._relevant_nodes(remaining)[0].outputs
            self._output_tensor = output
            self._init_graph(self._input_tensor, output)
        return layer

    def _set_input(self, tensor):
        if self._stack or self._input_tensor is not None:
            has = (
                f" It already has one, of shape {self._input_tensor.shape}"
                if (self._input_tensor is not None)
                else ""
            )
            raise ValueError(
                "An Input can only be added to a Sequential model first, before any layer, "
                f"and only once: this one has shape {tensor.shape}.{has}."
            )
        self._input_tensor = self._output_tensor = tensor

    def build(self, input_shape=None):
        """Create the model's Input from `input_shape` (batch axis included) and wire the layers."""
        if self.built:
            self._check_build_shape(input_shape)
            return
        if input_shape is None:
            raise ValueError(
                f"Sequential model '{self.name}' cannot be built without an input shape: add an "
                "Input first, give the first layer `input_shape=`, or call `build(input_shape)`."
            )
        if not self._stack:
            raise ValueError(
                f"Sequential model '{self.name}' has no layers: add layers before calling or "
                "building it (an empty model would have nothing to compute)."
            )
        self._input_tensor = Input(batch_shape=tuple(input_shape))
        output = self._input_tensor
        for layer in self._stack:
            output = layer(output)
        self._output_tensor = output
        self._init_graph(self._input_tensor, output)

    def compute_output_shape(self, input_shape):
        """The output shape for `input_shape`, worked out layer by layer (no build needed)."""
        if self.built:
            return super().compute_output_shape(input_shape)
        shape = tuple(input_shape)
        for layer in self._stack:
            shape = layer.compute_output_shape(shape)
        return shape

    def _check_build_shape(self, input_shape):
        """`build` on a built model is fine only for the shape it was built for."""
        if input_shape is None:
            return
        built_for = self._input_tensor.shape
        fits = len(input_shape) == len(built_for) and all(
            a is None or b is None or a == b for a, b in zip(input_shape, built_for)
        )
        if not fits:
            raise ValueError(
                f"Sequential model '{self.name}' was built for inputs of shape {built_for}; it "
                f"cannot be built again for {tuple(input_shape)}: its weights have fixed sizes."
            )

    def _require_built(self, what):
        if not self.built:
            raise ValueError(
                f"This model has not yet been built, so it has no {what}. Build the model first "
                "by calling `build(input_shape)`, by calling it on a batch of data, or by "
                "giving its first layer an `input_shape=`."
            )

    def _call_eager(self, inputs, args, kwargs):
        if not self.built:
            self.build(tuple(np.shape(inputs)))
        return super()._call_eager(inputs, args, kwargs)

    @property
    def layers(self):
        """The added layers (the automatic InputLayer is not listed, as in Keras)."""
        return list(self._stack)

    @layers.setter
    def layers(self, value):
        raise AttributeError(
            "`model.layers` cannot be assigned: it lists what the model holds. Add layers "
            "with `model.add()`, or pass them to `Sequential([...])`."
        )

    @property
    def operations(self):
        return super().operations if self.built else list(self._stack)

    def summary(self, line_length=None, positions=None, print_fn=None):
        """The layer table; before the model is built its shapes are '?', as in Keras 3."""
        if not self.built:
            summary_lib.print_unbuilt_summary(self, line_length, positions, print_fn)
            return
        super().summary(line_length, positions, print_fn)

    def count_params(self):
        self._require_built("parameter count")
        return super().count_params()

    def get_config(self):
        """The layers' configs; a built model's InputLayer comes first, as in Keras 3."""
        layers = list(self._stack)
        if self.built:
            layers.insert(0, self._input_layers[0])
        return {
            "name": self.name,
            "layers": [
                {"class_name": type(layer).__name__, "config": layer.get_config()}
                for layer in layers
            ],
        }

    @classmethod
    def from_config(cls, model_config, custom_objects=None):
        model = cls(name=model_config["name"])
        layers = []
        for layer_config in model_config["layers"]:
            layer_class = get_layer_class(layer_config["class_name"], custom_objects)
            layers.append(
                layer_class.from_config(layer_config["config"], custom_objects=custom_objects)
            )
        model._extend(layers)
        return model


def _declared_input_shape(layer):
    """The batch input shape a first layer declares (`input_shape=`, or a model's input)."""
    if hasattr(layer, "_batch_input_shape"):
        return layer._batch_input_shape
    inputs = getattr(layer, "inputs", None) if layer.built else None
    if inputs is not None and len(inputs) == 1:
        return inputs[0].shape
    return None
