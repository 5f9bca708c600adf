"""Convolution2D: learned filters slid over images.

W has shape (out_channels, in_channels, kh, kw), LeCunNormal by default
(fan_in = in_channels·kh·kw); b has one value per output channel. Give only
``Convolution2D(out_channels, ksize)`` (or ``in_channels=None``) and W is
made on the first call from the input's channel count.

>>> import numpy as np
>>> conv = Convolution2D(3, 8, ksize=3, pad=1)
>>> conv(np.zeros((2, 3, 8, 8), dtype=np.float32)).shape
(2, 8, 8, 8)
>>> Convolution2D(8, 3)
Convolution2D(in_channels=None, out_channels=8, ksize=(3, 3), stride=(1, 1), pad=(0, 0), nobias=False)
"""
from teachgrad import initializers
from teachgrad.functions.convolution import _pair, convolution_2d
from teachgrad.link import Link
from teachgrad.links import _lazy
from teachgrad.variable import Parameter


def add_filter_and_bias(link, in_channels, out_channels, nobias, initialW, initial_bias):
    """Give a convolution link its filter ``W`` (shaped now when ``in_channels``
    is known, else at the first call, by ``link._initialize_params``) and its
    bias ``b`` (None with ``nobias``)."""
    with link.init_scope():
        link.W = Parameter(initializers._get_initializer(initialW))
        if in_channels is not None:
            link._initialize_params(in_channels)
        if nobias:
            link.b = None
        else:
            bias = initializers._get_initializer(0 if initial_bias is None else initial_bias)
            link.b = Parameter(bias, out_channels)


class Convolution2D(Link):
    """2-D convolution layer.

    Args:
        in_channels: input channels, or None to decide on the first call.
        out_channels: number of filters.
        ksize: filter size, an int or (kh, kw).
        stride, pad: as in :func:`teachgrad.functions.convolution_2d`.
        nobias: no bias when True.
        initialW, initial_bias: initializers (defaults LeCunNormal and 0).
    """

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0,
                 nobias=False, initialW=None, initial_bias=None, **kwargs):
        super().__init__()
        dilate = kwargs.pop('dilate', 1)
        groups = kwargs.pop('groups', 1)
        if kwargs:
            raise TypeError('Convolution2D got unexpected arguments: {}'.format(sorted(kwargs)))
        if ksize is None:
            # Convolution2D(out_channels, ksize): the input channels come later.
            in_channels, out_channels, ksize = None, in_channels, out_channels
        self.ksize = _pair(ksize)
        self.stride = _pair(stride)
        self.pad = _pair(pad)
        self.out_channels = out_channels
        self.dilate = _pair(dilate)
        self.groups = int(groups)
        add_filter_and_bias(self, in_channels, out_channels, nobias, initialW, initial_bias)

    @property
    def in_channels(self):
        return self.W.shape[1] * self.groups if self.W.data is not None else None

    def _initialize_params(self, in_channels):
        if in_channels % self.groups or self.out_channels % self.groups:
            raise ValueError(
                'Convolution2D: with groups={} both the input channels ({}) and the '
                'output channels ({}) must be multiples of it'.format(
                    self.groups, in_channels, self.out_channels))
        self.W.initialize((self.out_channels, in_channels // self.groups) + self.ksize)
        if not self._cpu:
            self.W.to_gpu(self._device_id)

    @property
    def printable_specs(self):
        yield 'in_channels', self.in_channels
        yield 'out_channels', self.out_channels
        yield 'ksize', self.ksize
        yield 'stride', self.stride
        yield 'pad', self.pad
        yield 'nobias', self.b is None

    def forward(self, x):
        if self.W.data is not None:
            return convolution_2d(x, self.W, self.b, self.stride, self.pad,
                                  dilate=self.dilate, groups=self.groups)
        if len(x.shape) != 4:
            raise ValueError(
                'Convolution2D needs input of shape (batch, channels, height, width), '
                'but got shape {}.{}'.format(x.shape, _one_image_hint(x.shape)))
        return _lazy.first_call(
            [self.W], lambda: self._initialize_params(x.shape[1]),
            lambda: convolution_2d(x, self.W, self.b, self.stride, self.pad,
                                  dilate=self.dilate, groups=self.groups))


def _one_image_hint(shape):
    if len(shape) == 3:
        return ' For one image of {} channels write x[None].'.format(shape[0])
    if len(shape) == 2:
        return ' For one grey image write x[None, None].'
    return ''
