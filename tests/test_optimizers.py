"""Optimizers against a float64 NumPy transcription of Keras 3's update rules.

The rules below are written from keras/src/optimizers/{sgd,rmsprop,adam,adagrad}.py;
tests/test_golden_training.py checks the same optimizers against real Keras.
"""

import numpy as np
import pytest

from kerastutor import ops, optimizers
from kerastutor.autodiff import Variable


def reference_steps(name, config, w, grads):
    """Apply `grads` one after the other with Keras's formulas, in float64."""
    w = w.astype(np.float64)
    lr = config["learning_rate"]
    state = {}
    for t, g in enumerate(grads, start=1):
        g = g.astype(np.float64)
        if name == "SGD":
            if config["momentum"] == 0:
                w = w - lr * g
            else:
                m = config["momentum"] * state.get("m", 0.0) - lr * g
                state["m"] = m
                w = w + (config["momentum"] * m - lr * g if config["nesterov"] else m)
        elif name == "RMSprop":
            v = config["rho"] * state.get("v", 0.0) + (1 - config["rho"]) * g**2
            state["v"] = v
            w = w - lr * g / np.sqrt(v + config["epsilon"])
        elif name == "Adam":
            m = state.get("m", 0.0) + (g - state.get("m", 0.0)) * (1 - config["beta_1"])
            v = state.get("v", 0.0) + (g**2 - state.get("v", 0.0)) * (1 - config["beta_2"])
            state["m"], state["v"] = m, v
            alpha = lr * np.sqrt(1 - config["beta_2"] ** t) / (1 - config["beta_1"] ** t)
            w = w - alpha * m / (np.sqrt(v) + config["epsilon"])
        elif name == "Adagrad":
            a = state.get("a", config["initial_accumulator_value"]) + g**2
            state["a"] = a
            w = w - lr * g / np.sqrt(a + config["epsilon"])
    return w


CONFIGURATIONS = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("RMSprop", {}),
    ("RMSprop", {"learning_rate": 0.01, "rho": 0.8}),
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99}),
    ("Adagrad", {}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5}),
]


@pytest.mark.parametrize("name, kwargs", CONFIGURATIONS)
def test_three_steps_follow_keras_rules(name, kwargs):
    rng = np.random.default_rng(7)
    start = rng.normal(size=(3, 4)).astype("float32")
    grads = [rng.normal(size=(3, 4)).astype("float32") * scale for scale in (1.0, 0.01, 3.0)]
    optimizer = getattr(optimizers, name)(**kwargs)
    variable = Variable(start.copy(), name="w")
    for g in grads:
        optimizer.apply([g], [variable])
    expected = reference_steps(name, optimizer.get_config(), start, grads)
    assert variable.data.dtype == np.float32
    np.testing.assert_allclose(variable.data, expected, rtol=1e-5, atol=1e-6)
    assert optimizer.iterations == 3


BASE_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


@pytest.mark.parametrize(
    "name, own",
    [
        ("sgd", {"learning_rate": 0.009999999776482582, "momentum": 0.0, "nesterov": False}),
        ("rm_sprop", {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-07, "centered": False}),
        ("adam", {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False}),
        ("adagrad", {"initial_accumulator_value": 0.1, "epsilon": 1e-07}),
        (
            "adam_w",
            {
                "weight_decay": 0.004,
                "beta_1": 0.9,
                "beta_2": 0.999,
                "epsilon": 1e-07,
                "amsgrad": False,
            },
        ),
        ("nadam", {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07}),
        ("adamax", {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07}),
        ("adadelta", {"rho": 0.95, "epsilon": 1e-07}),
        ("lion", {"beta_1": 0.9, "beta_2": 0.99}),
        (
            "ftrl",
            {
                "learning_rate_power": -0.5,
                "initial_accumulator_value": 0.1,
                "l1_regularization_strength": 0.0,
                "l2_regularization_strength": 0.0,
                "l2_shrinkage_regularization_strength": 0.0,
                "beta": 0.0,
            },
        ),
    ],
)
def test_defaults_are_keras_defaults(name, own):
    """The configs Keras 3.15.1 prints for `keras.optimizers.X().get_config()` (name, order, values)."""
    optimizer = optimizers.get(name.replace("_", ""))
    expected = {"name": name, "learning_rate": 0.0010000000474974513, **BASE_DEFAULTS, **own}
    config = optimizer.get_config()
    assert config == expected
    assert list(config) == list(expected)


def test_rmsprop_puts_epsilon_inside_the_root_and_adam_outside():
    # One step from zero state with g = 1e-4: sqrt(v + eps) vs sqrt(v) + eps differ a lot.
    g = np.full((1,), 1e-4, dtype="float32")
    rms = Variable(np.zeros(1, "float32"), name="a")
    optimizers.RMSprop(learning_rate=1.0).apply([g], [rms])
    np.testing.assert_allclose(-rms.data, 1e-4 / np.sqrt(0.1 * 1e-8 + 1e-7), rtol=1e-5)
    adam = Variable(np.zeros(1, "float32"), name="b")
    optimizers.Adam(learning_rate=1.0).apply([g], [adam])
    alpha = np.sqrt(1 - 0.999) / (1 - 0.9)
    np.testing.assert_allclose(-adam.data, alpha * 1e-5 / (np.sqrt(1e-11) + 1e-7), rtol=1e-5)


def test_a_missing_gradient_leaves_the_weight_alone():
    a = Variable(np.ones(2, "float32"), name="a")
    b = Variable(np.ones(2, "float32"), name="b")
    optimizer = optimizers.Adam()
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['a'\]"):
        optimizer.apply([None, np.ones(2)], [a, b])
    np.testing.assert_array_equal(a.data, np.ones(2))
    assert not np.array_equal(b.data, np.ones(2))
    assert optimizer.iterations == 1


def test_shape_mismatch_is_refused_before_any_change():
    a = Variable(np.ones(2, "float32"), name="a")
    b = Variable(np.ones(3, "float32"), name="b")
    with pytest.raises(ValueError, match=r"gradient for 'b' has shape \(2,\)"):
        optimizers.SGD().apply([np.ones(2), np.ones(2)], [a, b])
    np.testing.assert_array_equal(a.data, np.ones(2))
    with pytest.raises(ValueError, match="2 gradients for 1 variables"):
        optimizers.SGD().apply([np.ones(2), np.ones(2)], [a])


@pytest.mark.parametrize(
    "name",
    ["sgd", "SGD", "rmsprop", "RMSprop", "adam", "Adam", "adagrad", "adamw", "AdamW", "nadam"]
    + ["adamax", "adadelta", "ftrl", "lion"],
)
def test_get_by_name(name):
    assert type(optimizers.get(name)).__name__.lower() == name.lower()


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(
        ValueError, match="Unknown optimizer: 'adan'. Did you mean 'adam'.*adadelta, "
    ):
        optimizers.get("adan")
    assert optimizers.get(None) is None
    with pytest.raises(TypeError, match="Could not interpret optimizer"):
        optimizers.get(3)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: optimizers.SGD(learning_rate=-1), "SGD should be a finite positive float"),
        (lambda: optimizers.Adam(learning_rate=float("inf")), "learning_rate=inf"),
        (lambda: optimizers.Adam(learning_rate="0.1"), "learning_rate='0.1'"),
        (lambda: optimizers.SGD(momentum=1.5), "momentum"),
        (lambda: optimizers.Adagrad(initial_accumulator_value=-1), "non-negative"),
        (lambda: optimizers.Adam(beta_1=1.0), r"`beta_1` of Adam must be in \[0, 1\)"),
        (lambda: optimizers.Nadam(beta_2=-0.1), r"`beta_2` of Nadam must be in \[0, 1\)"),
        (lambda: optimizers.RMSprop(rho=1.5), r"`rho` of RMSprop must be in \[0, 1\)"),
        (lambda: optimizers.Adamax(epsilon=0), "`epsilon` of Adamax must be a finite number > 0"),
        (lambda: optimizers.Adadelta(epsilon=-1e-7), "epsilon=-1e-07"),
        (lambda: optimizers.SGD(clipnorm=-1.0), "`clipnorm` of SGD must be a finite number > 0"),
        (lambda: optimizers.SGD(clipvalue=0), "`clipvalue` of SGD must be"),
        (lambda: optimizers.SGD(global_clipnorm=float("nan")), "global_clipnorm=nan"),
        (lambda: optimizers.Adam(clipnorm=1.0, global_clipnorm=1.0), "Only one of `clipnorm`"),
        (lambda: optimizers.Adam(weight_decay=-0.1), "`weight_decay` of Adam must be"),
        (lambda: optimizers.SGD(gradient_accumulation_steps=1), "must be an integer >= 2"),
        (lambda: optimizers.SGD(use_ema=True, ema_momentum=1.5), r"ema_momentum.*\[0, 1\]"),
        (lambda: optimizers.Ftrl(learning_rate_power=0.5), "needs to be negative or zero"),
        (lambda: optimizers.Ftrl(l1_regularization_strength=-1), "l1_regularization_strength"),
        (lambda: optimizers.Lion(beta_1=0.0), "degenerates to SignSGD. Received: beta_1=0.0"),
        (
            lambda: optimizers.AdamW(weight_decay=None),
            "weight_decay=None .*use keras.optimizers.Adam",
        ),
    ],
)
def test_bad_hyperparameters(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_state_round_trip_continues_identically():
    rng = np.random.default_rng(0)
    start = rng.normal(size=(4,)).astype("float32")
    grads = [rng.normal(size=4).astype("float32") for _ in range(4)]
    first = Variable(start.copy(), name="w")
    original = optimizers.Adam(learning_rate=0.1)
    for g in grads[:2]:
        original.apply([g], [first])
    arrays = [v.data.copy() for v in original.variables]
    second = Variable(first.data.copy(), name="w")
    restored = optimizers.Adam(learning_rate=0.1)
    restored.check_variable_arrays([second], arrays)
    restored.set_variable_arrays([second], arrays)
    assert restored.iterations == 2
    for g in grads[2:]:
        original.apply([g], [first])
        restored.apply([g], [second])
    np.testing.assert_array_equal(first.data, second.data)
    with pytest.raises(ValueError, match="optimizer slot 'velocity'"):
        restored.check_variable_arrays([second], arrays[:3] + [np.ones(3)])
    with pytest.raises(ValueError, match="has 3 variables, but Adam keeps 4"):
        restored.check_variable_arrays([second], arrays[:3])


def test_a_keras_2_keyword_names_its_keras_3_spelling():
    with pytest.raises(ValueError) as caught:
        optimizers.Adam(lr=0.01)
    message = str(caught.value)
    assert "Argument(s) not recognized: {'lr': 0.01} by Adam" in message
    assert "`lr` was renamed to `learning_rate` in Keras 3" in message
    assert "Adam accepts: learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay" in message


def test_a_misspelt_keyword_gets_a_did_you_mean():
    with pytest.raises(ValueError, match="Did you mean `momentum` for `momentun`"):
        optimizers.SGD(momentun=0.9)
    with pytest.raises(ValueError, match="by RMSprop. Did you mean `clipnorm` for `clip_norm`"):
        optimizers.RMSprop(clip_norm=1.0)
    with pytest.warns(UserWarning, match="`decay` is no longer supported.*InverseTimeDecay"):
        optimizers.SGD(decay=0.01)


def test_learning_rate_reads_as_a_float_and_can_be_set_or_assigned():
    optimizer = optimizers.Adam(learning_rate=0.01)
    assert isinstance(optimizer.learning_rate, float)
    assert optimizer.learning_rate == pytest.approx(0.01)
    assert optimizer.learning_rate * 2 == pytest.approx(0.02)
    optimizer.learning_rate = 0.5
    assert optimizer.learning_rate == 0.5
    optimizer.learning_rate.assign(0.25)
    assert optimizer.learning_rate == 0.25 and optimizer.get_config()["learning_rate"] == 0.25
    w = Variable(np.ones(1, "float32"), name="w")
    sgd = optimizers.SGD(learning_rate=1.0)
    sgd.learning_rate = 0.5
    sgd.apply([np.ones(1)], [w])
    np.testing.assert_allclose(w.data, [0.5])
    with pytest.raises(ValueError, match="finite positive float"):
        optimizer.learning_rate = -1.0
    assert optimizer.learning_rate == 0.25


def test_the_learning_rate_of_a_schedule_cannot_be_set():
    optimizer = optimizers.SGD(learning_rate=optimizers.schedules.ExponentialDecay(0.1, 1, 0.5))
    with pytest.raises(TypeError, match="hence its learning rate is not settable.*asks its Expon"):
        optimizer.learning_rate = 0.01


def test_variables_are_listed_as_keras_3_lists_them():
    w = Variable(np.ones((2, 3), "float32"), name="dense/kernel")
    b = Variable(np.ones(3, "float32"), name="dense/bias")
    adam = optimizers.Adam(amsgrad=True)
    assert [v.name for v in adam.variables] == ["iteration", "learning_rate"]
    adam.apply([np.ones((2, 3)), np.ones(3)], [w, b])
    assert [v.name for v in adam.variables] == [
        "iteration",
        "learning_rate",
        "dense_kernel_momentum",
        "dense_kernel_velocity",
        "dense_bias_momentum",
        "dense_bias_velocity",
        "dense_kernel_velocity_hat",
        "dense_bias_velocity_hat",
    ]
    nadam = optimizers.Nadam(learning_rate=optimizers.schedules.CosineDecay(0.1, 10))
    nadam.apply([np.ones(3)], [b])
    assert [v.name for v in nadam.variables] == [
        "iteration",
        "dense_bias_momentum",
        "dense_bias_velocity",
        "variable",
    ]
    ema = optimizers.SGD(momentum=0.5, use_ema=True, gradient_accumulation_steps=2)
    ema.apply([np.ones(3)], [b])
    assert [v.name for v in ema.variables][1:] == [
        "learning_rate",
        "dense_bias_average",
        "dense_bias_gradient_accumulator",
        "dense_bias_momentum",
    ]
    assert int(adam.variables[0].data) == 1 and adam.variables[0].data.dtype == np.int64


def test_an_optimizer_refuses_weights_it_was_not_built_for():
    a = Variable(np.ones(2, "float32"), name="a")
    b = Variable(np.ones(2, "float32"), name="b")
    optimizer = optimizers.Adam()
    optimizer.apply([np.ones(2)], [a])
    with pytest.raises(ValueError, match="Unknown variable: 'b'.*compile each model with its own"):
        optimizer.apply([np.ones(2)], [b])
    assert optimizer.iterations == 1


class NotANumber(optimizers.schedules.LearningRateSchedule):
    def __call__(self, step):
        return 0.1 if step < 2 else float("nan")

    def get_config(self):
        return {}


def test_a_non_finite_scheduled_rate_is_refused_at_its_step_with_nothing_updated():
    w = Variable(np.ones(2, "float32"), name="w")
    optimizer = optimizers.Adam(learning_rate=NotANumber())
    optimizer.apply([np.ones(2)], [w])
    optimizer.apply([np.ones(2)], [w])
    before = [v.data.copy() for v in optimizer.variables] + [w.data.copy()]
    with pytest.raises(ValueError, match=r"NotANumber returned nan at step 2 \(optimizer.iter"):
        optimizer.apply([np.ones(2)], [w])
    after = [v.data for v in optimizer.variables] + [w.data]
    for old, new in zip(before, after, strict=True):
        np.testing.assert_array_equal(old, new)


def test_a_schedule_round_trips_inside_the_optimizer_config_as_keras_writes_it():
    schedule = optimizers.schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)
    config = optimizers.SGD(learning_rate=schedule).get_config()
    assert config["learning_rate"] == {
        "module": "keras.optimizers.schedules",
        "class_name": "ExponentialDecay",
        "config": {
            "initial_learning_rate": 0.1,
            "decay_steps": 10,
            "decay_rate": 0.5,
            "staircase": True,
            "name": "ExponentialDecay",
        },
        "registered_name": None,
    }
    rebuilt = optimizers.deserialize({"class_name": "SGD", "config": config})
    assert rebuilt.get_config() == config
    assert rebuilt.learning_rate == pytest.approx(0.1)


def test_a_schedule_is_read_at_the_optimizers_iterations():
    schedule = optimizers.schedules.PiecewiseConstantDecay([0, 1], [1.0, 0.5, 0.25])
    optimizer = optimizers.SGD(learning_rate=schedule)
    w = Variable(np.zeros(1, "float32"), name="w")
    seen = []
    for _ in range(3):
        seen.append(optimizer.learning_rate)
        optimizer.apply([np.ones(1)], [w])
    assert seen == [1.0, 0.5, 0.25]
    np.testing.assert_allclose(w.data, [-1.75])


def test_weight_decay_shrinks_before_the_step_and_spares_excluded_weights():
    kernel = Variable(np.full(2, 2.0, "float32"), name="dense/kernel")
    bias = Variable(np.full(2, 2.0, "float32"), name="dense/bias")
    optimizer = optimizers.SGD(learning_rate=0.5, weight_decay=0.1)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    optimizer.apply([np.ones(2), np.ones(2)], [kernel, bias])
    np.testing.assert_allclose(kernel.data, 2.0 - 2.0 * 0.1 * 0.5 - 0.5)
    np.testing.assert_allclose(bias.data, 2.0 - 0.5)
    with pytest.raises(ValueError, match="only be configured before the optimizer is built"):
        optimizer.exclude_from_weight_decay(var_names=["kernel"])


def test_global_clipnorm_scales_all_gradients_together():
    optimizer = optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0)
    a = Variable(np.zeros(1, "float32"), name="a")
    b = Variable(np.zeros(1, "float32"), name="b")
    optimizer.apply([np.array([3.0]), np.array([4.0])], [a, b])
    np.testing.assert_allclose([a.data[0], b.data[0]], [-0.6, -0.8], rtol=1e-6)
    small = optimizers.SGD(learning_rate=1.0, global_clipnorm=10.0)._clip_gradients(
        [np.array([3.0], "float32"), np.zeros(1, "float32")]
    )
    np.testing.assert_allclose(small[0], [3.0])
    zero = optimizers.SGD(global_clipnorm=1.0)._clip_gradients([np.zeros(2, "float32")])
    np.testing.assert_array_equal(zero[0], [0.0, 0.0])


def test_a_refused_first_step_builds_nothing():
    a = Variable(np.ones(2, "float32"), name="a")
    optimizer = optimizers.Adam()
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        optimizer.apply([None], [a])
    assert not optimizer.built and [v.name for v in optimizer.variables] == [
        "iteration",
        "learning_rate",
    ]
    with pytest.raises(ValueError, match="has shape"):
        optimizer.apply([np.ones(3)], [a])
    assert not optimizer.built and optimizer.iterations == 0


class MomentumSGD(optimizers.Optimizer):
    """A learner's optimizer, written as Keras 3's `Optimizer` docstring teaches."""

    def __init__(self, learning_rate=0.1, momentum=0.9, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum

    def build(self, variables):
        super().build(variables)
        self.momentums = [
            self.add_variable_from_reference(reference_variable=v, name="momentum")
            for v in variables
        ]

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        m = self.momentums[self._get_variable_index(variable)]
        self.assign(
            m,
            ops.subtract(
                ops.multiply(m, ops.cast(self.momentum, variable.dtype)),
                ops.multiply(gradient, learning_rate),
            ),
        )
        self.assign_add(variable, m)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum}


def test_a_learners_optimizer_subclass_trains_like_the_built_in_one():
    rng = np.random.default_rng(1)
    start = rng.normal(size=(3, 2)).astype("float32")
    grads = [rng.normal(size=(3, 2)).astype("float32") for _ in range(3)]
    mine, theirs = Variable(start.copy(), name="dense/kernel"), Variable(start.copy(), name="k")
    custom, built_in = MomentumSGD(), optimizers.SGD(learning_rate=0.1, momentum=0.9)
    for g in grads:
        custom.apply([g], [mine])
        built_in.apply([g], [theirs])
    np.testing.assert_allclose(mine.data, theirs.data, rtol=1e-6)
    assert [v.name for v in custom.variables] == [
        "iteration",
        "learning_rate",
        "dense_kernel_momentum",
    ]
    assert custom.name == "momentum_sgd" and custom.get_config()["momentum"] == 0.9
    with pytest.raises(ValueError, match="Did you mean `momentum` for `momentun`.*MomentumSGD"):
        MomentumSGD(momentun=0.5)


def test_iterations_reads_as_an_int_with_keras_variable_methods():
    w = Variable(np.ones(1, "float32"), name="w")
    optimizer = optimizers.SGD()
    optimizer.apply([np.ones(1)], [w])
    assert optimizer.iterations == 1 and isinstance(optimizer.iterations, int)
    assert optimizer.iterations.numpy() == 1
    optimizer.iterations.assign(10)
    assert optimizer.iterations == 10 and int(optimizer.variables[0].data) == 10


def test_named_slot_state_restores_as_a_keras_2_file_gives_it():
    w = Variable(np.ones((2, 2), "float32"), name="w")
    frozen = Variable(np.ones(2, "float32"), name="frozen", trainable=False)
    assert list(optimizers.Adam().build_slots(w)) == ["momentum", "velocity"]
    assert list(optimizers.Adam(amsgrad=True).build_slots(w)) == [
        "momentum",
        "velocity",
        "velocity_hat",
    ]
    assert optimizers.SGD().build_slots(w) == {}
    optimizer = optimizers.Adam()
    state = [(0, "momentum", np.full((2, 2), 0.5)), (0, "velocity", np.full((2, 2), 0.25))]
    with pytest.raises(ValueError, match="'velocity' for weight 'w' does not fit"):
        optimizer.set_state([w, frozen], 4, [(0, "velocity", np.ones(3))])
    assert not optimizer.built
    optimizer.set_state([w, frozen], 4, state)
    assert optimizer.iterations == 4
    assert [v.name for v in optimizer.variables][2:] == ["w_momentum", "w_velocity"]
    iterations, saved = optimizer.get_state([w, frozen])
    assert iterations == 4 and [name for _, name, _ in saved] == ["momentum", "velocity"]
    np.testing.assert_array_equal(saved[1][2], np.full((2, 2), 0.25))


def test_repr_shows_the_settings_in_use():
    assert repr(optimizers.SGD(learning_rate=0.5, momentum=0.9)) == (
        "<SGD learning_rate=0.5, momentum=0.9>"
    )
    schedule = optimizers.schedules.CosineDecay(0.1, 10)
    assert repr(optimizers.Adam(learning_rate=schedule, clipnorm=1.0)).startswith(
        "<Adam learning_rate=CosineDecay, clipnorm=1.0, beta_1=0.9"
    )
