"""Matrix product ``a @ b``, forward beside backward.

>>> import numpy as np
>>> from teachgrad import Variable
>>> a = Variable(np.eye(2, dtype=np.float32))
>>> (a @ np.ones((2, 1), dtype=np.float32)).data
array([[1.],
       [1.]], dtype=float32)
"""
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops
from teachgrad.utils import sum_to


class MatMul(FunctionNode):
    """Matrix product ``a @ b`` of 2-d (or batched n-d) arrays."""
    label = '@'
    double_backprop = True

    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError('@ (matmul) needs arrays with at least 1 dimension, '
                             'got shapes {} and {}'.format(a.shape, b.shape))
        if a.shape[-1] != b.shape[max(b.ndim - 2, 0)]:
            raise ValueError(
                '@ (matmul): shapes {} and {} do not fit: the last dimension of '
                'the left ({}) must equal the {} dimension of the right ({}). '
                'Did you mean to transpose one, e.g. x @ W.T?'.format(
                    a.shape, b.shape, a.shape[-1],
                    'second-to-last' if b.ndim > 1 else 'only',
                    b.shape[max(b.ndim - 2, 0)]))
        if a.ndim > 2 or b.ndim > 2:
            _check_batch_shapes(a.shape, b.shape)
        self.a, self.b = a, b
        return a @ b

    chain_rule = ('{gy} @ {1}ᵀ', '{0}ᵀ @ {gy}')

    def backward(self, gy):
        a, b = self.a, self.b
        a2 = a[None, :] if a.ndim == 1 else a     # promote vectors to matrices
        b2 = b[:, None] if b.ndim == 1 else b
        gy2 = gy.reshape(gy.shape + (1,)) if b.ndim == 1 else gy
        gy2 = gy2[..., None, :] if a.ndim == 1 else gy2
        ga = gy2 @ ops.swapaxes(b2, -1, -2)
        gb = ops.swapaxes(a2, -1, -2) @ gy2
        ga = sum_to(ga, a2.shape).reshape(a.shape) if ga.shape != a.shape else ga
        gb = sum_to(gb, b2.shape).reshape(b.shape) if gb.shape != b.shape else gb
        return ga, gb


def matmul(a, b, transa=False, transb=False):
    """Matrix product ``a @ b``; ``transa``/``transb`` swap the last two axes first.

    >>> import numpy as np
    >>> matmul(np.eye(2, dtype='f'), np.ones((2, 1), dtype='f')).data
    array([[1.],
           [1.]], dtype=float32)
    >>> matmul(np.ones((2, 1), dtype='f'), np.ones((2, 1), dtype='f'), transa=True).data
    array([[2.]], dtype=float32)
    """
    from teachgrad.functions.array import swapaxes
    if transa:
        a = swapaxes(a, -1, -2)
    if transb:
        b = swapaxes(b, -1, -2)
    return MatMul().apply((a, b))[0]


def rmatmul(a, b):
    """``b @ a`` where only ``a`` is a Variable."""
    return MatMul().apply((b, a))[0]


def _check_batch_shapes(sa, sb):
    # Batched @ multiplies matching matrices; the leading (batch) axes must
    # broadcast, which numpy reports only in terms of its internal "remapped" shapes.
    ba, bb = sa[:-2], sb[:-2]
    for x, y in zip(reversed(ba), reversed(bb)):
        if x != y and x != 1 and y != 1:
            raise ValueError(
                '@ (matmul): shapes {} and {} hold batches of matrices {} and {}, but '
                'the batch shapes {} and {} do not match (each batch axis must be equal '
                'or 1). Reshape one so both have the same batch, or loop over it.'.format(
                    sa, sb, sa[-2:], sb[-2:], ba, bb))
