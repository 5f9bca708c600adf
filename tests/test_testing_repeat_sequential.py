"""teachgrad.testing.assert_allclose, Link.repeat / Sequential.repeat,
Sequential + Sequential, += and flatten."""
import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Sequential, testing


# -- assert_allclose ----------------------------------------------------------------------
def test_assert_allclose_passes_within_tolerance():
    testing.assert_allclose(np.array([1., 100.]), np.array([1. + 9e-6, 100.01]))
    testing.assert_allclose(teachgrad.Variable(np.ones(3, np.float32)), np.ones(3))
    testing.assert_allclose(2.0, np.float64(2.0))
    testing.assert_allclose([[1, 2]], np.array([[1., 2.]]))


def test_assert_allclose_tolerance_is_atol_plus_rtol_times_y():
    # 1e-5 + 1e-4 * 1 = 1.1e-4 is allowed, a bit more is not.
    testing.assert_allclose(np.array([1.0001]), np.array([1.]))
    with pytest.raises(AssertionError):
        testing.assert_allclose(np.array([1.0002]), np.array([1.]))
    testing.assert_allclose(np.array([1.1]), np.array([1.]), atol=0.2, rtol=0)


def test_assert_allclose_message_points_at_the_worst_element():
    x = np.array([[1., 2.], [3., 4.]])
    y = np.array([[1., 2.1], [3., 5.]])
    with pytest.raises(AssertionError) as info:
        testing.assert_allclose(x, y)
    msg = str(info.value)
    assert 'Mismatched elements: 2 / 4' in msg          # numpy's own report first
    for line in ['assert_allclose failed:', '  shape: (2, 2) (2, 2)',
                 '  dtype: float64 float64', '  i: (1, 1)', '  x[i]: 4.0', '  y[i]: 5.0',
                 '  relative error[i]: 0.2', '  absolute error[i]: 1.0',
                 '  relative tolerance * |y[i]|: 0.0005', '  absolute tolerance: 1e-05',
                 'x: [[1. 2.]\n    [3. 4.]]', 'y: [[1.  2.1]\n    [3.  5. ]]']:
        assert line in msg, line


def test_assert_allclose_relative_error_inf_when_y_is_zero():
    with pytest.raises(AssertionError, match='relative error\\[i\\]: inf'):
        testing.assert_allclose(np.array([1.]), np.array([0.]))


def test_assert_allclose_shape_mismatch_lists_shapes_only():
    with pytest.raises(AssertionError) as info:
        testing.assert_allclose(np.zeros(2), np.zeros(3))
    assert '  shape: (2,) (3,)' in str(info.value) and '  i:' not in str(info.value)


def test_doctest_helper():
    from teachgrad.testing import doctest_helper
    assert doctest_helper.skipif(True) is True
    assert doctest_helper.skipif_requires_satisfied('numpy') is True
    assert doctest_helper.skipif_requires_satisfied('no-such-package-xyz') is False
    assert doctest_helper.skipif_not_enough_cuda_devices(1) is (not teachgrad.backend.gpu_available())


# -- repeat -------------------------------------------------------------------------------
def test_repeat_init_gives_fresh_parameters():
    np.random.seed(0)
    link = L.Linear(3, 4)
    seq = link.repeat(3)
    assert isinstance(seq, Sequential) and len(seq) == 3
    assert [p for p, _ in seq.namedparams()] == [
        '/0/W', '/0/b', '/1/W', '/1/b', '/2/W', '/2/b']
    Ws = [seq[i].W.array for i in range(3)] + [link.W.array]
    for i in range(4):
        for j in range(i + 1, 4):
            assert not np.array_equal(Ws[i], Ws[j])
    assert all(blk is not link for blk in seq)


def test_repeat_copy_gives_equal_but_independent_parameters():
    link = L.Linear(2, 2)
    seq = link.repeat(2, mode='copy')
    np.testing.assert_array_equal(seq[0].W.array, link.W.array)
    np.testing.assert_array_equal(seq[1].W.array, link.W.array)
    seq[0].W.array[...] = 7
    assert not (seq[1].W.array == 7).any() and not (link.W.array == 7).any()


def test_repeat_share_shares_arrays_not_objects():
    link = L.Linear(2, 2)
    seq = link.repeat(2, mode='share')
    assert seq[0] is not seq[1]
    seq[0].W.array[...] = 3
    assert (seq[1].W.array == 3).all() and (link.W.array == 3).all()


def test_repeat_zero_and_bad_mode():
    assert len(L.Linear(2, 2).repeat(0)) == 0
    with pytest.raises(ValueError, match="'init'.*'copy'.*'share'"):
        L.Linear(2, 2).repeat(2, mode='deep')


def test_sequential_repeat_runs_and_trains():
    np.random.seed(1)
    block = Sequential(L.Linear(3, 3), F.tanh)
    model = block.repeat(2)
    assert [p for p, _ in model.namedparams()] == ['/0/0/W', '/0/0/b', '/1/0/W', '/1/0/b']
    x = np.ones((2, 3), np.float32)
    expected = F.tanh(model[1][0](F.tanh(model[0][0](x)))).array
    y = model(x)
    np.testing.assert_array_equal(y.array, expected)
    F.sum(y).backward()
    assert all(p.grad is not None for p in model.params())
    assert block[0].W.grad is None          # the original is not part of the repeat


# -- + and flatten ------------------------------------------------------------------------
def test_sequential_plus_sequential():
    a_lin, b_lin = L.Linear(4, 3), L.Linear(3, 2)
    a = Sequential(a_lin, F.relu)
    b = Sequential(b_lin, F.sigmoid)
    c = a + b
    assert c is not a and c is not b
    assert list(c) == [a_lin, F.relu, b_lin, F.sigmoid]
    assert c[0] is a_lin and c[2] is b_lin                 # the same layer objects
    assert [p for p, _ in c.namedparams()] == ['/0/W', '/0/b', '/1/W', '/1/b']
    assert len(a) == 2 and len(b) == 2
    x = np.ones((1, 4), np.float32)
    np.testing.assert_array_equal(c(x).array, b(a(x)).array)


def test_sequential_plus_link_teaches():
    with pytest.raises(ValueError, match='append\\(layer\\)'):
        Sequential(L.Linear(2, 2)) + L.Linear(2, 2)
    s = Sequential(L.Linear(2, 2))
    with pytest.raises(ValueError, match='append'):
        s += F.relu
    assert len(s) == 1


def test_sequential_iadd_and_extend():
    s = Sequential(L.Linear(2, 2))
    t = s
    s += Sequential(F.relu, L.Linear(2, 1))
    assert s is t and len(s) == 3 and len(list(s.params())) == 4
    s.extend([F.sigmoid])
    assert s[-1] is F.sigmoid


def test_flatten_nested():
    inner = Sequential(L.Linear(3, 3), F.relu)
    middle = Sequential(inner, L.Linear(3, 3))
    outer = Sequential(L.Linear(2, 3), middle, F.tanh)
    flat = outer.flatten()
    assert [type(l).__name__ if isinstance(l, teachgrad.Link) else l.__name__ for l in flat] == [
        'Linear', 'Linear', 'relu', 'Linear', 'tanh']
    x = np.ones((1, 2), np.float32)
    np.testing.assert_array_equal(flat(x).array, outer(x).array)
    assert [p for p, _ in flat.namedparams()] == [
        '/0/W', '/0/b', '/1/W', '/1/b', '/2/W', '/2/b']
