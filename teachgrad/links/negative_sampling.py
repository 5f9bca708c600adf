"""NegativeSampling: the output layer of word2vec, trained by negative sampling.

It holds one output vector per word, ``W`` (vocabulary, in_size), starting
at zero, and a sampler that draws negatives with probability proportional to
``count ** power`` (0.75 makes rare words a little likelier than their count).

>>> import numpy as np
>>> ns = NegativeSampling(3, counts=[5, 1, 1, 3], sample_size=2)
>>> ns.W.shape
(4, 3)
>>> loss = ns(np.ones((2, 3), np.float32), np.array([0, 3], np.int32))
>>> bool(np.isclose(loss.data, 2 * 3 * np.log(2)))      # W = 0: every term is log 2
True
"""
import numpy

from teachgrad.configuration import config
from teachgrad.functions.negative_sampling import WalkerAlias, negative_sampling
from teachgrad.link import Link
from teachgrad.variable import Parameter


class NegativeSampling(Link):
    """Negative sampling loss layer.

    Args:
        in_size: features of the input vectors.
        counts: how often each word occurs (its length is the vocabulary).
        sample_size: negatives drawn per example.
        power: counts are raised to this power to make the sampling weights.
        dtype: of W (default float32).
    """

    def __init__(self, in_size, counts, sample_size, power=0.75, dtype=None):
        super().__init__()
        dtype = numpy.dtype(config.dtype if dtype is None else dtype)
        self.sample_size = sample_size
        self.sampler = WalkerAlias(numpy.power(numpy.asarray(counts, dtype=dtype), power))
        with self.init_scope():
            self.W = Parameter(numpy.zeros((len(counts), in_size), dtype=dtype))

    @property
    def printable_specs(self):
        yield 'in_size', self.W.shape[1]
        yield 'vocabulary', self.W.shape[0]
        yield 'sample_size', self.sample_size

    def forward(self, x, t, reduce='sum', **kwargs):
        """The loss for inputs ``x`` and true words ``t`` (see
        :func:`teachgrad.functions.negative_sampling`)."""
        return negative_sampling(x, t, self.W, self.sampler.sample, self.sample_size,
                                 reduce=reduce, **kwargs)
