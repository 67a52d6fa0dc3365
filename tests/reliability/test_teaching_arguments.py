"""Issue 13, item 2: every bad argument gets an error that teaches.

Misspelt and unsupported keyword arguments (layers, compile, fit, evaluate,
predict), unknown names (activations, initializers, losses, regularizers,
constraints), flags that are not booleans, integer weights, empty data and
layers that take one tensor called on several.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from layer_harness import LAYER_CASES

import kerastutor as keras
from kerastutor import layers as L
from kerastutor.engine.arguments import FlagError, KeywordArgumentError, UnknownNameError
from kerastutor.engine.base_layer import _accepted_keywords

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _made(case):
    layer = case.make()
    return type(layer), layer.get_config()


def _misspell(name, data):
    """One typing slip: a letter dropped, doubled or swapped with the next."""
    i = data.draw(st.integers(0, len(name) - 2))
    slip = data.draw(st.sampled_from(["drop", "double", "swap"]))
    if slip == "drop":
        return name[:i] + name[i + 1 :]
    if slip == "double":
        return name[: i + 1] + name[i] + name[i + 1 :]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


# ------------------------------------------------------------ unknown keywords


@SETTINGS
@given(data=st.data())
def test_a_misspelt_layer_argument_names_the_layer_and_suggests_a_real_one(data):
    case = data.draw(st.sampled_from(LAYER_CASES), label="case")
    layer_class, config = _made(case)
    accepted = _accepted_keywords(layer_class)
    # Names a constructor takes in its signature (not those taken out of `**kwargs`).
    argument = data.draw(st.sampled_from(sorted(k for k in config if len(k) > 3 and k in accepted)))
    wrong = _misspell(argument, data)
    if wrong in accepted:
        return
    with pytest.raises(KeywordArgumentError) as error:
        layer_class(**{**config, wrong: config[argument]})
    message = str(error.value)
    assert error.value.args == ("Keyword argument not understood:", wrong)
    assert message.startswith(f"Keyword argument not understood: {wrong!r}")
    assert f"{layer_class.__name__} layer '{config['name']}'" in message
    assert "Did you mean '" in message  # every slip of a name longer than 3 letters is close
    assert "It accepts: " in message and argument in message


def test_the_issue_s_misspellings_get_the_right_suggestion():
    with pytest.raises(TypeError, match="given to Dense layer. Did you mean 'activation'"):
        L.Dense(4, activaton="relu")
    with pytest.raises(TypeError, match="given to LSTM layer. Did you mean 'return_sequences'"):
        L.LSTM(4, return_sequence=True)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: L.Dense(4, lora_rank=2), "Keras 3 (Dense, EinsumDense, Embedding)"),
        (lambda: L.Embedding(5, 2, quantization_config={}), "float32 only"),
        (lambda: L.Dense(4, ragged=True), "pad the sequences"),
        (lambda: L.LSTM(4, time_major=True), "Keras 2 (removed in Keras 3)"),
    ],
)
def test_a_real_keras_argument_kerastutor_lacks_says_so(make, words):
    with pytest.raises(KeywordArgumentError) as error:
        make()
    assert "kerastutor does not support it" in str(error.value)
    assert words in str(error.value)


def _compiled():
    model = keras.Sequential([keras.Input((3,)), L.Dense(1)])
    model.compile("sgd", "mse")
    return model


@pytest.mark.parametrize(
    "call, wrong, meant",
    [
        (lambda m: m.compile(optimiser="sgd", loss="mse"), "optimiser", "optimizer"),
        (lambda m: m.compile("sgd", los="mse"), "los", "loss"),
        (lambda m: m.fit(np.ones((4, 3)), np.ones((4, 1)), epoch=3), "epoch", "epochs"),
        (lambda m: m.fit(np.ones((4, 3)), np.ones((4, 1)), batchsize=2), "batchsize", "batch_size"),
        (lambda m: m.evaluate(np.ones((4, 3)), np.ones((4, 1)), verbos=0), "verbos", "verbose"),
        (lambda m: m.predict(np.ones((4, 3)), batch_sise=2), "batch_sise", "batch_size"),
    ],
)
def test_misspelt_training_arguments_teach_instead_of_python_s_message(call, wrong, meant):
    model = _compiled()
    with pytest.raises(KeywordArgumentError) as error:
        call(model)
    assert "unexpected keyword argument" not in str(error.value)
    assert str(error.value).startswith(f"Keyword argument not understood: {wrong!r}")
    assert f"Did you mean {meant!r}?" in str(error.value)


def test_keras_2_fit_arguments_say_they_left_with_keras_3():
    with pytest.raises(KeywordArgumentError, match="Keras 2's fit .removed in Keras 3."):
        _compiled().fit(np.ones((4, 3)), np.ones((4, 1)), workers=4, verbose=0)


# ------------------------------------------------------------ unknown names


@pytest.mark.parametrize(
    "make, where, meant",
    [
        (lambda: L.Dense(4, activation="Relu"), "Dense(activation='Relu')", "relu"),
        (lambda: L.Dense(4, kernel_initializer="glorot"), "Dense(kernel_initializer=", "glorot_"),
        (lambda: L.Dense(4, kernel_regularizer="L3"), "Dense(kernel_regularizer='L3')", None),
        (lambda: L.Dense(4, bias_constraint="maxnorm"), "Dense(bias_constraint=", "MaxNorm"),
        (lambda: L.LSTM(4, recurrent_activation="sigmod"), "LSTM(recurrent_activation=", "sigmoid"),
        (lambda: L.Conv2D(2, 3, activation="relu6x"), "Conv2D(activation='relu6x')", None),
    ],
)
def test_an_unknown_name_names_the_layer_argument_and_the_valid_names(make, where, meant):
    with pytest.raises(ValueError) as error:
        make()
    assert isinstance(error.value, UnknownNameError)
    assert str(error.value).startswith(where)
    assert "Valid names are: " in str(error.value)
    if meant:
        assert f"Did you mean '{meant}" in str(error.value)


def test_an_unknown_loss_suggests_the_close_name():
    with pytest.raises(ValueError, match="Did you mean 'mean_squared_error'"):
        keras.losses.get("mean_square_error")


# ------------------------------------------------------------ flags


@SETTINGS
@given(data=st.data())
def test_a_flag_given_as_a_string_or_number_is_refused_naming_layer_and_argument(data):
    case = data.draw(st.sampled_from(LAYER_CASES), label="case")
    layer_class, config = _made(case)
    flags = sorted(k for k, v in config.items() if isinstance(v, bool))
    if not flags:
        return
    flag = data.draw(st.sampled_from(flags))
    value = data.draw(st.sampled_from(["False", "True", "no", "yes", 0, 1, None, "0"]))
    with pytest.raises(TypeError) as error:
        layer_class(**{**config, flag: value})
    assert isinstance(error.value, FlagError) and isinstance(error.value, ValueError)
    assert f"argument `{flag}` of {layer_class.__name__} layer" in str(error.value)
    assert f"received {value!r}" in str(error.value)


@pytest.mark.parametrize(
    "make, argument",
    [
        (lambda: L.Dense(4, use_bias="False"), "use_bias"),
        (lambda: L.Dense(4, trainable="False"), "trainable"),
        (lambda: L.Embedding(5, 2, mask_zero="no"), "mask_zero"),
        (lambda: L.LSTM(4, return_sequences="yes"), "return_sequences"),
    ],
)
def test_the_issue_s_flags(make, argument):
    with pytest.raises(TypeError, match=f"argument `{argument}`.*must|argument `{argument}`"):
        make()


def test_setting_trainable_to_a_string_is_refused_and_changes_nothing():
    dense = L.Dense(2, name="d")
    with pytest.raises(TypeError, match="argument `trainable` of Dense layer 'd'"):
        dense.trainable = "False"
    assert dense.trainable is True


def test_numpy_bools_are_bools():
    assert L.Dense(4, use_bias=np.bool_(False)).use_bias is not True


# ------------------------------------------------------------ dtypes, data, inputs


def test_an_integer_dense_is_refused_before_it_builds_zero_weights():
    dense = L.Dense(2, dtype="int32")
    with pytest.raises(TypeError, match="trainable weight 'kernel' with dtype int32"):
        dense(np.ones((2, 3)))
    assert not dense.built and dense.weights == []


@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_empty_data_is_refused_instead_of_loss_zero(method):
    model = _compiled()
    before = model.get_weights()
    with pytest.raises(ValueError, match=f"`{method}` received empty data: the inputs x have 0"):
        getattr(model, method)(np.zeros((0, 3)), np.zeros((0, 1)), verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_predict_on_empty_data_is_refused():
    with pytest.raises(ValueError, match="received no data"):
        _compiled().predict(np.zeros((0, 3)))


def test_a_model_called_with_too_many_arrays_says_how_many():
    model = _compiled()
    x = np.ones((2, 3))
    for call in (lambda: model([x, x]), lambda: model.predict([x, x])):
        with pytest.raises(ValueError, match=r"expects 1 input\(s\).*but received 2"):
            call()


@pytest.mark.parametrize("symbolic", [False, True])
def test_flatten_on_a_list_is_refused_as_keras_does(symbolic):
    flatten = L.Flatten()
    inputs = [keras.Input((3,)), keras.Input((3,))] if symbolic else [np.ones((2, 3))] * 2
    with pytest.raises(ValueError, match="expects 1 input.s., but it received 2 input tensors"):
        flatten(inputs)
    assert flatten.inbound_nodes == []


def test_activation_and_dropout_take_a_list_as_keras_3_does():
    # Keras 3 gives these no input_spec: a list of symbolic tensors comes back as a list.
    inputs = [keras.Input((3,)), keras.Input((3,))]
    assert len(L.Dropout(0.5)(inputs)) == 2
    assert len(L.Activation("relu")(inputs)) == 2


@pytest.mark.parametrize(
    "layer", [L.Dense(2), L.Conv1D(2, 1), L.LSTM(2)], ids=lambda x: type(x).__name__
)
def test_string_data_is_refused_naming_the_layer_and_what_to_do(layer):
    # (NumPy's own UFuncTypeError named no layer and said nothing about text.)
    data = np.array([[["a", "b"]]])
    with pytest.raises(
        TypeError, match=f"Layer '{layer.name}' .* received an array of strings"
    ) as e:
        layer(data)
    assert "dtype <U1, e.g. 'a'" in str(e.value) and "Embedding" in str(e.value)
    assert not layer.built


_RNN_RULES = [
    f"{weight}_{kind}"
    for weight in ("kernel", "recurrent", "bias")
    for kind in ("regularizer", "constraint", "initializer")
]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    layer_class=st.sampled_from([L.LSTM, L.GRU, L.SimpleRNN]),
    argument=st.sampled_from(_RNN_RULES),
    slip=st.sampled_from(["drop", "double", "british", "plural"]),
)
def test_a_misspelt_rnn_weight_argument_gets_did_you_mean(layer_class, argument, slip):
    # (The regularizers and constraints reach an RNN through **kwargs: the suggestion
    # for 'recurent_regularizer' used to be 'activity_regularizer'.)
    wrong = {
        "drop": argument.replace("rr", "r", 1) if "rr" in argument else argument[1:],
        "double": argument.replace("_", "__", 1),
        "british": argument.replace("izer", "iser"),
        "plural": argument + "s",
    }[slip]
    if wrong == argument:  # ('constraint' has no 'izer' to write the British way)
        wrong = argument + "s"
    with pytest.raises(KeywordArgumentError) as error:
        layer_class(2, **{wrong: None})
    assert f"given to {layer_class.__name__} layer. Did you mean '{argument}'?" in str(error.value)


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict", "train_on_batch"])
@pytest.mark.parametrize("ragged", [False, True])
def test_python_lists_of_numbers_are_refused_with_the_fix(method, ragged):
    # (fit said "object of type 'int' has no len()"; predict counted 6 inputs.)
    model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    model.compile("adam", "mse")
    x = [[1, 2, 3], [4, 5]] if ragged else [[1, 2, 3], [4, 5, 6]]
    args = (x,) if method == "predict" else (x, np.ones((2, 2)))
    kwargs = {"verbose": 0} if method in ("fit", "evaluate") else {}
    with pytest.raises(ValueError, match=f"`{method}` received x as Python lists of numbers"):
        getattr(model, method)(*args, **kwargs)
    fix = "pad_sequences" if ragged else "np.array"
    with pytest.raises(ValueError, match=fix):
        getattr(model, method)(*args, **kwargs)
