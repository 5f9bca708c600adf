"""Loss links for big vocabularies: NegativeSampling and BinaryHierarchicalSoftmax.

A softmax over 10,000 words scores every word for every example. These two
score only a few: negative sampling the true word against some random
ones, the hierarchical softmax the ~log2(n) yes/no choices on the path to
the word in a binary tree. Both hold the weights W and return the loss.

>>> import numpy as np
>>> tree = BinaryHierarchicalSoftmax.create_huffman_tree({0: 8, 1: 5, 2: 6, 3: 4})
>>> tree
((3, 1), (2, 0))
>>> hsm = BinaryHierarchicalSoftmax(2, tree)
>>> hsm.W.shape                       # one row per inner node of the tree
(3, 2)
"""
import heapq

import numpy

from teachgrad import functions as F
from teachgrad import initializers
from teachgrad.configuration import config
from teachgrad.functions.loss import BinaryHierarchicalSoftmaxFunction
from teachgrad.link import Link
from teachgrad.variable import Parameter


class WalkerAlias:
    """Draw ids with given probabilities in constant time per draw (Walker's alias method).

    Each of the n slots holds a threshold and two ids: a draw picks a slot
    uniformly and one of its two ids by comparing a uniform number with the
    threshold. ``numpy.random`` makes the draws, so ``np.random.seed`` fixes
    them.

    >>> import numpy as np
    >>> np.random.seed(0)
    >>> sampler = WalkerAlias([0., 1., 3.])
    >>> counts = np.bincount(sampler.sample((4000,)).ravel(), minlength=3)
    >>> counts.tolist()             # about 0, 1000 and 3000
    [0, 994, 3006]
    """

    def __init__(self, probs):
        prob = numpy.array(probs, numpy.float32)
        if prob.ndim != 1 or not len(prob) or (prob < 0).any() or not prob.sum() > 0:
            raise ValueError('WalkerAlias: probs must be a non-empty list of numbers >= 0 '
                             'that are not all 0, but got {!r}'.format(probs))
        prob /= prob.sum()
        n = len(prob)
        threshold = numpy.zeros(n, numpy.float32)
        values = numpy.zeros(n * 2, numpy.int32)
        filled, topped = 0, 0     # slots given their first id / their second id
        for p, i in sorted(zip(prob.tolist(), range(n))):
            p *= n
            # A big probability tops up the slots that small ones left part empty.
            while p > 1 and topped < filled:
                values[topped * 2 + 1] = i
                p -= 1.0 - threshold[topped]
                topped += 1
            threshold[filled] = p
            values[filled * 2] = i
            filled += 1
        self.threshold = threshold
        self.values = values

    def sample(self, shape):
        """An int32 array of ``shape`` with ids drawn from the probabilities."""
        draw = numpy.random.uniform(0, len(self.threshold), shape)
        slot = draw.astype(numpy.int32)
        second = self.threshold[slot] < (draw - slot).astype(numpy.float32)
        return self.values[slot * 2 + second]


class NegativeSampling(Link):
    """Negative sampling loss with its weights W (vocabulary, in_size), starting at 0.

    Args:
        in_size: length of the input vectors.
        counts: how often each word id occurs; words are drawn with
            probability proportional to ``count ** power``.
        sample_size: random words per example.
        power: the exponent (0.75 in word2vec).
        dtype: of W (default ``teachgrad.config.dtype``).

    >>> import numpy as np
    >>> ns = NegativeSampling(3, [5, 1, 2, 8], sample_size=2)
    >>> ns.W.shape
    (4, 3)
    >>> x, t = np.ones((2, 3), np.float32), np.array([0, 3], np.int32)
    >>> ns(x, t).data                     # W = 0: 2 rows · 3 words · log 2
    array(4.158883, dtype=float32)
    """

    def __init__(self, in_size, counts, sample_size, power=0.75, dtype=None):
        super().__init__()
        dtype = numpy.dtype(dtype or config.dtype)
        self.sample_size = sample_size
        self.sampler = WalkerAlias(numpy.power(numpy.array(counts, dtype), dtype.type(power)))
        with self.init_scope():
            self.W = Parameter(initializers.Constant(0, dtype), (len(counts), in_size))

    def forward(self, x, t, reduce='sum', return_samples=False):
        return F.negative_sampling(x, t, self.W, self.sampler.sample, self.sample_size,
                                   reduce=reduce, return_samples=return_samples)


class BinaryHierarchicalSoftmax(Link):
    """Hierarchical softmax over a binary tree of words, ``((1, 2), 3)`` style.

    ``P(word)`` is the product, along the path from the root to the word, of
    ``sigmoid(code · x · W[node])`` with code +1 for a left turn and -1 for a
    right one; the loss is ``-log P(word)`` summed over the batch. W has one
    row per inner node (vocabulary - 1 rows), initialized Uniform(1).

    First-order only: its backward scatter-adds into the rows of W for the
    tree's inner nodes, on arrays; a backward written with Variables is not
    there yet.

    >>> import numpy as np
    >>> hsm = BinaryHierarchicalSoftmax(2, (0, 1))
    >>> hsm.W.array[...] = 0
    >>> hsm(np.ones((1, 2), np.float32), np.array([1], np.int32)).data   # log 2
    array(0.6931472, dtype=float32)
    """

    def __init__(self, in_size, tree, dtype=None):
        super().__init__()
        dtype = numpy.dtype(dtype or config.dtype)
        self.paths, self.codes, self.n_nodes = _parse_tree(tree)
        with self.init_scope():
            self.W = Parameter(initializers.Uniform(1, dtype), (self.n_nodes, in_size))

    @staticmethod
    def create_huffman_tree(word_counts):
        """The Huffman tree of ``{word: count}``: frequent words get short paths.

        >>> BinaryHierarchicalSoftmax.create_huffman_tree({0: 8, 1: 5, 2: 6, 3: 4})
        ((3, 1), (2, 0))
        """
        if not word_counts:
            raise ValueError('create_huffman_tree: the vocabulary is empty')
        # (count, order of arrival, subtree): ties go to the earlier entry, so
        # the tree is the same on every run.
        heap = [(count, uid, word) for uid, (word, count) in enumerate(word_counts.items())]
        heapq.heapify(heap)
        while len(heap) > 1:
            count1, id1, left = heapq.heappop(heap)
            count2, id2, right = heapq.heappop(heap)
            heapq.heappush(heap, (count1 + count2, min(id1, id2), (left, right)))
        return heap[0][2]

    def forward(self, x, t):
        return BinaryHierarchicalSoftmaxFunction(self.paths, self.codes, self.n_nodes).apply(
            (x, t, self.W))[0]


def _parse_tree(tree):
    """Per word: the inner nodes from the root (numbered in visiting order) and the turns."""
    routes = {}
    count = [0]

    def visit(node, path, code):
        if isinstance(node, tuple):
            if len(node) != 2:
                raise ValueError('BinaryHierarchicalSoftmax: every inner node of the tree '
                                 'must have two children, but one has {}'.format(len(node)))
            me = count[0]
            count[0] += 1
            visit(node[0], path + [me], code + [1.0])
            visit(node[1], path + [me], code + [-1.0])
        else:
            routes[int(node)] = (path, code)

    visit(tree, [], [])
    n_words = max(routes) + 1
    longest = max(len(p) for p, _ in routes.values())
    paths = numpy.zeros((n_words, longest), numpy.int32)
    codes = numpy.zeros((n_words, longest), numpy.float32)
    for word, (path, code) in routes.items():
        paths[word, :len(path)] = path
        codes[word, :len(code)] = code
    return paths, codes, count[0]
