"""BatchNormalization's ``size`` and ``axis``: which axes are averaged over
decides the shape of gamma, beta and the running averages."""
import numpy as np
import pytest

import teachgrad
import teachgrad.links as L


def test_the_documented_example_numbers():
    x = np.arange(12).reshape(4, 3).astype(np.float32) ** 2
    y = L.BatchNormalization(3)(x)
    expected = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 2e-5)
    np.testing.assert_allclose(y.data, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y.data[:, 0], [-1., -0.71428573, 0.14285715, 1.5714287], rtol=1e-5)


@pytest.mark.parametrize('make,shape,axes', [
    (lambda: L.BatchNormalization(3), (3,), (0, 2, 3)),
    (lambda: L.BatchNormalization((3, 4, 5)), (3, 4, 5), (0,)),
    (lambda: L.BatchNormalization(axis=(0, 2, 3)), (3,), (0, 2, 3)),
    (lambda: L.BatchNormalization(axis=0), (3, 4, 5), (0,)),
    (lambda: L.BatchNormalization(axis=(0, -1)), (3, 4), (0, 3)),
])
def test_parameter_shape_follows_size_or_axis(make, shape, axes):
    np.random.seed(0)
    x = np.random.randn(10, 3, 4, 5).astype(np.float32)
    bn = make()
    bn.beta.data = None if bn.beta.data is None else bn.beta.data + 2.0
    y = bn(x)
    assert bn.gamma.shape == bn.beta.shape == bn.avg_mean.shape == bn.avg_var.shape == shape
    assert y.shape == x.shape and y.dtype == np.float32
    beta = bn.beta.data
    np.testing.assert_allclose(y.data.mean(axis=axes), beta, atol=1e-5)
    np.testing.assert_allclose(y.data.std(axis=axes), np.ones(shape), atol=1e-3)
    with teachgrad.using_config('train', False):
        assert bn(x).shape == x.shape


def test_size_and_axis_that_disagree_say_so():
    bn = L.BatchNormalization(3, axis=0)
    with pytest.raises(ValueError, match=r'features have shape \(3, 4, 5\).*gamma has shape \(3,\)'):
        bn(np.zeros((2, 3, 4, 5), np.float32))
