"""One BLAS thread for the small matmuls of a recurrent layer's timestep loop.

NumPy's matmul hands its work to a BLAS library (OpenBLAS in NumPy's wheels),
which splits a product over every core. For the large products (the input
projection of all timesteps at once) that is a win. For the tiny per-timestep
products of an LSTM or GRU, (batch, units) @ (units, 4 * units), it is not:
each call must wake the other threads and wait for all of them. On a quiet
machine that costs little; on a shared one (a JupyterHub server, a 2-vCPU
Colab) a thread that has lost its core makes every timestep wait for it, and
a training step can get ten times slower.

`one_blas_thread()` limits BLAS to one thread inside a `with` block, through
threadpoolctl (a dependency of kerastutor, imported on first use so that
`import kerastutor` stays fast). The fused kernels wrap only their timestep
loops in it; the big matmuls before and after use every core. Where
threadpoolctl is missing, the block runs unchanged.

Example:
    >>> import numpy as np
    >>> from kerastutor.layers.blas_threads import one_blas_thread
    >>> with one_blas_thread():
    ...     product = np.ones((2, 3)) @ np.ones((3, 4))
    >>> product.shape
    (2, 4)
"""

import contextlib

__all__ = ["one_blas_thread"]

_CONTROLLER = []  # the threadpoolctl controller, made on first use (None: no threadpoolctl)


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
