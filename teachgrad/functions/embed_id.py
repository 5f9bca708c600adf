"""Embedding: look up one learned vector per integer id (a word, a category).

``embed_id(x, W)`` is ``W[x]``; its backward adds each output gradient to the
row that was looked up, so an id used twice gets the sum of both gradients.

>>> import numpy as np
>>> W = np.array([[0., 0.], [1., 1.], [2., 2.]], dtype=np.float32)
>>> embed_id(np.array([2, 0]), W).data
array([[2., 2.],
       [0., 0.]], dtype=float32)
"""
from teachgrad import backend
from teachgrad.function_node import FunctionNode


class EmbedIDFunction(FunctionNode):
    first_order_reason = ('its backward scatter-adds the grads into the rows of W on arrays; a '
                          'backward written with Variables is not there yet')
    label = 'EmbedID'

    def __init__(self, ignore_label=None):
        self.ignore_label = ignore_label

    def forward(self, x, W):
        xp = backend.get_array_module(x)
        if x.dtype.kind not in 'iu':
            raise TypeError('embed_id needs integer ids, but x has dtype {}; use '
                            'x.astype(np.int32)'.format(x.dtype))
        self.x, self.W_shape, self.W_dtype = x, W.shape, W.dtype
        valid = x if self.ignore_label is None else x[x != self.ignore_label]
        if valid.size and (int(valid.min()) < 0 or int(valid.max()) >= len(W)):
            raise IndexError(
                'embed_id: ids must be in 0..{} (W has {} rows), but x holds '
                'ids from {} to {}'.format(len(W) - 1, len(W), int(valid.min()),
                                           int(valid.max())))
        if self.ignore_label is None:
            return W[x]
        mask = (x == self.ignore_label)
        y = W[xp.where(mask, 0, x)]
        y[mask] = 0              # an ignored id embeds to zeros
        return y

    chain_rule = (None, '{gy} added to the rows of {1} that {0} picked')

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        gW = xp.zeros(self.W_shape, dtype=self.W_dtype)
        x = self.x
        if self.ignore_label is not None:
            keep = x != self.ignore_label
            x, gy = x[keep], gy[keep]
        backend.scatter_add(xp, gW, x.ravel(), gy.reshape(-1, self.W_shape[1]))
        return None, gW


def embed_id(x, W, ignore_label=None):
    """Rows of ``W`` selected by the integer ids ``x``: output shape ``x.shape + (W.shape[1],)``.

    Args:
        x: integer ids, any shape.
        W: the embedding matrix (number of ids, vector size).
        ignore_label: an id that gives a zero vector and no gradient.

    First-order only: its backward scatter-adds the grads into the rows of W on arrays; a
    backward written with Variables is not there yet.

    >>> import numpy as np
    >>> W = np.arange(6, dtype=np.float32).reshape(3, 2)
    >>> embed_id(np.array([2, 0], dtype=np.int32), W).data
    array([[4., 5.],
           [0., 1.]], dtype=float32)
    """
    return EmbedIDFunction(ignore_label).apply((x, W))[0]
