"""Conv2DTranspose: a convolution run backwards, to make images larger."""

from kerastutor import ops
from kerastutor.layers.base_conv import BaseConv

__all__ = ["Conv2DTranspose"]


class Conv2DTranspose(BaseConv):
    """Transposed 2D convolution layer: spreads each pixel over a kernel-sized window.

    A Conv2D reads a window of pixels into one output number. A
    Conv2DTranspose goes the other way: every input pixel paints a
    `kernel_size` window of the output, weighted by the kernel, and the
    overlapping windows add up. With strides 2 the windows are placed 2
    pixels apart, so the image grows: this is how decoders and
    autoencoders upsample. Its output shape is the input shape of the Conv2D
    with the same arguments (it computes that Conv2D's input gradient).

    The kernel has shape (kernel_height, kernel_width, filters, in_channels):
    the output channels come before the input channels, as in the Conv2D it
    transposes.

    Output size per axis: 'same' gives size * stride; 'valid' gives
    (size - 1) * stride + max(span, stride), span = dilation_rate *
    (kernel - 1) + 1. `output_padding` (each < stride) picks another of the
    sizes that the strided Conv2D would map back to `size`.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Conv2DTranspose
        >>> up = Conv2DTranspose(8, 3, strides=2, padding="same")
        >>> up(np.ones((2, 7, 7, 16))).shape
        (2, 14, 14, 8)
        >>> [w.shape for w in up.weights]
        [(3, 3, 8, 16), (8,)]

    Args:
        filters: positive integer, the number of output channels.
        kernel_size: an integer or a pair (height, width) of the window.
        strides: an integer or a pair, the step between painted windows.
        padding: 'valid' (the default) or 'same', in any case.
        output_padding: None, an integer or a pair, each smaller than the
            stride: rows/columns added at the bottom/right.
        data_format: only 'channels_last' (or None) is supported.
        dilation_rate: an integer or a pair; values above 1 need strides of 1.
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
        output_padding=None,
        data_format=None,
        dilation_rate=(1, 1),
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
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            **kwargs,
        )
        self.output_padding = self._standardize_output_padding(output_padding)

    def convolution_op(self, inputs):
        return ops.conv_transpose(
            inputs,
            self.kernel,
            self.strides,
            self.padding,
            self.output_padding,
            self.dilation_rate,
        )

    def get_config(self):
        config = super().get_config()
        del config["groups"]
        config["output_padding"] = self.output_padding
        return config

    # ------------------------------------------------------------ what differs from BaseConv

    def _standardize_output_padding(self, output_padding):
        """None, or a pair of integers 0 <= p < stride."""
        if output_padding is None:
            return None
        if isinstance(output_padding, int) and not isinstance(output_padding, bool):
            output_padding = (output_padding, output_padding)
        valid = (
            isinstance(output_padding, (tuple, list))
            and len(output_padding) == 2
            and all(isinstance(p, int) and not isinstance(p, bool) for p in output_padding)
            and all(0 <= p < s for p, s in zip(output_padding, self.strides, strict=True))
        )
        if not valid:
            raise ValueError(
                f"Received an invalid value for argument `output_padding` of "
                f"Conv2DTranspose layer '{self.name}': expected None or 2 integers, each at "
                f"least 0 and smaller than the stride along its axis ({self.strides}), "
                f"received {output_padding!r}."
            )
        return tuple(output_padding)

    def _add_kernels(self, in_channels):
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (self.filters, in_channels),
            initializer=self.kernel_initializer,
        )

    def _output_sizes(self, input_shape, where=None):
        """The transposed lengths; the Conv2D with these arguments must map them back."""
        output_padding = self.output_padding or (None, None)
        out_sizes = []
        for axis, length in enumerate(input_shape[1:-1]):
            kernel, stride = self.kernel_size[axis], self.strides[axis]
            dilation = self.dilation_rate[axis]
            out = ops.conv_transpose_output_length(
                length, kernel, stride, self.padding, output_padding[axis], dilation
            )
            back = ops.conv_output_length(out, kernel, stride, self.padding, dilation)
            if length is not None and back != length:
                where = where or f"on an input of shape {tuple(input_shape)}"
                raise ValueError(
                    f"Layer '{self.name}' (Conv2DTranspose) cannot be called {where}: along "
                    f"axis {axis + 1} (size {length}) output_padding={self.output_padding} "
                    f"gives an output of size {out}, which the Conv2D it transposes would map "
                    f"to {back}, not {length}. Use a larger output_padding or None."
                )
            out_sizes.append(out)
        return tuple(out_sizes)
