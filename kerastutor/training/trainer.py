"""The Trainer mixin: what `compile`, `fit` and `evaluate` add to a Model.

One training step, the heart of `fit`, is four lines of ideas:

1. watch the trainable weights (`autodiff.watch`), so the ops record a graph;
2. run the model on a batch and compute the loss (both written with
   `kerastutor.ops`);
3. `loss.backward()` fills `weight.grad` for every weight the loss depends
   on; a shared layer's weights collect the gradients of all its calls;
4. `optimizer.apply(grads, weights)` changes the weights.

Everything else here is checking and bookkeeping: data is checked in full
before the first weight changes, the loss and metrics are averaged over each
epoch, callbacks are told what happened.

`Model` is `class Model(Trainer, Functional)`: the graph comes from
Functional, the training from here.
"""

import math

import numpy as np

from kerastutor import autodiff, losses, ops, optimizers, random
from kerastutor import metrics as metrics_module
from kerastutor.autodiff import Tensor, data_of
from kerastutor.callbacks import CallbackList, TerminateOnNaN, non_finite_loss_error
from kerastutor.engine.functional import _check_finite, _check_same_length
from kerastutor.engine.tree import flatten
from kerastutor.engine.validation import first_non_finite, positive_int
from kerastutor.training.progress import TextBar

__all__ = ["Trainer"]


class Trainer:
    """Mixin giving a functional model `compile`, `fit`, `evaluate`, `train_on_batch`, `test_on_batch`."""

    compiled = False
    optimizer = None
    loss = None
    stop_training = False
    history = None

    # ------------------------------------------------------------ compile

    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None):
        """Choose how the model learns: the optimizer, the loss, and what to report.

        Args:
            optimizer: a name ('sgd', 'rmsprop', 'adam', 'adagrad') or an
                optimizer object.
            loss: a name ('mse', 'mae', 'binary_crossentropy',
                'categorical_crossentropy', 'sparse_categorical_crossentropy'),
                a Loss, or a function f(y_true, y_pred) written with
                kerastutor.ops. With several outputs: one loss for all, or a
                list (one per output) or a dict by output layer name.
            loss_weights: with several outputs, a list or dict of numbers:
                the total loss is the weighted sum of the outputs' losses.
            metrics: a list such as ['accuracy', 'mae']; with several
                outputs, a list with one entry per output or a dict.

        Example:
            >>> model.compile(optimizer='rmsprop', loss='binary_crossentropy',
            ...               metrics=['accuracy'])  # doctest: +SKIP
        """
        names = self._output_names()
        optimizer = optimizers.get(optimizer)
        loss_list = self._per_output("loss", loss, names)
        loss_objects = [None if item is None else losses.get(item) for item in loss_list]
        weight_list = self._per_output("loss_weights", loss_weights, names)
        for weight in weight_list:
            if weight is not None and (
                isinstance(weight, bool) or not isinstance(weight, (int, float, np.number))
            ):
                raise ValueError(
                    f"`loss_weights` must be numbers (one per output), received {loss_weights!r}."
                    " (Keras 3's compile takes (optimizer, loss, loss_weights, metrics): pass "
                    "metrics by keyword, metrics=[...].)"
                )
        metric_lists = self._per_output("metrics", metrics, names, per_output_lists=True)
        for identifiers in metric_lists:
            for identifier in identifiers:
                metrics_module.check_identifier(identifier)
        self.optimizer = optimizer
        self.loss = loss
        self._loss_objects = loss_objects
        self._loss_weights = [1.0 if w is None else float(w) for w in weight_list]
        self._metric_identifiers = metric_lists
        self._compile_arguments = {"loss": loss, "loss_weights": loss_weights, "metrics": metrics}
        self.compiled = True

    def _output_names(self):
        """The names that `loss=`, `metrics=`, y and the history use for each output.

        As in Keras 3: the keys of dict outputs (sorted), otherwise the
        producing layers' names (`model.output_names`).
        """
        if not self.built:  # a Sequential that has not seen data yet: one output, its last layer
            return [self.layers[-1].name if self.layers else "output"]
        if isinstance(self._nested_outputs, dict):
            return sorted(self._nested_outputs)
        return self.output_names

    def _per_output(self, argument, value, names, per_output_lists=False):
        """One entry per output from a single value, a list or a dict (by output name)."""
        count = len(names)
        if value is None:
            return [[] if per_output_lists else None for _ in names]
        if isinstance(value, dict):
            unknown = [key for key in value if key not in names]
            if unknown:
                raise ValueError(
                    f"`{argument}` has keys {unknown} that are not outputs of model "
                    f"'{self.name}'. The outputs are: {names}."
                )
            entries = [value.get(name) for name in names]
        elif per_output_lists and count == 1:
            entries = [value]
        elif isinstance(value, (list, tuple)):
            if len(value) != count:
                if per_output_lists:
                    raise ValueError(
                        f"Model '{self.name}' has {count} outputs ({', '.join(names)}), so "
                        f"`metrics` must be a list with one entry per output (each a metric "
                        f"or a list of metrics) or a dict by output name; received {value!r}."
                    )
                raise ValueError(
                    f"`{argument}` is a list of {len(value)}, but model '{self.name}' has "
                    f"{count} output(s) ({', '.join(names)}): give one entry per output, "
                    "or a dict by output name."
                )
            entries = list(value)
        else:
            entries = [value] * count
        if per_output_lists:
            return [
                [] if e is None else list(e) if isinstance(e, (list, tuple)) else [e]
                for e in entries
            ]
        return entries

    def _require_compiled(self, method):
        if not self.compiled:
            raise ValueError(
                f"You must call `compile()` before using the model: `{method}` needs an "
                "optimizer and a loss, e.g. model.compile(optimizer='rmsprop', "
                "loss='binary_crossentropy', metrics=['accuracy'])."
            )
        if all(loss is None for loss in self._loss_objects):
            raise ValueError(
                f"`{method}` has no loss to compute: the model was compiled without one. "
                "Pass `loss=` to compile, e.g. loss='mse'."
            )

    # ------------------------------------------------------------ data

    def _prepare(self, x, y, method):
        """Check x and y completely (nothing has changed yet) and return them as arrays."""
        self._require_compiled(method)
        if x is None or y is None:
            raise ValueError(f"`{method}` needs both inputs x and targets y.")
        if not self.built:
            self.build(tuple(np.shape(x)))
        x_arrays = [np.asarray(data_of(a)) for a in self._standardize_inputs(x)]
        _check_same_length(self, x_arrays)
        _check_finite(self, x_arrays)
        y_arrays = self._standardize_targets(y)
        names = self._output_names()
        count = len(x_arrays[0])
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
        return x_arrays, y_arrays

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
        arrays = [np.asarray(a) for a in arrays]
        for name, array in zip(names, arrays, strict=True):
            if array.dtype == object or array.ndim == 0:
                raise ValueError(
                    f"The targets y for output '{name}' must be a numeric array with one entry "
                    f"per sample, received {type(y).__name__} giving shape {array.shape} and "
                    f"dtype {array.dtype}."
                )
        return arrays

    def _validation_arrays(self, validation_data):
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError(
                "`validation_data` must be a tuple (x_val, y_val), received "
                f"{type(validation_data).__name__} of length "
                f"{len(validation_data) if hasattr(validation_data, '__len__') else '?'}."
            )
        return self._prepare(validation_data[0], validation_data[1], "fit (validation_data)")

    # ------------------------------------------------------------ one step

    def _forward(self, x_batch, training):
        outputs, masks = self._run_graph(list(x_batch), training=training)
        return flatten(outputs), masks

    def _compute_loss(self, y_batch, outputs, masks):
        """The total loss (a Tensor while weights are watched) and each output's loss."""
        total, per_output = None, []
        for loss, weight, y, output, mask in zip(
            self._loss_objects, self._loss_weights, y_batch, outputs, masks, strict=True
        ):
            if loss is None:
                per_output.append(None)
                continue
            value = loss(y, output, mask=mask)
            per_output.append(value)
            if weight != 1.0:
                value = ops.multiply(value, np.asarray(weight, dtype=data_of(value).dtype))
            total = value if total is None else ops.add(total, value)
        # Regularization and activity penalties (`model.losses`) count too, as in Keras.
        for penalty in self.losses:
            total = ops.add(total, penalty)
        return total, per_output

    def _train_step(self, x_batch, y_batch):
        """Forward, loss, backward, update. Returns the batch loss as a float."""
        variables = self.trainable_weights
        with autodiff.watch(variables):
            outputs, masks = self._forward(x_batch, training=True)
            total, per_output = self._compute_loss(y_batch, outputs, masks)
            loss_value = float(data_of(total))
            if math.isfinite(loss_value) and isinstance(total, Tensor):
                total.backward()
            grads = [v.grad for v in variables]
        for variable in variables:
            variable.grad = None
        # A non-finite loss would put NaN into every weight: skip the update and
        # let TerminateOnNaN (or train_on_batch) stop with an explanation.
        if math.isfinite(loss_value):
            self.optimizer.apply(grads, variables)
        self._record(len(x_batch[0]), total, per_output, y_batch, outputs, masks)
        return loss_value

    def _test_step(self, x_batch, y_batch):
        outputs, masks = self._forward(x_batch, training=False)
        total, per_output = self._compute_loss(y_batch, outputs, masks)
        self._record(len(x_batch[0]), total, per_output, y_batch, outputs, masks)

    # ------------------------------------------------------------ bookkeeping

    def _start_tracking(self, y_arrays):
        """Fresh running means for the loss(es) and the metrics, resolved for these targets."""
        names = self._output_names()
        several = len(names) > 1
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._output_loss_trackers = [
            metrics_module.Mean(name=f"{name}_loss") if several and loss is not None else None
            for name, loss in zip(names, self._loss_objects, strict=True)
        ]
        self._metric_objects = []
        for name, identifiers, tensor, y in zip(
            names, self._metric_identifiers, self.outputs, y_arrays, strict=True
        ):
            objects = []
            for identifier in identifiers:
                metric = metrics_module.get(identifier, np.shape(y), tensor.shape)
                metric.reset_state()
                key = f"{name}_{metric.name}" if several else metric.name
                objects.append((key, metric))
            self._metric_objects.append(objects)

    def _reset_tracking(self):
        self._loss_tracker.reset_state()
        for tracker in self._output_loss_trackers:
            if tracker is not None:
                tracker.reset_state()
        for objects in self._metric_objects:
            for _, metric in objects:
                metric.reset_state()

    def _record(self, batch_size, total, per_output, y_batch, outputs, masks):
        self._loss_tracker.update_state(float(data_of(total)), sample_weight=batch_size)
        for tracker, value in zip(self._output_loss_trackers, per_output, strict=True):
            if tracker is not None:
                tracker.update_state(float(data_of(value)), sample_weight=batch_size)
        for objects, y, output, mask in zip(
            self._metric_objects, y_batch, outputs, masks, strict=True
        ):
            for _, metric in objects:
                metric.update_state(y, data_of(output), mask)

    def _ordered_results(self):
        """(name, value) pairs in Keras's order: loss, each output's loss, metrics."""
        results = [("loss", self._loss_tracker.result())]
        results += [(t.name, t.result()) for t in self._output_loss_trackers if t is not None]
        for objects in self._metric_objects:
            results += [(key, metric.result()) for key, metric in objects]
        return [(key, float(value)) for key, value in results]

    def _logs(self):
        """The current results as logs, keys sorted as Keras 3 shows them."""
        return dict(sorted(self._ordered_results()))

    @property
    def metrics_names(self):
        """The names `evaluate` returns values for, in order (known after fit or evaluate)."""
        if not hasattr(self, "_loss_tracker"):
            return []
        return [key for key, _ in self._ordered_results()]

    # ------------------------------------------------------------ fit

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        initial_epoch=0,
    ):
        """Train for `epochs` passes over the data, `batch_size` samples per step.

        Args:
            x: an array, or a list of arrays (one per input), or a dict by
                input name.
            y: the targets: an array, or a list/dict with one per output.
            batch_size: samples per step; 32 by default.
            epochs: index of the last epoch (training runs from
                `initial_epoch` to `epochs`).
            verbose: 'auto' or 1 (a progress bar), 2 (one line per epoch),
                0 (silent).
            callbacks: a list of `kerastutor.callbacks.Callback`.
            validation_split: fraction of the data, taken from the END of x
                and y before any shuffling (as Keras does), held out to
                compute `val_*` values after each epoch.
            validation_data: a tuple (x_val, y_val) instead.
            shuffle: reshuffle the training samples each epoch (drawn from
                kerastutor's seeded generator: `set_random_seed` makes it
                repeatable).
            initial_epoch: the epoch to start counting from (to resume).

        Returns:
            A `History`; `history.history` maps 'loss', each metric and each
            'val_*' to one value per epoch.

        Raises:
            ValueError: before any weight changes, for data that cannot
                work (lengths, shapes, labels out of range, NaN), or fit
                before compile.
            FloatingPointError: when the loss becomes NaN or infinite.
        """
        batch_size = positive_int("fit()", "batch_size", 32 if batch_size is None else batch_size)
        epochs = positive_int("fit()", "epochs", epochs, allow_zero=True)
        verbose = _check_verbose(verbose)
        if not isinstance(validation_split, (int, float)) or not 0 <= validation_split < 1:
            raise ValueError(
                f"`validation_split` must be a fraction in [0, 1), received {validation_split!r}."
            )
        x_arrays, y_arrays = self._prepare(x, y, "fit")
        validation = None
        if validation_data is not None:
            validation = self._validation_arrays(validation_data)
        elif validation_split:
            count = len(x_arrays[0])
            split_at = int(math.floor(count * (1.0 - validation_split)))
            if split_at in (0, count):
                raise ValueError(
                    f"The training data has {count} samples, too few to split with "
                    f"validation_split={validation_split}: that leaves {split_at} for training "
                    f"and {count - split_at} for validation. Use more data or another split."
                )
            validation = (
                [a[split_at:] for a in x_arrays],
                [a[split_at:] for a in y_arrays],
            )
            x_arrays = [a[:split_at] for a in x_arrays]
            y_arrays = [a[:split_at] for a in y_arrays]

        count = len(x_arrays[0])
        steps = math.ceil(count / batch_size)
        callback_list = list(callbacks or [])
        if not any(isinstance(c, TerminateOnNaN) for c in callback_list):
            callback_list.append(TerminateOnNaN(raise_error=True))
        hooks = CallbackList(
            callback_list,
            add_history=True,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=epochs,
            steps=steps,
        )

        self.stop_training = False
        self._initial_epoch = None
        self._start_tracking(y_arrays)
        hooks.on_train_begin()
        training_logs = None
        # BackupAndRestore sets `_initial_epoch` in on_train_begin to resume.
        for epoch in range(self._initial_epoch or initial_epoch, epochs):
            self._reset_tracking()
            hooks.on_epoch_begin(epoch)
            order = random.generator().permutation(count) if shuffle else None
            for step, batch in enumerate(_batches(count, batch_size, order)):
                hooks.on_train_batch_begin(step)
                x_batch = [a[batch] for a in x_arrays]
                y_batch = [a[batch] for a in y_arrays]
                self._train_step(x_batch, y_batch)
                hooks.on_train_batch_end(step, self._logs())
                if self.stop_training:
                    break
            epoch_logs = self._logs()
            if validation is not None:
                hooks.on_test_begin()
                val_logs = self._run_evaluation(*validation, batch_size, hooks)
                hooks.on_test_end(val_logs)
                epoch_logs.update({f"val_{key}": value for key, value in val_logs.items()})
                self._start_tracking(y_arrays)
            hooks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        hooks.on_train_end(training_logs)
        return self.history

    # ------------------------------------------------------------ evaluate

    def _run_evaluation(self, x_arrays, y_arrays, batch_size, hooks=None):
        self._start_tracking(y_arrays)
        for step, batch in enumerate(_batches(len(x_arrays[0]), batch_size, None)):
            if hooks is not None:
                hooks.on_test_batch_begin(step)
            self._test_step([a[batch] for a in x_arrays], [a[batch] for a in y_arrays])
            if hooks is not None:
                hooks.on_test_batch_end(step, self._logs())
        return self._logs()

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", return_dict=False):
        """The loss and metrics on (x, y), computed in batches without training.

        Returns:
            The loss if there are no metrics and one output; otherwise the
            list [loss, each output's loss, each metric] (see
            `metrics_names`), or a dict with `return_dict=True`.
        """
        batch_size = positive_int(
            "evaluate()", "batch_size", 32 if batch_size is None else batch_size
        )
        verbose = _check_verbose(verbose)
        x_arrays, y_arrays = self._prepare(x, y, "evaluate")
        steps = math.ceil(len(x_arrays[0]) / batch_size)
        bar = TextBar(steps)
        logs = self._run_evaluation(x_arrays, y_arrays, batch_size)
        if verbose:
            bar.finish(steps, logs)
        return self._results(return_dict)

    def _results(self, return_dict):
        if return_dict:
            return self._logs()
        values = [value for _, value in self._ordered_results()]
        return values[0] if len(values) == 1 else values

    # ------------------------------------------------------------ single batches

    def train_on_batch(self, x, y, return_dict=False):
        """One optimizer step on exactly this batch; returns its loss (and metrics).

        The loss and metrics are those of the predictions before the update.

        Raises:
            FloatingPointError: if the loss is NaN or infinite (the weights
                are left unchanged).
        """
        x_arrays, y_arrays = self._prepare(x, y, "train_on_batch")
        self._start_tracking(y_arrays)
        loss_value = self._train_step(x_arrays, y_arrays)
        if not math.isfinite(loss_value):
            raise non_finite_loss_error(np.float32(loss_value), "this train_on_batch call")
        return self._results(return_dict)

    def test_on_batch(self, x, y, return_dict=False):
        """The loss (and metrics) on exactly this batch, without training."""
        x_arrays, y_arrays = self._prepare(x, y, "test_on_batch")
        self._start_tracking(y_arrays)
        self._test_step(x_arrays, y_arrays)
        return self._results(return_dict)

    # ------------------------------------------------------------ saving

    def _compile_config(self):
        """The compile arguments as JSON-friendly data, or None if they cannot be saved."""
        if not self.compiled:
            return None
        arguments = dict(self._compile_arguments)
        arguments["loss"] = _as_configs(arguments["loss"], losses.Loss, losses.serialize)
        arguments["metrics"] = _as_configs(
            arguments["metrics"], metrics_module.Metric, metrics_module.serialize
        )
        if not _is_plain_data(arguments):
            return None
        return {"optimizer": optimizers.serialize(self.optimizer), **arguments}


# ---------------------------------------------------------------- helpers


def _batches(count, batch_size, order):
    """Index objects for each batch: slices in order, or chunks of a permutation."""
    for start in range(0, count, batch_size):
        if order is None:
            yield slice(start, start + batch_size)
        else:
            yield order[start : start + batch_size]


def _check_verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2) or isinstance(verbose, bool):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2, received {verbose!r}.")
    return int(verbose)


def _as_configs(value, kind, serialize):
    """Compile's `loss` or `metrics` with every built-in `kind` object as its config.

    Per-output lists and dicts are walked; names stay names (kerastutor.saving reads
    it back). A custom Loss or Metric stays an object, so the compile
    arguments are not plain data and are not saved.
    """
    if isinstance(value, kind):
        return serialize(value) or value
    if isinstance(value, dict):
        return {name: _as_configs(item, kind, serialize) for name, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_configs(item, kind, serialize) for item in value]
    return value


def _is_plain_data(value):
    """True for JSON-friendly nests of dicts, lists, strings, numbers and None."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain_data(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_is_plain_data(v) for v in value)
    return value is None or isinstance(value, (str, int, float, bool))
