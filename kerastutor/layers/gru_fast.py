"""The whole GRU layer, input to last state, as one fused op: for speed.

`GRU._step` in gru.py is the readable cell, one timestep of recorded ops. This
file computes the same numbers as one op with a hand-written backward pass
(`_forward` keeps what `_backward` needs in `_Saved`); tests check both paths
agree for every option, and this op against central differences. As in
lstm_fast.py, `x @ kernel + input_bias` and its kernel gradient are matmuls
over blocks of steps on a second core (background.py), and the time-major
loop runs on one BLAS thread if small. Columns are z, r, h.
"""

from dataclasses import dataclass

import numpy as np

from kerastutor.autodiff import data_of, record_outputs, wants_grad
from kerastutor.layers import background
from kerastutor.ops.threads import loop_blas_threads

__all__ = ["gru_sequence"]


@dataclass
class _Saved:
    """What the forward pass keeps for the backward pass."""

    x_steps: np.ndarray  # (timesteps, batch, features), in processing order
    hiddens: np.ndarray  # (timesteps + 1, batch, u): h before step k at index k
    gates: np.ndarray  # (timesteps, batch, 2u): the update gate z, then the reset gate r
    hh: np.ndarray  # (timesteps, batch, u): the candidates
    reset_input: np.ndarray  # reset_after: h @ U_h + b_h; else r * h (the candidate matmul's input)
    step_masks: object  # None, or (timesteps, batch, 1) booleans
    kernel: np.ndarray  # as given (the loop uses halved copies)
    recurrent_kernel: np.ndarray
    time_order: slice
    return_sequences: bool
    reset_after: bool


def gru_sequence(
    inputs, kernel, recurrent_kernel, bias, h0, mask=None, go_backwards=False,
    return_sequences=False, reset_after=True,
):  # fmt: skip
    """Run a GRU with the default activations over a whole sequence.

    Args:
        inputs: (batch, timesteps, features).
        kernel: (features, 3 * units), recurrent_kernel: (units, 3 * units),
            columns in Keras's order z, r, h; bias: (2, 3 * units) (input row,
            recurrent row) with `reset_after`, else (3 * units,); or None.
        h0: (batch, units) initial state.
        mask: optional (batch, timesteps) booleans; a masked step keeps h and repeats the output.
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
        grads = list(_backward(saved, d_output, d_h, wants_grad(inputs)))
        grads[3] = None if bias is None else grads[3]  # d_bias
        return grads

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
    # x_gates[k] = x_k @ kernel + input_bias, block by block in the loop below; the
    # recurrent bias of z and r joins it (they are plain sums), and z and r's
    # columns are halved once: sigmoid(a) = 0.5 + 0.5 * tanh(a / 2).
    half = np.where(np.arange(3 * units) < 2 * units, 0.5, 1.0).astype(dtype)
    x_bias = (input_bias + np.where(half < 1, recurrent_bias, 0)) * half
    step_masks = None if mask is None else np.asarray(mask, dtype=bool).T[time_order, :, None]

    hiddens = np.empty((timesteps + 1, batch, units), dtype)
    hiddens[0] = data_of(h0)
    gates = np.empty((timesteps, batch, 2 * units), dtype)
    hh_all, reset_all = (np.empty((timesteps, batch, units), dtype) for _ in range(2))
    outputs = np.zeros((timesteps if sequences else 1, batch, units), dtype)
    recurrent = np.empty((batch, (3 if reset_after else 2) * units), dtype)
    w_first = np.ascontiguousarray((w_h * half)[:, : recurrent.shape[1]])
    w_candidate = np.ascontiguousarray(w_h[:, 2 * units :])
    output = outputs[0]
    with loop_blas_threads(batch, units, 3 * units):  # one thread if small (ops/threads.py)
        jobs = background.Background(x.size * 3 * units, (batch, units, 3 * units), timesteps)
        x_in_order, w_x_loop = x.transpose(1, 0, 2)[time_order], (w_x * half).astype(dtype)
        x_steps, x_gates = background.project_in_blocks(jobs, x_in_order, w_x_loop, x_bias)
        for k in range(timesteps):
            jobs.wait(k // jobs.size)  # this block's x_gates are made
            h_prev = hiddens[k]
            # h_z, h_r (, h_h) = split(h @ recurrent_kernel), z and r's halved
            np.matmul(h_prev, w_first, out=recurrent)
            # z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
            zr = gates[k]
            np.add(x_gates[k, :, : 2 * units], recurrent[:, : 2 * units], out=zr)
            np.tanh(zr, out=zr)
            zr *= 0.5
            zr += 0.5
            z, r = zr[:, :units], zr[:, units:]
            hh = hh_all[k]
            if reset_after:
                # hh = tanh(x_h + r * h_h), h_h with its recurrent bias
                np.add(recurrent[:, 2 * units :], recurrent_bias[2 * units :], out=reset_all[k])
                np.multiply(r, reset_all[k], out=hh)
            else:
                # hh = tanh(x_h + (r * h) @ recurrent_kernel[:, 2u:])
                np.multiply(r, h_prev, out=reset_all[k])
                np.matmul(reset_all[k], w_candidate, out=hh)
            hh += x_gates[k, :, 2 * units :]
            np.tanh(hh, out=hh)
            # h = z * h + (1 - z) * hh  =  hh + z * (h - hh)
            h = hiddens[k + 1]
            np.subtract(h_prev, hh, out=h)
            h *= z
            h += hh
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
        x_steps, hiddens, gates, hh_all, reset_all, step_masks, w_x, w_h, time_order,
        sequences, reset_after,
    )  # fmt: skip
    result = np.ascontiguousarray(outputs.transpose(1, 0, 2)) if sequences else outputs[0].copy()
    return result, hiddens[-1].copy(), saved


def _backward(saved, d_output, d_h, input_grad_wanted):
    """Backpropagation through time: the gradients of every parent of the op."""
    s = saved
    (timesteps, batch, units), dtype = s.hh.shape, s.hh.dtype
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
    w_back = np.ascontiguousarray(s.recurrent_kernel.T)
    w_gates_back, w_candidate_back = w_back[: 2 * units], np.ascontiguousarray(w_back[2 * units :])
    # Gradients of the pre-activations: d_x_gates[k] of x @ kernel + input_bias,
    # d_recurrent[k] of the recurrent matmul (whose h-block input is r * h without reset_after).
    d_x_gates, d_recurrent = (np.empty((timesteps, batch, 3 * units), dtype) for _ in range(2))
    scratch, dh_prev = np.empty((batch, units), dtype), np.empty((batch, units), dtype)
    derivative, d_kernel = np.empty((batch, 2 * units), dtype), np.zeros(s.kernel.shape, dtype)
    products = [(s.x_steps, d_x_gates, d_kernel)]
    with loop_blas_threads(batch, 3 * units, units):  # one thread if small (ops/threads.py)
        work = s.x_steps.size * 3 * units
        jobs = background.Background(work, (batch, 3 * units, units), timesteps)
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
            h_prev, zr, hh = s.hiddens[k], s.gates[k], s.hh[k]
            z, r = zr[:, :units], zr[:, units:]
            d = d_x_gates[k]  # the gradients of z, r and hh's pre-activations, filled in below
            dz, dr, d_candidate = d[:, :units], d[:, units : 2 * units], d[:, 2 * units :]
            # h = z * h_prev + (1 - z) * hh:  dz = dh * (h_prev - hh), dhh = dh * (1 - z),
            # and through hh = tanh(a_h): da_h = dhh * (1 - hh^2); dh_prev = dh * z
            np.subtract(h_prev, hh, out=dz)
            dz *= dh
            np.multiply(hh, hh, out=scratch)
            np.subtract(1, scratch, out=scratch)
            np.multiply(dh, z, out=dh_prev)
            np.subtract(dh, dh_prev, out=d_candidate)
            d_candidate *= scratch
            if s.reset_after:
                # a_h = x_h + r * h_h:  dr = da_h * h_h, dh_h = da_h * r
                np.multiply(d_candidate, s.reset_input[k], out=dr)
                np.multiply(d_candidate, r, out=d_recurrent[k, :, 2 * units :])
            else:
                # a_h = x_h + (r * h_prev) @ U_h:  d(r * h_prev) = da_h @ U_h.T
                np.matmul(d_candidate, w_candidate_back, out=scratch)
                np.multiply(scratch, h_prev, out=dr)
                scratch *= r
                dh_prev += scratch
                d_recurrent[k, :, 2 * units :] = d_candidate
            # z = sigmoid(a_z), r = sigmoid(a_r): da = d * s * (1 - s)
            np.subtract(1, zr, out=derivative)
            derivative *= zr
            d[:, : 2 * units] *= derivative
            d_recurrent[k, :, : 2 * units] = d[:, : 2 * units]
            # h_prev reaches the gates through h_prev @ recurrent_kernel.
            if s.reset_after:
                np.matmul(d_recurrent[k], w_back, out=scratch)
            else:
                np.matmul(d[:, : 2 * units], w_gates_back, out=scratch)
            dh_prev += scratch
            if s.step_masks is not None:
                dh_prev += dh_skip
            dh, dh_prev = dh_prev, dh  # the two buffers swap roles for the next step
            jobs.add_block_products_from(k, products)  # x @ kernel's gradient
        jobs.wait_all()
    # Sum over every step and sample: the recurrent matmul.
    d_x_flat, d_rec_flat = d_x_gates.reshape(-1, 3 * units), d_recurrent.reshape(-1, 3 * units)
    h_flat = s.hiddens[:-1].reshape(-1, units)
    if s.reset_after:
        d_recurrent_kernel = h_flat.T @ d_rec_flat
        d_bias = np.stack([d_x_flat.sum(axis=0), d_rec_flat.sum(axis=0)])
    else:
        reset_flat = s.reset_input.reshape(-1, units)
        gates_part = h_flat.T @ d_rec_flat[:, : 2 * units]
        d_recurrent_kernel = np.hstack([gates_part, reset_flat.T @ d_rec_flat[:, 2 * units :]])
        d_bias = d_x_flat.sum(axis=0)
    d_inputs = None
    if input_grad_wanted:
        d_steps = (d_x_flat @ s.kernel.T).reshape(s.x_steps.shape)
        d_inputs = np.ascontiguousarray(d_steps[s.time_order].transpose(1, 0, 2))
    return d_inputs, d_kernel, d_recurrent_kernel, d_bias, dh
