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
pass
# Scale and Bias.
pass
# More layers: Highway, Inception, MLPConvolution2D, recurrent variants...
from teachgrad.links.connection_more import (  # NOQA
    Highway, MLPConvolution2D, Bilinear, DepthwiseConvolution2D, SimplifiedDropconnect,
    LocalConvolution2D)
from teachgrad.links.rnn_more import (  # NOQA
    StatelessMGU, StatefulMGU, StatefulPeepholeLSTM, StatefulZoneoutLSTM)
from teachgrad.links.inception import Inception, InceptionBN  # NOQA
from teachgrad.links.crf1d import CRF1d  # NOQA
