"""Reverse-mode automatic differentiation over NumPy arrays.

The whole idea fits on one screen, as in micrograd:

* An op computes its output with NumPy. If any of its inputs is a `Tensor`
  that wants a gradient, the op wraps the output in a new `Tensor` that
  remembers its parents and a small `backward_fn` turning the output's
  gradient into one gradient per parent.
* `Tensor.backward()` sorts the recorded graph topologically and walks it in
  reverse, adding up the gradients that reach each tensor.

When nothing wants a gradient (inference, `predict`) the ops return plain
NumPy arrays and nothing is recorded, so the forward pass costs no more than
the NumPy it runs. The gradient rules themselves live in `kerastutor.ops`.
"""

import contextlib
import functools
import weakref

import numpy as np

__all__ = [
    "Symbolic",
    "symbolic_aware",
    "Tensor",
    "Variable",
    "GradientTape",
    "data_of",
    "record",
    "record_outputs",
    "wants_grad",
    "watch",
    "unbroadcast",
]


class Symbolic:
    """Base of values that have a shape but no numbers yet (the engine's KerasTensor).

    An op in `kerastutor.ops` that meets a `Symbolic` argument does not
    compute; it hands the whole call to `apply_op`, which records a node in
    the graph instead. This keeps the ops free of graph ideas: they only
    need to know that such values exist.
    """

    def apply_op(self, function, args, kwargs):
        raise NotImplementedError


def _symbolic_argument(args, kwargs):
    """The first symbolic value among the arguments (one list level deep), or None."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, Symbolic):
            return value
        if isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, Symbolic):
                    return item
    return None


def symbolic_aware(function):
    """Decorate an op so that, given a symbolic tensor, it records a graph node instead.

    On arrays and tensors the op runs as written; on a `Symbolic` argument
    the whole call goes to that argument's `apply_op`.
    """

    @functools.wraps(function)
    def op(*args, **kwargs):
        symbolic = _symbolic_argument(args, kwargs)
        if symbolic is not None:
            return symbolic.apply_op(op, args, kwargs)
        return function(*args, **kwargs)

    return op


class Tensor:
    """A NumPy array that remembers how it was computed.

    Args:
        data: the value, a NumPy array.
        parents: the op's inputs (tensors or plain arrays), in argument order.
        backward_fn: maps the gradient of this tensor to a tuple with one
            gradient (or None) per parent.
        op: the op's name, shown in the repr to help debugging.
    """

    def __init__(self, data, parents=(), backward_fn=None, op=""):
        self.data = data
        self.grad = None
        self.parents = parents
        self.backward_fn = backward_fn
        self.op = op
        self.requires_grad = True

    @property
    def shape(self):
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    def numpy(self):
        return self.data

    def backward(self, grad=None):
        """Fill `.grad` of every tensor this one depends on.

        Args:
            grad: the gradient of the final quantity with respect to this
                tensor; defaults to ones (this tensor is the loss).
        """
        # Depth-first, each tensor listed after its parents. A loop with an
        # explicit stack, not recursion: an LSTM over 280 timesteps records
        # graphs thousands of ops deep, beyond Python's recursion limit.
        order = []
        seen = set()
        stack = [(self, False)]
        while stack:
            tensor, parents_listed = stack.pop()
            if parents_listed:
                order.append(tensor)
                continue
            if id(tensor) in seen:
                continue
            seen.add(id(tensor))
            stack.append((tensor, True))
            for parent in tensor.parents:
                if isinstance(parent, Tensor) and parent.requires_grad:
                    stack.append((parent, False))
        self.grad = np.ones_like(self.data) if grad is None else grad
        for tensor in reversed(order):
            if tensor.backward_fn is None or tensor.grad is None:
                continue
            parent_grads = tensor.backward_fn(tensor.grad)
            for parent, parent_grad in zip(tensor.parents, parent_grads):
                if parent_grad is None or not isinstance(parent, Tensor):
                    continue
                if not parent.requires_grad:
                    continue
                parent_grad = unbroadcast(parent_grad, parent.data.shape)
                if parent.grad is None:
                    parent.grad = parent_grad
                else:
                    parent.grad = parent.grad + parent_grad

    def __repr__(self):
        return f"Tensor(shape={self.data.shape}, dtype={self.data.dtype}, op={self.op!r})"

    # Arithmetic reads like the equations (`x @ kernel + bias`, `f * c + i * g`):
    # each operator is the `kerastutor.ops` function of the same meaning, so it
    # records its gradient like any op. Setting `__array_ufunc__` to None makes
    # a NumPy array on the left hand the operation over to these methods
    # (`array @ variable` calls `variable.__rmatmul__(array)`).
    __array_ufunc__ = None

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    def __float__(self):  # float(metric.result()) for a result that is a Variable
        return float(self.data)

    @property
    def ndim(self):
        return self.data.ndim

    def __len__(self):
        return len(self.data)

    def __add__(self, other):
        return _ops().add(self, other)

    def __radd__(self, other):
        return _ops().add(other, self)

    def __sub__(self, other):
        return _ops().subtract(self, other)

    def __rsub__(self, other):
        return _ops().subtract(other, self)

    def __mul__(self, other):
        return _ops().multiply(self, other)

    def __rmul__(self, other):
        return _ops().multiply(other, self)

    def __truediv__(self, other):
        return _ops().divide(self, other)

    def __rtruediv__(self, other):
        return _ops().divide(other, self)

    def __floordiv__(self, other):
        return _ops().floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _ops().floor_divide(other, self)

    def __mod__(self, other):
        return _ops().mod(self, other)

    def __rmod__(self, other):
        return _ops().mod(other, self)

    def __pow__(self, other):
        return _ops().power(self, other)

    def __rpow__(self, other):
        return _ops().power(other, self)

    def __matmul__(self, other):
        return _ops().matmul(self, other)

    def __rmatmul__(self, other):
        return _ops().matmul(other, self)

    def __neg__(self):
        return _ops().negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops().abs(self)

    def __getitem__(self, key):
        return _ops().get_item(self, key)

    @property
    def T(self):  # NumPy's name
        return _ops().transpose(self)


class Variable(Tensor):
    """A layer weight: a named leaf of the graph that an optimizer updates.

    A variable only records gradients while it is being watched (see
    `watch`), so inference with trained weights stays plain NumPy.
    """

    def __init__(self, value, name, trainable=True):
        super().__init__(np.asarray(value))
        self.name = name
        self.trainable = trainable
        self.requires_grad = False
        _LIVE_VARIABLES.add(self)  # so that a GradientTape can watch every trainable one

    @property
    def value(self):
        """The current value, a NumPy array (Keras's `variable.value`)."""
        return self.data

    @property
    def path(self):
        """'layer_name/weight_name', as Keras 3 spells a weight's full name."""
        return self.name

    def assign(self, value):
        """Replace the value in place, keeping dtype and shape."""
        value = np.asarray(value, dtype=self.data.dtype)
        if value.shape != self.data.shape:
            raise ValueError(
                f"Cannot assign a value of shape {value.shape} to variable "
                f"{self.name!r} of shape {self.data.shape}."
            )
        self.data = value.copy()

    def assign_add(self, value):
        """`variable = variable + value`, in place (metrics count with it)."""
        self.assign(self.data + np.asarray(data_of(value)))

    def assign_sub(self, value):
        """`variable = variable - value`, in place."""
        self.assign(self.data - np.asarray(data_of(value)))

    def __repr__(self):
        return (
            f"<Variable {self.name!r} shape={self.data.shape} dtype={self.data.dtype} "
            f"trainable={self.trainable}>"
        )


# Every Variable still in use (weakly: a deleted layer's weights disappear from it).
_LIVE_VARIABLES = weakref.WeakSet()


def _ops():
    # The operators above are the ops of `kerastutor.ops`, which is built on
    # this module; importing it when first needed keeps the import one-way.
    from kerastutor import ops

    return ops


def data_of(x):
    """The NumPy array behind `x` (a Tensor, a Variable or array-like).

    Python numbers stay numbers: NumPy treats them as "weak", so that
    `float32_array * 2.0` stays float32 (a 0-d float64 array would not).
    """
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, (bool, int, float)):
        return x
    return np.asarray(x)


def wants_grad(x):
    """True if `x` is a tensor that gradients must reach.

    Ops with costly gradients (matmul, conv2d) skip the ones nobody wants,
    such as the gradient with respect to the input data.
    """
    return isinstance(x, Tensor) and x.requires_grad


def record(out, parents, backward_fn, op):
    """Wrap an op's output so gradients can flow back, if anyone wants them."""
    if any(wants_grad(parent) for parent in parents):
        return Tensor(out, tuple(parents), backward_fn, op)
    return out


def record_outputs(outputs, parents, backward_fn, op):
    """Like `record`, for an op with several outputs (a whole LSTM: sequence, h, c).

    Each output becomes its own Tensor, so callers use them like any other.
    Behind them sits one node for the op: once `backward()` has handed every
    output its gradient, that node calls `backward_fn(*output_grads)` once,
    with zeros for outputs the loss does not use, and gets one gradient per
    parent back, as `record`'s rule does.

    Returns:
        A tuple of Tensors (or the outputs unchanged if nothing wants a gradient).
    """
    outputs = tuple(outputs)
    if not any(wants_grad(parent) for parent in parents):
        return outputs
    received = [None] * len(outputs)

    def op_backward(_):
        grads = [np.zeros_like(o) if g is None else g for o, g in zip(outputs, received)]
        received[:] = [None] * len(outputs)  # ready for the next backward pass
        return backward_fn(*grads)

    # The op's node: its parents are the op's inputs; its value is a placeholder.
    # The topological sort runs it after every output, since they are its children.
    op_node = Tensor(np.zeros(()), tuple(parents), op_backward, op)

    def output_backward(index):
        def backward(grad):
            received[index] = grad
            return (np.zeros(()),)  # so the op's node runs, with a gradient to pass on

        return backward

    return tuple(
        Tensor(output, (op_node,), output_backward(i), op) for i, output in enumerate(outputs)
    )


@contextlib.contextmanager
def watch(variables):
    """Record gradients for `variables` inside the block.

    Example:
        >>> with watch(layer.trainable_weights):
        ...     loss = ops.mean(layer(x))
        ...     loss.backward()
        >>> grads = [v.grad for v in layer.trainable_weights]
    """
    variables = list(variables)
    for variable in variables:
        variable.requires_grad = True
        variable.grad = None
    try:
        yield variables
    finally:
        for variable in variables:
            variable.requires_grad = False


def unbroadcast(grad, shape):
    """Sum `grad` down to `shape`, undoing NumPy broadcasting."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, size in enumerate(shape) if size == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad


class GradientTape:
    """Record the ops run inside a `with` block, then ask for gradients (TensorFlow's API).

    On entering the block every trainable `Variable` starts recording (as
    TensorFlow watches the variables it meets); `watch(tensor)` adds another
    Variable or Tensor. After the block, `tape.gradient(loss, sources)` runs
    the backward pass once and returns one gradient array per source, `None`
    for a source the loss does not depend on. A tape answers once, unless
    made with `persistent=True`.

    The same training step in each of Keras's guides and here:

    | guide                       | gradients of `loss` for `weights`                                   |
    |-----------------------------|---------------------------------------------------------------------|
    | TensorFlow                  | `with tf.GradientTape() as tape:` ... `tape.gradient(loss, weights)` |
    | kerastutor (same code)      | `with kerastutor.GradientTape() as tape:` ... `tape.gradient(loss, weights)` |
    | PyTorch                     | `loss.backward()` then `[v.value.grad for v in weights]`            |
    | kerastutor (PyTorch style)  | inside the tape (or `autodiff.watch(weights)`): `loss.backward()` then `[v.grad for v in weights]` |
    | JAX                         | `jax.value_and_grad(compute_loss_and_updates)` over pure functions of the weights' values (`stateless_call`) |

    JAX's stateless style has no kerastutor spelling: here weights are
    objects whose values change in place, as in TensorFlow and PyTorch.
    Either way the update is `optimizer.apply(gradients, weights)`.

    Example:
        >>> import numpy as np
        >>> from kerastutor import ops
        >>> w = Variable(np.array([1.0, 2.0]), name="w")
        >>> with GradientTape() as tape:
        ...     loss = ops.sum(w * w)
        >>> tape.gradient(loss, [w])
        [array([2., 4.])]

    Args:
        persistent: allow several `gradient` calls on the same recording.
        watch_accessed_variables: False records only what `watch` names.
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._watched = {}  # id -> (tensor, its requires_grad before the tape)
        self._used = False

    def __enter__(self):
        if self.watch_accessed_variables:
            for variable in list(_LIVE_VARIABLES):
                if variable.trainable:
                    self.watch(variable)
        return self

    def __exit__(self, *exc_info):
        # Outside the block the variables stop recording (inference stays plain
        # NumPy); what was recorded inside is kept for `gradient`.
        for tensor, before in self._watched.values():
            tensor.requires_grad = before
        return False

    def watch(self, tensor):
        """Record gradients for `tensor` too (a Variable or Tensor, or a list of them)."""
        for item in tensor if isinstance(tensor, (list, tuple)) else [tensor]:
            if not isinstance(item, Tensor):
                raise TypeError(
                    f"GradientTape.watch needs a kerastutor Variable or Tensor, received "
                    f"{type(item).__name__}. A NumPy array records nothing: make it a "
                    "Variable first, e.g. x = kerastutor.Variable(x, name='x')."
                )
            if id(item) not in self._watched:
                self._watched[id(item)] = (item, item.requires_grad)
            item.requires_grad = True

    def gradient(self, target, sources):
        """d target / d source for each source: arrays in the structure of `sources`.

        Args:
            target: the value to differentiate, usually the loss (a non-scalar
                target is summed first, as TensorFlow does).
            sources: a Variable, or a list / tuple / dict of them.

        Returns:
            One NumPy array per source (None where `target` does not depend on it).
        """
        if self._used and not self.persistent:
            raise RuntimeError(
                "This GradientTape has already computed its gradients: a tape answers once, "
                "so that its recording can be let go. Use GradientTape(persistent=True) to "
                "ask several times."
            )
        self._used = True
        if isinstance(sources, dict):
            keys = list(sources)
            return dict(zip(keys, self._gradients(target, [sources[k] for k in keys])))
        if isinstance(sources, Tensor):
            return self._gradients(target, [sources])[0]
        return self._gradients(target, list(sources))

    def _gradients(self, target, sources):
        if not isinstance(target, Tensor):  # nothing recorded: the target is a constant
            return [None] * len(sources)
        # Backward fills `.grad` in place: keep what a PyTorch-style `backward()`
        # left there, start every recorded tensor from nothing, and let the
        # sources take part even after the block (they stopped recording there).
        kept = [(s, s.grad, s.requires_grad) for s in sources]
        for source in sources:
            source.grad = None
            source.requires_grad = True
        _clear_recorded_grads(target)
        target.backward()
        grads = [source.grad for source in sources]
        for source, grad, requires_grad in kept:
            source.grad, source.requires_grad = grad, requires_grad
        return grads


def _clear_recorded_grads(target):
    """Set `.grad` to None on every op result that `target` was computed from."""
    stack, seen = [target], set()
    while stack:
        tensor = stack.pop()
        if id(tensor) in seen or isinstance(tensor, Variable):
            continue
        seen.add(id(tensor))
        tensor.grad = None
        stack.extend(p for p in tensor.parents if isinstance(p, Tensor))
