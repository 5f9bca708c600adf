"""Ready-made links, ``import teachgrad.links as L``.

>>> import teachgrad.links as L
>>> L.Linear(3, 2)
Linear(in_size=3, out_size=2, nobias=False)
"""
from teachgrad.links.linear import Linear  # NOQA
from teachgrad.links.classifier import Classifier  # NOQA
from teachgrad.links.embed_id import EmbedID  # NOQA
from teachgrad.links.convolution_2d import Convolution2D  # NOQA
from teachgrad.links.batch_normalization import BatchNormalization  # NOQA
from teachgrad.links.activation import PReLU, Maxout, Swish  # NOQA
from teachgrad.links.loss import NegativeSampling, BinaryHierarchicalSoftmax  # NOQA
# Recurrent layers.
from teachgrad.links.rnn import (  # NOQA
    LSTM, StatelessLSTM, GRU, StatefulGRU, StatelessGRU, NStepLSTM, NStepBiLSTM,
    NStepGRU, NStepBiGRU, NStepRNNTanh, NStepRNNReLU, NStepBiRNNTanh, NStepBiRNNReLU)
# Convolutions in any dimension, transposed and dilated.
from teachgrad.links.convolution_nd import (  # NOQA
    ConvolutionND, Convolution1D, Convolution3D, DeconvolutionND, Deconvolution1D,
    Deconvolution3D)
from teachgrad.links.deconvolution_2d import Deconvolution2D, DilatedConvolution2D  # NOQA
# Normalization layers.
from teachgrad.links.normalization_more import (  # NOQA
    LayerNormalization, GroupNormalization, BatchRenormalization)
# Scale and Bias.
from teachgrad.links.scale_bias import Scale, Bias  # NOQA
# More layers: Highway, Inception, MLPConvolution2D, recurrent variants...
from teachgrad.links.connection_more import (  # NOQA
    Highway, MLPConvolution2D, Bilinear, DepthwiseConvolution2D, SimplifiedDropconnect,
    LocalConvolution2D)
from teachgrad.links.rnn_more import (  # NOQA
    StatelessMGU, StatefulMGU, StatefulPeepholeLSTM, StatefulZoneoutLSTM)
from teachgrad.links.inception import Inception, InceptionBN  # NOQA
from teachgrad.links.crf1d import CRF1d  # NOQA
# Image networks trained on ImageNet (their weights come as Chainer's .npz files).
from teachgrad.links import model  # NOQA
from teachgrad.links.model.vision.vgg import VGG16Layers, VGG19Layers  # NOQA
from teachgrad.links.model.vision.resnet import (  # NOQA
    ResNet50Layers, ResNet101Layers, ResNet152Layers)
from teachgrad.links.model.vision.googlenet import GoogLeNet  # NOQA
