"""Models: `Model` (functional graphs) and `Sequential` (stacks)."""

from kerastutor.models.loading import load_model, model_from_json
from kerastutor.models.model import Model
from kerastutor.models.sequential import Sequential

__all__ = ["Model", "Sequential", "load_model", "model_from_json"]
