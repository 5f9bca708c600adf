"""The speed paths in teachgrad/_fast.py compute exactly what the plain code computes.

The whole suite also runs with TEACHGRAD_FAST=0 (``python3 dev.py test``
does both); these tests compare each fast version with its plain one in one
process, on the cases each fast path special-cases."""
import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Variable, _fast, viz
from teachgrad.functions.connection import LinearFunction
from teachgrad.functions.loss import SoftmaxCrossEntropy
from teachgrad.viz.graph import build_scene

fast_only = pytest.mark.skipif(not _fast.ENABLED, reason='TEACHGRAD_FAST=0: nothing replaced')


def test_the_switch_follows_the_environment(monkeypatch):
    import os
    assert _fast.ENABLED == (os.environ.get('TEACHGRAD_FAST', '1') != '0')


@fast_only
def test_every_fast_path_is_installed_when_on():
    import teachgrad.optimizer  # NOQA: F401  (lazily loaded modules install on import)
    import teachgrad.viz.dot    # NOQA: F401
    import sys
    for module_name in _fast._PATHS:
        for name in _fast.replaced(module_name):
            owner_name, _, attr = name.rpartition('.')
            owner = sys.modules[module_name]
            owner = getattr(owner, owner_name) if owner_name else owner
            assert getattr(owner, attr) is not _fast.plain(module_name, name), name


def both(module_name, name):
    """(plain, current) versions of one replaced function."""
    import sys
    owner_name, _, attr = name.rpartition('.')
    owner = sys.modules[module_name]
    owner = getattr(owner, owner_name) if owner_name else owner
    return _fast.plain(module_name, name), getattr(owner, attr)


@pytest.mark.parametrize('g', [
    None, np.ones(3, 'f'), np.array([1., np.nan], 'f'), np.array([np.inf, 1.]),
    np.array([3e38, 3e38], 'f'), np.zeros((0,), 'f')])
def test_finite_check(g):
    import teachgrad.optimizer  # NOQA: F401
    plain, current = both('teachgrad.optimizer', '_finite')
    with np.errstate(over='ignore'):
        assert plain(g) == current(g)


@pytest.mark.parametrize('t, reduce', [
    ([0, 2, 1], 'mean'), ([0, 2, 1], 'no'), ([0, -1, 1], 'mean'), ([2, 2, 2], 'no')])
def test_softmax_cross_entropy_short_road(t, reduce):
    x = np.random.RandomState(0).randn(3, 4).astype(np.float32)
    t = np.array(t, np.int32)
    results = []
    for forward, backward in [
            (_fast.plain('teachgrad.functions.loss', 'SoftmaxCrossEntropy.forward'),
             _fast.plain('teachgrad.functions.loss', 'SoftmaxCrossEntropy.backward')),
            (SoftmaxCrossEntropy.forward, SoftmaxCrossEntropy.backward)]:
        f = SoftmaxCrossEntropy(reduce=reduce)
        y = forward(f, x, t)
        gy = np.ones_like(y)
        results.append((y, backward(f, gy)[0]))
    (y0, g0), (y1, g1) = results
    np.testing.assert_allclose(y1, y0, rtol=1e-6)
    np.testing.assert_allclose(g1, g0, rtol=1e-6, atol=1e-7)
    assert y0.dtype == y1.dtype == g0.dtype == g1.dtype == np.float32


@pytest.mark.parametrize('x_needs_grad', [True, False])
def test_linear_forward_and_backward(x_needs_grad):
    rs = np.random.RandomState(1)
    x = Variable(rs.randn(5, 3).astype('f'), requires_grad=x_needs_grad)
    W = Variable(rs.randn(2, 3).astype('f'))
    b = Variable(rs.randn(2).astype('f'))
    grads = []
    for backward in (_fast.plain('teachgrad.functions.connection', 'LinearFunction.backward'),
                     LinearFunction.backward):
        f = LinearFunction()
        y, = f.apply((x, W, b))
        np.testing.assert_array_equal(y.data, x.data @ W.data.T + b.data)
        grads.append(backward(f, np.ones((5, 2), 'f')))
    for g_plain, g_fast in zip(*grads):
        if g_fast is None:
            assert not x_needs_grad
        else:
            np.testing.assert_array_equal(g_plain, g_fast)


def test_pow_constant_two():
    x = Variable(np.array([1.5, -2.], 'f'))
    y = x ** 2
    gy = np.array([1., 3.], 'f')
    plain, current = both('teachgrad.functions.constant_math', 'PowConstant.backward')
    np.testing.assert_array_equal(plain(y.creator, gy), current(y.creator, gy))


def test_walk():
    x = Variable(np.ones(1, 'f'))
    y = x
    for i in range(20):
        y = y * 2 + x if i % 3 else (y + 1) * (x - 1)
    plain, current = both('teachgrad.backprop', 'walk')
    for backward in (False, True):
        assert plain([y.node], backward) == current([y.node], backward)


def test_apply_builds_the_same_graph():
    plain, current = both('teachgrad.function_node', 'FunctionNode.apply')
    x = Variable(np.array([2.], 'f'))
    made = []
    for apply in (plain, current):
        f = F.basic_math.MulConstant(3.)
        y, = apply(f, (x,))
        made.append((y.data, y.creator is f, f.rank, f.inputs, y.rank))
    (d0, *rest0), (d1, *rest1) = made
    np.testing.assert_array_equal(d0, d1)
    assert rest0 == rest1
    with teachgrad.no_backprop_mode():
        y0, = plain(F.basic_math.MulConstant(3.), (x,))
        y1, = current(F.basic_math.MulConstant(3.), (x,))
    assert y0.creator is None and y1.creator is None


def _model_graph():
    model = L.Linear(3, 2)
    x = Variable(np.ones((1, 3), 'f'), name='x')
    y = F.sum(F.relu(model(x)) * 2)
    y.backward()
    return x, y


@pytest.mark.parametrize('options', [
    {}, {'fixed_size': True}, {'legend': True}, {'show_values': False, 'show_grads': False},
    {'styles': 'x-invisible'}, {'notes': 'x'}])
def test_dot_text_is_the_same(options):
    import teachgrad.viz.dot  # NOQA: F401
    x, y = _model_graph()
    options = dict(options)
    if options.get('styles') == 'x-invisible':
        options['styles'] = {x: {'style': 'invis'}}
    if options.get('notes') == 'x':
        options['notes'] = {x: 'a note <b>'}
    plain, current = both('teachgrad.viz.dot', 'scene_digraph')
    scene = build_scene([y])
    assert plain(scene, **options).source == current(scene, **options).source
    assert viz.draw(y).source       # and the picture itself still draws
