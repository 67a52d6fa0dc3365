"""The fused LSTM and GRU run their timestep loops on one BLAS thread (blas_threads.py)."""

import contextlib

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from kerastutor import layers, models
from kerastutor.layers import blas_threads, gru_fast, lstm_fast


def blas_thread_counts():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_one_blas_thread_limits_blas_inside_the_block_and_restores_it_after():
    before = blas_thread_counts()
    assert before, "NumPy's BLAS should be visible to threadpoolctl"
    with blas_threads.one_blas_thread():
        assert blas_thread_counts() == [1] * len(before)
    assert blas_thread_counts() == before


def test_without_threadpoolctl_the_block_runs_unchanged(monkeypatch):
    monkeypatch.setattr(blas_threads, "_CONTROLLER", [None])
    before = blas_thread_counts()
    with blas_threads.one_blas_thread():
        assert blas_thread_counts() == before


@pytest.mark.parametrize("module, recurrent", [(lstm_fast, "LSTM"), (gru_fast, "GRU")])
def test_a_training_step_runs_both_loops_on_one_blas_thread(monkeypatch, module, recurrent):
    seen = []

    @contextlib.contextmanager
    def recording():
        with blas_threads.one_blas_thread():
            seen.append(blas_thread_counts())
            yield

    monkeypatch.setattr(module, "one_blas_thread", recording)
    x_in = layers.Input(shape=(5, 3))
    model = models.Model(x_in, layers.Dense(1)(getattr(layers, recurrent)(4)(x_in)))
    model.compile(optimizer="sgd", loss="mse")
    model.train_on_batch(np.ones((2, 5, 3), "float32"), np.ones((2, 1), "float32"))
    assert len(seen) == 2, "one block for the forward loop, one for the backward loop"
    assert all(counts and set(counts) == {1} for counts in seen)
