"""Deconvolution2D (transposed convolution) and DilatedConvolution2D.

Deconvolution2D grows images: W has shape (in_channels, out_channels /
groups, kh, kw), the transpose of a Convolution2D's, and with ``stride=2``
the output is about twice as tall and wide. It is the upsampling layer of
generators (DCGAN) and segmentation decoders.

>>> import numpy as np
>>> up = Deconvolution2D(4, 2, ksize=4, stride=2, pad=1)
>>> up(np.zeros((1, 4, 8, 8), np.float32)).shape
(1, 2, 16, 16)
>>> up.W.shape
(4, 2, 4, 4)
"""
from teachgrad.functions.convolution import _pair
from teachgrad.links.convolution_nd import ConvolutionND, DeconvolutionND


class Deconvolution2D(DeconvolutionND):
    """2-D transposed convolution layer.

    Args:
        in_channels: input channels, or None to decide on the first call
            (or give only ``out_channels, ksize``).
        out_channels: output channels.
        ksize, stride, pad: an int or a pair.
        nobias: no bias when True.
        outsize: output (height, width); default
            ``stride * (size - 1) + ksize - 2 * pad``.
        initialW, initial_bias: initializers (defaults LeCunNormal and 0).
        dilate, groups: by keyword, as in Convolution2D.

    >>> import numpy as np
    >>> Deconvolution2D(3, 2)(np.zeros((1, 5, 4, 4), 'f')).shape   # lazy: 5 channels
    (1, 3, 5, 5)
    """

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 outsize=None, initialW=None, initial_bias=None, **kwargs):
        dilate = kwargs.pop('dilate', 1)
        groups = kwargs.pop('groups', 1)
        if kwargs:
            raise TypeError('Deconvolution2D got unexpected arguments: {}'.format(sorted(kwargs)))
        super().__init__(2, in_channels, out_channels, ksize, _pair(stride), _pair(pad),
                         nobias, outsize, initialW, initial_bias, _pair(dilate), groups)


class DilatedConvolution2D(ConvolutionND):
    """2-D convolution with filter taps ``dilate`` pixels apart.

    Args:
        in_channels, out_channels, ksize, stride, pad, nobias, initialW,
            initial_bias: as in Convolution2D.
        dilate: the gap between taps, an int or a pair.

    >>> import numpy as np
    >>> conv = DilatedConvolution2D(1, 1, 3, dilate=2)      # sees 5x5
    >>> conv(np.zeros((1, 1, 9, 9), 'f')).shape
    (1, 1, 5, 5)
    """

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, dilate=1,
                 nobias=False, initialW=None, initial_bias=None):
        super().__init__(2, in_channels, out_channels, ksize, _pair(stride), _pair(pad),
                         nobias, initialW, initial_bias, dilate=_pair(dilate))

    @property
    def printable_specs(self):
        yield from super().printable_specs
        yield 'dilate', self.dilate
