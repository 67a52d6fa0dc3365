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
from kerastutor.layers.bidirectional import Bidirectional
from kerastutor.layers.concatenate import Concatenate, concatenate
from kerastutor.layers.conv2d import Conv2D
from kerastutor.layers.dense import Dense
from kerastutor.layers.dropout import Dropout
from kerastutor.layers.embedding import Embedding
from kerastutor.layers.flatten import Flatten
from kerastutor.layers.gru import GRU, GRUCell
from kerastutor.layers.lstm import LSTM, LSTMCell
from kerastutor.layers.masking import Masking
from kerastutor.layers.repeat_vector import RepeatVector
from kerastutor.layers.rnn import RNN
from kerastutor.layers.simple_rnn import SimpleRNN, SimpleRNNCell
from kerastutor.layers.stacked_rnn_cells import StackedRNNCells
from kerastutor.layers.time_distributed import TimeDistributed

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
    "Flatten",
    "Activation",
    "Dropout",
    "Concatenate",
    "concatenate",
    "Add",
    "add",
    "Bidirectional",
    "TimeDistributed",
    "RepeatVector",
    "Masking",
]
