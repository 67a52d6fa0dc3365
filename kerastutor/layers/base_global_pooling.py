"""The base of the four global pooling layers: one number per channel for the whole input."""

from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec
from kerastutor.layers.sliding_window import standardize_data_format

__all__ = ["BaseGlobalPooling"]


class BaseGlobalPooling(Layer):
    """Global pooling: reduce every spatial axis at once, keeping the channels.

    A global pooling layer is a pooling layer whose window is the whole
    input: (batch, steps, channels) or (batch, height, width, channels)
    becomes (batch, channels), whatever the input's size. That is why models
    end a stack of convolutions with one before their Dense layers: it works
    for images of any size. With `keepdims=True` the spatial axes stay, with
    size 1: (batch, 1, 1, channels).

    Args:
        pool_dimensions: 1 for sequences, 2 for images.
        data_format: only 'channels_last' (or None) is supported.
        keepdims: keep the spatial axes with size 1.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).
    """

    def __init__(self, pool_dimensions, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.rank = pool_dimensions
        self.data_format = standardize_data_format(self, data_format)
        if not isinstance(keepdims, bool):
            raise ValueError(
                f"Received an invalid value for argument `keepdims` of "
                f"{type(self).__name__} layer '{self.name}': expected True or False, "
                f"received {keepdims!r}."
            )
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def call(self, inputs):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        if self.keepdims:
            return (input_shape[0],) + (1,) * self.rank + (input_shape[-1],)
        return (input_shape[0], input_shape[-1])

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config

    def _spatial_axes(self):
        return tuple(range(1, self.rank + 1))

    def _rank_explanation(self, ndim):
        shape = "(batch, steps, channels)" if self.rank == 1 else "(batch, height, width, channels)"
        return f"{type(self).__name__} pools inputs shaped {shape}."
