"""exp, log, tanh and friends give the same float32 digits on every processor,
and Chainer's documented numbers.

numpy computes float32 exp/log/tanh/sin with code chosen by the processor's
instruction set; teachgrad computes them in float64 and rounds once. The
cross-processor test runs the same computations in child processes with
numpy's faster instruction sets switched off one by one
(``NPY_DISABLE_CPU_FEATURES``), as an older or a different laptop would run.
"""
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
from teachgrad.functions import _ufuncs

ROUNDED = ['exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'tanh', 'sinh', 'cosh', 'arctanh',
           'sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan']


def _domain(name, x):
    if name.startswith('log'):
        return np.abs(x) + x.dtype.type(0.01)
    if name in ('arcsin', 'arccos', 'arctanh'):
        return np.tanh(x)
    return x


@pytest.mark.parametrize('name', ROUNDED)
@pytest.mark.parametrize('dtype', [np.float16, np.float32])
def test_short_floats_are_correctly_rounded(name, dtype):
    x = _domain(name, np.random.RandomState(0).randn(2000).astype(dtype))
    got = getattr(_ufuncs, name)(x)
    assert got.dtype == dtype
    expected = getattr(np, name)(x.astype(np.float64)).astype(dtype)
    np.testing.assert_array_equal(got, expected)


def test_power_is_correctly_rounded_and_keeps_the_dtype():
    x = np.abs(np.random.RandomState(2).randn(2000)).astype(np.float32) + np.float32(0.1)
    for exponent in (1.7, np.float32(-0.3), 3):
        got = _ufuncs.power(x, exponent)
        assert got.dtype == np.float32
        np.testing.assert_array_equal(
            got, np.power(x.astype(np.float64), np.float64(exponent)).astype(np.float32))
    v = teachgrad.Variable(x)
    np.testing.assert_array_equal((v ** 1.7).array, _ufuncs.power(x, 1.7))
    np.testing.assert_array_equal((v ** v).array, _ufuncs.power(x, x))
    assert _ufuncs.power(np.arange(3), 2).dtype.kind == 'i'


def test_two_argument_functions_are_correctly_rounded():
    rng = np.random.RandomState(3)
    a, b = rng.randn(2, 2000).astype(np.float32)
    got = _ufuncs.arctan2(a, b)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(
        got, np.arctan2(a.astype(np.float64), b.astype(np.float64)).astype(np.float32))
    np.testing.assert_array_equal(F.arctan2(a, b).array, got)
    np.testing.assert_array_equal(F.arctanh(np.tanh(a)).array, _ufuncs.arctanh(np.tanh(a)))


def test_float64_and_numpy_scalars():
    x = np.linspace(-3, 3, 7)
    np.testing.assert_array_equal(_ufuncs.exp(x), np.exp(x))
    y = _ufuncs.exp(np.float32(-1))
    assert isinstance(y, np.float32) and y == np.float32(0.36787945)


# What Chainer v7.8.1's docstrings print for these functions (numpy prints
# 8 decimals, so the text is compared, as a doctest would).
def test_chainer_documented_digits():
    x = np.array([[0, 1, 2], [0, 2, 4]], np.float32)
    assert repr(F.softmax(x).array) == (
        'array([[0.09003057, 0.24472848, 0.66524094],\n'
        '       [0.01587624, 0.11731043, 0.86681336]], dtype=float32)')
    assert repr(F.log_softmax(x).array) == (
        'array([[-2.407606  , -1.4076059 , -0.4076059 ],\n'
        '       [-4.1429315 , -2.1429315 , -0.14293146]], dtype=float32)')
    x = np.array([[-1, 0, 1, 2], [2, 0, 1, -1]], np.float32)
    t = np.array([3, 0], np.int32)
    assert repr(F.softmax_cross_entropy(x, t)) == 'variable(0.44018972)'
    x = np.array([[-1, 0], [2, -3]], np.float32)
    assert repr(F.elu(x).array) == (
        'array([[-0.63212055,  0.        ],\n'
        '       [ 2.        , -0.95021296]], dtype=float32)')


def test_log1p_rounds_to_nearest_where_chainers_libm_did_not():
    # log1p(exp(-2)) = 0.1269280095...; the float32 neighbours are 0.12692800164
    # and 0.12692801654. Chainer's docstrings for softplus and
    # sigmoid_cross_entropy print the farther one (0.126928), as that machine's
    # float32 log1p rounded; teachgrad prints the nearer one on every machine.
    x = np.array([-2., 0., 2.], np.float32)
    y = F.softplus(x).array
    assert y[0] == np.float32(0.12692802) and y[2] == np.float32(2.126928)
    assert abs(float(y[0]) - np.log1p(np.exp(-2.0))) < abs(0.12692800164 - np.log1p(np.exp(-2.0)))


def test_softmax_cross_entropy_fast_and_plain_roads_agree(monkeypatch):
    # The usual case takes a shorter road (teachgrad/_fast.py) than one with
    # an ignored label; both must print the same loss and gradient.
    rng = np.random.RandomState(1)
    x = rng.randn(16, 5).astype(np.float32)
    t = rng.randint(0, 5, 16).astype(np.int32)
    t_ignored = t.copy()
    t_ignored[0] = -1
    results = []
    for labels in (t, t_ignored):
        v = teachgrad.Variable(x.copy())
        loss = F.softmax_cross_entropy(v, labels, normalize=False)
        loss.backward()
        results.append((loss.array, v.grad))
    np.testing.assert_array_equal(results[0][1][1:], results[1][1][1:])
    picked = F.log_softmax(x).array[np.arange(16), t]
    assert results[0][0] == picked.sum() * -(1.0 / 16)
    assert results[1][0] == picked[1:].sum() * -(1.0 / 16)


CHILD = r'''
import hashlib, json, numpy as np
import teachgrad, teachgrad.functions as F, teachgrad.links as L
rng = np.random.RandomState(0)
x = rng.randn(64, 10).astype(np.float32)
t = rng.randint(0, 10, 64).astype(np.int32)
out = {}
for name in ('exp', 'log', 'tanh', 'sigmoid', 'sin', 'softplus', 'elu', 'log1p', 'expm1'):
    arg = np.abs(x) + 0.5 if name.startswith('log') else x
    out[name] = getattr(F, name)(arg).array
out['pow'] = (teachgrad.Variable(np.abs(x)) ** 1.7).array
out['softmax'] = F.softmax(x).array
out['log_softmax'] = F.log_softmax(x).array
v = teachgrad.Variable(x.copy())
loss = F.softmax_cross_entropy(v, t)
loss.backward()
out['sce'], out['sce_grad'] = loss.array, v.grad
np.random.seed(0)
lstm = L.LSTM(10, 6)
h = lstm(x[:8])
h = lstm(x[8:16])
out['lstm'] = h.array
print(json.dumps({k: hashlib.md5(np.ascontiguousarray(a).tobytes()).hexdigest()
                  for k, a in sorted(out.items())}))
'''


def _dispatch_levels():
    """NPY_DISABLE_CPU_FEATURES values that step this processor down through
    the instruction sets numpy dispatches to, newest first."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:                                  # numpy < 2
        from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    usable = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
    return [' '.join(reversed(usable[len(usable) - k:])) for k in range(len(usable) + 1)]


@pytest.mark.slow
def test_same_digits_whatever_instruction_set_numpy_picks():
    levels = _dispatch_levels()
    if len(levels) < 2:
        pytest.skip('numpy dispatches to no faster instruction set on this processor')
    digests = {}
    for disabled in levels:
        env = dict(os.environ, NPY_DISABLE_CPU_FEATURES=disabled)
        done = subprocess.run([sys.executable, '-c', CHILD], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        digests[disabled or '(all)'] = json.loads(done.stdout.strip().splitlines()[-1])
    first = next(iter(digests.values()))
    differing = {level: sorted(k for k in first if d[k] != first[k])
                 for level, d in digests.items() if d != first}
    assert not differing, 'results that change with the instruction set: {}'.format(differing)


def test_the_check_above_can_fail():
    # Raw float32 numpy exp does change with the instruction set on the
    # processors numpy vectorises for, which is why teachgrad rounds.
    levels = _dispatch_levels()
    if len(levels) < 2:
        pytest.skip('numpy dispatches to no faster instruction set on this processor')
    code = ('import numpy as np, hashlib; x = np.random.RandomState(0).randn(10000)'
            '.astype(np.float32); print(hashlib.md5(np.exp(x).tobytes()).hexdigest())')
    seen = {subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                           env=dict(os.environ, NPY_DISABLE_CPU_FEATURES=d),
                           timeout=60).stdout for d in levels}
    if len(seen) == 1:
        pytest.skip('numpy float32 exp happens to agree across instruction sets here')
    assert len(seen) > 1
