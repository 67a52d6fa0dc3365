"""SpatialDropout1D and SpatialDropout2D: Dropout of whole feature maps (channels)."""

from kerastutor.engine.input_spec import InputSpec
from kerastutor.layers.dropout import Dropout

__all__ = ["SpatialDropout1D", "SpatialDropout2D"]


class SpatialDropout1D(Dropout):
    """Dropout that drops whole channels of a sequence: the same ones at every timestep.

    Neighbouring timesteps of a convolution's output are strongly correlated,
    so dropping single values barely hides anything (their neighbours carry
    the same information). This drops a channel for all timesteps of a
    sample at once: the keep/drop mask has shape (batch, 1, channels). In
    training only, scaled by 1 / (1 - rate) as Dropout is.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import SpatialDropout1D
        >>> out = SpatialDropout1D(0.5, seed=1)(np.ones((1, 4, 3)), training=True)
        >>> bool((out == out[:, :1]).all())  # every timestep the same channels
        True

    Args:
        rate: float in [0, 1), the fraction of channels to drop.
        seed: optional integer for a generator of the layer's own.
        **kwargs: the base Layer's arguments (`name`, `dtype`).

    Input shape:
        (batch_size, timesteps, channels).

    Output shape:
        The same as the input.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _mask_shape(self, input_shape):
        return (input_shape[0], 1, input_shape[2])

    def get_config(self):
        # Keras 3's spatial dropouts take only these (no `trainable`, no `noise_shape`).
        config = super().get_config()
        return {key: config[key] for key in ("name", "dtype", "rate", "seed")}


class SpatialDropout2D(Dropout):
    """Dropout that drops whole feature maps of an image: a channel at every pixel.

    The keep/drop mask has shape (batch, 1, 1, channels) with
    `data_format='channels_last'`, (batch, channels, 1, 1) with
    'channels_first'. In training only, scaled by 1 / (1 - rate).

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import SpatialDropout2D
        >>> out = SpatialDropout2D(0.5, seed=1)(np.ones((1, 2, 2, 3)), training=True)
        >>> bool((out == out[:, :1, :1]).all())  # every pixel the same channels
        True

    Args:
        rate: float in [0, 1), the fraction of feature maps to drop.
        data_format: 'channels_last' (default) or 'channels_first'.
        seed: optional integer for a generator of the layer's own.
        **kwargs: the base Layer's arguments (`name`, `dtype`).

    Input shape:
        (batch_size, rows, cols, channels), or (batch_size, channels, rows, cols).

    Output shape:
        The same as the input.
    """

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        data_format = data_format or "channels_last"
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"SpatialDropout2D layer '{self.name}': `data_format` must be one of "
                f"'channels_first', 'channels_last'. Received: data_format={data_format!r}."
            )
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=4)

    def _mask_shape(self, input_shape):
        if self.data_format == "channels_first":
            return (input_shape[0], input_shape[1], 1, 1)
        return (input_shape[0], 1, 1, input_shape[3])

    def get_config(self):
        config = super().get_config()
        config = {key: config[key] for key in ("name", "dtype", "rate", "seed")}
        config["data_format"] = self.data_format
        return config
