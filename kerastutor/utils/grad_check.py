"""grad_check: test a gradient rule against central differences, in float64.

Backpropagation is only as right as each op's backward rule. To check one,
compare it with the definition of a derivative: nudge one number of an
input by a tiny eps and watch the output move::

    d f / d x[i]  ~=  (f(x + eps at i) - f(x - eps at i)) / (2 * eps)

That is a central difference. `grad_check` does it for every number of
every floating-point input (and every trainable weight of a layer or model)
and compares with what `loss.backward()` computes. It works in float64, where
the two agree to about 1e-9; in float32 rounding would hide real mistakes.

The function's output is turned into one number first: the sum of the
output times a fixed random array of the same shape. A random weighting
makes every output element matter, so no error can cancel out.

Example:
    >>> import numpy as np
    >>> from kerastutor import ops
    >>> from kerastutor.utils import grad_check
    >>> x = np.random.default_rng(0).normal(size=(2, 3))
    >>> errors = grad_check(ops.tanh, x)          # checks d tanh(x) / dx
    >>> from kerastutor.layers import Dense
    >>> errors = grad_check(Dense(2), x)          # the input, the kernel and the bias
    >>> sorted(errors)
    ['dense/bias', 'dense/kernel', 'input']
"""

import contextlib

import numpy as np

from kerastutor import autodiff, ops
from kerastutor.autodiff import Tensor, Variable, data_of
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.tree import flatten, map_structure

__all__ = ["grad_check", "central_difference", "GradientCheckError"]


class GradientCheckError(AssertionError):
    """The gradient from backward() differs from the central difference."""


def central_difference(f, variable, index, eps=1e-6):
    """(f() with variable[index] + eps  -  f() with variable[index] - eps) / (2 eps).

    Args:
        f: a function of no arguments returning a float; it reads `variable`.
        variable: the Variable to nudge (its array is replaced, then restored).
        index: a tuple, the position of the number to nudge.
        eps: the nudge.
    """
    original = variable.data
    try:
        values = []
        for step in (eps, -eps):
            nudged = original.copy()
            nudged[index] += step
            variable.data = nudged
            values.append(f())
    finally:
        variable.data = original
    return (values[0] - values[1]) / (2 * eps)


def _layers_in(item):
    """`item` if it is a layer, plus every layer inside it, recursively.

    Inside means the layers of a model and the layers a layer holds as
    attributes (a wrapper's TimeDistributed(Dense) or Bidirectional's two
    directions), so that their weights are cast to float64 too.
    """
    if isinstance(item, Layer):
        found = [item]
        for inner in list(getattr(item, "layers", [])) + item._sublayers():
            found += _layers_in(inner)
        return found
    if isinstance(item, (list, tuple)):
        return [layer for x in item for layer in _layers_in(x)]
    return []


@contextlib.contextmanager
def _in_float64(layers):
    """Compute in float64 inside the block: layers cast inputs and hold weights as float64.

    A model also casts what it is given to its Inputs' dtype (a model nested
    in TimeDistributed is given plain arrays), so float Inputs become float64 too.
    """
    saved = []
    saved_inputs = []
    seen = set()
    for layer in layers:
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        saved.append((layer, layer.dtype, [(v, v.data) for v in layer._variables]))
        layer.dtype = "float64"
        for variable in layer._variables:
            variable.data = variable.data.astype(np.float64)
        for tensor in getattr(layer, "inputs", None) or []:
            if np.dtype(tensor.dtype).kind == "f":
                saved_inputs.append((tensor, tensor.dtype))
                tensor.dtype = "float64"
    try:
        yield
    finally:
        for layer, dtype, variables in saved:
            layer.dtype = dtype
            for variable, data in variables:
                variable.data = data
        for tensor, dtype in saved_inputs:
            tensor.dtype = dtype


def _describe(fn):
    if isinstance(fn, Layer):
        return f"layer '{fn.name}' ({type(fn).__name__})"
    return getattr(fn, "__name__", repr(fn))


def _path_names(structure, prefix):
    """The readable path of each leaf: 'inputs[1]', 'initial_state[0]', 'argument 0'."""
    if isinstance(structure, (list, tuple)):
        return [n for i, item in enumerate(structure) for n in _path_names(item, f"{prefix}[{i}]")]
    if isinstance(structure, dict):
        return [
            n
            for key, item in structure.items()
            for n in _path_names(item, f"{prefix}[{key!r}]" if prefix else str(key))
        ]
    return [prefix]


def _argument_names(inputs, is_layer):
    if is_layer:
        return _path_names(inputs, "inputs" if isinstance(inputs, (list, tuple)) else "input")
    if not isinstance(inputs, (list, tuple)):
        return ["argument 0"]
    return [n for i, item in enumerate(inputs) for n in _path_names(item, f"argument {i}")]


def grad_check(
    fn,
    inputs,
    kwargs=None,
    weights=None,
    eps=1e-6,
    rtol=1e-5,
    atol=1e-6,
    max_checks=None,
    seed=0,
):
    """Check the gradients of `fn` against central differences; raise if they differ.

    Args:
        fn: an op (`ops.tanh`), any function written with kerastutor.ops, a
            layer or a model.
        inputs: an array, or a list/tuple of arguments. An op is called as
            `fn(*inputs)`; a layer or model as `fn(inputs)`, so a merge layer
            takes `[a, b]` and a two-input model `[xa, xb]`.
        kwargs: keyword arguments for the call, e.g. `{'mask': mask}` or
            `{'initial_state': [h, c]}`. Floating-point arrays among them are
            checked too; integer and boolean arrays (indices, masks) are not.
        weights: extra layers or Variables whose gradients to check (when
            `fn` is a function that calls a layer). When `fn` is a layer or
            model, its trainable weights are checked anyway.
        eps: the nudge of the central differences.
        rtol, atol: an entry fails when |backward - numerical| > atol + rtol * |numerical|.
        max_checks: check at most this many (randomly chosen) entries per
            argument, to keep big layers quick; None checks all.
        seed: seeds the output weighting and the choice of entries.

    Returns:
        {argument name: largest |backward - numerical|}, e.g.
        {'input': 3e-11, 'dense/kernel': 2e-11, 'dense/bias': 1e-11}.

    Raises:
        GradientCheckError: naming the function, the argument, the index, and
            both values, for the first argument that fails.
    """
    kwargs = dict(kwargs or {})
    rng = np.random.default_rng(seed)
    layers = _layers_in(fn) + _layers_in(weights)
    is_layer = isinstance(fn, Layer)

    def call(args, keyword_args):
        if is_layer or not isinstance(args, (list, tuple)):
            return fn(args, **keyword_args)
        return fn(*args, **keyword_args)

    call(inputs, kwargs)  # builds any unbuilt layer with its usual dtype

    def is_checked(leaf):
        return isinstance(leaf, np.ndarray) and leaf.dtype.kind == "f"

    def as_variable(leaf):
        return Variable(np.array(leaf, dtype=np.float64), name="") if is_checked(leaf) else leaf

    with _in_float64(layers):
        watched_inputs = map_structure(as_variable, inputs)
        watched_kwargs = map_structure(as_variable, kwargs)
        leaves = flatten(watched_inputs) + flatten(watched_kwargs)
        names = _argument_names(inputs, is_layer) + _path_names(kwargs, "")
        named = [
            (name, leaf)
            for leaf, name in zip(leaves, names, strict=True)
            if isinstance(leaf, Variable)
        ]
        extra = list(fn.trainable_weights) if is_layer else []
        for item in weights if isinstance(weights, (list, tuple)) else [weights]:
            if isinstance(item, Layer):
                extra += item.trainable_weights
            elif isinstance(item, Variable):
                extra.append(item)
        seen = {id(v) for _, v in named}
        for variable in extra:
            if id(variable) not in seen:
                seen.add(id(variable))
                named.append((variable.name, variable))
        variables = [v for _, v in named]

        outputs = [np.asarray(data_of(o)) for o in flatten(call(watched_inputs, watched_kwargs))]
        projections = [rng.standard_normal(o.shape) for o in outputs]

        def scalar_output():
            results = flatten(call(watched_inputs, watched_kwargs))
            return float(
                sum(np.sum(data_of(o) * p) for o, p in zip(results, projections, strict=True))
            )

        with autodiff.watch(variables):
            results = flatten(call(watched_inputs, watched_kwargs))
            total = None
            for output, projection in zip(results, projections, strict=True):
                term = ops.sum(ops.multiply(output, projection))
                total = term if total is None else ops.add(total, term)
            if isinstance(total, Tensor):
                total.backward()
            analytic = [
                np.zeros_like(v.data) if v.grad is None else np.asarray(v.grad, dtype=np.float64)
                for v in variables
            ]
        for variable in variables:
            variable.grad = None

        report = {}
        for (name, variable), backward in zip(named, analytic, strict=True):
            indices = list(np.ndindex(variable.shape))
            if max_checks is not None and len(indices) > max_checks:
                chosen = rng.choice(len(indices), size=max_checks, replace=False)
                indices = [indices[i] for i in sorted(chosen)]
            worst = 0.0
            failures = []
            for index in indices:
                numerical = central_difference(scalar_output, variable, index, eps)
                error = abs(backward[index] - numerical)
                worst = max(worst, error)
                if error > atol + rtol * abs(numerical):
                    failures.append((index, backward[index], numerical))
            if failures:
                index, got, expected = failures[0]
                raise GradientCheckError(
                    f"Gradient check failed for {_describe(fn)}, argument {name!r} at index "
                    f"{index}: backward() gives {got:.8g}, central differences give "
                    f"{expected:.8g} (|difference| {abs(got - expected):.3g} > "
                    f"atol + rtol * |numerical| = {atol + rtol * abs(expected):.3g}). "
                    f"{len(failures)} of {len(indices)} checked entries of {name!r} differ."
                )
            report[name] = float(worst)
    return report
