"""GoogLeNet: the Inception network that won ImageNet's 2014 classification task.

Its building block, :class:`Inception`, looks at the same picture through
1×1, 3×3 and 5×5 convolutions and a 3×3 max pooling side by side and stacks
the four results along the channels; 1×1 convolutions first shrink the
channels so that the large filters stay cheap. After two plain convolution
stages come nine Inception blocks (3a, 3b, 4a ... 4e, 5a, 5b), a 7×7
average pooling (``pool5``, 1024 features) and the classifier ``loss3_fc``.
Two side classifiers, ``loss1_fc2`` from inception_4a's output and
``loss2_fc2`` from inception_4d's, helped the gradients reach the early
layers in training.

See C. Szegedy et al., *Going Deeper with Convolutions*,
https://arxiv.org/abs/1409.4842; the Caffe model is BVLC's ``bvlc_googlenet``.

>>> import numpy as np
>>> block = Inception(3, 2, 2, 4, 1, 2, 2)          # 2 + 4 + 2 + 2 channels out
>>> block(np.ones((1, 3, 5, 5), 'f')).shape
(1, 10, 5, 5)
"""
import collections
import os

from teachgrad import functions as F
from teachgrad import initializers
from teachgrad.links.convolution_2d import Convolution2D
from teachgrad.links.inception import Inception  # NOQA: F401 (googlenet.Inception, as in Chainer)
from teachgrad.links.linear import Linear
from teachgrad.links.model.vision import pretrained

_URL = 'http://dl.caffe.berkeleyvision.org/bvlc_googlenet.caffemodel'
_NPZ = 'bvlc_googlenet.npz'

# (name, in_channels, out1, proj3, out3, proj5, out5, proj_pool) of each block.
_BLOCKS = [
    ('inc3a', 192, 64, 96, 128, 16, 32, 32),
    ('inc3b', 256, 128, 128, 192, 32, 96, 64),
    ('inc4a', 480, 192, 96, 208, 16, 48, 64),
    ('inc4b', 512, 160, 112, 224, 24, 64, 64),
    ('inc4c', 512, 128, 128, 256, 24, 64, 64),
    ('inc4d', 512, 112, 144, 288, 32, 64, 64),
    ('inc4e', 528, 256, 160, 320, 32, 128, 128),
    ('inc5a', 832, 256, 160, 320, 32, 128, 128),
    ('inc5b', 832, 384, 192, 384, 48, 128, 128),
]


class GoogLeNet(pretrained.PretrainedLayers):
    """GoogLeNet (Inception v1), optionally with BVLC's trained weights.

    Args:
        pretrained_model: ``'auto'`` (the default) loads
            ``<dataset root>/pfnet/chainer/models/bvlc_googlenet.npz``, the
            file Chainer converts from BVLC's Caffe model, and raises OSError,
            saying how to get it, when it is not there (teachgrad never
            downloads it); a path loads that ``.npz``; None starts from random
            weights: ``LeCunUniform(scale=1.0)`` for the stem convolutions and
            the classifiers (Caffe's "xavier" filler), the Inception blocks'
            own default (LeCunNormal).

    ``forward(x, layers)`` returns the outputs of the stages named in
    ``layers`` (see ``available_layers``); ``extract(images)`` and
    ``predict(images)`` take pictures and call :func:`prepare` first.
    """
    _mean = (104.0, 117.0, 123.0)                # B, G, R of the training set
    _default_layers = ('pool5',)
    _branch_inputs = {'loss1_fc2': 'inception_4a', 'loss2_fc2': 'inception_4d'}
    _fixed_inputs = {'pool5': (1024, 7, 7), 'loss1_fc2': (512, 14, 14),
                     'loss2_fc2': (528, 14, 14)}

    def __init__(self, pretrained_model='auto'):
        if pretrained_model == 'auto':
            pretrained_model = _auto_path()
        super().__init__()
        if pretrained_model:
            kwargs = {'initialW': initializers.Zero()}   # about to be overwritten
        else:
            kwargs = {'initialW': initializers.LeCunUniform(scale=1.0)}
        with self.init_scope():
            self.conv1 = Convolution2D(3, 64, 7, stride=2, pad=3, **kwargs)
            self.conv2_reduce = Convolution2D(64, 64, 1, **kwargs)
            self.conv2 = Convolution2D(64, 192, 3, stride=1, pad=1, **kwargs)
            for name, *channels in _BLOCKS:
                setattr(self, name, Inception(*channels))
            self.loss3_fc = Linear(1024, 1000, **kwargs)
            self.loss1_conv = Convolution2D(512, 128, 1, **kwargs)
            self.loss1_fc1 = Linear(2048, 1024, **kwargs)
            self.loss1_fc2 = Linear(1024, 1000, **kwargs)
            self.loss2_conv = Convolution2D(528, 128, 1, **kwargs)
            self.loss2_fc1 = Linear(2048, 1024, **kwargs)
            self.loss2_fc2 = Linear(1024, 1000, **kwargs)
        if pretrained_model:
            pretrained.load_pretrained(self, pretrained_model)

    @property
    def functions(self):
        """Stage name -> list of callables, in network order.

        The two side classifiers come last; ``forward`` starts ``loss1_fc2``
        from inception_4a's output and ``loss2_fc2`` from inception_4d's.
        """
        return collections.OrderedDict([
            ('conv1', [self.conv1, F.relu]),
            ('pool1', [_max_pooling_2d, _local_response_normalization]),
            ('conv2_reduce', [self.conv2_reduce, F.relu]),
            ('conv2', [self.conv2, F.relu, _local_response_normalization]),
            ('pool2', [_max_pooling_2d]),
            ('inception_3a', [self.inc3a]),
            ('inception_3b', [self.inc3b]),
            ('pool3', [_max_pooling_2d]),
            ('inception_4a', [self.inc4a]),
            ('inception_4b', [self.inc4b]),
            ('inception_4c', [self.inc4c]),
            ('inception_4d', [self.inc4d]),
            ('inception_4e', [self.inc4e]),
            ('pool4', [_max_pooling_2d]),
            ('inception_5a', [self.inc5a]),
            ('inception_5b', [self.inc5b]),
            ('pool5', [_average_pooling_2d_k7]),
            ('loss3_fc', [_dropout, self.loss3_fc]),
            ('prob', [F.softmax]),
            ('loss1_fc2', [_average_pooling_2d_k5, self.loss1_conv, F.relu,
                           self.loss1_fc1, F.relu, self.loss1_fc2]),
            ('loss2_fc2', [_average_pooling_2d_k5, self.loss2_conv, F.relu,
                           self.loss2_fc1, F.relu, self.loss2_fc2]),
        ])


def prepare(image, size=(224, 224)):
    """Make a picture into GoogLeNet's input: RGB to BGR, the mean colour
    (104, 117, 123) subtracted, channels first.

    Args:
        image: a PIL image, or an array of pixel values 0..255 of shape
            (height, width), (height, width, 3) or (3, height, width), RGB.
        size: PIL's (width, height) to resize to; None keeps the size.

    >>> import numpy as np
    >>> image = np.full((4, 4, 3), [123, 117, 104], dtype=np.uint8)
    >>> prepare(image, size=(2, 2))[:, 0, 0]
    array([0., 0., 0.], dtype=float32)
    """
    return pretrained.prepare_image(image, size, GoogLeNet._mean)


def _max_pooling_2d(x):
    return F.max_pooling_2d(x, ksize=3, stride=2)


def _local_response_normalization(x):
    # The trained weights expect Caffe's normalization, which divides alpha by
    # the window size n; F.local_response_normalization does not, hence 1e-4 / 5.
    return F.local_response_normalization(x, n=5, k=1, alpha=1e-4 / 5)


def _average_pooling_2d_k5(x):
    return F.average_pooling_2d(x, ksize=5, stride=3)


def _average_pooling_2d_k7(x):
    return F.average_pooling_2d(x, ksize=7, stride=1)


def _dropout(x):
    return F.dropout(x, ratio=0.4)


def _auto_path():
    path = pretrained.model_path(_NPZ)
    if not os.path.exists(path):
        raise pretrained.missing_model_error(path, (
            'The pre-trained model {} does not exist at {}. Chainer would download '
            'BVLC\'s caffemodel from {} and convert it; teachgrad does not download '
            'weights. On a machine with Chainer, run chainer.links.GoogLeNet() once: '
            'it writes the converted file to '
            '$CHAINER_DATASET_ROOT/pfnet/chainer/models/{}.').format(_NPZ, path, _URL, _NPZ))
    return path
