"""Library-wide settings that Keras keeps in its backend and `keras.config`.

The float type, epsilon, and whether tracebacks are filtered (see
kerastutor/engine/traceback_utils.py).
"""

__all__ = [
    "disable_traceback_filtering",
    "enable_traceback_filtering",
    "epsilon",
    "floatx",
    "is_traceback_filtering_enabled",
    "set_epsilon",
    "set_floatx",
]

_FLOATX = "float32"
_EPSILON = 1e-7
_TRACEBACK_FILTERING = True


def floatx():
    """The default float type of weights and inputs: 'float32', as in Keras."""
    return _FLOATX


def set_floatx(value):
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise ValueError(
            f"Unknown floatx type: {value!r}. Expected one of 'float16', 'float32', 'float64'."
        )
    _FLOATX = value


def epsilon():
    """The fuzz factor Keras adds to avoid division by zero and log(0): 1e-7."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def enable_traceback_filtering():
    """Cut kerastutor's own frames out of the tracebacks of errors (the default, as in Keras).

    The traceback then ends on your line, followed by the message that says what to change.
    """
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = True


def disable_traceback_filtering():
    """Show every frame of an error's traceback, kerastutor's own included (to debug it)."""
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = False


def is_traceback_filtering_enabled():
    """Whether tracebacks are filtered: True unless `disable_traceback_filtering()` ran."""
    return _TRACEBACK_FILTERING
