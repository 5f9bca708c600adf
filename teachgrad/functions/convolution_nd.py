"""Convolution in any number of dimensions, with dilation and groups, and
its mirror image, the deconvolution (transposed convolution).

The same three array steps make up both, read in opposite directions:

* ``im2col_nd`` copies every window of the input into a column;
* a product with the filters turns columns into outputs (``_correlate``),
  or outputs back into columns (``_spread``);
* ``col2im_nd`` adds each column back onto the window it came from.

A convolution is im2col, then correlate; its backward spreads the output
grad into columns and adds them back with col2im. A deconvolution runs the
convolution's backward as its forward (spread, then col2im), so it *grows*
an image: each input pixel paints a copy of the filter onto the output.

``dilate`` spreads the filter taps apart (a 3-tap filter with dilate 2 covers
5 pixels); ``groups`` splits the channels into independent convolutions.

>>> import numpy as np
>>> x = np.arange(5, dtype=np.float32).reshape(1, 1, 5)
>>> convolution_1d(x, np.ones((1, 1, 2), np.float32)).data      # sums of neighbours
array([[[1., 3., 5., 7.]]], dtype=float32)
>>> deconvolution_1d(np.ones((1, 1, 2), np.float32), np.ones((1, 1, 3), np.float32)).data
array([[[1., 2., 2., 1.]]], dtype=float32)
"""
import itertools

from teachgrad import backend
from teachgrad.function_node import FunctionNode


def _tuple(v, n, name='argument'):
    if isinstance(v, (tuple, list)):
        if len(v) != n:
            raise ValueError('{}: expected {} values (one per spatial axis), got {!r}'
                             .format(name, n, v))
        return tuple(int(a) for a in v)
    return (int(v),) * n


def get_conv_outsize(size, k, s, p, cover_all=False, d=1):
    """Convolution output length along one axis. The dilated filter covers
    ``dk = k + (k - 1) * (d - 1)`` pixels; the result is
    ``(size + 2p - dk) // s + 1`` (one more with ``cover_all`` when the last
    window would be cut off).

    >>> get_conv_outsize(5, 3, 1, 0, d=2)
    1
    """
    dk = k + (k - 1) * (d - 1)
    if cover_all:
        return (size + p * 2 - dk + s - 1) // s + 1
    return (size + p * 2 - dk) // s + 1


def get_deconv_outsize(size, k, s, p, cover_all=False, d=1):
    """Deconvolution output length along one axis: the size a convolution
    with the same settings would shrink back to ``size``,
    ``s * (size - 1) + dk - 2p``.

    >>> get_deconv_outsize(2, 3, 2, 0)
    5
    """
    dk = (k - 1) * d + 1
    if cover_all:
        return s * (size - 1) + dk - s + 1 - 2 * p
    return s * (size - 1) + dk - 2 * p


def im2col_nd(img, ksize, stride, pad, dilate, outs, pval=0):
    """Windows of ``img`` (N, C, *size) as an array (N, C, *ksize, *outs)."""
    xp = backend.get_array_module(img)
    n, c = img.shape[:2]
    # The far side gets stride - 1 extra so a cover_all window fits too.
    widths = ((0, 0), (0, 0)) + tuple((p, p + s - 1) for p, s in zip(pad, stride))
    img = xp.pad(img, widths, mode='constant', constant_values=(pval,))
    col = xp.empty((n, c) + tuple(ksize) + tuple(outs), dtype=img.dtype)
    for taps in itertools.product(*[range(k) for k in ksize]):
        window = tuple(slice(t * d, t * d + s * o, s)
                       for t, d, s, o in zip(taps, dilate, stride, outs))
        col[(slice(None), slice(None)) + taps] = img[(slice(None), slice(None)) + window]
    return col


def col2im_nd(col, stride, pad, dilate, size):
    """Backward of :func:`im2col_nd`: add each window back where it came from."""
    xp = backend.get_array_module(col)
    nd = len(size)
    n, c = col.shape[:2]
    ksize, outs = col.shape[2:2 + nd], col.shape[2 + nd:]
    padded = tuple(h + 2 * p + s - 1 for h, p, s in zip(size, pad, stride))
    img = xp.zeros((n, c) + padded, dtype=col.dtype)
    for taps in itertools.product(*[range(k) for k in ksize]):
        window = tuple(slice(t * d, t * d + s * o, s)
                       for t, d, s, o in zip(taps, dilate, stride, outs))
        img[(slice(None), slice(None)) + window] += col[(slice(None), slice(None)) + taps]
    crop = tuple(slice(p, p + h) for p, h in zip(pad, size))
    return img[(slice(None), slice(None)) + crop]


def _correlate(col, W, groups):
    """Columns (N, C, *k, *o) times filters (O, C/G, *k) -> outputs (N, O, *o)."""
    xp = backend.get_array_module(col)
    nd = W.ndim - 2
    c, o = col.shape[1] // groups, W.shape[0] // groups
    axes = tuple(range(1, 2 + nd))
    ys = [xp.tensordot(col[:, g * c:(g + 1) * c], W[g * o:(g + 1) * o], (axes, axes))
          for g in range(groups)]                            # each (N, *o, O/G)
    y = ys[0] if groups == 1 else xp.concatenate(ys, axis=-1)
    return xp.ascontiguousarray(xp.moveaxis(y, -1, 1))


def _spread(W, y, groups):
    """Filters (O, C/G, *k) and outputs (N, O, *o) -> columns (N, C, *k, *o):
    each output value hands its filter back to the window it came from."""
    xp = backend.get_array_module(y)
    nd = W.ndim - 2
    o = W.shape[0] // groups
    cols = [xp.moveaxis(xp.tensordot(W[g * o:(g + 1) * o], y[:, g * o:(g + 1) * o], (0, 1)),
                        1 + nd, 0)                           # each (N, C/G, *k, *o)
            for g in range(groups)]
    return cols[0] if groups == 1 else xp.concatenate(cols, axis=1)


def _filter_grad(y, col, groups):
    """Outputs (N, O, *o) and columns (N, C, *k, *o) -> filters (O, C/G, *k)."""
    xp = backend.get_array_module(y)
    nd = y.ndim - 2
    c, o = col.shape[1] // groups, y.shape[1] // groups
    axes_y = (0,) + tuple(range(2, 2 + nd))
    axes_col = (0,) + tuple(range(2 + nd, 2 + 2 * nd))
    gWs = [xp.tensordot(y[:, g * o:(g + 1) * o], col[:, g * c:(g + 1) * c], (axes_y, axes_col))
           for g in range(groups)]
    return gWs[0] if groups == 1 else xp.concatenate(gWs, axis=0)


def _bias_shape(nd):
    return (slice(None),) + (None,) * nd


class ConvolutionND(FunctionNode):
    first_order_reason = ('its backward is an im2col scatter (col2im) on arrays; a backward '
                          'written as a function of Variables is not there yet')
    chain_rule = ('{gy} spread back through the filters onto each window (col2im)',
                  '{gy} times the input windows, summed over batch and positions',
                  '{gy} summed over batch and positions')

    def __init__(self, ndim, stride=1, pad=0, cover_all=False, dilate=1, groups=1):
        self.ndim = ndim
        self.stride = _tuple(stride, ndim, 'stride')
        self.pad = _tuple(pad, ndim, 'pad')
        self.dilate = _tuple(dilate, ndim, 'dilate')
        self.cover_all = cover_all
        self.groups = int(groups)

    @property
    def label(self):
        return 'Convolution{}D'.format(self.ndim)

    def _check(self, x, W):
        nd, name = self.ndim, 'convolution_{}d'.format(self.ndim)
        spatial = ', '.join('d{}'.format(i + 1) for i in range(nd))
        if x.ndim != nd + 2 or W.ndim != nd + 2:
            raise ValueError(
                '{} needs x of shape (batch, channels, {}) and W of shape '
                '(out_channels, in_channels / groups, {}), but got x {} and W {}'.format(
                    name, spatial, spatial.replace('d', 'k'), x.shape, W.shape))
        g = self.groups
        if W.shape[0] % g or x.shape[1] != W.shape[1] * g:
            raise ValueError(
                '{}: x has {} channels (shape {}) but W of shape {} with groups={} '
                'expects {} (W is (out_channels, in_channels / groups, ...), and '
                'out_channels must be a multiple of groups)'.format(
                    name, x.shape[1], x.shape, W.shape, g, W.shape[1] * g))

    def forward(self, x, W, b=None):
        self._check(x, W)
        ksize = W.shape[2:]
        outs = tuple(get_conv_outsize(h, k, s, p, self.cover_all, d) for h, k, s, p, d in
                     zip(x.shape[2:], ksize, self.stride, self.pad, self.dilate))
        if min(outs) <= 0:
            raise ValueError(
                'convolution_{}d: the filter {} (dilate {}, pad {}) does not fit in '
                'an input of spatial size {}; pad more or use a smaller filter'.format(
                    self.ndim, ksize, self.dilate, self.pad, x.shape[2:]))
        self.col = im2col_nd(x, ksize, self.stride, self.pad, self.dilate, outs)
        self.W = W
        y = _correlate(self.col, W, self.groups)
        if b is not None:
            y = y + b[_bias_shape(self.ndim)]
        return y.astype(x.dtype, copy=False)

    def backward(self, gy):
        size = self.inputs[0].shape[2:]
        gW = _filter_grad(gy, self.col, self.groups).astype(self.W.dtype, copy=False)
        gx = col2im_nd(_spread(self.W, gy, self.groups), self.stride, self.pad,
                       self.dilate, size).astype(self.col.dtype, copy=False)
        if len(self.inputs) == 3:
            return gx, gW, gy.sum(axis=(0,) + tuple(range(2, 2 + self.ndim)))
        return gx, gW


class DeconvolutionND(FunctionNode):
    first_order_reason = ('its backward is an im2col gather and a col2im scatter on arrays; a '
                          'backward written as a function of Variables is not there yet')
    chain_rule = ('{gy} convolved with the filters (im2col, then correlate)',
                  'the input times the windows of {gy}, summed over batch and positions',
                  '{gy} summed over batch and positions')

    def __init__(self, ndim, stride=1, pad=0, outsize=None, dilate=1, groups=1):
        self.ndim = ndim
        self.stride = _tuple(stride, ndim, 'stride')
        self.pad = _tuple(pad, ndim, 'pad')
        self.dilate = _tuple(dilate, ndim, 'dilate')
        self.outsize = None if outsize is None else _tuple(outsize, ndim, 'outsize')
        self.groups = int(groups)

    @property
    def label(self):
        return 'Deconvolution{}D'.format(self.ndim)

    def _check(self, x, W):
        nd, name = self.ndim, 'deconvolution_{}d'.format(self.ndim)
        spatial = ', '.join('d{}'.format(i + 1) for i in range(nd))
        if x.ndim != nd + 2 or W.ndim != nd + 2:
            raise ValueError(
                '{} needs x of shape (batch, in_channels, {}) and W of shape '
                '(in_channels, out_channels / groups, {}), but got x {} and W {}'.format(
                    name, spatial, spatial.replace('d', 'k'), x.shape, W.shape))
        if x.shape[1] != W.shape[0] or W.shape[0] % self.groups:
            raise ValueError(
                '{}: x has {} channels (shape {}) but W has shape {}; a '
                'deconvolution\'s W is (in_channels, out_channels / groups, ...), '
                'the transpose of a convolution\'s, and in_channels must be a '
                'multiple of groups={}'.format(name, x.shape[1], x.shape, W.shape,
                                               self.groups))

    def forward(self, x, W, b=None):
        self._check(x, W)
        ksize = W.shape[2:]
        natural = tuple(get_deconv_outsize(h, k, s, p, d=d) for h, k, s, p, d in
                        zip(x.shape[2:], ksize, self.stride, self.pad, self.dilate))
        outsize = natural if self.outsize is None else self.outsize
        for h, o, k, s, p, d in zip(x.shape[2:], outsize, ksize, self.stride, self.pad,
                                    self.dilate):
            # The convolution back from outsize must land on x's size.
            low = get_conv_outsize(o, k, s, p, d=d)
            high = get_conv_outsize(o, k, s, p, cover_all=True, d=d)
            if o <= 0 or not low <= h <= high:
                raise ValueError(
                    'deconvolution_{}d: an output of spatial size {} cannot come from an '
                    'input of size {} with W {}, stride {}, pad {}; leave outsize=None '
                    'to get {}'.format(self.ndim, tuple(outsize), x.shape[2:], W.shape,
                                       self.stride, self.pad, natural))
        self.x, self.W = x, W
        y = col2im_nd(_spread(W, x, self.groups), self.stride, self.pad, self.dilate,
                      outsize)
        if b is not None:
            y = y + b[_bias_shape(self.ndim)]
        return y.astype(x.dtype, copy=False)

    def backward(self, gy):
        # The backward of growing an image is the convolution that shrinks it.
        col = im2col_nd(gy, self.W.shape[2:], self.stride, self.pad, self.dilate,
                        self.x.shape[2:])
        gx = _correlate(col, self.W, self.groups).astype(self.x.dtype, copy=False)
        gW = _filter_grad(self.x, col, self.groups).astype(self.W.dtype, copy=False)
        if len(self.inputs) == 3:
            return gx, gW, gy.sum(axis=(0,) + tuple(range(2, 2 + self.ndim)))
        return gx, gW


def _ndim_of(x):
    return len(x.shape)


def convolution_nd(x, W, b=None, stride=1, pad=0, cover_all=False, dilate=1, groups=1):
    """Slide the filters ``W`` (out_channels, in_channels / groups, k1, ...,
    kN) over ``x`` (batch, in_channels, d1, ..., dN).

    Args:
        x: the input.
        W: the filters.
        b: one bias per output channel, or None.
        stride, pad, dilate: an int or one per spatial axis.
        cover_all: also place a window where the input ends mid-window.
        groups: split the channels into this many independent convolutions.

    First-order only: its backward is an im2col scatter (col2im) on arrays; a backward
    written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> x = np.ones((2, 3, 4, 5, 6), np.float32)
    >>> convolution_nd(x, np.ones((8, 3, 3, 3, 3), np.float32), pad=1).shape
    (2, 8, 4, 5, 6)
    """
    nd = _ndim_of(x) - 2
    args = (x, W) if b is None else (x, W, b)
    return ConvolutionND(nd, stride, pad, cover_all, dilate, groups).apply(args)[0]


def _fixed_ndim(name, x, nd):
    if _ndim_of(x) != nd + 2:
        raise ValueError('{} needs x with {} axes (batch, channels and {} spatial), but '
                         'x has shape {}; convolution_nd takes any number'.format(
                             name, nd + 2, nd, x.shape))


def convolution_1d(x, W, b=None, stride=1, pad=0, cover_all=False, dilate=1, groups=1):
    """:func:`convolution_nd` on sequences: x (batch, channels, length).

    First-order only: its backward is an im2col scatter (col2im) on arrays; a backward
    written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> convolution_1d(np.ones((1, 2, 5), 'f'), np.ones((4, 2, 3), 'f')).data[0, :, 0]
    array([6., 6., 6., 6.], dtype=float32)
    """
    _fixed_ndim('convolution_1d', x, 1)
    return convolution_nd(x, W, b, stride, pad, cover_all, dilate, groups)


def convolution_3d(x, W, b=None, stride=1, pad=0, cover_all=False, dilate=1, groups=1):
    """:func:`convolution_nd` on volumes: x (batch, channels, depth, height, width).

    First-order only: its backward is an im2col scatter (col2im) on arrays; a backward
    written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> convolution_3d(np.ones((1, 1, 3, 3, 3), 'f'), np.ones((1, 1, 3, 3, 3), 'f')).data
    array([[[[[27.]]]]], dtype=float32)
    """
    _fixed_ndim('convolution_3d', x, 3)
    return convolution_nd(x, W, b, stride, pad, cover_all, dilate, groups)


def dilated_convolution_2d(x, W, b=None, stride=1, pad=0, dilate=1, cover_all=False):
    """A 2-D convolution whose filter taps are ``dilate`` pixels apart, so a
    small filter sees a wide area.

    First-order only: its backward is an im2col scatter (col2im) on arrays; a backward
    written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> x = np.arange(25, dtype=np.float32).reshape(1, 1, 5, 5)
    >>> W = np.zeros((1, 1, 3, 3), np.float32); W[0, 0, 0, 0] = W[0, 0, 2, 2] = 1
    >>> dilated_convolution_2d(x, W, dilate=2).data         # x[0, 0] + x[4, 4]
    array([[[[24.]]]], dtype=float32)
    """
    _fixed_ndim('dilated_convolution_2d', x, 2)
    return convolution_nd(x, W, b, stride, pad, cover_all, dilate)


def deconvolution_nd(x, W, b=None, stride=1, pad=0, outsize=None, dilate=1, groups=1):
    """Transposed convolution: each input pixel paints its value times the
    filter ``W`` (in_channels, out_channels / groups, k1, ..., kN) onto a
    larger output, ``stride`` pixels apart. It undoes a convolution's change
    of shape (not its values) and is its backward with respect to x.

    Args:
        x: the input (batch, in_channels, d1, ..., dN).
        W: the filters.
        b: one bias per output channel, or None.
        stride, pad, dilate: as for the convolution it mirrors.
        outsize: the output's spatial size; by default
            ``stride * (d - 1) + k - 2 * pad`` per axis.
        groups: independent groups of channels.

    First-order only: its backward is an im2col gather and a col2im scatter on arrays; a
    backward written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> deconvolution_nd(np.ones((1, 2, 3, 3, 3), 'f'), np.ones((2, 4, 2, 2, 2), 'f'),
    ...                  stride=2).shape
    (1, 4, 6, 6, 6)
    """
    nd = _ndim_of(x) - 2
    args = (x, W) if b is None else (x, W, b)
    return DeconvolutionND(nd, stride, pad, outsize, dilate, groups).apply(args)[0]


def deconvolution_1d(x, W, b=None, stride=1, pad=0, outsize=None, dilate=1, groups=1):
    """:func:`deconvolution_nd` on sequences.

    First-order only: its backward is an im2col gather and a col2im scatter on arrays; a
    backward written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> deconvolution_1d(np.array([[[1., 2.]]], 'f'), np.ones((1, 1, 2), 'f'), stride=2).data
    array([[[1., 1., 2., 2.]]], dtype=float32)
    """
    _fixed_ndim('deconvolution_1d', x, 1)
    return deconvolution_nd(x, W, b, stride, pad, outsize, dilate, groups)


def deconvolution_2d(x, W, b=None, stride=1, pad=0, outsize=None, **kwargs):
    """:func:`deconvolution_nd` on images, W (in_channels, out_channels /
    groups, kh, kw); ``dilate`` and ``groups`` may be given by keyword.

    First-order only: its backward is an im2col gather and a col2im scatter on arrays; a
    backward written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> x = np.array([[[[1., 2.], [3., 4.]]]], 'f')
    >>> deconvolution_2d(x, np.ones((1, 1, 2, 2), 'f'), stride=2).data   # each pixel -> 2x2
    array([[[[1., 1., 2., 2.],
             [1., 1., 2., 2.],
             [3., 3., 4., 4.],
             [3., 3., 4., 4.]]]], dtype=float32)
    """
    dilate = kwargs.pop('dilate', 1)
    groups = kwargs.pop('groups', 1)
    if kwargs:
        raise TypeError('deconvolution_2d got unexpected arguments: {}'.format(sorted(kwargs)))
    _fixed_ndim('deconvolution_2d', x, 2)
    return deconvolution_nd(x, W, b, stride, pad, outsize, dilate, groups)


def deconvolution_3d(x, W, b=None, stride=1, pad=0, outsize=None, dilate=1, groups=1):
    """:func:`deconvolution_nd` on volumes.

    First-order only: its backward is an im2col gather and a col2im scatter on arrays; a
    backward written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> deconvolution_3d(np.ones((1, 1, 1, 1, 1), 'f'), np.ones((1, 2, 2, 2, 2), 'f')).shape
    (1, 2, 2, 2, 2)
    """
    _fixed_ndim('deconvolution_3d', x, 3)
    return deconvolution_nd(x, W, b, stride, pad, outsize, dilate, groups)
