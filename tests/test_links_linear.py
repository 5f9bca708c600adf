"""L.Linear: shapes, lazy initialization, initializers, reproducibility, gradients."""
import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import initializers as I
from teachgrad.gradient_check import check_backward


def test_shapes_and_default_init():
    np.random.seed(3)
    f = L.Linear(3, 2)
    assert f.W.shape == (2, 3) and f.W.dtype == np.float32
    assert f.b.shape == (2,) and f.b.dtype == np.float32 and not f.b.data.any()
    assert (f.in_size, f.out_size) == (3, 2)
    assert f.W.name == 'W' and f.b.name == 'b'


def test_default_W_is_lecun_normal_from_numpy_random():
    np.random.seed(0)
    W = L.Linear(3, 2).W.data
    np.random.seed(0)
    expected = np.random.normal(0.0, np.sqrt(1.0 / 3), (2, 3)).astype(np.float32)
    np.testing.assert_array_equal(W, expected)
    np.random.seed(0)
    np.testing.assert_array_equal(L.Linear(3, 2).W.data, W)      # reproducible


def test_lecun_std_over_many_weights():
    np.random.seed(1)
    W = L.Linear(400, 500).W.data
    assert abs(W.std() - np.sqrt(1 / 400)) < 0.002 and abs(W.mean()) < 0.002


def test_lazy_W_created_on_first_call():
    np.random.seed(0)
    f = L.Linear(2)
    assert f.W.data is None and repr(f.W) == 'variable W(None)'
    assert repr(f.b) == 'variable b([0., 0.])'
    assert f.in_size is None and str(f) == 'Linear(in_size=None, out_size=2, nobias=False)'
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = f(x)
    assert f.W.shape == (2, 3) and y.shape == (2, 2)
    assert f.in_size == 3
    np.random.seed(0)
    np.testing.assert_array_equal(
        f.W.data, np.random.normal(0, np.sqrt(1 / 3), (2, 3)).astype(np.float32))
    # Images are flattened per example.
    g = L.Linear(5)
    g(np.zeros((4, 2, 3, 2), dtype=np.float32))
    assert g.W.shape == (5, 12)


def test_forward_value():
    W = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
    f = L.Linear(3, 2, initialW=W, initial_bias=np.array([10, 20], dtype=np.float32))
    y = f(np.array([[1, 0, 1]], dtype=np.float32))
    assert y.data.tolist() == [[14, 30]] and y.dtype == np.float32
    assert f.W.data is not W          # the initial array is copied


def test_nobias_and_initializers():
    f = L.Linear(3, 2, nobias=True, initialW=I.Constant(0.5))
    assert f.b is None and [p for p, _ in f.namedparams()] == ['/W']
    assert (f.W.data == 0.5).all()
    assert str(f) == 'Linear(in_size=3, out_size=2, nobias=True)'
    g = L.Linear(3, 2, initialW=2.0, initial_bias=I.One())
    assert (g.W.data == 2).all() and (g.b.data == 1).all()
    h = L.Linear(3, 2, initialW=I.Normal(1.0, dtype=np.float64))
    assert h.W.dtype == np.float64


def test_wrong_initialW_shape_explains():
    with pytest.raises(ValueError, match=r'\(3, 2\).*\(2, 3\)'):
        L.Linear(3, 2, initialW=np.zeros((3, 2), dtype=np.float32))


def test_wrong_input_size_explains():
    f = L.Linear(3, 2)
    with pytest.raises(ValueError, match='4 features'):
        f(np.zeros((1, 4), dtype=np.float32))


def test_n_batch_axes():
    f = L.Linear(3, 2, n_batch_axes=2)
    y = f(np.ones((4, 5, 3), dtype=np.float32))
    assert y.shape == (4, 5, 2)
    np.testing.assert_allclose(y.data[1, 2], f.W.data.sum(axis=1), rtol=1e-6)


def test_gradient_check_through_the_link():
    np.random.seed(2)
    f = L.Linear(3, 2, initialW=I.Normal(1.0, dtype=np.float64),
                 initial_bias=I.Normal(1.0, dtype=np.float64))
    x = np.random.randn(4, 3)
    check_backward(f, x, np.random.randn(4, 2), params=(f.W, f.b))


def test_grads_match_the_seed_cells_21_to_24():
    f = L.Linear(3, 2)
    x = teachgrad.Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
    y = f(x)
    y.grad = np.ones((2, 2), dtype=np.float32)
    y.backward()
    assert f.W.grad.tolist() == [[5, 7, 9], [5, 7, 9]] and f.b.grad.tolist() == [2, 2]
    y.backward()
    assert f.W.grad.tolist() == [[10, 14, 18], [10, 14, 18]] and f.b.grad.tolist() == [4, 4]
    f.cleargrads()
    y.backward()
    assert f.W.grad.tolist() == [[5, 7, 9], [5, 7, 9]]


def test_float64_input_is_refused_like_chainer():
    f = L.Linear(2, 1)
    with pytest.raises(TypeError, match=r'the input is float64 but W is float32.*'
                                        r'x\.astype\(np\.float32\)'):
        f(np.ones((1, 2)))
    assert F.sum(f(np.ones((1, 2), dtype=np.float32))).dtype == np.float32
