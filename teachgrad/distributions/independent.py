"""Independent: treat some batch axes of a distribution as one event."""
from teachgrad import distribution
from teachgrad.functions import sum as _sum


class Independent(distribution.Distribution):
    """Reinterpret the rightmost ``reinterpreted_batch_ndims`` batch axes as event axes.

    A ``Normal`` with ``batch_shape`` (N, D) is N x D separate distributions;
    ``Independent`` of it is N distributions over vectors of D independent
    entries, so ``log_prob`` sums over the D axis and returns shape (N,).
    By default every batch axis but the first is reinterpreted.

    >>> import numpy as np
    >>> from teachgrad.distributions import Normal
    >>> base = Normal(np.zeros((2, 3)), scale=np.ones((2, 3)))
    >>> d = Independent(base)
    >>> d.batch_shape, d.event_shape
    ((2,), (3,))
    >>> d.log_prob(np.zeros((2, 3)))
    variable([-2.7568156, -2.7568156])
    """

    def __init__(self, distribution, reinterpreted_batch_ndims=None):
        ndim = len(distribution.batch_shape)
        if reinterpreted_batch_ndims is None:
            reinterpreted_batch_ndims = max(0, ndim - 1)
        if not 0 <= reinterpreted_batch_ndims <= ndim:
            raise ValueError(
                'Independent: reinterpreted_batch_ndims={} but the distribution has only {} '
                'batch axes (batch_shape {}); pick a number from 0 to {}.'.format(
                    reinterpreted_batch_ndims, ndim, tuple(distribution.batch_shape), ndim))
        self.distribution = distribution
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims
        keep = ndim - reinterpreted_batch_ndims
        self._batch_shape = tuple(distribution.batch_shape[:keep])
        self._event_shape = tuple(distribution.batch_shape[keep:]) + tuple(
            distribution.event_shape)

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    @property
    def params(self):
        return self.distribution.params

    def _reduce(self, value):
        if self.reinterpreted_batch_ndims == 0:
            return value
        return _sum(value, axis=tuple(range(-self.reinterpreted_batch_ndims, 0)))

    def log_prob(self, x):
        return self._reduce(self.distribution.log_prob(x))

    @property
    def entropy(self):
        return self._reduce(self.distribution.entropy)

    @property
    def mean(self):
        return self.distribution.mean

    @property
    def variance(self):
        return self.distribution.variance

    @property
    def stddev(self):
        return self.distribution.stddev

    @property
    def support(self):
        return self.distribution.support

    def sample_n(self, n):
        return self.distribution.sample_n(n)

    def __repr__(self):
        return 'Independent({!r}, reinterpreted_batch_ndims={})'.format(
            self.distribution, self.reinterpreted_batch_ndims)


@distribution.register_kl(Independent, Independent)
def _kl_independent_independent(d1, d2):
    if d1.event_shape != d2.event_shape:
        raise ValueError('kl_divergence of Independent distributions needs equal event shapes, '
                         'but they are {} and {}'.format(d1.event_shape, d2.event_shape))
    p, q = d1.distribution, d2.distribution
    if p.event_shape != q.event_shape:
        raise NotImplementedError(
            'kl_divergence of Independent distributions whose base distributions have '
            'different event shapes ({} and {}) is not supported'.format(
                p.event_shape, q.event_shape))
    n = len(d1.event_shape) - len(p.event_shape)
    kl = distribution.kl_divergence(p, q)
    return _sum(kl, axis=tuple(range(-n, 0))) if n else kl
