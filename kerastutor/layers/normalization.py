"""Normalization: shift and scale the inputs to mean 0 and variance 1, with statistics from data."""

import itertools
import math

import numpy as np

from kerastutor import config
from kerastutor.autodiff import data_of
from kerastutor.engine.base_layer import Layer

__all__ = ["Normalization"]


class Normalization(Layer):
    """Standardizes each feature with a mean and a variance measured on data.

        outputs = (inputs - mean) / max(sqrt(variance), epsilon)

    The mean and variance come from `adapt(data)`, which measures them on
    your training data before training (or you pass them as `mean=` and
    `variance=`). They are the layer's non-trainable weights: `fit` never
    changes them, and the model saves them. With `invert=True` the layer
    undoes the standardization: `mean + inputs * sqrt(variance)`.

    `axis` says which axes keep a statistic of their own: by default the last
    one, so each feature (column) is standardized separately, averaged over
    the batch and every other axis. `axis=None` gives one mean and one
    variance for all values. Masks pass through.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Normalization
        >>> layer = Normalization()
        >>> layer.adapt(np.array([[1.0, 10.0], [3.0, 30.0]]))
        >>> layer(np.array([[2.0, 30.0]]))
        array([[0., 1.]], dtype=float32)

    Args:
        axis: the axis, or axes, with a statistic for each position (-1 by
            default); None for one statistic over everything.
        mean, variance: the statistics to use instead of `adapt`: numbers, or
            arrays shaped like the kept axes. Both or neither.
        invert: apply the inverse, turning standardized values back.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        Any shape; the kept axes must have known sizes.

    Output shape:
        The same shape as the input.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        self.axis = (axis,) if isinstance(axis, int) else tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError(
                f"Normalization layer '{self.name}': pass both `mean` and `variance`, or "
                f"neither (then `adapt(data)` measures them). Received: mean={mean!r}, "
                f"variance={variance!r}."
            )
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError(
                f"Normalization layer '{self.name}': `mean` and `variance` must have the same "
                f"shape. Received: mean shape {np.shape(mean)}, variance shape "
                f"{np.shape(variance)}."
            )
        if mean is not None and np.ndim(mean) > len(self.axis):
            raise ValueError(
                f"Normalization layer '{self.name}': `mean` has {np.ndim(mean)} axes, more than "
                f"the {len(self.axis)} kept axes (axis={self.axis}). Received: mean shape "
                f"{np.shape(mean)}."
            )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        if any(not -rank <= axis < rank for axis in self.axis):
            raise ValueError(
                f"Normalization layer '{self.name}': every `axis` must be in [-{rank}, {rank}) "
                f"for inputs of shape {tuple(input_shape)}. Received: axis={self.axis}."
            )
        self._kept = tuple(sorted(axis % rank for axis in self.axis))
        unknown = [axis for axis in self._kept if input_shape[axis] is None]
        if unknown:
            raise ValueError(
                f"Normalization layer '{self.name}': the kept axis {unknown[0]} of inputs "
                f"{tuple(input_shape)} has no known size; each kept axis needs one, for a "
                "mean and variance per position."
            )
        self._reduced = tuple(axis for axis in range(rank) if axis not in self._kept)
        # The statistics broadcast against the inputs: size 1 on every reduced axis.
        self._broadcast_shape = tuple(
            input_shape[axis] if axis in self._kept else 1 for axis in range(rank)
        )
        statistics_shape = tuple(input_shape[axis] for axis in self._kept)
        self._build_input_shape = tuple(input_shape)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                shape=statistics_shape, initializer="zeros", trainable=False, name="mean"
            )
            self.adapt_variance = self.add_weight(
                shape=statistics_shape, initializer="ones", trainable=False, name="variance"
            )
            # Keras keeps how many values the statistics came from (for older files).
            self.count = self.add_weight(
                shape=(), initializer="zeros", dtype="int64", trainable=False, name="count"
            )
        self.built = True

    def adapt(self, data):
        """Measure the mean and variance of `data`: an array, or batches of one (a list, a
        generator, a PyDataset), combined as if they were one array."""
        batches = _batches(self, data)
        first = next(batches)
        if not self.built:
            self.build(first.shape)
        for axis in self._kept:
            if first.shape[axis] != self._build_input_shape[axis]:
                raise ValueError(
                    f"Normalization layer '{self.name}' was built for inputs of shape "
                    f"{self._build_input_shape}, but adapt() received data of shape "
                    f"{first.shape} (axis {axis} differs)."
                )
        if self.input_mean is not None:
            raise ValueError(
                f"Normalization layer '{self.name}' was given `mean` and `variance`; "
                "adapt() has nothing to measure. Leave them out to adapt the layer."
            )
        mean, variance, count = _combined_moments(self, first, batches)
        self.adapt_mean.assign(mean.astype(self.adapt_mean.dtype))
        self.adapt_variance.assign(variance.astype(self.adapt_variance.dtype))
        self.count.assign(np.int64(count))

    def call(self, inputs):
        mean, variance = self._statistics()
        scale = np.maximum(np.sqrt(variance), config.epsilon())
        if self.invert:
            return inputs * scale + mean
        return (inputs - mean) / scale

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config_ = super().get_config()
        config_.update(
            {
                "axis": list(self.axis),
                "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(),
                "variance": np.array(self.input_variance).tolist(),
            }
        )
        return config_

    def _statistics(self):
        """The mean and variance shaped to broadcast against the inputs."""
        if self.input_mean is None:
            mean, variance = data_of(self.adapt_mean), data_of(self.adapt_variance)
            return mean.reshape(self._broadcast_shape), variance.reshape(self._broadcast_shape)
        # Given statistics line up with the kept axes from the right (a number: all of them).
        shape = [1] * len(self._broadcast_shape)
        given = np.shape(self.input_mean)
        for position in range(1, len(given) + 1):
            shape[self._kept[-position]] = given[-position]
        statistics = []
        for value in (self.input_mean, self.input_variance):
            array = np.asarray(value, dtype=self.dtype).reshape(shape)
            statistics.append(np.broadcast_to(array, self._broadcast_shape))
        return statistics


def _batches(layer, data):
    """The data as an iterator of NumPy batches; an array is one batch."""
    from kerastutor.utils.py_dataset import PyDataset

    if isinstance(data, PyDataset):
        dataset = data
        data = (dataset[index] for index in range(len(dataset)))
    elif isinstance(data, np.ndarray) or hasattr(data, "shape"):
        data = [data_of(data)]
    elif not hasattr(data, "__iter__"):
        raise TypeError(
            f"Normalization layer '{layer.name}': adapt() takes an array or batches of one (a "
            f"list, a generator, a PyDataset). Received {type(data).__name__}."
        )
    batches = (_inputs_of(layer, batch) for batch in data)
    first = next(batches, None)
    if first is None:
        raise ValueError(
            f"Normalization layer '{layer.name}': adapt() received no batches; pass at least "
            "one array, e.g. layer.adapt(x_train)."
        )
    return itertools.chain([first], batches)


def _inputs_of(layer, batch):
    """A batch's inputs: the first item of an (x, y) tuple, as a float array."""
    if isinstance(batch, tuple):
        batch = batch[0]
    if not hasattr(batch, "shape"):
        raise TypeError(
            f"Normalization layer '{layer.name}': adapt() needs batches that are arrays (with a "
            f"`.shape`). Received a batch of type {type(batch).__name__}."
        )
    return np.asarray(data_of(batch), dtype="float64")


def _combined_moments(layer, first, batches):
    """Mean, variance and count over all batches, as if they were one array.

    Each batch moves the running mean by its share of all values; the running
    variance keeps each part's spread around the new mean (the sum of
    squares split into within-part and between-part terms).
    """
    mean = first.mean(axis=layer._reduced)
    variance = first.var(axis=layer._reduced)
    count = math.prod(first.shape[axis] for axis in layer._reduced)
    for batch in batches:
        if any(batch.shape[axis] != layer._build_input_shape[axis] for axis in layer._kept):
            raise ValueError(
                f"Normalization layer '{layer.name}': adapt() received a batch of shape "
                f"{batch.shape}; the layer expects {layer._build_input_shape} on its kept axes."
            )
        batch_count = math.prod(batch.shape[axis] for axis in layer._reduced)
        share = batch_count / (count + batch_count)
        new_mean = mean * (1 - share) + batch.mean(axis=layer._reduced) * share
        variance = (variance + (mean - new_mean) ** 2) * (1 - share) + (
            batch.var(axis=layer._reduced) + (batch.mean(axis=layer._reduced) - new_mean) ** 2
        ) * share
        mean, count = new_mean, count + batch_count
    return mean, variance, count
