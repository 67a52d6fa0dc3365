"""grad_check on every op of kerastutor.ops, every loss and every layer.

Each backward rule is compared with central differences in float64
(kerastutor.utils.grad_check). The layers include LSTM with masks and
initial_state, Conv2D with both paddings and strides, Embedding, the merge
layers, and a shared layer inside a model.
"""

import numpy as np
import pytest

from kerastutor import autodiff, initializers, losses, ops
from kerastutor import layers as L
from kerastutor.autodiff import Tensor, Variable, data_of, record, record_outputs
from kerastutor.layers import (
    GRU,
    LSTM,
    RNN,
    Activation,
    Add,
    Bidirectional,
    Concatenate,
    Conv2D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    GRUCell,
    Input,
    LSTMCell,
    Masking,
    RepeatVector,
    SimpleRNN,
    SimpleRNNCell,
    StackedRNNCells,
    TimeDistributed,
    concatenate,
)
from kerastutor.models import Model
from kerastutor.utils import grad_check
from kerastutor.utils.grad_check import GradientCheckError

rng = np.random.default_rng(42)


def normal(*shape):
    return rng.normal(size=shape)


def away_from(values, points, gap=0.05):
    """Move values at least `gap` away from kinks (relu at 0, clip's bounds)."""
    for point in points:
        close = np.abs(values - point) < gap
        values[close] = point + np.where(values[close] >= point, gap, -gap) * 2
    return values


def positive(*shape):
    return rng.uniform(0.5, 2.0, size=shape)


# (op, positional inputs, keyword arguments)
OP_CASES = [
    ("add", ops.add, [normal(2, 3), normal(3)], {}),
    ("subtract", ops.subtract, [normal(2, 3), normal(2, 1)], {}),
    ("multiply", ops.multiply, [normal(2, 3), normal(1, 3)], {}),
    ("divide", ops.divide, [normal(2, 3), positive(2, 3)], {}),
    ("negative", ops.negative, normal(2, 3), {}),
    ("matmul", ops.matmul, [normal(2, 4, 3), normal(3, 5)], {}),
    ("matmul", ops.matmul, [normal(2, 4, 3), normal(2, 3, 5)], {}),
    ("matmul", ops.matmul, [normal(4, 3), normal(2, 3, 5)], {}),
    ("matmul", ops.matmul, [normal(2, 1, 4, 3), normal(3, 3, 2)], {}),
    ("matmul", ops.matmul, [normal(3), normal(2, 3, 4)], {}),
    ("matmul", ops.matmul, [normal(2, 4, 3), normal(3)], {}),
    ("matmul", ops.matmul, [normal(3), normal(3)], {}),
    ("conv2d", ops.conv2d, [normal(2, 5, 6, 2), normal(3, 2, 2, 3)], {"padding": "same"}),
    (
        "conv2d",
        ops.conv2d,
        [normal(2, 6, 5, 2), normal(3, 3, 2, 2)],
        {"strides": (2, 2), "padding": "same"},
    ),
    ("conv2d", ops.conv2d, [normal(1, 7, 6, 1), normal(2, 3, 1, 2)], {"strides": (2, 1)}),
    ("conv", ops.conv, [normal(2, 7, 3), normal(3, 3, 2)], {"strides": 2, "padding": "same"}),
    (
        "conv",
        ops.conv,
        [normal(2, 8, 2), normal(2, 2, 3)],
        {"padding": "causal", "dilation_rate": 3},
    ),
    ("conv", ops.conv, [normal(2, 6, 6, 2), normal(2, 3, 2, 2)], {"dilation_rate": (2, 1)}),
    ("conv", ops.conv, [normal(2, 5, 4, 4), normal(3, 3, 2, 6)], {"padding": "same"}),  # groups=2
    ("depthwise_conv", ops.depthwise_conv, [normal(2, 5, 5, 2), normal(3, 3, 2, 2)], {}),
    (
        "depthwise_conv",
        ops.depthwise_conv,
        [normal(1, 6, 5, 3), normal(2, 3, 3, 1)],
        {"strides": 2, "padding": "same"},
    ),
    (
        "separable_conv",
        ops.separable_conv,
        [normal(2, 5, 5, 2), normal(3, 3, 2, 2), normal(1, 1, 4, 3)],
        {"padding": "same", "dilation_rate": 2},
    ),
    ("conv_transpose", ops.conv_transpose, [normal(2, 3, 4, 2), normal(3, 3, 3, 2)], {}),
    (
        "conv_transpose",
        ops.conv_transpose,
        [normal(2, 3, 3, 2), normal(3, 2, 2, 2)],
        {"strides": 2, "padding": "same", "output_padding": 1},
    ),
    (
        "conv_transpose",
        ops.conv_transpose,
        [normal(1, 5, 3), normal(3, 2, 3)],
        {"strides": 1, "dilation_rate": 2},
    ),
    ("max_pool", ops.max_pool, normal(2, 5, 4, 3), {"pool_size": 2}),
    (
        "max_pool",
        ops.max_pool,
        normal(2, 6, 5, 2),
        {"pool_size": (3, 2), "strides": (2, 1), "padding": "same"},
    ),
    ("max_pool", ops.max_pool, normal(2, 7, 3), {"pool_size": 3, "strides": 2}),
    ("average_pool", ops.average_pool, normal(2, 5, 4, 3), {"pool_size": 2}),
    (
        "average_pool",
        ops.average_pool,
        normal(2, 5, 5, 2),
        {"pool_size": 3, "strides": 2, "padding": "same"},
    ),
    ("average_pool", ops.average_pool, normal(1, 7, 2), {"pool_size": 2, "padding": "same"}),
    ("relu", ops.relu, away_from(normal(3, 4), [0.0]), {}),
    ("sigmoid", ops.sigmoid, 3 * normal(3, 4), {}),
    ("tanh", ops.tanh, normal(3, 4), {}),
    ("softplus", ops.softplus, 5 * normal(3, 4), {}),
    ("softmax", ops.softmax, normal(3, 4), {}),
    ("softmax", ops.softmax, normal(3, 4), {"axis": 0}),
    ("gelu", ops.gelu, 2 * normal(3, 4), {}),
    ("gelu", ops.gelu, 2 * normal(3, 4), {"approximate": False}),
    ("silu", ops.silu, 3 * normal(3, 4), {}),
    ("swish", ops.swish, normal(2, 3), {}),
    ("elu", ops.elu, away_from(normal(3, 4), [0.0]), {}),
    ("elu", ops.elu, away_from(normal(3, 4), [0.0]), {"alpha": 0.5}),
    ("selu", ops.selu, away_from(normal(3, 4), [0.0]), {}),
    ("leaky_relu", ops.leaky_relu, away_from(normal(3, 4), [0.0]), {}),
    ("leaky_relu", ops.leaky_relu, away_from(normal(3, 4), [0.0]), {"negative_slope": 0.01}),
    ("softsign", ops.softsign, away_from(normal(3, 4), [0.0]), {}),
    ("hard_sigmoid", ops.hard_sigmoid, away_from(4 * normal(3, 4), [-3.0, 3.0]), {}),
    ("log_softmax", ops.log_softmax, normal(3, 4), {}),
    ("relu6", ops.relu6, away_from(4 * normal(3, 4), [0.0, 6.0]), {}),
    ("hard_silu", ops.hard_silu, away_from(4 * normal(3, 4), [-3.0, 3.0]), {}),
    ("hard_swish", ops.hard_swish, normal(2, 3), {}),
    ("log_sigmoid", ops.log_sigmoid, 5 * normal(3, 4), {}),
    ("log_softmax", ops.log_softmax, normal(3, 4, 2), {"axis": 1}),
    ("exp", ops.exp, normal(3, 4), {}),
    ("log", ops.log, positive(3, 4), {}),
    ("square", ops.square, normal(3, 4), {}),
    ("sqrt", ops.sqrt, positive(3, 4), {}),
    ("abs", ops.abs, away_from(normal(3, 4), [0.0]), {}),
    ("clip", ops.clip, [away_from(normal(3, 4), [-0.5, 0.5]), -0.5, 0.5], {}),
    ("sum", ops.sum, normal(3, 4), {}),
    ("sum", ops.sum, normal(3, 4, 2), {"axis": 1, "keepdims": True}),
    ("mean", ops.mean, normal(3, 4), {"axis": 0}),
    ("maximum", ops.maximum, [normal(3, 4), normal(3, 4)], {}),
    ("reshape", ops.reshape, [normal(2, 3, 2), (3, 4)], {}),
    ("transpose", ops.transpose, [normal(2, 3, 4), (2, 0, 1)], {}),
    ("concatenate", ops.concatenate, [[normal(2, 3), normal(2, 1)]], {"axis": 1}),
    ("split", ops.split, [normal(2, 5), [2, 3]], {"axis": -1}),
    ("split", ops.split, [normal(2, 6), 3], {"axis": 1}),
    ("take", ops.take, [normal(5, 3), np.array([[0, 4], [4, 2]])], {}),
    ("take", ops.take, [normal(2, 5, 3), np.array([[0, 4], [4, 4]])], {"axis": 1}),
    ("take", ops.take, [normal(3, 4), np.array([11, 0, 11])], {"axis": None}),
    ("where", ops.where, [normal(3, 4) > 0, normal(3, 4), normal(3, 4)], {}),
    ("stack", ops.stack, [[normal(2, 3), normal(2, 3)]], {"axis": 1}),
    ("slice_axis", ops.slice_axis, [normal(2, 5, 3), 1, 4], {"axis": 1}),
    ("cast", ops.cast, [normal(2, 3), "float64"], {}),
    ("power", ops.power, [positive(2, 3), normal(2, 3)], {}),
    ("power", ops.power, [normal(2, 3), 3.0], {}),
    ("mod", ops.mod, [np.array([[0.3, 2.6, -1.7]]), np.array([[1.1], [-2.3]])], {}),
    ("einsum", ops.einsum, ["ij,jk->ik", normal(2, 3), normal(3, 4)], {}),
    ("einsum", ops.einsum, ["bij,bkj", normal(2, 3, 4), normal(2, 5, 4)], {}),
    ("einsum", ops.einsum, ["...ij,j->...i", normal(2, 2, 3), normal(3)], {}),
    ("einsum", ops.einsum, ["ij->i", normal(3, 4)], {}),
    ("einsum", ops.einsum, ["i,j->ij", normal(3), normal(2)], {}),
    ("minimum", ops.minimum, [normal(3, 4), normal(4)], {}),
    ("log1p", ops.log1p, positive(3, 4), {}),
    ("expm1", ops.expm1, normal(3, 4), {}),
    ("max", ops.max, normal(3, 4), {}),
    ("max", ops.max, normal(3, 4, 2), {"axis": (0, 2), "keepdims": True}),
    ("max", ops.max, normal(3, 4), {"axis": -1, "initial": 0.5}),
    ("min", ops.min, normal(3, 4), {"axis": 0}),
    ("prod", ops.prod, positive(3, 4), {"axis": 1}),
    ("prod", ops.prod, np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 2.0]]), {}),
    ("prod", ops.prod, np.array([[0.0, 2.0, 3.0], [1.5, 0.5, 2.0]]), {"axis": 1}),
    ("var", ops.var, normal(3, 4), {"axis": 0}),
    ("std", ops.std, normal(3, 4), {}),
    ("std", ops.std, normal(3, 4, 2), {"axis": (1, 2), "keepdims": True}),
    ("norm", ops.norm, normal(3, 4), {}),
    ("norm", ops.norm, normal(3, 4), {"axis": 1, "keepdims": True}),
    ("norm", ops.norm, away_from(normal(3, 4), [0.0]), {"ord": 1, "axis": 0}),
    ("norm", ops.norm, normal(5), {"ord": np.inf}),
    ("cumsum", ops.cumsum, normal(3, 4), {"axis": 1}),
    ("cumsum", ops.cumsum, normal(3, 4), {}),
    ("expand_dims", ops.expand_dims, [normal(2, 3), (0, -1)], {}),
    ("squeeze", ops.squeeze, normal(2, 1, 3, 1), {"axis": -1}),
    ("flip", ops.flip, normal(2, 3, 2), {"axis": (0, 2)}),
    ("tile", ops.tile, [normal(2, 3), (2, 1, 3)], {}),
    ("repeat", ops.repeat, [normal(2, 3), np.array([2, 0, 3])], {"axis": 1}),
    ("repeat", ops.repeat, [normal(2, 2), 2], {}),
    ("pad", ops.pad, [normal(2, 3), ((1, 2), (0, 1))], {"constant_values": 3.0}),
    ("pad", ops.pad, [normal(3, 4), ((2, 1), (3, 2))], {"mode": "reflect"}),
    ("pad", ops.pad, [normal(3, 4), 2], {"mode": "symmetric"}),
    ("pad", ops.pad, [normal(2, 3), ((1, 1), (2, 0))], {"mode": "edge"}),
    (
        "take_along_axis",
        ops.take_along_axis,
        [normal(3, 4), np.array([[0, 0], [3, 1], [2, 2]])],
        {"axis": 1},
    ),
    ("take_along_axis", ops.take_along_axis, [normal(3, 4), np.array([5, 5, 0])], {}),
    ("sort", ops.sort, normal(3, 4), {}),
    ("sort", ops.sort, normal(3, 4), {"axis": 0}),
    ("convert_to_tensor", ops.convert_to_tensor, normal(2, 3), {}),
    ("get_item", ops.get_item, [normal(3, 4), (slice(None), 1)], {}),
    ("get_item", ops.get_item, [normal(3, 4, 2), (Ellipsis, None, slice(1, 3), 0)], {}),
    ("get_item", ops.get_item, [normal(4, 3), np.array([0, 2, 0, 0])], {}),
    ("get_item", ops.get_item, [normal(3, 4), (slice(None), np.array([[1, 1], [3, 0]]))], {}),
]

# Functions in ops.__all__ left out of OP_CASES on purpose, each with the reason.
# A new op must land in one list or the other.
NOT_DIFFERENTIABLE = {
    "conv_padding": "computes padding sizes (Python ints), not a tensor",
    "conv_output_length": "computes an output length (a Python int), not a tensor",
    "conv_transpose_output_length": "computes an output length (a Python int), not a tensor",
    "shape": "returns a tuple of ints",
    "convert_to_numpy": "hands back a plain NumPy array: gradients stop there by design",
    "stop_gradient": "blocks the gradient: that is what it is for",
    "floor_divide": "a step function: its slope is zero wherever it is defined",
    "sign": "a step function: its slope is zero wherever it is defined",
    "argmax": "returns int32 positions",
    "argmin": "returns int32 positions",
    "argsort": "returns int32 positions",
    "one_hot": "turns integer class ids into constants",
    **{
        name: "returns True/False values"
        for name in (
            "equal",
            "not_equal",
            "greater",
            "greater_equal",
            "less",
            "less_equal",
            "logical_and",
            "logical_or",
            "logical_xor",
            "logical_not",
            "any",
            "all",
        )
    },
    **{
        name: "makes a new constant array; nothing flows back into a shape or a value"
        for name in ("zeros", "ones", "full", "zeros_like", "ones_like", "full_like", "arange")
    },
}


def test_every_op_has_a_gradient_check_or_a_reason_not_to():
    checked = {name for name, *_ in OP_CASES}
    assert checked | set(NOT_DIFFERENTIABLE) == set(ops.__all__)
    assert not checked & set(NOT_DIFFERENTIABLE)


# How to call each excluded function on a watched tensor x.
EXCLUDED_CALLS = {
    "conv_padding": lambda x: ops.conv_padding(5, 3, 1, "same"),
    "conv_output_length": lambda x: ops.conv_output_length(5, 3, 2, "valid"),
    "conv_transpose_output_length": lambda x: ops.conv_transpose_output_length(5, 3, 2, "same"),
    "zeros": lambda x: ops.zeros(x.shape),
    "ones": lambda x: ops.ones(x.shape),
    "full": lambda x: ops.full(x.shape, x),
    "full_like": lambda x: ops.full_like(x, 2.0),
    "arange": lambda x: ops.arange(3),
    "one_hot": lambda x: ops.one_hot(ops.argmax(x, axis=-1), 4),
}
BINARY = {"floor_divide", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal"}
BINARY |= {"logical_and", "logical_or", "logical_xor"}


@pytest.mark.parametrize("name", sorted(NOT_DIFFERENTIABLE))
def test_excluded_functions_record_nothing(name):
    x = Variable(normal(2, 3), name="x")
    with autodiff.watch([x]):
        if name in EXCLUDED_CALLS:
            out = EXCLUDED_CALLS[name](x)
        elif name in BINARY:
            out = getattr(ops, name)(x, x)
        else:
            out = getattr(ops, name)(x)
    assert not isinstance(out, Tensor)


@pytest.mark.parametrize(
    "name, op, inputs, kwargs", OP_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(OP_CASES)]
)
def test_op_gradients(name, op, inputs, kwargs):
    report = grad_check(op, inputs, kwargs=kwargs)
    assert report and max(report.values()) < 1e-6


# ---------------------------------------------------------------- losses


def softmax_rows(*shape):
    z = np.exp(normal(*shape))
    return z / z.sum(-1, keepdims=True)


LOSS_CASES = [
    ("mse", normal(4, 3), normal(4, 3), {}),
    ("mae", normal(4, 3), away_from(normal(4, 3), [0.0]), {}),
    ("binary_crossentropy", (normal(4, 2) > 0) * 1.0, rng.uniform(0.1, 0.9, (4, 2)), {}),
    ("binary_crossentropy", (normal(4, 2) > 0) * 1.0, normal(4, 2), {"from_logits": True}),
    ("categorical_crossentropy", np.eye(3)[[0, 2, 1, 1]], softmax_rows(4, 3), {}),
    ("categorical_crossentropy", np.eye(3)[[0, 2, 1, 1]], normal(4, 3), {"from_logits": True}),
    ("sparse_categorical_crossentropy", np.array([0, 2, 1, 1]), softmax_rows(4, 3), {}),
    (
        "sparse_categorical_crossentropy",
        np.array([[0, 2], [1, 1]]),
        normal(2, 2, 3),
        {"from_logits": True},
    ),
]


@pytest.mark.parametrize("name, y, p, kwargs", LOSS_CASES, ids=[c[0] for c in LOSS_CASES])
def test_loss_gradients(name, y, p, kwargs):
    loss = losses.get(name)
    if kwargs:
        loss = type(loss)(**kwargs)
    grad_check(lambda prediction: loss(y, prediction), p)


def test_masked_loss_gradient():
    mask = np.array([[True, False, True], [False, False, True]])
    grad_check(lambda p: losses.get("mse")(np.zeros((2, 3, 2)), p, mask=mask), normal(2, 3, 2))


# ---------------------------------------------------------------- layers


def ids(*shape, vocab=7, padded=False):
    values = rng.integers(1, vocab, size=shape)
    if padded:
        values[0, -2:] = 0
        values[-1, :2] = 0
    return values


LAYER_CASES = [
    ("dense", lambda: Dense(3, activation="tanh"), normal(4, 5), {}),
    ("dense_3d", lambda: Dense(2, activation="softmax"), normal(2, 3, 4), {}),
    ("dense_no_bias", lambda: Dense(2, use_bias=False), normal(3, 2), {}),
    ("embedding", lambda: Embedding(7, 3), ids(3, 4), {}),
    ("lstm", lambda: LSTM(3), normal(2, 4, 3), {}),
    (
        "lstm_sequences_state",
        lambda: LSTM(2, return_sequences=True, return_state=True),
        normal(2, 4, 3),
        {},
    ),
    ("lstm_backwards", lambda: LSTM(2, go_backwards=True), normal(2, 4, 3), {}),
    (
        "lstm_mask",
        lambda: LSTM(2, return_sequences=True),
        normal(3, 5, 2),
        {"mask": np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1], [1, 0, 1, 0, 1]], bool)},
    ),
    (
        "lstm_initial_state",
        lambda: LSTM(2, return_state=True),
        normal(2, 4, 3),
        {"initial_state": [normal(2, 2), normal(2, 2)]},
    ),
    (
        "lstm_mask_and_initial_state",
        lambda: LSTM(2, return_sequences=True),
        normal(2, 4, 3),
        {
            "mask": np.array([[1, 1, 0, 0], [0, 1, 1, 1]], bool),
            "initial_state": [normal(2, 2), normal(2, 2)],
        },
    ),
    ("simple_rnn", lambda: SimpleRNN(3), normal(2, 4, 3), {}),
    (
        "simple_rnn_mask_initial_state",
        lambda: SimpleRNN(2, return_sequences=True, return_state=True, go_backwards=True),
        normal(2, 4, 3),
        {"mask": np.array([[1, 1, 0, 0], [0, 1, 1, 1]], bool), "initial_state": [normal(2, 2)]},
    ),
    ("gru", lambda: GRU(3), normal(2, 4, 3), {}),
    (
        "gru_reset_before_mask",
        lambda: GRU(2, reset_after=False, return_sequences=True, return_state=True),
        normal(3, 5, 2),
        {"mask": np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1], [1, 0, 1, 0, 1]], bool)},
    ),
    (
        "gru_initial_state_backwards",
        lambda: GRU(2, go_backwards=True, return_sequences=True),
        normal(2, 4, 3),
        {"initial_state": [normal(2, 2)]},
    ),
    (
        "lstm_zero_output_for_mask",
        lambda: LSTM(2, return_sequences=True, zero_output_for_mask=True),
        normal(2, 4, 3),
        {"mask": np.array([[1, 1, 0, 1], [0, 1, 1, 0]], bool)},
    ),
    ("conv2d_valid", lambda: Conv2D(2, (3, 2)), normal(2, 5, 4, 2), {}),
    ("conv2d_same", lambda: Conv2D(2, (3, 3), padding="same"), normal(1, 4, 5, 2), {}),
    (
        "conv2d_valid_stride",
        lambda: Conv2D(3, (2, 3), strides=(2, 2), activation="relu"),
        normal(2, 6, 7, 1),
        {},
    ),
    (
        "conv2d_same_stride",
        lambda: Conv2D(2, 3, strides=2, padding="same", use_bias=False),
        normal(1, 6, 5, 2),
        {},
    ),
    ("concatenate", lambda: Concatenate(axis=1), [normal(2, 3, 2), normal(2, 1, 2)], {}),
    ("concatenate_last", lambda: Concatenate(), [normal(2, 3), normal(2, 2), normal(2, 1)], {}),
    ("add", lambda: Add(), [normal(2, 3), normal(2, 3), normal(2, 3)], {}),
    ("activation", lambda: Activation("tanh"), normal(2, 3), {}),
    ("relu_leak_cap", lambda: L.ReLU(max_value=0.8, negative_slope=0.3), normal(2, 5), {}),
    ("leaky_relu", lambda: L.LeakyReLU(negative_slope=0.2), normal(2, 5), {}),
    ("elu", lambda: L.ELU(alpha=0.5), normal(2, 4), {}),
    (
        "prelu",
        lambda: L.PReLU(alpha_initializer=initializers.Constant(0.25), shared_axes=1),
        normal(2, 3, 4),
        {},
    ),
    ("softmax_layer", lambda: L.Softmax(), normal(2, 4), {}),
    ("rescaling", lambda: L.Rescaling([0.5, -2.0, 3.0], offset=1.0), normal(2, 3), {}),
    (
        "normalization",
        lambda: L.Normalization(mean=[0.5, -1.0, 2.0], variance=[4.0, 1.0, 0.25]),
        normal(2, 3),
        {},
    ),
    ("activity_regularization", lambda: L.ActivityRegularization(0.1, 0.2), normal(2, 3), {}),
    (
        "softmax_masked",
        lambda: L.Softmax(),
        normal(2, 4),
        {"mask": np.array([[1, 1, 0, 1], [0, 1, 1, 0]], bool)},
    ),
    ("flatten", lambda: Flatten(), normal(2, 3, 2), {}),
    ("dropout_inference", lambda: Dropout(0.5), normal(2, 3), {"training": False}),
    (
        "conv2d_dilated_groups",
        lambda: Conv2D(4, 2, dilation_rate=2, groups=2),
        normal(2, 5, 5, 4),
        {},
    ),
    ("conv1d_causal", lambda: L.Conv1D(2, 3, padding="causal"), normal(2, 5, 3), {}),
    ("conv1d_strided_same", lambda: L.Conv1D(3, 2, strides=2, padding="same"), normal(2, 7, 2), {}),
    (
        "conv2d_transpose",
        lambda: L.Conv2DTranspose(2, 3, strides=2, padding="same"),
        normal(2, 3, 3, 2),
        {},
    ),
    (
        "conv2d_transpose_dilated",
        lambda: L.Conv2DTranspose(2, 2, dilation_rate=2),
        normal(1, 3, 4, 2),
        {},
    ),
    ("depthwise_conv2d", lambda: L.DepthwiseConv2D(3, depth_multiplier=2), normal(2, 5, 4, 2), {}),
    ("separable_conv2d", lambda: L.SeparableConv2D(3, 2, padding="same"), normal(2, 4, 4, 2), {}),
    ("max_pooling1d", lambda: L.MaxPooling1D(2, strides=1), normal(2, 5, 3), {}),
    ("max_pooling2d_same", lambda: L.MaxPooling2D(3, 2, padding="same"), normal(2, 5, 4, 2), {}),
    ("average_pooling1d_same", lambda: L.AveragePooling1D(3, padding="same"), normal(2, 7, 2), {}),
    ("average_pooling2d", lambda: L.AveragePooling2D((2, 3)), normal(2, 4, 6, 2), {}),
    ("global_max_pooling1d", lambda: L.GlobalMaxPooling1D(), normal(2, 5, 3), {}),
    (
        "global_max_pooling2d_keepdims",
        lambda: L.GlobalMaxPooling2D(keepdims=True),
        normal(2, 3, 4, 2),
        {},
    ),
    (
        "global_average_pooling1d_mask",
        lambda: L.GlobalAveragePooling1D(),
        normal(2, 4, 3),
        {"mask": np.array([[1, 1, 0, 1], [0, 1, 0, 0]], bool)},
    ),
    ("global_average_pooling2d", lambda: L.GlobalAveragePooling2D(), normal(2, 3, 4, 2), {}),
    ("bidirectional_concat", lambda: Bidirectional(LSTM(2)), normal(2, 4, 3), {}),
    *[
        (
            f"bidirectional_sequences_state_{mode}",
            lambda mode=mode: Bidirectional(
                LSTM(2, return_sequences=True, return_state=True), merge_mode=mode
            ),
            normal(2, 4, 3),
            {},
        )
        for mode in ("sum", "mul", "ave", None)
    ],
    (
        "bidirectional_mask",
        lambda: Bidirectional(LSTM(2, return_sequences=True)),
        normal(3, 5, 2),
        {"mask": np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1], [1, 0, 1, 0, 1]], bool)},
    ),
    (
        "bidirectional_initial_state",
        lambda: Bidirectional(LSTM(2, return_state=True)),
        normal(2, 4, 3),
        {"initial_state": [normal(2, 2) for _ in range(4)]},
    ),
    (
        "bidirectional_gru_mask",
        lambda: Bidirectional(GRU(2, return_sequences=True, return_state=True)),
        normal(3, 5, 2),
        {"mask": np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1], [1, 0, 1, 0, 1]], bool)},
    ),
    (
        "bidirectional_simple_rnn_initial_state",
        lambda: Bidirectional(SimpleRNN(2), merge_mode="ave"),
        normal(2, 4, 3),
        {"initial_state": [normal(2, 2), normal(2, 2)]},
    ),
    ("time_distributed_dense", lambda: TimeDistributed(Dense(2)), normal(2, 3, 4), {}),
    (
        "time_distributed_conv2d",
        lambda: TimeDistributed(Conv2D(2, 2)),
        normal(2, 3, 4, 4, 1),
        {},
    ),
    ("repeat_vector", lambda: RepeatVector(3), normal(2, 4), {}),
    # Away from padding (where a nudge would change the mask) Masking is the identity.
    ("masking", lambda: Masking(), normal(2, 4, 3), {}),
    # --- shape, normalization and merging (issue 11)
    ("reshape", lambda: L.Reshape((-1, 2)), normal(2, 3, 2), {}),
    ("permute", lambda: L.Permute((2, 3, 1)), normal(2, 3, 2, 2), {}),
    ("flatten_channels_first", lambda: Flatten(data_format="channels_first"), normal(2, 3, 2), {}),
    ("up_sampling1d", lambda: L.UpSampling1D(2), normal(2, 3, 2), {}),
    ("up_sampling2d", lambda: L.UpSampling2D((2, 3)), normal(1, 2, 2, 2), {}),
    ("zero_padding1d", lambda: L.ZeroPadding1D((2, 1)), normal(2, 3, 2), {}),
    ("zero_padding2d", lambda: L.ZeroPadding2D(((1, 0), (0, 2))), normal(1, 2, 3, 2), {}),
    ("cropping1d", lambda: L.Cropping1D((1, 2)), normal(2, 5, 2), {}),
    ("cropping2d", lambda: L.Cropping2D(((1, 0), (1, 1))), normal(1, 3, 4, 2), {}),
    ("lambda", lambda: L.Lambda(ops.tanh), normal(2, 3), {}),
    ("batch_normalization_training", L.BatchNormalization, normal(4, 3), {"training": True}),
    ("batch_normalization_inference", L.BatchNormalization, normal(4, 3), {"training": False}),
    (
        "batch_normalization_axis1_mask",
        lambda: L.BatchNormalization(axis=-1, momentum=0.5),
        normal(3, 4, 2),
        {"training": True, "mask": np.array([[1, 1, 0, 0], [1, 1, 1, 1], [0, 1, 0, 1]], bool)},
    ),
    ("layer_normalization", L.LayerNormalization, normal(3, 4), {}),
    ("layer_normalization_axes", lambda: L.LayerNormalization(axis=[1, 2]), normal(2, 3, 2), {}),
    ("group_normalization", lambda: L.GroupNormalization(groups=2), normal(2, 3, 4), {}),
    (
        "group_normalization_axis_1",
        lambda: L.GroupNormalization(groups=1, axis=1),
        normal(2, 2, 3),
        {},
    ),
    ("unit_normalization", L.UnitNormalization, normal(3, 4), {}),
    ("subtract", lambda: L.Subtract(), [normal(2, 3), normal(2, 3)], {}),
    ("multiply", lambda: L.Multiply(), [normal(2, 3, 2), normal(2, 2), normal(2, 3, 2)], {}),
    ("average", lambda: L.Average(), [normal(2, 3), normal(2, 3)], {}),
    ("maximum", lambda: L.Maximum(), [normal(2, 3), normal(2, 3), normal(2, 3)], {}),
    ("minimum", lambda: L.Minimum(), [normal(2, 3), normal(2, 3)], {}),
    (
        "multiply_masked",
        lambda: L.Multiply(),
        [normal(2, 3, 2), normal(2, 3, 2)],
        {"mask": [np.array([[1, 0, 1], [0, 0, 1]], bool), np.array([[1, 1, 0], [0, 0, 1]], bool)]},
    ),
    (
        "maximum_masked",
        lambda: L.Maximum(),
        [normal(2, 3, 2), normal(2, 3, 2)],
        {"mask": [np.array([[1, 0, 1], [0, 1, 1]], bool), None]},
    ),
    ("dot", lambda: L.Dot(axes=(2, 2)), [normal(2, 3, 4), normal(2, 2, 4)], {}),
    ("dot_normalize", lambda: L.Dot(axes=1, normalize=True), [normal(2, 4), normal(2, 4)], {}),
]


@pytest.mark.parametrize("name, make, inputs, kwargs", LAYER_CASES, ids=[c[0] for c in LAYER_CASES])
def test_layer_gradients(name, make, inputs, kwargs):
    layer = make()
    before = [w.copy() for w in layer.get_weights()] if layer.built else None
    report = grad_check(layer, inputs, kwargs=kwargs)
    assert all(w.name in report for w in layer.trainable_weights)
    assert max(report.values()) < 1e-6  # float64 agreement; float32 would give ~1e-3
    # grad_check computes in float64 but gives the layer back as it was.
    assert layer.dtype == "float32" and all(w.dtype == np.float32 for w in layer.get_weights())
    if before is not None:
        for a, b in zip(before, layer.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)


RNN_CELL_CASES = [
    ("lstm_cell", lambda: RNN(LSTMCell(2, dtype="float64"), return_sequences=True), {}),
    (
        "stacked_cells_mask",
        lambda: RNN(
            StackedRNNCells(
                [GRUCell(2, reset_after=False, dtype="float64"), SimpleRNNCell(2, dtype="float64")],
                dtype="float64",
            ),
            return_state=True,
        ),
        {"mask": np.array([[1, 1, 0, 1], [0, 1, 1, 1]], bool)},
    ),
]


@pytest.mark.parametrize("name, make, kwargs", RNN_CELL_CASES, ids=[c[0] for c in RNN_CELL_CASES])
def test_rnn_of_cells(name, make, kwargs):
    # grad_check casts the layer it is given to float64, not the cells inside
    # it, so these cells are made in float64.
    layer = make()
    report = grad_check(layer, normal(2, 4, 3), kwargs=kwargs)
    assert all(w.name in report for w in layer.trainable_weights) and len(report) > 3
    assert max(report.values()) < 1e-6


@pytest.mark.parametrize("layer_class", [SimpleRNN, GRU, LSTM])
def test_recurrent_dropout_in_training_with_fixed_masks(layer_class):
    # A fresh layer with the same seed draws the same masks: one per sequence.
    def run(x):
        layer = layer_class(2, dropout=0.4, recurrent_dropout=0.4, seed=5, dtype="float64")
        layer.build((None, 4, 3))
        layer.set_weights([np.linspace(-1, 1, w.data.size).reshape(w.shape) for w in layer.weights])
        return layer(x, training=True)

    grad_check(run, normal(2, 4, 3))


def test_dropout_in_training_with_a_fixed_mask():
    # A fresh layer with the same seed draws the same mask on every call.
    grad_check(lambda x: Dropout(0.5, seed=3, dtype="float64")(x, training=True), normal(3, 4))


def test_shared_lstm_in_the_two_tweets_model():
    a, b = Input(shape=(4, 3)), Input(shape=(4, 3))
    shared = LSTM(2)
    model = Model([a, b], Dense(1, activation="sigmoid")(concatenate([shared(a), shared(b)])))
    report = grad_check(model, [normal(2, 4, 3), normal(2, 4, 3)])
    assert {"lstm/kernel", "lstm/recurrent_kernel", "lstm/bias", "inputs[0]", "inputs[1]"} <= set(
        report
    )


def test_masked_embedding_lstm_model():
    x = Input(shape=(5,), dtype="int32")
    h = Embedding(7, 3, mask_zero=True)(x)
    model = Model(x, Dense(2)(LSTM(2, return_sequences=True)(h)))
    grad_check(model, ids(3, 5, padded=True))


def test_masked_embedding_bidirectional_model_casts_the_wrapped_weights():
    x = Input(shape=(5,), dtype="int32")
    h = Embedding(7, 3, mask_zero=True)(x)
    h = Bidirectional(LSTM(2, return_sequences=True), merge_mode="sum")(h)
    model = Model(x, TimeDistributed(Dense(2))(h))
    report = grad_check(model, ids(3, 5, padded=True))
    # The weights inside the wrappers are checked in float64 too (else ~1e-3).
    assert report["forward_lstm/kernel"] < 1e-6 and report["backward_lstm/bias"] < 1e-6
    assert all(w.dtype == np.float32 for w in model.get_weights())


def test_time_distributed_nested_model_and_masking():
    frame = Input(shape=(2, 2, 1))
    per_frame = Model(frame, Dense(3)(Flatten()(frame)))
    video = Input(shape=(3, 2, 2, 1))
    model = Model(video, TimeDistributed(per_frame)(video))
    grad_check(model, normal(2, 3, 2, 2, 1))
    assert per_frame.inputs[0].dtype == "float32"  # given back as it was
    # Whole numbers with padded (all-zero) steps: an integer input is not
    # nudged (that would move the mask), but the LSTM's weights are checked.
    x = Input(shape=(4, 3))
    model = Model(x, LSTM(2)(Masking()(x)))
    steps = rng.integers(1, 4, size=(2, 4, 3))
    steps[0, 1] = steps[1, 3] = 0
    report = grad_check(model, steps)
    assert "input" not in report and report["lstm/kernel"] < 1e-6


def test_seq2seq_initial_state_inside_a_model():
    encoder_inputs = Input(shape=(None, 3))
    _, h, c = LSTM(2, return_state=True)(encoder_inputs)
    decoder_inputs = Input(shape=(None, 2))
    decoded = LSTM(2, return_sequences=True)(decoder_inputs, initial_state=[h, c])
    model = Model([encoder_inputs, decoder_inputs], Dense(2, activation="softmax")(decoded))
    report = grad_check(model, [normal(2, 4, 3), normal(2, 3, 2)])
    assert report["lstm/kernel"] < 1e-6  # the encoder's weights get their gradient


def test_a_function_calling_a_layer_checks_the_weights_passed():
    layer = Dense(2)
    layer.build((None, 3))
    report = grad_check(lambda x: ops.tanh(layer(x)), normal(2, 3), weights=layer)
    assert set(report) == {"argument 0", "dense/kernel", "dense/bias"}


# ---------------------------------------------------------------- failures


def wrong_cube(x):
    """x ** 3 with a wrong backward rule: 2x instead of 3x^2."""
    x_data = data_of(x)
    return record(x_data**3, (x,), lambda g: (g * 2 * x_data,), "wrong_cube")


def test_a_wrong_rule_is_reported_with_function_argument_and_index():
    with pytest.raises(
        GradientCheckError, match=r"wrong_cube, argument 'argument 0' at index \(0, 0\)"
    ):
        grad_check(wrong_cube, normal(2, 2))


def test_failure_names_a_layer_weight():
    class Broken(Dense):
        def call(self, inputs):
            kernel = record(self.kernel.data, (self.kernel,), lambda g: (0 * g,), "stop")
            return ops.matmul(inputs, kernel)

    with pytest.raises(
        GradientCheckError, match=r"layer 'broken' \(Broken\), argument 'broken/kernel'"
    ):
        grad_check(Broken(2), normal(3, 2))


def test_max_checks_limits_the_entries():
    report = grad_check(ops.tanh, normal(50, 40), max_checks=5)
    assert list(report) == ["argument 0"]


def test_an_op_with_several_outputs_records_one_backward():
    """record_outputs: two outputs, one rule, called once with both gradients."""
    calls = []

    def sin_and_square(x):
        x_data = data_of(x)

        def backward(d_sin, d_square):
            calls.append(1)
            return (d_sin * np.cos(x_data) + d_square * 2 * x_data,)

        return record_outputs((np.sin(x_data), x_data**2), (x,), backward, "sin_and_square")

    report = grad_check(sin_and_square, normal(3, 2))
    assert max(report.values()) < 1e-6
    assert calls == [1]
    # An output the loss does not use gets a zero gradient.
    grad_check(lambda x: sin_and_square(x)[1], normal(2, 2))
