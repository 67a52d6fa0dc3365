"""Lambda: wrap a function of tensors as a layer."""

import inspect

from kerastutor import activations, ops
from kerastutor.engine.base_layer import Layer

__all__ = ["Lambda"]

# Where a saved Lambda's function is found by name (Keras's own ops and activations, here).
_BUILTINS = (ops, activations)


class Lambda(Layer):
    """Turns `function(inputs)` into a layer, for small computations without weights.

    `Lambda(lambda x: x * 2)` in a model doubles its input. The function is
    written with `kerastutor.ops` (so gradients flow through it) and may
    take `mask` and `training` arguments, which the layer then passes on;
    `arguments` are extra keyword arguments for it. The output shape comes
    from `output_shape` or, without it, from running the function on small
    arrays of zeros.

    Saving: a model holding a Lambda can be saved only if its function has
    a name that can be found again: one of `kerastutor.ops` or
    `kerastutor.activations`, or your own module-level function passed back
    as `load_model(..., custom_objects={'name': function})`. A Python
    `lambda` (or a nested function) cannot: Keras saves its bytecode with
    `marshal`, and loading bytecode runs whatever it contains, so kerastutor
    refuses to save it rather than write a file that is unsafe to open.
    Write a named function, or subclass Layer.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Lambda
        >>> Lambda(lambda x: x * 2)(np.ones((1, 2)))
        array([[2., 2.]], dtype=float32)

    Args:
        function: the function to apply, `function(inputs, **arguments)`.
        output_shape: the output shape without the batch axis, or a function
            of the input shape (batch included) returning the output shape.
        mask: a fixed output mask, or a function `mask(inputs, mask)`.
        arguments: a dict of keyword arguments for `function`.
        **kwargs: the base Layer's arguments (`name`, `dtype`, ...).

    Input shape:
        Whatever `function` accepts.

    Output shape:
        `output_shape`, or what `function` returns.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(
                f"Lambda layer '{self.name}' needs a function, e.g. Lambda(lambda x: x * 2); "
                f"received {function!r} of type {type(function).__name__}."
            )
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = output_shape
        parameters = _parameters(function)
        self._passes_mask = "mask" in parameters
        self._passes_training = "training" in parameters

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._passes_mask:
            kwargs["mask"] = mask
        if self._passes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return self._trace_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = input_shape[0] if isinstance(input_shape, tuple) else input_shape[0][0]
        return (batch, *self._output_shape)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        config = super().get_config()
        config["function"] = self._function_config(self.function, "function")
        if self._output_shape is not None:
            output_shape = self._output_shape
            if callable(output_shape):
                output_shape = self._function_config(output_shape, "output_shape")
            config["output_shape"] = output_shape
        if self.mask is not None:
            if not callable(self.mask):
                raise ValueError(
                    f"Lambda layer '{self.name}' cannot be saved with a fixed array as its "
                    "`mask`: pass a named function mask(inputs, mask) instead."
                )
            config["mask"] = self._function_config(self.mask, "mask")
        config["arguments"] = self.arguments
        return config

    @classmethod
    def from_config(cls, layer_config, custom_objects=None):
        layer_config = dict(layer_config)
        for key in ("function", "output_shape", "mask"):
            value = layer_config.get(key)
            if isinstance(value, dict):
                layer_config[key] = _find_function(value, layer_config.get("name"), custom_objects)
        return cls(**layer_config)

    def _function_config(self, function, argument):
        """A function saved by name: {'class_name': 'function', 'config': name, 'module': ...}."""
        name = getattr(function, "__name__", None)
        qualname = getattr(function, "__qualname__", "")
        if name is None or name == "<lambda>" or "<locals>" in qualname:
            kind = "a Python lambda" if name == "<lambda>" else f"the nested function {qualname}"
            raise ValueError(
                f"Lambda layer '{self.name}' cannot be saved: its `{argument}` is {kind}, "
                "which has no name to be found again when the model is loaded. Keras would "
                "store its bytecode with `marshal`, and loading bytecode can run any code, so "
                "kerastutor does not (no pickle, no marshal). Define a module-level function "
                "(`def double(x): return x * 2`), use it in Lambda, and load with "
                "custom_objects={'double': double}; or write a Layer subclass."
            )
        if _is_builtin(function):
            # Keras 3 writes its own ops and activations this way, and finds them
            # again by name (activations, ...; an op such as `sum` needs custom_objects).
            return {
                "module": "builtins",
                "class_name": "function",
                "config": name,
                "registered_name": "function",
            }
        return {"class_name": "function", "config": name, "module": function.__module__}


def _is_builtin(function):
    """True for a function of kerastutor.ops or kerastutor.activations (Keras's own, there)."""
    name = function.__name__
    return any(
        getattr(namespace, name, None) is function and name in getattr(namespace, "__all__", ())
        for namespace in _BUILTINS
    )


def _parameters(function):
    try:
        return inspect.signature(function).parameters
    except (TypeError, ValueError):
        return {}


def _find_function(description, layer_name, custom_objects):
    """The function a saved Lambda names: custom_objects first, then ops and activations."""
    if description.get("class_name") == "__lambda__":
        raise ValueError(
            f"Lambda layer '{layer_name}' was saved (by Keras) with the bytecode of a Python "
            "lambda. Loading it would run that code, so kerastutor refuses (no marshal). "
            "Rebuild the layer in code with a named function, then load only the weights."
        )
    name = description.get("config")
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    for namespace in _BUILTINS:
        if name in getattr(namespace, "__all__", ()):
            return getattr(namespace, name)
    raise ValueError(
        f"Lambda layer '{layer_name}' uses the function {name!r} (from module "
        f"{description.get('module')!r}), which kerastutor cannot find: it is neither in "
        f"kerastutor.ops nor in kerastutor.activations. Pass it when loading: "
        f"custom_objects={{{name!r}: {name}}}."
    )
