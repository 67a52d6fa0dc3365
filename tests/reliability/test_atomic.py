"""Issue 13, item 1: a failed call leaves every observable piece of state as it was.

Each test takes a `snapshot` before the bad call and compares it with one
taken after; hypothesis draws the bad inputs.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from snapshot import snapshot

import kerastutor as keras
from kerastutor import layers as L

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _compiled(units=4, features=3):
    model = keras.Sequential([keras.Input((features,)), L.Dense(units)])
    model.compile("adam", "mse")
    model.fit(np.ones((4, features)), np.ones((4, units)), verbose=0)  # slots and iterations exist
    return model


def _unchanged(obj, call, error=(ValueError, TypeError)):
    before = snapshot(obj)
    with pytest.raises(error) as info:
        call()
    assert snapshot(obj) == before
    return info.value


# ------------------------------------------------------------ Sequential.add


@SETTINGS
@given(features=st.integers(1, 5), bad=st.sampled_from(["conv2d", "lstm", "pool2d", "dup"]))
def test_a_rejected_layer_is_not_added(features, bad):
    model = keras.Sequential([keras.Input((features,)), L.Dense(3, name="d")])
    layer = {
        "conv2d": lambda: L.Conv2D(2, 3),
        "lstm": lambda: L.LSTM(2),
        "pool2d": lambda: L.MaxPooling2D(),
        "dup": lambda: L.Dense(2, name="d"),
    }[bad]()
    _unchanged(model, lambda: model.add(layer))
    assert [layer.name for layer in model.layers] == ["d"]
    model.add(L.Dense(1))  # and the model goes on working
    assert model.output_shape == (None, 1)


def test_a_rejected_first_layer_with_an_input_shape_leaves_the_model_empty():
    model = keras.Sequential()
    _unchanged(model, lambda: model.add(L.Conv2D(2, 3, input_shape=(4, 4))))
    assert model.layers == []


# ------------------------------------------------------------ set_weights


@SETTINGS
@given(which=st.integers(0, 1), extra=st.integers(1, 3), kind=st.sampled_from(["shape", "str"]))
def test_set_weights_checks_every_array_before_assigning_any(which, extra, kind):
    model = _compiled()
    arrays = [np.full(w.shape, 7.0) for w in model.get_weights()]
    if kind == "shape":
        arrays[which] = np.zeros(arrays[which].shape[:-1] + (arrays[which].shape[-1] + extra,))
    else:
        arrays[which] = np.full(arrays[which].shape, "x")
    error = _unchanged(model, lambda: model.set_weights(arrays))
    assert "weight '" in str(error)


# ------------------------------------------------------------ compile


@pytest.mark.parametrize(
    "arguments",
    [
        {"optimizer": "sgd", "loss": "mse", "metrics": ["acuracy"]},
        {"optimizer": "sgd", "loss": "mean_square_error"},
        {"optimizer": "adamm", "loss": "mse"},
        {"optimizer": "sgd", "loss": "mse", "loss_weights": ["x"]},
        {"optimiser": "sgd", "loss": "mse"},
    ],
)
def test_a_refused_compile_keeps_the_previous_compiled_state(arguments):
    model = _compiled()
    _unchanged(model, lambda: model.compile(**arguments))
    assert model.compiled


# ------------------------------------------------------------ fit checks all data first


def _embedding_model():
    model = keras.Sequential([keras.Input((2,)), L.Embedding(5, 2), L.Flatten(), L.Dense(1)])
    model.compile("adam", "mse")
    return model


@SETTINGS
@given(position=st.integers(0, 63), index=st.sampled_from([5, 9, 100, -1]), where=st.booleans())
def test_fit_checks_every_embedding_index_before_the_first_update(position, index, where):
    model = _embedding_model()
    good = np.zeros((64, 2), int)
    bad = good.copy()
    bad[position, 1] = index
    if where:  # in the training data
        call = lambda: model.fit(bad, np.zeros((64, 1)), batch_size=8, shuffle=False, verbose=0)  # noqa: E731
    else:  # in validation_data, which fit used to check only after the first epoch
        call = lambda: model.fit(  # noqa: E731
            good, np.zeros((64, 1)), validation_data=(bad, np.zeros((64, 1))), verbose=0
        )
    error = _unchanged(model, call)
    assert f"received index {index} at position ({position}, 1)" in str(error)
    assert "checks all the data before it changes any weight" in str(error)


def test_predict_and_evaluate_check_indices_too():
    model = _embedding_model()
    bad = np.full((4, 2), 7)
    _unchanged(model, lambda: model.predict(bad))
    _unchanged(model, lambda: model.evaluate(bad, np.zeros((4, 1)), verbose=0))


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.fit(np.ones((4, 3)), np.ones((4, 4)), callbacks=[keras.callbacks.History]),
        lambda m: m.fit(np.ones((4, 3)), np.ones((4, 5)), verbose=0),
        lambda m: m.fit(np.ones((4, 3)), np.ones((3, 4)), verbose=0),
        lambda m: m.fit(
            np.ones((4, 3)), np.ones((4, 4)), validation_data=(np.ones((2, 5)), np.ones((2, 4)))
        ),
        lambda m: m.fit(np.zeros((0, 3)), np.zeros((0, 4)), verbose=0),
        lambda m: m.fit(np.ones((4, 3)), np.ones((4, 4)), epoch=2),
    ],
)
def test_a_refused_fit_changes_nothing(call):
    model = _compiled()
    _unchanged(model, lambda: call(model))


# ------------------------------------------------------------ layer calls


@SETTINGS
@given(
    merge=st.sampled_from([L.Add, L.Multiply, L.Subtract, L.Average, L.Maximum]),
    a=st.integers(2, 5),
    b=st.integers(2, 5),
    symbolic=st.booleans(),
)
def test_a_merge_layer_refusing_a_call_stays_unbuilt(merge, a, b, symbolic):
    if a == b:  # (a size of 1 would broadcast, as in Keras)
        return
    layer = merge()
    inputs = (
        [keras.Input((a,)), keras.Input((b,))] if symbolic else [np.ones((2, a)), np.ones((2, b))]
    )
    _unchanged(layer, lambda: layer(inputs))
    assert not layer.built


@SETTINGS
@given(channels=st.integers(1, 4), size=st.integers(1, 4))
def test_a_refused_first_call_leaves_the_layer_ready_for_a_good_one(channels, size):
    conv = L.Conv2D(4, 5)
    _unchanged(conv, lambda: conv(keras.Input((size, size, channels))))
    assert conv(keras.Input((32, 32, 3))).shape == (None, 28, 28, 4)


def test_wrong_weights_argument_leaves_input_spec_and_weights_as_before():
    dense = L.Dense(2, weights=[np.zeros((4, 2)), np.zeros(2)])
    _unchanged(dense, lambda: dense(np.ones((1, 3))))
    assert dense(np.ones((1, 4))).shape == (1, 2)  # the weights fit this input
    np.testing.assert_array_equal(dense.get_weights()[0], np.zeros((4, 2)))


@SETTINGS
@given(extra=st.integers(1, 3))
def test_a_layer_that_takes_one_tensor_refuses_a_list_and_records_nothing(extra):
    flatten = L.Flatten()
    _unchanged(flatten, lambda: flatten([keras.Input((3, 2))] * (1 + extra)))


@pytest.mark.parametrize("symbolic", [False, True])
def test_layer_normalization_refuses_a_list_naming_itself(symbolic):
    # (It built a weight of shape ((2, 3),) and failed in add_weight; Keras 3 fails
    # with "Cannot convert '((2, 3),)' to a shape".)
    norm = L.LayerNormalization()
    tensors = [keras.Input((3,)), keras.Input((3,))] if symbolic else [np.ones((2, 3))] * 2
    error = _unchanged(norm, lambda: norm(tensors))
    assert f"Layer '{norm.name}' (LayerNormalization) expects 1 input(s)" in str(error)
    assert not norm.built


@pytest.mark.parametrize("metrics", ["mae", "accuracy", keras.metrics.MeanAbsoluteError()])
def test_metrics_not_in_a_list_are_refused_as_keras_3_does(metrics):
    model = _compiled()
    error = _unchanged(model, lambda: model.compile("adam", "mse", metrics=metrics))
    assert "Expected `metrics` argument to be a list, tuple, or dict" in str(error)
    assert f"`metrics=[{metrics!r}]`" in str(error)
