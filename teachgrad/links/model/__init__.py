"""Ready-made networks: ``teachgrad.links.model.vision`` holds the image
classifiers of Chainer's model zoo (VGG, ResNet, GoogLeNet).

>>> import teachgrad.links as L
>>> L.model.vision.resnet.ResNet50Layers is L.ResNet50Layers
True
"""
from teachgrad.links.model import vision  # NOQA
