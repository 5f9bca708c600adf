"""Negative sampling: a cheap stand-in for a softmax over a huge vocabulary.

Instead of scoring every word, score the true word ``t`` and a few words
drawn at random (the *negatives*): the loss pushes ``sigmoid(w_t · x)`` up
and each ``sigmoid(w_neg · x)`` down,

``loss = softplus(-w_t · x) + sum over negatives of softplus(w_neg · x)``.

Words are drawn by a :class:`WalkerAlias` sampler, in constant time each.

>>> import numpy as np
>>> x = np.zeros((1, 2), np.float32)             # all scores 0: each term is log 2
>>> W = np.ones((3, 2), np.float32)
>>> loss = negative_sampling(x, np.array([0], np.int32), W, WalkerAlias([1, 1, 1]).sample, 4)
>>> bool(np.isclose(loss.data, 5 * np.log(2)))
True
"""
import numpy

from teachgrad import backend
from teachgrad.function_node import FunctionNode


class WalkerAlias:
    """Draw index ``i`` with probability ``probs[i] / sum(probs)`` in
    constant time per draw (Walker's alias method).

    The table has one column per index: a draw picks a column uniformly,
    then keeps it with probability ``threshold[column]`` or takes its
    ``alias`` otherwise. Building the table moves the excess of each likely
    index into the unused part of an unlikely one.

    >>> import numpy as np
    >>> np.random.seed(0)
    >>> WalkerAlias([0., 1., 0.]).sample((2, 3))
    array([[1, 1, 1],
           [1, 1, 1]], dtype=int32)
    """

    def __init__(self, probs):
        p = numpy.asarray(probs, dtype=numpy.float64)
        if p.ndim != 1 or len(p) == 0 or (p < 0).any() or not p.sum() > 0:
            raise ValueError('WalkerAlias needs a 1-D list of non-negative weights with a '
                             'positive sum, but got shape {} and sum {}'.format(
                                 p.shape, p.sum() if p.size else 0))
        n = len(p)
        scaled = p * n / p.sum()            # 1 would be a column exactly filled
        threshold = numpy.ones(n)
        alias = numpy.arange(n)
        small = [i for i in range(n) if scaled[i] < 1]
        large = [i for i in range(n) if scaled[i] >= 1]
        while small and large:
            s, g = small.pop(), large.pop()
            threshold[s], alias[s] = scaled[s], g
            scaled[g] -= 1 - scaled[s]      # g fills the rest of column s
            (small if scaled[g] < 1 else large).append(g)
        self.threshold = threshold.astype(numpy.float32)
        self.alias = alias.astype(numpy.int32)

    def sample(self, shape):
        """An int32 array of ``shape`` drawn from ``numpy.random``."""
        n = len(self.threshold)
        u = numpy.random.uniform(0, n, shape)
        column = numpy.minimum(u.astype(numpy.int32), n - 1)
        keep = (u - column) < self.threshold[column]
        return numpy.where(keep, column, self.alias[column]).astype(numpy.int32)


def _softplus(v, xp):
    return xp.logaddexp(v, 0)


class NegativeSampling(FunctionNode):
    label = 'negative_sampling'
    chain_rule = ('per drawn word, sigmoid(score) · ±w · {gy} (minus for the true word)',
                  'none: t holds word ids',
                  'per drawn word, sigmoid(score) · ±x · {gy}, added to its row')
    ignore_label = -1

    def __init__(self, sampler, sample_size, reduce='sum'):
        if reduce not in ('sum', 'no'):
            raise ValueError("negative_sampling: reduce must be 'sum' or 'no', not {!r}"
                             .format(reduce))
        self.sampler, self.sample_size, self.reduce = sampler, sample_size, reduce

    def forward(self, x, t, W):
        if x.ndim != 2 or t.ndim != 1 or W.ndim != 2 or len(t) != len(x) \
                or W.shape[1] != x.shape[1]:
            raise ValueError(
                'negative_sampling needs x (batch, features), t (batch,) and W (vocabulary, '
                'features), but got x {}, t {} and W {}'.format(x.shape, t.shape, W.shape))
        xp = backend.get_array_module(x)
        samples = xp.asarray(self.sampler((len(t), self.sample_size + 1))).astype(numpy.int32)
        samples[:, 0] = t                    # column 0 is the true word
        self.mask = mask = (t != self.ignore_label)
        samples[~mask] = 0                   # any valid row; masked out below
        self.samples = samples
        self.w = w = W[samples]                              # (batch, k + 1, features)
        sign = xp.ones(self.sample_size + 1, dtype=x.dtype)
        sign[0] = -1
        self.sign = sign
        self.score = score = (w * x[:, None, :]).sum(axis=2) * sign
        self.x, self.W_shape, self.W_dtype = x, W.shape, W.dtype
        loss = _softplus(score, xp).sum(axis=1) * mask
        if self.reduce == 'sum':
            loss = loss.sum()
        return xp.asarray(loss, dtype=x.dtype)

    def backward(self, gloss):
        xp = backend.get_array_module(gloss)
        g = gloss if self.reduce == 'sum' else gloss[:, None]
        # d softplus(s) / ds = sigmoid(s); s = sign * (w · x)
        gs = g * (xp.tanh(self.score * 0.5) * 0.5 + 0.5) * self.sign * self.mask[:, None]
        gx = (gs[:, :, None] * self.w).sum(axis=1)
        gW = xp.zeros(self.W_shape, dtype=self.W_dtype)
        backend.scatter_add(xp, gW, self.samples, gs[:, :, None] * self.x[:, None, :])
        return gx.astype(self.x.dtype, copy=False), None, gW


def negative_sampling(x, t, W, sampler, sample_size, reduce='sum', **kwargs):
    """The negative sampling loss of ``x`` for the true words ``t``.

    Args:
        x: inputs (batch, features), e.g. context vectors.
        t: the true word of each row (int32); -1 rows are ignored.
        W: one output vector per word (vocabulary, features).
        sampler: ``sampler(shape)`` returns random word ids, e.g.
            ``WalkerAlias(counts ** 0.75).sample``.
        sample_size: negatives drawn per row.
        reduce: ``'sum'`` for one number, ``'no'`` for one loss per row.
        return_samples: also return the (batch, sample_size + 1) word ids
            used (column 0 is ``t``).

    >>> import numpy as np
    >>> loss, samples = negative_sampling(
    ...     np.ones((2, 3), 'f'), np.array([0, 1], np.int32), np.zeros((5, 3), 'f'),
    ...     WalkerAlias([1] * 5).sample, 2, reduce='no', return_samples=True)
    >>> loss.shape, samples.shape, samples[:, 0]
    ((2,), (2, 3), array([0, 1], dtype=int32))
    """
    return_samples = kwargs.pop('return_samples', False)
    if kwargs:
        raise TypeError('negative_sampling got unexpected arguments {}'.format(sorted(kwargs)))
    fn = NegativeSampling(sampler, sample_size, reduce)
    loss = fn.apply((x, t, W))[0]
    return (loss, fn.samples) if return_samples else loss
