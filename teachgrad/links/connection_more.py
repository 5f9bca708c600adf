"""More connection layers: Highway, MLPConvolution2D, Bilinear,
DepthwiseConvolution2D, SimplifiedDropconnect and LocalConvolution2D.

>>> import numpy as np
>>> layer = Highway(3)
>>> [path for path, _ in layer.namedparams()]
['/plain/W', '/plain/b', '/transform/W', '/transform/b']
>>> layer(np.zeros((2, 3), 'f')).shape
(2, 3)
"""
import numbers

import numpy

from teachgrad import backend
from teachgrad import functions as F
from teachgrad import initializers
from teachgrad.chain import Chain
from teachgrad.chain_list import ChainList
from teachgrad.functions.connection_more import (
    bilinear, depthwise_convolution_2d, local_convolution_2d)
from teachgrad.functions.convolution import _pair
from teachgrad.functions.noise_more import simplified_dropconnect
from teachgrad.link import Link
from teachgrad.links import _lazy
from teachgrad.links.convolution_2d import Convolution2D, _one_image_hint
from teachgrad.links.linear import Linear
from teachgrad.variable import Parameter


def _check_positive(layer, what, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError('{}: {} must be a positive whole number, but got {!r}'.format(
            layer, what, value))


class Highway(Chain):
    """A highway layer: ``y = h(x) * t(x) + x * (1 - t(x))``.

    ``h(x) = activate(plain(x))`` is a fully-connected layer;
    ``t(x) = sigmoid(transform(x))`` is the transform gate, which decides
    per feature how much of ``h(x)`` replaces ``x``. Input and output have
    the same size, so highway layers stack deep.

    Args:
        in_out_size: features of the input and of the output.
        nobias: no biases when True.
        activate: the activation of the plain path (default relu).
        init_Wh, init_bh: initializers of ``plain.W`` and ``plain.b``.
        init_Wt, init_bt: initializers of ``transform.W`` and ``transform.b``
            (``init_bt=-1`` starts the gate mostly closed: y close to x).

    >>> import numpy as np
    >>> layer = Highway(2, init_Wh=0, init_Wt=0, init_bt=0)
    >>> layer(np.array([[1., -2.]], 'f')).data       # t = 0.5, h = 0
    array([[ 0.5, -1. ]], dtype=float32)
    """

    def __init__(self, in_out_size, nobias=False, activate=F.relu, init_Wh=None,
                 init_Wt=None, init_bh=None, init_bt=-1):
        _check_positive('Highway', 'in_out_size', in_out_size)
        super().__init__()
        self.activate = activate
        self.in_out_size = in_out_size
        with self.init_scope():
            self.plain = Linear(in_out_size, in_out_size, nobias=nobias,
                                initialW=init_Wh, initial_bias=init_bh)
            self.transform = Linear(in_out_size, in_out_size, nobias=nobias,
                                    initialW=init_Wt, initial_bias=init_bt)

    def forward(self, x):
        if len(x.shape) != 2 or x.shape[1] != self.in_out_size:
            raise ValueError(
                'Highway({0}) needs input of shape (batch, {0}): the output has the '
                'size of the input and the two are mixed. Got shape {1}.'.format(
                    self.in_out_size, x.shape))
        h = self.activate(self.plain(x))
        t = F.sigmoid(self.transform(x))
        return h * t + x * (1 - t)


class MLPConvolution2D(ChainList):
    """A "network in network" block: one convolution, then 1x1 convolutions,
    with an activation between them (not after the last).

    Args:
        in_channels: input channels, or None to decide on the first call (or
            give only ``out_channels, ksize``).
        out_channels: a sequence, the output channels of each convolution.
        ksize, stride, pad: of the first convolution; the others are 1x1.
        activation: applied after every convolution but the last (default relu).
        conv_init, bias_init: initializers of every W and b.

    The children are Convolution2D links ``0, 1, ...``.

    >>> import numpy as np
    >>> block = MLPConvolution2D((8, 4, 2), 3)      # lazy: channels from the input
    >>> block(np.zeros((1, 3, 5, 5), 'f')).shape
    (1, 2, 3, 3)
    >>> [l.W.shape for l in block]
    [(8, 3, 3, 3), (4, 8, 1, 1), (2, 4, 1, 1)]
    """

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0,
                 activation=F.relu, *, conv_init=None, bias_init=None):
        if ksize is None:
            # MLPConvolution2D(out_channels, ksize): the input channels come later.
            in_channels, out_channels, ksize = None, in_channels, out_channels
        try:
            out_channels = tuple(out_channels)
        except TypeError:
            out_channels = ()
        if not out_channels:
            raise ValueError(
                'MLPConvolution2D: out_channels must be a non-empty sequence, the output '
                'channels of each convolution, e.g. (96, 96, 96); got {!r}'.format(
                    out_channels or None))
        convs = [Convolution2D(in_channels, out_channels[0], ksize, stride, pad,
                               initialW=conv_init, initial_bias=bias_init)]
        for n_in, n_out in zip(out_channels, out_channels[1:]):
            convs.append(Convolution2D(n_in, n_out, 1, initialW=conv_init,
                                       initial_bias=bias_init))
        super().__init__(*convs)
        self.activation = activation

    def forward(self, x):
        for conv in self[:-1]:
            x = self.activation(conv(x))
        return self[-1](x)


class Bilinear(Link):
    """The bilinear layer: ``y = e1 W e2 (+ e1 V1 + e2 V2 + b)``, see
    :func:`teachgrad.functions.bilinear`.

    Args:
        left_size, right_size: features of ``e1`` and ``e2``.
        out_size: output features.
        nobias: no ``V1``, ``V2``, ``b`` when True.
        initialW: initializer of W, shape (left_size, right_size, out_size)
            (default LeCunNormal).
        initial_bias: None (V1 and V2 LeCunNormal, b zero) or a tuple
            ``(initialV1, initialV2, initialb)``.

    >>> import numpy as np
    >>> layer = Bilinear(2, 3, 4)
    >>> [(path, p.shape) for path, p in layer.namedparams()]
    [('/V1', (2, 4)), ('/V2', (3, 4)), ('/W', (2, 3, 4)), ('/b', (4,))]
    >>> layer(np.ones((5, 2), 'f'), np.ones((5, 3), 'f')).shape
    (5, 4)
    """

    def __init__(self, left_size, right_size, out_size, nobias=False, initialW=None,
                 initial_bias=None):
        for what, size in (('left_size', left_size), ('right_size', right_size),
                           ('out_size', out_size)):
            _check_positive('Bilinear', what, size)
        if not nobias and initial_bias is not None and not (
                isinstance(initial_bias, tuple) and len(initial_bias) == 3):
            raise ValueError(
                'Bilinear: initial_bias must be None or a tuple (initialV1, initialV2, '
                'initialb), but got {!r}'.format(initial_bias))
        shapes = {'W': (left_size, right_size, out_size), 'V1': (left_size, out_size),
                  'V2': (right_size, out_size), 'b': (out_size,)}
        inits = {'W': initialW}
        if not nobias:
            inits['V1'], inits['V2'], inits['b'] = initial_bias or (None, None, 0)
        for name, init in inits.items():
            if backend.is_array(init) and tuple(init.shape) != shapes[name]:
                raise ValueError('Bilinear: the initial {} has shape {} but must have '
                                 'shape {}'.format(name, init.shape, shapes[name]))
        super().__init__()
        self.in_sizes = (left_size, right_size)
        self.out_size = out_size
        self.nobias = nobias
        with self.init_scope():
            for name, init in inits.items():
                setattr(self, name, Parameter(initializers._get_initializer(init),
                                              shapes[name]))

    @property
    def printable_specs(self):
        yield 'left_size', self.in_sizes[0]
        yield 'right_size', self.in_sizes[1]
        yield 'out_size', self.out_size
        yield 'nobias', self.nobias

    def forward(self, e1, e2):
        if self.nobias:
            return bilinear(e1, e2, self.W)
        return bilinear(e1, e2, self.W, self.V1, self.V2, self.b)


class DepthwiseConvolution2D(Link):
    """Depthwise convolution layer: ``channel_multiplier`` filters per input
    channel, see :func:`teachgrad.functions.depthwise_convolution_2d`.

    Args:
        in_channels: input channels, or None to decide on the first call.
        channel_multiplier: filters per input channel; the output has
            ``channel_multiplier * in_channels`` channels.
        ksize, stride, pad: as in :class:`Convolution2D`.
        nobias: no bias when True.
        initialW: initializer of W, shape (channel_multiplier, in_channels, kh,
            kw) (default HeNormal with scale 1/√2, i.e. std √(1/fan_in)).
        initial_bias: initializer of b (default 0).

    >>> import numpy as np
    >>> conv = DepthwiseConvolution2D(3, 2, 3, pad=1)
    >>> conv.W.shape, conv.b.shape
    ((2, 3, 3, 3), (6,))
    >>> conv(np.zeros((1, 3, 4, 4), 'f')).shape
    (1, 6, 4, 4)
    """

    def __init__(self, in_channels, channel_multiplier, ksize, stride=1, pad=0,
                 nobias=False, initialW=None, initial_bias=None):
        _check_positive('DepthwiseConvolution2D', 'channel_multiplier', channel_multiplier)
        if in_channels is not None:
            _check_positive('DepthwiseConvolution2D', 'in_channels', in_channels)
        super().__init__()
        self.ksize = ksize
        self.stride = _pair(stride)
        self.pad = _pair(pad)
        self.channel_multiplier = channel_multiplier
        self.nobias = nobias
        if initialW is None:
            initialW = initializers.HeNormal(1. / numpy.sqrt(2))
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            self.b = None if nobias else Parameter(initializers._get_initializer(
                0 if initial_bias is None else initial_bias))
        if in_channels is not None:
            self._initialize_params(in_channels)

    @property
    def in_channels(self):
        return self.W.shape[1] if self.W.data is not None else None

    def _initialize_params(self, in_channels):
        kh, kw = _pair(self.ksize)
        self.W.initialize((self.channel_multiplier, in_channels, kh, kw))
        if self.b is not None:
            self.b.initialize((self.channel_multiplier * in_channels,))
        if not self._cpu:
            for param in self.params():
                param.to_gpu(self._device_id)

    @property
    def printable_specs(self):
        yield 'in_channels', self.in_channels
        yield 'channel_multiplier', self.channel_multiplier
        yield 'ksize', _pair(self.ksize)
        yield 'stride', self.stride
        yield 'pad', self.pad
        yield 'nobias', self.nobias

    def forward(self, x):
        if self.W.data is not None:
            return depthwise_convolution_2d(x, self.W, self.b, self.stride, self.pad)
        if len(x.shape) != 4:
            raise ValueError(
                'DepthwiseConvolution2D needs input of shape (batch, channels, height, '
                'width), but got shape {}.{}'.format(x.shape, _one_image_hint(x.shape)))
        return _lazy.first_call(
            list(self.params()), lambda: self._initialize_params(x.shape[1]),
            lambda: depthwise_convolution_2d(x, self.W, self.b, self.stride, self.pad))


class SimplifiedDropconnect(Link):
    """A fully-connected layer regularized by dropping weights at random, see
    :func:`teachgrad.functions.simplified_dropconnect`.

    Args:
        in_size: input features, or None to decide on the first call.
        out_size: output features.
        ratio: the probability to drop each weight while training.
        nobias: no bias when True.
        initialW: initializer of W, (out_size, in_size) (default HeNormal with
            scale 1/√2, i.e. std √(1/in_size)).
        initial_bias: initializer of b (default 0).

    ``layer(x, train=True, mask=None, use_batchwise_mask=True)``: weights are
    dropped only when ``train`` and ``config.train`` are both True.

    >>> import numpy as np
    >>> import teachgrad
    >>> layer = SimplifiedDropconnect(None, 2, initialW=1.0)
    >>> with teachgrad.using_config('train', False):
    ...     layer(np.ones((1, 3), 'f')).data
    array([[3., 3.]], dtype=float32)
    """

    def __init__(self, in_size, out_size, ratio=.5, nobias=False, initialW=None,
                 initial_bias=None):
        _check_positive('SimplifiedDropconnect', 'out_size', out_size)
        if in_size is not None:
            _check_positive('SimplifiedDropconnect', 'in_size', in_size)
        if not 0.0 <= ratio < 1.0:
            raise ValueError('SimplifiedDropconnect: ratio must be in [0, 1), but got '
                             '{}'.format(ratio))
        super().__init__()
        self.out_size = out_size
        self.ratio = ratio
        if initialW is None:
            initialW = initializers.HeNormal(1. / numpy.sqrt(2))
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if in_size is not None:
                self._initialize_params(in_size)
            self.b = None if nobias else Parameter(initializers._get_initializer(
                0 if initial_bias is None else initial_bias), out_size)

    @property
    def in_size(self):
        return self.W.shape[1] if self.W.data is not None else None

    def _initialize_params(self, in_size):
        self.W.initialize((self.out_size, in_size))
        if not self._cpu:
            self.W.to_gpu(self._device_id)

    @property
    def printable_specs(self):
        yield 'in_size', self.in_size
        yield 'out_size', self.out_size
        yield 'ratio', self.ratio
        yield 'nobias', self.b is None

    def forward(self, x, train=True, mask=None, use_batchwise_mask=True):
        def compute():
            return simplified_dropconnect(x, self.W, self.b, self.ratio, train, mask,
                                          use_batchwise_mask)
        if self.W.data is not None:
            return compute()
        if len(x.shape) < 2:
            raise ValueError(
                'SimplifiedDropconnect needs a batch, (batch, features), but got shape {}. '
                'For one example write x[None].'.format(x.shape))
        features = 1
        for s in x.shape[1:]:
            features *= s
        return _lazy.first_call([self.W], lambda: self._initialize_params(features), compute)


class LocalConvolution2D(Link):
    """A locally connected layer: a convolution with a filter of its own at
    every output position, see :func:`teachgrad.functions.local_convolution_2d`.

    Args:
        in_channels: input channels, or None to decide on the first call.
        out_channels: filters per position.
        in_size: the input's (height, width) (an int for a square), or None
            to decide on the first call; W depends on it.
        ksize: filter size, an int or (kh, kw).
        stride: step between windows; there is no padding.
        nobias: no bias when True.
        initialW: initializer of W, (out_channels, out_h, out_w, in_channels,
            kh, kw) (default LeCunNormal).
        initial_bias: initializer of b, (out_channels, out_h, out_w) (default 0).

    >>> import numpy as np
    >>> conv = LocalConvolution2D(3, 2, in_size=5, ksize=3)
    >>> conv.W.shape, conv.b.shape
    ((2, 3, 3, 3, 3, 3), (2, 3, 3))
    >>> conv(np.zeros((1, 3, 5, 5), 'f')).shape
    (1, 2, 3, 3)
    """

    def __init__(self, in_channels, out_channels, in_size=None, ksize=None, stride=1,
                 nobias=False, initialW=None, initial_bias=None):
        _check_positive('LocalConvolution2D', 'out_channels', out_channels)
        if ksize is None:
            raise ValueError('LocalConvolution2D needs ksize, the filter size, e.g. '
                             'LocalConvolution2D(3, 8, in_size=(28, 28), ksize=3)')
        super().__init__()
        self.ksize = _pair(ksize)
        self.stride = _pair(stride)
        self.nobias = nobias
        self.out_channels = out_channels
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            self.b = None if nobias else Parameter(initializers._get_initializer(
                0 if initial_bias is None else initial_bias))
        if in_channels is not None and in_size is not None:
            self._initialize_params(in_channels, _pair(in_size))

    def _initialize_params(self, in_channels, in_size):
        (kh, kw), (sy, sx), (h, w) = self.ksize, self.stride, in_size
        oh, ow = (h - kh) // sy + 1, (w - kw) // sx + 1
        if oh < 1 or ow < 1:
            raise ValueError('LocalConvolution2D: a {}x{} filter does not fit in a {}x{} '
                             'input'.format(kh, kw, h, w))
        self.W.initialize((self.out_channels, oh, ow, in_channels, kh, kw))
        if self.b is not None:
            self.b.initialize((self.out_channels, oh, ow))
        if not self._cpu:
            for param in self.params():
                param.to_gpu(self._device_id)

    @property
    def printable_specs(self):
        yield 'in_channels', self.W.shape[3] if self.W.data is not None else None
        yield 'out_channels', self.out_channels
        yield 'ksize', self.ksize
        yield 'stride', self.stride
        yield 'nobias', self.nobias

    def forward(self, x):
        def compute():
            return local_convolution_2d(x, self.W, self.b, self.stride)
        if self.W.data is not None:
            return compute()
        if len(x.shape) != 4:
            raise ValueError(
                'LocalConvolution2D needs input of shape (batch, channels, height, width), '
                'but got shape {}.{}'.format(x.shape, _one_image_hint(x.shape)))
        return _lazy.first_call(
            list(self.params()), lambda: self._initialize_params(x.shape[1], x.shape[2:]),
            compute)
