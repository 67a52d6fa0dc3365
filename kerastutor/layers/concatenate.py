"""Placeholder: being written."""

from kerastutor.engine.base_layer import Layer

class Concatenate(Layer):
    pass

def concatenate(inputs, axis=-1, **kwargs):
    pass

