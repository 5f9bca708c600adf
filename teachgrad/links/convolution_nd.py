"""N-dimensional convolution layers and their transposes (deconvolutions).

``ConvolutionND(ndim, in_channels, out_channels, ksize)`` holds W of shape
(out_channels, in_channels / groups, k1, ..., kN) and b (out_channels,);
``DeconvolutionND`` holds W of shape (in_channels, out_channels / groups,
k1, ..., kN). W starts LeCunNormal, b at zero; with ``in_channels=None`` (or
only ``out_channels, ksize`` given) W is made on the first call.

>>> import numpy as np
>>> conv = Convolution1D(2, 4, ksize=3, pad=1)
>>> conv(np.zeros((5, 2, 10), np.float32)).shape
(5, 4, 10)
>>> [path for path, _ in conv.namedparams()]
['/W', '/b']
>>> ConvolutionND(3, 4, 2)           # ndim=3, out_channels=4, ksize=2; in_channels later
ConvolutionND(ndim=3, in_channels=None, out_channels=4, ksize=(2, 2, 2), stride=(1, 1, 1), pad=(0, 0, 0), nobias=False)
"""
from teachgrad.functions.convolution_nd import _tuple, convolution_nd, deconvolution_nd
from teachgrad.link import Link
from teachgrad.links import _lazy
from teachgrad.links.convolution_2d import add_filter_and_bias


class _ConvolutionBase(Link):
    """What the convolution and deconvolution layers share: a filter W,
    made now or on the first call, and a bias b."""
    transposed = False

    def __init__(self, ndim, in_channels, out_channels, ksize, stride, pad, nobias,
                 initialW, initial_bias, dilate, groups):
        super().__init__()
        if ksize is None:
            # (out_channels, ksize) given: the input channels come later.
            in_channels, out_channels, ksize = None, in_channels, out_channels
        self.ndim = ndim
        self.ksize = _tuple(ksize, ndim, 'ksize')
        self.stride = _tuple(stride, ndim, 'stride')
        self.pad = _tuple(pad, ndim, 'pad')
        self.dilate = _tuple(dilate, ndim, 'dilate')
        self.groups = int(groups)
        self.out_channels = out_channels
        add_filter_and_bias(self, in_channels, out_channels, nobias, initialW, initial_bias)

    def _initialize_params(self, in_channels):
        g = self.groups
        if in_channels % g or self.out_channels % g:
            raise ValueError(
                '{}: with groups={} both the input channels ({}) and the output '
                'channels ({}) must be multiples of it'.format(
                    type(self).__name__, g, in_channels, self.out_channels))
        if self.transposed:
            shape = (in_channels, self.out_channels // g)
        else:
            shape = (self.out_channels, in_channels // g)
        self.W.initialize(shape + self.ksize)
        if not self._cpu:
            self.W.to_gpu(self._device_id)

    @property
    def in_channels(self):
        if self.W.data is None:
            return None
        return self.W.shape[0] if self.transposed else self.W.shape[1] * self.groups

    @property
    def printable_specs(self):
        if type(self).__name__.endswith('ND'):
            yield 'ndim', self.ndim
        yield 'in_channels', self.in_channels
        yield 'out_channels', self.out_channels
        yield 'ksize', self.ksize
        yield 'stride', self.stride
        yield 'pad', self.pad
        yield 'nobias', self.b is None

    def _call(self, x, compute):
        # The first call makes W from x's channels; if it fails, W goes back
        # to uninitialized.
        if self.W.data is not None:
            return compute()
        if len(x.shape) != self.ndim + 2:
            raise ValueError(
                '{} needs input of shape (batch, channels, {} spatial axes), but got '
                'shape {}'.format(type(self).__name__, self.ndim, x.shape))
        return _lazy.first_call([self.W], lambda: self._initialize_params(x.shape[1]),
                                compute)


class ConvolutionND(_ConvolutionBase):
    """N-dimensional convolution layer.

    Args:
        ndim: number of spatial axes.
        in_channels: input channels, or None to decide on the first call.
        out_channels: number of filters.
        ksize: filter size, an int or one per axis.
        stride, pad, dilate, cover_all, groups: as in
            :func:`teachgrad.functions.convolution_nd`.
        nobias: no bias when True.
        initialW, initial_bias: initializers (defaults LeCunNormal and 0).

    >>> import numpy as np
    >>> ConvolutionND(2, 3, 6, 3, groups=3).W.shape
    (6, 1, 3, 3)
    """

    def __init__(self, ndim, in_channels, out_channels, ksize=None, stride=1, pad=0,
                 nobias=False, initialW=None, initial_bias=None, cover_all=False,
                 dilate=1, groups=1):
        super().__init__(ndim, in_channels, out_channels, ksize, stride, pad, nobias,
                         initialW, initial_bias, dilate, groups)
        self.cover_all = cover_all

    def forward(self, x):
        return self._call(x, lambda: convolution_nd(
            x, self.W, self.b, self.stride, self.pad, self.cover_all, self.dilate,
            self.groups))


class Convolution1D(ConvolutionND):
    """:class:`ConvolutionND` over sequences (batch, channels, length).

    >>> import numpy as np
    >>> Convolution1D(3, 2, 3)(np.zeros((1, 3, 7), 'f')).shape
    (1, 2, 5)
    """

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 initialW=None, initial_bias=None, cover_all=False, dilate=1, groups=1):
        super().__init__(1, in_channels, out_channels, ksize, stride, pad, nobias, initialW,
                         initial_bias, cover_all, dilate, groups)


class Convolution3D(ConvolutionND):
    """:class:`ConvolutionND` over volumes (batch, channels, depth, height, width).

    >>> import numpy as np
    >>> Convolution3D(1, 2, 3)(np.zeros((1, 1, 3, 4, 5), 'f')).shape
    (1, 2, 1, 2, 3)
    """

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 initialW=None, initial_bias=None, cover_all=False, dilate=1, groups=1):
        super().__init__(3, in_channels, out_channels, ksize, stride, pad, nobias, initialW,
                         initial_bias, cover_all, dilate, groups)


class DeconvolutionND(_ConvolutionBase):
    """N-dimensional transposed convolution layer, W (in_channels,
    out_channels / groups, k1, ..., kN).

    Args:
        ndim, in_channels, out_channels, ksize, stride, pad, nobias, initialW,
            initial_bias, dilate, groups: as in :class:`ConvolutionND`.
        outsize: output spatial size (default: what the stride and filter
            give, see :func:`teachgrad.functions.deconvolution_nd`).

    >>> import numpy as np
    >>> DeconvolutionND(1, 2, 3, 4, stride=2)(np.zeros((1, 2, 5), 'f')).shape
    (1, 3, 12)
    """
    transposed = True

    def __init__(self, ndim, in_channels, out_channels, ksize=None, stride=1, pad=0,
                 nobias=False, outsize=None, initialW=None, initial_bias=None, dilate=1,
                 groups=1):
        super().__init__(ndim, in_channels, out_channels, ksize, stride, pad, nobias,
                         initialW, initial_bias, dilate, groups)
        self.outsize = outsize

    def forward(self, x):
        return self._call(x, lambda: deconvolution_nd(
            x, self.W, self.b, self.stride, self.pad, self.outsize, self.dilate,
            self.groups))


class Deconvolution1D(DeconvolutionND):
    """:class:`DeconvolutionND` over sequences.

    >>> import numpy as np
    >>> Deconvolution1D(2, 3, 2, stride=2)(np.zeros((1, 2, 4), 'f')).shape
    (1, 3, 8)
    """

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 outsize=None, initialW=None, initial_bias=None, dilate=1, groups=1):
        super().__init__(1, in_channels, out_channels, ksize, stride, pad, nobias, outsize,
                         initialW, initial_bias, dilate, groups)


class Deconvolution3D(DeconvolutionND):
    """:class:`DeconvolutionND` over volumes.

    >>> import numpy as np
    >>> Deconvolution3D(2, 3, 2, stride=2)(np.zeros((1, 2, 1, 2, 3), 'f')).shape
    (1, 3, 2, 4, 6)
    """

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 outsize=None, initialW=None, initial_bias=None, dilate=1, groups=1):
        super().__init__(3, in_channels, out_channels, ksize, stride, pad, nobias, outsize,
                         initialW, initial_bias, dilate, groups)
