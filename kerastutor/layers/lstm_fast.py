"""The whole LSTM layer, input to last state, as one fused op: for speed.

`LSTM._step` in lstm.py is the readable cell: one timestep built from
`kerastutor.ops`, each op recording its own gradient. Run over 280 timesteps
that makes thousands of small recorded ops. This file computes the same
numbers as one op with a hand-written backward pass (backpropagation through
time). The tests check that both give the same outputs and the same
gradients, and check this op against central differences.

Where the time goes, and what this file does about it:

* The input's share of every gate, `x @ kernel + bias`, does not depend on
  the previous step, so it is one large matmul for all timesteps before the
  loop. Only `h @ recurrent_kernel` has to wait for the previous step.
* The loop reads one timestep at a time, so the sequence is laid out
  time-major, (timesteps, batch, ...): each step's rows sit next to each
  other in memory. `go_backwards` just reverses the time axis in that copy.
* Each step is a handful of NumPy calls writing into preallocated arrays
  (`out=`), with no temporaries to allocate.
* The columns are reordered from Keras's i, f, c, o to i, f, o, c, so the
  three sigmoid gates sit side by side, and
  sigmoid(z) = 0.5 + 0.5 * tanh(z / 2) lets one `np.tanh` call activate all
  four gates: the forward weights for the sigmoid columns are halved once,
  before the loop, and a multiply-add per step finishes the sigmoids.
* float32 in, float32 throughout.
"""

import numpy as np

from kerastutor.autodiff import data_of, record, wants_grad

__all__ = ["lstm_sequence"]


def _loop_columns(units):
    """Column order inside the loop, as indices into Keras's i, f, c, o columns."""
    i, f, c, o = (np.arange(gate * units, (gate + 1) * units) for gate in range(4))
    return np.concatenate([i, f, o, c])


def _gate_blocks(a, units):
    """Views of the i, f, o and c blocks of a (batch, 4 * units) array in loop order."""
    return a[:, :units], a[:, units : 2 * units], a[:, 2 * units : 3 * units], a[:, 3 * units :]


def lstm_sequence(
    inputs,
    kernel,
    recurrent_kernel,
    bias,
    h0,
    c0,
    mask=None,
    go_backwards=False,
    return_sequences=False,
):
    """Run an LSTM with the default activations over a whole sequence.

    Args:
        inputs: (batch, timesteps, features).
        kernel: (features, 4 * units), recurrent_kernel: (units, 4 * units),
            bias: (4 * units,) or None; columns in Keras's order i, f, c, o.
        h0, c0: (batch, units) initial states.
        mask: optional (batch, timesteps) booleans; at a masked step the
            states carry over and the output repeats the previous output
            (zeros before the first step), as in Keras.
        go_backwards: process the timesteps in reverse order.
        return_sequences: whether the caller wants every step's output.

    Returns:
        One array (or Tensor) of shape (batch, steps + 2, units): the outputs
        (every step's in processing order, or only the last, so steps is
        timesteps or 1), then the final h, then the final c. The layer slices
        it apart with ops, so gradients reach this op through one tensor.
    """
    x, w_x, w_h = data_of(inputs), data_of(kernel), data_of(recurrent_kernel)
    batch, timesteps, features = x.shape
    units = w_h.shape[0]
    dtype = np.result_type(x.dtype, w_x.dtype, w_h.dtype)
    columns = _loop_columns(units)
    b = np.zeros(4 * units, dtype) if bias is None else data_of(bias)[columns]

    # Forward weights with the sigmoid columns halved (see the module docstring).
    # After np.tanh, `a * half + offset` is 0.5 + 0.5 * tanh for i, f, o and tanh for c.
    sigmoid_columns = np.arange(4 * units) < 3 * units
    half = np.where(sigmoid_columns, 0.5, 1.0).astype(dtype)
    offset = np.where(sigmoid_columns, 0.5, 0.0).astype(dtype)
    w_x_loop = w_x[:, columns] * half
    w_h_loop = np.ascontiguousarray(w_h[:, columns] * half)
    b_loop = b * half

    # Time-major copy of the inputs, in processing order.
    time_order = slice(None, None, -1) if go_backwards else slice(None)
    x_steps = np.ascontiguousarray(x.transpose(1, 0, 2)[time_order], dtype=dtype)
    # gates[k] starts as step k's input share, then becomes its activations.
    gates = (x_steps.reshape(-1, features) @ w_x_loop).reshape(timesteps, batch, 4 * units)
    gates += b_loop
    step_masks = None
    if mask is not None:
        step_masks = np.asarray(mask, dtype=bool).T[time_order, :, None]  # (timesteps, batch, 1)

    # States before step k sit at index k; saved for the backward pass.
    hiddens = np.empty((timesteps + 1, batch, units), dtype)
    cells = np.empty((timesteps + 1, batch, units), dtype)
    tanh_cells = np.empty((timesteps, batch, units), dtype)
    hiddens[0], cells[0] = data_of(h0), data_of(c0)
    outputs = np.zeros((timesteps if return_sequences else 1, batch, units), dtype)
    recurrent_share = np.empty((batch, 4 * units), dtype)
    input_times_candidate = np.empty((batch, units), dtype)
    output = outputs[0]

    for k in range(timesteps):
        a = gates[k]
        np.matmul(hiddens[k], w_h_loop, out=recurrent_share)
        a += recurrent_share
        np.tanh(a, out=a)
        a *= half
        a += offset
        i, f, o, g = _gate_blocks(a, units)
        c = cells[k + 1]
        np.multiply(f, cells[k], out=c)
        np.multiply(i, g, out=input_times_candidate)
        c += input_times_candidate
        np.tanh(c, out=tanh_cells[k])
        h = hiddens[k + 1]
        np.multiply(o, tanh_cells[k], out=h)
        if step_masks is None:
            output = h
        else:
            # A padded step changes nothing: states and output carry over.
            keep = step_masks[k]
            output = np.where(keep, h, output)
            np.copyto(h, hiddens[k], where=~keep)
            np.copyto(c, cells[k], where=~keep)
        if return_sequences:
            outputs[k] = output
    if not return_sequences:
        outputs[0] = output
    packed = np.concatenate([outputs, hiddens[-1:], cells[-1:]]).transpose(1, 0, 2)
    packed = np.ascontiguousarray(packed)

    def backward(grad):
        grad = grad.transpose(1, 0, 2)  # time-major, like everything here
        d_outputs = grad[:-2]
        dh, dc = grad[-2].copy(), grad[-1].copy()
        # Without return_sequences the only output is the last step's.
        last_output_grad = np.zeros((batch, units), dtype) if return_sequences else d_outputs[0]
        if step_masks is None:
            dh += last_output_grad
        else:
            # A masked step repeats the previous output, so the gradient of its
            # output belongs to an earlier step: carried back until a kept step.
            d_output_carry = last_output_grad
        w_h_back = np.ascontiguousarray(w_h[:, columns].T)
        # d_gates[k]: gradient with respect to step k's gate pre-activations z.
        d_gates = np.empty((timesteps, batch, 4 * units), dtype)
        derivative = np.empty((batch, 4 * units), dtype)
        shifted = np.empty((batch, 4 * units), dtype)
        # For a sigmoid s the derivative is (1 - s) * s; for tanh g it is (1 - g) * (1 + g).
        derivative_shift = np.where(sigmoid_columns, 0.0, 1.0).astype(dtype)
        dc_total = np.empty((batch, units), dtype)
        for k in range(timesteps - 1, -1, -1):
            a = gates[k]
            i, f, o, g = _gate_blocks(a, units)
            if step_masks is None:
                if return_sequences:
                    dh += d_outputs[k]
            else:
                d_output = d_output_carry + d_outputs[k] if return_sequences else d_output_carry
                keep = step_masks[k]
                dh_skip, dc_skip = np.where(keep, 0, dh), np.where(keep, 0, dc)
                dh = np.where(keep, dh + d_output, 0)
                dc = np.where(keep, dc, 0)
                d_output_carry = np.where(keep, 0, d_output)
            # h = o * tanh(c), so c also receives dh * o * (1 - tanh(c)^2).
            tanh_c = tanh_cells[k]
            np.multiply(tanh_c, tanh_c, out=dc_total)
            np.subtract(1, dc_total, out=dc_total)
            dc_total *= o
            dc_total *= dh
            dc_total += dc
            # Gradients of the gate activations i, f, o, c ...
            d = d_gates[k]
            np.multiply(dc_total, g, out=d[:, :units])
            np.multiply(dc_total, cells[k], out=d[:, units : 2 * units])
            np.multiply(dh, tanh_c, out=d[:, 2 * units : 3 * units])
            np.multiply(dc_total, i, out=d[:, 3 * units :])
            # ... times the activations' derivatives.
            np.subtract(1, a, out=derivative)
            np.add(a, derivative_shift, out=shifted)
            derivative *= shifted
            d *= derivative
            np.matmul(d, w_h_back, out=dh)
            np.multiply(dc_total, f, out=dc)
            if step_masks is not None:
                dh += dh_skip
                dc += dc_skip

        d_flat = d_gates.reshape(-1, 4 * units)
        keras_columns = np.argsort(columns)
        d_kernel = (x_steps.reshape(-1, features).T @ d_flat)[:, keras_columns]
        d_recurrent = (hiddens[:-1].reshape(-1, units).T @ d_flat)[:, keras_columns]
        d_bias = None if bias is None else d_flat.sum(axis=0)[keras_columns]
        d_inputs = None
        if wants_grad(inputs):
            d_steps = (d_flat @ w_x[:, columns].T).reshape(timesteps, batch, features)
            d_inputs = np.ascontiguousarray(d_steps[time_order].transpose(1, 0, 2))
        return d_inputs, d_kernel, d_recurrent, d_bias, dh, dc

    parents = (inputs, kernel, recurrent_kernel, bias, h0, c0)
    return record(packed, parents, backward, "lstm_sequence")
