"""grad_check on every op of kerastutor.ops, every loss and every layer.

Each backward rule is compared with central differences in float64
(kerastutor.utils.grad_check). The layers include LSTM with masks and
initial_state, Conv2D with both paddings and strides, Embedding, the merge
layers, and a shared layer inside a model.
"""

import numpy as np
import pytest

from kerastutor import layers as L
from kerastutor import losses, ops
from kerastutor.autodiff import data_of, record
from kerastutor.layers import (
    LSTM,
    Activation,
    Add,
    Concatenate,
    Conv2D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    Input,
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
    ("conv2d", ops.conv2d, [normal(2, 5, 6, 2), normal(3, 2, 2, 3)], {"padding": "same"}),
    (
        "conv2d",
        ops.conv2d,
        [normal(2, 6, 5, 2), normal(3, 3, 2, 2)],
        {"strides": (2, 2), "padding": "same"},
    ),
    ("conv2d", ops.conv2d, [normal(1, 7, 6, 1), normal(2, 3, 1, 2)], {"strides": (2, 1)}),
    ("relu", ops.relu, away_from(normal(3, 4), [0.0]), {}),
    ("sigmoid", ops.sigmoid, 3 * normal(3, 4), {}),
    ("tanh", ops.tanh, normal(3, 4), {}),
    ("softplus", ops.softplus, 5 * normal(3, 4), {}),
    ("softmax", ops.softmax, normal(3, 4), {}),
    ("softmax", ops.softmax, normal(3, 4), {"axis": 0}),
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
    ("take", ops.take, [normal(5, 3), np.array([[0, 4], [4, 2]])], {}),
    ("where", ops.where, [normal(3, 4) > 0, normal(3, 4), normal(3, 4)], {}),
    ("stack", ops.stack, [[normal(2, 3), normal(2, 3)]], {"axis": 1}),
    ("slice_axis", ops.slice_axis, [normal(2, 5, 3), 1, 4], {"axis": 1}),
]

# Helpers in ops.__all__ that compute no tensor, so have no gradient to check.
NOT_DIFFERENTIABLE = {"conv_padding"}


def test_every_op_has_a_gradient_check():
    assert {name for name, *_ in OP_CASES} | NOT_DIFFERENTIABLE == set(ops.__all__)


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
    ("flatten", lambda: Flatten(), normal(2, 3, 2), {}),
    ("dropout_inference", lambda: Dropout(0.5), normal(2, 3), {"training": False}),
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
