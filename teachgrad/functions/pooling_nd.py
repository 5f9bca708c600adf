"""Pooling and unpooling in any number of dimensions: 1-d signals, 3-d volumes...

The same steps as the 2-d functions (``functions/pooling.py``,
``functions/unpooling.py``), with the N-d window copy of the convolutions
(``im2col_nd`` and ``col2im_nd`` in ``functions/convolution_nd.py``): copy
every window into a column, then take each column's maximum or mean. The
unpooling runs that backwards and copies each value onto its window. On
images (batch, channels, height, width) they give exactly what the 2-d
functions give.

>>> import numpy as np
>>> x = np.array([[[1., 5., 2., 0., 3.]]], 'f')        # (batch, channels, length)
>>> max_pooling_1d(x, 2).data                           # cover_all: a last window of one
array([[[5., 2., 3.]]], dtype=float32)
>>> average_pooling_1d(x, 2).data                       # no cover_all: the 3 is left out
array([[[3., 1.]]], dtype=float32)
"""
import numbers

from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.functions.convolution_nd import (
    _tuple, col2im_nd, get_conv_outsize, get_deconv_outsize, im2col_nd)


def _spatial_names(nd):
    return ', '.join('d{}'.format(i + 1) for i in range(nd))


class _PoolingND(FunctionNode):

    def __init__(self, ndim, ksize, stride=None, pad=0, cover_all=True):
        self.ndim = ndim
        name = self.label
        self.ksize = _tuple(ksize, ndim, name + ' ksize')
        self.stride = _tuple(ksize if stride is None else stride, ndim, name + ' stride')
        self.pad = _tuple(pad, ndim, name + ' pad')
        if min(self.ksize) < 1 or min(self.stride) < 1 or min(self.pad) < 0:
            raise ValueError('{}: ksize and stride must be at least 1 and pad at least 0, '
                             'but got ksize={}, stride={}, pad={}'.format(
                                 name, self.ksize, self.stride, self.pad))
        self.cover_all = cover_all
        self.dilate = (1,) * ndim

    def _out_shape(self, x):
        nd, name = self.ndim, self.label
        if x.ndim != nd + 2:
            raise ValueError('{} needs x of shape (batch, channels, {}), but got shape {}'
                             .format(name, _spatial_names(nd), x.shape))
        if x.dtype.kind != 'f':
            raise TypeError('{}: x must be a float array, but has dtype {}; convert it with '
                            'x.astype(np.float32)'.format(name, x.dtype))
        outs = tuple(get_conv_outsize(h, k, s, p, self.cover_all)
                     for h, k, s, p in zip(x.shape[2:], self.ksize, self.stride, self.pad))
        if min(outs) <= 0:
            raise ValueError('{}: the window {} (pad {}) does not fit in an input of spatial '
                             'size {}; use a smaller ksize or more padding'.format(
                                 name, self.ksize, self.pad, x.shape[2:]))
        return outs

    def _col2im(self, gcol):
        return col2im_nd(gcol, self.stride, self.pad, self.dilate, self.inputs[0].shape[2:])


class MaxPoolingND(_PoolingND):
    first_order_reason = ('its backward scatters gy to the winning positions (col2im) on '
                          'arrays; a backward written as a function of Variables is not there '
                          'yet')
    chain_rule = ('{gy} sent to the largest element of each window, 0 elsewhere',)

    @property
    def label(self):
        return 'max_pooling_{}d'.format(self.ndim)

    def forward(self, x):
        xp = backend.get_array_module(x)
        outs = self._out_shape(x)
        # Padding is -inf so a padded position is never the maximum.
        col = im2col_nd(x, self.ksize, self.stride, self.pad, self.dilate, outs,
                        pval=-float('inf'))
        n, c = x.shape[:2]
        self.col_shape = col.shape
        col = col.reshape((n, c, -1) + outs)
        self.indexes = col.argmax(axis=2)          # where each maximum came from
        return xp.take_along_axis(col, self.indexes[:, :, None], axis=2)[:, :, 0]

    def backward(self, gy):
        # Only the maximum of each window moved the output: it alone gets gy.
        xp = backend.get_array_module(gy)
        n, c = gy.shape[:2]
        gcol = xp.zeros((n, c, _prod(self.ksize)) + gy.shape[2:], dtype=gy.dtype)
        xp.put_along_axis(gcol, self.indexes[:, :, None], gy[:, :, None], axis=2)
        return self._col2im(gcol.reshape(self.col_shape))


def _prod(values):
    p = 1
    for v in values:
        p *= v
    return p


class AveragePoolingND(_PoolingND):
    first_order_reason = ('its backward spreads gy over each window (col2im) on arrays; a '
                          'backward written as a function of Variables is not there yet')
    chain_rule = ('{gy} / window size, spread over each window',)

    def __init__(self, ndim, ksize, stride=None, pad=0, pad_value=0):
        if pad_value is not None and not (isinstance(pad_value, numbers.Number)
                                          and pad_value == 0):
            raise ValueError('{}: pad_value must be 0 (padding counts as zeros in the mean) or '
                             'None (padding is left out of the mean), not {!r}'.format(
                                 'average_pooling_{}d'.format(ndim), pad_value))
        self.pad_value = pad_value
        super().__init__(ndim, ksize, stride, pad, cover_all=False)

    @property
    def label(self):
        return 'average_pooling_{}d'.format(self.ndim)

    def forward(self, x):
        xp = backend.get_array_module(x)
        outs = self._out_shape(x)
        col = im2col_nd(x, self.ksize, self.stride, self.pad, self.dilate, outs)
        self.col_shape = col.shape
        axes = tuple(range(2, 2 + self.ndim))
        if self.pad_value is not None:
            self.width = None
            return col.mean(axis=axes, dtype=x.dtype)
        # Divide by the number of real (unpadded) inputs in each window.
        ones = xp.ones((1, 1) + x.shape[2:], dtype=x.dtype)
        self.width = im2col_nd(ones, self.ksize, self.stride, self.pad, self.dilate,
                               outs).sum(axis=axes)
        return (col.sum(axis=axes) / self.width).astype(x.dtype, copy=False)

    def backward(self, gy):
        # Each input in a window moved the mean by 1/(window size) of its change.
        xp = backend.get_array_module(gy)
        share = gy / _prod(self.ksize) if self.width is None else \
            (gy / self.width).astype(gy.dtype, copy=False)
        expand = (slice(None), slice(None)) + (None,) * self.ndim
        return self._col2im(xp.broadcast_to(share[expand], self.col_shape))


class UnpoolingND(_PoolingND):
    first_order_reason = ('its backward sums gy over each window (im2col) on arrays; a '
                          'backward written as a function of Variables is not there yet')
    chain_rule = ('{gy} summed over each window the value was copied to',)

    def __init__(self, ndim, ksize, stride=None, pad=0, outsize=None, cover_all=True):
        super().__init__(ndim, ksize, stride, pad, cover_all)
        self.outsize = None if outsize is None else _tuple(outsize, ndim, self.label +
                                                            ' outsize')

    @property
    def label(self):
        return 'unpooling_{}d'.format(self.ndim)

    def _unpooled_shape(self, x):
        nd, name = self.ndim, self.label
        if x.ndim != nd + 2:
            raise ValueError('{} needs x of shape (batch, channels, {}), but got shape {}'
                             .format(name, _spatial_names(nd), x.shape))
        size = x.shape[2:]
        settings = list(zip(self.ksize, self.stride, self.pad))
        natural = tuple(get_deconv_outsize(h, k, s, p, self.cover_all)
                        for h, (k, s, p) in zip(size, settings))
        out = natural if self.outsize is None else self.outsize
        back = tuple(get_conv_outsize(o, k, s, p, self.cover_all)
                     for o, (k, s, p) in zip(out, settings))
        if back != size:
            raise ValueError(
                '{}: pooling an input of size {} with ksize {}, stride {} gives {}, not '
                'the input size {}; leave outsize=None to get {}'.format(
                    name, out, self.ksize, self.stride, back, size, natural))
        return out

    def forward(self, x):
        xp = backend.get_array_module(x)
        out = self._unpooled_shape(x)
        expand = (slice(None), slice(None)) + (None,) * self.ndim
        col = xp.broadcast_to(x[expand], x.shape[:2] + self.ksize + x.shape[2:])
        return col2im_nd(col, self.stride, self.pad, self.dilate, out)

    def backward(self, gy):
        # Each input value was copied to a whole window: it gets the window's sum.
        col = im2col_nd(gy, self.ksize, self.stride, self.pad, self.dilate,
                        self.inputs[0].shape[2:])
        return col.sum(axis=tuple(range(2, 2 + self.ndim)))


def _check_ndim(name, x, nd):
    if len(x.shape) != nd + 2:
        raise ValueError('{} needs x of shape (batch, channels, {}), but got shape {}'
                         .format(name, _spatial_names(nd), x.shape))


def _spatial_ndim(name, x):
    if len(x.shape) < 3:
        raise ValueError('{} needs x of shape (batch, channels, d1, ...) with at least one '
                         'spatial axis, but got shape {}'.format(name, x.shape))
    return len(x.shape) - 2


def max_pooling_nd(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False):
    """The largest value of each window, in as many spatial dimensions as ``x`` has.

    Args:
        x: input of shape (batch, channels, d1, ..., dN).
        ksize: window size, an int or one per spatial axis.
        stride: step between windows; defaults to ``ksize`` (no overlap).
        pad: -inf padding on both sides of each spatial axis.
        cover_all: also place a window where the input ends mid-window.
        return_indices: also return where in each window its maximum is
            (a flat index into the window, as from ``max_pooling_2d``).

    First-order only: its backward scatters gy to the winning positions (col2im) on arrays;
    a backward written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> max_pooling_nd(np.zeros((1, 1, 5, 4, 3), 'f'), 2).shape
    (1, 1, 3, 2, 2)
    """
    fn = MaxPoolingND(_spatial_ndim('max_pooling_nd', x), ksize, stride, pad, cover_all)
    y = fn.apply((x,))[0]
    return (y, fn.indexes) if return_indices else y


def max_pooling_1d(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False):
    """:func:`max_pooling_nd` of (batch, channels, length) input.

    First-order only: its backward scatters gy to the winning positions (col2im) on arrays;
    a backward written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> max_pooling_1d(np.array([[[1., 4., 2., 3.]]]), 2, stride=1).data
    array([[[4., 4., 3.]]])
    """
    _check_ndim('max_pooling_1d', x, 1)
    return max_pooling_nd(x, ksize, stride, pad, cover_all, return_indices)


def max_pooling_3d(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False):
    """:func:`max_pooling_nd` of (batch, channels, depth, height, width) input.

    First-order only: its backward scatters gy to the winning positions (col2im) on arrays;
    a backward written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> max_pooling_3d(np.arange(8.).reshape(1, 1, 2, 2, 2), 2).data
    array([[[[[7.]]]]])
    """
    _check_ndim('max_pooling_3d', x, 3)
    return max_pooling_nd(x, ksize, stride, pad, cover_all, return_indices)


def average_pooling_nd(x, ksize, stride=None, pad=0, pad_value=0):
    """The mean of each window, in as many spatial dimensions as ``x`` has.

    Args:
        x: input of shape (batch, channels, d1, ..., dN).
        ksize, stride, pad: as in :func:`max_pooling_nd` (there is no
            ``cover_all``: the windows end where the padded input ends).
        pad_value: 0 (the default) counts padded positions as zeros in the
            mean, so windows at the border average toward 0; None leaves
            them out and divides by the number of real inputs in the window.

    First-order only: its backward spreads gy over each window (col2im) on arrays; a
    backward written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> x = np.array([[[2., 4.]]])
    >>> average_pooling_nd(x, 2, stride=1, pad=1).data
    array([[[1., 3., 2.]]])
    >>> average_pooling_nd(x, 2, stride=1, pad=1, pad_value=None).data
    array([[[2., 3., 4.]]])
    """
    fn = AveragePoolingND(_spatial_ndim('average_pooling_nd', x), ksize, stride, pad, pad_value)
    return fn.apply((x,))[0]


def average_pooling_1d(x, ksize, stride=None, pad=0, pad_value=0):
    """:func:`average_pooling_nd` of (batch, channels, length) input.

    First-order only: its backward spreads gy over each window (col2im) on arrays; a
    backward written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> average_pooling_1d(np.array([[[1., 3., 5., 7.]]]), 2).data
    array([[[2., 6.]]])
    """
    _check_ndim('average_pooling_1d', x, 1)
    return average_pooling_nd(x, ksize, stride, pad, pad_value)


def average_pooling_3d(x, ksize, stride=None, pad=0, pad_value=0):
    """:func:`average_pooling_nd` of (batch, channels, depth, height, width) input.

    First-order only: its backward spreads gy over each window (col2im) on arrays; a
    backward written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> average_pooling_3d(np.arange(8.).reshape(1, 1, 2, 2, 2), 2).data
    array([[[[[3.5]]]]])
    """
    _check_ndim('average_pooling_3d', x, 3)
    return average_pooling_nd(x, ksize, stride, pad, pad_value)


def unpooling_nd(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """Copy each value of ``x`` onto its window of a larger output, in as
    many spatial dimensions as ``x`` has; overlapping windows add up.

    Args:
        x: input of shape (batch, channels, d1, ..., dN).
        ksize, stride, pad, cover_all: those of the pooling it undoes
            (stride defaults to ksize).
        outsize: the output's spatial size; by default the size that the
            pooling would bring back to ``x``'s.

    First-order only: its backward sums gy over each window (im2col) on arrays; a backward
    written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> unpooling_nd(np.array([[[1., 2.]]]), 2, cover_all=False).data
    array([[[1., 1., 2., 2.]]])
    """
    fn = UnpoolingND(_spatial_ndim('unpooling_nd', x), ksize, stride, pad, outsize, cover_all)
    return fn.apply((x,))[0]


def unpooling_1d(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """:func:`unpooling_nd` of (batch, channels, length) input.

    First-order only: its backward sums gy over each window (im2col) on arrays; a backward
    written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> unpooling_1d(np.ones((1, 1, 3)), 2).shape       # cover_all: 5, not 6
    (1, 1, 5)
    """
    _check_ndim('unpooling_1d', x, 1)
    return unpooling_nd(x, ksize, stride, pad, outsize, cover_all)


def unpooling_3d(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """:func:`unpooling_nd` of (batch, channels, depth, height, width) input.

    First-order only: its backward sums gy over each window (im2col) on arrays; a backward
    written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> unpooling_3d(np.ones((1, 1, 1, 2, 1)), 2, cover_all=False).shape
    (1, 1, 2, 4, 2)
    """
    _check_ndim('unpooling_3d', x, 3)
    return unpooling_nd(x, ksize, stride, pad, outsize, cover_all)


def spatial_pyramid_pooling_2d(x, pyramid_height, pooling=None):
    """Max-pool images of any size into a vector of fixed length: level ``i``
    of the pyramid cuts each image into a ``2^i × 2^i`` grid of windows and
    keeps each window's maximum; the levels are flattened and concatenated.

    The output has shape (batch, channels · (1 + 4 + ... + 4^(H-1)), 1, 1)
    for ``pyramid_height=H``, whatever the height and width of ``x``, so a
    fully-connected layer can follow it (an image smaller than the finest
    grid, ``2^(H-1)`` pixels, gives fewer windows there, as in Chainer). At
    level ``i`` the window is ``ceil(size / 2^i)`` and the padding half of
    what the grid overhangs; for some sizes (5 pixels in 4 bins) the last
    window then holds only padding and its maximum is -inf, as in Chainer.

    Args:
        x: images (batch, channels, height, width).
        pyramid_height: the number of levels, at least 1.
        pooling: ``'max'`` (the only pooling there is; it must be given).

    >>> import numpy as np
    >>> x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    >>> y = spatial_pyramid_pooling_2d(x, 2, pooling='max')
    >>> y.shape, y.data.ravel()              # the image's max, then the 4 quarters' maxima
    ((1, 5, 1, 1), array([15.,  5.,  7., 13., 15.], dtype=float32))
    """
    from teachgrad.functions.array import concat
    from teachgrad.functions.pooling import max_pooling_2d
    if pooling != 'max':
        raise ValueError("spatial_pyramid_pooling_2d: pooling must be 'max' (the only one "
                         "there is), but got {!r}; write pooling='max'".format(pooling))
    if isinstance(pyramid_height, bool) or not isinstance(pyramid_height, numbers.Integral) \
            or pyramid_height < 1:
        raise ValueError('spatial_pyramid_pooling_2d: pyramid_height must be a positive int, '
                         'but got {!r}'.format(pyramid_height))
    if len(x.shape) != 4:
        raise ValueError('spatial_pyramid_pooling_2d needs x of shape (batch, channels, '
                         'height, width), but got shape {}'.format(x.shape))
    n, c, h, w = x.shape
    ys = []
    for level in range(pyramid_height):
        bins = 2 ** level
        ksize = (-(-h // bins), -(-w // bins))             # ceil(size / bins)
        pad = ((ksize[0] * bins - h) // 2, (ksize[1] * bins - w) // 2)
        y = max_pooling_2d(x, ksize, None, pad, cover_all=True)
        ys.append(y.reshape(n, -1, 1, 1))
    return concat(ys, axis=1)
