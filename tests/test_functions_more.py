"""The functions added for Chainer v7's documentation: activations (softplus,
elu, clipped_relu, relu6, hard_sigmoid, crelu, prelu, maxout), array ops,
maximum/minimum, einsum/tensordot, losses, binary_accuracy, forget.

The cases use the format of tests/test_functions.py: forward against numpy,
backward against numerical gradients in float64, float32 kept float32, and
the GPU when cupy sees one. Inputs stay away from the kinks of each function.
"""
import warnings

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Variable, backend
from teachgrad.gradient_check import check_backward
from test_functions import (AWAY, CONST, DISTINCT, LABELS, POS, U, _as_tuple, _cupy, _inputs,
                            _run_backward, _y_grads, c, check_case_on_gpu)

A = np.array([[0.5, -1.5, 2.0], [1.0, 3.0, -0.25]])
B = np.array([[0.1, -1.0, 2.5], [1.5, 2.0, 0.25]])       # |A - B| >= 0.4 everywhere
ROW = np.array([0.0, -1.2, 2.3])
PERM = np.array([2, 0, 1], np.int32)


def softplus_ref(x, beta=1.0):
    return np.log1p(np.exp(beta * x)) / beta


def elu_ref(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(x))


def prelu_ref(x, W):
    return np.where(x >= 0, x, x * W.reshape((1,) + W.shape + (1,) * (x.ndim - W.ndim - 1)))


def tseq_ref(*xs):
    return tuple(np.stack([x[t] for x in xs if len(x) > t]) for t in range(len(xs[0])))


def huber_ref(x, t, delta, reduce='sum_along_second_axis'):
    a = np.abs(x - t)
    loss = np.where(a <= delta, 0.5 * a ** 2, delta * (a - 0.5 * delta))
    return loss if reduce == 'no' else loss.sum(axis=1)


def hinge_ref(x, t, norm='L1', reduce='mean'):
    s = -np.ones_like(x)
    s[np.arange(len(t)), t] = 1
    loss = np.maximum(0, 1 - s * x) ** (1 if norm == 'L1' else 2)
    return loss if reduce == 'no' else loss.sum() / len(x)


def contrastive_ref(x0, x1, y, margin=1.0, reduce='mean'):
    d = np.sqrt(((x0 - x1) ** 2).sum(axis=1))
    loss = 0.5 * (y * d ** 2 + (1 - y) * np.maximum(margin - d, 0) ** 2)
    return loss if reduce == 'no' else loss.mean()


def triplet_ref(a, p, n, margin=0.2, reduce='mean'):
    loss = np.maximum(((a - p) ** 2).sum(1) - ((a - n) ** 2).sum(1) + margin, 0)
    return loss if reduce == 'no' else loss.mean()


SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
COND = np.array([[True, False, True], [False, False, True]])
EPS = np.array([[0.3, -1.2, 0.8], [2.0, -0.1, 0.5]])


# Draws that repeat a word in a row and draw the true word too; row 2 is ignored (-1).
NS_T = np.array([0, 3, -1, 1], np.int32)
NS_DRAWS = np.array([[9, 1, 1, 2], [9, 3, 0, 4], [9, 2, 2, 2], [9, 0, 4, 1]], np.int32)


def FIXED_DRAWS(shape):
    assert shape == NS_DRAWS.shape
    return NS_DRAWS.copy()


def ns_ref(x, t, W, reduce='sum'):
    def log_sigmoid(z):
        return -np.log1p(np.exp(-z))
    loss = np.zeros(len(x))
    for i in range(len(x)):
        if t[i] == -1:
            continue
        loss[i] = -log_sigmoid(x[i] @ W[t[i]]) - sum(log_sigmoid(-x[i] @ W[n])
                                                      for n in NS_DRAWS[i, 1:])
    return loss if reduce == 'no' else loss.sum()


def binary_accuracy_ref(y, t):
    return ((y >= 0) == t).sum() / max(1, (t != -1).sum())


# anchor, positive, negative: two rows violate the margin, one is far inside it
ANCHOR = np.array([[-2.0, 3.0, 0.5], [5.0, 2.0, -0.5], [0.0, 0.0, 0.0]])
POSITIVE = np.array([[-2.1, 2.8, 0.5], [4.9, 2.0, -0.4], [0.1, 0.0, 0.0]])
NEGATIVE = np.array([[-2.1, 2.7, 0.7], [4.9, 2.0, -0.7], [2.0, 0.0, 0.0]])
HINGE_X = np.array([[-2.0, 3.0, 0.5], [5.0, 2.0, -0.5], [0.3, -0.2, 0.6]])
HINGE_T = np.array([1, 0, 2], np.int32)


def _forget_square_plus(a, b):
    return F.forget(lambda a, b: (a + b) * a, a, b)


def _forget_two_outputs(a):
    return F.forget(lambda a: (F.exp(a), a * a), a)


CASES = [
    # -- activations
    ('softplus', F.softplus, [U(2, 3, low=-3, high=3)], softplus_ref),
    ('softplus_beta', lambda x: F.softplus(x, beta=2.0), [U(2, 3, low=-3, high=3)],
     lambda x: softplus_ref(x, 2.0)),
    ('elu', F.elu, [AWAY(2, 3)], elu_ref),
    ('elu_alpha', lambda x: F.elu(x, alpha=0.5), [AWAY(2, 3)], lambda x: elu_ref(x, 0.5)),
    ('clipped_relu', F.clipped_relu, [AWAY(2, 3)], lambda x: np.clip(x, 0, 20)),
    ('clipped_relu_z', lambda x: F.clipped_relu(x, z=0.5),
     [CONST([[-0.9, -0.3, 0.2], [0.3, 0.7, 0.9]])], lambda x: np.clip(x, 0, 0.5)),
    ('relu6', F.relu6, [CONST([[-1.0, 2.0, 5.5], [6.5, 7.0, -0.3]])], lambda x: np.clip(x, 0, 6)),
    ('hard_sigmoid', F.hard_sigmoid, [CONST([[-3.0, -1.0, 0.5], [2.0, 2.7, -2.4]])],
     lambda x: np.clip(0.2 * x + 0.5, 0, 1)),
    ('crelu', F.crelu, [AWAY(2, 3)],
     lambda x: np.concatenate((np.maximum(x, 0), np.maximum(-x, 0)), axis=1)),
    ('crelu_axis0', lambda x: F.crelu(x, axis=0), [AWAY(2, 3)],
     lambda x: np.concatenate((np.maximum(x, 0), np.maximum(-x, 0)), axis=0)),
    ('prelu', F.prelu, [AWAY(2, 3, 2), U(3)], prelu_ref),
    ('prelu_shared_slope', F.prelu, [AWAY(2, 3), CONST(0.3)], prelu_ref),
    ('prelu_2d_slope', F.prelu, [AWAY(2, 3, 4), U(3, 4)], prelu_ref),
    ('swish', F.swish, [U(2, 3, 2, low=-2, high=2), U(3)],
     lambda x, b: x / (1 + np.exp(-b[None, :, None] * x))),
    ('swish_full_beta', F.swish, [U(2, 3, low=-2, high=2), U(3)],
     lambda x, b: x / (1 + np.exp(-b * x))),
    ('maxout', lambda x: F.maxout(x, 3), [DISTINCT(2, 6)], lambda x: x.reshape(2, 2, 3).max(2)),
    ('maxout_axis2', lambda x: F.maxout(x, 2, axis=2), [DISTINCT(2, 3, 4)],
     lambda x: x.reshape(2, 3, 2, 2).max(3)),
    # -- joining, splitting and reordering
    ('hstack', lambda a, b: F.hstack((a, b)), [U(2, 1), U(2, 3)], lambda a, b: np.hstack((a, b))),
    ('hstack_1d', lambda a, b: F.hstack([a, b]), [U(2), U(3)], lambda a, b: np.hstack((a, b))),
    ('hstack_0d', lambda a, b: F.hstack([a, b]), [CONST(1.5), CONST(-0.5)],
     lambda a, b: np.hstack((a, b))),
    ('vstack', lambda a, b: F.vstack((a, b)), [U(1, 3), U(2, 3)], lambda a, b: np.vstack((a, b))),
    ('vstack_1d', lambda a, b, d: F.vstack((a, b, d)), [U(3), U(3), U(3)],
     lambda a, b, d: np.vstack((a, b, d))),
    ('dstack_1d', lambda a, b: F.dstack((a, b)), [U(3), U(3)], lambda a, b: np.dstack((a, b))),
    ('dstack_2d', lambda a, b: F.dstack((a, b)), [U(3, 2), U(3, 2)], lambda a, b: np.dstack((a, b))),
    ('dstack_3d', lambda a, b: F.dstack((a, b)), [U(3, 2, 2), U(3, 2, 1)],
     lambda a, b: np.dstack((a, b))),
    ('diagonal', F.diagonal, [U(3, 3)], np.diagonal),
    ('diagonal_offset', lambda x: F.diagonal(x, offset=1), [U(3, 4)], lambda x: x.diagonal(1)),
    ('diagonal_negative_offset', lambda x: F.diagonal(x, -1), [U(3, 4)], lambda x: x.diagonal(-1)),
    ('diagonal_batch', lambda x: F.diagonal(x, 0, 1, 2), [U(2, 3, 3)],
     lambda x: x.diagonal(0, 1, 2)),
    ('diagonal_axes_0_2', lambda x: F.diagonal(x, 1, axis1=2, axis2=0), [U(3, 2, 4)],
     lambda x: x.diagonal(1, 2, 0)),
    ('moveaxis', lambda x: F.moveaxis(x, 0, -1), [U(2, 3, 4)], lambda x: np.moveaxis(x, 0, -1)),
    ('moveaxis_two', lambda x: F.moveaxis(x, (0, 3), (2, 0)), [U(2, 3, 4, 5)],
     lambda x: np.moveaxis(x, (0, 3), (2, 0))),
    ('permutate', lambda x: F.permutate(x, PERM), [U(3, 2)], lambda x: x[PERM]),
    ('permutate_inv', lambda x: F.permutate(x, PERM, inv=True), [U(3, 2)],
     lambda x: x[np.argsort(PERM)]),
    ('permutate_axis1', lambda x: F.permutate(x, PERM, axis=1), [U(2, 3)], lambda x: x[:, PERM]),
    ('separate', F.separate, [U(2, 3)], lambda x: (x[0], x[1])),
    ('separate_axis1', lambda x: F.separate(x, axis=1), [U(2, 3)],
     lambda x: (x[:, 0], x[:, 1], x[:, 2])),
    ('broadcast', F.broadcast, [U(2, 1), U(3)], lambda a, b: tuple(np.broadcast_arrays(a, b))),
    ('copy', lambda x: F.copy(x, -1), [U(2, 3)], lambda x: x),
    ('copy_numpy_name', lambda x: F.copy(x, '@numpy'), [U(2, 3)], lambda x: x),
    ('transpose_sequence', lambda a, b, d: F.transpose_sequence([a, b, d]),
     [U(3, 2), U(2, 2), U(1, 2)], tseq_ref),
    ('transpose_sequence_1d', lambda a, b: F.transpose_sequence([a, b]), [U(3), U(3)], tseq_ref),
    ('select_item', F.select_item, [U(3, 4), LABELS(3, 4)], lambda x, t: x[np.arange(3), t]),
    # -- maximum, minimum, einsum, tensordot
    ('maximum', F.maximum, [CONST(A), CONST(B)], np.maximum),
    ('maximum_broadcast', F.maximum, [CONST(A), CONST(ROW)], np.maximum),
    ('minimum', F.minimum, [CONST(A), CONST(B)], np.minimum),
    ('minimum_broadcast', F.minimum, [CONST(ROW), CONST(A)], np.minimum),
    ('einsum_matmul', lambda a, b: F.einsum('ij,jk->ik', a, b), [U(2, 3), U(3, 4)],
     lambda a, b: a @ b),
    ('einsum_transpose', lambda a: F.einsum('ij->ji', a), [U(2, 3)], lambda a: a.T),
    ('einsum_trace', lambda a: F.einsum('ii', a), [U(3, 3)], np.trace),
    ('einsum_diag', lambda a: F.einsum('ii->i', a), [U(3, 3)], np.diagonal),
    ('einsum_diag_batch', lambda a: F.einsum('iij->ji', a), [U(3, 3, 2)],
     lambda a: np.einsum('iij->ji', a)),
    ('einsum_sum_all', lambda a: F.einsum('ij->', a), [U(2, 3)], np.sum),
    ('einsum_sum_axis', lambda a: F.einsum('ij->j', a), [U(2, 3)], lambda a: a.sum(0)),
    ('einsum_outer', lambda a, b: F.einsum('i,j->ij', a, b), [U(2), U(3)], np.outer),
    ('einsum_letter_only_in_one', lambda a, b: F.einsum('ij,k->ik', a, b), [U(2, 3), U(4)],
     lambda a, b: np.einsum('ij,k->ik', a, b)),
    ('einsum_bilinear', lambda a, b, w: F.einsum('ij,ik,jkl->il', a, b, w),
     [U(3, 4), U(3, 5), U(4, 5, 6)], lambda a, b, w: np.einsum('ij,ik,jkl->il', a, b, w)),
    ('einsum_ellipsis', lambda a, b: F.einsum('...ij,...jk->...ik', a, b),
     [U(2, 2, 3), U(2, 3, 2)], lambda a, b: a @ b),
    ('einsum_ellipsis_implicit', lambda a, b, w: F.einsum('...j,...k,jkl', a, b, w),
     [U(3, 4), U(3, 5), U(4, 5, 6)], lambda a, b, w: np.einsum('...j,...k,jkl', a, b, w)),
    ('einsum_ellipsis_broadcast_ranks', lambda a, b: F.einsum('...j,j->...', a, b),
     [U(2, 3, 4), U(4)], lambda a, b: a @ b),
    ('einsum_sublists', lambda a, b: F.einsum(a, [0, 1], b, [1, 2], [0, 2]), [U(2, 3), U(3, 4)],
     lambda a, b: a @ b),
    ('einsum_sublists_ellipsis', lambda a, b: F.einsum(a, [Ellipsis, 1], b, [1]),
     [U(2, 3), U(3)], lambda a, b: a @ b),
    ('tensordot', F.tensordot, [U(5, 3, 2), U(3, 2, 4)],
     lambda a, b: np.tensordot(a, b, axes=2)),
    ('tensordot_axes1', lambda a, b: F.tensordot(a, b, axes=1), [U(2, 3), U(3, 4)],
     lambda a, b: a @ b),
    ('tensordot_pairs', lambda a, b: F.tensordot(a, b, axes=((0, 2), (2, 1))),
     [U(3, 2, 4), U(5, 4, 3)], lambda a, b: np.tensordot(a, b, axes=((0, 2), (2, 1)))),
    ('tensordot_outer', lambda a, b: F.tensordot(a, b, axes=0), [U(2), U(3)], np.outer),
    # -- losses
    ('squared_error', F.squared_error, [U(2, 3), U(2, 3)], lambda a, b: (a - b) ** 2),
    ('squared_difference', F.squared_difference, [U(2, 3), U(2, 3)], lambda a, b: (a - b) ** 2),
    ('mean_absolute_error', F.mean_absolute_error, [CONST(A), CONST(B)],
     lambda a, b: np.abs(a - b).mean()),
    ('huber_loss', lambda x, t: F.huber_loss(x, t, delta=0.5), [U(3, 4), U(3, 4)],
     lambda x, t: huber_ref(x, t, 0.5)),
    ('huber_loss_no_reduce', lambda x, t: F.huber_loss(x, t, 1.0, reduce='no'),
     [U(3, 4, low=-2, high=2), U(3, 4)], lambda x, t: huber_ref(x, t, 1.0, 'no')),
    ('huber_loss_3d', lambda x, t: F.huber_loss(x, t, 0.3), [U(2, 3, 2), U(2, 3, 2)],
     lambda x, t: huber_ref(x, t, 0.3)),
    ('hinge', F.hinge, [CONST(HINGE_X), CONST(HINGE_T)], hinge_ref),
    ('hinge_L2', lambda x, t: F.hinge(x, t, norm='L2'), [CONST(HINGE_X), CONST(HINGE_T)],
     lambda x, t: hinge_ref(x, t, 'L2')),
    ('hinge_no_reduce', lambda x, t: F.hinge(x, t, reduce='no'),
     [CONST(HINGE_X), CONST(HINGE_T)], lambda x, t: hinge_ref(x, t, reduce='no')),
    ('contrastive', F.contrastive, [U(4, 3), U(4, 3), LABELS(4, 2)], contrastive_ref),
    ('contrastive_margin_no_reduce', lambda a, b, y: F.contrastive(a, b, y, 3.0, reduce='no'),
     [U(4, 3), U(4, 3), LABELS(4, 2)], lambda a, b, y: contrastive_ref(a, b, y, 3.0, 'no')),
    ('triplet', F.triplet, [CONST(ANCHOR), CONST(POSITIVE), CONST(NEGATIVE)], triplet_ref),
    ('triplet_margin_no_reduce', lambda a, p, n: F.triplet(a, p, n, margin=0.5, reduce='no'),
     [CONST(ANCHOR), CONST(POSITIVE), CONST(NEGATIVE)],
     lambda a, p, n: triplet_ref(a, p, n, 0.5, 'no')),
    ('negative_sampling', lambda x, t, W: F.negative_sampling(x, t, W, FIXED_DRAWS, 3),
     [U(4, 3), CONST(NS_T), U(5, 3)], ns_ref),
    ('negative_sampling_no_reduce',
     lambda x, t, W: F.negative_sampling(x, t, W, FIXED_DRAWS, 3, reduce='no'),
     [U(4, 3), CONST(NS_T), U(5, 3)], lambda x, t, W: ns_ref(x, t, W, 'no')),
    # -- more math, noise with a fixed draw, and a variational autoencoder's loss terms
    ('selu', F.selu, [AWAY(2, 3)], lambda x: SELU_SCALE * elu_ref(x, SELU_ALPHA)),
    ('where', lambda a, b: F.where(COND, a, b), [U(2, 3), U(3)], lambda a, b: np.where(COND, a, b)),
    ('where_variable_condition', lambda a, b: F.where(Variable(COND), a, b), [U(2, 3), U(2, 3)],
     lambda a, b: np.where(COND, a, b)),
    ('log1p', F.log1p, [U(2, 3, low=-0.5, high=2.0)], np.log1p),
    ('expm1', F.expm1, [U(2, 3)], np.expm1),
    ('logsumexp', F.logsumexp, [U(2, 3)], lambda x: np.log(np.exp(x).sum())),
    ('logsumexp_axis', lambda x: F.logsumexp(x, axis=1), [U(2, 3)],
     lambda x: np.log(np.exp(x).sum(1))),
    ('logsumexp_axes', lambda x: F.logsumexp(x, axis=(0, -1)), [U(2, 3, 2)],
     lambda x: np.log(np.exp(x).sum((0, 2)))),
    ('average', lambda x: F.average(x, axis=1, weights=c(np.array([1., 2., 3.]), x)), [U(2, 3)],
     lambda x: np.average(x, axis=1, weights=[1., 2., 3.])),
    ('average_plain', F.average, [U(2, 3)], np.mean),
    ('gaussian', lambda m, v: F.gaussian(m, v, eps=c(EPS, m)), [U(2, 3), U(2, 3)],
     lambda m, v: m + np.exp(v / 2) * EPS),
    ('gaussian_kl_divergence', F.gaussian_kl_divergence, [U(2, 3), U(2, 3)],
     lambda m, v: ((m * m + np.exp(v) - v - 1) / 2).sum()),
    ('gaussian_kl_divergence_mean', lambda m, v: F.gaussian_kl_divergence(m, v, reduce='mean'),
     [U(2, 3), U(2, 3)], lambda m, v: ((m * m + np.exp(v) - v - 1) / 2).mean()),
    ('bernoulli_nll', F.bernoulli_nll, [CONST(COND * 1.0), U(2, 3)],
     lambda x, y: (np.log1p(np.exp(y)) - x * y).sum()),
    ('bernoulli_nll_no_reduce', lambda x, y: F.bernoulli_nll(x, y, reduce='no'),
     [CONST(COND * 1.0), U(2, 3)], lambda x, y: np.log1p(np.exp(y)) - x * y),
    ('gaussian_nll', F.gaussian_nll, [U(2, 3), U(2, 3), U(2, 3)],
     lambda x, m, v: ((v + np.log(2 * np.pi)) / 2 + (x - m) ** 2 / (2 * np.exp(v))).sum()),
    ('gaussian_nll_mean', lambda x, m, v: F.gaussian_nll(x, m, v, reduce='mean'),
     [U(2, 3), U(2, 3), U(2, 3)],
     lambda x, m, v: ((v + np.log(2 * np.pi)) / 2 + (x - m) ** 2 / (2 * np.exp(v))).mean()),
    ('tan', F.tan, [U(2, 3)], np.tan),
    ('arcsin', F.arcsin, [U(2, 3, low=-0.8, high=0.8)], np.arcsin),
    ('arccos', F.arccos, [U(2, 3, low=-0.8, high=0.8)], np.arccos),
    ('arctan', F.arctan, [U(2, 3, low=-3, high=3)], np.arctan),
    ('sinh', F.sinh, [U(2, 3, low=-2, high=2)], np.sinh),
    ('cosh', F.cosh, [U(2, 3, low=-2, high=2)], np.cosh),
    ('log2', F.log2, [POS(2, 3)], np.log2),
    ('log10', F.log10, [POS(2, 3)], np.log10),
    ('rsqrt', F.rsqrt, [POS(2, 3)], lambda x: 1 / np.sqrt(x)),
    ('sign', F.sign, [AWAY(2, 3)], np.sign),
    ('floor', F.floor, [U(2, 3, low=-3, high=3)], np.floor),
    ('ceil', F.ceil, [U(2, 3, low=-3, high=3)], np.ceil),
    ('cumsum', F.cumsum, [U(2, 3)], np.cumsum),
    ('cumsum_axis', lambda x: F.cumsum(x, axis=1), [U(2, 3)], lambda x: np.cumsum(x, 1)),
    ('cumsum_negative_axis', lambda x: F.cumsum(x, axis=-3), [U(2, 3, 2)],
     lambda x: np.cumsum(x, 0)),
    ('prod', F.prod, [U(2, 3)], np.prod),
    ('prod_axis', lambda x: F.prod(x, axis=1), [U(2, 3)], lambda x: x.prod(1)),
    ('prod_axes_keepdims', lambda x: F.prod(x, axis=(0, 2), keepdims=True), [U(2, 3, 2)],
     lambda x: x.prod((0, 2), keepdims=True)),
    ('prod_with_zeros', lambda x: F.prod(x, axis=1),
     [CONST([[0.0, 2.0, 3.0], [1.5, 0.0, 0.0]])], lambda x: x.prod(1)),
    ('flip', lambda x: F.flip(x, 1), [U(2, 3)], lambda x: x[:, ::-1]),
    ('flip_negative_axis', lambda x: F.flip(x, -3), [U(2, 3, 2)], lambda x: x[::-1]),
    ('fliplr', F.fliplr, [U(2, 3)], np.fliplr),
    ('flipud', F.flipud, [U(2, 3)], np.flipud),
    ('pad', lambda x: F.pad(x, ((1, 0), (2, 1)), 'constant'), [U(2, 3)],
     lambda x: np.pad(x, ((1, 0), (2, 1)))),
    ('pad_one_width_and_value', lambda x: F.pad(x, 1, 'constant', constant_values=0.5),
     [U(2, 3)], lambda x: np.pad(x, 1, constant_values=0.5)),
    ('batch_matmul', F.batch_matmul, [U(2, 3, 4), U(2, 4, 2)], lambda a, b: a @ b),
    ('batch_matmul_vectors_transa', lambda a, b: F.batch_matmul(a, b, transa=True),
     [U(2, 3), U(2, 3)], lambda a, b: a[:, None, :] @ b[:, :, None]),
    ('normalize', F.normalize, [U(2, 3)],
     lambda x: x / (np.sqrt((x * x).sum(1, keepdims=True)) + 1e-5)),
    ('normalize_axis', lambda x: F.normalize(x, eps=0.1, axis=0), [AWAY(3, 2)],
     lambda x: x / (np.sqrt((x * x).sum(0, keepdims=True)) + 0.1)),
    ('absolute_error', F.absolute_error, [CONST(A), CONST(B)], lambda a, b: np.abs(a - b)),
    # -- evaluation
    ('binary_accuracy', F.binary_accuracy, [U(3, 4), LABELS((3, 4), 2, ignore=True)],
     binary_accuracy_ref),
    # -- recomputation
    ('forget', _forget_square_plus, [U(2, 3), U(2, 3)], lambda a, b: (a + b) * a),
    ('forget_two_outputs', _forget_two_outputs, [U(3)], lambda a: (np.exp(a), a * a)),
]

IDS = [case[0] for case in CASES]
NO_GRADIENT = {'binary_accuracy', 'sign', 'floor', 'ceil'}


@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_forward_matches_numpy(case):
    name, func, _, ref = case
    xs = _inputs(case)
    ys = _as_tuple(func(*[Variable(x) for x in xs]))
    expected = _as_tuple(ref(*xs))
    assert len(ys) == len(expected)
    for y, e in zip(ys, expected):
        assert isinstance(y, Variable)
        assert y.shape == np.shape(e)
        np.testing.assert_allclose(y.data, e, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize('case', [c for c in CASES if c[0] not in NO_GRADIENT],
                         ids=[i for i in IDS if i not in NO_GRADIENT])
def test_backward_float64(case):
    name, func, _, _ = case
    xs = _inputs(case)
    ys = _as_tuple(func(*[Variable(x) for x in xs]))
    check_backward(func, xs, _y_grads(ys, np.random.RandomState(1)))


@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_float32_stays_float32(case):
    name, func, _, ref = case
    xs = tuple(x.astype(np.float32) if x.dtype.kind == 'f' else x for x in _inputs(case))
    vs = [Variable(x) for x in xs]
    ys = _as_tuple(func(*vs))
    for y, e in zip(ys, _as_tuple(ref(*[x.astype(np.float64) if x.dtype.kind == 'f' else x
                                          for x in xs]))):
        assert y.dtype == np.float32, '{} returned {}'.format(name, y.dtype)
        np.testing.assert_allclose(y.data, e, rtol=2e-5, atol=2e-6)
    if name in NO_GRADIENT:
        return
    _run_backward(ys, _y_grads(ys, np.random.RandomState(1)))
    for v in vs:
        if v.dtype.kind == 'f':
            assert v.grad is not None and v.grad.dtype == np.float32, name
            assert v.grad.shape == v.shape


def test_every_new_function_has_a_case_and_a_chain_rule():
    names = ['softplus', 'elu', 'clipped_relu', 'relu6', 'hard_sigmoid', 'crelu', 'prelu',
             'maxout', 'hstack', 'vstack', 'dstack', 'diagonal', 'moveaxis', 'permutate',
             'separate', 'broadcast', 'copy', 'transpose_sequence', 'select_item',
             'maximum', 'minimum', 'einsum', 'tensordot', 'squared_error',
             'squared_difference', 'mean_absolute_error', 'huber_loss', 'hinge',
             'contrastive', 'triplet', 'binary_accuracy', 'forget', 'negative_sampling',
             'selu', 'where', 'log1p', 'expm1', 'logsumexp', 'average', 'gaussian',
             'gaussian_kl_divergence', 'bernoulli_nll', 'gaussian_nll', 'tan', 'arcsin',
             'arccos', 'arctan', 'sinh', 'cosh', 'log2', 'log10', 'rsqrt', 'sign', 'floor',
             'ceil', 'cumsum', 'prod', 'flip', 'fliplr', 'flipud', 'pad', 'batch_matmul',
             'normalize', 'absolute_error', 'swish']
    covered = ' '.join(IDS)
    assert [n for n in names if n not in covered] == []
    x = Variable(np.ones((2, 2), np.float32))
    t = np.zeros(2, np.int32)
    nodes = [F.softplus(x), F.elu(x), F.clipped_relu(x), F.relu6(x), F.hard_sigmoid(x),
             F.crelu(x), F.prelu(x, np.ones(2, np.float32)), F.hstack([x, x]),
             F.vstack([x, x]), F.dstack([x, x]), F.diagonal(x), F.moveaxis(x, 0, 1),
             F.permutate(x, np.array([1, 0], np.int32)), F.separate(x)[0],
             F.broadcast(x, x)[0], F.copy(x, -1), F.transpose_sequence([x, x])[0],
             F.select_item(x, t), F.maximum(x, x), F.minimum(x, x), F.einsum('ij', x),
             F.tensordot(x, x), F.squared_error(x, x), F.mean_absolute_error(x, x),
             F.huber_loss(x, x, 1.0), F.hinge(x, t), F.contrastive(x, x, t),
             F.triplet(x, x, x), F.binary_accuracy(x, np.zeros((2, 2), np.int32)),
             F.forget(F.exp, x), F.where(np.ones((2, 2), bool), x, x), F.log1p(x), F.expm1(x),
             F.logsumexp(x), F.gaussian(x, x), F.tan(x), F.arcsin(x * 0.5), F.arccos(x * 0.5),
             F.arctan(x), F.sinh(x), F.cosh(x), F.log2(x), F.log10(x), F.rsqrt(x),
             F.cumsum(x), F.prod(x), F.flip(x, 0), F.pad(x, 1, 'constant'), F.normalize(x),
             F.absolute_error(x, x), F.swish(x, np.ones(2, np.float32)),
             F.negative_sampling(x, t, x, lambda shape: np.zeros(shape, np.int32), 2)]
    for y in nodes:
        rule = type(y.creator).chain_rule
        assert isinstance(rule, str) and len(rule) > 5, type(y.creator)


# -- exact values (worked by hand, and the numbers in Chainer's own examples) ------

def test_activation_values():
    x = np.array([-20., -2., 0., 2., 4., 10., 100.], np.float32)
    np.testing.assert_array_equal(F.relu6(x).data, [0, 0, 0, 2, 4, 6, 6])
    np.testing.assert_array_equal(F.clipped_relu(x, 3.0).data, [0, 0, 0, 2, 3, 3, 3])
    np.testing.assert_array_equal(F.clipped_relu(x).data, [0, 0, 0, 2, 4, 10, 20])
    np.testing.assert_allclose(F.hard_sigmoid(np.array([-2.6, -1., 0., 1., 2.6])).data,
                               [0., .3, .5, .7, 1.])
    np.testing.assert_allclose(F.softplus(np.array([-2., 0., 2.])).data,
                               [0.126928011, np.log(2), 2.126928011])
    np.testing.assert_allclose(F.elu(np.array([-1., 0., 2.]), alpha=2.).data,
                               [2 * (np.exp(-1) - 1), 0., 2.])
    np.testing.assert_array_equal(F.crelu(np.array([[-1., 0.], [2., -3.]])).data,
                                  [[0, 0, 1, 0], [2, 0, 0, 3]])


def test_softplus_is_stable_for_big_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        x = Variable(np.array([1000., -1000., 40.], np.float32))
        y = F.softplus(x)
        F.sum(y).backward()
    np.testing.assert_array_equal(y.data, [1000., 0., 40.])
    np.testing.assert_array_equal(x.grad, [1., 0., 1.])


def test_prelu_example_and_gradient_of_W():
    x = np.arange(-3, 3, dtype=np.float32).reshape(2, 3)
    W = Variable(np.array([0.01, 0.1, 1.], np.float32))
    y = F.prelu(x, W)
    np.testing.assert_allclose(y.data, [[-0.03, -0.2, -1.], [0., 1., 2.]])
    F.sum(y).backward()
    # only the negative inputs -3, -2, -1 (row 0) count towards dW
    np.testing.assert_array_equal(W.grad, [-3., -2., -1.])


def test_maxout_example_from_chainer_docs():
    bias = np.arange(100, dtype=np.float32)
    lin = L.Linear(10, 100, initial_bias=bias)
    y = F.maxout(lin(np.zeros((1, 10), np.float32)), 10)
    np.testing.assert_array_equal(y.data, [[9., 19., 29., 39., 49., 59., 69., 79., 89., 99.]])


def test_maxout_gradient_goes_to_the_largest_of_each_group():
    x = Variable(np.array([[1., 5., 2., 0., 3., 4.]]))
    F.sum(F.maxout(x, 3)).backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 0, 0, 0, 1]])


def test_array_op_values():
    np.testing.assert_array_equal(F.hstack((np.array([1, 2, 3]), np.array([2, 3, 4]))).data,
                                  [1, 2, 3, 2, 3, 4])
    assert F.dstack((np.array([1, 2, 3]), np.array([2, 3, 4]))).shape == (1, 3, 2)
    x = np.arange(9, dtype=np.float32).reshape(3, 3)
    np.testing.assert_array_equal(F.diagonal(x, offset=1).data, [1., 5.])
    xs = [np.array([1, 1, 1]), np.array([2, 2]), np.array([3])]
    assert repr(F.transpose_sequence(xs)) == '(variable([1, 2, 3]), variable([1, 2]), variable([1]))'
    assert F.transpose_sequence([]) == ()
    np.testing.assert_array_equal(
        F.select_item(np.array([[0, 1, 2], [3, 4, 5]], np.float32), np.array([0, 2])).data,
        [0., 5.])


def test_diagonal_gradient_lands_on_the_diagonal():
    x = Variable(np.zeros((3, 4)))
    y = F.diagonal(x, offset=1)
    y.grad = np.array([1., 2., 3.])
    y.backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 3]])


def test_separate_and_transpose_sequence_give_zero_grads_to_unused_outputs():
    x = Variable(np.ones((2, 3)))
    a, b = F.separate(x)
    F.sum(a * 2).backward()
    np.testing.assert_array_equal(x.grad, [[2, 2, 2], [0, 0, 0]])
    s = [Variable(np.ones((3, 2))), Variable(np.ones((1, 2)))]
    ys = F.transpose_sequence(s)
    F.sum(ys[1]).backward()
    np.testing.assert_array_equal(s[0].grad, [[0, 0], [1, 1], [0, 0]])
    np.testing.assert_array_equal(s[1].grad, [[0, 0]])


def test_broadcast_of_one_input_returns_it():
    x = Variable(np.ones(2, np.float32))
    assert F.broadcast(x) is x
    y = F.broadcast(np.ones(2, np.float32))
    assert isinstance(y, Variable) and not y.requires_grad


def test_permutate_with_a_variable_index_and_the_chainer_example():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    y = F.permutate(x, Variable(np.array([2, 0, 1], np.int32)))
    np.testing.assert_array_equal(y.data, [[4, 5], [0, 1], [2, 3]])
    y = F.permutate(x, np.array([1, 0], np.int32), axis=1)
    np.testing.assert_array_equal(y.data, [[1, 0], [3, 2], [5, 4]])


def test_copy_to_cpu_gives_an_independent_grad_path():
    x = Variable(np.ones((2, 2), np.float32))
    y = F.copy(x, -1)
    assert y.creator.label == 'copy(cpu)'
    F.sum(y * 3).backward()
    np.testing.assert_array_equal(x.grad, np.full((2, 2), 3, np.float32))


def test_maximum_minimum_values_and_ties():
    x1 = np.arange(6, dtype=np.float32)
    x2 = np.array([5, 4, 3, 2, 1, 0], np.float32)
    np.testing.assert_array_equal(F.maximum(x1, x2).data, [5, 4, 3, 3, 4, 5])
    a, b = Variable(np.array([1., 2.])), Variable(np.array([1., 3.]))
    F.sum(F.maximum(a, b)).backward()
    np.testing.assert_array_equal(a.grad, [1, 0])     # the tie goes to the first input
    np.testing.assert_array_equal(b.grad, [0, 1])
    a.cleargrad(), b.cleargrad()
    F.sum(F.minimum(a, b)).backward()
    np.testing.assert_array_equal(a.grad, [1, 1])
    np.testing.assert_array_equal(b.grad, [0, 0])


def test_einsum_examples_from_chainer_docs():
    x1 = np.arange(12).reshape(3, 4).astype(np.float32)
    x2 = np.arange(15).reshape(3, 5).astype(np.float32)
    w = np.arange(120).reshape(4, 5, 6).astype(np.float32)
    y = F.einsum('ij,ik,jkl->il', x1, x2, w)
    assert y.shape == (3, 6) and y.dtype == np.float32
    np.testing.assert_array_equal(y.data, np.einsum('ij,ik,jkl->il', x1, x2, w))
    np.testing.assert_array_equal(y.data, F.einsum('...j,...k,jkl', x1, x2, w).data)
    assert F.einsum(x1, [0, 1], x2, [0, 2], w, [1, 2, 3], [0, 3]).shape == (3, 6)
    assert F.einsum(x1, [Ellipsis, 1], x2, [Ellipsis, 2], w, [1, 2, 3]).shape == (3, 6)
    assert F.einsum('ij,ik,jkl->il', Variable(x1), x2, w).creator.label == \
        "einsum('ij,ik,jkl->il')"


def test_einsum_trace_gradient_is_the_identity():
    x = Variable(np.arange(9.).reshape(3, 3))
    F.einsum('ii', x).backward()
    np.testing.assert_array_equal(x.grad, np.eye(3))


def test_tensordot_matches_numpy_and_is_labelled():
    rng = np.random.RandomState(0)
    a, b = rng.rand(5, 3, 2), rng.rand(3, 2, 4)
    c = F.tensordot(Variable(a), b)
    np.testing.assert_allclose(c.data, np.tensordot(a, b), rtol=1e-12)
    assert c.creator.label == 'tensordot'


def test_loss_values_from_chainer_docs():
    x = np.array([[-2.0, 3.0, 0.5], [5.0, 2.0, -0.5]], np.float32)
    t = np.array([1, 0], np.int32)
    assert F.hinge(x, t).data == np.float32(2.5)
    assert F.hinge(x, t, norm='L2').data == np.float32(5.75)
    np.testing.assert_array_equal(F.hinge(x, t, reduce='no').data, [[0, 0, 1.5], [0, 3, 0.5]])
    target = np.array([[-2.0, 3.0, 0.0], [10.0, 2.0, -0.5]], np.float32)
    np.testing.assert_array_equal(F.huber_loss(x, target, delta=1.0).data, [0.125, 4.5])
    np.testing.assert_array_equal(F.huber_loss(x, target, 1.0, reduce='no').data,
                                  [[0, 0, 0.125], [4.5, 0, 0]])
    x1 = np.array([[-1.0, 3.0, 1.0], [3.5, 0.5, -2.0]], np.float32)
    assert F.contrastive(x, x1, t).data == np.float32(0.3125)
    np.testing.assert_allclose(F.contrastive(x, x1, t, margin=3.0).data, 0.3528857, rtol=1e-6)
    np.testing.assert_array_equal(F.contrastive(x, x1, t, reduce='no').data, [0.625, 0.])
    pos = np.array([[-2.1, 2.8, 0.5], [4.9, 2.0, -0.4]], np.float32)
    neg = np.array([[-2.1, 2.7, 0.7], [4.9, 2.0, -0.7]], np.float32)
    np.testing.assert_allclose(F.triplet(x, pos, neg).data, 0.14, rtol=1e-6)
    np.testing.assert_allclose(F.triplet(x, pos, neg, reduce='no').data, [0.11, 0.17], rtol=1e-5)
    np.testing.assert_allclose(F.triplet(x, pos, neg, margin=0.5).data, 0.44, rtol=1e-6)
    for a, b, mae in (([1, 2, 3], [0, 0, 0], 2.), ([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], 6.),
                      ([[1, 2], [3, 4]], [[8, 8], [8, 8]], 5.5)):
        y = F.mean_absolute_error(np.array(a, np.float32), np.array(b, np.float32))
        assert y.data == np.float32(mae) and y.dtype == np.float32 and y.shape == ()
    np.testing.assert_array_equal(F.squared_error(np.arange(6, dtype='f'),
                                                  np.arange(6, dtype='f')[::-1]).data,
                                  [25, 9, 1, 1, 9, 25])


def test_binary_accuracy_ignores_minus_one():
    y = np.array([[-2.0, 0.0], [3.0, -5.0]])
    assert F.binary_accuracy(y, np.array([[0, 1], [1, 0]], np.int32)).data == 1.0
    assert F.binary_accuracy(y, np.array([[0, 0], [1, 1]], np.int32)).data == 0.5
    assert F.binary_accuracy(y, np.array([[0, -1], [1, -1]], np.int32)).data == 1.0
    assert F.binary_accuracy(y, np.array([[1, -1], [1, -1]], np.int32)).data == 0.5
    assert F.binary_accuracy(y, np.full((2, 2), -1, np.int32)).data == 0.0
    v = Variable(y)
    acc = F.binary_accuracy(v, np.zeros((2, 2), np.int32))
    assert acc.creator.label == 'binary_accuracy'


# -- forget -----------------------------------------------------------------------

def test_forget_gives_the_same_grads_and_keeps_no_intermediates():
    rng = np.random.RandomState(0)
    xa, xb = rng.randn(5).astype(np.float32), rng.randn(5).astype(np.float32)

    def f(a, b):
        return F.tanh(a * b + a) * b

    direct = [Variable(xa), Variable(xb)]
    F.sum(f(*direct)).backward()
    forgot = [Variable(xa), Variable(xb)]
    y = F.forget(f, *forgot)
    # the only function in the graph is forget itself, fed by the two leaves
    assert y.creator.label == 'forget'
    assert [n.creator for n in y.creator.inputs] == [None, None]
    F.sum(y).backward()
    for d, g in zip(direct, forgot):
        np.testing.assert_array_equal(g.grad, d.grad)


def test_forget_trains_link_parameters_used_inside():
    np.random.seed(0)
    lin = L.Linear(3, 2)
    x = np.random.randn(4, 3).astype(np.float32)
    F.sum(lin(x) ** 2).backward()
    expected = lin.W.grad.copy(), lin.b.grad.copy()
    lin.cleargrads()
    F.sum(F.forget(lambda h: lin(h) ** 2, x)).backward()
    np.testing.assert_allclose(lin.W.grad, expected[0], rtol=1e-6)
    np.testing.assert_allclose(lin.b.grad, expected[1], rtol=1e-6)


def test_forget_turns_arrays_into_variables_that_get_grads():
    y = F.forget(lambda a: a * 3, np.ones(2, np.float32))
    y.grad = np.ones(2, np.float32)
    y.backward()
    assert y.creator.inputs[0].requires_grad


def test_forget_errors_teach():
    with pytest.raises(TypeError, match='must be a function'):
        F.forget(np.ones(2), np.ones(2))
    with pytest.raises(TypeError, match='must return a Variable'):
        F.forget(lambda a: a.data * 2, np.ones(2))


# -- the links ---------------------------------------------------------------------

def test_prelu_link_learns_its_slope():
    a = L.PReLU()
    assert a.W.shape == () and a.W.data == np.float32(0.25) and a.W.dtype == np.float32
    assert [name for name, _ in a.namedparams()] == ['/W']
    x = np.array([[-2., 4.], [-1., -3.]], np.float32)
    y = a(x)
    np.testing.assert_allclose(y.data, [[-0.5, 4.], [-0.25, -0.75]])
    F.sum(y).backward()
    assert a.W.grad == np.float32(-6.)
    per_channel = L.PReLU((2,), init=0.5)
    assert per_channel.W.shape == (2,)


def test_maxout_link_parameters_and_values():
    m = L.Maxout(3, 2, 4)
    assert sorted(name for name, _ in m.namedparams()) == ['/linear/W', '/linear/b']
    assert m.linear.W.shape == (8, 3)
    W = np.arange(24, dtype=np.float32).reshape(2, 4, 3)      # (out, pool, in)
    b = np.zeros((2, 4), np.float32)
    m = L.Maxout(3, 2, 4, initialW=W, initial_bias=b)
    x = np.ones((1, 3), np.float32)
    np.testing.assert_array_equal(m(x).data, [[W[0].sum(1).max(), W[1].sum(1).max()]])
    assert L.Maxout(3, 2, 4, initial_bias=None).linear.b is None
    lazy = L.Maxout(None, 2, 3)
    assert lazy(np.ones((2, 5), np.float32)).shape == (2, 2)
    assert lazy.linear.W.shape == (6, 5)
    with pytest.raises(ValueError, match=r'\(out_size, pool_size, in_size\)'):
        L.Maxout(3, 2, 4, initialW=np.zeros((8, 3), np.float32))


def test_prelu_and_maxout_save_and_load_exactly(tmp_path):
    from teachgrad import serializers
    np.random.seed(1)
    for make in (lambda: L.PReLU((3,), init=0.1), lambda: L.Maxout(3, 2, 2)):
        src = make()
        for _, p in src.namedparams():
            p.data[...] = np.random.randn(*p.shape)
        path = str(tmp_path / 'model.npz')
        serializers.save_npz(path, src)
        dst = make()
        serializers.load_npz(path, dst)
        for (n1, p1), (n2, p2) in zip(sorted(src.namedparams()), sorted(dst.namedparams())):
            assert n1 == n2
            np.testing.assert_array_equal(p1.data, p2.data)


# -- labels and errors -------------------------------------------------------------

def test_labels_read_as_written():
    x = Variable(np.ones((2, 2), np.float32))
    labels = [F.softplus(x).creator.label, F.softplus(x, beta=2).creator.label,
              F.elu(x).creator.label, F.elu(x, 0.5).creator.label,
              F.clipped_relu(x, 5.).creator.label, F.relu6(x).creator.label,
              F.clipped_relu(x, 6.).creator.label,
              F.einsum('ij->j', x).creator.label, F.huber_loss(x, x, 1.).creator.label,
              F.hinge(x, np.zeros(2, np.int32), 'L2').creator.label,
              F.triplet(x, x, x).creator.label, F.contrastive(x, x, np.zeros(2, 'i'), 2).creator.label]
    assert labels == ['softplus', 'softplus(2)', 'elu', 'elu(0.5)', 'clipped_relu(5)', 'relu6',
                      'clipped_relu(6)',
                      "einsum('ij->j')", 'huber_loss(1)', 'hinge(L2)', 'triplet',
                      'contrastive(margin=2)']


def _v(*shape):
    return Variable(np.zeros(shape, np.float32))


def _i(*shape):
    return np.zeros(shape, np.int32)


@pytest.mark.parametrize('call, error, words', [
    (lambda: F.prelu(_v(2, 3), _v(4)), ValueError, ['prelu', '(4,)', '(2, 3)', 'x.shape[1:2]']),
    (lambda: F.prelu(_v(2, 3), np.ones(3)), TypeError, ['prelu', 'float64', 'astype']),
    (lambda: F.maxout(_v(2, 5), 2), ValueError, ['maxout', '(2, 5)', 'pool_size=2']),
    (lambda: F.swish(_v(2, 3), _v(2)), ValueError, ['swish', '(2,)', '(2, 3)', 'x.shape[1:2]']),
    (lambda: F.maxout(_v(2, 4), 0), ValueError, ['maxout', 'positive']),
    (lambda: F.crelu(_v(2, 3), axis=2), ValueError, ['crelu', 'axis 2', '(2, 3)']),
    (lambda: F.clipped_relu(_v(2), z=-1.), ValueError, ['clipped_relu', 'positive']),
    (lambda: F.softplus(_v(2), beta=0), ValueError, ['softplus', 'beta']),
    (lambda: F.hstack([_v(2, 3), _v(3, 3)]), ValueError, ['hstack', '(2, 3)', '(3, 3)']),
    (lambda: F.vstack([_v(2, 3), _v(2, 4)]), ValueError, ['vstack', '(2, 3)', '(2, 4)']),
    (lambda: F.dstack([_v(2, 3), _v(3, 2)]), ValueError, ['dstack', '(2, 3)', '(3, 2)']),
    (lambda: F.hstack([]), ValueError, ['hstack', 'at least one']),
    (lambda: F.diagonal(_v(2, 3), axis2=2), ValueError, ['diagonal', 'axis 2', '(2, 3)']),
    (lambda: F.moveaxis(_v(2, 3), 0, 2), ValueError, ['moveaxis', '2', '(2, 3)']),
    (lambda: F.moveaxis(_v(2, 3, 4), (0, 1), 2), ValueError, ['moveaxis', 'one destination']),
    (lambda: F.permutate(_v(3, 2), np.array([0, 0, 1])), ValueError,
     ['permutate', '0..2', '(3, 2)', '[0, 0, 1]']),
    (lambda: F.permutate(_v(3, 2), np.array([0., 1., 2.])), ValueError, ['permutate', 'int']),
    (lambda: F.separate(_v(2, 3), axis=2), ValueError, ['separate', 'axis 2', '(2, 3)']),
    (lambda: F.broadcast(_v(2, 3), _v(2)), ValueError, ['broadcast', '(2, 3)', '(2,)']),
    (lambda: F.copy(_v(2), 'gpu'), ValueError, ['copy', "'gpu'", "'@numpy'"]),
    (lambda: F.transpose_sequence([_v(1, 2), _v(3, 2)]), ValueError,
     ['transpose_sequence', '(1, 2)', '(3, 2)', 'longest']),
    (lambda: F.select_item(_v(2, 3), _i(3)), ValueError, ['select_item', '(2, 3)', '(3,)']),
    (lambda: F.select_item(_v(2, 3), np.array([0, 3])), ValueError, ['select_item', '0..2']),
    (lambda: F.select_item(_v(2, 3), np.zeros(2)), TypeError, ['select_item', 'astype']),
    (lambda: F.maximum(_v(2, 3), _v(2, 2)), ValueError, ['maximum', '(2, 3)', '(2, 2)']),
    (lambda: F.minimum(_v(2), np.zeros(2)), TypeError, ['minimum', 'float32', 'float64']),
    (lambda: F.einsum('ij,jk->ik', _v(2, 3), _v(4, 5)), ValueError,
     ['einsum', "'j'", '(2, 3)', '(4, 5)']),
    (lambda: F.einsum('ijk', _v(2, 3)), ValueError, ['einsum', "'ijk'", '(2, 3)']),
    (lambda: F.einsum('ij->k', _v(2, 3)), ValueError, ['einsum', "'k'"]),
    (lambda: F.einsum('ij,jk', _v(2, 3)), ValueError, ['einsum', '2 operands', '1 were']),
    (lambda: F.einsum('i1', _v(2, 3)), ValueError, ['einsum', "'1'"]),
    (lambda: F.tensordot(_v(2, 3), _v(4, 5), axes=1), ValueError,
     ['tensordot', '(2, 3)', '(4, 5)']),
    (lambda: F.tensordot(_v(2, 3), _v(3), axes=2), ValueError, ['tensordot', 'axes=2']),
    (lambda: F.tensordot(_v(2, 3), _v(3), axes=((0, 1), (0,))), ValueError,
     ['tensordot', 'same number']),
    (lambda: F.squared_error(_v(2, 3), _v(3, 2)), ValueError, ['squared_error', '(2, 3)', '(3, 2)']),
    (lambda: F.mean_absolute_error(_v(2), _v(3)), ValueError, ['mean_absolute_error', '(2,)']),
    (lambda: F.huber_loss(_v(2, 3), _v(2, 2), 1.), ValueError, ['huber_loss', '(2, 3)', '(2, 2)']),
    (lambda: F.huber_loss(_v(3), _v(3), 1.), ValueError, ['huber_loss', "reduce='no'", '(3,)']),
    (lambda: F.huber_loss(_v(2, 3), _v(2, 3), 1., reduce='mean'), ValueError,
     ['huber_loss', 'sum_along_second_axis']),
    (lambda: F.hinge(_v(2, 3), _i(3)), ValueError, ['hinge', '(2, 3)', '(3,)']),
    (lambda: F.hinge(_v(2, 3), _i(2), norm='L3'), ValueError, ['hinge', "'L1' or 'L2'"]),
    (lambda: F.hinge(_v(2, 3), np.array([0, 3], np.int32)), ValueError, ['hinge', '0..2']),
    (lambda: F.contrastive(_v(2, 3), _v(2, 3), _i(3)), ValueError,
     ['contrastive', '(2, 3)', '(3,)']),
    (lambda: F.contrastive(_v(2, 3), _v(2, 3), _i(2), margin=0), ValueError,
     ['contrastive', 'margin']),
    (lambda: F.contrastive(_v(2, 3), _v(2, 3), np.zeros(2)), TypeError, ['contrastive', 'astype']),
    (lambda: F.triplet(_v(2, 3), _v(2, 3), _v(2, 2)), ValueError,
     ['triplet', 'negative', '(2, 2)']),
    (lambda: F.triplet(_v(2, 3), _v(2, 3), _v(2, 3), reduce='sum'), ValueError,
     ['triplet', "'mean' or 'no'"]),
    (lambda: F.binary_accuracy(_v(2, 3), _i(2)), ValueError, ['binary_accuracy', '(2, 3)', '(2,)']),
    (lambda: F.negative_sampling(_v(2, 3), np.array([0, 5], np.int32), _v(5, 3), FIXED_DRAWS, 3),
     ValueError, ['negative_sampling', '0..4', '5 rows']),
    (lambda: F.negative_sampling(_v(2, 3), _i(2), _v(5, 4), FIXED_DRAWS, 3), ValueError,
     ['negative_sampling', '(2, 3)', '(5, 4)']),
    (lambda: F.negative_sampling(_v(2, 3), _i(2), _v(5, 3), FIXED_DRAWS, 3, reduce='mean'),
     ValueError, ['negative_sampling', "'sum' or 'no'"]),
    (lambda: F.where(np.ones((2, 3)), _v(2, 3), _v(2, 3)), TypeError, ['where', 'bool']),
    (lambda: F.cumsum(_v(2, 3), axis=2), ValueError, ['cumsum', 'axis 2', '(2, 3)']),
    (lambda: F.prod(_v(2, 3), axis=(0, 3)), ValueError, ['prod', 'axis 3', '(2, 3)']),
    (lambda: F.flip(_v(2, 3), 2), ValueError, ['flip', 'axis 2', '(2, 3)']),
    (lambda: F.pad(_v(2, 3), 1, 'reflect'), ValueError, ['pad', "mode='constant'"]),
    (lambda: F.pad(_v(2, 3), ((1, 1), (1, 1), (1, 1)), 'constant'), ValueError,
     ['pad', '(2, 3)', 'one pair per axis']),
    (lambda: F.normalize(_v(2, 3), axis=2), ValueError, ['normalize', 'axis 2', '(2, 3)']),
    (lambda: F.absolute_error(_v(2), _v(3)), ValueError, ['absolute_error', '(2,)', '(3,)']),
    (lambda: F.fliplr(_v(3)), ValueError, ['flip', 'axis 1', '(3,)']),
    (lambda: F.where(COND, _v(2, 3), _v(2, 2)), ValueError, ['where', '(2, 3)', '(2, 2)']),
    (lambda: F.logsumexp(_v(2, 3), axis=2), ValueError, ['logsumexp', 'axis 2', '(2, 3)']),
    (lambda: F.gaussian(_v(2, 3), _v(3)), ValueError, ['gaussian', '(2, 3)', '(3,)']),
    (lambda: F.gaussian_kl_divergence(_v(2), _v(3)), ValueError,
     ['gaussian_kl_divergence', '(2,)', '(3,)']),
    (lambda: F.bernoulli_nll(_v(2), _v(2), reduce='all'), ValueError,
     ['bernoulli_nll', "'sum', 'mean' or 'no'"]),
    (lambda: F.gaussian_nll(_v(2), _v(2), _v(3)), ValueError, ['gaussian_nll', '(3,)']),
    (lambda: F.binary_accuracy(_v(2), np.zeros(2)), TypeError, ['binary_accuracy', 'int']),
])
def test_bad_input_errors_name_the_function_and_the_fix(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_a_failed_call_leaves_the_graph_as_it_was():
    x = Variable(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError):
        F.einsum('ij,jk->ik', x, _v(4, 5))
    assert x.creator is None and x.grad is None


# -- the same checks on the GPU ------------------------------------------------------

@pytest.mark.gpu
@pytest.mark.parametrize('case', [c for c in CASES if c[0] not in NO_GRADIENT],
                         ids=[i for i in IDS if i not in NO_GRADIENT])
def test_gpu_forward_and_backward(case):
    check_case_on_gpu(case)


@pytest.mark.gpu
def test_gpu_copy_moves_both_ways():
    cupy = _cupy()
    x = Variable(np.ones(3, np.float32))
    y = F.copy(x, 0)
    assert isinstance(y.data, cupy.ndarray) and y.creator.label == 'copy(gpu 0)'
    z = F.copy(y * 2, '@numpy')
    assert isinstance(z.data, np.ndarray)
    F.sum(z).backward()
    assert isinstance(x.grad, np.ndarray)
    np.testing.assert_array_equal(x.grad, [2, 2, 2])


@pytest.mark.parametrize('dst', [-1, '@numpy', '-1', np.int64(-1)])
def test_copy_understands_chainer_cpu_device_names(dst):
    y = F.copy(Variable(np.ones(2, np.float32)), dst)
    assert isinstance(y.data, np.ndarray) and y.creator.label == 'copy(cpu)'


def test_copy_accepts_a_cpu_device_object():
    class CpuDevice:            # what teachgrad.get_device('@numpy') and Chainer give
        xp = np
    assert F.copy(Variable(np.ones(2, np.float32)), CpuDevice()).creator.label == 'copy(cpu)'


@pytest.mark.parametrize('subscripts, shapes', [
    ('ij,jk->ik', ((2, 3), (3, 4))), (',ij->i', ((), (3, 4))), ('kj,ji->ik', ((2, 3), (3, 4))),
    ('ij,jk,kl->il', ((5, 2), (2, 3), (3, 4))), ('ij,ij->i', ((2, 3), (2, 3))),
    ('ij,jk', ((2, 3), (3, 4))), ('i->', ((3,),)), ('ii', ((2, 2),)), ('ii->i', ((2, 2),)),
    ('j,j', ((3,), (3,))), ('j,ij', ((3,), (2, 3))), ('j,iij', ((3,), (2, 2, 3))),
    ('iij,kkj', ((2, 2, 3), (4, 4, 3))), ('...ij,...jk->...ik', ((2, 1, 2, 3), (2, 1, 3, 4))),
    ('i...j,jk...->k...i', ((4, 2, 3), (3, 5, 2))), ('ii...,...jj', ((2, 2, 4), (4, 3, 3))),
    ('...i,i', ((2, 2, 3), (3,))), ('i...,i->...i', ((3, 2, 2), (3,))),
    ('i,ji,i', ((3,), (2, 3), (3,))), ('i,i,i->i', ((3,), (3,), (3,))),
])
def test_einsum_agrees_with_numpy_forward_and_backward(subscripts, shapes):
    rng = np.random.RandomState(0)
    xs = tuple(rng.uniform(-1, 1, s) for s in shapes)
    y = F.einsum(subscripts, *[Variable(x) for x in xs])
    np.testing.assert_allclose(y.data, np.einsum(subscripts, *xs), rtol=1e-12, atol=1e-12)
    check_backward(lambda *vs: F.einsum(subscripts, *vs), xs, rng.uniform(-1, 1, y.shape))


@pytest.mark.parametrize('subscripts, shapes', [
    ('i,i', ((2,), (3,))), ('i,i->i', ((2,), (3,))), ('ii', ((2, 3),)),
    ('...i,...i', ((2, 2), (3, 2))), ('...i,...j', ((2, 3), (3, 2))),
    ('...i,j...', ((2, 3), (2, 3))), ('i...,j...', ((2, 3), (3, 2))),
    ('...i,...i', ((2, 2), (1, 2))), ('i,i', ((2,), (2,), (2,))), ('i,i', ((2,),)),
    ('i,i->j', ((2,), (2,))), ('i->ii', ((2,),)),
])
def test_einsum_refuses_subscripts_that_do_not_fit(subscripts, shapes):
    with pytest.raises(ValueError, match='einsum'):
        F.einsum(subscripts, *[np.zeros(s, np.float32) for s in shapes])


def test_maxout_shows_a_plain_initializer_function_the_per_group_shape():
    seen = []

    def fill(array):
        seen.append(array.shape)
        array[...] = np.arange(array.size).reshape(array.shape)

    m = L.Maxout(3, 2, 4, initialW=fill, initial_bias=fill)
    assert seen == [(2, 4, 3), (2, 4)]
    np.testing.assert_array_equal(m.linear.W.data, np.arange(24).reshape(8, 3))
    np.testing.assert_array_equal(m.linear.b.data, np.arange(8))


def test_outputs_nobody_kept_send_back_zeros():
    import gc
    s = [Variable(np.ones((3, 2))), Variable(np.ones((2, 2)))]
    first = F.transpose_sequence(s)[0]       # the other two outputs are dropped at once
    gc.collect()
    F.sum(first).backward()
    np.testing.assert_array_equal(s[0].grad, [[1, 1], [0, 0], [0, 0]])
    np.testing.assert_array_equal(s[1].grad, [[1, 1], [0, 0]])
    x = Variable(np.ones((2, 3)))
    F.sum(F.separate(x)[1]).backward()
    np.testing.assert_array_equal(x.grad, [[0, 0, 0], [1, 1, 1]])
    x = Variable(np.ones(3))
    F.sum(F.forget(lambda a: (a * 2, a * 3), x)[0]).backward()
    np.testing.assert_array_equal(x.grad, [2, 2, 2])
    a, b = Variable(np.ones((2, 1))), Variable(np.ones(3))
    F.sum(F.broadcast(a, b)[1]).backward()
    assert a.grad is None
    np.testing.assert_array_equal(b.grad, [2, 2, 2])


# -- negative sampling and the hierarchical softmax -----------------------------------

def test_negative_sampling_returns_its_draws_with_the_true_word_first():
    x, W = np.ones((4, 3), np.float32), np.ones((5, 3), np.float32)
    loss, samples = F.negative_sampling(x, NS_T, W, FIXED_DRAWS, 3, return_samples=True)
    np.testing.assert_array_equal(samples[:, 0], NS_T)
    np.testing.assert_array_equal(samples[:, 1:], NS_DRAWS[:, 1:])
    assert loss.shape == () and loss.dtype == np.float32


def test_walker_alias_draws_with_the_given_probabilities():
    from teachgrad.links.loss import WalkerAlias
    np.random.seed(3)
    probs = np.array([1., 0., 2., 5., 0.5])
    draws = WalkerAlias(probs).sample((200, 500))
    assert draws.dtype == np.int32 and draws.shape == (200, 500)
    freq = np.bincount(draws.ravel(), minlength=5) / draws.size
    np.testing.assert_allclose(freq, probs / probs.sum(), atol=0.005)
    assert freq[1] == 0
    with pytest.raises(ValueError, match='WalkerAlias'):
        WalkerAlias([0, 0])


def test_negative_sampling_link_draws_by_count_to_the_power():
    np.random.seed(0)
    ns = L.NegativeSampling(2, [16, 1, 0, 81], sample_size=3)
    assert ns.W.dtype == np.float32 and not ns.W.data.any()
    freq = np.bincount(ns.sampler.sample((50000,)), minlength=4) / 50000
    p = np.array([16, 1, 0, 81]) ** 0.75
    np.testing.assert_allclose(freq, p / p.sum(), atol=0.01)
    x = Variable(np.ones((2, 2), np.float32))
    loss = ns(x, np.array([0, 3], np.int32))
    np.testing.assert_allclose(loss.data, 2 * 4 * np.log(2), rtol=1e-6)   # W = 0: σ = 1/2
    loss.backward()
    assert ns.W.grad.shape == (4, 2) and x.grad.shape == (2, 2)
    assert len(ns(x, np.array([0, 3], np.int32), reduce='no').data) == 2


def test_huffman_tree_paths_and_codes():
    from teachgrad.links.loss import _parse_tree
    HSM = L.BinaryHierarchicalSoftmax
    assert HSM.create_huffman_tree({0: 8, 1: 5, 2: 6, 3: 4}) == ((3, 1), (2, 0))
    assert HSM.create_huffman_tree({'a': 1}) == 'a'
    paths, codes, n_nodes = _parse_tree(((0, 1), 2))
    assert n_nodes == 2
    np.testing.assert_array_equal(paths, [[0, 1], [0, 1], [0, 0]])
    np.testing.assert_array_equal(codes, [[1, 1], [1, -1], [-1, 0]])
    with pytest.raises(ValueError, match='two children'):
        HSM(2, (0, 1, 2))


def test_hierarchical_softmax_is_a_probability_over_the_words():
    np.random.seed(0)
    tree = L.BinaryHierarchicalSoftmax.create_huffman_tree({w: c for w, c in
                                                            enumerate([5, 1, 3, 7, 2, 2])})
    hsm = L.BinaryHierarchicalSoftmax(4, tree)
    assert hsm.W.shape == (5, 4) and hsm.W.dtype == np.float32
    x = np.random.randn(1, 4).astype(np.float32)
    p = [np.exp(-hsm(x, np.array([w], np.int32)).data) for w in range(6)]
    np.testing.assert_allclose(sum(p), 1.0, rtol=1e-5)


def test_hierarchical_softmax_gradients():
    np.random.seed(1)
    hsm = L.BinaryHierarchicalSoftmax(3, ((0, 1), ((2, 3), 4)))
    W = hsm.W.data.astype(np.float64)
    t = np.array([0, 4, 2, 2, 3], np.int32)
    from teachgrad.functions.loss import BinaryHierarchicalSoftmaxFunction

    def f(x, W):
        return BinaryHierarchicalSoftmaxFunction(hsm.paths, hsm.codes, hsm.n_nodes)(x, t, W)
    check_backward(f, (np.random.randn(5, 3), W), None)
    loss = hsm(Variable(np.ones((5, 3), np.float32)), t)
    loss.backward()
    assert hsm.W.grad.dtype == np.float32 and loss.creator.label == 'hierarchical_softmax'
    with pytest.raises(ValueError, match='0..4'):
        hsm(np.ones((1, 3), np.float32), np.array([5], np.int32))
    with pytest.raises(ValueError, match=r'\(4, 3\)'):
        hsm(np.ones((1, 4), np.float32), np.array([0], np.int32))


def test_sampled_losses_save_and_load(tmp_path):
    from teachgrad import serializers
    for make in (lambda: L.NegativeSampling(3, [1, 2, 3], 2),
                 lambda: L.BinaryHierarchicalSoftmax(3, ((0, 1), 2))):
        src, dst = make(), make()
        src.W.data[...] = np.arange(src.W.size).reshape(src.W.shape)
        serializers.save_npz(str(tmp_path / 'm.npz'), src)
        serializers.load_npz(str(tmp_path / 'm.npz'), dst)
        np.testing.assert_array_equal(dst.W.data, src.W.data)


def test_gaussian_draws_with_numpy_random_and_returns_eps():
    np.random.seed(0)
    mean, ln_var = Variable(np.zeros((2, 3), np.float32)), Variable(np.zeros((2, 3), np.float32))
    y, eps = F.gaussian(mean, ln_var, return_eps=True)
    np.random.seed(0)
    np.testing.assert_array_equal(eps, np.random.standard_normal((2, 3)).astype(np.float32))
    np.testing.assert_array_equal(y.data, eps)                 # N(0, 1): the draw itself
    assert y.dtype == np.float32 and y.creator.label == 'gaussian'
    F.sum(y).backward()
    np.testing.assert_array_equal(mean.grad, np.ones((2, 3)))
    np.testing.assert_allclose(ln_var.grad, eps / 2)


def test_logsumexp_does_not_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        y = F.logsumexp(np.array([[1000., 1000.], [-1000., -1000.]]), axis=1)
    np.testing.assert_allclose(y.data, [1000 + np.log(2), -1000 + np.log(2)])


def test_vae_loss_in_the_style_of_chainer_tutorials():
    np.random.seed(0)
    x = (np.random.rand(4, 6) > 0.5).astype(np.float32)
    mu, ln_var = Variable(np.zeros((4, 2), np.float32)), Variable(np.zeros((4, 2), np.float32))
    z = F.gaussian(mu, ln_var)
    dec = L.Linear(2, 6)
    loss = F.bernoulli_nll(x, dec(z)) / 4 + F.gaussian_kl_divergence(mu, ln_var) / 4
    assert loss.dtype == np.float32 and loss.shape == ()
    loss.backward()
    assert mu.grad is not None and dec.W.grad is not None
    # with mu = 0 and ln_var = 0 the posterior is the prior: no KL
    assert F.gaussian_kl_divergence(mu, ln_var).data == 0


def test_forget_marks_the_second_run_as_recomputing():
    seen = []

    def f(a):
        seen.append(getattr(teachgrad.config, 'in_recomputing', False))
        return a * 2

    F.sum(F.forget(f, np.ones(2))).backward()
    assert seen == [False, True]
    assert not getattr(teachgrad.config, 'in_recomputing', False)


def test_step_functions_are_cut_from_the_graph():
    x = Variable(np.array([-1.5, 0.0, 2.5], np.float32))
    for f, expected in ((F.sign, [-1, 0, 1]), (F.floor, [-2, 0, 2]), (F.ceil, [-1, 0, 3])):
        y = f(x)
        np.testing.assert_array_equal(y.data, expected)
        assert y.creator is None and not y.requires_grad and y.dtype == np.float32


def test_prod_gradient_with_zeros_is_the_product_of_the_others():
    x = Variable(np.array([[0., 2., 3.], [0., 0., 5.]]))
    F.sum(F.prod(x, axis=1)).backward()
    np.testing.assert_array_equal(x.grad, [[6., 0., 0.], [0., 0., 0.]])


def test_normalize_of_a_zero_vector_has_a_finite_gradient():
    x = Variable(np.zeros((1, 3)))
    y = F.normalize(x)
    y.grad = np.array([[1., 2., 3.]])
    y.backward()
    np.testing.assert_array_equal(y.data, np.zeros((1, 3)))
    np.testing.assert_allclose(x.grad, [[1e5, 2e5, 3e5]])      # 1 / eps: y = x / eps there


def test_swish_link_learns_beta_and_initializes_lazily(tmp_path):
    from teachgrad import serializers
    s = L.Swish(None)
    assert s.beta.data is None
    x = np.array([[1., -2., 0.]], np.float32)
    y = s(x)
    assert s.beta.shape == (3,) and s.beta.dtype == np.float32
    np.testing.assert_allclose(y.data, x / (1 + np.exp(-x)), rtol=1e-6)
    F.sum(y).backward()
    sig = 1 / (1 + np.exp(-x[0]))
    np.testing.assert_allclose(s.beta.grad, x[0] ** 2 * sig * (1 - sig), rtol=1e-6)
    fixed = L.Swish((3,), beta_init=0.5)
    np.testing.assert_array_equal(fixed.beta.data, [0.5, 0.5, 0.5])
    serializers.save_npz(str(tmp_path / 's.npz'), fixed)
    other = L.Swish((3,))
    serializers.load_npz(str(tmp_path / 's.npz'), other)
    np.testing.assert_array_equal(other.beta.data, fixed.beta.data)
