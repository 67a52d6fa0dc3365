"""Utilities: seeding, and (loaded on first use) diagrams and gradient checks."""

from kerastutor.random import set_random_seed

__all__ = ["set_random_seed"]
