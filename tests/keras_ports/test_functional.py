"""Functional models, as keras/src/models/functional_test.py checks them.

The behaviour of Keras's own tests, re-written for kerastutor, for what
kerastutor has or issue 9 adds: arithmetic on symbolic tensors, list, dict
and nested inputs and outputs, calling a model eagerly and symbolically,
`get_layer`, `training=`, slicing a graph at intermediate tensors,
serialization round trips, and the errors for bad inputs.

Not ported: TimeDistributed and Conv1D (issues 10 and 11; Dense stands in
where Conv1D only made a shape), `optional=True` inputs, dtype policies,
`keras.applications`.

Error checks ask for Keras's error class and for the message to carry the
facts Keras's message carries (names, shapes), not Keras's exact words:
kerastutor's messages are longer on purpose.
"""

import re

import numpy as np
import pytest

from kerastutor import layers
from kerastutor.engine.keras_tensor import KerasTensor
from kerastutor.layers import Input, InputLayer
from kerastutor.models import Model
from kerastutor.saving import load_model, model_from_json


def _random(*shape):
    return np.random.default_rng(0).random(shape).astype("float32")


def _two_input_model(name=None):
    input_a = Input(shape=(3,), batch_size=2, name="input_a")
    input_b = Input(shape=(3,), batch_size=2, name="input_b")
    x = input_a + input_b
    x = layers.Dense(5)(x)
    outputs = layers.Dense(4)(x)
    return Model([input_a, input_b], outputs, name=name)


def test_two_inputs_added_eager_and_symbolic():
    model = _two_input_model(name="basic")
    model.summary(print_fn=lambda *args, **kwargs: None)
    assert model.name == "basic"
    assert isinstance(model, Model)

    assert model([_random(2, 3), _random(2, 3)]).shape == (2, 4)

    symbolic = model([Input(shape=(3,), batch_size=2), Input(shape=(3,), batch_size=2)])
    assert isinstance(symbolic, KerasTensor)
    assert symbolic.shape == (2, 4)


def test_scalar_input_indexed_with_none():
    input_a = Input(shape=(3,), batch_size=2, name="input_a")
    input_b = Input(shape=(), batch_size=2, name="input_b")
    model = Model([input_a, input_b], input_a + input_b[:, None])
    out = model([np.zeros((2, 3)), np.ones((2,))])
    np.testing.assert_allclose(out, np.ones((2, 3)))


def test_extra_attributes_can_be_attached():
    inputs = Input(shape=(3,), batch_size=2)
    model = Model(inputs, layers.Dense(5)(layers.Dense(5)(inputs)))
    model.extra_layer = layers.Dense(5)
    assert isinstance(model.extra_layer, layers.Dense)


def test_list_outputs_eager_and_symbolic():
    inputs = Input(shape=(3,), batch_size=2)
    x = layers.Dense(5)(inputs)
    model = Model(inputs, [layers.Dense(4)(x), layers.Dense(5)(x)])
    for out in (model(_random(2, 3)), model(Input(shape=(3,), batch_size=2))):
        assert isinstance(out, list)
        assert [tuple(o.shape) for o in out] == [(2, 4), (2, 5)]


def test_dict_inputs_must_hold_keras_tensors():
    input_a = Input(shape=(3,), batch_size=2, name="a")
    input_b = Input(shape=(3,), batch_size=2, name="b")
    outputs = layers.Dense(4)(layers.Dense(5)(input_a + input_b))
    # Keras raises ValueError; a string where a tensor belongs is a TypeError
    # by kerastutor's rule for bad arguments, so either class is accepted.
    with pytest.raises((ValueError, TypeError), match="inputs|Input"):
        Model({"a": "input_a", "b": input_b}, outputs)
    with pytest.raises((ValueError, TypeError), match="outputs|output"):
        Model({"a": input_a, "b": input_b}, "outputs")


def test_dict_inputs_eager_and_symbolic():
    input_a = Input(shape=(3,), batch_size=2, name="a")
    input_b = Input(shape=(3,), batch_size=2, name="b")
    outputs = layers.Dense(4)(layers.Dense(5)(input_a + input_b))
    model = Model({"a": input_a, "b": input_b}, outputs)
    assert model({"a": _random(2, 3), "b": _random(2, 3)}).shape == (2, 4)
    symbolic = {"a": Input(shape=(3,), batch_size=2), "b": Input(shape=(3,), batch_size=2)}
    assert model(symbolic).shape == (2, 4)


def test_single_input_model_takes_a_dict_by_input_name():
    input_a = Input(shape=(3,), batch_size=2, name="a")
    model = Model(input_a, layers.Dense(4)(layers.Dense(5)(input_a)))
    assert model({"a": _random(2, 3)}).shape == (2, 4)
    assert model({"a": Input(shape=(3,), batch_size=2)}).shape == (2, 4)


def _concat_model_parts():
    input_a = Input(shape=(3,), batch_size=2, name="a")
    input_b = Input(shape=(4,), batch_size=2, name="b")
    x = layers.Concatenate()([layers.Dense(5)(input_a), layers.Dense(5)(input_b)])
    return input_a, input_b, layers.Dense(4)(x)


def test_list_input_model_takes_a_dict_by_input_names():
    input_a, input_b, outputs = _concat_model_parts()
    model = Model([input_a, input_b], outputs)
    assert model({"a": _random(2, 3), "b": _random(2, 4)}).shape == (2, 4)
    symbolic = {"a": Input(shape=(3,), batch_size=2), "b": Input(shape=(4,), batch_size=2)}
    assert model(symbolic).shape == (2, 4)


def test_dict_keys_win_over_input_names():
    input_a, input_b, outputs = _concat_model_parts()
    model = Model({"c": input_a, "d": input_b}, outputs)
    assert model({"c": _random(2, 3), "d": _random(2, 4)}).shape == (2, 4)
    symbolic = {"c": Input(shape=(3,), batch_size=2), "d": Input(shape=(4,), batch_size=2)}
    assert model(symbolic).shape == (2, 4)
    # the input names are not keys of this model
    with pytest.raises(ValueError):
        model({"a": _random(2, 3), "b": _random(2, 4)})


def test_passing_list_model_inputs_by_name():
    model = _two_input_model()
    assert model({"input_a": _random(2, 3), "input_b": _random(2, 3)}).shape == (2, 4)
    symbolic = {
        "input_a": Input(shape=(3,), batch_size=2, name="input_a_2"),
        "input_b": Input(shape=(3,), batch_size=2, name="input_b_2"),
    }
    assert model(symbolic).shape == (2, 4)


@pytest.mark.parametrize("out_type", [list, tuple, dict])
def test_from_config_keeps_the_output_structure(out_type):
    inputs = Input(shape=(3,), batch_size=2, name="input")
    x = layers.Dense(5)(inputs)
    output_a, output_b = layers.Dense(4)(x), layers.Dense(5)(x)
    if out_type is dict:
        outputs = {"a": output_a, "b": output_b}
    else:
        outputs = out_type([output_a, output_b])
    restored = Model.from_config(Model(inputs, outputs).get_config())
    assert isinstance(restored(_random(2, 3)), out_type)
    assert isinstance(restored(Input(shape=(3,), batch_size=2)), out_type)


def test_nested_input_list_survives_json():
    input_a = Input(shape=(3,), batch_size=2, name="input_a")
    model = Model([[input_a]], layers.Dense(4)(layers.Dense(5)(input_a)))
    json_config = model.to_json()
    assert model_from_json(json_config).to_json() == json_config


def test_model_input_and_input_shape():
    inputs = Input((1024, 4))
    model = Model(inputs, layers.Dense(32)(inputs))  # Keras's test uses Conv1D (issue 11)
    assert isinstance(model.input, KerasTensor)
    assert model.input_shape == (None, 1024, 4)


def test_ops_are_graph_nodes_but_not_layers():
    input_a = Input(shape=(3,), batch_size=2, name="input_a")
    input_b = Input(shape=(3,), batch_size=2, name="input_b")
    x = layers.Dense(5, name="dense_1")(input_a + input_b)
    model = Model([input_a, input_b], layers.Dense(4, name="dense_2")(x))
    # `input_a + input_b` is an operation in the graph, not a layer of the model
    assert len(model.layers) == 4
    assert [model.get_layer(index=i).name for i in range(4)] == [
        "input_a",
        "input_b",
        "dense_1",
        "dense_2",
    ]
    assert model.get_layer(name="dense_1").name == "dense_1"


def test_get_layer_errors():
    model = _two_input_model()
    with pytest.raises(ValueError, match="nope"):
        model.get_layer(name="nope")
    with pytest.raises(ValueError, match="10"):
        model.get_layer(index=10)
    with pytest.raises(ValueError, match="name.*index|index.*name"):
        model.get_layer()


class _ZeroWhenTraining(layers.Layer):
    def call(self, inputs, training=False):
        return inputs * 0.0 if training else inputs


def test_training_argument_reaches_the_layers():
    inputs = Input((20,))
    model = Model(inputs, _ZeroWhenTraining()(inputs))
    x = np.ones((4, 20))
    np.testing.assert_allclose(model(x), 1.0)
    np.testing.assert_allclose(model(x, training=False), 1.0)
    np.testing.assert_allclose(model(x, training=True), 0.0)


def test_training_fixed_at_call_time_wins():
    inputs = Input((20,))
    model = Model(inputs, _ZeroWhenTraining()(inputs, training=True))
    x = np.ones((4, 20))
    for kwargs in ({}, {"training": False}, {"training": True}):
        np.testing.assert_allclose(model(x, **kwargs), 0.0)


def test_trailing_axis_of_one_is_squeezed_or_added():
    inputs = Input(shape=(3,), batch_size=2)
    model = Model(inputs, layers.Dense(3)(inputs))
    assert model(_random(2, 3, 1)).shape == (2, 3)

    inputs = Input(shape=(3, 1), batch_size=2)
    model = Model(inputs, layers.Dense(3)(inputs))
    assert model(_random(2, 3)).shape == (2, 3, 3)


def test_wrong_rank_names_the_input():
    inputs = Input(shape=(3,), name="foo")
    model = Model(inputs, layers.Dense(3)(inputs))
    with pytest.raises(ValueError, match="foo"):
        model(_random(2, 3, 4))


def test_dtypes_follow_the_inputs():
    float_input = Input(shape=(2,), dtype="float16")
    int_input = Input(shape=(2,), dtype="int32")
    model = Model((float_input, int_input), (float_input + 2, int_input + 2))
    float_data, int_data = model((np.ones((2, 2)), np.ones((2, 2))))
    assert np.asarray(float_data).dtype == np.float16
    assert np.asarray(int_data).dtype == np.int32


def _assert_round_trip(model, x):
    """from_config(get_config()) gives the same config and, with the same weights, the same numbers."""
    config = model.get_config()
    revived = Model.from_config(config)
    assert revived.get_config() == config
    revived.set_weights(model.get_weights())
    got, want = revived(x), model(x)
    if isinstance(want, dict):
        assert sorted(got) == sorted(want)
        got, want = [got[k] for k in sorted(got)], [want[k] for k in sorted(want)]
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)


def test_serialization_of_a_frozen_model():
    inputs = Input(shape=(3,), batch_size=2)
    model = Model(inputs, layers.Dense(3)(inputs), trainable=False)
    _assert_round_trip(model, _random(2, 3))


def test_serialization_of_a_multi_io_model():
    input_a = Input(shape=(3,), batch_size=2, name="input_a")
    input_b = Input(shape=(3,), batch_size=2, name="input_b")
    xa = layers.Dense(5, name="middle_a")(input_a)
    xb = layers.Dense(5, name="middle_b")(input_b)
    outputs = [layers.Dense(4, name="output_a")(xa), layers.Dense(4, name="output_b")(xb)]
    model = Model([input_a, input_b], outputs, name="func")
    _assert_round_trip(model, [_random(2, 3), _random(2, 3)])


def test_serialization_of_a_model_with_ops():
    input_a = Input(shape=(3,), batch_size=2, name="input_a")
    input_b = Input(shape=(3,), batch_size=2, name="input_b")
    x = layers.Dense(5, name="middle")(input_a + input_b)
    outputs = [layers.Dense(4, name="output_a")(x), layers.Dense(4, name="output_b")(x)]
    model = Model([input_a, input_b], outputs, name="func")
    _assert_round_trip(model, [_random(2, 3), _random(2, 3)])


def test_serialization_of_dict_inputs():
    input_a = Input(shape=(3,), batch_size=2, name="a")
    input_b = Input(shape=(3,), batch_size=2, name="b")
    outputs = layers.Dense(4)(layers.Dense(5)(input_a + input_b))
    model = Model({"a": input_a, "b": input_b}, outputs)
    _assert_round_trip(model, {"a": _random(2, 3), "b": _random(2, 3)})


def test_serialization_with_an_input_passed_straight_out():
    input_a = Input(shape=(3,), batch_size=2, name="a")
    input_b = Input(shape=(3,), batch_size=2, name="b")
    model = Model({"a": input_a, "b": input_b}, {"a": input_a * 2, "b": input_b})
    _assert_round_trip(model, {"a": _random(2, 3), "b": _random(2, 3)})


def test_serialization_with_an_unused_input():
    input_a = Input(shape=(3,), batch_size=2, name="a")
    input_b = Input(shape=(3,), batch_size=2, name="b")
    model = Model({"a": input_a, "b": input_b}, input_a * 2)
    _assert_round_trip(model, {"a": _random(2, 3), "b": _random(2, 3)})


def _raises_naming(*facts):
    """pytest.raises(ValueError) whose message names every one of ``facts``."""
    return pytest.raises(ValueError, match="".join(f"(?=[\\s\\S]*{re.escape(f)})" for f in facts))


def test_bad_inputs_single():
    inputs = Input(shape=(4,))
    model = Model(inputs, layers.Dense(2)(inputs))
    with _raises_naming("(None, 4)", "(2, 3)"):
        model(np.zeros((2, 3)))
    with _raises_naming("1", "2"):
        model([np.zeros((2, 4)), np.zeros((2, 4))])


def test_bad_inputs_list_and_dict():
    input_a = Input(shape=(4,), name="a")
    input_b = Input(shape=(4,), name="b")
    outputs = layers.Dense(2)(input_a + input_b)
    model = Model([input_a, input_b], outputs)
    with _raises_naming("2"):
        model(np.zeros((2, 3)))
    with _raises_naming("(None, 4)", "(2, 3)"):
        model([np.zeros((2, 3)), np.zeros((2, 4))])

    model = Model({"a": input_a, "b": input_b}, outputs)
    with _raises_naming("'a'", "'b'"):
        model(np.zeros((2, 3)))
    with _raises_naming("(None, 4)", "(2, 3)"):
        model({"a": np.zeros((2, 3)), "b": np.zeros((2, 4))})


def test_model_from_intermediate_tensors():
    inputs = Input(shape=(None, 2), name="input")
    x1 = layers.Dense(3, name="dense1")(inputs)
    x2 = layers.Dense(4, name="dense2")(x1)
    outputs = layers.Dense(5, name="dense3")(x2)
    full_model = Model(inputs, outputs, name="full_model")
    assert len(full_model.layers) == 4

    def names(model):
        assert isinstance(model.layers[0], InputLayer)
        return [layer.name for layer in model.layers[1:]]

    assert names(Model(x2, outputs, name="partial1")) == ["dense3"]
    assert names(Model(x1, x2, name="partial2")) == ["dense2"]
    from_dense2 = Model(full_model.get_layer("dense2").input, outputs, name="partial3")
    assert names(from_dense2) == ["dense2", "dense3"]
    middle = Model(
        full_model.get_layer("dense1").input,
        full_model.get_layer("dense2").output,
        name="partial4",
    )
    assert names(middle) == ["dense1", "dense2"]


def _nested_model():
    i1, i2, i3 = Input((1,)), Input((2,)), Input((3,))
    o1, o2, o3 = layers.Dense(1)(i1), layers.Dense(2)(i2), layers.Dense(3)(i3)
    return Model(
        {"1": i1, "others": {"2": i2, "3": i3}},
        {"1": o1, "others": {"2": o2, "3": o3}},
    )


def _assert_nested_shapes(out):
    assert isinstance(out, dict)
    assert set(out) == {"1", "others"}
    assert tuple(out["1"].shape) == (2, 1)
    assert isinstance(out["others"], dict)
    assert set(out["others"]) == {"2", "3"}
    assert tuple(out["others"]["2"].shape) == (2, 2)
    assert tuple(out["others"]["3"].shape) == (2, 3)


def test_deeply_nested_dicts_in_and_out(tmp_path):
    model = _nested_model()
    data = {"1": np.ones((2, 1)), "others": {"2": np.ones((2, 2)), "3": np.ones((2, 3))}}
    out = model(data)
    _assert_nested_shapes(out)
    _assert_nested_shapes(
        model(
            {
                "1": Input((1,), batch_size=2),
                "others": {"2": Input((2,), batch_size=2), "3": Input((3,), batch_size=2)},
            }
        )
    )
    path = tmp_path / "deeply_nested.keras"
    model.save(str(path))
    loaded = load_model(str(path))(data)
    np.testing.assert_allclose(loaded["1"], out["1"])
    np.testing.assert_allclose(loaded["others"]["2"], out["others"]["2"])
    np.testing.assert_allclose(loaded["others"]["3"], out["others"]["3"])


def test_inputs_passed_straight_to_outputs():
    i1, i2 = Input((2,), name="input1"), Input((2,), name="input2")
    model = Model({"input1": i1, "input2": i2}, {"output1": i1 * 2, "output2": i2})
    out = model({"input1": np.ones((2, 2)), "input2": np.zeros((2, 2))})
    np.testing.assert_allclose(out["output1"], 2 * np.ones((2, 2)))
    np.testing.assert_allclose(out["output2"], np.zeros((2, 2)))
    symbolic = model({"input1": Input((2,)), "input2": Input((2,))})
    assert isinstance(symbolic, dict)
    assert symbolic["output1"].shape == (None, 2)
    assert symbolic["output2"].shape == (None, 2)


def test_unused_input():
    i1, i2 = Input((2,), name="input1"), Input((2,), name="input2")
    model = Model({"input1": i1, "input2": i2}, i1 * 2)
    out = model({"input1": np.ones((2, 2)), "input2": np.zeros((2, 2))})
    np.testing.assert_allclose(out, 2 * np.ones((2, 2)))
    assert model({"input1": Input((2,)), "input2": Input((2,))}).shape == (None, 2)


def test_disconnected_output_is_named():
    i1, i2 = Input((2,), name="input1"), Input((2,), name="input2")
    # Keras names the output (`output2`), kerastutor the input it would need (`input2`)
    with pytest.raises(ValueError, match="output2|input2"):
        Model(i1, {"output1": i1 * 2, "output2": i2 * 3})


def test_layers_cannot_be_assigned():
    inputs = Input(shape=(3,), batch_size=2)
    model = Model(inputs, layers.Dense(5)(inputs))
    with pytest.raises(AttributeError, match="layers"):
        model.layers = [layers.Dense(4)]


def _ticket_data(rng, samples=32):
    return (
        [
            rng.integers(0, 2, size=(samples, 20)).astype("float32"),
            rng.integers(0, 2, size=(samples, 20)).astype("float32"),
            rng.integers(0, 2, size=(samples, 10)).astype("float32"),
        ],
        [
            rng.random(size=(samples, 1)).astype("float32"),
            rng.integers(0, 2, size=(samples, 3)).astype("float32"),
        ],
    )


def test_list_and_dict_styles_of_compile_fit_evaluate_predict():
    title = Input(shape=(20,), name="title")
    text_body = Input(shape=(20,), name="text_body")
    tags = Input(shape=(10,), name="tags")
    features = layers.Dense(16, activation="relu")(layers.Concatenate()([title, text_body, tags]))
    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = layers.Dense(3, activation="softmax", name="department")(features)
    model = Model(inputs=[title, text_body, tags], outputs=[priority, department])
    x, y = _ticket_data(np.random.default_rng(0))

    model.compile(
        optimizer="adam",
        loss=["mean_squared_error", "categorical_crossentropy"],
        metrics=[["mean_absolute_error"], ["accuracy"]],
    )
    model.fit(x, y, epochs=1, verbose=0)
    model.evaluate(x, y, verbose=0)
    priority_preds, department_preds = model.predict(x, verbose=0)
    assert priority_preds.shape == (32, 1)
    assert department_preds.shape == (32, 3)

    x_dict = {"title": x[0], "text_body": x[1], "tags": x[2]}
    y_dict = {"priority": y[0], "department": y[1]}
    model.compile(
        optimizer="adam",
        loss={"priority": "mean_squared_error", "department": "categorical_crossentropy"},
        metrics={"priority": ["mean_absolute_error"], "department": ["accuracy"]},
    )
    model.fit(x_dict, y_dict, epochs=1, verbose=0)
    model.evaluate(x_dict, y_dict, verbose=0)
    priority_preds, department_preds = model.predict(x_dict, verbose=0)
    assert department_preds.shape == (32, 3)


def test_dict_built_model_refuses_a_list():
    x1, x2 = Input((10,), name="IT"), Input((10,), name="IS")
    model = Model(inputs={"IT": x1, "IS": x2}, outputs=x1 - x2)  # Keras: layers.subtract
    out = model({"IT": np.ones((1, 10)), "IS": np.zeros((1, 10))})
    np.testing.assert_allclose(out, np.ones((1, 10)))
    # Keras: "The structure of `inputs` doesn't match"; kerastutor names the keys it wants
    with pytest.raises(ValueError, match="structure|dict"):
        model([np.ones((1, 10)), np.zeros((1, 10))])


def _config_with(layer_list, outputs):
    input_layer = {
        "class_name": "InputLayer",
        "name": "input_1",
        "config": {"batch_input_shape": [None, 10], "dtype": "float32", "name": "input_1"},
        "inbound_nodes": [],
    }
    return {
        "name": "broken_model",
        "layers": [input_layer, *layer_list],
        "input_layers": [["input_1", 0, 0]],
        "output_layers": [outputs],
    }


def _dense_fed_by(name, source):
    return {
        "class_name": "Dense",
        "name": name,
        "config": {"units": 10, "name": name},
        "inbound_nodes": [[[source, 0, 0, {}]]],
    }


def test_from_config_refuses_a_loop():
    config = _config_with(
        [_dense_fed_by("node_a", "node_b"), _dense_fed_by("node_b", "node_a")],
        ["node_b", 0, 0],
    )
    with pytest.raises(ValueError, match="loop"):
        Model.from_config(config)


def test_from_config_names_a_missing_node():
    config = _config_with([_dense_fed_by("node_a", "node_b")], ["node_a", 0, 0])
    with pytest.raises(ValueError, match="node_b"):
        Model.from_config(config)


def test_an_extra_dict_key_is_ignored_with_a_warning():
    input_a = Input(shape=(3,), batch_size=2, name="a")
    model = Model({"a": input_a}, input_a * 5 + 2)
    with pytest.warns(UserWarning, match="structure"):
        out = model({"a": _random(2, 3), "b": _random(2, 1)})
    assert out.shape == (2, 3)


def test_a_list_for_a_dict_model_is_refused_in_predict():
    # Keras warns and takes the list in sorted key order; kerastutor refuses on
    # purpose and names the keys: a silently reordered input is a learner's worst bug.
    i1, i2 = Input((2,)), Input((2,))
    model = Model({"i1": i1, "i2": i2}, layers.Add()([i1, i2]))
    with pytest.raises(ValueError, match=r"dict of inputs.*\['i1', 'i2'\]"):
        model.predict([np.ones((2, 2)), np.zeros((2, 2))], verbose=0)


def test_a_tuple_for_a_list_model_is_fine():
    i1, i2 = Input((2,)), Input((2,))
    model = Model([i1, i2], layers.Add()([i1, i2]))
    out = model.predict((np.ones((2, 2)), np.zeros((2, 2))), verbose=0)
    np.testing.assert_allclose(out, np.ones((2, 2)))


def test_a_manual_input_spec_is_checked():
    from kerastutor.layers import InputSpec

    inputs = Input(shape=(None, 3))
    model = Model(inputs, layers.Dense(2)(inputs))
    model.input_spec = InputSpec(shape=(None, 4, 3))
    with pytest.raises(ValueError, match=r"\(2, 3, 3\)"):
        model(np.zeros((2, 3, 3)))
    assert model(np.zeros((2, 4, 3))).shape == (2, 4, 2)
