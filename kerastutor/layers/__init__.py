"""Keras's layers in NumPy, one per file, in Keras's method order.

Example:
    >>> from kerastutor.layers import Input, LSTM, Dense
    >>> x = Input(shape=(280, 128))
    >>> LSTM(32)(x).shape
    (None, 32)
"""

from kerastutor.engine.base_layer import Layer
from kerastutor.engine.input_layer import Input, InputLayer
from kerastutor.engine.input_spec import InputSpec
from kerastutor.layers.activation import Activation
from kerastutor.layers.activity_regularization import ActivityRegularization
from kerastutor.layers.add import Add, add
from kerastutor.layers.average import Average, average
from kerastutor.layers.average_pooling1d import AveragePooling1D
from kerastutor.layers.average_pooling2d import AveragePooling2D
from kerastutor.layers.batch_normalization import BatchNormalization
from kerastutor.layers.bidirectional import Bidirectional
from kerastutor.layers.concatenate import Concatenate, concatenate
from kerastutor.layers.conv1d import Conv1D
from kerastutor.layers.conv2d import Conv2D
from kerastutor.layers.conv2d_transpose import Conv2DTranspose
from kerastutor.layers.cropping1d import Cropping1D
from kerastutor.layers.cropping2d import Cropping2D
from kerastutor.layers.dense import Dense
from kerastutor.layers.depthwise_conv2d import DepthwiseConv2D
from kerastutor.layers.dot import Dot, dot
from kerastutor.layers.dropout import Dropout
from kerastutor.layers.elu import ELU
from kerastutor.layers.embedding import Embedding
from kerastutor.layers.flatten import Flatten
from kerastutor.layers.gaussian_dropout import GaussianDropout
from kerastutor.layers.gaussian_noise import GaussianNoise
from kerastutor.layers.global_average_pooling1d import GlobalAveragePooling1D
from kerastutor.layers.global_average_pooling2d import GlobalAveragePooling2D
from kerastutor.layers.global_max_pooling1d import GlobalMaxPooling1D
from kerastutor.layers.global_max_pooling2d import GlobalMaxPooling2D
from kerastutor.layers.group_normalization import GroupNormalization
from kerastutor.layers.gru import GRU, GRUCell
from kerastutor.layers.identity import Identity
from kerastutor.layers.lambda_layer import Lambda
from kerastutor.layers.layer_normalization import LayerNormalization
from kerastutor.layers.leaky_relu import LeakyReLU
from kerastutor.layers.lstm import LSTM, LSTMCell
from kerastutor.layers.masking import Masking
from kerastutor.layers.max_pooling1d import MaxPooling1D
from kerastutor.layers.max_pooling2d import MaxPooling2D
from kerastutor.layers.maximum import Maximum, maximum
from kerastutor.layers.minimum import Minimum, minimum
from kerastutor.layers.multiply import Multiply, multiply
from kerastutor.layers.normalization import Normalization
from kerastutor.layers.permute import Permute
from kerastutor.layers.prelu import PReLU
from kerastutor.layers.relu import ReLU
from kerastutor.layers.repeat_vector import RepeatVector
from kerastutor.layers.rescaling import Rescaling
from kerastutor.layers.reshape import Reshape
from kerastutor.layers.rnn import RNN
from kerastutor.layers.separable_conv2d import SeparableConv2D
from kerastutor.layers.simple_rnn import SimpleRNN, SimpleRNNCell
from kerastutor.layers.softmax import Softmax
from kerastutor.layers.spatial_dropout import SpatialDropout1D, SpatialDropout2D
from kerastutor.layers.stacked_rnn_cells import StackedRNNCells
from kerastutor.layers.subtract import Subtract, subtract
from kerastutor.layers.time_distributed import TimeDistributed
from kerastutor.layers.unit_normalization import UnitNormalization
from kerastutor.layers.up_sampling1d import UpSampling1D
from kerastutor.layers.up_sampling2d import UpSampling2D
from kerastutor.layers.wrapper import Wrapper
from kerastutor.layers.zero_padding1d import ZeroPadding1D
from kerastutor.layers.zero_padding2d import ZeroPadding2D

__all__ = [
    "Layer",
    "InputSpec",
    "Input",
    "InputLayer",
    "Dense",
    "Embedding",
    "RNN",
    "SimpleRNN",
    "GRU",
    "LSTM",
    "SimpleRNNCell",
    "GRUCell",
    "LSTMCell",
    "StackedRNNCells",
    "Conv2D",
    "Conv1D",
    "Conv2DTranspose",
    "DepthwiseConv2D",
    "SeparableConv2D",
    "Flatten",
    "MaxPooling1D",
    "MaxPooling2D",
    "AveragePooling1D",
    "AveragePooling2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "Activation",
    "ReLU",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "Softmax",
    "Rescaling",
    "Normalization",
    "Identity",
    "ActivityRegularization",
    "GaussianNoise",
    "GaussianDropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "Dropout",
    "Concatenate",
    "concatenate",
    "Add",
    "add",
    "Bidirectional",
    "TimeDistributed",
    "RepeatVector",
    "Masking",
    "Subtract",
    "subtract",
    "Multiply",
    "multiply",
    "Average",
    "average",
    "Maximum",
    "maximum",
    "Minimum",
    "minimum",
    "Dot",
    "dot",
    "UnitNormalization",
    "Reshape",
    "Permute",
    "UpSampling1D",
    "UpSampling2D",
    "Wrapper",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "Cropping1D",
    "Cropping2D",
    "Lambda",
    "BatchNormalization",
    "GroupNormalization",
    "LayerNormalization",
]

# Keras's shorter names for the pooling layers: the same classes (a model saves
# `MaxPooling2D` whichever name built it).
MaxPool1D, MaxPool2D = MaxPooling1D, MaxPooling2D
AvgPool1D, AvgPool2D = AveragePooling1D, AveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
__all__ += [
    "MaxPool1D",
    "MaxPool2D",
    "AvgPool1D",
    "AvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
]

# Keras 2's longer names for the convolution layers, kept by Keras 3: the same classes.
Convolution1D, Convolution2D = Conv1D, Conv2D
Convolution2DTranspose, SeparableConvolution2D = Conv2DTranspose, SeparableConv2D
__all__ += ["Convolution1D", "Convolution2D", "Convolution2DTranspose", "SeparableConvolution2D"]


def __getattr__(name):
    # Only reached for a name this module lacks: say so as a teaching error.
    from kerastutor.engine.arguments import did_you_mean

    raise AttributeError(
        f"module 'kerastutor.layers' has no attribute {name!r}: kerastutor does not have that "
        f"layer (Keras 3 may; see docs/keras-differences.md).{did_you_mean(name, __all__)} "
        f"The layers it has: {', '.join(sorted(n for n in __all__ if n[0].isupper()))}."
    )
