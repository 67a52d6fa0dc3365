"""The Trainer mixin: what `compile`, `fit`, `evaluate` and `predict` add to a Model.

`fit` reads like Keras 3's::

    for epoch in range(initial_epoch, epochs):
        model.reset_metrics()
        for step, data in epoch_iterator.epoch():   # data: (x, y, sample_weight)
            logs = model.train_step(data)
        ... validation: evaluate, its logs as val_* ...

and one training step, `train_step(data)`, is the one of Keras's guide
"Customizing what happens in fit()"::

    x, y, sample_weight = unpack_x_y_sample_weight(data)
    with GradientTape() as tape:
        y_pred = model(x, training=True)
        loss = model.compute_loss(x, y, y_pred, sample_weight)
    gradients = tape.gradient(loss, model.trainable_weights)
    model.optimizer.apply(gradients, model.trainable_weights)
    return model.compute_metrics(x, y, y_pred, sample_weight)

Override `train_step`, `test_step`, `predict_step`, `compute_loss`,
`compute_metrics` or the `metrics` property in a subclass, exactly as that
guide does (see `kerastutor.autodiff.GradientTape` for how its TensorFlow,
JAX and PyTorch versions map to kerastutor).

Everything else is checking and bookkeeping: array data (with its sample
and class weights, and the validation data) is checked in full before the
first weight changes; a generator's batches are checked as they arrive
(`kerastutor.training.data_adapter`); the loss and metrics are averaged
over each epoch; callbacks are told what happened.

`Model` is `class Model(Trainer, Functional)`: the graph comes from
Functional, the training from here.
"""

import inspect
import math
import warnings

import numpy as np

from kerastutor import losses, ops, optimizers
from kerastutor import metrics as metrics_module
from kerastutor.autodiff import GradientTape, data_of
from kerastutor.callbacks import CallbackList, TerminateOnNaN, non_finite_loss_error
from kerastutor.engine.arguments import keywords_checked
from kerastutor.engine.traceback_utils import filter_traceback
from kerastutor.engine.tree import flatten, map_structure, pack_like
from kerastutor.engine.validation import positive_int
from kerastutor.ops.threads import step_blas, worker_runs
from kerastutor.training import data_adapter
from kerastutor.training.compile_metrics import CompileMetrics
from kerastutor.training.data_adapter import (
    EpochIterator,
    is_generator,
    unpack_x_y_sample_weight,
)
from kerastutor.training.data_checks import (
    TrainingData,
    _train_validation_split,
    _unpack_validation_data,
)
from kerastutor.training.partial_fit import FitProgress
from kerastutor.training.progress import TextBar

__all__ = ["Trainer"]


class Trainer(TrainingData):
    """Mixin giving a functional model `compile`, `fit`, `evaluate`, `train_on_batch`, `test_on_batch`."""

    compiled = False
    optimizer = None
    loss = None
    stop_training = False  # a callback sets these to end fit / evaluate / predict early
    stop_evaluating = False
    stop_predicting = False
    history = None
    # An epoch to resume from, set by a callback in on_train_begin (BackupAndRestore).
    _initial_epoch = None
    _loss_tracker = None
    _compile_metrics = None
    _per_output_state = None

    # ------------------------------------------------------------ compile

    @filter_traceback
    @keywords_checked
    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        run_eagerly=False,
        jit_compile="auto",
    ):
        """Choose how the model learns: the optimizer, the loss, and what to report.

        Args:
            optimizer: a name ('sgd', 'rmsprop', 'adam', 'adagrad') or an
                optimizer object.
            loss: a name ('mse', 'mae', 'binary_crossentropy',
                'categorical_crossentropy', 'sparse_categorical_crossentropy',
                'kl_divergence', 'cosine_similarity'),
                a Loss, or a function f(y_true, y_pred) written with
                kerastutor.ops. With several outputs: one loss for all, or a
                list (one per output) or a dict by output layer name (naming
                every output; None for an output not to train).
            loss_weights: with several outputs, a list or dict of numbers:
                the total loss is the weighted sum of the outputs' losses.
            metrics: a list such as ['accuracy', 'mae']; with several
                outputs, a list with one entry per output or a dict.
            weighted_metrics: like `metrics`, but weighted by `sample_weight`
                or `class_weight` (`metrics` are not, as in Keras 3).
            run_eagerly, jit_compile: accepted so Keras code runs; kerastutor
                always runs eagerly, in NumPy.

        Example:
            >>> model.compile(optimizer='rmsprop', loss='binary_crossentropy',
            ...               metrics=['accuracy'])  # doctest: +SKIP
        """
        for key, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value is not None and not isinstance(value, (list, tuple, dict)):
                raise ValueError(
                    f"Expected `{key}` argument to be a list, tuple, or dict. Received instead: "
                    f"{key}={value!r} of type {type(value)}. A model tracks any number of "
                    f"metrics, so even one goes in a list: `{key}=[{value!r}]`."
                )
        optimizer = optimizers.get(optimizer)
        arguments = {"loss": loss, "loss_weights": loss_weights, "metrics": metrics}
        if weighted_metrics is not None:  # saved only when given
            arguments["weighted_metrics"] = weighted_metrics
        # A subclassed model learns its outputs on its first call: what each output
        # gets is worked out then (as Keras builds its compiled loss on the first batch).
        can_resolve = self.built or not self._is_subclassed()
        per_output = self._compile_per_output(**arguments) if can_resolve else None
        self.optimizer = optimizer
        self.loss = loss
        self._compile_arguments = arguments
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._output_masks = {}
        self._per_output_state = None
        self._compile_metrics = None
        self._output_loss_trackers = []
        if per_output is not None:
            self._set_per_output(per_output)
        self.compiled = True

    def _compile_per_output(self, loss, loss_weights, metrics, weighted_metrics=None):
        """Compile's loss, loss_weights and metrics resolved to one entry per output (all checked)."""
        names = self._output_names()
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
        weighted_lists = self._per_output(
            "weighted_metrics", weighted_metrics, names, per_output_lists=True
        )
        for identifiers in metric_lists + weighted_lists:
            for identifier in identifiers:
                metrics_module.check_identifier(identifier)
        return names, loss_objects, weight_list, metric_lists, weighted_lists

    def _set_per_output(self, per_output):
        names, loss_objects, weight_list, metric_lists, weighted_lists = per_output
        self._per_output_state = per_output
        self._loss_objects = loss_objects
        self._loss_weights = [1.0 if w is None else float(w) for w in weight_list]
        self._metric_identifiers = metric_lists
        self._compile_metrics = None
        if any(metric_lists) or any(weighted_lists):
            self._compile_metrics = CompileMetrics(self, metric_lists, weighted_lists)
        # As in Keras 3, each output's loss is reported ('<name>_loss') only when
        # more than one output has a loss: with one, it is the 'loss' itself.
        several = sum(item is not None for item in loss_objects) > 1
        self._output_loss_trackers = [
            metrics_module.Mean(name=f"{name}_loss") if several and item is not None else None
            for name, item in zip(names, loss_objects, strict=True)
        ]

    def _resolve_compile(self):
        """For a subclassed model compiled before its first call: resolve compile's arguments now."""
        if self.compiled and self._per_output_state is None and self.built:
            self._set_per_output(self._compile_per_output(**self._compile_arguments))

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
                        f"`{argument}` must be a list with one entry per output (each a metric "
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

    def _has_default_train_step(self):
        return type(self).train_step is Trainer.train_step

    def _has_compiled_loss(self):
        if self._per_output_state is None:
            return flatten(self._compile_arguments["loss"]) != [None]
        return any(loss is not None for loss in self._loss_objects)

    # ------------------------------------------------------------ one step

    def _forward(self, x, training):
        """Run the model on a batch; the outputs' masks are kept for the loss and metrics.

        (Keras attaches a mask to the output tensor itself; a NumPy array
        cannot carry one, so the masks wait here, keyed by output.)
        """
        outputs, masks = self._run_graph(self._standardize_inputs(x), training=training)
        self._output_masks = {id(o): m for o, m in zip(flatten(outputs), masks) if m is not None}
        return outputs

    def _masks_of(self, y_pred):
        return [self._output_masks.get(id(output)) for output in flatten(y_pred)]

    def train_step(self, data):
        """One optimizer step on one batch; returns the logs (running means of loss and metrics).

        Args:
            data: what the data yields for one batch: `(x, y)` or
                `(x, y, sample_weight)` (see `unpack_x_y_sample_weight`).
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self._forward(x, training=True)
            loss = self._compute_loss(x, y, y_pred, sample_weight, training=True)
            self._loss_tracker.update_state(data_of(loss), sample_weight=_batch_size(x))
            # With `loss_scale_factor`, the gradients are of the scaled loss;
            # `apply` divides them back (mixed precision's rule, as in Keras).
            loss = self.optimizer.scale_loss(loss)
        # A non-finite loss would put NaN into every weight: skip the update and
        # let TerminateOnNaN (or train_on_batch) stop with an explanation.
        if math.isfinite(float(data_of(loss))):
            trainable_weights = self.trainable_weights
            gradients = tape.gradient(loss, trainable_weights)
            self.optimizer.apply(gradients, trainable_weights)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """The loss and metrics on one batch, without training; returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self._forward(x, training=False)
        loss = self._compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(data_of(loss), sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs on one batch."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss of a batch: the compiled loss(es) plus `self.losses`.

        Override it to compute your own loss (Keras 3's API); `train_step`
        and `test_step` call it.

        Args:
            x: the inputs (unused here).
            y: the targets, in the structure given to fit.
            y_pred: the model's outputs for x.
            sample_weight: per sample (or per timestep) weights, or None.
            training: whether this is a training step (unused here).

        Returns:
            The loss, a 0-d value (a Tensor while weights are recorded).
        """
        del x, training
        total = None
        if self._has_compiled_loss():
            total = self._compiled_loss(y, y_pred, sample_weight)
        # Regularization and `add_loss` penalties (`model.losses`) count too, as in Keras.
        for penalty in self.losses:
            penalty = ops.sum(penalty)
            total = penalty if total is None else ops.add(total, penalty)
        if total is None:
            raise ValueError(
                f"Model '{self.name}': no loss to compute. Provide a `loss` argument in "
                "`compile()`, e.g. loss='mse' (or compute your own in train_step)."
            )
        return total

    def _compute_loss(self, x, y, y_pred, sample_weight, training):
        """`compute_loss`, also for an override written without `training` (before Keras 3.3)."""
        if "training" in inspect.signature(self.compute_loss).parameters:
            return self.compute_loss(x, y, y_pred, sample_weight, training=training)
        return self.compute_loss(x, y, y_pred, sample_weight)

    def _compiled_loss(self, y, y_pred, sample_weight):
        """The loss of `compile(loss=...)`: each output's, weighted by `loss_weights`, summed."""
        self._resolve_compile()
        self._check_loss_dict_names()
        if y is None:
            raise ValueError(
                f"Model '{self.name}' was compiled with a loss, which needs targets y: pass "
                "(x, y) data to fit / evaluate."
            )
        y_list = self._standardize_targets(y)
        outputs = flatten(y_pred)
        weights = self._weights_per_output(sample_weight)
        total = None
        for loss, loss_weight, tracker, target, output, mask, weight in zip(
            self._loss_objects,
            self._loss_weights,
            self._output_loss_trackers,
            y_list,
            outputs,
            self._masks_of(y_pred),
            weights,
            strict=True,
        ):
            if loss is None:
                continue
            value = loss(target, output, sample_weight=weight, mask=mask)
            if tracker is not None:
                tracker.update_state(data_of(value), sample_weight=len(target))
            if loss_weight != 1.0:
                value = ops.multiply(value, np.asarray(loss_weight, dtype=data_of(value).dtype))
            total = value if total is None else ops.add(total, value)
        return total

    def _check_loss_dict_names(self):
        """A loss dict names every output, unless the model returns a dict (Keras 3's rule).

        Keras 3 reads a loss dict by the names of a list of outputs only when
        it covers them all; it raises here, at the first loss computed.
        """
        loss = self._compile_arguments["loss"]
        if not isinstance(loss, dict) or isinstance(getattr(self, "_nested_outputs", None), dict):
            return
        names = self._output_names()
        if set(loss) == set(names):
            return
        example = ", ".join(f"{name!r}: {'...' if name in loss else None}" for name in names)
        raise ValueError(
            f"Expected keys {names} in loss dict, but found loss.keys()={list(loss)}. Model "
            f"'{self.name}' returns its outputs as a list, so a loss dict must name each of "
            f"them; give None to an output that should not be trained: loss={{{example}}}. "
            "(No weight was changed.)"
        )

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics on a batch; return the results of `self.metrics`."""
        del x
        self._resolve_compile()
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    # ------------------------------------------------------------ metrics

    @property
    def metrics(self):
        """What fit reports, in Keras 3's order: the loss tracker, 'compile_metrics', each output's loss.

        Metrics a subclass keeps as attributes (`self.mae_metric = ...`)
        follow. A subclass may override this property to list its own
        (Keras's guide does, so that `reset_metrics` resets them each epoch).
        """
        found = []
        if self.compiled:
            found.append(self._loss_tracker)
            if self._compile_metrics is not None:
                found.append(self._compile_metrics)
            found += [t for t in self._output_loss_trackers if t is not None]
        for value in vars(self).values():
            if isinstance(value, metrics_module.Metric) and value not in found:
                found.append(value)
        return found

    @property
    def trainable_variables(self):
        """Keras 3's other name for `trainable_weights` (the guides use it in train_step)."""
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        return self.non_trainable_weights

    @property
    def metrics_names(self):
        """The names of `self.metrics` (Keras 3 lists 'compile_metrics' as one)."""
        return [metric.name for metric in self.metrics]

    def reset_metrics(self):
        """Start every metric of `self.metrics` from nothing (fit does it each epoch)."""
        for metric in self.metrics:
            metric.reset_state()

    def get_metrics_result(self):
        """{name: value} for `self.metrics`; a dict result (compile_metrics) is spread out."""
        results = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                results.update(result)
            else:
                results[metric.name] = result
        return results

    def _metrics_result_or_logs(self, logs):
        """The model's metrics if the step's logs name the same keys, else the logs as they are.

        (A custom `train_step` may return other keys than `self.metrics`.)
        """
        metric_logs = self.get_metrics_result()
        if isinstance(logs, dict) and set(logs) == set(metric_logs):
            return metric_logs
        return logs

    def _run_step(self, step_function, data, method):
        """Call `train_step` / `test_step` on one batch; its logs as Python floats."""
        self._output_masks = {}
        # Fewer BLAS threads on a busy machine, one beside kerastutor's own
        # worker threads (a CNN's convolutions): see ops/threads.py's `step_blas`.
        runs_before = worker_runs()
        with step_blas(getattr(self, "_step_shared_among_workers", False)):
            logs = step_function(data)
        self._step_shared_among_workers = worker_runs() > runs_before
        if not isinstance(logs, dict):
            raise TypeError(
                f"`{type(self).__name__}.{step_function.__name__}` must return a dict of "
                f"results, e.g. {{'loss': loss}} or {{m.name: m.result() for m in "
                f"self.metrics}}, received {type(logs).__name__}: {str(logs)[:80]}. `{method}` "
                "shows these values and passes them to callbacks. (Nothing after this batch's "
                "step ran.)"
            )
        return _pythonify_logs(logs)

    def _flatten_metrics_in_order(self, logs):
        """evaluate's list: the values in `self.metrics` order, compile_metrics spread out."""
        names = []
        for metric in self.metrics:
            if isinstance(metric, CompileMetrics):
                # Keras lists the inner metrics by their own names ('mae', not 'r_mae'):
                # with several outputs they match no key and come last, sorted.
                names += [inner.name for inner in metric.metrics]
            else:
                names.append(metric.name)
        results = [logs[name] for name in names if name in logs]
        results += [logs[key] for key in sorted(logs) if key not in names]
        return results[0] if len(results) == 1 else results

    # ------------------------------------------------------------ callbacks

    def _callbacks(self, callbacks, verbose, epochs, steps, history=False):
        """The callbacks of one fit / evaluate / predict, with fit's defaults added."""
        if isinstance(callbacks, CallbackList):
            return callbacks
        # None, one callback or a nested list: CallbackList flattens them, as Keras's does.
        callback_list = callbacks if isinstance(callbacks, (list, tuple)) else [callbacks]
        if history and not any(isinstance(c, TerminateOnNaN) for c in callback_list):
            callback_list = [*callback_list, TerminateOnNaN(raise_error=True)]
        # As Keras 3's: fit adds a History (the model's `history`) and a
        # ProgbarLogger unless the list has its own.
        return CallbackList(
            callback_list,
            add_history=history,
            add_progbar=history and verbose != 0,
            model=self,
            verbose=verbose,
            epochs=epochs,
            steps=steps,
        )

    # ------------------------------------------------------------ fit

    @filter_traceback
    @keywords_checked
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
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
    ):
        """Train for `epochs` passes over the data, `batch_size` samples per step.

        Args:
            x: an array, a list of arrays (one per input), a dict by input
                name, a `kerastutor.utils.PyDataset`, or a Python generator
                yielding `(x, y)` or `(x, y, sample_weight)` batches.
            y: the targets: an array, or a list/dict with one per output
                (None when x is a PyDataset or generator).
            batch_size: samples per step; 32 by default (arrays only).
            epochs: index of the last epoch (training runs from
                `initial_epoch` to `epochs`).
            verbose: 'auto' or 1 (a progress bar), 2 (one line per epoch),
                0 (silent).
            callbacks: a list of `kerastutor.callbacks.Callback`.
            validation_split: fraction of the data, taken from the END of x
                and y (and sample_weight) before any shuffling (as Keras
                does), held out to compute `val_*` values after each epoch.
            validation_data: `(x_val, y_val)` or `(x_val, y_val,
                val_sample_weight)` instead, or a PyDataset / generator.
            shuffle: reshuffle the training samples each epoch (drawn from
                kerastutor's seeded generator: `set_random_seed` makes it
                repeatable).
            class_weight: {class id: weight}: each sample's loss counts
                `class_weight[its class]` times (1 for classes not listed).
                Single-output models only; not with `sample_weight`.
            sample_weight: one weight per sample, shape (samples,), or per
                timestep, shape (samples, timesteps), for sequence outputs
                (with several outputs: one array for all, a list or a dict).
            initial_epoch: the epoch to start counting from (to resume).
            steps_per_epoch: batches per epoch. Needed for a generator that
                never ends; with arrays the next epoch continues where this
                one stopped.
            validation_steps: batches of validation data per evaluation.
            validation_batch_size: defaults to `batch_size`.
            validation_freq: evaluate every n-th epoch (an int), or after
                the epochs listed (counting from 1).

        Returns:
            A `History`; `history.history` maps 'loss', each metric and each
            'val_*' to one value per epoch.

        Raises:
            ValueError: before any weight changes, for data that cannot
                work (lengths, shapes, labels out of range, NaN, weights),
                or fit before compile.
            FloatingPointError: when the loss becomes NaN or infinite.

        An error raised after the first update (such a loss, a callback
        raising in epoch 2) keeps the weights as they were before `fit` on
        itself: `model.set_weights(error.weights_before_fit)` restores them
        (see `kerastutor.training.partial_fit`).
        """
        self._require_compiled("fit")
        epochs = positive_int("fit()", "epochs", epochs, allow_zero=True)
        _check_verbose(verbose)  # callbacks get it as given (params["verbose"] may be "auto")
        steps_per_epoch = positive_int("fit()", "steps_per_epoch", steps_per_epoch, allow_none=True)
        validation_steps = positive_int(
            "fit()", "validation_steps", validation_steps, allow_none=True
        )
        _check_validation_freq(validation_freq)
        if not isinstance(validation_split, (int, float)) or not 0 <= validation_split < 1:
            raise ValueError(
                f"`validation_split` must be a fraction in [0, 1), received {validation_split!r}."
            )
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = _train_validation_split(
                (x, y, sample_weight), validation_split
            )
        epoch_iterator = self._epoch_iterator(
            x, y, sample_weight, class_weight, batch_size, steps_per_epoch, shuffle, "fit"
        )
        val_iterator = None
        if validation_data is not None:
            val_iterator = self._epoch_iterator(
                *_unpack_validation_data(validation_data),
                None,
                validation_batch_size or batch_size,
                validation_steps,
                False,
                "fit (validation_data)",
            )
        callbacks = self._callbacks(
            callbacks, verbose, epochs, epoch_iterator.num_batches, history=True
        )

        progress = FitProgress(self)
        try:
            self._fit_epochs(
                epoch_iterator,
                val_iterator,
                callbacks,
                progress,
                initial_epoch,
                epochs,
                validation_freq,
            )
        except Exception as error:
            # An error that only training could find (a loss overflowing in a late batch,
            # a callback raising): the weights before fit are kept on it.
            progress.explain(error)
            raise
        return self.history

    def _fit_epochs(
        self,
        epoch_iterator,
        val_iterator,
        callbacks,
        progress,
        initial_epoch,
        epochs,
        validation_freq,
    ):
        """The epochs of `fit`, after every check: each batch one step, then validation."""
        self.stop_training = False
        callbacks.on_train_begin()
        training_logs = None
        logs = {}
        initial_epoch = self._initial_epoch or initial_epoch  # (BackupAndRestore sets it)
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            for step, data in epoch_iterator.epoch():
                callbacks.on_train_batch_begin(step)
                logs = self._run_step(self.train_step, data, "fit")
                progress.ran_step(epoch, step, logs)
                callbacks.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            epoch_logs = _pythonify_logs(self._metrics_result_or_logs(logs))
            if val_iterator is not None and _should_eval(epoch, validation_freq):
                val_logs = self._evaluate_loop(val_iterator, callbacks)
                epoch_logs.update({f"val_{key}": value for key, value in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        if epochs > initial_epoch:
            # With `use_ema=True`, the weights become their moving averages now, as in Keras.
            self.optimizer.finalize_variable_values(self.trainable_weights)
        callbacks.on_train_end(training_logs)

    # ------------------------------------------------------------ evaluate

    def _evaluate_loop(self, epoch_iterator, callbacks):
        # As Keras's evaluate, each evaluation starts from the first batch, even
        # with `validation_steps` (training continues where the last epoch stopped).
        epoch_iterator.reset()
        self.stop_evaluating = False
        callbacks.on_test_begin()
        logs = {}
        self.reset_metrics()
        for step, data in epoch_iterator.epoch():
            callbacks.on_test_batch_begin(step)
            logs = self._run_step(self.test_step, data, "evaluate")
            callbacks.on_test_batch_end(step, logs)
            if self.stop_evaluating:
                break
        logs = _pythonify_logs(self._metrics_result_or_logs(logs))
        callbacks.on_test_end(logs)
        return logs

    @filter_traceback
    @keywords_checked
    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        return_dict=False,
    ):
        """The loss and metrics on (x, y), computed in batches without training.

        Args:
            x, y, batch_size, sample_weight: as for `fit`.
            steps: how many batches to evaluate (all by default).
            callbacks: callbacks whose `on_test_*` hooks run.
            return_dict: return {name: value} instead of a list.

        Returns:
            The loss if there are no metrics and one output; otherwise the
            list [loss, metrics..., each output's loss] (Keras 3's order),
            or a dict with `return_dict=True`.
        """
        self._require_compiled("evaluate")
        shown = _check_verbose(verbose)
        steps = positive_int("evaluate()", "steps", steps, allow_none=True)
        epoch_iterator = self._epoch_iterator(
            x, y, sample_weight, None, batch_size, steps, False, "evaluate"
        )
        callbacks = self._callbacks(callbacks, verbose, 1, epoch_iterator.num_batches)
        bar = TextBar(epoch_iterator.num_batches)
        logs = self._evaluate_loop(epoch_iterator, callbacks)
        if shown:
            bar.finish(epoch_iterator.steps_run, logs)
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    # ------------------------------------------------------------ predict

    @filter_traceback
    @keywords_checked
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Run the model on `x` in batches and return NumPy arrays.

        Args:
            x: an array, a list of arrays (one per model input), a dict (by
                input name), a PyDataset or a generator of batches (a batch
                may be `(x, y)`; y is ignored).
            batch_size: how many samples go through at a time (32).
            verbose: 0 or 'auto' print nothing; 1 or 2 print one line when done.
            steps: how many batches to run (all by default).
            callbacks: callbacks whose `on_predict_*` hooks run; each
                `on_predict_batch_end` gets logs {'outputs': the batch's outputs}.

        Returns:
            The outputs in the structure the model was built with: one array,
            a list, or a dict for dict outputs.
        """
        # 'auto' stays quiet here (Keras draws a bar): lessons call predict often.
        shown = 0 if verbose == "auto" else _check_verbose(verbose)
        steps = positive_int("predict()", "steps", steps, allow_none=True)
        if isinstance(x, data_adapter.PyDataset) or is_generator(x):
            epoch_iterator = EpochIterator(
                x, steps_per_epoch=steps, prepare_batch=self._prepare_predict_batch
            )
        else:
            batch_size = positive_int(
                "predict()", "batch_size", 32 if batch_size is None else batch_size
            )
            epoch_iterator = EpochIterator(
                (self._check_predict_inputs(x), None, None), batch_size, steps_per_epoch=steps
            )
        callbacks = self._callbacks(callbacks, verbose, 1, epoch_iterator.num_batches)
        self.stop_predicting = False
        callbacks.on_predict_begin()
        pieces = []
        for step, data in epoch_iterator.epoch():
            callbacks.on_predict_batch_begin(step)
            batch_outputs = map_structure(data_of, self.predict_step(data))
            pieces.append(flatten(batch_outputs))
            callbacks.on_predict_batch_end(step, {"outputs": batch_outputs})
            if self.stop_predicting:
                break
        callbacks.on_predict_end()
        if not pieces:
            raise ValueError(f"Model '{self.name}': `predict` received no data (an empty input).")
        outputs = [np.concatenate([p[i] for p in pieces]) for i in range(len(pieces[0]))]
        if shown:
            sizes = f" of up to {batch_size}" if epoch_iterator.batch_size else ""
            print(f"predict: {len(outputs[0])} samples in {len(pieces)} batch(es){sizes}")
        return pack_like(batch_outputs, outputs)

    # ------------------------------------------------------------ single batches

    @filter_traceback
    @keywords_checked
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One optimizer step on exactly this batch; returns its loss (and metrics).

        The loss and metrics are those of the predictions before the update.

        Raises:
            FloatingPointError: if the loss is NaN or infinite (the weights
                are left unchanged).
        """
        self._require_compiled("train_on_batch")
        if class_weight is not None:
            data_adapter.check_class_weight(class_weight)
        data = self._prepare(x, y, "train_on_batch", sample_weight, class_weight)
        self.reset_metrics()
        logs = self._run_step(self.train_step, data_adapter.pack_x_y_sample_weight(*data), "fit")
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(loss):
            raise non_finite_loss_error(np.float32(loss), "this train_on_batch call")
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    @filter_traceback
    @keywords_checked
    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """The loss (and metrics) on exactly this batch, without training."""
        self._require_compiled("test_on_batch")
        data = self._prepare(x, y, "test_on_batch", sample_weight)
        self.reset_metrics()
        logs = self._run_step(
            self.test_step, data_adapter.pack_x_y_sample_weight(*data), "evaluate"
        )
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    @filter_traceback
    @keywords_checked
    def predict_on_batch(self, x):
        """The model's outputs on exactly this batch, as NumPy arrays."""
        return map_structure(data_of, self.predict_step((self._check_predict_inputs(x),)))

    # ------------------------------------------------------------ Keras 2 names

    def compiled_loss(self, y, y_pred, sample_weight=None, regularization_losses=None):
        """Keras 2's name, kept by Keras 3 (deprecated there): `compute_loss(y=, y_pred=, ...)`."""
        warnings.warn(
            "`model.compiled_loss()` is deprecated. Instead, use "
            "`model.compute_loss(x, y, y_pred, sample_weight, training)`.",
            stacklevel=2,
        )
        return self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)

    @property
    def compiled_metrics(self):
        """Keras 2's name, kept by Keras 3 (deprecated there): updates every metric of `self.metrics`."""
        return _CompiledMetricsShim(self)

    # ------------------------------------------------------------ saving

    def _compile_config(self):
        """The compile arguments as JSON-friendly data, or None if they cannot be saved."""
        if not self.compiled:
            return None
        arguments = dict(self._compile_arguments)
        arguments["loss"] = _as_configs(arguments["loss"], losses.Loss, losses.serialize)
        for key in ("metrics", "weighted_metrics"):
            if key in arguments:
                arguments[key] = _as_configs(
                    arguments[key], metrics_module.Metric, metrics_module.serialize
                )
        if not _is_plain_data(arguments):
            return None
        return {"optimizer": optimizers.serialize(self.optimizer), **arguments}


# ---------------------------------------------------------------- helpers


def _batch_size(x):
    return len(flatten(x)[0])


def _pythonify_logs(logs):
    """Logs as Keras 3 hands them on: keys sorted, numbers as Python floats, dicts spread out.

    A metric with several values (Precision(thresholds=[0.3, 0.6])) stays an array.
    """
    flat = {}
    for key, value in logs.items():
        if isinstance(value, dict):
            flat.update(_pythonify_logs(value))
            continue
        value = np.asarray(data_of(value))
        flat[key] = float(value) if value.ndim == 0 else value
    return dict(sorted(flat.items()))


def _check_verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2) or isinstance(verbose, bool):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2, received {verbose!r}.")
    return int(verbose)


def _check_validation_freq(validation_freq):
    is_int = isinstance(validation_freq, int) and not isinstance(validation_freq, bool)
    if is_int and validation_freq >= 1:
        return
    if isinstance(validation_freq, list) and all(isinstance(e, int) for e in validation_freq):
        return
    raise ValueError(
        "Expected `validation_freq` to be a list or int: an int n evaluates every n-th epoch, "
        "a list such as [1, 5, 10] after those epochs (counting from 1). Received: "
        f"validation_freq={validation_freq!r}."
    )


def _should_eval(epoch, validation_freq):
    epoch = epoch + 1  # the epochs users count, from 1
    if isinstance(validation_freq, int):
        return epoch % validation_freq == 0
    return epoch in validation_freq


class _CompiledMetricsShim:
    """`model.compiled_metrics.update_state(y, y_pred, sample_weight)`, as Keras 3 keeps it."""

    def __init__(self, model):
        self._model = model

    def update_state(self, y, y_pred, sample_weight=None):
        warnings.warn(
            "`model.compiled_metrics()` is deprecated. Instead, use e.g.:\n"
            "```\nfor metric in self.metrics:\n    metric.update_state(y, y_pred)\n```\n",
            stacklevel=2,
        )
        for metric in self._model.metrics:
            if metric.name == "loss":  # the loss tracker, as the Keras guide tells them apart
                metric.update_state(data_of(y_pred), sample_weight=sample_weight)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)


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
