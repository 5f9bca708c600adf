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
from teachgrad.functions import _ops as ops
from teachgrad.utils import sum_to as _sum_to
from teachgrad.utils import type_check


class Reshape(FunctionNode):
    double_backprop = True
    label = 'reshape'

    def __init__(self, shape):
        self.shape = shape

    def check_type_forward(self, in_types):
        # Checked before forward so the error is type_check's InvalidType (a
        # ValueError too) and names both sizes.
        x_type, = in_types
        known = tuple(s for s in self.shape if s != -1)
        try:
            if len(known) == len(self.shape):
                type_check.expect(type_check.prod(x_type.shape) == type_check.prod(self.shape))
            else:
                type_check.expect(type_check.prod(x_type.shape) % type_check.prod(known) == 0)
        except type_check.InvalidType as e:
            x_shape = type_check.eval(x_type.shape)
            raise type_check.InvalidType(e.expect, e.actual, hint=(
                'How to fix: an array of shape {} has {} elements, and shape {} {}. '
                'reshape keeps every element, so the new shape must hold exactly as '
                'many (one dimension may be -1 to let it be computed).'.format(
                    x_shape, _prod(x_shape), self.shape,
                    'holds {}'.format(_prod(self.shape)) if len(known) == len(self.shape)
                    else 'needs a multiple of {}'.format(_prod(known))))) from None

    def forward(self, x):
        try:
            return x.reshape(self.shape)
        except ValueError:      # reached only with config.type_check off
            raise ValueError(
                'reshape: cannot reshape an array of shape {} ({} elements) into '
                'shape {}; the number of elements must stay the same (one '
                'dimension may be -1 to infer it).'.format(
                    x.shape, x.size, self.shape)) from None

    chain_rule = ('{gy} reshaped back',)

    def backward(self, gy):
        return gy.reshape(self.inputs[0].shape)


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def reshape(x, shape):
    """Give ``x`` a new shape with the same elements.

    At most one dimension may be -1: it becomes whatever makes the sizes
    match. A shape that cannot hold the elements raises
    :class:`~teachgrad.utils.type_check.InvalidType` (also a ValueError).

    >>> import numpy as np
    >>> reshape(np.arange(6, dtype='f'), (2, 3)).shape
    (2, 3)
    >>> reshape(np.arange(6, dtype='f'), (-1, 2)).shape
    (3, 2)
    >>> reshape(np.arange(6, dtype='f'), (4, 2))        # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    teachgrad.utils.type_check.InvalidType:
    Invalid operation is performed in: Reshape (Forward)
    <BLANKLINE>
    Expect: prod(in_types[0].shape) == prod((4, 2))
    Actual: 6 != 8
    ...
    """
    shape = tuple(shape) if not isinstance(shape, int) else (shape,)
    if sum(1 for s in shape if s == -1) > 1 or any(s < -1 for s in shape):
        raise ValueError(
            'reshape: the shape {} is not valid: dimensions are sizes >= 0, and only '
            'one of them may be -1 (the one computed from the others).'.format(shape))
    return Reshape(shape).apply((x,))[0]


class Transpose(FunctionNode):
    double_backprop = True
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
    double_backprop = True

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
        put_back = PutBack(self.index, self.inputs[0].shape)
        # On arrays, its forward is the computation; on Variables (a double
        # backprop), a node of the graph, whose own backward is [index] again.
        return put_back.forward(gy) if backend.is_array(gy) else put_back.apply((gy,))[0]


class PutBack(FunctionNode):
    """The backward of ``x[index]``: ``gy`` added into zeros of x's shape."""
    double_backprop = True
    label = 'put back'
    chain_rule = ('{gy}[index]',)

    def __init__(self, index, shape):
        self.index, self.shape = index, shape

    def forward(self, gy):
        xp = backend.get_array_module(gy)
        gx = xp.zeros(self.shape, dtype=gy.dtype)
        # add.at sums the gradient of an element picked several times (x[[0, 0]]).
        backend.scatter_add(xp, gx, self.index, gy)
        return gx

    def backward(self, ggx):
        return ggx[self.index]


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
    double_backprop = True
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
    double_backprop = True
    label = 'sum_to'

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        return _sum_to(x, self.shape)

    chain_rule = ('{gy} copied back to every summed element',)

    def backward(self, gy):
        g = ops.broadcast_to(gy, self.inputs[0].shape)
        return g.copy() if backend.is_array(g) else g


def sum_to(x, shape):
    """Sum elements so the result has ``shape`` (the reverse of broadcast_to).

    >>> import numpy as np
    >>> sum_to(np.ones((2, 3), 'f'), (1, 3)).data
    array([[2., 2., 2.]], dtype=float32)
    """
    return SumTo(shape).apply((x,))[0]


class Concat(FunctionNode):
    double_backprop = True
    label = 'concat'

    def __init__(self, axis=1):
        self.axis = axis

    def forward(self, *xs):
        if not xs:
            raise ValueError(
                'concat got an empty list: there is nothing to join. Pass at least '
                'one array, e.g. F.concat([a, b], axis=1).')
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
        ends = numpy.cumsum([node.shape[self.axis] for node in self.inputs])[:-1]
        return ops.split(gy, ends.tolist(), self.axis)


def concat(xs, axis=1):
    """Join arrays along an existing axis.

    >>> import numpy as np
    >>> concat((np.zeros((2, 1), 'f'), np.ones((2, 2), 'f'))).data
    array([[0., 1., 1.],
           [0., 1., 1.]], dtype=float32)
    """
    return Concat(axis).apply(tuple(xs))[0]


class Stack(FunctionNode):
    double_backprop = True
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
        shape = self.inputs[0].shape
        return tuple(g.reshape(shape) for g in ops.split(gy, len(self.inputs), self.axis))


def stack(xs, axis=0):
    """Join arrays of one shape along a new axis.

    >>> import numpy as np
    >>> stack((np.zeros(2, 'f'), np.ones(2, 'f'))).data
    array([[0., 0.],
           [1., 1.]], dtype=float32)
    """
    return Stack(axis).apply(tuple(xs))[0]


class SplitAxis(FunctionNode):
    double_backprop = True
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
        return ops.concatenate(gys, self.axis)


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
    double_backprop = True
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
    double_backprop = True
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
    double_backprop = True
    label = 'swapaxes'

    def __init__(self, axis1, axis2):
        self.axis1, self.axis2 = axis1, axis2

    def forward(self, x):
        return x.swapaxes(self.axis1, self.axis2)

    chain_rule = ('{gy} with the axes swapped back',)

    def backward(self, gy):
        return ops.swapaxes(gy, self.axis1, self.axis2)


def swapaxes(x, axis1, axis2):
    """Exchange two axes.

    >>> import numpy as np
    >>> swapaxes(np.zeros((2, 3, 4), 'f'), 0, 2).shape
    (4, 3, 2)
    """
    return Swapaxes(axis1, axis2).apply((x,))[0]


class Tile(FunctionNode):
    double_backprop = True
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
        gx = ops.sum(gy.reshape(split), axis=tuple(range(0, 2 * ndim, 2)))
        return gx.reshape(shape)


def tile(x, reps):
    """Repeat the whole array ``reps`` times along each axis (``numpy.tile``).

    >>> import numpy as np
    >>> tile(np.array([1., 2.], 'f'), 2).data
    array([1., 2., 1., 2.], dtype=float32)
    """
    return Tile(reps).apply((x,))[0]


class Repeat(FunctionNode):
    double_backprop = True
    label = 'repeat'

    def __init__(self, repeats, axis=None):
        self.repeats = repeats if isinstance(repeats, int) else tuple(repeats)
        self.axis = axis

    def forward(self, x):
        return backend.get_array_module(x).repeat(x, self.repeats, axis=self.axis)

    chain_rule = ('{gy} summed over the repeated copies',)

    def backward(self, gy):
        shape = self.inputs[0].shape
        axis = 0 if self.axis is None else self.axis % len(shape)
        n = int(numpy.prod(shape, dtype=int)) if self.axis is None else shape[axis]
        g = ops.moveaxis(gy, axis, 0)           # the repeated axis first (flat if None)
        rest = tuple(g.shape[1:])
        repeats = self.repeats
        if not isinstance(repeats, int) and len(repeats) == 1:
            repeats = repeats[0]
        if isinstance(repeats, int):
            # Each input position made `repeats` neighbours: sum each group.
            gx = ops.sum(ops.reshape(g, (n, repeats) + rest), axis=1)
        else:
            # Output position i came from input position source[i]: a 0/1
            # matrix with one 1 per column adds them back.
            xp = backend.get_array_module(gy)
            source = xp.repeat(xp.arange(n), repeats)
            gather = (xp.arange(n)[:, None] == source[None, :]).astype(gy.dtype)
            flat = ops.reshape(g, (len(source), int(numpy.prod(rest, dtype=int))))
            gx = ops.reshape(ops.matmul(gather, flat), (n,) + rest)
        return ops.reshape(ops.moveaxis(gx, 0, axis), shape)


def repeat(x, repeats, axis=None):
    """Repeat each element ``repeats`` times (``numpy.repeat``).

    >>> import numpy as np
    >>> repeat(np.array([1., 2.], 'f'), 2).data
    array([1., 1., 2., 2.], dtype=float32)
    """
    return Repeat(repeats, axis).apply((x,))[0]


class Cast(FunctionNode):
    double_backprop = True

    def __init__(self, dtype):
        self.dtype = numpy.dtype(dtype)

    @property
    def label(self):
        return 'cast({})'.format(self.dtype.name)

    def forward(self, x):
        return x.astype(self.dtype, copy=False)

    chain_rule = ('{gy} cast back to the input dtype',)

    def backward(self, gy):
        return ops.astype(gy, self.inputs[0].dtype)


def cast(x, typ):
    """Convert to another dtype; the gradient comes back in the input's dtype.

    >>> import numpy as np
    >>> cast(np.ones(2, 'f'), np.float64).dtype
    dtype('float64')
    """
    return Cast(typ).apply((x,))[0]


class Identity(FunctionNode):
    double_backprop = True
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


# -- more joining, splitting and reordering ------------------------------------

class _Join(FunctionNode):
    """hstack, vstack and dstack: numpy's joins, each input a block of the output.

    Backward cuts the gradient where the blocks meet and gives each input
    back its own shape (numpy's ``atleast_Nd`` only added axes of length 1).
    """
    double_backprop = True
    chain_rule = 'gy cut where the inputs were joined, each piece back in its input\'s shape'
    ndim = None             # subclasses: the inputs are first raised to this many axes

    def _axis(self, ndim):
        raise NotImplementedError    # subclasses: the axis they join along

    def forward(self, *xs):
        if not xs:
            raise ValueError('{}: give a list of at least one array to join'.format(self.label))
        xp = backend.get_array_module(*xs)
        raised = [x.reshape(_atleast(x.shape, self.ndim)) for x in xs]
        axis = self._axis(raised[0].ndim)
        for x, r in zip(xs[1:], raised[1:]):
            first = raised[0]
            if (r.ndim != first.ndim or r.shape[:axis] != first.shape[:axis]
                    or r.shape[axis + 1:] != first.shape[axis + 1:]):
                raise ValueError(
                    '{}: inputs of shapes {} and {} do not fit together; {} joins '
                    'along axis {} and every other axis must have the same length.'
                    .format(self.label, xs[0].shape, x.shape, self.label, axis))
        self.axis = axis
        return xp.concatenate(raised, axis=axis)

    def backward(self, gy):
        sizes = [_atleast(node.shape, self.ndim)[self.axis] for node in self.inputs]
        pieces = ops.split(gy, numpy.cumsum(sizes)[:-1].tolist(), self.axis)
        return tuple(g.reshape(node.shape) for g, node in zip(pieces, self.inputs))


class Hstack(_Join):
    label = 'hstack'
    ndim = 1

    def _axis(self, ndim):
        return 0 if ndim == 1 else 1


class Vstack(_Join):
    label = 'vstack'
    ndim = 2

    def _axis(self, ndim):
        return 0


class Dstack(_Join):
    label = 'dstack'
    ndim = 3

    def _axis(self, ndim):
        return 2


def _atleast(shape, ndim):
    # numpy's atleast_1d/2d/3d: () -> (1,), (n,) -> (1, n), (n, m) -> (n, m, 1)
    shape = tuple(shape)
    if len(shape) >= ndim:
        return shape
    if ndim == 3 and len(shape) == 2:
        return shape + (1,)
    if ndim == 3 and len(shape) == 1:
        return (1,) + shape + (1,)
    return (1,) * (ndim - len(shape)) + shape


def hstack(xs):
    """Join side by side: along axis 1, or axis 0 for 1-d inputs (``numpy.hstack``).

    >>> import numpy as np
    >>> hstack((np.array([1., 2.]), np.array([3.]))).data
    array([1., 2., 3.])
    >>> hstack([np.zeros((2, 1)), np.ones((2, 2))]).shape
    (2, 3)
    """
    return Hstack().apply(tuple(xs))[0]


def vstack(xs):
    """Join one below the other along axis 0; 1-d inputs become rows (``numpy.vstack``).

    >>> import numpy as np
    >>> vstack((np.array([1., 2.]), np.array([3., 4.]))).data
    array([[1., 2.],
           [3., 4.]])
    """
    return Vstack().apply(tuple(xs))[0]


def dstack(xs):
    """Join along the third axis (depth), raising inputs to 3-d first (``numpy.dstack``).

    >>> import numpy as np
    >>> dstack((np.array([1., 2.]), np.array([3., 4.]))).data
    array([[[1., 3.],
            [2., 4.]]])
    """
    return Dstack().apply(tuple(xs))[0]


class Diagonal(FunctionNode):
    first_order_reason = ('its backward writes gy into a diagonal view of a zero array; a '
                          'backward written with Variables is not there yet')
    label = 'diagonal'
    chain_rule = 'gx = gy written on the diagonal, 0 elsewhere'

    def __init__(self, offset=0, axis1=0, axis2=1):
        self.offset, self.axis1, self.axis2 = offset, axis1, axis2

    def forward(self, x):
        for axis in (self.axis1, self.axis2):
            if not -x.ndim <= axis < x.ndim:
                raise ValueError('diagonal: axis {} is out of range for an input of '
                                 'shape {}'.format(axis, x.shape))
        if self.axis1 % x.ndim == self.axis2 % x.ndim:
            raise ValueError('diagonal: axis1 and axis2 must be two different axes, '
                             'but both are {}'.format(self.axis1))
        return x.diagonal(self.offset, self.axis1, self.axis2).copy()

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        gx = xp.zeros(self.inputs[0].shape, dtype=gy.dtype)
        # A view with the two axes last, so [..., rows, cols] walks the diagonal.
        view = xp.moveaxis(gx, (self.axis1, self.axis2), (-2, -1))
        i = xp.arange(gy.shape[-1])
        view[..., i + max(-self.offset, 0), i + max(self.offset, 0)] = gy
        return gx


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of the matrices spanned by ``axis1`` and ``axis2`` (``numpy.diagonal``).

    First-order only: its backward writes gy into a diagonal view of a zero array; a
    backward written with Variables is not there yet.

    >>> import numpy as np
    >>> x = np.arange(9, dtype=np.float32).reshape(3, 3)
    >>> diagonal(x).data
    array([0., 4., 8.], dtype=float32)
    >>> diagonal(x, offset=1).data
    array([1., 5.], dtype=float32)
    """
    return Diagonal(offset, axis1, axis2).apply((x,))[0]


def _axes_tuple(name, what, axes, ndim, shape):
    axes = (axes,) if isinstance(axes, int) else tuple(axes)
    for a in axes:
        if not isinstance(a, int) or not -ndim <= a < ndim:
            raise ValueError('{}: {} axis {!r} is out of range for an input of shape {}'
                             .format(name, what, a, shape))
    normalized = tuple(a % ndim for a in axes)
    if len(set(normalized)) != len(normalized):
        raise ValueError('{}: the {} axes {} name the same axis twice'.format(name, what, axes))
    return normalized


class Moveaxis(FunctionNode):
    double_backprop = True
    label = 'moveaxis'
    chain_rule = 'gx = gy with the axes moved back'

    def __init__(self, source, destination):
        self.source, self.destination = source, destination

    def forward(self, x):
        src = _axes_tuple('moveaxis', 'source', self.source, x.ndim, x.shape)
        dst = _axes_tuple('moveaxis', 'destination', self.destination, x.ndim, x.shape)
        if len(src) != len(dst):
            raise ValueError('moveaxis: {} source axes but {} destinations; give one '
                             'destination per source axis'.format(len(src), len(dst)))
        self.source, self.destination = src, dst
        return backend.get_array_module(x).moveaxis(x, src, dst)

    def backward(self, gy):
        return ops.moveaxis(gy, self.destination, self.source)


def moveaxis(x, source, destination):
    """Move axes to new positions; the others keep their order (``numpy.moveaxis``).

    >>> import numpy as np
    >>> x = np.zeros((2, 3, 4, 5), np.float32)
    >>> moveaxis(x, 0, -1).shape
    (3, 4, 5, 2)
    >>> moveaxis(x, (0, 3), (2, 0)).shape
    (5, 3, 2, 4)
    """
    return Moveaxis(source, destination).apply((x,))[0]


class Permutate(FunctionNode):
    double_backprop = True
    label = 'permutate'
    chain_rule = 'gx = gy put back in the original order (the inverse permutation)'

    def __init__(self, indices, axis=0, inv=False):
        self.indices, self.axis, self.inv = indices, axis, inv

    def forward(self, x):
        if not -x.ndim <= self.axis < x.ndim:
            raise ValueError('permutate: axis {} is out of range for an input of shape {}'
                             .format(self.axis, x.shape))
        self.axis %= x.ndim
        xp = backend.get_array_module(x)
        indices = xp.asarray(self.indices)
        n = x.shape[self.axis]
        if len(indices) != n or not (xp.sort(indices) == xp.arange(n)).all():
            raise ValueError(
                'permutate: indices must hold each of 0..{} exactly once (axis {} of '
                'x, shape {}, has length {}), but got {}'.format(
                    n - 1, self.axis, x.shape, n, backend.to_cpu(indices).tolist()))
        inverse = xp.empty_like(indices)
        inverse[indices] = xp.arange(n, dtype=indices.dtype)
        self.order, self.inverse = (
            (inverse, indices) if self.inv else (indices, inverse))
        return x.take(self.order, axis=self.axis)

    def backward(self, gy):
        return ops.take(gy, self.inverse, self.axis)


def permutate(x, indices, axis=0, inv=False):
    """Reorder ``x`` along ``axis``: ``y[i] = x[indices[i]]`` (``inv``: ``y[indices[i]] = x[i]``).

    ``indices`` is a 1-d int array holding each of ``0 .. len - 1`` once.

    >>> import numpy as np
    >>> x = np.arange(6, dtype=np.float32).reshape((3, 2))
    >>> permutate(x, np.array([2, 0, 1], np.int32)).data
    array([[4., 5.],
           [0., 1.],
           [2., 3.]], dtype=float32)
    >>> permutate(x, np.array([2, 0, 1], np.int32), inv=True).data
    array([[2., 3.],
           [4., 5.],
           [0., 1.]], dtype=float32)
    """
    if hasattr(indices, 'data') and not backend.is_array(indices):
        indices = indices.data       # a Variable holding the indices
    if not backend.is_array(indices) or indices.dtype.kind not in 'iu' or indices.ndim != 1:
        raise ValueError('permutate: indices must be a 1-d int array such as '
                         'np.array([2, 0, 1], np.int32), but got {!r}'.format(indices))
    return Permutate(indices, axis, inv).apply((x,))[0]


class Separate(FunctionNode):
    double_backprop = True
    label = 'separate'
    chain_rule = 'gx = the gys stacked back along the axis'

    def __init__(self, axis=0):
        self.axis = axis

    def forward(self, x):
        if not -x.ndim <= self.axis < x.ndim:
            raise ValueError('separate: axis {} is out of range for an input of shape {}'
                             .format(self.axis, x.shape))
        self.axis %= x.ndim
        xp = backend.get_array_module(x)
        return tuple(xp.moveaxis(x, self.axis, 0).copy())

    def backward(self, *gys):
        xp = backend.get_array_module(*gys)
        shape = self.inputs[0].shape
        piece = shape[:self.axis] + shape[self.axis + 1:]
        dtype = next((g.dtype for g in gys if g is not None), self.inputs[0].dtype)
        gys = [xp.zeros(piece, dtype) if g is None else g for g in gys]
        return ops.stack(gys, self.axis)


def separate(x, axis=0):
    """Cut ``x`` into its slices along ``axis`` (the inverse of :func:`stack`).

    >>> import numpy as np
    >>> x = np.arange(6, dtype=np.float32).reshape((2, 3))
    >>> [y.data for y in separate(x)]
    [array([0., 1., 2.], dtype=float32), array([3., 4., 5.], dtype=float32)]
    >>> len(separate(x, axis=1))
    3
    """
    return Separate(axis).apply((x,))


class Broadcast(FunctionNode):
    double_backprop = True
    label = 'broadcast'
    chain_rule = 'each gx = its gy summed over the axes that were broadcast'

    def forward(self, *xs):
        xp = backend.get_array_module(*xs)
        try:
            return tuple(xp.broadcast_arrays(*xs))
        except ValueError:
            raise ValueError(
                'broadcast: shapes {} cannot be broadcast together; each axis must '
                'have the same length or length 1 (counted from the last axis).'
                .format(', '.join(str(x.shape) for x in xs))) from None

    def backward(self, *gys):
        return tuple(None if g is None else _sum_to(g, node.shape)
                     for g, node in zip(gys, self.inputs))


def broadcast(*xs):
    """Broadcast the inputs against each other, numpy's rules; one input comes back as is.

    >>> import numpy as np
    >>> a, b = broadcast(np.zeros((2, 1), np.float32), np.ones(3, np.float32))
    >>> a.shape, b.shape
    ((2, 3), (2, 3))
    """
    if len(xs) == 1:
        from teachgrad.variable import as_variable
        return as_variable(xs[0])
    return Broadcast().apply(xs)


def _device_of(x):
    """-1 for a numpy array, the GPU id for a cupy one."""
    if isinstance(x, numpy.ndarray):
        return -1
    return x.device.id


def _device_id(dst):
    """Chainer's device specifiers as one number: -1 is the CPU, 0, 1, ... GPUs."""
    if hasattr(dst, 'device') and hasattr(dst.device, 'id'):
        return dst.device.id                     # a GPU device object
    if getattr(dst, 'xp', None) is numpy:
        return -1                                # a CPU device object
    if type(dst).__module__.startswith('cupy') and hasattr(dst, 'id'):
        return dst.id                            # a cupy.cuda.Device
    if isinstance(dst, str):
        name, _, index = dst.partition(':')
        if name == '@numpy' and not index:
            return -1
        if name == '@cupy' and index.isdigit():
            return int(index)
        if dst.lstrip('-').isdigit():
            return max(int(dst), -1)
    elif isinstance(dst, (int, numpy.integer)) and not isinstance(dst, bool):
        return max(int(dst), -1)
    raise ValueError(
        "copy: unknown device {!r}; use -1 or '@numpy' for the CPU, or a GPU "
        "number such as 0 or '@cupy:0'".format(dst))


class Copy(FunctionNode):
    double_backprop = True
    chain_rule = 'gx = gy copied back to the input\'s device'

    def __init__(self, dst):
        self.dst = dst

    @property
    def label(self):
        return 'copy(cpu)' if self.dst < 0 else 'copy(gpu {})'.format(self.dst)

    def forward(self, x):
        self.src = _device_of(x)
        return _send(x, self.dst)

    def backward(self, gy):
        if ops._is_variable(gy):
            return copy(gy, self.src)
        return _send(gy, self.src)


def _send(x, device):
    if device < 0:
        return backend.to_cpu(x)
    here = _device_of(x)
    if here == device:
        return x
    if here < 0:
        return backend.to_gpu(x, device)
    # GPU to GPU: cupy.asarray would hand back the same array, so copy.
    cupy = backend.get_array_module(x)
    with cupy.cuda.Device(device):
        return cupy.array(x, copy=True)


def copy(x, dst):
    """Copy ``x`` to a device: -1 or ``'@numpy'`` is the CPU, 0 or ``'@cupy:0'`` the first GPU.

    The gradient is copied back to where ``x`` was. An input already on
    ``dst`` is not copied.

    >>> import numpy as np
    >>> y = copy(np.ones(2, np.float32), -1)
    >>> type(y.data).__name__, y.data
    ('ndarray', array([1., 1.], dtype=float32))
    """
    return Copy(_device_id(dst)).apply((x,))[0]


class TransposeSequence(FunctionNode):
    double_backprop = True
    label = 'transpose_sequence'
    chain_rule = 'gxs = transpose_sequence(gys): the gradients transposed back'

    def forward(self, *xs):
        for i, (a, b) in enumerate(zip(xs, xs[1:])):
            if len(a) < len(b) or a.shape[1:] != b.shape[1:]:
                raise ValueError(
                    'transpose_sequence: sequence {} has shape {} and sequence {} has '
                    'shape {}; sort the sequences from longest to shortest (e.g. '
                    'sorted(xs, key=len, reverse=True)) and give them the same '
                    'shape after the first axis.'.format(i, a.shape, i + 1, b.shape))
        ys = _transpose_sequence(xs)
        self.shapes = [y.shape for y in ys]
        return ys

    def backward(self, *gys):
        xp = backend.get_array_module(*gys)
        dtype = next(g.dtype for g in gys if g is not None)
        # An output that is gone (nobody kept it) sends back zeros.
        gys = [xp.zeros(shape, dtype) if g is None else g for g, shape in zip(gys, self.shapes)]
        gxs = _transpose_sequence(gys)
        # Inputs that hold no time step at all (length 0) get empty grads.
        return gxs + tuple(xp.zeros(node.shape, dtype) for node in self.inputs[len(gxs):])


def _transpose_sequence(xs):
    # Output t holds the t-th row of every sequence that is longer than t.
    length = len(xs[0]) if xs else 0
    return tuple(ops.stack([x[t] for x in xs if len(x) > t], 0) for t in range(length))


def transpose_sequence(xs):
    """Turn a batch of sequences (longest first) into a sequence of batches.

    ``[(0, 1, 2, 3), (4, 5), (6,)]`` becomes ``[(0, 4, 6), (1, 5), (2,), (3,)]``:
    output ``t`` holds time step ``t`` of every sequence long enough to have it.

    >>> import numpy as np
    >>> xs = [np.array([1, 1, 1]), np.array([2, 2]), np.array([3])]
    >>> transpose_sequence(xs)
    (variable([1, 2, 3]), variable([1, 2]), variable([1]))
    """
    if not xs:
        return ()
    return TransposeSequence().apply(tuple(xs))


class SelectItem(FunctionNode):
    double_backprop = True
    label = 'select_item'
    chain_rule = 'gx = gy put at x[i, t[i]], 0 elsewhere'

    def forward(self, x, t):
        if t.dtype.kind not in 'iu':
            raise TypeError('select_item: t must hold ints (e.g. np.int32), but has '
                            'dtype {}; convert with t.astype(np.int32).'.format(t.dtype))
        if x.ndim != 2 or t.shape != x.shape[:1]:
            raise ValueError(
                'select_item: x has shape {} and t has shape {}; x must be 2-d '
                '(batch, choices) and t 1-d with one index per row, shape ({},).'
                .format(x.shape, t.shape, x.shape[0] if x.ndim else 'n'))
        if len(t) and (int(t.min()) < 0 or int(t.max()) >= x.shape[1]):
            raise ValueError('select_item: every index in t must be in 0..{} (x has {} '
                             'columns), but t holds {}'.format(
                                 x.shape[1] - 1, x.shape[1], backend.to_cpu(t).tolist()))
        xp = backend.get_array_module(x)
        self.rows = xp.arange(len(t))
        self.t = t
        return x[self.rows, t]

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        # gy spread over its row by a one-hot mask: a product, so it also
        # runs on Variables.
        onehot = xp.zeros(self.inputs[0].shape, dtype=gy.dtype)
        onehot[self.rows, ops.data(self.t)] = 1
        return ops.expand_dims(gy, 1) * onehot, None


def select_item(x, t):
    """``y[i] = x[i, t[i]]``: pick one element of each row.

    >>> import numpy as np
    >>> x = np.array([[0, 1, 2], [3, 4, 5]], np.float32)
    >>> select_item(x, np.array([0, 2], np.int32)).data
    array([0., 5.], dtype=float32)
    """
    return SelectItem().apply((x, t))[0]


class Where(FunctionNode):
    double_backprop = True
    label = 'where'
    chain_rule = 'gx = gy where condition, gy_y = gy elsewhere (summed back over broadcast axes)'

    def __init__(self, condition):
        self.condition = condition

    def forward(self, x, y):
        xp = backend.get_array_module(x, y)
        condition = xp.asarray(self.condition)
        if condition.dtype != bool:
            raise TypeError('where: condition must be a bool array (e.g. x.array > 0), but '
                            'has dtype {}'.format(condition.dtype))
        if x.dtype != y.dtype:
            raise TypeError('where: x has dtype {} and y has dtype {}; make them the same, '
                            'e.g. y.astype(x.dtype).'.format(x.dtype, y.dtype))
        try:
            numpy.broadcast_shapes(condition.shape, x.shape, y.shape)
        except ValueError:
            raise ValueError('where: condition {}, x {} and y {} cannot be broadcast '
                             'together'.format(condition.shape, x.shape, y.shape)) from None
        self.condition = condition
        return xp.where(condition, x, y)

    def backward(self, gy):
        c = self.condition
        return (_sum_to(gy * c, self.inputs[0].shape),
                _sum_to(gy * ~c, self.inputs[1].shape))


def where(condition, x, y):
    """``x`` where ``condition`` is True, ``y`` elsewhere (they broadcast).

    Each of ``x`` and ``y`` gets the gradient of the elements it gave.

    >>> import numpy as np
    >>> cond = np.array([[True, False], [False, True]])
    >>> where(cond, np.array([[1, 2], [3, 4]], np.float32), np.zeros((2, 2), np.float32)).data
    array([[1., 0.],
           [0., 4.]], dtype=float32)
    """
    if hasattr(condition, 'data') and not backend.is_array(condition):
        condition = condition.data       # a Variable holding the condition
    return Where(condition).apply((x, y))[0]


class Flip(FunctionNode):
    double_backprop = True
    chain_rule = 'gx = gy flipped back'

    def __init__(self, axis):
        self.axis = axis

    @property
    def label(self):
        return 'flip({})'.format(self.axis)

    def forward(self, x):
        if not isinstance(self.axis, int) or not -x.ndim <= self.axis < x.ndim:
            raise ValueError('flip: axis {!r} is out of range for an input of shape {}; '
                             'give one int axis'.format(self.axis, x.shape))
        return backend.get_array_module(x).flip(x, self.axis)

    def backward(self, gy):
        return ops.flip(gy, self.axis)


def flip(x, axis):
    """Reverse the order of elements along ``axis``.

    >>> import numpy as np
    >>> flip(np.array([[1., 2.], [3., 4.]]), 1).data
    array([[2., 1.],
           [4., 3.]])
    """
    return Flip(axis).apply((x,))[0]


def fliplr(a):
    """Reverse the columns: :func:`flip` along axis 1 (the input needs at least 2 axes).

    >>> import numpy as np
    >>> fliplr(np.array([[1., 2.]])).data
    array([[2., 1.]])
    """
    return flip(a, 1)


def flipud(a):
    """Reverse the rows: :func:`flip` along axis 0.

    >>> import numpy as np
    >>> flipud(np.array([[1., 2.], [3., 4.]])).data
    array([[3., 4.],
           [1., 2.]])
    """
    return flip(a, 0)


class Pad(FunctionNode):
    double_backprop = True
    label = 'pad'
    chain_rule = 'gx = gy with the padding cut off'

    def __init__(self, pad_width, mode='constant', constant_values=0):
        if mode != 'constant':
            raise ValueError(
                "pad: only mode='constant' is supported (its gradient is the middle of gy), "
                'but got {!r}'.format(mode))
        self.pad_width, self.constant_values = pad_width, constant_values

    def forward(self, x):
        try:
            widths = numpy.broadcast_to(numpy.asarray(self.pad_width, dtype=int), (x.ndim, 2))
        except ValueError:
            raise ValueError(
                'pad: pad_width {!r} does not fit an input of shape {}; give one int, one '
                '(before, after) pair, or one pair per axis'.format(self.pad_width, x.shape)
            ) from None
        if (widths < 0).any():
            raise ValueError('pad: pad_width must not be negative, but got {!r}'.format(
                self.pad_width))
        self.middle = tuple(slice(b, b + n) for (b, _), n in zip(widths.tolist(), x.shape))
        xp = backend.get_array_module(x)
        return xp.pad(x, widths.tolist(), mode='constant', constant_values=self.constant_values)

    def backward(self, gy):
        return gy[self.middle]


def pad(x, pad_width, mode, **keywords):
    """Pad ``x`` with a constant (``mode='constant'``, ``constant_values=0`` by default).

    ``pad_width`` is as in ``numpy.pad``: one int, one ``(before, after)``
    pair for every axis, or one pair per axis.

    >>> import numpy as np
    >>> pad(np.array([[1., 2.]]), ((0, 0), (1, 2)), 'constant').data
    array([[0., 1., 2., 0., 0.]])
    """
    return Pad(pad_width, mode, **keywords).apply((x,))[0]
