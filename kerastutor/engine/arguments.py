"""Argument checks shared by every layer, `compile`, `fit`, `evaluate` and `predict`.

One mechanism, so a misspelt or unsupported argument reads the same
wherever it is given:

- `check_keywords` refuses an unknown keyword argument with Keras 2's first
  words ("Keyword argument not understood:"), then who received it, the
  accepted names and a "did you mean" found with difflib. A real Keras
  argument that kerastutor does not implement (`lora_rank`, `workers`, ...)
  says so instead, with the Keras version that has it and what to do.
- `keywords_checked` is the decorator that runs `check_keywords` on a
  method with a fixed signature (`fit(epoch=3)`), before Python's own
  "unexpected keyword argument" could.
- `check_booleans` refuses a string or number where a flag is expected
  (`use_bias='False'` is a true string).
- `unknown_name` is the message for a name that is not in a registry
  ('Relu' as an activation), with the valid names.
"""

import difflib
import functools
import inspect

import numpy as np

__all__ = [
    "FlagError",
    "KeywordArgumentError",
    "UnknownNameError",
    "check_boolean",
    "check_booleans",
    "check_keywords",
    "did_you_mean",
    "keywords_checked",
    "unknown_name",
]

# Real Keras arguments that kerastutor leaves out: the Keras that has them, and what to do.
UNSUPPORTED = {
    "lora_rank": (
        "Keras 3 (Dense, EinsumDense, Embedding)",
        "LoRA fine-tuning is not part of kerastutor: train the layer, or freeze it with "
        "`trainable=False`",
    ),
    "lora_alpha": ("Keras 3 (Dense, EinsumDense, Embedding)", "leave it out, as `lora_rank`"),
    "quantization_config": (
        "Keras 3.9+",
        "kerastutor computes in float32 only: leave it out",
    ),
    "ragged": ("Keras 3's Input", "pad the sequences to one length and use `mask_zero=True`"),
    "time_major": (
        "Keras 2 (removed in Keras 3)",
        "put the batch axis first, (batch, time, features): `np.swapaxes(x, 0, 1)`",
    ),
    "input_length": (
        "Keras 2's Embedding (removed in Keras 3)",
        "give the length to the Input instead: `Input(shape=(length,))`",
    ),
    "workers": ("Keras 2's fit (removed in Keras 3)", "leave it out: batches are made in order"),
    "use_multiprocessing": ("Keras 2's fit (removed in Keras 3)", "leave it out"),
    "max_queue_size": ("Keras 2's fit (removed in Keras 3)", "leave it out"),
    "steps_per_execution": ("Keras 3's compile", "leave it out: every step runs eagerly"),
    "auto_scale_loss": ("Keras 3's compile", "leave it out: kerastutor computes in float32"),
}


class KeywordArgumentError(TypeError):
    """An unknown keyword argument: `args` are Keras 2's, `str()` the whole explanation.

    `error.args == ('Keyword argument not understood:', 'activaton')`, as in
    Keras 2, so code that reads them keeps working; the message printed says
    who received it, what it accepts and what was probably meant.
    """

    def __init__(self, argument, message):
        super().__init__("Keyword argument not understood:", argument)
        self.argument = argument
        self.message = message

    def __str__(self):
        return self.message


def did_you_mean(name, valid):
    """' Did you mean 'activation'?' for the closest valid name, or ''."""
    # 'Relu' for 'relu' first: the same name but for case.
    close = [v for v in valid if str(v).lower() == str(name).lower()][:1]
    if not close:
        close = difflib.get_close_matches(str(name), [str(v) for v in valid], n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def check_keywords(who, given, accepted):
    """Refuse each name in `given` that is not in `accepted`.

    Args:
        who: how the message names the receiver: "Dense layer 'dense'", "fit()".
        given: the keyword names received.
        accepted: every name the receiver takes.

    Raises:
        KeywordArgumentError: for the first unknown name.
    """
    for argument in given:
        if argument in accepted:
            continue
        if argument in UNSUPPORTED:
            version, instead = UNSUPPORTED[argument]
            message = (
                f"Keyword argument not understood: {argument!r}, given to {who}. "
                f"`{argument}` is an argument of {version}, but kerastutor does not support "
                f"it: {instead}."
            )
        else:
            names = ", ".join(sorted(accepted))
            message = (
                f"Keyword argument not understood: {argument!r}, given to {who}."
                f"{did_you_mean(argument, accepted)} It accepts: {names}."
            )
        raise KeywordArgumentError(argument, message)


def keywords_checked(method):
    """Check a method's keyword arguments against its signature, with `check_keywords`."""
    accepted = set(inspect.signature(method).parameters) - {"self"}

    @functools.wraps(method)
    def checked(self, *args, **kwargs):
        check_keywords(f"{method.__name__}()", kwargs, accepted)
        return method(self, *args, **kwargs)

    return checked


def check_booleans(who, signature, arguments):
    """Refuse a non-bool for each argument whose default is True or False.

    Args:
        who: how the message names the receiver, e.g. "Dense layer".
        signature: the `inspect.Signature` whose defaults say which are flags.
        arguments: the received arguments, by name.

    Raises:
        TypeError: naming the argument and what was received.
    """
    for name, parameter in signature.parameters.items():
        if isinstance(parameter.default, bool) and name in arguments:
            check_boolean(who, name, arguments[name], parameter.default)


def check_boolean(who, name, value, default):
    """Refuse `value` for the flag `name` unless it is True or False (a NumPy bool too)."""
    if not isinstance(value, (bool, np.bool_)):
        hint = "; any non-empty string counts as true" if isinstance(value, str) else ""
        raise FlagError(
            f"Received an invalid value for argument `{name}` of {who}: expected True or "
            f"False, received {value!r} ({type(value).__name__}{hint}). Write "
            f"`{name}={default}` or `{name}={not default}`, without quotes."
        )


class FlagError(TypeError, ValueError):
    """A flag that is not a bool: a TypeError, and a ValueError for code that caught those."""


class UnknownNameError(ValueError):
    """A name that is no known activation, initializer, loss, ...: see `unknown_name`.

    It keeps the name it was given (`identifier`), so that a layer's
    constructor can say which of its arguments held it (`where`).
    """

    def __init__(self, message, identifier):
        super().__init__(message)
        self.identifier = identifier
        self.where = None

    def located(self, where):
        """The same error, its message starting with `where` ("Dense(activation='Relu')")."""
        located = UnknownNameError(f"{where}: {self.args[0]}", self.identifier)
        located.where = where
        return located


def unknown_name(kind, identifier, valid, extra="", lead=None):
    """The error for a name that is no known `kind` ('activation', 'loss', ...).

    Args:
        kind: what the name should have been, as the message says it.
        identifier: the name received.
        valid: the names that would have worked.
        extra: a last clause, e.g. "; or pass a Loss object".
        lead: the first sentence, if not "Unknown {kind}: {identifier!r}."
    """
    names = ", ".join(repr(name) for name in sorted(valid))
    lead = lead or f"Unknown {kind}: {identifier!r}."
    message = f"{lead} Valid names are: {names}{extra}.{did_you_mean(identifier, valid)}"
    return UnknownNameError(message, identifier)
