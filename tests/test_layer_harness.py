"""Every layer class through the shared harness (see layer_harness.py)."""

import numpy as np
import pytest
from layer_harness import CELL_CLASSES, COVERED_CLASSES, LAYER_CASES, LayerCase, check_layer

from kerastutor import autodiff
from kerastutor import layers as L


@pytest.mark.parametrize("case", LAYER_CASES, ids=[case.id for case in LAYER_CASES])
def test_layer_passes_the_harness(case):
    check_layer(case)


def test_every_public_layer_class_has_a_case():
    public = {  # class names: an alias (MaxPool2D) is the class it names
        getattr(L, name).__name__
        for name in L.__all__
        if isinstance(getattr(L, name), type)
        and issubclass(getattr(L, name), L.Layer)
        and name not in ("Layer", "InputLayer", "Wrapper")  # Wrapper: a base class to subclass
        and name not in CELL_CLASSES
    }
    assert public == COVERED_CLASSES
    made = {type(case.make()).__name__ for case in LAYER_CASES}
    assert made == COVERED_CLASSES


class WrongShapeDense(L.Dense):
    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units + 1,)


class ForgetfulDense(L.Dense):
    def get_config(self):
        config = super().get_config()
        config["use_bias"] = not self.use_bias
        return config


class NoGradientDense(L.Dense):
    def call(self, inputs):
        # Computing outside kerastutor.ops loses the gradient.
        return np.asarray(autodiff.data_of(super().call(inputs)))


@pytest.mark.parametrize(
    ("layer_class", "weight_shapes"),
    [
        (WrongShapeDense, [(3, 2), (2,)]),
        (ForgetfulDense, [(3, 2), (2,)]),
        (L.Dense, [(2, 3), (3,)]),
        (NoGradientDense, [(3, 2), (2,)]),
    ],
    ids=["wrong_output_shape", "config_loses_an_argument", "wrong_weight_shapes", "no_gradient"],
)
def test_the_harness_catches_broken_layers(layer_class, weight_shapes):
    case = LayerCase("broken", lambda: layer_class(2), [(3,)], weight_shapes)
    with pytest.raises(AssertionError):
        check_layer(case)
