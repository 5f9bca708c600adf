"""Class 4 of reliability: semantics that used to be silently wrong.

Truth and comparisons of Variables are refused (as in Chainer), numpy's
ufuncs either stay in the graph or say which F function to use, backward
warns when there is no graph, ``c ** x`` has a gradient for every c, and an
integer Variable keeps integer grads.
"""
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import teachgrad
import teachgrad.functions as F
from teachgrad import Variable
from teachgrad.gradient_check import check_backward

floats32 = hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=2, max_side=3),
                      elements=st.floats(-3, 3, width=32))


# -- truth and comparisons --------------------------------------------------------

@settings(max_examples=20, deadline=None)
@given(a=floats32)
def test_bool_of_a_variable_is_refused(a):
    with pytest.raises(TypeError, match=re.escape(
            'truth value of a Variable (shape {}) is ambiguous'.format(a.shape)) +
            r'.*bool\(x\.data\.all\(\)\)'):
        bool(Variable(a))


def test_bool_example_of_the_issue():
    with pytest.raises(TypeError, match='truth value of a Variable'):
        if Variable(np.array([0.])):
            pass


@pytest.mark.parametrize('op', ['==', '!=', '<', '<=', '>', '>='])
def test_comparisons_are_refused_with_what_to_write(op):
    a = Variable(np.array([1., 2.], np.float32))
    with pytest.raises(TypeError, match=r'Variables cannot be compared with {}.*x\.data {} '
                                        r'y\.data'.format(op, op)):
        eval('a {} a'.format(op))
    with pytest.raises(TypeError, match='cannot be compared'):
        eval('a {} 1.0'.format(op))


def test_variables_still_key_dicts_and_sets_by_identity():
    a, b = Variable(np.zeros(1)), Variable(np.zeros(1))
    assert len({a, b}) == 2 and {a: 1}[a] == 1
    assert a is not b


# -- numpy ufuncs ------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(a=floats32, scalar=st.floats(0.5, 2, width=32))
def test_numpy_arithmetic_with_variables_gives_variables(a, scalar):
    v = Variable(a)
    other = np.full(a.shape, scalar, np.float32)
    cases = [(other * v, other * a), (np.float32(scalar) * v, np.float32(scalar) * a),
             (v * other, a * other), (other + v, other + a), (other - v, other - a),
             (other / v, other / a) if np.all(a != 0) else (v, a),
             (np.multiply(other, v), other * a), (np.negative(v), -a)]
    for result, expected in cases:
        assert isinstance(result, Variable)
        assert result.dtype == np.float32
        np.testing.assert_array_equal(result.data, expected)


def test_ndarray_times_variable_stays_in_the_graph():
    v = Variable(np.array([1., 2., 3.], np.float32))
    y = F.sum(np.ones(3, np.float32) * 2 * v + np.float32(1) * v)
    y.backward()
    np.testing.assert_array_equal(v.grad, np.full(3, 3, np.float32))


@pytest.mark.parametrize('ufunc,f_name', [(np.exp, 'exp'), (np.log, 'log'), (np.tanh, 'tanh'),
                                          (np.sqrt, 'sqrt'), (np.sin, 'sin')])
def test_other_ufuncs_name_the_f_function(ufunc, f_name):
    v = Variable(np.array([1., 2.], np.float32))
    with pytest.raises(TypeError, match=r'np\.{0}\(variable\) would compute on the array and '
                                        r'drop the graph.*Use F\.{1}\(x\).*np\.{0}\(x\.data\)'
                       .format(ufunc.__name__, f_name)):
        ufunc(v)


def test_in_place_numpy_into_an_array_is_refused():
    a = np.ones(2, np.float32)
    with pytest.raises(TypeError, match=r'np\.add\(\.\.\., out=\.\.\.\) cannot write a '
                                        r'Variable into an array'):
        a += Variable(np.ones(2, np.float32))
    np.testing.assert_array_equal(a, np.ones(2))


def test_ufunc_methods_are_refused():
    with pytest.raises(TypeError, match=r'np\.add\.reduce\(\) does not work on Variables'):
        np.add.reduce(Variable(np.ones(2, np.float32)))


# -- backward without a graph -------------------------------------------------------

def test_backward_inside_no_backprop_mode_warns_in_plain_words():
    x = Variable(np.array([2.], np.float32))
    with teachgrad.no_backprop_mode():
        y = x * x
    with pytest.warns(UserWarning, match=r'no graph behind this shape \(1,\) variable, so no '
                                         r'gradients were computed.*no_backprop_mode'):
        y.backward()
    assert x.grad is None


def test_backward_of_a_real_graph_or_a_leaf_does_not_warn():
    x = Variable(np.array([2.], np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        (x * x).backward()
        x.backward()        # a leaf with a grad: nothing to go back through, no warning
    assert x.grad.tolist() == [4.]


# -- c ** x for every c ------------------------------------------------------------

@pytest.mark.parametrize('c', [0.0, -2.0, 0, -3])
def test_pow_from_a_constant_that_is_zero_or_negative_never_crashes(c):
    x = Variable(np.array([1., 2., 3.], np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter('error')          # no numpy RuntimeWarning either
        F.sum(c ** x).backward()
    assert x.grad.dtype == np.float32
    if c == 0:
        np.testing.assert_array_equal(x.grad, np.zeros(3, np.float32))
    else:
        assert np.isnan(x.grad).all()


def test_pow_from_an_array_constant_mixes_the_rules():
    c = np.array([0., -2., 2.], np.float32)
    x = Variable(np.array([1., 2., 3.], np.float32))
    F.sum(c ** x).backward()
    assert x.grad[0] == 0 and np.isnan(x.grad[1])
    np.testing.assert_allclose(x.grad[2], 8 * np.log(2), rtol=1e-6)


@settings(max_examples=20, deadline=None)
@given(c=st.floats(0.1, 5))
def test_pow_from_a_positive_constant_has_the_exact_gradient(c):
    x = np.random.RandomState(0).uniform(-1, 1, (3,))
    check_backward(lambda v: c ** v, x, np.ones(3))


# -- integer grads stay integer ------------------------------------------------------

@settings(max_examples=20, deadline=None)
@given(a=hnp.arrays(np.int32, (3,), elements=st.integers(-5, 5)), k=st.integers(-3, 3))
def test_int_variable_gets_int_grads(a, k):
    x = Variable(a)
    F.sum(x * k).backward()
    assert x.grad.dtype == np.int32
    np.testing.assert_array_equal(x.grad, np.full(3, k, np.int32))
    x.grad = x.grad            # the grad setter's own rule holds


def test_fractional_grad_into_an_int_variable_is_refused_with_the_fix():
    x = Variable(np.array([1, 2, 3]))
    with pytest.raises(TypeError, match=r'MulConstant sent a float64 gradient to a variable, '
                                        r'which holds int64 values.*x\.astype\(np\.float32\)'):
        F.sum(x * 0.5).backward()
    assert x.grad is None


def test_float_grads_are_cast_to_the_variable_dtype():
    x = Variable(np.array([1., 2.], np.float32))
    F.sum(x * np.float64(2)).backward()
    assert x.grad.dtype == np.float32
