"""DepthwiseConv2D: convolve each input channel with its own kernels."""

from kerastutor import constraints, initializers, ops, regularizers
from kerastutor.layers.base_conv import BaseConv, _positive_int, refuse_kernel_rules

__all__ = ["DepthwiseConv2D"]


class DepthwiseConv2D(BaseConv):
    """Depthwise 2D convolution: each channel filtered on its own, never mixed.

    A Conv2D kernel looks at all input channels at once. A depthwise kernel
    looks at one: channel c is convolved with `depth_multiplier` kernels of
    its own, giving output channels c * depth_multiplier + m. The kernel
    has shape (kernel_height, kernel_width, in_channels, depth_multiplier),
    far fewer weights than a Conv2D's (kernel_height, kernel_width,
    in_channels, filters). It is the first half of SeparableConv2D (and of
    MobileNet's blocks); computed as a Conv2D with groups = in_channels.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import DepthwiseConv2D
        >>> layer = DepthwiseConv2D(3, depth_multiplier=2)
        >>> layer(np.ones((1, 8, 8, 4))).shape
        (1, 6, 6, 8)
        >>> [w.shape for w in layer.weights]
        [(3, 3, 4, 2), (8,)]

    Args:
        kernel_size: an integer or a pair (height, width) of the window.
        strides: an integer or a pair, the step between windows.
        padding: 'valid' (the default) or 'same', in any case.
        depth_multiplier: output channels per input channel.
        data_format: only 'channels_last' (or None) is supported.
        dilation_rate: an integer or a pair, the gap between kernel taps.
        activation: a name or a function; None means linear.
        use_bias: whether to add one bias per output channel.
        depthwise_initializer: defaults to 'glorot_uniform'.
        bias_initializer: defaults to 'zeros'.
        depthwise_regularizer, bias_regularizer: a penalty on that weight.
        activity_regularizer: a penalty on the output.
        depthwise_constraint, bias_constraint: a rule applied to that weight
            after each optimizer step.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        4D array of shape (batch_size, rows, cols, channels).

    Output shape:
        4D array of shape (batch_size, new_rows, new_cols, channels * depth_multiplier).
    """

    strided_dilation_supported = True

    def __init__(
        self,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=(1, 1),
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        refuse_kernel_rules(type(self).__name__, kwargs, "depthwise")
        super().__init__(
            rank=2,
            filters=None,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
        self.depth_multiplier = _positive_int(self, depth_multiplier, "depth_multiplier")

    def convolution_op(self, inputs):
        return ops.depthwise_conv(
            inputs, self.kernel, self.strides, self.padding, self.dilation_rate
        )

    def get_config(self):
        config = super().get_config()
        for key in (
            "filters",
            "groups",
            "kernel_initializer",
            "kernel_regularizer",
            "kernel_constraint",
        ):
            del config[key]
        config["depth_multiplier"] = self.depth_multiplier
        config["depthwise_initializer"] = initializers.serialize(self.kernel_initializer)
        config["depthwise_regularizer"] = regularizers.serialize(self.kernel_regularizer)
        config["depthwise_constraint"] = constraints.serialize(self.kernel_constraint)
        return config

    # ------------------------------------------------------------ what differs from BaseConv

    def _add_kernels(self, in_channels):
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (in_channels, self.depth_multiplier),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )

    def _output_channels(self, in_channels):
        return None if in_channels is None else in_channels * self.depth_multiplier
