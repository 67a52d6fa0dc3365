"""kerastutor.backend: the seeds' `K` (being written)."""

from kerastutor.config import epsilon, floatx, set_epsilon, set_floatx
from kerastutor.engine.naming import reset_names

__all__ = ["clear_session", "floatx", "set_floatx", "epsilon", "set_epsilon"]


def clear_session():
    """Forget layer names, so the next Dense is called 'dense' again."""
    reset_names()
