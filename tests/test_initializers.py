"""Initializers: fill in place, draw from numpy.random, fan-based scales."""
import numpy as np
import pytest

import teachgrad
from teachgrad import Parameter
from teachgrad import initializers as I


def draws(init, shape, seed=0, dtype=np.float32):
    np.random.seed(seed)
    a = np.empty(shape, dtype=dtype)
    assert init(a) is None          # fills in place, returns nothing
    return a


@pytest.mark.parametrize('init,sample', [
    (I.Normal(), lambda s: np.random.normal(0, 0.05, s)),
    (I.Normal(2.0), lambda s: np.random.normal(0, 2.0, s)),
    (I.Uniform(), lambda s: np.random.uniform(-0.05, 0.05, s)),
    (I.LeCunNormal(), lambda s: np.random.normal(0, np.sqrt(1 / 20), s)),
    (I.LeCunNormal(3.0), lambda s: np.random.normal(0, 3 * np.sqrt(1 / 20), s)),
    (I.GlorotNormal(), lambda s: np.random.normal(0, np.sqrt(2 / (20 + 10)), s)),
    (I.GlorotUniform(), lambda s: np.random.uniform(-np.sqrt(6 / 30), np.sqrt(6 / 30), s)),
    (I.HeNormal(), lambda s: np.random.normal(0, np.sqrt(2 / 20), s)),
    (I.HeNormal(fan_option='fan_out'), lambda s: np.random.normal(0, np.sqrt(2 / 10), s)),
    (I.LeCunUniform(), lambda s: np.random.uniform(-np.sqrt(3 / 20), np.sqrt(3 / 20), s)),
    (I.HeUniform(), lambda s: np.random.uniform(-np.sqrt(6 / 20), np.sqrt(6 / 20), s)),
])
def test_random_initializers_draw_from_numpy_random(init, sample):
    shape = (10, 5, 2, 2)          # fan_in = 5*2*2 = 20, fan_out = 10*2*2 = 40
    shape2 = (10, 20)              # fan_in = 20, fan_out = 10
    a = draws(init, shape2)
    np.random.seed(0)
    np.testing.assert_array_equal(a, sample(shape2).astype(np.float32))
    a = draws(init, shape)
    assert a.dtype == np.float32 and a.shape == shape
    np.testing.assert_array_equal(draws(init, shape), a)       # same seed, same values


def test_fans():
    assert I.get_fans((3, 4)) == (4, 3)
    assert I.get_fans((8, 3, 5, 5)) == (75, 200)
    with pytest.raises(ValueError, match='at least 2 dimensions'):
        I.LeCunNormal()(np.empty(3, dtype=np.float32))


def test_statistics_of_large_draws():
    a = draws(I.HeNormal(), (300, 200), seed=1)
    assert abs(a.std() - np.sqrt(2 / 200)) < 0.002
    b = draws(I.GlorotUniform(), (300, 200), seed=1, dtype=np.float64)
    limit = np.sqrt(6 / 500)
    assert b.max() <= limit and b.min() >= -limit and b.max() > 0.99 * limit


def test_constants():
    assert draws(I.Zero(), (2, 2)).tolist() == [[0, 0], [0, 0]]
    assert draws(I.One(), (3,)).tolist() == [1, 1, 1]
    assert draws(I.Constant(7), (2,)).tolist() == [7, 7]
    assert draws(I.Constant(np.array([1, 2])), (2, 2)).tolist() == [[1, 2], [1, 2]]
    assert np.isnan(draws(I.NaN(), (2,))).all()
    with pytest.raises(ValueError, match=r'shape \(3,\).*\(2, 2\)'):
        I.Constant(np.zeros(3))(np.empty((2, 2)))


def test_initializer_dtype_is_checked():
    with pytest.raises(TypeError, match='float64'):
        I.Normal(dtype=np.float64)(np.empty(2, dtype=np.float32))


def test_generate_array_rules():
    a = I.generate_array(I.One(), (2, 3), np)
    assert a.dtype == np.float32 and a.shape == (2, 3) and (a == 1).all()
    assert I.generate_array(I.One(dtype=np.float64), (2,), np).dtype == np.float64
    assert I.generate_array(I.One(), (2,), np, dtype=np.float16).dtype == np.float16
    assert I.generate_array(3.5, 2, np).tolist() == [3.5, 3.5]                 # number
    assert I.generate_array(np.arange(2), (2,), np).tolist() == [0, 1]          # array
    assert np.isnan(I.generate_array(None, (2,), np)).all()                    # None
    assert I.generate_array(lambda a: a.fill(4), (1,), np).tolist() == [4]     # callable
    with pytest.raises(ValueError, match='float64'):
        I.generate_array(I.One(dtype=np.float32), (2,), np, dtype=np.float64)
    with teachgrad.using_config('dtype', 'float64'):
        assert I.generate_array(I.Zero(), (1,), np).dtype == np.float64


def test_get_initializer_defaults_like_chainer():
    assert isinstance(I._get_initializer(None), I.LeCunNormal)
    assert isinstance(I._get_initializer(0), I.Constant)
    with pytest.raises(TypeError, match='initializer'):
        I._get_initializer('zeros')


def test_parameter_initialization_paths():
    assert Parameter(I.One(), (2,)).data.tolist() == [1, 1]
    assert np.isnan(Parameter(shape=(2,)).data).all()     # no initializer: NaN
    assert Parameter(0.5, (1,)).data.tolist() == [0.5]
    p = Parameter(I.Zero())
    assert p.data is None
    p.initialize((3,))
    assert p.data.tolist() == [0, 0, 0]


def test_reprs():
    assert repr(I.Normal(0.1)) == 'Normal(scale=0.1, rng=None)'
    assert repr(I.Zero()) == 'Zero()'
