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
