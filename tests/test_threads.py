"""BLAS thread counts: one in the fused LSTM/GRU timestep loops, fewer on a busy machine (threads.py)."""

import contextlib
import io
import os

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from kerastutor import layers, models
from kerastutor.layers import gru_fast, lstm_fast
from kerastutor.ops import threads


def blas_thread_counts():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_one_blas_thread_limits_blas_inside_the_block_and_restores_it_after():
    before = blas_thread_counts()
    assert before, "NumPy's BLAS should be visible to threadpoolctl"
    with threads.one_blas_thread():
        assert blas_thread_counts() == [1] * len(before)
    assert blas_thread_counts() == before


def test_without_threadpoolctl_the_block_runs_unchanged(monkeypatch):
    monkeypatch.setattr(threads, "_CONTROLLER", [None])
    before = blas_thread_counts()
    with threads.one_blas_thread():
        assert blas_thread_counts() == before


@pytest.mark.parametrize("module, recurrent", [(lstm_fast, "LSTM"), (gru_fast, "GRU")])
def test_a_training_step_runs_both_loops_on_one_blas_thread(monkeypatch, module, recurrent):
    seen = []
    one_blas_thread = threads.one_blas_thread

    @contextlib.contextmanager
    def recording():
        with one_blas_thread():
            seen.append(blas_thread_counts())
            yield

    monkeypatch.setattr(threads, "one_blas_thread", recording)
    x_in = layers.Input(shape=(5, 3))
    model = models.Model(x_in, layers.Dense(1)(getattr(layers, recurrent)(4)(x_in)))
    model.compile(optimizer="sgd", loss="mse")
    model.train_on_batch(np.ones((2, 5, 3), "float32"), np.ones((2, 1), "float32"))
    assert len(seen) == 2, "one block for the forward loop, one for the backward loop"
    assert all(counts and set(counts) == {1} for counts in seen)


def test_a_loop_with_a_big_per_step_product_keeps_the_threads_it_has():
    before = blas_thread_counts()
    with threads.loop_blas_threads(64, 256, 1024):  # LSTM(256), batch 64: 33 MFLOP a step
        assert blas_thread_counts() == before
    with threads.loop_blas_threads(32, 64, 256):  # LSTM(64), batch 32
        assert set(blas_thread_counts()) == {1}


@pytest.fixture
def machine(monkeypatch):
    """A pretend machine: 4 cores, and `free` of them not used by other programs."""
    state = {"free": 4}
    monkeypatch.setattr(threads, "_own_cores", lambda: 4)
    monkeypatch.setattr(threads, "_count_free_cores", lambda: state["free"])
    monkeypatch.setattr(threads, "_FREE_CORES", {"at": -1e9, "cores": None, "seen": []})
    return state


def test_on_a_busy_machine_blas_gets_only_the_free_cores_inside_the_block(machine):
    machine["free"] = 1
    before = blas_thread_counts()
    with threads.machine_sized_blas():
        assert set(blas_thread_counts()) == {1}
    assert blas_thread_counts() == before


@pytest.mark.parametrize("free", [4, None])
def test_on_a_quiet_or_unknown_machine_the_block_changes_nothing(machine, free):
    machine["free"] = free
    before = blas_thread_counts()
    with threads.machine_sized_blas():
        assert blas_thread_counts() == before


def test_the_running_threads_are_counted_again_only_after_a_while(machine, monkeypatch):
    counts = []
    monkeypatch.setattr(threads, "_count_free_cores", lambda: counts.append(1) or 2)
    for _ in range(5):
        assert threads.free_cores() == 2
    assert len(counts) == 1
    threads._FREE_CORES["at"] -= threads.RECOUNT_SECONDS
    threads.free_cores()
    assert len(counts) == 2


def test_the_free_cores_of_this_machine_are_between_one_and_all_of_its_cores():
    free = threads._count_free_cores()
    if free is None:  # no /proc/loadavg: not Linux
        assert not os.path.exists("/proc/loadavg")
    else:
        assert 1 <= free <= threads._own_cores()


def test_a_busy_process_takes_a_core_away(machine, monkeypatch):
    monkeypatch.undo()
    monkeypatch.setattr(threads, "_own_cores", lambda: 2)
    loadavg = "0.50 0.40 0.30 {running}/120 4242\n"
    real_open = open

    def fake_open(path, *args, **kwargs):
        if path == "/proc/loadavg":
            return io.StringIO(loadavg.format(running=running))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    running = 1  # this test's own thread only
    assert threads._count_free_cores() == 2
    running = 2  # and one other program's
    assert threads._count_free_cores() == 1
    running = 9
    assert threads._count_free_cores() == 1


def _record_machine_sized_blas(monkeypatch):
    """Count the steps that run inside `machine_sized_blas()`."""
    entered = []
    real = threads.machine_sized_blas

    def recording():
        entered.append(True)
        return real()

    monkeypatch.setattr(threads, "machine_sized_blas", recording)
    return entered


def test_a_training_step_runs_inside_machine_sized_blas(monkeypatch):
    entered = _record_machine_sized_blas(monkeypatch)
    x_in = layers.Input(shape=(3,))
    model = models.Model(x_in, layers.Dense(1)(x_in))
    model.compile(optimizer="sgd", loss="mse")
    model.train_on_batch(np.ones((2, 3), "float32"), np.ones((2, 1), "float32"))
    model.evaluate(np.ones((2, 3), "float32"), np.ones((2, 1), "float32"), verbose=0)
    model.train_on_batch(np.ones((2, 3), "float32"), np.ones((2, 1), "float32"))
    assert len(entered) == 3, "a model of Dense layers keeps BLAS's threads in every step"


def test_after_a_step_shared_among_the_workers_the_next_steps_run_on_one_blas_thread(monkeypatch):
    # A CNN: its convolutions' chunks run on kerastutor's worker threads, and
    # OpenBLAS's spinning threads would take their cores (threads.step_blas).
    if threads.worker_cores() == 1:
        pytest.skip("one core (or no threadpoolctl): on_every_core runs its tasks in order")
    entered = _record_machine_sized_blas(monkeypatch)
    seen = []
    one_blas_thread = threads.one_blas_thread

    @contextlib.contextmanager
    def recording_one():
        with one_blas_thread():
            seen.append(blas_thread_counts())
            yield

    monkeypatch.setattr(threads, "one_blas_thread", recording_one)
    x_in = layers.Input(shape=(8, 8, 3))
    h = layers.Flatten()(layers.Conv2D(4, 3)(x_in))
    model = models.Model(x_in, layers.Dense(1)(h))
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 8, 8, 3), "float32"), np.ones((4, 1), "float32")
    model.train_on_batch(x, y)
    assert len(entered) == 1 and model._step_shared_among_workers
    seen.clear()
    model.train_on_batch(x, y)
    assert len(entered) == 1, "the second step does not ask for the machine's cores"
    assert seen and all(set(counts) == {1} for counts in seen)


def test_a_core_counts_as_taken_only_when_every_recent_count_saw_it_taken(machine, monkeypatch):
    counts = iter([4, 1, 4, 1, 1, 1, 4])
    monkeypatch.setattr(threads, "_count_free_cores", lambda: next(counts))
    seen = []
    for _ in range(7):
        threads._FREE_CORES["at"] -= threads.RECOUNT_SECONDS
        seen.append(threads.free_cores())
    assert seen == [4, 4, 4, 4, 4, 1, 4]  # busy only after three busy counts in a row
