"""Layer and group normalization (functions and links), pooling and unpooling
in any dimension, batch renormalization.

Forward values are checked against numpy formulas written here, backward
against numerical gradients in float64, and float32 stays float32.
"""
import itertools

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Variable
from teachgrad.gradient_check import check_backward


def _r(*shape, seed=0):
    return np.random.RandomState(seed).randn(*shape)


def layer_norm_ref(x, gamma, beta, eps):
    mu = x.mean(axis=1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def group_norm_ref(x, groups, gamma, beta, eps):
    n, c = x.shape[:2]
    g = x.reshape(n, groups, -1)
    mu = g.mean(axis=2, keepdims=True)
    var = g.var(axis=2, keepdims=True)
    y = ((g - mu) / np.sqrt(var + eps)).reshape(x.shape)
    per_channel = (1, c) + (1,) * (x.ndim - 2)
    return y * gamma.reshape(per_channel) + beta.reshape(per_channel)


def _gn(groups):
    return lambda x, g, b: F.group_normalization(x, groups, g, b)


DOUBLE_BACKPROP_CASES = {
    'layer_normalization': (F.layer_normalization,
                            lambda: (_r(3, 4), _r(4, seed=1), _r(4, seed=2))),
    'group_normalization': (_gn(2), lambda: (_r(2, 4, 3), _r(4, seed=1), _r(4, seed=2))),
    'group_normalization_4d': (_gn(1), lambda: (_r(2, 2, 2, 3), _r(2, seed=1), _r(2, seed=2))),
}


# -- layer normalization ------------------------------------------------------------------

@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_layer_normalization_forward(dtype):
    x, g, b = _r(5, 4).astype(dtype), _r(4, seed=1).astype(dtype), _r(4, seed=2).astype(dtype)
    y = F.layer_normalization(x, g, b)
    assert y.dtype == dtype
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y.data, layer_norm_ref(x.astype(np.float64), g, b, 1e-5),
                               rtol=tol, atol=tol)


def test_layer_normalization_exact_and_eps():
    # Rows (1, 3) and (10, 30): mean 2 / 20, variance 1 / 100.
    x = np.array([[1., 3.], [10., 30.]])
    y = F.layer_normalization(x, np.array([2., 1.]), np.array([0., 5.]), eps=0)
    np.testing.assert_array_equal(y.data, [[-2., 6.], [-2., 6.]])
    y = F.layer_normalization(x, np.ones(2), np.zeros(2), eps=3.)        # sqrt(1 + 3) = 2
    np.testing.assert_allclose(y.data[0], [-0.5, 0.5], rtol=1e-15)


def test_layer_normalization_backward():
    x, g, b = _r(3, 5), _r(5, seed=1), _r(5, seed=2)
    check_backward(F.layer_normalization, (x, g, b), _r(3, 5, seed=3), eps=1e-4,
                   atol=1e-6, rtol=1e-5)


def test_layer_normalization_float32_grads():
    x = Variable(_r(3, 4).astype('f'))
    g, b = Variable(np.ones(4, 'f')), Variable(np.zeros(4, 'f'))
    F.sum(F.layer_normalization(x, g, b) * _r(3, 4).astype('f')).backward()
    assert x.grad.dtype == g.grad.dtype == b.grad.dtype == np.float32
    # Each row's grad is orthogonal to the constant and to x_hat: shifting or
    # scaling a row does not change the output.
    np.testing.assert_allclose(x.grad.sum(axis=1), 0, atol=1e-5)


@pytest.mark.parametrize('args, error, words', [
    ((np.zeros((2, 3, 4)), np.ones(3), np.zeros(3)), ValueError, 'x.reshape(len(x), -1)'),
    ((np.zeros((2, 3)), np.ones(4), np.zeros(3)), ValueError, 'gamma must have shape (3,)'),
    ((np.zeros((2, 3)), np.ones(3), np.zeros((1, 3))), ValueError, 'beta must have shape'),
    ((np.zeros((2, 3), 'f'), np.ones(3), np.zeros(3)), TypeError, 'gamma has dtype float64'),
    ((np.zeros((2, 3), 'i'), np.ones(3, 'i'), np.zeros(3, 'i')), TypeError, 'float array'),
])
def test_layer_normalization_errors(args, error, words):
    with pytest.raises(error) as e:
        F.layer_normalization(*args)
    assert words in str(e.value)


# -- group normalization ------------------------------------------------------------------

@pytest.mark.parametrize('shape, groups', [((2, 6), 3), ((2, 4, 5), 2), ((3, 6, 2, 3), 3),
                                           ((1, 4, 2, 2, 2), 4)])
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_group_normalization_forward(shape, groups, dtype):
    c = shape[1]
    x = (_r(*shape) * 3 + 1).astype(dtype)
    g, b = _r(c, seed=1).astype(dtype), _r(c, seed=2).astype(dtype)
    y = F.group_normalization(x, groups, g, b, eps=1e-3)
    assert y.dtype == dtype and y.shape == shape
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y.data, group_norm_ref(x.astype(np.float64), groups, g, b, 1e-3),
                               rtol=tol, atol=tol)


def test_group_normalization_one_group_is_layer_normalization_of_the_flat_example():
    x = _r(3, 4, 2)
    y = F.group_normalization(x, 1, np.ones(4), np.zeros(4))
    flat = F.layer_normalization(x.reshape(3, 8), np.ones(8), np.zeros(8))
    np.testing.assert_allclose(y.data.reshape(3, 8), flat.data, rtol=1e-13, atol=1e-13)


def test_group_normalization_exact():
    # Group 0 of example 0 is channels (1, 3) and (5, 7): mean 4, variance 5.
    x = np.array([[[1., 3.], [5., 7.]]])
    y = F.group_normalization(x, 1, np.array([1., 2.]), np.array([0., 1.]), eps=0)
    s = np.sqrt(5.)
    np.testing.assert_allclose(y.data, [[[-3 / s, -1 / s], [2 / s + 1, 6 / s + 1]]],
                               rtol=1e-15)


@pytest.mark.parametrize('shape, groups', [((2, 4, 3), 2), ((2, 6, 2, 2), 3), ((3, 2), 1)])
def test_group_normalization_backward(shape, groups):
    c = shape[1]
    check_backward(_gn(groups), (_r(*shape), _r(c, seed=1), _r(c, seed=2)),
                   _r(*shape, seed=3), eps=1e-4, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize('groups, shape, gshape, error, words', [
    (3, (2, 4, 5), (4,), ValueError, 'do not split into groups=3'),
    (2, (4,), (4,), ValueError, 'shape (batch, channels, ...)'),
    (2, (2, 4, 5), (5,), ValueError, 'gamma must have shape (4,)'),
    (2.0, (2, 4, 5), (4,), TypeError, 'groups must be a positive int'),
    (0, (2, 4, 5), (4,), TypeError, 'groups must be a positive int'),
])
def test_group_normalization_errors(groups, shape, gshape, error, words):
    with pytest.raises(error) as e:
        F.group_normalization(np.zeros(shape), groups, np.ones(gshape), np.zeros(gshape))
    assert words in str(e.value)


# -- the links ------------------------------------------------------------------------------

def test_layer_normalization_link():
    ln = L.LayerNormalization(3, initial_gamma=2., initial_beta=np.array([0., 1., 2.], 'f'))
    assert [name for name, _ in ln.namedparams()] == ['/beta', '/gamma']
    assert ln.gamma.dtype == np.float32 and ln.eps == 1e-6
    x = np.array([[0., 1., 2.]], 'f')
    np.testing.assert_allclose(ln(x).data, layer_norm_ref(x, 2., [0., 1., 2.], 1e-6),
                               rtol=1e-6)
    assert repr(ln) == 'LayerNormalization(size=3, eps=1e-06)'


def test_layer_normalization_link_is_lazy_and_a_failed_first_call_changes_nothing():
    ln = L.LayerNormalization()
    with pytest.raises(TypeError):
        ln(np.zeros((2, 3), 'i'))
    assert ln.gamma.data is None and ln.beta.data is None
    with pytest.raises(ValueError):
        ln(np.zeros(3, 'f'))
    assert ln.gamma.data is None
    y = ln(_r(2, 5).astype('f'))
    assert ln.gamma.shape == ln.beta.shape == (5,) and y.dtype == np.float32
    F.sum(y * _r(2, 5).astype('f')).backward()
    assert ln.gamma.grad.shape == (5,)


def test_group_normalization_link():
    gn = L.GroupNormalization(2)
    assert repr(gn) == 'GroupNormalization(groups=2, size=None, eps=1e-05)'
    with pytest.raises(ValueError, match='groups=2'):
        gn(np.zeros((1, 3, 2), 'f'))
    assert gn.gamma.data is None
    x = _r(2, 4, 3).astype('f')
    np.testing.assert_allclose(gn(x).data, group_norm_ref(x, 2, np.ones(4), np.zeros(4), 1e-5),
                               rtol=1e-5, atol=1e-5)
    assert gn.gamma.shape == (4,) and [n for n, _ in gn.namedparams()] == ['/beta', '/gamma']
    with pytest.raises(TypeError, match='positive int'):
        L.GroupNormalization(1.5)


def test_normalization_links_round_trip_npz(tmp_path):
    src, dst = L.GroupNormalization(2, 4, initial_gamma=_r(4).astype('f')), \
        L.GroupNormalization(2, 4)
    teachgrad.serializers.save_npz(str(tmp_path / 'gn.npz'), src)
    teachgrad.serializers.load_npz(str(tmp_path / 'gn.npz'), dst)
    np.testing.assert_array_equal(dst.gamma.data, src.gamma.data)


# -- pooling and unpooling in any dimension -------------------------------------------------


def _windows(size, ksize, stride, pad, outs):
    """For each output position, the slices of the real (unpadded) input it covers."""
    for o in itertools.product(*[range(n) for n in outs]):
        yield o, tuple(slice(max(i * s - p, 0), min(i * s - p + k, h))
                       for i, k, s, p, h in zip(o, ksize, stride, pad, size))


def _outs(size, ksize, stride, pad, cover_all):
    if cover_all:
        return tuple((h + 2 * p - k + s - 1) // s + 1
                     for h, k, s, p in zip(size, ksize, stride, pad))
    return tuple((h + 2 * p - k) // s + 1 for h, k, s, p in zip(size, ksize, stride, pad))


def max_pool_ref(x, ksize, stride, pad, cover_all=True):
    outs = _outs(x.shape[2:], ksize, stride, pad, cover_all)
    y = np.empty(x.shape[:2] + outs)
    for o, win in _windows(x.shape[2:], ksize, stride, pad, outs):
        y[(Ellipsis,) + o] = x[(Ellipsis,) + win].reshape(x.shape[:2] + (-1,)).max(axis=2)
    return y


def average_pool_ref(x, ksize, stride, pad, pad_value=0):
    outs = _outs(x.shape[2:], ksize, stride, pad, False)
    y = np.empty(x.shape[:2] + outs)
    for o, win in _windows(x.shape[2:], ksize, stride, pad, outs):
        part = x[(Ellipsis,) + win].reshape(x.shape[:2] + (-1,))
        y[(Ellipsis,) + o] = part.sum(axis=2) / (np.prod(ksize) if pad_value == 0
                                                 else part.shape[2])
    return y


def unpool_ref(x, ksize, stride, pad, out):
    y = np.zeros(x.shape[:2] + tuple(out))
    for i, win in _windows(out, ksize, stride, pad, x.shape[2:]):
        y[(Ellipsis,) + win] += x[(Ellipsis,) + i][(Ellipsis,) + (None,) * len(out)]
    return y


POOL_SETTINGS = [  # spatial size, ksize, stride, pad
    ((7,), (3,), (2,), (1,)),
    ((6,), (2,), (2,), (0,)),
    ((5, 4, 3), (2, 2, 2), (2, 1, 2), (0, 1, 0)),
    ((4, 5, 3), (3, 2, 2), (1, 2, 2), (1, 0, 0)),
    ((5, 6), (3, 2), (2, 2), (1, 0)),
]


@pytest.mark.parametrize('size, k, s, p', POOL_SETTINGS)
@pytest.mark.parametrize('cover_all', [True, False])
def test_max_pooling_nd_forward_and_backward(size, k, s, p, cover_all):
    x = _r(2, 3, *size)
    y = F.max_pooling_nd(x, k, s, p, cover_all=cover_all)
    np.testing.assert_array_equal(y.data, max_pool_ref(x, k, s, p, cover_all))
    y32 = F.max_pooling_nd(x.astype('f'), k, s, p, cover_all=cover_all)
    assert y32.dtype == np.float32
    check_backward(lambda x: F.max_pooling_nd(x, k, s, p, cover_all=cover_all), (x,),
                   _r(*y.shape, seed=1), eps=1e-4, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize('size, k, s, p', POOL_SETTINGS)
@pytest.mark.parametrize('pad_value', [0, None])
def test_average_pooling_nd_forward_and_backward(size, k, s, p, pad_value):
    x = _r(2, 3, *size)
    y = F.average_pooling_nd(x, k, s, p, pad_value=pad_value)
    np.testing.assert_allclose(y.data, average_pool_ref(x, k, s, p, pad_value), rtol=1e-13,
                               atol=1e-14)
    assert F.average_pooling_nd(x.astype('f'), k, s, p, pad_value).dtype == np.float32
    check_backward(lambda x: F.average_pooling_nd(x, k, s, p, pad_value=pad_value), (x,),
                   _r(*y.shape, seed=1), eps=1e-4, atol=1e-7, rtol=1e-6)


def test_average_pooling_pad_value_exact():
    x = np.array([[[2., 4.]]])
    np.testing.assert_array_equal(F.average_pooling_1d(x, 2, 1, 1).data, [[[1., 3., 2.]]])
    np.testing.assert_array_equal(F.average_pooling_1d(x, 2, 1, 1, pad_value=None).data,
                                  [[[2., 3., 4.]]])
    g = Variable(x)
    F.sum(F.average_pooling_1d(g, 2, 1, 1, pad_value=None)).backward()
    np.testing.assert_array_equal(g.grad, [[[1.5, 1.5]]])   # 1 + 1/2 for each input


@pytest.mark.parametrize('size, k, s, p, outsize', [
    ((3,), (2,), (2,), (0,), None), ((3,), (3,), (2,), (1,), None), ((2,), (2,), (2,), (0,), (4,)),
    ((2, 3, 2), (2, 2, 2), (2, 1, 2), (0, 1, 0), None),
])
@pytest.mark.parametrize('cover_all', [True, False])
def test_unpooling_nd_forward_and_backward(size, k, s, p, outsize, cover_all):
    x = _r(2, 3, *size)
    if outsize is not None and cover_all:
        outsize = tuple(o - 1 for o in outsize)
    y = F.unpooling_nd(x, k, s, p, outsize=outsize, cover_all=cover_all)
    out = y.shape[2:]
    assert _outs(out, k, s, p, cover_all) == size     # pooling brings it back
    np.testing.assert_allclose(y.data, unpool_ref(x, k, s, p, out), rtol=1e-14, atol=1e-14)
    assert F.unpooling_nd(x.astype('f'), k, s, p, outsize, cover_all).dtype == np.float32
    check_backward(lambda x: F.unpooling_nd(x, k, s, p, outsize, cover_all), (x,),
                   _r(*y.shape, seed=1), eps=1e-4, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize('k, s, p, cover_all', [
    (2, None, 0, True), (3, 2, 1, True), (3, 2, 1, False), ((3, 2), (1, 2), (1, 0), True),
    (2, 1, 0, False)])
def test_nd_functions_on_images_equal_the_2d_functions_exactly(k, s, p, cover_all):
    x = _r(2, 3, 7, 6).astype('f')
    gy_shape = F.max_pooling_2d(x, k, s, p, cover_all).shape
    gy = _r(*gy_shape, seed=1).astype('f')
    pairs = [
        (lambda v: F.max_pooling_2d(v, k, s, p, cover_all),
         lambda v: F.max_pooling_nd(v, k, s, p, cover_all)),
        (lambda v: F.average_pooling_2d(v, k, s, p),
         lambda v: F.average_pooling_nd(v, k, s, p)),
    ]
    for two_d, n_d in pairs:
        a, b = Variable(x.copy()), Variable(x.copy())
        ya, yb = two_d(a), n_d(b)
        np.testing.assert_array_equal(ya.data, yb.data)
        g = _r(*ya.shape, seed=1).astype('f')
        ya.grad, yb.grad = g, g.copy()
        ya.backward()
        yb.backward()
        np.testing.assert_array_equal(a.grad, b.grad)
    _, i2 = F.max_pooling_2d(x, k, s, p, cover_all, return_indices=True)
    _, i_nd = F.max_pooling_nd(x, k, s, p, cover_all, return_indices=True)
    np.testing.assert_array_equal(i2, i_nd)
    h = Variable(gy.copy())
    u2 = F.unpooling_2d(h, k, s, p, cover_all=cover_all)
    hn = Variable(gy.copy())
    un = F.unpooling_nd(hn, k, s, p, cover_all=cover_all)
    np.testing.assert_array_equal(u2.data, un.data)
    g = _r(*u2.shape, seed=2).astype('f')
    u2.grad, un.grad = g, g.copy()
    u2.backward()
    un.backward()
    np.testing.assert_array_equal(h.grad, hn.grad)


def test_pooling_1d_and_3d_wrappers_check_the_rank():
    x = _r(1, 2, 4)
    np.testing.assert_array_equal(F.max_pooling_1d(x, 2).data, max_pool_ref(x, (2,), (2,), (0,)))
    np.testing.assert_array_equal(F.average_pooling_1d(x, 2).data,
                                  F.average_pooling_nd(x, 2).data)
    np.testing.assert_array_equal(F.unpooling_1d(x, 2).data, F.unpooling_nd(x, 2).data)
    v = _r(1, 2, 2, 4, 2)
    np.testing.assert_array_equal(F.max_pooling_3d(v, 2).data,
                                  max_pool_ref(v, (2,) * 3, (2,) * 3, (0,) * 3))
    np.testing.assert_allclose(F.average_pooling_3d(v, 2).data,
                               average_pool_ref(v, (2,) * 3, (2,) * 3, (0,) * 3), rtol=1e-14)
    assert F.unpooling_3d(v, 2, cover_all=False).shape == (1, 2, 4, 8, 4)
    for f in (F.max_pooling_1d, F.average_pooling_1d, F.unpooling_1d):
        with pytest.raises(ValueError, match=r'\(batch, channels, d1\)'):
            f(v, 2)
    for f in (F.max_pooling_3d, F.average_pooling_3d, F.unpooling_3d):
        with pytest.raises(ValueError, match=r'\(batch, channels, d1, d2, d3\)'):
            f(x, 2)


@pytest.mark.parametrize('call, error, words', [
    (lambda: F.max_pooling_nd(np.zeros((2, 3)), 2), ValueError, 'at least one spatial axis'),
    (lambda: F.max_pooling_nd(np.zeros((1, 1, 3, 3)), (2, 2, 2)), ValueError,
     'expected 2 values'),
    (lambda: F.max_pooling_nd(np.zeros((1, 1, 3)), 5, cover_all=False), ValueError,
     'does not fit'),
    (lambda: F.max_pooling_nd(np.zeros((1, 1, 4), 'i'), 2), TypeError, 'float array'),
    (lambda: F.max_pooling_nd(np.zeros((1, 1, 4)), 0), ValueError, 'at least 1'),
    (lambda: F.average_pooling_nd(np.zeros((1, 1, 4)), 2, pad_value=1), ValueError,
     'pad_value must be 0'),
    (lambda: F.unpooling_nd(np.zeros((1, 1, 2)), 2, outsize=(7,), cover_all=False),
     ValueError, 'leave outsize=None to get (4,)'),
])
def test_pooling_nd_errors(call, error, words):
    with pytest.raises(error) as e:
        call()
    assert words in str(e.value)


# -- batch renormalization -------------------------------------------------------------------

def renorm_ref(x, gamma, beta, rmax, dmax, eps, mean_run, var_run):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    sigma_run = np.sqrt(var_run + eps)
    r = np.clip(np.sqrt(var + eps) / sigma_run, 1 / rmax, rmax).reshape(shape)
    d = np.clip((mean - mean_run) / sigma_run, -dmax, dmax).reshape(shape)
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var + eps).reshape(shape)
    return gamma.reshape(shape) * (x_hat * r + d) + beta.reshape(shape), r, d


# Running statistics far from the batch's: r and d are clipped at rmax and dmax, so
# they do not move when x moves a little and the numerical gradient sees what
# backward computes.
FAR_MEAN, FAR_VAR = np.array([10., -10., 10.]), np.array([100., 100., 0.01])


def _brn(rmax, dmax, mean=FAR_MEAN, var=FAR_VAR):
    return lambda x, g, b: F.batch_renormalization(x, g, b, rmax, dmax, running_mean=mean.copy(),
                                                   running_var=var.copy())


DOUBLE_BACKPROP_CASES['batch_renormalization'] = (
    _brn(1.5, 0.3), lambda: (_r(5, 3, 2), _r(3, seed=1), _r(3, seed=2)))


@pytest.mark.parametrize('shape', [(6, 3), (4, 3, 2, 2)])
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_batch_renormalization_forward_and_statistics(shape, dtype):
    x = (_r(*shape) * 2 + 1).astype(dtype)
    g, b = _r(3, seed=1).astype(dtype), _r(3, seed=2).astype(dtype)
    mean, var = np.array([3., 1., 2.], dtype), np.array([0.1, 9., 2.], dtype)
    rm, rv = mean.copy(), var.copy()
    y = F.batch_renormalization(x, g, b, 2., 0.4, running_mean=rm, running_var=rv)
    ref, r, d = renorm_ref(x.astype(np.float64), g, b, 2., 0.4, 2e-5, mean, var)
    assert y.dtype == dtype
    # The case reaches both sides of the clipping and the unclipped middle.
    clipped = (r == 2) | (r == 0.5)
    assert clipped.any() and not clipped.all()
    assert (abs(d) == 0.4).any() and (abs(d) < 0.4).any()
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y.data, ref, rtol=tol, atol=tol)
    np.testing.assert_array_equal(rm, mean)             # update_statistics=False
    F.batch_renormalization(x, g, b, 2., 0.4, running_mean=rm, running_var=rv,
                            decay=0.8, update_statistics=True)
    axes = (0,) + tuple(range(2, x.ndim))
    m = x.size // 3
    np.testing.assert_allclose(rm, 0.8 * mean + 0.2 * x.mean(axis=axes, dtype=np.float64),
                               rtol=tol)
    np.testing.assert_allclose(rv, 0.8 * var + 0.2 * m / (m - 1) *
                               x.var(axis=axes, dtype=np.float64), rtol=tol)


def test_batch_renormalization_without_correction_is_batch_normalization():
    x, g, b = _r(6, 3, 2), _r(3, seed=1), _r(3, seed=2)
    y = F.batch_renormalization(x, g, b, 1, 0, running_mean=FAR_MEAN.copy(),
                                running_var=FAR_VAR.copy())
    np.testing.assert_allclose(y.data, F.batch_normalization(x, g, b).data, rtol=1e-12,
                               atol=1e-12)
    check_backward(_brn(1, 0), (x, g, b), _r(6, 3, 2, seed=3), eps=1e-4, atol=1e-6, rtol=1e-5)


def test_batch_renormalization_backward_with_r_and_d_clipped():
    check_backward(_brn(1.5, 0.3), (_r(5, 3, 2), _r(3, seed=1), _r(3, seed=2)),
                   _r(5, 3, 2, seed=3), eps=1e-4, atol=1e-6, rtol=1e-5)


def test_batch_renormalization_backward_takes_r_and_d_as_constants():
    # Unclipped, r and d depend on x, but backward holds them fixed: its grads are
    # those of the formula with this batch's r and d frozen.
    x, g, b = _r(6, 3), _r(3, seed=1), _r(3, seed=2)
    mean, var = np.array([0.1, -0.2, 0.]), np.array([1.2, 0.8, 1.])
    _, r, d = renorm_ref(x, g, b, 5., 5., 2e-5, mean, var)
    assert (r > 1 / 5).all() and (r < 5).all()

    def frozen(x, g, b):
        x_hat = (x - F.mean(x, axis=0)) / F.sqrt(F.mean(
            (x - F.mean(x, axis=0)) ** 2, axis=0) + 2e-5)
        return g * (x_hat * r[0] + d[0]) + b
    gy = _r(6, 3, seed=3)
    xs = [Variable(v.copy()) for v in (x, g, b)]
    ys = [Variable(v.copy()) for v in (x, g, b)]
    out = F.batch_renormalization(*xs, 5., 5., running_mean=mean, running_var=var)
    out.grad = gy
    out.backward()
    ref = frozen(*ys)
    ref.grad = gy.copy()
    ref.backward()
    for a, e in zip(xs, ys):
        np.testing.assert_allclose(a.grad, e.grad, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize('kwargs, error, words', [
    (dict(running_mean=None), TypeError, 'needs running_mean and running_var'),
    (dict(rmax=0.5), ValueError, 'rmax must be at least 1'),
    (dict(dmax=-1), ValueError, 'dmax at least 0'),
    (dict(running_var=np.ones(2)), ValueError, 'running_var must have the shape of gamma (3,)'),
    (dict(x=np.zeros((4, 2))), ValueError, 'gamma has shape (3,)'),
    (dict(x=np.zeros((4, 3), 'i')), TypeError, 'float array'),
])
def test_batch_renormalization_errors_change_nothing(kwargs, error, words):
    args = dict(x=_r(4, 3), gamma=np.ones(3), beta=np.zeros(3), rmax=2, dmax=1,
                running_mean=np.zeros(3), running_var=np.ones(3), update_statistics=True)
    args.update(kwargs)
    before = [None if a is None else a.copy() for a in (args['running_mean'],
                                                        args['running_var'])]
    with pytest.raises(error) as e:
        F.batch_renormalization(**args)
    assert words in str(e.value)
    for a, b in zip((args['running_mean'], args['running_var']), before):
        if a is not None:
            np.testing.assert_array_equal(a, b)


def test_fixed_batch_renormalization_is_fixed_batch_normalization_and_deprecated():
    x, g, b = _r(4, 3), _r(3, seed=1), _r(3, seed=2)
    mean, var = np.array([0., 1., 2.]), np.array([1., 4., 9.])
    with pytest.warns(DeprecationWarning, match='fixed_batch_normalization'):
        y = F.fixed_batch_renormalization(x, g, b, mean, var, eps=0)
    np.testing.assert_array_equal(y.data, g * (x - mean) / np.sqrt(var) + b)


def test_batch_renormalization_link():
    brn = L.BatchRenormalization(3, rmax=2., dmax=0.5, decay=0.8)
    assert sorted(n for n, _ in brn.namedparams()) == ['/beta', '/gamma']
    assert repr(brn) == 'BatchRenormalization(size=3, decay=0.8, eps=2e-05, rmax=2.0, dmax=0.5)'
    x = (_r(6, 3) * 2 + 1).astype('f')
    y = brn(x)
    ref, _, _ = renorm_ref(x.astype(np.float64), np.ones(3), np.zeros(3), 2., 0.5, 2e-5,
                           np.zeros(3), np.ones(3))
    np.testing.assert_allclose(y.data, ref, rtol=1e-5, atol=1e-5)
    assert brn.avg_mean.dtype == np.float32
    np.testing.assert_allclose(brn.avg_mean, 0.2 * x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(brn.avg_var, 0.8 + 0.2 * x.var(axis=0, ddof=1), rtol=1e-5)
    F.sum(y * _r(6, 3).astype('f')).backward()
    assert brn.gamma.grad.shape == (3,)
    # A failed call leaves the statistics and the count alone.
    state = brn.avg_mean.copy(), brn.avg_var.copy()
    with pytest.raises(ValueError):
        brn(np.zeros((6, 4), 'f'), finetune=True)
    np.testing.assert_array_equal(brn.avg_mean, state[0])
    np.testing.assert_array_equal(brn.avg_var, state[1])
    assert brn.N == 0
    brn(x, finetune=True)                 # decay 1 - 1/1 = 0: the batch's own statistics
    assert brn.N == 1
    np.testing.assert_allclose(brn.avg_mean, x.mean(axis=0), rtol=1e-5)
    with teachgrad.using_config('train', False):
        y = brn(x)
    np.testing.assert_allclose(
        y.data, (x - brn.avg_mean) / np.sqrt(brn.avg_var + 2e-5), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match='rmax must be at least 1'):
        L.BatchRenormalization(3, rmax=0.9)


# -- spatial pyramid pooling ---------------------------------------------------------------

def spp_ref(x, height):
    n, c, h, w = x.shape
    levels = []
    for i in range(height):
        bins = 2 ** i
        k = (int(np.ceil(h / bins)), int(np.ceil(w / bins)))
        pad = ((k[0] * bins - h) // 2, (k[1] * bins - w) // 2)
        levels.append(max_pool_ref(x, k, k, pad).reshape(n, -1))
    return np.concatenate(levels, axis=1)[:, :, None, None]


@pytest.mark.parametrize('h, w', [(4, 4), (9, 8), (9, 6), (17, 10)])
def test_spatial_pyramid_pooling_2d(h, w):
    x = _r(2, 3, h, w)
    y = F.spatial_pyramid_pooling_2d(x, 3, pooling='max')
    assert y.shape == (2, 3 * (1 + 4 + 16), 1, 1)
    np.testing.assert_array_equal(y.data, spp_ref(x, 3))
    np.testing.assert_array_equal(y.data[:, :3, 0, 0], x.max(axis=(2, 3)))   # level 0
    assert F.spatial_pyramid_pooling_2d(x.astype('f'), 2, 'max').dtype == np.float32
    check_backward(lambda x: F.spatial_pyramid_pooling_2d(x, 3, pooling='max'), (x,),
                   _r(*y.shape, seed=1), eps=1e-4, atol=1e-7, rtol=1e-6)


def test_spatial_pyramid_pooling_2d_window_of_padding_only():
    # 5 rows in 4 bins: windows of 2 from row -1, the last (rows 5, 6) all padding.
    y = F.spatial_pyramid_pooling_2d(_r(1, 1, 5, 8), 3, pooling='max')
    grid = y.data[0, 5:, 0, 0].reshape(4, 4)
    assert np.isneginf(grid[3]).all() and np.isfinite(grid[:3]).all()


@pytest.mark.parametrize('args, words', [
    ((np.zeros((1, 1, 4, 4)), 2), "pooling must be 'max'"),
    ((np.zeros((1, 1, 4, 4)), 2, 'average'), "pooling must be 'max'"),
    ((np.zeros((1, 1, 4, 4)), 0, 'max'), 'positive int'),
    ((np.zeros((1, 4, 4)), 2, 'max'), 'shape (batch, channels, height, width)'),
])
def test_spatial_pyramid_pooling_2d_errors(args, words):
    with pytest.raises(ValueError) as e:
        F.spatial_pyramid_pooling_2d(*args)
    assert words in str(e.value)
