"""Checks and helpers shared by the recurrent layers and their cells (see rnn.py)."""

import contextlib

import numpy as np

from kerastutor import ops, random
from kerastutor.autodiff import data_of
from kerastutor.engine.base_layer import get_layer_class
from kerastutor.engine.tree import flatten

__all__ = [
    "check_flag",
    "check_rate",
    "checked_call",
    "checked_cell",
    "deserialize_cell",
    "dropout_mask",
    "dropped",
    "forget_dropout_masks",
    "fused_kernels",
    "fused_kernels_enabled",
    "mask_in_output_order",
    "sequence_features",
    "shape_of",
]


_FUSED = {"enabled": True}


@contextlib.contextmanager
def fused_kernels(enabled):
    """Run LSTM and GRU with (True) or without (False) their fused kernels inside the block.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import GRU
        >>> from kerastutor.layers.rnn import fused_kernels  # defined here, exported there
        >>> gru, x = GRU(3), np.ones((2, 4, 5), "float32")
        >>> with fused_kernels(False):  # every step through GRU._step
        ...     readable = gru(x)
        >>> bool(np.allclose(gru(x), readable, atol=1e-6))
        True
    """
    previous = _FUSED["enabled"]
    _FUSED["enabled"] = bool(enabled)
    try:
        yield
    finally:
        _FUSED["enabled"] = previous


def fused_kernels_enabled():
    return _FUSED["enabled"]


def checked_call(layer, inputs, kwargs, node_index):
    """Check `initial_state` and `mask` once per call, before anything is built."""
    where = f"as its node {node_index}" if node_index is not None else "on concrete data"
    prefix = f"Layer '{layer.name}' ({type(layer).__name__}) cannot be called {where}: "
    names = layer._state_names()
    if isinstance(inputs, (list, tuple)):
        raise TypeError(
            prefix + f"it takes one sequence tensor, received a list of "
            f"{len(flatten(inputs))}. To start from given states, pass them separately: "
            f"`layer(x, initial_state=[{', '.join(names)}])`. For several inputs per "
            "timestep (Keras 2's nested inputs), concatenate their features into one "
            "(batch, timesteps, features) tensor first: Keras 3's RNN reads one."
        )
    shape = shape_of(inputs)
    if len(shape) == 3 and shape[1] == 0:
        raise ValueError(
            prefix + f"its input has 0 timesteps (shape {shape}); it needs at least one "
            "step to read."
        )
    if layer.stateful and node_index is not None and shape[:1] == (None,):
        raise ValueError(
            prefix + "with `stateful=True` the batch size must be fixed, found the "
            f"sequence shape {shape}. Use `Input(batch_shape=...)` or `batch_size=`."
        )
    if layer.unroll and len(shape) == 3 and shape[1] is None:
        raise ValueError(
            prefix + f"`unroll=True` needs a known number of timesteps, found {shape}. "
            "Give the Input a `shape=(timesteps, features)`."
        )
    initial_state = kwargs.get("initial_state")
    if initial_state is not None:
        if not isinstance(initial_state, (list, tuple)) and len(names) == 1:
            initial_state = [initial_state]
        elif isinstance(initial_state, (list, tuple)):
            # Stacked cells' states as return_state gives them, [[h1, c1], h2], or flat.
            initial_state = flatten(initial_state)
        _check_initial_state(layer, prefix, shape, initial_state, names)
        kwargs = dict(kwargs, initial_state=list(initial_state))
    mask = kwargs.get("mask")
    if mask is not None and len(shape) == 3:
        mask_shape = shape_of(mask)
        fits = len(mask_shape) == 2 and all(
            a is None or b is None or a == b for a, b in zip(mask_shape, shape[:2])
        )
        if not fits:
            raise ValueError(
                prefix + f"received a mask of shape {mask_shape}, but its input of shape "
                f"{shape} needs a (batch, timesteps) = {shape[:2]} mask: one True/False "
                "per step."
            )
    return kwargs


def _check_initial_state(layer, prefix, input_shape, initial_state, names):
    sizes = flatten(layer.state_size)
    count = {1: "one state", 2: "two states"}.get(len(sizes), f"{len(sizes)} states")
    if not isinstance(initial_state, (list, tuple)) or len(initial_state) != len(sizes):
        raise ValueError(
            prefix + f"`initial_state` must be a list of {count} [{', '.join(names)}], "
            f"received {initial_state!r}. {layer._state_explanation()}"
        )
    for name, size, state in zip(names, sizes, initial_state, strict=True):
        expected = (input_shape[0], size)
        shape = shape_of(state)
        batch_ok = None in (shape[:1] + expected[:1]) or shape[:1] == expected[:1]
        if len(shape) != 2 or shape[-1] != size or not batch_ok:
            raise ValueError(
                prefix + f"initial state {name} must have shape (batch, units) = "
                f"{expected}, found {shape}. The states hold one number per unit for each "
                f"sample, so with units={size} and a batch of {expected[0]} they are "
                f"{expected}; pass the states of a layer with the same number of units."
            )


def check_flag(layer, argument, value):
    """Raise a TypeError unless `value` is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"Argument `{argument}` of {type(layer).__name__} layer '{layer.name}' must be True "
            f"or False, received {value!r}."
        )


def check_rate(layer, argument, rate):
    """A dropout rate in [0, 1), or a ValueError naming the layer."""
    is_number = isinstance(rate, (int, float, np.floating)) and not isinstance(rate, bool)
    if not is_number or not 0 <= rate < 1:
        raise ValueError(
            f"Received an invalid value for argument `{argument}` of {type(layer).__name__} "
            f"layer '{layer.name}': expected a float in [0, 1), the fraction of units to drop, "
            f"received {rate!r}."
        )
    return float(rate)


def sequence_features(layer, input_shape):
    """The number of features of a (batch, timesteps, features) shape, or a teaching error."""
    input_shape = tuple(input_shape)
    if len(input_shape) != 3 or input_shape[-1] is None:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' cannot be built for input shape "
            f"{input_shape}: it needs (batch, timesteps, features) with a known number of "
            f"features, one kernel row per feature. {type(layer).__name__} reads a sequence: "
            "(batch, timesteps, features). For a single sequence add a batch axis; for one "
            "feature per step add a last axis of size 1."
        )
    return int(input_shape[-1])


def dropout_mask(layer, which, shape, rate, training):
    """The dropout mask for `which` ('inputs' or 'recurrent'), or None.

    Drawn at the first step of a sequence and reused at every later step, as
    in Keras (the same units are dropped all along one sequence); only in
    training. Kept values are scaled by 1 / (1 - rate).
    """
    if not training or rate == 0:
        return None
    masks = vars(layer).setdefault("_step_dropout_masks", {})
    if which not in masks:
        generator = vars(layer).get("_generator") or random.generator()
        keep = generator.random(shape) >= rate
        masks[which] = keep.astype(layer.dtype) / np.dtype(layer.dtype).type(1 - rate)
    return masks[which]


def dropped(layer, which, x, rate, training):
    """`x` times its dropout mask (see `dropout_mask`), or `x` itself outside training."""
    keep = dropout_mask(layer, which, data_of(x).shape, rate, training)
    return x if keep is None else ops.multiply(x, keep)


def forget_dropout_masks(layer):
    """New masks for every sequence: forget those of the last call (cells included)."""
    vars(layer).pop("_step_dropout_masks", None)
    for cell in [vars(layer).get("cell")] + list(getattr(vars(layer).get("cell"), "cells", [])):
        if cell is not None:
            vars(cell).pop("_step_dropout_masks", None)


def checked_cell(layer, cell):
    if isinstance(cell, (list, tuple)):
        from kerastutor.layers.stacked_rnn_cells import StackedRNNCells

        cell = StackedRNNCells(cell)
    if not callable(getattr(cell, "call", None)):
        raise ValueError(
            f"RNN layer '{layer.name}' needs a cell with a `call(inputs, states)` method, "
            f"received cell={cell!r}."
        )
    if getattr(cell, "state_size", None) is None:
        raise ValueError(
            f"RNN layer '{layer.name}' cannot use cell {cell!r}: the cell has no `state_size` "
            "attribute. Set it in the cell's __init__ to the size of each state it carries "
            "(an int, or a list of ints, one per state; e.g. `self.state_size = units`)."
        )
    return cell


def shape_of(x):
    """The shape of an array, a Tensor, a KerasTensor or a nested list."""
    return tuple(x.shape) if hasattr(x, "shape") else tuple(np.shape(x))


def mask_in_output_order(layer, mask):
    """The (batch, timesteps) mask in the output's step order, shaped to broadcast against it."""
    ordered = mask[:, ::-1] if layer.go_backwards else mask
    return ordered[:, :, None] if layer.return_sequences else ordered[:, -1:]


def deserialize_cell(cell_config, custom_objects=None):
    """The cell that `{'class_name': ..., 'config': ...}` describes."""
    cell_class = get_layer_class(cell_config["class_name"], custom_objects)
    if cell_class.__name__ == "StackedRNNCells":
        return cell_class.from_config(cell_config["config"], custom_objects)
    return cell_class.from_config(cell_config["config"])
