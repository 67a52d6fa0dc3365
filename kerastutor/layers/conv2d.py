"""Placeholder: being written."""

from kerastutor.engine.base_layer import Layer

class Conv2D(Layer):
    pass

