"""Reductions: many numbers in, fewer out (sum, mean, max, min).

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([[1., 2.], [3., 4.]], dtype=np.float32))
>>> y = sum(x)
>>> y.backward()
>>> x.grad
array([[1., 1.],
       [1., 1.]], dtype=float32)
"""
import builtins

from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops


def _normalize_axis(axis, ndim):
    if axis is None:
        return None
    axes = axis if isinstance(axis, tuple) else (axis,)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError('axis {} is out of range for an array with {} '
                             'dimensions'.format(a, ndim))
    return tuple(sorted(a % ndim for a in axes))


def _spread(g, shape):
    """``g`` broadcast to ``shape``, as an array of its own (or a Variable)."""
    g = ops.broadcast_to(g, shape)
    return g.copy() if backend.is_array(g) else g


def _expand_like(gy, axis, ndim, keepdims):
    """Reinsert the reduced axes so gy broadcasts against the input."""
    if keepdims or ndim == 0:
        return gy
    if axis is None:
        return gy.reshape((1,) * ndim)
    shape = list(gy.shape)
    for a in axis:
        shape.insert(a, 1)
    return gy.reshape(shape)


class Sum(FunctionNode):
    double_backprop = True
    label = 'sum'

    def __init__(self, axis=None, keepdims=False):
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, x):
        self.axis = _normalize_axis(self.axis, x.ndim)
        return x.sum(axis=self.axis, keepdims=self.keepdims)

    chain_rule = ('{gy} copied to every summed element',)

    def backward(self, gy):
        node = self.inputs[0]
        gy = _expand_like(gy, self.axis, len(node.shape), self.keepdims)
        return _spread(gy, node.shape)


def sum(x, axis=None, keepdims=False):
    """Sum of elements over ``axis`` (an int, a tuple, or None for all).

    >>> import numpy as np
    >>> sum(np.ones((2, 3), 'f'), axis=1).data
    array([3., 3.], dtype=float32)
    """
    return Sum(axis, keepdims).apply((x,))[0]


class Mean(FunctionNode):
    double_backprop = True
    label = 'mean'

    def __init__(self, axis=None, keepdims=False):
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, x):
        self.axis = _normalize_axis(self.axis, x.ndim)
        y = x.mean(axis=self.axis, keepdims=self.keepdims)
        self.n = x.size // builtins.max(y.size, 1)
        return y

    chain_rule = ('{gy} / n copied to every averaged element',)

    def backward(self, gy):
        # Every element counted 1/n towards its mean.
        node = self.inputs[0]
        gy = _expand_like(gy, self.axis, len(node.shape), self.keepdims)
        return _spread(gy / self.n, node.shape)


def mean(x, axis=None, weights=None, keepdims=False):
    """Mean of elements over ``axis`` (an int, a tuple, or None for all).

    With ``weights`` it is the weighted average ``sum(x * w) / sum(w)``;
    ``weights`` has ``x``'s shape when ``axis`` is None, or shape
    ``(x.shape[axis],)`` when ``axis`` is an int.

    >>> import numpy as np
    >>> mean(np.array([[1., 2.], [3., 6.]], 'f'), axis=0).data
    array([2., 4.], dtype=float32)
    """
    if weights is None:
        return Mean(axis, keepdims).apply((x,))[0]
    from teachgrad.functions.array import broadcast_to
    from teachgrad.functions.basic_math import div, mul
    from teachgrad.variable import as_array
    w = weights
    if axis is not None:
        if not isinstance(axis, int):
            raise ValueError('mean: weights need axis to be None or an int, '
                             'got {}'.format(axis))
        ndim = as_array(x).ndim
        w = as_array(w).reshape([-1 if i == axis % ndim else 1 for i in range(ndim)])
        w = broadcast_to(w, as_array(x).shape)
    return div(sum(mul(x, w), axis, keepdims), sum(w, axis, keepdims))


class _Select(FunctionNode):
    """max and min: the gradient goes to the element(s) that were selected."""
    double_backprop = True

    def __init__(self, axis=None, keepdims=False):
        if axis is not None and not isinstance(axis, (int, tuple)):
            raise TypeError('{}: axis must be None, an int or a tuple of ints, '
                            'got {!r}'.format(self.label, axis))
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, x):
        self.axis = _normalize_axis(self.axis, x.ndim)
        if x.size == 0:
            raise ValueError('{} of an empty array (shape {}) is undefined'.format(
                self.label, x.shape))
        self.x = x
        self.y = y = self._select(x)
        return y

    chain_rule = ('{gy} sent to the selected element, 0 elsewhere',)

    def backward(self, gy):
        # As in Chainer, every element equal to the result (all ties) gets
        # the full gradient.
        ndim = self.x.ndim
        y = _expand_like(ops.data(self.y), self.axis, ndim, self.keepdims)
        gy = _expand_like(gy, self.axis, ndim, self.keepdims)
        return gy * (ops.data(self.x) == y)


class Max(_Select):
    label = 'max'

    def _select(self, x):
        return x.max(axis=self.axis, keepdims=self.keepdims)


class Min(_Select):
    label = 'min'

    def _select(self, x):
        return x.min(axis=self.axis, keepdims=self.keepdims)


def max(x, axis=None, keepdims=False):
    """Largest element over ``axis``; the gradient flows to where it was.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> x = Variable(np.array([[1., 5.], [4., 2.]], 'f'))
    >>> y = max(x, axis=1)
    >>> y.data
    array([5., 4.], dtype=float32)
    >>> y.grad = np.ones(2, 'f')
    >>> y.backward()
    >>> x.grad
    array([[0., 1.],
           [1., 0.]], dtype=float32)
    """
    return Max(axis, keepdims).apply((x,))[0]


def min(x, axis=None, keepdims=False):
    """Smallest element over ``axis``; the gradient flows to where it was.

    >>> import numpy as np
    >>> min(np.array([[1., 5.], [4., 2.]], 'f'), axis=1).data
    array([1., 2.], dtype=float32)
    """
    return Min(axis, keepdims).apply((x,))[0]


class ArgMax(FunctionNode):
    first_order_reason = ('its output is an integer index: it has no gradient to '
                          'differentiate')
    label = 'argmax'

    def __init__(self, axis=None):
        self.axis = axis

    def forward(self, x):
        return x.argmax(axis=self.axis).astype('int32')

    chain_rule = (None,)

    def backward(self, gy):
        return None                        # an index does not change smoothly


class ArgMin(ArgMax):
    label = 'argmin'

    def forward(self, x):
        return x.argmin(axis=self.axis).astype('int32')


def argmax(x, axis=None):
    """Index (int32) of the largest element over ``axis``; no gradient.

    First-order only: its output is an integer index: it has no gradient to differentiate.

    >>> import numpy as np
    >>> argmax(np.array([[1., 5.], [4., 2.]], 'f'), axis=1).data
    array([1, 0], dtype=int32)
    """
    return ArgMax(axis).apply((x,))[0]


def argmin(x, axis=None):
    """Index (int32) of the smallest element over ``axis``; no gradient.

    First-order only: its output is an integer index: it has no gradient to differentiate.

    >>> import numpy as np
    >>> argmin(np.array([[3., 1.], [0., 2.]], 'f'), axis=1).data
    array([1, 0], dtype=int32)
    """
    return ArgMin(axis).apply((x,))[0]
