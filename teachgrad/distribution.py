"""Distribution: a probability distribution whose parameters are Variables.

Every statistic a distribution returns (``log_prob(x)``, ``entropy``,
``mean`` ...) is computed with teachgrad functions, so gradients flow back
into the parameters: this is what trains a variational autoencoder. The
distributions themselves live in :mod:`teachgrad.distributions`.

>>> import numpy as np
>>> import teachgrad
>>> import teachgrad.distributions as D
>>> loc = teachgrad.Variable(np.array([0., 1.]))
>>> q = D.Normal(loc, scale=np.array([1., 2.]))
>>> p = D.Normal(np.zeros(2), scale=np.ones(2))
>>> kl = teachgrad.functions.sum(kl_divergence(q, p))
>>> kl
variable(1.30685282)
>>> kl.backward()
>>> loc.grad                          # d KL / d loc = loc / 1**2
array([0., 1.])
"""
from teachgrad import backend
from teachgrad.variable import Variable

_SMALL = 8      # 0-d and 1-d parameters with at most this many elements show in full in a repr


class Distribution(object):
    """Base class of distributions.

    A distribution has a ``batch_shape`` (independent distributions of one
    kind, one per entry of the batch) and an ``event_shape`` (the shape of
    one draw). ``sample(sample_shape)`` returns Variables of shape
    ``sample_shape + batch_shape + event_shape``; ``log_prob(x)`` takes such
    an ``x`` and returns one value per batch entry. A subclass defines
    ``batch_shape``, ``event_shape``, ``params``, ``sample_n`` and the
    statistics it supports.
    """

    @property
    def batch_shape(self):
        """Shape of the batch of distributions."""
        raise NotImplementedError

    @property
    def event_shape(self):
        """Shape of one sample of one distribution of the batch."""
        raise NotImplementedError

    @property
    def params(self):
        """The parameters, as a dict of Variables."""
        raise NotImplementedError

    @property
    def xp(self):
        """The array module (numpy or cupy) of the parameters."""
        return backend.get_array_module(*[v.data for v in self.params.values()])

    def sample(self, sample_shape=()):
        """Draw samples of shape ``sample_shape + batch_shape + event_shape``.

        ``sample_shape`` is an int or a tuple of ints. Subclasses implement
        :meth:`sample_n` (``n`` draws stacked on a new first axis).
        """
        final_shape = tuple(self.batch_shape) + tuple(self.event_shape)
        if isinstance(sample_shape, int):
            n, final_shape = sample_shape, (sample_shape,) + final_shape
        else:
            try:
                if isinstance(sample_shape, str):
                    raise TypeError
                sample_shape = tuple(int(s) for s in sample_shape)
            except (TypeError, ValueError):
                raise TypeError('sample_shape must be an int or a tuple of ints, not {!r}'
                                .format(sample_shape))
            n = 1
            for s in sample_shape:
                n *= s
            final_shape = sample_shape + final_shape
        if n < 0:
            raise ValueError('sample_shape {!r} has a negative size'.format(sample_shape))
        return self.sample_n(n).reshape(final_shape)

    def sample_n(self, n):
        """``n`` draws, stacked on a new first axis."""
        raise NotImplementedError('{} cannot be sampled'.format(type(self).__name__))

    def _no(self, what):
        raise NotImplementedError('{} does not provide {} in teachgrad (it has: log_prob, prob, '
                                  'sample, entropy, mean, stddev, variance where defined)'
                                  .format(type(self).__name__, what))

    def log_prob(self, x):
        """Logarithm of the probability (density or mass) of ``x``."""
        self._no('log_prob')

    def prob(self, x):
        """Probability (density or mass) of ``x``."""
        from teachgrad.functions import exp
        return exp(self.log_prob(x))

    @property
    def entropy(self):
        """Entropy of each distribution of the batch."""
        self._no('entropy')

    @property
    def mean(self):
        """Mean of each distribution of the batch."""
        self._no('mean')

    @property
    def variance(self):
        """Variance of each distribution of the batch."""
        self._no('variance')

    @property
    def stddev(self):
        """Standard deviation of each distribution of the batch."""
        return self.variance ** 0.5

    # Statistics some distributions have; the base says plainly which one is missing.
    def cdf(self, x):
        """Cumulative distribution function at ``x``."""
        self._no('cdf')

    def log_cdf(self, x):
        """Logarithm of the cumulative distribution function at ``x``."""
        self._no('log_cdf')

    def icdf(self, x):
        """Inverse of the cumulative distribution function."""
        self._no('icdf')

    def survival_function(self, x):
        """1 - cdf(x)."""
        self._no('survival_function')

    def log_survival_function(self, x):
        """log(1 - cdf(x))."""
        self._no('log_survival_function')

    @property
    def mode(self):
        """Most likely value of each distribution of the batch."""
        self._no('mode')

    @property
    def covariance(self):
        """Covariance of each distribution of the batch."""
        self._no('covariance')

    @property
    def support(self):
        """The set of possible values, in words (``'real'``, ``'{0, 1}'``)."""
        self._no('support')

    def __repr__(self):
        params = self.params
        if all(v.size <= _SMALL and v.ndim <= 1 for v in params.values()):
            inner = ', '.join('{}={}'.format(k, _short(v.data)) for k, v in params.items())
        else:
            v = next(iter(params.values()))
            inner = 'batch_shape={}, event_shape={}, dtype={}'.format(
                tuple(self.batch_shape), tuple(self.event_shape), v.dtype)
        return '{}({})'.format(type(self).__name__, inner)


def _short(array):
    import numpy
    return numpy.array2string(backend.to_cpu(array), separator=', ')


def _as_param(value, what, owner):
    """A float parameter as a Variable (arrays need no grad; Variables keep theirs)."""
    if not isinstance(value, Variable):
        if not backend.is_array(value):
            raise TypeError('{}: {} must be a Variable or an array, not {}. Wrap numbers as '
                            'np.array(..., dtype=np.float32).'.format(
                                owner, what, type(value).__name__))
        value = Variable(value, requires_grad=False)
    if value.dtype.kind != 'f':
        raise TypeError('{}: {} must hold floats, but its dtype is {}; convert it with '
                        '.astype(np.float32)'.format(owner, what, value.dtype))
    return value


_KLDIVERGENCE = {}


def register_kl(Dist1, Dist2):
    """Decorator: register the function that computes ``kl_divergence(d1, d2)``.

    >>> import numpy as np
    >>> import teachgrad.distributions as D
    >>> class Point(D.Normal):
    ...     pass
    >>> @register_kl(Point, Point)
    ... def _kl_point_point(d1, d2):
    ...     return (d1.loc - d2.loc) ** 2
    >>> kl_divergence(Point(np.array([1.]), np.array([1.])),
    ...               Point(np.array([3.]), np.array([1.])))
    variable([4.])
    """
    def register(kl):
        _KLDIVERGENCE[Dist1, Dist2] = kl
        return kl
    return register


def kl_divergence(dist1, dist2):
    """Kullback-Leibler divergence KL(dist1 || dist2), one value per batch entry.

    Uses the rule registered with :func:`register_kl` for the exact types of
    the two distributions (Normal-Normal, Bernoulli-Bernoulli and
    Independent-Independent come with teachgrad).

    >>> import numpy as np
    >>> import teachgrad.distributions as D
    >>> kl_divergence(D.Bernoulli(p=np.array([0.5])), D.Bernoulli(p=np.array([0.5])))
    variable([0.])
    """
    key = type(dist1), type(dist2)
    if key not in _KLDIVERGENCE:
        known = ', '.join('{}-{}'.format(a.__name__, b.__name__) for a, b in _KLDIVERGENCE)
        raise NotImplementedError(
            'no rule computes kl_divergence({}, {}); rules exist for: {}. Register one with '
            '@teachgrad.register_kl({}, {}) on a function (d1, d2) -> Variable.'.format(
                key[0].__name__, key[1].__name__, known, key[0].__name__, key[1].__name__))
    return _KLDIVERGENCE[key](dist1, dist2)


def cross_entropy(dist1, dist2):
    """Cross entropy H(dist1, dist2) = entropy of dist1 + KL(dist1 || dist2).

    >>> import numpy as np
    >>> import teachgrad.distributions as D
    >>> d = D.Normal(np.zeros(1), np.ones(1))
    >>> cross_entropy(d, d).array                # the entropy of N(0, 1)
    array([1.41893853])
    """
    return dist1.entropy + kl_divergence(dist1, dist2)
