"""Special functions (erf family, Phi, the gamma family, zeta) and the rest of Chainer's
math, array, linear algebra and evaluation functions, with L.Scale and L.Bias.

The table has the format of tests/test_functions.py: forward against a reference
written here (scipy's, when it is installed, for the special functions), backward
against numerical gradients in float64, float32 kept float32, the GPU when cupy sees
one. Exact known values are checked without scipy.
"""
import math

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Variable
from teachgrad.gradient_check import check_backward
from test_functions import (CONST, POS, U, _as_tuple, _inputs, _run_backward, _y_grads,
                            check_case_on_gpu)

EULER_GAMMA = 0.57721566490153286061


def _scipy_special():
    return pytest.importorskip('scipy.special')


def _sp(name, *args):
    """A reference from scipy.special, looked up when the case runs (skips without scipy)."""
    def ref(*xs):
        return getattr(_scipy_special(), name)(*(args + xs))
    return ref


N2 = CONST(np.array(2))

# (name, func, input makers, reference)
SPECIAL_CASES = [
    ('erf', F.erf, [U(2, 3, low=-2, high=2)], _sp('erf')),
    ('erfc', F.erfc, [U(2, 3, low=-2, high=2)], _sp('erfc')),
    ('erfinv', F.erfinv, [U(2, 3, low=-0.9, high=0.9)], _sp('erfinv')),
    ('erfcinv', F.erfcinv, [U(2, 3, low=0.1, high=1.9)], _sp('erfcinv')),
    ('erfcx', F.erfcx, [U(2, 3, low=-2, high=10)], _sp('erfcx')),
    ('ndtr', F.ndtr, [U(2, 3, low=-3, high=3)], _sp('ndtr')),
    ('log_ndtr', F.log_ndtr, [U(2, 3, low=-30, high=3)], _sp('log_ndtr')),
    ('ndtri', F.ndtri, [U(2, 3, low=0.05, high=0.95)], _sp('ndtri')),
    ('lgamma', F.lgamma, [U(2, 3, low=0.2, high=6)], _sp('gammaln')),
    ('lgamma_negative', F.lgamma, [U(2, 3, low=-2.9, high=-2.1)], _sp('gammaln')),
    ('digamma', F.digamma, [U(2, 3, low=0.2, high=15)], _sp('digamma')),
    ('digamma_negative', F.digamma, [U(2, 3, low=-1.8, high=-1.2)], _sp('digamma')),
    ('polygamma_0', lambda x: F.polygamma(np.array(0), x), [POS(2, 3)],
     _sp('polygamma', 0)),
    ('polygamma_n_array', F.polygamma, [CONST(np.array([[0, 1, 2], [3, 1, 4]])), POS(2, 3)],
     _sp('polygamma')),
    ('polygamma_2', lambda x: F.polygamma(np.array(2), x), [U(3, low=0.3, high=20)],
     _sp('polygamma', 2)),
    ('zeta', lambda q: F.zeta(2., q), [POS(2, 3)], _sp('zeta', 2.)),
    ('zeta_x_array', lambda q: F.zeta(np.array([2., 3.5, 7.]), q), [U(2, 3, low=0.5, high=30)],
     _sp('zeta', np.array([2., 3.5, 7.]))),
    ('zeta_negative_q', lambda q: F.zeta(4., q), [U(2, 3, low=-2.9, high=-2.1)],
     _sp('zeta', 4.)),
]



def cumprod_ref(x, axis=None):
    # each running product written out as a product of a slice
    if axis is None:
        flat = x.ravel()
        return np.array([np.prod(flat[:i + 1]) for i in range(flat.size)])
    moved = np.moveaxis(x, axis, 0)
    out = np.stack([np.prod(moved[:i + 1], axis=0) for i in range(len(moved))])
    return np.moveaxis(out, 0, axis)


def along_ref(x, y, axis):
    return y.reshape((1,) * axis + y.shape + (1,) * (x.ndim - axis - y.ndim))


WITH_ZEROS = CONST([[0.5, 0., -2.], [1.5, 0.8, 0.], [0., 0., 1.2]])

MORE_CASES = [
    ('arctanh', F.arctanh, [U(2, 3, low=-0.8, high=0.8)], np.arctanh),
    ('arctan2', F.arctan2, [U(2, 3), U(2, 3)], np.arctan2),
    ('arctan2_broadcast', F.arctan2, [U(2, 3), POS(3)], np.arctan2),
    ('fmod', F.fmod, [CONST([[5.3, -5.3, 0.7], [2.9, -0.4, 7.1]]),
                      CONST([[2.0, 2.0, -0.5], [1.3, 0.3, 2.2]])],
     lambda x, d: x - np.trunc(x / d) * d),
    ('fmod_broadcast', F.fmod, [CONST([[5.3, -5.3, 0.7], [2.9, -0.4, 7.1]]), CONST([1.7])],
     lambda x, d: x - np.trunc(x / d) * d),
    ('cumprod', F.cumprod, [U(2, 3)], cumprod_ref),
    ('cumprod_axis1', lambda x: F.cumprod(x, axis=1), [U(2, 4)],
     lambda x: cumprod_ref(x, 1)),
    ('cumprod_axis_negative', lambda x: F.cumprod(x, axis=-3), [U(3, 2, 2)],
     lambda x: cumprod_ref(x, 0)),
    ('cumprod_zeros', lambda x: F.cumprod(x, axis=0), [WITH_ZEROS],
     lambda x: cumprod_ref(x, 0)),
    ('cumprod_zeros_axis1', lambda x: F.cumprod(x, axis=1), [WITH_ZEROS],
     lambda x: cumprod_ref(x, 1)),
    ('rollaxis', lambda x: F.rollaxis(x, 2), [U(2, 3, 4)], lambda x: np.rollaxis(x, 2)),
    ('rollaxis_start', lambda x: F.rollaxis(x, 0, 3), [U(2, 3, 4)],
     lambda x: np.rollaxis(x, 0, 3)),
    ('rollaxis_negative', lambda x: F.rollaxis(x, -1, -2), [U(2, 3, 4)],
     lambda x: np.rollaxis(x, -1, -2)),
    ('batch_l2_norm_squared', F.batch_l2_norm_squared, [U(3, 2, 2)],
     lambda x: np.array([sum(v * v for v in row.ravel()) for row in x])),
    ('batch_l2_norm_squared_1d', F.batch_l2_norm_squared, [U(4)], lambda x: x * x),
    ('linear_interpolate', F.linear_interpolate, [U(2, 3, low=0, high=1), U(2, 3), U(2, 3)],
     lambda p, x, y: p * x + (1 - p) * y),
    ('scale', F.scale, [U(2, 3, 4), U(3)], lambda x, y: x * along_ref(x, y, 1)),
    ('scale_axis2', lambda x, y: F.scale(x, y, axis=2), [U(2, 3, 4, 2), U(4, 2)],
     lambda x, y: x * along_ref(x, y, 2)),
    ('scale_axis0', lambda x, y: F.scale(x, y, axis=0), [U(2, 3), U(2)],
     lambda x, y: x * y[:, None]),
    ('bias', F.bias, [U(2, 3, 4), U(3, 4)], lambda x, y: x + along_ref(x, y, 1)),
    ('bias_axis0', lambda x, y: F.bias(x, y, axis=0), [U(2, 3), U(2)],
     lambda x, y: x + y[:, None]),
]



def SPD(n):
    # a well-conditioned symmetric positive definite matrix
    def make(rng):
        a = rng.uniform(-1, 1, (n, n))
        return a @ a.T + n * np.eye(n)
    return make


def WELL_CONDITIONED(*shape):
    def make(rng):
        return rng.uniform(-1, 1, shape) + 3 * np.eye(shape[-1])
    return make


def _symmetric_cholesky(a):
    # the numerical gradient moves a[i, j] alone; through (a + aᵀ) / 2 it moves both halves
    return F.cholesky((a + F.transpose(a)) * 0.5)


def det_ref(a):
    # Leibniz's formula for 2x2 and 3x3 matrices
    if a.shape[-1] == 2:
        return a[..., 0, 0] * a[..., 1, 1] - a[..., 0, 1] * a[..., 1, 0]
    return sum(s * a[..., 0, i] * a[..., 1, j] * a[..., 2, k] for s, (i, j, k) in
               [(1, (0, 1, 2)), (1, (1, 2, 0)), (1, (2, 0, 1)),
                (-1, (2, 1, 0)), (-1, (0, 2, 1)), (-1, (1, 0, 2))])


def inv_check_ref(a):
    return np.linalg.solve(a, np.broadcast_to(np.eye(a.shape[-1]), a.shape))


LINALG_CASES = [
    ('det', F.det, [U(3, 3)], det_ref),
    ('det_2x2', F.det, [U(2, 2)], det_ref),
    ('batch_det', F.batch_det, [U(4, 3, 3)], det_ref),
    ('inv', F.inv, [WELL_CONDITIONED(3, 3)], inv_check_ref),
    ('batch_inv', F.batch_inv, [WELL_CONDITIONED(2, 3, 3)], inv_check_ref),
    ('cholesky', _symmetric_cholesky, [SPD(3)], np.linalg.cholesky),
]



REPEATED = np.array([0, 2, 0, 0])


def scatter_add_ref(a, index, b):
    out = a.copy()
    for position, value in zip(np.ndindex(*b.shape), b.ravel()):
        out[index(position)] += value
    return out


def pad_ref(xs, length, padding):
    out = np.full((len(xs), length) + xs[0].shape[1:], float(padding))
    for i, x in enumerate(xs):
        out[i, :len(x)] = x
    return out


ARRAY_CASES = [
    ('scatter_add', lambda a, b: F.scatter_add(a, REPEATED, b), [U(3, 2), U(4, 2)],
     lambda a, b: scatter_add_ref(a, lambda p: (REPEATED[p[0]], p[1]), b)),
    ('scatter_add_columns', lambda a, b: F.scatter_add(a, (slice(None), [1, 1]), b),
     [U(2, 3), U(2, 2)], lambda a, b: scatter_add_ref(a, lambda p: (p[0], 1), b)),
    ('scatter_add_slice', lambda a, b: F.scatter_add(a, (Ellipsis, slice(1, 3)), b),
     [U(2, 4), U(2, 2)], lambda a, b: scatter_add_ref(a, lambda p: (p[0], p[1] + 1), b)),
    ('pad_sequence', lambda a, b, d: F.pad_sequence([a, b, d]), [U(3, 2), U(1, 2), U(2, 2)],
     lambda a, b, d: pad_ref([a, b, d], 3, 0)),
    ('pad_sequence_length', lambda a, b: F.pad_sequence((a, b), length=4, padding=-2.5),
     [U(3), U(1)], lambda a, b: pad_ref([a, b], 4, -2.5)),
]



def resize_ref(x, out_shape, mode='bilinear', align_corners=True):
    # pixel by pixel: where each output pixel falls in the input, then its neighbours
    n, c, h, w = x.shape
    out_h, out_w = out_shape

    def source(i, out_n, in_n):
        if mode == 'nearest':
            return min(math.floor(i * in_n / out_n), in_n - 1)
        if align_corners:
            return i * (in_n - 1) / (out_n - 1) if out_n > 1 else 0.
        return max((i + 0.5) * in_n / out_n - 0.5, 0.)

    y = np.zeros((n, c, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            v, u = source(i, out_h, h), source(j, out_w, w)
            v0, u0 = int(v), int(u)
            v1, u1 = min(v0 + 1, h - 1), min(u0 + 1, w - 1)
            a, b = v - v0, u - u0
            y[:, :, i, j] = ((1 - a) * (1 - b) * x[:, :, v0, u0] + (1 - a) * b * x[:, :, v0, u1]
                             + a * (1 - b) * x[:, :, v1, u0] + a * b * x[:, :, v1, u1])
    return y


def im2col_ref(x, k, s=(1, 1), p=(0, 0), d=(1, 1), cover_all=False):
    n, c, h, w = x.shape
    dk = [k[i] + (k[i] - 1) * (d[i] - 1) for i in range(2)]
    extra = [s[i] - 1 if cover_all else 0 for i in range(2)]
    out = [(size + 2 * p[i] - dk[i] + extra[i]) // s[i] + 1 for i, size in enumerate((h, w))]
    padded = np.zeros((n, c, h + 2 * p[0] + s[0], w + 2 * p[1] + s[1]))
    padded[:, :, p[0]:p[0] + h, p[1]:p[1] + w] = x
    col = np.zeros((n, c, k[0], k[1], out[0], out[1]))
    for a in range(k[0]):
        for b in range(k[1]):
            for i in range(out[0]):
                for j in range(out[1]):
                    col[:, :, a, b, i, j] = padded[:, :, i * s[0] + a * d[0], j * s[1] + b * d[1]]
    return col.reshape(n, c * k[0] * k[1], out[0], out[1])


IMAGE_CASES = [
    ('resize_images', lambda x: F.resize_images(x, (5, 7)), [U(2, 2, 3, 4)],
     lambda x: resize_ref(x, (5, 7))),
    ('resize_images_shrink', lambda x: F.resize_images(x, (2, 3)), [U(1, 2, 5, 4)],
     lambda x: resize_ref(x, (2, 3))),
    ('resize_images_unaligned', lambda x: F.resize_images(x, (5, 3), align_corners=False),
     [U(1, 2, 3, 4)], lambda x: resize_ref(x, (5, 3), align_corners=False)),
    ('resize_images_nearest', lambda x: F.resize_images(x, (5, 2), mode='nearest'),
     [U(1, 2, 3, 4)], lambda x: resize_ref(x, (5, 2), mode='nearest')),
    ('im2col', lambda x: F.im2col(x, 2), [U(2, 2, 3, 4)], lambda x: im2col_ref(x, (2, 2))),
    ('im2col_stride_pad', lambda x: F.im2col(x, (2, 3), stride=2, pad=(1, 0)), [U(1, 2, 5, 5)],
     lambda x: im2col_ref(x, (2, 3), (2, 2), (1, 0))),
    ('im2col_dilate', lambda x: F.im2col(x, 2, dilate=2), [U(1, 1, 5, 4)],
     lambda x: im2col_ref(x, (2, 2), d=(2, 2))),
    ('im2col_cover_all', lambda x: F.im2col(x, 3, stride=2, cover_all=True), [U(1, 2, 4, 6)],
     lambda x: im2col_ref(x, (3, 3), (2, 2), cover_all=True)),
]

CASES = SPECIAL_CASES + MORE_CASES + LINALG_CASES + ARRAY_CASES + IMAGE_CASES
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_forward_matches_the_reference(case):
    name, func, _, ref = case
    xs = _inputs(case)
    ys = _as_tuple(func(*[Variable(x) for x in xs]))
    for y, e in zip(ys, _as_tuple(ref(*xs))):
        assert isinstance(y, Variable) and y.shape == np.shape(e)
        np.testing.assert_allclose(y.data, e, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_backward_float64(case):
    name, func, _, _ = case
    xs = _inputs(case)
    ys = _as_tuple(func(*[Variable(x) for x in xs]))
    check_backward(func, xs, _y_grads(ys, np.random.RandomState(1)), eps=1e-4)


@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_float32_stays_float32(case):
    name, func, _, ref = case
    xs = tuple(x.astype(np.float32) if x.dtype.kind == 'f' else x for x in _inputs(case))
    vs = [Variable(x) for x in xs]
    ys = _as_tuple(func(*vs))
    for y, e in zip(ys, _as_tuple(ref(*[x.astype(np.float64) if x.dtype.kind == 'f' else x
                                          for x in xs]))):
        assert y.dtype == np.float32, '{} returned {}'.format(name, y.dtype)
        np.testing.assert_allclose(y.data, e, rtol=1e-5, atol=1e-6)
    _run_backward(ys, _y_grads(ys, np.random.RandomState(1)))
    for v in vs:
        if v.dtype.kind == 'f':
            assert v.grad is not None and v.grad.dtype == np.float32, name
            assert v.grad.shape == v.shape


@pytest.mark.gpu
@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_gpu_forward_and_backward(case):
    check_case_on_gpu(case)


def _pos(*shape, low=0.5, high=2.0):
    return np.random.uniform(low, high, shape)


DOUBLE_BACKPROP_CASES = {
    'erf': (F.erf, lambda: (_pos(2, 3, low=-1.5, high=1.5),)),
    'erfc': (F.erfc, lambda: (_pos(2, 3, low=-1.5, high=1.5),)),
    'erfinv': (F.erfinv, lambda: (_pos(2, 3, low=-0.8, high=0.8),)),
    'erfcinv': (F.erfcinv, lambda: (_pos(2, 3, low=0.2, high=1.8),)),
    'erfcx': (F.erfcx, lambda: (_pos(2, 3, low=-1.5, high=3),)),
    'F.ndtr': (F.ndtr, lambda: (_pos(2, 3, low=-2, high=2),)),
    'F.log_ndtr': (F.log_ndtr, lambda: (_pos(2, 3, low=-5, high=2),)),
    'F.ndtri': (F.ndtri, lambda: (_pos(2, 3, low=0.1, high=0.9),)),
    'lgamma': (F.lgamma, lambda: (_pos(2, 3),)),
    'digamma': (F.digamma, lambda: (_pos(2, 3),)),
    'polygamma': (lambda x: F.polygamma(np.array(2), x), lambda: (_pos(2, 3),)),
    'zeta': (lambda q: F.zeta(3., q), lambda: (_pos(2, 3),)),
    'arctanh': (F.arctanh, lambda: (_pos(2, 3, low=-0.7, high=0.7),)),
    'arctan2': (F.arctan2, lambda: (_pos(2, 3, low=-1, high=1), _pos(3))),
    'fmod': (F.fmod, lambda: (np.array([[5.3, -5.3, 0.7], [2.9, -0.4, 7.1]]),
                              np.array([[2.0, 2.0, -0.5], [1.3, 0.3, 2.2]]))),
    'cumprod': (lambda x: F.cumprod(x, axis=1), lambda: (_pos(2, 4, low=-1, high=1),)),
    'cumprod_all': (F.cumprod, lambda: (_pos(2, 3, low=-1, high=1),)),
    'rollaxis': (lambda x: F.rollaxis(x, 2, 1), lambda: (_pos(2, 3, 4, low=-1, high=1),)),
    'batch_l2_norm_squared': (F.batch_l2_norm_squared,
                              lambda: (_pos(3, 2, 2, low=-1, high=1),)),
    'linear_interpolate': (F.linear_interpolate,
                           lambda: (_pos(2, 3, low=0, high=1), _pos(2, 3), _pos(2, 3))),
    'scale': (F.scale, lambda: (_pos(2, 3, 2, low=-1, high=1), _pos(3))),
    'bias': (F.bias, lambda: (_pos(2, 3, 2, low=-1, high=1), _pos(3, 2))),
    'det': (F.det, lambda: (_pos(3, 3, low=-1, high=1) + 2 * np.eye(3),)),
    'batch_det': (F.batch_det, lambda: (_pos(2, 3, 3, low=-1, high=1) + 2 * np.eye(3),)),
    'inv': (F.inv, lambda: (_pos(3, 3, low=-1, high=1) + 3 * np.eye(3),)),
    'batch_inv': (F.batch_inv, lambda: (_pos(2, 2, 2, low=-1, high=1) + 3 * np.eye(2),)),
    'cholesky': (_symmetric_cholesky, lambda: (SPD(3)(np.random),)),
    'scatter_add': (lambda a, b: F.scatter_add(a, REPEATED, b), lambda: (_pos(3, 2), _pos(4, 2))),
    'pad_sequence': (lambda a, b: F.pad_sequence([a, b], length=3),
                     lambda: (_pos(2, 2), _pos(1, 2))),
    'resize_images': (lambda x: F.resize_images(x, (3, 5)), lambda: (_pos(1, 2, 2, 3),)),
    'im2col': (lambda x: F.im2col(x, 2, stride=2, pad=1), lambda: (_pos(1, 2, 3, 3),)),
}


# -- exact values, no scipy needed ------------------------------------------------------

def test_special_function_known_values():
    assert F.erf(np.array([0.])).data[0] == 0
    np.testing.assert_allclose(F.erf(np.array([1., -1.])).data, [math.erf(1), -math.erf(1)],
                               rtol=1e-15)
    assert F.erfc(np.array([0.])).data[0] == 1
    np.testing.assert_allclose(F.erfc(np.array([10.])).data, [math.erfc(10.)], rtol=1e-15)
    assert F.erfinv(np.array([0.])).data[0] == 0
    np.testing.assert_allclose(F.erfinv(np.array([math.erf(0.3), math.erf(-2.)])).data,
                               [0.3, -2.], rtol=1e-14)
    np.testing.assert_allclose(F.erfcinv(np.array([math.erfc(0.3), math.erfc(4.)])).data,
                               [0.3, 4.], rtol=1e-13)
    np.testing.assert_array_equal(F.erfinv(np.array([1., -1., 1.5])).data, [np.inf, -np.inf,
                                                                            np.nan])
    np.testing.assert_array_equal(F.erfcinv(np.array([0., 2., -0.5])).data, [np.inf, -np.inf,
                                                                             np.nan])
    assert F.erfcx(np.array([0.])).data[0] == 1
    x = np.array([-3., 0.5, 7.9, 8., 8.1, 20.])
    np.testing.assert_allclose(F.erfcx(x).data,
                               [math.exp(v * v) * math.erfc(v) for v in x], rtol=2e-13)
    # far out, erfcx(x) x sqrt(pi) -> 1 - 1/(2x²)
    np.testing.assert_allclose(F.erfcx(np.array([1e4])).data * 1e4 * math.sqrt(math.pi),
                               [1 - 0.5e-8], rtol=1e-15)
    assert F.ndtr(np.array([0.])).data[0] == 0.5
    np.testing.assert_allclose(F.ndtri(np.array([0.5, 0.975])).data, [0, 1.959963984540054],
                               atol=1e-15)
    np.testing.assert_allclose(F.lgamma(np.array([1., 2., 5., 0.5])).data,
                               [0, 0, math.log(24), 0.5 * math.log(math.pi)], atol=1e-15)
    np.testing.assert_array_equal(F.lgamma(np.array([0., -2.])).data, [np.inf, np.inf])
    np.testing.assert_allclose(F.digamma(np.array([1., 0.5, 2.])).data,
                               [-EULER_GAMMA, -EULER_GAMMA - 2 * math.log(2), 1 - EULER_GAMMA],
                               rtol=1e-15)
    d = F.digamma(np.array([0., -1.])).data
    assert d[0] == -np.inf and np.isnan(d[1])
    np.testing.assert_allclose(F.zeta(2., np.array([1.])).data, [math.pi ** 2 / 6], rtol=1e-15)
    np.testing.assert_allclose(F.zeta(4., np.array([1.])).data, [math.pi ** 4 / 90], rtol=1e-15)
    np.testing.assert_allclose(F.zeta(2., np.array([0.5])).data, [math.pi ** 2 / 2], rtol=1e-15)
    np.testing.assert_allclose(F.zeta(2., np.array([3.])).data,
                               [math.pi ** 2 / 6 - 1 - 0.25], rtol=1e-15)
    assert F.zeta(1., np.array([2.])).data[0] == np.inf
    assert np.isnan(F.zeta(0.5, np.array([2.])).data[0])
    # psi'(1) = zeta(2) = pi²/6, psi''(1) = -2 zeta(3)
    np.testing.assert_allclose(F.polygamma(np.array([1, 2]), np.array([1., 1.])).data,
                               [math.pi ** 2 / 6, -2 * 1.2020569031595942], rtol=1e-15)
    # past 170! the factorial overflows: psi^(200)(1/2) = -200! zeta(201, 1/2) is -inf
    assert F.polygamma(np.array(200), np.array([0.5])).data[0] == -np.inf


def test_special_functions_match_scipy_over_wide_ranges():
    special = _scipy_special()
    x = np.array([-30., -8.5, -3.7, -1.5, -0.3, 0., 1e-10, 0.2, 0.5, 1., 2., 9.9, 12., 30., 1e5])
    for ours, theirs in [(F.erf, special.erf), (F.erfc, special.erfc),
                         (F.erfcx, special.erfcx), (F.ndtr, special.ndtr),
                         (F.log_ndtr, special.log_ndtr), (F.lgamma, special.gammaln),
                         (F.digamma, special.digamma)]:
        np.testing.assert_allclose(ours(x).data, theirs(x), rtol=2e-13, atol=1e-300)
    for n in (1, 2, 3, 7):
        np.testing.assert_allclose(F.polygamma(np.array(n), x).data, special.polygamma(n, x),
                                   rtol=1e-13)
    for s in (1.5, 2., 3., 11.):
        q = x[x > 0]
        np.testing.assert_allclose(F.zeta(s, q).data, special.zeta(s, q), rtol=1e-13)
    p = np.array([-1., -0.999999, -0.5, -1e-8, 0., 1e-12, 0.3, 0.9999999999, 1.])
    np.testing.assert_allclose(F.erfinv(p).data, special.erfinv(p), rtol=1e-14)
    np.testing.assert_allclose(F.erfcinv(p + 1).data, special.erfcinv(p + 1), rtol=1e-14)
    np.testing.assert_allclose(F.erfcinv(np.array([1e-300, 1e-20])).data,
                               special.erfcinv([1e-300, 1e-20]), rtol=1e-14)


def test_special_functions_do_not_warn_at_their_edges():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        F.erfcx(np.array([-40., 1e300]))
        F.digamma(np.array([0., -3., -2.5]))
        F.zeta(3., np.array([0., -2., 1e-200, np.inf]))
        F.erfinv(np.array([1., 2.]))


def test_special_functions_teach_about_bad_input():
    with pytest.raises(TypeError, match='float array.*int'):
        F.erf(np.array([1, 2]))
    with pytest.raises(TypeError, match='n must be an integer'):
        F.polygamma(np.array(1.), np.array([1.]))
    with pytest.raises(ValueError, match='0 or more'):
        F.polygamma(np.array(-1), np.array([1.]))
    with pytest.raises(ValueError, match=r'\(3,\).*\(2,\)'):
        F.polygamma(np.array([1, 1, 1]), np.array([1., 2.]))
    with pytest.raises(ValueError, match=r'zeta: x of shape \(3,\)'):
        F.zeta(np.array([2., 3., 4.]), np.array([1., 2.]))


def test_polygamma_gives_no_gradient_to_n():
    n, x = Variable(np.array(1)), Variable(np.array([2.]))
    F.sum(F.polygamma(n, x)).backward()
    assert n.grad is None
    np.testing.assert_allclose(x.grad, F.polygamma(np.array(2), np.array([2.])).data)


def test_distributions_use_the_special_functions():
    from teachgrad.distributions import _functions
    assert _functions.ndtr is F.ndtr and _functions.ndtri is F.ndtri
    assert _functions.log_ndtr is F.log_ndtr


def test_lgamma_second_derivative_is_trigamma():
    x = Variable(np.array([3.]))
    gx, = teachgrad.grad([F.lgamma(x)], [x], enable_double_backprop=True)
    ggx, = teachgrad.grad([gx], [x])
    np.testing.assert_allclose(gx.data, [1.5 - EULER_GAMMA], rtol=1e-15)       # psi(3)
    np.testing.assert_allclose(ggx.data, [math.pi ** 2 / 6 - 1.25], rtol=1e-14)  # psi'(3)


# -- arctanh ... bias ---------------------------------------------------------------------

def test_math_more_known_values():
    np.testing.assert_allclose(F.arctanh(np.array([0.5])).data, [0.5 * math.log(3)],
                               rtol=1e-15)
    np.testing.assert_allclose(F.arctan2(np.array([1., -1., 0.]), np.array([0., 0., -1.])).data,
                               [math.pi / 2, -math.pi / 2, math.pi], rtol=1e-15)
    np.testing.assert_array_equal(F.fmod(np.array([7., -7.]), np.array([3., 3.])).data,
                                  [1., -1.])
    y = F.fix(Variable(np.array([-2.7, 2.7, -0.2], np.float32)))
    assert y.creator is None and y.dtype == np.float32
    np.testing.assert_array_equal(y.data, [-2., 2., -0.])
    np.testing.assert_array_equal(F.cumprod(np.arange(1., 6.)).data, [1, 2, 6, 24, 120])


def test_cumprod_gradient_with_zeros_is_exact():
    x = Variable(np.array([2., 0., 3.]))
    F.sum(F.cumprod(x)).backward()
    # y = (x0, x0 x1, x0 x1 x2): dy/dx0 = 1 + x1 + x1 x2, dx1 = x0 + x0 x2, dx2 = x0 x1
    np.testing.assert_array_equal(x.grad, [1., 8., 0.])


def test_fmod_gradient_of_the_divisor_is_minus_the_quotient():
    x, d = Variable(np.array([7.5, -7.5])), Variable(np.array([2., 2.]))
    F.sum(F.fmod(x, d)).backward()
    np.testing.assert_array_equal(x.grad, [1., 1.])
    np.testing.assert_array_equal(d.grad, [-3., 3.])


def test_math_more_errors_teach():
    with pytest.raises(ValueError, match=r'y of shape \(4,\) must match x of shape \(2, 3\)'):
        F.scale(np.zeros((2, 3)), np.zeros(4))
    with pytest.raises(ValueError, match='from axis 2'):
        F.bias(np.zeros((2, 3)), np.zeros(3), axis=2)
    with pytest.raises(ValueError, match=r'same shape.*\(2,\), \(3,\), \(3,\)'):
        F.linear_interpolate(np.zeros(2), np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match='do not broadcast'):
        F.fmod(np.zeros(2), np.ones(3))
    with pytest.raises(ValueError, match='axis 2 is out of range'):
        F.cumprod(np.zeros((2, 2)), axis=2)
    with pytest.raises(TypeError, match='axis must be an int'):
        F.cumprod(np.zeros(2), axis=1.5)
    with pytest.raises(ValueError, match='start 4 must be between'):
        F.rollaxis(np.zeros((2, 3, 4)), 0, 4)
    with pytest.raises(TypeError, match='float'):
        F.arctanh(np.array([0, 1]))


def test_scale_and_bias_links():
    s = L.Scale(axis=1, W_shape=(3,), bias_term=True)
    assert s.W.shape == (3,) and s.W.dtype == np.float32
    np.testing.assert_array_equal(s.W.data, [1, 1, 1])
    np.testing.assert_array_equal(s.bias.b.data, [0, 0, 0])
    assert sorted(n for n, _ in s.namedparams()) == ['/W', '/bias/b']
    s.W.data[...] = [1., 2., 3.]
    s.bias.b.data[...] = [0.5, 0., -1.]
    x = np.ones((2, 3, 2), np.float32)
    y = s(x)
    np.testing.assert_array_equal(y.data[1], [[1.5, 1.5], [2., 2.], [2., 2.]])
    F.sum(y).backward()
    np.testing.assert_array_equal(s.W.grad, [4., 4., 4.])
    np.testing.assert_array_equal(s.bias.b.grad, [4., 4., 4.])
    b = L.Bias(axis=0)
    assert not hasattr(b, 'b') and list(b.params()) == []
    np.testing.assert_array_equal(b(np.zeros((2, 1)), np.array([1., 2.])).data, [[1.], [2.]])
    unlearned = L.Scale(bias_term=True, bias_shape=(2,))
    assert [n for n, _ in unlearned.namedparams()] == ['/bias/b']
    np.testing.assert_array_equal(unlearned(np.ones((1, 2)), np.array([2., 3.])).data, [[2., 3.]])


def test_scale_and_bias_links_say_what_they_take():
    with pytest.raises(ValueError, match='bias_shape'):
        L.Scale(bias_term=True)
    with pytest.raises(TypeError, match='takes 1 input'):
        L.Scale(W_shape=(2,))(np.ones((1, 2)), np.ones(2))
    with pytest.raises(TypeError, match='takes 2 inputs'):
        L.Bias()(np.ones((1, 2)))
    s = L.Scale(W_shape=(2,))
    with pytest.raises(ValueError, match='must match'):
        s(np.ones((1, 3)))
    assert s.W.grad is None
    assert repr(L.Bias(shape=(2,))) == 'Bias(axis=1, shape=(2,))'


def test_scale_link_round_trips_through_npz(tmp_path):
    from teachgrad import serializers
    s = L.Scale(W_shape=(3,), bias_term=True)
    s.W.data[...] = [1., 2., 3.]
    s.bias.b.data[...] = [4., 5., 6.]
    serializers.save_npz(str(tmp_path / 's.npz'), s)
    with np.load(str(tmp_path / 's.npz'), allow_pickle=False) as f:
        assert sorted(f.files) == ['W', 'bias/b']
    t = L.Scale(W_shape=(3,), bias_term=True)
    serializers.load_npz(str(tmp_path / 's.npz'), t)
    np.testing.assert_array_equal(t.W.data, s.W.data)
    np.testing.assert_array_equal(t.bias.b.data, s.bias.b.data)


# -- det, inv, cholesky -------------------------------------------------------------------

def test_linalg_known_values():
    np.testing.assert_allclose(F.det(np.array([[1., 2.], [3., 4.]])).data, -2., rtol=1e-15)
    assert F.det(np.eye(3, dtype=np.float32)).dtype == np.float32
    assert F.det(np.array([[1., 2.], [2., 4.]])).data == 0.
    np.testing.assert_allclose(F.batch_det(np.array([np.eye(2) * 2, np.eye(2) * 3])).data,
                               [4., 9.])
    np.testing.assert_allclose(F.inv(np.array([[4., 7.], [2., 6.]])).data,
                               [[0.6, -0.7], [-0.2, 0.4]], rtol=1e-14)
    L = F.cholesky(np.array([[4., 12., -16.], [12., 37., -43.], [-16., -43., 98.]])).data
    np.testing.assert_allclose(L, [[2., 0., 0.], [6., 1., 0.], [-8., 5., 3.]], rtol=1e-14)


def test_cholesky_gradient_is_symmetric():
    a = Variable(SPD(3)(np.random.RandomState(0)))
    F.sum(F.cholesky(a) * np.arange(9.).reshape(3, 3)).backward()
    np.testing.assert_allclose(a.grad, a.grad.T, rtol=1e-14)


def test_log_det_from_cholesky_has_the_inverse_as_gradient():
    spd = SPD(3)(np.random.RandomState(1))
    a = Variable(spd)
    log_det = 2 * F.sum(F.log(F.diagonal(F.cholesky(a))))
    np.testing.assert_allclose(log_det.data, np.log(np.linalg.det(spd)), rtol=1e-13)
    log_det.backward()
    np.testing.assert_allclose(a.grad, np.linalg.inv(spd), rtol=1e-12)


def test_linalg_errors_teach():
    with pytest.raises(ValueError, match=r'shape \(n, n\).*\(2, 3\)'):
        F.det(np.zeros((2, 3)))
    with pytest.raises(ValueError, match='use batch_det'):
        F.det(np.zeros((2, 3, 3)))
    with pytest.raises(ValueError, match=r'\(batch, n, n\).*use inv'):
        F.batch_inv(np.zeros((3, 3)))
    with pytest.raises(ValueError, match='singular'):
        F.inv(np.array([[1., 2.], [2., 4.]]))
    with pytest.raises(ValueError, match='not positive definite'):
        F.cholesky(np.array([[1., 2.], [2., 1.]]))
    with pytest.raises(TypeError, match='float'):
        F.inv(np.eye(2, dtype=np.int32))
    a = Variable(np.array([[1., 2.], [2., 4.]]))
    d = F.det(a)
    with pytest.raises(ValueError, match='singular'):
        d.backward()
    assert a.grad is None


# -- r2_score and the classification summary ---------------------------------------------

def _summary_by_counting(y, t, label_num, beta, ignore_label):
    """Precision, recall, F-beta and support of each class, one example at a time."""
    pred = y.argmax(axis=1).ravel()
    tp, predicted, support = (np.zeros(label_num) for _ in range(3))
    for p, true in zip(pred, t.ravel()):
        if true == ignore_label:
            continue
        support[true] += 1
        if p < label_num:               # a prediction of a class past label_num counts nowhere
            predicted[p] += 1
            tp[p] += p == true
    with np.errstate(invalid='ignore', divide='ignore'):
        precision, recall = tp / predicted, tp / support
        fbeta = (1 + beta ** 2) * precision * recall / (beta ** 2 * precision + recall)
    return precision, recall, fbeta, support


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('shape, label_num, beta, ignore_label', [
    ((30, 4), None, 1.0, -1),
    ((30, 4), 6, 0.5, -1),
    ((20, 3, 2), 3, 2.0, -1),
    ((25, 3), 3, 1.0, 1),
    ((20, 3, 2, 1), 3, 1.0, -1),
])
def test_classification_summary_matches_counting(dtype, shape, label_num, beta, ignore_label):
    rng = np.random.RandomState(3)
    y = rng.uniform(-1, 1, shape).astype(dtype)
    t_shape = shape[:1] + tuple(n for n in shape[2:] if n != 1)
    t = rng.randint(0, 3, t_shape).astype(np.int32)
    t.flat[::7] = -1 if ignore_label == -1 else t.flat[::7]
    p, r, f, s = F.classification_summary(y, t, label_num, beta, ignore_label)
    n = label_num or int(t.max()) + 1
    expected = _summary_by_counting(y, t, n, beta, ignore_label)
    for got, want in zip((p, r, f), expected[:3]):
        assert got.shape == (n,) and got.dtype == dtype
        np.testing.assert_allclose(got.data, want, rtol=1e-6)
    np.testing.assert_array_equal(s.data, expected[3])
    for pair, index in ((F.precision(y, t, label_num, ignore_label), 0),
                        (F.recall(y, t, label_num, ignore_label), 1)):
        np.testing.assert_allclose(pair[0].data, expected[index], rtol=1e-6)
        np.testing.assert_array_equal(pair[1].data, expected[3])
    f1, support = F.f1_score(y, t, label_num, ignore_label)
    np.testing.assert_allclose(f1.data, _summary_by_counting(y, t, n, 1.0, ignore_label)[2],
                               rtol=1e-6)
    fb, _ = F.fbeta_score(y, t, label_num, beta, ignore_label)
    np.testing.assert_allclose(fb.data, f.data)


def test_classification_summary_known_values_and_no_gradient():
    y = Variable(np.array([[0.9, 0.1, 0.], [0.2, 0.8, 0.], [0.3, 0.7, 0.], [0.6, 0.4, 0.]]))
    t = np.array([0, 1, 0, -1], np.int32)
    p, r, f, s = F.classification_summary(y, t, label_num=3)
    np.testing.assert_array_equal(p.data, [1., 0.5, np.nan])
    np.testing.assert_array_equal(r.data, [0.5, 1., np.nan])
    np.testing.assert_allclose(f.data, [2 / 3, 2 / 3, np.nan])
    np.testing.assert_array_equal(s.data, [2, 1, 0])
    F.sum(F.where(np.isnan(p.data), np.zeros(3), p)).backward()
    assert y.grad is None
    with pytest.raises(NotImplementedError, match='first-order only'):
        loss = F.sum(F.where(np.isnan(p.data), np.zeros(3), p) * y[0])
        loss.backward(enable_double_backprop=True)


def test_classification_summary_errors_teach():
    y = np.zeros((3, 2))
    with pytest.raises(ValueError, match=r'must be in \[0, 2\).*\[0, 1, 5\]'):
        F.classification_summary(y, np.array([0, 5, 1], np.int32), label_num=2)
    with pytest.raises(ValueError, match=r't should have shape \(3,\)'):
        F.precision(y, np.array([0, 1], np.int32))
    with pytest.raises(TypeError, match='integers'):
        F.recall(y, np.array([0., 1., 1.]))
    with pytest.raises(ValueError, match='beta must be positive'):
        F.fbeta_score(y, np.array([0, 1, 1], np.int32), beta=0.)
    with pytest.raises(ValueError, match='label_num'):
        F.f1_score(y, np.array([0, 1, 1], np.int32), label_num=0)


def r2_by_formula(pred, true):
    mean = true.mean(axis=0)
    return 1 - ((pred - true) ** 2).sum(axis=0) / ((true - mean) ** 2).sum(axis=0)


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_r2_score(dtype):
    rng = np.random.RandomState(0)
    true = rng.uniform(-1, 1, (10, 3)).astype(dtype)
    pred = (true + rng.uniform(-0.3, 0.3, (10, 3))).astype(dtype)
    raw = F.r2_score(pred, true, multioutput='raw_values')
    assert raw.shape == (3,) and raw.dtype == dtype
    np.testing.assert_allclose(raw.data, r2_by_formula(pred.astype(np.float64),
                                                       true.astype(np.float64)), rtol=1e-5)
    mean = F.r2_score(pred, true)
    assert mean.shape == () and mean.dtype == dtype
    np.testing.assert_allclose(mean.data, raw.data.mean(), rtol=1e-6)
    assert F.r2_score(true, true).data == 1
    np.testing.assert_array_equal(
        F.r2_score(np.array([[1., 0.], [2., 1.]]), np.array([[3., 0.], [3., 2.]]),
                   multioutput='raw_values').data, [0., 0.5])     # a constant column scores 0


def test_r2_score_errors_and_no_gradient():
    with pytest.raises(ValueError, match=r'\(3,\).*\(4,\)'):
        F.r2_score(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match='multioutput'):
        F.r2_score(np.zeros(3), np.zeros(3), multioutput='variance_weighted')
    with pytest.raises(NotImplementedError, match='sample_weight'):
        F.r2_score(np.zeros(3), np.zeros(3), sample_weight=np.ones(3))
    pred = Variable(np.array([1., 2., 4.]))
    F.r2_score(pred, np.array([1., 2., 3.])).backward()
    assert pred.grad is None


# -- scatter_add, pad_sequence ------------------------------------------------------------

def test_scatter_add_leaves_a_unchanged_and_adds_repeats():
    a = np.zeros((3,))
    y = F.scatter_add(a, [0, 0, 2], np.array([1., 2., 3.]))
    np.testing.assert_array_equal(y.data, [3., 0., 3.])
    np.testing.assert_array_equal(a, [0., 0., 0.])
    b = Variable(np.array([1., 2., 3.]))
    y = F.scatter_add(np.zeros(3), np.array([0, 0, 2]), b)
    F.sum(y * np.array([1., 10., 100.])).backward()
    np.testing.assert_array_equal(b.grad, [1., 1., 100.])


def test_scatter_add_and_pad_sequence_errors_teach():
    with pytest.raises(ValueError, match=r'shape of a\[slices\], \(2,\).*\(3,\)'):
        F.scatter_add(np.zeros(4), slice(0, 2), np.zeros(3))
    with pytest.raises(ValueError, match='do not fit'):
        F.scatter_add(np.zeros(4), np.array([5]), np.zeros(1))
    with pytest.raises(ValueError, match='one Ellipsis'):
        F.scatter_add(np.zeros((2, 2)), (Ellipsis, Ellipsis), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r'length=1 is shorter than the longest array \(2\)'):
        F.pad_sequence([np.zeros(2), np.zeros(1)], length=1)
    with pytest.raises(ValueError, match=r'array 1 has shape \(2, 3\)'):
        F.pad_sequence([np.zeros((2, 2)), np.zeros((2, 3))])
    assert F.pad_sequence([np.zeros((0, 2)), np.zeros((0, 2))]).shape == (2, 0, 2)


# -- resize_images, im2col ----------------------------------------------------------------

def test_resize_images_known_values_and_errors():
    x = np.arange(4.).reshape(1, 1, 2, 2)               # [[0, 1], [2, 3]]
    np.testing.assert_allclose(F.resize_images(x, (3, 3)).data[0, 0],
                               [[0, 0.5, 1], [1, 1.5, 2], [2, 2.5, 3]])
    np.testing.assert_array_equal(F.resize_images(x, (2, 2)).data, x)
    assert F.resize_images(x.astype(np.float32), (3, 1)).dtype == np.float32
    with pytest.raises(ValueError, match='mode'):
        F.resize_images(x, (3, 3), mode='bicubic')
    with pytest.raises(ValueError, match=r'\(batch, channels, height, width\).*\(2, 2\)'):
        F.resize_images(np.zeros((2, 2)), (3, 3))
    with pytest.raises(ValueError, match='output_shape'):
        F.resize_images(x, (0, 3))


def test_im2col_times_a_filter_is_a_convolution():
    rng = np.random.RandomState(0)
    x, W = rng.randn(2, 3, 5, 5), rng.randn(4, 3, 3, 2)
    col = F.im2col(x, (3, 2), stride=(2, 1), pad=1)
    y = np.einsum('nkhw,ok->nohw', col.data, W.reshape(4, -1))
    np.testing.assert_allclose(y, F.convolution_2d(x, W, stride=(2, 1), pad=1).data, rtol=1e-12)
    with pytest.raises(ValueError, match='does not fit'):
        F.im2col(np.zeros((1, 1, 2, 2)), 3)
