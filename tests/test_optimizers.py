"""Each optimizer against its formula, written out here step by step."""
import math

import numpy as np
import pytest

import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import optimizers

GRADS = [np.array([[0.5, -1.0, 2.0]]), np.array([[-0.25, 0.0, 1.0]]),
         np.array([[1.5, 0.5, -3.0]])]
W0 = np.array([[1.0, -2.0, 0.5]])


def run(opt, dtype=np.float64):
    """Apply the three GRADS to a Linear's W; return W after each step and the rule."""
    f = L.Linear(3, 1, initialW=W0.astype(dtype), nobias=True)
    f.W.data = f.W.data.astype(dtype)
    opt.setup(f)
    history = []
    for g in GRADS:
        f.W.grad = g.astype(dtype)
        opt.update()
        history.append(f.W.data.copy())
    return history, f.W.update_rule


def test_defaults_match_chainer():
    assert optimizers.SGD().lr == 0.01
    m = optimizers.MomentumSGD()
    assert (m.lr, m.momentum) == (0.01, 0.9)
    a = optimizers.Adam()
    assert (a.alpha, a.beta1, a.beta2, a.eps, a.eta, a.weight_decay_rate, a.amsgrad) == \
        (0.001, 0.9, 0.999, 1e-8, 1.0, 0, False)
    g = optimizers.AdaGrad()
    assert (g.lr, g.eps) == (0.001, 1e-8)
    r = optimizers.RMSprop()
    assert (r.lr, r.alpha, r.eps) == (0.01, 0.99, 1e-8)


def test_sgd():
    history, rule = run(optimizers.SGD(lr=0.1))
    w = W0.copy()
    for g, got in zip(GRADS, history):
        w = w - 0.1 * g
        np.testing.assert_array_equal(got, w)
    assert rule.state == {}


def test_sgd_update_is_in_place():
    f = L.Linear(3, 1)
    array = f.W.data
    opt = optimizers.SGD().setup(f)
    f.W.grad = np.ones((1, 3), dtype=np.float32)
    opt.update()
    assert f.W.data is array


def test_momentum_sgd():
    history, rule = run(optimizers.MomentumSGD(lr=0.1, momentum=0.9))
    w, v = W0.copy(), np.zeros_like(W0)
    for g, got in zip(GRADS, history):
        v = 0.9 * v - 0.1 * g
        w = w + v
        np.testing.assert_allclose(got, w, rtol=1e-15)
    np.testing.assert_allclose(rule.state['v'], v, rtol=1e-15)


def test_adam_with_bias_correction():
    history, rule = run(optimizers.Adam(alpha=0.05))
    w, m, v = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    for t, (g, got) in enumerate(zip(GRADS, history), start=1):
        m = m + (1 - 0.9) * (g - m)
        v = v + (1 - 0.999) * (g * g - v)
        alpha_t = 0.05 * math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        w = w - alpha_t * m / (np.sqrt(v) + 1e-8)
        np.testing.assert_allclose(got, w, rtol=1e-13)
    np.testing.assert_allclose(rule.state['m'], m, rtol=1e-13)
    np.testing.assert_allclose(rule.state['v'], v, rtol=1e-13)
    # The first step moves each element by alpha whatever the gradient's size.
    np.testing.assert_allclose(np.abs(history[0] - W0), 0.05, rtol=1e-6)


def test_adam_lr_property():
    opt = optimizers.Adam(alpha=0.01)
    f = L.Linear(1, 1)
    opt.setup(f)
    with pytest.raises(RuntimeError, match='no update'):
        opt.lr
    opt.update(lambda: F.sum(f(np.ones((1, 1), dtype=np.float32))))
    expected = 0.01 * math.sqrt(1 - 0.999) / (1 - 0.9)
    assert opt.lr == pytest.approx(expected) and opt.alpha_t == opt.lr
    assert f.W.update_rule.alpha_t == pytest.approx(expected)


def test_adam_weight_decay_and_amsgrad():
    history, rule = run(optimizers.Adam(alpha=0.05, weight_decay_rate=0.1, eta=0.5,
                                        amsgrad=True))
    w, m, v, vhat = W0.copy(), np.zeros_like(W0), np.zeros_like(W0), np.zeros_like(W0)
    for t, (g, got) in enumerate(zip(GRADS, history), start=1):
        m = m + 0.1 * (g - m)
        v = v + 0.001 * (g * g - v)
        vhat = np.maximum(vhat, v)
        alpha_t = 0.05 * math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        w = w - 0.5 * (alpha_t * m / (np.sqrt(vhat) + 1e-8) + 0.1 * w)
        np.testing.assert_allclose(got, w, rtol=1e-13)
    assert sorted(rule.state) == ['m', 'v', 'vhat']
    assert optimizers.AMSGrad().amsgrad is True


def test_ada_grad():
    history, rule = run(optimizers.AdaGrad(lr=0.1))
    w, h = W0.copy(), np.zeros_like(W0)
    for g, got in zip(GRADS, history):
        h = h + g * g
        w = w - 0.1 * g / (np.sqrt(h) + 1e-8)
        np.testing.assert_allclose(got, w, rtol=1e-15)
    np.testing.assert_allclose(rule.state['h'], h)


@pytest.mark.parametrize('inside', [False, True])
def test_rmsprop(inside):
    history, rule = run(optimizers.RMSprop(lr=0.1, alpha=0.9, eps=1e-3, eps_inside_sqrt=inside))
    w, ms = W0.copy(), np.zeros_like(W0)
    for g, got in zip(GRADS, history):
        ms = 0.9 * ms + 0.1 * g * g
        denom = np.sqrt(ms + 1e-3) if inside else np.sqrt(ms) + 1e-3
        w = w - 0.1 * g / denom
        np.testing.assert_allclose(got, w, rtol=1e-14)
    np.testing.assert_allclose(rule.state['ms'], ms, rtol=1e-14)


@pytest.mark.parametrize('make', [
    lambda: optimizers.SGD(), lambda: optimizers.MomentumSGD(), lambda: optimizers.Adam(),
    lambda: optimizers.AdaGrad(), lambda: optimizers.RMSprop()])
def test_float32_stays_float32(make):
    history, rule = run(make(), dtype=np.float32)
    assert all(h.dtype == np.float32 for h in history)
    assert rule.last_update.dtype == np.float32
    assert all(s.dtype == np.float32 for s in (rule.state or {}).values())


@pytest.mark.parametrize('make', [
    lambda: optimizers.SGD(lr=0.1), lambda: optimizers.MomentumSGD(lr=0.05),
    lambda: optimizers.Adam(alpha=0.05), lambda: optimizers.AdaGrad(lr=0.3),
    lambda: optimizers.RMSprop(lr=0.02)])
def test_each_optimizer_fits_a_line(make):
    np.random.seed(0)
    x = np.random.uniform(-1, 1, (64, 1)).astype(np.float32)
    t = 3 * x - 1
    f = L.Linear(1, 1)
    opt = make().setup(f)

    def lossfun():
        return F.sum((f(x) - t) ** 2) / 64
    first = float(lossfun().data)
    for _ in range(300):
        opt.update(lossfun)
    assert float(lossfun().data) < first / 50
    assert opt.t == 300
