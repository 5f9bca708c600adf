"""Bernoulli distribution: 1 with probability p, 0 otherwise."""
import numpy

from teachgrad import backend
from teachgrad.functions import _ufuncs
from teachgrad import distribution
from teachgrad.distributions._functions import log1pexp, xlogx
from teachgrad.function_node import FunctionNode
from teachgrad.functions import log, sigmoid
from teachgrad.utils import sum_to
from teachgrad.utils.cache import cached_property
from teachgrad.variable import Variable


class BernoulliLogProb(FunctionNode):
    """log P(x) = x * logit - log(1 + exp(logit)), stable for any logit."""
    label = 'bernoulli log p'

    def __init__(self, binary_check=False):
        self.binary_check = binary_check

    def forward(self, logit, x):
        xp = backend.get_array_module(logit, x)
        self.logit, self.x = logit, x
        y = x * logit - xp.logaddexp(logit.dtype.type(0), logit)
        if self.binary_check:
            self.invalid = (x != 0) & (x != 1)
            y = xp.where(self.invalid, -xp.inf, y)
        return xp.asarray(y, dtype=logit.dtype)

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        p = _ufuncs.tanh(self.logit * 0.5) * 0.5 + 0.5          # sigmoid(logit)
        glogit = gy * (self.x - p)                           # d/dlogit = x - sigmoid(logit)
        gx = gy * self.logit                                 # d/dx = logit
        if self.binary_check:
            glogit = xp.where(self.invalid, xp.nan, glogit)
        return (sum_to(glogit, self.logit.shape).astype(self.logit.dtype),
                sum_to(gx, self.x.shape).astype(self.x.dtype) if self.x.dtype.kind == 'f'
                else None)


class Bernoulli(distribution.Distribution):
    """Bernoulli distribution: P(x = 1) = p, P(x = 0) = 1 - p.

    Give exactly one of ``p`` and ``logit`` = log(p / (1 - p)) (a network
    usually outputs the logit). With ``binary_check=True``, ``log_prob`` and
    ``prob`` of a value other than 0 or 1 are -inf and 0.

    >>> import numpy as np
    >>> d = Bernoulli(logit=np.array([0., 2.], dtype=np.float32))
    >>> d
    Bernoulli(logit=[0., 2.])
    >>> d.p
    variable([0.5      , 0.8807971])
    >>> d.log_prob(np.array([1., 0.], dtype=np.float32))
    variable([-0.6931472, -2.126928 ])
    >>> np.random.seed(0)
    >>> d.sample(4).array
    array([[1, 1],
           [1, 1],
           [0, 1],
           [0, 0]])
    """

    def __init__(self, p=None, logit=None, binary_check=False):
        if (p is None) == (logit is None):
            raise ValueError('Bernoulli takes exactly one of p and logit, but got {}. For '
                             'example Bernoulli(p=probs) or Bernoulli(logit=scores).'.format(
                                 'both' if p is not None else 'neither'))
        self._p = None if p is None else distribution._as_param(p, 'p', 'Bernoulli')
        self._logit = None if logit is None else distribution._as_param(
            logit, 'logit', 'Bernoulli')
        self.binary_check = binary_check

    @cached_property
    def p(self):
        return self._p if self._p is not None else sigmoid(self._logit)

    @cached_property
    def logit(self):
        return self._logit if self._logit is not None else log(self._p) - log(1 - self._p)

    @property
    def batch_shape(self):
        return (self._p if self._p is not None else self._logit).shape

    @property
    def event_shape(self):
        return ()

    @property
    def params(self):
        return {'logit': self.logit} if self._logit is not None else {'p': self.p}

    @cached_property
    def mean(self):
        return self.p

    @cached_property
    def variance(self):
        return self.p * (1 - self.p)

    @cached_property
    def stddev(self):
        return self.variance ** 0.5

    @property
    def entropy(self):
        # -(p log p + (1 - p) log(1 - p)), with 0 log 0 = 0
        p = self.p
        return -xlogx(p) - xlogx(1 - p)

    def log_prob(self, x):
        x = x.data if isinstance(x, Variable) else x      # an observation, not a parameter
        logit = self.logit
        xp = backend.get_array_module(logit.data)
        x = xp.asarray(x, dtype=logit.dtype) if getattr(x, 'dtype', None) != logit.dtype \
            else x
        return BernoulliLogProb(self.binary_check)(logit, x)

    def prob(self, x):
        x = x.data if isinstance(x, Variable) else x
        xp = backend.get_array_module(self.p.data)
        x = xp.asarray(x, dtype=self.p.dtype)
        prob = x * self.p + (1 - x) * (1 - self.p)
        if self.binary_check:
            prob = prob * ((x == 0) | (x == 1)).astype(self.p.dtype)
        return prob

    def sample_n(self, n):
        xp = backend.get_array_module(self.p.data)
        size = (n,) + tuple(self.batch_shape)
        if xp is numpy:
            eps = numpy.random.binomial(1, self.p.data, size=size)
        else:
            eps = xp.random.binomial(1, self.p.data, size=size)
        return Variable(eps, requires_grad=False)

    @property
    def support(self):
        return '{0, 1}'


@distribution.register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(d1, d2):
    # p1 log(p1/p2) + (1-p1) log((1-p1)/(1-p2)), written with logits so it stays finite
    return ((d1.logit - d2.logit) * (d1.p - 1.)
            - log1pexp(-d1.logit) + log1pexp(-d2.logit))
