"""The big matmuls of a fused recurrent kernel on a second core, beside its timestep loop.

A fused LSTM spends its time in two kinds of work that need not wait for each
other: the timestep loop (small NumPy calls, one after the other, on one
core) and the big matmuls of whole blocks of timesteps (the input's share of
the gates before the loop; the kernel gradients after it). The forward loop
needs block j's gates only when it reaches block j, and the backward pass can
add block j's share of the kernel gradient as soon as the loop has left it.

`Background` queues such block jobs; one background thread takes them in
order while the loop runs here, and the loop takes the next one itself when
it would otherwise wait for it. NumPy releases Python's GIL inside a matmul,
so the two really run at once, each on one BLAS thread. When no second core
is free (`ops.threads.free_cores()`: a busy machine, or a 1-core one), or
the blocks are small, each job runs at once, inline: the same jobs, whose
results are combined in the same order, so both ways give the same bits.
An inline job is one big matmul between the loop's small steps, so it gets
back the BLAS threads of the free cores that the loop gave up
(`ops.threads.blas_on_free_cores`): the text classifier's LSTM(64) step
measured 0.88x its time with its projection on one thread.

Example:
    >>> import numpy as np
    >>> from kerastutor.layers.background import Background, blocks
    >>> blocks(10, 4)
    [range(0, 4), range(4, 8), range(8, 10)]
    >>> squares = np.zeros(10)
    >>> jobs = Background(threaded=True)
    >>> for block in blocks(10, 4):
    ...     jobs.submit(lambda b=block: np.square(np.arange(b.start, b.stop), out=squares[b.start : b.stop]))
    >>> jobs.wait_all()
    >>> float(squares[9])
    81.0
"""

import contextlib
import threading

import numpy as np

from kerastutor.ops.threads import (
    background_thread,
    blas_on_free_cores,
    free_cores,
    small_step_product,
)

__all__ = ["Background", "block_products", "block_size", "blocks", "project_in_blocks"]


def blocks(timesteps, size):
    """Consecutive ranges of at most `size` timesteps covering 0 .. timesteps - 1."""
    return [range(start, min(start + size, timesteps)) for start in range(0, timesteps, size)]


def block_size(timesteps):
    """About 16 blocks: the first one's matmul is the only one the loop waits for."""
    return max(4, -(-timesteps // 16))


# Below this many multiply-adds in all the blocks' matmuls together (an LSTM on
# one sample; the text classifier's LSTM(64) over 100 steps, 105 million),
# handing the blocks to a thread costs more than it saves (the Siamese
# model's LSTM: 590 million).
SMALL_BLOCK_WORK = 200_000_000


class Background:
    """Block jobs shared by this thread and one background thread, or run inline (see the module).

    Jobs wait in a queue; the background thread takes them in order, and a
    `wait(index)` for a job nobody has started yet runs it here, so neither
    thread idles while the other has work queued. The kernel-gradient blocks
    (`add_block_products_from`) are added to their totals in queue order in
    `wait_all`, whoever computed them, so the sums are the same bits either way.

    Args:
        block_work: multiply-adds of all the jobs' matmuls together; below
            SMALL_BLOCK_WORK the jobs run inline, as one block (`size`).
        step_product: (batch, units, columns) of the loop's per-step matmul;
            a loop whose product is big enough for two BLAS threads keeps
            both for itself, and the jobs run inline.
        timesteps: the loop's length, cut into blocks of `size` steps.
        threaded: force one way (tests); None decides as above.
    """

    def __init__(self, block_work=0, step_product=(1, 1, 1), timesteps=1, threaded=None):
        big = block_work >= SMALL_BLOCK_WORK
        # The blocks depend on the shapes only, never on the machine's load, so
        # the sums have the same bits on a quiet machine and a busy one.
        self.timesteps, self.size = timesteps, block_size(timesteps) if big else max(1, timesteps)
        if threaded is None:
            threaded = big and small_step_product(*step_product) and (free_cores() or 1) > 1
        self.threaded = threaded
        # A job run inline is one big matmul between the loop's small steps:
        # it gets the free cores back from the loop's one BLAS thread, unless
        # it is too small to share (SMALL_STEP_PRODUCT, as for a loop's step).
        block_share = block_work * self.size // max(1, timesteps)
        self._inline_blas = (
            blas_on_free_cores
            if not threaded and not small_step_product(block_share, 1, 1)
            else contextlib.nullcontext
        )
        self._jobs, self._done, self._results = [], [], []
        self._next = 0  # the first job nobody has taken yet
        self._lock = threading.Lock()
        self._sums = []  # (job index, totals) of add_block_products_from, in queue order

    def submit(self, job):
        """Queue `job()` (a function of no arguments); its index is what `wait` takes."""
        with self._lock:  # the background thread sees a job only once all of it is there
            self._done.append(threading.Event())
            self._results.append(None)
            self._jobs.append(job)
        if not self.threaded:
            with self._inline_blas():
                self._run(self._take())
        else:
            background_thread().submit(self._take_and_run_all)

    def wait(self, index):
        """Return once job `index` has run (here, with any before it nobody had started); re-raise its error."""
        while not self._done[index].is_set():
            with self._lock:  # the next job nobody has started, if it comes before `index`
                mine = self._next if self._next <= index else None
                self._next += mine is not None
            if mine is None:
                self._done[index].wait()  # the background thread has it
            else:
                self._run(mine)
        if isinstance(self._results[index], BaseException):
            raise self._results[index]

    def add_block_products_from(self, k, products):
        """For a loop walking the steps k down: once it has done block k // size, queue
        that block's `block_products`; `wait_all` adds them to the products' totals."""
        if k % self.size == 0:
            block = range(k, min(k + self.size, self.timesteps))
            self._sums.append((len(self._jobs), [total for _, _, total in products]))
            self.submit(lambda: block_products(block, products))

    def wait_all(self):
        """Run or wait for every job, here too; then add the block products, in queue order."""
        for index in range(len(self._jobs)):
            self.wait(index)
        for index, totals in self._sums:
            for total, partial in zip(totals, self._results[index], strict=True):
                total += partial

    def _take(self):
        with self._lock:
            index = self._next if self._next < len(self._jobs) else None
            self._next += index is not None
        return index

    def _take_and_run_all(self):  # the background thread's work
        while (index := self._take()) is not None:
            self._run(index)

    def _run(self, index):
        try:
            self._results[index] = self._jobs[index]()
        except BaseException as error:  # re-raised by `wait`, in the loop's thread
            self._results[index] = error
        self._done[index].set()


def block_products(block, products):
    """`left[block].T @ right[block]` for each (left, right, total), steps and batch as rows.

    A kernel's gradient is the sum of these over every block; computed block
    by block, it can start while the loop works on earlier steps.
    """
    steps = slice(block.start, block.stop)
    return [
        left[steps].reshape(-1, left.shape[-1]).T @ right[steps].reshape(-1, right.shape[-1])
        for left, right, _ in products
    ]


def project_in_blocks(jobs, x_in_order, kernel, bias):
    """`x_in_order @ kernel + bias`, and the time-major copy of x it uses, filled block by block.

    Args:
        jobs: the `Background` that runs the blocks (of `jobs.size` steps); job j fills block j.
        x_in_order: (timesteps, batch, features), any strides (a transposed view).
        kernel: (features, columns); bias: (columns,). Their dtype is the result's.

    Returns:
        (x_steps, projected): (timesteps, batch, features) and (timesteps,
        batch, columns) arrays, whose blocks are there once their job has run.
    """
    timesteps, batch, _ = x_in_order.shape
    x_steps = np.empty(x_in_order.shape, kernel.dtype)
    projected = np.empty((timesteps, batch, kernel.shape[1]), kernel.dtype)

    def project(steps):
        x_steps[steps] = x_in_order[steps]
        flat = projected[steps].reshape(-1, kernel.shape[1])
        np.matmul(x_steps[steps].reshape(-1, kernel.shape[0]), kernel, out=flat)
        flat += bias

    for block in blocks(timesteps, jobs.size):
        jobs.submit(lambda steps=slice(block.start, block.stop): project(steps))
    return x_steps, projected
