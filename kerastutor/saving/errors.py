"""The error for a Keras file whose contents kerastutor cannot rebuild exactly."""

__all__ = ["KerasFormatError"]


class KerasFormatError(ValueError):
    """A Keras 3 config that kerastutor cannot rebuild exactly (the message says why)."""
