"""GroupNormalization: the behaviour of Keras 3's group_normalization_test.py, ported.

The reference numbers are a NumPy re-statement of the definition (each
sample's groups of channels to mean 0 and variance 1), plus the values
Keras's own tests print for the same inputs.
"""

import numpy as np
import pytest

from kerastutor import constraints, layers, regularizers
from kerastutor.engine.errors import LayerCallError


def by_definition(x, groups, axis=-1, epsilon=1e-3):
    """Normalize each sample's groups of channels along `axis`, written out with NumPy."""
    x = np.moveaxis(np.asarray(x, np.float64), axis, -1)
    per_group = x.reshape(x.shape[0], -1, groups, x.shape[-1] // groups)
    mean = per_group.mean(axis=(1, 3), keepdims=True)
    variance = per_group.var(axis=(1, 3), keepdims=True)
    normalized = ((per_group - mean) / np.sqrt(variance + epsilon)).reshape(x.shape)
    return np.moveaxis(normalized, -1, axis)


@pytest.mark.parametrize(
    "shape, groups, axis",
    [
        ((3, 4, 32), 32, -1),
        ((3, 4, 4), 4, -1),
        ((2, 5, 6), 2, -1),
        ((1, 4, 2, 2), 2, 1),
        ((2, 8), 1, -1),
    ],
)
def test_output_is_each_groups_normalization(shape, groups, axis):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    layer = layers.GroupNormalization(groups=groups, axis=axis)
    np.testing.assert_allclose(layer(x), by_definition(x, groups, axis), atol=1e-5)


def test_keras_printed_values_for_one_and_two_groups():
    x = np.array([[-1.0, -1.0, 1.0, 1.0, 2.0, 2.0, 0, -2.0]])
    one = layers.GroupNormalization(groups=1, scale=False, center=False)(x)
    two = layers.GroupNormalization(groups=2, axis=1, scale=False, center=False)(x)
    np.testing.assert_allclose(
        one, [[-0.898, -0.898, 0.539, 0.539, 1.257, 1.257, -0.180, -1.616]], atol=1e-3
    )
    np.testing.assert_allclose(
        two, [[-1.0, -1.0, 1.0, 1.0, 0.904, 0.904, -0.301, -1.507]], atol=1e-3
    )


def test_minus_one_groups_is_instance_normalization():
    x = np.array([[[-1.0, 1.0, 0, 2.0], [1.0, 3.0, -4, -2.0]]])
    instance = layers.GroupNormalization(groups=-1, scale=False, center=False)
    np.testing.assert_allclose(
        instance(x), layers.GroupNormalization(groups=4, scale=False, center=False)(x)
    )
    np.testing.assert_allclose(instance(x), [[[-1, -1, 1, 1], [1, 1, -1, -1]]], atol=1e-3)
    assert instance.groups == 4 and instance.get_config()["groups"] == 4


def test_weights_penalties_constraints_and_config_are_keras_s():
    layer = layers.GroupNormalization(
        groups=4,
        gamma_regularizer=regularizers.L2(0.01),
        beta_regularizer=regularizers.L2(0.01),
        beta_constraint=constraints.UnitNorm(),
    )
    layer(np.ones((3, 4, 8), "float32"))
    assert [w.path for w in layer.weights] == [f"{layer.name}/gamma", f"{layer.name}/beta"]
    assert [w.shape for w in layer.trainable_weights] == [(8,), (8,)]
    assert len(layer.losses) == 2
    config = layer.get_config()
    assert {"groups", "axis", "epsilon", "center", "scale"} <= set(config)
    rebuilt = layers.GroupNormalization.from_config(config)
    assert rebuilt.groups == 4 and rebuilt.beta_constraint is not None
    assert layers.GroupNormalization(scale=False, center=False, groups=2)(
        np.ones((1, 4))
    ).shape == (1, 4)


def test_the_mask_passes_through():
    ids = layers.Input(shape=(5,), dtype="int32")
    h = layers.Embedding(10, 8, mask_zero=True)(ids)
    out = layers.GroupNormalization(groups=2)(h)
    assert out._keras_mask is not None


@pytest.mark.parametrize(
    "make, shape, match",
    [
        (lambda: layers.GroupNormalization(groups=5), (2, 2, 2, 4), "too few for 5 groups"),
        (lambda: layers.GroupNormalization(groups=3), (2, 2, 2, 4), "do not split into 3"),
        (lambda: layers.GroupNormalization(axis=4), (2, 2, 2, 4), "out of bounds"),
    ],
)
def test_a_refused_call_names_the_layer_and_builds_nothing(make, shape, match):
    layer = make()
    with pytest.raises(LayerCallError, match=match) as error:
        layer(np.ones(shape, "float32"))
    assert layer.name in str(error.value)
    assert not layer.built and layer.weights == [] and not layer.inbound_nodes


def test_an_unknown_channel_count_is_refused_when_built():
    with pytest.raises(ValueError, match="unknown size"):
        layers.GroupNormalization()(layers.Input(shape=(2, 2, None)))


@pytest.mark.parametrize("groups", [0, -2, 1.5, "32", True])
def test_groups_must_be_a_positive_integer_or_minus_one(groups):
    with pytest.raises(ValueError, match="argument `groups`"):
        layers.GroupNormalization(groups=groups)


def test_axis_must_be_one_integer():
    with pytest.raises(TypeError, match="axis"):
        layers.GroupNormalization(axis=[1, 2])
