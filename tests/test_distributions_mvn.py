"""MultivariateNormal and F.solve_triangular: values from the closed forms (with numpy's
inverse and determinant), gradients checked numerically in float64."""
import math

import numpy as np
import pytest

import teachgrad
import teachgrad.distributions as D
import teachgrad.functions as F
from teachgrad import Variable
from teachgrad.gradient_check import check_backward, check_double_backward

RNG = np.random.RandomState(0)
BATCH, DIM = (3, 2), 3
LOC = RNG.uniform(-1, 1, BATCH + (DIM,))
_M = RNG.normal(size=BATCH + (DIM, DIM))
COV = _M @ np.swapaxes(_M, -1, -2) + 0.5 * np.eye(DIM)
L = np.linalg.cholesky(COV)
X = RNG.uniform(-2, 2, (4,) + BATCH + (DIM,))           # sample_shape (4,)
TRIL = np.tril(np.ones((DIM, DIM)))
LOC2 = RNG.uniform(-1, 1, BATCH + (DIM,))
_M2 = RNG.normal(size=BATCH + (DIM, DIM))
L2 = np.linalg.cholesky(_M2 @ np.swapaxes(_M2, -1, -2) + 0.5 * np.eye(DIM))


def mvn_log_pdf(x, loc, cov):
    diff = x - loc
    quad = np.einsum('...i,...ij,...j->...', diff, np.linalg.inv(cov), diff)
    return -0.5 * (quad + np.log(np.linalg.det(2 * np.pi * cov)))


def mvn_kl(m1, c1, m2, c2):
    inv2 = np.linalg.inv(c2)
    diff = m2 - m1
    return 0.5 * (np.trace(inv2 @ c1, axis1=-2, axis2=-1)
                  + np.einsum('...i,...ij,...j->...', diff, inv2, diff) - m1.shape[-1]
                  + np.log(np.linalg.det(c2) / np.linalg.det(c1)))


# -- F.solve_triangular ----------------------------------------------------------------

def test_solve_triangular_matches_a_general_solve():
    a = RNG.uniform(-1, 1, (2, 4, 4)) + 3 * np.eye(4)
    b = RNG.uniform(-1, 1, (2, 4, 3))
    x = F.solve_triangular(a, b)
    np.testing.assert_allclose(x.data, np.linalg.solve(np.tril(a), b), rtol=1e-12)
    up = F.solve_triangular(a, b, lower=False)
    np.testing.assert_allclose(up.data, np.linalg.solve(np.triu(a), b), rtol=1e-12)
    # the batch axes broadcast: one matrix for many right-hand sides, and the other way
    many = F.solve_triangular(a[0], RNG.uniform(-1, 1, (5, 2, 4, 1)))
    assert many.shape == (5, 2, 4, 1)
    assert F.solve_triangular(a, b[0]).shape == (2, 4, 3)
    # exact where the arithmetic is: 2 x0 = 4, x0 + 4 x1 = 10
    np.testing.assert_array_equal(
        F.solve_triangular(np.array([[2., 9.], [1., 4.]]), np.array([[4.], [10.]])).data,
        [[2.], [2.]])


@pytest.mark.parametrize('lower', [True, False])
def test_solve_triangular_gradients(lower):
    a = RNG.uniform(-1, 1, (2, 3, 3)) + 2 * np.eye(3)
    b = RNG.uniform(-1, 1, (2, 3, 2))
    gy = RNG.uniform(-1, 1, (2, 3, 2))
    check_backward(lambda a, b: F.solve_triangular(a, b, lower=lower), (a, b), gy)
    # a broadcast matrix sums the grads of its copies
    check_backward(lambda a, b: F.solve_triangular(a, b, lower=lower), (a[0], b), gy)
    check_double_backward(lambda a, b: F.solve_triangular(a, b, lower=lower), (a, b), gy,
                          (RNG.uniform(-1, 1, a.shape), RNG.uniform(-1, 1, b.shape)),
                          atol=1e-5, rtol=1e-4, eps=1e-4)


def test_solve_triangular_never_reads_the_other_triangle():
    a = Variable(RNG.uniform(-1, 1, (3, 3)) + 2 * np.eye(3))
    b = RNG.uniform(-1, 1, (3, 1))
    x = F.solve_triangular(a, b)
    x.grad = np.ones((3, 1))
    x.backward()
    assert (np.triu(a.grad, 1) == 0).all() and (np.tril(a.grad) != 0).any()
    changed = a.data + np.triu(np.full((3, 3), 7.), 1)
    np.testing.assert_array_equal(F.solve_triangular(changed, b).data, x.data)


def test_solve_triangular_float32_stays_float32():
    a = Variable((RNG.uniform(-1, 1, (3, 3)) + 2 * np.eye(3)).astype(np.float32))
    b = Variable(RNG.uniform(-1, 1, (3, 2)).astype(np.float32))
    x = F.solve_triangular(a, b)
    assert x.dtype == np.float32
    F.sum(x).backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float32


def test_solve_triangular_bad_input_teaches():
    with pytest.raises(ValueError, match=r'square in its last two axes.*shape \(3, 2\)'):
        F.solve_triangular(np.ones((3, 2)), np.ones((3, 1)))
    with pytest.raises(ValueError,
                       match=r'shape \(\.\.\., 3, k\).*has shape \(3,\).*b\[\.\.\., None\]'):
        F.solve_triangular(np.eye(3), np.ones(3))
    with pytest.raises(TypeError, match='float32 and float64'):
        F.solve_triangular(np.eye(2, dtype=np.float32), np.ones((2, 1)))
    with pytest.raises(ValueError, match=r'batch axes.*\(2, 3, 3\).*\(4, 3, 1\)'):
        F.solve_triangular(np.ones((2, 3, 3)), np.ones((4, 3, 1)))
    with pytest.raises(ValueError, match='singular'):
        F.solve_triangular(np.array([[1., 0.], [1., 0.]]), np.ones((2, 1)))


# -- MultivariateNormal ----------------------------------------------------------------

def test_statistics_match_the_closed_forms():
    d = D.MultivariateNormal(LOC, scale_tril=L)
    assert d.batch_shape == BATCH and d.event_shape == (DIM,) and d.d == DIM
    np.testing.assert_allclose(d.log_prob(X).array, mvn_log_pdf(X, LOC, COV), rtol=1e-10)
    np.testing.assert_allclose(d.prob(X).array, np.exp(mvn_log_pdf(X, LOC, COV)), rtol=1e-10)
    assert d.log_prob(X).shape == (4,) + BATCH and d.log_prob(X[0]).shape == BATCH
    np.testing.assert_allclose(d.entropy.array,
                               0.5 * np.log(np.linalg.det(2 * np.pi * np.e * COV)), rtol=1e-12)
    np.testing.assert_array_equal(d.mean.array, LOC)
    np.testing.assert_allclose(d.covariance.array, COV, rtol=1e-12)
    np.testing.assert_allclose(d.variance.array, np.diagonal(COV, axis1=-2, axis2=-1),
                               rtol=1e-12)
    np.testing.assert_allclose(d.stddev.array, np.sqrt(np.diagonal(COV, axis1=-2, axis2=-1)),
                               rtol=1e-12)
    assert d.support == 'real' and set(d.params) == {'loc', 'scale_tril'}
    # one point for the whole batch broadcasts against it
    np.testing.assert_allclose(d.log_prob(X[0, 0, 0]).array, mvn_log_pdf(X[0, 0, 0], LOC, COV),
                               rtol=1e-10)


def test_exact_values_of_a_diagonal_covariance():
    # L = diag(1, 2): log p(loc) = -log(2 pi) - log 2, entropy = log 2 + log(2 pi e)
    d = D.MultivariateNormal(np.array([1., -1.]), scale_tril=np.diag([1., 2.]))
    assert d.log_prob(np.array([1., -1.])).array == pytest.approx(
        -math.log(2 * math.pi) - math.log(2), rel=1e-15)
    assert d.log_prob(np.array([2., 1.])).array == pytest.approx(
        -math.log(2 * math.pi) - math.log(2) - 0.5 * (1 + 1), rel=1e-15)
    assert d.entropy.array == pytest.approx(math.log(2) + math.log(2 * math.pi * math.e),
                                            rel=1e-15)


def test_a_diagonal_scale_is_independent_normals():
    scale = RNG.uniform(0.5, 2, BATCH + (DIM,))
    full = D.MultivariateNormal(LOC, scale_tril=scale[..., None] * np.eye(DIM))
    indep = D.Independent(D.Normal(LOC, scale=scale), reinterpreted_batch_ndims=1)
    np.testing.assert_allclose(full.log_prob(X).array, indep.log_prob(X).array, rtol=1e-12)
    np.testing.assert_allclose(full.entropy.array, indep.entropy.array, rtol=1e-12)
    other = D.Normal(LOC2, scale=scale[::-1])
    np.testing.assert_allclose(
        teachgrad.kl_divergence(full, D.MultivariateNormal(
            LOC2, scale_tril=scale[::-1][..., None] * np.eye(DIM))).array,
        teachgrad.kl_divergence(indep, D.Independent(other, 1)).array, rtol=1e-12)


def test_log_prob_entropy_and_covariance_gradients():
    gy = RNG.uniform(-1, 1, (4,) + BATCH)

    def log_prob(loc, m, x):
        return D.MultivariateNormal(loc, scale_tril=m * TRIL).log_prob(x)
    check_backward(log_prob, (LOC, L, X), gy)

    def entropy(m):
        return D.MultivariateNormal(LOC, scale_tril=m * TRIL).entropy
    check_backward(entropy, L, gy[0])

    def covariance(m):
        return D.MultivariateNormal(LOC, scale_tril=m * TRIL).covariance
    check_backward(covariance, L, RNG.uniform(-1, 1, BATCH + (DIM, DIM)))


def test_kl_divergence_value_and_gradients():
    d1 = D.MultivariateNormal(LOC, scale_tril=L)
    d2 = D.MultivariateNormal(LOC2, scale_tril=L2)
    kl = teachgrad.kl_divergence(d1, d2)
    assert kl.shape == BATCH
    np.testing.assert_allclose(kl.array, mvn_kl(LOC, COV, LOC2, L2 @ np.swapaxes(L2, -1, -2)),
                               rtol=1e-10)
    np.testing.assert_allclose(teachgrad.kl_divergence(d1, d1).array, 0, atol=1e-14)
    np.testing.assert_allclose(teachgrad.cross_entropy(d1, d1).array, d1.entropy.array,
                               rtol=1e-14)

    def kl_fn(m1, s1, m2, s2):
        return teachgrad.kl_divergence(D.MultivariateNormal(m1, scale_tril=s1 * TRIL),
                                       D.MultivariateNormal(m2, scale_tril=s2 * TRIL))
    check_backward(kl_fn, (LOC, L, LOC2, L2), RNG.uniform(-1, 1, BATCH))


def test_kl_is_the_expected_log_ratio_of_samples():
    d1 = D.MultivariateNormal(LOC[0, 0], scale_tril=L[0, 0])
    d2 = D.MultivariateNormal(LOC2[0, 0], scale_tril=L2[0, 0])
    np.random.seed(0)
    z = d1.sample(200000)
    estimate = (d1.log_prob(z) - d2.log_prob(z)).array.mean()
    assert estimate == pytest.approx(teachgrad.kl_divergence(d1, d2).array, rel=0.02)


def test_sample_is_reparameterised_and_seeded():
    loc, scale_tril = Variable(LOC.copy()), Variable(L.copy())
    np.random.seed(3)
    z = D.MultivariateNormal(loc, scale_tril=scale_tril).sample(4)
    assert z.shape == (4,) + BATCH + (DIM,)
    np.random.seed(3)
    eps = np.random.standard_normal((4,) + BATCH + (DIM, 1))
    np.testing.assert_allclose(z.array, LOC + (L @ eps)[..., 0], rtol=1e-12)
    F.sum(z).backward()
    np.testing.assert_array_equal(loc.grad, np.full(LOC.shape, 4.))
    # d sum(L eps) / d L_ij = sum over draws of eps_j, in every row i
    np.testing.assert_allclose(scale_tril.grad,
                               np.broadcast_to(eps.sum(axis=0)[..., 0][..., None, :],
                                               L.shape), rtol=1e-12)
    d = D.MultivariateNormal(LOC, scale_tril=L)
    assert d.sample((2, 5)).shape == (2, 5) + BATCH + (DIM,)
    assert d.sample().shape == BATCH + (DIM,)


def test_sample_statistics():
    d = D.MultivariateNormal(LOC[0, 0], scale_tril=L[0, 0])
    np.random.seed(0)
    n = 100000
    s = d.sample(n).array
    cov = COV[0, 0]
    # within 4 standard errors: sqrt(S_ii / n) for a mean, sqrt((S_ii S_jj + S_ij^2) / n)
    # for a covariance entry
    var = np.diagonal(cov)
    assert (np.abs(s.mean(axis=0) - LOC[0, 0]) < 4 * np.sqrt(var / n)).all()
    assert (np.abs(np.cov(s.T) - cov) < 4 * np.sqrt((np.outer(var, var) + cov ** 2) / n)).all()


def test_float32_stays_float32():
    loc, l32 = LOC.astype(np.float32), L.astype(np.float32)
    d = D.MultivariateNormal(loc, scale_tril=l32)
    for v in (d.log_prob(X.astype(np.float32)), d.log_prob(X), d.entropy, d.sample(2),
              d.covariance, d.variance, teachgrad.kl_divergence(d, d)):
        assert v.dtype == np.float32
    np.testing.assert_allclose(d.log_prob(X).array, mvn_log_pdf(X, LOC, COV), rtol=1e-4)


def test_chainer_distribution_docstring_example():
    # a batch of 4 x 3 two-dimensional normals, sampled with sample_shape (6, 5)
    np.random.seed(0)
    loc = np.random.normal(size=(4, 3, 2)).astype(np.float32)
    cov = np.random.normal(size=(4, 3, 2, 2)).astype(np.float32)
    cov = np.matmul(cov, np.rollaxis(cov, -1, -2))
    dist = D.MultivariateNormal(loc, scale_tril=np.linalg.cholesky(cov))
    assert dist.event_shape == (2,) and dist.batch_shape == (4, 3)
    sample = dist.sample(sample_shape=(6, 5))
    assert sample.shape == (6, 5, 4, 3, 2) and sample.dtype == np.float32
    assert dist.log_prob(sample).shape == (6, 5, 4, 3)


def test_repr_is_readable():
    d = D.MultivariateNormal(LOC.astype(np.float32), scale_tril=L.astype(np.float32))
    assert repr(d) == 'MultivariateNormal(batch_shape=(3, 2), event_shape=(3,), dtype=float32)'
    assert repr(D.MultivariateNormal(np.zeros(2), scale_tril=np.eye(2))) == \
        'MultivariateNormal(batch_shape=(), event_shape=(2,), dtype=float64)'


def test_cached_statistics():
    d = D.MultivariateNormal(Variable(LOC), scale_tril=Variable(L))
    assert d.entropy is d.entropy and d.covariance is d.covariance
    with teachgrad.no_backprop_mode():
        assert d.entropy.creator is None
    assert d.entropy.creator is not None


def test_bad_input_teaches():
    with pytest.raises(ValueError, match='needs scale_tril.*cholesky'):
        D.MultivariateNormal(LOC)
    with pytest.raises(ValueError, match=r'square matrix.*shape \(3, 2, 3, 2\)'):
        D.MultivariateNormal(LOC, scale_tril=L[..., :2])
    with pytest.raises(ValueError, match=r'loc has shape \(3, 2, 3\).*scale_tril must have shape '
                                         r'\(3, 2, 3, 3\), but it has shape \(3, 3\)'):
        D.MultivariateNormal(LOC, scale_tril=np.eye(3))
    with pytest.raises(ValueError, match=r'loc has shape \(\)'):
        D.MultivariateNormal(np.array(0.), scale_tril=np.eye(1))
    with pytest.raises(TypeError, match='loc must hold floats.*int64'):
        D.MultivariateNormal(np.zeros(2, np.int64), scale_tril=np.eye(2))
    with pytest.raises(TypeError, match='scale_tril must hold floats.*int64'):
        D.MultivariateNormal(np.zeros(2), scale_tril=np.eye(2, dtype=np.int64))
    with pytest.raises(TypeError, match='loc is float32 but scale_tril is float64'):
        D.MultivariateNormal(np.zeros(2, np.float32), scale_tril=np.eye(2))
    with pytest.raises(ValueError, match=r'lower triangular.*entry \(0, 1\) is 0.5'):
        D.MultivariateNormal(np.zeros(2), scale_tril=np.array([[1., 0.5], [0., 1.]]))
    d = D.MultivariateNormal(LOC, scale_tril=L)
    with pytest.raises(ValueError, match=r'batch_shape \(3, 2\) \+ event_shape \(3,\), but it '
                                         r'has shape \(3, 2, 2\)'):
        d.log_prob(np.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match=r'x of shape \(4, 3\) does not fit batch_shape \(3, 2\)'):
        d.log_prob(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r'equal event shapes.*\(3,\) and \(2,\)'):
        teachgrad.kl_divergence(d, D.MultivariateNormal(np.zeros(2), scale_tril=np.eye(2)))
    with pytest.raises(NotImplementedError, match=r'kl_divergence\(MultivariateNormal, Normal\)'):
        teachgrad.kl_divergence(d, D.Normal(LOC, scale=np.ones(LOC.shape)))


def test_log_prob_and_kl_differentiate_twice():
    # every step is a function with double backprop: the Hessian of log p in loc is -cov⁻¹
    loc = Variable(LOC[0, 0].copy())
    lp = D.MultivariateNormal(loc, scale_tril=L[0, 0]).log_prob(X[0, 0, 0])
    g, = teachgrad.grad([lp], [loc], enable_double_backprop=True)
    hessian = np.stack([teachgrad.grad([g[i]], [loc])[0].array for i in range(DIM)])
    np.testing.assert_allclose(hessian, -np.linalg.inv(COV[0, 0]), rtol=1e-10)

    def kl_fn(m1, s1, m2, s2):
        return teachgrad.kl_divergence(D.MultivariateNormal(m1, scale_tril=s1 * TRIL),
                                       D.MultivariateNormal(m2, scale_tril=s2 * TRIL))
    xs = (LOC[0], L[0], LOC2[0], L2[0])
    check_double_backward(kl_fn, xs, RNG.uniform(-1, 1, 2),
                          tuple(RNG.uniform(-1, 1, x.shape) for x in xs),
                          atol=1e-5, rtol=1e-4, eps=1e-5)
