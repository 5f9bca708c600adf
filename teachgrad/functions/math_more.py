"""The rest of Chainer's elementwise math and a few array helpers: arctanh, arctan2,
fmod, fix, cumprod, rollaxis, batch_l2_norm_squared, linear_interpolate, and the
broadcasting product and sum ``scale`` and ``bias`` (what L.Scale and L.Bias call).

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([1., 2., 3.]))
>>> y = cumprod(x)
>>> y.data
array([1., 2., 6.])
>>> y.grad = np.ones(3)
>>> y.backward()
>>> x.grad          # d(x0 + x0 x1 + x0 x1 x2)/dx = (1 + x1 + x1 x2, x0 + x0 x2, x0 x1)
array([9., 4., 2.])
"""
import numpy

from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops
from teachgrad.functions import _ufuncs
from teachgrad.functions.math import _no_gradient
from teachgrad.utils import sum_to as _sum_to


def _check_float(name, *xs):
    for x in xs:
        if x.dtype.kind != 'f':
            raise TypeError('{}: the inputs must be float arrays, but got dtype {} (shape '
                            '{}); convert with x.astype(numpy.float32)'.format(
                                name, x.dtype, x.shape))


def _check_same_shape(name, names, xs):
    if len({x.shape for x in xs}) > 1:
        raise ValueError('{}: {} must have the same shape, but got {}'.format(
            name, ', '.join(names), ', '.join(str(x.shape) for x in xs)))


def _check_broadcast(name, a, b):
    try:
        return numpy.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError('{}: shapes {} and {} do not broadcast together; make them equal or '
                         'give one of them 1 where they differ'.format(
                             name, a.shape, b.shape)) from None


class Arctanh(FunctionNode):
    double_backprop = True
    label = 'arctanh'
    chain_rule = ('{gy} / (1 - {0}²)',)

    def forward(self, x):
        _check_float('arctanh', x)
        self.x = x
        return _ufuncs.arctanh(x)

    def backward(self, gy):
        return gy / (1 - self.x * self.x)


def arctanh(x):
    """Elementwise inverse hyperbolic tangent, for -1 < x < 1.

    >>> import numpy as np
    >>> arctanh(np.array([0., 0.5])).data          # log 3 / 2 = 0.549...
    array([0.        , 0.54930614])
    """
    return Arctanh().apply((x,))[0]


class Arctan2(FunctionNode):
    double_backprop = True
    label = 'arctan2'
    chain_rule = ('{1} / ({0}² + {1}²) · {gy}', '-{0} / ({0}² + {1}²) · {gy}')

    def forward(self, x1, x2):
        _check_float('arctan2', x1, x2)
        _check_broadcast('arctan2', x1, x2)
        self.x1, self.x2 = x1, x2
        return _ufuncs.arctan2(x1, x2)

    def backward(self, gy):
        # the angle of the point (x2, x1): d/dx1 = x2 / r², d/dx2 = -x1 / r²
        x1, x2 = self.x1, self.x2
        r2 = x1 * x1 + x2 * x2
        return (_sum_to(gy * x2 / r2, self.inputs[0].shape),
                _sum_to(-gy * x1 / r2, self.inputs[1].shape))


def arctan2(x1, x2):
    """Elementwise angle of the point (x2, x1) in radians, in [-pi, pi] (the arctangent
    of x1 / x2 in the right quadrant).

    >>> import numpy as np
    >>> arctan2(np.array([1., 1.]), np.array([1., -1.])).data * 4 / np.pi
    array([1., 3.])
    """
    return Arctan2().apply((x1, x2))[0]


class Fmod(FunctionNode):
    double_backprop = True
    label = 'fmod'
    chain_rule = ('{gy}', '-fix({0} / {1}) · {gy}')

    def forward(self, x, divisor):
        _check_float('fmod', x, divisor)
        _check_broadcast('fmod', x, divisor)
        xp = backend.get_array_module(x)
        self.quotient = xp.fix(x / divisor)          # a step function: a constant here
        return xp.asarray(xp.fmod(x, divisor))

    def backward(self, gy):
        # fmod(x, d) = x - fix(x / d) · d, with fix(x / d) flat between its jumps
        return (_sum_to(gy, self.inputs[0].shape),
                _sum_to(-gy * self.quotient, self.inputs[1].shape))


def fmod(x, divisor):
    """Elementwise remainder of ``x / divisor`` that has the sign of ``x`` (C's fmod).

    >>> import numpy as np
    >>> fmod(np.array([5.5, -5.5]), np.array([2., 2.])).data
    array([ 1.5, -1.5])
    """
    return Fmod().apply((x, divisor))[0]


def fix(x):
    """Elementwise round towards zero; no gradient (the result is cut from the graph).

    >>> import numpy as np
    >>> fix(np.array([-1.5, 1.5])).data
    array([-1.,  1.])
    """
    return _no_gradient(x, 'fix')


class Cumprod(FunctionNode):
    double_backprop = True
    label = 'cumprod'
    chain_rule = ('gx_i = y_(i-1) · (gy_i + x_(i+1) · (gy_(i+1) + x_(i+2) · (...)))',)

    def __init__(self, axis=None):
        if axis is not None and not isinstance(axis, int):
            raise TypeError('cumprod: axis must be an int or None, but got {!r}'.format(axis))
        self.axis = axis

    def forward(self, x):
        _check_float('cumprod', x)
        if self.axis is not None and not -x.ndim <= self.axis < x.ndim:
            raise ValueError('cumprod: axis {} is out of range for an input of shape {}'
                             .format(self.axis, x.shape))
        self.x = x
        self.y = y = backend.get_array_module(x).cumprod(x, axis=self.axis)
        return y

    def backward(self, gy):
        # y_j = x_0 ... x_j, so x_i's grad is y_(i-1) · S_i with S_i = sum over j >= i of
        # gy_j x_(i+1) ... x_j, i.e. S_i = gy_i + x_(i+1) S_(i+1) from the end backwards.
        # No division by x, so zeros in x are fine.
        x, y = self.x, self.y
        if self.axis is None:
            x, axis = ops.reshape(x, (-1,)), 0
        else:
            axis = self.axis % x.ndim
        n = x.shape[axis]
        if n == 0:
            return gy
        xs = ops.split(x, n, axis)
        ys = ops.split(ops.reshape(y, x.shape), n, axis)
        gys = ops.split(ops.reshape(gy, x.shape), n, axis)
        s = gys[-1]
        gxs = [None] * n
        for i in range(n - 1, -1, -1):
            if i < n - 1:
                s = gys[i] + xs[i + 1] * s
            gxs[i] = s if i == 0 else ys[i - 1] * s
        gx = gxs[0] if n == 1 else ops.concatenate(gxs, axis)
        return ops.reshape(gx, self.inputs[0].shape)


def cumprod(x, axis=None):
    """Running product of the elements along ``axis`` (all of them, flattened, for None).

    >>> import numpy as np
    >>> cumprod(np.array([[1., 2.], [3., 4.]]), axis=0).data
    array([[1., 2.],
           [3., 8.]])
    """
    return Cumprod(axis).apply((x,))[0]


class Rollaxis(FunctionNode):
    double_backprop = True
    label = 'rollaxis'
    chain_rule = 'gx = gy with the axis rolled back to where it was'

    def __init__(self, axis, start=0):
        for name, value in (('axis', axis), ('start', start)):
            if not isinstance(value, (int, numpy.integer)):
                raise TypeError('rollaxis: {} must be an int, but got {!r}'.format(name, value))
        self.axis, self.start = int(axis), int(start)

    def forward(self, x):
        ndim = x.ndim
        if not -ndim <= self.axis < ndim:
            raise ValueError('rollaxis: axis {} is out of range for an input of shape {}'
                             .format(self.axis, x.shape))
        if not -ndim <= self.start <= ndim:
            raise ValueError('rollaxis: start {} must be between {} and {} for an input of '
                             'shape {}'.format(self.start, -ndim, ndim, x.shape))
        axis, start = self.axis % ndim, self.start + ndim if self.start < 0 else self.start
        # numpy's rollaxis puts the axis before position start, i.e. at start - 1 when the
        # axis came from before it
        self.source, self.destination = axis, start - 1 if start > axis else start
        return backend.get_array_module(x).moveaxis(x, self.source, self.destination)

    def backward(self, gy):
        return ops.moveaxis(gy, self.destination, self.source)


def rollaxis(x, axis, start=0):
    """Move axis ``axis`` so that it comes just before position ``start``
    (``numpy.rollaxis``).

    >>> import numpy as np
    >>> rollaxis(np.zeros((2, 3, 4)), 2).shape
    (4, 2, 3)
    >>> rollaxis(np.zeros((2, 3, 4)), 0, 2).shape
    (3, 2, 4)
    """
    return Rollaxis(axis, start).apply((x,))[0]


class BatchL2NormSquared(FunctionNode):
    double_backprop = True
    label = 'batch_l2_norm_squared'
    chain_rule = ('2 · {0} · {gy}',)

    def forward(self, x):
        _check_float('batch_l2_norm_squared', x)
        if x.ndim < 1:
            raise ValueError('batch_l2_norm_squared: x must have a batch axis first, but got '
                             'a 0-dimensional array; pass x of shape (batch, ...)')
        self.x = x
        flat = x.reshape(len(x), -1)
        return (flat * flat).sum(axis=1)

    def backward(self, gy):
        x = self.x
        return ops.reshape(gy, (len(x),) + (1,) * (x.ndim - 1)) * x * 2


def batch_l2_norm_squared(x):
    """The squared length of each sample: x of shape (batch, ...) gives shape (batch,).

    >>> import numpy as np
    >>> batch_l2_norm_squared(np.array([[3., 4.], [1., 2.]])).data
    array([25.,  5.])
    """
    return BatchL2NormSquared().apply((x,))[0]


class LinearInterpolate(FunctionNode):
    double_backprop = True
    label = 'linear_interpolate'
    chain_rule = ('({1} - {2}) · {gy}', '{0} · {gy}', '(1 - {0}) · {gy}')

    def forward(self, p, x, y):
        _check_float('linear_interpolate', p, x, y)
        _check_same_shape('linear_interpolate', ('p', 'x', 'y'), (p, x, y))
        self.p, self.x, self.y = p, x, y
        return p * x + (1 - p) * y

    def backward(self, gy):
        p = self.p
        return gy * (self.x - self.y), gy * p, gy * (1 - p)


def linear_interpolate(p, x, y):
    """Elementwise ``p * x + (1 - p) * y``: x where p is 1, y where p is 0.

    >>> import numpy as np
    >>> linear_interpolate(np.array([0., 0.25, 1.]), np.array([4., 4., 4.]),
    ...                    np.array([0., 0., 0.])).data
    array([0., 1., 4.])
    """
    return LinearInterpolate().apply((p, x, y))[0]


def _along(name, x, y, axis):
    """y reshaped so that numpy broadcasting lays it along x's axes axis, axis + 1, ..."""
    from teachgrad import functions as F
    x_shape, y_shape = tuple(x.shape), tuple(y.shape)
    if not isinstance(axis, (int, numpy.integer)) or not 0 <= axis <= len(x_shape) - len(y_shape) \
            or x_shape[axis:axis + len(y_shape)] != y_shape:
        raise ValueError(
            '{0}: y of shape {1} must match x of shape {2} from axis {3} on, i.e. '
            'x.shape[{3}:{3} + y.ndim] == y.shape; pick the axis of x where y starts'.format(
                name, y_shape, x_shape, axis))
    shape = (1,) * axis + y_shape + (1,) * (len(x_shape) - axis - len(y_shape))
    return F.broadcast_to(F.reshape(y, shape), x_shape)


def scale(x, y, axis=1):
    """Elementwise ``x * y`` with y laid along x's axes from ``axis`` on (Caffe's Scale):
    x of shape (100, 3, 40, 5, 6) and y of shape (3, 40) with axis=1 multiply as numpy
    would with y of shape (1, 3, 40, 1, 1).

    >>> import numpy as np
    >>> x = np.ones((2, 3, 2))
    >>> scale(x, np.array([1., 2., 3.]), axis=1).data[0]
    array([[1., 1.],
           [2., 2.],
           [3., 3.]])
    """
    from teachgrad import functions as F
    return F.mul(x, _along('scale', x, y, axis))


def bias(x, y, axis=1):
    """Elementwise ``x + y`` with y laid along x's axes from ``axis`` on, as in
    :func:`scale`.

    >>> import numpy as np
    >>> bias(np.zeros((2, 3)), np.array([1., 2., 3.])).data
    array([[1., 2., 3.],
           [1., 2., 3.]])
    """
    from teachgrad import functions as F
    return F.add(x, _along('bias', x, y, axis))


# -- scatter_add and pad_sequence ---------------------------------------------------------

def _take(x, index):
    """``x[index]`` of an array, F.get_item of a Variable (for double backprop)."""
    if ops._is_variable(x):
        from teachgrad import functions as F
        return F.get_item(x, index)
    return x[index]


def _as_index(slices):
    if isinstance(slices, list) and all(isinstance(s, (int, numpy.integer)) for s in slices):
        return (slices,)                  # a list of ints picks rows, as one index array
    if isinstance(slices, list):
        return tuple(slices)
    return slices if isinstance(slices, tuple) else (slices,)


class ScatterAdd(FunctionNode):
    double_backprop = True
    label = 'scatter_add'
    chain_rule = ('{gy}', '{gy}[slices]')

    def __init__(self, slices):
        self.slices = _as_index(slices)
        if sum(s is Ellipsis for s in self.slices) > 1:
            raise ValueError('scatter_add: slices may hold one Ellipsis (...), but hold {}'
                             .format(sum(s is Ellipsis for s in self.slices)))

    def forward(self, a, b):
        xp = backend.get_array_module(a)
        y = a.copy()                          # a itself is never changed
        try:
            target = y[self.slices].shape
        except IndexError as error:
            raise ValueError('scatter_add: the slices {!r} do not fit a of shape {}: {}'.format(
                self.slices, a.shape, error)) from None
        if target != b.shape:
            raise ValueError('scatter_add: b must have the shape of a[slices], {}, but has shape '
                             '{} (b is not broadcast)'.format(target, b.shape))
        if b.dtype != a.dtype:
            raise TypeError('scatter_add: a and b must have one dtype, but they are {} and {}'
                            .format(a.dtype, b.dtype))
        if xp is numpy:
            numpy.add.at(y, self.slices, b)   # repeated indices add up, unlike y[s] += b
        else:
            import cupyx
            cupyx.scatter_add(y, self.slices, b)
        return y

    def backward(self, gy):
        return gy, _take(gy, self.slices)


def scatter_add(a, slices, b):
    """A copy of ``a`` with ``b`` added at ``a[slices]``; an index that repeats adds each
    time (``numpy.add.at``). ``b`` must have the shape of ``a[slices]``.

    >>> import numpy as np
    >>> scatter_add(np.zeros(3), np.array([0, 2, 0]), np.array([1., 2., 3.])).data
    array([4., 0., 2.])
    """
    return ScatterAdd(slices).apply((a, b))[0]


class PadSequence(FunctionNode):
    double_backprop = True
    label = 'pad_sequence'
    chain_rule = 'gx_i = gy[i, :len(x_i)]'

    def __init__(self, length=None, padding=0):
        if length is not None and (not isinstance(length, (int, numpy.integer)) or length < 0):
            raise ValueError('pad_sequence: length must be None or an int >= 0, but got {!r}'
                             .format(length))
        self.length, self.padding = length, padding

    def forward(self, *xs):
        if not xs:
            raise ValueError('pad_sequence: give at least one array')
        first = xs[0]
        for i, x in enumerate(xs):
            if x.ndim == 0 or x.shape[1:] != first.shape[1:] or x.dtype != first.dtype:
                raise ValueError(
                    'pad_sequence: every array needs a length axis first and the same other '
                    'axes and dtype as the first ({}, {}), but array {} has shape {} and dtype '
                    '{}'.format(first.shape, first.dtype, i, x.shape, x.dtype))
        longest = max(len(x) for x in xs)
        length = longest if self.length is None else self.length
        if longest > length:
            raise ValueError('pad_sequence: length={} is shorter than the longest array ({}); '
                             'give a larger length or None'.format(length, longest))
        xp = backend.get_array_module(first)
        y = xp.full((len(xs), length) + first.shape[1:], self.padding, dtype=first.dtype)
        for i, x in enumerate(xs):
            y[i, :len(x)] = x
        return y

    def backward(self, gy):
        return tuple(_take(gy, (i, slice(0, node.shape[0])))
                     for i, node in enumerate(self.inputs))


def pad_sequence(xs, length=None, padding=0):
    """Stack arrays of different lengths into one of shape (len(xs), length, ...), each
    padded at its end with ``padding``; ``length`` None means the longest one's.

    >>> import numpy as np
    >>> pad_sequence([np.array([1., 2., 3.]), np.array([4.])], padding=-1).data
    array([[ 1.,  2.,  3.],
           [ 4., -1., -1.]])
    """
    return PadSequence(length, padding).apply(tuple(xs))[0]


# -- resize_images and im2col -------------------------------------------------------------

def _interpolation_matrix(out_size, in_size, mode, align_corners, xp, dtype):
    """The (out_size, in_size) matrix M with ``M @ column`` the resized column: each
    row holds the weights (1 - w, w) of the two input pixels an output pixel lies
    between (one weight 1 for 'nearest')."""
    out_index = numpy.arange(out_size, dtype=numpy.float64)
    if mode == 'nearest':
        where = numpy.minimum(numpy.floor(out_index * (in_size / out_size)), in_size - 1)
    elif align_corners:                   # the first and last pixels line up
        where = numpy.linspace(0, in_size - 1, num=out_size)
    else:                                 # pixel centres line up, as OpenCV does
        where = numpy.maximum((out_index + 0.5) * (in_size / out_size) - 0.5, 0)
    weight, left = numpy.modf(where)
    left = left.astype(numpy.intp)
    right = numpy.minimum(left + 1, in_size - 1)
    matrix = numpy.zeros((out_size, in_size))
    rows = numpy.arange(out_size)
    numpy.add.at(matrix, (rows, left), 1 - weight)
    numpy.add.at(matrix, (rows, right), weight)
    return xp.asarray(matrix, dtype=dtype)


class ResizeImages(FunctionNode):
    double_backprop = True
    label = 'resize_images'
    chain_rule = 'gx = Mhᵀ @ gy @ Mw, the interpolation weights sent back'

    def __init__(self, output_shape, mode='bilinear', align_corners=True):
        if mode not in ('bilinear', 'nearest'):
            raise ValueError("resize_images: mode must be 'bilinear' or 'nearest', but got "
                             '{!r}'.format(mode))
        if len(tuple(output_shape)) != 2 or any(int(n) < 1 for n in output_shape):
            raise ValueError('resize_images: output_shape must be (height, width) with both at '
                             'least 1, but got {!r}'.format(output_shape))
        self.output_shape = tuple(int(n) for n in output_shape)
        self.mode, self.align_corners = mode, align_corners

    def forward(self, x):
        if x.ndim != 4:
            raise ValueError('resize_images: x must be images of shape (batch, channels, '
                             'height, width), but has shape {}'.format(x.shape))
        _check_float('resize_images', x)
        xp = backend.get_array_module(x)
        (out_h, out_w), (h, w) = self.output_shape, x.shape[2:]
        # A resize works on each axis alone: rows by one matrix, columns by another.
        self.mh = _interpolation_matrix(out_h, h, self.mode, self.align_corners, xp, x.dtype)
        self.mw = _interpolation_matrix(out_w, w, self.mode, self.align_corners, xp, x.dtype)
        return xp.asarray(self.mh @ x @ self.mw.T)

    def backward(self, gy):
        return ops.matmul(ops.matmul(self.mh.T, gy), self.mw)


def resize_images(x, output_shape, *, mode='bilinear', align_corners=True):
    """Resize images of shape (batch, channels, height, width) to ``output_shape``
    (height, width), by 'bilinear' interpolation or the 'nearest' pixel; with
    ``align_corners`` the corner pixels of input and output coincide.

    >>> import numpy as np
    >>> x = np.array([[[[0., 3.]]]])                 # one image, one row of two pixels
    >>> resize_images(x, (1, 4)).data
    array([[[[0., 1., 2., 3.]]]])
    >>> resize_images(x, (1, 4), mode='nearest').data
    array([[[[0., 0., 3., 3.]]]])
    """
    return ResizeImages(output_shape, mode, align_corners).apply((x,))[0]


def _im2col_settings(ksize, stride, pad, dilate):
    from teachgrad.functions.convolution_nd import _tuple
    return tuple(_tuple(v, 2, name) for v, name in
                 ((ksize, 'ksize'), (stride, 'stride'), (pad, 'pad'), (dilate, 'dilate')))


class Im2Col(FunctionNode):
    double_backprop = True
    label = 'im2col'
    chain_rule = 'gx = each patch of gy added back where it was taken from (col2im)'

    def __init__(self, ksize, stride=1, pad=0, cover_all=False, dilate=1):
        self.ksize, self.stride, self.pad, self.dilate = _im2col_settings(
            ksize, stride, pad, dilate)
        self.cover_all = cover_all

    def forward(self, x):
        from teachgrad.functions.convolution_nd import get_conv_outsize, im2col_nd
        if x.ndim != 4:
            raise ValueError('im2col: x must be images of shape (batch, channels, height, '
                             'width), but has shape {}'.format(x.shape))
        outs = tuple(get_conv_outsize(n, k, s, p, self.cover_all, d) for n, k, s, p, d in
                     zip(x.shape[2:], self.ksize, self.stride, self.pad, self.dilate))
        if min(outs) <= 0:
            raise ValueError('im2col: a {} window (pad {}, dilate {}) does not fit in images of '
                             'size {}'.format(self.ksize, self.pad, self.dilate, x.shape[2:]))
        self.image_size, self.outs = x.shape[2:], outs
        col = im2col_nd(x, self.ksize, self.stride, self.pad, self.dilate, outs)
        n, c = x.shape[:2]
        return col.reshape((n, c * self.ksize[0] * self.ksize[1]) + outs)

    def backward(self, gy):
        return _col2im(gy, self)


class Col2Im(FunctionNode):
    """The backward of im2col, as a function of its own so it differentiates again."""
    double_backprop = True
    label = 'col2im'
    chain_rule = 'gx = im2col(gy), the patches taken again'

    def __init__(self, settings):
        self.settings = settings

    def forward(self, col):
        from teachgrad.functions.convolution_nd import col2im_nd
        s = self.settings
        n = col.shape[0]
        col = col.reshape((n, -1) + s.ksize + s.outs)
        return col2im_nd(col, s.stride, s.pad, s.dilate, s.image_size)

    def backward(self, gy):
        s = self.settings
        return Im2Col(s.ksize, s.stride, s.pad, s.cover_all, s.dilate).apply((gy,))[0] \
            if ops._is_variable(gy) else Im2Col(s.ksize, s.stride, s.pad, s.cover_all,
                                                s.dilate).forward(gy)


def _col2im(gy, settings):
    if ops._is_variable(gy):
        return Col2Im(settings).apply((gy,))[0]
    return Col2Im(settings).forward(gy)


def im2col(x, ksize, stride=1, pad=0, cover_all=False, dilate=1):
    """The patches a 2-D convolution multiplies by its filter: images (N, C, H, W) give
    (N, C * kh * kw, out_h, out_w), the channel axis holding each patch (channel by
    channel, then row by row); ``ksize``, ``stride``, ``pad`` and ``dilate`` are ints
    or (height, width) pairs.

    >>> import numpy as np
    >>> x = np.arange(9.).reshape(1, 1, 3, 3)
    >>> col = im2col(x, 2)
    >>> col.shape
    (1, 4, 2, 2)
    >>> col.data[0, :, 0, 0]                          # the top-left 2x2 patch
    array([0., 1., 3., 4.])
    """
    return Im2Col(ksize, stride, pad, cover_all, dilate).apply((x,))[0]
