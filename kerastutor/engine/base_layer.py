"""The Layer base class: weights, calls, nodes.

A layer owns weights and knows how to compute. Calling it does one of two
things:

* on symbolic tensors (from `Input`): builds the weights on the first call,
  works out the output shape, records a `Node` and returns symbolic outputs;
* on NumPy arrays: builds if needed and computes the output with `call`.

Subclasses follow Keras's method order: `__init__` (validate and store the
configuration), `build` (create weights with `add_weight`), `call` (the
computation, written with `kerastutor.ops`), `compute_output_shape`,
`get_config`.

Example:
    >>> import numpy as np
    >>> from kerastutor import ops
    >>> from kerastutor.layers import Layer
    >>> class Scale(Layer):
    ...     def build(self, input_shape):
    ...         self.scale = self.add_weight(name="scale", shape=(input_shape[-1],),
    ...                                      initializer="ones")
    ...     def call(self, inputs):
    ...         return ops.multiply(inputs, self.scale)
    >>> Scale()(np.ones((2, 3))).shape
    (2, 3)
"""

import contextlib
import functools
import inspect
import warnings

import numpy as np

from kerastutor import config, constraints, initializers, ops, regularizers
from kerastutor.autodiff import Tensor, Variable, data_of
from kerastutor.engine import naming
from kerastutor.engine.arguments import (
    UnknownNameError,
    check_boolean,
    check_booleans,
    check_keywords,
)
from kerastutor.engine.errors import LayerCallError
from kerastutor.engine.input_spec import check_input_spec
from kerastutor.engine.keras_mask import get_keras_mask, with_masks
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.engine.node import Node
from kerastutor.engine.traceback_utils import filter_traceback
from kerastutor.engine.tree import flatten, map_structure

__all__ = [
    "Layer",
    "current_training",
    "eager_call",
    "get_layer_class",
    "map_shapes",
    "mask_per_output",
    "record_new_weights",
]

# Every Layer subclass, by class name: how `from_config` and `load_model` find
# classes without importing anything named in a file.
_LAYER_CLASSES = {}

ALLOWED_KWARGS = (
    "input_shape",
    "batch_input_shape",
    "batch_size",
    "dtype",
    "name",
    "trainable",
    "weights",
    "input_dtype",
)
# Keras 2's Dense, LSTM and Conv layers also took `input_dim=3` for `input_shape=(3,)`.
FIRST_LAYER_KWARGS = ("input_dim",)

# The eager layer calls running now, outermost first, each with the `training`
# value it resolved (Keras 3's call context). Penalty lists are emptied only by
# the outermost call, so a shared layer called twice in one forward pass keeps
# both calls' penalties; an inner layer whose caller did not pass `training` on
# still sees the outer call's value.
_CALL_STACK = []
# While a subclassed model builds by running `call` on zeros: each weight created,
# with its initial value, so that what the run assigns can be undone.
_NEW_WEIGHT_RECORDS = []

_KERAS3_NOTE = (
    " (Keras 3 no longer raises here: it silently answers with node 0's {what}, "
    "which hides the question.)"
)


def _is_single_shape(shape):
    """True for one shape like (None, 3); False for a list of shapes."""
    return isinstance(shape, tuple) and all(d is None or isinstance(d, int) for d in shape)


class Layer:
    """Base class of every layer, and of Model.

    Args (keyword only, as in Keras 2's base Layer):
        input_shape: shape of the input without the batch axis; on a first
            layer it makes Sequential create an Input for it.
        batch_input_shape: the same with the batch axis, e.g. (None, 3).
        batch_size: fixed batch size to go with `input_shape`.
        dtype: the dtype of the layer's weights and outputs ('float32').
        name: a unique name; by default the class name in snake case,
            numbered as in Keras: 'dense', 'dense_1', ...
        trainable: whether fit may change the weights.
        weights: a list of arrays set as the weights when the layer is built
            (overrides the initializers).
        activity_regularizer: a regularizer (or its name) applied to the
            layer's outputs at every call; each penalty is divided by the
            batch size and listed in `losses`.

    Raises:
        TypeError: for any other keyword argument: a `KeywordArgumentError`
            whose `args` are Keras 2's, `('Keyword argument not understood:',
            name)`, and whose message names the layer, lists the accepted
            names and suggests the closest one. Also for a flag that is not
            True or False (`use_bias='False'`), in every layer's constructor.
    """

    # Inputs are cast to the layer's float dtype before `call`; Embedding
    # turns this off because its inputs are indices.
    _cast_inputs = True
    # The node a symbolic call would become, while it is being checked (see `_call_site`).
    _node_in_progress = None
    # Built by a subclassed model's run on zeros: the first real call records its shape.
    _build_shape_is_provisional = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _LAYER_CLASSES[cls.__name__] = cls
        # Every constructor checks its flags and keeps tracebacks short; see `_constructor`.
        if "__init__" in vars(cls):
            cls.__init__ = _constructor(vars(cls)["__init__"])
        if "__call__" in vars(cls):
            cls.__call__ = filter_traceback(vars(cls)["__call__"])

    def __init__(self, activity_regularizer=None, **kwargs):
        check_keywords(_describe(type(self), kwargs), kwargs, _accepted_keywords(type(self)))
        check_boolean(
            _describe(type(self), kwargs), "trainable", kwargs.get("trainable", True), True
        )
        name = kwargs.get("name")
        if name is None:
            name = naming.unique_name(naming.to_snake_case(type(self).__name__))
        elif not isinstance(name, str) or not name:
            raise TypeError(f"A layer's name must be a non-empty string, received {name!r}.")
        self.name = name
        self._trainable = bool(kwargs.get("trainable", True))
        self.dtype = str(
            np.dtype(kwargs.get("dtype") or kwargs.get("input_dtype") or config.floatx())
        )
        if "batch_input_shape" in kwargs:
            self._batch_input_shape = tuple(kwargs["batch_input_shape"])
        elif "input_shape" in kwargs or "input_dim" in kwargs:
            # Keras 2's ways to give a first layer its input: `input_shape=(3,)`, `input_dim=3`.
            input_shape = kwargs.get("input_shape", kwargs.get("input_dim"))
            if isinstance(input_shape, int):
                input_shape = (input_shape,)
            self._batch_input_shape = (kwargs.get("batch_size"),) + tuple(input_shape)
        self._initial_weights = kwargs.get("weights")
        self._build_input_shape = None
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._losses = []
        self.built = False
        self.input_spec = None
        # As in Keras 3, a layer that writes its own `compute_mask` supports masking.
        self._supports_masking = type(self).compute_mask is not Layer.compute_mask
        self._variables = []
        self._inbound_nodes = []
        self._outbound_nodes = []
        self._node_listeners = []

    # ------------------------------------------------------------ to override

    def build(self, input_shape):
        """Create the weights, now that the input shape is known."""
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """The computation. The base layer passes its input through."""
        return inputs

    def compute_output_shape(self, input_shape):
        """The output shape for `input_shape` (batch axis included).

        The default runs `call` on small zero arrays and reads the result,
        which serves custom layers that do not override this.
        """
        return self._trace_output_shape(input_shape)

    def compute_mask(self, inputs, mask=None):
        """The output mask. Layers that support masking pass it through."""
        if not self.supports_masking:
            return None
        return mask

    @property
    def supports_masking(self):
        """Whether the outputs get a mask from `compute_mask` (see `engine.keras_mask`).

        False by default: a layer that is not told that masking is safe drops
        the mask it receives (with a warning), since it may change the time
        axis. Set it True in `__init__` for a layer that keeps the timesteps
        as they are; a layer that writes its own `compute_mask` supports masking.
        """
        return self._supports_masking

    @supports_masking.setter
    def supports_masking(self, value):
        self._supports_masking = value

    def get_config(self):
        """The constructor arguments that rebuild this layer (without weights)."""
        layer_config = {"name": self.name, "trainable": self.trainable}
        if hasattr(self, "_batch_input_shape"):
            layer_config["batch_input_shape"] = self._batch_input_shape
        layer_config["dtype"] = self.dtype
        if self.activity_regularizer is not None:
            layer_config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return layer_config

    @classmethod
    def from_config(cls, layer_config, custom_objects=None):
        """The layer `get_config` described. `custom_objects` (class name -> class)
        serves layers that rebuild layers they wrap (TimeDistributed, Bidirectional)."""
        return cls(**layer_config)

    # ------------------------------------------------------------ weights

    def add_weight(
        self,
        *args,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        regularizer=None,
        constraint=None,
        name=None,
    ):
        """Create a weight, keep track of it and return it.

        Args:
            shape: a tuple of ints; `()` (a scalar) by default. Keras 3 also
                takes `shape`, `initializer` and `dtype` positionally, in that order.
            initializer: a name ('glorot_uniform', 'zeros', ...) or an
                initializer; glorot_uniform for float weights by default,
                zeros for integer ones.
            dtype: defaults to the layer's dtype.
            trainable: False for weights that fit must never change: `call`
                updates them itself with `weight.assign(...)` (a running sum,
                BatchNormalization's moving mean).
            regularizer: a penalty on this weight (e.g. `L2(0.01)` or 'l2'),
                listed in `losses` and added to the loss by fit.
            constraint: a rule (e.g. `MaxNorm(2)` or 'non_neg') that the
                optimizer enforces after every update.
            name: e.g. 'kernel'; Keras's names keep `get_weights()` readable.

        Raises:
            ValueError / TypeError: naming the layer, for a shape that is not
                a tuple of non-negative ints or an unknown initializer.
        """
        shape, initializer, dtype = self._weight_arguments(args, shape, initializer, dtype)
        dtype = str(np.dtype(dtype or self.dtype))
        if initializer is None:
            initializer = "glorot_uniform" if np.dtype(dtype).kind == "f" else "zeros"
        name = name or self._unnamed_weight_name()
        try:
            initializer = initializers.get(initializer)
        except UnknownNameError as error:
            raise error.located(f"add_weight '{name}' on layer '{self.name}'") from None
        except (ValueError, TypeError) as error:
            raise type(error)(f"add_weight '{name}' on layer '{self.name}': {error}") from None
        if trainable and np.dtype(dtype).kind != "f":
            raise TypeError(
                f"Layer '{self.name}' cannot create the trainable weight '{name}' with dtype "
                f"{dtype}: training moves weights by small fractions of their gradient, which "
                "integers cannot hold. (Keras 3 builds it by casting glorot_uniform values to "
                "integers, mostly 0 and +-1, and fit never changes it.) Leave `dtype` out, or "
                "give a float dtype ('float32'), and cast the output if you need integers."
            )
        value = initializer(shape, dtype=dtype)
        variable = Variable(value, name=f"{self.name}/{name}", trainable=trainable)
        # Freezing the layer turns `trainable` off; the order of `weights` keeps to creation.
        variable.created_trainable = bool(trainable)
        # As in Keras, the variable carries its penalty and its rule, so
        # `losses` and the optimizer find them without asking the layer.
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        self._variables.append(variable)
        for record in _NEW_WEIGHT_RECORDS:
            record.append((variable, variable.data.copy()))
        return variable

    def add_variable(
        self,
        shape,
        initializer,
        dtype=None,
        trainable=True,
        regularizer=None,
        constraint=None,
        name=None,
    ):
        """Keras 3's other spelling of `add_weight`: shape and initializer come first."""
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=trainable,
            regularizer=regularizer,
            constraint=constraint,
            name=name,
        )

    def _unnamed_weight_name(self):
        """Keras 3's names for weights created without one: 'variable', 'variable_1', ..."""
        taken = {v.name.split("/")[-1] for v in self._variables}
        name, count = "variable", 0
        while name in taken:
            count += 1
            name = f"variable_{count}"
        return name

    def _weight_arguments(self, args, shape, initializer, dtype):
        """`add_weight`'s shape, initializer and dtype, given by keyword or by position."""
        if len(args) > 3:
            raise TypeError(
                f"add_weight() takes at most 3 positional arguments but {len(args)} were given."
            )
        if args and isinstance(args[0], str):
            raise ValueError(
                "`name` must be passed as a keyword argument. "
                f"Received: add_weight('{args[0]}', ...). Use: add_weight(shape=..., "
                f"name='{args[0]}'). (Keras 2 took the name first; Keras 3 takes the shape first.)"
            )
        given = dict(zip(("shape", "initializer", "dtype"), args))
        keywords = {"shape": shape, "initializer": initializer, "dtype": dtype}
        for key, value in given.items():
            if keywords[key] is not None:
                raise ValueError(f"`{key}` was passed both positionally and as a keyword argument.")
            keywords[key] = value
        shape = () if keywords["shape"] is None else keywords["shape"]
        if isinstance(shape, (int, np.integer)):
            shape = (shape,)
        sizes = tuple(shape) if isinstance(shape, (tuple, list)) else None
        if sizes is None or not all(
            isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in sizes
        ):
            raise ValueError(
                f"add_weight on layer '{self.name}' needs a shape made of non-negative ints, "
                f"received shape={shape!r}. A weight's shape must be fully known when it is "
                "created: create it in `build(self, input_shape)`, where `input_shape[-1]` "
                "is the size of the input's last axis."
            )
        return tuple(int(d) for d in sizes), keywords["initializer"], keywords["dtype"]

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        """Freezing a layer freezes its trainable weights and the layers it holds, as in Keras 3.

        Weights created with `trainable=False` (a running mean) stay so when
        the layer is unfrozen.
        """
        check_boolean(f"{type(self).__name__} layer '{self.name}'", "trainable", value, True)
        self._trainable = bool(value)
        for variable in self._variables:
            if _created_trainable(variable):
                variable.trainable = self._trainable
        for layer in self._sublayers():
            layer.trainable = value

    def _sublayers(self):
        """The layers this one holds, in the order they were first assigned.

        As Keras 3 tracks them: attributes (`self.dense = Dense(4)`), and the
        layers inside lists, tuples and dicts kept as attributes
        (`self.blocks = [Dense(4), Dense(5)]`, dict values in insertion
        order). Their weights count as this layer's, after its own. Names
        starting with `_` are kerastutor's bookkeeping and are not searched.
        """
        found = []
        for name, value in vars(self).items():
            # (Only a layer or a container can hold one: numbers, strings and
            # initializers are passed over without a call.)
            if not name.startswith("_") and isinstance(value, (Layer, list, tuple, dict)):
                _collect_layers(value, found, self)
        return found

    @property
    def weights(self):
        """Every weight: the layer's own, then those of the layers it holds, as in Keras 3.

        The layer's own weights come trainable ones first, each group in
        creation order; a weight is listed once even if two layers share it.
        """
        own = [v for v in self._variables if _created_trainable(v)]
        own += [v for v in self._variables if not _created_trainable(v)]
        found, seen = [], set()
        for variable in own + [w for layer in self._sublayers() for w in layer.weights]:
            if id(variable) not in seen:
                seen.add(id(variable))
                found.append(variable)
        return found

    @property
    def trainable_weights(self):
        """The weights fit changes: none if the layer is frozen (`trainable = False`)."""
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    # Keras 3's other names for the same lists (its `variables` also hold
    # random-seed and metric state, which kerastutor layers do not keep as variables).
    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    # ------------------------------------------------------------ penalties

    @property
    def losses(self):
        """The scalar penalties fit adds to the loss.

        The activity penalties of the last call (this layer's and its
        sublayers'), then one penalty per trainable weight that has a
        regularizer, computed from the weight's current value. A frozen
        layer's weights add no penalty.
        """
        found = []
        for layer in [self, *self._nested_layers()]:
            found.extend(layer._losses)
        for variable in self.trainable_weights:
            regularizer = getattr(variable, "regularizer", None)
            if regularizer is not None:
                found.append(regularizer(variable))
        return found

    def add_loss(self, loss):
        """Add a scalar penalty from inside `call` (listed in `losses` until the next call).

        Each new outermost call empties the list first, so `losses` always
        holds the penalties of the last forward pass, which fit adds to the loss.

        Example (a custom layer):
            >>> def call(self, x):  # doctest: +SKIP
            ...     self.add_loss(ops.mean(ops.square(x)))
            ...     return x

        Raises:
            ValueError: for a value that is no tensor (a Python number).
            NotImplementedError: for a symbolic tensor (`model.add_loss(ops.sum(x))`
                on a functional model's tensors), which Keras 3 no longer supports.
        """
        for value in flatten(loss):
            if isinstance(value, KerasTensor):
                raise NotImplementedError(
                    f"Layer '{self.name}': `add_loss()` received the symbolic tensor "
                    f"{value!r}. Keras 3 does not support adding a loss on a functional "
                    "model's symbolic tensors (Keras 2 did). Call `self.add_loss(...)` "
                    "inside the `call` of a custom layer instead: it then runs on the real "
                    "numbers of every batch."
                )
            if not isinstance(value, (Tensor, np.ndarray, np.generic)):
                raise ValueError(
                    "`add_loss()` can only be called from inside `build()` or `call()`, on a "
                    f"tensor input. Received invalid value: {value}"
                )
            self._losses.append(value)

    def _nested_layers(self):
        """Every layer inside this one, at any depth, each once (a shared layer too)."""
        nested = []
        for layer in self._sublayers():
            for inner in [layer, *layer._nested_layers()]:
                if all(inner is not known for known in nested):
                    nested.append(inner)
        return nested

    def _clear_losses(self):
        for layer in [self, *self._nested_layers()]:
            layer._losses = []

    def _add_activity_losses(self, outputs):
        """`activity_regularizer(output) / batch_size` for each output of this call."""
        if self.activity_regularizer is None:
            return
        for output in flatten(outputs):
            penalty = self.activity_regularizer(output)
            batch_size = np.shape(data_of(output))[0] if np.ndim(data_of(output)) else 1
            if batch_size:
                size = np.asarray(batch_size, dtype=data_of(penalty).dtype)
                penalty = ops.divide(penalty, size)
            self._losses.append(penalty)

    def get_weights(self):
        """Copies of the weights as NumPy arrays, in Keras's order."""
        return [v.data.copy() for v in self.weights]

    def set_weights(self, weights):
        """Replace the weights. Every shape is checked before anything changes.

        Raises:
            ValueError: for the wrong number of arrays or a wrong shape.
        """
        own = self.weights
        weights = list(weights)
        if len(weights) != len(own):
            expected = ", ".join(f"{v.name.split('/')[-1]} {v.shape}" for v in own) or "none"
            unbuilt = "" if self.built else " It is not built yet: call it on data first."
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a list of "
                f"{len(weights)} arrays, but the layer has {len(own)} weights ({expected})."
                + unbuilt
            )
        arrays = []
        for variable, value in zip(own, weights):
            try:
                value = np.asarray(value, dtype=variable.dtype)
            except (ValueError, TypeError):
                raise TypeError(
                    f"Layer '{self.name}': the array given for weight "
                    f"'{variable.name.split('/')[-1]}' cannot be turned into "
                    f"{variable.dtype} numbers (it holds {np.asarray(value).dtype} values). "
                    "No weight was changed."
                ) from None
            if value.shape != variable.shape:
                raise ValueError(
                    f"Layer '{self.name}': weight '{variable.name.split('/')[-1]}' has shape "
                    f"{variable.shape}, but the array given for it has shape {value.shape}."
                )
            arrays.append(value)
        for variable, value in zip(own, arrays):
            variable.assign(value)

    def count_params(self):
        """How many numbers the weights hold, trainable or not."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer "
                "isn't built yet: its weight shapes depend on the input shape. Call it on an "
                f"input first, or build it manually via `{self.name}.build(batch_input_shape)`."
            )
        return int(sum(v.data.size for v in self.weights))

    # ------------------------------------------------------------ calling

    @filter_traceback
    def __call__(self, *args, **kwargs):
        if not args:  # `layer(x1=a, x2=b)`: the first argument of `call` is the inputs
            args = (self._inputs_by_keyword(kwargs),)
        inputs, args = args[0], args[1:]
        leaves = flatten([inputs, list(args), kwargs])
        symbolic = any(isinstance(x, KerasTensor) for x in leaves)
        node_index = len(self._inbound_nodes) if symbolic else None
        try:
            if symbolic:
                return self._call_symbolic(inputs, args, kwargs)
            return self._call_eager(inputs, args, kwargs)
        except (ValueError, TypeError) as error:
            refused = error
        # Raised outside the `except`, so the message is not printed twice in a chain.
        leaves = flatten(inputs)
        shapes = [tuple(np.shape(x)) if not isinstance(x, KerasTensor) else x.shape for x in leaves]
        tensors = [x for x in leaves if isinstance(x, KerasTensor)] if symbolic else []
        raise LayerCallError.from_error(refused, self, node_index, shapes, tensors)

    def _inputs_by_keyword(self, kwargs):
        """Take the inputs out of `kwargs`, for a call that names them (`layer(x1=a, x2=b)`)."""
        first = list(inspect.signature(type(self).call).parameters)[1]
        if first not in kwargs:
            raise TypeError(
                f"Layer '{self.name}' was called without inputs: pass them first, "
                f"`{self.name}(x)`, or by the name `call` gives them, `{first}=x`."
            )
        return kwargs.pop(first)

    def _call_symbolic(self, inputs, args, kwargs):
        node_index = len(self._inbound_nodes)
        _check_required_arguments(self, args, kwargs, node_index)
        input_tensors = flatten(inputs)
        for x in input_tensors:
            if not isinstance(x, KerasTensor):
                raise TypeError(
                    f"Layer '{self.name}' was called on a mix of symbolic tensors and "
                    f"concrete data ({type(x).__name__}). Call it on symbolic tensors to "
                    "build a model, or on arrays to compute numbers, not both."
                )
        input_shape = map_structure(lambda t: t.shape, inputs)
        arg_shapes = map_structure(_shape_if_symbolic, args)
        kwarg_shapes = _tensor_keyword_shapes(kwargs, KerasTensor)
        input_masks = [t._keras_mask for t in input_tensors]
        call_kwargs, mask = self._with_mask_argument(inputs, input_masks, args, kwargs)
        # Check before building, so a refused call leaves no weights of the wrong shape.
        self._node_in_progress = node_index
        try:
            self._check_input_compatibility(input_tensors, node_index)
            self._build_for_call(input_shape, arg_shapes, kwarg_shapes)
            if self._traces_output_shape():
                # `call` runs on zeros, with the mask it would get (all steps kept).
                if not (args or kwarg_shapes):
                    call_kwargs = {k: v for k, v in call_kwargs.items() if k == "mask"}
                output_shape = self._trace_output_shape(input_shape, args, call_kwargs)
            else:
                output_shape = self.compute_output_shape(input_shape)
            outputs = self._symbolic_outputs(output_shape)
        finally:
            self._node_in_progress = None
        output_list = flatten(outputs)
        output_mask_list = mask_per_output(self._masks_for_outputs(inputs, mask), len(output_list))
        for tensor, tensor_mask in zip(output_list, output_mask_list):
            tensor._keras_mask = tensor_mask
        node_kwargs = self._recorded_kwargs(inputs, args, kwargs, call_kwargs)
        node = Node(
            self, inputs, node_kwargs, outputs, input_masks, output_mask_list, extra_args=args
        )
        for listener in list(self._node_listeners):
            listener(self, node)
        return outputs

    def _symbolic_outputs(self, output_shape):
        """New symbolic tensors for `output_shape`: one shape, or a list/tuple/dict of shapes."""
        return map_shapes(
            lambda shape: KerasTensor(shape, dtype=self._output_dtype()), output_shape
        )

    def _call_eager(self, inputs, args, kwargs):
        input_masks = [get_keras_mask(x) for x in flatten(inputs)]
        inputs = map_structure(self._to_array, inputs)
        args = map_structure(self._positional_array, args)
        input_list = flatten(inputs)
        self._check_input_compatibility(input_list, node_index=None)
        kwargs, mask = self._with_mask_argument(inputs, input_masks, args, kwargs)
        training = self._resolve_training(kwargs)
        with eager_call(self, training):
            self._build_for_call(
                map_structure(lambda x: tuple(x.shape), inputs),
                map_structure(_shape_if_array, args),
                _tensor_keyword_shapes(kwargs, (np.ndarray, Tensor)),
            )
            if self._build_shape_is_provisional:  # built on zeros: this is the first real call
                self._build_input_shape = map_structure(lambda x: tuple(x.shape), inputs)
                self._build_shape_is_provisional = False
            outputs = self._call_with_options(inputs, *args, **kwargs)
            self._add_activity_losses(outputs)
        output_masks = self._masks_for_outputs(inputs, mask)
        if output_masks is None:
            return outputs
        output_list = flatten(outputs)
        masks = mask_per_output(output_masks, len(output_list))
        # An output that already has a mask (made inside `call`) keeps it, as in Keras.
        masks = [None if get_keras_mask(x) is not None else m for x, m in zip(output_list, masks)]
        return with_masks(outputs, masks)

    def _with_mask_argument(self, inputs, input_masks, args, kwargs):
        """`kwargs` with `mask=` filled in as Keras 3 does, and the mask the outputs start from.

        A `call` that takes `mask` gets the inputs' mask when nothing else
        is passed as a tensor (with an LSTM's `initial_state`, it gets none).
        Either way the outputs' mask is worked out from the mask given, or
        else from the inputs' mask.
        """
        kwargs = dict(kwargs)
        inputs_mask = self._mask_argument(inputs, input_masks)
        if kwargs.get("mask") is not None:
            return kwargs, kwargs["mask"]
        if inputs_mask is None:
            return kwargs, None
        accepted = _call_arguments(type(self))  # `training=` is passed to every layer
        passed = [list(args), {k: v for k, v in kwargs.items() if k in accepted}]
        others = [x for x in flatten(passed) if _is_tensor(x)]
        if not others and _call_takes_mask(type(self)):
            kwargs["mask"] = inputs_mask
        return kwargs, inputs_mask

    def _recorded_kwargs(self, inputs, args, kwargs, call_kwargs):
        """The keyword arguments the node records: `kwargs`, or with the mask filled in.

        Keras 3 writes the mask it fills in into the call's own arguments when
        it had nothing to convert (one input of the layer's dtype, nothing
        else passed). The mask's op (Embedding's `not_equal`) then is a node of
        the model, listed in `summary()`, and the model passes its value by
        keyword, as for an LSTM's `initial_state`.
        """
        filled = "mask" in call_kwargs and "mask" not in kwargs
        single = isinstance(inputs, KerasTensor) and inputs.dtype == self.dtype
        # Only a mask made by ops of the graph (not a bare symbolic shape) can be passed so.
        from_graph = isinstance(call_kwargs.get("mask"), KerasTensor) and (
            call_kwargs["mask"]._keras_history is not None
        )
        if filled and single and from_graph and not args and not kwargs:
            return {"mask": call_kwargs["mask"]}
        return kwargs

    def _masks_for_outputs(self, inputs, mask):
        """`compute_mask`'s answer, for a layer that supports masking; a mask it drops is told."""
        if mask is None and type(self).compute_mask is Layer.compute_mask:
            return None  # nothing to pass on (the common case, kept quick)
        if self.supports_masking:
            return self.compute_mask(inputs, mask)
        if any(m is not None for m in flatten(mask)):
            warnings.warn(
                f"Layer '{self.name}' (of type {type(self).__name__}) was passed an input with "
                "a mask attached to it. However, this layer does not support masking and will "
                "therefore destroy the mask information. Downstream layers will not see the "
                "mask.",
                stacklevel=4,
            )
        return None

    def _resolve_training(self, kwargs):
        """Keras 3's rule for `training`, written into `kwargs` when `call` takes it.

        In order: the value this call was given, the value of the call this
        one runs inside (so a Dropout inside a custom layer sees fit's
        `training=True` even when the layer's `call` does not pass it on),
        the default in this layer's `call` signature.
        """
        if "training" in kwargs:
            training = kwargs["training"]
        else:
            training = current_training()
        if training is None:
            training = _training_default(type(self))
        if training is not None:
            kwargs["training"] = training
        return training

    def _call_with_options(self, inputs, *args, **kwargs):
        """Call `call`, dropping `mask` / `training` if this layer's call has no such argument."""
        accepted = _call_arguments(type(self))
        if "training" in _positional_after_inputs(type(self))[: len(args)]:
            raise TypeError(
                f"{type(self).__name__}.call() got multiple values for argument 'training': "
                f"layer '{self.name}' was given a value by position where its `call` takes "
                "`training`. Keras fills `training` in by keyword itself (True in fit, False "
                "in predict), so pass it as `training=True`; a layer's inputs go first, in one "
                "argument (a list for several)."
            )
        for option in ("mask", "training"):
            if option in kwargs and option not in accepted:
                kwargs.pop(option)
        return self.call(inputs, *args, **kwargs)

    def _positional_array(self, x):
        """A positional argument after the inputs: arrays become the layer's dtype, as inputs do."""
        if isinstance(x, (np.ndarray, Tensor)):
            return self._to_array(x)
        return x

    def _build_for_call(self, input_shape, arg_shapes, kwarg_shapes=None):
        """Build before a call; `build(self, a_shape, b_shape)` gets each argument's shape."""
        build_arguments = _shape_arguments(type(self), "build")
        if self.built or not (build_arguments and (arg_shapes or kwarg_shapes)):
            self._maybe_build(input_shape)
            return
        shapes = self._shapes_by_name(build_arguments, input_shape, arg_shapes, kwarg_shapes)
        self._input_spec_before_build = self.input_spec
        self.build(**shapes)
        self._finish_build(input_shape)

    def _maybe_build(self, input_shape):
        if self.built:
            return
        self._input_spec_before_build = self.input_spec
        self.build(input_shape)
        self._finish_build(input_shape)

    def _finish_build(self, input_shape):
        """Mark the layer built and put in the `weights=` it was given."""
        self.built = True
        self._build_input_shape = input_shape  # what summary() shows for an eager-built layer
        if self._initial_weights is not None:
            try:
                self.set_weights(self._initial_weights)
            except ValueError as error:
                raise ValueError(
                    f"The `weights=` given to layer '{self.name}' do not fit the weights it "
                    f"built for input shape {input_shape}: {error}"
                ) from None
            # Kept: if the call that built the layer fails, the layer is unbuilt
            # (see `eager_call`) and the next build puts them in again.

    def _shapes_by_name(self, wanted, input_shape, arg_shapes, kwarg_shapes=None):
        """`{'a_shape': ..., 'b_shape': ...}` for `build(self, a_shape, b_shape)` and `call(self, a, b)`.

        Keras 3 matches a `build` with several arguments to `call`'s
        arguments by name, with the `_shape` suffix (tensors passed by
        position or by keyword).
        """
        method = "build"
        names = list(inspect.signature(type(self).call).parameters)[1:]
        shapes = dict(zip([f"{n}_shape" for n in names], [input_shape, *arg_shapes]))
        shapes.update({f"{key}_shape": shape for key, shape in (kwarg_shapes or {}).items()})
        for name in wanted:
            if name not in shapes:
                raise ValueError(
                    f"For a `{method}()` method with more than one argument, all arguments "
                    "should have a `_shape` suffix and match an argument from `call()`. E.g. "
                    f"`{method}(self, foo_shape, bar_shape)`. For layer "
                    f"'{type(self).__name__}', received `{method}()` argument `{name}`, which "
                    f"matches none of `call()`'s arguments {names}."
                )
        return {name: shapes[name] for name in wanted}

    def _traces_output_shape(self):
        """Whether `compute_output_shape` is the base one, which runs `call` on zeros."""
        return type(self).compute_output_shape is Layer.compute_output_shape

    def _unbuild(self):
        """Undo a build that a failed call started: no weights, not built, the input_spec as before."""
        self.built = False
        self._variables = []
        self._losses = []
        if hasattr(self, "_input_spec_before_build"):
            self.input_spec = self._input_spec_before_build

    def _check_input_compatibility(self, inputs, node_index):
        if self.input_spec is None:
            return
        specs = self.input_spec if isinstance(self.input_spec, list) else [self.input_spec]
        shapes = [tuple(x.shape) for x in inputs[: len(specs)]]
        if len(inputs) > len(specs):
            received = ", ".join(str(tuple(x.shape)) for x in inputs)
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expects {len(specs)} input(s), "
                f"but it received {len(inputs)} input tensors {self._call_site()}, "
                f"of shapes {received}. To apply it to each tensor, call it once per tensor; "
                "to use them together, join them first (e.g. with Concatenate)."
            )
        check_input_spec(self, specs, shapes, node_index)

    def _call_site(self):
        """How an error names the call under way: 'as its node 1', or 'on concrete data'."""
        if self._node_in_progress is None:
            return "on concrete data"
        return f"as its node {self._node_in_progress}"

    def _axis_explanation(self, axis, size):
        """One sentence on why an axis size is fixed (used in shape errors)."""
        if not self._variables:
            return f"The layer was built for size {size} on that axis at its first call."
        shapes = ", ".join(f"{v.name.split('/')[-1]} {v.shape}" for v in self._variables)
        return (
            f"Its weights were created for size {size} there when it was first built "
            f"({shapes}); every call of the same layer reuses those same weights, so every "
            f"input must bring size {size} on that axis."
        )

    def _rank_explanation(self, ndim):
        return ""

    def _mask_argument(self, inputs, input_masks):
        if all(m is None for m in input_masks):
            return None
        return input_masks[0] if not isinstance(inputs, (list, tuple)) else input_masks

    def _output_dtype(self):
        return self.dtype

    def _to_array(self, x):
        if isinstance(x, Tensor):
            return x
        array = np.asarray(x)
        if array.dtype == object:
            raise TypeError(
                f"Layer '{self.name}' expects numeric arrays, received an object array "
                "(ragged lists or None values?). Pad sequences to the same length first."
            )
        if array.dtype.kind in "SU":
            example = array.flat[0].item() if array.size else ""
            raise TypeError(
                f"Layer '{self.name}' ({type(self).__name__}) computes on numbers, but it "
                f"received an array of strings (dtype {array.dtype}, e.g. {example!r}). Turn "
                "text into numbers first: integer indices from a vocabulary for an Embedding, "
                "or `x.astype('float32')` for numbers written as text."
            )
        if self._cast_inputs and array.dtype.kind in "biuf" and array.dtype != self.dtype:
            array = array.astype(self.dtype)
        return array

    def _trace_output_shape(self, input_shape, args=(), kwargs=None):
        """Run `call` on zeros twice, with unknown sizes set to 2 and then 3.

        An output axis whose size follows the filler is unknown (None) too.
        Symbolic tensors among `args` and `kwargs` (passed besides the
        inputs, as in `layer(a, b)` or `layer(a, b=b)`) become zeros too.
        """

        def zeros(shape, fill):
            return np.zeros(tuple(fill if d is None else d for d in shape), dtype=self.dtype)

        def traced_shapes(fill):
            if _is_single_shape(input_shape):
                dummy = zeros(input_shape, fill)
            else:
                dummy = [zeros(shape, fill) for shape in input_shape]

            def as_zeros(a):
                return zeros(a.shape, fill) if isinstance(a, KerasTensor) else a

            def as_kept(m):
                return (
                    np.ones(zeros(m.shape, fill).shape, bool) if isinstance(m, KerasTensor) else m
                )

            extra = map_structure(as_zeros, args)
            keywords = {
                key: map_structure(as_kept if key == "mask" else as_zeros, value)
                for key, value in dict(kwargs or {}).items()
            }
            outputs = self._call_with_options(dummy, *extra, **keywords)
            shapes = [tuple(np.shape(data_of(o))) for o in flatten(outputs)]
            return shapes, isinstance(outputs, (list, tuple))

        first, several = traced_shapes(2)
        second, _ = traced_shapes(3)
        self._clear_losses()  # penalties of the zeros are no penalties of this model
        shapes = [
            tuple(a if a == b else None for a, b in zip(s1, s2)) for s1, s2 in zip(first, second)
        ]
        return shapes if several else shapes[0]

    # ------------------------------------------------------------ nodes

    def add_node_listener(self, callback):
        """Call `callback(layer, node)` every time this layer gets a new node.

        Widgets use this to update live when a learner calls the layer again.
        """
        self._node_listeners.append(callback)

    def remove_node_listener(self, callback):
        if callback in self._node_listeners:
            self._node_listeners.remove(callback)

    @property
    def inbound_nodes(self):
        """The nodes of this layer, one per call, in call order."""
        return list(self._inbound_nodes)

    @property
    def outbound_nodes(self):
        """The nodes of the calls that consumed this layer's outputs, in call order.

        Across every graph the layer is in; `model.nodes` lists one model's.
        """
        return list(self._outbound_nodes)

    def _node_at(self, node_index, what):
        if not self._inbound_nodes:
            raise RuntimeError(
                f"The layer '{self.name}' has never been called and thus has no defined {what}."
            )
        if not isinstance(node_index, (int, np.integer)) or isinstance(node_index, bool):
            raise TypeError(
                f"`node_index` must be an integer (0 for the first call of the layer, 1 for "
                f"the second, ...), received {node_index!r} of type {type(node_index).__name__}."
            )
        # Negative indices count from the last call, as in Keras.
        if not -len(self._inbound_nodes) <= node_index < len(self._inbound_nodes):
            raise ValueError(
                f"Asked to get {what} at node {node_index}, but the layer has only "
                f"{len(self._inbound_nodes)} inbound nodes."
            )
        return self._inbound_nodes[node_index]

    @staticmethod
    def _one_or_list(values):
        return values[0] if len(values) == 1 else list(values)

    def get_input_at(self, node_index):
        """The input tensor(s) of the call that made node `node_index`."""
        return self._one_or_list(self._node_at(node_index, "input").input_tensors)

    def get_output_at(self, node_index):
        """The output tensor(s) of node `node_index`."""
        return self._one_or_list(self._node_at(node_index, "output").output_tensors)

    def get_input_shape_at(self, node_index):
        return self._one_or_list(self._node_at(node_index, "input shape").input_shapes)

    def get_output_shape_at(self, node_index):
        return self._one_or_list(self._node_at(node_index, "output shape").output_shapes)

    def get_input_mask_at(self, node_index):
        return self._one_or_list(self._node_at(node_index, "input mask").input_masks)

    def get_output_mask_at(self, node_index):
        return self._one_or_list(self._node_at(node_index, "output mask").output_masks)

    def _only_node_value(self, getter, attribute, never_called):
        if not self._inbound_nodes:
            raise AttributeError(never_called)
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f"Layer {self.name} has multiple inbound nodes, hence the notion of "
                f'"layer {attribute}" is ill-defined. Use `{getter}(node_index)` instead.'
                + _KERAS3_NOTE.format(what=attribute)
            )
        return getattr(self, getter)(0)

    def _agreed_shape(self, getter, attribute):
        if not self._inbound_nodes:
            raise AttributeError(
                f"The layer {self.name} has never been called and thus has no defined {attribute}."
            )
        shapes = [getattr(self, getter)(i) for i in range(len(self._inbound_nodes))]
        if any(shape != shapes[0] for shape in shapes):
            raise AttributeError(
                f'The layer "{self.name}" has multiple inbound nodes, with different '
                f'{attribute}s. Hence the notion of "{attribute}" is ill-defined for the '
                f"layer. Use `{getter}(node_index)` instead."
                " (Keras 3 layers have no such property: `layer.input.shape` there silently "
                "describes node 0.)"
            )
        return shapes[0]

    @property
    def input(self):
        return self._only_node_value(
            "get_input_at", "input", f"Layer {self.name} is not connected, no input to return."
        )

    @property
    def output(self):
        return self._only_node_value(
            "get_output_at", "output", f"Layer {self.name} has no inbound nodes."
        )

    @property
    def input_mask(self):
        return self._only_node_value(
            "get_input_mask_at", "input mask", f"Layer {self.name} is not connected."
        )

    @property
    def output_mask(self):
        return self._only_node_value(
            "get_output_mask_at", "output mask", f"Layer {self.name} is not connected."
        )

    @property
    def input_shape(self):
        return self._agreed_shape("get_input_shape_at", "input shape")

    @property
    def output_shape(self):
        return self._agreed_shape("get_output_shape_at", "output shape")

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _describe(layer_class, kwargs):
    """How a constructor's errors name the layer: "Dense layer 'dense_3'" or "Dense layer"."""
    name = kwargs.get("name")
    return f"{layer_class.__name__} layer" + (f" '{name}'" if isinstance(name, str) else "")


@functools.cache
def _accepted_keywords(layer_class):
    """Every keyword a layer class's constructors take, along its bases, and the base ones.

    A constructor that takes some arguments out of its `**kwargs` (an RNN's
    `recurrent_regularizer`) lists them in `_keywords_in_kwargs`, so that
    their misspellings get a "did you mean" too.
    """
    names = set(ALLOWED_KWARGS + FIRST_LAYER_KWARGS)
    names.update(getattr(layer_class, "_keywords_in_kwargs", ()))
    for cls in layer_class.__mro__:
        if "__init__" in vars(cls) and issubclass(cls, Layer):
            for name, parameter in inspect.signature(vars(cls)["__init__"]).parameters.items():
                if parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
                    names.add(name)
    names.discard("self")
    return frozenset(names)


def _constructor(init):
    """A layer class's `__init__`, checking flags and naming the argument of an unknown name.

    Before `init` runs: each argument whose default is True or False must be
    a bool. If `init` raises for an unknown name ('Relu' as an activation),
    the message starts with the argument that held it: "Dense(activation='Relu'): ...".
    """
    signature = inspect.signature(init)
    takes_any_keyword = any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values())

    @functools.wraps(init)
    @filter_traceback
    def construct(self, *args, **kwargs):
        who = _describe(type(self), kwargs)
        if not takes_any_keyword:
            check_keywords(who, kwargs, _accepted_keywords(type(self)))
        try:
            arguments = signature.bind_partial(self, *args, **kwargs).arguments
        except TypeError:  # too many positional arguments: Python's own message says it
            return init(self, *args, **kwargs)
        check_booleans(who, signature, arguments)
        try:
            return init(self, *args, **kwargs)
        except UnknownNameError as error:
            if error.where is not None:
                raise
            holders = [
                k for k, v in arguments.items() if isinstance(v, str) and v == error.identifier
            ]
            if not holders:
                raise
            located = error.located(f"{type(self).__name__}({holders[0]}={error.identifier!r})")
            unknown = located  # raised outside the `except`: one message, not a chain
        raise unknown

    return construct


@contextlib.contextmanager
def eager_call(layer, training=None):
    """Mark an eager call of `layer` that resolved `training` (see `current_training`).

    The outermost call empties the penalty lists first (the losses of the
    last call are the ones `losses` lists). If it fails, the layers it built
    are unbuilt again, so that a failed first call leaves nothing behind.
    """
    outermost = not _CALL_STACK
    if outermost:
        layer._clear_losses()
        unbuilt = [each for each in [layer, *layer._nested_layers()] if not each.built]
    _CALL_STACK.append(training)
    try:
        yield
    except BaseException:
        if outermost:
            for each in unbuilt:
                each._unbuild()
        raise
    finally:
        _CALL_STACK.pop()


@contextlib.contextmanager
def record_new_weights():
    """Collect `(variable, initial value)` for every weight created inside the block."""
    created = []
    _NEW_WEIGHT_RECORDS.append(created)
    try:
        yield created
    finally:
        _NEW_WEIGHT_RECORDS.remove(created)


def current_training():
    """The `training` value of the innermost eager call under way (None outside calls)."""
    return _CALL_STACK[-1] if _CALL_STACK else None


def _created_trainable(variable):
    return getattr(variable, "created_trainable", variable.trainable)


def _tensor_keyword_shapes(kwargs, kinds):
    """`{name: shape}` of the tensors passed by keyword (not `mask`, which is no input)."""
    return {
        key: tuple(value.shape)
        for key, value in kwargs.items()
        if isinstance(value, kinds) and key != "mask"
    }


def _shape_if_symbolic(x):
    return x.shape if isinstance(x, KerasTensor) else x


def _shape_if_array(x):
    return tuple(np.shape(data_of(x))) if isinstance(x, (np.ndarray, Tensor)) else x


def _collect_layers(value, found, owner):
    """Append to `found` each layer in `value` (a layer, or lists/tuples/dicts of them)."""
    if isinstance(value, Layer):
        if value is not owner and all(value is not layer for layer in found):
            found.append(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect_layers(item, found, owner)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_layers(item, found, owner)


def map_shapes(fn, shapes):
    """`fn` applied to each shape in a nested list/tuple/dict of shapes (a shape is a tuple of sizes)."""
    if _is_single_shape(shapes):
        return fn(shapes)
    if isinstance(shapes, dict):
        return {key: map_shapes(fn, value) for key, value in shapes.items()}
    return type(shapes)(map_shapes(fn, shape) for shape in shapes)


def mask_per_output(output_masks, count):
    """`compute_mask`'s answer as one mask per output (one mask may serve them all)."""
    if isinstance(output_masks, (list, tuple)) and len(output_masks) == count:
        return list(output_masks)
    if isinstance(output_masks, (list, tuple)):
        return [output_masks[0]] * count
    return [output_masks] * count


def get_layer_class(class_name, custom_objects=None):
    """The Layer subclass called `class_name` (custom_objects first).

    Every Layer subclass defined in this session is found by its class name
    (Keras 3 finds a learner's class only when it is registered with
    `register_keras_serializable` or passed in `custom_objects`; the
    registry itself is searched first by `kerastutor.saving`).

    Raises:
        ValueError: for an unknown class, listing the known ones.
    """
    if custom_objects and class_name in custom_objects:
        return custom_objects[class_name]
    if class_name == "Layer":
        return Layer
    if class_name not in _LAYER_CLASSES:
        raise ValueError(
            f"Unknown layer class {class_name!r}: could not locate it. Make sure custom "
            "classes and functions are decorated with `@keras.saving.register_keras_serializable()`. If they are "
            "already decorated, make sure they are all imported so that the decorator is run "
            "before trying to load them. A saved file names a class but cannot carry its code: "
            f"define `class {class_name}` (decorated with "
            "`@kerastutor.saving.register_keras_serializable(package='my_package')`) before "
            f"loading, or pass custom_objects={{{class_name!r}: YourClass}}. kerastutor's own "
            f"classes: {', '.join(sorted(_LAYER_CLASSES))}."
        )
    return _LAYER_CLASSES[class_name]


def _check_required_arguments(layer, args, kwargs, node_index):
    """Refuse a call that leaves out an argument `call` needs besides the inputs."""
    missing = [
        name
        for position, name in enumerate(_required_after_inputs(type(layer)))
        if position >= len(args) and name not in kwargs
    ]
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        raise ValueError(
            f"Layer '{layer.name}' ({type(layer).__name__}) cannot be called as its node "
            f"{node_index}: its `call` needs the positional argument(s) {names} besides the "
            "inputs, and this call does not give them. A model (Sequential, or a layer of a "
            f"functional model) passes only the inputs: give {names} a default, e.g. "
            "`training=None`."
        )


@functools.cache
def _required_after_inputs(layer_class):
    """The parameters of `layer_class.call` after the inputs that have no default."""
    parameters = list(inspect.signature(layer_class.call).parameters.values())[2:]
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return tuple(p.name for p in parameters if p.kind in positional and p.default is p.empty)


@functools.cache
def _training_default(layer_class):
    """The default of `training` in `layer_class.call`, or None."""
    parameter = inspect.signature(layer_class.call).parameters.get("training")
    if parameter is None or parameter.default is parameter.empty:
        return None
    return parameter.default


@functools.cache
def _shape_arguments(layer_class, method):
    """The names of `method`'s arguments when it takes several `*_shape` ones, else ()."""
    parameters = list(inspect.signature(getattr(layer_class, method)).parameters.values())[1:]
    names = [p.name for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return tuple(names) if len(names) > 1 else ()


@functools.cache
def _positional_after_inputs(layer_class):
    """The names of the arguments `layer_class.call` takes by position after the inputs."""
    parameters = list(inspect.signature(layer_class.call).parameters.values())[2:]
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return tuple(p.name for p in parameters if p.kind in positional)


@functools.cache
def _call_takes_mask(layer_class):
    """Whether `layer_class.call` names a `mask` argument (not only `**kwargs`)."""
    return "mask" in inspect.signature(layer_class.call).parameters


def _is_tensor(x):
    return isinstance(x, (np.ndarray, Tensor, KerasTensor))


@functools.cache
def _call_arguments(layer_class):
    """The parameter names of `layer_class.call` (cached per class)."""
    parameters = inspect.signature(layer_class.call).parameters
    if any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
        return frozenset(parameters) | {"mask", "training"}
    return frozenset(parameters)
