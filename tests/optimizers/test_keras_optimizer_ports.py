"""Ports of keras/src/optimizers/*_test.py (Keras 3): the same numbers, written for kerastutor.

Each optimizer's "golden" rows are the ones Keras's own tests check: one step
with gradient 0.01, then five steps with gradients 0.1, 0.2, ..., 1.0.
"""

import numpy as np
import pytest

from kerastutor import constraints, optimizers
from kerastutor.autodiff import Variable


def variable(value, name="v"):
    return Variable(np.array(value, dtype="float32"), name=name)


SINGLE_STEP = [
    (optimizers.AdamW, {"learning_rate": 0.5}, [0.4980, 1.4960, 2.494, 3.492]),
    (optimizers.Nadam, {"learning_rate": 0.5}, [0.4686, 1.4686, 2.4686, 3.4686]),
    (optimizers.Adamax, {"learning_rate": 0.5}, [0.5, 1.5, 2.5, 3.5]),
    (optimizers.Adadelta, {"learning_rate": 0.5}, [0.9993, 1.9993, 2.9993, 3.9993]),
    (optimizers.Ftrl, {"learning_rate": 0.5}, [0.2218, 1.3954, 2.3651, 2.8814]),
    (optimizers.Lion, {"learning_rate": 0.5}, [0.5, 1.5, 2.5, 3.5]),
    (optimizers.SGD, {"learning_rate": 0.5}, [0.5, -1.0, -0.5, 3.0]),
    (optimizers.Adam, {"learning_rate": 0.5}, [0.5, 1.5, 2.5, 3.5]),
    (optimizers.RMSprop, {"learning_rate": 0.5}, [-0.5811, 0.4189, 1.4189, 2.4189]),
    (optimizers.Adagrad, {"learning_rate": 0.5}, [0.5233, 1.5007, 2.5005, 3.5061]),
]


@pytest.mark.parametrize(
    "cls, kwargs, expected", SINGLE_STEP, ids=lambda p: getattr(p, "__name__", "")
)
def test_single_step(cls, kwargs, expected):
    w = variable([1.0, 2.0, 3.0, 4.0])
    cls(**kwargs).apply_gradients(zip([np.array([1.0, 6.0, 7.0, 2.0])], [w]))
    np.testing.assert_allclose(w.data, expected, rtol=1e-4, atol=1e-4)


# fmt: off
GOLDEN = {
    "AdamW": ({"learning_rate": 1.0, "weight_decay": 0.5, "epsilon": 2}, [
        [0.4998] * 10,
        [0.2486, 0.2475, 0.2463, 0.2451, 0.244, 0.2428, 0.2417, 0.2405, 0.2394, 0.2382],
        [0.1223, 0.1198, 0.1174, 0.1149, 0.1124, 0.11, 0.1075, 0.1051, 0.1027, 0.1003],
        [0.0586, 0.0549, 0.0512, 0.0475, 0.0439, 0.0402, 0.0366, 0.033, 0.0294, 0.0258],
        [0.0263, 0.0215, 0.0167, 0.012, 0.0073, 0.0026, -0.0021, -0.0067, -0.0113, -0.0159]]),
    "Nadam": ({"learning_rate": 0.5, "beta_1": 0.5, "beta_2": 0.67, "epsilon": 1e-5}, [
        [0.4281] * 10,
        [-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718, -0.1717],
        [-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085, -0.7084],
        [-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23, -1.2299],
        [-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455, -1.7454]]),
    "Adamax": ({"learning_rate": 0.2, "beta_1": 0.85, "beta_2": 0.95, "epsilon": 1e-6}, [
        [0.8] * 10,
        [0.6827, 0.6873, 0.6888, 0.6896, 0.6901, 0.6904, 0.6906, 0.6908, 0.6909, 0.691],
        [0.5333, 0.5407, 0.5431, 0.5444, 0.5451, 0.5456, 0.546, 0.5462, 0.5464, 0.5466],
        [0.368, 0.3773, 0.3804, 0.382, 0.3829, 0.3835, 0.384, 0.3843, 0.3846, 0.3848],
        [0.1933, 0.204, 0.2076, 0.2094, 0.2105, 0.2112, 0.2117, 0.2121, 0.2124, 0.2126]]),
    "Adadelta": ({"learning_rate": 1.0, "rho": 0.8, "epsilon": 1e-6},
        [[value] * 10 for value in (0.9978, 0.9947, 0.9915, 0.9882, 0.9849)]),
    "Ftrl": ({"learning_rate": 0.05, "learning_rate_power": -0.2, "initial_accumulator_value": 0.4,
              "l1_regularization_strength": 0.05, "l2_regularization_strength": 0.15,
              "l2_shrinkage_regularization_strength": 0.01, "beta": 0.3}, [
        [0.0] * 10,
        [-0.0034, -0.0077, -0.0118, -0.0157, -0.0194, -0.023, -0.0263, -0.0294, -0.0325, -0.0354],
        [-0.0078, -0.0162, -0.0242, -0.0317, -0.0387, -0.0454, -0.0516, -0.0575, -0.0631, -0.0685],
        [-0.0121, -0.0246, -0.0363, -0.0472, -0.0573, -0.0668, -0.0757, -0.0842, -0.0922, -0.0999],
        [-0.0164, -0.0328, -0.0481, -0.0623, -0.0753, -0.0875, -0.099, -0.1098, -0.1201, -0.1299]]),
    "Lion": ({}, [[value] * 10 for value in (0.999, 0.998, 0.997, 0.996, 0.995)]),
    "SGD": ({"nesterov": True}, [
        [0.9999] * 10,
        [0.9989, 0.9979, 0.9969, 0.9959, 0.9949, 0.9939, 0.9929, 0.9919, 0.9909, 0.9899],
        [0.9979, 0.9959, 0.9939, 0.9919, 0.9899, 0.9879, 0.9859, 0.9839, 0.9819, 0.9799],
        [0.9969, 0.9939, 0.9909, 0.9879, 0.9849, 0.9819, 0.9789, 0.9759, 0.9729, 0.9699],
        [0.9959, 0.9919, 0.9879, 0.9839, 0.9799, 0.9759, 0.9719, 0.9679, 0.9639, 0.9599]]),
    "Adam": ({"amsgrad": True},
        [[value] * 10 for value in (0.999, 0.9982, 0.9974, 0.9965, 0.9955)]),
    "RMSprop": ({"centered": True},
        [[value] * 10 for value in (0.9967, 0.9933, 0.9908, 0.9885, 0.9864)]),
    "Adagrad": ({"learning_rate": 0.2, "initial_accumulator_value": 0.3, "epsilon": 1e-6}, [
        [0.9963] * 10,
        [0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209],
        [0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891],
        [0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579],
        [0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825]]),
}
# fmt: on


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_correctness_with_golden(name):
    kwargs, golden = GOLDEN[name]
    optimizer = getattr(optimizers, name)(**kwargs)
    x = variable(np.ones(10))
    grads = np.arange(0.1, 1.1, 0.1)
    optimizer.apply_gradients(zip([np.full(10, 0.01)], [x]))
    for row in golden:
        np.testing.assert_allclose(x.data, row, rtol=5e-4, atol=5e-4)
        optimizer.apply_gradients(zip([grads], [x]))


WITH_WEIGHT_DECAY = ["Adam", "AdamW", "Nadam", "Adamax", "Adadelta", "Lion", "SGD", "RMSprop"]
WITH_WEIGHT_DECAY += ["Adagrad"]


@pytest.mark.parametrize("name", WITH_WEIGHT_DECAY)
def test_weight_decay_and_its_exclusions(name):
    cls = getattr(optimizers, name)
    zero = np.zeros(())
    var1, var2, var3 = variable(2.0), variable(2.0, name="exclude"), variable(2.0)
    cls(learning_rate=1.0, weight_decay=0.004).apply_gradients(zip([zero], [var1]))
    by_name = cls(learning_rate=1.0, weight_decay=0.004)
    by_name.exclude_from_weight_decay(var_names=["exclude"])
    by_name.apply_gradients(zip([zero, zero], [var1, var2]))
    by_list = cls(learning_rate=1.0, weight_decay=0.004)
    by_list.exclude_from_weight_decay(var_list=[var3])
    by_list.apply_gradients(zip([zero, zero], [var1, var3]))
    np.testing.assert_allclose(var1.data, 1.9760959, atol=1e-6)
    assert float(var2.data) == 2.0 and float(var3.data) == 2.0


@pytest.mark.parametrize("name", ["SGD", "AdamW", "Nadam", "Adamax", "Adadelta", "Ftrl", "Lion"])
def test_clip_norm_and_clip_value(name):
    cls = getattr(optimizers, name)
    grad = [np.array([100.0, 100.0], dtype="float32")]
    np.testing.assert_allclose(cls(clipnorm=1)._clip_gradients(grad)[0], [2**0.5 / 2] * 2)
    np.testing.assert_allclose(cls(clipvalue=1)._clip_gradients(grad)[0], [1.0, 1.0])


def test_global_clip_norm():
    grad = np.array([50.0, 100.0], dtype="float32")
    clipped = optimizers.SGD(global_clipnorm=1)._clip_gradients([grad])
    np.testing.assert_allclose(clipped[0], grad / np.linalg.norm(grad), rtol=1e-6)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("AdamW", {"learning_rate": 0.5, "weight_decay": 0.008, "beta_1": 0.5, "amsgrad": True}),
        ("Nadam", {"learning_rate": 0.5, "beta_1": 0.5, "beta_2": 0.67, "epsilon": 1e-5}),
        ("Adamax", {"learning_rate": 0.5, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-5}),
        ("Adadelta", {"learning_rate": 0.5, "rho": 0.9, "epsilon": 1e-5}),
        ("Lion", {"learning_rate": 0.5, "beta_1": 0.5, "beta_2": 0.67}),
        ("Ftrl", {"learning_rate": 0.05, "learning_rate_power": -0.2, "beta": 0.3}),
        ("RMSprop", {"momentum": 0.5, "centered": True, "clipnorm": 2.0}),
    ],
)
def test_config_round_trip(name, kwargs):
    optimizer = getattr(optimizers, name)(**kwargs)
    rebuilt = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(rebuilt) is type(optimizer)
    assert rebuilt.get_config() == optimizer.get_config()


def test_iterations_counter():
    v = variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = optimizers.Adam(learning_rate=1.0)
    assert optimizer.iterations == 0
    for expected in (1, 2):
        optimizer.apply_gradients([(np.ones((2, 2)), v)])
        assert optimizer.iterations == expected


def test_empty_gradients():
    v = variable([[3.0, 4.0], [5.0, 6.0]])
    with pytest.raises(ValueError, match="No gradients provided for any variable."):
        optimizers.SGD(learning_rate=1.0).apply_gradients([(None, v)])
    v2 = variable([[3.0, 4.0], [5.0, 6.0]])
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        optimizers.SGD(learning_rate=1.0).apply_gradients([(None, v), (np.ones((2, 2)), v2)])
    np.testing.assert_array_equal(v.data, [[3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_array_equal(v2.data, [[2.0, 3.0], [4.0, 5.0]])


def test_ema():
    v = variable([[3.0, 4.0], [5.0, 6.0]])
    grads = np.ones((2, 2))
    optimizer = optimizers.SGD(
        learning_rate=1.0, use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=3
    )
    optimizer.apply_gradients([(grads, v)])
    np.testing.assert_allclose(v.data, [[2.0, 3.0], [4.0, 5.0]])
    np.testing.assert_allclose(optimizer._averages[0].data, [[2.0, 3.0], [4.0, 5.0]])
    optimizer.apply_gradients([(grads, v)])
    np.testing.assert_allclose(v.data, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(optimizer._averages[0].data, [[1.9, 2.9], [3.9, 4.9]])
    optimizer.apply_gradients([(grads, v)])  # the third step overwrites with the average
    np.testing.assert_allclose(v.data, [[1.71, 2.71], [3.71, 4.71]], rtol=1e-6)
    np.testing.assert_allclose(optimizer._averages[0].data, [[1.71, 2.71], [3.71, 4.71]])


def test_constraints_are_applied():
    v = variable(np.random.default_rng(0).random((2, 2)) - 1.0)
    v.constraint = constraints.NonNeg()
    optimizers.SGD(learning_rate=0.0001).apply_gradients([(np.zeros((2, 2)), v)])
    assert np.min(v.data) == 0.0


def test_static_loss_scaling():
    v = variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = optimizers.SGD(learning_rate=1.0, loss_scale_factor=1024.0)
    optimizer.apply_gradients([(np.array([[1.0, 2.0], [3.0, 4.0]]) * 1024.0, v)])
    assert optimizer.scale_loss(1.0) == 1024.0
    np.testing.assert_allclose(v.data, np.zeros((2, 2)))


def test_set_weights():
    x = variable([[1.0, 2.0], [3.0, 4.0]])
    first = optimizers.Adam()
    first.apply_gradients(zip([np.array([[1.0, 2.0], [3.0, 4.0]])], [x]))
    second = optimizers.Adam()
    with pytest.raises(ValueError, match="You are calling `set_weights"):
        second.set_weights(first.variables)
    second.build([x])
    second.set_weights(first.variables)
    for a, b in zip(first.variables, second.variables, strict=True):
        np.testing.assert_array_equal(a.data, b.data)


def test_gradient_accumulation():
    v = variable([[1.0, 2.0], [3.0, 4.0]])
    grads = np.ones((2, 2))
    optimizer = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=3)
    expected = [
        ([[1.0, 2.0], [3.0, 4.0]], 1.0, 0),
        ([[1.0, 2.0], [3.0, 4.0]], 2.0, 0),
        ([[0.0, 1.0], [2.0, 3.0]], 0.0, 1),
        ([[0.0, 1.0], [2.0, 3.0]], 1.0, 1),
    ]
    for calls, (weights, accumulated, iterations) in enumerate(expected, start=1):
        optimizer.apply_gradients([(grads, v)])
        np.testing.assert_allclose(v.data, weights)
        np.testing.assert_allclose(optimizer._accumulated[0].data, np.full((2, 2), accumulated))
        assert int(optimizer._iterations.data) == calls and optimizer.iterations == iterations


def test_callable_learning_rate():
    v = variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = optimizers.SGD(learning_rate=lambda: 0.1)
    optimizer.apply_gradients([(np.ones((2, 2)), v)])
    np.testing.assert_allclose(v.data, [[0.9, 1.9], [2.9, 3.9]])
    assert optimizer.iterations == 1


@pytest.mark.parametrize(
    "name", ["adam", "sgd", "adamw", "adagrad", "rmsprop", "adadelta", "adamax", "lion", "nadam"]
)
def test_gradient_accumulation_with_weight_decay(name):
    """Three accumulated calls with gradients g1, g2, g3 = one call with their mean."""
    once = optimizers.get({"class_name": name, "config": {"weight_decay": 0.05}})
    accumulated = optimizers.get(
        {"class_name": name, "config": {"weight_decay": 0.05, "gradient_accumulation_steps": 3}}
    )
    v1, v3 = variable([[0.9], [0.5]]), variable([[0.9], [0.5]])
    rng = np.random.default_rng(0)
    for _ in range(8):
        grads = rng.random((3, 2, 1)).astype("float32")
        once.apply_gradients([(grads.mean(axis=0), v1)])
        for batch in grads:
            accumulated.apply_gradients([(batch, v3)])
        np.testing.assert_allclose(v1.data, v3.data, rtol=1e-5, atol=1e-6)


def test_lion_refuses_a_degenerate_beta_1():
    for beta_1 in (-0.1, 0.0, 1.1):
        with pytest.raises(ValueError, match=f"SignSGD. Received: beta_1={beta_1}."):
            optimizers.Lion(beta_1=beta_1)


def test_nadam_builds_on_an_empty_list():
    optimizer = optimizers.Nadam()
    optimizer.build([])
    assert optimizer._u_product.data.dtype == np.float32


def test_sgd_lists_two_variables_before_and_after_a_plain_step():
    optimizer = optimizers.SGD(learning_rate=0.5)
    assert len(optimizer.variables) == 2
    w = variable([1.0, 2.0, 3.0, 4.0])
    optimizer.build([w])
    optimizer.apply_gradients(zip([np.array([1.0, 6.0, 7.0, 2.0])], [w]))
    assert len(optimizer.variables) == 2
    assert int(optimizer.variables[0].data) == 1 and float(optimizer.variables[1].data) == 0.5


def test_invalid_momentum():
    for momentum in (-1.0, 2.0):
        with pytest.raises(ValueError, match=r"`momentum` must be a float between \[0, 1\]"):
            optimizers.SGD(momentum=momentum)


def test_adam_ema_and_finalize():
    optimizer = optimizers.Adam(learning_rate=1.0, use_ema=True, ema_momentum=0.9)
    var = variable([1.0, 2.0])
    grads = np.array([0.1, 0.2], dtype="float32")
    optimizer.apply_gradients([(grads, var)])
    v1 = var.data.copy()
    np.testing.assert_allclose(optimizer._averages[0].data, v1)
    optimizer.apply_gradients([(grads, var)])
    v2 = var.data.copy()
    expected = 0.9 * v1 + 0.1 * v2
    np.testing.assert_allclose(optimizer._averages[0].data, expected, rtol=1e-6)
    optimizer.finalize_variable_values([var])
    np.testing.assert_allclose(var.data, expected, rtol=1e-6)
