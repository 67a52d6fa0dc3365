"""Block jobs on a second core (background.py): same numbers threaded or inline."""

import threading

import numpy as np
import pytest

from kerastutor import autodiff, ops
from kerastutor.layers import background
from kerastutor.layers.gru_fast import gru_sequence
from kerastutor.layers.lstm_fast import lstm_sequence


def test_blocks_cover_every_step_once_in_order():
    assert background.blocks(10, 4) == [range(0, 4), range(4, 8), range(8, 10)]
    assert [k for block in background.blocks(281, 18) for k in block] == list(range(281))
    assert background.block_size(280) == 18 and background.block_size(5) == 4


@pytest.mark.parametrize("threaded", [True, False])
def test_every_job_runs_once_and_its_result_is_kept(threaded):
    ran = []
    jobs = background.Background(threaded=threaded)
    for index in range(20):
        jobs.submit(lambda index=index: ran.append(index) or index * index)
    jobs.wait_all()
    assert sorted(ran) == list(range(20))
    assert jobs._results == [index * index for index in range(20)]


def test_queued_jobs_run_on_the_background_thread_while_this_one_does_not_wait():
    done = threading.Event()
    on_main = []
    jobs = background.Background(threaded=True)
    jobs.submit(lambda: on_main.append(threading.current_thread() is threading.main_thread()))
    jobs.submit(done.set)
    assert done.wait(timeout=10), "the background thread ran the queue by itself"
    jobs.wait_all()
    assert on_main == [False]


def test_a_job_nobody_has_started_runs_in_the_thread_that_waits_for_it(monkeypatch):
    class Idle:  # a background thread that never gets to its queue
        def submit(self, work):
            pass

    monkeypatch.setattr(background, "background_thread", Idle)
    on_main = []
    jobs = background.Background(threaded=True)
    for _ in range(3):
        jobs.submit(lambda: on_main.append(threading.current_thread() is threading.main_thread()))
    jobs.wait(1)
    assert on_main == [True, True], "job 0 and then job 1, in order"
    jobs.wait_all()
    assert on_main == [True, True, True]


def test_a_failed_job_raises_where_it_is_waited_for():
    jobs = background.Background(threaded=True)
    jobs.submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        jobs.wait(0)


def test_threads_are_used_only_for_big_blocks_beside_a_small_loop_with_a_free_core(monkeypatch):
    big, small_loop = background.SMALL_BLOCK_WORK, (32, 64, 256)
    monkeypatch.setattr(background, "free_cores", lambda: 2)
    assert background.Background(big, small_loop).threaded
    assert not background.Background(big // 10, small_loop).threaded  # one sample
    assert not background.Background(big, (64, 256, 1024)).threaded  # the loop wants both threads
    monkeypatch.setattr(background, "free_cores", lambda: 1)  # a busy machine
    assert not background.Background(big, small_loop).threaded
    monkeypatch.setattr(background, "free_cores", lambda: None)  # not Linux
    assert not background.Background(big, small_loop).threaded


@pytest.mark.parametrize("threaded", [True, False])
def test_block_products_add_up_to_the_whole_product(threaded):
    rng = np.random.default_rng(0)
    left, right = rng.normal(size=(10, 3, 5)), rng.normal(size=(10, 3, 2))
    total = np.zeros((5, 2))
    jobs = background.Background(background.SMALL_BLOCK_WORK, timesteps=10, threaded=threaded)
    assert jobs.size == 4
    for k in range(9, -1, -1):  # as a backward loop walks
        jobs.add_block_products_from(k, [(left, right, total)])
    jobs.wait_all()
    np.testing.assert_allclose(total, left.reshape(-1, 5).T @ right.reshape(-1, 2))


def _outputs_and_grads(kind, go_backwards, masked):
    """A fused LSTM or GRU (reset_after or not) over 23 steps: its outputs and gradients."""
    rng = np.random.default_rng(0)
    batch, timesteps, features, units = 3, 23, 5, 4
    x = autodiff.Tensor(rng.normal(size=(batch, timesteps, features)).astype("float32"))
    gates = 4 if kind == "lstm" else 3
    bias_shape = (2, 3 * units) if kind == "gru" else (gates * units,)
    weights = [
        autodiff.Variable(rng.normal(scale=0.5, size=shape).astype("float32"), name)
        for name, shape in (
            ("kernel", (features, gates * units)),
            ("recurrent_kernel", (units, gates * units)),
            ("bias", bias_shape),
        )
    ]
    h0 = autodiff.Tensor(np.zeros((batch, units), "float32"))
    options = {"mask": rng.random((batch, timesteps)) > 0.3 if masked else None}
    options.update(go_backwards=go_backwards, return_sequences=True)
    with autodiff.watch(weights):
        if kind == "lstm":
            output, *states = lstm_sequence(x, *weights, h0, h0, **options)
        else:
            output, *states = gru_sequence(x, *weights, h0, reset_after=kind == "gru", **options)
        ops.sum(output * rng.normal(size=output.shape).astype("float32")).backward()
    assert all(isinstance(w.grad, np.ndarray) for w in weights)
    return [output.data] + [state.data for state in states] + [w.grad for w in weights]


@pytest.mark.parametrize("kind", ["lstm", "gru", "gru_reset_before"])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_the_fused_kernels_give_the_same_bits_threaded_or_inline(
    monkeypatch, kind, go_backwards, masked
):
    monkeypatch.setattr(background, "SMALL_BLOCK_WORK", 0)
    used = []
    real_executor = background.background_thread

    def counting_executor():
        used.append(True)
        return real_executor()

    monkeypatch.setattr(background, "background_thread", counting_executor)
    monkeypatch.setattr(background, "free_cores", lambda: 2)
    threaded = _outputs_and_grads(kind, go_backwards, masked)
    jobs_per_pass = len(background.blocks(23, background.block_size(23)))
    assert len(used) == 2 * jobs_per_pass, "forward and backward blocks on the thread"
    monkeypatch.setattr(background, "free_cores", lambda: 1)
    inline = _outputs_and_grads(kind, go_backwards, masked)
    assert len(used) == 2 * jobs_per_pass, "no more jobs on the thread"
    for a, b in zip(threaded, inline, strict=True):
        np.testing.assert_array_equal(a, b)


def _blas_threads():
    from threadpoolctl import threadpool_info

    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


@pytest.mark.parametrize("work, expected", [(10**8, {2}), (10**5, {1})])
def test_an_inline_job_gets_the_free_cores_back_from_the_loops_one_blas_thread(
    monkeypatch, work, expected
):
    # The text classifier's LSTM(64): 105 M multiply-adds in one inline block,
    # inside the loop's one-thread block; a tiny one stays on the loop's thread.
    monkeypatch.setattr(background, "free_cores", lambda: 2)
    monkeypatch.setattr(ops.threads, "free_cores", lambda: 2)
    seen = []
    with ops.threads.one_blas_thread():
        jobs = background.Background(work, (64, 64, 256), 100)
        assert not jobs.threaded
        jobs.submit(lambda: seen.append(_blas_threads()))
        jobs.wait_all()
        assert _blas_threads() == {1}, "the loop's own steps keep one thread"
    assert seen == [expected]
