"""Property-based tests (hypothesis): for any broadcastable shapes and any
axis/keepdims, gradients have their input's shape and dtype and agree with
numerical gradients."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import teachgrad.functions as F
from teachgrad import Variable
from teachgrad.gradient_check import check_backward

SETTINGS = settings(max_examples=40, deadline=None)

OPERATORS = {
    '+': lambda a, b: a + b,
    '-': lambda a, b: a - b,
    '*': lambda a, b: a * b,
    '/': lambda a, b: a / b,
}


def _random(rng, shape, positive=False):
    if positive:
        return rng.uniform(0.5, 2.0, shape)
    return rng.uniform(-1.0, 1.0, shape)


@SETTINGS
@given(op=st.sampled_from(sorted(OPERATORS)),
       shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                 max_side=3),
       seed=st.integers(0, 2 ** 16))
def test_broadcasting_operators(op, shapes, seed):
    rng = np.random.RandomState(seed)
    (sa, sb), out_shape = shapes.input_shapes, shapes.result_shape
    a = _random(rng, sa)
    b = _random(rng, sb, positive=(op == '/'))
    func = OPERATORS[op]

    va, vb = Variable(a.astype(np.float32)), Variable(b.astype(np.float32))
    y = func(va, vb)
    assert y.shape == out_shape and y.dtype == np.float32
    np.testing.assert_allclose(y.data, func(a, b), rtol=1e-5, atol=1e-6)
    y.grad = np.ones(out_shape, np.float32)
    y.backward()
    assert va.grad.shape == sa and vb.grad.shape == sb
    assert va.grad.dtype == vb.grad.dtype == np.float32

    check_backward(func, (a, b), _random(rng, out_shape))


@SETTINGS
@given(op=st.sampled_from(sorted(OPERATORS)),
       shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                 max_side=3),
       seed=st.integers(0, 2 ** 16), array_on_left=st.booleans())
def test_broadcasting_with_constant_arrays(op, shapes, seed, array_on_left):
    rng = np.random.RandomState(seed)
    (sa, sb), out_shape = shapes.input_shapes, shapes.result_shape
    a = _random(rng, sa, positive=(op == '/' and array_on_left))
    const = _random(rng, sb, positive=(op == '/' and not array_on_left))

    def func(v):
        return OPERATORS[op](const, v) if array_on_left else OPERATORS[op](v, const)

    y = func(Variable(a))
    assert type(y) is Variable and y.shape == out_shape
    check_backward(func, a, _random(rng, out_shape))


@st.composite
def axis_cases(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3))
    ndim = len(shape)
    kind = draw(st.sampled_from(['none', 'int', 'tuple']))
    if kind == 'none':
        axis = None
    elif kind == 'int':
        axis = draw(st.integers(-ndim, ndim - 1))
    else:
        axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
        negate = draw(st.lists(st.booleans(), min_size=len(axes), max_size=len(axes)))
        axis = tuple(a - ndim if n else a for a, n in zip(axes, negate))
    return shape, axis, draw(st.booleans())


@SETTINGS
@given(case=axis_cases(), reduction=st.sampled_from(['sum', 'mean']),
       seed=st.integers(0, 2 ** 16))
def test_sum_and_mean_with_axis_and_keepdims(case, reduction, seed):
    shape, axis, keepdims = case
    rng = np.random.RandomState(seed)
    x = _random(rng, shape)
    func = getattr(F, reduction)
    expected = getattr(np, reduction)(x, axis=axis, keepdims=keepdims)

    v = Variable(x.astype(np.float32))
    y = func(v, axis=axis, keepdims=keepdims)
    assert y.shape == np.shape(expected) and y.dtype == np.float32
    np.testing.assert_allclose(y.data, expected, rtol=1e-5, atol=1e-6)
    y.grad = np.ones(y.shape, np.float32)
    y.backward()
    assert v.grad.shape == shape and v.grad.dtype == np.float32

    check_backward(lambda t: func(t, axis=axis, keepdims=keepdims), x,
                   _random(rng, np.shape(expected)))


@SETTINGS
@given(case=axis_cases(), reduction=st.sampled_from(['max', 'min']),
       seed=st.integers(0, 2 ** 16))
def test_max_and_min_with_axis_and_keepdims(case, reduction, seed):
    shape, axis, keepdims = case
    rng = np.random.RandomState(seed)
    n = int(np.prod(shape))
    x = rng.permutation(np.arange(n, dtype=np.float64)).reshape(shape) / 4   # no ties
    func = getattr(F, reduction)
    expected = getattr(np, reduction)(x, axis=axis, keepdims=keepdims)
    y = func(Variable(x), axis=axis, keepdims=keepdims)
    np.testing.assert_array_equal(y.data, expected)
    check_backward(lambda t: func(t, axis=axis, keepdims=keepdims), x,
                   _random(rng, np.shape(expected)))


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3),
       data=st.data())
def test_broadcast_to_and_sum_to_are_each_others_backward(shape, data):
    target = data.draw(hnp.broadcastable_shapes(shape, min_dims=len(shape), max_dims=4,
                                                max_side=3).map(
        lambda s: np.broadcast_shapes(s, shape)))
    rng = np.random.RandomState(0)
    x = _random(rng, shape)
    check_backward(lambda v: F.broadcast_to(v, target), x, _random(rng, target))
    big = _random(rng, target)
    check_backward(lambda v: F.sum_to(v, shape), big, _random(rng, shape))


def test_sum_rejects_a_bad_axis():
    with pytest.raises(ValueError, match='axis 3 is out of range'):
        F.sum(np.zeros((2, 2)), axis=3)
