"""Seed 000: shared layers' shapes, Embedding vs Input, `K.dot` of placeholders.

Each test runs the seed's Keras code with only the imports changed
(`keras.layers` -> `kerastutor.layers`, `keras.models` -> `kerastutor.models`,
`keras.backend` -> `kerastutor.backend`) and checks what the seed prints.
"""

import numpy as np
import pytest

from kerastutor import backend as K
from kerastutor.layers import LSTM, Embedding, Input
from kerastutor.models import Sequential


def test_shared_lstm_outputs_are_the_call_results():
    # The seed quotes this without defining the tweets; seed 002 defines them.
    tweet_a = Input(shape=(280, 256))
    tweet_b = Input(shape=(280, 256))
    # --- seed code
    shared_lstm = LSTM(64)
    encoded_a = shared_lstm(tweet_a)
    encoded_b = shared_lstm(tweet_b)
    assert shared_lstm.get_output_at(0) == encoded_a
    assert shared_lstm.get_output_at(1) == encoded_b
    # --- end of seed code
    assert shared_lstm.get_output_at(0) is not shared_lstm.get_output_at(1)
    assert not (shared_lstm.get_output_at(0) == encoded_b)


def test_shared_lstm_input_and_output_shapes(capsys):
    a = Input(shape=(280, 128))
    b = Input(shape=(250, 128))
    lstm = LSTM(32)
    encoded_a = lstm(a)
    encoded_b = lstm(b)
    print(lstm.get_input_shape_at(0))
    print(lstm.get_input_shape_at(1))
    print(lstm.get_output_shape_at(0))
    print(lstm.get_output_shape_at(1))
    # --- end of seed code
    assert capsys.readouterr().out.splitlines() == [
        "(None, 280, 128)",
        "(None, 250, 128)",
        "(None, 32)",
        "(None, 32)",
    ]
    assert encoded_a.shape == encoded_b.shape == (None, 32)
    # One set of weights for both calls: the shapes belong to the nodes.
    assert [w.shape for w in lstm.get_weights()] == [(128, 128), (32, 128), (128,)]


def test_shared_lstm_with_a_different_last_axis_is_refused():
    # The learner's guess: "if the last dimension differs, it raises an error".
    a = Input(shape=(280, 128))
    b = Input(shape=(250, 64))
    lstm = LSTM(32)
    lstm(a)
    with pytest.raises(ValueError) as error:
        lstm(b)
    message = str(error.value)
    assert "lstm" in message
    assert "node 1" in message
    assert "128" in message and "64" in message
    assert len(lstm.inbound_nodes) == 1


def test_input_is_a_symbolic_tensor_with_a_batch_axis():
    x = Input(shape=(32,))
    assert x.shape == (None, 32)
    assert x.dtype == "float32"


def test_embedding_predict_gives_equal_rows_for_equal_indices():
    model = Sequential()
    model.add(Embedding(4, 5, input_length=7))
    model.compile("rmsprop", "mse")
    output = model.predict(np.array([[0, 1, 0, 1, 1, 0, 3]]))
    # --- end of seed code
    assert output.shape == (1, 7, 5)
    assert output.dtype == np.float32
    rows = output[0]
    np.testing.assert_array_equal(rows[0], rows[2])
    np.testing.assert_array_equal(rows[0], rows[5])
    np.testing.assert_array_equal(rows[1], rows[3])
    np.testing.assert_array_equal(rows[1], rows[4])
    assert not np.array_equal(rows[0], rows[1])
    assert not np.array_equal(rows[0], rows[6])
    # Each row is the row of the weight matrix the index points at...
    (matrix,) = model.layers[0].get_weights()
    assert matrix.shape == (4, 5)
    np.testing.assert_array_equal(rows, matrix[[0, 1, 0, 1, 1, 0, 3]])
    # ... drawn from Keras's 'uniform' initializer, U(-0.05, 0.05), like the seed's numbers.
    assert np.all(np.abs(matrix) <= 0.05)
    assert model.output_shape == (None, 7, 5)


def test_dot_of_placeholders_only_has_a_shape():
    # dot product between tensors
    x = K.placeholder(shape=(2, 3))
    y = K.placeholder(shape=(3, 4))
    xy = K.dot(x, y)
    # --- end of seed code; the seed shows <tf.Tensor 'MatMul_9:0' shape=(2, 4) dtype=float32>
    assert repr(xy) == "<KerasTensor shape=(2, 4), dtype=float32, name=dot[0][0]>"
    assert K.int_shape(xy) == (2, 4)
    assert K.dtype(xy) == "float32"
    with pytest.raises(TypeError, match="no value"):
        K.eval(xy)
    # The same product on numbers, through a function built from the placeholders.
    first = np.arange(6, dtype="float32").reshape(2, 3)
    second = np.arange(12, dtype="float32").reshape(3, 4)
    (value,) = K.function([x, y], [xy])([first, second])
    np.testing.assert_allclose(value, first @ second)
