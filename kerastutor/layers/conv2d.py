"""Conv2D: slide `filters` small kernels over an image (channels last)."""

from kerastutor import activations, initializers, ops
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec

__all__ = ["Conv2D"]

PADDINGS = ("valid", "same")


class Conv2D(Layer):
    """2D convolution layer on images of shape (batch, height, width, channels).

    Each of the `filters` kernels looks at a `kernel_size` window of all input
    channels at once and gives one number per window position; the window
    moves `strides` pixels at a time. The kernel has shape (kernel_height,
    kernel_width, in_channels, filters), whatever the image size, which is
    why one Conv2D can be shared by 32x32 and 64x64 images: only the number
    of channels is fixed by the weights.

    Padding: 'valid' uses only windows that fit inside the image, giving
    ceil((size - kernel + 1) / stride) positions per axis; 'same' pads with
    zeros so that there are ceil(size / stride), putting the odd pixel of
    padding at the bottom/right as TensorFlow does.

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

    Args:
        filters: positive integer, the number of kernels (output channels).
        kernel_size: an integer or a pair (height, width) of the window.
        strides: an integer or a pair, the step between windows.
        padding: 'valid' (the default) or 'same', in any case.
        data_format: only 'channels_last' (or None) is supported.
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
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(filters, int) or isinstance(filters, bool) or filters <= 0:
            raise ValueError(
                f"Received an invalid value for argument `filters` of Conv2D layer "
                f"'{self.name}': expected a positive integer, received {filters!r}."
            )
        self.filters = filters
        self.kernel_size = self._pair(kernel_size, "kernel_size")
        self.strides = self._pair(strides, "strides")
        self.padding = self._standardize_padding(padding)
        self.data_format = self._standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.input_spec = InputSpec(ndim=4)

    def build(self, input_shape):
        in_channels = input_shape[-1]
        if in_channels is None:
            raise ValueError(
                f"Conv2D layer '{self.name}' needs to know the number of channels (the last "
                f"axis) of its input to create its kernel, but the input shape is {input_shape}."
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (in_channels, self.filters),
            initializer=self.kernel_initializer,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(self.filters,), initializer=self.bias_initializer
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(ndim=4, axes={-1: in_channels})
        self.built = True

    def call(self, inputs):
        # Raises the teaching error when a 'valid' window does not fit in the image.
        self.compute_output_shape(tuple(inputs.shape))
        outputs = ops.conv2d(inputs, self.kernel, self.strides, self.padding)
        if self.use_bias:
            outputs = ops.add(outputs, self.bias)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        batch, rows, cols, _ = input_shape
        new_rows = self._output_length(rows, 0, input_shape)
        new_cols = self._output_length(cols, 1, input_shape)
        return (batch, new_rows, new_cols, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
            }
        )
        return config

    # ------------------------------------------------------------ helpers

    def _output_length(self, length, axis, input_shape):
        """Window positions along one spatial axis (None stays None)."""
        if length is None:
            return None
        kernel, stride = self.kernel_size[axis], self.strides[axis]
        if self.padding == "same":
            return -(-length // stride)  # ceil(length / stride)
        if length < kernel:
            raise ValueError(
                f"Conv2D layer '{self.name}' cannot slide its {self.kernel_size} kernel over an "
                f"input of shape {tuple(input_shape)}: with padding='valid' the window must fit "
                f"inside the image, but axis {axis + 1} has size {length} < {kernel}. Use "
                "padding='same', a smaller kernel_size, or larger images."
            )
        return (length - kernel) // stride + 1

    def _pair(self, value, argument):
        if isinstance(value, int) and not isinstance(value, bool):
            value = (value, value)
        if (
            isinstance(value, (tuple, list))
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
        ):
            return tuple(value)
        raise ValueError(
            f"Received an invalid value for argument `{argument}` of Conv2D layer "
            f"'{self.name}': expected a positive integer or a tuple of 2 positive integers "
            f"(height, width), received {value!r}."
        )

    def _standardize_padding(self, padding):
        if isinstance(padding, str) and padding.lower() in PADDINGS:
            return padding.lower()
        raise ValueError(
            f"Received an invalid value for argument `padding` of Conv2D layer '{self.name}': "
            f"expected one of {PADDINGS}, received {padding!r}."
        )

    def _standardize_data_format(self, data_format):
        if data_format is None or (
            isinstance(data_format, str) and data_format.lower() == "channels_last"
        ):
            return "channels_last"
        raise ValueError(
            f"Conv2D layer '{self.name}' received data_format={data_format!r}, but kerastutor "
            "only supports 'channels_last' images: (batch, height, width, channels). Move the "
            "channels last with np.transpose(images, (0, 2, 3, 1))."
        )

    def _axis_explanation(self, axis, size):
        return (
            f"Its kernel has shape {self.kernel.shape}: (kernel height, kernel width, input "
            f"channels, filters), so it was made for images with {size} channels. Height and "
            "width may change from call to call; the number of channels may not."
        )

    def _rank_explanation(self, ndim):
        return (
            "Conv2D works on batches of images shaped (batch, height, width, channels); a "
            "grayscale image still needs a channels axis of size 1."
        )
