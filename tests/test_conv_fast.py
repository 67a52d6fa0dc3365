"""The fast paths of convolution and max pooling give the plain versions' numbers.

`kerastutor.ops.nn.fast_kernels(False)` runs the plain, offset-by-offset
code; by default the fast paths run. For each case both compute the output
and the gradients of every input for the same upstream gradient, and they
must agree: exactly for max pooling (it only moves numbers), to float32
rounding for convolutions (a matrix product may sum in another order).
Central differences check both paths. Last, the convolutions' request to
glibc to keep freed memory for reuse (kerastutor/ops/freed_memory.py).
"""

import ctypes
import os
import signal
import threading
import time
import warnings

import numpy as np
import pytest

from kerastutor import autodiff, ops
from kerastutor import layers as L
from kerastutor.autodiff import Variable, data_of
from kerastutor.models import Model
from kerastutor.ops import freed_memory, threads
from kerastutor.ops.nn import fast_kernels, fast_kernels_enabled
from kerastutor.utils import grad_check


def output_and_grads(op, inputs, kwargs, upstream_seed=0):
    """op(*inputs, **kwargs) and the gradient of sum(output * g) for every input."""
    variables = [Variable(x, name=f"input_{i}") for i, x in enumerate(inputs)]
    with autodiff.watch(variables):
        out = op(*variables, **kwargs)
        g = np.random.default_rng(upstream_seed).standard_normal(out.shape).astype(out.dtype)
        ops.sum(out * g).backward()
    return data_of(out), [v.grad for v in variables]


def assert_equal_to_float32_rounding(fast, plain):
    """Equal but for the order of a product's sums: float32 rounding of the largest value."""
    assert fast.dtype == plain.dtype
    atol = 1e-6 * max(1.0, float(np.abs(plain).max()))
    np.testing.assert_allclose(fast, plain, rtol=1e-5, atol=atol)


def both_paths(op, inputs, kwargs):
    fast = output_and_grads(op, inputs, kwargs)
    with fast_kernels(False):
        plain = output_and_grads(op, inputs, kwargs)
    return fast, plain


def test_the_switch_restores_the_previous_setting():
    assert fast_kernels_enabled()
    with fast_kernels(False):
        assert not fast_kernels_enabled()
        with fast_kernels(True):
            assert fast_kernels_enabled()
        assert not fast_kernels_enabled()
    assert fast_kernels_enabled()


# ---------------------------------------------------------------- max pooling

POOL_CASES = [
    ((2, 6, 6, 3), {"pool_size": 2}),
    ((2, 7, 5, 3), {"pool_size": 2}),  # the last row and column belong to no window
    ((3, 6, 6, 4), {"pool_size": (2, 3)}),
    ((2, 9, 3), {"pool_size": 3}),
    ((2, 8, 8, 2), {"pool_size": 2, "padding": "same"}),  # 'same' adds nothing here
    ((2, 4, 6, 6, 2), {"pool_size": 2}),  # three spatial axes
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape, kwargs", POOL_CASES)
def test_max_pool_fast_path_equals_the_plain_loop(shape, kwargs, dtype):
    # After relu many windows hold several zeros: ties, which go to the first.
    x = np.maximum(np.random.default_rng(3).standard_normal(shape), 0).astype(dtype)
    (out, (grad,)), (plain_out, (plain_grad,)) = both_paths(ops.max_pool, [x], kwargs)
    assert out.dtype == plain_out.dtype == grad.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, plain_out)
    np.testing.assert_array_equal(grad, plain_grad)


def test_max_pool_ties_send_the_gradient_to_the_first_in_row_major_order():
    x = np.zeros((1, 2, 2, 1), "float32")
    x[0, 1, :, 0] = 5.0  # two equal maxima: (1, 0) comes first
    _, (grad,) = output_and_grads(ops.max_pool, [x], {"pool_size": 2})
    g = np.random.default_rng(0).standard_normal((1, 1, 1, 1)).astype("float32")
    expected = np.zeros_like(x)
    expected[0, 1, 0, 0] = g[0, 0, 0, 0]
    np.testing.assert_array_equal(grad, expected)


@pytest.mark.parametrize("enabled", [True, False])
def test_max_pool_gradients_by_central_differences(enabled):
    x = np.random.default_rng(4).standard_normal((2, 5, 4, 3))
    with fast_kernels(enabled):
        report = grad_check(ops.max_pool, x, kwargs={"pool_size": 2})
    assert max(report.values()) < 1e-6


# ---------------------------------------------------------------- Conv layers' fused call


def layer_output_and_grads(layer, x):
    """layer(x) and the gradients of sum(output * g) for the input and each weight."""
    inputs = Variable(x, name="inputs")
    weights = layer.trainable_weights
    with autodiff.watch([inputs, *weights]):
        out = layer(inputs)
        g = np.random.default_rng(5).standard_normal(out.shape).astype(out.dtype)
        ops.sum(out * g).backward()
    return data_of(out), [inputs.grad] + [w.grad for w in weights]


@pytest.mark.parametrize("activation", ["relu", None])
@pytest.mark.parametrize(
    "layer_class, shape, kwargs",
    [
        (L.Conv2D, (2, 7, 6, 3), {"kernel_size": 3}),
        (L.Conv2D, (2, 7, 6, 4), {"kernel_size": (2, 3), "strides": 2, "padding": "same"}),
        (L.Conv2D, (2, 8, 8, 4), {"kernel_size": 3, "groups": 2, "dilation_rate": 2}),
        (L.Conv1D, (2, 9, 3), {"kernel_size": 3, "padding": "causal"}),
    ],
)
def test_conv_layers_fused_call_equals_conv_then_bias_then_activation(
    layer_class, shape, kwargs, activation
):
    layer = layer_class(4, activation=activation, **kwargs)
    x = np.random.default_rng(6).standard_normal(shape).astype("float32")
    layer(x)  # build
    layer.bias.assign(np.random.default_rng(7).standard_normal(layer.bias.shape))
    fused = layer_output_and_grads(layer, x)
    with fast_kernels(False):
        plain = layer_output_and_grads(layer, x)
    # The fused call's products run a chunk of images at a time.
    for fused_value, plain_value in zip([fused[0], *fused[1]], [plain[0], *plain[1]], strict=True):
        assert fused_value.dtype == np.float32
        assert_equal_to_float32_rounding(fused_value, plain_value)


def test_the_fused_call_is_used_only_where_it_computes_the_same_thing():
    x = np.ones((1, 5, 5, 2), "float32")
    cases = {
        "relu": (L.Conv2D(2, 3, activation="relu"), x, True),
        "linear": (L.Conv2D(2, 3), x, True),
        "tanh": (L.Conv2D(2, 3, activation="tanh"), x, False),
        "no bias": (L.Conv2D(2, 3, use_bias=False), x, False),
        "float64 input": (L.Conv2D(2, 3), x.astype("float64"), False),
        "depthwise": (L.DepthwiseConv2D(3), x, False),
    }
    for name, (layer, inputs, expected) in cases.items():
        layer(inputs)
        assert layer._fused_call_applies(inputs) is expected, name
        with fast_kernels(False):
            assert not layer._fused_call_applies(inputs), name


@pytest.mark.parametrize("relu", [True, False])
def test_conv_bias_relu_gradients_by_central_differences(relu):
    rng = np.random.default_rng(8)
    x, kernel, bias = (
        rng.standard_normal((2, 5, 4, 2)),
        rng.standard_normal((3, 2, 2, 3)),
        rng.standard_normal(3),
    )
    report = grad_check(
        ops.nn.conv_bias_relu, [x, kernel, bias], kwargs={"padding": "same", "relu": relu}
    )
    assert max(report.values()) < 1e-6


# ---------------------------------------------------------------- conv's input gradient

CONV_CASES = [
    ((4, 7, 6, 3), (3, 3, 3, 5), {}),
    ((4, 7, 6, 3), (2, 3, 3, 5), {"strides": (2, 1), "padding": "same"}),
    ((3, 9, 8, 2), (3, 2, 2, 4), {"dilation_rate": (2, 3)}),
    ((5, 11, 3), (3, 3, 4), {"padding": "causal", "strides": 2}),
]


@pytest.mark.parametrize("cores", [1, 2])  # 1: the tasks run one after the other
@pytest.mark.parametrize("chunk_bytes", [1, 2**30])  # one image per task; one task per core
@pytest.mark.parametrize("x_shape, kernel_shape, kwargs", CONV_CASES)
def test_conv_in_chunks_equals_the_plain_code(
    monkeypatch, cores, chunk_bytes, x_shape, kernel_shape, kwargs
):
    monkeypatch.setattr(ops.nn, "worker_cores", lambda: cores)  # how the batch is chunked
    monkeypatch.setattr(threads, "worker_cores", lambda: cores)  # how many threads run them
    monkeypatch.setattr(ops.nn, "_CHUNK_BYTES", chunk_bytes)
    rng = np.random.default_rng(9)
    x = rng.standard_normal(x_shape).astype("float32")
    kernel = rng.standard_normal(kernel_shape).astype("float32")
    (out, grads), (plain_out, plain_grads) = both_paths(ops.conv, [x, kernel], kwargs)
    for value, plain_value in zip([out, *grads], [plain_out, *plain_grads], strict=True):
        assert value.dtype == np.float32
        assert_equal_to_float32_rounding(value, plain_value)


@pytest.mark.parametrize("enabled", [True, False])
def test_conv_gradients_by_central_differences_in_several_chunks(monkeypatch, enabled):
    monkeypatch.setattr(ops.nn, "_CHUNK_BYTES", 200)  # a few images per chunk
    rng = np.random.default_rng(10)
    x, kernel = rng.standard_normal((5, 5, 4, 2)), rng.standard_normal((3, 2, 2, 3))
    with fast_kernels(enabled):
        report = grad_check(ops.conv, [x, kernel], kwargs={"padding": "same"})
    assert max(report.values()) < 1e-6


def test_tasks_on_every_core_return_their_results_in_order():
    assert threads.on_every_core(lambda n: n * n, list(range(7))) == [0, 1, 4, 9, 16, 25, 36]
    chunks = ops.nn._image_chunks(5, 1)  # tiny images: one chunk per core
    covered = [i for chunk in chunks for i in range(5)[chunk]]
    assert covered == [0, 1, 2, 3, 4] and len(chunks) == min(5, threads.worker_cores())


# ---------------------------------------------------------------- a whole model


def small_cnn():
    """The benchmark's pool model, smaller: Conv2D, MaxPooling2D twice, then Dense."""
    x = L.Input(shape=(12, 11, 3))
    h = L.MaxPooling2D()(L.Conv2D(4, 3, activation="relu")(x))
    h = L.MaxPooling2D()(L.Conv2D(6, 3, activation="relu")(h))
    model = Model(x, L.Dense(3, activation="softmax")(L.Flatten()(h)))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def test_three_training_steps_of_a_cnn_match_with_and_without_the_fast_paths():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((8, 12, 11, 3)).astype("float32")
    y = rng.integers(0, 3, size=(8,))
    fast, plain = small_cnn(), small_cnn()
    plain.set_weights(fast.get_weights())
    fast_losses = [float(fast.train_on_batch(x, y)) for _ in range(3)]
    with fast_kernels(False):
        plain_losses = [float(plain.train_on_batch(x, y)) for _ in range(3)]
    np.testing.assert_allclose(fast_losses, plain_losses, rtol=1e-6)
    for fast_weight, plain_weight in zip(fast.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_allclose(fast_weight, plain_weight, rtol=1e-5, atol=1e-7)


# ---------------------------------------------------------------- freed memory kept for reuse


def glibc_present():
    try:
        ctypes.CDLL("libc.so.6").gnu_get_libc_version  # noqa: B018
    except (OSError, AttributeError):
        return False
    return True


def test_a_convolution_asks_glibc_once_to_keep_freed_memory(monkeypatch):
    calls = []
    monkeypatch.setattr(freed_memory, "_DONE", [])
    monkeypatch.setattr(freed_memory, "_set_glibc_options", lambda: calls.append(1) or True)
    x, kernel = np.ones((1, 4, 4, 1), "float32"), np.ones((3, 3, 1, 2), "float32")
    ops.conv(x, kernel)
    ops.conv(x, kernel)
    assert calls == [1]
    assert freed_memory.keep_freed_memory() is True


def test_keep_freed_memory_takes_effect_on_glibc_and_can_be_turned_off(monkeypatch):
    assert freed_memory._set_glibc_options() is glibc_present()
    monkeypatch.setenv("KERASTUTOR_KEEP_FREED_MEMORY", "0")
    assert freed_memory._set_glibc_options() is False


@pytest.mark.skipif(
    not hasattr(os, "fork") or threads.worker_cores() < 2, reason="needs os.fork and two cores"
)
def test_a_forked_child_runs_tasks_on_every_core_with_threads_of_its_own():
    both_started = threading.Barrier(2, timeout=10)  # the parent's pool has both its threads
    threads.on_every_core(lambda _: both_started.wait(), [0, 1])
    read, write = os.pipe()
    with warnings.catch_warnings():  # Python 3.12+ warns that fork copies no threads
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: the parent's threads are gone
        try:
            os.write(write, bytes(threads.on_every_core(abs, [-3, -4])))
        finally:
            os._exit(0)
    os.close(write)
    status, deadline = None, time.monotonic() + 30
    while status is None and time.monotonic() < deadline:
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = code
        else:
            time.sleep(0.01)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert status == 0, "the child hung, waiting for threads it does not have"
    assert os.read(read, 2) == bytes([3, 4])


def test_an_empty_batch_is_pooled_and_convolved_like_any_other():
    x = np.ones((0, 4, 4, 2), "float32")
    assert ops.max_pool(x, 2).shape == (0, 2, 2, 2)
    assert ops.conv(x, np.ones((3, 3, 2, 5), "float32")).shape == (0, 2, 2, 5)
