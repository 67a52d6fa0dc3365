"""Behaviour of kerastutor.ops on arrays and on watched tensors.

Values are compared with NumPy (and with what Keras 3 returns for the same
NumPy inputs: dtypes, shapes, defaults); gradients with central differences
through kerastutor.utils.grad_check. Several cases port the behaviour of
Keras's own keras/src/ops/numpy_test.py, core_test.py and nn_test.py.
"""

import numpy as np
import pytest

from kerastutor import ops
from kerastutor.autodiff import Tensor, Variable, watch
from kerastutor.utils import grad_check


def watched(value):
    """A Variable being watched, so ops on it record gradients."""
    variable = Variable(np.asarray(value, dtype=np.float64), name="x")
    variable.requires_grad = True
    return variable


def grad_of(op, x, *args, **kwargs):
    """d sum(op(x, ...)) / dx, from backward()."""
    variable = Variable(np.asarray(x, dtype=np.float64), name="x")
    with watch([variable]):
        ops.sum(op(variable, *args, **kwargs)).backward()
    return variable.grad


# ---------------------------------------------------------------- indexing


class TestGetItem:
    x = np.arange(24.0).reshape(2, 3, 4)

    @pytest.mark.parametrize(
        "key",
        [
            0,
            -1,
            (slice(None), 0),
            (slice(None), slice(1, 3)),
            (Ellipsis, None),
            (Ellipsis, 1),
            (None, slice(None), None),
            (slice(None, None, -1), slice(None, None, 2)),
            (0, np.array([2, 0, 2])),
            np.array([[1, 0], [0, 1]]),
            (slice(None), [0, 0, 1], slice(1, None)),
        ],
    )
    def test_values_match_numpy(self, key):
        np.testing.assert_array_equal(ops.get_item(self.x, key), self.x[key])

    def test_a_single_number_is_a_zero_d_array(self):
        out = ops.get_item(self.x, (1, 2, 3))
        assert isinstance(out, np.ndarray) and out.shape == () and out == 23.0

    def test_boolean_mask(self):
        mask = self.x > 20
        np.testing.assert_array_equal(ops.get_item(self.x, mask), [21.0, 22.0, 23.0])

    def test_an_index_array_may_be_a_tensor(self):
        indices = Tensor(np.array([1, 1]))
        np.testing.assert_array_equal(ops.get_item(self.x, indices), self.x[[1, 1]])

    def test_gradient_is_one_where_read(self):
        grad = grad_of(ops.get_item, self.x, (slice(None), 1))
        expected = np.zeros_like(self.x)
        expected[:, 1] = 1
        np.testing.assert_array_equal(grad, expected)

    def test_gradient_adds_up_repeated_reads(self):
        grad = grad_of(ops.get_item, np.zeros(4), np.array([0, 2, 0, 0]))
        np.testing.assert_array_equal(grad, [3.0, 0.0, 1.0, 0.0])

    def test_gradient_of_a_boolean_mask(self):
        mask = np.array([True, False, True])
        np.testing.assert_array_equal(grad_of(ops.get_item, np.ones(3), mask), [1, 0, 1])

    def test_grad_check_with_new_axis_and_ellipsis(self):
        grad_check(ops.get_item, [np.random.default_rng(0).normal(size=(2, 3)), (None, ..., 1)])

    def test_out_of_range_index_raises_index_error(self):
        with pytest.raises(IndexError):
            ops.get_item(self.x, 5)


# ---------------------------------------------------------------- activations

# Keras's own expected values (nn_test.py, NNOpsCorrectnessTest) at x = -1, 0, 1, 2, 3.
KERAS_ACTIVATIONS = [
    ("softsign", {}, [-0.5, 0, 0.5, 0.6666667, 0.75]),
    ("silu", {}, [-0.26894143, 0, 0.7310586, 1.7615942, 2.8577223]),
    ("swish", {}, [-0.26894143, 0, 0.7310586, 1.7615942, 2.8577223]),
    ("leaky_relu", {}, [-0.2, 0, 1, 2, 3]),
    ("leaky_relu", {"negative_slope": 0.01}, [-0.01, 0, 1, 2, 3]),
    ("hard_sigmoid", {}, [0.33333334, 0.5, 0.6666667, 0.8333334, 1.0]),
    ("elu", {}, [-0.63212055, 0, 1, 2, 3]),
    ("elu", {"alpha": 0.5}, [-0.31606027, 0, 1, 2, 3]),
    ("selu", {}, [-1.1113307, 0.0, 1.050701, 2.101402, 3.152103]),
    ("gelu", {}, [-0.15880796, 0.0, 0.841192, 1.9545977, 2.9963627]),
    # keras.ops.gelu(x, approximate=False), from Keras 3.15.1
    ("gelu", {"approximate": False}, [-0.15865526, 0.0, 0.8413447, 1.9544997, 2.9959502]),
]


@pytest.mark.parametrize("name, kwargs, expected", KERAS_ACTIVATIONS)
def test_activation_values_match_keras(name, kwargs, expected):
    x = np.array([-1, 0, 1, 2, 3], dtype=np.float32)
    out = getattr(ops, name)(x, **kwargs)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "name", ["gelu", "silu", "elu", "selu", "leaky_relu", "softsign", "hard_sigmoid", "log_softmax"]
)
def test_activations_keep_float64_and_turn_ints_into_float32(name):
    op = getattr(ops, name)
    assert op(np.array([1.0, 2.0])).dtype == np.float64
    assert op(np.array([1, 2])).dtype == np.float32
    np.testing.assert_allclose(op(np.array([1, 2])), op(np.array([1.0, 2.0])), rtol=1e-6)


def test_hard_sigmoid_is_keras_3s_line_not_keras_2s():
    # Keras 3: x / 6 + 0.5, flat beyond +-3 (Keras 2 used 0.2 * x + 0.5, flat beyond +-2.5).
    np.testing.assert_allclose(
        ops.hard_sigmoid(np.array([-3.0, -2.5, 2.5, 3.0])), [0, 1 / 12, 11 / 12, 1]
    )


def test_gelu_approximations_are_close_but_not_equal():
    x = np.linspace(-4, 4, 41)
    gap = np.abs(ops.gelu(x) - ops.gelu(x, approximate=False))
    assert 1e-4 < gap.max() < 1e-3


def test_elu_and_selu_are_continuous_at_zero_with_slope_one_above():
    np.testing.assert_allclose(grad_of(ops.elu, [-1e-9, 1e-9]), [1.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(grad_of(ops.selu, [2.0]), [1.0507009873554805])


def test_leaky_relu_slope():
    np.testing.assert_allclose(grad_of(ops.leaky_relu, [-2.0, 3.0]), [0.2, 1.0])


class TestLogSoftmax:
    # Keras's nn_test.py values for rows [1, 2, 3].
    x = np.array([[1, 2, 3], [1, 2, 3]], dtype=np.float32)

    def test_default_axis_is_the_last(self):
        np.testing.assert_allclose(
            ops.log_softmax(self.x), [[-2.407606, -1.407606, -0.407606]] * 2, rtol=1e-6
        )

    def test_axis_zero_and_none(self):
        np.testing.assert_allclose(
            ops.log_softmax(self.x, axis=0), np.full((2, 3), -0.693147), rtol=1e-6
        )
        np.testing.assert_allclose(
            ops.log_softmax(self.x, axis=None), [[-3.100753, -2.100753, -1.100753]] * 2, rtol=1e-6
        )

    @pytest.mark.parametrize("axis", [(0, 1), (0, 2), (1, 2)])
    def test_a_tuple_of_axes_normalizes_over_them(self, axis):
        x = np.arange(1.0, 9.0).reshape(2, 2, 2)
        np.testing.assert_allclose(np.exp(ops.log_softmax(x, axis=axis)).sum(axis=axis), 1.0)
        grad_check(ops.log_softmax, [x], kwargs={"axis": axis})

    def test_no_minus_infinity_for_far_apart_logits(self):
        out = ops.log_softmax(np.array([0.0, 1000.0], dtype=np.float32))
        np.testing.assert_allclose(out, [-1000.0, 0.0])

    def test_matches_log_of_softmax(self):
        x = np.random.default_rng(1).normal(size=(4, 5))
        np.testing.assert_allclose(ops.log_softmax(x), np.log(ops.softmax(x)))
