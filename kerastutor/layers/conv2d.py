"""Conv2D: slide `filters` small kernels over an image (channels last)."""

from kerastutor.layers.base_conv import BaseConv

__all__ = ["Conv2D"]


class Conv2D(BaseConv):
    """2D convolution layer on images of shape (batch, height, width, channels).

    Each of the `filters` kernels looks at a `kernel_size` window of all input
    channels at once and gives one number per window position; the window
    moves `strides` pixels at a time. The kernel has shape (kernel_height,
    kernel_width, in_channels, filters), whatever the image size, which is
    why one Conv2D can be shared by 32x32 and 64x64 images: only the number
    of channels is fixed by the weights.

    Padding: 'valid' uses only windows that fit inside the image, giving
    floor((size - span) / stride) + 1 positions per axis, where the window
    spans span = dilation_rate * (kernel - 1) + 1 pixels; 'same' pads with
    zeros so that there are ceil(size / stride), putting the odd pixel of
    padding at the bottom/right as TensorFlow does. A dilated kernel
    (`dilation_rate=2`) skips every other pixel: a 3x3 kernel then sees a 5x5
    area with 9 weights. With `groups=g` the input channels are split into g
    groups, each convolved with its own filters // g filters, and the kernel
    shrinks to (kh, kw, in_channels // g, filters).

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Conv2D
        >>> conv = Conv2D(16, (3, 3), padding="same")
        >>> conv(np.ones((2, 32, 32, 3))).shape
        (2, 32, 32, 16)
        >>> conv(np.ones((2, 64, 64, 3))).shape
        (2, 64, 64, 16)
        >>> conv.count_params()
        448
        >>> Conv2D(4, 3, dilation_rate=2)(np.ones((1, 9, 9, 2))).shape
        (1, 5, 5, 4)

    Args:
        filters: positive integer, the number of kernels (output channels).
        kernel_size: an integer or a pair (height, width) of the window.
        strides: an integer or a pair, the step between windows.
        padding: 'valid' (the default) or 'same', in any case.
        data_format: only 'channels_last' (or None) is supported.
        dilation_rate: an integer or a pair, the gap between the kernel's
            taps; values above 1 need strides of 1.
        groups: a positive integer dividing both the input channels and
            `filters`.
        activation: a name or a function; None means linear.
        use_bias: whether to add one bias per filter.
        kernel_initializer: defaults to 'glorot_uniform'.
        bias_initializer: defaults to 'zeros'.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        4D array of shape (batch_size, rows, cols, channels).

    Output shape:
        4D array of shape (batch_size, new_rows, new_cols, filters).
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1),
        groups=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(
            rank=2,
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
