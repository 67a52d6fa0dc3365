"""Behaviour of kerastutor.ops on arrays and on watched tensors.

Values are compared with NumPy (and with what Keras 3 returns for the same
NumPy inputs: dtypes, shapes, defaults); gradients with central differences
through kerastutor.utils.grad_check. Several cases port the behaviour of
Keras's own keras/src/ops/numpy_test.py, core_test.py and nn_test.py.
"""

import numpy as np
import pytest
from test_grad_check import OP_CASES

import kerastutor as keras
from kerastutor import ops
from kerastutor.autodiff import Tensor, Variable, data_of, watch
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
    ("log_sigmoid", {}, [-1.3132616, -0.6931472, -0.31326166, -0.126928, -0.04858732]),
    # printed by Keras 3.15.1 (keras.ops on the same float32 x)
    ("gelu", {"approximate": False}, [-0.15865526, 0.0, 0.8413447, 1.9544997, 2.9959502]),
    ("hard_silu", {}, [-0.33333334, 0.0, 0.6666667, 1.6666667, 3.0]),
    ("hard_swish", {}, [-0.33333334, 0.0, 0.6666667, 1.6666667, 3.0]),
    ("relu6", {}, [0.0, 0.0, 1.0, 2.0, 3.0]),
]


@pytest.mark.parametrize("name, kwargs, expected", KERAS_ACTIVATIONS)
def test_activation_values_match_keras(name, kwargs, expected):
    x = np.array([-1, 0, 1, 2, 3], dtype=np.float32)
    out = getattr(ops, name)(x, **kwargs)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "name",
    [
        "gelu",
        "silu",
        "elu",
        "selu",
        "leaky_relu",
        "softsign",
        "hard_sigmoid",
        "log_softmax",
        "hard_silu",
        "log_sigmoid",
    ],
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


# ---------------------------------------------------------------- arithmetic


@pytest.mark.parametrize(
    "name",
    ["add", "subtract", "multiply", "divide", "power", "floor_divide", "mod", "maximum", "minimum"],
)
def test_a_python_number_does_not_widen_float32(name):
    # Keras: float32 array (op) 2 is float32. NumPy 2 would widen to float64 if the 2 became an array.
    x = np.array([1.5, 2.5], dtype=np.float32)
    assert getattr(ops, name)(x, 2).dtype == np.float32
    assert getattr(ops, name)(3.0, x).dtype == np.float32


def test_where_with_a_python_number_keeps_float32():
    x = np.array([1.5, -2.5], dtype=np.float32)
    np.testing.assert_array_equal(ops.where(x > 0, x, 0), [1.5, 0.0])
    assert ops.where(x > 0, x, 0).dtype == np.float32


def test_power_values_and_the_gradient_for_the_exponent():
    np.testing.assert_array_equal(ops.power(np.array([1, 2, 3]), 2), [1, 4, 9])
    base = watched([2.0, 3.0])
    exponent = watched([3.0, 0.5])
    with watch([base, exponent]):
        ops.sum(ops.power(base, exponent)).backward()
    np.testing.assert_allclose(base.grad, [12.0, 0.5 / np.sqrt(3.0)])
    np.testing.assert_allclose(exponent.grad, [8 * np.log(2.0), np.sqrt(3.0) * np.log(3.0)])


def test_power_skips_the_exponent_gradient_nobody_wants():
    # x1 < 0 has no real log, but with a constant exponent it is never computed.
    np.testing.assert_allclose(grad_of(ops.power, [-2.0], 3.0), [12.0])


def test_floor_divide_and_mod_follow_pythons_signs():
    # Keras's numpy_test.py: floor division and mod round towards minus infinity.
    x = np.array([5.0, -5.0, 7.5])
    np.testing.assert_array_equal(ops.floor_divide(x, 2), [2.0, -3.0, 3.0])
    np.testing.assert_array_equal(ops.mod(x, 3), [2.0, 1.0, 1.5])
    np.testing.assert_array_equal(ops.mod(np.array([5, -5]), 3), [2, 1])
    assert ops.floor_divide(np.array([5, -5]), 2).dtype.kind == "i"


def test_mod_gradient():
    np.testing.assert_allclose(grad_of(ops.mod, [5.5, -1.0], 2.0), [1.0, 1.0])


class TestEinsum:
    # Keras's numpy_test.py cases, against NumPy.
    x = np.arange(24.0).reshape(2, 3, 4)
    y = np.arange(24.0).reshape(2, 4, 3)

    @pytest.mark.parametrize(
        "subscripts", ["ijk,lkj->il", "ijk,ikj->i", "i...,j...k->...ijk", "ijk,ikj", "ijk,ikl->ijl"]
    )
    def test_values_match_numpy(self, subscripts):
        np.testing.assert_allclose(
            ops.einsum(subscripts, self.x, self.y), np.einsum(subscripts, self.x, self.y)
        )

    def test_a_scalar_operand(self):
        np.testing.assert_allclose(ops.einsum(",ijk", 5, self.y), 5 * self.y)

    def test_batched_matmul_gradient_equals_matmuls(self):
        a = np.random.default_rng(0).normal(size=(2, 3, 4))
        b = np.random.default_rng(1).normal(size=(2, 4, 5))
        av, bv = watched(a), watched(b)
        with watch([av, bv]):
            ops.sum(ops.einsum("bij,bjk->bik", av, bv)).backward()
        np.testing.assert_allclose(av.grad, np.ones((2, 3, 5)) @ b.transpose(0, 2, 1))
        np.testing.assert_allclose(bv.grad, a.transpose(0, 2, 1) @ np.ones((2, 3, 5)))

    def test_gradient_through_broadcast_ellipsis(self):
        rng = np.random.default_rng(2)
        grad_check(
            ops.einsum,
            ["...ij,...jk->...ik", rng.normal(size=(2, 1, 3, 4)), rng.normal(size=(5, 4, 2))],
        )

    def test_a_diagonal_computes_but_has_no_gradient_rule(self):
        np.testing.assert_allclose(ops.einsum("ii->i", np.eye(3) * 2), [2.0, 2.0, 2.0])
        with pytest.raises(ValueError, match=r"einsum 'ii->i': operand 0 repeats a letter"):
            grad_of(lambda x: ops.einsum("ii->i", x), np.eye(3))


# ---------------------------------------------------------------- elementwise


def test_minimum_gives_ties_to_the_first_argument():
    np.testing.assert_array_equal(ops.minimum(np.array([1.0, 5.0]), 3.0), [1.0, 3.0])
    a, b = watched([1.0, 2.0, 3.0]), watched([2.0, 2.0, 2.0])
    with watch([a, b]):
        ops.sum(ops.minimum(a, b)).backward()
    np.testing.assert_array_equal(a.grad, [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(b.grad, [0.0, 0.0, 1.0])


def test_sign_log1p_expm1():
    np.testing.assert_array_equal(ops.sign(np.array([-2, 0, 3])), [-1, 0, 1])
    tiny = np.array([1e-10])
    np.testing.assert_allclose(ops.log1p(tiny), tiny, rtol=1e-9)
    np.testing.assert_allclose(ops.expm1(tiny), tiny, rtol=1e-9)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "tanh", "log1p", "expm1"])
def test_float_valued_ops_give_float32_for_ints_as_keras(name):
    op = getattr(ops, name)
    assert op(np.array([1, 2])).dtype == np.float32
    assert op(np.array([1.0, 2.0])).dtype == np.float64


@pytest.mark.parametrize("name", ["square", "abs", "negative", "sign"])
def test_integer_valued_ops_keep_ints_as_keras(name):
    assert getattr(ops, name)(np.array([1, -2])).dtype == np.int64


# ---------------------------------------------------------------- comparisons


@pytest.mark.parametrize(
    "name, expected",
    [
        ("equal", [False, True, False]),
        ("not_equal", [True, False, True]),
        ("greater", [False, False, True]),
        ("greater_equal", [False, True, True]),
        ("less", [True, False, False]),
        ("less_equal", [True, True, False]),
    ],
)
def test_comparisons_return_bool_arrays(name, expected):
    out = getattr(ops, name)(np.array([1, 2, 3]), 2)
    assert out.dtype == bool
    np.testing.assert_array_equal(out, expected)


def test_logical_ops_treat_non_zero_as_true():
    a, b = np.array([1, 0, 2, 0]), np.array([1.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(ops.logical_and(a, b), [True, False, False, False])
    np.testing.assert_array_equal(ops.logical_or(a, b), [True, True, True, False])
    np.testing.assert_array_equal(ops.logical_xor(a, b), [False, True, True, False])
    np.testing.assert_array_equal(ops.logical_not(a), [False, True, False, True])


def test_a_comparison_of_a_watched_tensor_is_a_plain_mask():
    x = watched([1.0, -1.0])
    mask = ops.greater(x, 0)
    assert isinstance(mask, np.ndarray) and mask.dtype == bool


# ---------------------------------------------------------------- reductions

X23 = np.array([[1, 2, 3], [3, 2, 1]])


@pytest.mark.parametrize("name", ["max", "min", "prod", "sum"])
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"axis": 0}, {"axis": 1}, {"axis": (0, 1)}, {"axis": ()}, {"axis": 1, "keepdims": True}],
)
def test_reductions_match_numpy(name, kwargs):
    # Keras's numpy_test.py: the same axis forms, including () (reduce nothing).
    out = getattr(ops, name)(X23, **kwargs)
    expected = getattr(np, name)(X23, **kwargs)
    assert isinstance(out, np.ndarray) and out.dtype == expected.dtype
    np.testing.assert_array_equal(out, expected)


def test_a_full_reduction_is_a_zero_d_array_not_a_python_number():
    for name in ["max", "min", "prod", "sum", "mean", "std", "var", "norm", "any", "all"]:
        out = getattr(ops, name)(X23)
        assert isinstance(out, np.ndarray) and out.shape == (), name


def test_max_and_min_with_initial():
    assert ops.max(X23, initial=4) == 4
    assert ops.min(X23, initial=0) == 0
    np.testing.assert_array_equal(ops.max(np.array([[]]), initial=1, keepdims=True), [[1.0]])


def test_max_of_an_empty_array_without_initial_explains():
    with pytest.raises(ValueError, match=r"`max` of an empty array \(shape \(0,\)\).*initial="):
        ops.max(np.zeros(0))


def test_max_sends_the_gradient_to_the_first_of_tied_values():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    np.testing.assert_array_equal(grad_of(ops.max, x, axis=1), [[0, 1, 0], [1, 0, 0]])
    np.testing.assert_array_equal(grad_of(ops.max, x), [[0, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(grad_of(ops.min, x, axis=0), [[1, 0, 0], [0, 1, 1]])


def test_max_with_a_winning_initial_sends_no_gradient():
    np.testing.assert_array_equal(
        grad_of(ops.max, [[1.0, 2.0], [5.0, 0.0]], axis=1, initial=3.0), [[0, 0], [1, 0]]
    )


def test_prod_gradient_with_zeros():
    # d prod / d x_i is the product of the others, also where x has zeros.
    np.testing.assert_array_equal(grad_of(ops.prod, [2.0, 0.0, 3.0]), [0.0, 6.0, 0.0])
    np.testing.assert_array_equal(grad_of(ops.prod, [0.0, 0.0, 3.0]), [0.0, 0.0, 0.0])


def test_prod_dtype_argument():
    assert ops.prod(np.array([1, 2], dtype=np.int32)).dtype == np.int32
    assert ops.prod(np.array([1, 2]), dtype="float32").dtype == np.float32


def test_mean_std_var_give_float32_for_ints_and_divide_by_n():
    for name in ["mean", "std", "var"]:
        assert getattr(ops, name)(X23, axis=0).dtype == np.float32, name
    np.testing.assert_allclose(ops.var(np.array([1.0, 2.0, 3.0, 4.0])), 1.25)
    np.testing.assert_allclose(ops.std(X23, axis=0), [1.0, 0.0, 1.0])
    np.testing.assert_allclose(ops.var(X23, axis=1, keepdims=True), [[2 / 3], [2 / 3]], rtol=1e-6)


class TestNorm:
    x = np.array([[3.0, 4.0], [0.0, 0.0]])

    def test_euclidean_by_default(self):
        assert ops.norm(self.x) == 5.0
        np.testing.assert_array_equal(ops.norm(self.x, axis=1), [5.0, 0.0])
        np.testing.assert_array_equal(ops.norm(self.x, axis=0, keepdims=True), [[3.0, 4.0]])

    def test_other_orders_for_vectors(self):
        np.testing.assert_array_equal(ops.norm(self.x, ord=1, axis=1), [7.0, 0.0])
        np.testing.assert_array_equal(ops.norm(self.x, ord=np.inf, axis=1), [4.0, 0.0])
        assert ops.norm(np.array([3.0, 4.0]), ord=2) == 5.0

    def test_ints_give_float32(self):
        assert ops.norm(np.array([3, 4])).dtype == np.float32

    def test_matrix_orders_are_refused_with_the_supported_ones(self):
        with pytest.raises(
            ValueError, match=r"`norm` supports ord=None.*received ord=2 with axis=None"
        ):
            ops.norm(self.x, ord=2)


def test_argmax_and_argmin_are_int32_first_position():
    # Keras's numpy_test.py cases; Keras returns int32 where NumPy returns int64.
    x = np.array([[1, 2, 3], [3, 2, 1], [4, 5, 6]])
    for kwargs in [{}, {"axis": 1}, {"axis": 1, "keepdims": True}, {"keepdims": True}]:
        np.testing.assert_array_equal(ops.argmax(x, **kwargs), np.argmax(x, **kwargs))
        np.testing.assert_array_equal(ops.argmin(x, **kwargs), np.argmin(x, **kwargs))
        assert ops.argmax(x, **kwargs).dtype == np.int32
    assert ops.argmax(np.array([2, 7, 7])) == 1


def test_any_and_all():
    x = np.array([[1, 0], [0, 0]])
    np.testing.assert_array_equal(ops.any(x, axis=1), [True, False])
    assert not ops.all(x) and ops.any(x)
    np.testing.assert_array_equal(ops.all(x > -1, axis=0, keepdims=True), [[True, True]])


def test_cumsum():
    x = np.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(ops.cumsum(x), [1, 3, 6, 10])
    np.testing.assert_array_equal(ops.cumsum(x, axis=0), [[1, 2], [4, 6]])
    assert ops.cumsum(x, dtype="float32").dtype == np.float32
    # each input counts in its own running sum and every later one
    np.testing.assert_array_equal(grad_of(ops.cumsum, [1.0, 1.0, 1.0]), [3.0, 2.0, 1.0])


def test_reduction_axis_out_of_range():
    with pytest.raises(
        ValueError, match=r"axis=2 for an array of shape \(2, 3\): axis must be in \[-2, 1\]"
    ):
        ops.max(X23, axis=2)


# ---------------------------------------------------------------- shapes


class TestExpandDimsAndSqueeze:
    # Keras's numpy_test.py axis forms, against NumPy.
    @pytest.mark.parametrize("axis", [0, 1, -2, (1, 2), (-1, -2), (-1, 1)])
    def test_expand_dims(self, axis):
        x = np.ones((2, 3, 4))
        assert ops.expand_dims(x, axis).shape == np.expand_dims(x, axis).shape

    @pytest.mark.parametrize("axis", [None, 0, (1, 2), (-1, -2), (1, 2, 3), (-1, 1)])
    def test_squeeze(self, axis):
        x = np.ones((1, 3, 1, 5)) if axis in (None, 0) else np.ones((2, 1, 1, 1))
        assert ops.squeeze(x, axis).shape == np.squeeze(x, axis).shape

    def test_squeezing_an_axis_that_is_not_1_names_it_and_the_shape(self):
        with pytest.raises(
            ValueError,
            match=r"Cannot squeeze axis 1 of an array of shape \(2, 3\): its size is 3, not 1",
        ):
            ops.squeeze(np.zeros((2, 3)), axis=1)

    def test_axis_out_of_range(self):
        with pytest.raises(
            ValueError, match=r"`expand_dims` received axis=5 .* \(the result has 3 axes\)"
        ):
            ops.expand_dims(np.zeros((2, 3)), 5)
        with pytest.raises(
            ValueError, match=r"`squeeze` received axis=-3 for an array of shape \(2, 1\)"
        ):
            ops.squeeze(np.zeros((2, 1)), -3)

    def test_gradients_take_the_input_shape(self):
        assert grad_of(ops.expand_dims, np.ones((2, 3)), (0, 2)).shape == (2, 3)
        assert grad_of(ops.squeeze, np.ones((1, 3, 1))).shape == (1, 3, 1)


def test_flip():
    x = np.array([[1, 2, 3], [3, 2, 1]])
    for axis in [None, 0, 1, (0, 1)]:
        np.testing.assert_array_equal(ops.flip(x, axis), np.flip(x, axis))
    np.testing.assert_array_equal(grad_of(ops.flip, [[1.0, 2.0]], 1), [[1.0, 1.0]])


@pytest.mark.parametrize("repeats", [2, (2, 1), (1, 2), (2, 1, 3)])
def test_tile_matches_numpy_and_its_gradient_counts_the_copies(repeats):
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(ops.tile(x, repeats), np.tile(x, repeats))
    copies = np.prod(repeats)
    np.testing.assert_array_equal(grad_of(ops.tile, x, repeats), np.full(x.shape, copies))


def test_repeat():
    x = np.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(ops.repeat(x, 2), [1, 1, 2, 2, 3, 3, 4, 4])
    np.testing.assert_array_equal(ops.repeat(x, [1, 2], axis=0), [[1, 2], [3, 4], [3, 4]])
    np.testing.assert_array_equal(ops.repeat(x, 3, axis=-1), np.repeat(x, 3, axis=-1))
    np.testing.assert_array_equal(grad_of(ops.repeat, [1.0, 1.0, 1.0], [2, 0, 3]), [2.0, 0.0, 3.0])


class TestPad:
    x = (np.arange(6).reshape(2, 3) % 5).astype("float32")

    @pytest.mark.parametrize("mode", ["constant", "reflect", "symmetric", "edge", "wrap"])
    @pytest.mark.parametrize("pad_width", [((1, 1), (2, 2)), 1, ((0, 0), (1, 0))])
    def test_matches_numpy(self, mode, pad_width):
        # Keras's numpy_test.py: the modes every backend supports, plus NumPy's edge and wrap.
        out = ops.pad(self.x, pad_width, mode=mode)
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out, np.pad(self.x, pad_width, mode=mode))

    def test_constant_values(self):
        out = ops.pad(self.x, ((1, 0), (0, 2)), constant_values=7)
        np.testing.assert_array_equal(out, np.pad(self.x, ((1, 0), (0, 2)), constant_values=7))

    def test_constant_values_with_another_mode_is_refused_as_in_keras(self):
        with pytest.raises(
            ValueError, match=r"can only be provided when `mode == 'constant'`.*mode='reflect'"
        ):
            ops.pad(self.x, 1, mode="reflect", constant_values=2)

    def test_unsupported_mode_lists_the_supported_ones(self):
        with pytest.raises(
            ValueError, match=r"`pad` supports mode in \('constant', 'reflect'.*mode='mean'"
        ):
            ops.pad(self.x, 1, mode="mean")

    def test_reflect_gradient_counts_each_copy(self):
        # reflect [a, b, c] by 1 on each side: [b, a, b, c, b]
        np.testing.assert_array_equal(
            grad_of(ops.pad, [1.0, 2.0, 3.0], 1, mode="reflect"), [1.0, 3.0, 1.0]
        )
        np.testing.assert_array_equal(grad_of(ops.pad, [1.0, 2.0], 2), [1.0, 1.0])


# ---------------------------------------------------------------- indexing


class TestTakeAlongAxis:
    # Keras's numpy_test.py cases, against NumPy.
    def test_broadcast_indices(self):
        x = np.arange(24).reshape(1, 2, 3, 4)
        indices = np.ones((1, 4, 1, 1), dtype=np.int32)
        np.testing.assert_array_equal(
            ops.take_along_axis(x, indices, axis=1), np.take_along_axis(x, indices, axis=1)
        )

    def test_axis_none_flattens(self):
        x = np.arange(12).reshape(1, 1, 3, 4)
        indices = np.array([1, 2, 3])
        np.testing.assert_array_equal(ops.take_along_axis(x, indices), [1, 2, 3])

    def test_negative_indices(self):
        x = np.arange(12).reshape(1, 1, 3, 4)
        indices = np.full((1, 4, 1, 1), -1)
        np.testing.assert_array_equal(
            ops.take_along_axis(x, indices, axis=2), np.take_along_axis(x, indices, axis=2)
        )

    def test_gradient_adds_up_repeated_picks_and_broadcasts(self):
        x = np.zeros((2, 3))
        np.testing.assert_array_equal(
            grad_of(ops.take_along_axis, x, np.array([[0, 0], [2, 1]]), axis=1),
            [[2, 0, 0], [0, 1, 1]],
        )
        grad = grad_of(ops.take_along_axis, x, np.array([[1]]), axis=1)  # one index for both rows
        np.testing.assert_array_equal(grad, [[0, 1, 0], [0, 1, 0]])


class TestOneHot:
    # Keras's nn_test.py cases.
    def test_1d_2d_and_lists(self):
        np.testing.assert_array_equal(ops.one_hot(np.array([0, 1, 2, 3]), 4), np.eye(4))
        np.testing.assert_array_equal(ops.one_hot([0, 1, 2, 3], 4, axis=0), np.eye(4))
        ids = np.array([[0, 1], [2, 3]])
        np.testing.assert_array_equal(ops.one_hot(ids, 4), np.eye(4)[ids])
        np.testing.assert_array_equal(
            ops.one_hot(ids, 4, axis=1), np.eye(4)[ids].transpose(0, 2, 1)
        )
        column = np.array([[0], [1], [2], [3]])
        np.testing.assert_array_equal(
            ops.one_hot(column, 4, axis=0), np.eye(4)[column].swapaxes(1, 2)
        )

    def test_ids_outside_the_classes_give_zeros(self):
        np.testing.assert_array_equal(
            ops.one_hot(np.array([0, -1, 3, 4]), 4),
            [[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]],
        )

    def test_dtype(self):
        assert ops.one_hot(np.array([0, 1]), 3).dtype == np.float32
        assert ops.one_hot(np.array([0, 1]), 3, dtype="int32").dtype == np.int32
        np.testing.assert_array_equal(ops.one_hot(np.array([0.0, 2.0]), 3), [[1, 0, 0], [0, 0, 1]])

    def test_float_ids_are_truncated_as_keras_casts_them(self):
        np.testing.assert_array_equal(ops.one_hot(np.array([0.5, 1.7]), 3), [[1, 0, 0], [0, 1, 0]])

    def test_sparse_is_refused(self):
        with pytest.raises(ValueError, match="sparse=False"):
            ops.one_hot(np.array([0]), 3, sparse=True)


def test_sort_and_argsort():
    x = np.array([[3, 1, 2], [0, 5, 5]])
    np.testing.assert_array_equal(ops.sort(x), np.sort(x))
    np.testing.assert_array_equal(ops.sort(x, axis=0), np.sort(x, axis=0))
    np.testing.assert_array_equal(ops.argsort(x), [[1, 2, 0], [0, 1, 2]])
    np.testing.assert_array_equal(
        ops.argsort(x, axis=None), np.argsort(x, axis=None, kind="stable")
    )
    assert ops.argsort(x).dtype == np.int32
    # the smallest value's gradient goes back to where it came from
    weights = np.array([10.0, 20.0, 30.0])
    np.testing.assert_array_equal(
        grad_of(lambda v: ops.multiply(ops.sort(v), weights), [3.0, 1.0, 2.0]), [30, 10, 20]
    )


# ---------------------------------------------------------------- creation


def test_creation_defaults_to_float32_as_keras():
    # Keras's numpy_test.py: zeros, ones, full and arange, with Keras's dtypes.
    assert ops.zeros((2, 3)).dtype == np.float32 and ops.zeros(3).shape == (3,)
    assert ops.ones((2,), dtype="int32").dtype == np.int32
    np.testing.assert_array_equal(ops.full((2,), 3), [3.0, 3.0])
    assert ops.full((2,), 3).dtype == np.float32


def test_like_functions_keep_the_dtype_of_x():
    x = np.array([1, 2])
    assert (
        ops.zeros_like(x).dtype == np.int64
        and ops.ones_like(x, dtype="float32").dtype == np.float32
    )
    np.testing.assert_array_equal(ops.full_like(np.array([1.0, 2.0]), 3), [3.0, 3.0])
    assert ops.full_like(np.array([1.0, 2.0]), 3).dtype == np.float64
    assert ops.zeros_like(watched([[1.0, 2.0]])).shape == (1, 2)


def test_arange():
    np.testing.assert_array_equal(ops.arange(5), [0, 1, 2, 3, 4])
    assert ops.arange(5).dtype == np.int32
    np.testing.assert_array_equal(ops.arange(1, 5, 2), [1, 3])
    np.testing.assert_array_equal(ops.arange(0, 1, 0.25), [0.0, 0.25, 0.5, 0.75])
    assert ops.arange(0, 1, 0.25).dtype == np.float32 and ops.arange(5.0).dtype == np.float32
    assert ops.arange(3, dtype="float64").dtype == np.float64


# ---------------------------------------------------------------- core


class TestCast:
    def test_values_and_dtypes(self):
        out = ops.cast(np.array([1.7, -1.7]), "int32")
        assert out.dtype == np.int32
        np.testing.assert_array_equal(out, [1, -1])  # towards zero, as Keras
        assert ops.cast([1, 2], "float16").dtype == np.float16

    def test_float_to_float_passes_the_gradient_in_xs_dtype(self):
        x = Variable(np.array([1.0, 2.0]), name="x")
        with watch([x]):
            out = ops.cast(x, "float32")
            assert out.dtype == np.float32
            ops.sum(out).backward()
        assert x.grad.dtype == np.float64
        np.testing.assert_array_equal(x.grad, [1.0, 1.0])

    def test_to_int_records_nothing(self):
        assert not isinstance(ops.cast(watched([1.5]), "int32"), Tensor)

    def test_invalid_dtype(self):
        with pytest.raises(ValueError, match=r"`cast` received an invalid dtype: 'foo'"):
            ops.cast(np.array([1.0]), "foo")


class TestConvertToTensor:
    @pytest.mark.parametrize(
        "value, dtype",
        [
            (1.5, "float32"),
            (2, "int32"),
            (True, "bool"),
            ([1.0, 2.0], "float32"),
            ([1, 2], "int32"),
            (np.array([1.0, 2.0]), "float64"),
            (np.array([1, 2]), "int64"),
            (np.float64(3), "float64"),
        ],
    )
    def test_dtypes_as_keras(self, value, dtype):
        # Keras 3 turns Python numbers and lists into 32-bit values; NumPy values keep theirs.
        out = ops.convert_to_tensor(value)
        assert isinstance(out, np.ndarray) and out.dtype == dtype

    def test_a_tensor_stays_itself_so_gradients_flow(self):
        x = watched([1.0])
        assert ops.convert_to_tensor(x) is x
        assert ops.convert_to_tensor(x, dtype="float32").dtype == np.float32

    def test_dtype_argument_and_sparse(self):
        assert ops.convert_to_tensor([1, 2], dtype="float64").dtype == np.float64
        with pytest.raises(ValueError, match="no sparse or ragged tensors"):
            ops.convert_to_tensor([1], sparse=True)


def test_convert_to_numpy_and_shape():
    x = watched([[1.0, 2.0]])
    out = ops.convert_to_numpy(x)
    assert type(out) is np.ndarray and not isinstance(out, Tensor)
    out[0, 0] = 5.0  # a copy: the tensor is untouched
    assert x.data[0, 0] == 1.0
    assert ops.shape(x) == (1, 2) and ops.shape(np.zeros((2, 3))) == (2, 3) and ops.shape(3.0) == ()
    assert isinstance(ops.shape(x), tuple)


@pytest.mark.parametrize(
    "value, dtype, expected",
    [
        # Keras's core_test.py table (floatx float32)
        ((), None, "float32"),
        ([], None, "float32"),
        (False, None, "bool"),
        (0, None, "int32"),
        (0.0, None, "float32"),
        (1, "bool", "bool"),
        (1.0, "int32", "int32"),
        ([False, True], None, "bool"),
        ([1, 2, 3], None, "int32"),
        ([1, 2.0, 3], None, "float32"),
        ([[1], [2.0], [3]], None, "float32"),
        ((1, np.array(2), 3), None, "int32"),
        (np.array(0, dtype="uint8"), None, "uint8"),
        ([[1, 0, 1], [1, 1, 0]], "float16", "float16"),
        (7, "int16", "int16"),
        (True, "float32", "float32"),
    ],
)
def test_convert_to_tensor_dtypes_from_keras_core_test(value, dtype, expected):
    assert ops.convert_to_tensor(value, dtype=dtype).dtype == expected


def test_stop_gradient_keeps_the_values_and_blocks_the_gradient():
    # Keras's core_test.py: w behind stop_gradient gets no gradient, b does.
    x = np.ones((2, 4))
    w, b = Variable(np.array([0.5]), name="w"), Variable(np.array([0.0]), name="b")
    with watch([w, b]):
        y = ops.add(ops.multiply(x, ops.stop_gradient(w)), b)
        ops.sum(y).backward()
    np.testing.assert_array_equal(data_of(y), np.full((2, 4), 0.5))
    assert w.grad is None
    np.testing.assert_array_equal(b.grad, [8.0])


def test_concatenate_defaults_to_the_first_axis_as_keras():
    a, b = np.zeros((2, 3)), np.ones((1, 3))
    assert ops.concatenate([a, b]).shape == (3, 3)


def test_batched_matmul_gradients():
    rng = np.random.default_rng(3)
    q, k = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 5, 3))
    qv, kv = watched(q), watched(k)
    with watch([qv, kv]):
        ops.sum(ops.matmul(qv, ops.transpose(kv, (0, 2, 1)))).backward()
    np.testing.assert_allclose(qv.grad, np.ones((2, 4, 5)) @ k)
    np.testing.assert_allclose(kv.grad, np.ones((2, 5, 4)) @ q)


def test_split_into_equal_pieces_or_at_listed_positions():
    x = np.arange(12.0).reshape(2, 6)
    pieces = ops.split(x, 3, axis=-1)
    assert [p.shape for p in pieces] == [(2, 2)] * 3
    np.testing.assert_array_equal(pieces[1], x[:, 2:4])
    # As Keras and NumPy: a list gives the positions to cut at, not the sizes.
    assert [p.shape for p in ops.split(x, [1, 5], axis=1)] == [(2, 1), (2, 4), (2, 1)]
    assert [p.shape for p in ops.split(x, 2)] == [(1, 6), (1, 6)]  # axis 0 by default, as Keras
    with pytest.raises(ValueError, match=r"cannot cut axis 1 \(size 6\) .* into 4 equal pieces"):
        ops.split(x, 4, axis=1)


def test_a_symbolic_split_is_one_op_node_with_a_output_per_piece():
    from kerastutor.layers import Input

    first, second = ops.split(Input((6, 3)), 2, axis=1)
    assert first.shape == second.shape == (None, 3, 3)
    assert first._keras_history.layer is second._keras_history.layer
    assert first._keras_history.layer.name == "split"


# ---------------------------------------------------------------- dtypes as Keras promotes them


@pytest.mark.parametrize(
    "x1, x2, expected",
    [
        (np.ones(2, "float32"), np.ones(2, "int64"), "float32"),  # NumPy: float64
        (np.ones(2, "float16"), np.ones(2, "int32"), "float16"),
        (np.ones(2, "int32"), 2.5, "float32"),
        (np.ones(2, "int32"), np.float32(2), "float32"),
        (np.ones(2, "float32"), np.ones(2, "float64"), "float64"),
        (np.ones(2, "int32"), np.ones(2, "int64"), "int64"),
    ],
)
@pytest.mark.parametrize("name", ["add", "multiply", "subtract", "maximum", "minimum", "power"])
def test_integers_never_widen_a_float(name, x1, x2, expected):
    assert getattr(ops, name)(x1, x2).dtype == expected
    assert getattr(ops, name)(x2, x1).dtype == expected


def test_dividing_integers_gives_float32():
    assert ops.divide(np.array([1, 2]), 2).dtype == np.float32
    assert ops.divide(np.array([1, 2]), np.array([2, 4])).dtype == np.float32


@pytest.mark.parametrize(
    "dtype, expected",
    [
        ("int32", "int32"),
        ("int8", "int32"),
        ("uint8", "uint32"),
        ("bool", "int32"),
        ("float16", "float16"),
    ],
)
def test_sums_and_products_count_in_32_bits_as_keras(dtype, expected):
    x = np.ones((2, 3), dtype=dtype)
    assert ops.sum(x).dtype == expected
    assert ops.prod(x, axis=0).dtype == expected


def test_cumsum_keeps_the_integer_dtype():
    assert ops.cumsum(np.ones(3, "int32")).dtype == np.int32
    assert ops.cumsum(np.ones(3, "int8")).dtype == np.int8
    assert ops.cumsum(np.ones(3, bool)).dtype == np.int32


# ---------------------------------------------------------------- on symbolic tensors


def _symbolic_version(inputs):
    """The op's arguments with the first float array replaced by an Input of the same shape."""
    args = list(inputs) if isinstance(inputs, list) else [inputs]
    for i, arg in enumerate(args):
        if isinstance(arg, np.ndarray) and arg.dtype.kind == "f":
            args[i] = keras.Input(batch_shape=arg.shape, dtype="float64")
            return args
        if isinstance(arg, list) and isinstance(arg[0], np.ndarray):
            args[i] = [keras.Input(batch_shape=arg[0].shape, dtype="float64"), *arg[1:]]
            return args
    raise AssertionError("no float array to make symbolic")


@pytest.mark.parametrize(
    "name, op, inputs, kwargs", OP_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(OP_CASES)]
)
def test_each_op_on_a_symbolic_tensor_gives_the_eager_shape(name, op, inputs, kwargs):
    eager = op(*inputs, **kwargs) if isinstance(inputs, list) else op(inputs, **kwargs)
    symbolic = op(*_symbolic_version(inputs), **kwargs)

    def as_list(v):
        return list(v) if isinstance(v, (list, tuple)) else [v]

    assert [tuple(s.shape) for s in as_list(symbolic)] == [np.shape(e) for e in as_list(eager)]


def test_split_into_equal_pieces_needs_a_known_size():
    x = keras.Input(shape=(None, 4))
    assert [p.shape for p in ops.split(x, 2, axis=-1)] == [(None, None, 2)] * 2
    with pytest.raises(
        ValueError, match=r"cannot cut axis 1 of a tensor of shape \(None, None, 4\)"
    ):
        ops.split(x, 2, axis=1)


# ---------------------------------------------------------------- Keras's argument names


def test_keras_keyword_arguments():
    x = np.array([-2.0, 0.5, 3.0])
    np.testing.assert_array_equal(ops.clip(x, x_min=0.0, x_max=1.0), [0.0, 0.5, 1.0])
    assert ops.reshape(np.zeros(6), newshape=(2, 3)).shape == (2, 3)
    np.testing.assert_array_equal(ops.add(x1=x, x2=1.0), x + 1)
    np.testing.assert_array_equal(ops.maximum(x1=x, x2=0.0), [0.0, 0.5, 3.0])


class TestTake:
    x = np.arange(12.0).reshape(3, 4)

    def test_rows_along_axis_0_and_other_axes(self):
        np.testing.assert_array_equal(ops.take(self.x, [2, 0], axis=0), self.x[[2, 0]])
        np.testing.assert_array_equal(
            ops.take(self.x, [[1, 1]], axis=1), np.take(self.x, [[1, 1]], axis=1)
        )
        np.testing.assert_array_equal(ops.take(self.x, [-1], axis=-1), self.x[:, [-1]])

    def test_axis_none_picks_from_the_flattened_array_as_keras_defaults_to(self):
        np.testing.assert_array_equal(ops.take(self.x, [0, 11], axis=None), [0.0, 11.0])
        # Keras 3's default: `take(embeddings, ids)` is one number per id, not a row.
        assert ops.take(self.x, np.array([[0, 11]])).shape == (1, 2)

    def test_gradient_adds_up_repeated_reads_along_the_axis(self):
        grad = grad_of(ops.take, np.zeros((2, 3)), np.array([2, 2, 0]), axis=1)
        np.testing.assert_array_equal(grad, [[1, 0, 2], [1, 0, 2]])


class TestWhere:
    def test_with_only_a_condition_gives_positions_as_numpy(self):
        x = np.array([1, 2, 3])
        rows = ops.where(x > 1)
        assert isinstance(rows, tuple) and len(rows) == 1
        np.testing.assert_array_equal(rows[0], [1, 2])

    def test_one_of_two_values_missing(self):
        with pytest.raises(ValueError, match="`x1` and `x2` either both should be `None`"):
            ops.where(np.array([True]), np.array([1.0]), None)

    def test_gradient_goes_to_the_picked_side(self):
        a, b = watched([1.0, 2.0]), watched([3.0, 4.0])
        with watch([a, b]):
            ops.sum(ops.where(np.array([True, False]), a, b)).backward()
        np.testing.assert_array_equal(a.grad, [1, 0])
        np.testing.assert_array_equal(b.grad, [0, 1])
