"""The whole LSTM layer, input to last state, as one fused op: for speed.

`LSTM._step` in lstm.py is the readable cell, one timestep of recorded
`kerastutor.ops`. This file computes the same numbers as one op with a
hand-written backward pass (backpropagation through time): `_forward` runs
the sequence and keeps what the gradients need in `_Saved`, `_backward` walks
the steps in reverse. Tests check both paths agree, and this op against
central differences.

* The input's share of every gate, `x @ kernel + bias`, does not depend on
  the previous step: big matmuls over blocks of steps, run on a second core
  while the loop runs (background.py), as are the kernel gradients.
* The loop runs time-major, (timesteps, batch, ...), so each step's rows sit
  together in memory; `go_backwards` just reverses the time axis of that copy.
* Each step is a handful of NumPy calls into preallocated arrays (`out=`), on
  one BLAS thread if its matmul is small (ops/threads.py).
* The columns are reordered from Keras's i, f, c, o to i, f, o, g, so the
  three sigmoid gates sit side by side, and sigmoid(z) = 0.5 + 0.5 * tanh(z / 2)
  lets one `np.tanh` call activate all four gates (the sigmoid columns'
  weights halved once; a multiply-add per step finishes the sigmoids).
"""

from dataclasses import dataclass

import numpy as np

from kerastutor.autodiff import data_of, record_outputs, wants_grad
from kerastutor.layers import background
from kerastutor.ops.threads import loop_blas_threads

__all__ = ["lstm_sequence"]


def _loop_columns(units):
    """Column order inside the loop, as indices into Keras's i, f, c, o columns."""
    i, f, c, o = (np.arange(gate * units, (gate + 1) * units) for gate in range(4))
    return np.concatenate([i, f, o, c])


def _gate_blocks(a, units):
    """Views of the i, f, o and g blocks of a (batch, 4 * units) array in loop order."""
    return a[:, :units], a[:, units : 2 * units], a[:, 2 * units : 3 * units], a[:, 3 * units :]


@dataclass
class _Saved:
    """What the forward pass keeps for the backward pass (minitorch's ctx)."""

    x_steps: np.ndarray  # (timesteps, batch, features), in processing order
    gates: np.ndarray  # (timesteps, batch, 4u): i, f, o, g after their activations
    hiddens: np.ndarray  # (timesteps + 1, batch, u): h before step k at index k
    cells: np.ndarray  # (timesteps + 1, batch, u): c before step k at index k
    tanh_cells: np.ndarray  # (timesteps, batch, u): tanh(c) after step k
    step_masks: object  # None, or (timesteps, batch, 1) booleans
    kernel: np.ndarray  # Keras's column order
    recurrent_kernel: np.ndarray
    columns: np.ndarray  # loop order as indices into Keras's columns
    time_order: slice
    return_sequences: bool


def lstm_sequence(
    inputs, kernel, recurrent_kernel, bias, h0, c0, mask=None, go_backwards=False,
    return_sequences=False,
):  # fmt: skip
    """Run an LSTM with the default activations over a whole sequence.

    Args:
        inputs: (batch, timesteps, features).
        kernel: (features, 4 * units), recurrent_kernel: (units, 4 * units),
            bias: (4 * units,) or None; columns in Keras's order i, f, c, o.
        h0, c0: (batch, units) initial states.
        mask: optional (batch, timesteps) booleans; at a masked step the states
            carry over and the output repeats the last one (zeros at first), as in Keras.
        go_backwards: process the timesteps in reverse order.
        return_sequences: every step's output (in processing order), not only the last.

    Returns:
        (output, h, c): output is (batch, timesteps, units) or (batch, units);
        h and c are the final states, (batch, units). Three Tensors recorded
        as one op when gradients are wanted.
    """
    output, h, c, saved = _forward(
        inputs, kernel, recurrent_kernel, bias, h0, c0, mask, go_backwards, return_sequences
    )

    def backward(d_output, d_h, d_c):
        grads = list(_backward(saved, d_output, d_h, d_c, wants_grad(inputs)))
        grads[3] = None if bias is None else grads[3]  # d_bias
        return grads

    parents = (inputs, kernel, recurrent_kernel, bias, h0, c0)
    return record_outputs((output, h, c), parents, backward, "lstm_sequence")


def _forward(inputs, kernel, recurrent_kernel, bias, h0, c0, mask, go_backwards, sequences):
    x, w_x, w_h = data_of(inputs), data_of(kernel), data_of(recurrent_kernel)
    batch, timesteps, features = x.shape
    units = w_h.shape[0]
    dtype = np.result_type(x.dtype, w_x.dtype, w_h.dtype)
    columns = _loop_columns(units)
    b = np.zeros(4 * units, dtype) if bias is None else data_of(bias)[columns]

    # sigmoid(z) = 0.5 + 0.5 * tanh(z / 2): halve the sigmoid columns' weights
    # once, so that after one np.tanh, `a * half + offset` is each gate.
    sigmoid_columns = np.arange(4 * units) < 3 * units
    half = np.where(sigmoid_columns, 0.5, 1.0).astype(dtype)
    offset = np.where(sigmoid_columns, 0.5, 0.0).astype(dtype)
    w_h_loop = np.ascontiguousarray(w_h[:, columns] * half)
    w_x_loop = (w_x[:, columns] * half).astype(dtype)

    time_order = slice(None, None, -1) if go_backwards else slice(None)
    step_masks = None if mask is None else np.asarray(mask, dtype=bool).T[time_order, :, None]

    hiddens, cells = (np.empty((timesteps + 1, batch, units), dtype) for _ in range(2))
    tanh_cells = np.empty((timesteps, batch, units), dtype)
    hiddens[0], cells[0] = data_of(h0), data_of(c0)
    outputs = np.zeros((timesteps if sequences else 1, batch, units), dtype)
    recurrent_share = np.empty((batch, 4 * units), dtype)
    input_times_candidate = np.empty((batch, units), dtype)
    output = outputs[0]
    with loop_blas_threads(batch, units, 4 * units):  # one thread if small (ops/threads.py)
        # Time-major copy of the inputs, in processing order, and gates[k] = x_k @
        # kernel + bias (halved): one matmul per block of steps, on a second core.
        jobs = background.Background(x.size * 4 * units, (batch, units, 4 * units), timesteps)
        x_in_order = x.transpose(1, 0, 2)[time_order]
        x_steps, gates = background.project_in_blocks(jobs, x_in_order, w_x_loop, b * half)
        for k in range(timesteps):
            jobs.wait(k // jobs.size)  # this block's gates are made
            # z = x_k @ kernel + h @ recurrent_kernel + bias;  i, f, o = sigmoid(z), g = tanh(z)
            a = gates[k]
            np.matmul(hiddens[k], w_h_loop, out=recurrent_share)
            a += recurrent_share
            np.tanh(a, out=a)
            a *= half
            a += offset
            i, f, o, g = _gate_blocks(a, units)
            # c = f * c + i * g
            c = cells[k + 1]
            np.multiply(f, cells[k], out=c)
            np.multiply(i, g, out=input_times_candidate)
            c += input_times_candidate
            # h = o * tanh(c)
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
            if sequences:
                outputs[k] = output
    if not sequences:
        outputs[0] = output

    saved = _Saved(
        x_steps, gates, hiddens, cells, tanh_cells, step_masks, w_x, w_h, columns, time_order,
        sequences,
    )  # fmt: skip
    result = np.ascontiguousarray(outputs.transpose(1, 0, 2)) if sequences else outputs[0].copy()
    return result, hiddens[-1].copy(), cells[-1].copy(), saved


def _backward(saved, d_output, d_h, d_c, input_grad_wanted):
    """Backpropagation through time: the gradients of every parent of the op."""
    s = saved
    timesteps, batch, units = s.tanh_cells.shape
    dtype = s.gates.dtype
    dh, dc = np.array(d_h, dtype), np.array(d_c, dtype)
    if s.return_sequences:
        d_outputs = np.asarray(d_output, dtype).transpose(1, 0, 2)  # time-major
        last_output_grad = np.zeros((batch, units), dtype)
    else:
        d_outputs = None
        last_output_grad = np.asarray(d_output, dtype)
    if s.step_masks is None:
        dh += last_output_grad
    else:
        # A masked step repeats the previous output, so the gradient of its
        # output belongs to an earlier step: carried back until a kept step.
        d_output_carry = last_output_grad
    w_h_back = np.ascontiguousarray(s.recurrent_kernel[:, s.columns].T)
    # d_gates[k]: gradient with respect to step k's gate pre-activations z.
    d_gates = np.empty((timesteps, batch, 4 * units), dtype)
    derivative, shifted = np.empty((batch, 4 * units), dtype), np.empty((batch, 4 * units), dtype)
    # For a sigmoid s the derivative is (1 - s) * s; for tanh g it is (1 - g) * (1 + g).
    derivative_shift = np.where(np.arange(4 * units) < 3 * units, 0.0, 1.0).astype(dtype)
    dc_total = np.empty((batch, units), dtype)
    d_kernel = np.zeros((s.x_steps.shape[-1], 4 * units), dtype)
    d_recurrent = np.zeros((units, 4 * units), dtype)
    # z = x @ kernel + h @ recurrent_kernel + bias: each block's share of the kernel gradients.
    products = [(s.x_steps, d_gates, d_kernel), (s.hiddens, d_gates, d_recurrent)]
    with loop_blas_threads(batch, 4 * units, units):  # one thread if small (ops/threads.py)
        work = s.x_steps.size * 4 * units
        jobs = background.Background(work, (batch, 4 * units, units), timesteps)
        for k in range(timesteps - 1, -1, -1):
            i, f, o, g = _gate_blocks(s.gates[k], units)
            if s.step_masks is None:
                if s.return_sequences:
                    dh += d_outputs[k]
            else:
                d_step = d_output_carry + d_outputs[k] if s.return_sequences else d_output_carry
                keep = s.step_masks[k]
                dh_skip, dc_skip = np.where(keep, 0, dh), np.where(keep, 0, dc)
                dh = np.where(keep, dh + d_step, 0)
                dc = np.where(keep, dc, 0)
                d_output_carry = np.where(keep, 0, d_step)
            # h = o * tanh(c), so dc_total = dc + dh * o * (1 - tanh(c)^2)
            tanh_c = s.tanh_cells[k]
            np.multiply(tanh_c, tanh_c, out=dc_total)
            np.subtract(1, dc_total, out=dc_total)
            dc_total *= o
            dc_total *= dh
            dc_total += dc
            # c = f * c_prev + i * g:  di = dc * g, df = dc * c_prev, dg = dc * i;  do = dh * tanh(c)
            d = d_gates[k]
            np.multiply(dc_total, g, out=d[:, :units])
            np.multiply(dc_total, s.cells[k], out=d[:, units : 2 * units])
            np.multiply(dh, tanh_c, out=d[:, 2 * units : 3 * units])
            np.multiply(dc_total, i, out=d[:, 3 * units :])
            # dz = d(gate) * sigmoid'(z) = d * (1 - s) * s  (tanh'(z) = (1 - g) * (1 + g) for g)
            np.subtract(1, s.gates[k], out=derivative)
            np.add(s.gates[k], derivative_shift, out=shifted)
            derivative *= shifted
            d *= derivative
            # z = ... + h_prev @ recurrent_kernel:  dh_prev = dz @ recurrent_kernel.T;  dc_prev = dc * f
            np.matmul(d, w_h_back, out=dh)
            np.multiply(dc_total, f, out=dc)
            if s.step_masks is not None:
                dh += dh_skip
                dc += dc_skip
            jobs.add_block_products_from(k, products)  # the kernel gradients
        jobs.wait_all()

    d_flat = d_gates.reshape(-1, 4 * units)
    keras_columns = np.argsort(s.columns)
    d_inputs = None
    if input_grad_wanted:
        d_steps = (d_flat @ s.kernel[:, s.columns].T).reshape(s.x_steps.shape)
        d_inputs = np.ascontiguousarray(d_steps[s.time_order].transpose(1, 0, 2))
    d_bias = d_flat.sum(axis=0)[keras_columns]
    return d_inputs, d_kernel[:, keras_columns], d_recurrent[:, keras_columns], d_bias, dh, dc
