"""The base of every convolution layer: Conv1D, Conv2D and the variants built on them."""

from kerastutor import activations, constraints, initializers, ops, regularizers
from kerastutor.autodiff import data_of
from kerastutor.engine.input_spec import InputSpec
from kerastutor.layers.sliding_window import (
    WindowLayer,
    standardize_data_format,
    standardize_padding,
    standardize_tuple,
)
from kerastutor.ops.nn import conv_bias_relu, fast_kernels_enabled

__all__ = ["BaseConv"]


def _positive_int(layer, value, argument):
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise ValueError(
        f"Received an invalid value for argument `{argument}` of {type(layer).__name__} layer "
        f"'{layer.name}': expected a positive integer, received {value!r}."
    )


class BaseConv(WindowLayer):
    """N-D convolution over `rank` spatial axes of a channels-last input.

    Holds what Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D and
    SeparableConv2D share: the window arguments, the bias and activation,
    the output shape (`ops.conv_output_length` per axis) and the checks. A
    subclass changes the kernel (`_add_kernels`), the op (`convolution_op`)
    or the number of output channels (`_output_channels`).

    Args:
        rank: 1 for sequences, 2 for images.
        filters: positive integer, the number of output channels.
        kernel_size: an int or a tuple of `rank` ints, the window.
        strides: an int or a tuple of `rank` ints, the step between windows.
        padding: 'valid', 'same' or (rank 1 only) 'causal', in any case.
        data_format: only 'channels_last' (or None) is supported.
        dilation_rate: an int or a tuple of `rank` ints: the kernel's taps are
            this many inputs apart. `dilation_rate > 1` needs `strides == 1`.
        groups: split the input channels into this many groups, each
            convolved with its own filters // groups filters.
        activation: a name or a function; None means linear.
        use_bias: whether to add one bias per output channel.
        kernel_initializer: defaults to 'glorot_uniform'.
        bias_initializer: defaults to 'zeros'.
        kernel_regularizer, bias_regularizer: a penalty on that weight (e.g. `L2(0.01)`).
        activity_regularizer: a penalty on the output.
        kernel_constraint, bias_constraint: a rule (e.g. `MaxNorm(2)`) applied to
            the weight after each update.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).
    """

    # Keras refuses strides > 1 with dilation_rate > 1 for plain and transposed
    # convolutions; its depthwise and separable ones compute them.
    strided_dilation_supported = False

    def __init__(
        self,
        rank,
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
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = None if filters is None else _positive_int(self, filters, "filters")
        self.groups = _positive_int(self, groups, "groups")
        if self.filters is not None and self.filters % self.groups:
            raise ValueError(
                f"Received an invalid value for argument `groups` of {type(self).__name__} "
                f"layer '{self.name}': the {self.filters} filters must split evenly into "
                f"groups={self.groups} groups (each group of input channels gets "
                "filters // groups filters of its own)."
            )
        self.kernel_size = standardize_tuple(self, kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(self, strides, rank, "strides")
        self.dilation_rate = standardize_tuple(self, dilation_rate, rank, "dilation_rate")
        paddings = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        self.padding = standardize_padding(self, padding, paddings)
        self.data_format = standardize_data_format(self, data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=rank + 2)
        if not self.strided_dilation_supported:
            self._check_strides_and_dilation()

    def build(self, input_shape):
        in_channels = input_shape[-1]
        if in_channels is None:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' needs to know the number of "
                "channels (the last axis) of its input to create its kernel, but the input "
                f"shape is {input_shape}."
            )
        self._add_kernels(in_channels)
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self._output_channels(in_channels),),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1: in_channels})
        self.built = True

    def call(self, inputs):
        if self._fused_call_applies(inputs):
            relu = self.activation is activations.relu
            return conv_bias_relu(
                inputs, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate, relu
            )
        outputs = self.convolution_op(inputs)
        if self.use_bias:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def _fused_call_applies(self, inputs):
        """Whether `call` may run as one fused op (`ops.nn.conv_bias_relu`): a plain
        convolution with a bias, a relu or no activation, one dtype throughout,
        and `ops.nn.fast_kernels` on."""
        return (
            fast_kernels_enabled()
            and type(self).convolution_op is BaseConv.convolution_op
            and self.use_bias
            and self.activation in (activations.relu, activations.linear)
            and data_of(inputs).dtype == self.kernel.dtype == self.bias.dtype
        )

    def convolution_op(self, inputs):
        return ops.conv(inputs, self.kernel, self.strides, self.padding, self.dilation_rate)

    def compute_output_shape(self, input_shape):
        channels = self._output_channels(input_shape[-1])
        return (input_shape[0], *self._output_sizes(input_shape), channels)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "groups": self.groups,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
            }
        )
        return config

    # ------------------------------------------------------------ what subclasses change

    def _add_kernels(self, in_channels):
        # Each filter sees in_channels // groups channels (all of them when groups == 1).
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (in_channels // self.groups, self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )

    def _output_channels(self, in_channels):
        return self.filters

    # ------------------------------------------------------------ checks

    def _window(self):
        return self.kernel_size, self.strides, self.padding, self.dilation_rate, "kernel"

    def _check_input_compatibility(self, inputs, node_index):
        super()._check_input_compatibility(inputs, node_index)
        shape = tuple(inputs[0].shape)
        channels = shape[-1]
        if channels is not None and channels % self.groups:
            where = f"as its node {node_index}" if node_index is not None else "on concrete data"
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) cannot be called {where}: "
                f"with groups={self.groups} the input channels must split evenly into "
                f"{self.groups} groups, but the input shape {shape} has {channels} channels."
            )

    def _check_strides_and_dilation(self):
        """Refuse strides > 1 together with dilation_rate > 1, as Keras does."""
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' received strides={self.strides} "
                f"and dilation_rate={self.dilation_rate}: Keras does not support strides > 1 "
                "together with dilation_rate > 1. Dilate to see wider with the same kernel, "
                "or stride to shrink the output, not both in one layer."
            )

    def _axis_explanation(self, axis, size):
        kernel = self.weights[0]
        return (
            f"Its {kernel.name.split('/')[-1]} has shape {kernel.shape}, made for inputs with "
            f"{size} channels. The spatial sizes may change from call to call; the number of "
            "channels (the last axis) may not."
        )


def refuse_kernel_rules(class_name, kwargs, *kernels):
    """Refuse `kernel_regularizer=` / `kernel_constraint=` on a layer whose kernels have other names.

    A depthwise or separable convolution has no weight called 'kernel', so
    Keras 3 takes `depthwise_regularizer=` (and `pointwise_...=`) instead.
    """
    for rule in ("regularizer", "constraint"):
        if f"kernel_{rule}" in kwargs:
            names = " and ".join(f"`{kernel}_{rule}`" for kernel in kernels)
            raise TypeError(
                f"Keyword argument not understood: 'kernel_{rule}'. {class_name} has no "
                f"weight called 'kernel'; its kernels take {names}, as in Keras 3."
            )
