"""Adam's and RMSprop's in-place updates give the same bits as their readable twins.

`update_step` computes into arrays kept from step to step (`out=`);
`_update_step_readable` is the same update written as the formulas. Both run
side by side here on the same weights and gradients.
"""

import tracemalloc

import numpy as np
import pytest

from kerastutor import optimizers
from kerastutor.autodiff import Variable

SETTINGS = [
    ("Adam", {}),
    ("Adam", {"amsgrad": True}),
    ("Adam", {"learning_rate": 0.01, "beta_1": 0.8}),
    ("RMSprop", {}),
    ("RMSprop", {"centered": True}),
    ("RMSprop", {"momentum": 0.9}),
    ("RMSprop", {"centered": True, "momentum": 0.5, "rho": 0.8}),
]


def weights(seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(7, 5), (5,), (7, 5), (3, 4, 2)]  # two of one shape: they share the spare arrays
    return [
        Variable(rng.normal(size=s).astype("float32"), name=f"w{k}") for k, s in enumerate(shapes)
    ]


def run(name, kwargs, readable, steps=6, gradient_dtype="float32"):
    variables = weights()
    optimizer = getattr(optimizers, name)(**kwargs)
    if readable:
        optimizer.update_step = optimizer._update_step_readable
    rng = np.random.default_rng(1)
    for _ in range(steps):
        grads = [rng.normal(size=v.data.shape).astype(gradient_dtype) for v in variables]
        optimizer.apply(grads, variables)
    return [v.data for v in variables] + [v.data for v in optimizer.variables]


@pytest.mark.parametrize("name, kwargs", SETTINGS)
def test_in_place_update_is_bit_identical_to_the_readable_twin(name, kwargs):
    fast, readable = run(name, kwargs, False), run(name, kwargs, True)
    assert len(fast) == len(readable)
    for a, b in zip(fast, readable, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["Adam", "RMSprop"])
def test_a_float64_gradient_on_float32_weights_takes_the_readable_path(name):
    fast = run(name, {}, False, gradient_dtype="float64")
    readable = run(name, {}, True, gradient_dtype="float64")
    for a, b in zip(fast, readable, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["Adam", "RMSprop"])
def test_a_step_allocates_no_weight_sized_temporaries(name):
    weight = Variable(np.ones((500, 500), "float32"), name="big")  # 1 MB
    optimizer = getattr(optimizers, name)()
    gradient = np.full((500, 500), 0.5, "float32")
    optimizer.apply([gradient], [weight])  # builds the slots and the spare arrays
    tracemalloc.start()
    optimizer.apply([gradient], [weight])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 100_000, f"one step allocated {peak} bytes at its peak"
