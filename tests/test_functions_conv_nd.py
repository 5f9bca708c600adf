"""N-d convolution (dilate, groups), deconvolution and their links, against a
brute-force loop over every output position and numerical gradients."""
import itertools

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Variable
from teachgrad.gradient_check import check_backward


def conv_ref(x, W, b=None, stride=1, pad=0, dilate=1, groups=1, cover_all=False):
    """y[n, o, *q] = sum over c, taps of W[o, c, *t] * x[n, g*C/G + c, q*s + t*d - p]."""
    nd = x.ndim - 2
    s = (stride,) * nd if np.isscalar(stride) else stride
    p = (pad,) * nd if np.isscalar(pad) else pad
    d = (dilate,) * nd if np.isscalar(dilate) else dilate
    k = W.shape[2:]
    outs = []
    for h, kk, ss, pp, dd in zip(x.shape[2:], k, s, p, d):
        dk = kk + (kk - 1) * (dd - 1)
        outs.append((h + 2 * pp - dk + (ss - 1 if cover_all else 0)) // ss + 1)
    O = W.shape[0]
    cg, og = W.shape[1], O // groups
    y = np.zeros((x.shape[0], O) + tuple(outs))
    for o in range(O):
        g = o // og
        for q in itertools.product(*[range(n) for n in outs]):
            for t in itertools.product(*[range(n) for n in k]):
                pos = [qq * ss + tt * dd - pp for qq, tt, ss, dd, pp in zip(q, t, s, d, p)]
                if all(0 <= a < h for a, h in zip(pos, x.shape[2:])):
                    xs = x[(slice(None), slice(g * cg, (g + 1) * cg)) + tuple(pos)]
                    y[(slice(None), o) + q] += xs @ W[(o, slice(None)) + t]
    if b is not None:
        y += b.reshape((1, O) + (1,) * nd)
    return y


CASES = [   # (x shape, W shape, kwargs)
    ((2, 3, 7), (4, 3, 3), dict()),
    ((2, 3, 7), (4, 3, 2), dict(stride=2, pad=1)),
    ((1, 2, 9), (2, 2, 3), dict(dilate=3)),
    ((2, 4, 6, 5), (6, 2, 3, 2), dict(groups=2, stride=(2, 1), pad=(1, 0))),
    ((1, 2, 7, 7), (3, 2, 3, 3), dict(dilate=2, pad=2)),
    ((1, 2, 7, 6), (3, 2, 3, 3), dict(stride=2, cover_all=True)),
    ((1, 2, 4, 3, 5), (2, 2, 2, 2, 3), dict(stride=(1, 2, 1), pad=1)),
]


@pytest.mark.parametrize('xs,ws,kw', CASES)
def test_convolution_nd_matches_the_loop(xs, ws, kw):
    rng = np.random.RandomState(0)
    x, W, b = rng.randn(*xs), rng.randn(*ws), rng.randn(ws[0])
    y = F.convolution_nd(x, W, b, **kw)
    np.testing.assert_allclose(y.data, conv_ref(x, W, b, **kw), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize('xs,ws,kw', CASES)
def test_convolution_nd_backward(xs, ws, kw):
    rng = np.random.RandomState(1)
    x, W, b = rng.randn(*xs), rng.randn(*ws), rng.randn(ws[0])
    gy = rng.randn(*F.convolution_nd(x, W, b, **kw).shape)
    check_backward(lambda x, W, b: F.convolution_nd(x, W, b, **kw), (x, W, b), gy)
    check_backward(lambda x, W: F.convolution_nd(x, W, **kw), (x, W), gy)


def test_convolution_nd_2d_agrees_with_convolution_2d():
    rng = np.random.RandomState(2)
    x, W, b = rng.randn(2, 3, 6, 7), rng.randn(4, 3, 3, 2), rng.randn(4)
    for kw in (dict(), dict(stride=2, pad=1), dict(stride=3, cover_all=True)):
        np.testing.assert_allclose(F.convolution_nd(x, W, b, **kw).data,
                                   F.convolution_2d(x, W, b, **kw).data, rtol=1e-12)


def test_convolution_2d_takes_dilate_and_groups():
    rng = np.random.RandomState(3)
    x, W = rng.randn(1, 4, 7, 7), rng.randn(2, 2, 3, 3)
    y = F.convolution_2d(Variable(x), W, pad=1, dilate=2, groups=2)
    np.testing.assert_allclose(y.data, conv_ref(x, W, pad=1, dilate=2, groups=2), rtol=1e-12)
    assert y.creator.label == 'Convolution2D'
    check_backward(lambda x, W: F.convolution_2d(x, W, dilate=2, groups=2), (x, W),
                   rng.randn(1, 2, 3, 3))


def test_dilated_convolution_2d_known_numbers():
    x = np.arange(25, dtype=np.float32).reshape(1, 1, 5, 5)
    W = np.ones((1, 1, 2, 2), np.float32)
    y = F.dilated_convolution_2d(x, W, dilate=2)
    # taps at (0,0), (0,2), (2,0), (2,2) from each corner of a 3x3 grid of starts
    assert y.data[0, 0].tolist() == [[24., 28., 32.], [44., 48., 52.], [64., 68., 72.]]
    assert y.dtype == np.float32


def test_convolution_1d_numbers_and_float32():
    x = Variable(np.array([[[1., 2., 3., 4.]]], np.float32))
    W = Variable(np.array([[[1., -1.]]], np.float32))
    y = F.convolution_1d(x, W)
    assert y.data.tolist() == [[[-1., -1., -1.]]] and y.dtype == np.float32
    F.sum(y).backward()
    assert x.grad.dtype == W.grad.dtype == np.float32
    assert x.grad.tolist() == [[[1., 0., 0., -1.]]]
    assert W.grad.tolist() == [[[6., 9.]]]


def test_convolution_nd_errors_teach():
    with pytest.raises(ValueError, match=r'x has 3 channels.*W of shape \(4, 2, 3\) with groups=1 expects 2'):
        F.convolution_nd(np.zeros((1, 3, 5)), np.zeros((4, 2, 3)))
    with pytest.raises(ValueError, match=r'convolution_2d needs x of shape \(batch, channels, d1, d2\)'):
        F.convolution_nd(np.zeros((1, 3, 5, 5)), np.zeros((4, 3, 3)))
    with pytest.raises(ValueError, match='does not fit'):
        F.convolution_nd(np.zeros((1, 1, 4)), np.zeros((1, 1, 3)), dilate=2)
    with pytest.raises(ValueError, match='convolution_1d needs x with 3 axes'):
        F.convolution_1d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 3, 3)))


# -- deconvolution ---------------------------------------------------------------------

DECONV_CASES = [   # (x shape, W shape (in, out/groups, *k), kwargs)
    ((2, 3, 4), (3, 2, 3), dict()),
    ((1, 2, 3), (2, 3, 4), dict(stride=2, pad=1)),
    ((1, 4, 3, 2), (4, 1, 2, 3), dict(stride=(2, 1), groups=2)),
    ((1, 2, 3, 3), (2, 2, 3, 3), dict(stride=2, dilate=2, pad=1)),
    ((1, 2, 3, 3), (2, 2, 3, 3), dict(stride=2, outsize=(6, 6))),
    ((1, 1, 2, 2, 2), (1, 2, 2, 2, 2), dict(stride=2)),
]


@pytest.mark.parametrize('xs,ws,kw', DECONV_CASES)
def test_deconvolution_is_the_transpose_of_convolution(xs, ws, kw):
    # <deconv(x), z> == <x, conv(z)> for every z: the defining property.
    rng = np.random.RandomState(4)
    x, W = rng.randn(*xs), rng.randn(*ws)
    y = F.deconvolution_nd(x, W, **kw)
    conv_kw = {k: v for k, v in kw.items() if k != 'outsize'}
    z = rng.randn(*y.shape)
    back = F.convolution_nd(z, W, cover_all=('outsize' in kw), **conv_kw).data
    assert back.shape == x.shape
    np.testing.assert_allclose((y.data * z).sum(), (x * back).sum(), rtol=1e-10)


@pytest.mark.parametrize('xs,ws,kw', DECONV_CASES)
def test_deconvolution_backward(xs, ws, kw):
    rng = np.random.RandomState(5)
    x, W = rng.randn(*xs), rng.randn(*ws)
    b = rng.randn(ws[1] * kw.get('groups', 1))
    gy = rng.randn(*F.deconvolution_nd(x, W, b, **kw).shape)
    check_backward(lambda x, W, b: F.deconvolution_nd(x, W, b, **kw), (x, W, b), gy)


def test_deconvolution_2d_known_numbers_and_shape_rule():
    x = np.array([[[[1., 2.], [3., 4.]]]], np.float32)
    W = np.array([[[[1., 10.], [100., 1000.]]]], np.float32)
    y = F.deconvolution_2d(x, W, stride=1)
    assert y.data[0, 0].tolist() == [[1., 12., 20.], [103., 1234., 2040.], [300., 3400., 4000.]]
    assert y.dtype == np.float32
    # stride * (size - 1) + k - 2 * pad
    assert F.deconvolution_2d(np.zeros((1, 1, 5, 4), 'f'), np.zeros((1, 3, 4, 3), 'f'),
                              stride=2, pad=1).shape == (1, 3, 10, 7)
    b = np.array([1., 2., 3.], np.float32)
    yb = F.deconvolution_2d(np.zeros((1, 1, 2, 2), 'f'), np.zeros((1, 3, 2, 2), 'f'), b)
    assert yb.data[0, :, 0, 0].tolist() == [1., 2., 3.]


def test_deconvolution_errors_teach():
    with pytest.raises(ValueError, match=r'x has 2 channels.*W has shape \(3, 2, 3, 3\).*transpose'):
        F.deconvolution_2d(np.zeros((1, 2, 4, 4)), np.zeros((3, 2, 3, 3)))
    with pytest.raises(ValueError, match=r'output of spatial size \(9, 9\) cannot come.*to get \(6, 6\)'):
        F.deconvolution_2d(np.zeros((1, 2, 2, 2)), np.zeros((2, 2, 4, 4)), stride=2,
                           outsize=(9, 9))


# -- links -----------------------------------------------------------------------------

def test_convolution_nd_link_lazy_paths_and_values():
    np.random.seed(0)
    conv = L.ConvolutionND(3, None, 4, 2)
    assert conv.W.data is None and conv.b.shape == (4,)
    x = np.random.randn(1, 3, 3, 3, 3).astype(np.float32)
    y = conv(x)
    assert conv.W.shape == (4, 3, 2, 2, 2) and y.shape == (1, 4, 2, 2, 2)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, conv_ref(x, conv.W.data, conv.b.data), rtol=1e-5, atol=1e-5)
    assert abs(L.ConvolutionND(2, 50, 200, 3).W.data.std() - np.sqrt(1 / 450)) < 0.002
    assert [p for p, _ in conv.namedparams()] == ['/W', '/b']
    assert L.Convolution1D(4, 6, 3, groups=2).W.shape == (6, 2, 3)
    assert L.Convolution1D(6, 3).ksize == (3,) and L.Convolution1D(6, 3).in_channels is None


def test_convolution2d_link_takes_groups_and_dilate():
    np.random.seed(1)
    conv = L.Convolution2D(4, 6, 3, groups=2, dilate=2, pad=2)
    assert conv.W.shape == (6, 2, 3, 3) and conv.in_channels == 4
    x = np.random.randn(1, 4, 6, 6).astype(np.float32)
    np.testing.assert_allclose(conv(x).data, conv_ref(x, conv.W.data, conv.b.data, pad=2,
                                                      dilate=2, groups=2), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match='multiples'):
        L.Convolution2D(3, 6, 3, groups=2)


def test_deconvolution2d_link():
    np.random.seed(2)
    up = L.Deconvolution2D(None, 3, 4, stride=2, pad=1)
    y = up(np.random.randn(2, 5, 4, 4).astype(np.float32))
    assert up.W.shape == (5, 3, 4, 4) and y.shape == (2, 3, 8, 8) and y.dtype == np.float32
    assert L.Deconvolution2D(4, 6, 3, groups=2).W.shape == (4, 3, 3, 3)
    fixed = L.Deconvolution2D(2, 1, 3, stride=2, outsize=(6, 6))
    assert fixed(np.zeros((1, 2, 3, 3), np.float32)).shape == (1, 1, 6, 6)
    x = np.random.randn(1, 2, 3, 3)
    link = L.Deconvolution2D(2, 2, 2, stride=2)
    for p in link.params():
        p.data = p.data.astype(np.float64)
    check_backward(link, x, np.random.randn(1, 2, 6, 6), params=tuple(link.params()))


def test_dilated_convolution2d_link():
    np.random.seed(3)
    conv = L.DilatedConvolution2D(2, 3, 3, dilate=2, pad=2)
    x = np.random.randn(1, 2, 5, 5).astype(np.float32)
    y = conv(x)
    assert y.shape == (1, 3, 5, 5)
    np.testing.assert_allclose(y.data, conv_ref(x, conv.W.data, conv.b.data, pad=2, dilate=2),
                               rtol=1e-5, atol=1e-5)
    assert 'dilate=(2, 2)' in repr(conv)


def test_conv_links_save_and_load(tmp_path):
    np.random.seed(4)
    for make in (lambda: L.Convolution1D(2, 3, 3), lambda: L.Deconvolution2D(2, 3, 3),
                 lambda: L.DilatedConvolution2D(2, 3, 3, dilate=2)):
        a, b = make(), make()
        teachgrad.serializers.save_npz(str(tmp_path / 'c.npz'), a)
        teachgrad.serializers.load_npz(str(tmp_path / 'c.npz'), b)
        np.testing.assert_array_equal(a.W.data, b.W.data)
        np.testing.assert_array_equal(a.b.data, b.b.data)


def test_a_failed_first_call_leaves_a_lazy_convolution_uninitialized():
    np.random.seed(5)
    for conv in (L.Convolution1D(4, 5), L.Deconvolution2D(None, 2, 3, outsize=(9, 9))):
        state = np.random.get_state()[1].copy()
        bad = np.zeros((1, 3, 2), np.float32) if conv.ndim == 1 else np.zeros((1, 3, 2, 2), np.float32)
        with pytest.raises(ValueError):
            conv(bad)
        assert conv.W.data is None
        np.testing.assert_array_equal(np.random.get_state()[1], state)
    with pytest.raises(ValueError, match=r'Convolution1D needs input of shape \(batch, channels, 1 spatial'):
        L.Convolution1D(4, 3)(np.zeros((3, 7), np.float32))
