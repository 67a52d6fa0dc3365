"""Models: `Model` (functional graphs) and `Sequential` (stacks)."""

from kerastutor.models.model import Model
from kerastutor.models.sequential import Sequential

__all__ = ["Model", "Sequential"]
