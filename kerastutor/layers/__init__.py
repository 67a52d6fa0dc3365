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
from kerastutor.layers.add import Add, add
from kerastutor.layers.average_pooling1d import AveragePooling1D
from kerastutor.layers.average_pooling2d import AveragePooling2D
from kerastutor.layers.concatenate import Concatenate, concatenate
from kerastutor.layers.conv1d import Conv1D
from kerastutor.layers.conv2d import Conv2D
from kerastutor.layers.conv2d_transpose import Conv2DTranspose
from kerastutor.layers.dense import Dense
from kerastutor.layers.depthwise_conv2d import DepthwiseConv2D
from kerastutor.layers.dropout import Dropout
from kerastutor.layers.embedding import Embedding
from kerastutor.layers.flatten import Flatten
from kerastutor.layers.global_average_pooling1d import GlobalAveragePooling1D
from kerastutor.layers.global_average_pooling2d import GlobalAveragePooling2D
from kerastutor.layers.global_max_pooling1d import GlobalMaxPooling1D
from kerastutor.layers.global_max_pooling2d import GlobalMaxPooling2D
from kerastutor.layers.lstm import LSTM
from kerastutor.layers.max_pooling1d import MaxPooling1D
from kerastutor.layers.max_pooling2d import MaxPooling2D
from kerastutor.layers.separable_conv2d import SeparableConv2D

__all__ = [
    "Layer",
    "InputSpec",
    "Input",
    "InputLayer",
    "Dense",
    "Embedding",
    "LSTM",
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
    "Dropout",
    "Concatenate",
    "concatenate",
    "Add",
    "add",
]
