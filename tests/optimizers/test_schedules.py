"""Ports of keras/src/optimizers/schedules/learning_rate_schedule_test.py (Keras 3)."""

import json
import math

import numpy as np
import pytest

from kerastutor import layers, models, optimizers
from kerastutor.autodiff import Variable
from kerastutor.optimizers import schedules


def close(value, expected, rtol=1e-6):
    np.testing.assert_allclose(float(value), expected, rtol=rtol, atol=1e-7)


def test_fit_with_a_schedule_gives_keras_losses():
    model = models.Sequential([layers.Dense(2, kernel_initializer="ones", bias_initializer="ones")])
    optimizer = optimizers.Adam(
        learning_rate=schedules.ExponentialDecay(
            initial_learning_rate=0.05, decay_steps=1, decay_rate=0.9
        )
    )
    assert len(optimizer.variables) == 1 and int(optimizer.variables[0].data) == 0
    model.compile(optimizer=optimizer, loss="mse")
    x = np.arange(32).reshape((16, 2)).astype("float32")
    y = np.arange(32).reshape((16, 2)).astype("float32")
    history = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0)
    assert int(optimizer.variables[0].data) == 4 * 3
    np.testing.assert_allclose(
        history.history["loss"],
        [230.79457092285156, 128.30319213867188, 79.33648681640625],
        rtol=5e-5,
    )


@pytest.mark.parametrize(
    "schedule",
    [
        schedules.ExponentialDecay(0.05, 10, 0.96, staircase=True, name="my_ed"),
        schedules.PiecewiseConstantDecay(boundaries=[10, 20], values=[1, 2, 3], name="my_pcd"),
        schedules.PolynomialDecay(0.1, 100, end_learning_rate=0.005, power=1.0, name="my_ld"),
        schedules.InverseTimeDecay(0.05, 10, 0.96, staircase=True, name="my_itd"),
        schedules.CosineDecay(0.05, 10, alpha=0.1, warmup_target=0.2, warmup_steps=2, name="cd"),
        schedules.CosineDecayRestarts(0.05, 10, alpha=0.1, t_mul=3.0, m_mul=4.0, name="my_cdr"),
    ],
    ids=lambda s: type(s).__name__,
)
def test_config_round_trip(schedule):
    serialized = json.loads(json.dumps(schedules.serialize(schedule)))
    assert serialized["module"] == "keras.optimizers.schedules"
    rebuilt = schedules.deserialize(serialized)
    assert type(rebuilt) is type(schedule) and rebuilt.get_config() == schedule.get_config()
    for step in (0, 3, 15, 40):
        assert float(rebuilt(step)) == float(schedule(step))


def test_exponential_decay():
    close(schedules.ExponentialDecay(0.05, 10, 0.96)(5), 0.05 * 0.96 ** (5.0 / 10.0))
    stairs = schedules.ExponentialDecay(0.1, 3, 0.96, staircase=True)
    step = Variable(np.array(1.0, "float32"), name="step")
    close(stairs(step), 0.1)
    step.assign(2)
    close(stairs(step), 0.1)
    step.assign(100)
    close(stairs(step), 0.1 * 0.96 ** (100 // 3))


def test_piecewise_constant_values_and_boundaries():
    decayed = schedules.PiecewiseConstantDecay([100, 110, 120], [1.0, 0.1, 0.01, 0.001])
    for step, expected in [
        (-999, 1.0),
        (100, 1.0),
        (105, 0.1),
        (110, 0.1),
        (120, 0.01),
        (999, 0.001),
    ]:
        close(decayed(step), expected)
    integers = schedules.PiecewiseConstantDecay([1, 2, 3], [0.4, 0.5, 0.6, 0.7])
    step = Variable(np.array(0, "int64"), name="step")
    for value, expected in [(0, 0.4), (1, 0.4), (2, 0.5), (3, 0.6), (4, 0.7)]:
        step.assign(value)
        close(integers(step), expected)
    with pytest.raises(ValueError, match="boundaries should be 1 less than the length of values"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])


@pytest.mark.parametrize("power", [1.0, 0.5])
def test_polynomial_decay(power):
    lr, end = 0.05, 0.001
    close(schedules.PolynomialDecay(lr, 10, 0.0, power=power)(5), lr * 0.5**power)
    close(schedules.PolynomialDecay(lr, 10, end, power=power)(10), end)
    close(schedules.PolynomialDecay(lr, 10, end, power=power)(5), (lr - end) * 0.5**power + end)
    close(schedules.PolynomialDecay(lr, 10, end, power=power)(15), end)
    cyclic = schedules.PolynomialDecay(lr, 10, end, power=power, cycle=True)
    close(cyclic(15), (lr - end) * 0.25**power + end)
    close(schedules.PolynomialDecay(0.001, 10, cycle=True)(0), 0.001)


@pytest.mark.parametrize("staircase", [False, True])
def test_inverse_time_decay(staircase):
    decayed = schedules.InverseTimeDecay(0.1, 10, 0.96, staircase=staircase)
    for i in range(11):
        p = i // 10 if staircase else i / 10
        close(decayed(i), 0.1 / (1 + 0.96 * p))


def np_cosine_decay(step, decay_steps, alpha=0.0):
    fraction = min(step, decay_steps) / decay_steps
    return (1.0 - alpha) * 0.5 * (1.0 + math.cos(math.pi * fraction)) + alpha


def test_cosine_decay_with_alpha_and_warmup():
    for step in range(0, 1500, 250):
        close(schedules.CosineDecay(1.0, 1000)(step), np_cosine_decay(step, 1000))
        close(schedules.CosineDecay(1.0, 1000, 0.1)(step), np_cosine_decay(step, 1000, 0.1))
        close(schedules.CosineDecay(np.float64(1.0), 1000)(step), np_cosine_decay(step, 1000))
        warm = schedules.CosineDecay(0.0, 10, warmup_target=10.0, warmup_steps=1500)
        close(warm(step), step / 1500 * 10.0, rtol=1e-5)
    for step in range(0, 3000, 250):
        schedule = schedules.CosineDecay(0.0, 1000, warmup_target=10.0, warmup_steps=2000)
        if step < 2001:
            expected = step / 2000 * 10.0
        else:
            expected = 10.0 * np_cosine_decay(step - 2000, 1000)
        close(schedule(step), expected, rtol=1e-5)


def np_cosine_decay_restarts(step, decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    height = 1.0
    while step >= decay_steps:
        step -= decay_steps
        decay_steps *= t_mul
        height *= m_mul
    cosine = height * 0.5 * (1.0 + math.cos(math.pi * step / decay_steps))
    return (1.0 - alpha) * cosine + alpha


@pytest.mark.parametrize(
    "options", [{}, {"alpha": 0.1}, {"m_mul": 0.9}, {"t_mul": 1.0}, {"m_mul": 0.5, "alpha": 0.2}]
)
def test_cosine_decay_restarts(options):
    for step in range(0, 1500, 250):
        schedule = schedules.CosineDecayRestarts(1.0, 1000, **options)
        close(schedule(step), np_cosine_decay_restarts(step, 1000, **options), rtol=1e-5)


@pytest.mark.parametrize(
    "make",
    [
        lambda: schedules.ExponentialDecay(0.1, 0, 0.5),
        lambda: schedules.InverseTimeDecay(0.1, -1, 0.5),
        lambda: schedules.PolynomialDecay(0.1, 0),
        lambda: schedules.CosineDecay(0.1, 0),
    ],
)
def test_decay_steps_must_be_positive(make):
    with pytest.raises(ValueError, match="must be > 0"):
        make()
    with pytest.raises(ValueError, match="`first_decay_steps` must be > 0"):
        schedules.CosineDecayRestarts(0.1, 0)


class Halving(schedules.LearningRateSchedule):
    def __init__(self, initial_learning_rate, every):
        self.initial_learning_rate = initial_learning_rate
        self.every = every

    def __call__(self, step):
        return self.initial_learning_rate * 0.5 ** (step // self.every)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "every": self.every}


def test_a_learners_schedule_trains_and_serializes_with_custom_objects():
    optimizer = optimizers.SGD(learning_rate=Halving(1.0, every=2))
    w = Variable(np.zeros(1, "float32"), name="w")
    for _ in range(4):
        optimizer.apply([np.ones(1)], [w])
    np.testing.assert_allclose(w.data, [-(1 + 1 + 0.5 + 0.5)])
    config = optimizers.serialize(optimizer)
    assert config["config"]["learning_rate"]["registered_name"] == "Halving"
    with pytest.raises(ValueError, match="Could not locate .*'Halving'.*custom_objects"):
        optimizers.deserialize(config)
    rebuilt = optimizers.deserialize(config, custom_objects={"Halving": Halving})
    assert isinstance(rebuilt._learning_rate, Halving) and rebuilt.learning_rate == 1.0


def test_a_schedule_without_call_or_config_says_what_to_override():
    class Empty(schedules.LearningRateSchedule):
        pass

    with pytest.raises(NotImplementedError, match=r"must override `__call__\(self, step\)`"):
        Empty()(0)
    with pytest.raises(NotImplementedError, match="must override `get_config"):
        Empty().get_config()
