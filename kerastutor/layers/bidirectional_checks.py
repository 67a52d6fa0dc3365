"""The teaching errors of Bidirectional: what it can wrap and which states it takes.

Each check takes the Bidirectional layer first (`self`), for its name.
"""

from kerastutor.engine.base_layer import Layer
from kerastutor.engine.tree import flatten
from kerastutor.layers.rnn_utils import shape_of

__all__ = ["check_recurrent", "check_directions", "check_initial_state", "state_sizes"]


def check_initial_state(self, inputs, initial_state, node_index):
    """`initial_state` holds each direction's states, each (batch, size); or a ValueError."""
    where = f"as its node {node_index}" if node_index is not None else "on concrete data"
    prefix = f"Layer '{self.name}' (Bidirectional) cannot be called {where}: "
    forward, backward = self.forward_layer, self.backward_layer
    sizes = state_sizes(forward) + state_sizes(backward)
    received = len(initial_state) if isinstance(initial_state, (list, tuple)) else None
    if received != len(sizes):
        raise ValueError(
            prefix + f"`initial_state` must be a list of {len(sizes)} states, "
            f"{_state_list(forward)} for '{forward.name}' then {_state_list(backward)} "
            f"for '{backward.name}', received "
            f"{received if received is not None else repr(initial_state)}. The first half "
            "starts the forward reading, the second half the backward one."
        )
    batch = shape_of(inputs)[0]
    for i, (state, size) in enumerate(zip(initial_state, sizes, strict=True)):
        shape = shape_of(state)
        batch_ok = batch is None or shape[:1] in ((None,), (batch,))
        if len(shape) != 2 or shape[-1] != size or not batch_ok:
            direction = "forward" if i < len(sizes) // 2 else "backward"
            raise ValueError(
                prefix + f"initial state {i} (of the {direction} layer) must have shape "
                f"(batch, {size}) = {(batch, size)}, found {shape}. Each state holds one "
                "number per unit for each sample."
            )


def check_recurrent(self, layer, argument):
    """`layer` reads a sequence step by step and can read it backwards; or a ValueError."""
    recurrent = isinstance(layer, Layer) and all(
        hasattr(layer, attribute)
        for attribute in ("state_size", "go_backwards", "return_sequences", "return_state")
    )
    if not recurrent:
        if isinstance(layer, Layer):
            what = f"layer '{layer.name}' ({type(layer).__name__})"
        else:
            what = f"{type(layer).__name__} {layer!r}"
        raise ValueError(
            f"Bidirectional layer '{self.name}' cannot wrap {what} given as `{argument}`: "
            "it needs a recurrent layer (LSTM, GRU, SimpleRNN, ...), one that reads a "
            "sequence step by step and can read it backwards (`go_backwards`). To apply "
            "a layer to every timestep, use TimeDistributed (or Dense directly on the "
            "3-D sequence)."
        )


def check_directions(self):
    """The two directions read opposite ways and return the same things; or a ValueError."""
    forward, backward = self.forward_layer, self.backward_layer
    if forward.go_backwards == backward.go_backwards:
        raise ValueError(
            f"Bidirectional layer '{self.name}': the forward and backward layers must read "
            f"in opposite directions, but both have go_backwards={forward.go_backwards}."
        )
    for flag in ("return_sequences", "return_state"):
        if getattr(forward, flag) != getattr(backward, flag):
            raise ValueError(
                f"Bidirectional layer '{self.name}': the forward and backward layers must "
                f"agree on `{flag}`, but '{forward.name}' has {getattr(forward, flag)} and "
                f"'{backward.name}' has {getattr(backward, flag)}."
            )


def state_sizes(layer):
    """The size of each state the recurrent layer carries: [units, units] for an LSTM."""
    return flatten([layer.state_size])


def _state_list(layer):
    """'[h, c]' for an LSTM, '[h]' for a GRU: the states one direction takes."""
    names = layer._state_names() if hasattr(layer, "_state_names") else None
    names = names or [f"state_{i}" for i in range(len(state_sizes(layer)))]
    return f"[{', '.join(names)}]"
