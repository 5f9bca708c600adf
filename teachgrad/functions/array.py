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

    chain_rule = ('{gy} reshaped back',)

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

    chain_rule = ('{gy} transposed back',)

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

    chain_rule = ('{gy} put back where it was taken, 0 elsewhere',)

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

    chain_rule = ('{gy} summed over the broadcast axes',)

    def backward(self, gy):
        return _sum_to(gy, self.inputs[0].shape)


def broadcast_to(x, shape):
    """Repeat ``x`` along axes of size 1 (or new leading axes) to get ``shape``.

    >>> import numpy as np
    >>> broadcast_to(np.array([1., 2.], 'f'), (2, 2)).data
    array([[1., 2.],
           [1., 2.]], dtype=float32)
    """
    return BroadcastTo(shape).apply((x,))[0]


class SumTo(FunctionNode):
    label = 'sum_to'

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        return _sum_to(x, self.shape)

    chain_rule = ('{gy} copied back to every summed element',)

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        return xp.broadcast_to(gy, self.inputs[0].shape).copy()


def sum_to(x, shape):
    """Sum elements so the result has ``shape`` (the reverse of broadcast_to).

    >>> import numpy as np
    >>> sum_to(np.ones((2, 3), 'f'), (1, 3)).data
    array([[2., 2., 2.]], dtype=float32)
    """
    return SumTo(shape).apply((x,))[0]


class Concat(FunctionNode):
    label = 'concat'

    def __init__(self, axis=1):
        self.axis = axis

    def forward(self, *xs):
        first = xs[0]
        if not -first.ndim <= self.axis < first.ndim:
            raise ValueError('concat: axis {} is out of range for inputs of shape {}'
                             .format(self.axis, first.shape))
        axis = self.axis % first.ndim
        for x in xs[1:]:
            if (x.ndim != first.ndim or
                    x.shape[:axis] != first.shape[:axis] or
                    x.shape[axis + 1:] != first.shape[axis + 1:]):
                raise ValueError(
                    'concat: shapes {} and {} do not fit together along axis {}: '
                    'every other dimension must be equal.'.format(
                        first.shape, x.shape, self.axis))
        self.axis = axis
        return backend.get_array_module(*xs).concatenate(xs, axis=axis)

    chain_rule = '{gy} cut back into the pieces'

    def backward(self, gy):
        # Cut the gradient where the inputs were glued together.
        xp = backend.get_array_module(gy)
        ends = numpy.cumsum([node.shape[self.axis] for node in self.inputs])[:-1]
        return tuple(xp.split(gy, ends.tolist(), axis=self.axis))


def concat(xs, axis=1):
    """Join arrays along an existing axis.

    >>> import numpy as np
    >>> concat((np.zeros((2, 1), 'f'), np.ones((2, 2), 'f'))).data
    array([[0., 1., 1.],
           [0., 1., 1.]], dtype=float32)
    """
    return Concat(axis).apply(tuple(xs))[0]


class Stack(FunctionNode):
    label = 'stack'

    def __init__(self, axis=0):
        self.axis = axis

    def forward(self, *xs):
        for x in xs[1:]:
            if x.shape != xs[0].shape:
                raise ValueError('stack: all inputs must have the same shape, '
                                 'but got {} and {}'.format(xs[0].shape, x.shape))
        xp = backend.get_array_module(*xs)
        y = xp.stack(xs, axis=self.axis)
        self.axis = self.axis % y.ndim
        return y

    chain_rule = '{gy} cut back into the pieces'

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        shape = self.inputs[0].shape
        return tuple(g.reshape(shape) for g in xp.split(gy, len(self.inputs), self.axis))


def stack(xs, axis=0):
    """Join arrays of one shape along a new axis.

    >>> import numpy as np
    >>> stack((np.zeros(2, 'f'), np.ones(2, 'f'))).data
    array([[0., 0.],
           [1., 1.]], dtype=float32)
    """
    return Stack(axis).apply(tuple(xs))[0]


class SplitAxis(FunctionNode):
    label = 'split_axis'

    def __init__(self, indices_or_sections, axis):
        self.indices_or_sections = indices_or_sections
        self.axis = axis

    def forward(self, x):
        xp = backend.get_array_module(x)
        ios = self.indices_or_sections
        if isinstance(ios, int) and x.shape[self.axis] % ios:
            raise ValueError('split_axis: an axis of length {} (shape {}) cannot be '
                             'split into {} equal sections'.format(
                                 x.shape[self.axis], x.shape, ios))
        ys = xp.split(x, ios if isinstance(ios, int) else list(ios), axis=self.axis)
        self.shapes = [y.shape for y in ys]
        return tuple(ys)

    chain_rule = ('the grads of the pieces joined back together',)

    def backward(self, *gys):
        # An output nobody used (or kept) sends back zeros.
        xp = backend.get_array_module(*[g for g in gys if g is not None])
        dtype = next(g.dtype for g in gys if g is not None)
        gys = [xp.zeros(s, dtype=dtype) if g is None else g
               for g, s in zip(gys, self.shapes)]
        return xp.concatenate(gys, axis=self.axis)


def split_axis(x, indices_or_sections, axis, force_tuple=True):
    """Split ``x`` along ``axis`` into equal sections or at the given indices.

    >>> import numpy as np
    >>> a, b = split_axis(np.arange(6, dtype='f').reshape(2, 3), [1], axis=1)
    >>> a.shape, b.shape
    ((2, 1), (2, 2))
    """
    ys = SplitAxis(indices_or_sections, axis).apply((x,))
    if not force_tuple and len(ys) == 1:
        return ys[0]
    return ys


class ExpandDims(FunctionNode):
    label = 'expand_dims'

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        if not -x.ndim - 1 <= self.axis <= x.ndim:
            raise ValueError('expand_dims: axis {} is out of range for an input of '
                             'shape {}'.format(self.axis, x.shape))
        return backend.get_array_module(x).expand_dims(x, self.axis)

    chain_rule = ('{gy} with the new axis taken out',)

    def backward(self, gy):
        return gy.reshape(self.inputs[0].shape)


def expand_dims(x, axis):
    """Insert an axis of length 1 at position ``axis``.

    >>> import numpy as np
    >>> expand_dims(np.zeros(3, 'f'), 0).shape
    (1, 3)
    """
    return ExpandDims(axis).apply((x,))[0]


class Squeeze(FunctionNode):
    label = 'squeeze'

    def __init__(self, axis=None):
        self.axis = axis

    def forward(self, x):
        try:
            return x.squeeze(self.axis)
        except ValueError:
            raise ValueError('squeeze: axis {} of an input of shape {} does not '
                             'have length 1, so it cannot be removed'.format(
                                 self.axis, x.shape)) from None

    chain_rule = ('{gy} with the squeezed axes put back',)

    def backward(self, gy):
        return gy.reshape(self.inputs[0].shape)


def squeeze(x, axis=None):
    """Remove axes of length 1 (all of them, or those named by ``axis``).

    >>> import numpy as np
    >>> squeeze(np.zeros((1, 3, 1), 'f')).shape
    (3,)
    """
    return Squeeze(axis).apply((x,))[0]


def flatten(x):
    """All elements in one axis.

    >>> import numpy as np
    >>> flatten(np.zeros((2, 3), 'f')).shape
    (6,)
    """
    return reshape(x, (-1,))


class Swapaxes(FunctionNode):
    label = 'swapaxes'

    def __init__(self, axis1, axis2):
        self.axis1, self.axis2 = axis1, axis2

    def forward(self, x):
        return x.swapaxes(self.axis1, self.axis2)

    chain_rule = ('{gy} with the axes swapped back',)

    def backward(self, gy):
        return gy.swapaxes(self.axis1, self.axis2)


def swapaxes(x, axis1, axis2):
    """Exchange two axes.

    >>> import numpy as np
    >>> swapaxes(np.zeros((2, 3, 4), 'f'), 0, 2).shape
    (4, 3, 2)
    """
    return Swapaxes(axis1, axis2).apply((x,))[0]


class Tile(FunctionNode):
    label = 'tile'

    def __init__(self, reps):
        self.reps = (reps,) if isinstance(reps, int) else tuple(reps)

    def forward(self, x):
        return backend.get_array_module(x).tile(x, self.reps)

    chain_rule = ('{gy} summed over the tiled copies',)

    def backward(self, gy):
        # Each element was copied into every tile: it gets the sum of their grads.
        shape = self.inputs[0].shape
        ndim = max(len(shape), len(self.reps))
        x_shape = (1,) * (ndim - len(shape)) + tuple(shape)
        reps = (1,) * (ndim - len(self.reps)) + self.reps
        split = [n for pair in zip(reps, x_shape) for n in pair]
        gx = gy.reshape(split).sum(axis=tuple(range(0, 2 * ndim, 2)))
        return gx.reshape(shape)


def tile(x, reps):
    """Repeat the whole array ``reps`` times along each axis (``numpy.tile``).

    >>> import numpy as np
    >>> tile(np.array([1., 2.], 'f'), 2).data
    array([1., 2., 1., 2.], dtype=float32)
    """
    return Tile(reps).apply((x,))[0]


class Repeat(FunctionNode):
    label = 'repeat'

    def __init__(self, repeats, axis=None):
        self.repeats = repeats if isinstance(repeats, int) else tuple(repeats)
        self.axis = axis

    def forward(self, x):
        return backend.get_array_module(x).repeat(x, self.repeats, axis=self.axis)

    chain_rule = ('{gy} summed over the repeated copies',)

    def backward(self, gy):
        shape = self.inputs[0].shape
        xp = backend.get_array_module(gy)
        axis = 0 if self.axis is None else self.axis % len(shape)
        n = numpy.prod(shape, dtype=int) if self.axis is None else shape[axis]
        # Output position i came from input position source[i]; add them back.
        source = xp.repeat(xp.arange(n), self.repeats)
        g = xp.moveaxis(gy, axis, 0)
        gx = xp.zeros((n,) + g.shape[1:], dtype=gy.dtype)
        backend.scatter_add(xp, gx, source, g)
        return xp.moveaxis(gx, 0, axis).reshape(shape)


def repeat(x, repeats, axis=None):
    """Repeat each element ``repeats`` times (``numpy.repeat``).

    >>> import numpy as np
    >>> repeat(np.array([1., 2.], 'f'), 2).data
    array([1., 1., 2., 2.], dtype=float32)
    """
    return Repeat(repeats, axis).apply((x,))[0]


class Cast(FunctionNode):
    def __init__(self, dtype):
        self.dtype = numpy.dtype(dtype)

    @property
    def label(self):
        return 'cast({})'.format(self.dtype.name)

    def forward(self, x):
        return x.astype(self.dtype, copy=False)

    chain_rule = ('{gy} cast back to the input dtype',)

    def backward(self, gy):
        return gy.astype(self.inputs[0].dtype, copy=False)


def cast(x, typ):
    """Convert to another dtype; the gradient comes back in the input's dtype.

    >>> import numpy as np
    >>> cast(np.ones(2, 'f'), np.float64).dtype
    dtype('float64')
    """
    return Cast(typ).apply((x,))[0]


class Identity(FunctionNode):
    label = 'identity'

    def forward(self, *xs):
        return xs

    chain_rule = '{gy}'

    def backward(self, *gys):
        return gys


def identity(*xs):
    """Return the inputs unchanged, as new Variables in the graph.

    >>> import numpy as np
    >>> identity(np.ones(2, 'f')).data
    array([1., 1.], dtype=float32)
    """
    ys = Identity().apply(xs)
    return ys[0] if len(ys) == 1 else ys
