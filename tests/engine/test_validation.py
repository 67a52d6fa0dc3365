"""The shared argument and data checks: one rule, one message, everywhere."""

import numpy as np
import pytest

from kerastutor.engine.validation import first_non_finite, positive_int
from kerastutor.layers import LSTM, Dense, Embedding
from kerastutor.models import Sequential

# ------------------------------------------------------------- positive_int


@pytest.mark.parametrize("value", [1, 4, np.int64(4), np.int32(4), np.uint8(4)])
def test_python_and_numpy_integers_are_accepted_as_python_ints(value):
    result = positive_int("f()", "units", value)
    assert result == int(value) and type(result) is int


@pytest.mark.parametrize(
    "value, why",
    [
        (0, ""),
        (-3, ""),
        (np.int64(0), ""),
        (True, "a bool"),
        (np.bool_(True), "a bool"),
        (4.0, "a float: write 4"),
        (2.5, ""),
        ("4", ""),
        (None, ""),
    ],
)
def test_everything_else_is_refused_with_a_reason(value, why):
    with pytest.raises(ValueError) as error:
        positive_int("f()", "units", value)
    message = str(error.value)
    assert message.startswith(
        "Received an invalid value for argument `units` of f(): expected a positive integer, "
        f"received {value!r}"
    )
    assert why in message


def test_a_layer_owner_is_named_by_class_and_name():
    layer = Dense(2, name="dense_owner")
    with pytest.raises(ValueError) as error:
        positive_int(layer, "units", 0)
    assert str(error.value) == (
        "Received an invalid value for argument `units` of Dense layer 'dense_owner': "
        "expected a positive integer, received 0."
    )


def test_allow_zero_and_allow_none():
    assert positive_int(None, "epochs", 0, allow_zero=True) == 0
    assert positive_int(None, "input_length", None, allow_none=True) is None
    with pytest.raises(ValueError, match="expected a non-negative integer, received -1"):
        positive_int(None, "epochs", -1, allow_zero=True)
    with pytest.raises(ValueError, match="expected None or a positive integer, received 0"):
        positive_int(None, "input_length", 0, allow_none=True)


# ---------------------------------------------------- the layers that use it


@pytest.mark.parametrize(
    "make, attribute",
    [
        (lambda n: Dense(n), "units"),
        (lambda n: LSTM(n), "units"),
        (lambda n: Embedding(n, 2), "input_dim"),
        (lambda n: Embedding(2, n), "output_dim"),
    ],
)
def test_layers_accept_numpy_integers_alike(make, attribute):
    layer = make(np.int64(4))
    assert getattr(layer, attribute) == 4 and type(getattr(layer, attribute)) is int


@pytest.mark.parametrize(
    "make, argument, layer_name",
    [
        (lambda n: Dense(n, name="d"), "units", "Dense layer 'd'"),
        (lambda n: LSTM(n, name="l"), "units", "LSTM layer 'l'"),
        (lambda n: Embedding(n, 2, name="e"), "input_dim", "Embedding layer 'e'"),
        (lambda n: Embedding(2, n, name="e"), "output_dim", "Embedding layer 'e'"),
    ],
)
@pytest.mark.parametrize("value", [0, True, 3.0])
def test_layers_refuse_the_same_values_with_the_same_words(make, argument, layer_name, value):
    with pytest.raises(ValueError) as error:
        make(value)
    assert str(error.value).startswith(
        f"Received an invalid value for argument `{argument}` of {layer_name}: "
        f"expected a positive integer, received {value!r}"
    )


def test_embedding_input_length_may_be_none_but_not_zero():
    assert Embedding(5, 2, input_length=np.int64(3)).input_length == 3
    with pytest.raises(ValueError, match="`input_length` of Embedding layer .*None or a positive"):
        Embedding(5, 2, input_length=0)


def test_fit_and_evaluate_check_their_counts():
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(loss="mse", optimizer="sgd")
    x, y = np.ones((4, 2)), np.ones((4, 1))
    model.fit(x, y, epochs=np.int64(0), batch_size=np.int64(2), verbose=0)
    with pytest.raises(ValueError, match=r"`batch_size` of fit\(\): expected a positive integer"):
        model.fit(x, y, batch_size=0, verbose=0)
    with pytest.raises(ValueError, match=r"`epochs` of fit\(\): expected a non-negative integer"):
        model.fit(x, y, epochs=-1, verbose=0)
    with pytest.raises(ValueError, match=r"`batch_size` of evaluate\(\): expected a positive"):
        model.evaluate(x, y, batch_size=1.0, verbose=0)


# --------------------------------------------------------- first_non_finite


@pytest.mark.parametrize(
    "array, expected",
    [
        (np.array([1.0, 2.0]), None),
        (np.array([1, 2]), None),
        (np.array([True, False]), None),
        (np.zeros((0, 3)), None),
        (np.array([[1.0, 2.0], [np.nan, np.inf]]), ((1, 0), "nan")),
        (np.array([1.0, -np.inf, np.nan], dtype="float32"), ((1,), "-inf")),
        ([[0.0], [np.inf]], ((1, 0), "inf")),
    ],
)
def test_first_non_finite(array, expected):
    found = first_non_finite(array)
    if expected is None:
        assert found is None
    else:
        position, value = found
        assert position == expected[0] and all(type(i) is int for i in position)
        assert type(value) is float and str(value) == expected[1]


def test_the_data_checks_point_at_the_first_bad_value():
    model = Sequential([Dense(1, input_shape=(2,), name="d")])
    model.compile(loss="mse", optimizer="sgd")
    x = np.ones((3, 2))
    x[2, 1] = np.inf
    with pytest.raises(ValueError, match=r"first at index \(2, 1\) \(value inf\)"):
        model.predict(x, verbose=0)
    y = np.ones((3, 1))
    y[1, 0] = np.nan
    with pytest.raises(ValueError, match=r"targets y .* first at index \(1, 0\)"):
        model.fit(np.ones((3, 2)), y, verbose=0)
