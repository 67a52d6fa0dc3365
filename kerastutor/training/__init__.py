"""Training: the `Trainer` mixin (compile, fit, evaluate) and fit's progress bar."""

from kerastutor.training.trainer import Trainer

__all__ = ["Trainer"]
