"""The fused LSTM kernel (lstm_fast.py) against the readable loop (LSTM._step).

The layer runs the fused op by default; inside `fused_kernels(False)` it runs
the readable one. Both must give the same outputs and the same gradients for
every option, and the fused op's own backward pass must match central
differences.
"""

import itertools

import numpy as np
import pytest

from kerastutor import autodiff, ops
from kerastutor.layers import LSTM
from kerastutor.layers.lstm_fast import lstm_sequence
from kerastutor.layers.rnn import fused_kernels
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


def _run(layer, x, mask, initial_state, fused):
    """Outputs of `layer` and the gradients of a weighted sum of them."""
    state = None if initial_state is None else [autodiff.Tensor(s.copy()) for s in initial_state]
    x_tensor = autodiff.Tensor(x.copy())
    with autodiff.watch(layer.trainable_weights), fused_kernels(fused):
        outputs = layer(x_tensor, mask=mask, initial_state=state)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        rng = np.random.default_rng(1)
        loss = ops.sum(
            ops.concatenate(
                [ops.reshape(ops.multiply(o, rng.normal(size=o.shape)), (-1,)) for o in outputs],
                axis=0,
            )
        )
        loss.backward()
        grads = [w.grad.copy() for w in layer.trainable_weights] + [x_tensor.grad]
        if state is not None:
            grads += [s.grad for s in state]
    return [o.data for o in outputs], grads


@pytest.mark.parametrize(
    "sequences, state, backwards, masked, initial",
    list(itertools.product([False, True], repeat=5)),
)
def test_fused_kernel_equals_the_readable_loop(sequences, state, backwards, masked, initial):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 5, 3)).astype("float32")
    h0, c0 = (rng.normal(size=(5, 4)).astype("float32") for _ in range(2))
    layer = LSTM(4, return_sequences=sequences, return_state=state, go_backwards=backwards)
    layer.build((None, 5, 3))
    layer.set_weights([rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()])
    mask = MASK if masked else None
    initial_state = [h0, c0] if initial else None

    fused_outputs, fused_grads = _run(layer, x, mask, initial_state, fused=True)
    loop_outputs, loop_grads = _run(layer, x, mask, initial_state, fused=False)

    for fused, loop in zip(fused_outputs, loop_outputs, strict=True):
        assert fused.dtype == np.float32
        np.testing.assert_allclose(fused, loop, rtol=1e-5, atol=1e-6)
    for fused, loop in zip(fused_grads, loop_grads, strict=True):
        np.testing.assert_allclose(fused, loop, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("masked", [False, True])
def test_fused_kernel_without_bias_equals_the_readable_loop(masked):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 5, 3)).astype("float32")
    layer = LSTM(4, use_bias=False, return_sequences=True)
    layer.build((None, 5, 3))
    layer.set_weights([rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()])
    mask = MASK if masked else None

    fused_outputs, fused_grads = _run(layer, x, mask, None, fused=True)
    loop_outputs, loop_grads = _run(layer, x, mask, None, fused=False)

    assert len(fused_grads) == 3  # kernel, recurrent kernel, inputs: no bias
    np.testing.assert_allclose(fused_outputs[0], loop_outputs[0], rtol=1e-5, atol=1e-6)
    for fused, loop in zip(fused_grads, loop_grads, strict=True):
        np.testing.assert_allclose(fused, loop, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("sequences", [False, True])
@pytest.mark.parametrize("backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_fused_op_backward_matches_central_differences(sequences, backwards, masked):
    rng = np.random.default_rng(0)
    arguments = [
        rng.normal(size=(5, 5, 2)),  # inputs
        rng.normal(scale=0.5, size=(2, 12)),  # kernel
        rng.normal(scale=0.5, size=(3, 12)),  # recurrent kernel
        rng.normal(size=(12,)),  # bias
        rng.normal(size=(5, 3)),  # h0
        rng.normal(size=(5, 3)),  # c0
    ]

    def fused(inputs, kernel, recurrent_kernel, bias, h0, c0):
        return lstm_sequence(  # (output, h, c): three outputs of one recorded op
            inputs,
            kernel,
            recurrent_kernel,
            bias,
            h0,
            c0,
            mask=MASK if masked else None,
            go_backwards=backwards,
            return_sequences=sequences,
        )

    errors = grad_check(fused, arguments)
    assert len(errors) == 6
    assert max(errors.values()) < 1e-6


def test_custom_activations_use_the_readable_loop():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 2)).astype("float32")
    relu = LSTM(3, activation="relu")
    relu.build((None, 3, 2))
    assert relu._fused_sequence(x, [np.zeros((2, 3))] * 2, None, None) is NotImplemented
    default = LSTM(3)
    default.build((None, 3, 2))
    assert default._fused_sequence(x, [np.zeros((2, 3))] * 2, None, None) is not NotImplemented


def test_recurrent_dropout_in_training_uses_the_readable_loop():
    layer = LSTM(3, recurrent_dropout=0.5)
    layer.build((None, 3, 2))
    x = np.ones((2, 3, 2), "float32")
    states = [np.zeros((2, 3))] * 2
    assert layer._fused_sequence(x, states, None, True) is NotImplemented
    assert layer._fused_sequence(x, states, None, False) is not NotImplemented


def test_the_switch_restores_itself_after_an_error():
    with pytest.raises(RuntimeError), fused_kernels(False):
        raise RuntimeError("inside")
    from kerastutor.layers import rnn

    assert rnn.fused_kernels_enabled() is True
