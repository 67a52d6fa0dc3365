"""`model.summary()`: Keras's table, plus one row per node for shared layers."""

import numpy as np

import kerastutor as keras
from kerastutor.layers import LSTM, Add, Dense, Input
from kerastutor.models import Model, Sequential

SEED_000_SUMMARY = """\
__________________________________________________________________________________________________
Layer (type)                    Output Shape         Param #     Connected to
==================================================================================================
input_1 (InputLayer)            (None, 280, 128)     0
__________________________________________________________________________________________________
input_2 (InputLayer)            (None, 250, 128)     0
__________________________________________________________________________________________________
lstm (LSTM) node 0              (None, 32)           20608       input_1[0][0]
lstm (LSTM) node 1              (None, 32)           (shared)    input_2[0][0]
==================================================================================================
Total params: 20,608
Trainable params: 20,608
Non-trainable params: 0
__________________________________________________________________________________________________
Shared layer lstm: 2 nodes, one set of 20,608 weights.
  node 0: (None, 280, 128) -> (None, 32)
  node 1: (None, 250, 128) -> (None, 32)"""

TWEET_SUMMARY = """\
__________________________________________________________________________________________________
Layer (type)                    Output Shape         Param #     Connected to
==================================================================================================
input_1 (InputLayer)            (None, 280, 256)     0
__________________________________________________________________________________________________
input_2 (InputLayer)            (None, 280, 256)     0
__________________________________________________________________________________________________
lstm (LSTM) node 0              (None, 64)           82176       input_1[0][0]
lstm (LSTM) node 1              (None, 64)           (shared)    input_2[0][0]
__________________________________________________________________________________________________
concatenate (Concatenate)       (None, 128)          0           lstm[0][0]
                                                                 lstm[1][0]
__________________________________________________________________________________________________
dense (Dense)                   (None, 1)            129         concatenate[0][0]
==================================================================================================
Total params: 82,305
Trainable params: 82,305
Non-trainable params: 0
__________________________________________________________________________________________________
Shared layer lstm: 2 nodes, one set of 82,176 weights.
  node 0: (None, 280, 256) -> (None, 64)
  node 1: (None, 280, 256) -> (None, 64)"""


def summary_lines(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return lines


def test_shared_layer_gets_one_row_per_node_with_its_own_shapes():
    # Seed 000's question: same weights, different shapes? The table answers it.
    a = Input(shape=(280, 128))
    b = Input(shape=(250, 128))
    lstm = LSTM(32)
    model = Model([a, b], [lstm(a), lstm(b)])
    lines = summary_lines(model)
    assert all(len(line) == 98 for line in lines[:10])
    assert [line.rstrip() for line in lines] == SEED_000_SUMMARY.splitlines()


def test_tweet_model_summary_connects_layer_node_tensor(capsys):
    tweet_a = Input(shape=(280, 256))
    tweet_b = Input(shape=(280, 256))
    shared_lstm = LSTM(64)
    merged = keras.layers.concatenate([shared_lstm(tweet_a), shared_lstm(tweet_b)], axis=-1)
    model = Model([tweet_a, tweet_b], Dense(1, activation="sigmoid")(merged))
    model.summary()
    printed = [line.rstrip() for line in capsys.readouterr().out.splitlines()]
    assert printed == TWEET_SUMMARY.splitlines()


def test_rows_use_the_node_index_when_a_layer_has_nodes_outside_the_model():
    dense = Dense(2)
    dense(Input((3,)))  # node 0, not part of the model below
    x1, x2 = Input((3,)), Input((3,))
    model = Model([x1, x2], Add()([dense(x1), dense(x2)]))
    lines = [line.rstrip() for line in summary_lines(model)]
    assert "dense (Dense) node 1            (None, 2)            8           input_2[0][0]" in lines
    assert any(line.startswith("dense (Dense) node 2") and "(shared)" in line for line in lines)
    assert "add (Add)                       (None, 2)            0           dense[1][0]" in lines
    assert lines[-3:] == [
        "Shared layer dense: 2 nodes, one set of 8 weights.",
        "  node 1: (None, 3) -> (None, 2)",
        "  node 2: (None, 3) -> (None, 2)",
    ]


def test_chain_models_get_the_three_column_table():
    model = Sequential([Dense(4, input_shape=(3,), name="hidden"), Dense(1, name="out")])
    lines = [line.rstrip() for line in summary_lines(model)]
    assert lines == [
        "_" * 65,
        "Layer (type)                 Output Shape              Param #",
        "=" * 65,
        "hidden (Dense)               (None, 4)                 16",
        "_" * 65,
        "out (Dense)                  (None, 1)                 5",
        "=" * 65,
        "Total params: 21",
        "Trainable params: 21",
        "Non-trainable params: 0",
        "_" * 65,
    ]


def test_line_length_and_positions():
    x = Input((3,))
    model = Model(x, Dense(2)(x))
    lines = summary_lines(model, line_length=80)
    assert lines[0] == "_" * 80
    assert lines[1].index("Output Shape") == int(80 * 0.45)
    lines = summary_lines(model, line_length=50, positions=[20, 40, 50])
    assert lines[1] == "Layer (type)        Output Shape        Param #   "


def test_frozen_layers_count_as_non_trainable():
    x = Input((3,))
    frozen = Dense(4, trainable=False)
    model = Model(x, Dense(1)(frozen(x)))
    assert summary_lines(model)[-4:-1] == [
        "Total params: 21",
        "Trainable params: 5",
        "Non-trainable params: 16",
    ]


def test_unbuilt_sequential_summary_shows_question_marks_as_keras_3():
    model = Sequential([Dense(2, name="first"), Dense(3, name="second")])
    lines = summary_lines(model)
    assert lines[3].split() == ["first", "(Dense)", "?", "0", "(unbuilt)"]
    assert lines[5].split() == ["second", "(Dense)", "?", "0", "(unbuilt)"]
    assert lines[7].startswith("Total params: 0 (the model is not built yet")
    assert not model.built  # printing the table builds nothing
    assert model.compute_output_shape((None, 5)) == (None, 3)
    assert not model.built
    model.predict(np.ones((1, 3)))
    assert "Total params: 17" in summary_lines(model)


def test_model_classes_are_named_as_keras_3_names_them():
    x = Input((4,))
    encoder = Model(x, Dense(3)(x), name="encoder")

    class Encoder(Model):
        pass

    custom = Encoder(x, Dense(3)(x), name="custom")
    chain = Sequential([Dense(2, input_shape=(3,), name="inner_dense")], name="chain")
    a = Input((4,), name="a")
    model = Model(a, [encoder(a), custom(a)])
    lines = [line.rstrip() for line in summary_lines(model)]
    assert any(line.startswith("encoder (Functional)   ") for line in lines)
    assert any(line.startswith("custom (Encoder)   ") for line in lines)
    outer = Sequential([Input((3,)), chain])
    assert any(line.startswith("chain (Sequential)   ") for line in summary_lines(outer))


def test_a_list_of_shapes_wraps_between_shapes_and_long_names_between_words():
    encoder_inputs, decoder_inputs = Input((None, 10)), Input((None, 12))
    _, h, c = LSTM(16, return_state=True, name="encoder")(encoder_inputs)
    decoder = LSTM(16, return_sequences=True, return_state=True, name="a_long_decoder_lstm_name")
    sequences, _, _ = decoder(decoder_inputs, initial_state=[h, c])
    model = Model([encoder_inputs, decoder_inputs], Dense(12, name="out")(sequences))
    lines = [line.rstrip() for line in summary_lines(model)]
    start = lines.index(
        "encoder (LSTM)                  [(None, 16),         1728        input_1[0][0]"
    )
    assert lines[start + 1 : start + 3] == [
        "                                 (None, 16),",
        "                                 (None, 16)]",
    ]
    assert lines[start + 4 : start + 9] == [
        "a_long_decoder_lstm_name (LSTM) [(None, None, 16),   1856        input_2[0][0]",
        "                                 (None, 16),",
        "                                 (None, 16)]",
        "                                                                 encoder[0][1]",
        "                                                                 encoder[0][2]",
    ]
    names = Model(encoder_inputs, LSTM(2, name="an_even_longer_name_for_one_lstm")(encoder_inputs))
    lines = [line.rstrip() for line in summary_lines(names)]
    assert "an_even_longer_name_for_one_lstm (None, 2)                 104" in lines
    assert "(LSTM)" in lines


def test_a_column_too_narrow_for_one_shape_or_reference_is_widened():
    x = Input((1000, 1000, 1000), name="x")
    first = Dense(2, name="a_layer_whose_name_is_longer_than_the_column")(x)
    model = Model(x, Add(name="add")([first, first]))
    lines = summary_lines(model, line_length=60)
    assert len({len(line) for line in lines[:12]}) == 1 and len(lines[0]) > 60
    assert any("(None, 1000, 1000, 1000)" in line for line in lines)
    assert any("a_layer_whose_name_is_longer_than_the_column[0][0]" in line for line in lines)
