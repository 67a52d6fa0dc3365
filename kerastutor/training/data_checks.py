"""TrainingData: how fit, evaluate and predict check their data before anything changes.

A mixin of `Trainer` (so of every Model). Everything that can be checked
about array data is checked here before the first weight update: lengths,
shapes, NaN, targets the loss cannot use, sample weights (their length,
their shape for per-timestep losses) and class weights, for the training
data and the validation data alike. A generator's or PyDataset's batches go
through the same checks as they arrive. The batches themselves come from
`kerastutor.training.data_adapter.EpochIterator`.
"""

import math

import numpy as np

from kerastutor import losses
from kerastutor.autodiff import data_of
from kerastutor.engine.functional import _check_finite, _check_same_length
from kerastutor.engine.tree import flatten, map_structure
from kerastutor.engine.validation import first_non_finite, positive_int
from kerastutor.training import data_adapter
from kerastutor.training.data_adapter import (
    EpochIterator,
    is_generator,
    unpack_x_y_sample_weight,
)

__all__ = ["TrainingData"]


class TrainingData:
    """The data checks and conversions behind `fit`, `evaluate` and `predict`."""

    def _prepare(self, x, y, method, sample_weight=None, class_weight=None):
        """Check x, y and the weights completely (nothing has changed yet).

        Returns:
            `(x, y, sample_weight)` as NumPy arrays in the structures given
            (class weights turned into sample weights), for `EpochIterator`.
        """
        self._require_compiled(method)
        if x is None:
            raise ValueError(f"`{method}` needs the inputs x.")
        _refuse_python_numbers(x, method)
        if not self.built:
            self.build(map_structure(lambda a: tuple(np.shape(a)), x))
        self._resolve_compile()
        x = map_structure(lambda a: np.asarray(data_of(a)), x)
        x_arrays = [np.asarray(data_of(a)) for a in self._standardize_inputs(x)]
        _check_same_length(self, x_arrays)
        _check_finite(self, x_arrays)
        self._check_indices(x_arrays, method)
        count = len(x_arrays[0])
        if count == 0:
            raise ValueError(
                f"`{method}` received empty data: the inputs x have 0 samples (shapes "
                f"{[a.shape for a in x_arrays]}). With no samples there is nothing to "
                f"{'learn from' if method == 'fit' else 'compute'}, and the loss would read "
                "0.0. Check how x was loaded or sliced."
            )
        if y is None:
            if sample_weight is not None or class_weight is not None:
                raise ValueError(
                    f"`{method}` received sample or class weights but no targets y: weights "
                    "say how much each sample's loss counts, so they need the targets."
                )
            if self._has_compiled_loss() and self._has_default_train_step():
                raise ValueError(f"`{method}` needs both inputs x and targets y.")
            return x, None, None
        y_arrays = self._standardize_targets(y)
        names = self._output_names()
        for name, array in zip(names, y_arrays, strict=True):
            if len(array) != count:
                raise ValueError(
                    f"x and y have different numbers of samples: x has {count}, the targets "
                    f"y for output '{name}' have {len(array)}. Each sample needs one target."
                )
        for tensor, name, loss, array in zip(
            self.outputs, names, self._loss_objects, y_arrays, strict=True
        ):
            where = f"output '{name}' (shape {tensor.shape})"
            bad = first_non_finite(array)
            if bad is not None:
                raise ValueError(
                    f"The targets y for {where} contain NaN or infinity, first at index "
                    f"{bad[0]}. The loss would be NaN and every weight would become NaN."
                )
            if loss is not None:
                loss.check_targets(array, tensor.shape, where)
        if class_weight is not None:
            sample_weight = self._class_weights_as_sample_weights(
                y, y_arrays, sample_weight, class_weight
            )
        if sample_weight is not None:
            self._check_sample_weight(sample_weight, y_arrays, count)
            sample_weight = map_structure(lambda a: np.asarray(a, dtype="float32"), sample_weight)
        y = map_structure(np.asarray, y)
        return x, y, sample_weight

    def _check_indices(self, x_arrays, method):
        """Every index fed straight to an Embedding, checked whole before the first batch runs.

        Otherwise an out-of-range index in the 4th batch would stop fit after
        three updates, leaving a half-trained model. (An Embedding deeper in
        the graph sees its indices only when a batch reaches it.)
        """
        by_input = {id(tensor): array for tensor, array in zip(self.inputs or [], x_arrays)}
        for node in self.nodes:
            check = getattr(node.layer, "_checked_indices", None)
            if check is None or len(node.input_tensors) != 1:
                continue
            array = by_input.get(id(node.input_tensors[0]))
            if array is not None:
                try:
                    check(array)
                except (ValueError, TypeError) as error:
                    raise type(error)(
                        f"`{method}` checks all the data before it changes any weight: {error} "
                        "(The position counts samples over the whole of x.)"
                    ) from None

    def _class_weights_as_sample_weights(self, y, y_arrays, sample_weight, class_weight):
        """What `class_weight` means in Keras 3: a sample weight per sample, by its class."""
        if sample_weight is not None:
            raise ValueError(
                "You cannot `class_weight` and `sample_weight` at the same time: both say how "
                "much each sample counts. Fold the class weights into your sample weights "
                "instead (multiply each sample's weight by its class's weight)."
            )
        if len(y_arrays) > 1 or isinstance(y, (list, tuple, dict)):
            raise ValueError(
                "`class_weight` is only supported for Models with a single output (Keras 3 "
                f"refuses it for a list or dict of targets; model '{self.name}' received "
                f"{type(y).__name__} targets). Pass `sample_weight` with one array per "
                "output instead."
            )
        return data_adapter.class_weight_to_sample_weights(y_arrays[0], class_weight)

    def _check_sample_weight(self, sample_weight, y_arrays, count):
        names = self._output_names()
        if isinstance(sample_weight, (list, tuple, dict)):
            if isinstance(sample_weight, dict):
                unknown = [key for key in sample_weight if key not in names]
                if unknown:
                    raise ValueError(
                        f"`sample_weight` has keys {unknown} that are not outputs of model "
                        f"'{self.name}'. The outputs are: {names}."
                    )
            elif len(sample_weight) != len(names):
                raise ValueError(
                    "You should provide one `sample_weight` array per output in `y`: model "
                    f"'{self.name}' has {len(names)} output(s) ({', '.join(names)}), "
                    f"`sample_weight` is a list of {len(sample_weight)}."
                )
        for name, weights in zip(names, self._weights_per_output(sample_weight), strict=True):
            if weights is None:
                continue
            weights = np.asarray(weights)
            if weights.ndim == 0 or weights.dtype.kind not in "biuf":
                raise ValueError(
                    f"`sample_weight` for output '{name}' must be numbers, one per sample "
                    f"(shape ({count},)), received shape {weights.shape}, dtype {weights.dtype}."
                )
            if len(weights) != count:
                raise ValueError(
                    f"`sample_weight` for output '{name}' has {len(weights)} entries but x has "
                    f"{count} samples: each sample needs exactly one weight (or one per "
                    "timestep, shape (samples, timesteps))."
                )
            bad = first_non_finite(weights.astype("float64"))
            if bad is not None:
                position = bad[0][0] if len(bad[0]) == 1 else bad[0]
                raise ValueError(
                    f"`sample_weight` for output '{name}' contains NaN or infinity, first at "
                    f"index {position}: the loss would be NaN."
                )
        # The shape rule (per sample, or per timestep) is the loss's: try it now,
        # on one sample, so that a bad shape fails before the first update.
        for tensor, loss, array, weights in zip(
            self.outputs, self._loss_objects, y_arrays, self._weights_per_output(sample_weight)
        ):
            if loss is not None and weights is not None:
                # Loss values have one axis less than the output: (samples, timesteps, ...).
                values_rank = max(len(tensor.shape) - 1, 1)
                values_shape = (1, *np.shape(array)[1:values_rank])
                losses._weights_for(np.asarray(weights)[:1], values_shape, np.float32)

    def _prepare_batch(self, method, class_weight):
        """The check each batch of a generator or PyDataset goes through, as `_prepare` does."""

        def prepare(batch):
            x, y, sample_weight = unpack_x_y_sample_weight(batch)
            if class_weight is not None and sample_weight is not None:
                raise ValueError(
                    "You cannot specify `class_weight` and `sample_weight` at the same time: "
                    "the data yields (x, y, sample_weight) batches and fit got class_weight."
                )
            prepared = self._prepare(x, y, method, sample_weight, class_weight)
            return data_adapter.pack_x_y_sample_weight(*prepared)

        return prepare

    def _epoch_iterator(
        self, x, y, sample_weight, class_weight, batch_size, steps, shuffle, method
    ):
        """An `EpochIterator` for this data, with every check that can be made now made."""
        if class_weight is not None:
            data_adapter.check_class_weight(class_weight)
        if isinstance(x, data_adapter.PyDataset) or is_generator(x):
            kind = "PyDataset" if isinstance(x, data_adapter.PyDataset) else "generator"
            for argument, value in (("y", y), ("sample_weight", sample_weight)):
                if value is not None:
                    raise ValueError(
                        f"`{argument}` argument is not supported when using a {kind} as x: "
                        f"the {kind} yields (x, y) or (x, y, sample_weight) batches itself."
                    )
            self._require_compiled(method)
            return EpochIterator(
                x,
                steps_per_epoch=steps,
                shuffle=shuffle,
                prepare_batch=self._prepare_batch(method, class_weight),
            )
        _refuse_python_numbers(x, method)
        if batch_size is None:
            count = len(flatten(x)[0]) if x is not None else 0
            batch_size = math.ceil(count / steps) if steps else 32
        owner = method if " " in method else f"{method}()"  # "fit()", or "fit (validation_data)"
        batch_size = positive_int(owner, "batch_size", batch_size)
        data = self._prepare(x, y, method, sample_weight, class_weight)
        return EpochIterator(data, batch_size, steps_per_epoch=steps, shuffle=shuffle)

    def _standardize_targets(self, y):
        """One array per output, from an array, a list or a dict by output name."""
        names = self._output_names()
        if isinstance(y, dict):
            missing = [name for name in names if name not in y]
            if missing:
                raise ValueError(f"The targets dict has no entry for output(s) {missing}.")
            arrays = [y[name] for name in names]
        elif len(names) == 1:
            is_wrapped = isinstance(y, (list, tuple)) and len(y) == 1 and np.ndim(y[0]) > 0
            arrays = [y[0] if is_wrapped else y]
        elif isinstance(y, (list, tuple)) and len(y) == len(names):
            arrays = list(y)
        else:
            raise ValueError(
                f"Model '{self.name}' has {len(names)} outputs ({', '.join(names)}): pass y as "
                f"a list of {len(names)} arrays, one per output in that order, or as a dict by "
                "output name."
            )
        arrays = [np.asarray(data_of(a)) for a in arrays]
        for name, array in zip(names, arrays, strict=True):
            if array.dtype == object or array.ndim == 0:
                raise ValueError(
                    f"The targets y for output '{name}' must be a numeric array with one entry "
                    f"per sample, received {type(y).__name__} giving shape {array.shape} and "
                    f"dtype {array.dtype}."
                )
        return arrays

    def _weights_per_output(self, sample_weight, masks=None):
        """One weight array (or None) per output, from one array, a list or a dict.

        With `masks` (for metrics, as Keras merges them): each output's mask,
        as 0/1, times its sample weights.
        """
        names = self._output_names()
        if isinstance(sample_weight, dict):
            weights = [sample_weight.get(name) for name in names]
        elif isinstance(sample_weight, (list, tuple)):
            weights = list(sample_weight)
        else:
            weights = [sample_weight] * len(names)
        if masks is None:
            return weights
        merged = []
        for weight, mask in zip(weights, masks, strict=True):
            if mask is not None:
                mask = np.asarray(mask, dtype="float32")
                if weight is not None:
                    weight = mask * losses._weights_for(weight, mask.shape, np.float32)
                else:
                    weight = mask
            merged.append(weight)
        return merged

    def _prepare_predict_batch(self, batch):
        """One batch of a generator or PyDataset: its x (a y in it is ignored), checked."""
        x, _, _ = unpack_x_y_sample_weight(batch)
        return (self._check_predict_inputs(x),)

    def _check_predict_inputs(self, x):
        """x as NumPy arrays in the structure given, checked before anything runs."""
        if x is None:
            raise ValueError("`predict` needs the inputs x.")
        _refuse_python_numbers(x, "predict")
        if not self.built:
            self.build(map_structure(lambda a: tuple(np.shape(a)), x))
        x = map_structure(lambda a: np.asarray(data_of(a)), x)
        arrays = self._standardize_inputs(x)
        _check_same_length(self, arrays)
        _check_finite(self, arrays)
        self._check_indices([np.asarray(a) for a in arrays], "predict")
        return x


# ---------------------------------------------------------------- helpers


def _refuse_python_numbers(x, method):
    """Refuse x written as Python lists of numbers, as Keras 3 does, saying what to write.

    A list is read as one array per model input, so `[[1, 2, 3], [4, 5, 6]]`
    would be six inputs of one number each; Keras 3 refuses it ("Unrecognized
    data type"), and so does kerastutor, with the fix.
    """
    if not isinstance(x, (list, tuple)) or not x:
        return
    leaves = flatten(x)
    if not all(isinstance(v, (bool, int, float)) for v in leaves):
        return
    rows = [len(row) if isinstance(row, (list, tuple)) else None for row in x]
    text = repr(x) if len(repr(x)) <= 60 else repr(x)[:57] + "..."
    fix = "write `np.array(x)` (one array: samples first)"
    if len(set(rows)) > 1:
        lengths = ", ".join(str(n) for n in rows[:5]) + (", ..." if len(rows) > 5 else "")
        fix = (
            f"its rows have different lengths ({lengths}), so pad them to one length first: "
            "`keras.utils.pad_sequences(x)` gives one array"
        )
    raise ValueError(
        f"`{method}` received x as Python lists of numbers: {text}. Like Keras 3, it takes a "
        "NumPy array (or a list of arrays, one per model input; a list of numbers would be "
        f"read as {len(leaves)} inputs of one number each): {fix}."
    )


def _unpack_validation_data(validation_data):
    """`(x, y, sample_weight)` from fit's `validation_data`."""
    if isinstance(validation_data, data_adapter.PyDataset) or is_generator(validation_data):
        return validation_data, None, None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (1, 2, 3):
        length = len(validation_data) if hasattr(validation_data, "__len__") else "?"
        raise ValueError(
            "`validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, "
            "val_sample_weight) (or (x_val,) for a model whose loss needs no targets), "
            f"received {type(validation_data).__name__} of length {length}."
        )
    return unpack_x_y_sample_weight(tuple(validation_data))


def _train_validation_split(data, validation_split):
    """Keras's split: the last `validation_split` of the samples, before any shuffling."""
    x, y, sample_weight = data
    if isinstance(x, data_adapter.PyDataset) or is_generator(x):
        raise ValueError(
            "`validation_split` is only supported for arrays: a generator or PyDataset "
            "cannot be split. Pass `validation_data` instead."
        )
    count = len(np.asarray(flatten(x)[0]))
    split_at = int(math.floor(count * (1.0 - validation_split)))
    if split_at in (0, count):
        raise ValueError(
            f"The training data has {count} samples, too few to split with "
            f"validation_split={validation_split}: that leaves {split_at} for training "
            f"and {count - split_at} for validation. Use more data or another split."
        )

    def part(selection):
        return tuple(
            None if item is None else map_structure(lambda a: np.asarray(a)[selection], item)
            for item in (x, y, sample_weight)
        )

    return part(slice(None, split_at)), part(slice(split_at, None))
