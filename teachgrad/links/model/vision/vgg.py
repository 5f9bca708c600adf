"""VGG16 and VGG19: the Oxford Visual Geometry Group's ImageNet classifiers.

A VGG network is blocks of 3×3 convolutions (padding 1, so the size stays)
each followed by ReLU, a 2×2 max pooling after each block halving the
picture, then three fully connected layers (fc6, fc7 with dropout, fc8) and
a softmax over the 1000 ImageNet classes. VGG16 has 2, 2, 3, 3, 3
convolutions in its five blocks, VGG19 2, 2, 4, 4, 4. A 224×224 picture
leaves the last pooling as 512 maps of 7×7, which is what fc6 takes.

See K. Simonyan and A. Zisserman, *Very Deep Convolutional Networks for
Large-Scale Image Recognition*, https://arxiv.org/abs/1409.1556 (the trained
weights are released under the Creative Commons Attribution licence).

VGG16 has 138 million parameters (550 MB in float32), so the example counts
them from the blocks instead of building it:

>>> conv = sum(9 * i * o + o for i, o in VGG16Layers.conv_channels())
>>> fc = 512 * 7 * 7 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000
>>> conv + fc
138357544
"""
import collections
import os

from teachgrad import functions as F
from teachgrad import initializers
from teachgrad.links.convolution_2d import Convolution2D
from teachgrad.links.linear import Linear
from teachgrad.links.model.vision import pretrained

_URL = ('https://www.robots.ox.ac.uk/%7Evgg/software/very_deep/caffe/'
        'VGG_ILSVRC_{}_layers.caffemodel')


class VGGLayers(pretrained.PretrainedLayers):
    """A VGG network of 16 or 19 layers, optionally with the trained weights.

    Use :class:`VGG16Layers` or :class:`VGG19Layers`.

    Args:
        pretrained_model: ``'auto'`` (the default) loads
            ``<dataset root>/pfnet/chainer/models/VGG_ILSVRC_16_layers.npz``
            (``..._19_layers.npz``), the file Chainer converts from the
            authors' Caffe model, and raises OSError, saying how to get it,
            when it is not there (teachgrad never downloads it); a path
            loads that ``.npz``; None starts from random weights,
            ``Normal(0.01)`` as in the paper, biases zero.
        n_layers: 16 or 19.

    ``forward(x, layers)`` returns the outputs of the stages named in
    ``layers`` (see ``available_layers``); ``extract(images)`` and
    ``predict(images)`` take pictures and call :func:`prepare` first.
    """
    _mean = (103.939, 116.779, 123.68)          # B, G, R of the training set
    _default_layers = ('fc7',)
    _fixed_inputs = {'fc6': (512, 7, 7)}

    def __init__(self, pretrained_model='auto', n_layers=16):
        if n_layers not in (16, 19):
            raise ValueError('n_layers must be 16 or 19, but {} was given.'.format(n_layers))
        if pretrained_model == 'auto':
            pretrained_model = _auto_path(n_layers)
        super().__init__()
        self.n_layers = n_layers
        if pretrained_model:
            # The weights are about to be overwritten: zeros are quicker to
            # make than 138 million random numbers.
            kwargs = {'initialW': initializers.Zero(), 'initial_bias': initializers.Zero()}
        else:
            kwargs = {'initialW': initializers.Normal(0.01),
                      'initial_bias': initializers.Zero()}
        with self.init_scope():
            for name, (in_channels, out_channels) in zip(
                    self._conv_names(), self.conv_channels(n_layers)):
                setattr(self, name, Convolution2D(
                    in_channels, out_channels, 3, 1, 1, **kwargs))
            self.fc6 = Linear(512 * 7 * 7, 4096, **kwargs)
            self.fc7 = Linear(4096, 4096, **kwargs)
            self.fc8 = Linear(4096, 1000, **kwargs)
        if pretrained_model:
            pretrained.load_pretrained(self, pretrained_model)

    @staticmethod
    def _blocks(n_layers):
        return (2, 2, 3, 3, 3) if n_layers == 16 else (2, 2, 4, 4, 4)

    @classmethod
    def conv_channels(cls, n_layers=16):
        """(in_channels, out_channels) of each convolution, in order.

        >>> VGGLayers.conv_channels(16)[:3]
        [(3, 64), (64, 64), (64, 128)]
        """
        pairs, channels = [], 3
        for width, count in zip((64, 128, 256, 512, 512), cls._blocks(n_layers)):
            for _ in range(count):
                pairs.append((channels, width))
                channels = width
        return pairs

    def _conv_names(self):
        return ['conv{}_{}'.format(block + 1, i + 1)
                for block, count in enumerate(self._blocks(self.n_layers))
                for i in range(count)]

    @property
    def functions(self):
        """Stage name -> list of callables, in network order.

        ``conv1_1`` ... are a convolution and ReLU, ``pool1`` ... a 2×2 max
        pooling, ``fc6`` and ``fc7`` a linear layer, ReLU and dropout, ``fc8``
        the class scores and ``prob`` their softmax.
        """
        stages = []
        for block, count in enumerate(self._blocks(self.n_layers), start=1):
            for i in range(1, count + 1):
                name = 'conv{}_{}'.format(block, i)
                stages.append((name, [getattr(self, name), F.relu]))
            stages.append(('pool{}'.format(block), [_max_pooling_2d]))
        stages += [
            ('fc6', [self.fc6, F.relu, F.dropout]),
            ('fc7', [self.fc7, F.relu, F.dropout]),
            ('fc8', [self.fc8]),
            ('prob', [F.softmax]),
        ]
        return collections.OrderedDict(stages)


class VGG16Layers(VGGLayers):
    """VGG with 16 weight layers (13 convolutions, 3 fully connected).

    See :class:`VGGLayers` for the arguments; ``pretrained_model='auto'``
    loads ``VGG_ILSVRC_16_layers.npz``.
    """

    def __init__(self, pretrained_model='auto'):
        super().__init__(pretrained_model, 16)


class VGG19Layers(VGGLayers):
    """VGG with 19 weight layers (16 convolutions, 3 fully connected).

    See :class:`VGGLayers` for the arguments; ``pretrained_model='auto'``
    loads ``VGG_ILSVRC_19_layers.npz``.
    """

    def __init__(self, pretrained_model='auto'):
        super().__init__(pretrained_model, 19)


def prepare(image, size=(224, 224)):
    """Make a picture into VGG's input: RGB to BGR, the mean colour
    subtracted, channels first.

    Args:
        image: a PIL image, or an array of pixel values 0..255 of shape
            (height, width), (height, width, 3) or (3, height, width), RGB.
        size: PIL's (width, height) to resize to; None keeps the size.

    Returns a float32 array (``teachgrad.config.dtype``) of shape
    (3, height, width). Needs Pillow.

    >>> import numpy as np
    >>> image = np.full((4, 4, 3), [104, 117, 124], dtype=np.uint8)
    >>> prepare(image, size=(2, 2)).round(3)[:, 0, 0]     # B, G, R minus the mean
    array([ 20.061,   0.221, -19.68 ], dtype=float32)
    """
    return pretrained.prepare_image(image, size, VGGLayers._mean)


def _max_pooling_2d(x):
    return F.max_pooling_2d(x, ksize=2)


def _auto_path(n_layers):
    name = 'VGG_ILSVRC_{}_layers.npz'.format(n_layers)
    path = pretrained.model_path(name)
    if not os.path.exists(path):
        raise pretrained.missing_model_error(path, (
            'The pre-trained model {} does not exist at {}. Chainer would download '
            'the authors\' caffemodel from {} and convert it; teachgrad does not '
            'download weights. On a machine with Chainer, run '
            'chainer.links.VGG{}Layers() once: it writes the converted file to '
            '$CHAINER_DATASET_ROOT/pfnet/chainer/models/{}.').format(
                name, path, _URL.format(n_layers), n_layers, name))
    return path
