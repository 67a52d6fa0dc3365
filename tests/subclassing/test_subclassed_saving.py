"""Saving subclassed models: registered names, the unbuilt warning, round trips."""

import json
import zipfile

import numpy as np
import pytest

import kerastutor as keras
from kerastutor import layers, saving
from kerastutor.saving import object_registration


@saving.register_keras_serializable(package="tutor_tests", name="Scaled")
class ScaledMLP(keras.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = layers.Dense(units, activation="relu")
        self.out = layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_register_keras_serializable_and_lookups():
    assert saving.get_registered_name(ScaledMLP) == "tutor_tests>Scaled"
    assert saving.get_registered_object("tutor_tests>Scaled") is ScaledMLP
    assert saving.get_custom_objects()["tutor_tests>Scaled"] is ScaledMLP
    assert saving.get_registered_name(layers.Dense) == "Dense"  # not registered: its own name
    assert saving.get_registered_object("NoSuchThing") is None
    marker = object()
    with saving.custom_object_scope({"Thing": marker}):
        assert saving.get_registered_object("Thing") is marker
    assert saving.get_registered_object("Thing") is None

    class NoConfig:
        pass

    with pytest.raises(ValueError, match="does not have a get_config"):
        saving.register_keras_serializable()(NoConfig)
    assert "Custom>NoConfig" not in object_registration.GLOBAL_CUSTOM_OBJECTS


def test_a_registered_subclassed_model_saves_and_loads(tmp_path):
    model = ScaledMLP(units=3, name="scaled")
    x = np.random.default_rng(1).normal(size=(5, 2)).astype("float32")
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, np.ones((5, 1)), epochs=2, verbose=0)
    path = tmp_path / "scaled.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        entry = json.loads(archive.read("config.json"))
    # Keras 3.15 writes these for a registered subclass.
    assert entry["class_name"] == "ScaledMLP"
    assert entry["registered_name"] == "tutor_tests>Scaled"
    assert entry["build_config"] == {"input_shape": [None, 2]}
    loaded = keras.models.load_model(path)
    assert type(loaded) is ScaledMLP and loaded.units == 3
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_loading_a_class_that_is_not_defined_names_the_fix(tmp_path):
    model = ScaledMLP(units=2)
    model(np.ones((1, 2), "float32"))
    path = tmp_path / "m.keras"
    model.save(path)
    saved = object_registration.GLOBAL_CUSTOM_OBJECTS.pop("tutor_tests>Scaled")
    try:
        from kerastutor.engine import base_layer

        known = base_layer._LAYER_CLASSES.pop("ScaledMLP")
        try:
            with pytest.raises(ValueError, match="register_keras_serializable") as info:
                keras.models.load_model(path)
            assert "custom_objects" in str(info.value)
        finally:
            base_layer._LAYER_CLASSES["ScaledMLP"] = known
    finally:
        object_registration.GLOBAL_CUSTOM_OBJECTS["tutor_tests>Scaled"] = saved
    loaded = keras.models.load_model(path, custom_objects={"ScaledMLP": ScaledMLP})
    assert loaded.count_params() == model.count_params()


def test_saving_an_unbuilt_subclassed_model_warns_as_keras_does(tmp_path):
    with pytest.warns(UserWarning, match="saving a model that has not yet been built"):
        ScaledMLP().save(tmp_path / "unbuilt.keras")
