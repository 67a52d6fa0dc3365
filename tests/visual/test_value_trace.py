"""ValueTrace: the numbers it shows are the layers' own, and its gradients are right."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kerastutor import losses
from kerastutor.layers import Concatenate, Dense, Embedding, Input, concatenate
from kerastutor.models import Model, Sequential
from kerastutor.utils.grad_check import central_difference
from kerastutor.utils.model_graph import collect_graph
from kerastutor.widgets import ValueTrace
from kerastutor.widgets._render import HIGHLIGHT, ON_LIGHT, PALETTE, STATIC_HINT


def small_siamese(shared=True):
    """The two-tweets wiring in miniature, in float64: a shared Dense on two inputs."""
    a, b = Input(shape=(3,), dtype="float64"), Input(shape=(3,), dtype="float64")
    first = Dense(2, activation="tanh", dtype="float64", name="encoder")
    second = Dense(2, activation="tanh", dtype="float64", name="encoder_b") if not shared else first
    merged = Concatenate(dtype="float64")([first(a), second(b)])
    model = Model([a, b], Dense(1, dtype="float64", name="score")(merged))
    return model, first, second


SAMPLE = [np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.25, -0.75])]


@pytest.fixture(scope="module")
def siamese_trace():
    """Seed 002's model, fed a random pair of tweets, with one backward pass."""
    from kerastutor.layers import LSTM

    tweet_a, tweet_b = Input(shape=(280, 256)), Input(shape=(280, 256))
    shared_lstm = LSTM(64)
    merged = concatenate([shared_lstm(tweet_a), shared_lstm(tweet_b)], axis=-1)
    model = Model([tweet_a, tweet_b], Dense(1, activation="sigmoid")(merged))
    return ValueTrace(model, loss="binary_crossentropy", target=1.0, seed=2)


def test_the_node_list_is_the_models_nodes_with_a_shared_layer_twice(siamese_trace):
    trace = siamese_trace
    nodes = collect_graph(trace.model).nodes
    assert trace.node_labels == [f"{node.layer.name}[{node.index}]" for node in nodes]
    lstm_calls = [entry for entry in trace.trace if entry.layer is nodes[1].layer]
    assert [entry.node.index for entry in lstm_calls] == [0, 1]
    assert not np.allclose(lstm_calls[0].inputs[0], lstm_calls[1].inputs[0])
    assert not np.allclose(lstm_calls[0].outputs[0], lstm_calls[1].outputs[0])
    trace.select(lstm_calls[1].label)
    assert "The layer is shared: it is called 2 times" in trace.html
    assert trace.selected == lstm_calls[1].label
    assert repr(trace).startswith(f"ValueTrace({trace.model.name}: 6 nodes, lstm")


def test_every_value_is_the_layer_called_on_the_values_before_it(siamese_trace):
    trace = siamese_trace
    produced = {}
    for entry in trace.trace:
        for source, value in zip(entry.sources, entry.inputs):
            np.testing.assert_array_equal(value, produced[source])
        if entry.args is not None:
            again = entry.layer(entry.args, **entry.kwargs)
            np.testing.assert_allclose(np.asarray(again), entry.outputs[0], rtol=1e-6)
        produced[entry.label] = entry.outputs[0]
    sample = [trace.trace[0].outputs[0], trace.trace[2].outputs[0]]
    np.testing.assert_allclose(trace.model.predict(sample), trace.trace[-1].outputs[0], rtol=1e-5)


def test_a_shared_layers_gradient_is_the_sum_of_its_calls_shares(siamese_trace):
    trace = siamese_trace
    for name in ("lstm/kernel", "lstm/recurrent_kernel", "lstm/bias"):
        shares = trace.gradient_shares[name]
        assert sorted(shares) == ["lstm[0]", "lstm[1]"]
        np.testing.assert_allclose(
            shares["lstm[0]"] + shares["lstm[1]"], trace.gradients[name], rtol=1e-5, atol=1e-8
        )
        assert not np.allclose(shares["lstm[0]"], shares["lstm[1]"])
    assert "dense/kernel" not in trace.gradient_shares  # called once: nothing to split
    trace.select("lstm[0]")
    assert "d loss / d lstm/kernel = share of lstm[0] + share of lstm[1]" in trace.html


def test_gradients_equal_central_differences():
    model, encoder, _ = small_siamese()
    trace = ValueTrace(model, SAMPLE, loss="mse", target=0.3)
    assert trace.error is None
    loss = losses.get("mse")

    def loss_value():
        prediction = model([x[None] for x in SAMPLE])
        return float(np.asarray(loss(np.array([[0.3]]), prediction)))

    assert trace.loss_value == pytest.approx(loss_value(), rel=1e-12)
    for weight in model.trainable_weights:
        gradient = trace.gradients[weight.path]
        for index in np.ndindex(*weight.shape):
            assert gradient[index] == pytest.approx(
                central_difference(loss_value, weight, index), rel=1e-6, abs=1e-9
            ), (weight.path, index)


def test_each_calls_share_is_the_gradient_of_an_unshared_copy():
    """Two separate layers holding the same weights: each one's gradient is one call's share."""
    shared_model, encoder, _ = small_siamese(shared=True)
    split_model, first, second = small_siamese(shared=False)
    second.set_weights(encoder.get_weights())
    first.set_weights(encoder.get_weights())
    split_model.get_layer("score").set_weights(shared_model.get_layer("score").get_weights())
    shared = ValueTrace(shared_model, SAMPLE, loss="mse", target=0.3)
    split = ValueTrace(split_model, SAMPLE, loss="mse", target=0.3)
    assert shared.loss_value == pytest.approx(split.loss_value)
    shares = shared.gradient_shares["encoder/kernel"]
    np.testing.assert_allclose(shares["encoder[0]"], split.gradients["encoder/kernel"])
    np.testing.assert_allclose(shares["encoder[1]"], split.gradients["encoder_b/kernel"])


def test_the_compiled_loss_serves_when_no_loss_is_given():
    model, _, _ = small_siamese()
    model.compile(optimizer="sgd", loss="mse")
    compiled = ValueTrace(model, SAMPLE, target=0.3)
    explicit = ValueTrace(model, SAMPLE, loss="mse", target=0.3)
    for name, gradient in explicit.gradients.items():
        np.testing.assert_array_equal(compiled.gradients[name], gradient)
    no_target = ValueTrace(model, SAMPLE)
    assert "needs the sample's target" in no_target.error
    assert "kt-error" in no_target.html


def test_the_trace_leaves_no_gradient_behind():
    model, _, _ = small_siamese()
    ValueTrace(model, SAMPLE, loss="mse", target=0.3)
    assert all(w.grad is None and not w.requires_grad for w in model.weights)


def test_a_sample_of_the_wrong_shape_is_explained_inside_the_widget(siamese_trace):
    model = siamese_trace.model
    good = np.zeros((280, 256))
    trace = ValueTrace(model, [good, np.zeros((280, 128))])
    name = model.input_names[1]
    assert trace.error == (
        f"ValueError: The sample for input '{name}' should be one sample of shape (280, 256); "
        "received an array of shape (280, 128). ValueTrace follows one sample through the "
        "model (a batch axis of 1 in front is fine too)."
    )
    assert "kt-error" in trace.html and name in trace.html
    assert repr(trace) == f"ValueTrace({model.name}: the sample could not be traced)"
    assert "2 inputs" in ValueTrace(model, good).error
    assert ValueTrace(model, [good[None], good]).error is None  # a batch axis of 1 is fine


def test_a_frozen_layer_gets_no_gradient():
    model, encoder, _ = small_siamese()
    encoder.trainable = False
    trace = ValueTrace(model, SAMPLE, loss="mse", target=0.3)
    assert sorted(trace.gradients) == ["score/bias", "score/kernel"]
    assert trace.gradient_shares == {}
    trace.select("encoder[0]")
    assert "no (frozen: no gradient)" in trace.html


def test_a_sequential_and_its_values():
    model = Sequential([Input(shape=(4,)), Dense(3, activation="relu"), Dense(2)])
    trace = ValueTrace(model, np.arange(4.0))
    assert trace.node_labels == [f"{n.layer.name}[{n.index}]" for n in collect_graph(model).nodes]
    hidden = model.layers[0](np.arange(4.0, dtype="float32")[None])
    np.testing.assert_allclose(trace.trace[1].outputs[0], hidden)
    np.testing.assert_allclose(trace.trace[2].outputs[0], model.layers[1](hidden))
    assert trace.gradients == {} and "No gradients" in trace.html


def test_an_embedding_shows_the_rows_it_looked_up_and_only_they_get_gradients():
    model = Sequential([Input(shape=(5,)), Embedding(10, 3, name="words"), Dense(1)])
    trace = ValueTrace(model, [1, 2, 3, 2, 9], loss="mse", target=np.zeros(5))
    trace.select("words[0]")
    assert "Rows of W looked up: 1, 2, 3, 9" in trace.html
    embeddings = model.layers[0].embeddings
    np.testing.assert_array_equal(
        trace.selected_node.outputs[0][0], embeddings.data[[1, 2, 3, 2, 9]]
    )
    rows_with_gradient = np.nonzero(np.abs(trace.gradients["words/embeddings"]).sum(axis=1))[0]
    assert list(rows_with_gradient) == [1, 2, 3, 9]
    assert ValueTrace(model).error is None  # a default sample of indices inside the vocabulary


def test_a_nested_model_is_traced_through_its_own_nodes():
    inner_input = Input(shape=(3,))
    encoder = Model(inner_input, Dense(4, name="inner")(inner_input), name="encoder")
    x, y = Input(shape=(3,)), Input(shape=(3,))
    outer = Model([x, y], Dense(1, name="top")(concatenate([encoder(x), encoder(y)])))
    trace = ValueTrace(outer, loss="mse", target=1.0)
    top_level = [e.label for e in trace.trace if e.depth == 0]
    assert top_level == [f"{n.layer.name}[{n.index}]" for n in collect_graph(outer).nodes]
    assert "encoder[1]/inner[0]" in trace.node_labels
    inner_call = trace.node_values("encoder[1]/inner[0]")
    np.testing.assert_allclose(inner_call.outputs[0], trace.node_values("encoder[1]").outputs[0])
    np.testing.assert_allclose(
        inner_call.outputs[0], encoder(trace.node_values("encoder[1]").inputs[0]), rtol=1e-6
    )
    shares = trace.gradient_shares["inner/kernel"]
    assert sorted(shares) == ["encoder[0]/inner[0]", "encoder[1]/inner[0]"]
    np.testing.assert_allclose(sum(shares.values()), trace.gradients["inner/kernel"], rtol=1e-5)
    trace.select("encoder[1]/inner[0]")  # its outer call is lit in the diagram
    assert _lit_boxes(trace.html) == ["encoder[1]"]


def _lit_boxes(page):
    return re.findall(rf'style="fill:{re.escape(HIGHLIGHT)};[^"]*"/><text [^>]*>([^<]*)<', page)


def test_the_chosen_node_is_the_one_lit_in_the_diagram(siamese_trace):
    trace = siamese_trace
    for label in trace.node_labels:
        trace.select(label)
        assert _lit_boxes(trace.html) == [label]
    assert trace.html.count("<svg") == 1


def test_clicking_a_nodes_button_chooses_it_and_lights_it(siamese_trace):
    # A ToggleButtons row, one button per node labelled as in the diagram, kept in step
    # with the drop-down: a click (the page sets the buttons' value) chooses the node.
    trace = siamese_trace
    buttons, picker = trace.node_buttons, trace.node_picker
    assert list(buttons.options) == trace.node_labels
    assert buttons in trace.controls.children
    assert buttons.value == picker.value == trace.selected
    second_call = [label for label in trace.node_labels if label.startswith("lstm")][1]
    buttons.value = second_call
    assert trace.selected == picker.value == second_call
    assert _lit_boxes(trace.html) == [second_call]
    assert "call 1 of layer" in trace.html
    trace.select(trace.node_labels[0])  # the drop-down (or code) moves the buttons too
    assert buttons.value == trace.node_labels[0]
    assert _lit_boxes(trace.html) == [trace.node_labels[0]]
    picker.value = second_call
    assert buttons.value == second_call == trace.selected


def test_the_buttons_follow_a_refresh_and_a_failed_trace():
    model, _, _ = small_siamese()
    trace = ValueTrace(model, SAMPLE)
    trace.node_buttons.value = trace.node_labels[1]
    trace.refresh()  # after training, say: the same node stays chosen
    assert trace.node_buttons.value == trace.selected == trace.node_labels[1]
    broken = ValueTrace(model, [np.ones(4), np.ones(3)])  # the wrong size for input 0
    assert broken.error and broken.node_buttons.options == () and broken.node_buttons.disabled


def test_select_takes_a_node_name_or_explains(siamese_trace):
    trace = siamese_trace
    with pytest.raises(TypeError, match=r"ValueTrace's `node` takes a node's name, a str"):
        trace.select(1)
    with pytest.raises(ValueError, match=r"ValueTrace's `node` drop-down takes one of 'input_"):
        trace.select("lstm[2]")
    with pytest.raises(ValueError, match="has no node 'lstm'"):
        trace.node_values("lstm")
    with pytest.raises(TypeError, match="ValueTrace feeds a sample through a model"):
        ValueTrace(Dense(2))


def test_the_same_seed_gives_the_same_picture():
    model, _, _ = small_siamese()
    first, again = ValueTrace(model, seed=5), ValueTrace(model, seed=5)
    assert first.html == again.html
    assert ValueTrace(model, seed=6).html != first.html


def test_big_arrays_are_cut_and_summarised(siamese_trace):
    trace = siamese_trace
    trace.select(trace.node_labels[0])
    values = trace.selected_node.outputs[0]
    assert f"min {values.min():.3g}, max {values.max():.3g}, mean {values.mean():.3g}" in trace.html
    assert "272 more rows" in trace.html  # 280 timesteps, 8 drawn


def test_colours_come_from_the_palette_with_their_text(siamese_trace):
    page = siamese_trace.html
    assert re.findall(r'\s(?:fill|stroke)="[^"]*"', page) == []
    light = {v for k, v in PALETTE.items() if k.endswith(("FILL", "HIGHLIGHT", "CHANGED"))}
    for style in re.findall(r'style="([^"]*)"', page):
        for fill in re.findall(r"background:([^;]+);", style):
            assert (fill in light or fill.startswith("#")) and f"color:{ON_LIGHT};" in style


def test_the_text_form_ends_with_the_hint():
    model, _, _ = small_siamese()
    bundle = ValueTrace(model, SAMPLE)._repr_mimebundle_()
    assert bundle["text/plain"].endswith(f"score[0] selected: (1, 4) -> (1, 1))\n{STATIC_HINT}")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a node", "an int", "None", "a misspelt node"]), st.integers(0, 9)
        ),
        max_size=6,
    )
)
def test_random_choices_are_taken_or_explained(choices):
    model, _, _ = small_siamese()
    trace = ValueTrace(model, SAMPLE, loss="mse", target=0.0)
    labels = trace.node_labels
    for kind, number in choices:
        choice = {
            "a node": labels[number % len(labels)],
            "an int": number,
            "None": None,
            "a misspelt node": labels[number % len(labels)].replace("[", "(")[:-1],
        }[kind]
        before = trace.selected
        try:
            trace.select(choice)
        except (TypeError, ValueError) as error:
            assert kind != "a node" and "ValueTrace's `node`" in str(error)
            assert trace.selected == before
        else:
            assert trace.selected == choice
        assert _lit_boxes(trace.html) == [trace.selected]
        assert "kt-error" not in trace.html


def test_several_outputs_add_their_losses():
    x = Input(shape=(3,))
    hidden = Dense(4, name="hidden")(x)
    model = Model(x, [Dense(1, name="a")(hidden), Dense(2, name="b")(hidden)])
    trace = ValueTrace(model, np.ones(3), loss=["mse", "mae"], target=[0.0, [1.0, 2.0]])
    a, b = model(np.ones((1, 3), dtype="float32"))
    expected = float(np.mean(np.asarray(a) ** 2)) + float(np.mean(np.abs(np.asarray(b) - [1, 2])))
    assert trace.loss_value == pytest.approx(expected, rel=1e-5)
    assert sorted(trace.gradients) == sorted(w.path for w in model.trainable_weights)
    assert "list of 3" in ValueTrace(model, np.ones(3), loss=["mse"] * 3, target=[0, 0]).error
