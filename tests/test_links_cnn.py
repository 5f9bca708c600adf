"""Convolution2D, pooling, BatchNormalization and EmbedID: values and gradient checks."""
import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import initializers as I
from teachgrad import optimizers
from teachgrad.gradient_check import check_backward


def naive_conv(x, W, b, stride, pad):
    """Convolution by its definition, with four loops."""
    n, c, h, w = x.shape
    o, _, kh, kw = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (w + 2 * pad - kw) // stride + 1
    y = np.zeros((n, o, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[:, :, i, j] = np.tensordot(patch, W, ((1, 2, 3), (1, 2, 3)))
    return y + (0 if b is None else b[None, :, None, None])


# -- convolution ------------------------------------------------------------------

@pytest.mark.parametrize('stride,pad', [(1, 0), (2, 1), (1, 2), (3, 0)])
def test_convolution_matches_definition(stride, pad):
    rng = np.random.RandomState(0)
    x = rng.randn(2, 3, 7, 6)
    W = rng.randn(4, 3, 3, 2)
    b = rng.randn(4)
    y = F.convolution_2d(x, W, b, stride=stride, pad=pad)
    np.testing.assert_allclose(y.data, naive_conv(x, W, b, stride, pad), rtol=1e-10)


@pytest.mark.parametrize('stride,pad,nobias', [(1, 0, False), (2, 1, False), (1, 1, True)])
def test_convolution_gradient_check(stride, pad, nobias):
    rng = np.random.RandomState(1)
    x = rng.randn(2, 2, 5, 4)
    W = rng.randn(3, 2, 3, 2)
    b = rng.randn(3)
    gy = rng.randn(*F.convolution_2d(x, W, None, stride, pad).shape)
    if nobias:
        check_backward(lambda x, W: F.convolution_2d(x, W, None, stride, pad), (x, W), gy)
    else:
        check_backward(lambda x, W, b: F.convolution_2d(x, W, b, stride, pad), (x, W, b), gy)


def test_convolution_shape_errors_explain():
    with pytest.raises(ValueError, match='channels'):
        F.convolution_2d(np.zeros((1, 3, 4, 4), 'f'), np.zeros((2, 2, 3, 3), 'f'))
    with pytest.raises(ValueError, match='batch, channels'):
        F.convolution_2d(np.zeros((3, 4, 4), 'f'), np.zeros((2, 3, 3, 3), 'f'))


def test_convolution_2d_link():
    np.random.seed(0)
    conv = L.Convolution2D(3, 5, ksize=3, stride=1, pad=1)
    assert conv.W.shape == (5, 3, 3, 3) and conv.b.shape == (5,) and not conv.b.data.any()
    np.random.seed(0)
    expected = np.random.normal(0, np.sqrt(1 / 27), (5, 3, 3, 3)).astype(np.float32)
    np.testing.assert_array_equal(conv.W.data, expected)
    x = np.random.randn(2, 3, 6, 6).astype(np.float32)
    y = conv(x)
    assert y.shape == (2, 5, 6, 6) and y.dtype == np.float32
    np.testing.assert_allclose(y.data, naive_conv(x, conv.W.data, conv.b.data, 1, 1),
                               rtol=1e-4, atol=1e-5)
    lazy = L.Convolution2D(4, 3)
    assert lazy.W.data is None
    assert lazy(np.zeros((1, 2, 5, 5), 'f')).shape == (1, 4, 3, 3)
    assert lazy.W.shape == (4, 2, 3, 3)
    assert str(lazy) == ('Convolution2D(in_channels=2, out_channels=4, ksize=(3, 3), '
                         'stride=(1, 1), pad=(0, 0), nobias=False)')
    assert L.Convolution2D(1, 1, 2, nobias=True).b is None


def test_convolution_2d_link_gradient_check():
    np.random.seed(3)
    conv = L.Convolution2D(2, 3, ksize=2, stride=2, pad=1,
                           initialW=I.Normal(1.0, dtype=np.float64),
                           initial_bias=I.Normal(1.0, dtype=np.float64))
    x = np.random.randn(2, 2, 3, 4)
    check_backward(conv, x, np.random.randn(*conv(x).shape), params=(conv.W, conv.b))


# -- pooling ----------------------------------------------------------------------

def test_max_pooling_values_and_cover_all():
    x = np.arange(25, dtype=np.float32).reshape(1, 1, 5, 5)
    y = F.max_pooling_2d(x, 2)
    assert y.data[0, 0].tolist() == [[6, 8, 9], [16, 18, 19], [21, 23, 24]]
    y = F.max_pooling_2d(x, 2, cover_all=False)
    assert y.data[0, 0].tolist() == [[6, 8], [16, 18]]
    y = F.max_pooling_2d(x, 3, stride=1, pad=1)
    assert y.shape == (1, 1, 5, 5) and y.data[0, 0, 0].tolist() == [6, 7, 8, 9, 9]
    assert y.dtype == np.float32


def test_max_pooling_gradient_goes_to_the_maximum():
    x = teachgrad.Variable(np.array([[[[1., 5.], [3., 2.]]]], dtype=np.float32))
    F.sum(F.max_pooling_2d(x, 2)).backward()
    assert x.grad.tolist() == [[[[0, 1], [0, 0]]]]


@pytest.mark.parametrize('ksize,stride,pad,cover_all', [
    (2, None, 0, True), (3, 2, 1, True), (2, 1, 0, False), (3, 3, 1, False)])
def test_max_pooling_gradient_check(ksize, stride, pad, cover_all):
    rng = np.random.RandomState(4)
    # Distinct values far apart, so a small step never changes which is largest.
    x = rng.permutation(2 * 3 * 5 * 6).reshape(2, 3, 5, 6).astype(np.float64)
    gy = rng.randn(*F.max_pooling_2d(x, ksize, stride, pad, cover_all).shape)
    check_backward(lambda x: F.max_pooling_2d(x, ksize, stride, pad, cover_all), x, gy)


def test_average_pooling_values_and_gradient_check():
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    assert F.average_pooling_2d(x, 2).data[0, 0].tolist() == [[2.5, 4.5], [10.5, 12.5]]
    # Padding counts as zeros in the mean.
    assert F.average_pooling_2d(np.ones((1, 1, 2, 2), 'f'), 2, 2, pad=1).data.tolist() == \
        [[[[0.25, 0.25], [0.25, 0.25]]]]
    rng = np.random.RandomState(5)
    for ksize, stride, pad in [(2, None, 0), (3, 2, 1), (2, 1, 0)]:
        x = rng.randn(2, 2, 5, 4)
        gy = rng.randn(*F.average_pooling_2d(x, ksize, stride, pad).shape)
        check_backward(lambda x: F.average_pooling_2d(x, ksize, stride, pad), x, gy)


# -- batch normalization -----------------------------------------------------------

def test_batch_normalization_values():
    rng = np.random.RandomState(6)
    x = rng.randn(5, 3, 2, 2)
    gamma, beta = rng.randn(3), rng.randn(3)
    y = F.batch_normalization(x, gamma, beta, eps=1e-5)
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    expected = gamma[None, :, None, None] * (x - mean) / np.sqrt(var + 1e-5) \
        + beta[None, :, None, None]
    np.testing.assert_allclose(y.data, expected, rtol=1e-10)


@pytest.mark.parametrize('shape', [(6, 3), (4, 2, 3, 2)])
def test_batch_normalization_gradient_check(shape):
    rng = np.random.RandomState(7)
    x = rng.randn(*shape)
    gamma, beta = rng.uniform(0.5, 1.5, shape[1]), rng.randn(shape[1])
    check_backward(lambda x, g, b: F.batch_normalization(x, g, b), (x, gamma, beta),
                   rng.randn(*shape), atol=1e-4)


def test_fixed_batch_normalization_values_and_gradient_check():
    rng = np.random.RandomState(8)
    x = rng.randn(4, 3)
    gamma, beta = rng.randn(3), rng.randn(3)
    mean, var = rng.randn(3), rng.uniform(0.5, 2, 3)
    y = F.fixed_batch_normalization(x, gamma, beta, mean, var, eps=0.0)
    np.testing.assert_allclose(y.data, gamma * (x - mean) / np.sqrt(var) + beta, rtol=1e-12)
    check_backward(F.fixed_batch_normalization, (x, gamma, beta, mean, var),
                   rng.randn(4, 3))


def test_batch_normalization_link_train_and_test():
    bn = L.BatchNormalization(2, decay=0.5)
    assert [p for p, _ in bn.namedparams()] == ['/beta', '/gamma']
    assert bn._persistent == {'avg_mean', 'avg_var', 'N'}
    assert bn.gamma.data.tolist() == [1, 1] and bn.avg_var.tolist() == [1, 1]
    x = np.array([[1., 10.], [3., 30.]], dtype=np.float32)
    y = bn(x)
    np.testing.assert_allclose(y.data, [[-1, -1], [1, 1]], atol=1e-4)
    # running mean: 0.5 * 0 + 0.5 * [2, 20]; running var uses the unbiased variance
    np.testing.assert_allclose(bn.avg_mean, [1, 10])
    np.testing.assert_allclose(bn.avg_var, [0.5 + 0.5 * 2, 0.5 + 0.5 * 200])
    assert bn.avg_mean.dtype == np.float32
    with teachgrad.using_config('train', False):
        y = bn(np.array([[1., 10.]], dtype=np.float32))
    expected = (np.array([1., 10.]) - [1, 10]) / np.sqrt(np.array([1.5, 100.5]) + 2e-5)
    np.testing.assert_allclose(y.data[0], expected, atol=1e-6)
    np.testing.assert_allclose(bn.avg_mean, [1, 10])          # unchanged at test time


def test_batch_normalization_link_learns_and_is_lazy():
    np.random.seed(9)
    bn = L.BatchNormalization()
    x = np.random.randn(8, 3, 2, 2).astype(np.float32)
    y = bn(x)
    assert bn.gamma.shape == (3,) and bn.avg_mean.shape == (3,)
    opt = optimizers.SGD(lr=0.1).setup(bn)
    opt.update(lambda: F.sum(bn(x) * np.float32(2)))
    assert bn.beta.grad.tolist() == [64.0, 64.0, 64.0]   # 2 per element, 32 per channel
    np.testing.assert_allclose(bn.beta.data, [-6.4, -6.4, -6.4], rtol=1e-6)
    assert y.dtype == np.float32


def test_batch_normalization_finetune():
    bn = L.BatchNormalization(1)
    for value in (1.0, 3.0):
        bn(np.array([[value], [value + 2]], dtype=np.float32), finetune=True)
    assert bn.N == 2
    np.testing.assert_allclose(bn.avg_mean, [3.0])    # mean of the batch means 2 and 4


# -- embed id ------------------------------------------------------------------------

def test_embed_id_values_and_gradient():
    W = np.arange(8, dtype=np.float32).reshape(4, 2)
    x = np.array([[3, 1], [1, 0]], dtype=np.int32)
    y = F.embed_id(x, W)
    assert y.shape == (2, 2, 2) and y.data[0, 0].tolist() == [6, 7]
    Wv = teachgrad.Variable(W)
    F.sum(F.embed_id(x, Wv)).backward()
    assert Wv.grad.tolist() == [[1, 1], [2, 2], [0, 0], [1, 1]]   # id 1 used twice
    rng = np.random.RandomState(10)
    check_backward(lambda x, W: F.embed_id(x, W), (x, rng.randn(4, 3)), rng.randn(2, 2, 3))


def test_embed_id_ignore_label_and_errors():
    W = np.ones((3, 2), dtype=np.float32)
    y = F.embed_id(np.array([0, -1, 2]), W, ignore_label=-1)
    assert y.data.tolist() == [[1, 1], [0, 0], [1, 1]]
    rng = np.random.RandomState(11)
    check_backward(lambda x, W: F.embed_id(x, W, ignore_label=-1),
                   (np.array([0, -1, 2, 2]), rng.randn(3, 2)), rng.randn(4, 2))
    with pytest.raises(IndexError, match='0..2'):
        F.embed_id(np.array([3]), W)
    with pytest.raises(TypeError, match='integer'):
        F.embed_id(np.array([0.5]), W)


def test_embed_id_link():
    np.random.seed(12)
    emb = L.EmbedID(5, 3)
    np.random.seed(12)
    np.testing.assert_array_equal(emb.W.data, np.random.normal(0, 1, (5, 3)).astype('f'))
    assert emb(np.array([4, 0])).shape == (2, 3)
    assert str(emb) == 'EmbedID(in_size=5, out_size=3, ignore_label=None)'


def test_small_cnn_trains():
    """Conv -> ReLU -> max pool -> BN -> Linear learns a toy task (the lessons' path
    from an MLP to a CNN)."""
    rng = np.random.RandomState(13)
    x = rng.randn(32, 1, 6, 6).astype(np.float32)
    t = (x[:, 0, :3].sum(axis=(1, 2)) > x[:, 0, 3:].sum(axis=(1, 2))).astype(np.int32)

    class CNN(teachgrad.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.conv = L.Convolution2D(1, 4, 3, pad=1)
                self.bn = L.BatchNormalization(4)
                self.fc = L.Linear(None, 2)

        def forward(self, x):
            h = F.max_pooling_2d(F.relu(self.conv(x)), 2)
            return self.fc(self.bn(h))

    np.random.seed(13)
    model = L.Classifier(CNN())
    opt = optimizers.Adam(alpha=0.01).setup(model)
    first = float(model(x, t).data)
    for _ in range(60):
        opt.update(model, x, t)
    assert float(model(x, t).data) < first / 4
    assert float(model.accuracy.data) >= 0.9
