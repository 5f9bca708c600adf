"""More layers and their functions: Highway, MLPConvolution2D, bilinear and
Bilinear, depthwise_convolution_2d and DepthwiseConvolution2D, the recurrent
variants (MGU, peephole and zoneout LSTMs, zoneout) and Inception.

Forward values are checked against formulas written here with numpy,
gradients against numerical ones in float64, and float32 stays float32.
"""
import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Variable
from teachgrad.gradient_check import check_backward


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _rng(seed=0):
    return np.random.RandomState(seed)


DOUBLE_BACKPROP_CASES = {
    'bilinear': (F.bilinear, lambda: (_rng().randn(3, 2), _rng(1).randn(3, 4),
                                      _rng(2).randn(2, 4, 5))),
    'bilinear_with_linear_terms': (
        F.bilinear, lambda: (_rng().randn(3, 2), _rng(1).randn(3, 4), _rng(2).randn(2, 4, 5),
                             _rng(3).randn(2, 5), _rng(4).randn(4, 5), _rng(5).randn(5))),
}


# -- Highway --------------------------------------------------------------------

def test_highway_parameters_and_initial_gate_bias():
    layer = L.Highway(4)
    assert [p for p, _ in layer.namedparams()] == [
        '/plain/W', '/plain/b', '/transform/W', '/transform/b']
    assert layer.plain.W.shape == (4, 4) and layer.transform.W.shape == (4, 4)
    np.testing.assert_array_equal(layer.transform.b.data, -np.ones(4, np.float32))
    np.testing.assert_array_equal(layer.plain.b.data, np.zeros(4, np.float32))
    assert L.Highway(4, nobias=True).plain.b is None


def test_highway_forward_matches_the_formula():
    np.random.seed(0)
    layer = L.Highway(3, activate=F.tanh)
    x = np.random.randn(5, 3).astype(np.float32)
    y = layer(x)
    Wh, bh = layer.plain.W.data, layer.plain.b.data
    Wt, bt = layer.transform.W.data, layer.transform.b.data
    t = _sigmoid(x @ Wt.T + bt)
    expected = np.tanh(x @ Wh.T + bh) * t + x * (1 - t)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, expected, rtol=1e-5, atol=1e-6)


def test_highway_gradients():
    np.random.seed(1)
    layer = L.Highway(3)
    for p in layer.params():
        p.data = p.data.astype(np.float64)
    x = np.random.randn(4, 3) + 0.1
    check_backward(layer, x, np.random.randn(4, 3), params=tuple(layer.params()), eps=1e-6)


def test_highway_input_of_the_wrong_size_says_so():
    with pytest.raises(ValueError, match=r'shape \(batch, 3\)'):
        L.Highway(3)(np.zeros((2, 4), np.float32))
    with pytest.raises(ValueError, match='in_out_size'):
        L.Highway(0)


# -- MLPConvolution2D -------------------------------------------------------------

def test_mlp_convolution_2d_is_convolutions_with_relu_between():
    np.random.seed(0)
    block = L.MLPConvolution2D(3, (4, 5, 2), 3, stride=1, pad=1)
    assert [type(c).__name__ for c in block] == ['Convolution2D'] * 3
    assert [c.W.shape for c in block] == [(4, 3, 3, 3), (5, 4, 1, 1), (2, 5, 1, 1)]
    assert [p for p, _ in block.namedparams()][:2] == ['/0/W', '/0/b']
    x = np.random.randn(2, 3, 4, 4).astype(np.float32)
    expected = block[2](F.relu(block[1](F.relu(block[0](x))))).data
    y = block(x)
    assert y.shape == (2, 2, 4, 4) and y.dtype == np.float32
    np.testing.assert_array_equal(y.data, expected)


def test_mlp_convolution_2d_lazy_form_and_init():
    block = L.MLPConvolution2D((4, 2), 3, conv_init=1.0, bias_init=0.5)
    assert block[0].W.data is None and block[1].W.shape == (2, 4, 1, 1)
    y = block(np.ones((1, 3, 3, 3), np.float32))
    assert block[0].W.shape == (4, 3, 3, 3)
    # first conv: 27 ones + 0.5 = 27.5 per channel; second: 4 * 27.5 + 0.5
    np.testing.assert_array_equal(y.data, np.full((1, 2, 1, 1), 110.5, np.float32))


def test_mlp_convolution_2d_activation_and_errors():
    block = L.MLPConvolution2D(1, (1, 1), 1, activation=lambda x: x * 0, conv_init=1.0)
    assert float(block(np.ones((1, 1, 1, 1), np.float32)).data.sum()) == 0.0
    with pytest.raises(ValueError, match='non-empty sequence'):
        L.MLPConvolution2D(3, (), 3)
    with pytest.raises(ValueError, match='non-empty sequence'):
        L.MLPConvolution2D(3, 4, 3)


# -- bilinear ---------------------------------------------------------------------

def _bilinear_ref(e1, e2, W, V1=None, V2=None, b=None):
    n = len(e1)
    e1, e2 = e1.reshape(n, -1), e2.reshape(n, -1)
    y = np.zeros((n, W.shape[2]))
    for i in range(n):
        for j in range(W.shape[0]):
            for k in range(W.shape[1]):
                y[i] += e1[i, j] * e2[i, k] * W[j, k]
    if V1 is not None:
        y += e1 @ V1 + e2 @ V2 + b
    return y


def test_bilinear_forward_and_gradients():
    rng = _rng(0)
    e1, e2, W = rng.randn(3, 2), rng.randn(3, 4), rng.randn(2, 4, 5)
    V1, V2, b = rng.randn(2, 5), rng.randn(4, 5), rng.randn(5)
    np.testing.assert_allclose(F.bilinear(e1, e2, W).data, _bilinear_ref(e1, e2, W),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(F.bilinear(e1, e2, W, V1, V2, b).data,
                               _bilinear_ref(e1, e2, W, V1, V2, b), rtol=1e-12, atol=1e-12)
    check_backward(F.bilinear, (e1, e2, W), rng.randn(3, 5))
    check_backward(F.bilinear, (e1, e2, W, V1, V2, b), rng.randn(3, 5))


def test_bilinear_flattens_examples_and_keeps_float32():
    rng = _rng(1)
    e1 = rng.randn(2, 2, 3).astype(np.float32)
    e2 = rng.randn(2, 2).astype(np.float32)
    W = rng.randn(6, 2, 3).astype(np.float32)
    y = F.bilinear(e1, e2, W)
    assert y.dtype == np.float32 and y.shape == (2, 3)
    np.testing.assert_allclose(y.data, _bilinear_ref(e1, e2, W), rtol=1e-5)
    ve1 = Variable(e1)
    F.sum(F.bilinear(ve1, e2, W)).backward()
    assert ve1.grad.shape == (2, 2, 3) and ve1.grad.dtype == np.float32


def test_bilinear_bad_inputs_say_what_to_fix():
    e1, e2, W = np.ones((3, 2)), np.ones((3, 4)), np.ones((2, 4, 5))
    with pytest.raises(ValueError, match='all of V1, V2 and b'):
        F.bilinear(e1, e2, W, np.ones((2, 5)))
    with pytest.raises(ValueError, match=r'expects 2 and 4'):
        F.bilinear(np.ones((3, 3)), e2, W)
    with pytest.raises(ValueError, match='same batch size'):
        F.bilinear(e1, np.ones((2, 4)), W)
    with pytest.raises(ValueError, match='3-d'):
        F.bilinear(e1, e2, np.ones((2, 4)))
    with pytest.raises(ValueError, match=r'V2 needs shape \(4, 5\)'):
        F.bilinear(e1, e2, W, np.ones((2, 5)), np.ones((2, 5)), np.ones(5))
    with pytest.raises(ValueError, match=r'e1\[None\]'):
        F.bilinear(np.ones(2), e2, W)
    with pytest.raises(TypeError, match='same dtype'):
        F.bilinear(e1.astype(np.float32), e2, W)


def test_bilinear_link_parameters_and_initial_values():
    layer = L.Bilinear(2, 3, 4)
    assert sorted(p for p, _ in layer.namedparams()) == ['/V1', '/V2', '/W', '/b']
    assert layer.W.shape == (2, 3, 4) and layer.W.dtype == np.float32
    np.testing.assert_array_equal(layer.b.data, np.zeros(4, np.float32))
    layer = L.Bilinear(2, 3, 4, nobias=True, initialW=np.ones((2, 3, 4), np.float32))
    assert [p for p, _ in layer.namedparams()] == ['/W']
    y = layer(np.ones((1, 2), np.float32), np.full((1, 3), 2, np.float32))
    np.testing.assert_array_equal(y.data, np.full((1, 4), 12, np.float32))
    layer = L.Bilinear(1, 1, 2, initialW=0, initial_bias=(1.0, 2.0, 3.0))
    y = layer(np.full((1, 1), 2, np.float32), np.full((1, 1), 5, np.float32))
    np.testing.assert_array_equal(y.data, np.full((1, 2), 2 + 10 + 3, np.float32))
    assert str(layer) == 'Bilinear(left_size=1, right_size=1, out_size=2, nobias=False)'


def test_bilinear_link_bad_arguments():
    with pytest.raises(ValueError, match='initial_bias must be None or a tuple'):
        L.Bilinear(2, 3, 4, initial_bias=1.0)
    with pytest.raises(ValueError, match=r'initial W has shape \(3, 2, 4\)'):
        L.Bilinear(2, 3, 4, initialW=np.ones((3, 2, 4), np.float32))
    with pytest.raises(ValueError, match='out_size'):
        L.Bilinear(2, 3, 0)


def test_bilinear_link_gradients():
    np.random.seed(2)
    layer = L.Bilinear(2, 3, 2)
    for p in layer.params():
        p.data = p.data.astype(np.float64)
    check_backward(layer, (np.random.randn(4, 2), np.random.randn(4, 3)),
                   np.random.randn(4, 2), params=tuple(layer.params()), eps=1e-6)


# -- depthwise convolution --------------------------------------------------------

def _depthwise_ref(x, W, b, stride, pad):
    m, c_in, kh, kw = W.shape
    n, _, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
    y = np.zeros((n, c_in * m, oh, ow))
    for c in range(c_in):
        for j in range(m):
            for i in range(oh):
                for k in range(ow):
                    patch = xp[:, c, i * stride:i * stride + kh, k * stride:k * stride + kw]
                    y[:, c * m + j, i, k] = (patch * W[j, c]).sum(axis=(1, 2))
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


@pytest.mark.parametrize('stride,pad', [(1, 0), (2, 1)])
def test_depthwise_convolution_2d_forward_and_gradients(stride, pad):
    rng = _rng(3)
    x, W, b = rng.randn(2, 3, 5, 5), rng.randn(2, 3, 3, 3), rng.randn(6)
    y = F.depthwise_convolution_2d(x, W, b, stride, pad)
    np.testing.assert_allclose(y.data, _depthwise_ref(x, W, b, stride, pad),
                               rtol=1e-12, atol=1e-12)
    check_backward(lambda *v: F.depthwise_convolution_2d(*v, stride=stride, pad=pad),
                   (x, W, b), rng.randn(*y.shape))
    check_backward(lambda *v: F.depthwise_convolution_2d(*v, stride=stride, pad=pad),
                   (x, W), rng.randn(*y.shape))


def test_depthwise_convolution_2d_float32_and_errors():
    x, W = np.ones((1, 2, 3, 3), np.float32), np.ones((3, 2, 2, 2), np.float32)
    y = F.depthwise_convolution_2d(x, W)
    assert y.dtype == np.float32 and y.shape == (1, 6, 2, 2)
    with pytest.raises(ValueError, match='x has 3 channels'):
        F.depthwise_convolution_2d(np.ones((1, 3, 3, 3), np.float32), W)
    with pytest.raises(ValueError, match=r'b needs shape \(6,\)'):
        F.depthwise_convolution_2d(x, W, np.ones(2, np.float32))
    with pytest.raises(ValueError, match='channel_multiplier, in_channels'):
        F.depthwise_convolution_2d(x[0], W)


def test_depthwise_convolution_2d_link():
    np.random.seed(0)
    conv = L.DepthwiseConvolution2D(4, 3, 3, stride=1, pad=1)
    assert conv.W.shape == (3, 4, 3, 3) and conv.b.shape == (12,)
    np.testing.assert_array_equal(conv.b.data, np.zeros(12, np.float32))
    # HeNormal(1/sqrt(2)): std sqrt(1 / fan_in), fan_in = 4 * 3 * 3
    np.random.seed(0)
    big = L.DepthwiseConvolution2D(50, 40, 3)
    assert abs(big.W.data.std() - np.sqrt(1 / (50 * 9))) < 0.002
    x = np.random.randn(2, 4, 5, 5).astype(np.float32)
    np.testing.assert_allclose(conv(x).data, _depthwise_ref(x, conv.W.data, conv.b.data, 1, 1),
                               rtol=1e-5, atol=1e-5)
    assert [p for p, _ in L.DepthwiseConvolution2D(2, 1, 1, nobias=True).namedparams()] == ['/W']


def test_depthwise_convolution_2d_link_is_lazy_and_a_failed_first_call_changes_nothing(
        monkeypatch):
    import teachgrad.links.connection_more as module
    conv = L.DepthwiseConvolution2D(None, 2, (1, 2))
    assert conv.W.data is None and conv.b.data is None
    with pytest.raises(ValueError, match='For one image'):
        conv(np.zeros((3, 4, 4), np.float32))

    def fail(*args):
        raise RuntimeError('the forward failed')
    with monkeypatch.context() as m:
        m.setattr(module, 'depthwise_convolution_2d', fail)
        with pytest.raises(RuntimeError):
            conv(np.zeros((1, 3, 4, 4), np.float32))
    assert conv.W.data is None and conv.b.data is None
    y = conv(np.zeros((1, 3, 4, 4), np.float32))
    assert y.shape == (1, 6, 4, 3) and conv.W.shape == (2, 3, 1, 2) and conv.b.shape == (6,)
    assert str(conv) == ('DepthwiseConvolution2D(in_channels=3, channel_multiplier=2, '
                         'ksize=(1, 2), stride=(1, 1), pad=(0, 0), nobias=False)')


# -- recurrent variants -----------------------------------------------------------

def _to_float64(link):
    for p in link.params():
        p.data = p.data.astype(np.float64)
    return link


def _lin(layer, x):
    y = x @ layer.W.data.T
    return y if layer.b is None else y + layer.b.data


def _mgu_ref(mgu, h, x):
    f = _sigmoid(_lin(mgu.W_f, np.concatenate([h, x], axis=1)))
    h_bar = np.tanh(_lin(mgu.W_h, np.concatenate([f * h, x], axis=1)))
    return f * h_bar + (1 - f) * h


def _lstm_gates(lstm, h, x):
    z = _lin(lstm.upward, x) + (0 if h is None else _lin(lstm.lateral, h))
    z = z.reshape(len(x), lstm.state_size, 4)
    return [z[:, :, k] for k in range(4)]


def test_stateless_mgu_matches_the_formula_and_its_gradients():
    np.random.seed(0)
    mgu = L.StatelessMGU(3, 2)
    assert mgu.W_f.W.shape == (2, 5) and mgu.W_h.W.shape == (2, 5)
    h, x = np.random.randn(4, 2).astype(np.float32), np.random.randn(4, 3).astype(np.float32)
    y = mgu(h, x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, _mgu_ref(mgu, h, x), rtol=1e-5, atol=1e-6)
    _to_float64(mgu)
    check_backward(mgu, (np.random.randn(4, 2), np.random.randn(4, 3)), np.random.randn(4, 2),
                   params=tuple(mgu.params()), eps=1e-6)
    with pytest.raises(ValueError, match=r'h of shape \(batch, 2\)'):
        mgu(np.zeros((3, 2)), np.zeros((4, 3)))


def test_stateful_mgu_remembers_h_and_starts_from_zeros():
    np.random.seed(1)
    mgu = L.StatefulMGU(3, 2)
    assert mgu._device_state == ('h',)
    x1, x2 = np.random.randn(2, 4, 3).astype(np.float32)
    y1, y2 = mgu(x1), mgu(x2)
    h1 = _mgu_ref(mgu, np.zeros((4, 2), np.float32), x1)
    np.testing.assert_allclose(y1.data, h1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y2.data, _mgu_ref(mgu, h1, x2), rtol=1e-5, atol=1e-6)
    assert mgu.h is y2
    with pytest.raises(ValueError, match='reset_state'):
        mgu(np.zeros((3, 3), np.float32))
    assert mgu.h is y2
    mgu.reset_state()
    assert mgu.h is None
    mgu.set_state(Variable(np.ones((1, 2), np.float32)))
    np.testing.assert_allclose(mgu(x1[:1]).data, _mgu_ref(mgu, np.ones((1, 2)), x1[:1]),
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(TypeError, match='Variable'):
        mgu.set_state(np.ones((1, 2)))


def test_stateful_mgu_gradients_through_two_steps():
    np.random.seed(2)
    mgu = _to_float64(L.StatefulMGU(2, 3))

    def two_steps(x1, x2):
        mgu.reset_state()
        mgu(x1)
        return mgu(x2)
    check_backward(two_steps, (np.random.randn(2, 2), np.random.randn(2, 2)),
                   np.random.randn(2, 3), params=tuple(mgu.params()), eps=1e-6)


def _peephole_ref(lstm, c, h, x):
    a, i, f, o = _lstm_gates(lstm, h, x)
    i = _sigmoid(i + c @ lstm.peep_i.W.data.T)
    f = _sigmoid(f + c @ lstm.peep_f.W.data.T)
    c = np.tanh(a) * i + f * c
    o = _sigmoid(o + c @ lstm.peep_o.W.data.T)
    return c, o * np.tanh(c)


def test_stateful_peephole_lstm_matches_the_formula():
    np.random.seed(3)
    lstm = L.StatefulPeepholeLSTM(3, 2)
    assert lstm._device_state == ('c', 'h')
    assert sorted(p for p, _ in lstm.namedparams()) == [
        '/lateral/W', '/peep_f/W', '/peep_i/W', '/peep_o/W', '/upward/W', '/upward/b']
    x1, x2 = np.random.randn(2, 4, 3).astype(np.float32)
    y1, y2 = lstm(x1), lstm(x2)
    assert y2.dtype == np.float32
    c1, h1 = _peephole_ref(lstm, np.zeros((4, 2)), None, x1)
    c2, h2 = _peephole_ref(lstm, c1, h1, x2)
    np.testing.assert_allclose(y1.data, h1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y2.data, h2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(lstm.c.data, c2, rtol=1e-5, atol=1e-6)
    lstm.reset_state()
    assert lstm.c is None and lstm.h is None


def test_stateful_peephole_lstm_lazy_gradients_and_errors():
    np.random.seed(4)
    lstm = L.StatefulPeepholeLSTM(None, 2)
    lstm(np.zeros((2, 3), np.float32))
    assert lstm.upward.W.shape == (8, 3)
    _to_float64(lstm)

    def two_steps(x1, x2):
        lstm.reset_state()
        lstm(x1)
        return lstm(x2)
    check_backward(two_steps, (np.random.randn(2, 3), np.random.randn(2, 3)),
                   np.random.randn(2, 2), params=tuple(lstm.params()), eps=1e-6)
    c, h = lstm.c, lstm.h
    with pytest.raises(ValueError, match='this batch has 3 rows but the state has 2'):
        lstm(np.zeros((3, 3)))
    assert lstm.c is c and lstm.h is h
    with pytest.raises(TypeError, match='c is a ndarray'):
        lstm.set_state(np.zeros((2, 2)), h)


def test_zoneout_keeps_old_values_with_probability_ratio():
    h = np.arange(1, 7, dtype=np.float32).reshape(2, 3)
    x = -h
    np.random.seed(5)
    y = F.zoneout(h, x, ratio=0.3)
    np.random.seed(5)
    take_new = np.random.rand(2, 3) >= 0.3
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.data, np.where(take_new, x, h))
    hv, xv = Variable(h), Variable(x)
    np.random.seed(5)
    F.sum(F.zoneout(hv, xv, ratio=0.3) * 2).backward()
    np.testing.assert_array_equal(hv.grad, 2 * ~take_new)
    np.testing.assert_array_equal(xv.grad, 2 * take_new)
    np.random.seed(0)
    big = F.zoneout(np.zeros(10000), np.ones(10000), ratio=0.25).data
    assert abs(big.mean() - 0.75) < 0.02          # the new value is taken 3 times in 4


def test_zoneout_gradients_when_training_and_identity_when_not():
    def seeded(h, x):
        np.random.seed(6)
        return F.zoneout(h, x, ratio=0.5)
    rng = _rng(6)
    check_backward(seeded, (rng.randn(3, 4), rng.randn(3, 4)), rng.randn(3, 4))
    with teachgrad.using_config('train', False):
        np.testing.assert_array_equal(F.zoneout(np.zeros(3), np.ones(3)).data, np.ones(3))
    np.testing.assert_array_equal(F.zoneout(np.zeros(3), np.ones(3), ratio=0).data, np.ones(3))
    np.testing.assert_array_equal(F.zoneout(np.zeros(3), np.ones(3), ratio=1).data,
                                  np.zeros(3))


def test_zoneout_bad_arguments():
    with pytest.raises(ValueError, match=r'in \[0, 1\]'):
        F.zoneout(np.zeros(3), np.ones(3), ratio=1.5)
    with pytest.raises(ValueError, match='same shape'):
        F.zoneout(np.zeros(3), np.ones(4))
    with pytest.raises(TypeError, match='using_config'):
        F.zoneout(np.zeros(3), np.ones(3), train=True)


def _seeded_zoneout(h, x):
    np.random.seed(7)
    return F.zoneout(h, x, ratio=0.4)


DOUBLE_BACKPROP_CASES['zoneout'] = (_seeded_zoneout, lambda: (_rng(7).randn(3, 4),
                                                               _rng(8).randn(3, 4)))


def test_stateful_zoneout_lstm_is_an_lstm_step_with_zoneout():
    np.random.seed(8)
    lstm = L.StatefulZoneoutLSTM(3, 2, c_ratio=0.3, h_ratio=0.6)
    assert lstm._device_state == ('c', 'h')
    assert sorted(p for p, _ in lstm.namedparams()) == ['/lateral/W', '/upward/W', '/upward/b']
    x1, x2 = np.random.randn(2, 5, 3).astype(np.float32)
    np.random.seed(9)
    lstm(x1)
    y2 = lstm(x2)
    np.random.seed(9)
    c, h = np.zeros((5, 2)), np.zeros((5, 2))
    for t, x in enumerate((x1, x2)):
        a, i, f, o = _lstm_gates(lstm, None if t == 0 else h, x)
        c_new = np.tanh(a) * _sigmoid(i) + _sigmoid(f) * c
        keep_c = np.random.rand(5, 2) < 0.3
        keep_h = np.random.rand(5, 2) < 0.6
        h = np.where(keep_h, h, _sigmoid(o) * np.tanh(c_new))
        c = np.where(keep_c, c, c_new)
    assert y2.dtype == np.float32
    np.testing.assert_allclose(y2.data, h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(lstm.c.data, c, rtol=1e-5, atol=1e-6)


def test_stateful_zoneout_lstm_without_training_is_a_plain_lstm():
    np.random.seed(10)
    lstm = L.StatefulZoneoutLSTM(3, 2)
    x = np.random.randn(4, 3).astype(np.float32)
    with teachgrad.using_config('train', False):
        y = lstm(x)
    a, i, f, o = _lstm_gates(lstm, None, x)
    c = np.tanh(a) * _sigmoid(i)
    np.testing.assert_allclose(y.data, _sigmoid(o) * np.tanh(c), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(lstm.c.data, c, rtol=1e-5, atol=1e-6)
    lstm.set_state(Variable(np.zeros((2, 2), np.float32)), Variable(np.ones((2, 2), np.float32)))
    assert lstm.h.shape == (2, 2)
    with pytest.raises(ValueError, match='c_ratio'):
        L.StatefulZoneoutLSTM(3, 2, c_ratio=-0.1)
    with pytest.raises(TypeError, match='using_config'):
        L.StatefulZoneoutLSTM(3, 2, train=False)


def test_stateful_zoneout_lstm_gradients():
    np.random.seed(11)
    lstm = _to_float64(L.StatefulZoneoutLSTM(2, 2, c_ratio=0.5, h_ratio=0.5))

    def two_steps(x1, x2):
        np.random.seed(12)
        lstm.reset_state()
        lstm(x1)
        return lstm(x2)
    check_backward(two_steps, (np.random.randn(3, 2), np.random.randn(3, 2)),
                   np.random.randn(3, 2), params=tuple(lstm.params()), eps=1e-6)


# -- Inception --------------------------------------------------------------------

def _conv_ref(x, W, b=None, stride=1, pad=0):
    n, c, h, w = x.shape
    o, _, kh, kw = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
    y = np.zeros((n, o, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[:, :, i, j] = np.einsum('nchw,ochw->no', patch, W)
    return y if b is None else y + b.reshape(1, -1, 1, 1)


def _pool_ref(x, stride, how):
    n, c, h, w = x.shape
    fill = -np.inf if how == 'max' else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=fill)
    oh, ow = (h - 1) // stride + 1, (w - 1) // stride + 1
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + 3, j * stride:j * stride + 3]
            y[:, :, i, j] = patch.max(axis=(2, 3)) if how == 'max' else patch.mean(axis=(2, 3))
    return y


def _relu(x):
    return np.maximum(x, 0)


def test_inception_matches_its_four_branches():
    np.random.seed(0)
    block = L.Inception(3, 2, 2, 3, 1, 2, 2)
    assert sorted(p for p, _ in block.namedparams()) == [
        '/conv1/W', '/conv1/b', '/conv3/W', '/conv3/b', '/conv5/W', '/conv5/b',
        '/proj3/W', '/proj3/b', '/proj5/W', '/proj5/b', '/projp/W', '/projp/b']
    x = np.random.randn(2, 3, 5, 5).astype(np.float32)
    for p in block.params():
        p.data += np.random.uniform(-0.1, 0.1, p.shape).astype(np.float32)
    y = block(x)

    def c(name, h, pad=0):
        link = getattr(block, name)
        return _conv_ref(h, link.W.data, link.b.data, pad=pad)
    expected = _relu(np.concatenate([
        c('conv1', x), c('conv3', _relu(c('proj3', x)), 1), c('conv5', _relu(c('proj5', x)), 2),
        c('projp', _pool_ref(x, 1, 'max'))], axis=1))
    assert y.shape == (2, 9, 5, 5) and y.dtype == np.float32
    np.testing.assert_allclose(y.data, expected, rtol=1e-4, atol=1e-5)


def test_inception_gradients_and_init():
    np.random.seed(1)
    block = _to_float64(L.Inception(2, 1, 1, 1, 1, 1, 1, bias_init=0.1))
    check_backward(block, np.random.randn(1, 2, 3, 3), np.random.randn(1, 4, 3, 3),
                   params=tuple(block.params()), eps=1e-6)
    lazy = L.Inception(None, 1, 1, 1, 1, 1, 1, conv_init=1.0, bias_init=0.5)
    assert lazy.conv1.W.data is None and lazy.conv3.W.shape == (1, 1, 3, 3)
    lazy(np.zeros((1, 4, 3, 3), np.float32))
    np.testing.assert_array_equal(lazy.conv1.W.data, np.ones((1, 4, 1, 1), np.float32))
    np.testing.assert_array_equal(lazy.projp.b.data, np.full(1, 0.5, np.float32))


def _bn_ref(h, eps=2e-5):
    mean = h.mean(axis=(0, 2, 3), keepdims=True)
    var = h.var(axis=(0, 2, 3), keepdims=True)
    return (h - mean) / np.sqrt(var + eps)


@pytest.mark.parametrize('pooltype,stride,out1,proj_pool', [
    ('max', 1, 2, 3), ('avg', 2, 0, None), ('max', 2, 0, 1)])
def test_inception_bn_matches_its_branches(pooltype, stride, out1, proj_pool):
    np.random.seed(2)
    block = L.InceptionBN(3, out1, 2, 3, 2, 2, pooltype, proj_pool=proj_pool, stride=stride)
    assert all(getattr(block, n).b is None for n in ('proj3', 'conv3', 'conv33a', 'conv33b'))
    assert hasattr(block, 'conv1n') == (out1 > 0) and hasattr(block, 'poolp') == (
        proj_pool is not None)
    x = np.random.randn(2, 3, 6, 6).astype(np.float32)
    y = block(x)

    def cbr(name, h, stride=1):
        W = getattr(block, name).W.data
        return _relu(_bn_ref(_conv_ref(h, W, stride=stride, pad=W.shape[2] // 2)))
    outs = [cbr('conv1', x)] if out1 else []
    outs.append(cbr('conv3', cbr('proj3', x), stride))
    outs.append(cbr('conv33b', cbr('conv33a', cbr('proj33', x)), stride))
    p = _pool_ref(x, stride, pooltype)
    outs.append(p if proj_pool is None else cbr('poolp', p))
    expected = np.concatenate(outs, axis=1)
    assert y.dtype == np.float32 and y.shape == expected.shape
    np.testing.assert_allclose(y.data, expected, rtol=1e-3, atol=1e-4)


def test_inception_bn_bad_arguments():
    with pytest.raises(ValueError, match="'max' or 'avg'"):
        L.InceptionBN(3, 0, 2, 2, 2, 2, 'sum')
    with pytest.raises(ValueError, match='needs stride=1 and a proj_pool'):
        L.InceptionBN(3, 2, 2, 2, 2, 2, 'max', proj_pool=None)
    with pytest.raises(ValueError, match='needs stride=1 and a proj_pool'):
        L.InceptionBN(3, 2, 2, 2, 2, 2, 'max', proj_pool=2, stride=2)


# -- rrelu, gumbel_softmax, simplified_dropconnect ------------------------------------

def _seeded(seed, func, **kwargs):
    def f(*xs):
        np.random.seed(seed)
        return func(*xs, **kwargs)
    return f


X_AWAY = np.array([[-1.5, 0.7, -0.3, 2.0], [0.4, -2.2, 1.1, -0.6]])     # away from 0

DOUBLE_BACKPROP_CASES['rrelu'] = (_seeded(13, F.rrelu), lambda: (X_AWAY.copy(),))
DOUBLE_BACKPROP_CASES['simplified_dropconnect'] = (
    _seeded(14, F.simplified_dropconnect, ratio=0.4),
    lambda: (_rng(14).randn(3, 4), _rng(15).randn(2, 4), _rng(16).randn(2)))


def test_rrelu_draws_slopes_in_training_and_uses_their_mean_otherwise():
    x = X_AWAY.astype(np.float32)
    np.random.seed(13)
    y, r = F.rrelu(x, l=0.1, u=0.3, return_r=True)
    np.random.seed(13)
    expected_r = np.random.uniform(0.1, 0.3, x.shape).astype(np.float32)
    np.testing.assert_array_equal(r, expected_r)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.data, np.where(x >= 0, x, x * expected_r))
    with teachgrad.using_config('train', False):
        np.testing.assert_allclose(F.rrelu(x, l=0.1, u=0.3).data,
                                   np.where(x >= 0, x, x * 0.2), rtol=1e-6)
    given = np.full(x.shape, 0.5, np.float32)
    np.testing.assert_array_equal(F.rrelu(x, r=given).data, np.where(x >= 0, x, x / 2))
    check_backward(_seeded(13, F.rrelu), X_AWAY, _rng(1).randn(2, 4))


def test_rrelu_bad_arguments():
    with pytest.raises(ValueError, match='less than the upper'):
        F.rrelu(X_AWAY, l=0.3, u=0.2)
    with pytest.raises(ValueError, match=r'u must be in \[0, 1\)'):
        F.rrelu(X_AWAY, u=1.5)
    with pytest.raises(ValueError, match='shape and dtype of x'):
        F.rrelu(X_AWAY, r=np.ones(3))
    with pytest.raises(TypeError, match='using_config'):
        F.rrelu(X_AWAY, train=False)


def test_gumbel_softmax_is_softmax_of_log_pi_plus_gumbel_noise():
    log_pi = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], np.float32))
    np.random.seed(0)
    y = F.gumbel_softmax(log_pi, tau=0.5)
    np.random.seed(0)
    z = (log_pi + np.random.gumbel(size=log_pi.shape).astype(np.float32)) / 0.5
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, expected, rtol=1e-5)
    check_backward(_seeded(3, F.gumbel_softmax, tau=0.7, axis=0), np.random.randn(3, 2),
                   np.random.randn(3, 2))
    np.random.seed(1)
    draws = F.gumbel_softmax(np.log(np.tile([[0.1, 0.2, 0.7]], (4000, 1))), tau=0.01).data
    np.testing.assert_allclose(draws.mean(axis=0), [0.1, 0.2, 0.7], atol=0.03)
    assert float(F.gumbel_softmax(np.array(0.3, np.float32)).data) == 1.0
    with pytest.raises(ValueError, match='positive'):
        F.gumbel_softmax(log_pi, tau=0)


def test_simplified_dropconnect_masks_weights_per_example():
    rng = _rng(17)
    x, W, b = rng.randn(3, 4), rng.randn(2, 4), rng.randn(2)
    np.random.seed(17)
    y = F.simplified_dropconnect(x, W, b, ratio=0.25)
    np.random.seed(17)
    mask = np.random.rand(3, 2, 4) >= 0.25
    expected = np.einsum('ni,noi->no', x, W * mask / 0.75) + b
    np.testing.assert_allclose(y.data, expected, rtol=1e-12)
    np.random.seed(17)
    y = F.simplified_dropconnect(x, W, b, ratio=0.25, use_batchwise_mask=False)
    np.random.seed(17)
    mask = np.random.rand(2, 4) >= 0.25
    np.testing.assert_allclose(y.data, x @ (W * mask / 0.75).T + b, rtol=1e-12)
    check_backward(_seeded(4, F.simplified_dropconnect, ratio=0.5), (x, W, b), rng.randn(3, 2))
    check_backward(_seeded(4, F.simplified_dropconnect, ratio=0.5, use_batchwise_mask=False),
                   (x, W), rng.randn(3, 2))


def test_simplified_dropconnect_is_linear_when_not_training_and_keeps_float32():
    x, W = np.ones((2, 2, 2), np.float32), np.arange(8, dtype=np.float32).reshape(2, 4)
    expected = x.reshape(2, 4) @ W.T
    np.testing.assert_array_equal(F.simplified_dropconnect(x, W, train=False).data, expected)
    with teachgrad.using_config('train', False):
        np.testing.assert_array_equal(F.simplified_dropconnect(x, W).data, expected)
    mask = np.ones((2, 2, 4), np.float32)
    y = F.simplified_dropconnect(x, W, ratio=0.5, mask=mask)
    assert y.dtype == np.float32 and y.shape == (2, 2)
    np.testing.assert_array_equal(y.data, 2 * expected)


def test_simplified_dropconnect_bad_arguments_change_no_random_state():
    x, W = np.ones((2, 4)), np.ones((3, 4))
    state = np.random.get_state()[1].copy()
    with pytest.raises(ValueError, match=r'must be \(batch, out_size, in_size\)'):
        F.simplified_dropconnect(x, W, mask=np.ones((2, 4)))
    with pytest.raises(ValueError, match='expects 4'):
        F.simplified_dropconnect(np.ones((2, 5)), W)
    with pytest.raises(ValueError, match=r'b needs shape \(3,\)'):
        F.simplified_dropconnect(x, W, np.ones(2))
    with pytest.raises(TypeError, match='x is float32'):
        F.simplified_dropconnect(x.astype(np.float32), W)
    with pytest.raises(ValueError, match=r'ratio must be in \[0, 1\)'):
        F.simplified_dropconnect(x, W, ratio=1.0)
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_simplified_dropconnect_link():
    np.random.seed(0)
    layer = L.SimplifiedDropconnect(None, 3, ratio=0.2)
    assert layer.W.data is None
    x = np.random.randn(2, 5).astype(np.float32)
    np.testing.assert_allclose(layer(x, train=False).data, x @ layer.W.data.T, rtol=1e-6)
    np.random.seed(5)           # W exists now: the seed makes only the mask
    y = layer(x)
    assert layer.W.shape == (3, 5) and y.dtype == np.float32
    np.random.seed(5)
    mask = np.random.rand(2, 3, 5) >= 0.2
    np.testing.assert_allclose(y.data, np.einsum('ni,noi->no', x, layer.W.data * mask / 0.8),
                               rtol=1e-5, atol=1e-6)
    assert [p for p, _ in layer.namedparams()] == ['/W', '/b']
    assert str(layer) == 'SimplifiedDropconnect(in_size=5, out_size=3, ratio=0.2, nobias=False)'
    np.random.seed(0)
    big = L.SimplifiedDropconnect(400, 300)
    assert abs(big.W.data.std() - np.sqrt(1 / 400)) < 0.002
    with pytest.raises(ValueError, match='ratio'):
        L.SimplifiedDropconnect(2, 3, ratio=-0.5)


# -- local convolution ------------------------------------------------------------

def _local_conv_ref(x, W, b, stride):
    o, oh, ow, c, kh, kw = W.shape
    y = np.zeros((len(x), o, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[:, :, i, j] = np.einsum('ncpq,ocpq->no', patch, W[:, i, j])
    return y if b is None else y + b


@pytest.mark.parametrize('stride', [1, 2])
def test_local_convolution_2d_forward_and_gradients(stride):
    rng = _rng(20)
    x = rng.randn(2, 3, 5, 6)
    oh, ow = (5 - 2) // stride + 1, (6 - 3) // stride + 1
    W, b = rng.randn(4, oh, ow, 3, 2, 3), rng.randn(4, oh, ow)
    y = F.local_convolution_2d(x, W, b, stride=stride)
    np.testing.assert_allclose(y.data, _local_conv_ref(x, W, b, stride), rtol=1e-12, atol=1e-12)
    f = _seeded(0, F.local_convolution_2d, stride=stride)
    check_backward(f, (x, W, b), rng.randn(*y.shape))
    check_backward(f, (x, W), rng.randn(*y.shape))


def test_local_convolution_2d_float32_and_errors():
    x, W = np.ones((1, 2, 3, 3), np.float32), np.ones((1, 2, 2, 2, 2, 2), np.float32)
    y = F.local_convolution_2d(x, W)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.data, np.full((1, 1, 2, 2), 8, np.float32))
    xv = Variable(x)
    F.sum(F.local_convolution_2d(xv, W)).backward()
    assert xv.grad.dtype == np.float32
    np.testing.assert_array_equal(xv.grad[0, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    with pytest.raises(ValueError, match=r'W needs shape \(1, 2, 2, 2, 2, 2\)'):
        F.local_convolution_2d(x, np.ones((1, 3, 3, 2, 2, 2), np.float32))
    with pytest.raises(ValueError, match='x has 2 channels'):
        F.local_convolution_2d(x, np.ones((1, 2, 2, 3, 2, 2), np.float32))
    with pytest.raises(ValueError, match=r'b has shape \(1,\)'):
        F.local_convolution_2d(x, W, np.ones(1, np.float32))
    with pytest.raises(ValueError, match='out_h, out_w'):
        F.local_convolution_2d(x[0], W)


def test_local_convolution_2d_link():
    np.random.seed(0)
    conv = L.LocalConvolution2D(2, 3, in_size=(5, 4), ksize=2, stride=2)
    assert conv.W.shape == (3, 2, 2, 2, 2, 2) and conv.b.shape == (3, 2, 2)
    x = np.random.randn(2, 2, 5, 4).astype(np.float32)
    y = conv(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, _local_conv_ref(x, conv.W.data, conv.b.data, 2),
                               rtol=1e-5, atol=1e-5)
    lazy = L.LocalConvolution2D(None, 1, ksize=3, nobias=True)
    assert [p for p, _ in lazy.namedparams()] == ['/W'] and lazy.W.data is None
    with pytest.raises(ValueError, match='For one image'):
        lazy(np.zeros((2, 4, 4), np.float32))
    with pytest.raises(ValueError, match='does not fit'):
        lazy(np.zeros((1, 2, 2, 4), np.float32))
    assert lazy.W.data is None
    assert lazy(np.zeros((1, 2, 4, 5), np.float32)).shape == (1, 1, 2, 3)
    assert lazy.W.shape == (1, 2, 3, 2, 3, 3)
    assert str(lazy) == ('LocalConvolution2D(in_channels=2, out_channels=1, ksize=(3, 3), '
                         'stride=(1, 1), nobias=True)')
    with pytest.raises(ValueError, match='needs ksize'):
        L.LocalConvolution2D(2, 3, in_size=4)


# -- crf1d ------------------------------------------------------------------------

def _seq_score(cost, x, labels):
    return sum(x[t, l] for t, l in enumerate(labels)) + sum(
        cost[a, b] for a, b in zip(labels, labels[1:]))


def _crf_brute(cost, seqs, labels):
    """Loss, best score and best path of each sequence, by trying every labelling."""
    import itertools
    losses, best, paths = [], [], []
    for x, y in zip(seqs, labels):
        all_scores = {lab: _seq_score(cost, x, lab)
                      for lab in itertools.product(range(len(cost)), repeat=len(x))}
        values = np.array(list(all_scores.values()))
        logz = values.max() + np.log(np.exp(values - values.max()).sum())
        losses.append(logz - _seq_score(cost, x, tuple(y)))
        path = max(all_scores, key=all_scores.get)
        best.append(all_scores[path])
        paths.append(list(path))
    return np.array(losses), np.array(best), paths


CRF_RNG = _rng(30)
CRF_COST = CRF_RNG.randn(3, 3)
CRF_SEQS = [CRF_RNG.randn(n, 3) for n in (4, 2, 2, 1)]        # longest first
CRF_LABELS = [CRF_RNG.randint(0, 3, len(x)) for x in CRF_SEQS]


def _steps(seqs):
    return [np.stack([s[t] for s in seqs if len(s) > t]) for t in range(len(seqs[0]))]


DOUBLE_BACKPROP_CASES['crf1d'] = (
    lambda cost, *xs: F.crf1d(cost, list(xs), _steps(CRF_LABELS), reduce='no'),
    lambda: (CRF_COST.copy(),) + tuple(_steps(CRF_SEQS)))


def test_crf1d_matches_every_labelling_tried():
    losses, _, _ = _crf_brute(CRF_COST, CRF_SEQS, CRF_LABELS)
    xs, ys = _steps(CRF_SEQS), _steps(CRF_LABELS)
    np.testing.assert_allclose(F.crf1d(CRF_COST, xs, ys, reduce='no').data, losses, rtol=1e-12)
    np.testing.assert_allclose(F.crf1d(CRF_COST, xs, ys).data, losses.sum() / 4, rtol=1e-12)
    check_backward(lambda c, *x: F.crf1d(c, list(x), ys, reduce='no'),
                   (CRF_COST,) + tuple(xs), _rng(31).randn(4))
    y32 = F.crf1d(CRF_COST.astype(np.float32), [x.astype(np.float32) for x in xs], ys)
    assert y32.dtype == np.float32


def test_argmax_crf1d_finds_the_best_labelling():
    _, best, paths = _crf_brute(CRF_COST, CRF_SEQS, CRF_LABELS)
    score, path = F.argmax_crf1d(CRF_COST, _steps(CRF_SEQS))
    np.testing.assert_allclose(score.data, best, rtol=1e-12)
    assert all(p.dtype == np.int32 for p in path)
    assert [p.tolist() for p in path] == [list(p) for p in _steps([np.array(q) for q in paths])]
    check_backward(lambda c, *x: F.argmax_crf1d(c, list(x))[0], (CRF_COST,) + tuple(
        _steps(CRF_SEQS)), _rng(32).randn(4))


def test_crf1d_bad_inputs_say_what_to_fix():
    xs, ys = _steps(CRF_SEQS), _steps(CRF_LABELS)
    with pytest.raises(ValueError, match="'mean' or 'no'"):
        F.crf1d(CRF_COST, xs, ys, reduce='sum')
    with pytest.raises(ValueError, match='sort the sequences longest first'):
        F.crf1d(CRF_COST, xs[::-1], ys[::-1])
    with pytest.raises(ValueError, match=r'needs shape \(batch, 2\)'):
        F.crf1d(np.zeros((2, 2)), xs, ys)
    with pytest.raises(ValueError, match='one entry per step'):
        F.crf1d(CRF_COST, xs, ys[:-1])
    with pytest.raises(ValueError, match=r'outside \[0, 3\)'):
        F.crf1d(CRF_COST, xs, [ys[0] + 3] + ys[1:])
    with pytest.raises(ValueError, match='square'):
        F.argmax_crf1d(np.zeros((3, 2)), xs)
    with pytest.raises(TypeError, match='non-empty list'):
        F.argmax_crf1d(CRF_COST, [])


def test_crf1d_link_with_lists_of_sequences_in_any_order():
    crf = L.CRF1d(3, initial_cost=CRF_COST.astype(np.float32))
    assert [p for p, _ in crf.namedparams()] == ['/cost']
    np.testing.assert_array_equal(L.CRF1d(2).cost.data, np.zeros((2, 2), np.float32))
    order = [2, 0, 3, 1]                    # shuffled: lengths 2, 4, 1, 2
    seqs = [CRF_SEQS[i].astype(np.float32) for i in order]
    labels = [CRF_LABELS[i] for i in order]
    losses, best, paths = _crf_brute(CRF_COST, CRF_SEQS, CRF_LABELS)
    loss = crf(seqs, labels, reduce='no', transpose=True)
    # sorted longest first, ties in their given order: lengths 4, 2 (seq 2), 2 (seq 1), 1
    np.testing.assert_allclose(loss.data, losses[[0, 2, 1, 3]], rtol=1e-5)
    np.testing.assert_allclose(crf(seqs, labels, transpose=True).data, losses.mean(), rtol=1e-5)
    score, path = crf.argmax(seqs, transpose=True)
    np.testing.assert_allclose(score.data, best[[0, 2, 1, 3]], rtol=1e-5)
    assert [p.tolist() for p in path] == [paths[i] for i in order]
    F.sum(loss).backward()
    assert crf.cost.grad.shape == (3, 3) and crf.cost.grad.dtype == np.float32


# -- every new link: saving and loading, pictures ----------------------------------------

def _new_links():
    np.random.seed(40)
    x2, x4 = np.random.randn(2, 3).astype(np.float32), np.random.randn(2, 3, 6, 6).astype('f')
    return [
        (L.Highway(3), (x2,)),
        (L.MLPConvolution2D(3, (4, 2), 3), (x4,)),
        (L.Bilinear(3, 3, 2), (x2, x2)),
        (L.DepthwiseConvolution2D(3, 2, 3), (x4,)),
        (L.SimplifiedDropconnect(3, 2), (x2,)),
        (L.LocalConvolution2D(3, 2, in_size=6, ksize=3), (x4,)),
        (L.StatelessMGU(3, 2), (np.zeros((2, 2), 'f'), x2)),
        (L.StatefulMGU(3, 2), (x2,)),
        (L.StatefulPeepholeLSTM(3, 2), (x2,)),
        (L.StatefulZoneoutLSTM(3, 2), (x2,)),
        (L.Inception(3, 1, 1, 1, 1, 1, 1), (x4,)),
        (L.InceptionBN(3, 1, 1, 1, 1, 1, 'max', proj_pool=1), (x4,)),
    ]


def test_every_new_link_saves_and_loads_exactly(tmp_path):
    from teachgrad import serializers
    for i, (link, args) in enumerate(_new_links()):
        link(*args)
        path = tmp_path / '{}.npz'.format(i)
        serializers.save_npz(str(path), link)
        fresh = _new_links()[i][0]
        for p in fresh.params():
            if p.data is not None:
                p.data[...] = 0
        serializers.load_npz(str(path), fresh)
        for (name, p), (name2, q) in zip(link.namedparams(), fresh.namedparams()):
            assert name == name2
            np.testing.assert_array_equal(p.data, q.data)


def test_every_new_link_draws_its_graph():
    from teachgrad import viz
    from teachgrad.link import Chain, ChainList
    for link, args in _new_links():
        dot = viz.to_dot(link(*args), collapse_links=True)
        assert dot.startswith('digraph') and ' -> ' in dot
        # A layer drawn as one box shows its name; a chain shows its children.
        one_box = getattr(link, 'draw_as_one_box', False) or not isinstance(link, (Chain, ChainList))
        assert (type(link).__name__ in dot) == one_box, type(link).__name__
    lstm = L.StatefulPeepholeLSTM(3, 2)
    lstm(np.ones((1, 3), np.float32))
    lstm.to_cpu()
    assert type(lstm.c.data) is np.ndarray and type(lstm.h.data) is np.ndarray
