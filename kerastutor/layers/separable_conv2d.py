"""SeparableConv2D: a depthwise convolution, then a 1x1 convolution mixing the channels."""

from kerastutor import constraints, initializers, ops, regularizers
from kerastutor.layers.base_conv import BaseConv, _positive_int, refuse_kernel_rules

__all__ = ["SeparableConv2D"]


class SeparableConv2D(BaseConv):
    """Depthwise separable 2D convolution: look at each channel, then mix the channels.

    A Conv2D does two jobs with one kernel: find spatial patterns and mix
    channels. SeparableConv2D splits them: first a depthwise convolution
    (each input channel filtered on its own by `depth_multiplier` kernels),
    then a pointwise 1x1 convolution that mixes the in_channels *
    depth_multiplier results into `filters` outputs. For 3x3 kernels on 64
    channels to 64 filters that is 3*3*64 + 64*64 = 4,672 weights instead of
    3*3*64*64 = 36,864 (Xception's building block).

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import SeparableConv2D
        >>> layer = SeparableConv2D(16, 3, padding="same")
        >>> layer(np.ones((1, 8, 8, 4))).shape
        (1, 8, 8, 16)
        >>> [w.shape for w in layer.weights]
        [(3, 3, 4, 1), (1, 1, 4, 16), (16,)]

    Args:
        filters: positive integer, the number of output channels.
        kernel_size: an integer or a pair (height, width) of the depthwise window.
        strides: an integer or a pair, the step between windows.
        padding: 'valid' (the default) or 'same', in any case.
        data_format: only 'channels_last' (or None) is supported.
        dilation_rate: an integer or a pair, the gap between depthwise taps.
        depth_multiplier: depthwise output channels per input channel.
        activation: a name or a function; None means linear.
        use_bias: whether to add one bias per filter.
        depthwise_initializer: defaults to 'glorot_uniform'.
        pointwise_initializer: defaults to 'glorot_uniform'.
        bias_initializer: defaults to 'zeros'.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer: a
            penalty on that weight.
        activity_regularizer: a penalty on the output.
        depthwise_constraint, pointwise_constraint, bias_constraint: a rule
            applied to that weight after each optimizer step.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        4D array of shape (batch_size, rows, cols, channels).

    Output shape:
        4D array of shape (batch_size, new_rows, new_cols, filters).
    """

    strided_dilation_supported = True

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1),
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        refuse_kernel_rules(type(self).__name__, kwargs, "depthwise", "pointwise")
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
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def convolution_op(self, inputs):
        return ops.separable_conv(
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
            self.strides,
            self.padding,
            self.dilation_rate,
        )

    def get_config(self):
        config = super().get_config()
        for key in ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            del config[key]
        config["depth_multiplier"] = self.depth_multiplier
        config["depthwise_initializer"] = initializers.serialize(self.kernel_initializer)
        config["pointwise_initializer"] = initializers.serialize(self.pointwise_initializer)
        config["depthwise_regularizer"] = regularizers.serialize(self.kernel_regularizer)
        config["pointwise_regularizer"] = regularizers.serialize(self.pointwise_regularizer)
        config["depthwise_constraint"] = constraints.serialize(self.kernel_constraint)
        config["pointwise_constraint"] = constraints.serialize(self.pointwise_constraint)
        return config

    # ------------------------------------------------------------ what differs from BaseConv

    def _add_kernels(self, in_channels):
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel",
            shape=self.kernel_size + (in_channels, self.depth_multiplier),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1, 1, in_channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
        )
