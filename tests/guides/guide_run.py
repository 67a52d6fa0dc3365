"""What a guide section shows, collected the same way from real Keras and kerastutor.

Each guide section is a function ``section(keras, run)`` in
``functional_api_sections.py`` or ``sequential_model_sections.py``: the
section's program, re-typed as a learner would type it, with ``keras`` being
either real Keras 3 (``make_fixtures.py``) or kerastutor (the tests). Instead
of printing, the program hands what the guide shows to ``run``: shapes, layer
names, parameter counts, the rows of ``summary()``, predictions. The fixture
script stores Keras's facts; the tests compute kerastutor's and compare.

This module imports only NumPy, so both sides run it unchanged.
"""

from __future__ import annotations

import math
import re
import zlib

import numpy as np

__all__ = ["GuideRun", "seeded_weights"]

# Default tolerance for predictions (the golden fixtures' 1e-5).
ATOL = 1e-5


def seeded_weights(shapes, seed):
    """Seeded values for weights of ``shapes`` (in ``get_weights()`` order).

    Kernels from N(0, s^2) with s = min(0.5, 1.5 / sqrt(fan_in)), vectors
    (biases) from U(-0.5, 0.5): as the golden fixtures do, so that outputs
    stay in a range where float32 rounding does not hide a real difference,
    and no initializer difference between Keras and kerastutor matters.
    """
    rng = np.random.default_rng(seed)
    values = []
    for shape in shapes:
        shape = tuple(shape)
        if len(shape) <= 1:
            values.append(rng.uniform(-0.5, 0.5, size=shape).astype(np.float32))
        else:
            scale = min(0.5, 1.5 / math.sqrt(math.prod(shape[:-1])))
            values.append((scale * rng.standard_normal(shape)).astype(np.float32))
    return values


def _plain(value):
    """``value`` as JSON-ready Python: tuples become lists, NumPy scalars numbers."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "__index__"):
        return int(value)
    if hasattr(value, "as_list"):  # a TensorFlow TensorShape
        return _plain(value.as_list())
    return str(value)


# One row of summary(): "name (Type)" at the start of the first column.
# Keras 3 draws the table with box characters; kerastutor prints Keras 2's plain table.
# Both wrap a long first cell, putting "(Type)" at the start of the next line, and
# Keras 3 cuts what still does not fit with "…" (the comparison reads it as a prefix).
# kerastutor adds what a wrapper wraps, "(Bidirectional(LSTM))": the type is the first word.
_NAME = r"[\w./-]+…?"
_TYPE = r"\((\w+…?)(?:\([\w, ]+\))?\)?"
_ROW = re.compile(rf"^[\s│|]*({_NAME}) {_TYPE}")
# kerastutor gives a shared layer one row per node ("lstm (LSTM) node 1"); Keras one row.
_LATER_NODE = re.compile(r"^[\s│|]*\S+ \(.*\) node [1-9]\d*\s")
_NAME_ONLY = re.compile(rf"^[\s│|]*({_NAME})(\s|│|$)")
_TYPE_ONLY = re.compile(rf"^[\s│|]*{_TYPE}(\s|│|$)")
_TOTAL = re.compile(r"^\s*(Total|Trainable|Non-trainable) params: ([\d,]+)")


class GuideRun:
    """Collects the facts one guide section shows (see the module docstring)."""

    def __init__(self, keras, workdir, plot=True):
        self.keras = keras
        self.workdir = workdir
        self.plot_enabled = plot
        self.facts = {}
        self.arrays = {}
        self.tolerances = {}

    def fact(self, key, value):
        """Record a JSON-able fact (shape, name, count, ...) under ``key``."""
        if key in self.facts or key in self.arrays:
            raise ValueError(f"fact {key!r} recorded twice")
        self.facts[key] = _plain(value)

    def array(self, key, value, atol=ATOL):
        """Record numbers (compared with ``assert_allclose(rtol=atol, atol=atol)``)."""
        if key in self.facts or key in self.arrays:
            raise ValueError(f"fact {key!r} recorded twice")
        self.arrays[key] = self.numpy(value)
        self.tolerances[key] = atol

    @staticmethod
    def numpy(value):
        """A float32 array from an array, a list of numbers or an eager tensor."""
        if hasattr(value, "numpy"):  # a TensorFlow eager tensor
            value = value.numpy()
        return np.asarray(value, dtype=np.float32)

    def error(self, key, call):
        """Run ``call()``, which must raise, and record the exception's class name."""
        try:
            call()
        except Exception as exc:
            self.fact(key, type(exc).__name__)
            return exc
        self.fact(key, "no error")
        return None

    def model(self, key, model):
        """Record a model's layers, parameter counts, input/output shapes, weight shapes."""
        self.fact(f"{key}.name", model.name)
        self.fact(f"{key}.layers", [[layer.name, type(layer).__name__] for layer in model.layers])
        self.fact(f"{key}.layer_params", [layer.count_params() for layer in model.layers])
        self.fact(f"{key}.count_params", model.count_params())
        self.fact(f"{key}.input_shapes", [tuple(t.shape) for t in model.inputs])
        self.fact(f"{key}.output_shapes", [tuple(t.shape) for t in model.outputs])
        self.fact(f"{key}.weight_shapes", [tuple(w.shape) for w in model.weights])
        self.fact(f"{key}.trainable_weights", len(model.trainable_weights))

    def summary(self, key, model):
        """Record the rows ("name (Type)") and the three totals of ``model.summary()``."""
        lines = []
        model.summary(print_fn=lambda text, *args, **kwargs: lines.extend(str(text).splitlines()))
        rows, totals, name = [], {}, None
        for line in lines:
            total = _TOTAL.match(line)
            row = _ROW.match(line)
            wrapped = _TYPE_ONLY.match(line)
            if total:
                totals[total.group(1)] = int(total.group(2).replace(",", ""))
            elif row and row.group(2) != "type" and not _LATER_NODE.match(line):
                rows.append([row.group(1), row.group(2)])
            elif wrapped and name:
                rows.append([name, wrapped.group(1)])
            only = _NAME_ONLY.match(line)
            name = only.group(1) if only and not row else None
        self.fact(f"{key}.summary_rows", rows)
        self.fact(f"{key}.summary_totals", totals)

    def seed(self, model, name):
        """Replace every weight of ``model`` with seeded values (seed from ``name``)."""
        shapes = [w.shape for w in model.get_weights()]
        model.set_weights(seeded_weights(shapes, zlib.crc32(name.encode("utf-8"))))

    def plot(self, model, filename, **kwargs):
        """``keras.utils.plot_model``, where graphviz is there to draw it.

        The reference venv has no pydot, so the fixture script turns plots off;
        the tests call plot_model and check that it wrote the file.
        """
        if not self.plot_enabled:
            return
        path = self.workdir / filename
        self.keras.utils.plot_model(model, str(path), **kwargs)
        if not path.exists():
            raise AssertionError(f"plot_model did not write {path}")

    def rng(self, name):
        """A NumPy generator seeded from ``name`` (synthetic data in place of downloads)."""
        return np.random.default_rng(zlib.crc32(name.encode("utf-8")))
