"""The engine's threads: how many BLAS uses, and the worker threads beside the main one.

Two kinds of parallel work share the machine's cores, and both are set here:
BLAS's own threads inside a matrix product, and kerastutor's worker threads,
which run NumPy work (whose big operations let other Python threads run)
next to the main thread: a convolution's chunks of images on every core
(`on_every_core`), a fused LSTM's block matmuls beside its timestep loop
(`background_thread`, used by layers/background.py).

BLAS threads
------------

NumPy's matmul hands its work to a BLAS library (OpenBLAS in NumPy's wheels),
which splits a product over every core and makes its threads wait for each
other at the end. That is a win only while each thread has a core of its own
and the product is big enough to share:

* On a shared machine (a JupyterHub server, a 2-vCPU Colab, a laptop running
  tests) a thread that has lost its core makes the others wait for it. With
  one other busy process on 2 cores, a training step of the seed 002 model
  measured 4 times slower on two BLAS threads than on one.
  `machine_sized_blas()` counts the threads of other programs that are
  running right now and leaves BLAS only the cores they do not use (the
  trainer wraps each training and evaluation step in it).
* The per-timestep products of an LSTM or GRU, (batch, units) @ (units,
  4 * units), are tiny: waking a second thread costs more than it saves.
  `loop_blas_threads(...)` gives such a loop one thread (`one_blas_thread()`)
  and leaves bigger per-step products (LSTM(256) at batch 64) as they are.

threadpoolctl (a dependency of kerastutor) sets the number, imported on
first use so that `import kerastutor` stays fast. Where it is missing, or
the machine does not say what is running (`/proc` is Linux's), the blocks
run unchanged.

Worker threads
--------------
`on_every_core(task, items)` runs tasks on one thread per core, each task's
BLAS on one thread; `background_thread()` is the single thread a fused
recurrent kernel hands its block jobs to. Both start on first use, and a
child made by os.fork (which has none of its parent's threads) starts its own.

Example:
    >>> import numpy as np
    >>> from kerastutor.ops.threads import on_every_core, one_blas_thread
    >>> with one_blas_thread():
    ...     product = np.ones((2, 3)) @ np.ones((3, 4))
    >>> product.shape
    (2, 4)
    >>> on_every_core(lambda n: n * n, [1, 2, 3])
    [1, 4, 9]
"""

import contextlib
import functools
import importlib.util
import os
import time
from concurrent.futures import ThreadPoolExecutor

__all__ = [
    "background_thread",
    "blas_on_free_cores",
    "free_cores",
    "loop_blas_threads",
    "machine_sized_blas",
    "on_every_core",
    "one_blas_thread",
    "small_step_product",
    "step_blas",
    "worker_runs",
    "worker_cores",
]

_CONTROLLER = []  # the threadpoolctl controller, made on first use (None: no threadpoolctl)

# A per-step product below this many multiply-adds (about 40 us on one core)
# gains less from a second thread than the thread's wake-up and wait cost.
SMALL_STEP_PRODUCT = 2_000_000

# The running threads are counted again after this many seconds, not at every step,
# and a core counts as taken only if the last SAMPLES counts all saw it taken: a
# program that runs for a moment (a monitor waking up) does not halve the threads.
RECOUNT_SECONDS = 0.1
SAMPLES = 3
_FREE_CORES = {"at": -RECOUNT_SECONDS, "cores": None, "seen": []}


def _controller():
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _CONTROLLER.append(None)
        else:
            # Finds the BLAS libraries loaded so far: NumPy's, since callers use NumPy.
            _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


def one_blas_thread():
    """A context manager: BLAS uses one thread inside it, its usual number again after."""
    controller = _controller()
    if controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=1, user_api="blas")


def small_step_product(batch, units, columns):
    """Whether (batch, units) @ (units, columns) is too small to share between threads."""
    return batch * units * columns < SMALL_STEP_PRODUCT


def loop_blas_threads(batch, units, columns):
    """For a timestep loop whose product is (batch, units) @ (units, columns): one thread if small."""
    if small_step_product(batch, units, columns):
        return one_blas_thread()
    return contextlib.nullcontext()


def machine_sized_blas():
    """A context manager: BLAS gets only the cores that no other program is running on now.

    On a quiet machine it changes nothing; with one other busy process on 2
    cores, BLAS runs on one thread inside it.
    """
    cores, free = _own_cores(), free_cores()
    controller = _controller()
    if controller is None or free is None or free >= cores:
        return contextlib.nullcontext()
    return controller.limit(limits=free, user_api="blas")


def blas_on_free_cores():
    """A context manager: BLAS on every core no other program is using, even inside `one_blas_thread()`.

    For a big product that runs inside a timestep loop's one-thread block,
    once, between the loop's steps (a fused LSTM's input projection, when
    it is not handed to the background thread; see layers/background.py).
    """
    controller = _controller()
    free = free_cores() or _own_cores()
    if controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=free, user_api="blas")


def step_blas(shared_among_workers):
    """A context manager for one training or evaluation step: the BLAS threads it runs with.

    `machine_sized_blas()`, or one thread for a model whose last step shared
    work among kerastutor's worker threads (`on_every_core`: a convolution's
    or a pooling's chunks of images), whatever products the step has besides.

    Why: OpenBLAS's threads do not sleep when a product ends. They spin,
    waiting for the next one, for about a tenth of a second, and next to
    kerastutor's worker threads a spinning thread takes a core the workers
    need. The Conv2D -> Conv2D -> Dense model of benchmarks/cnn_train_step.py
    measured 0.68x its step time with the whole step on one BLAS thread
    (its Dense layer's products too: nothing left to spin); a model of Dense
    layers, whose products follow each other, is faster with the threads
    spinning, and keeps `machine_sized_blas()`.

    Args:
        shared_among_workers: whether the model's last step did (compare
            `worker_runs()` before and after it).
    """
    return one_blas_thread() if shared_among_workers else machine_sized_blas()


def free_cores():
    """This process's cores minus the threads of other programs running now (None: unknown)."""
    now = time.monotonic()
    if now - _FREE_CORES["at"] >= RECOUNT_SECONDS:
        seen = [*_FREE_CORES.get("seen", [])[1 - SAMPLES :], _count_free_cores()]
        known = [cores for cores in seen if cores is not None]
        _FREE_CORES.update(at=now, seen=seen, cores=max(known) if known else None)
    return _FREE_CORES["cores"]


def _own_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _count_free_cores():
    """Linux: /proc/loadavg's running threads (all programs) less this process's own.

    This process's threads (its BLAS threads, the background thread of
    background.py) start and stop all the time; a thread counts as its own
    if it was running just before or just after the count of all threads, so
    that a thread of ours that changed state in between is not taken for
    another program's.
    """
    try:
        before = _own_running_threads()
        with open("/proc/loadavg") as f:
            running_everywhere = int(f.read().split()[3].split("/")[0])
        running_here = len(before | _own_running_threads())
    except (OSError, ValueError, IndexError):
        return None
    others = max(0, running_everywhere - running_here)
    return max(1, _own_cores() - others)


def _own_running_threads():
    """The ids of this process's threads that are running ('R') now."""
    running = set()
    for thread in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{thread}/stat") as f:
                stat = f.read()
        except FileNotFoundError:  # the thread ended meanwhile
            continue
        # The state letter follows the command name in parentheses.
        if stat[stat.rindex(")") + 2] == "R":
            running.add(thread)
    return running


# ---------------------------------------------------------------- worker threads

_WORKERS = {}  # {"every core": executor, "background": executor}, started on first use
_WORKER_RUNS = [0]  # how many times on_every_core has shared tasks among its threads
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WORKERS.clear)


@functools.cache
def worker_cores():
    """How many threads `on_every_core` runs: one per core this process may use.

    One when threadpoolctl is missing: without it BLAS cannot be kept to one
    thread per task, and several tasks' BLAS threads would fight for the cores.
    """
    if importlib.util.find_spec("threadpoolctl") is None:
        return 1
    return _own_cores()


def on_every_core(task, items):
    """[task(item) for item in items], run on one thread per core, BLAS on one thread each.

    NumPy lets other Python threads run while it computes on large arrays
    (copies, ufuncs like +=, matrix products), so tasks on separate threads
    use separate cores. Each task's BLAS calls run on their own thread: no
    BLAS threads waiting (spinning) for each other when other programs hold
    the cores. The tasks must write to separate arrays or slices.
    """
    if worker_cores() == 1 or len(items) == 1:
        return [task(item) for item in items]
    if "every core" not in _WORKERS:
        _WORKERS["every core"] = ThreadPoolExecutor(worker_cores(), "kerastutor-ops")
    _WORKER_RUNS[0] += 1
    with one_blas_thread():
        return list(_WORKERS["every core"].map(task, items))


def worker_runs():
    """How many times `on_every_core` has shared tasks among its threads in this process."""
    return _WORKER_RUNS[0]


def background_thread():
    """The one worker thread that runs block jobs beside a timestep loop (layers/background.py)."""
    if "background" not in _WORKERS:
        _WORKERS["background"] = ThreadPoolExecutor(1, "kerastutor-background")
    return _WORKERS["background"]
