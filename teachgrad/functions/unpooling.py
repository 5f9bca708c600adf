"""Unpooling and upsampling: make an image larger again after pooling.

:func:`unpooling_2d` copies each value onto its whole ksize×ksize window;
:func:`upsampling_2d` puts each value back only where the maximum of its
window was (the indices that ``max_pooling_2d(..., return_indices=True)``
gives), zeros elsewhere, as in SegNet's decoder. Both are pooling read
backwards: their forward is a pooling's backward, and their backward a
pooling's forward.

>>> import numpy as np
>>> x = np.array([[[[1., 2.], [3., 4.]]]], 'f')
>>> unpooling_2d(x, 2, cover_all=False).data
array([[[[1., 1., 2., 2.],
         [1., 1., 2., 2.],
         [3., 3., 4., 4.],
         [3., 3., 4., 4.]]]], dtype=float32)
"""
from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.functions.convolution import _pair, col2im, im2col
from teachgrad.functions.convolution_nd import get_conv_outsize, get_deconv_outsize


class _Unpooling2D(FunctionNode):

    def __init__(self, ksize, stride=None, pad=0, outsize=None, cover_all=True):
        self.kh, self.kw = _pair(ksize)
        self.sy, self.sx = _pair(ksize if stride is None else stride)
        self.ph, self.pw = _pair(pad)
        self.outsize = None if outsize is None else _pair(outsize)
        self.cover_all = cover_all

    def _out_shape(self, x):
        name = self.label
        if x.ndim != 4:
            raise ValueError('{} needs x of shape (batch, channels, height, width), but '
                             'got shape {}'.format(name, x.shape))
        h, w = x.shape[2:]
        natural = (get_deconv_outsize(h, self.kh, self.sy, self.ph, self.cover_all),
                   get_deconv_outsize(w, self.kw, self.sx, self.pw, self.cover_all))
        out = natural if self.outsize is None else self.outsize
        back = (get_conv_outsize(out[0], self.kh, self.sy, self.ph, self.cover_all),
                get_conv_outsize(out[1], self.kw, self.sx, self.pw, self.cover_all))
        if back != (h, w):
            raise ValueError(
                '{}: pooling an image of size {} with ksize {}, stride {} gives {}, not '
                'the input size {}; leave outsize=None to get {}'.format(
                    name, tuple(out), (self.kh, self.kw), (self.sy, self.sx), back, (h, w),
                    natural))
        return out

    def _im2col(self, gy):
        return im2col(gy, self.kh, self.kw, self.sy, self.sx, self.ph, self.pw,
                      cover_all=self.cover_all)


class Unpooling2D(_Unpooling2D):
    first_order_reason = ('its backward sums gy over each window (im2col) on arrays; a '
                          'backward written as a function of Variables is not there yet')
    label = 'unpooling_2d'
    chain_rule = ('{gy} summed over each window the value was copied to',)

    def forward(self, x):
        xp = backend.get_array_module(x)
        self.out = oh, ow = self._out_shape(x)
        n, c, h, w = x.shape
        col = xp.broadcast_to(x[:, :, None, None], (n, c, self.kh, self.kw, h, w))
        return col2im(col, self.sy, self.sx, self.ph, self.pw, oh, ow)

    def backward(self, gy):
        # Each input value was copied to a whole window: it gets the window's sum.
        return self._im2col(gy).sum(axis=(2, 3))


def unpooling_2d(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """Copy each value of ``x`` onto a ksize×ksize window of a larger image
    (the inverse of pooling's change of shape). Overlapping windows add up.

    Args:
        x: images (batch, channels, height, width).
        ksize, stride, pad, cover_all: those of the pooling it undoes
            (stride defaults to ksize). With ``cover_all=True`` (the
            default, as for max_pooling_2d) the last window may have been a
            partial one, so the default output is ``stride - 1`` smaller
            than with ``cover_all=False``.
        outsize: the output (height, width); by default the size that the
            pooling would bring back to ``x``'s.

    First-order only: its backward sums gy over each window (im2col) on arrays; a backward
    written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> unpooling_2d(np.ones((1, 1, 2, 3), 'f'), 2, cover_all=False).shape
    (1, 1, 4, 6)
    >>> unpooling_2d(np.ones((1, 1, 2, 3), 'f'), 2).shape     # cover_all: one less
    (1, 1, 3, 5)
    """
    return Unpooling2D(ksize, stride, pad, outsize, cover_all).apply((x,))[0]


class Upsampling2D(_Unpooling2D):
    first_order_reason = ('its backward gathers gy at the kept indexes on arrays; a backward '
                          'written as a function of Variables is not there yet')
    label = 'upsampling_2d'
    chain_rule = ('{gy} at the place each value was put, read back',)

    def __init__(self, indexes, ksize, stride=None, pad=0, outsize=None, cover_all=True):
        super().__init__(ksize, stride, pad, outsize, cover_all)
        self.indexes = indexes

    def forward(self, x):
        xp = backend.get_array_module(x)
        if self.indexes.shape != x.shape:
            raise ValueError(
                'upsampling_2d: indexes must have the shape of x {}, but have shape {}; '
                'they come from max_pooling_2d(..., return_indices=True) of the same '
                'layer'.format(x.shape, self.indexes.shape))
        oh, ow = self._out_shape(x)
        n, c, h, w = x.shape
        col = xp.zeros((n, c, self.kh * self.kw, h, w), dtype=x.dtype)
        xp.put_along_axis(col, self.indexes[:, :, None], x[:, :, None], axis=2)
        col = col.reshape(n, c, self.kh, self.kw, h, w)
        return col2im(col, self.sy, self.sx, self.ph, self.pw, oh, ow)

    def backward(self, gy):
        # Each value went to one place in its window: it gets that place's grad.
        xp = backend.get_array_module(gy)
        col = self._im2col(gy)
        n, c, kh, kw, h, w = col.shape
        col = col.reshape(n, c, kh * kw, h, w)
        return xp.take_along_axis(col, self.indexes[:, :, None], axis=2)[:, :, 0]


def upsampling_2d(x, indexes, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """Put each value of ``x`` back where its window's maximum was, zeros
    elsewhere.

    Args:
        x: images (batch, channels, height, width).
        indexes: the position of each maximum inside its window, from
            ``y, indexes = F.max_pooling_2d(h, ksize, return_indices=True)``.
        ksize, stride, pad, outsize, cover_all: as in :func:`unpooling_2d`.

    First-order only: its backward gathers gy at the kept indexes on arrays; a backward
    written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> import teachgrad.functions as F
    >>> h = np.array([[[[1., 5.], [7., 2.]]]], 'f')
    >>> y, idx = F.max_pooling_2d(h, 2, return_indices=True)
    >>> upsampling_2d(y, idx, 2, outsize=(2, 2)).data
    array([[[[0., 0.],
             [7., 0.]]]], dtype=float32)
    """
    if hasattr(indexes, 'data') and not backend.is_array(indexes):
        indexes = indexes.data
    return Upsampling2D(indexes, ksize, stride, pad, outsize, cover_all).apply((x,))[0]
