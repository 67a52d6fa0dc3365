"""Conv1D: slide `filters` kernels along a sequence (steps, channels)."""

from kerastutor.layers.base_conv import BaseConv

__all__ = ["Conv1D"]


class Conv1D(BaseConv):
    """1D convolution layer (temporal convolution) on sequences (batch, steps, channels).

    Each of the `filters` kernels looks at `kernel_size` consecutive steps
    of all channels and gives one number per window position, so a Conv1D
    finds local patterns (n-grams of embedded words, shapes in a signal)
    wherever they occur. The kernel has shape (kernel_size, in_channels,
    filters), whatever the sequence length.

    Padding: 'valid' keeps only windows that fit; 'same' pads both ends so
    there are ceil(steps / strides) outputs; 'causal' pads only the start,
    with dilation_rate * (kernel_size - 1) zeros, so output t depends on
    steps t, t - 1, ... and never on the future (WaveNet's convolutions,
    with growing `dilation_rate`).

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Conv1D
        >>> conv = Conv1D(8, 3)
        >>> conv(np.ones((2, 10, 4))).shape
        (2, 8, 8)
        >>> conv.count_params()
        104
        >>> Conv1D(2, 3, padding="causal", dilation_rate=2)(np.ones((1, 10, 4))).shape
        (1, 10, 2)

    Args:
        filters: positive integer, the number of kernels (output channels).
        kernel_size: an integer (or a 1-tuple), the window length.
        strides: an integer (or a 1-tuple), the step between windows.
        padding: 'valid' (the default), 'same' or 'causal', in any case.
        data_format: only 'channels_last' (or None) is supported.
        dilation_rate: an integer (or a 1-tuple), the gap between the
            kernel's taps; values above 1 need strides of 1.
        groups: a positive integer dividing both the input channels and
            `filters`.
        activation: a name or a function; None means linear.
        use_bias: whether to add one bias per filter.
        kernel_initializer: defaults to 'glorot_uniform'.
        bias_initializer: defaults to 'zeros'.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        3D array of shape (batch_size, steps, channels).

    Output shape:
        3D array of shape (batch_size, new_steps, filters).
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        groups=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(
            rank=1,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            **kwargs,
        )
