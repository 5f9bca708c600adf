"""More connections through learned weights: the bilinear form, the
depthwise convolution and the locally connected (unshared) convolution.

The first two are written with functions that already exist (einsum, a
grouped convolution), so their gradients come from the chain rule of those
pieces and the graph shows what they are made of.

>>> import numpy as np
>>> e1 = np.array([[1., 2.]], 'f')
>>> e2 = np.array([[3., 4., 5.]], 'f')
>>> W = np.ones((2, 3, 1), 'f')          # sums every product e1[j] * e2[k]
>>> bilinear(e1, e2, W).data
array([[36.]], dtype=float32)
"""
from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.functions.array import reshape, transpose
from teachgrad.functions.convolution import _pair, col2im, convolution_2d, im2col
from teachgrad.functions.math import einsum


def _features(x):
    size = 1
    for s in x.shape[1:]:
        size *= s
    return size


def bilinear(e1, e2, W, V1=None, V2=None, b=None):
    """The bilinear layer's function:
    ``y[i, l] = sum_jk e1[i, j] W[j, k, l] e2[i, k]`` (+ ``e1 @ V1 + e2 @ V2 + b``).

    Args:
        e1: the left inputs, shape (batch, J); more axes are flattened per example.
        e2: the right inputs, shape (batch, K).
        W: the weights, shape (J, K, L).
        V1, V2, b: the linear terms, shapes (J, L), (K, L) and (L,); give all
            three or none.

    Returns:
        A Variable of shape (batch, L).

    >>> import numpy as np
    >>> e1, e2 = np.ones((4, 2), 'f'), np.ones((4, 3), 'f')
    >>> W = np.ones((2, 3, 5), 'f')
    >>> V1, V2, b = np.ones((2, 5), 'f'), np.ones((3, 5), 'f'), np.ones(5, 'f')
    >>> bilinear(e1, e2, W, V1, V2, b).data[0]
    array([12., 12., 12., 12., 12.], dtype=float32)
    """
    linear_terms = (V1, V2, b)
    given = [v is not None for v in linear_terms]
    if any(given) and not all(given):
        raise ValueError(
            'bilinear: give all of V1, V2 and b, or none of them; got {}'.format(
                ', '.join('{}={}'.format(n, 'given' if g else 'None')
                          for n, g in zip(('V1', 'V2', 'b'), given))))
    for name, x in (('e1', e1), ('e2', e2)):
        if len(x.shape) < 2:
            raise ValueError(
                'bilinear: {} has shape {}, but it needs a batch: (batch, features). '
                'For one example write {}[None].'.format(name, x.shape, name))
    if len(W.shape) != 3:
        raise ValueError('bilinear: W must be 3-d, (left_size, right_size, out_size), '
                         'but has shape {}'.format(W.shape))
    J, K, L = W.shape
    if e1.shape[0] != e2.shape[0]:
        raise ValueError('bilinear: e1 {} and e2 {} must have the same batch size'.format(
            e1.shape, e2.shape))
    if _features(e1) != J or _features(e2) != K:
        raise ValueError(
            'bilinear: e1 has shape {} and e2 has shape {}, so {} and {} features per '
            'example, but W has shape {}, which expects {} and {}. W is (left_size, '
            'right_size, out_size).'.format(e1.shape, e2.shape, _features(e1),
                                            _features(e2), W.shape, J, K))
    if all(given):
        for name, v, shape in (('V1', V1, (J, L)), ('V2', V2, (K, L)), ('b', b, (L,))):
            if tuple(v.shape) != shape:
                raise ValueError(
                    'bilinear: {} has shape {} but W has shape {}, so {} needs shape '
                    '{}'.format(name, v.shape, W.shape, name, shape))
    for name, v in (('e1', e1), ('e2', e2)) + tuple(zip(('V1', 'V2', 'b'), linear_terms)):
        if v is not None and v.dtype != W.dtype:
            raise TypeError('bilinear: {} is {} but W is {}; all inputs must have the '
                            'same dtype (convert with .astype)'.format(name, v.dtype, W.dtype))
    n = e1.shape[0]
    if len(e1.shape) != 2:
        e1 = reshape(e1, (n, J))
    if len(e2.shape) != 2:
        e2 = reshape(e2, (n, K))
    y = einsum('ij,ik,jkl->il', e1, e2, W)
    if all(given):
        y = y + einsum('ij,jl->il', e1, V1) + einsum('ik,kl->il', e2, V2) + b
    return y


def depthwise_convolution_2d(x, W, b=None, stride=1, pad=0):
    """Convolve each input channel with its own ``channel_multiplier`` filters.

    W has shape (channel_multiplier, in_channels, kh, kw): filter ``W[m, c]``
    sees only channel ``c``, and makes output channel ``c * channel_multiplier
    + m``. It is a convolution with ``groups=in_channels`` and one input
    channel per filter, which is how it is computed here.

    Args:
        x: the images, (batch, in_channels, height, width).
        W: the filters, (channel_multiplier, in_channels, kh, kw).
        b: one bias per output channel, (channel_multiplier * in_channels,), or None.
        stride, pad: as in :func:`teachgrad.functions.convolution_2d`.

    First-order only: it is a grouped convolution, whose backward is an im2col scatter
    (col2im) on arrays.

    >>> import numpy as np
    >>> x = np.arange(1, 9, dtype=np.float32).reshape(1, 2, 2, 2)
    >>> W = np.array([[1., 10.], [-1., 0.]], 'f').reshape(2, 2, 1, 1)
    >>> depthwise_convolution_2d(x, W).data[0, :, 0, 0]   # x[0]·1, x[0]·-1, x[1]·10, x[1]·0
    array([ 1., -1., 50.,  0.], dtype=float32)
    """
    if len(x.shape) != 4 or len(W.shape) != 4:
        raise ValueError(
            'depthwise_convolution_2d needs x of shape (batch, channels, height, width) '
            'and W of shape (channel_multiplier, in_channels, kh, kw), but got x {} and '
            'W {}'.format(x.shape, W.shape))
    multiplier, in_channels, kh, kw = W.shape
    if x.shape[1] != in_channels:
        raise ValueError(
            'depthwise_convolution_2d: x has {} channels (shape {}) but W expects {} '
            '(shape {}, which is (channel_multiplier, in_channels, kh, kw))'.format(
                x.shape[1], x.shape, in_channels, W.shape))
    if b is not None and tuple(b.shape) != (multiplier * in_channels,):
        raise ValueError(
            'depthwise_convolution_2d: b has shape {} but there are {} x {} = {} output '
            'channels, so b needs shape ({},)'.format(
                b.shape, multiplier, in_channels, multiplier * in_channels,
                multiplier * in_channels))
    # Filters of one input channel next to each other: row c * m + j is W[j, c].
    W = reshape(transpose(W, (1, 0, 2, 3)), (in_channels * multiplier, 1, kh, kw))
    return convolution_2d(x, W, b, stride, pad, groups=in_channels)


class LocalConvolution2DFunction(FunctionNode):
    first_order_reason = ('its backward is an im2col scatter (col2im) on arrays, like '
                          'convolution_2d\'s')
    label = 'LocalConvolution2D'
    chain_rule = ('{gy} times the filter of each position, added back onto its patch',
                  '{gy} at each position times the patch of {0} it saw',
                  '{gy} summed over the batch')

    def __init__(self, stride):
        self.sy, self.sx = _pair(stride)

    def forward(self, x, W, b=None):
        if x.ndim != 4 or W.ndim != 6:
            raise ValueError(
                'local_convolution_2d needs x of shape (batch, in_channels, height, width) '
                'and W of shape (out_channels, out_h, out_w, in_channels, kh, kw), but got '
                'x {} and W {}'.format(x.shape, W.shape))
        o, oh, ow, c, kh, kw = W.shape
        if x.shape[1] != c:
            raise ValueError('local_convolution_2d: x has {} channels (shape {}) but W '
                             'expects {} (shape {})'.format(x.shape[1], x.shape, c, W.shape))
        h, w = x.shape[2:]
        want = ((h - kh) // self.sy + 1, (w - kw) // self.sx + 1)
        if (oh, ow) != want:
            raise ValueError(
                'local_convolution_2d: a {}x{} image with {}x{} windows and stride {} has '
                '{}x{} positions, so W needs shape {}, but has shape {}'.format(
                    h, w, kh, kw, (self.sy, self.sx), want[0], want[1],
                    (o,) + want + (c, kh, kw), W.shape))
        if b is not None and b.shape != (o, oh, ow):
            raise ValueError('local_convolution_2d: b has shape {} but needs one value per '
                             'output channel and position, {}'.format(b.shape, (o, oh, ow)))
        xp = backend.get_array_module(x)
        # Every position has its own filter, so the patches are not multiplied
        # by one matrix (as in convolution_2d) but position by position.
        self.col = im2col(x, kh, kw, self.sy, self.sx, 0, 0)      # (N, C, kh, kw, oh, ow)
        self.W = W
        y = xp.einsum('ncpqij,oijcpq->noij', self.col, W)
        if b is not None:
            y = y + b
        return y.astype(x.dtype, copy=False)

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        h, w = self.inputs[0].shape[2:]
        gW = xp.einsum('noij,ncpqij->oijcpq', gy, self.col).astype(self.W.dtype, copy=False)
        gcol = xp.einsum('noij,oijcpq->ncpqij', gy, self.W)
        gx = col2im(gcol, self.sy, self.sx, 0, 0, h, w).astype(self.col.dtype, copy=False)
        if len(self.inputs) == 3:
            return gx, gW, gy.sum(axis=0)
        return gx, gW


def local_convolution_2d(x, W, b=None, stride=1):
    """A convolution whose filters are not shared: each output position has
    its own filter, ``y[n, o, i, j] = sum_cpq x[n, c, i*sy + p, j*sx + q]
    W[o, i, j, c, p, q] + b[o, i, j]``. There is no padding.

    Args:
        x: the images, (batch, in_channels, height, width).
        W: the filters, (out_channels, out_h, out_w, in_channels, kh, kw), with
            ``out_h = (height - kh) // sy + 1`` (likewise out_w).
        b: one bias per output channel and position, (out_channels, out_h,
            out_w), or None.
        stride: step between windows, an int or (sy, sx).

    First-order only: its backward is an im2col scatter (col2im) on arrays, like
    convolution_2d's.

    >>> import numpy as np
    >>> x = np.arange(4, dtype=np.float32).reshape(1, 1, 1, 4)
    >>> W = np.repeat(np.array([1., 10., 100.], 'f'), 2).reshape(1, 1, 3, 1, 1, 2)
    >>> local_convolution_2d(x, W).data      # (0+1)·1, (1+2)·10, (2+3)·100: a filter each
    array([[[[  1.,  30., 500.]]]], dtype=float32)
    """
    args = (x, W) if b is None else (x, W, b)
    return LocalConvolution2DFunction(stride).apply(args)[0]
