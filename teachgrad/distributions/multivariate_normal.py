"""Multivariate normal distribution: loc and a Cholesky factor L of the covariance L Lᵀ."""
import math

import numpy

from teachgrad import backend
from teachgrad import distribution
from teachgrad.functions import absolute, expand_dims, log, matmul, squeeze
from teachgrad.functions import sum as _sum
from teachgrad.functions.linalg import solve_triangular
from teachgrad.utils.cache import cached_property
from teachgrad.variable import Variable

_ENTROPY_C = 0.5 * math.log(2 * math.pi * math.e)
_LOG_PROB_C = -0.5 * math.log(2 * math.pi)


class MultivariateNormal(distribution.Distribution):
    """Multivariate normal distribution N(loc, L Lᵀ) over vectors of length d.

    p(x) = exp(-(x - loc)ᵀ (L Lᵀ)⁻¹ (x - loc) / 2) / sqrt((2 pi)^d det(L Lᵀ))

    ``loc`` has shape ``batch_shape + (d,)`` and ``scale_tril`` (the lower
    triangular L with covariance L Lᵀ, as ``np.linalg.cholesky(cov)`` gives
    it) has shape ``batch_shape + (d, d)``. Nothing is inverted: ``log_prob``
    solves L z = x - loc and takes the squared length of z, and
    log det(L Lᵀ) = 2 sum(log|diag L|). Gradients of ``log_prob``,
    ``entropy``, samples (``loc + L eps``) and ``kl_divergence`` reach both
    parameters.

    >>> import numpy as np
    >>> loc = np.array([1., -1.])
    >>> L = np.array([[1., 0.], [0.5, 2.]])
    >>> d = MultivariateNormal(loc, scale_tril=L)
    >>> d
    MultivariateNormal(batch_shape=(), event_shape=(2,), dtype=float64)
    >>> d.covariance
    variable([[1.  , 0.5 ],
              [0.5 , 4.25]])
    >>> d.log_prob(np.array([1., -1.]))        # at the mean: -log(2 pi) - log det L
    variable(-2.53102425)
    >>> d.entropy
    variable(3.53102425)
    >>> np.random.seed(0)
    >>> d.sample(3).shape
    (3, 2)
    """

    def __init__(self, loc, scale_tril=None):
        if scale_tril is None:
            raise ValueError('MultivariateNormal needs scale_tril, the lower triangular L with '
                             'covariance L @ L.T: MultivariateNormal(loc, '
                             'scale_tril=np.linalg.cholesky(cov))')
        loc = distribution._as_param(loc, 'loc', 'MultivariateNormal')
        scale_tril = distribution._as_param(scale_tril, 'scale_tril', 'MultivariateNormal')
        _check(loc, scale_tril)
        self._loc, self._scale_tril = loc, scale_tril

    @property
    def loc(self):
        return self._loc

    @property
    def scale_tril(self):
        return self._scale_tril

    @property
    def d(self):
        """The length of one draw (the event size)."""
        return self._loc.shape[-1]

    @property
    def batch_shape(self):
        return self._loc.shape[:-1]

    @property
    def event_shape(self):
        return self._loc.shape[-1:]

    @property
    def params(self):
        return {'loc': self.loc, 'scale_tril': self.scale_tril}

    @cached_property
    def _logdet_scale(self):
        return _triangular_logdet(self.scale_tril)

    @cached_property
    def mean(self):
        return self.loc

    @cached_property
    def covariance(self):
        return matmul(self.scale_tril, self.scale_tril, transb=True)

    @cached_property
    def variance(self):
        # the diagonal of L Lᵀ: the squared length of each row of L
        return _sum(self.scale_tril ** 2, axis=-1)

    @cached_property
    def entropy(self):
        # 0.5 log det(2 pi e L Lᵀ) = log det L + d/2 log(2 pi e)
        return self._logdet_scale + _ENTROPY_C * self.d

    def log_prob(self, x):
        diff = _deviation(self, x)
        z = solve_triangular(self.scale_tril, expand_dims(diff, -1))      # L z = x - loc
        mahalanobis = _sum(z ** 2, axis=(-2, -1))
        return (_LOG_PROB_C * self.d - self._logdet_scale) - 0.5 * mahalanobis

    def sample_n(self, n):
        xp = backend.get_array_module(self.loc.data)
        shape = (n,) + self.loc.shape + (1,)
        if xp is numpy:
            eps = numpy.random.standard_normal(shape).astype(self.loc.dtype)
        else:
            eps = xp.random.standard_normal(shape, dtype=self.loc.dtype)
        return self.loc + squeeze(matmul(self.scale_tril, eps), axis=-1)

    @property
    def support(self):
        return 'real'


def _check(loc, scale_tril):
    if loc.ndim < 1:
        raise ValueError('MultivariateNormal: loc has shape () but needs at least one axis, the '
                         'last being the length d of a draw; e.g. loc of shape (d,) for one '
                         'distribution, (n, d) for n of them')
    d = loc.shape[-1]
    if scale_tril.ndim < 2 or scale_tril.shape[-1] != scale_tril.shape[-2]:
        raise ValueError('MultivariateNormal: scale_tril must end with a square matrix '
                         '(shape (..., d, d)), but it has shape {}'.format(scale_tril.shape))
    if scale_tril.shape != loc.shape + (d,):
        raise ValueError(
            'MultivariateNormal: loc has shape {} (batch_shape {}, d = {}), so scale_tril must '
            'have shape {}, but it has shape {}. Use F.broadcast_to(scale_tril, {}) to share '
            'one matrix across the batch.'.format(loc.shape, loc.shape[:-1], d, loc.shape + (d,),
                                                  scale_tril.shape, loc.shape + (d,)))
    if loc.dtype != scale_tril.dtype:
        raise TypeError('MultivariateNormal: loc is {} but scale_tril is {}; give both one '
                        'dtype, e.g. with .astype(np.float32)'.format(loc.dtype,
                                                                       scale_tril.dtype))
    xp = backend.get_array_module(scale_tril.data)
    above = xp.triu(scale_tril.data, 1)
    if bool((above != 0).any()):
        index = tuple(int(i) for i in numpy.argwhere(backend.to_cpu(above) != 0)[0])
        raise ValueError(
            'MultivariateNormal: scale_tril must be lower triangular (zeros above the diagonal), '
            'but entry {} is {}. Take np.linalg.cholesky(cov) of a covariance, or keep the lower '
            'triangle of a learned matrix with m * np.tril(np.ones((d, d)))'.format(
                index, backend.to_cpu(scale_tril.data)[index]))


def _deviation(dist, x):
    """x - loc, after checking that x ends with the event shape and fits the batch."""
    if not isinstance(x, Variable):
        xp = backend.get_array_module(dist.loc.data)
        x = xp.asarray(x, dtype=dist.loc.dtype)
    if x.ndim < 1 or x.shape[-1] != dist.d:
        raise ValueError('MultivariateNormal.log_prob: x must have shape sample_shape + '
                         'batch_shape {} + event_shape {}, but it has shape {}'.format(
                             tuple(dist.batch_shape), tuple(dist.event_shape), x.shape))
    try:
        numpy.broadcast_shapes(x.shape, dist.loc.shape)
    except ValueError:
        raise ValueError('MultivariateNormal.log_prob: x of shape {} does not fit batch_shape {} '
                         '(its shape must end with batch_shape + event_shape = {})'.format(
                             x.shape, tuple(dist.batch_shape), dist.loc.shape))
    return x - dist.loc


def _triangular_logdet(scale_tril):
    # log |det L| = sum of log |L_ii|; the diagonal is read as a masked sum so that every
    # step can be differentiated twice
    xp = backend.get_array_module(scale_tril.data)
    eye = xp.eye(scale_tril.shape[-1], dtype=scale_tril.dtype)
    diag = _sum(scale_tril * eye, axis=-1)
    return _sum(log(absolute(diag)), axis=-1)


@distribution.register_kl(MultivariateNormal, MultivariateNormal)
def _kl_multivariatenormal_multivariatenormal(d1, d2):
    # log det L2 - log det L1 + (tr(S2⁻¹ S1) + (m1 - m2)ᵀ S2⁻¹ (m1 - m2) - d) / 2,
    # with tr(S2⁻¹ S1) = |L2⁻¹ L1|² and the quadratic form = |L2⁻¹ (m1 - m2)|²
    if d1.event_shape != d2.event_shape:
        raise ValueError('kl_divergence of MultivariateNormal distributions needs equal event '
                         'shapes, but they are {} and {}'.format(d1.event_shape, d2.event_shape))
    try:
        numpy.broadcast_shapes(d1.batch_shape, d2.batch_shape)
    except ValueError:
        raise ValueError('kl_divergence of MultivariateNormal distributions: batch shapes {} and '
                         '{} do not broadcast'.format(d1.batch_shape, d2.batch_shape))
    trace = _sum(solve_triangular(d2.scale_tril, d1.scale_tril) ** 2, axis=(-2, -1))
    mu = expand_dims(d1.loc - d2.loc, -1)
    mahalanobis = _sum(solve_triangular(d2.scale_tril, mu) ** 2, axis=(-2, -1))
    return (d2._logdet_scale - d1._logdet_scale
            + 0.5 * (trace + mahalanobis) - 0.5 * d1.d)
