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
from teachgrad import backend
from teachgrad.function_node import FunctionNode


def _normalize_axis(axis, ndim):
    if axis is None:
        return None
    axes = axis if isinstance(axis, tuple) else (axis,)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError('axis {} is out of range for an array with {} '
                             'dimensions'.format(a, ndim))
    return tuple(sorted(a % ndim for a in axes))


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
    label = 'sum'

    def __init__(self, axis=None, keepdims=False):
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, x):
        self.axis = _normalize_axis(self.axis, x.ndim)
        return x.sum(axis=self.axis, keepdims=self.keepdims)

    def backward(self, gy):
        node = self.inputs[0]
        xp = backend.get_array_module(gy)
        gy = _expand_like(gy, self.axis, len(node.shape), self.keepdims)
        return xp.broadcast_to(gy, node.shape).copy()


def sum(x, axis=None, keepdims=False):
    """Sum of elements over ``axis`` (an int, a tuple, or None for all).

    >>> import numpy as np
    >>> sum(np.ones((2, 3), 'f'), axis=1).data
    array([3., 3.], dtype=float32)
    """
    return Sum(axis, keepdims).apply((x,))[0]
