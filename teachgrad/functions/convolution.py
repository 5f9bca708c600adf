"""2-D convolution, computed as one big matrix product (im2col).

``im2col`` copies every kh×kw patch of the image into a column, so sliding a
filter over the image becomes a single ``tensordot`` with the filters; the
backward of that copy, ``col2im``, adds each column back onto the patch it
came from.

>>> import numpy as np
>>> x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
>>> W = np.ones((1, 1, 2, 2), dtype=np.float32)       # sums each 2x2 patch
>>> convolution_2d(x, W, stride=2).data
array([[[[10., 18.],
         [42., 50.]]]], dtype=float32)
"""
from teachgrad import backend
from teachgrad.function_node import FunctionNode


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def get_conv_outsize(size, k, s, p, cover_all=False):
    """Output length along one axis: ``(size + 2p - k) // s + 1``, or with
    ``cover_all`` one more position when the last window would be cut off."""
    if cover_all:
        return (size + p * 2 - k + s - 1) // s + 1
    return (size + p * 2 - k) // s + 1


def im2col(img, kh, kw, sy, sx, ph, pw, pval=0, cover_all=False):
    """Patches of ``img`` (N, C, H, W) as an array (N, C, kh, kw, out_h, out_w)."""
    xp = backend.get_array_module(img)
    n, c, h, w = img.shape
    out_h = get_conv_outsize(h, kh, sy, ph, cover_all)
    out_w = get_conv_outsize(w, kw, sx, pw, cover_all)
    if out_h <= 0 or out_w <= 0:
        raise ValueError(
            'the {}x{} window (with padding {}) does not fit in an image of '
            'size {}x{}'.format(kh, kw, (ph, pw), h, w))
    # With cover_all the last window may stick out: pad the far side more.
    img = xp.pad(img, ((0, 0), (0, 0), (ph, ph + sy - 1), (pw, pw + sx - 1)),
                 mode='constant', constant_values=(pval,))
    col = xp.empty((n, c, kh, kw, out_h, out_w), dtype=img.dtype)
    for j in range(kh):
        for i in range(kw):
            col[:, :, j, i] = img[:, :, j:j + sy * out_h:sy, i:i + sx * out_w:sx]
    return col


def col2im(col, sy, sx, ph, pw, h, w):
    """Backward of :func:`im2col`: add each patch back where it came from."""
    xp = backend.get_array_module(col)
    n, c, kh, kw, out_h, out_w = col.shape
    img = xp.zeros((n, c, h + 2 * ph + sy - 1, w + 2 * pw + sx - 1), dtype=col.dtype)
    for j in range(kh):
        for i in range(kw):
            img[:, :, j:j + sy * out_h:sy, i:i + sx * out_w:sx] += col[:, :, j, i]
    return img[:, :, ph:h + ph, pw:w + pw]


class Convolution2DFunction(FunctionNode):
    first_order_reason = ('its backward is an im2col scatter (col2im) on arrays; a backward '
                          'written as a function of Variables is not there yet')
    label = 'Convolution2D'

    def __init__(self, stride=1, pad=0, cover_all=False):
        self.sy, self.sx = _pair(stride)
        self.ph, self.pw = _pair(pad)
        self.cover_all = cover_all

    def forward(self, x, W, b=None):
        if x.ndim != 4 or W.ndim != 4:
            raise ValueError(
                'convolution_2d needs x of shape (batch, channels, height, width) and '
                'W of shape (out_channels, in_channels, kh, kw), but got x {} and '
                'W {}.{}'.format(x.shape, W.shape, ' For one image write x[None].'
                                  if x.ndim == 3 and W.ndim == 4 else ''))
        if x.shape[1] != W.shape[1]:
            raise ValueError(
                'convolution_2d: x has {} channels (shape {}) but W expects {} '
                '(shape {}, which is (out_channels, in_channels, kh, kw))'.format(
                    x.shape[1], x.shape, W.shape[1], W.shape))
        xp = backend.get_array_module(x)
        kh, kw = W.shape[2:]
        self.col = col = im2col(x, kh, kw, self.sy, self.sx, self.ph, self.pw,
                                cover_all=self.cover_all)
        self.W = W
        # (N, C, kh, kw, oh, ow) . (O, C, kh, kw) -> (N, oh, ow, O)
        y = xp.tensordot(col, W, ((1, 2, 3), (1, 2, 3)))
        if b is not None:
            y = y + b
        return xp.ascontiguousarray(y.transpose(0, 3, 1, 2))

    chain_rule = ('{gy} convolved back through {1}',
                  '{gy} correlated with {0}',
                  '{gy} summed over the batch and the pixels')

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        h, w = self.inputs[0].shape[2:]
        gW = xp.tensordot(gy, self.col, ((0, 2, 3), (0, 4, 5))).astype(self.W.dtype, copy=False)
        gcol = xp.tensordot(self.W, gy, (0, 1))          # (C, kh, kw, N, oh, ow)
        gcol = xp.rollaxis(gcol, 3)                       # (N, C, kh, kw, oh, ow)
        gx = col2im(gcol, self.sy, self.sx, self.ph, self.pw, h, w)
        gx = gx.astype(self.col.dtype, copy=False)
        if len(self.inputs) == 3:
            return gx, gW, gy.sum(axis=(0, 2, 3))
        return gx, gW


def convolution_2d(x, W, b=None, stride=1, pad=0, cover_all=False, **kwargs):
    """Slide the filters ``W`` (out_channels, in_channels, kh, kw) over ``x``
    (batch, in_channels, height, width).

    Args:
        x: the images.
        W: the filters.
        b: one bias per output channel, or None.
        stride: step between windows, an int or (sy, sx).
        pad: zeros added around the image, an int or (ph, pw).
        cover_all: also place a window where the image ends mid-window.

    Returns:
        A Variable of shape (batch, out_channels, out_h, out_w), where
        ``out_h = (height + 2 * ph - kh) // sy + 1``.

    First-order only: its backward is an im2col scatter (col2im) on arrays; a backward
    written as a function of Variables is not there yet.

    >>> import numpy as np
    >>> x = np.zeros((2, 3, 5, 5), dtype=np.float32)
    >>> W = np.zeros((4, 3, 3, 3), dtype=np.float32)
    >>> convolution_2d(x, W, pad=1).shape
    (2, 4, 5, 5)
    """
    dilate = kwargs.pop('dilate', 1)
    groups = kwargs.pop('groups', 1)
    if kwargs:
        raise TypeError('convolution_2d got unexpected arguments: {}'.format(sorted(kwargs)))
    args = (x, W) if b is None else (x, W, b)
    if _pair(dilate) != (1, 1) or groups != 1:
        # Dilation and groups live in the N-dimensional version.
        from teachgrad.functions.convolution_nd import ConvolutionND
        return ConvolutionND(2, stride, pad, cover_all, dilate, groups).apply(args)[0]
    return Convolution2DFunction(stride, pad, cover_all).apply(args)[0]
