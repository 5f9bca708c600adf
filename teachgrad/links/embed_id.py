"""EmbedID: a learned vector for each integer id.

>>> import numpy as np
>>> emb = EmbedID(5, 2, initialW=np.arange(10, dtype=np.float32).reshape(5, 2))
>>> emb(np.array([4, 1])).data
array([[8., 9.],
       [2., 3.]], dtype=float32)
"""
from teachgrad import initializers
from teachgrad.functions.embed_id import embed_id
from teachgrad.link import Link
from teachgrad.variable import Parameter


class EmbedID(Link):
    """Embedding layer: W has shape (in_size, out_size), one row per id.

    Args:
        in_size: number of ids (the vocabulary size).
        out_size: length of each vector.
        initialW: initializer for W (default Normal(1.0), as in Chainer).
        ignore_label: an id that embeds to zeros.
    """
    ignore_label = None

    def __init__(self, in_size, out_size, initialW=None, ignore_label=None):
        super().__init__()
        self.ignore_label = ignore_label
        if initialW is None:
            initialW = initializers.Normal(1.0)
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW), (in_size, out_size))

    @property
    def printable_specs(self):
        yield 'in_size', self.W.shape[0]
        yield 'out_size', self.W.shape[1]
        yield 'ignore_label', self.ignore_label

    def forward(self, x):
        return embed_id(x, self.W, ignore_label=self.ignore_label)
