"""Losses: how wrong the predictions are, as one number to minimise.

A loss works in two steps, as in Keras:

1. a function such as `binary_crossentropy(y_true, y_pred)` gives one value
   per sample (per timestep for sequence outputs), averaging over the last
   axis;
2. the `Loss` object reduces those values to one number: their mean
   ('sum_over_batch_size', Keras's default). Where the model's output has a
   mask (padding from `Embedding(mask_zero=True)`), padded steps get weight
   0 and the mean is over the real steps only.

Everything is written with `kerastutor.ops`, so `loss.backward()` finds the
gradient of every weight with no extra code.

Crossentropies on probabilities clip them to [epsilon, 1 - epsilon] first
(epsilon = 1e-7, `kerastutor.backend.epsilon()`), so that log(0) never
happens. Keras's NumPy, JAX and PyTorch backends compute exactly this; its
TensorFlow backend quietly uses the logits instead when the probabilities
come straight from a sigmoid or softmax. The two agree unless a probability
is within 1e-7 of 0 or 1, where clipping stops the gradient. Pass
`from_logits=True` (and no final activation) to avoid that altogether.

Example:
    >>> import numpy as np
    >>> from kerastutor import losses
    >>> bce = losses.get("binary_crossentropy")
    >>> float(bce(np.array([[1.0], [0.0]]), np.array([[0.9], [0.2]])))  # doctest: +ELLIPSIS
    0.164...
"""

import numpy as np

from kerastutor import config, ops
from kerastutor.autodiff import data_of
from kerastutor.engine.arguments import unknown_name
from kerastutor.engine.validation import first_non_finite

__all__ = [
    "Loss",
    "LossFunctionWrapper",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "KLDivergence",
    "CosineSimilarity",
    "mean_squared_error",
    "mean_absolute_error",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "kl_divergence",
    "cosine_similarity",
    "get",
    "serialize",
]

REDUCTIONS = ("sum_over_batch_size", "sum", "none", None)


# ---------------------------------------------------------------- helpers


def _constant(value, like):
    """`value` as an array of `like`'s dtype, so float32 math stays float32."""
    return np.asarray(value, dtype=data_of(like).dtype)


def _match_rank(y_true, y_pred):
    """Let (batch,) targets meet (batch, 1) predictions, as Keras does.

    Only `y_true` is reshaped: it is data, not part of the gradient's path.
    """
    true_rank, pred_rank = np.ndim(y_true), np.ndim(data_of(y_pred))
    if pred_rank == true_rank + 1 and data_of(y_pred).shape[-1] == 1:
        return np.expand_dims(y_true, -1)
    if true_rank == pred_rank + 1 and np.shape(y_true)[-1] == 1:
        return np.squeeze(y_true, -1)
    return y_true


def _as_float(y_true, y_pred):
    return np.asarray(y_true, dtype=data_of(y_pred).dtype)


def _log_softmax(logits, axis=-1):
    """log(softmax(x)) = x - log(sum(exp(x))), shifted by max(x) so exp never overflows.

    The shift is a plain array (no gradient): log-softmax does not change
    when every logit moves by the same amount.
    """
    shift = np.max(data_of(logits), axis=axis, keepdims=True)
    shifted = logits - shift
    log_sum = ops.log(ops.sum(ops.exp(shifted), axis=axis, keepdims=True))
    return shifted - log_sum


def _clipped_log(probabilities):
    """log(clip(p, epsilon, 1 - epsilon)): never log(0)."""
    epsilon = config.epsilon()
    return ops.log(ops.clip(probabilities, epsilon, 1.0 - epsilon))


# ---------------------------------------------------------------- loss functions


def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred) ** 2) over the last axis."""
    y_true = _as_float(_match_rank(y_true, y_pred), y_pred)
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|) over the last axis."""
    y_true = _as_float(_match_rank(y_true, y_pred), y_pred)
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False):
    """-(y log(p) + (1 - y) log(1 - p)), averaged over the last axis.

    Args:
        y_true: targets in [0, 1], the probability that the label is 1.
        y_pred: probabilities (after a sigmoid), or logits if `from_logits`.
        from_logits: whether `y_pred` is the input of the sigmoid.
    """
    y_true = _as_float(_match_rank(y_true, y_pred), y_pred)
    if from_logits:
        # -log(sigmoid(x)) = softplus(-x) and -log(1 - sigmoid(x)) = softplus(x),
        # which together simplify to softplus(x) - y * x.
        per_value = ops.softplus(y_pred) - y_true * y_pred
    else:
        one = _constant(1.0, y_pred)
        per_value = -(y_true * _clipped_log(y_pred) + (one - y_true) * _clipped_log(one - y_pred))
    return ops.mean(per_value, axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits=False):
    """-sum(y_true * log(p)) over the classes (the last axis).

    Args:
        y_true: one-hot (or soft) targets, the same shape as `y_pred`.
        y_pred: class probabilities (after a softmax), or logits if `from_logits`.
        from_logits: whether `y_pred` is the input of the softmax.

    Probabilities are first divided by their sum, as in Keras, so that each
    row adds up to 1 even if the last layer was not a softmax.
    """
    y_true = _as_float(y_true, y_pred)
    if from_logits:
        log_p = _log_softmax(y_pred)
    else:
        total = ops.sum(y_pred, axis=-1, keepdims=True)
        log_p = _clipped_log(y_pred / total)
    return -ops.sum(y_true * log_p, axis=-1)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """-log(p[label]): categorical crossentropy with integer labels.

    Args:
        y_true: integer class ids, shape `y_pred.shape[:-1]` (or with a
            trailing axis of size 1).
        y_pred: class probabilities, or logits if `from_logits`.
        from_logits: whether `y_pred` is the input of the softmax.
    """
    labels = np.asarray(y_true)
    if labels.ndim == np.ndim(data_of(y_pred)) and labels.shape[-1] == 1:
        labels = labels[..., 0]
    classes = data_of(y_pred).shape[-1]
    one_hot = np.eye(classes, dtype=data_of(y_pred).dtype)[labels.astype(np.int64)]
    return categorical_crossentropy(one_hot, y_pred, from_logits=from_logits)


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred)) over the last axis: how far y_pred is from y_true.

    Both are probability distributions; each is clipped to [epsilon, 1]
    first, as in Keras, so that neither log(0) nor a division by 0 happens.
    """
    epsilon = config.epsilon()
    y_true = np.clip(_as_float(y_true, y_pred), epsilon, 1.0)
    y_pred = ops.clip(y_pred, epsilon, 1.0)
    return ops.sum(y_true * ops.log(ops.divide(y_true, y_pred)), axis=-1)


def _l2_normalize(x, axis):
    """x / |x| along `axis`, with |x| at least epsilon, as Keras does.

    (Keras writes x * min(1 / sqrt(sum(x ** 2)), 1 / epsilon): the same
    numbers.) A zero vector stays zero instead of being divided by 0.
    """
    squares = ops.sum(ops.square(x), axis=axis, keepdims=True)
    squares = ops.maximum(squares, _constant(config.epsilon() ** 2, x))
    return ops.divide(x, ops.sqrt(squares))


def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(y_true / |y_true| * y_pred / |y_pred|) along `axis`: -1 when they point the same way.

    Minimising it turns the predictions towards the targets; a zero vector
    on either side gives 0.
    """
    y_true = _as_float(_match_rank(y_true, y_pred), y_pred)
    return -ops.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


# ---------------------------------------------------------------- reduction


def reduce_values(values, mask=None, reduction="sum_over_batch_size", sample_weight=None):
    """Turn per-sample loss values into one number.

    Args:
        values: the loss of each sample (or timestep).
        mask: optional booleans, True where a value counts (the output mask).
        reduction: 'sum_over_batch_size' (the mean over the values that
            count), 'sum', or 'none' / None (no reduction, masked values 0).
        sample_weight: optional weights: one per sample (shape (N,) or
            (N, 1)) or one per value (e.g. (N, T) for a sequence output).

    As in Keras 3, weighted values are summed and divided by the number of
    values (not by the sum of the weights): weights of 2 double the loss.
    A mask counts only its True values: each gets weight
    (number of values) / (number of True values), so the mean is over them.
    """
    shape = np.shape(data_of(values))
    weights = None
    if mask is not None:
        mask = np.asarray(mask)
        if mask.ndim == len(shape) + 1 and mask.shape[-1] == 1:
            mask = mask[..., 0]
        weights = mask.astype(data_of(values).dtype)
        if reduction == "sum_over_batch_size":
            valid = weights.sum()
            weights = weights * (weights.size / valid if valid else 0.0)
    if sample_weight is not None:
        sample_weight = _weights_for(sample_weight, shape, data_of(values).dtype)
        weights = sample_weight if weights is None else weights * sample_weight
    if weights is not None:
        values = ops.multiply(values, weights)
    if reduction in ("none", None):
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    return ops.divide(total, _constant(max(int(np.prod(shape)), 1), total))


def _weights_for(sample_weight, shape, dtype):
    """`sample_weight` brought to the rank of loss values of `shape`, as Keras 3 does.

    A trailing axis of size 1 is dropped or added to match; what still does
    not broadcast to `shape` is refused (Keras fails there inside TensorFlow).
    """
    weights = np.asarray(data_of(sample_weight), dtype=dtype)
    if weights.ndim == len(shape) + 1 and weights.shape[-1] == 1:
        weights = weights[..., 0]
    elif weights.ndim + 1 == len(shape) and shape[-1] == 1:
        weights = weights[..., None]
    try:
        fits = weights.ndim == len(shape) and np.broadcast_shapes(weights.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        per_sample = (shape[0], 1) if len(shape) > 1 else (shape[0],)
        raise ValueError(
            f"`sample_weight` of shape {weights.shape} does not fit the loss values, which have "
            f"shape {shape} (one per sample{' and timestep' if len(shape) > 1 else ''}). Give "
            f"one weight per sample, shape {per_sample}, or one per value, shape {shape}."
        )
    return weights


# ---------------------------------------------------------------- Loss objects


class Loss:
    """Base class: `call` gives per-sample values, `__call__` reduces them.

    Args:
        name: shown in logs; defaults to the class name in snake case.
        reduction: 'sum_over_batch_size' (default, the mean), 'sum' or 'none'.

    Subclasses implement `call(y_true, y_pred)` with `kerastutor.ops`, and
    may override `check_targets` to refuse targets the loss cannot use.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size"):
        if reduction not in REDUCTIONS:
            raise ValueError(
                f"Invalid value for argument `reduction` of {type(self).__name__}: expected "
                f"one of {REDUCTIONS}, received {reduction!r}."
            )
        self.name = name or _snake_case(type(self).__name__)
        self.reduction = reduction

    def __call__(self, y_true, y_pred, sample_weight=None, mask=None):
        """The reduced loss: a 0-d array, or a Tensor when weights are watched.

        Args:
            sample_weight: optional weights per sample or per value (see
                `reduce_values`), as Keras's `loss(y_true, y_pred, sample_weight)`.
            mask: the output's mask, True where a value counts (Keras reads
                it from `y_pred._keras_mask`; here `fit` passes it).
        """
        values = self.call(y_true, y_pred)
        return reduce_values(values, mask, self.reduction, sample_weight=sample_weight)

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__} must implement `call(y_true, y_pred)`.")

    def check_targets(self, y_true, output_shape, where):
        """Raise a ValueError if `y_true` cannot be compared with outputs of `output_shape`.

        Args:
            y_true: the targets, a NumPy array (the whole dataset).
            output_shape: the model output's shape, e.g. (None, 1).
            where: names the output in messages, e.g. "output 'dense'".
        """
        _check_same_shape(self.name, y_true, output_shape, where)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, loss_config):
        return cls(**loss_config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


class LossFunctionWrapper(Loss):
    """A Loss around any function `fn(y_true, y_pred)` written with `kerastutor.ops`.

    Example:
        >>> from kerastutor import ops
        >>> def squared_log_error(y_true, y_pred):
        ...     return ops.mean(ops.square(ops.subtract(ops.log(y_pred), np.log(y_true))), axis=-1)
        >>> loss = LossFunctionWrapper(squared_log_error)
        >>> float(loss(np.ones((2, 1)), np.ones((2, 1))))
        0.0
    """

    def __init__(self, fn, name=None, reduction="sum_over_batch_size", **fn_kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction)
        self.fn = fn
        self.fn_kwargs = fn_kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self.fn_kwargs)

    def check_targets(self, y_true, output_shape, where):
        # A custom function may accept targets of any shape or range.
        return


class MeanSquaredError(Loss):
    """mean((y_true - y_pred) ** 2): the regression loss ('mse')."""

    def __init__(self, name="mean_squared_error", reduction="sum_over_batch_size"):
        super().__init__(name=name, reduction=reduction)

    def call(self, y_true, y_pred):
        return mean_squared_error(y_true, y_pred)


class MeanAbsoluteError(Loss):
    """mean(|y_true - y_pred|): less sensitive to outliers than mse ('mae')."""

    def __init__(self, name="mean_absolute_error", reduction="sum_over_batch_size"):
        super().__init__(name=name, reduction=reduction)

    def call(self, y_true, y_pred):
        return mean_absolute_error(y_true, y_pred)


class BinaryCrossentropy(Loss):
    """Crossentropy for yes/no labels: one sigmoid unit per label.

    Args:
        from_logits: True if the model outputs logits (no final sigmoid).
    """

    def __init__(
        self, from_logits=False, name="binary_crossentropy", reduction="sum_over_batch_size"
    ):
        super().__init__(name=name, reduction=reduction)
        self.from_logits = bool(from_logits)

    def call(self, y_true, y_pred):
        return binary_crossentropy(y_true, y_pred, from_logits=self.from_logits)

    def check_targets(self, y_true, output_shape, where):
        _check_same_shape(self.name, y_true, output_shape, where)
        _check_range(self.name, y_true, 0.0, 1.0, where, "the probability that the label is 1")

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}


class CategoricalCrossentropy(Loss):
    """Crossentropy for one-hot labels: one softmax unit per class.

    Args:
        from_logits: True if the model outputs logits (no final softmax).
    """

    def __init__(
        self, from_logits=False, name="categorical_crossentropy", reduction="sum_over_batch_size"
    ):
        super().__init__(name=name, reduction=reduction)
        self.from_logits = bool(from_logits)

    def call(self, y_true, y_pred):
        return categorical_crossentropy(y_true, y_pred, from_logits=self.from_logits)

    def check_targets(self, y_true, output_shape, where):
        shape, labels_shape = np.shape(y_true), tuple(output_shape[:-1])
        looks_like_ids = (
            len(shape) == len(labels_shape) and _shape_matches(shape, labels_shape)
        ) or (len(shape) == len(output_shape) and shape[-1] == 1 and output_shape[-1] != 1)
        if looks_like_ids:
            raise ValueError(
                f"Loss '{self.name}' expects one-hot targets of shape {_describe(output_shape)} "
                f"for {where}, but y has shape {shape}: these look like integer class ids. "
                "Use loss='sparse_categorical_crossentropy' for class ids, or turn them into "
                "one-hot rows first."
            )
        _check_same_shape(self.name, y_true, output_shape, where)
        _check_range(self.name, y_true, 0.0, 1.0, where, "one-hot (or soft) class probabilities")

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}


class SparseCategoricalCrossentropy(Loss):
    """Crossentropy for integer class ids: one softmax unit per class.

    Args:
        from_logits: True if the model outputs logits (no final softmax).
    """

    def __init__(
        self,
        from_logits=False,
        name="sparse_categorical_crossentropy",
        reduction="sum_over_batch_size",
    ):
        super().__init__(name=name, reduction=reduction)
        self.from_logits = bool(from_logits)

    def call(self, y_true, y_pred):
        return sparse_categorical_crossentropy(y_true, y_pred, from_logits=self.from_logits)

    def check_targets(self, y_true, output_shape, where):
        labels_shape = tuple(output_shape[:-1])
        shape = np.shape(y_true)
        if len(shape) == len(output_shape) and shape[-1] == 1:
            shape = shape[:-1]
        if len(shape) != len(labels_shape) or not _shape_matches(shape, labels_shape):
            hint = ""
            if len(shape) == len(output_shape) and _shape_matches(shape, output_shape):
                hint = (
                    " They look one-hot: use loss='categorical_crossentropy' for one-hot "
                    "targets, or pass the class ids (y.argmax(axis=-1))."
                )
            raise ValueError(
                f"Loss '{self.name}' expects one integer class id per prediction: targets of "
                f"shape {_describe(labels_shape)} for {where} of shape {_describe(output_shape)}, "
                f"but y has shape {np.shape(y_true)}.{hint}"
            )
        classes = output_shape[-1]
        values = np.asarray(y_true)
        if values.dtype.kind == "f":
            _check_finite(self.name, values, where)
            if not np.array_equal(values, np.round(values)):
                raise ValueError(
                    f"Loss '{self.name}' expects integer class ids for {where}, but y holds "
                    f"fractions, e.g. {values[values != np.round(values)].flat[0].item()}."
                )
        elif values.dtype.kind not in "iub":
            raise ValueError(
                f"Loss '{self.name}' expects integer class ids for {where}, received an array "
                f"of dtype {values.dtype}."
            )
        if values.size and (values.min() < 0 or (classes is not None and values.max() >= classes)):
            bad = values[(values < 0) | (values >= (classes if classes is not None else np.inf))]
            raise ValueError(
                f"Loss '{self.name}': {where} has {classes} units, one per class, so labels "
                f"must be integers from 0 to {classes - 1 if classes else '?'}; y contains "
                f"{bad.flat[0].item()} (labels range from {values.min().item()} to {values.max().item()}). "
                "Give the last Dense layer one unit per class, or renumber the labels from 0."
            )

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}


class KLDivergence(Loss):
    """Kullback-Leibler divergence between target and predicted distributions ('kl_divergence')."""

    def __init__(self, name="kl_divergence", reduction="sum_over_batch_size"):
        super().__init__(name=name, reduction=reduction)

    def call(self, y_true, y_pred):
        return kl_divergence(y_true, y_pred)


class CosineSimilarity(Loss):
    """Minus the cosine of the angle between targets and predictions ('cosine_similarity').

    Args:
        axis: the features axis, along which the vectors are compared.
    """

    def __init__(self, axis=-1, name="cosine_similarity", reduction="sum_over_batch_size"):
        super().__init__(name=name, reduction=reduction)
        self.axis = axis

    def call(self, y_true, y_pred):
        return cosine_similarity(y_true, y_pred, axis=self.axis)


# ---------------------------------------------------------------- target checks


def _describe(shape):
    """A shape as Keras prints it: (None, 1), None being the batch size."""
    return str(tuple(shape))


def _shape_matches(shape, expected):
    """Sizes agree wherever `expected` knows them (the batch axis is not compared)."""
    return all(
        e is None or i == 0 or s == e for i, (s, e) in enumerate(zip(shape, expected, strict=True))
    )


def _check_same_shape(name, y_true, output_shape, where):
    shape = np.shape(y_true)
    candidates = [tuple(output_shape)]
    if output_shape[-1] == 1:
        candidates.append(tuple(output_shape[:-1]))  # (batch,) targets for (batch, 1) outputs
    if len(shape) == len(output_shape) + 1 and shape[-1] == 1:
        shape = shape[:-1]
    if not any(len(shape) == len(c) and _shape_matches(shape, c) for c in candidates):
        raise ValueError(
            f"Loss '{name}' compares y with the predictions of {where}, so y must have the "
            f"predictions' shape {_describe(output_shape)}, but y has shape {np.shape(y_true)}."
        )


def _check_finite(name, values, where):
    bad = first_non_finite(values)
    if bad is not None:
        raise ValueError(
            f"The targets y for {where} contain NaN or infinity, first at index {bad[0]}. "
            f"Loss '{name}' would be NaN and every weight would become NaN."
        )


def _check_range(name, y_true, low, high, where, meaning):
    values = np.asarray(y_true)
    if values.size == 0:
        return
    if values.min() < low or values.max() > high:
        bad = values[(values < low) | (values > high)].flat[0]
        raise ValueError(
            f"Loss '{name}' expects targets between {low:g} and {high:g} ({meaning}) for "
            f"{where}, but y contains {bad.item()} (values range from {values.min().item()} to "
            f"{values.max().item()})."
        )


# ---------------------------------------------------------------- lookup


_BY_NAME = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "MeanSquaredError": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "MeanAbsoluteError": MeanAbsoluteError,
    "binary_crossentropy": BinaryCrossentropy,
    "BinaryCrossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "CategoricalCrossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "SparseCategoricalCrossentropy": SparseCategoricalCrossentropy,
    "kl_divergence": KLDivergence,
    "kld": KLDivergence,
    "KLD": KLDivergence,
    "KLDivergence": KLDivergence,
    "cosine_similarity": CosineSimilarity,
    "CosineSimilarity": CosineSimilarity,
}

_BY_FUNCTION = {
    mean_squared_error: MeanSquaredError,
    mean_absolute_error: MeanAbsoluteError,
    binary_crossentropy: BinaryCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
    kl_divergence: KLDivergence,
    cosine_similarity: CosineSimilarity,
}


def get(identifier):
    """A Loss from a name ('mse', 'binary_crossentropy', ...), a Loss, or a function.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
        TypeError: for anything else.
    """
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise unknown_name(
                "loss",
                identifier,
                [n for n in _BY_NAME if n.islower()],
                "; or pass a Loss object, or a function f(y_true, y_pred) written with "
                "kerastutor.ops",
            )
        loss_class = _BY_NAME[identifier]
        return loss_class(name=identifier) if identifier.islower() else loss_class()
    if isinstance(identifier, dict) and identifier.get("class_name") in _BY_NAME:
        return deserialize(identifier)
    if identifier in _BY_FUNCTION:
        return _BY_FUNCTION[identifier](name=identifier.__name__)
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise TypeError(
        f"Could not interpret loss identifier {identifier!r}: expected a name such as "
        "'mse', a Loss object or a function f(y_true, y_pred)."
    )


def serialize(loss):
    """A JSON-friendly description of a built-in loss, or None for a custom function."""
    if type(loss) in _BY_FUNCTION.values():
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    return None


def deserialize(config):
    """The built-in Loss that `serialize` described, with its arguments (e.g. from_logits).

    Raises:
        ValueError: for a class that is not a built-in loss, or a malformed config.
    """
    known = sorted(name for name in _BY_NAME if not name.islower())
    if (
        not isinstance(config, dict)
        or config.get("class_name") not in known
        or not isinstance(config.get("config", {}), dict)
    ):
        raise ValueError(
            f"Cannot rebuild a loss from {config!r}: expected {{'class_name': ..., 'config': "
            f"{{...}}}} with one of the built-in classes {', '.join(known)}."
        )
    try:
        return _BY_NAME[config["class_name"]].from_config(config.get("config", {}))
    except TypeError as error:
        raise ValueError(f"Malformed {config['class_name']} config: {error}") from None


def _snake_case(class_name):
    out = ""
    for i, char in enumerate(class_name):
        if char.isupper() and i > 0 and not class_name[i - 1].isupper():
            out += "_"
        out += char.lower()
    return out
