"""Inception modules: several convolutions side by side on the same input,
their outputs stacked along the channels (GoogLeNet).

>>> import numpy as np
>>> block = Inception(3, 2, 2, 4, 1, 2, 3)
>>> block(np.zeros((1, 3, 5, 5), 'f')).shape     # 2 + 4 + 2 + 3 channels
(1, 11, 5, 5)
"""
from teachgrad import functions as F
from teachgrad.chain import Chain
from teachgrad.links.batch_normalization import BatchNormalization
from teachgrad.links.convolution_2d import Convolution2D


class Inception(Chain):
    """The Inception module of GoogLeNet.

    Four branches read the same input and their outputs are concatenated
    along the channels, then passed through relu:

    - ``conv1``: a 1x1 convolution to ``out1`` channels;
    - ``proj3`` (1x1 to ``proj3``), relu, ``conv3`` (3x3 to ``out3``);
    - ``proj5`` (1x1 to ``proj5``), relu, ``conv5`` (5x5 to ``out5``);
    - a 3x3 max pooling (stride 1), then ``projp`` (1x1 to ``proj_pool``).

    Padding keeps height and width, so the output has ``out1 + out3 + out5 +
    proj_pool`` channels of the input's size.

    Args:
        in_channels: input channels, or None to decide on the first call.
        out1, proj3, out3, proj5, out5, proj_pool: channels, see above.
        conv_init, bias_init: initializers of every W and b.

    >>> block = Inception(None, 1, 1, 1, 1, 1, 1)
    >>> [name for name, _ in block.namedlinks(skipself=True)]
    ['/conv1', '/conv3', '/conv5', '/proj3', '/proj5', '/projp']
    """

    def __init__(self, in_channels, out1, proj3, out3, proj5, out5, proj_pool,
                 conv_init=None, bias_init=None):
        super().__init__()
        kw = dict(initialW=conv_init, initial_bias=bias_init)
        with self.init_scope():
            self.conv1 = Convolution2D(in_channels, out1, 1, **kw)
            self.proj3 = Convolution2D(in_channels, proj3, 1, **kw)
            self.conv3 = Convolution2D(proj3, out3, 3, pad=1, **kw)
            self.proj5 = Convolution2D(in_channels, proj5, 1, **kw)
            self.conv5 = Convolution2D(proj5, out5, 5, pad=2, **kw)
            self.projp = Convolution2D(in_channels, proj_pool, 1, **kw)

    def forward(self, x):
        out1 = self.conv1(x)
        out3 = self.conv3(F.relu(self.proj3(x)))
        out5 = self.conv5(F.relu(self.proj5(x)))
        pool = self.projp(F.max_pooling_2d(x, 3, stride=1, pad=1))
        return F.relu(F.concat((out1, out3, out5, pool), axis=1))


class InceptionBN(Chain):
    """The Inception module with batch normalization (Inception v2).

    Branches, each convolution followed by BatchNormalization and relu, all
    convolutions without bias:

    - when ``out1 > 0``: ``conv1`` (1x1 to ``out1``);
    - ``proj3`` (1x1 to ``proj3``), ``conv3`` (3x3 to ``out3``, with ``stride``);
    - ``proj33`` (1x1), ``conv33a`` (3x3 to ``out33``), ``conv33b`` (3x3, with
      ``stride``);
    - a 3x3 pooling (``pooltype`` 'max' or 'avg', with ``stride``), then, when
      ``proj_pool`` is given, ``poolp`` (1x1 to ``proj_pool``).

    Args:
        in_channels: input channels, or None to decide on the first call.
        out1, proj3, out3, proj33, out33: channels, see above.
        pooltype: 'max' or 'avg'.
        proj_pool: channels of the pooling branch's 1x1 convolution, or None
            to pass the pooled input on as it is.
        stride: of the branches that shrink the image (``out1`` must then be 0).
        conv_init: initializer of every W.
        dtype: of the batch normalizations' parameters (default float32).

    >>> import numpy as np
    >>> block = InceptionBN(3, 0, 2, 2, 2, 2, 'avg', stride=2)
    >>> block(np.ones((2, 3, 6, 6), 'f')).shape       # 2 + 2 + the 3 pooled channels
    (2, 7, 3, 3)
    """

    def __init__(self, in_channels, out1, proj3, out3, proj33, out33, pooltype,
                 proj_pool=None, stride=1, conv_init=None, dtype=None):
        if pooltype not in ('max', 'avg'):
            raise ValueError("InceptionBN: pooltype must be 'max' or 'avg', but got "
                             "{!r}".format(pooltype))
        if out1 > 0 and (stride != 1 or proj_pool is None):
            raise ValueError(
                'InceptionBN: a 1x1 branch (out1={}) needs stride=1 and a proj_pool, so '
                'that all branches have the same size; got stride={} and proj_pool={}. '
                'Use out1=0 for a module that shrinks the image.'.format(
                    out1, stride, proj_pool))
        super().__init__()
        self.out1 = out1
        self.proj_pool = proj_pool
        self.stride = stride
        self.pooltype = pooltype

        def conv(n_in, n_out, ksize, stride=1):
            return Convolution2D(n_in, n_out, ksize, stride=stride, pad=ksize // 2,
                                 nobias=True, initialW=conv_init)
        with self.init_scope():
            self.proj3 = conv(in_channels, proj3, 1)
            self.conv3 = conv(proj3, out3, 3, stride)
            self.proj33 = conv(in_channels, proj33, 1)
            self.conv33a = conv(proj33, out33, 3)
            self.conv33b = conv(out33, out33, 3, stride)
            self.proj3n = BatchNormalization(proj3, dtype=dtype)
            self.conv3n = BatchNormalization(out3, dtype=dtype)
            self.proj33n = BatchNormalization(proj33, dtype=dtype)
            self.conv33an = BatchNormalization(out33, dtype=dtype)
            self.conv33bn = BatchNormalization(out33, dtype=dtype)
            if out1 > 0:
                self.conv1 = conv(in_channels, out1, 1, stride)
                self.conv1n = BatchNormalization(out1, dtype=dtype)
            if proj_pool is not None:
                self.poolp = conv(in_channels, proj_pool, 1)
                self.poolpn = BatchNormalization(proj_pool, dtype=dtype)

    def forward(self, x):
        outs = []
        if self.out1 > 0:
            outs.append(F.relu(self.conv1n(self.conv1(x))))
        h3 = F.relu(self.proj3n(self.proj3(x)))
        outs.append(F.relu(self.conv3n(self.conv3(h3))))
        h33 = F.relu(self.proj33n(self.proj33(x)))
        h33 = F.relu(self.conv33an(self.conv33a(h33)))
        outs.append(F.relu(self.conv33bn(self.conv33b(h33))))
        if self.pooltype == 'max':
            p = F.max_pooling_2d(x, 3, stride=self.stride, pad=1, cover_all=False)
        else:
            p = F.average_pooling_2d(x, 3, stride=self.stride, pad=1)
        if self.proj_pool is not None:
            p = F.relu(self.poolpn(self.poolp(p)))
        outs.append(p)
        return F.concat(outs, axis=1)
