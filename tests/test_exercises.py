"""The lessons' check functions: right, wrong and missing answers, and their rules.

Each check must accept the right answer, explain the common wrong ones, never
raise on a learner's answer, and state a rule that agrees with what the engine
computes (the rules are arithmetic, so they are compared with real layers here).
"""

import numpy as np
import pytest

from kerastutor import backend as K
from kerastutor.exercises import (
    Verdict,
    check_conv2d_output_shape,
    check_dense_output_shape,
    check_dense_params,
    check_dot_shape,
    check_embedding_params,
    check_input_shape_at,
    check_lstm_params,
    check_model_layers,
    check_output_shape_at,
)
from kerastutor.layers import LSTM, Conv2D, Dense, Embedding, Input
from kerastutor.models import Model


def assert_right(verdict):
    assert isinstance(verdict, Verdict)
    assert verdict.passed and bool(verdict)
    assert verdict.status == "right"
    assert repr(verdict).startswith("Right: ")


def assert_wrong(verdict, *phrases):
    assert isinstance(verdict, Verdict)
    assert not verdict.passed and not bool(verdict)
    assert verdict.status == "wrong"
    assert repr(verdict).startswith("Not quite: ")
    for phrase in phrases:
        assert phrase in verdict.message, (phrase, verdict.message)


def assert_unanswered(verdict):
    assert not verdict
    assert verdict.status == "unanswered"
    assert verdict.message.startswith("No answer yet: ")


@pytest.fixture
def shared_lstm():
    a = Input(shape=(280, 128))
    b = Input(shape=(250, 128))
    lstm = LSTM(32)
    lstm(a)
    lstm(b)
    return lstm


# ---------------------------------------------------------------- node shapes


def test_node_input_shape_wrong_answer_names_the_node_its_input_and_the_answer(shared_lstm):
    verdict = check_input_shape_at(shared_lstm, 1, (None, 280, 128))
    assert_wrong(
        verdict,
        "node 1 of lstm was called on input_2, whose shape is (None, 250, 128); "
        "you answered (None, 280, 128).",
        "node 0's input shape",
    )


def test_node_input_shape_right_answer_as_tuple_or_list(shared_lstm):
    assert_right(check_input_shape_at(shared_lstm, 1, (None, 250, 128)))
    assert_right(check_input_shape_at(shared_lstm, 0, [None, 280, 128]))


def test_node_shape_without_batch_axis_gets_a_hint(shared_lstm):
    assert_wrong(check_input_shape_at(shared_lstm, 1, (250, 128)), "batch axis")


def test_node_output_shape(shared_lstm):
    assert_right(check_output_shape_at(shared_lstm, 1, (None, 32)))
    assert_wrong(
        check_output_shape_at(shared_lstm, 0, (None, 280, 32)),
        "node 0 of lstm returned lstm[0][0], whose shape is (None, 32)",
    )


def test_node_output_shapes_of_a_layer_with_several_outputs():
    lstm = LSTM(4, return_state=True)
    lstm(Input(shape=(5, 3)))
    assert_right(check_output_shape_at(lstm, 0, [(None, 4), (None, 4), (None, 4)]))
    assert_wrong(check_output_shape_at(lstm, 0, (None, 4)), "a list of 3 shapes")
    assert_wrong(check_output_shape_at(lstm, 0, [(None, 4), (None, 4)]), "returned lstm[0][0]")


@pytest.mark.parametrize("answer", ["(None, 250, 128)", 250, (None, 250.5, 128), {"a": 1}])
def test_node_shape_that_is_not_a_shape_is_explained_not_raised(shared_lstm, answer):
    assert_wrong(check_input_shape_at(shared_lstm, 1, answer), "a shape is a tuple")


def test_missing_answers_are_not_counted_wrong(shared_lstm):
    assert_unanswered(check_input_shape_at(shared_lstm, 1, ...))
    assert_unanswered(check_output_shape_at(shared_lstm, 1, None))
    assert_unanswered(check_embedding_params(4, 5, ...))
    assert_unanswered(check_dot_shape((2, 3), (3, 4), ...))
    assert_unanswered(check_lstm_params(8, 3, ...))
    assert_unanswered(check_conv2d_output_shape((None, 8, 8, 3), 4, 3, "same", ...))
    assert_unanswered(check_dense_params((None, 7, 12), 5, ...))
    assert_unanswered(check_dense_output_shape((None, 7, 12), 5, ...))


# ---------------------------------------------------------------- parameter counts


def test_embedding_params_rule_matches_the_layer():
    layer = Embedding(1000, 64, input_length=10)
    layer(np.zeros((1, 10), dtype="int32"))
    assert_right(check_embedding_params(1000, 64, layer.count_params(), input_length=10))


def test_embedding_params_common_mistakes():
    assert_wrong(check_embedding_params(1000, 64, 640_000, input_length=10), "input_length=10")
    assert_wrong(check_embedding_params(1000, 64, 64_064), "no bias")
    assert_wrong(check_embedding_params(1000, 64, 63_936), "Index 0 has a row")
    assert_wrong(check_embedding_params(1000, 64, "64000"), "whole number")
    assert_wrong(check_embedding_params(1000, 64, True), "whole number")


@pytest.mark.parametrize("units, features", [(64, 256), (32, 128), (1, 1)])
def test_lstm_params_rule_matches_the_layer(units, features):
    lstm = LSTM(units)
    lstm(Input(shape=(5, features)))
    assert_right(check_lstm_params(units, features, lstm.count_params()))


def test_lstm_params_common_mistakes():
    truth = 4 * (256 + 64 + 1) * 64
    assert_wrong(check_lstm_params(64, 256, 2 * truth, calls=2), "adds nodes, not weights")
    assert_wrong(check_lstm_params(64, 256, 4 * (256 + 64) * 64), "bias")
    assert_wrong(check_lstm_params(64, 256, (256 + 64 + 1) * 64), "4 gates")
    assert_wrong(check_lstm_params(64, 256, 4 * (256 + 1) * 64), "recurrent_kernel")
    assert_right(check_lstm_params(64, 256, np.int64(truth), calls=2))


@pytest.mark.parametrize("input_shape", [(None, 7, 12), (None, 12), (None, 2, 3, 12)])
def test_dense_params_rule_matches_the_layer(input_shape):
    dense = Dense(5)
    dense(Input(shape=input_shape[1:]))
    assert_right(check_dense_params(input_shape, 5, dense.count_params()))


def test_dense_params_common_mistakes():
    assert_wrong(check_dense_params((None, 20, 64), 10, 12_810), "20 timesteps")
    assert_wrong(check_dense_params((None, 20, 64), 10, 640), "bias")


# ---------------------------------------------------------------- shapes by rule


@pytest.mark.parametrize(
    "x_shape, y_shape",
    [
        ((2, 3), (3, 4)),
        ((2, 3, 4), (4, 5)),
        ((None, 7, 12), (12, 5)),
        ((2, 3), (4, 3, 5)),
        ((2, 3, 4), (5, 4, 6)),
        ((2, 3), (3,)),
    ],
)
def test_dot_shape_rule_matches_backend_dot(x_shape, y_shape):
    result = K.dot(K.placeholder(shape=x_shape), K.placeholder(shape=y_shape))
    assert_right(check_dot_shape(x_shape, y_shape, K.int_shape(result)))


def test_dot_shape_mistakes_and_impossible_products():
    assert_wrong(check_dot_shape((None, 10, 64), (64, 32), (None, 10, 64, 32)), "disappears")
    assert_wrong(check_dot_shape((None, 10, 64), (64, 32), (10, 32)), "batch axis")
    assert_wrong(check_dot_shape((None, 10, 64), (64, 32), "error"), "can be multiplied")
    with pytest.raises(ValueError):
        K.dot(K.placeholder(shape=(2, 3)), K.placeholder(shape=(4, 5)))
    assert_right(check_dot_shape((2, 3), (4, 5), "error"))
    assert_right(check_dot_shape((2, 3), (4, 5), " Error "))
    assert_wrong(check_dot_shape((2, 3), (4, 5), (2, 5)), "raises a ValueError")


@pytest.mark.parametrize(
    "input_shape, kernel_size, padding, strides",
    [
        ((None, 64, 64, 3), (3, 3), "valid", (1, 1)),
        ((None, 64, 64, 3), (3, 3), "same", (1, 1)),
        ((None, 28, 28, 1), (5, 5), "same", (2, 2)),
        ((None, 28, 27, 1), (5, 3), "valid", (2, 3)),
        ((None, None, None, 3), (3, 3), "valid", (1, 1)),
    ],
)
def test_conv2d_shape_rule_matches_the_layer(input_shape, kernel_size, padding, strides):
    conv = Conv2D(8, kernel_size, strides=strides, padding=padding)
    shape = conv(Input(shape=input_shape[1:])).shape
    verdict = check_conv2d_output_shape(input_shape, 8, kernel_size, padding, shape, strides)
    assert_right(verdict)


def test_conv2d_shape_common_mistakes():
    check = check_conv2d_output_shape
    assert_wrong(check((None, 64, 64, 3), 16, (3, 3), "valid", (None, 64, 64, 16)), "'same'")
    assert_wrong(check((None, 64, 64, 3), 16, 3, "same", (None, 62, 62, 16)), "'valid'")
    assert_wrong(check((None, 64, 64, 3), 16, 3, "same", (None, 64, 64, 3)), "filters")
    assert_wrong(check((None, 64, 64, 3), 16, 3, "same", (64, 64, 16)), "batch axis")
    assert "strides=(2, 2)" in check((None, 28, 28, 1), 8, 5, "same", ..., strides=2).message


def test_dense_output_shape_rule_and_mistakes():
    dense = Dense(10)
    shape = dense(Input(shape=(20, 64))).shape
    assert_right(check_dense_output_shape((None, 20, 64), 10, shape))
    assert_wrong(check_dense_output_shape((None, 20, 64), 10, (None, 10)), "every timestep")
    assert_wrong(check_dense_output_shape((None, 20, 64), 10, "(None, 20, 10)"), "a shape")


# ---------------------------------------------------------------- model.layers


@pytest.fixture
def wrapped_model():
    features = Input(shape=(6,), name="features")
    encoder = Model(features, Dense(4, name="inner")(features), name="encoder")
    x = Input(shape=(6,), name="x")
    return Model(x, Dense(2, name="head")(encoder(x)), name="wrapped")


def test_model_layers_right_answer(wrapped_model):
    assert_right(check_model_layers(wrapped_model, ["x", "encoder", "head"]))


def test_model_layers_common_mistakes(wrapped_model):
    check = check_model_layers
    assert_wrong(
        check(wrapped_model, ["x", "features", "inner", "head"]),
        "'features' and 'inner' belong to the nested model 'encoder'",
    )
    assert_wrong(check(wrapped_model, ["head", "encoder", "x"]), "order")
    assert_wrong(check(wrapped_model, ["x", "encoder", "encoder", "head"]), "listed once")
    assert_wrong(check(wrapped_model, ["x", "head"]), "missing ['encoder']")
    assert_wrong(check(wrapped_model, "x, encoder, head"), "list of layer names")


def test_checks_ask_the_engine_without_disturbing_the_learner():
    from kerastutor import random

    expected = random.generator().bit_generator.state
    assert_right(check_lstm_params(4, 3, 4 * (3 + 4 + 1) * 4))
    assert_right(check_dense_params((None, 3), 2, 8))
    assert_right(check_embedding_params(5, 2, 10))
    assert_right(check_dot_shape((2, 3), (3, 4), (2, 4)))
    assert_right(check_dense_output_shape((None, 3), 2, (None, 2)))
    # The learner's next layer is named, and initialised, as if no check had run.
    assert random.generator().bit_generator.state == expected
    assert Dense(2).name == "dense" and LSTM(2).name == "lstm"
    assert Input((3,)).name == "input_1"


# ---------------------------------------------------------------- lessons 8-12: two languages


def test_new_checks_speak_english_by_default_and_chinese_on_request():
    from kerastutor.exercises import LANGUAGES, check_recurrent_params

    assert LANGUAGES == ("en", "zh-CN")
    truth = 4 * (3 + 8 + 1) * 8
    assert check_recurrent_params("LSTM", 8, 3, truth).message.startswith("Right: ")
    chinese = check_recurrent_params("LSTM", 8, 3, truth, language="zh-CN")
    assert chinese.passed and chinese.message.startswith("对：")
    assert check_recurrent_params("LSTM", 8, 3, 1, language="zh-CN").message.startswith("还不对：")
    assert check_recurrent_params("LSTM", 8, 3, ..., language="zh-CN").message.startswith(
        "还没有作答："
    )
    with pytest.raises(ValueError, match="language must be one of"):
        check_recurrent_params("LSTM", 8, 3, truth, language="fr")


# ---------------------------------------------------------------- lesson 9: custom layers


def _shift_class(takes_kwargs, passes_kwargs, has_config):
    from kerastutor import initializers
    from kerastutor.layers import Layer

    class Shift(Layer):
        def __init__(self, initial=0.0, **kwargs):
            if not takes_kwargs and kwargs:
                raise TypeError(
                    f"Shift.__init__() got an unexpected keyword argument {next(iter(kwargs))!r}"
                )
            super().__init__(**(kwargs if passes_kwargs else {}))
            self.initial = initial

        def build(self, input_shape):
            self.b = self.add_weight(
                name="b", shape=(input_shape[-1],), initializer=initializers.Constant(self.initial)
            )

        def call(self, inputs):
            return inputs + self.b

        if has_config:

            def get_config(self):
                return {**super().get_config(), "initial": self.initial}

    return Shift


def test_custom_layer_right_answer_is_rebuilt_from_its_config():
    from kerastutor.exercises import check_custom_layer

    verdict = check_custom_layer(_shift_class(True, True, True))
    assert_right(verdict)
    assert "[(3,)]" in verdict.message and "['initial']" in verdict.message
    assert check_custom_layer(_shift_class(True, True, True), language="zh-CN").passed


def test_custom_layer_common_mistakes():
    from kerastutor.exercises import check_custom_layer

    assert_wrong(check_custom_layer(_shift_class(False, False, True)), "take **kwargs")
    assert_wrong(check_custom_layer(_shift_class(True, False, True)), "does not pass")
    assert_wrong(check_custom_layer(_shift_class(True, True, False)), "without ['initial']")
    assert_wrong(check_custom_layer(Dense(3)), "the class itself")
    assert_unanswered(check_custom_layer(...))


def test_custom_layer_whose_call_fails_is_explained_not_raised():
    from kerastutor.exercises import check_custom_layer
    from kerastutor.layers import Layer

    class Broken(Layer):
        def call(self, inputs):
            return inputs @ np.ones((5, 2))

    assert_wrong(check_custom_layer(Broken), "(2, 3) raised")


def test_custom_layer_check_leaves_names_and_random_numbers_alone():
    from kerastutor import random
    from kerastutor.exercises import check_custom_layer

    expected = random.generator().bit_generator.state
    check_custom_layer(_shift_class(True, True, True))
    assert random.generator().bit_generator.state == expected
    assert Dense(2).name == "dense"


# ---------------------------------------------------------------- lesson 11: recurrent layers


@pytest.mark.parametrize("kind", ["SimpleRNN", "GRU", "LSTM"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_recurrent_params_rule_matches_the_layer(kind, bidirectional):
    from kerastutor.exercises import check_recurrent_params
    from kerastutor.layers import GRU, Bidirectional, SimpleRNN

    layer = {"SimpleRNN": SimpleRNN, "GRU": GRU, "LSTM": LSTM}[kind](8)
    if bidirectional:
        layer = Bidirectional(layer)
    layer(Input(shape=(5, 3)))
    verdict = check_recurrent_params(kind, 8, 3, layer.count_params(), bidirectional=bidirectional)
    assert_right(verdict)


def test_recurrent_params_common_mistakes():
    from kerastutor.exercises import check_recurrent_params

    assert_wrong(check_recurrent_params("GRU", 8, 3, 3 * (3 + 8 + 1) * 8), "reset_after=True")
    assert_wrong(check_recurrent_params("LSTM", 8, 3, 4 * (3 + 8) * 8), "bias")
    assert_wrong(check_recurrent_params("LSTM", 8, 3, 4 * (3 + 1) * 8), "recurrent_kernel")
    assert_wrong(check_recurrent_params("GRU", 8, 3, 384), "count of LSTM(8)")
    assert_wrong(check_recurrent_params("LSTM", 8, 3, 384, bidirectional=True), "two copies")
    assert_wrong(check_recurrent_params("LSTM", 8, 3, "384"), "whole number")
    assert_unanswered(check_recurrent_params("SimpleRNN", 8, 3, ...))
    with pytest.raises(ValueError, match="kind must be one of"):
        check_recurrent_params("Transformer", 8, 3, 1)


# ---------------------------------------------------------------- lesson 8: nodes of a reused layer


def test_node_count_names_every_call():
    from kerastutor.exercises import check_node_count

    lstm = LSTM(4, return_sequences=True, return_state=True)
    lstm(Input(shape=(None, 3)))
    lstm(Input(shape=(None, 3)), initial_state=[Input(shape=(4,)), Input(shape=(4,))])
    verdict = check_node_count(lstm, 2)
    assert_right(verdict)
    assert "node 1 was called on input_2, input_3, input_4" in verdict.message
    assert_wrong(check_node_count(lstm, 1), "does not copy it")
    assert_wrong(check_node_count(lstm, 2.0), "whole number")
    assert_unanswered(check_node_count(lstm, ...))
    assert check_node_count(lstm, 2, language="zh-CN").message.startswith("对：lstm 有 2 个节点")


# ---------------------------------------------------------------- lesson 10: masking


def test_masked_steps_rule_matches_the_lstm():
    from kerastutor.exercises import check_masked_steps
    from kerastutor.models import Model

    tokens = np.array([[1, 3, 0, 2, 0, 0]])
    x = Input(shape=(6,), dtype="int32")
    lstm = LSTM(2, return_sequences=True)
    h = Model(x, lstm(Embedding(4, 3, mask_zero=True)(x))).predict(tokens)[0]
    # A step that updates the states changes the output; a masked one repeats it.
    updated = [0] + [t for t in range(1, 6) if not np.allclose(h[t], h[t - 1])]
    assert updated == [0, 1, 3]
    assert_right(check_masked_steps(tokens[0], updated))
    assert check_masked_steps(tokens[0], updated, language="zh-CN").message.startswith("对：")


def test_masked_steps_common_mistakes():
    from kerastutor.exercises import check_masked_steps

    assert_wrong(check_masked_steps([1, 3, 0, 2, 0, 0], [0, 1]), "every 0 is masked")
    assert_wrong(check_masked_steps([2, 2, 0, 0, 0], [0, 1, 2, 3, 4]), "take no part")
    assert_wrong(check_masked_steps([2, 2, 0, 0, 0], 2), "list of step numbers")
    assert_unanswered(check_masked_steps([2, 2, 0, 0, 0], ...))


# ---------------------------------------------------------------- lesson 12: pooling


@pytest.mark.parametrize("input_shape", [(None, 23, 23, 64), (None, 8, 9, 3), (None, 5, 5, 1)])
def test_pooled_shape_rule_matches_the_layer(input_shape):
    from kerastutor.exercises import check_pooled_shape
    from kerastutor.layers import MaxPooling2D

    shape = MaxPooling2D((2, 2))(Input(shape=input_shape[1:])).shape
    assert_right(check_pooled_shape(input_shape, 2, shape))
    assert check_pooled_shape(input_shape, (2, 2), shape, language="zh-CN").passed


def test_pooled_shape_common_mistakes():
    from kerastutor.exercises import check_pooled_shape

    assert_wrong(check_pooled_shape((None, 23, 23, 64), 2, (None, 12, 12, 64)), "dropped")
    assert_wrong(
        check_pooled_shape((None, 23, 23, 64), 2, (None, 11, 11, 32)), "keeps the channels"
    )
    assert_wrong(check_pooled_shape((None, 23, 23, 64), 2, "(None, 11, 11, 64)"), "a tuple")
    assert_unanswered(check_pooled_shape((None, 23, 23, 64), 2, ...))
