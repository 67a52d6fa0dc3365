"""GRU: a NumPy reference, the fused kernel against `_step`, weights, config, states."""

import itertools

import numpy as np
import pytest

from kerastutor import autodiff, ops
from kerastutor.layers import GRU, Embedding, Input
from kerastutor.layers.gru_fast import gru_sequence
from kerastutor.layers.rnn import fused_kernels
from kerastutor.models import Model
from kerastutor.utils import grad_check

# Rows: all steps, zeros in the middle, a padded tail, leading padding, all padding.
MASK = np.array(
    [
        [1, 1, 1, 1, 1],
        [1, 0, 0, 1, 1],
        [1, 1, 1, 0, 0],
        [0, 0, 1, 1, 1],
        [0, 0, 0, 0, 0],
    ],
    dtype=bool,
)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def reference_gru(x, kernel, recurrent_kernel, bias, reset_after=True, h0=None, mask=None):
    """The GRU equations, one sample and one step at a time, in float64 (last output, h)."""
    batch, timesteps, _ = x.shape
    units = recurrent_kernel.shape[0]
    if bias is None:
        bias = np.zeros((2, 3 * units)) if reset_after else np.zeros(3 * units)
    b_in, b_rec = (bias[0], bias[1]) if reset_after else (bias, np.zeros(3 * units))
    lasts = []
    for n in range(batch):
        h = np.zeros(units) if h0 is None else h0[n].astype(np.float64)
        output = np.zeros(units)
        for t in range(timesteps):
            x_z, x_r, x_h = np.split(x[n, t] @ kernel + b_in, 3)
            h_z, h_r, h_h = np.split(h @ recurrent_kernel + b_rec, 3)
            z, r = _sigmoid(x_z + h_z), _sigmoid(x_r + h_r)
            if reset_after:
                hh = np.tanh(x_h + r * h_h)
            else:
                hh = np.tanh(x_h + (r * h) @ recurrent_kernel[:, 2 * units :])
            new_h = z * h + (1 - z) * hh
            if mask is None or mask[n, t]:
                h, output = new_h, new_h
        lasts.append(output)
    return np.array(lasts)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("masked", [False, True])
def test_numbers_match_the_numpy_reference(reset_after, masked):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 5, 3)).astype("float32")
    h0 = rng.normal(size=(5, 4)).astype("float32")
    layer = GRU(4, reset_after=reset_after)
    layer.build((None, 5, 3))
    layer.set_weights([rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()])
    mask = MASK if masked else None
    expected = reference_gru(x, *layer.get_weights(), reset_after, h0, mask)
    for fused in (True, False):
        with fused_kernels(fused):
            got = layer(x, initial_state=[h0], mask=mask)
        np.testing.assert_allclose(got, expected, atol=1e-5)


def _run(layer, x, mask, h0, fused):
    """Outputs of `layer` and the gradients of a weighted sum of them."""
    state = None if h0 is None else [autodiff.Tensor(h0.copy())]
    x_tensor = autodiff.Tensor(x.copy())
    with autodiff.watch(layer.trainable_weights), fused_kernels(fused):
        outputs = layer(x_tensor, mask=mask, initial_state=state)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        rng = np.random.default_rng(1)
        terms = [ops.sum(ops.multiply(o, rng.normal(size=o.shape))) for o in outputs]
        loss = terms[0] if len(terms) == 1 else ops.add(terms[0], terms[1])
        loss.backward()
        grads = [w.grad.copy() for w in layer.trainable_weights] + [x_tensor.grad]
        if state is not None:
            grads.append(state[0].grad)
    return [o.data for o in outputs], grads


OPTIONS = list(itertools.product([False, True], repeat=7))


@pytest.mark.parametrize(
    "reset_after, bias, sequences, state, backwards, masked, initial",
    OPTIONS,
)
def test_fused_kernel_equals_the_readable_loop(
    reset_after, bias, sequences, state, backwards, masked, initial
):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 5, 3)).astype("float32")
    h0 = rng.normal(size=(5, 4)).astype("float32")
    layer = GRU(
        4,
        reset_after=reset_after,
        use_bias=bias,
        return_sequences=sequences,
        return_state=state,
        go_backwards=backwards,
    )
    layer.build((None, 5, 3))
    layer.set_weights([rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()])
    mask = MASK if masked else None
    fused_outputs, fused_grads = _run(layer, x, mask, h0 if initial else None, fused=True)
    loop_outputs, loop_grads = _run(layer, x, mask, h0 if initial else None, fused=False)
    for fused, loop in zip(fused_outputs, loop_outputs, strict=True):
        assert fused.dtype == np.float32
        np.testing.assert_allclose(fused, loop, rtol=1e-5, atol=1e-6)
    assert len(fused_grads) == len(loop_grads) == 2 + bias + 1 + initial
    for fused, loop in zip(fused_grads, loop_grads, strict=True):
        np.testing.assert_allclose(fused, loop, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("sequences", [False, True])
@pytest.mark.parametrize("backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_fused_op_backward_matches_central_differences(reset_after, sequences, backwards, masked):
    rng = np.random.default_rng(0)
    bias_shape = (2, 9) if reset_after else (9,)
    arguments = [
        rng.normal(size=(5, 5, 2)),  # inputs
        rng.normal(scale=0.5, size=(2, 9)),  # kernel
        rng.normal(scale=0.5, size=(3, 9)),  # recurrent kernel
        rng.normal(size=bias_shape),  # bias
        rng.normal(size=(5, 3)),  # h0
    ]

    def fused(inputs, kernel, recurrent_kernel, bias, h0):
        return gru_sequence(  # (output, h): two outputs of one recorded op
            inputs,
            kernel,
            recurrent_kernel,
            bias,
            h0,
            mask=MASK if masked else None,
            go_backwards=backwards,
            return_sequences=sequences,
            reset_after=reset_after,
        )

    errors = grad_check(fused, arguments)
    assert len(errors) == 5
    assert max(errors.values()) < 1e-6


def test_custom_activations_and_recurrent_dropout_use_the_readable_loop():
    x = np.ones((2, 3, 2), "float32")
    states = [np.zeros((2, 3))]
    for layer, training in [
        (GRU(3, activation="relu"), None),
        (GRU(3, recurrent_dropout=0.5), True),
    ]:
        layer.build((None, 3, 2))
        assert layer._fused_sequence(x, states, None, training) is NotImplemented


# ------------------------------------------------------------ weights and config


@pytest.mark.parametrize(
    ("reset_after", "shapes", "count"),
    [
        (True, [(5, 12), (4, 12), (2, 12)], 3 * (5 * 4 + 4 * 4 + 2 * 4)),
        (False, [(5, 12), (4, 12), (12,)], 3 * (5 * 4 + 4 * 4 + 4)),
    ],
)
def test_weights_match_keras(reset_after, shapes, count):
    layer = GRU(4, reset_after=reset_after, name="gru")
    layer(Input(shape=(7, 5)))
    assert [w.name for w in layer.weights] == ["gru/kernel", "gru/recurrent_kernel", "gru/bias"]
    assert [w.shape for w in layer.weights] == shapes
    assert layer.count_params() == count


def test_config_matches_keras_keys_and_round_trips():
    layer = GRU(3, reset_after=False, dropout=0.1, seed=4, return_sequences=True)
    config = layer.get_config()
    assert set(config) == {
        "name", "trainable", "dtype", "return_sequences", "return_state", "go_backwards",
        "stateful", "unroll", "zero_output_for_mask", "units", "activation",
        "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer",
        "bias_initializer", "dropout", "recurrent_dropout", "seed", "reset_after",
    }  # fmt: skip
    assert GRU.from_config(config).get_config() == config


def test_initial_state_mask_and_return_state_in_a_model():
    ids = Input(shape=(5,), dtype="int32")
    h0 = Input(shape=(3,))
    embedded = Embedding(8, 2, mask_zero=True)(ids)
    sequence, h = GRU(3, return_sequences=True, return_state=True)(
        embedded, initial_state=[h0], mask=embedded._keras_mask
    )
    assert sequence._keras_mask is not None and h._keras_mask is None
    model = Model([ids, h0], [sequence, h])
    data = [np.array([[1, 2, 0, 0, 0], [0, 0, 0, 0, 0]]), np.ones((2, 3))]
    out, state = model.predict(data)
    np.testing.assert_allclose(state[1], 1)  # all padding: h0 untouched
    np.testing.assert_allclose(out[1], 0)  # ... and the outputs are zeros
    np.testing.assert_allclose(out[0, 2:], np.repeat(out[0, 1:2], 3, axis=0))
