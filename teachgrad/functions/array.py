"""Functions that move values around without arithmetic: reshape, transpose,
indexing, broadcasting, joining and splitting. Their backward moves the
gradient back to where each value came from.

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
>>> x[1, ::2].data
array([3., 5.], dtype=float32)
"""
import numpy

from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.utils import sum_to as _sum_to


class Reshape(FunctionNode):
    label = 'reshape'

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        try:
            return x.reshape(self.shape)
        except ValueError:
            raise ValueError(
                'reshape: cannot reshape an array of shape {} ({} elements) into '
                'shape {}; the number of elements must stay the same (one '
                'dimension may be -1 to infer it).'.format(
                    x.shape, x.size, self.shape)) from None

    def backward(self, gy):
        return gy.reshape(self.inputs[0].shape)


def reshape(x, shape):
    """Give ``x`` a new shape with the same elements.

    >>> import numpy as np
    >>> reshape(np.arange(6, dtype='f'), (2, 3)).shape
    (2, 3)
    """
    return Reshape(tuple(shape) if not isinstance(shape, int) else (shape,)).apply((x,))[0]


class Transpose(FunctionNode):
    label = 'transpose'

    def __init__(self, axes=None):
        self.axes = axes

    def forward(self, x):
        return x.transpose(self.axes)

    def backward(self, gy):
        if self.axes is None:
            return gy.transpose()
        inverse = numpy.argsort([a % gy.ndim for a in self.axes])
        return gy.transpose(tuple(inverse))


def transpose(x, axes=None):
    """Permute the axes (reverse them when ``axes`` is None).

    >>> import numpy as np
    >>> transpose(np.zeros((2, 3), 'f')).shape
    (3, 2)
    """
    return Transpose(None if axes is None else tuple(axes)).apply((x,))[0]


class GetItem(FunctionNode):
    label = '[]'

    def __init__(self, index):
        if isinstance(index, list):
            index = numpy.asarray(index)
        self.index = index

    @property
    def label(self):
        return '[{}]'.format(_index_label(self.index))

    def forward(self, x):
        try:
            return x[self.index]
        except IndexError as e:
            raise IndexError('indexing a Variable of shape {} with {}: {}'.format(
                x.shape, _index_label(self.index), e)) from None

    def backward(self, gy):
        node = self.inputs[0]
        xp = backend.get_array_module(gy)
        gx = xp.zeros(node.shape, dtype=gy.dtype)
        # add.at sums the gradient of an element picked several times (x[[0, 0]]).
        backend.scatter_add(xp, gx, self.index, gy)
        return gx


def _index_label(index):
    parts = index if isinstance(index, tuple) else (index,)

    def one(p):
        if isinstance(p, slice):
            return ':'.join('' if v is None else str(v)
                            for v in (p.start, p.stop) + ((p.step,) if p.step else ()))
        if p is Ellipsis:
            return '...'
        if p is None:
            return 'None'
        if backend.is_array(p):
            return 'array{}'.format(tuple(p.shape))
        return str(p)
    return ', '.join(one(p) for p in parts)


def get_item(x, index):
    """``x[index]`` with numpy's basic and fancy indexing.

    >>> import numpy as np
    >>> get_item(np.arange(4, dtype='f'), [0, 0, 3]).data
    array([0., 0., 3.], dtype=float32)
    """
    if hasattr(index, 'data') and not backend.is_array(index):
        index = index.data       # a Variable used as an index
    return GetItem(index).apply((x,))[0]


class BroadcastTo(FunctionNode):
    label = 'broadcast_to'

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        xp = backend.get_array_module(x)
        try:
            return xp.broadcast_to(x, self.shape)
        except ValueError:
            raise ValueError('broadcast_to: cannot broadcast shape {} to {}'.format(
                x.shape, self.shape)) from None

    def backward(self, gy):
        return _sum_to(gy, self.inputs[0].shape)


def broadcast_to(x, shape):
    """Repeat ``x`` along axes of size 1 (or new leading axes) to get ``shape``."""
    return BroadcastTo(shape).apply((x,))[0]


class SumTo(FunctionNode):
    label = 'sum_to'

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        return _sum_to(x, self.shape)

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        return xp.broadcast_to(gy, self.inputs[0].shape).copy()


def sum_to(x, shape):
    """Sum elements so the result has ``shape`` (the reverse of broadcast_to)."""
    return SumTo(shape).apply((x,))[0]
