"""Adam's and RMSprop's updates of big weights on two cores give the same bits (parallel_updates.py)."""

import threading

import numpy as np
import pytest

from kerastutor import optimizers
from kerastutor.autodiff import Variable
from kerastutor.ops import threads as engine_threads
from kerastutor.optimizers import parallel_updates

SETTINGS = [
    ("Adam", {}),
    ("Adam", {"amsgrad": True}),
    ("AdamW", {"weight_decay": 0.01}),
    ("RMSprop", {}),
    ("RMSprop", {"centered": True, "momentum": 0.5}),
]
# Two weights of one shape (they would share spare arrays within one thread), big enough for two lanes.
SHAPES = [(400, 300), (300,), (400, 300), (200, 100), (10,)]


def train(name, kwargs, free_cores, monkeypatch, steps=4):
    monkeypatch.setattr(engine_threads, "free_cores", lambda: free_cores)
    rng = np.random.default_rng(0)
    variables = [
        Variable(rng.normal(size=s).astype("float32"), name=f"w{k}") for k, s in enumerate(SHAPES)
    ]
    optimizer = getattr(optimizers, name)(**kwargs)
    for _ in range(steps):
        grads = [rng.normal(size=v.data.shape).astype("float32") for v in variables]
        optimizer.apply(grads, variables)
    return [v.data for v in variables] + [s.data for s in optimizer.variables]


@pytest.mark.parametrize("name, kwargs", SETTINGS)
def test_two_lanes_give_the_same_bits_as_one_weight_after_another(name, kwargs, monkeypatch):
    threads = set()
    real_update_step = getattr(optimizers, name).update_step

    def recording(self, gradient, variable, learning_rate):
        threads.add(threading.current_thread() is threading.main_thread())
        return real_update_step(self, gradient, variable, learning_rate)

    recording.independent_per_variable = True
    monkeypatch.setattr(getattr(optimizers, name), "update_step", recording)
    lanes = []
    real_two_lanes = parallel_updates._two_lanes
    monkeypatch.setattr(
        parallel_updates,
        "_two_lanes",
        lambda pairs: lanes.append(real_two_lanes(pairs)) or lanes[-1],
    )
    in_lanes = train(name, kwargs, 2, monkeypatch)
    assert lanes and all(lane is not None for lane in lanes), "two lanes at every step"
    # The second lane is handed to the background thread; on a busy machine this
    # thread may take it back before the background thread starts (background.py),
    # so which thread ran it is not fixed: the bits must not depend on it.
    assert True in threads
    threads.clear()
    lanes.clear()
    in_order = train(name, kwargs, 1, monkeypatch)
    assert threads == {True} and lanes == []
    for a, b in zip(in_lanes, in_order, strict=True):
        np.testing.assert_array_equal(a, b)


def test_lanes_balance_the_elements_and_small_models_stay_in_order():
    big = [(None, Variable(np.zeros(s, "float32"), name=str(s))) for s in SHAPES]
    lanes = parallel_updates._two_lanes(big)
    sizes = [sum(v.data.size for _, v in lane) for lane in lanes]
    assert sorted(sizes) == [120_310, 140_000]  # 120k | 120k + 20k, the small ones on the lighter
    small = [(None, Variable(np.zeros((100, 100), "float32"), name=str(k))) for k in range(3)]
    assert parallel_updates._two_lanes(small) is None


def test_an_update_step_of_ones_own_runs_in_order(monkeypatch):
    class MyAdam(optimizers.Adam):
        def update_step(self, gradient, variable, learning_rate):
            threads.add(threading.current_thread() is threading.main_thread())
            super().update_step(gradient, variable, learning_rate)

    threads = set()
    monkeypatch.setattr(engine_threads, "free_cores", lambda: 2)
    variables = [Variable(np.zeros(s, "float32"), name=f"w{k}") for k, s in enumerate(SHAPES)]
    MyAdam().apply([np.ones(v.data.shape, "float32") for v in variables], variables)
    assert threads == {True}
