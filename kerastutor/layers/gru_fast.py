"""The whole GRU layer, input to last state, as one fused op: for speed.

`GRU._step` in gru.py is the readable cell, one timestep of recorded ops.
This file computes the same numbers as one op with a hand-written backward
pass: `_forward` keeps what the gradients need in a `_Saved` record,
`_backward` walks the steps in reverse. The tests check both paths give the
same outputs and gradients for every option, and this op against central
differences. As in lstm_fast.py, `x @ kernel + input_bias` is one matmul for
all timesteps before the loop, the loop runs time-major, and the weight
gradients are one matmul over all steps after it. Columns are z, r, h.
"""

from dataclasses import dataclass

import numpy as np

from kerastutor.autodiff import data_of, record_outputs, wants_grad

__all__ = ["gru_sequence"]


def _sigmoid(x):
    return 0.5 * np.tanh(0.5 * x) + 0.5


@dataclass
class _Saved:
    """What the forward pass keeps for the backward pass."""

    x_steps: np.ndarray  # (timesteps, batch, features), in processing order
    hiddens: np.ndarray  # (timesteps + 1, batch, u): h before step k at index k
    z: np.ndarray  # (timesteps, batch, u) update gates
    r: np.ndarray  # reset gates
    hh: np.ndarray  # candidates
    reset_input: np.ndarray  # reset_after: h @ U_h + b_h; else r * h (the candidate matmul's input)
    step_masks: object  # None, or (timesteps, batch, 1) booleans
    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    time_order: slice
    return_sequences: bool
    reset_after: bool


def gru_sequence(
    inputs,
    kernel,
    recurrent_kernel,
    bias,
    h0,
    mask=None,
    go_backwards=False,
    return_sequences=False,
    reset_after=True,
):
    """Run a GRU with the default activations over a whole sequence.

    Args:
        inputs: (batch, timesteps, features).
        kernel: (features, 3 * units), recurrent_kernel: (units, 3 * units),
            columns in Keras's order z, r, h; bias: (2, 3 * units) (input row,
            recurrent row) with `reset_after`, else (3 * units,); or None.
        h0: (batch, units) initial state.
        mask: optional (batch, timesteps) booleans; a masked step keeps h and
            repeats the previous output (zeros before the first step).
        go_backwards: process the timesteps in reverse order.
        return_sequences: return every step's output, not only the last.
        reset_after: Keras 3's default GRU (True) or the original (False).

    Returns:
        (output, h): (batch, timesteps, units) or (batch, units), and the
        final state (batch, units); two Tensors of one op when recorded.
    """
    output, h, saved = _forward(
        inputs, kernel, recurrent_kernel, bias, h0, mask, go_backwards, return_sequences,
        reset_after,
    )  # fmt: skip

    def backward(d_output, d_h):
        d_inputs, d_kernel, d_recurrent, d_bias, d_h0 = _backward(
            saved, d_output, d_h, wants_grad(inputs)
        )
        return d_inputs, d_kernel, d_recurrent, None if bias is None else d_bias, d_h0

    parents = (inputs, kernel, recurrent_kernel, bias, h0)
    return record_outputs((output, h), parents, backward, "gru_sequence")


def _forward(
    inputs, kernel, recurrent_kernel, bias, h0, mask, go_backwards, sequences, reset_after
):
    x, w_x, w_h = data_of(inputs), data_of(kernel), data_of(recurrent_kernel)
    batch, timesteps, features = x.shape
    units = w_h.shape[0]
    dtype = np.result_type(x.dtype, w_x.dtype, w_h.dtype)
    b = np.zeros((2, 3 * units), dtype)  # rows: input bias, recurrent bias
    if bias is not None and reset_after:
        b[:] = data_of(bias)
    elif bias is not None:
        b[0] = data_of(bias)  # without reset_after the recurrent matmul has no bias
    input_bias, recurrent_bias = b

    time_order = slice(None, None, -1) if go_backwards else slice(None)
    x_steps = np.ascontiguousarray(x.transpose(1, 0, 2)[time_order], dtype=dtype)
    # x_gates[k] = x_k @ kernel + input_bias, for every step in one matmul.
    x_gates = (x_steps.reshape(-1, features) @ w_x).reshape(timesteps, batch, 3 * units)
    x_gates += input_bias
    step_masks = None
    if mask is not None:
        step_masks = np.asarray(mask, dtype=bool).T[time_order, :, None]

    hiddens = np.empty((timesteps + 1, batch, units), dtype)
    hiddens[0] = data_of(h0)
    z_all, r_all, hh_all, reset_all = (np.empty((timesteps, batch, units), dtype) for _ in "zrhx")
    outputs = np.zeros((timesteps if sequences else 1, batch, units), dtype)
    w_gates, w_candidate = w_h[:, : 2 * units], w_h[:, 2 * units :]
    output = outputs[0]
    for k in range(timesteps):
        h_prev = hiddens[k]
        x_z, x_r, x_h = (x_gates[k, :, gate * units : (gate + 1) * units] for gate in range(3))
        if reset_after:
            # h_z, h_r, h_h = split(h @ recurrent_kernel + recurrent_bias)
            recurrent = h_prev @ w_h + recurrent_bias
            h_zr, h_h = recurrent[:, : 2 * units], recurrent[:, 2 * units :]
        else:
            h_zr = h_prev @ w_gates
        # z = sigmoid(x_z + h_z);  r = sigmoid(x_r + h_r)
        z = _sigmoid(x_z + h_zr[:, :units])
        r = _sigmoid(x_r + h_zr[:, units:])
        if reset_after:
            # hh = tanh(x_h + r * h_h)
            reset_all[k] = h_h
            hh = np.tanh(x_h + r * h_h)
        else:
            # hh = tanh(x_h + (r * h) @ recurrent_kernel[:, 2u:])
            reset_all[k] = r * h_prev
            hh = np.tanh(x_h + reset_all[k] @ w_candidate)
        # h = z * h + (1 - z) * hh  =  hh + z * (h - hh)
        h = hiddens[k + 1]
        np.subtract(h_prev, hh, out=h)
        h *= z
        h += hh
        z_all[k], r_all[k], hh_all[k] = z, r, hh
        if step_masks is None:
            output = h
        else:
            # A padded step changes nothing: the state and the output carry over.
            keep = step_masks[k]
            output = np.where(keep, h, output)
            np.copyto(h, h_prev, where=~keep)
        if sequences:
            outputs[k] = output
    if not sequences:
        outputs[0] = output

    saved = _Saved(
        x_steps, hiddens, z_all, r_all, hh_all, reset_all, step_masks, w_x, w_h, time_order,
        sequences, reset_after,
    )  # fmt: skip
    result = np.ascontiguousarray(outputs.transpose(1, 0, 2)) if sequences else outputs[0].copy()
    return result, hiddens[-1].copy(), saved


def _backward(saved, d_output, d_h, input_grad_wanted):
    """Backpropagation through time: the gradients of every parent of the op."""
    s = saved
    timesteps, batch, units = s.z.shape
    dtype = s.z.dtype
    dh = np.array(d_h, dtype)
    if s.return_sequences:
        d_outputs = np.asarray(d_output, dtype).transpose(1, 0, 2)  # time-major
        last_output_grad = np.zeros((batch, units), dtype)
    else:
        d_outputs = None
        last_output_grad = np.asarray(d_output, dtype)
    if s.step_masks is None:
        dh += last_output_grad
    else:
        # A masked step repeats the previous output: its gradient belongs to an earlier step.
        d_output_carry = last_output_grad
    w_h = s.recurrent_kernel
    w_gates_back = np.ascontiguousarray(w_h[:, : 2 * units].T)
    w_candidate_back = np.ascontiguousarray(w_h[:, 2 * units :].T)
    w_back = np.ascontiguousarray(w_h.T)
    # Gradients of the pre-activations: d_x_gates[k] for x @ kernel + input_bias,
    # d_recurrent[k] for the recurrent matmul's outputs (its last block's input
    # is h with reset_after, r * h without).
    d_x_gates = np.empty((timesteps, batch, 3 * units), dtype)
    d_recurrent = np.empty((timesteps, batch, 3 * units), dtype)
    for k in range(timesteps - 1, -1, -1):
        if s.step_masks is None:
            if s.return_sequences:
                dh += d_outputs[k]
        else:
            d_step = d_output_carry + d_outputs[k] if s.return_sequences else d_output_carry
            keep = s.step_masks[k]
            dh_skip = np.where(keep, 0, dh)
            dh = np.where(keep, dh + d_step, 0)
            d_output_carry = np.where(keep, 0, d_step)
        h_prev, z, r, hh = s.hiddens[k], s.z[k], s.r[k], s.hh[k]
        # h = z * h_prev + (1 - z) * hh:  dz = dh * (h_prev - hh), dhh = dh * (1 - z)
        dz = dh * (h_prev - hh)
        d_candidate = dh * (1 - z) * (1 - hh * hh)  # through hh = tanh(a_h)
        dh_prev = dh * z
        if s.reset_after:
            # a_h = x_h + r * h_h:  dr = da_h * h_h, dh_h = da_h * r
            dr = d_candidate * s.reset_input[k]
            d_recurrent[k, :, 2 * units :] = d_candidate * r
        else:
            # a_h = x_h + (r * h_prev) @ U_h:  d(r * h_prev) = da_h @ U_h.T
            d_reset_h = d_candidate @ w_candidate_back
            dr = d_reset_h * h_prev
            dh_prev += d_reset_h * r
            d_recurrent[k, :, 2 * units :] = d_candidate
        # z = sigmoid(a_z), r = sigmoid(a_r): da = d * s * (1 - s)
        d_x_gates[k, :, :units] = dz * z * (1 - z)
        d_x_gates[k, :, units : 2 * units] = dr * r * (1 - r)
        d_x_gates[k, :, 2 * units :] = d_candidate
        d_recurrent[k, :, : 2 * units] = d_x_gates[k, :, : 2 * units]
        # h_prev reaches the gates through h_prev @ recurrent_kernel.
        if s.reset_after:
            dh_prev += d_recurrent[k] @ w_back
        else:
            dh_prev += d_recurrent[k, :, : 2 * units] @ w_gates_back
        if s.step_masks is not None:
            dh_prev += dh_skip
        dh = dh_prev

    # Sum over every step and sample: x @ kernel and the recurrent matmul.
    features = s.x_steps.shape[-1]
    d_x_flat = d_x_gates.reshape(-1, 3 * units)
    d_rec_flat = d_recurrent.reshape(-1, 3 * units)
    h_flat = s.hiddens[:-1].reshape(-1, units)
    d_kernel = s.x_steps.reshape(-1, features).T @ d_x_flat
    if s.reset_after:
        d_recurrent_kernel = h_flat.T @ d_rec_flat
        d_bias = np.stack([d_x_flat.sum(axis=0), d_rec_flat.sum(axis=0)])
    else:
        reset_flat = s.reset_input.reshape(-1, units)
        d_recurrent_kernel = np.concatenate(
            [h_flat.T @ d_rec_flat[:, : 2 * units], reset_flat.T @ d_rec_flat[:, 2 * units :]],
            axis=1,
        )
        d_bias = d_x_flat.sum(axis=0)
    d_inputs = None
    if input_grad_wanted:
        d_steps = (d_x_flat @ s.kernel.T).reshape(timesteps, batch, features)
        d_inputs = np.ascontiguousarray(d_steps[s.time_order].transpose(1, 0, 2))
    return d_inputs, d_kernel, d_recurrent_kernel, d_bias, dh
