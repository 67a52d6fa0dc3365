"""Rescaling, Identity, ActivityRegularization, GaussianNoise, GaussianDropout and the
spatial dropouts: numbers, training mode, configs, errors.

The behaviour follows Keras 3's tests of these layers
(keras/src/layers/{preprocessing,core,regularization}/*_test.py); the golden
cases `rescaled_regularized` and `rescaled_activity_penalty` hold real Keras's numbers.
"""

import json

import numpy as np
import pytest

from kerastutor import layers as L
from kerastutor.models import Model, Sequential, load_model

RNG = np.random.default_rng(0)


# ------------------------------------------------------------------ Rescaling


def test_rescaling_numbers_and_dtypes():
    x = RNG.random((3, 10, 10, 3)) * 255
    np.testing.assert_allclose(L.Rescaling(1.0 / 255, offset=0.5)(x), x / 255 + 0.5, rtol=1e-6)
    pixels = np.array([[0, 128, 255]], dtype="uint8")
    out = L.Rescaling(2, offset=1)(pixels)  # integer scale and offset, integer inputs
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[1.0, 257.0, 511.0]])
    out = L.Rescaling(np.array(1.0 / 255.0), offset=np.array(0.5))(pixels)  # 0-d arrays
    np.testing.assert_allclose(out, [[0.5, 128 / 255 + 0.5, 1.5]], rtol=1e-6)


def test_rescaling_per_channel_and_config():
    layer = L.Rescaling([0.5, 2.0, -1.0], offset=[0.0, 1.0, 2.0])
    np.testing.assert_array_equal(layer(np.ones((2, 3))), [[0.5, 3.0, 1.0]] * 2)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["scale"] == [0.5, 2.0, -1.0] and config["offset"] == [0.0, 1.0, 2.0]
    np.testing.assert_array_equal(L.Rescaling.from_config(config)(np.ones((1, 3))), [[0.5, 3, 1]])
    with pytest.raises(ValueError, match="Rescaling layer 'rescaling.*': `scale` must be a number"):
        L.Rescaling("1/255")
    with pytest.raises(ValueError, match="`offset` must be a number or a list of numbers"):
        L.Rescaling(1.0, offset=[[1.0]])


def test_rescaling_first_in_a_model_saves_and_loads(tmp_path):
    model = Sequential([L.Input((2, 2, 3), dtype="uint8"), L.Rescaling(1 / 255), L.Flatten()])
    images = RNG.integers(0, 256, size=(2, 2, 2, 3)).astype("uint8")
    model.save(tmp_path / "rescale.keras")
    loaded = load_model(tmp_path / "rescale.keras")
    np.testing.assert_array_equal(
        loaded.predict(images, verbose=0), model.predict(images, verbose=0)
    )


# ------------------------------------------------------------------ Identity


def test_identity_returns_its_input_and_passes_masks():
    x = RNG.normal(size=(2, 3)).astype("float32")
    np.testing.assert_array_equal(L.Identity()(x), x)
    ids = L.Input((3,), dtype="int32")
    out = L.Identity()(L.Embedding(4, 2, mask_zero=True)(ids))
    assert out.shape == (None, 3, 2) and out._keras_mask is not None
    assert L.Identity().built and L.Identity().weights == []


# ------------------------------------------------------------------ ActivityRegularization


def test_activity_regularization_adds_its_penalty():
    layer = L.ActivityRegularization(l1=0.2, l2=0.3)
    np.testing.assert_array_equal(layer(2 * np.ones((1,))), [2.0])
    assert len(layer.losses) == 1
    assert np.isclose(float(layer.losses[0]), 4 * 0.3 + 2 * 0.2)
    config = layer.get_config()
    assert (config["l1"], config["l2"]) == (0.2, 0.3) and "activity_regularizer" not in config
    with pytest.raises(ValueError, match="`l2` must be a number >= 0"):
        L.ActivityRegularization(l2=-1.0)


def test_activity_regularization_is_part_of_the_fit_loss():
    x = L.Input((3,))
    plain = Model(x, L.Dense(1, kernel_initializer="ones")(x))
    penalised = Model(x, L.ActivityRegularization(l2=0.5)(L.Dense(1, kernel_initializer="ones")(x)))
    data, target = np.ones((4, 3), "float32"), np.zeros((4, 1), "float32")
    losses = []
    for model in (plain, penalised):
        model.compile(optimizer="sgd", loss="mse")
        losses.append(model.evaluate(data, target, verbose=0))
    # Output 3 for each sample: mse 9, and the penalty 0.5 * 9 (a mean over the batch).
    assert np.isclose(losses[0], 9.0) and np.isclose(losses[1], 9.0 + 4.5)


# ------------------------------------------------------------------ noise layers


def test_gaussian_noise_in_training_only():
    inputs = np.ones((20, 500), "float32")
    layer = L.GaussianNoise(0.3, seed=1337)
    np.testing.assert_array_equal(layer(inputs), inputs)
    outputs = layer(inputs, training=True)
    assert abs(np.std(outputs) - 0.3) < 0.02 and abs(np.mean(outputs) - 1.0) < 0.02
    again = L.GaussianNoise(0.3, seed=1337)(inputs, training=True)
    np.testing.assert_array_equal(outputs, again)  # a seed gives the same noise
    with pytest.raises(ValueError, match="GaussianNoise layer .* `stddev` .* between 0 and 1"):
        L.GaussianNoise(1.5)


def test_gaussian_dropout_in_training_only():
    inputs = np.ones((20, 500), "float32")
    layer = L.GaussianDropout(0.3, seed=1337)
    np.testing.assert_array_equal(layer(inputs), inputs)
    outputs = layer(inputs, training=True)
    assert abs(np.std(outputs) - np.sqrt(0.3 / 0.7)) < 0.02
    with pytest.raises(ValueError, match="`rate` must be below 1"):
        L.GaussianDropout(1.0)


def test_noise_layers_train_in_fit_and_leave_predict_alone():
    x = L.Input((3,))
    h = L.SpatialDropout1D(0.5, seed=1)(L.Reshape((3, 1))(L.GaussianDropout(0.3, seed=0)(x)))
    model = Model(x, L.Dense(1)(L.Flatten()(L.GaussianNoise(0.2, seed=2)(h))))
    model.compile(optimizer="sgd", loss="mse")
    data = RNG.normal(size=(8, 3)).astype("float32")
    before = model.predict(data, verbose=0)
    np.testing.assert_array_equal(before, model.predict(data, verbose=0))
    kernel = model.layers[-1].kernel.numpy().copy()
    history = model.fit(data, np.ones((8, 1)), epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert not np.array_equal(kernel, model.layers[-1].kernel.numpy())


def test_spatial_dropout_drops_whole_channels():
    out = L.SpatialDropout1D(0.5, seed=0)(np.ones((10, 3, 10), "float32"), training=True)
    np.testing.assert_array_equal(out[:, 0, :], out[:, 1, :])
    assert set(np.unique(out)) == {0.0, 2.0}
    image = L.SpatialDropout2D(0.5, seed=0)(np.ones((10, 3, 3, 10), "float32"), training=True)
    np.testing.assert_array_equal(image[:, 0, 0, :], image[:, 1, 1, :])
    first = L.SpatialDropout2D(0.5, data_format="channels_first", seed=0)
    image = first(np.ones((10, 10, 3, 3), "float32"), training=True)
    np.testing.assert_array_equal(image[:, :, 0, 0], image[:, :, 1, 2])


def test_spatial_dropout_shapes_and_configs():
    with pytest.raises(ValueError, match="spatial_dropout1d"):
        L.SpatialDropout1D(0.5)(L.Input((3,)))
    assert L.SpatialDropout2D(0.5)(L.Input((3, 2, 4))).shape == (None, 3, 2, 4)
    config = L.SpatialDropout1D(0.2, seed=4, name="drop").get_config()
    assert config == {"name": "drop", "dtype": "float32", "rate": 0.2, "seed": 4}
    config = L.SpatialDropout2D(0.3, data_format="channels_first").get_config()
    assert set(config) == {"name", "dtype", "rate", "seed", "data_format"}
    assert L.SpatialDropout2D.from_config(config).data_format == "channels_first"
    with pytest.raises(ValueError, match="`data_format` must be one of"):
        L.SpatialDropout2D(0.3, data_format="channels_middle")


def test_pooling_aliases_are_the_same_classes():
    assert L.MaxPool2D is L.MaxPooling2D and L.AvgPool1D is L.AveragePooling1D
    assert (
        L.GlobalAvgPool2D is L.GlobalAveragePooling2D and L.GlobalMaxPool1D is L.GlobalMaxPooling1D
    )
    model = Sequential([L.Input((4, 4, 1)), L.MaxPool2D(), L.GlobalAvgPool2D()])
    assert [type(layer).__name__ for layer in model.layers] == [
        "MaxPooling2D",
        "GlobalAveragePooling2D",
    ]


def test_keras_2_convolution_names_are_the_same_classes():
    assert L.Convolution1D is L.Conv1D and L.Convolution2D is L.Conv2D
    assert L.Convolution2DTranspose is L.Conv2DTranspose
    assert L.SeparableConvolution2D is L.SeparableConv2D
    model = Sequential([L.Input((5, 5, 1)), L.Convolution2D(2, 3)])
    assert type(model.layers[0]).__name__ == "Conv2D" and model.layers[0].name.startswith("conv2d")


def test_a_learner_s_wrapper_subclasses_keras_s_wrapper():
    class Twice(L.Wrapper):
        """Applies the wrapped layer twice (its weights shared)."""

        def call(self, x):
            return self.layer(self.layer(x))

    twice = Twice(L.Dense(3))
    assert twice(np.ones((2, 3), "float32")).shape == (2, 3)
    assert [w.path for w in twice.weights] == [w.path for w in twice.layer.weights]
    with pytest.raises(ValueError, match="wraps a layer instance"):
        Twice("dense")
