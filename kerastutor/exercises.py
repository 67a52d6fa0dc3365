"""Check functions for the lessons' exercises: a verdict in one sentence.

Each lesson in `lessons/` ends with a short exercise. The learner writes an
answer (a shape, a parameter count, a list of layer names) and calls one of
the functions below. Whatever the answer, it does not raise and does not say
only "wrong": it returns a `Verdict` whose text says what the right answer
is, where it comes from, and, for the common mistakes, what the answer given
would have meant.

The truth always comes from the engine. Where the answer is about a layer
the learner built, the check reads it from that layer (`get_input_shape_at`,
`model.layers`). Where it is about arithmetic (parameter counts, output
shapes), the check builds the layer the question is about and asks it
(`count_params`, `compute_output_shape`, `K.dot` on placeholders), then
states the rule with the numbers filled in. It builds in a sandbox, so the
learner's next layer gets the name and the random numbers it would have had
without the check.

The checks of lessons 8 to 12 also speak Chinese: `language="zh-CN"` (the
lessons' Chinese editions pass it) gives the same verdict in Chinese;
`language="en"` is the default.

Example:
    >>> from kerastutor.layers import Input, LSTM
    >>> from kerastutor.exercises import check_input_shape_at
    >>> lstm = LSTM(32)
    >>> _ = lstm(Input(shape=(280, 128)))
    >>> _ = lstm(Input(shape=(250, 128)))
    >>> verdict = check_input_shape_at(lstm, 1, (None, 280, 128))
    >>> bool(verdict)
    False
    >>> verdict.message.split(";")[0]
    'Not quite: node 1 of lstm was called on input_2, whose shape is (None, 250, 128)'
"""

import inspect
import math

import numpy as np

from kerastutor import backend as K
from kerastutor.autodiff import data_of
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_layer import InputLayer
from kerastutor.engine.naming import sandbox
from kerastutor.layers import GRU, LSTM, Dense, Embedding, MaxPooling2D, SimpleRNN

__all__ = [
    "Verdict",
    "check_input_shape_at",
    "check_output_shape_at",
    "check_embedding_params",
    "check_dot_shape",
    "check_model_layers",
    "check_lstm_params",
    "check_conv2d_output_shape",
    "check_dense_params",
    "check_dense_output_shape",
    "check_node_count",
    "check_custom_layer",
    "check_masked_steps",
    "check_pooled_shape",
    "check_recurrent_params",
    "LANGUAGES",
]

RIGHT = "right"
WRONG = "wrong"
UNANSWERED = "unanswered"


class Verdict:
    """The outcome of a check: right, wrong or not answered, and why.

    A notebook shows a Verdict as its message (it is the last value of the
    cell); `bool(verdict)` is True only for a right answer.

    Attributes:
        status: 'right', 'wrong' or 'unanswered'.
        message: one or two sentences starting with 'Right:', 'Not quite:'
            or 'No answer yet:'.
    """

    def __init__(self, status, message):
        self.status = status
        self.message = message

    @property
    def passed(self):
        return self.status == RIGHT

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return self.message

    def _repr_pretty_(self, printer, cycle):
        printer.text(self.message)


def _right(text):
    return Verdict(RIGHT, f"Right: {text}")


def _wrong(text):
    return Verdict(WRONG, f"Not quite: {text}")


def _unanswered(text):
    return Verdict(UNANSWERED, f"No answer yet: {text}")


LANGUAGES = ("en", "zh-CN")
_OPENINGS = {
    "en": {RIGHT: "Right: ", WRONG: "Not quite: ", UNANSWERED: "No answer yet: "},
    "zh-CN": {RIGHT: "对：", WRONG: "还不对：", UNANSWERED: "还没有作答："},
}


def _checked_language(language):
    if language not in LANGUAGES:
        raise ValueError(
            f"language must be one of {LANGUAGES}: the verdicts are written in those; "
            f"received {language!r}."
        )
    return language


def _say(status, language, english, chinese):
    """A verdict in the learner's language: `english` or `chinese`, after its opening."""
    text = english if language == "en" else chinese
    return Verdict(status, _OPENINGS[language][status] + text)


def _is_missing(answer):
    return answer is None or answer is Ellipsis


def _is_count(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _as_shape(answer):
    """The answer as a tuple of ints and None, or None if it is not a shape."""
    if not isinstance(answer, (tuple, list)):
        return None
    shape = []
    for size in answer:
        if size is None:
            shape.append(None)
        elif _is_count(size) and size >= 0:
            shape.append(int(size))
        else:
            return None
    return tuple(shape)


def _not_a_shape(answer, example):
    return _wrong(
        f"a shape is a tuple of sizes such as {example}, with None for a size that is not "
        f"known yet; you answered {answer!r} ({type(answer).__name__})."
    )


def _not_a_count(answer):
    return _wrong(f"a parameter count is a whole number; you answered {answer!r}.")


def _built(layer_class, input_shape, *args, **kwargs):
    """`layer_class(*args, **kwargs)` built on `input_shape`: the engine's own answer."""
    with sandbox():
        layer = layer_class(*args, **kwargs)
        layer.build(input_shape)
    return layer


def _batch_axis_hint(shape, truth):
    if truth and truth[0] is None and shape == truth[1:]:
        return (
            " You left out the batch axis: these shapes start with None, the batch size, "
            "which is not known until data arrives."
        )
    return ""


# ---------------------------------------------------------------- lesson 1: nodes


def _single(values):
    return values[0] if len(values) == 1 else list(values)


def _tensor_names(tensors):
    """'input_2' for a tensor an Input made; 'lstm[1][0]' for a layer's output."""
    names = []
    for tensor in tensors:
        history = tensor._keras_history
        if history is None:
            names.append(tensor.name or "a symbolic tensor")
        elif isinstance(history.layer, InputLayer):
            names.append(history.layer.name)
        else:
            names.append(str(history))
    return ", ".join(names)


def _check_node_shape(layer, node_index, answer, side):
    layer.get_input_shape_at(node_index)  # the engine's own error for a node that does not exist
    node = layer.inbound_nodes[node_index]
    truths = node.input_shapes if side == "input" else node.output_shapes
    truth = _single(truths)
    whose = "whose shapes are" if isinstance(truth, list) else "whose shape is"
    if side == "input":
        fact = (
            f"node {node_index} of {layer.name} was called on "
            f"{_tensor_names(node.input_tensors)}, {whose} {_shape_text(truth)}"
        )
        getter = "get_input_shape_at"
    else:
        fact = (
            f"node {node_index} of {layer.name} returned {_tensor_names(node.output_tensors)}, "
            f"{whose} {_shape_text(truth)}"
        )
        getter = "get_output_shape_at"
    if _is_missing(answer):
        return _unanswered(
            f"replace ... with the {side} shape of node {node_index} of {layer.name}, a tuple "
            f"such as (None, 10, 3). (`{layer.name}.{getter}({node_index})` would tell you; "
            "try to work it out first.)"
        )
    if isinstance(truth, list):
        shape = [_as_shape(item) for item in answer] if isinstance(answer, (list, tuple)) else None
        if shape is None or any(item is None for item in shape):
            return _wrong(
                f"{fact}: {len(truth)} tensors, so the answer is a list of {len(truth)} shapes; "
                f"you answered {answer!r}."
            )
    else:
        shape = _as_shape(answer)
    if shape is None:
        return _not_a_shape(answer, _shape_text(truth))
    if shape == truth:
        return _right(
            f"{fact}. Every call of a layer is a node with its own shapes; the weights "
            "belong to the layer and are the same for every node."
        )
    hint = _batch_axis_hint(shape, truth) if isinstance(truth, tuple) else ""
    if not hint:
        for other in layer.inbound_nodes:
            shapes = other.input_shapes if side == "input" else other.output_shapes
            if other.index != node_index and _single(shapes) == shape:
                hint = (
                    f" That is node {other.index}'s {side} shape: each call of a shared "
                    "layer keeps its own shapes."
                )
                break
    return _wrong(f"{fact}; you answered {_shape_text(shape)}.{hint}")


def _shape_text(shape):
    if isinstance(shape, list):
        return "[" + ", ".join(str(s) for s in shape) + "]"
    return str(shape)


def check_input_shape_at(layer, node_index, answer):
    """Check an answer for `layer.get_input_shape_at(node_index)`.

    Args:
        layer: a layer called at least `node_index + 1` times on symbolic tensors.
        node_index: which call: 0 for the first, 1 for the second, ...
        answer: the learner's shape, e.g. (None, 250, 128); `...` for none yet.
    """
    return _check_node_shape(layer, node_index, answer, "input")


def check_output_shape_at(layer, node_index, answer):
    """Check an answer for `layer.get_output_shape_at(node_index)` (see check_input_shape_at)."""
    return _check_node_shape(layer, node_index, answer, "output")


# ---------------------------------------------------------------- lesson 2: Embedding


def check_embedding_params(input_dim, output_dim, answer, input_length=None):
    """Check a parameter count for `Embedding(input_dim, output_dim, input_length=...)`.

    The only weight is W, of shape (input_dim, output_dim).
    """
    embedding = _built(Embedding, (None, input_length), input_dim, output_dim)
    truth = embedding.count_params()
    rule = (
        f"an Embedding's only weight is W, of shape (input_dim, output_dim) = "
        f"{embedding.embeddings.shape}: {truth:,} numbers"
    )
    if _is_missing(answer):
        return _unanswered(
            f"replace ... with the number of parameters of Embedding({input_dim}, {output_dim}"
            + (f", input_length={input_length}" if input_length else "")
            + ")."
        )
    if not _is_count(answer):
        return _not_a_count(answer)
    if answer == truth:
        return _right(
            f"{rule}, one row of {output_dim} numbers per index of the vocabulary."
            + (
                f" input_length={input_length} only fixes the input shape: every position "
                "looks its row up in the same W."
                if input_length
                else ""
            )
        )
    hint = ""
    if input_length and answer == truth * input_length:
        hint = (
            f" You multiplied by input_length={input_length}, but the positions do not get "
            "weights of their own: each one looks its row up in the same W."
        )
    elif answer in ((input_dim + 1) * output_dim, truth + output_dim):
        hint = " An Embedding has no bias: looking a row up adds nothing to it."
    elif answer == (input_dim - 1) * output_dim:
        hint = " Index 0 has a row too: input_dim is the largest index + 1."
    return _wrong(f"{rule}; you answered {answer:,}.{hint}")


# ---------------------------------------------------------------- lesson 3: K.dot


def _dot_shape(x_shape, y_shape):
    """The shape of `K.dot` on placeholders of these shapes, or None when it raises."""
    with sandbox():
        try:
            return K.int_shape(K.dot(K.placeholder(shape=x_shape), K.placeholder(shape=y_shape)))
        except ValueError:  # the summed axes differ
            return None


def check_dot_shape(x_shape, y_shape, answer):
    """Check the shape of `K.dot(x, y)` for x and y of the given shapes.

    If the product is impossible (the summed axes differ), the right answer
    is the string 'error'.
    """
    x_shape, y_shape = tuple(x_shape), tuple(y_shape)
    truth = _dot_shape(x_shape, y_shape)
    if _is_missing(answer):
        return _unanswered(
            f"replace ... with the shape of K.dot(x, y) for x of shape {x_shape} and y of shape "
            f"{y_shape} (or 'error' if they cannot be multiplied)."
        )
    if truth is None:
        why = (
            f"K.dot sums over the last axis of x (size {x_shape[-1]}) and the "
            f"{'second-to-last' if len(y_shape) >= 2 else 'only'} axis of y (size "
            f"{y_shape[-2] if len(y_shape) >= 2 else y_shape[-1]}), so they must be equal"
        )
        if isinstance(answer, str) and answer.strip().lower() == "error":
            return _right(f"{why}, and here they are not: K.dot raises a ValueError.")
        return _wrong(
            f"{why}, and here they are not: K.dot raises a ValueError; you answered {answer!r}."
        )
    y_kept = y_shape[:-2] + y_shape[-1:] if len(y_shape) >= 2 else ()
    rule = (
        f"K.dot of {x_shape} and {y_shape} sums over x's last axis and y's "
        f"{'second-to-last' if len(y_shape) >= 2 else 'only'} axis (both {x_shape[-1]}); the "
        f"result keeps x's other axes, {x_shape[:-1]}, then y's other axes, {y_kept}: {truth}"
    )
    shape = _as_shape(answer)
    if shape is None:
        if isinstance(answer, str) and answer.strip().lower() == "error":
            return _wrong(f"these shapes can be multiplied: {rule}.")
        return _not_a_shape(answer, str(truth))
    if shape == truth:
        return _right(f"{rule}.")
    hint = _batch_axis_hint(shape, truth)
    if not hint and shape == tuple(x_shape) + tuple(y_shape[-1:]):
        hint = " The axis that is summed over disappears from the result."
    return _wrong(f"{rule}; you answered {shape}.{hint}")


# ---------------------------------------------------------------- lesson 4: Model vs Layer


def _and_list(items):
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def check_model_layers(model, answer):
    """Check a list of the names in `model.layers`, in order."""
    truth = [layer.name for layer in model.layers]
    if _is_missing(answer):
        return _unanswered(f"replace ... with the list of names in {model.name}.layers, in order.")
    if not isinstance(answer, (list, tuple)) or not all(isinstance(n, str) for n in answer):
        return _wrong(f"give a list of layer names such as {truth[:2]!r}; you answered {answer!r}.")
    answer = list(answer)
    fact = f"{model.name}.layers is {truth}"
    if answer == truth:
        return _right(
            f"{fact}: the model's own layers, inputs first, in the order data reaches them. "
            "A nested model is one entry, however many layers it holds."
        )
    nested = {
        inner.name: layer.name for layer in model.layers for inner in getattr(layer, "layers", [])
    }
    inside = [name for name in answer if name in nested and name not in truth]
    if inside:
        owners = sorted({nested[name] for name in inside})
        names = _and_list([repr(n) for n in inside])
        verb = "belongs" if len(inside) == 1 else "belong"
        hint = (
            f" {names} {verb} to the nested model {_and_list([repr(o) for o in owners])}: "
            f"{model.name}.layers lists a nested model as one entry; its own layers are in "
            f"{owners[0]}.layers."
        )
    elif sorted(answer) == sorted(truth):
        hint = " The names are right but not the order: inputs first, then the order data reaches the layers."
    elif len(set(answer)) < len(answer):
        hint = " A layer called several times (shared) is listed once: its calls are nodes, not layers."
    else:
        missing = [n for n in truth if n not in answer]
        extra = [n for n in answer if n not in truth]
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"not in the model: {extra}")
        hint = f" ({'; '.join(parts)}.)" if parts else ""
    return _wrong(f"{fact}; you answered {answer}.{hint}")


# ---------------------------------------------------------------- lesson 5: shared LSTM


def check_lstm_params(units, features, answer, calls=1):
    """Check the parameter count of an LSTM(units) on `features` per timestep.

    Args:
        units: the LSTM's units.
        features: the size of the input's last axis.
        answer: the learner's count.
        calls: how many times the layer is called (shared); it does not matter.
    """
    lstm = _built(LSTM, (None, None, features), units)
    truth = lstm.count_params()
    rule = (
        f"LSTM({units}) on {features} features has kernel {lstm.kernel.shape}, "
        f"recurrent_kernel {lstm.recurrent_kernel.shape} and bias {lstm.bias.shape}: "
        f"4 gates x ({features} + {units} + 1) x {units} = {truth:,} parameters"
    )
    if _is_missing(answer):
        return _unanswered(
            f"replace ... with the number of parameters of the LSTM({units}) shared by "
            f"{calls} input(s) of {features} features."
        )
    if not _is_count(answer):
        return _not_a_count(answer)
    if answer == truth:
        extra = (
            f", once: calling it on {calls} inputs adds {calls} nodes, not more weights"
            if calls > 1
            else ""
        )
        return _right(f"{rule}{extra}.")
    hint = ""
    if calls > 1 and answer == truth * calls:
        hint = (
            f" That is {calls} x {truth:,}: but calling the layer {calls} times adds nodes, "
            "not weights. Every call uses the same kernel, recurrent_kernel and bias."
        )
    elif answer == 4 * (features + units) * units:
        hint = " You left out the bias: 4 x units more numbers."
    elif answer == (features + units + 1) * units:
        hint = " An LSTM has 4 gates (i, f, c, o), each with its own columns: multiply by 4."
    elif answer == 4 * (features + 1) * units:
        hint = " You left out the recurrent_kernel, which multiplies h of the previous step."
    return _wrong(f"{rule}; you answered {answer:,}.{hint}")


# ---------------------------------------------------------------- lesson 6: Conv2D


def _pair(value):
    return (value, value) if _is_count(value) else tuple(value)


def _conv_length(length, kernel, stride, padding):
    from kerastutor.ops import conv_output_length  # the engine's one rule

    return conv_output_length(length, kernel, stride, padding)


def _axis_text(length, kernel, padding, what):
    """'64 rows', '64 - 3 + 1 = 62 rows', or 'an unknown number of rows (None)'."""
    if length is None:
        return f"an unknown number of {what} (None)"
    if padding == "same":
        return f"{length} {what}"
    return f"{length} - {kernel} + 1 = {length - kernel + 1} {what}"


def check_conv2d_output_shape(input_shape, filters, kernel_size, padding, answer, strides=(1, 1)):
    """Check the output shape of `Conv2D(filters, kernel_size, padding=..., strides=...)`.

    Args:
        input_shape: (batch, height, width, channels), e.g. (None, 64, 64, 3).
        filters, kernel_size, padding, strides: the Conv2D's arguments.
        answer: the learner's shape.
    """
    kernel_size, strides = _pair(kernel_size), _pair(strides)
    batch, height, width, channels = input_shape
    out_height = _conv_length(height, kernel_size[0], strides[0], padding)
    out_width = _conv_length(width, kernel_size[1], strides[1], padding)
    truth = (batch, out_height, out_width, filters)
    rows = _axis_text(height, kernel_size[0], padding, "rows")
    columns = _axis_text(width, kernel_size[1], padding, "columns")
    window = f"{kernel_size[0]}x{kernel_size[1]}"
    if padding == "same":
        how = (
            f"padding='same' adds zeros around the image so the {window} kernel can be centred "
            f"on every pixel, which keeps {rows} and {columns}"
        )
    else:
        how = (
            f"padding='valid' only places the {window} kernel where it fits inside the image: "
            f"{rows} and {columns}"
        )
    if strides != (1, 1):
        how += f", then strides {strides} keep every {strides[0]}th row and {strides[1]}th column"
    rule = f"{how}, and the last axis is the {filters} filters: {truth}"
    if _is_missing(answer):
        stride_text = f", strides={strides}" if strides != (1, 1) else ""
        return _unanswered(
            f"replace ... with the output shape of Conv2D({filters}, {kernel_size}"
            f"{stride_text}, padding={padding!r}) on input shape {tuple(input_shape)}."
        )
    shape = _as_shape(answer)
    if shape is None:
        return _not_a_shape(answer, str(truth))
    if shape == truth:
        return _right(f"{rule}.")
    hint = _batch_axis_hint(shape, truth)
    other = "valid" if padding == "same" else "same"
    other_truth = (
        batch,
        _conv_length(height, kernel_size[0], strides[0], other),
        _conv_length(width, kernel_size[1], strides[1], other),
        filters,
    )
    if not hint and shape == other_truth:
        hint = f" That would be padding={other!r}."
    elif not hint and len(shape) == 4 and shape[-1] == channels and channels != filters:
        hint = (
            f" The last axis is not the input's {channels} channels: each of the {filters} "
            "filters gives one output channel."
        )
    return _wrong(f"{rule}; you answered {shape}.{hint}")


# ---------------------------------------------------------------- lesson 7: Dense on 3-D


def check_dense_params(input_shape, units, answer):
    """Check the parameter count of `Dense(units)` on inputs of `input_shape`."""
    input_shape = tuple(input_shape)
    features = input_shape[-1]
    dense = _built(Dense, input_shape, units)
    truth = dense.count_params()
    middle = input_shape[1:-1]
    rule = (
        f"Dense({units}) on {input_shape} has kernel {dense.kernel.shape} and bias "
        f"{dense.bias.shape}: {features} x {units} + {units} = {truth:,} parameters"
    )
    if _is_missing(answer):
        return _unanswered(
            f"replace ... with the number of parameters of Dense({units}) on inputs of shape "
            f"{input_shape}."
        )
    if not _is_count(answer):
        return _not_a_count(answer)
    if answer == truth:
        extra = (
            f". The kernel only meets the last axis ({features}), so the same "
            f"{truth:,} numbers serve each of the {_product_text(middle)} timesteps"
            if middle
            else ""
        )
        return _right(f"{rule}{extra}.")
    hint = ""
    steps = math.prod(d for d in middle if d is not None) if middle else 1
    if middle and answer in (truth * steps, features * units * steps + units):
        hint = (
            f" You multiplied by the {_product_text(middle)} timesteps, but Dense has one "
            "kernel for the last axis only: every timestep uses the same one."
        )
    elif answer == features * units:
        hint = f" You left out the bias: {units} more numbers, one per unit."
    return _wrong(f"{rule}; you answered {answer:,}.{hint}")


def _product_text(sizes):
    return " x ".join(str(s) for s in sizes)


def check_dense_output_shape(input_shape, units, answer):
    """Check the output shape of `Dense(units)` on inputs of `input_shape`."""
    input_shape = tuple(input_shape)
    with sandbox():
        truth = tuple(Dense(units).compute_output_shape(input_shape))
    rule = (
        f"Dense({units}) replaces the last axis ({input_shape[-1]}) by {units} and keeps the "
        f"others: {input_shape} -> {truth}"
    )
    if _is_missing(answer):
        return _unanswered(
            f"replace ... with the output shape of Dense({units}) on inputs of shape {input_shape}."
        )
    shape = _as_shape(answer)
    if shape is None:
        return _not_a_shape(answer, str(truth))
    if shape == truth:
        return _right(f"{rule}.")
    hint = _batch_axis_hint(shape, truth)
    if not hint and shape == (input_shape[0], units):
        hint = (
            " Dense does not flatten or drop the timesteps: it is applied at every timestep, "
            "so that axis stays."
        )
    return _wrong(f"{rule}; you answered {shape}.{hint}")


# ---------------------------------------------------------------- lesson 8: inference decoder


def check_node_count(layer, answer, language="en"):
    """Check how many nodes (calls on symbolic tensors) `layer` has.

    Args:
        layer: a layer of the learner's graph.
        answer: the learner's count; `...` for none yet.
        language: 'en' or 'zh-CN', the language of the verdict.
    """
    _checked_language(language)
    nodes = layer.inbound_nodes
    truth = len(nodes)
    calls_en = "; ".join(
        f"node {node.index} was called on {_tensor_names(node.input_tensors)}" for node in nodes
    )
    calls_zh = "；".join(
        f"节点 {node.index} 作用在 {_tensor_names(node.input_tensors)} 上" for node in nodes
    )
    weights = len(layer.weights)
    if _is_missing(answer):
        return _say(
            UNANSWERED,
            language,
            f"replace ... with the number of nodes of {layer.name}, a whole number.",
            f"把 ... 换成 {layer.name} 的节点个数，一个整数。",
        )
    if not _is_count(answer):
        return _say(
            WRONG,
            language,
            f"a number of nodes is a whole number; you answered {answer!r}.",
            f"节点个数是一个整数；你的答案是 {answer!r}。",
        )
    if answer == truth:
        return _say(
            RIGHT,
            language,
            f"{layer.name} has {truth} node(s): {calls_en}. Every call adds a node; the "
            f"{weights} weights are the layer's, the same for every node.",
            f"{layer.name} 有 {truth} 个节点：{calls_zh}。每调用一次就多一个节点；"
            f"{weights} 个权重属于这个层，每个节点用的都是同一套。",
        )
    hint_en = hint_zh = ""
    if answer < truth:
        hint_en = (
            " Building a second model on the same layer does not copy it: calling the layer "
            "on new Inputs adds a node to the same layer."
        )
        hint_zh = "在同一个层上再搭一个模型并不会复制它：把这个层作用在新的 Input 上，只是给同一个层加了一个节点。"
    return _say(
        WRONG,
        language,
        f"{layer.name} has {truth} node(s): {calls_en}; you answered {answer}.{hint_en}",
        f"{layer.name} 有 {truth} 个节点：{calls_zh}；你的答案是 {answer}。{hint_zh}",
    )


# ---------------------------------------------------------------- lesson 9: your own Layer


def _own_arguments(layer_class):
    """The names `layer_class.__init__` takes besides self, *args and **kwargs."""
    parameters = inspect.signature(layer_class.__init__).parameters.values()
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [p.name for p in parameters if p.name != "self" and p.kind not in variadic]


def check_custom_layer(layer_class, features=3, language="en"):
    """Check a Layer subclass the learner wrote: kwargs, build, call and get_config.

    The check makes `layer_class(name="probe", trainable=False)`, calls it on
    a batch of shape (2, features), and rebuilds it from its `get_config()`.

    Args:
        layer_class: the class itself (not an instance), a subclass of Layer.
        features: the size of the last axis of the batch it is called on.
        language: 'en' or 'zh-CN', the language of the verdict.
    """
    _checked_language(language)
    if _is_missing(layer_class):
        return _say(
            UNANSWERED,
            language,
            "replace ... with your layer's class (its name, without calling it).",
            "把 ... 换成你写的层的类（只写类名，不要调用它）。",
        )
    if not (isinstance(layer_class, type) and issubclass(layer_class, Layer)):
        return _say(
            WRONG,
            language,
            f"give the class itself, a subclass of Layer; you gave {layer_class!r}.",
            f"要给出类本身，它是 Layer 的子类；你给的是 {layer_class!r}。",
        )
    name = layer_class.__name__
    with sandbox():
        try:
            layer = layer_class(name="probe", trainable=False)
        except TypeError as error:
            return _say(
                WRONG,
                language,
                f"{name}(name='probe', trainable=False) raised TypeError: {error}. Your "
                "__init__ has to take **kwargs and hand them to super().__init__(**kwargs): "
                "the base Layer is the one that knows name, trainable, weights, input_shape "
                "and dtype.",
                f"{name}(name='probe', trainable=False) 报了 TypeError：{error}。你的 "
                "__init__ 要接收 **kwargs，并把它们交给 super().__init__(**kwargs)："
                "认识 name、trainable、weights、input_shape 和 dtype 的是基类 Layer。",
            )
        if layer.name != "probe" or layer.trainable:
            return _say(
                WRONG,
                language,
                f"{name}(name='probe', trainable=False) gave a layer named {layer.name!r} with "
                f"trainable={layer.trainable}: your __init__ takes **kwargs but does not pass "
                "them on to super().__init__(**kwargs), so the base Layer never sees them.",
                f"{name}(name='probe', trainable=False) 得到的层名叫 {layer.name!r}，"
                f"trainable={layer.trainable}：你的 __init__ 接收了 **kwargs，却没有把它们"
                "传给 super().__init__(**kwargs)，基类 Layer 根本没看到它们。",
            )
        try:
            layer(np.ones((2, features), dtype="float32"))
        except Exception as error:  # the learner's build or call failed: say how
            return _say(
                WRONG,
                language,
                f"calling {name} on a batch of shape (2, {features}) raised "
                f"{type(error).__name__}: {error}",
                f"在形状为 (2, {features}) 的一批数据上调用 {name} 时报了 "
                f"{type(error).__name__}：{error}",
            )
        shapes = [tuple(v.shape) for v in layer.weights]
        config = layer.get_config()
        missing = [argument for argument in _own_arguments(layer_class) if argument not in config]
        if missing:
            return _say(
                WRONG,
                language,
                f"{name}.get_config() returns {config}, without {missing}: from_config would "
                f"rebuild the layer with the default {_and_list(missing)}. Add each to the "
                "dict that super().get_config() returns.",
                f"{name}.get_config() 返回 {config}，里面没有 {missing}：from_config 重建出的层"
                "会用它们的默认值。把它们加进 super().get_config() 返回的字典里。",
            )
        rebuilt = layer_class.from_config(config)
    own = _own_arguments(layer_class)
    return _say(
        RIGHT,
        language,
        f"{name} hands name and trainable to the base Layer through **kwargs, creates its "
        f"weights {shapes} in build on its first call, and its get_config lists its own "
        f"arguments {own} beside the base Layer's, so from_config rebuilt "
        f"{rebuilt.name!r} with trainable={rebuilt.trainable}.",
        f"{name} 通过 **kwargs 把 name 和 trainable 交给了基类 Layer，第一次调用时在 build 里"
        f"创建了权重 {shapes}，get_config 在基类的键旁边列出了它自己的参数 {own}，所以 "
        f"from_config 重建出了 {rebuilt.name!r}，trainable={rebuilt.trainable}。",
    )


# ---------------------------------------------------------------- lesson 10: masking


def check_masked_steps(tokens, answer, language="en"):
    """Check which steps of a padded sentence update an LSTM's h and c after Embedding(mask_zero=True).

    Args:
        tokens: one sentence of indices, padded with 0, e.g. [2, 2, 0, 0, 0].
        answer: the learner's list of the step numbers (0, 1, ...) that update the states.
        language: 'en' or 'zh-CN', the language of the verdict.
    """
    _checked_language(language)
    tokens = np.asarray(tokens)
    with sandbox():
        embedding = Embedding(int(tokens.max()) + 1, 1, mask_zero=True)
        mask = np.asarray(data_of(embedding.compute_mask(tokens[None])))[0]
    truth = [int(step) for step in np.flatnonzero(mask)]
    kept = [int(step) for step in np.flatnonzero(~mask)]
    rule_en = (
        f"Embedding(mask_zero=True) gives the mask tokens != 0 = {mask.tolist()}: steps {truth} "
        f"update h and c, and at steps {kept} the LSTM carries them on unchanged"
    )
    rule_zh = (
        f"Embedding(mask_zero=True) 给出的掩码是 tokens != 0 = {mask.tolist()}：第 {truth} 步更新 "
        f"h 和 c，在第 {kept} 步 LSTM 把它们原样传下去"
    )
    if _is_missing(answer):
        return _say(
            UNANSWERED,
            language,
            f"replace ... with the list of the steps of {tokens.tolist()} that change h and c.",
            f"把 ... 换成 {tokens.tolist()} 中会改变 h 和 c 的那些步的列表。",
        )
    if not isinstance(answer, (list, tuple)) or not all(_is_count(step) for step in answer):
        return _say(
            WRONG,
            language,
            f"give a list of step numbers such as [0, 1]; you answered {answer!r}.",
            f"要给出一个步号的列表，比如 [0, 1]；你的答案是 {answer!r}。",
        )
    answer = [int(step) for step in answer]
    if answer == truth:
        return _say(RIGHT, language, f"{rule_en}.", f"{rule_zh}。")
    hint_en = hint_zh = ""
    first_zero = int(np.argmax(tokens == 0)) if (tokens == 0).any() else len(tokens)
    if answer == list(range(len(tokens))):
        hint_en = " The padding steps are masked: they take no part, as seed 001 says."
        hint_zh = "补齐的那些 0 被遮住了：正如帖子 001 所说，它们不参与计算。"
    elif answer == list(range(first_zero)) and truth[-1] > first_zero:
        hint_en = (
            " The mask is not 'up to the first 0': every 0 is masked, wherever it is, and "
            "the steps after it update the states again."
        )
        hint_zh = (
            "掩码不是“到第一个 0 为止”：每个 0 都会被遮住，不管它在哪里；它后面的步又会更新状态。"
        )
    return _say(
        WRONG,
        language,
        f"{rule_en}; you answered {answer}.{hint_en}",
        f"{rule_zh}；你的答案是 {answer}。{hint_zh}",
    )


# ---------------------------------------------------------------- lesson 11: recurrent layers

_RECURRENT = {"SimpleRNN": SimpleRNN, "GRU": GRU, "LSTM": LSTM}
_GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def check_recurrent_params(kind, units, features, answer, bidirectional=False, language="en"):
    """Check the parameter count of SimpleRNN, GRU or LSTM(units) on `features` per step.

    Args:
        kind: 'SimpleRNN', 'GRU' or 'LSTM' (Keras 3's defaults: GRU with reset_after=True).
        units: the layer's units.
        features: the size of the input's last axis.
        answer: the learner's count; `...` for none yet.
        bidirectional: the layer wrapped in Bidirectional.
        language: 'en' or 'zh-CN', the language of the verdict.
    """
    _checked_language(language)
    if kind not in _RECURRENT:
        raise ValueError(f"kind must be one of {sorted(_RECURRENT)}; received {kind!r}.")
    layer = _built(_RECURRENT[kind], (None, None, features), units)
    one = layer.count_params()
    truth = 2 * one if bidirectional else one
    gates = _GATES[kind]
    shapes = ", ".join(f"{v.name.split('/')[-1]} {tuple(v.shape)}" for v in layer.weights)
    biases = 2 if kind == "GRU" else 1
    formula = f"{gates} x ({features} + {units} + {biases}) x {units} = {one:,}"
    called = f"Bidirectional({kind}({units}))" if bidirectional else f"{kind}({units})"
    twice = f", twice (a forward and a backward copy): {truth:,}" if bidirectional else ""
    rule_en = f"{kind}({units}) on {features} features has {shapes}: {formula}{twice}"
    twice_zh = f"，再乘 2（前向、后向各一份）：{truth:,}" if bidirectional else ""
    rule_zh = f"{kind}({units}) 读 {features} 个特征时有 {shapes}：{formula}{twice_zh}"
    if _is_missing(answer):
        return _say(
            UNANSWERED,
            language,
            f"replace ... with the number of parameters of {called} on {features} features.",
            f"把 ... 换成 {called} 读 {features} 个特征时的参数个数。",
        )
    if not _is_count(answer):
        return _say(
            WRONG,
            language,
            f"a parameter count is a whole number; you answered {answer!r}.",
            f"参数个数是一个整数；你的答案是 {answer!r}。",
        )
    if answer == truth:
        return _say(RIGHT, language, f"{rule_en}.", f"{rule_zh}。")
    hint_en = hint_zh = ""
    others = {
        other: _built(_RECURRENT[other], (None, None, features), units).count_params()
        for other in _RECURRENT
        if other != kind
    }
    if bidirectional and answer == one:
        hint_en = " Bidirectional holds two copies of the layer, one per direction."
        hint_zh = "Bidirectional 里有这个层的两份拷贝，每个方向一份。"
    elif kind == "GRU" and answer in (
        3 * (features + units + 1) * units,
        2 * 3 * (features + units + 1) * units,
    ):
        hint_en = (
            " Keras 3's GRU has reset_after=True: its bias has shape (2, 3 x units), "
            "one row for the input and one for the recurrent side."
        )
        hint_zh = (
            "Keras 3 的 GRU 默认 reset_after=True：它的 bias 形状是 (2, 3 x units)，"
            "输入一侧一行，循环一侧一行。"
        )
    elif answer in (gates * (features + units) * units, 2 * gates * (features + units) * units):
        hint_en = " You left out the bias."
        hint_zh = "你漏掉了 bias。"
    elif answer in (gates * (features + biases) * units, 2 * gates * (features + biases) * units):
        hint_en = " You left out the recurrent_kernel, which multiplies h of the previous step."
        hint_zh = "你漏掉了 recurrent_kernel，它乘的是上一步的 h。"
    else:
        for other, count in others.items():
            if answer in (count, 2 * count):
                hint_en = f" That is the count of {other}({units}): {other} has {_GATES[other]} gate(s), {kind} has {gates}."
                hint_zh = f"这是 {other}({units}) 的参数个数：{other} 有 {_GATES[other]} 组门，{kind} 有 {gates} 组。"
                break
    return _say(
        WRONG,
        language,
        f"{rule_en}; you answered {answer:,}.{hint_en}",
        f"{rule_zh}；你的答案是 {answer:,}。{hint_zh}",
    )


# ---------------------------------------------------------------- lesson 12: pooling


def check_pooled_shape(input_shape, pool_size, answer, language="en"):
    """Check the output shape of `MaxPooling2D(pool_size)` (strides = pool_size, 'valid').

    Args:
        input_shape: (batch, height, width, channels), e.g. (None, 23, 23, 64).
        pool_size: an int or a pair.
        answer: the learner's shape; `...` for none yet.
        language: 'en' or 'zh-CN', the language of the verdict.
    """
    _checked_language(language)
    input_shape = tuple(input_shape)
    size = _pair(pool_size)
    with sandbox():
        truth = tuple(MaxPooling2D(size).compute_output_shape(input_shape))
    _, height, width, _ = input_shape
    rows = f"{height} // {size[0]} = {truth[1]}"
    columns = f"{width} // {size[1]} = {truth[2]}"
    rule_en = (
        f"MaxPooling2D({size}) keeps the largest number of each {size[0]}x{size[1]} window, "
        f"side by side: {rows} rows and {columns} columns, every channel on its own: "
        f"{input_shape} -> {truth}"
    )
    rule_zh = (
        f"MaxPooling2D({size}) 在每个互不重叠的 {size[0]}x{size[1]} 窗口里留下最大的那个数："
        f"{rows} 行、{columns} 列，每个通道各自计算：{input_shape} -> {truth}"
    )
    if _is_missing(answer):
        return _say(
            UNANSWERED,
            language,
            f"replace ... with the output shape of MaxPooling2D({size}) on {input_shape}.",
            f"把 ... 换成 MaxPooling2D({size}) 作用在 {input_shape} 上的输出形状。",
        )
    shape = _as_shape(answer)
    if shape is None:
        return _say(
            WRONG,
            language,
            f"a shape is a tuple of sizes such as {truth}; you answered {answer!r}.",
            f"形状是由各维大小组成的元组，比如 {truth}；你的答案是 {answer!r}。",
        )
    if shape == truth:
        return _say(RIGHT, language, f"{rule_en}.", f"{rule_zh}。")
    hint_en = hint_zh = ""
    rounded_up = (input_shape[0], -(-height // size[0]), -(-width // size[1]), input_shape[3])
    if shape == rounded_up and rounded_up != truth:
        hint_en = (
            " A window that does not fit is left out (padding='valid'): the last row and "
            "column of an odd size are dropped, not pooled on their own."
        )
        hint_zh = "放不下的窗口会被舍弃（padding='valid'）：尺寸为奇数时，最后一行和最后一列被丢掉，不会单独池化。"
    elif shape[-1:] != truth[-1:]:
        hint_en = " Pooling keeps the channels: it has no filters and no weights."
        hint_zh = "池化保留通道数：它没有滤波器，也没有权重。"
    return _say(
        WRONG,
        language,
        f"{rule_en}; you answered {shape}.{hint_en}",
        f"{rule_zh}；你的答案是 {shape}。{hint_zh}",
    )
