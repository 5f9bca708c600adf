"""Pooling: summarize each window of an image by its largest or mean value.

>>> import numpy as np
>>> x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
>>> max_pooling_2d(x, 2).data
array([[[[ 5.,  7.],
         [13., 15.]]]], dtype=float32)
>>> average_pooling_2d(x, 2).data
array([[[[ 2.5,  4.5],
         [10.5, 12.5]]]], dtype=float32)
"""
from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.functions.convolution import _pair, col2im, im2col


class _Pooling2D(FunctionNode):

    def __init__(self, ksize, stride=None, pad=0, cover_all=True):
        self.kh, self.kw = _pair(ksize)
        self.sy, self.sx = _pair(ksize if stride is None else stride)
        self.ph, self.pw = _pair(pad)
        self.cover_all = cover_all

    def _check(self, x):
        if x.ndim != 4:
            raise ValueError(
                '{} needs x of shape (batch, channels, height, width), but got '
                'shape {}'.format(self.label, x.shape))

    def _col2im(self, gcol):
        h, w = self.inputs[0].shape[2:]
        return col2im(gcol, self.sy, self.sx, self.ph, self.pw, h, w)


class MaxPooling2D(_Pooling2D):
    first_order_reason = ('its backward scatters gy to the winning positions (col2im) on '
                          'arrays; a backward written as a function of Variables is not there '
                          'yet')
    label = 'max_pooling_2d'

    def forward(self, x):
        self._check(x)
        xp = backend.get_array_module(x)
        # Padding is -inf so a padded position is never the maximum.
        col = im2col(x, self.kh, self.kw, self.sy, self.sx, self.ph, self.pw,
                     pval=-float('inf'), cover_all=self.cover_all)
        n, c, kh, kw, oh, ow = col.shape
        col = col.reshape(n, c, kh * kw, oh, ow)
        self.indexes = col.argmax(axis=2)          # where each maximum came from
        self.col_shape = (n, c, kh, kw, oh, ow)
        return xp.take_along_axis(col, self.indexes[:, :, None], axis=2)[:, :, 0]

    chain_rule = ('{gy} sent to the largest element of each window, 0 elsewhere',)

    def backward(self, gy):
        # Only the maximum of each window moved the output: it alone gets gy.
        xp = backend.get_array_module(gy)
        n, c, kh, kw, oh, ow = self.col_shape
        gcol = xp.zeros((n, c, kh * kw, oh, ow), dtype=gy.dtype)
        xp.put_along_axis(gcol, self.indexes[:, :, None], gy[:, :, None], axis=2)
        return self._col2im(gcol.reshape(self.col_shape))


class AveragePooling2D(_Pooling2D):
    first_order_reason = ('its backward spreads gy over each window (col2im) on arrays; a '
                          'backward written as a function of Variables is not there yet')
    label = 'average_pooling_2d'

    def forward(self, x):
        self._check(x)
        col = im2col(x, self.kh, self.kw, self.sy, self.sx, self.ph, self.pw,
                     cover_all=False)
        self.col_shape = col.shape
        # Padded zeros count in the mean, as in Chainer.
        return col.mean(axis=(2, 3), dtype=x.dtype)

    chain_rule = ('{gy} / window size, spread over each window',)

    def backward(self, gy):
        # Each input in a window moved the mean by 1/(kh*kw) of its change.
        xp = backend.get_array_module(gy)
        n, c, kh, kw, oh, ow = self.col_shape
        gcol = xp.broadcast_to((gy / (kh * kw))[:, :, None, None], self.col_shape)
        return self._col2im(gcol)


def max_pooling_2d(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False):
    """The largest value of each ksize×ksize window.

    Args:
        x: images of shape (batch, channels, height, width).
        ksize: window size, an int or (kh, kw).
        stride: step between windows; defaults to ``ksize`` (no overlap).
        pad: -inf padding around the image.
        cover_all: also place a window where the image ends mid-window
            (Chainer's default).

    First-order only: its backward scatters gy to the winning positions (col2im) on arrays;
    a backward written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> max_pooling_2d(np.zeros((1, 1, 5, 5), 'f'), 2).shape   # cover_all: 3, not 2
    (1, 1, 3, 3)
    """
    fn = MaxPooling2D(ksize, stride, pad, cover_all)
    y = fn.apply((x,))[0]
    return (y, fn.indexes) if return_indices else y


def average_pooling_2d(x, ksize, stride=None, pad=0):
    """The mean of each ksize×ksize window (padding counts as zeros).

    First-order only: its backward spreads gy over each window (col2im) on arrays; a
    backward written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> average_pooling_2d(np.ones((1, 1, 4, 4), 'f'), 2).data[0, 0]
    array([[1., 1.],
           [1., 1.]], dtype=float32)
    """
    return AveragePooling2D(ksize, stride, pad, cover_all=False).apply((x,))[0]
