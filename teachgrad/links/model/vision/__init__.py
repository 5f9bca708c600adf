"""Image networks trained on ImageNet, with Chainer's layer and parameter names.

``VGG16Layers``, ``VGG19Layers``, ``ResNet50Layers``, ``ResNet101Layers`` and
``ResNet152Layers`` and ``GoogLeNet`` (also in ``teachgrad.links``) load the weights that
Chainer converted from the authors' Caffe models, given as a ``.npz`` file,
or start from random weights with ``pretrained_model=None``. Each module has
its own ``prepare(image)``, the preprocessing its network was trained with.

>>> from teachgrad.links.model.vision import resnet
>>> resnet.ResNet50Layers.block_counts(50)
(3, 4, 6, 3)
"""
from teachgrad.links.model.vision import pretrained  # NOQA
from teachgrad.links.model.vision import vgg  # NOQA
from teachgrad.links.model.vision import resnet  # NOQA
from teachgrad.links.model.vision import googlenet  # NOQA
