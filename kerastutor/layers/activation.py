"""Placeholder: being written."""

from kerastutor.engine.base_layer import Layer

class Activation(Layer):
    pass

