"""unpooling_2d, upsampling_2d, depth2space/space2depth and
local_response_normalization: values by hand or by loop, numerical gradients."""
import numpy as np
import pytest

import teachgrad.functions as F
from teachgrad import Variable
from teachgrad.gradient_check import check_backward


def test_unpooling_copies_each_value_to_its_window():
    x = np.array([[[[1., 2.], [3., 4.]]]])
    y = F.unpooling_2d(x, 2, cover_all=False)
    assert y.data[0, 0].tolist() == [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]
    # stride 1: the windows overlap and add up
    y = F.unpooling_2d(x, 2, stride=1, cover_all=False)
    assert y.data[0, 0].tolist() == [[1, 3, 2], [4, 10, 6], [3, 7, 4]]
    # cover_all (the default) assumes the last window was a partial one
    assert F.unpooling_2d(x, 2).shape == (1, 1, 3, 3)
    assert F.unpooling_2d(x, 2, outsize=(4, 4)).shape == (1, 1, 4, 4)


@pytest.mark.parametrize('kw', [dict(ksize=2, cover_all=False), dict(ksize=3, stride=2, pad=1),
                                dict(ksize=2), dict(ksize=(2, 3), outsize=(4, 6))])
def test_unpooling_backward(kw):
    rng = np.random.RandomState(0)
    x = rng.randn(2, 3, 2, 2)
    gy = rng.randn(*F.unpooling_2d(x, **kw).shape)
    check_backward(lambda x: F.unpooling_2d(x, **kw), x, gy)


def test_unpooling_undoes_average_pooling_shape_and_sum():
    x = np.random.RandomState(1).randn(1, 2, 6, 4).astype(np.float32)
    pooled = F.average_pooling_2d(x, 2)
    up = F.unpooling_2d(pooled, 2, cover_all=False)
    assert up.shape == x.shape and up.dtype == np.float32
    np.testing.assert_allclose(up.data.sum(axis=(2, 3)), x.sum(axis=(2, 3)), rtol=1e-5)


def test_unpooling_bad_outsize():
    with pytest.raises(ValueError, match=r'unpooling_2d: pooling an image of size \(7, 7\).*leave outsize=None'):
        F.unpooling_2d(np.zeros((1, 1, 2, 2)), 2, outsize=(7, 7))
    with pytest.raises(ValueError, match='needs x of shape'):
        F.unpooling_2d(np.zeros((2, 2)), 2)


def test_upsampling_puts_values_where_the_maxima_were():
    h = np.array([[[[1., 5., 0., 0.], [7., 2., 0., 9.], [0., 0., 3., 0.], [0., 0., 0., 0.]]]])
    y, idx = F.max_pooling_2d(h, 2, return_indices=True)
    up = F.upsampling_2d(y, idx, 2, outsize=(4, 4))
    assert up.data[0, 0].tolist() == [[0, 0, 0, 0], [7, 0, 0, 9], [0, 0, 3, 0], [0, 0, 0, 0]]
    up = F.upsampling_2d(y * 0 + 1, idx, 2, cover_all=False)
    assert up.shape == (1, 1, 4, 4)


def test_upsampling_backward_and_dtype():
    rng = np.random.RandomState(2)
    h = rng.randn(2, 2, 5, 5)
    y, idx = F.max_pooling_2d(h, 2, return_indices=True)
    gy = rng.randn(2, 2, 5, 5)
    check_backward(lambda y: F.upsampling_2d(y, idx, 2, outsize=(5, 5)), y.data, gy)
    y32 = Variable(y.data.astype(np.float32))
    out = F.upsampling_2d(y32, idx, 2, outsize=(5, 5))
    assert out.dtype == np.float32
    with pytest.raises(ValueError, match='indexes must have the shape of x'):
        F.upsampling_2d(y, idx[:, :1], 2)


def test_depth2space_layout_and_inverse():
    x = np.arange(2 * 8 * 2 * 3, dtype=np.float64).reshape(2, 8, 2, 3)
    y = F.depth2space(x, 2)
    assert y.shape == (2, 2, 4, 6)
    for i in range(2):
        for j in range(2):
            for c in range(2):
                np.testing.assert_array_equal(y.data[:, c, i::2, j::2], x[:, (i * 2 + j) * 2 + c])
    np.testing.assert_array_equal(F.space2depth(y, 2).data, x)
    rng = np.random.RandomState(3)
    check_backward(lambda x: F.depth2space(x, 2), x, rng.randn(2, 2, 4, 6))
    check_backward(lambda y: F.space2depth(y, 2), y.data, rng.randn(2, 8, 2, 3))
    assert F.depth2space(x.astype(np.float32), 2).dtype == np.float32


def test_depth2space_bad_shapes():
    with pytest.raises(ValueError, match=r'multiple of 4, but x has shape \(1, 6, 2, 2\)'):
        F.depth2space(np.zeros((1, 6, 2, 2)), 2)
    with pytest.raises(ValueError, match=r'multiples of r=2, but x has shape \(1, 1, 3, 2\)'):
        F.space2depth(np.zeros((1, 1, 3, 2)), 2)


def lrn_ref(x, n, k, alpha, beta):
    y = np.empty_like(x)
    C = x.shape[1]
    for c in range(C):
        lo, hi = max(0, c - n // 2), min(C, c + n // 2 + 1)
        y[:, c] = x[:, c] / (k + alpha * (x[:, lo:hi] ** 2).sum(axis=1)) ** beta
    return y


@pytest.mark.parametrize('n,k,alpha,beta', [(5, 2, 1e-4, .75), (3, 1, 0.5, 0.6), (2, 1, 1, 1)])
def test_local_response_normalization(n, k, alpha, beta):
    rng = np.random.RandomState(4)
    x = rng.randn(2, 7, 3, 2)
    y = F.local_response_normalization(x, n, k, alpha, beta)
    np.testing.assert_allclose(y.data, lrn_ref(x, n, k, alpha, beta), rtol=1e-12)
    check_backward(lambda x: F.local_response_normalization(x, n, k, alpha, beta), x,
                   rng.randn(*x.shape))
    y32 = F.local_response_normalization(x.astype(np.float32), n, k, alpha, beta)
    assert y32.dtype == np.float32
