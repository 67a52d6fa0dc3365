"""From what `compile(metrics=[...])` accepts to Metric objects, and back to configs.

`get` turns a name ('precision', 'mae', 'accuracy', 'AUC', ...), a Metric
class or object, a config dict or a function `fn(y_true, y_pred)` into a
Metric, as Keras 3's `compile` does. `serialize` and `deserialize` write and
read the `{'class_name', 'config'}` dicts a saved model keeps.

Example:
    >>> from kerastutor import metrics
    >>> metrics.get("auc")
    <AUC name=auc>
    >>> metrics.serialize(metrics.Precision(thresholds=0.7, name="p"))["config"]["thresholds"]
    0.7
"""

import difflib
import inspect
import re

from kerastutor.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
)
from kerastutor.metrics.auc import AUC
from kerastutor.metrics.confusion_metrics import (
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from kerastutor.metrics.f_score_metrics import F1Score, FBetaScore
from kerastutor.metrics.metric import Metric
from kerastutor.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
)
from kerastutor.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from kerastutor.metrics.regression_metrics import (
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
)

__all__ = ["get", "serialize", "deserialize", "resolve_accuracy", "check_identifier"]

BUILT_IN_CLASSES = (
    Sum,
    Mean,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TruePositives,
    FalsePositives,
    TrueNegatives,
    FalseNegatives,
    Precision,
    Recall,
    AUC,
    FBetaScore,
    F1Score,
)


def _snake_case(name):
    """Keras's spelling of a class or function name as a metric name: 'AUC' -> 'auc'."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


# Each class by its own name and in snake case, plus Keras's short names.
_BY_NAME = {cls.__name__: cls for cls in BUILT_IN_CLASSES}
_BY_NAME.update({_snake_case(cls.__name__): cls for cls in BUILT_IN_CLASSES})
_BY_NAME.update(
    {
        "mse": MeanSquaredError,
        "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError,
        "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError,
        "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError,
        "MSLE": MeanSquaredLogarithmicError,
        "bce": BinaryCrossentropy,
        "BCE": BinaryCrossentropy,
    }
)
_ACCURACY_NAMES = ("accuracy", "acc")


def resolve_accuracy(y_true_shape, y_pred_shape):
    """Which accuracy 'accuracy' means for these shapes (Keras 3's rule, see the package doc)."""
    is_binary = y_pred_shape[-1] == 1
    is_sparse = len(y_true_shape) < len(y_pred_shape) or (
        y_true_shape[-1] == 1 and y_pred_shape[-1] != 1
    )
    if is_binary:
        return BinaryAccuracy
    if is_sparse:
        return SparseCategoricalAccuracy
    return CategoricalAccuracy


def get(identifier, y_true_shape=None, y_pred_shape=None):
    """A Metric from a name, a Metric class or object, a config dict or a function.

    Args:
        identifier: a name such as 'accuracy' (or 'acc'), 'precision',
            'recall', 'auc', 'mae', 'mse', 'top_k_categorical_accuracy' or a
            class name ('AUC'); a Metric object (used as it is); a Metric
            class (made with its default arguments); a config dict; or a
            function `f(y_true, y_pred)` returning one value per sample.
        y_true_shape: the targets' shape, needed to resolve 'accuracy'.
        y_pred_shape: the output's shape, needed to resolve 'accuracy'.

    A metric given by name is named as given: `metrics=['acc']` logs 'acc'.

    Returns None for None, as Keras does.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
        TypeError: for anything else.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Metric):
        return identifier
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, str):
        if identifier.lower() in _ACCURACY_NAMES:
            if y_true_shape is None or y_pred_shape is None:
                raise ValueError(
                    f"Metric {identifier!r} depends on the shapes of the targets and the "
                    "predictions: pass `y_true_shape` and `y_pred_shape`."
                )
            return resolve_accuracy(y_true_shape, y_pred_shape)(name=identifier)
        return _class_named(identifier)(name=identifier)
    if isinstance(identifier, dict):
        return deserialize(identifier)
    # A Loss class, say: Keras makes one with its defaults and wraps it.
    fn = identifier() if inspect.isclass(identifier) else identifier
    if callable(fn):
        return MeanMetricWrapper(fn, name=_object_name(fn))
    raise TypeError(
        f"Could not interpret metric identifier {identifier!r}: expected a name such as "
        "'accuracy', a Metric object or class, or a function f(y_true, y_pred)."
    )


def _object_name(fn):
    """How Keras names a wrapped function or object: its `name`, or its snake-cased name."""
    if isinstance(getattr(fn, "name", None), str):
        return fn.name
    return _snake_case(getattr(fn, "__name__", type(fn).__name__))


def check_identifier(identifier):
    """Raise the error `get` would raise for a bad identifier, without needing shapes."""
    if identifier is None:
        raise ValueError(
            "Expected a metric in `metrics`, received None: give a name such as "
            "'accuracy', a Metric or a function, or leave the entry out."
        )
    if isinstance(identifier, str) and identifier.lower() in _ACCURACY_NAMES:
        return
    if isinstance(identifier, str):
        _class_named(identifier)
    elif not isinstance(identifier, Metric) and not (
        inspect.isclass(identifier) and issubclass(identifier, Metric)
    ):
        get(identifier)


def _class_named(name):
    if name in _BY_NAME:
        return _BY_NAME[name]
    valid = sorted({key for key in _BY_NAME if key == key.lower()} | set(_ACCURACY_NAMES))
    close = difflib.get_close_matches(name.lower(), valid, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ValueError(
        f"Unknown metric: {name!r}. Valid names are: {', '.join(valid)} (or the class "
        f"names, such as 'AUC'); or pass a Metric object or a function f(y_true, y_pred).{hint}"
    )


def serialize(metric):
    """`{'class_name': ..., 'config': ...}` for a built-in metric; None for a custom one."""
    if type(metric) in BUILT_IN_CLASSES:
        return {"class_name": type(metric).__name__, "config": metric.get_config()}
    return None


def deserialize(config):
    """The built-in Metric that `serialize` (or Keras 3's `compile_config`) described.

    Raises:
        ValueError: for a class that is not a built-in metric, or a malformed config.
    """
    known = {cls.__name__: cls for cls in BUILT_IN_CLASSES}
    if (
        not isinstance(config, dict)
        or config.get("class_name") not in known
        or not isinstance(config.get("config", {}), dict)
    ):
        raise ValueError(
            f"Cannot rebuild a metric from {config!r}: expected {{'class_name': ..., "
            f"'config': {{...}}}} with one of the built-in classes {', '.join(sorted(known))}."
        )
    try:
        return known[config["class_name"]].from_config(config.get("config", {}))
    except TypeError as error:
        raise ValueError(f"Malformed {config['class_name']} config: {error}") from None
