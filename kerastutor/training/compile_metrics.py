"""CompileMetrics: the metrics given to `compile`, as one entry of `model.metrics`.

As in Keras 3, `model.metrics` is `[loss tracker, compile_metrics, ...]`:
the metrics of `compile(metrics=[...])` sit together in one container named
'compile_metrics' whose `result()` is a dict ({'accuracy': 0.75}), so the
loop of Keras's guide works unchanged::

    for metric in self.metrics:
        if metric.name == "loss":
            metric.update_state(loss)
        else:
            metric.update_state(y, y_pred, sample_weight=sample_weight)

The metric objects are made on the first update, when the targets' shape
tells which accuracy 'accuracy' means (binary, categorical or sparse).
Sample and class weights do not reach them (Keras keeps those for
`weighted_metrics`, which kerastutor does not have yet); masks do.
"""

import numpy as np

from kerastutor import metrics as metrics_module
from kerastutor.autodiff import data_of
from kerastutor.engine.tree import flatten

__all__ = ["CompileMetrics"]


class CompileMetrics:
    """The compiled metrics of a model, per output, updated and reset together.

    Args:
        model: the compiled model (it turns y, y_pred and sample_weight into
            one entry per output, and knows the outputs' masks).
        identifiers: one list of metric identifiers per output.
    """

    name = "compile_metrics"

    def __init__(self, model, identifiers):
        self._model = model
        self._identifiers = identifiers
        self._keyed = None  # [(log key, metric, output index)], made on the first update

    @property
    def built(self):
        return self._keyed is not None

    def build(self, y_list):
        names = self._model._output_names()
        several = len(names) > 1
        self._keyed = []
        for index, (name, identifiers, tensor, y) in enumerate(
            zip(names, self._identifiers, self._model.outputs, y_list, strict=True)
        ):
            for identifier in identifiers:
                metric = metrics_module.get(identifier, np.shape(y), tensor.shape)
                metric.reset_state()
                key = f"{name}_{metric.name}" if several else metric.name
                self._keyed.append((key, metric, index))

    @property
    def metrics(self):
        """The metric objects (after the first update), in compile's order."""
        return [metric for _, metric, _ in self._keyed or []]

    @property
    def keys(self):
        return [key for key, _, _ in self._keyed or []]

    def update_state(self, y_true, y_pred, sample_weight=None):
        model = self._model
        y_list = model._standardize_targets(y_true)
        if not self.built:
            self.build(y_list)
        outputs = [data_of(p) for p in flatten(y_pred)]
        # As in Keras 3, `compile(metrics=...)` are not weighted by sample_weight
        # (that is `weighted_metrics`); an output's mask still counts.
        del sample_weight
        weights = model._weights_per_output(None, model._masks_of(y_pred))
        for _, metric, index in self._keyed:
            metric.update_state(y_list[index], outputs[index], weights[index])

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()

    def result(self):
        return {key: metric.result() for key, metric, _ in self._keyed or []}

    def __repr__(self):
        return f"<CompileMetrics {self.keys}>"
