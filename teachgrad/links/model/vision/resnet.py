"""ResNet-50, -101 and -152: Microsoft Research's residual ImageNet classifiers.

A residual network adds each block's input to its output (``relu(f(x) + x)``),
so a block only has to learn a correction, and gradients reach the first
layers through the additions undiminished. After a 7×7 convolution, batch
normalization, ReLU and a 3×3 max pooling come four stages ``res2`` ...
``res5`` of *bottleneck* blocks (1×1 convolution to fewer channels, 3×3,
1×1 back to more). The first block of each stage (:class:`BottleneckA`)
changes the number of channels and, from res3 on, halves the picture, so
its shortcut is a 1×1 convolution too; the others (:class:`BottleneckB`) add
their input unchanged. A global average pooling (``pool5``, 2048 features)
and ``fc6`` give the 1000 class scores.

See K. He et al., *Deep Residual Learning for Image Recognition*,
https://arxiv.org/abs/1512.03385. The authors' Caffe models are at
https://github.com/KaimingHe/deep-residual-networks.

>>> import numpy as np
>>> block = BottleneckB(8, 2)               # 8 channels, squeezed to 2 inside
>>> block(np.ones((1, 8, 3, 3), 'f')).shape
(1, 8, 3, 3)
"""
import collections
import os

from teachgrad import functions as F
from teachgrad import initializers
from teachgrad.chain import Chain
from teachgrad.links.batch_normalization import BatchNormalization
from teachgrad.links.convolution_2d import Convolution2D
from teachgrad.links.linear import Linear
from teachgrad.links.model.vision import pretrained

_CAFFE_URL = 'https://github.com/KaimingHe/deep-residual-networks'


class ResNetLayers(pretrained.PretrainedLayers):
    """A ResNet of 50, 101 or 152 layers, optionally with the trained weights.

    Use :class:`ResNet50Layers`, :class:`ResNet101Layers` or
    :class:`ResNet152Layers`.

    Args:
        pretrained_model: a path to a ``.npz`` loads it. A name ending in
            ``.caffemodel`` (what ``'auto'`` means:
            ``'ResNet-50-model.caffemodel'`` and so on) loads
            ``<dataset root>/pfnet/chainer/models/ResNet-50-model.npz``, the
            file Chainer converts from that caffemodel; when it is not there
            an OSError says how to make it (teachgrad reads no Caffe files).
            None starts from random weights: ``HeNormal(scale=1.0)`` for the
            convolutions as in the paper.
        n_layers: 50, 101 or 152.
        downsample_fb: False halves the picture with the stride of the first
            1×1 convolution of a stage (the authors' ResNet); True with that
            of the 3×3 one (Facebook's variant).

    ``forward(x, layers)`` returns the outputs of the stages named in
    ``layers`` (see ``available_layers``); ``extract(images)`` and
    ``predict(images)`` take pictures and call :func:`prepare` first.
    """
    _mean = (103.063, 115.903, 123.152)          # B, G, R of the training set
    _default_layers = ('pool5',)

    def __init__(self, pretrained_model, n_layers, downsample_fb=False):
        blocks = self.block_counts(n_layers)
        npz_path = None
        if isinstance(pretrained_model, str) and pretrained_model.endswith('.caffemodel'):
            npz_path = _converted_path(n_layers, pretrained_model)
        super().__init__()
        if pretrained_model:
            # The weights are about to be overwritten: zeros are quicker.
            conv_kwargs = {'initialW': initializers.Zero()}
        else:
            conv_kwargs = {'initialW': initializers.HeNormal(scale=1.0)}
        kwargs = dict(conv_kwargs, downsample_fb=downsample_fb)
        with self.init_scope():
            self.conv1 = Convolution2D(3, 64, 7, 2, 3, **conv_kwargs)
            self.bn1 = BatchNormalization(64)
            self.res2 = BuildingBlock(blocks[0], 64, 64, 256, 1, **kwargs)
            self.res3 = BuildingBlock(blocks[1], 256, 128, 512, 2, **kwargs)
            self.res4 = BuildingBlock(blocks[2], 512, 256, 1024, 2, **kwargs)
            self.res5 = BuildingBlock(blocks[3], 1024, 512, 2048, 2, **kwargs)
            self.fc6 = Linear(2048, 1000)
        if pretrained_model:
            pretrained.load_pretrained(self, npz_path or pretrained_model)

    @staticmethod
    def block_counts(n_layers):
        """How many bottleneck blocks res2 ... res5 have.

        >>> ResNetLayers.block_counts(101)
        (3, 4, 23, 3)
        """
        counts = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}
        if n_layers not in counts:
            raise ValueError('n_layers must be 50, 101 or 152, but {} was given.'
                             .format(n_layers))
        return counts[n_layers]

    @property
    def functions(self):
        """Stage name -> list of callables, in network order.

        ``conv1`` is convolution, batch normalization and ReLU, ``pool1`` a
        3×3 max pooling of stride 2, ``res2`` ... ``res5`` the residual
        stages, ``pool5`` the average of each of the 2048 maps, ``fc6`` the
        class scores and ``prob`` their softmax.
        """
        return collections.OrderedDict([
            ('conv1', [self.conv1, self.bn1, F.relu]),
            ('pool1', [_max_pooling_3x3]),
            ('res2', [self.res2]),
            ('res3', [self.res3]),
            ('res4', [self.res4]),
            ('res5', [self.res5]),
            ('pool5', [_global_average_pooling_2d]),
            ('fc6', [self.fc6]),
            ('prob', [F.softmax]),
        ])


class ResNet50Layers(ResNetLayers):
    """ResNet with 50 layers: 3, 4, 6 and 3 bottleneck blocks.

    25,557,096 parameters. See :class:`ResNetLayers` for the arguments;
    ``pretrained_model='auto'`` loads ``ResNet-50-model.npz``.
    """

    def __init__(self, pretrained_model='auto', downsample_fb=False):
        if pretrained_model == 'auto':
            pretrained_model = 'ResNet-50-model.caffemodel'
        super().__init__(pretrained_model, 50, downsample_fb)


class ResNet101Layers(ResNetLayers):
    """ResNet with 101 layers: 3, 4, 23 and 3 bottleneck blocks.

    44,549,224 parameters. See :class:`ResNetLayers` for the arguments;
    ``pretrained_model='auto'`` loads ``ResNet-101-model.npz``.
    """

    def __init__(self, pretrained_model='auto', downsample_fb=False):
        if pretrained_model == 'auto':
            pretrained_model = 'ResNet-101-model.caffemodel'
        super().__init__(pretrained_model, 101, downsample_fb)


class ResNet152Layers(ResNetLayers):
    """ResNet with 152 layers: 3, 8, 36 and 3 bottleneck blocks.

    60,192,872 parameters. See :class:`ResNetLayers` for the arguments;
    ``pretrained_model='auto'`` loads ``ResNet-152-model.npz``.
    """

    def __init__(self, pretrained_model='auto', downsample_fb=False):
        if pretrained_model == 'auto':
            pretrained_model = 'ResNet-152-model.caffemodel'
        super().__init__(pretrained_model, 152, downsample_fb)


def prepare(image, size=(224, 224)):
    """Make a picture into ResNet's input: RGB to BGR, the mean colour
    subtracted, channels first.

    Args:
        image: a PIL image, or an array of pixel values 0..255 of shape
            (height, width), (height, width, 3) or (3, height, width), RGB.
        size: PIL's (width, height) to resize to; None keeps the size.

    Returns a float32 array (``teachgrad.config.dtype``) of shape
    (3, height, width). Needs Pillow.

    >>> import numpy as np
    >>> image = np.full((4, 4, 3), [124, 116, 103], dtype=np.uint8)
    >>> prepare(image, size=(2, 2)).round(3)[:, 0, 0]     # B, G, R minus the mean
    array([-0.063,  0.097,  0.848], dtype=float32)
    """
    return pretrained.prepare_image(image, size, ResNetLayers._mean)


class BuildingBlock(Chain):
    """One stage of a ResNet: a :class:`BottleneckA` named ``a`` followed by
    ``n_layers - 1`` :class:`BottleneckB` named ``b1``, ``b2``, ...

    Args:
        n_layers: number of bottleneck blocks.
        in_channels, mid_channels, out_channels: channels coming in, inside
            each bottleneck, and going out.
        stride: the stage's downsampling (1 or 2).
        initialW: initializer of the convolutions.
        downsample_fb: where the stride goes (see :class:`ResNetLayers`).

    >>> import numpy as np
    >>> stage = BuildingBlock(2, 4, 2, 8, stride=2)
    >>> sorted(name for name, _ in stage.namedlinks(skipself=True))[:3]
    ['/a', '/a/bn1', '/a/bn2']
    >>> stage(np.ones((1, 4, 6, 6), 'f')).shape
    (1, 8, 3, 3)
    """

    def __init__(self, n_layers, in_channels, mid_channels, out_channels, stride,
                 initialW=None, downsample_fb=False):
        super().__init__()
        with self.init_scope():
            self.a = BottleneckA(in_channels, mid_channels, out_channels, stride,
                                 initialW, downsample_fb)
            self._forward = ['a']
            for i in range(1, n_layers):
                name = 'b{}'.format(i)
                setattr(self, name, BottleneckB(out_channels, mid_channels, initialW))
                self._forward.append(name)

    def forward(self, x):
        for name in self._forward:
            x = getattr(self, name)(x)
        return x


class BottleneckA(Chain):
    """A bottleneck that changes the channels (and may halve the size):
    ``relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + bn4(conv4(x)))``,
    where conv4 is the 1×1 shortcut that makes x fit.

    Args:
        in_channels, mid_channels, out_channels: channels in, inside, out.
        stride: downsampling, on conv1 (or on conv2 when ``downsample_fb``)
            and on the shortcut.
        initialW: initializer of the convolutions (they have no bias: the
            batch normalization after each one shifts anyway).
        downsample_fb: put the stride on the 3×3 convolution.

    >>> import numpy as np
    >>> BottleneckA(4, 2, 8, stride=2)(np.ones((1, 4, 6, 6), 'f')).shape
    (1, 8, 3, 3)
    """

    def __init__(self, in_channels, mid_channels, out_channels, stride=2,
                 initialW=None, downsample_fb=False):
        super().__init__()
        stride_1x1, stride_3x3 = (1, stride) if downsample_fb else (stride, 1)
        with self.init_scope():
            self.conv1 = Convolution2D(in_channels, mid_channels, 1, stride_1x1, 0,
                                       initialW=initialW, nobias=True)
            self.bn1 = BatchNormalization(mid_channels)
            self.conv2 = Convolution2D(mid_channels, mid_channels, 3, stride_3x3, 1,
                                       initialW=initialW, nobias=True)
            self.bn2 = BatchNormalization(mid_channels)
            self.conv3 = Convolution2D(mid_channels, out_channels, 1, 1, 0,
                                       initialW=initialW, nobias=True)
            self.bn3 = BatchNormalization(out_channels)
            self.conv4 = Convolution2D(in_channels, out_channels, 1, stride, 0,
                                       initialW=initialW, nobias=True)
            self.bn4 = BatchNormalization(out_channels)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = F.relu(self.bn2(self.conv2(h)))
        h = self.bn3(self.conv3(h))
        shortcut = self.bn4(self.conv4(x))
        return F.relu(h + shortcut)


class BottleneckB(Chain):
    """A bottleneck that keeps channels and size, so its input is added as is:
    ``relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + x)``.

    Args:
        in_channels: channels in and out.
        mid_channels: channels inside.
        initialW: initializer of the convolutions.
    """

    def __init__(self, in_channels, mid_channels, initialW=None):
        super().__init__()
        with self.init_scope():
            self.conv1 = Convolution2D(in_channels, mid_channels, 1, 1, 0,
                                       initialW=initialW, nobias=True)
            self.bn1 = BatchNormalization(mid_channels)
            self.conv2 = Convolution2D(mid_channels, mid_channels, 3, 1, 1,
                                       initialW=initialW, nobias=True)
            self.bn2 = BatchNormalization(mid_channels)
            self.conv3 = Convolution2D(mid_channels, in_channels, 1, 1, 0,
                                       initialW=initialW, nobias=True)
            self.bn3 = BatchNormalization(in_channels)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = F.relu(self.bn2(self.conv2(h)))
        h = self.bn3(self.conv3(h))
        return F.relu(h + x)


def _max_pooling_3x3(x):
    return F.max_pooling_2d(x, ksize=3, stride=2)


def _global_average_pooling_2d(x):
    n, channels, rows, cols = x.shape
    h = F.average_pooling_2d(x, (rows, cols), stride=1)
    return F.reshape(h, (n, channels))


def _converted_path(n_layers, caffemodel_name):
    # The .npz Chainer writes next to the caffemodel when it converts it.
    npz_name = 'ResNet-{}-model.npz'.format(n_layers)
    npz_path = pretrained.model_path(npz_name)
    if os.path.exists(npz_path):
        return npz_path
    caffemodel_path = pretrained.model_path(caffemodel_name)
    how = ('teachgrad cannot convert it: on a machine with Chainer, run '
           "chainer.links.model.vision.resnet.ResNetLayers.convert_caffemodel_to_npz("
           "'{}', '{}', n_layers={}) (or build chainer.links.ResNet{}Layers() there, "
           'which writes {} next to the caffemodel).').format(
               caffemodel_name, npz_name, n_layers, n_layers, npz_name)
    if not os.path.exists(caffemodel_path):
        first = ('The pre-trained caffemodel does not exist. Please download it from '
                 "'{}', and place it on {}".format(_CAFFE_URL, caffemodel_path))
        raise pretrained.missing_model_error(npz_path, first + '\n' + how)
    raise pretrained.missing_model_error(npz_path, (
        'The caffemodel is at {} but its converted form {} is not. '.format(
            caffemodel_path, npz_path) + how))
