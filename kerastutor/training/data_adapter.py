"""Where `fit`, `evaluate` and `predict` get their batches: arrays, generators, PyDatasets.

Every kind of data becomes the same thing, an `EpochIterator` that yields
`(step, data)` for one epoch, where `data` is what `train_step(data)`
receives: `(x,)`, `(x, y)` or `(x, y, sample_weight)`, each in the structure
you gave (an array, a list, a dict by input name).

* Arrays are checked whole by the model before anything happens, then cut
  into batches of `batch_size` (in a new order every epoch with `shuffle`).
* A `kerastutor.utils.PyDataset` is read by index, `len(dataset)` batches an
  epoch; `on_epoch_end` is called after each.
* A Python generator is read batch by batch; each batch is checked when it
  arrives. A generator has no length: give `steps_per_epoch`, or one epoch
  lasts until it runs out.

As in Keras 3, with `steps_per_epoch` the next epoch continues where the last
one stopped, and data that runs out before `steps_per_epoch` ends the epoch
early with Keras's warning "Your input ran out of data". A finite generator
read to its end replays only its first two batches in later epochs (Keras
reads them ahead and keeps them).
"""

import itertools
import warnings

import numpy as np

from kerastutor import random
from kerastutor.engine.tree import flatten, map_structure
from kerastutor.utils.py_dataset import PyDataset

__all__ = [
    "EpochIterator",
    "unpack_x_y_sample_weight",
    "pack_x_y_sample_weight",
    "class_weight_to_sample_weights",
    "is_generator",
]

PEEKED_BATCHES = 2  # Keras's NUM_BATCHES_FOR_TENSOR_SPEC

RAN_OUT = (
    "Your input ran out of data; interrupting training. Make sure that your dataset or "
    "generator can generate at least `steps_per_epoch * epochs` batches. You may need to "
    "use the `.repeat()` function when building your dataset."
)


def unpack_x_y_sample_weight(data):
    """`(x, y, sample_weight)` from `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`, None filling in.

    Example:
        >>> x, y, sample_weight = unpack_x_y_sample_weight((np.ones(2), np.zeros(2)))
        >>> sample_weight is None
        True
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return tuple(data) + (None,) * (3 - len(data))
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found a tuple of {len(data)}: {str(data)[:100]}"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The shortest tuple for these parts: `(x,)`, `(x, y)` or `(x, y, sample_weight)`."""
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def is_generator(x):
    """A Python generator or iterator of batches (not an array, list, tuple or dict)."""
    return hasattr(x, "__next__") and not isinstance(x, (np.ndarray, list, tuple, dict))


def class_weight_to_sample_weights(y, class_weight):
    """One weight per sample: `class_weight[class of that sample]`, 1.0 for classes not listed.

    The class of a sample is its integer label, or the argmax of a one-hot
    row (or the rounded value of a single 0/1 column), as in Keras 3.
    """
    check_class_weight(class_weight)
    y = np.asarray(y)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else y[..., 0]
    classes = np.round(y).astype("int64")
    if classes.ndim > 1:  # Keras fails here too (int() of an array)
        raise ValueError(
            f"`class_weight` needs one class per sample, but the targets have shape "
            f"{np.shape(y)[:1] + np.shape(classes)[1:]} after taking each sample's class: one "
            "label per timestep. Turn the class weights into per-timestep sample weights "
            "instead: sample_weight = np.vectorize(class_weight.get)(labels), shape "
            "(samples, timesteps)."
        )
    weights = [float(class_weight.get(int(c), 1.0)) for c in classes]
    return np.asarray(weights, dtype="float32")


def check_class_weight(class_weight):
    """Refuse a `class_weight` that is not {integer class id: number}."""
    if not isinstance(class_weight, dict):
        raise TypeError(
            "`class_weight` must be a dict {class id: weight}, e.g. {0: 1.0, 1: 5.0} to count "
            f"each sample of class 1 five times; received {type(class_weight).__name__}."
        )
    for key, value in class_weight.items():
        if isinstance(key, bool) or not isinstance(key, (int, np.integer)):
            raise ValueError(
                f"`class_weight` keys must be integer class ids (0, 1, ...), received {key!r}: "
                "a label is looked up by its class number, so this entry would never be used."
            )
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise ValueError(f"`class_weight[{key}]` must be a number, received {value!r}.")


class EpochIterator:
    """The batches of each epoch, from arrays, a PyDataset or a generator.

    Args:
        data: `(x, y, sample_weight)` of checked arrays (any part may be
            None, y and sample_weight in the user's structure), or a
            PyDataset / generator as `x` alone.
        batch_size: samples per batch (arrays only).
        steps_per_epoch: batches per epoch; None means all the data (a
            generator: until it runs out).
        shuffle: new batch order each epoch (arrays and PyDatasets).
        prepare_batch: a function turning each batch from a generator or
            PyDataset into checked `(x, y, sample_weight)` (the model's checks).
    """

    def __init__(
        self, data, batch_size=32, steps_per_epoch=None, shuffle=False, prepare_batch=None
    ):
        self.source = data
        self.batch_size = batch_size
        self.steps_per_epoch = steps_per_epoch
        self.shuffle = shuffle
        self.prepare_batch = prepare_batch
        self._iterator = None
        if isinstance(data, PyDataset):
            self._size = data.num_batches
        elif is_generator(data):
            self._size = None
            # Keras reads the first two batches ahead (to learn their shapes) and
            # starts every pass with them again: after a finite generator runs
            # out, later epochs still see those two. Kept, so the numbers agree.
            self._first_batches = list(itertools.islice(data, PEEKED_BATCHES))
        else:
            self._count = len(flatten(data[0])[0])
            self._size = -(-self._count // batch_size)

    @property
    def num_batches(self):
        """Batches per epoch, or None when unknown (a generator without `steps_per_epoch`)."""
        return self.steps_per_epoch or self._size

    def reset(self):
        """Start the next epoch from the first batch (evaluate does, each time it runs)."""
        self._iterator = None

    def epoch(self):
        """Yield `(step, data)` for one epoch; warn and stop early if the data runs out."""
        if isinstance(self.source, PyDataset):
            self.source.on_epoch_begin()
        if self._iterator is None or self.steps_per_epoch is None:
            self._iterator, self._seen = self._batches(), 0
        steps = range(self.steps_per_epoch) if self.steps_per_epoch else _count_up()
        self.steps_run = 0  # how many batches this epoch had (a generator's count is found here)
        for step in steps:
            try:
                data = next(self._iterator)
            except StopIteration:
                self._iterator = None
                if self.steps_per_epoch or self._size is None:
                    warnings.warn(RAN_OUT, UserWarning, stacklevel=3)
                break
            self._seen += 1
            self.steps_run += 1
            yield step, data
        if self._size is not None and self._seen >= self._size:
            self._iterator = None  # every batch seen: the next epoch starts afresh
        if isinstance(self.source, PyDataset):
            self.source.on_epoch_end()

    def _batches(self):
        if isinstance(self.source, PyDataset):
            order = range(self._size) if self._size is not None else _count_up()
            if self.shuffle and self._size is not None:
                order = random.generator().permutation(self._size)
            return (self.prepare_batch(self.source[int(i)]) for i in order)
        if is_generator(self.source):
            batches = itertools.chain(self._first_batches, self.source)
            return (self.prepare_batch(batch) for batch in batches)
        return self._array_batches()

    def _array_batches(self):
        x, y, sample_weight = self.source
        order = random.generator().permutation(self._count) if self.shuffle else None
        for start in range(0, self._count, self.batch_size):
            if order is None:
                index = slice(start, start + self.batch_size)
            else:
                index = order[start : start + self.batch_size]
            yield pack_x_y_sample_weight(
                *(None if part is None else _take(part, index) for part in (x, y, sample_weight))
            )


def _take(structure, index):
    return map_structure(lambda array: array[index], structure)


def _count_up():
    step = 0
    while True:
        yield step
        step += 1
