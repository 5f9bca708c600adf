"""BinaryHierarchicalSoftmax: a softmax over a vocabulary as a walk down a binary tree.

Each word is a leaf; each inner node has a weight vector ``w``. The
probability of a word is the product, along the path from the root, of
``sigmoid(+w · x)`` where the path turns left and ``sigmoid(-w · x)`` where it
turns right, so a word costs one sigmoid per level (about log2 of the
vocabulary) instead of a score for every word. The loss is the negative log
of that probability, summed over the batch.

The tree is nested pairs, ``((0, 1), 2)``; :meth:`create_huffman_tree` builds
one from word counts so frequent words get short paths.

>>> import numpy as np
>>> tree = BinaryHierarchicalSoftmax.create_huffman_tree({0: 8, 1: 5, 2: 6, 3: 4})
>>> tree
((3, 1), (2, 0))
>>> hsm = BinaryHierarchicalSoftmax(2, tree)
>>> hsm.W.shape                                  # one row per inner node
(3, 2)
>>> hsm.W.data[...] = 0                          # every turn has probability 1/2
>>> bool(np.isclose(hsm(np.ones((1, 2), 'f'), np.array([3], np.int32)).data, 2 * np.log(2)))
True
"""
import heapq

import numpy

from teachgrad import backend, initializers
from teachgrad.configuration import config
from teachgrad.function_node import FunctionNode
from teachgrad.link import Link
from teachgrad.variable import Parameter


def _paths(tree):
    """{leaf: (inner node ids from the root, +1 left / -1 right)}; inner
    nodes are numbered in the order a depth-first walk meets them."""
    paths = {}
    count = [0]

    def walk(node, nodes, turns):
        if isinstance(node, tuple):
            if len(node) != 2:
                raise ValueError('BinaryHierarchicalSoftmax: every inner node of the tree '
                                 'must be a pair, but one is {!r}'.format(node))
            me = count[0]
            count[0] += 1
            walk(node[0], nodes + [me], turns + [1.0])
            walk(node[1], nodes + [me], turns + [-1.0])
        else:
            paths[node] = (nodes, turns)
    walk(tree, [], [])
    return paths, count[0]


class BinaryHierarchicalSoftmaxFunction(FunctionNode):
    label = 'BinaryHierarchicalSoftmax'
    chain_rule = ('-{gy} · code · sigmoid(-code · w · x) · w, summed along the path',
                  'none: t holds word ids',
                  '-{gy} · code · sigmoid(-code · w · x) · x, for each node on the path')

    def __init__(self, nodes, codes):
        self.nodes, self.codes = nodes, codes      # (vocabulary, depth), 0 code = padding

    def forward(self, x, t, W):
        if x.ndim != 2 or t.ndim != 1 or len(t) != len(x) or W.shape[1] != x.shape[1]:
            raise ValueError(
                'BinaryHierarchicalSoftmax needs x (batch, in_size) and t (batch,) with '
                'in_size {}, but got x {} and t {}'.format(W.shape[1], x.shape, t.shape))
        xp = backend.get_array_module(x)
        if int(t.min()) < 0 or int(t.max()) >= len(self.nodes):
            raise ValueError('BinaryHierarchicalSoftmax: word ids must be in [0, {}), but t '
                             'holds {}..{}'.format(len(self.nodes), int(t.min()), int(t.max())))
        self.path = path = xp.asarray(self.nodes)[t]                 # (batch, depth)
        self.code = code = xp.asarray(self.codes, dtype=x.dtype)[t]
        self.w = w = W[path]                                        # (batch, depth, in)
        self.score = score = (w * x[:, None, :]).sum(axis=2) * code
        self.x, self.W_shape, self.W_dtype = x, W.shape, W.dtype
        # -log sigmoid(s) = log(1 + exp(-s)); padding (code 0) is masked out.
        return xp.asarray((xp.logaddexp(0, -score) * (code != 0)).sum(), dtype=x.dtype)

    def backward(self, gloss):
        xp = backend.get_array_module(gloss)
        sig_neg = 0.5 - xp.tanh(self.score * 0.5) * 0.5             # sigmoid(-s)
        g = -gloss * self.code * sig_neg                            # padding: code 0
        gx = (g[:, :, None] * self.w).sum(axis=1)
        gW = xp.zeros(self.W_shape, dtype=self.W_dtype)
        backend.scatter_add(xp, gW, self.path, g[:, :, None] * self.x[:, None, :])
        return gx.astype(self.x.dtype, copy=False), None, gW


class BinaryHierarchicalSoftmax(Link):
    """Hierarchical softmax loss over a binary tree of words.

    Args:
        in_size: features of the input vectors.
        tree: nested pairs with the word ids as leaves, e.g. from
            :meth:`create_huffman_tree`.
        dtype: of W (default float32).

    W has one row per inner node (vocabulary - 1 rows for a full tree),
    drawn from U(-1, 1).
    """

    def __init__(self, in_size, tree, dtype=None):
        super().__init__()
        paths, n_inner = _paths(tree)
        words = max(paths) + 1
        depth = max((len(n) for n, _ in paths.values()), default=0)
        self.nodes = numpy.zeros((words, depth), dtype=numpy.int32)
        self.codes = numpy.zeros((words, depth), dtype=numpy.float32)
        for word, (nodes, turns) in paths.items():
            self.nodes[word, :len(nodes)] = nodes
            self.codes[word, :len(turns)] = turns
        dtype = numpy.dtype(config.dtype if dtype is None else dtype)
        with self.init_scope():
            self.W = Parameter(initializers.generate_array(
                initializers.Uniform(1), (n_inner, in_size), numpy, dtype=dtype))

    @staticmethod
    def create_huffman_tree(word_counts):
        """A Huffman tree from ``{word: count}``: the two rarest subtrees are
        joined again and again, so frequent words end near the root.

        >>> BinaryHierarchicalSoftmax.create_huffman_tree({'a': 3, 'b': 1, 'c': 1})
        (('b', 'c'), 'a')
        """
        if not word_counts:
            raise ValueError('create_huffman_tree: the word counts are empty')
        # (count, order, subtree): ties go to the subtree whose first word came first.
        heap = [(c, order, w) for order, (w, c) in enumerate(word_counts.items())]
        heapq.heapify(heap)
        while len(heap) > 1:
            c1, o1, t1 = heapq.heappop(heap)
            c2, o2, t2 = heapq.heappop(heap)
            heapq.heappush(heap, (c1 + c2, min(o1, o2), (t1, t2)))
        return heap[0][2]

    def forward(self, x, t):
        """The summed loss ``-log P(t | x)`` over the batch."""
        return BinaryHierarchicalSoftmaxFunction(self.nodes, self.codes).apply((x, t, self.W))[0]
