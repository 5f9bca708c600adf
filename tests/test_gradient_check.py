"""teachgrad.gradient_check: numerical_grad and check_backward (Chainer v7 semantics)."""
import numpy as np
import pytest

import teachgrad.functions as F
from teachgrad import FunctionNode, Parameter, Variable
from teachgrad.gradient_check import check_backward, numerical_grad


class WrongSquare(FunctionNode):
    """x**2 with the factor 2 forgotten in backward."""

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, gy):
        return gy * self.x


class Float64Grad(FunctionNode):
    """Identity whose backward (wrongly) returns float64 gradients."""

    def forward(self, x):
        return x.copy()

    def backward(self, gy):
        return gy.astype(np.float64)


class NoGrad(FunctionNode):
    def forward(self, x):
        return x * 3

    def backward(self, gy):
        return None


# -- numerical_grad -----------------------------------------------------------

def test_numerical_grad_of_known_functions():
    x = np.array([[1., 2.], [-3., 0.5]])
    gx, = numerical_grad(lambda: (x ** 3,), (x,), (np.ones_like(x),))
    np.testing.assert_allclose(gx, 3 * x ** 2, rtol=1e-5)
    # the output grad weights each output element
    gy = np.array([[2., 0.], [1., -1.]])
    gx, = numerical_grad(lambda: (np.sin(x),), (x,), (gy,))
    np.testing.assert_allclose(gx, gy * np.cos(x), rtol=1e-5, atol=1e-9)


def test_numerical_grad_two_inputs_two_outputs_and_none_grad():
    a = np.array([1., 2.])
    b = np.array([3., -1.])

    def f():
        return a * b, a + b

    ga, gb = numerical_grad(f, (a, b), (np.ones(2), None))   # the second output does not count
    np.testing.assert_allclose(ga, b)
    np.testing.assert_allclose(gb, a)
    ga, gb = numerical_grad(f, (a, b), (np.ones(2), np.ones(2)))
    np.testing.assert_allclose(ga, b + 1)
    np.testing.assert_allclose(gb, a + 1)


def test_numerical_grad_restores_inputs_and_accepts_variables_and_views():
    x = np.array([0.1, 0.2, 0.3])
    before = x.copy()
    gx, = numerical_grad(lambda: Variable(x)[1:], (x,), (np.array([1., 2.]),))
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(gx, [0., 1., 2.])
    # a non-contiguous input is perturbed where it lives
    m = np.arange(6.).reshape(2, 3).T
    gm, = numerical_grad(lambda: m * m, (m,), (np.ones((3, 2)),))
    np.testing.assert_allclose(gm, 2 * m, rtol=1e-6)


def test_numerical_grad_eps():
    x = np.array([1.])
    # with a big eps the central difference of x**3 is 3x**2 + eps**2
    gx, = numerical_grad(lambda: x ** 3, (x,), (np.ones(1),), eps=0.5)
    np.testing.assert_allclose(gx, [3.25])


# -- check_backward -----------------------------------------------------------

def test_check_backward_passes_for_correct_functions():
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (2, 3))
    check_backward(F.square, x, rng.uniform(-1, 1, (2, 3)))
    check_backward(F.tanh, (x,), (np.ones((2, 3)),))          # tuples are fine too
    check_backward(lambda a, b: a * b + a, (x, x[::-1].copy()), np.ones((2, 3)))


def test_check_backward_reports_input_index_difference_and_both_grads():
    x = np.array([[1., -2.], [3., 0.5]])
    y = np.ones((2, 2))
    with pytest.raises(AssertionError) as info:
        check_backward(lambda a, b: a + WrongSquare()(b), (x, x), y)
    message = str(info.value)
    assert 'input 1' in message and 'input 0' not in message
    assert 'shape (2, 2), float64' in message
    assert 'max abs difference 3 ' in message                 # |x - 2x| at x=3
    assert 'numerical grad:\n[[ 2. -4.]\n [ 6.  1.]]' in message
    assert 'analytical grad (from backward):\n[[ 1.  -2. ]\n [ 3.   0.5]]' in message


def test_check_backward_tolerances():
    x = np.array([1., 2.])
    # the numerical derivative of x**3 carries an error of eps**2 = 1e-6
    check_backward(lambda v: v ** 3, x, np.ones(2), atol=0, rtol=1e-6)
    with pytest.raises(AssertionError):
        check_backward(lambda v: v ** 3, x, np.ones(2), atol=0, rtol=1e-9)
    check_backward(lambda v: v ** 3, x, np.ones(2), eps=1e-4, atol=0, rtol=1e-8)


def test_check_backward_scalar_output_needs_no_y_grad():
    x = np.array([1., 2., 3.])
    check_backward(lambda v: F.sum(v * v), x, None)
    check_backward(lambda v: F.sum(v * v, keepdims=True), x, None)   # shape (1,)
    with pytest.raises(ValueError, match=r'y_grad is None.*shape \(3,\)'):
        check_backward(lambda v: v * v, x, None)


def test_check_backward_y_grad_errors():
    x = np.ones(3)
    with pytest.raises(ValueError, match=r'output has shape \(3,\).*shape \(2,\)'):
        check_backward(F.exp, x, np.ones(2))
    with pytest.raises(ValueError, match='returned 1 outputs but y_grad has 2'):
        check_backward(F.exp, x, (np.ones(3), np.ones(3)))


def test_check_backward_multiple_outputs():
    x = np.arange(6.).reshape(2, 3) / 10
    check_backward(lambda v: F.split_axis(v, 3, axis=1),
                   x, (np.ones((2, 1)), None, 2 * np.ones((2, 1))))


def test_check_backward_checks_params():
    W = Parameter(np.array([[1., 2.], [3., 4.]]), name='W')
    x = np.array([[0.5, -1.]])
    check_backward(lambda v: F.linear(v, W), x, np.ones((1, 2)), params=(W,))
    np.testing.assert_array_equal(W.data, [[1., 2.], [3., 4.]])      # restored

    def wrong(v):
        return WrongSquare()(W) + F.sum(v) * 0

    with pytest.raises(AssertionError, match='parameter W'):
        check_backward(wrong, x, np.ones((2, 2)), params=(W,))


def test_check_backward_labels_are_skipped_and_must_get_no_grad():
    x = np.random.RandomState(0).uniform(-1, 1, (3, 4))
    t = np.array([0, 3, 1], np.int32)
    check_backward(F.softmax_cross_entropy, (x, t), None)

    class GradForLabels(FunctionNode):
        def forward(self, x, t):
            return x * 1

        def backward(self, gy):
            return gy, gy

    labels = np.repeat(t[:, None], 4, axis=1)
    # A float gradient for integer labels is refused by backward itself...
    with pytest.raises(TypeError, match='GradForLabels sent a float64 gradient.*int32'):
        check_backward(lambda a, b: GradForLabels()(a, b), (x, labels), np.ones((3, 4)))

    class IntGradForLabels(GradForLabels):
        def backward(self, gy):
            return gy, gy.astype(np.int32)

    # ...and an integer one (which backward may store) by check_backward.
    with pytest.raises(AssertionError, match='input 1.*int32.*must get no gradient'):
        check_backward(lambda a, b: IntGradForLabels()(a, b), (x, labels), np.ones((3, 4)))


def test_check_backward_no_grads_skips_inputs():
    x = np.array([1., 2.])
    with pytest.raises(AssertionError, match='input 0'):
        check_backward(lambda a, b: WrongSquare()(a) + b, (x, x), np.ones(2))
    check_backward(lambda a, b: WrongSquare()(a) + b, (x, x), np.ones(2), no_grads=[True, False])
    with pytest.raises(ValueError, match='no_grads has 1 entries for 2 inputs'):
        check_backward(lambda a, b: a + b, (x, x), np.ones(2), no_grads=[True])


def test_check_backward_missing_gradient():
    x = np.array([1., 2.])
    with pytest.raises(AssertionError, match='got no gradient'):
        check_backward(lambda v: NoGrad()(v), x, np.ones(2))


def test_a_float64_gradient_reaches_a_float32_input_as_float32():
    # backward keeps every gradient in its variable's dtype (as Chainer demands)
    x = np.array([1., 2.], np.float32)
    check_backward(lambda v: Float64Grad()(v), x, np.ones(2, np.float32), dtype=np.float64)
    v = Variable(x)
    y = Float64Grad()(v)
    y.grad = np.ones(2, np.float32)
    y.backward()
    assert v.grad.dtype == np.float32


def test_check_backward_float32_with_float64_numerics():
    x = np.array([0.3, -0.7, 1.1], np.float32)
    # float32 numerical derivatives with eps=1e-3 are too coarse for the default
    # tolerances; computing them in float64 makes the check meaningful.
    with pytest.raises(AssertionError):
        check_backward(F.exp, x, np.ones(3, np.float32), atol=1e-6, rtol=1e-6)
    check_backward(F.exp, x, np.ones(3, np.float32), dtype=np.float64, atol=1e-6, rtol=1e-5)
    assert x.dtype == np.float32


def test_check_backward_does_not_modify_inputs():
    x = np.array([1., 2.])
    before = x.copy()
    check_backward(F.sin, x, np.ones(2))
    np.testing.assert_array_equal(x, before)
