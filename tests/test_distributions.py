"""teachgrad.distributions: values from the closed forms, gradients checked numerically."""
import math
import warnings

import numpy as np
import pytest

import teachgrad
import teachgrad.distributions as D
import teachgrad.functions as F
from teachgrad import Variable
from teachgrad.gradient_check import check_backward, check_double_backward

RNG = np.random.RandomState(0)
LOC = RNG.uniform(-1, 1, (3, 2))
SCALE = RNG.uniform(0.5, 2, (3, 2))
X = RNG.uniform(-2, 2, (3, 2))


def normal_log_pdf(x, m, s):
    return -0.5 * np.log(2 * np.pi * s ** 2) - (x - m) ** 2 / (2 * s ** 2)


def test_normal_statistics_match_the_closed_forms():
    d = D.Normal(LOC, scale=SCALE)
    assert d.batch_shape == (3, 2) and d.event_shape == ()
    np.testing.assert_allclose(d.log_prob(X).array, normal_log_pdf(X, LOC, SCALE), rtol=1e-12)
    np.testing.assert_allclose(d.prob(X).array, np.exp(normal_log_pdf(X, LOC, SCALE)),
                               rtol=1e-12)
    np.testing.assert_allclose(d.entropy.array, 0.5 * np.log(2 * np.pi * np.e * SCALE ** 2),
                               rtol=1e-12)
    np.testing.assert_array_equal(d.mean.array, LOC)
    np.testing.assert_array_equal(d.stddev.array, SCALE)
    np.testing.assert_allclose(d.variance.array, SCALE ** 2, rtol=1e-15)
    same = D.Normal(LOC, log_scale=np.log(SCALE))
    np.testing.assert_allclose(same.log_prob(X).array, d.log_prob(X).array, rtol=1e-12)
    np.testing.assert_allclose(same.scale.array, SCALE, rtol=1e-12)


def test_normal_float32_stays_float32():
    loc, scale = LOC.astype(np.float32), SCALE.astype(np.float32)
    d = D.Normal(loc, scale=scale)
    for v in (d.log_prob(X.astype(np.float32)), d.entropy, d.sample(2), d.log_scale,
              D.kl_divergence(d, d) if hasattr(D, 'kl_divergence') else
              teachgrad.kl_divergence(d, d)):
        assert v.dtype == np.float32


@pytest.mark.parametrize('param', ['scale', 'log_scale'])
def test_normal_log_prob_and_entropy_gradients(param):
    value = SCALE if param == 'scale' else np.log(SCALE)
    gy = RNG.uniform(-1, 1, (3, 2))

    def log_prob(loc, s, x):
        return D.Normal(loc, **{param: s}).log_prob(x)
    check_backward(log_prob, (LOC, value, X), gy)

    def entropy(s):
        return D.Normal(LOC, **{param: s}).entropy
    check_backward(entropy, value, gy)

    def prob(loc, s):
        return D.Normal(loc, **{param: s}).prob(X)
    check_backward(prob, (LOC, value), gy)


def normal_cdf(x, m, s):
    # from Python's own erf, element by element: independent of the code under test
    return np.vectorize(lambda z: 0.5 * math.erfc(-z / math.sqrt(2)))((x - m) / s)


def test_normal_cdf_family_matches_erf():
    d = D.Normal(LOC, scale=SCALE)
    cdf = normal_cdf(X, LOC, SCALE)
    np.testing.assert_allclose(d.cdf(X).array, cdf, rtol=1e-14)
    np.testing.assert_allclose(d.survival_function(X).array, 1 - cdf, rtol=1e-13)
    np.testing.assert_allclose(d.log_cdf(X).array, np.log(cdf), rtol=1e-13)
    np.testing.assert_allclose(d.log_survival_function(X).array, np.log1p(-cdf), rtol=1e-13)
    np.testing.assert_array_equal(d.cdf(LOC).array, np.full((3, 2), 0.5))
    # icdf inverts cdf, and knows the textbook quantiles
    np.testing.assert_allclose(d.icdf(cdf).array, X, rtol=1e-13)
    std = D.Normal(np.zeros(4), scale=np.ones(4))
    np.testing.assert_allclose(std.icdf(np.array([0.5, 0.975, 0.025, 1e-300])).array,
                               [0., 1.959963984540054, -1.959963984540054,
                                -37.0470962993612], rtol=1e-14)
    np.testing.assert_array_equal(std.icdf(np.array([0., 1., -0.5, 2.])).array,
                                  [-np.inf, np.inf, np.nan, np.nan])


def test_normal_log_cdf_is_finite_far_in_the_tails():
    std = D.Normal(np.zeros(3), scale=np.ones(3))
    x = np.array([-40., -10., 10.])
    assert std.cdf(x).array[0] == 0                  # below the smallest float
    # log Phi(-40), log Phi(-10), log Phi(10), worked out to 40 digits (mpmath)
    expected = [-804.6084420137538, -53.23128515051247, -7.619853024160526e-24]
    np.testing.assert_allclose(std.log_cdf(x).array, expected, rtol=2e-14)
    np.testing.assert_allclose(std.log_survival_function(-x).array, expected, rtol=2e-14)
    # the asymptotic series and erfc agree where one takes over from the other
    edge = std.log_cdf(np.array([-20.000001, -20., -19.999999]))
    # (the slope there, density / Phi at -20, is 20.0497530...)
    np.testing.assert_allclose(np.diff(edge.array), [2.0049753e-5, 2.0049753e-5], rtol=1e-7)


def test_normal_cdf_family_against_scipy():
    special = pytest.importorskip('scipy.special')
    x = np.concatenate([np.linspace(-38, 9, 941), [-1e3, 0., 1e3]])
    std = D.Normal(np.zeros_like(x), scale=np.ones_like(x))
    np.testing.assert_allclose(std.cdf(x).array, special.ndtr(x), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(std.log_cdf(x).array, special.log_ndtr(x), rtol=1e-13)
    p = np.concatenate([np.logspace(-300, -0.31, 900), 1 - np.logspace(-16, -0.31, 300)])
    q = D.Normal(np.zeros_like(p), scale=np.ones_like(p)).icdf(p).array
    np.testing.assert_allclose(q, special.ndtri(p), rtol=1e-13)


@pytest.mark.parametrize('method', ['cdf', 'log_cdf', 'survival_function',
                                    'log_survival_function'])
def test_normal_cdf_family_gradients(method, param='scale'):
    gy = RNG.uniform(-1, 1, (3, 2))
    for param, value in (('scale', SCALE), ('log_scale', np.log(SCALE))):
        check_backward(lambda loc, s, x: getattr(D.Normal(loc, **{param: s}), method)(x),
                       (LOC, value, X), gy)
    # far in the tail log_cdf still has the right slope, about -x there
    check_backward(lambda x: D.Normal(np.zeros(2), np.ones(2)).log_cdf(x),
                   np.array([-30., -22.]), np.ones(2), rtol=1e-6)


def test_normal_icdf_gradients():
    p = RNG.uniform(0.01, 0.99, (3, 2))
    check_backward(lambda loc, s, p: D.Normal(loc, scale=s).icdf(p), (LOC, SCALE, p),
                   RNG.uniform(-1, 1, (3, 2)), eps=1e-6)


@pytest.mark.parametrize('name, x', [
    ('ndtr', np.array([-3., -0.5, 0.2, 2.5])),
    ('log_ndtr', np.array([-25., -3., 0.2, 2.5])),
    ('ndtri', np.array([0.01, 0.3, 0.6, 0.95])),
])
def test_normal_cdf_functions_double_backprop(name, x):
    from teachgrad.distributions import _functions
    check_double_backward(getattr(_functions, name), x, RNG.uniform(-1, 1, 4),
                          RNG.uniform(-1, 1, 4), eps=1e-5, atol=1e-5, rtol=1e-4)


def test_normal_cdf_family_float32_stays_float32():
    d = D.Normal(LOC.astype(np.float32), scale=SCALE.astype(np.float32))
    x32 = X.astype(np.float32)
    for v in (d.cdf(x32), d.log_cdf(x32), d.survival_function(x32),
              d.log_survival_function(x32), d.icdf(np.full((3, 2), 0.3)),
              d.icdf(np.full((3, 2), 0.3, np.float32))):
        assert v.dtype == np.float32
    np.testing.assert_allclose(d.cdf(x32).array, normal_cdf(X, LOC, SCALE), rtol=1e-5)


def test_normal_sample_is_reparameterised_and_seeded():
    loc = Variable(LOC.copy())
    scale = Variable(SCALE.copy())
    np.random.seed(3)
    z = D.Normal(loc, scale=scale).sample(4)
    assert z.shape == (4, 3, 2)
    np.random.seed(3)
    eps = np.random.standard_normal((4, 3, 2))
    np.testing.assert_allclose(z.array, LOC + SCALE * eps, rtol=1e-15)
    F.sum(z).backward()
    np.testing.assert_array_equal(loc.grad, np.full((3, 2), 4.))
    np.testing.assert_allclose(scale.grad, eps.sum(axis=0), rtol=1e-12)
    assert D.Normal(LOC, SCALE).sample((2, 5)).shape == (2, 5, 3, 2)
    assert D.Normal(LOC, SCALE).sample().shape == (3, 2)


def test_normal_sample_statistics():
    np.random.seed(0)
    s = D.Normal(np.array([1.]), scale=np.array([2.])).sample(20000).array
    assert abs(s.mean() - 1) < 0.05 and abs(s.std() - 2) < 0.05


def test_kl_normal_normal_value_and_gradient():
    kl = teachgrad.kl_divergence(D.Normal(np.array([0.]), np.array([1.])),
                                 D.Normal(np.array([1.]), np.array([2.])))
    assert kl.array[0] == pytest.approx(math.log(2) + 2 / 8 - 0.5, rel=1e-14)
    loc2, scale2 = RNG.uniform(-1, 1, (3, 2)), RNG.uniform(0.5, 2, (3, 2))

    def kl_fn(m1, s1, m2, s2):
        return teachgrad.kl_divergence(D.Normal(m1, s1), D.Normal(m2, log_scale=F.log(s2)))
    check_backward(kl_fn, (LOC, SCALE, loc2, scale2), RNG.uniform(-1, 1, (3, 2)))
    # KL of a distribution with itself is 0, and cross entropy is then the entropy
    d = D.Normal(LOC, SCALE)
    np.testing.assert_allclose(teachgrad.kl_divergence(d, d).array, 0, atol=1e-15)
    np.testing.assert_allclose(teachgrad.cross_entropy(d, d).array, d.entropy.array)


P = np.array([[0.1, 0.5], [0.7, 0.95], [0.3, 0.02]])
LOGIT = np.log(P / (1 - P))
B = (RNG.uniform(size=(3, 2)) > 0.5).astype(np.float64)


def test_bernoulli_statistics_from_p_and_from_logit():
    for d in (D.Bernoulli(p=P), D.Bernoulli(logit=LOGIT)):
        assert d.batch_shape == (3, 2) and d.event_shape == ()
        expected = np.where(B == 1, np.log(P), np.log(1 - P))
        np.testing.assert_allclose(d.log_prob(B).array, expected, rtol=1e-12)
        np.testing.assert_allclose(d.prob(B).array, np.exp(expected), rtol=1e-12)
        np.testing.assert_allclose(d.entropy.array,
                                   -(P * np.log(P) + (1 - P) * np.log(1 - P)), rtol=1e-12)
        np.testing.assert_allclose(d.mean.array, P, rtol=1e-12)
        np.testing.assert_allclose(d.variance.array, P * (1 - P), rtol=1e-12)
        np.testing.assert_allclose(d.stddev.array, np.sqrt(P * (1 - P)), rtol=1e-12)


def test_bernoulli_log_prob_is_finite_for_extreme_logits():
    d = D.Bernoulli(logit=np.array([800., -800.], dtype=np.float32))
    lp = d.log_prob(np.array([0., 1.], dtype=np.float32))
    assert lp.dtype == np.float32
    np.testing.assert_array_equal(lp.array, [-800., -800.])


def test_bernoulli_gradients():
    gy = RNG.uniform(-1, 1, (3, 2))
    check_backward(lambda logit: D.Bernoulli(logit=logit).log_prob(B), LOGIT, gy)
    check_backward(lambda p: D.Bernoulli(p=p).log_prob(B), P, gy, eps=1e-6, atol=1e-4)
    check_backward(lambda p: D.Bernoulli(p=p).entropy, P, gy, eps=1e-6, atol=1e-4)
    check_backward(lambda logit: D.Bernoulli(logit=logit).entropy, LOGIT, gy)


def test_bernoulli_entropy_of_a_certain_outcome_is_zero_with_a_finite_grad():
    p = Variable(np.array([0., 1.]))
    h = D.Bernoulli(p=p).entropy
    np.testing.assert_array_equal(h.array, [0., 0.])
    F.sum(h).backward()
    assert np.isfinite(p.grad).all()


def test_kl_bernoulli_bernoulli():
    p2 = np.array([[0.6, 0.5], [0.2, 0.5], [0.9, 0.1]])
    kl = teachgrad.kl_divergence(D.Bernoulli(p=P), D.Bernoulli(p=p2))
    expected = P * np.log(P / p2) + (1 - P) * np.log((1 - P) / (1 - p2))
    np.testing.assert_allclose(kl.array, expected, rtol=1e-10)
    check_backward(lambda a, b: teachgrad.kl_divergence(D.Bernoulli(logit=a),
                                                        D.Bernoulli(logit=b)),
                   (LOGIT, np.log(p2 / (1 - p2))), RNG.uniform(-1, 1, (3, 2)))


def test_bernoulli_sample_and_binary_check():
    np.random.seed(1)
    s = D.Bernoulli(p=np.full(4000, 0.25)).sample()
    assert s.shape == (4000,) and set(np.unique(s.array)) == {0, 1}
    assert abs(s.array.mean() - 0.25) < 0.03
    d = D.Bernoulli(p=np.array([0.3, 0.3]), binary_check=True)
    x = np.array([1., 0.5])
    assert d.log_prob(x).array[1] == -np.inf
    np.testing.assert_allclose(d.prob(x).array, [0.3, 0.])
    assert D.Bernoulli(p=np.array([0.3, 0.3])).prob(x).array[1] == pytest.approx(0.5)


def test_independent_sums_over_reinterpreted_axes():
    base = D.Normal(LOC, SCALE)
    d = D.Independent(base)
    assert d.batch_shape == (3,) and d.event_shape == (2,)
    np.testing.assert_allclose(d.log_prob(X).array, normal_log_pdf(X, LOC, SCALE).sum(axis=1),
                               rtol=1e-12)
    np.testing.assert_allclose(d.entropy.array, base.entropy.array.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(d.prob(X).array,
                               np.exp(normal_log_pdf(X, LOC, SCALE).sum(axis=1)), rtol=1e-12)
    whole = D.Independent(base, reinterpreted_batch_ndims=2)
    assert whole.batch_shape == () and whole.event_shape == (3, 2)
    assert whole.log_prob(X).shape == ()
    none = D.Independent(base, reinterpreted_batch_ndims=0)
    assert none.batch_shape == (3, 2)
    assert d.sample(5).shape == (5, 3, 2)
    assert d.mean is base.mean and d.stddev is base.stddev
    check_backward(lambda m, s: D.Independent(D.Normal(m, s)).log_prob(X), (LOC, SCALE),
                   RNG.uniform(-1, 1, 3))


def test_kl_independent():
    q = D.Independent(D.Normal(LOC, SCALE))
    p = D.Independent(D.Normal(np.zeros((3, 2)), np.ones((3, 2))))
    kl = teachgrad.kl_divergence(q, p)
    expected = teachgrad.kl_divergence(q.distribution, p.distribution).array.sum(axis=1)
    np.testing.assert_allclose(kl.array, expected, rtol=1e-14)
    with pytest.raises(ValueError, match='equal event shapes'):
        teachgrad.kl_divergence(q, D.Independent(D.Normal(LOC, SCALE), 2))


def test_vae_style_loss_trains_encoder_parameters():
    # what examples/vae does: Independent(Normal) posterior, Bernoulli decoder, KL to a prior
    import teachgrad.links as L
    np.random.seed(0)
    enc_mu, enc_ln = L.Linear(4, 2), L.Linear(4, 2)
    dec = L.Linear(2, 4)
    x = (np.random.uniform(size=(5, 4)) > 0.5).astype(np.float32)
    q = D.Independent(D.Normal(enc_mu(x), log_scale=enc_ln(x)))
    z = q.sample(1)
    p_x = D.Independent(D.Bernoulli(logit=dec(z, n_batch_axes=2)), reinterpreted_batch_ndims=1)
    prior = D.Independent(D.Normal(np.zeros(2, np.float32), scale=np.ones(2, np.float32)), 1)
    rec = F.mean(p_x.log_prob(F.broadcast_to(x[None], (1,) + x.shape)))
    loss = -(rec - F.mean(teachgrad.kl_divergence(q, prior)))
    assert loss.dtype == np.float32 and loss.shape == ()
    loss.backward()
    for link in (enc_mu, enc_ln, dec):
        assert link.W.grad is not None and np.abs(link.W.grad).sum() > 0


def test_reprs_are_readable():
    assert repr(D.Normal(np.array([0., 1.]), scale=np.array([1., 2.]))) == \
        'Normal(loc=[0., 1.], scale=[1., 2.])'
    assert repr(D.Bernoulli(p=np.array([0.25]))) == 'Bernoulli(p=[0.25])'
    big = D.Independent(D.Normal(np.zeros((10, 3), np.float32), np.ones((10, 3), np.float32)))
    assert repr(big) == ('Independent(Normal(batch_shape=(10, 3), event_shape=(), '
                         'dtype=float32), reinterpreted_batch_ndims=1)')
    assert '0x' not in repr(big)


def test_cached_statistics():
    d = D.Normal(Variable(LOC), log_scale=Variable(np.log(SCALE)))
    assert d.scale is d.scale and d.entropy is d.entropy
    with teachgrad.no_backprop_mode():
        assert d.scale.creator is None
    assert d.scale.creator is not None


def test_bad_input_teaches():
    with pytest.raises(ValueError, match='exactly one of scale and log_scale, but got both'):
        D.Normal(LOC, scale=SCALE, log_scale=SCALE)
    with pytest.raises(ValueError, match='neither'):
        D.Normal(LOC)
    with pytest.raises(ValueError, match=r'loc has shape \(3, 2\) but scale has shape \(2,\)'):
        D.Normal(LOC, scale=np.ones(2))
    with pytest.raises(TypeError, match='must hold floats.*int64'):
        D.Normal(np.array([1, 2]), scale=np.array([1., 1.]))
    with pytest.raises(TypeError, match='Variable or an array, not float'):
        D.Normal(0.0, scale=1.0)
    with pytest.raises(ValueError, match='exactly one of p and logit'):
        D.Bernoulli()
    with pytest.raises(ValueError, match='reinterpreted_batch_ndims=3 but the distribution has '
                                         r'only 2 batch axes \(batch_shape \(3, 2\)\)'):
        D.Independent(D.Normal(LOC, SCALE), 3)
    with pytest.raises(NotImplementedError, match=r'kl_divergence\(Normal, Bernoulli\).*'
                                                  'register_kl'):
        teachgrad.kl_divergence(D.Normal(LOC, SCALE), D.Bernoulli(p=P))
    with pytest.raises(TypeError, match='sample_shape must be an int or a tuple'):
        D.Normal(LOC, SCALE).sample('3')


def test_register_kl_for_a_new_pair():
    class Shifted(D.Normal):
        pass
    seen = []

    @teachgrad.register_kl(Shifted, D.Normal)
    def _kl(d1, d2):
        seen.append((d1, d2))
        return d1.loc * 0

    a, b = Shifted(LOC, SCALE), D.Normal(LOC, SCALE)
    teachgrad.kl_divergence(a, b)
    assert seen == [(a, b)]


def test_missing_statistics_say_so():
    with pytest.raises(NotImplementedError, match='Normal does not provide mode'):
        D.Normal(LOC, SCALE).mode
    with pytest.raises(NotImplementedError, match='Bernoulli does not provide cdf'):
        D.Bernoulli(p=P).cdf(B)
    with pytest.raises(NotImplementedError, match='Bernoulli does not provide mode'):
        D.Bernoulli(p=P).mode
    assert D.Normal(LOC, SCALE).support == 'real' and D.Bernoulli(p=P).support == '{0, 1}'
    assert D.Independent(D.Bernoulli(p=P)).support == '{0, 1}'
