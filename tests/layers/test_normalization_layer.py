"""Normalization: adapt on arrays and batches, given statistics, invert, configs, errors.

Ports the behaviour of Keras 3's keras/src/layers/preprocessing/normalization_test.py;
the golden case `normalized_inputs` holds real Keras's numbers for given statistics.
"""

import json

import numpy as np
import pytest

from kerastutor import layers as L
from kerastutor.models import Model, Sequential, load_model
from kerastutor.utils import PyDataset

RNG = np.random.default_rng(0)


def standardized(output, axis):
    return np.allclose(np.var(output, axis=axis), 1.0, atol=1e-5) and np.allclose(
        np.mean(output, axis=axis), 0.0, atol=1e-5
    )


def test_adapt_on_an_array_standardizes_each_feature():
    x = RNG.random((32, 4)).astype("float32")
    layer = L.Normalization()
    layer.adapt(x)
    assert layer.built and int(layer.count.numpy()) == 32
    assert standardized(layer(x), axis=0)
    high = RNG.random((32, 4, 3, 5)).astype("float32")
    layer = L.Normalization(axis=(1, 2))
    layer.adapt(high)
    assert layer.adapt_mean.shape == (4, 3)
    assert standardized(layer(high), axis=(0, 3))


@pytest.mark.parametrize("form", ["list", "generator", "tuples", "pydataset"])
def test_adapt_on_batches_gives_the_statistics_of_the_whole(form):
    x = RNG.random((32, 4)).astype("float32")
    pieces = [x[i : i + 8] for i in range(0, 32, 8)]

    class Batches(PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, index):
            return pieces[index], np.zeros(8)

    data = {
        "list": pieces,
        "generator": (piece for piece in pieces),
        "tuples": [(piece, np.zeros(8)) for piece in pieces],
        "pydataset": Batches(),
    }[form]
    layer = L.Normalization()
    layer.adapt(data)
    whole = L.Normalization()
    whole.adapt(x)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), whole.adapt_mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(
        layer.adapt_variance.numpy(), whole.adapt_variance.numpy(), rtol=1e-5
    )
    assert standardized(layer(x), axis=0)


def test_axis_none_keeps_one_statistic():
    layer = L.Normalization(axis=None)
    layer.adapt(np.arange(6.0).reshape(3, 2))
    assert [w.shape for w in layer.weights] == [(), (), ()]
    assert np.isclose(float(layer.adapt_mean.numpy()), 2.5)


def test_given_statistics_broadcast_from_the_right_of_the_kept_axes():
    x = np.ones((2, 7, 5, 3), "float32")
    layer = L.Normalization(axis=(1, 2), mean=np.arange(1.0, 6.0), variance=np.ones(5))
    out = layer(x)
    assert layer.weights == []  # nothing to save but the config
    np.testing.assert_allclose(out[0, 3, :, 1], 1.0 - np.arange(1.0, 6.0))
    scalar = L.Normalization(mean=5.0, variance=4.0)
    np.testing.assert_allclose(scalar(np.full((3, 7), 9.0)), np.full((3, 7), 2.0))


def test_invert_undoes_the_standardization():
    x = RNG.normal(3.0, 2.0, size=(16, 3)).astype("float32")
    forward = L.Normalization()
    forward.adapt(x)
    mean, variance = forward.adapt_mean.numpy(), forward.adapt_variance.numpy()
    back = L.Normalization(mean=mean, variance=variance, invert=True)
    np.testing.assert_allclose(back(forward(x)), x, rtol=1e-5, atol=1e-5)


def test_fit_never_moves_the_statistics_and_files_keep_them(tmp_path):
    x = RNG.random((20, 4)).astype("float32")
    norm = L.Normalization()
    norm.adapt(x)
    model = Sequential([L.Input((4,)), norm, L.Dense(1)])
    before = [w.copy() for w in norm.get_weights()]
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, np.ones((20, 1)), epochs=2, verbose=0)
    for a, b in zip(before, norm.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert model.count_params() == 4 + 4 + 1 + 5  # mean, variance, count, then the Dense
    model.save(tmp_path / "norm.keras")
    loaded = load_model(tmp_path / "norm.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_config_round_trip():
    layer = L.Normalization(axis=(1, 2), mean=[1.0, 2.0], variance=[3.0, 4.0], invert=True)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["axis"] == [1, 2] and config["mean"] == [1.0, 2.0] and config["invert"]
    again = L.Normalization.from_config(config)
    data = np.ones((2, 3, 2), "float32")
    np.testing.assert_array_equal(again(data), layer(data))
    assert L.Normalization().get_config()["mean"] is None


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"mean": 1.0}, "pass both `mean` and `variance`, or neither"),
        ({"variance": 1.0}, "pass both `mean` and `variance`, or neither"),
        ({"mean": [1.0, 2.0], "variance": [1.0]}, "must have the same shape"),
        ({"axis": -1, "mean": np.ones((2, 2)), "variance": np.ones((2, 2))}, "more than the 1"),
    ],
)
def test_bad_statistics_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        L.Normalization(**kwargs)


def test_bad_axes_and_data_are_refused_and_leave_no_weights():
    layer = L.Normalization(axis=4)
    with pytest.raises(ValueError, match=r"every `axis` must be in \[-2, 2\)"):
        layer.adapt(np.ones((3, 2)))
    assert not layer.built and layer.weights == []
    with pytest.raises(ValueError, match="the kept axis 1 .* has no known size"):
        L.Normalization(axis=1)(L.Input((None, 3)))
    adapted = L.Normalization()
    adapted.adapt(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"built for inputs of shape \(4, 3\).*\(4, 5\)"):
        adapted.adapt(np.ones((4, 5)))
    with pytest.raises(ValueError, match="adapt\\(\\) received no batches"):
        L.Normalization().adapt([])
    with pytest.raises(TypeError, match="batches that are arrays"):
        L.Normalization().adapt([[1.0, 2.0]])
    with pytest.raises(ValueError, match="was given `mean` and `variance`"):
        L.Normalization(mean=0.0, variance=1.0).adapt(np.ones((2, 3)))


def test_in_a_functional_model_before_dense():
    x = RNG.random((10, 3)).astype("float32")
    norm = L.Normalization()
    norm.adapt(x)
    inputs = L.Input((3,))
    model = Model(inputs, L.Dense(2)(norm(inputs)))
    assert model.predict(x, verbose=0).shape == (10, 2)
