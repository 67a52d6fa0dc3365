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

`kerastutor.ops` functions (Keras 3's `keras.ops`) take the same road through
`operation_call`, without registering: `x + y`, `ops.matmul(x, w)` or `x[:, 0]`
on symbolic tensors each become an op node named like Keras 3's (`add`,
`matmul`, `get_item`). Their output shape is found by running the NumPy
function itself on small stand-in arrays, so every op has exactly one
definition of what it computes.
"""

import numpy as np

from kerastutor import config, ops
from kerastutor.autodiff import Variable
from kerastutor.engine import naming
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.tree import flatten

__all__ = ["BackendOp", "operation_call", "register_operation", "symbolic_call"]

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
    template, options, symbolic_inputs = _slotted(arguments, options)
    output_dtype = _OPERATIONS[name][2]
    dtype = output_dtype(*_replace(list(arguments), _dtype_of), **options)
    operation = BackendOp(name, template, options, dtype=dtype)
    return operation(symbolic_inputs)


def _slotted(arguments, options):
    """Arguments and options with `_Slot(i)` for the i-th symbolic tensor, and the tensors."""
    symbolic_inputs = []

    def to_slot(value):
        if isinstance(value, KerasTensor):
            symbolic_inputs.append(value)
            return _Slot(len(symbolic_inputs) - 1)
        return value

    template = _replace(list(arguments), to_slot)
    options = {key: _replace(value, to_slot) for key, value in options.items()}
    return template, options, symbolic_inputs


def operation_call(function, args, kwargs):
    """`function(*args, **kwargs)` from `kerastutor.ops`, some arguments symbolic: a new node.

    Returns:
        The symbolic output, with the history of a new op node
        (`x + y` -> a node of the op layer 'add').
    """
    template, options, symbolic_inputs = _slotted(args, kwargs)
    specs = [(t.shape, t.dtype) for t in symbolic_inputs]
    name = function.__name__
    # Work out the output before creating the op, so a refused call leaves no trace.
    _, dtype = _traced_output(function, template, options, specs, name)
    operation = BackendOp(f"ops.{name}", template, options, dtype=dtype)
    return operation(symbolic_inputs)


def _stand_in(shape, dtype, unknown_size):
    """An array standing in for a symbolic tensor: ones (zeros for integer and bool data)."""
    shape = tuple(unknown_size if d is None else d for d in shape)
    fill = 0 if np.dtype(dtype).kind in "biu" else 1
    return np.full(shape, fill, dtype=dtype)


def _traced_output(compute, template, options, specs, name):
    """Output shape(s) and dtype of `compute` for inputs of `specs` [(shape, dtype), ...].

    Runs `compute` on stand-in arrays twice, with every unknown size set to 2
    and then to 3: an output size that changes with them is unknown (None).
    """
    runs = []
    for unknown_size in (2, 3):
        arrays = [_stand_in(shape, dtype, unknown_size) for shape, dtype in specs]

        def fill(value, arrays=arrays):
            return arrays[value.index] if isinstance(value, _Slot) else value

        try:
            with np.errstate(all="ignore"):
                out = compute(
                    *_replace(template, fill),
                    **{key: _replace(value, fill) for key, value in options.items()},
                )
        except (ValueError, TypeError, IndexError) as error:
            shapes = " and ".join(str(shape) for shape, _ in specs)
            raise ValueError(
                f"`ops.{name}` cannot be applied to symbolic inputs of shape {shapes}: "
                f"{error} (unknown sizes, None, were tried as {unknown_size}). Check the "
                "shapes the op needs against the shapes of the tensors it received."
            ) from None
        runs.append(out)
    several = isinstance(runs[0], (list, tuple))
    first, second = (flatten(run) if several else [run] for run in runs)
    shapes = [
        tuple(a if a == b else None for a, b in zip(np.shape(x), np.shape(y)))
        for x, y in zip(first, second)
    ]
    dtype = str(np.asarray(first[0]).dtype) if first else config.floatx()
    return (shapes if several else shapes[0]), dtype


class BackendOp(Layer):
    """One backend function applied to symbolic tensors: a layer without a class of its own.

    Args:
        function: the registered name of a backend function ('dot'), or
            'ops.<name>' for a `kerastutor.ops` function ('ops.add' for `x + y`).
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
        if function.startswith("ops."):
            compute = getattr(ops, function[len("ops.") :], None)
            if compute is None:
                raise ValueError(f"Unknown op {function!r}: kerastutor.ops has no such function.")
            self._compute, self._output_shape_rule = compute, None
        elif function in _OPERATIONS:
            self._compute, self._output_shape_rule, _ = _OPERATIONS[function]
        else:
            raise ValueError(
                f"Unknown backend function {function!r}. Registered functions: "
                f"{', '.join(sorted(_OPERATIONS))}."
            )
        short_name = function.split(".")[-1]
        kwargs.setdefault("name", naming.unique_name(short_name))
        self.function = function
        self.arguments = list(arguments)
        self.options = dict(options or {})
        self._input_dtypes = None
        super().__init__(**kwargs)
        self._variables = [v for v in flatten(self.arguments) if isinstance(v, Variable)]
        self.built = True

    @property
    def is_op(self):
        """True for a `kerastutor.ops` call (not a layer in `model.layers`, as in Keras 3)."""
        return self.function.startswith("ops.")

    @property
    def type_label(self):
        """What `summary()` shows as the type: 'Add' for the op 'add', as in Keras 3."""
        return "".join(part.capitalize() for part in self.function.split(".")[-1].split("_"))

    def _fill(self, inputs, leaf_of_constant):
        """The arguments and options with the inputs in their slots."""
        inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        leaves = flatten([self.arguments, list(self.options.values())])
        expected = sum(isinstance(leaf, _Slot) for leaf in leaves)
        if len(inputs) != expected:
            raise ValueError(
                f"Backend op '{self.name}' ({self.function}) expects {expected} input(s), "
                f"received {len(inputs)}."
            )

        def fill(value):
            if isinstance(value, _Slot):
                return inputs[value.index]
            return leaf_of_constant(value)

        def fill_slot(value):
            return inputs[value.index] if isinstance(value, _Slot) else value

        options = {key: _replace(value, fill_slot) for key, value in self.options.items()}
        return _replace(self.arguments, fill), options

    def call(self, inputs):
        arguments, options = self._fill(inputs, lambda value: value)
        return self._compute(*arguments, **options)

    def _call_symbolic(self, inputs, args, kwargs):
        # Traced shapes depend on the input dtypes too (indices vs floats).
        self._input_dtypes = [t.dtype for t in flatten(inputs)]
        return super()._call_symbolic(inputs, args, kwargs)

    def compute_output_shape(self, input_shape):
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        if self._output_shape_rule is None:
            dtypes = self._input_dtypes or [self.dtype] * len(shapes)
            specs = list(zip(shapes, dtypes))
            output_shape, _ = _traced_output(
                self._compute, self.arguments, self.options, specs, self.function
            )
            return output_shape
        arguments, options = self._fill(shapes, _shape_of)
        return self._output_shape_rule(*arguments, **options)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "function": self.function,
                "arguments": _encode(self.arguments),
                "options": _encode(self.options),
            }
        )
        return config

    @classmethod
    def from_config(cls, layer_config, custom_objects=None):
        layer_config = dict(layer_config)
        layer_config["arguments"] = _decode(layer_config["arguments"])
        layer_config["options"] = _decode(layer_config.get("options", {}))
        return cls(**layer_config)

    def _to_array(self, x):
        # A backend function with a float result computes in that float type
        # (as a Dense would); one with an integer result (`K.shape`) leaves data
        # alone. `kerastutor.ops` functions apply their own dtype rules.
        array = super()._to_array(x)
        if (
            not self.function.startswith("ops.")
            and isinstance(array, np.ndarray)
            and np.dtype(self.dtype).kind == "f"
            and array.dtype.kind in "biuf"
            and array.dtype != self.dtype
        ):
            array = array.astype(self.dtype)
        return array


def _encode(value):
    """A JSON-friendly form of an argument: slots, variables, arrays, slices, tuples."""
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, tuple):
        return {"tuple": [_encode(item) for item in value]}
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
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
    if isinstance(value, slice):
        return {"slice": [value.start, value.stop, value.step]}
    if value is Ellipsis:
        return {"ellipsis": True}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _decode(value):
    """The inverse of `_encode`."""
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"input"}:
        return _Slot(value["input"])
    if set(value) == {"tuple"}:
        return tuple(_decode(item) for item in value["tuple"])
    if set(value) == {"slice"}:
        return slice(*value["slice"])
    if set(value) == {"ellipsis"}:
        return Ellipsis
    if "variable" in value:
        array = np.asarray(value["variable"], dtype=value["dtype"])
        return Variable(array, name=value["name"], trainable=value["trainable"])
    if "array" in value:
        return np.asarray(value["array"], dtype=value["dtype"])
    return {key: _decode(item) for key, item in value.items()}
