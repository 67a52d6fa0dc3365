"""Models: `Model` (functional graphs) and `Sequential` (stacks)."""

from kerastutor.models.model import Model
from kerastutor.models.sequential import Sequential
from kerastutor.saving import load_model, model_from_json

__all__ = ["Model", "Sequential", "load_model", "model_from_json"]
