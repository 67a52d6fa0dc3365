"""BackendOp: a backend function (`K.dot`, `K.concatenate`, ...) as a graph node.

`K.dot(x, y)` on arrays just computes. On a symbolic tensor there is nothing to
compute yet, so kerastutor wraps the call in a small layer: the layer knows
the function, the arguments that are not symbolic (a weight matrix, an axis)
and the rule that gives the output shape. Calling it on the symbolic
arguments records a node like any layer call, which is why the result has a
history, a name like `dot[0][0]` and can sit inside a `Model`:

    >>> from kerastutor import backend as K
    >>> x = K.placeholder(shape=(2, 3))
    >>> y = K.placeholder(shape=(3, 4))
    >>> K.dot(x, y)
    <KerasTensor shape=(2, 4), dtype=float32, name=dot[0][0]>

This is what Keras 3 does too (its `TFOpLambda` and symbolic ops); TensorFlow
1 instead added a `MatMul` operation to its global graph, which is what the
seed's `<tf.Tensor 'MatMul_9:0' shape=(2, 4) dtype=float32>` shows.

Backend functions register themselves here with `register_operation`, so that
a model containing `K.dot` can be rebuilt from its config.
"""

import numpy as np

from kerastutor import config
from kerastutor.autodiff import Variable
from kerastutor.engine import naming
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.tree import flatten

__all__ = ["BackendOp", "register_operation", "symbolic_call"]

# name -> (compute, output_shape, output_dtype)
_OPERATIONS = {}


def register_operation(name, compute, output_shape, output_dtype=None):
    """Make a backend function available to symbolic calls.

    Args:
        name: the function's name ('dot'); also the prefix of the layer names.
        compute: `compute(*arguments, **options)` on arrays, written with
            `kerastutor.ops` so gradients flow.
        output_shape: `output_shape(*argument_shapes, **options)`, the same
            nesting as `arguments` with a shape tuple for every tensor; raises
            ValueError for shapes that do not fit.
        output_dtype: `output_dtype(*argument_dtypes, **options)`; defaults to
            NumPy's result type of the argument dtypes.
    """
    _OPERATIONS[name] = (compute, output_shape, output_dtype or _result_dtype)


def _result_dtype(*dtypes, **options):
    # None stands for a Python number, which does not promote float32 to float64.
    known = [dtype for dtype in flatten(list(dtypes)) if dtype is not None]
    return str(np.result_type(*known)) if known else config.floatx()


class _Slot:
    """Marks where the i-th symbolic input goes in the argument list."""

    def __init__(self, index):
        self.index = index

    def __repr__(self):
        return f"<input {self.index}>"


def _replace(structure, leaf_fn):
    """The same list/tuple nesting with `leaf_fn` applied to each leaf."""
    if isinstance(structure, list):
        return [_replace(item, leaf_fn) for item in structure]
    if isinstance(structure, tuple):
        return tuple(_replace(item, leaf_fn) for item in structure)
    return leaf_fn(structure)


def _shape_of(value):
    if isinstance(value, (KerasTensor, Variable)):
        return tuple(value.shape)
    return tuple(np.shape(value))


def _dtype_of(value):
    if isinstance(value, KerasTensor):
        return value.dtype
    if isinstance(value, Variable):
        return str(value.data.dtype)
    if isinstance(value, np.ndarray):
        return str(value.dtype)
    # Python numbers are "weak": they do not promote float32 to float64.
    return None


def symbolic_call(name, arguments, **options):
    """Apply backend function `name` to `arguments`, some of them symbolic.

    Returns:
        The symbolic output, with the history of a new BackendOp node.
    """
    count = 0
    symbolic_inputs = []

    def to_slot(value):
        nonlocal count
        if isinstance(value, KerasTensor):
            symbolic_inputs.append(value)
            count += 1
            return _Slot(count - 1)
        return value

    template = _replace(list(arguments), to_slot)
    output_dtype = _OPERATIONS[name][2]
    dtype = output_dtype(*_replace(list(arguments), _dtype_of), **options)
    operation = BackendOp(name, template, options, dtype=dtype)
    return operation(symbolic_inputs)


class BackendOp(Layer):
    """One backend function applied to symbolic tensors: a layer without a class of its own.

    Args:
        function: the registered name of the backend function, e.g. 'dot'.
        arguments: the function's positional arguments, with `_Slot(i)`
            where the i-th symbolic input goes and concrete values elsewhere.
        options: the function's keyword arguments (e.g. `axis`).
        **kwargs: the base Layer's arguments.

    A `Variable` among the concrete arguments (from `K.variable`) becomes a
    weight of this layer, so it is counted, saved and trained with the model.

    Input shape:
        A list with one tensor per symbolic argument, in argument order.

    Output shape:
        Whatever the function's shape rule says.
    """

    # The function decides what to do with dtypes; see `_to_array`.
    _cast_inputs = False

    def __init__(self, function, arguments, options=None, **kwargs):
        if function not in _OPERATIONS:
            raise ValueError(
                f"Unknown backend function {function!r}. Registered functions: "
                f"{', '.join(sorted(_OPERATIONS))}."
            )
        kwargs.setdefault("name", naming.unique_name(function))
        self.function = function
        self.arguments = list(arguments)
        self.options = dict(options or {})
        self._compute, self._output_shape_rule, _ = _OPERATIONS[function]
        super().__init__(**kwargs)
        self._variables = [v for v in flatten(self.arguments) if isinstance(v, Variable)]
        self.built = True

    def _fill(self, inputs, leaf_of_constant):
        inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        expected = sum(isinstance(leaf, _Slot) for leaf in flatten(self.arguments))
        if len(inputs) != expected:
            raise ValueError(
                f"Backend op '{self.name}' ({self.function}) expects {expected} input(s), "
                f"received {len(inputs)}."
            )

        def fill(value):
            if isinstance(value, _Slot):
                return inputs[value.index]
            return leaf_of_constant(value)

        return _replace(self.arguments, fill)

    def call(self, inputs):
        arguments = self._fill(inputs, lambda value: value)
        return self._compute(*arguments, **self.options)

    def compute_output_shape(self, input_shape):
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        return self._output_shape_rule(*self._fill(shapes, _shape_of), **self.options)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "function": self.function,
                "arguments": _replace(self.arguments, _encode),
                "options": dict(self.options),
            }
        )
        return config

    @classmethod
    def from_config(cls, layer_config, custom_objects=None):
        layer_config = dict(layer_config)
        layer_config["arguments"] = _replace(layer_config["arguments"], _decode)
        return cls(**layer_config)

    def _to_array(self, x):
        # An op with a float result computes in that float type (as a Dense
        # would); an op with an integer result (`K.shape`) leaves data alone.
        array = super()._to_array(x)
        if (
            isinstance(array, np.ndarray)
            and np.dtype(self.dtype).kind == "f"
            and array.dtype.kind in "biuf"
            and array.dtype != self.dtype
        ):
            array = array.astype(self.dtype)
        return array


def _encode(value):
    if isinstance(value, _Slot):
        return {"input": value.index}
    if isinstance(value, Variable):
        return {
            "variable": value.data.tolist(),
            "dtype": str(value.data.dtype),
            "name": value.name,
            "trainable": value.trainable,
        }
    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "dtype": str(value.dtype)}
    return value


def _decode(value):
    if isinstance(value, dict) and set(value) == {"input"}:
        return _Slot(value["input"])
    if isinstance(value, dict) and "variable" in value:
        array = np.asarray(value["variable"], dtype=value["dtype"])
        return Variable(array, name=value["name"], trainable=value["trainable"])
    if isinstance(value, dict) and "array" in value:
        return np.asarray(value["array"], dtype=value["dtype"])
    return value
