"""RepeatVector: (batch, features) -> (batch, n, features), the same vector n times."""

import numpy as np

from kerastutor import ops
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec

__all__ = ["RepeatVector"]


class RepeatVector(Layer):
    """Repeats its input vector `n` times along a new time axis.

    The classic use is an encoder-decoder without `initial_state`: an LSTM
    encodes a sequence into one vector, RepeatVector hands that vector to a
    decoder LSTM at each of its `n` timesteps. Every copy is the same array,
    so in backpropagation the `n` gradients that arrive add up into the one
    vector they came from.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Input, RepeatVector
        >>> RepeatVector(3)(Input(shape=(32,))).shape
        (None, 3, 32)
        >>> RepeatVector(2)(np.array([[1.0, 2.0]]))
        array([[[1., 2.],
                [1., 2.]]], dtype=float32)

    Args:
        n: positive integer, how many timesteps to make.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        2-D array of shape (batch_size, features).

    Output shape:
        3-D array of shape (batch_size, n, features).
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError(
                f"Received an invalid value for argument `n` of RepeatVector layer "
                f"'{self.name}': expected an integer (how many timesteps to make), received "
                f"{n!r} of type {type(n).__name__}."
            )
        if n <= 0:
            raise ValueError(
                f"Received an invalid value for argument `n` of RepeatVector layer "
                f"'{self.name}': expected a positive integer, received n={n}. A sequence "
                "needs at least one timestep."
            )
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        # output[:, t, :] = inputs for every t
        return ops.stack([inputs] * self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config

    def _rank_explanation(self, ndim):
        return (
            "RepeatVector repeats one vector per sample, (batch, features). To repeat a "
            "sequence's last output, give the LSTM before it return_sequences=False; to "
            "flatten an image first, use Flatten."
        )
