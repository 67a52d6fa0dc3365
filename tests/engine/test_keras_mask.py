"""Masks that travel with outputs (`_keras_mask`), eager and symbolic, as in Keras 3.

The behaviour of keras/src/layers/layer_test.py's masking tests and of the
keras-io guide "Understanding masking & padding", checked with Keras 3.15.
"""

import warnings

import numpy as np
import pytest

from kerastutor import ops
from kerastutor.engine.keras_mask import ArrayWithMask, get_keras_mask
from kerastutor.layers import LSTM, Embedding, Input, Layer, Masking
from kerastutor.models import Model

IDS = np.array([[711, 632, 71, 0, 0, 0], [73, 8, 3215, 55, 927, 0]])
KEPT = IDS != 0


class TemporalSplit(Layer):
    def call(self, inputs):
        return ops.split(inputs, 2, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None if mask is None else ops.split(mask, 2, axis=1)


class PassThrough(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True


class Plain(Layer):
    def call(self, inputs):
        return ops.relu(inputs)


class SeesMask(Layer):
    """Keeps the masks its `call` receives."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.seen = []

    def call(self, inputs, other=None, mask=None):
        self.seen.append(mask)
        return inputs


def test_an_eager_embedding_output_carries_its_mask():
    embedding = Embedding(5000, 16, mask_zero=True)
    out = embedding(IDS)
    assert isinstance(out, ArrayWithMask)
    np.testing.assert_array_equal(out._keras_mask, KEPT)
    np.testing.assert_array_equal(embedding.compute_mask(IDS), KEPT)
    assert repr(out).startswith("array(")


def test_what_is_computed_from_a_masked_output_has_no_mask():
    out = Embedding(5000, 4, mask_zero=True)(IDS)
    for derived in (out * 2, out[0], np.concatenate([out, out]), out + out):
        assert type(derived) is np.ndarray
        assert get_keras_mask(derived) is None
    assert out.copy()._keras_mask is None


def test_an_unmasked_eager_output_is_a_plain_array():
    out = Embedding(50, 4)(IDS % 50)
    assert type(out) is np.ndarray
    assert not hasattr(out, "_keras_mask")


def test_masking_marks_the_steps_that_are_not_all_mask_value():
    x = ops.cast(ops.tile(ops.expand_dims(IDS, axis=-1), [1, 1, 10]), "float32")
    np.testing.assert_array_equal(Masking()(x)._keras_mask, KEPT)


def test_a_layer_that_writes_compute_mask_supports_masking_and_splits_the_mask():
    split = TemporalSplit()
    assert split.supports_masking
    assert not Plain().supports_masking
    first, second = split(Embedding(5000, 4, mask_zero=True)(IDS))
    np.testing.assert_array_equal(first._keras_mask, KEPT[:, :3])
    np.testing.assert_array_equal(second._keras_mask, KEPT[:, 3:])


def test_supports_masking_passes_the_mask_on_eagerly_and_symbolically():
    out = PassThrough()(Embedding(5000, 4, mask_zero=True)(IDS))
    np.testing.assert_array_equal(out._keras_mask, KEPT)
    x = PassThrough()(Embedding(5000, 4, mask_zero=True)(Input((None,), dtype="int32")))
    assert x._keras_mask.shape == (None, None)


@pytest.mark.parametrize("symbolic", [False, True])
def test_a_layer_that_does_not_support_masking_drops_the_mask_and_warns(symbolic):
    embedding = Embedding(5000, 4, mask_zero=True)
    x = embedding(Input((None,), dtype="int32") if symbolic else IDS)
    with pytest.warns(UserWarning) as caught:
        y = Plain(name="plain")(x)
    assert str(caught[0].message) == (
        "Layer 'plain' (of type Plain) was passed an input with a mask attached to it. "
        "However, this layer does not support masking and will therefore destroy the mask "
        "information. Downstream layers will not see the mask."
    )
    assert get_keras_mask(y) is None


def test_call_gets_the_inputs_mask_unless_another_tensor_is_passed():
    layer = SeesMask()
    masked = Embedding(5000, 4, mask_zero=True)(IDS)
    layer(masked)
    np.testing.assert_array_equal(layer.seen[-1], KEPT)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = layer(masked, np.zeros(3))
    assert layer.seen[-1] is None  # as in Keras: two tensor arguments, no mask filled in
    np.testing.assert_array_equal(out._keras_mask, KEPT)  # the first input's mask goes on


def test_a_mask_given_by_hand_wins():
    layer = SeesMask()
    layer(Embedding(5000, 4, mask_zero=True)(IDS), mask=np.ones((2, 6), bool))
    assert layer.seen[-1].all()


def test_a_call_that_takes_mask_gets_a_kept_mask_while_the_graph_is_built():
    class Softmax1(Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            assert mask is not None
            return inputs * ops.expand_dims(ops.cast(mask, "float32"), -1)

    inputs = Input((None,), dtype="int32")
    outputs = Softmax1()(Embedding(10, 3, mask_zero=True)(inputs))
    assert outputs.shape == (None, None, 3)
    result = Model(inputs, outputs)(np.array([[1, 0, 2]]))
    assert (result[0, 1] == 0).all() and (result[0, 0] != 0).any()


def test_a_model_called_on_a_masked_array_uses_the_mask():
    inputs = Input((None, 4))
    model = Model(inputs, LSTM(3)(inputs))
    masked = Embedding(5000, 4, mask_zero=True)(IDS)
    np.testing.assert_allclose(model(masked), model(np.asarray(masked), mask=KEPT))
    assert not np.allclose(model(masked), model(np.asarray(masked)))


def test_a_model_passes_each_output_mask_on():
    inputs = Input((None,), dtype="int32")
    model = Model(inputs, Embedding(5000, 4, mask_zero=True)(inputs))
    np.testing.assert_array_equal(model(IDS)._keras_mask, KEPT)


def test_dividing_by_zero_gives_inf_and_nan_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ops.divide(np.array([1.0, 0.0]), np.array([0.0, 0.0]))
    assert np.isinf(out[0]) and np.isnan(out[1])


def test_the_mask_an_lstm_is_given_is_a_node_of_the_model_as_in_keras():
    inputs = Input((None,), dtype="int32")
    outputs = LSTM(3)(Embedding(50, 4, mask_zero=True)(inputs))
    model = Model(inputs, outputs)
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "not_equal (NotEqual)" in text
    assert [layer.name for layer in model.layers] == ["input_1", "embedding", "lstm"]
    lstm_node = model.get_layer("lstm").inbound_nodes[0]
    assert lstm_node.call_kwargs["mask"]._keras_history.layer.name == "not_equal"
    np.testing.assert_allclose(
        model.predict(np.array([[3, 1, 0, 0]]), verbose=0),
        model.predict(np.array([[3, 1]]), verbose=0),
        atol=1e-6,
    )


def test_training_given_by_position_is_refused_as_in_keras():
    inputs = Input((None,), dtype="int32")
    model = Model(inputs, Embedding(50, 4, mask_zero=True)(inputs))
    with pytest.raises(TypeError, match="got multiple values for argument 'training'"):
        model(IDS % 50, np.zeros((2, 6, 1)))


def test_a_saved_model_builds_the_lstm_for_its_input_not_for_the_mask(tmp_path):
    import json
    import zipfile

    from kerastutor.models import load_model

    inputs = Input((None,), dtype="int32")
    model = Model(inputs, LSTM(3)(Embedding(50, 4, mask_zero=True)(inputs)))
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        config = json.loads(archive.read("config.json"))
    lstm = next(layer for layer in config["config"]["layers"] if layer["class_name"] == "LSTM")
    assert lstm["build_config"] == {"input_shape": [None, None, 4]}  # as Keras 3 writes it
    assert lstm["inbound_nodes"][0]["kwargs"]["mask"]["config"]["keras_history"][0] == "not_equal"
    ids = np.array([[3, 1, 0, 0]])
    np.testing.assert_allclose(
        load_model(tmp_path / "m.keras").predict(ids, verbose=0), model.predict(ids, verbose=0)
    )
