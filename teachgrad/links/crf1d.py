"""CRF1d: a linear-chain conditional random field layer that learns the
transition scores between labels (see :mod:`teachgrad.functions.crf1d`).

>>> import numpy as np
>>> crf = CRF1d(3)
>>> crf.cost.shape, float(crf.cost.data.sum())
((3, 3), 0.0)
"""
import numpy

from teachgrad import backend, initializers
from teachgrad.functions.array import transpose_sequence
from teachgrad.functions.crf1d import argmax_crf1d, crf1d
from teachgrad.link import Link
from teachgrad.variable import Parameter, Variable


def _array(y):
    return y.data if isinstance(y, Variable) else y


def _by_step(seqs):
    # A list of sequences (longest first) as a list of time steps, for arrays
    # that need no gradient (labels, paths).
    xp = backend.get_array_module(seqs[0])
    return [xp.stack([s[t] for s in seqs if len(s) > t]) for t in range(len(seqs[0]))]


class CRF1d(Link):
    """A linear-chain CRF with a learned transition matrix ``cost``
    (n_label, n_label), zeros by default.

    Args:
        n_label: number of labels.
        initial_cost: initializer of ``cost``.

    ``crf(xs, ys, reduce='mean', transpose=False)`` is the loss
    :func:`teachgrad.functions.crf1d`; ``crf.argmax(xs, transpose=False)``
    the best labelling, :func:`teachgrad.functions.argmax_crf1d`. With
    ``transpose=False`` ``xs`` and ``ys`` are lists of time steps, sorted
    longest sequence first; with ``transpose=True`` they are lists of
    sequences, (length, n_label) and (length,), in any order. Then, as in
    Chainer, a loss with ``reduce='no'`` and the score of ``argmax`` come in
    the order of the sorted sequences (longest first, ties in their order),
    while the paths of ``argmax`` come back in the order given.

    >>> import numpy as np
    >>> crf = CRF1d(2, initial_cost=np.array([[1., -1.], [-1., 1.]], 'f'))
    >>> xs = [np.array([[1., 0.], [0., 0.]], 'f'), np.array([[0., 3.]], 'f')]  # 2 steps
    >>> ys = [np.array([0, 1]), np.array([1])]
    >>> crf(xs, ys).shape
    ()
    >>> score, path = crf.argmax(xs)
    >>> [p.tolist() for p in path]
    [[1, 0], [1]]
    """

    def __init__(self, n_label, initial_cost=None):
        super().__init__()
        if initial_cost is None:
            initial_cost = initializers.Zero()
        with self.init_scope():
            self.cost = Parameter(initializers._get_initializer(initial_cost),
                                  (n_label, n_label))

    @property
    def printable_specs(self):
        yield 'n_label', self.cost.shape[0]

    @staticmethod
    def _sorted(xs):
        if not isinstance(xs, (list, tuple)) or not xs:
            raise TypeError('CRF1d with transpose=True takes a non-empty list of sequences, '
                            'but got {}'.format(type(xs).__name__))
        return [int(i) for i in numpy.argsort([-len(x) for x in xs], kind='stable')]

    def forward(self, xs, ys, reduce='mean', transpose=False):
        if transpose:
            order = self._sorted(xs)
            if not isinstance(ys, (list, tuple)) or len(ys) != len(xs):
                raise ValueError('CRF1d: ys must be a list with one label sequence per '
                                 'sequence of xs ({})'.format(len(xs)))
            xs = transpose_sequence([xs[i] for i in order])
            ys = _by_step([_array(ys[i]) for i in order])
        return crf1d(self.cost, xs, ys, reduce)

    def argmax(self, xs, transpose=False):
        """``(score, path)``: the best labelling and its score, see
        :func:`teachgrad.functions.argmax_crf1d`."""
        if not transpose:
            return argmax_crf1d(self.cost, xs)
        order = self._sorted(xs)
        score, path = argmax_crf1d(self.cost, transpose_sequence([xs[i] for i in order]))
        path = _by_step(path)           # back to one path per (sorted) sequence
        paths = [None] * len(order)
        for pos, i in enumerate(order):
            paths[i] = path[pos]
        return score, paths
