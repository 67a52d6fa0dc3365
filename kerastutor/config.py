"""Library-wide settings that Keras keeps in its backend: float type and epsilon."""

__all__ = ["floatx", "set_floatx", "epsilon", "set_epsilon"]

_FLOATX = "float32"
_EPSILON = 1e-7


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
