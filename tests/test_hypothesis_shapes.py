"""Random stacks of layers: the symbolic shapes must equal the shapes of the eager outputs.

Hypothesis draws an input (features, a sequence, an image, or token ids that
go through an Embedding first), then a few layers that fit the current shape:
Dense with random units and activation, Flatten, Activation, Dropout, Conv2D
with random filters/kernel/strides/padding on images, LSTM with or without
return_sequences on sequences. Every intermediate tensor becomes a model
output, so one `predict` checks every layer's shape rule at once.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerastutor import backend as K
from kerastutor.layers import LSTM, Activation, Conv2D, Dense, Dropout, Embedding, Flatten, Input
from kerastutor.models import Model

ACTIVATIONS = [None, "relu", "sigmoid", "tanh", "softmax", "linear"]
sizes = st.integers(min_value=1, max_value=5)


def draw_input(draw):
    """An Input and the first layers, e.g. an Embedding for token ids."""
    kind = draw(st.sampled_from(["features", "sequence", "image", "tokens"]))
    if kind == "features":
        return Input((draw(sizes),)), "float32", None
    if kind == "sequence":
        length = draw(st.one_of(st.none(), sizes))
        return Input((length, draw(sizes))), "float32", None
    if kind == "image":
        return (
            Input((draw(st.integers(1, 7)), draw(st.integers(1, 7)), draw(sizes))),
            "float32",
            None,
        )
    input_dim = draw(st.integers(2, 10))
    tokens = Input((draw(st.one_of(st.none(), sizes)),), dtype="int32")
    embedding = Embedding(input_dim, draw(sizes), mask_zero=draw(st.booleans()))
    return tokens, "int32", embedding


def layer_choices(shape):
    """The layer kinds that fit a symbolic shape (batch axis included)."""
    choices = ["dense", "activation", "dropout"]
    if len(shape) > 2 and None not in shape[1:]:
        choices.append("flatten")
    if len(shape) == 3:
        choices.append("lstm")
    if len(shape) == 4 and None not in shape[1:]:
        choices.append("conv2d")
    return choices


def draw_layer(draw, shape):
    kind = draw(st.sampled_from(layer_choices(shape)))
    if kind == "dense":
        return Dense(draw(sizes), activation=draw(st.sampled_from(ACTIVATIONS)))
    if kind == "activation":
        return Activation(draw(st.sampled_from(ACTIVATIONS[1:])))
    if kind == "dropout":
        return Dropout(draw(st.sampled_from([0.0, 0.3, 0.5])))
    if kind == "flatten":
        return Flatten()
    if kind == "lstm":
        return LSTM(draw(sizes), return_sequences=draw(st.booleans()))
    height, width = shape[1], shape[2]
    padding = draw(st.sampled_from(["same", "valid"]))
    if padding == "valid":
        kernel = (draw(st.integers(1, height)), draw(st.integers(1, width)))
    else:
        kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return Conv2D(draw(sizes), kernel, strides=strides, padding=padding)


def make_data(draw, x, dtype, input_dim, batch):
    shape = (batch,) + tuple(draw(sizes) if d is None else d for d in x.shape[1:])
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if dtype == "int32":
        return rng.integers(0, input_dim, size=shape).astype("int32")
    return rng.standard_normal(shape).astype("float32")


def fits(symbolic_shape, eager_shape, batch):
    return (
        len(symbolic_shape) == len(eager_shape)
        and eager_shape[0] == batch
        and all(s is None or s == e for s, e in zip(symbolic_shape, eager_shape, strict=True))
    )


# A masked Embedding before Flatten or Conv2D: Keras 3 warns that the mask is dropped, too.
@pytest.mark.filterwarnings("ignore:Layer .* does not support masking:UserWarning")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_symbolic_shapes_equal_eager_shapes(data):
    K.clear_session()
    draw = data.draw
    x, dtype, embedding = draw_input(draw)
    tensors = []
    current = x
    if embedding is not None:
        current = embedding(current)
        tensors.append(current)
    for _ in range(draw(st.integers(1, 4))):
        layer = draw_layer(draw, current.shape)
        current = layer(current)
        tensors.append(current)
    model = Model(x, tensors)
    symbolic_shapes = [t.shape for t in tensors]
    assert model.compute_output_shape(x.shape) == symbolic_shapes

    batch = draw(st.integers(1, 3))
    input_dim = embedding.input_dim if embedding is not None else None
    outputs = model.predict(make_data(draw, x, dtype, input_dim, batch))
    for tensor, output in zip(tensors, outputs, strict=True):
        assert fits(tensor.shape, output.shape, batch), (tensor, output.shape, model.layers)
        assert output.dtype == np.float32
        assert np.all(np.isfinite(output))
