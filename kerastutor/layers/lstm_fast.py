"""The LSTM's time loop as one fused op, for speed.

`LSTM._step` in lstm.py is the readable cell: one timestep built from
`kerastutor.ops`, each op recording its own gradient. Run over 280 timesteps
that makes thousands of small recorded ops. This file runs the same equations
over the whole sequence as a single op with a hand-written backward pass
(backpropagation through time), reusing preallocated float32 buffers. The
tests check that both give the same outputs and the same gradients.

What stays outside this op: the input projection `x @ kernel + bias` for all
timesteps at once, one large `ops.matmul` done by the layer before the loop.

Gate order i, f, c, o as in Keras; sigmoid for i, f, o and tanh for c.
sigmoid(z) is computed as 0.5 * tanh(z / 2) + 0.5 (the same function, and it
lets one `np.tanh` call activate all four gates).
"""

import numpy as np

from kerastutor.autodiff import data_of, record

__all__ = ["lstm_recurrence"]


def _gate_constants(units, dtype):
    """Per-column factors so that tanh(z * scale) * mult + shift applies every gate's activation."""
    scale = np.full(4 * units, 0.5, dtype=dtype)
    mult = np.full(4 * units, 0.5, dtype=dtype)
    shift = np.full(4 * units, 0.5, dtype=dtype)
    candidate = slice(2 * units, 3 * units)
    scale[candidate], mult[candidate], shift[candidate] = 1.0, 1.0, 0.0
    return scale, mult, shift


def lstm_recurrence(
    z_x,
    recurrent_kernel,
    h0,
    c0,
    mask=None,
    go_backwards=False,
    return_sequences=False,
    zero_output_for_mask=False,
):
    """Run the LSTM cell over time, given the input projection of every step.

    Args:
        z_x: (batch, timesteps, 4 * units), `x @ kernel + bias`.
        recurrent_kernel: (units, 4 * units).
        h0, c0: (batch, units) initial states.
        mask: optional (batch, timesteps) booleans; at a masked step the
            states carry over and the output repeats the previous output
            (zeros before the first step), as in Keras.
        go_backwards: process the timesteps in reverse order.
        return_sequences: whether the caller wants every step's output.
        zero_output_for_mask: output zeros instead at masked steps.

    Returns:
        One array (or Tensor) of shape (batch, steps + 2, units): the outputs
        (every step's, or only the last, so steps is timesteps or 1), then the
        final h, then the final c. The layer slices it apart with ops, so
        gradients reach this op through one tensor.
    """
    zx = data_of(z_x)
    kernel = data_of(recurrent_kernel)
    batch, timesteps, four_units = zx.shape
    units = four_units // 4
    dtype = zx.dtype
    scale, mult, shift = _gate_constants(units, dtype)
    order = range(timesteps - 1, -1, -1) if go_backwards else range(timesteps)
    masks = None if mask is None else np.asarray(mask, dtype=bool)

    # Saved for the backward pass, indexed by processing step k.
    gates = np.empty((timesteps, batch, four_units), dtype=dtype)
    cells = np.empty((timesteps + 1, batch, units), dtype=dtype)
    hiddens = np.empty((timesteps + 1, batch, units), dtype=dtype)
    tanh_cells = np.empty((timesteps, batch, units), dtype=dtype)
    hiddens[0] = data_of(h0)
    cells[0] = data_of(c0)
    outputs = np.zeros((batch, timesteps if return_sequences else 1, units), dtype=dtype)
    previous_output = np.zeros((batch, units), dtype=dtype)
    step_masks = []

    for k, t in enumerate(order):
        a = gates[k]
        np.matmul(hiddens[k], kernel, out=a)
        a += zx[:, t]
        a *= scale
        np.tanh(a, out=a)
        a *= mult
        a += shift
        i, f, g, o = (
            a[:, :units],
            a[:, units : 2 * units],
            a[:, 2 * units : 3 * units],
            a[:, 3 * units :],
        )
        c_new = cells[k + 1]
        np.multiply(f, cells[k], out=c_new)
        c_new += i * g
        np.tanh(c_new, out=tanh_cells[k])
        h_new = hiddens[k + 1]
        np.multiply(o, tanh_cells[k], out=h_new)
        output = h_new
        if masks is not None:
            m = masks[:, t : t + 1]
            step_masks.append(m)
            output = np.where(m, h_new, 0 if zero_output_for_mask else previous_output)
            np.copyto(h_new, hiddens[k], where=~m)
            np.copyto(c_new, cells[k], where=~m)
            previous_output = output
        if return_sequences:
            outputs[:, k] = output
    if not return_sequences:
        outputs[:, 0] = output if timesteps else previous_output
    packed = np.concatenate([outputs, hiddens[-1][:, None], cells[-1][:, None]], axis=1)

    def backward(grad):
        d_outputs = grad[:, :-2]
        dh = grad[:, -2].copy()
        dc = grad[:, -1].copy()
        d_out_carry = d_outputs[:, 0].copy() if not return_sequences else 0
        dz = np.empty((timesteps, batch, 4, units), dtype=dtype)
        kernel_t = np.ascontiguousarray(kernel.T)
        # Small buffers reused at every step, so the loop stays in cache.
        derivative = np.empty((batch, 4, units), dtype=dtype)
        dc_total = np.empty((batch, units), dtype=dtype)
        for k in range(timesteps - 1, -1, -1):
            a = gates[k].reshape(batch, 4, units)
            i, f, g, o = a[:, 0], a[:, 1], a[:, 2], a[:, 3]
            tanh_c = tanh_cells[k]
            d_out = d_out_carry + d_outputs[:, k] if return_sequences else d_out_carry
            if masks is None:
                dh_new = dh + d_out
                dc_new = dc
                d_out_carry = 0
            else:
                # A masked step passed h, c and the output through unchanged.
                m = step_masks[k]
                dh_keep, dc_keep = np.where(m, 0, dh), np.where(m, 0, dc)
                dh_new = np.where(m, dh + d_out, 0)
                dc_new = np.where(m, dc, 0)
                d_out_carry = 0 if zero_output_for_mask else np.where(m, 0, d_out)
            # h = o * tanh(c), so c also receives dh * o * (1 - tanh(c)^2).
            np.multiply(tanh_c, tanh_c, out=dc_total)
            np.subtract(1, dc_total, out=dc_total)
            dc_total *= o
            dc_total *= dh_new
            dc_total += dc_new
            # Gradients of the gate activations i, f, g, o ...
            d = dz[k]
            np.multiply(dc_total, g, out=d[:, 0])
            np.multiply(dc_total, cells[k], out=d[:, 1])
            np.multiply(dc_total, i, out=d[:, 2])
            np.multiply(dh_new, tanh_c, out=d[:, 3])
            # ... times the activations' derivatives: sigmoid' = s (1 - s), tanh' = 1 - t^2.
            np.subtract(1, a, out=derivative)
            derivative *= a
            np.multiply(g, g, out=derivative[:, 2])
            np.subtract(1, derivative[:, 2], out=derivative[:, 2])
            d *= derivative
            dh = d.reshape(batch, four_units) @ kernel_t
            dc = dc_total * f
            if masks is not None:
                dh += dh_keep
                dc += dc_keep
        dz = dz.reshape(timesteps, batch, four_units)
        d_kernel = hiddens[:-1].reshape(-1, units).T @ dz.reshape(-1, four_units)
        d_zx = np.empty_like(zx)
        for k, t in enumerate(order):
            d_zx[:, t] = dz[k]
        return d_zx, d_kernel, dh, dc

    return record(packed, (z_x, recurrent_kernel, h0, c0), backward, "lstm_recurrence")
