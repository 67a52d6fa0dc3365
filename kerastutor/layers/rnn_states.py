"""The states of a recurrent layer: where a call starts, and what a stateful layer keeps.

A recurrent layer's states follow its `state_size`: one entry per entry,
an array (batch, size) for an int, a list of them for a stacked cell's
list (`[[h1, c1], h2]` for `StackedRNNCells([LSTMCell, GRUCell])`). That
is the structure `initial_state` may take, `return_state` returns after
the output, and a stateful layer keeps in `layer.states`, as in Keras 3.
"""

import numpy as np

from kerastutor import ops
from kerastutor.autodiff import Variable, data_of
from kerastutor.engine.tree import flatten, map_structure

__all__ = [
    "keep_states",
    "kept_states",
    "reset_states",
    "starting_states",
    "state_shapes",
    "zero_states",
]


def starting_states(layer, batch, initial_state):
    """The states before the first step: given, carried over (stateful), or zeros."""
    if initial_state is not None:
        leaves = iter([layer._to_array(s) for s in flatten(initial_state)])
        return map_structure(lambda _: next(leaves), layer.state_size)
    if layer.stateful and layer.states is not None:
        carried = flatten(layer.states)[0].shape[0]
        if carried != batch:
            raise ValueError(
                f"Layer '{layer.name}' is stateful and carries states for a batch of "
                f"{carried}, received a batch of {batch}: sample i of a batch continues "
                "sample i of the last one, so every batch must have the same size (even "
                "after `reset_states()`). Use a new layer for another batch size."
            )
        # Copies: the call writes its final states into `layer.states` in place.
        return map_structure(lambda state: np.array(state.data), layer.states)
    return zero_states(layer, batch)


def zero_states(layer, batch):
    """Zeros of shape (batch, size) for every state."""
    return map_structure(lambda size: np.zeros((batch, size), layer.dtype), layer.state_size)


def keep_states(layer, states):
    """Write a stateful layer's final states into `layer.states` (made on the first call).

    They are variables, not weights (`layer.weights` does not list them), and
    each call assigns them in place, so a list taken from `layer.states`
    follows the layer, as in Keras.
    """
    if layer.states is None:
        layer.states = map_structure(lambda s: _state_variable(layer, s), states)
        return
    for variable, state in zip(flatten(layer.states), flatten(states), strict=True):
        variable.assign(data_of(state))


def reset_states(layer):
    """Zero `layer.states` in place (they keep their batch size)."""
    for variable in flatten(layer.states or []):
        variable.assign(np.zeros_like(variable.data))


def kept_states(keep, new, old):
    """`ops.where(keep, new, old)` on every state: a masked step keeps the old ones."""
    if isinstance(new, (list, tuple)):
        return [kept_states(keep, n, o) for n, o in zip(new, old, strict=True)]
    return ops.where(keep, new, old)


def state_shapes(batch, size):
    """(batch, size) for one state; a list of them for a stacked cell's states."""
    if isinstance(size, (list, tuple)):
        return [state_shapes(batch, s) for s in size]
    return (batch, size)


def _state_variable(layer, value):
    return Variable(np.array(data_of(value)), f"{layer.name}/rnn_state", trainable=False)
