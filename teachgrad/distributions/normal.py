"""Normal (Gaussian) distribution, parameterised by loc and scale or log_scale."""
import math

import numpy

from teachgrad import backend
from teachgrad import distribution
from teachgrad.distributions._functions import log_ndtr, ndtr, ndtri
from teachgrad.functions import exp, log
from teachgrad.utils.cache import cached_property
from teachgrad.variable import Variable

_ENTROPY_C = 0.5 * math.log(2 * math.pi * math.e)
_LOG_PROB_C = -0.5 * math.log(2 * math.pi)
_PROB_C = 1. / math.sqrt(2 * math.pi)


class Normal(distribution.Distribution):
    """Normal distribution N(loc, scale**2), one per element of ``loc``.

    p(x) = exp(-(x - loc)**2 / (2 scale**2)) / sqrt(2 pi scale**2)

    ``cdf``, ``survival_function`` (1 - cdf), their logarithms and ``icdf``
    (the inverse of ``cdf``) are differentiable too; ``log_cdf`` stays finite
    far in the tail, where ``cdf`` itself is 0 in floating point.

    Give exactly one of ``scale`` and ``log_scale`` (a network often outputs
    log(scale), which can be any real number). Parameters may be Variables,
    so gradients of ``log_prob``, ``entropy`` and samples reach them
    (samples are ``loc + scale * eps``: the reparameterisation trick).

    >>> import numpy as np
    >>> import teachgrad
    >>> loc = teachgrad.Variable(np.array([0., 1.], dtype=np.float32))
    >>> d = Normal(loc, log_scale=np.zeros(2, dtype=np.float32))
    >>> d
    Normal(loc=[0., 1.], scale=[1., 1.])
    >>> d.batch_shape, d.event_shape
    ((2,), ())
    >>> d.log_prob(np.array([0., 0.], dtype=np.float32))
    variable([-0.9189385, -1.4189385])
    >>> d.entropy
    variable([1.4189385, 1.4189385])
    >>> d.cdf(np.array([0., 0.], dtype=np.float32))
    variable([0.5       , 0.15865526])
    >>> d.icdf(np.array([0.5, 0.975], dtype=np.float32))
    variable([0.       , 2.9599643])
    >>> np.random.seed(0)
    >>> d.sample(3).shape
    (3, 2)
    """

    def __init__(self, loc, scale=None, log_scale=None):
        if (scale is None) == (log_scale is None):
            raise ValueError('Normal takes exactly one of scale and log_scale, but got {}. '
                             'For example Normal(loc, scale=sigma) or Normal(loc, '
                             'log_scale=log_sigma).'.format(
                                 'both' if scale is not None else 'neither'))
        self._loc = distribution._as_param(loc, 'loc', 'Normal')
        other = scale if scale is not None else log_scale
        name = 'scale' if scale is not None else 'log_scale'
        other = distribution._as_param(other, name, 'Normal')
        if other.shape != self._loc.shape:
            raise ValueError(
                'Normal: loc has shape {} but {} has shape {}; they must match (one normal '
                'distribution per element). Use F.broadcast_to({}, loc.shape) to share '
                'one value.'.format(self._loc.shape, name, other.shape, name))
        self._scale = other if scale is not None else None
        self._log_scale = other if log_scale is not None else None

    @cached_property
    def loc(self):
        return self._loc

    @cached_property
    def scale(self):
        return self._scale if self._scale is not None else exp(self._log_scale)

    @cached_property
    def log_scale(self):
        return self._log_scale if self._log_scale is not None else log(self._scale)

    @property
    def batch_shape(self):
        return self.loc.shape

    @property
    def event_shape(self):
        return ()

    @property
    def params(self):
        return {'loc': self.loc, 'scale': self.scale}

    @cached_property
    def mean(self):
        return self.loc

    @cached_property
    def stddev(self):
        return self.scale

    @cached_property
    def variance(self):
        return self.scale ** 2

    @cached_property
    def entropy(self):
        # 0.5 log(2 pi e sigma^2) = log sigma + 0.5 log(2 pi e)
        return self.log_scale + _ENTROPY_C

    def log_prob(self, x):
        return _LOG_PROB_C - self.log_scale - 0.5 * (x - self.loc) ** 2 / self.variance

    def prob(self, x):
        return (_PROB_C / self.scale) * exp(-0.5 * (x - self.loc) ** 2 / self.variance)

    def _standardize(self, x):
        return (x - self.loc) / self.scale              # how many scales x is above loc

    def cdf(self, x):
        return ndtr(self._standardize(x))

    def log_cdf(self, x):
        return log_ndtr(self._standardize(x))

    def survival_function(self, x):
        # P(X > x) = Phi(-(x - loc) / scale), which keeps its digits where cdf is near 1
        return ndtr(-self._standardize(x))

    def log_survival_function(self, x):
        return log_ndtr(-self._standardize(x))

    def icdf(self, x):
        if not isinstance(x, Variable):
            x = backend.get_array_module(self.loc.data).asarray(x, dtype=self.loc.dtype)
        return self.loc + self.scale * ndtri(x)

    def sample_n(self, n):
        xp = backend.get_array_module(self.loc.data)
        shape = (n,) + self.loc.shape
        if xp is numpy:
            eps = numpy.random.standard_normal(shape).astype(self.loc.dtype)
        else:
            eps = xp.random.standard_normal(shape, dtype=self.loc.dtype)
        return self.loc + self.scale * eps

    @property
    def support(self):
        return 'real'


@distribution.register_kl(Normal, Normal)
def _kl_normal_normal(d1, d2):
    # log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2
    return (d2.log_scale - d1.log_scale
            + 0.5 * (d1.variance + (d1.loc - d2.loc) ** 2) / d2.variance - 0.5)
