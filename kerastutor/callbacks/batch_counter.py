"""BatchCounter: when a callback with `save_freq=N` is due, counting batches across epochs."""

__all__ = ["BatchCounter"]


class BatchCounter:
    """Counts the batches `fit` runs, across epochs, and says when `every` of them have passed.

    `fit` numbers batches from 0 again in each epoch, so a batch number not
    above the last one seen starts a new epoch. ModelCheckpoint and
    BackupAndRestore (`save_freq=N`) share this count, as in Keras.

    Example:
        >>> counter = BatchCounter(every=3)
        >>> [counter.due(batch) for batch in (0, 1, 2, 3, 0, 1)]
        [False, False, True, False, False, True]
    """

    def __init__(self, every):
        self.every = every
        self.since_last = 0
        self.last_batch = None

    def due(self, batch):
        """Count batch number `batch`; True (and the count starts again) once `every` have run."""
        new_epoch = self.last_batch is None or batch <= self.last_batch
        self.since_last += batch + 1 if new_epoch else batch - self.last_batch
        self.last_batch = batch
        if self.since_last >= self.every:
            self.since_last = 0
            return True
        return False
