"""The function library, ``import teachgrad.functions as F``.

Each function is a small :class:`~teachgrad.FunctionNode` with its forward and
backward side by side; the lowercase names are what learners call.

>>> import numpy as np
>>> import teachgrad.functions as F
>>> F.sum(np.arange(4, dtype=np.float32)).data
array(6., dtype=float32)
"""
from teachgrad.functions.basic_math import (  # NOQA
    add, sub, mul, div, pow, neg, matmul, install_variable_arithmetics)
from teachgrad.functions.array import (  # NOQA
    reshape, transpose, get_item, broadcast_to, sum_to)
from teachgrad.functions.reduction import sum  # NOQA
from teachgrad.functions.connection import linear  # NOQA
from teachgrad.functions.math import (  # NOQA
    exp, log, sqrt, square, sin, cos, absolute, clip)
from teachgrad.functions.activation import (  # NOQA
    tanh, sigmoid, relu, leaky_relu, softmax, log_softmax)
from teachgrad.functions.reduction import mean, max, min, argmax, argmin  # NOQA
from teachgrad.functions.array import (  # NOQA
    concat, stack, split_axis, expand_dims, squeeze, flatten, swapaxes, tile,
    repeat, cast, identity)
from teachgrad.functions.loss import (  # NOQA
    softmax_cross_entropy, mean_squared_error, sigmoid_cross_entropy)
from teachgrad.functions.evaluation import accuracy  # NOQA
from teachgrad.functions.noise import dropout  # NOQA
from teachgrad.functions.convolution import convolution_2d  # NOQA
from teachgrad.functions.pooling import max_pooling_2d, average_pooling_2d  # NOQA
from teachgrad.functions.normalization import (  # NOQA
    batch_normalization, fixed_batch_normalization)
from teachgrad.functions.embed_id import embed_id  # NOQA
# More activations, array ops, math, losses and evaluation (Chainer v7's F).
from teachgrad.functions.activation import (  # NOQA
    softplus, elu, clipped_relu, relu6, hard_sigmoid, crelu, prelu, maxout)
from teachgrad.functions.array import (  # NOQA
    hstack, vstack, dstack, diagonal, moveaxis, permutate, separate, broadcast,
    copy, transpose_sequence, select_item)
from teachgrad.functions.math import maximum, minimum, einsum, tensordot  # NOQA
from teachgrad.functions.loss import (  # NOQA
    squared_error, squared_difference, mean_absolute_error, huber_loss, hinge,
    contrastive, triplet)
from teachgrad.functions.evaluation import binary_accuracy  # NOQA
from teachgrad.functions.forget import forget  # NOQA
from teachgrad.functions.loss import negative_sampling  # NOQA
from teachgrad.functions.activation import selu, swish  # NOQA
from teachgrad.functions.array import where  # NOQA
from teachgrad.functions.math import log1p, expm1, logsumexp, average  # NOQA
from teachgrad.functions.noise import gaussian  # NOQA
from teachgrad.functions.math import (  # NOQA
    tan, arcsin, arccos, arctan, sinh, cosh, log2, log10, rsqrt, sign, floor, ceil,
    cumsum, prod)
from teachgrad.functions.array import flip, fliplr, flipud, pad  # NOQA
from teachgrad.functions.math import batch_matmul  # NOQA
from teachgrad.functions.normalization import normalize  # NOQA
from teachgrad.functions.loss import absolute_error  # NOQA
from teachgrad.functions.loss import (  # NOQA
    gaussian_kl_divergence, bernoulli_nll, gaussian_nll)
# Recurrent cells and stacked RNNs.
from teachgrad.functions.rnn import (  # NOQA
    lstm, n_step_lstm, n_step_bilstm, n_step_gru, n_step_bigru, n_step_rnn,
    n_step_birnn)
# Convolutions in any dimension, transposed and dilated.
from teachgrad.functions.convolution_nd import (  # NOQA
    convolution_nd, convolution_1d, convolution_3d, dilated_convolution_2d,
    deconvolution_nd, deconvolution_1d, deconvolution_2d, deconvolution_3d)
from teachgrad.functions.unpooling import unpooling_2d, upsampling_2d  # NOQA
from teachgrad.functions.depth2space import depth2space, space2depth  # NOQA
from teachgrad.functions.local_response_normalization import (  # NOQA
    local_response_normalization)
# Linear algebra: a triangular solve (what MultivariateNormal computes with).
from teachgrad.functions.linalg import solve_triangular  # NOQA
# Normalizations and pooling in any dimension.
from teachgrad.functions.normalization_more import (  # NOQA
    layer_normalization, group_normalization, batch_renormalization,
    fixed_batch_renormalization)
from teachgrad.functions.pooling_nd import (  # NOQA
    max_pooling_nd, max_pooling_1d, max_pooling_3d, average_pooling_nd, average_pooling_1d,
    average_pooling_3d, unpooling_nd, unpooling_1d, unpooling_3d, spatial_pyramid_pooling_2d)
# Special functions and the rest of the math.
from teachgrad.functions.special import (  # NOQA
    erf, erfc, erfinv, erfcinv, erfcx, ndtr, log_ndtr, ndtri, lgamma, digamma, polygamma,
    zeta)
from teachgrad.functions.math_more import (  # NOQA
    arctanh, arctan2, fmod, fix, cumprod, rollaxis, batch_l2_norm_squared,
    linear_interpolate, scale, bias, scatter_add, pad_sequence, resize_images, im2col)
from teachgrad.functions.linalg_more import det, batch_det, inv, batch_inv, cholesky  # NOQA
from teachgrad.functions.evaluation_more import (  # NOQA
    r2_score, precision, recall, fbeta_score, f1_score, classification_summary)
# More layers' functions: bilinear, depthwise and local convolutions, zoneout...
from teachgrad.functions.connection_more import (  # NOQA
    bilinear, depthwise_convolution_2d, local_convolution_2d)
from teachgrad.functions.noise_more import (  # NOQA
    zoneout, rrelu, gumbel_softmax, simplified_dropconnect)
from teachgrad.functions.crf1d import crf1d, argmax_crf1d  # NOQA

install_variable_arithmetics()
