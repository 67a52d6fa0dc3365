"""PyDataset: batches from your own Python code, indexed like a list (Keras 3's `keras.utils.PyDataset`).

Subclass it, give it `__len__` (how many batches in an epoch) and
`__getitem__(index)` (one batch: `x`, `(x, y)` or `(x, y, sample_weight)`),
and pass it to `fit`, `evaluate` or `predict` as `x` (with no `y`: the
batches hold the targets). `fit` calls `on_epoch_end` after every epoch, the
place to reshuffle. With `shuffle=True`, `fit` visits the batches of each
epoch in a new order.

Example:
    >>> import numpy as np
    >>> class Squares(PyDataset):
    ...     def __init__(self, batch_size, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.x = np.arange(10, dtype="float32")[:, None]
    ...         self.batch_size = batch_size
    ...     def __len__(self):
    ...         return int(np.ceil(len(self.x) / self.batch_size))
    ...     def __getitem__(self, index):
    ...         batch = self.x[index * self.batch_size : (index + 1) * self.batch_size]
    ...         return batch, batch**2
    >>> len(Squares(4))
    3

`workers`, `use_multiprocessing` and `max_queue_size` are accepted and kept,
so Keras code runs unchanged, but kerastutor always loads the batches one
after the other in the main process: there is nothing to wait for in NumPy.
"""

import itertools

__all__ = ["PyDataset"]


class PyDataset:
    """Base class for a dataset of batches, read by index.

    Args:
        workers: Keras's number of loading threads or processes (kept, unused).
        use_multiprocessing: Keras's choice of processes over threads (kept, unused).
        max_queue_size: Keras's number of batches loaded ahead (kept, unused).
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index):
        """The batch at position `index`: `x`, `(x, y)` or `(x, y, sample_weight)`."""
        raise NotImplementedError(
            f"{type(self).__name__} must define `__getitem__(self, index)` returning one batch."
        )

    @property
    def num_batches(self):
        """Batches per epoch: `len(self)`, or None for a dataset without end."""
        if hasattr(self, "__len__"):
            return len(self)
        return None

    def __iter__(self):
        count = self.num_batches
        indices = itertools.count() if count is None else range(count)
        for index in indices:
            yield self[index]

    def on_epoch_begin(self):
        """Called by `fit` before each epoch."""

    def on_epoch_end(self):
        """Called by `fit` after each epoch (e.g. to reshuffle the samples)."""
