"""Unique layer names as Keras gives them: dense, dense_1, dense_2, ..."""

import contextlib
import re

from kerastutor import random

__all__ = ["to_snake_case", "unique_name", "reset_names", "fresh_names", "sandbox"]

_counts = {}


def to_snake_case(class_name):
    """'Conv2D' -> 'conv2d', 'InputLayer' -> 'input_layer', 'LSTM' -> 'lstm'."""
    name = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(prefix, zero_based=True):
    """The next free name for `prefix`: 'dense', then 'dense_1' (or 'input_1' first)."""
    count = _counts.get(prefix, 0)
    _counts[prefix] = count + 1
    if zero_based:
        return prefix if count == 0 else f"{prefix}_{count}"
    return f"{prefix}_{count + 1}"


def reset_names():
    """Start naming afresh (what `kerastutor.backend.clear_session()` does)."""
    _counts.clear()


@contextlib.contextmanager
def fresh_names():
    """Inside, names start afresh ('dense', 'lstm', ...); after, the old counts return.

    For throwaway graphs (a widget rebuilding a model at every slider move):
    their layers get the same names every time, and the learner's own next
    layer is named as if the throwaway graph had never existed.
    """
    saved = dict(_counts)
    _counts.clear()
    try:
        yield
    finally:
        _counts.clear()
        _counts.update(saved)


@contextlib.contextmanager
def sandbox():
    """Build throwaway layers without touching the learner's names or random numbers.

    Inside, layer names start afresh ('lstm', 'dense', ...) and weights may be
    drawn from the shared generator; afterwards the learner's name counts and
    the generator's state are as they were. Widgets rebuild graphs in it, and
    exercises build the layer a question is about, to read the true answer.
    """
    generator = random.generator()
    state = generator.bit_generator.state
    with fresh_names():
        try:
            yield
        finally:
            generator.bit_generator.state = state
