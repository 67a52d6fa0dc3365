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
Sample and class weights reach only `compile(weighted_metrics=[...])`, as
in Keras 3; masks reach both.
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
        identifiers: one list of metric identifiers per output (`metrics=`).
        weighted_identifiers: the same for `weighted_metrics=`: these are
            weighted by the sample (or class) weights, the others are not.
    """

    name = "compile_metrics"

    def __init__(self, model, identifiers, weighted_identifiers=None):
        self._model = model
        self._identifiers = identifiers
        self._weighted_identifiers = weighted_identifiers or [[] for _ in identifiers]
        self._keyed = None  # [(log key, metric, output index, weighted)], made on the first update

    @property
    def built(self):
        return self._keyed is not None

    def build(self, y_list):
        """Make the metric objects and their log keys, named as Keras 3 names them.

        With several outputs a key starts with the output's name
        ('p_accuracy'); a repeated name gets '_1', '_2', ...; a weighted
        metric whose name is already taken becomes 'weighted_<name>'.
        """
        model = self._model
        names = model._output_names()
        several = len(names) > 1
        taken = {}
        self._keyed = []
        for weighted, per_output in (
            (False, self._identifiers),
            (True, self._weighted_identifiers),
        ):
            for index, (name, identifiers, tensor, y) in enumerate(
                zip(names, per_output, model.outputs, y_list, strict=True)
            ):
                prefix = f"{name}_" if several else ""
                for identifier in identifiers:
                    metric = metrics_module.get(identifier, np.shape(y), tensor.shape)
                    metric.reset_state()
                    key = prefix + metric.name
                    if key in taken and weighted:
                        key = f"{prefix}weighted_{metric.name}"
                    if key in taken:
                        taken[key] += 1
                        key = f"{key}_{taken[key] - 1}"
                    else:
                        taken[key] = 1
                    self._keyed.append((key, metric, index, weighted))

    @property
    def metrics(self):
        """The metric objects (after the first update), in compile's order."""
        return [metric for _, metric, _, _ in self._keyed or []]

    @property
    def keys(self):
        return [key for key, _, _, _ in self._keyed or []]

    def update_state(self, y_true, y_pred, sample_weight=None):
        model = self._model
        y_list = model._standardize_targets(y_true)
        if not self.built:
            self.build(y_list)
        outputs = [data_of(p) for p in flatten(y_pred)]
        masks = model._masks_of(y_pred)
        # As in Keras 3, `metrics=` are not weighted by sample_weight (that is
        # `weighted_metrics=`); an output's mask counts for both.
        plain = model._weights_per_output(None, masks)
        weighted = model._weights_per_output(sample_weight, masks)
        for _, metric, index, is_weighted in self._keyed:
            weights = weighted[index] if is_weighted else plain[index]
            metric.update_state(y_list[index], outputs[index], weights)

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()

    def result(self):
        return {key: metric.result() for key, metric, _, _ in self._keyed or []}

    def __repr__(self):
        return f"<CompileMetrics {self.keys}>"
