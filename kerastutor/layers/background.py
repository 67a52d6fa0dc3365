"""The big matmuls of a fused recurrent kernel on a second core, beside its timestep loop.

A fused LSTM spends its time in two kinds of work that need not wait for each
other: the timestep loop (small NumPy calls, one after the other, on one
core) and the big matmuls of whole blocks of timesteps (the input's share of
the gates before the loop; the kernel gradients after it). The forward loop
needs block j's gates only when it reaches block j, and the backward pass can
add block j's share of the kernel gradient as soon as the loop has left it.

`Background` runs such block jobs, in the order they were given, on one
background thread while the loop runs here. NumPy releases Python's GIL
inside a matmul, so the two really run at once, each on one BLAS thread.
When no second core is free (`blas_threads.free_cores()`: a busy machine, or
a 1-core one), or the blocks are small, each job runs at once, inline: the
same jobs in the same order, so both ways give the same numbers.

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
    >>> squares[9]
    81.0
"""

import numpy as np

from kerastutor.layers.blas_threads import free_cores, small_step_product

__all__ = ["Background", "add_block_products", "block_size", "blocks", "project_in_blocks"]

_EXECUTOR = []  # one worker thread, made on first use


def blocks(timesteps, size):
    """Consecutive ranges of at most `size` timesteps covering 0 .. timesteps - 1."""
    return [range(start, min(start + size, timesteps)) for start in range(0, timesteps, size)]


def block_size(timesteps):
    """About 16 blocks: the first one's matmul is the only one the loop waits for."""
    return max(4, -(-timesteps // 16))


# Below this many multiply-adds in all the blocks' matmuls together (an LSTM on
# one sample), handing the blocks to a thread costs more than it saves.
SMALL_BLOCK_WORK = 50_000_000


class Background:
    """Jobs run in submission order on one background thread, or inline (see the module).

    Args:
        block_work: multiply-adds of all the jobs' matmuls together.
        step_product: (batch, units, columns) of the loop's per-step matmul;
            a loop whose product is big enough for two BLAS threads keeps
            both for itself, and the jobs run inline.
        threaded: force one way (tests); None decides as above.
    """

    def __init__(self, block_work=0, step_product=(1, 1, 1), threaded=None):
        if threaded is None:
            threaded = (
                block_work >= SMALL_BLOCK_WORK
                and small_step_product(*step_product)
                and (free_cores() or 1) > 1
            )
        self.threaded = threaded
        self._futures = []
        self._waited = -1  # jobs up to this index are known to have run

    def submit(self, job):
        """Start `job()` (a function of no arguments); its index is what `wait` takes."""
        if not self.threaded:
            job()
            self._futures.append(None)
            return
        self._futures.append(_executor().submit(job))

    def wait(self, index):
        """Return once job `index` (and so every job before it) has run; re-raise its error."""
        if index <= self._waited:
            return  # cheap enough to ask at every timestep
        future = self._futures[index]
        if future is not None:
            future.result()
        self._waited = index

    def add_block_products_from(self, k, size, timesteps, products):
        """For a loop walking the steps k down: once it has done block k // size, queue
        `add_block_products(that block, products)`."""
        if k % size == 0:
            block = range(k, min(k + size, timesteps))
            self.submit(lambda: add_block_products(block, products))

    def wait_all(self):
        for index in range(len(self._futures)):
            self.wait(index)


def _executor():
    if not _EXECUTOR:
        from concurrent.futures import ThreadPoolExecutor

        _EXECUTOR.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="kerastutor"))
    return _EXECUTOR[0]


def project_in_blocks(jobs, x_in_order, kernel, bias, size):
    """`x_in_order @ kernel + bias`, and the time-major copy of x it uses, filled block by block.

    Args:
        jobs: the `Background` that runs the blocks; job j fills block j.
        x_in_order: (timesteps, batch, features), any strides (a transposed view).
        kernel: (features, columns); bias: (columns,). Their dtype is the result's.
        size: timesteps per block.

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

    for block in blocks(timesteps, size):
        jobs.submit(lambda steps=slice(block.start, block.stop): project(steps))
    return x_steps, projected


def add_block_products(block, products):
    """`total += left[block].T @ right[block]` for each (left, right, total), steps and batch as rows.

    A kernel's gradient is such a sum over every step and sample; adding it
    block by block lets it start while the loop works on earlier steps.
    """
    steps = slice(block.start, block.stop)
    for left, right, total in products:
        rows = left[steps].reshape(-1, left.shape[-1])
        total += rows.T @ right[steps].reshape(-1, right.shape[-1])
