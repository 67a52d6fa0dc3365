"""ReLU, LeakyReLU, PReLU, ELU and Softmax as layers: numbers, masks, configs, errors.

The behaviour checked follows Keras 3's own activation-layer tests
(keras/src/layers/activations/*_test.py); numbers against real Keras are in
the golden cases `activation_layer_classes` and `masked_softmax`.
"""

import json
import warnings

import numpy as np
import pytest

from kerastutor import layers as L
from kerastutor.models import Model, Sequential


def np_relu(x, max_value=None, negative_slope=0.0, threshold=0.0):
    out = np.where(x > threshold, x, negative_slope * (x - threshold))
    return out if max_value is None else np.minimum(out, max_value)


# ------------------------------------------------------------------ ReLU


@pytest.mark.parametrize(
    "kwargs, inputs, expected",
    [
        ({}, [-3.0, -1.0, 0.0, 1.0, 3.0], [0.0, 0.0, 0.0, 1.0, 3.0]),
        ({"max_value": 10}, [-10, -5, 0.0, 5, 10], [0.0, 0.0, 0.0, 5.0, 10.0]),
        ({"max_value": 10, "negative_slope": 0.5}, [-10, -5, 0.0, 5, 10], [-5, -2.5, 0, 5, 10]),
        ({"max_value": 8, "threshold": 5}, [6.0, 7.0, 0.0, 5, 10], [6.0, 7.0, 0.0, 0.0, 8.0]),
        ({"max_value": None}, [0.0, 100.0, 99999.0], [0.0, 100.0, 99999.0]),
    ],
)
def test_relu_numbers(kwargs, inputs, expected):
    out = L.ReLU(**kwargs)(np.array(inputs, dtype="float32"))
    np.testing.assert_allclose(out, expected)
    assert out.dtype == np.float32


def test_relu_is_built_at_creation_and_keeps_shapes():
    layer = L.ReLU()
    assert layer.built and layer.weights == []
    for shape in [(2, 3), (4, 5, 6), (1,)]:
        assert layer.compute_output_shape(shape) == shape
    x = L.Input((3, 4))
    assert layer(x).shape == (None, 3, 4)


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"max_value": -10}, "max_value"),
        ({"negative_slope": -10}, "negative_slope"),
        ({"negative_slope": None}, "negative_slope"),
        ({"threshold": -10}, "threshold"),
        ({"threshold": None}, "threshold"),
        ({"threshold": "0.5"}, "threshold"),
    ],
)
def test_relu_refuses_negative_or_missing_numbers(kwargs, argument):
    with pytest.raises(
        ValueError, match=rf"ReLU layer 're_lu.*': `{argument}` .* must be a number >= 0"
    ):
        L.ReLU(**kwargs)


def test_relu_config_round_trip():
    layer = L.ReLU(max_value=5.0, negative_slope=0.2, threshold=1.0)
    config = json.loads(json.dumps(layer.get_config()))
    assert (config["max_value"], config["negative_slope"], config["threshold"]) == (5.0, 0.2, 1.0)
    again = L.ReLU.from_config(config)
    x = np.linspace(-3, 7, 11).astype("float32")
    np.testing.assert_array_equal(again(x), layer(x))
    assert L.ReLU().get_config()["max_value"] is None


# ------------------------------------------------------------------ LeakyReLU


def test_leaky_relu_numbers_and_default_slope():
    x = np.array([-10, -5, 0.0, 5, 10], dtype="float32")
    np.testing.assert_allclose(L.LeakyReLU(negative_slope=0.5)(x), [-5.0, -2.5, 0.0, 5.0, 10.0])
    # The layer's default slope is 0.3; the activation function's is 0.2 (as in Keras).
    np.testing.assert_allclose(L.LeakyReLU()(x), [-3.0, -1.5, 0.0, 5.0, 10.0])
    assert L.LeakyReLU().built


def test_leaky_relu_takes_keras2_alpha_with_a_warning():
    with pytest.warns(DeprecationWarning, match="negative_slope"):
        layer = L.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1
    assert "alpha" not in layer.get_config()


def test_leaky_relu_refuses_none():
    with pytest.raises(ValueError, match="`negative_slope` .* Received: negative_slope=None"):
        L.LeakyReLU(negative_slope=None)


# ------------------------------------------------------------------ ELU


def test_elu_numbers():
    x = np.random.default_rng(0).normal(size=(2, 2, 5)).astype("float32")
    for alpha in (1.0, 0.7):
        expected = np.where(x > 0, x, alpha * (np.exp(x) - 1))
        np.testing.assert_allclose(L.ELU(alpha=alpha)(x), expected, rtol=1e-6)


def test_elu_keeps_alpha_in_its_config():
    layer = L.ELU.from_config(json.loads(json.dumps(L.ELU(alpha=0.5).get_config())))
    assert layer.alpha == 0.5
    with pytest.raises(ValueError, match="ELU layer .* `alpha`"):
        L.ELU(alpha="big")


# ------------------------------------------------------------------ PReLU


def test_prelu_matches_its_formula_with_shared_axes():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 10, 5, 3)).astype("float32")
    layer = L.PReLU(alpha_initializer="glorot_uniform", alpha_regularizer="l1", shared_axes=(1, 2))
    layer.build(x.shape)
    assert layer.alpha.shape == (1, 1, 3)
    alpha = rng.random((1, 1, 3)).astype("float32")
    layer.set_weights([alpha])
    np.testing.assert_allclose(layer(x), np.where(x > 0, x, alpha * x), rtol=1e-6)


def test_prelu_weight_counts_regularizer_and_input_spec():
    model = Sequential([L.Input((3, 4)), L.PReLU(shared_axes=1, alpha_regularizer="l2")])
    layer = model.layers[0]
    assert [w.path for w in layer.weights] == ["p_re_lu/alpha"] and layer.alpha.shape == (1, 4)
    assert model.count_params() == 4
    np.testing.assert_array_equal(layer.alpha.numpy(), 0.0)  # starts as a plain relu
    assert len(model.losses) == 1
    # alpha fixes the unshared axis: 4 features, any length along the shared one.
    with pytest.raises(ValueError, match="p_re_lu"):
        layer(L.Input((3, 5)))
    assert layer(L.Input((7, 4))).shape == (None, 7, 4)


def test_prelu_refuses_the_batch_axis_and_leaves_no_weight():
    layer = L.PReLU(shared_axes=[0])
    with pytest.raises(
        ValueError, match=r"each of `shared_axes` must be an axis of one sample, from 1 to 2"
    ):
        layer(L.Input((3, 4)))
    assert not layer.built and layer.weights == []
    layer.shared_axes = [1]  # corrected, the same layer builds
    assert layer(L.Input((3, 4))).shape == (None, 3, 4) and layer.alpha.shape == (1, 4)


def test_prelu_config_round_trip_and_training():
    layer = L.PReLU(alpha_constraint="non_neg", shared_axes=[1])
    config = json.loads(json.dumps(layer.get_config()))
    assert config["shared_axes"] == [1]
    assert config["alpha_constraint"]["class_name"] == "NonNeg"
    x = L.Input((2, 3))
    model = Model(x, L.PReLU.from_config(config)(x))
    model.compile(optimizer="sgd", loss="mse")
    data = -np.ones((4, 2, 3), dtype="float32")
    model.fit(data, np.full((4, 2, 3), -0.5, dtype="float32"), epochs=3, verbose=0)
    alpha = model.layers[-1].alpha.numpy()
    assert alpha.shape == (1, 3) and np.all(alpha > 0)  # learned a leak towards -0.5


# ------------------------------------------------------------------ Softmax


def test_softmax_numbers_and_axes():
    x = np.array([[1.0, 2.0, 1.0], [1.0, 2.0, 1.0]], dtype="float32")
    expected = [[0.21194157, 0.5761169, 0.21194157]] * 2
    np.testing.assert_allclose(L.Softmax()(x), expected, rtol=1e-6)
    np.testing.assert_allclose(L.Softmax(axis=1)(x), expected, rtol=1e-6)
    both = L.Softmax(axis=(0, 1))(x)
    assert np.isclose(float(np.sum(both)), 1.0)


def test_softmax_with_masks():
    x = np.array([[1.0, 2.0, 5.0, 1.0], [1.0, 1.0, 1.0, 1.0], [3.0, 1.0, 2.0, 4.0]], "float32")
    mask = np.array([[1, 1, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]], bool)
    expected = [
        [0.268941, 0.731059, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],  # every position masked: all zeros, not a uniform guess
        [0.236883, 0.032059, 0.087144, 0.643914],
    ]
    np.testing.assert_allclose(L.Softmax()(x, mask=mask), expected, atol=1e-6)
    # A float mask means "keep where > 0.5"; masks broadcast from the right.
    two = np.array([[1.0, 2.0, 1.0], [1.0, 2.0, 1.0]], "float32")
    float_mask = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    np.testing.assert_allclose(
        L.Softmax(axis=(1, 0))(two, mask=float_mask),
        [[0.21194154, 0.0, 0.21194154], [0.0, 0.57611686, 0.0]],
        rtol=1e-6,
    )
    out = L.Softmax()(
        np.array([[1.0, 2.0, 1.0], [3.0, 4.0, 5.0]], "float32"), mask=np.array([1.0, 0.0, 1.0])
    )
    np.testing.assert_array_equal(out[:, 1], [0.0, 0.0])


@pytest.mark.parametrize(
    "inputs_shape, mask_shape",
    [((1, 3), (2, 3)), ((1, 3), (1, 1, 3)), ((2, 5, 3), (2, 5))],
)
def test_softmax_refuses_a_mask_that_does_not_broadcast(inputs_shape, mask_shape):
    layer = L.Softmax()
    with pytest.raises(
        ValueError, match=r"Softmax layer 'softmax.*': the `mask` must be broadcastable"
    ):
        layer(np.zeros(inputs_shape, "float32"), mask=np.ones(mask_shape, bool))


def test_softmax_reads_the_mask_of_a_graph():
    ids = L.Input((4,), dtype="int32")
    keep = L.Input((4,), dtype="int32")
    scores = L.Dense(4, kernel_initializer="ones")(L.Embedding(5, 4)(ids)[:, 0])
    model = Model([ids, keep], L.Softmax()(scores, mask=keep))
    out = model.predict([np.array([[1, 2, 3, 4]]), np.array([[1, 0, 1, 0]])], verbose=0)
    np.testing.assert_allclose(out, [[0.5, 0.0, 0.5, 0.0]], atol=1e-6)


def test_activation_layers_pass_masks_through():
    ids = L.Input((3,), dtype="int32")
    h = L.Embedding(5, 2, mask_zero=True)(ids)
    for layer in (L.ReLU(), L.LeakyReLU(), L.ELU(), L.PReLU()):
        assert layer(h)._keras_mask is not None


def test_no_warning_from_the_new_names():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L.LeakyReLU(negative_slope=0.1)
