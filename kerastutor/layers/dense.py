"""Dense: `activation(inputs @ kernel + bias)` on the last axis."""

from kerastutor import activations, constraints, initializers, regularizers
from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_spec import InputSpec
from kerastutor.engine.validation import positive_int

__all__ = ["Dense"]


class Dense(Layer):
    """Just your regular densely-connected layer.

    The kernel has shape (input_dim, units): one row per input feature, one
    column per unit. Only the last axis of the input meets the kernel, so on
    an input of shape (batch, timesteps, input_dim) the same kernel is
    applied at every timestep and the output is (batch, timesteps, units).
    That is why a Dense layer works after an LSTM with
    `return_sequences=True`, and why `Dense(5)` on (7, 12) and on (12,) has
    the same 12 * 5 + 5 = 65 parameters.

    Example:
        >>> import numpy as np
        >>> from kerastutor.layers import Dense
        >>> layer = Dense(5)
        >>> layer(np.ones((2, 7, 12))).shape
        (2, 7, 5)
        >>> layer.count_params()
        65

    Args:
        units: positive integer, the size of the output's last axis.
        activation: a name ('relu', 'sigmoid', 'tanh', 'softmax', 'linear')
            or a function; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer: defaults to 'glorot_uniform'.
        bias_initializer: defaults to 'zeros'.
        kernel_regularizer, bias_regularizer: a penalty on that weight (e.g.
            `L2(0.01)` or 'l2'), added to the loss by fit.
        activity_regularizer: a penalty on the output, divided by the batch
            size.
        kernel_constraint, bias_constraint: a rule (e.g. `MaxNorm(2)`)
            enforced after every optimizer step.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).

    Input shape:
        N-D array of shape (batch_size, ..., input_dim).

    Output shape:
        N-D array of shape (batch_size, ..., units).
    """

    def __init__(
        self,
        units,
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
        self.units = positive_int(self, "units", units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"Dense layer '{self.name}' needs to know the size of the last axis of its "
                f"input to create its kernel, but the input shape is {input_shape}."
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        outputs = inputs @ self.kernel
        if self.use_bias:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
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

    def _axis_explanation(self, axis, size):
        return (
            f"Its kernel has shape {self.kernel.shape}: one row per input feature, so every "
            f"call must bring {size} features on the last axis."
        )
