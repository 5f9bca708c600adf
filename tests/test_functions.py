"""Every function in teachgrad.functions: forward against numpy, backward
against numerical gradients (float64), float32 kept float32, and the same
checks on the GPU when cupy sees one.

Each case is (name, function of the input Variables, input makers, numpy
reference). Inputs stay away from kinks (0 for relu/abs, the bounds of
clip, ties for max) so numerical gradients are well defined there.
"""
import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
from teachgrad import Variable, backend
from teachgrad.gradient_check import check_backward


# -- input makers: each takes a numpy RandomState and returns an array ----------

def U(*shape, low=-1.0, high=1.0):
    return lambda rng: rng.uniform(low, high, shape)


def POS(*shape):
    return U(*shape, low=0.5, high=2.0)


def AWAY(*shape):
    """Values in [-1, -0.2] or [0.2, 1]: no kink of relu/abs within eps."""
    def make(rng):
        return rng.uniform(0.2, 1.0, shape) * rng.choice([-1.0, 1.0], shape)
    return make


def DISTINCT(*shape):
    """No two values closer than 0.1, so the max/min cannot switch within eps."""
    def make(rng):
        n = int(np.prod(shape))
        return rng.permutation(np.linspace(-1, 1, n) * (n / 10 + 1)).reshape(shape)
    return make


def LABELS(shape, n_class, ignore=False):
    def make(rng):
        t = rng.randint(0, n_class, shape).astype(np.int32)
        if ignore:
            t.flat[::3] = -1
        return t
    return make


def CONST(a):
    return lambda rng: np.array(a)


C23 = np.array([[0.5, -1.5, 2.0], [1.0, 3.0, -0.25]])
MASK = np.array([[2.0, 0.0, 2.0], [0.0, 2.0, 2.0]])     # a dropout mask, ratio 0.5
IDX_REPEATED = np.array([0, 0, 2, 0])


def c(a, x):
    """A constant array in the dtype and array module (numpy/cupy) of x."""
    return backend.get_array_module(x).asarray(a, dtype=x.dtype)


def softmax_ref(x, axis=1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def sce_ref(x, t, normalize=True, ignore=-1, reduce='mean', weight=None):
    logp = np.log(softmax_ref(x))
    if weight is not None:
        logp = logp * weight.reshape((1, -1) + (1,) * (x.ndim - 2))
    valid = t != ignore
    tt = np.where(valid, t, 0)
    picked = np.take_along_axis(logp, tt[:, None], axis=1)[:, 0] * valid
    if reduce == 'no':
        return -picked
    count = valid.sum() if normalize else len(x)
    return -picked.sum() / max(count, 1)


def sig_ce_ref(x, t, normalize=True, reduce='mean'):
    p = 1 / (1 + np.exp(-x))
    valid = t != -1
    loss = -(t * np.log(p) + (1 - t) * np.log(1 - p)) * valid
    if reduce == 'no':
        return loss
    return loss.sum() / (max(valid.sum(), 1) if normalize else len(x))


def leaky_ref(x, s=0.2):
    return np.where(x < 0, s * x, x)


CASES = [
    # -- arithmetic between Variables, with broadcasting
    ('add', lambda a, b: a + b, [U(2, 3), U(2, 3)], lambda a, b: a + b),
    ('add_broadcast', lambda a, b: a + b, [U(2, 3), U(3)], lambda a, b: a + b),
    ('add_broadcast_both', lambda a, b: F.add(a, b), [U(2, 1), U(1, 3)], lambda a, b: a + b),
    ('sub', lambda a, b: a - b, [U(2, 3), U(3)], lambda a, b: a - b),
    ('sub_F', lambda a, b: F.sub(a, b), [U(1, 3), U(2, 1)], lambda a, b: a - b),
    ('mul', lambda a, b: a * b, [U(2, 3), U(2, 1)], lambda a, b: a * b),
    ('mul_F', lambda a, b: F.mul(a, b), [U(2, 3), U(2, 3)], lambda a, b: a * b),
    ('div', lambda a, b: a / b, [U(2, 3), POS(3)], lambda a, b: a / b),
    ('div_F', lambda a, b: F.div(a, b), [U(2, 3), POS(2, 3)], lambda a, b: a / b),
    ('pow', lambda a, b: a ** b, [POS(2, 3), U(2, 3)], lambda a, b: a ** b),
    ('pow_broadcast', lambda a, b: F.pow(a, b), [POS(2, 3), U(1)], lambda a, b: a ** b),
    ('neg', lambda a: -a, [U(2, 3)], lambda a: -a),
    ('neg_F', lambda a: F.neg(a), [U(3)], lambda a: -a),
    ('same_var_twice', lambda a: a * a + a, [U(2, 3)], lambda a: a * a + a),
    # -- arithmetic with Python numbers and numpy arrays on either side
    ('add_scalar', lambda x: x + 2.5, [U(2, 3)], lambda x: x + 2.5),
    ('radd_scalar', lambda x: 2.5 + x, [U(2, 3)], lambda x: 2.5 + x),
    ('sub_scalar', lambda x: x - 2, [U(2, 3)], lambda x: x - 2),
    ('rsub_scalar', lambda x: 2 - x, [U(2, 3)], lambda x: 2 - x),
    ('mul_scalar', lambda x: x * 2.5, [U(2, 3)], lambda x: x * 2.5),
    ('rmul_scalar', lambda x: 3 * x, [U(2, 3)], lambda x: 3 * x),
    ('div_scalar', lambda x: x / 4, [U(2, 3)], lambda x: x / 4),
    ('rdiv_scalar', lambda x: 2 / x, [POS(2, 3)], lambda x: 2 / x),
    ('pow_scalar2', lambda x: x ** 2, [U(2, 3)], lambda x: x ** 2),
    ('pow_scalar3', lambda x: x ** 3, [U(2, 3)], lambda x: x ** 3),
    ('pow_scalar_half', lambda x: x ** 0.5, [POS(2, 3)], lambda x: x ** 0.5),
    ('rpow_scalar', lambda x: 2 ** x, [U(2, 3)], lambda x: 2 ** x),
    ('add_array', lambda x: x + c(C23, x), [U(2, 3)], lambda x: x + C23),
    ('radd_array', lambda x: c(C23, x) + x, [U(2, 3)], lambda x: C23 + x),
    ('add_array_broadcast', lambda x: x + c(C23, x), [U(3)], lambda x: x + C23),
    ('rsub_array', lambda x: c(C23, x) - x, [U(2, 3)], lambda x: C23 - x),
    ('rmul_array', lambda x: c(C23, x) * x, [U(2, 1)], lambda x: C23 * x),
    ('rdiv_array', lambda x: c(C23, x) / x, [POS(2, 3)], lambda x: C23 / x),
    ('div_array', lambda x: x / c(C23, x), [U(2, 3)], lambda x: x / C23),
    ('rpow_array', lambda x: c(abs(C23), x) ** x, [U(2, 3)], lambda x: abs(C23) ** x),
    ('pow_array', lambda x: x ** c(C23, x), [POS(2, 3)], lambda x: x ** C23),
    # -- matrix products
    ('matmul', lambda a, b: a @ b, [U(2, 3), U(3, 4)], lambda a, b: a @ b),
    ('matmul_F', lambda a, b: F.matmul(a, b), [U(2, 3), U(3, 4)], lambda a, b: a @ b),
    ('matmul_batched', lambda a, b: a @ b, [U(2, 2, 3), U(3, 4)], lambda a, b: a @ b),
    ('matmul_vec_mat', lambda a, b: a @ b, [U(3), U(3, 2)], lambda a, b: a @ b),
    ('matmul_mat_vec', lambda a, b: a @ b, [U(2, 3), U(3)], lambda a, b: a @ b),
    ('rmatmul_array', lambda x: c(C23, x) @ x, [U(3, 2)], lambda x: C23 @ x),
    ('matmul_transposed', lambda x, W: x @ W.T, [U(2, 3), U(4, 3)], lambda x, W: x @ W.T),
    ('linear', lambda x, W, b: F.linear(x, W, b), [U(2, 3), U(4, 3), U(4)],
     lambda x, W, b: x @ W.T + b),
    ('linear_nobias', lambda x, W: F.linear(x, W), [U(2, 3), U(4, 3)], lambda x, W: x @ W.T),
    ('linear_3d_input', lambda x, W: F.linear(x, W), [U(2, 3, 2), U(4, 6)],
     lambda x, W: x.reshape(2, 6) @ W.T),
    # -- indexing
    ('getitem_basic', lambda x: x[1, ::2], [U(2, 3)], lambda x: x[1, ::2]),
    ('getitem_slice', lambda x: x[:, 1:], [U(2, 3)], lambda x: x[:, 1:]),
    ('getitem_ellipsis_newaxis', lambda x: x[None, ..., 0], [U(2, 3)], lambda x: x[None, ..., 0]),
    ('getitem_int', lambda x: x[1], [U(3, 2)], lambda x: x[1]),
    ('getitem_fancy_repeated', lambda x: x[[0, 0, 2, 0]], [U(3, 2)], lambda x: x[[0, 0, 2, 0]]),
    ('getitem_fancy_array', lambda x: x[:, IDX_REPEATED], [U(2, 3)], lambda x: x[:, IDX_REPEATED]),
    ('getitem_fancy_2d', lambda x: x[[0, 1, 1], [2, 0, 0]], [U(2, 3)],
     lambda x: x[[0, 1, 1], [2, 0, 0]]),
    ('getitem_bool', lambda x: x[MASK > 0], [U(2, 3)], lambda x: x[MASK > 0]),
    ('get_item_F', lambda x: F.get_item(x, (slice(None), [1, 1])), [U(2, 3)],
     lambda x: x[:, [1, 1]]),
    # -- shapes
    ('reshape', lambda x: F.reshape(x, (3, 2)), [U(2, 3)], lambda x: x.reshape(3, 2)),
    ('reshape_method', lambda x: x.reshape(6), [U(2, 3)], lambda x: x.reshape(6)),
    ('reshape_minus1', lambda x: x.reshape(-1, 2), [U(2, 3)], lambda x: x.reshape(-1, 2)),
    ('transpose', lambda x: F.transpose(x), [U(2, 3)], lambda x: x.T),
    ('transpose_axes', lambda x: F.transpose(x, (1, 2, 0)), [U(2, 3, 4)],
     lambda x: x.transpose(1, 2, 0)),
    ('transpose_method', lambda x: x.transpose(2, 0, 1), [U(2, 3, 4)],
     lambda x: x.transpose(2, 0, 1)),
    ('T', lambda x: x.T, [U(2, 3)], lambda x: x.T),
    ('broadcast_to', lambda x: F.broadcast_to(x, (2, 3)), [U(3)],
     lambda x: np.broadcast_to(x, (2, 3))),
    ('broadcast_to_middle', lambda x: F.broadcast_to(x, (2, 2, 3)), [U(2, 1, 3)],
     lambda x: np.broadcast_to(x, (2, 2, 3))),
    ('sum_to', lambda x: F.sum_to(x, (3,)), [U(2, 3)], lambda x: x.sum(0)),
    ('sum_to_keep', lambda x: F.sum_to(x, (2, 1)), [U(2, 3)], lambda x: x.sum(1, keepdims=True)),
    ('concat', lambda a, b: F.concat((a, b)), [U(2, 1), U(2, 3)],
     lambda a, b: np.concatenate((a, b), 1)),
    ('concat_axis0_three', lambda a, b, d: F.concat([a, b, d], axis=0),
     [U(1, 2), U(2, 2), U(3, 2)], lambda a, b, d: np.concatenate((a, b, d), 0)),
    ('concat_negative_axis', lambda a, b: F.concat((a, b), axis=-1), [U(2, 2), U(2, 1)],
     lambda a, b: np.concatenate((a, b), -1)),
    ('stack', lambda a, b: F.stack((a, b)), [U(2, 3), U(2, 3)], lambda a, b: np.stack((a, b))),
    ('stack_axis1', lambda a, b, d: F.stack((a, b, d), axis=1), [U(2, 3), U(2, 3), U(2, 3)],
     lambda a, b, d: np.stack((a, b, d), 1)),
    ('stack_axis_last', lambda a, b: F.stack((a, b), axis=-1), [U(2, 3), U(2, 3)],
     lambda a, b: np.stack((a, b), -1)),
    ('split_axis_sections', lambda x: F.split_axis(x, 2, axis=1), [U(2, 4)],
     lambda x: tuple(np.split(x, 2, 1))),
    ('split_axis_indices', lambda x: F.split_axis(x, [1, 3], axis=0), [U(4, 2)],
     lambda x: tuple(np.split(x, [1, 3], 0))),
    ('expand_dims', lambda x: F.expand_dims(x, 1), [U(2, 3)], lambda x: x[:, None]),
    ('expand_dims_negative', lambda x: F.expand_dims(x, -1), [U(2, 3)], lambda x: x[..., None]),
    ('squeeze', lambda x: F.squeeze(x), [U(1, 3, 1)], lambda x: x.squeeze()),
    ('squeeze_axis', lambda x: F.squeeze(x, 2), [U(1, 3, 1)], lambda x: x.squeeze(2)),
    ('flatten', lambda x: F.flatten(x), [U(2, 3)], lambda x: x.ravel()),
    ('swapaxes', lambda x: F.swapaxes(x, 0, 2), [U(2, 3, 4)], lambda x: x.swapaxes(0, 2)),
    ('tile', lambda x: F.tile(x, (2, 3)), [U(2, 2)], lambda x: np.tile(x, (2, 3))),
    ('tile_more_reps', lambda x: F.tile(x, (2, 1, 2)), [U(3)], lambda x: np.tile(x, (2, 1, 2))),
    ('tile_fewer_reps', lambda x: F.tile(x, 2), [U(2, 3)], lambda x: np.tile(x, 2)),
    ('repeat', lambda x: F.repeat(x, 2, axis=1), [U(2, 3)], lambda x: np.repeat(x, 2, 1)),
    ('repeat_flat', lambda x: F.repeat(x, 3), [U(2, 2)], lambda x: np.repeat(x, 3)),
    ('repeat_list', lambda x: F.repeat(x, [1, 0, 2], axis=0), [U(3, 2)],
     lambda x: np.repeat(x, [1, 0, 2], 0)),
    ('identity', lambda x: F.identity(x), [U(2, 3)], lambda x: x),
    ('cast_same', lambda x: F.cast(x, x.dtype), [U(2, 3)], lambda x: x),
    # -- reductions
    ('sum', lambda x: F.sum(x), [U(2, 3)], lambda x: x.sum()),
    ('sum_axis', lambda x: F.sum(x, axis=1), [U(2, 3)], lambda x: x.sum(1)),
    ('sum_axes_keepdims', lambda x: F.sum(x, axis=(0, 2), keepdims=True), [U(2, 3, 4)],
     lambda x: x.sum((0, 2), keepdims=True)),
    ('sum_negative_axis', lambda x: F.sum(x, axis=-1), [U(2, 3)], lambda x: x.sum(-1)),
    ('mean', lambda x: F.mean(x), [U(2, 3)], lambda x: x.mean()),
    ('mean_axis', lambda x: F.mean(x, axis=0), [U(2, 3)], lambda x: x.mean(0)),
    ('mean_axes_keepdims', lambda x: F.mean(x, axis=(1, 2), keepdims=True), [U(2, 3, 4)],
     lambda x: x.mean((1, 2), keepdims=True)),
    ('mean_weights', lambda x: F.mean(x, axis=1, weights=c(np.array([1., 2., 3.]), x)),
     [U(2, 3)], lambda x: (x * [1., 2., 3.]).sum(1) / 6),
    ('max', lambda x: F.max(x), [DISTINCT(2, 3)], lambda x: x.max()),
    ('max_axis', lambda x: F.max(x, axis=1), [DISTINCT(2, 3)], lambda x: x.max(1)),
    ('max_axes_keepdims', lambda x: F.max(x, axis=(0, 2), keepdims=True), [DISTINCT(2, 3, 2)],
     lambda x: x.max((0, 2), keepdims=True)),
    ('min', lambda x: F.min(x), [DISTINCT(2, 3)], lambda x: x.min()),
    ('min_axis', lambda x: F.min(x, axis=0, keepdims=True), [DISTINCT(2, 3)],
     lambda x: x.min(0, keepdims=True)),
    # -- elementwise math
    ('exp', F.exp, [U(2, 3)], np.exp),
    ('log', F.log, [POS(2, 3)], np.log),
    ('sqrt', F.sqrt, [POS(2, 3)], np.sqrt),
    ('square', F.square, [U(2, 3)], np.square),
    ('sin', F.sin, [U(2, 3, low=-3, high=3)], np.sin),
    ('cos', F.cos, [U(2, 3, low=-3, high=3)], np.cos),
    ('absolute', F.absolute, [AWAY(2, 3)], np.abs),
    ('abs_builtin', abs, [AWAY(2, 3)], np.abs),
    ('clip', lambda x: F.clip(x, -0.5, 0.5),
     [CONST([[-0.9, -0.3, 0.0], [0.2, 0.45, 0.8]])], lambda x: np.clip(x, -0.5, 0.5)),
    # -- activations
    ('tanh', F.tanh, [U(2, 3, low=-2, high=2)], np.tanh),
    ('sigmoid', F.sigmoid, [U(2, 3, low=-3, high=3)], lambda x: 1 / (1 + np.exp(-x))),
    ('relu', F.relu, [AWAY(2, 3)], lambda x: np.maximum(x, 0)),
    ('leaky_relu', F.leaky_relu, [AWAY(2, 3)], leaky_ref),
    ('leaky_relu_slope', lambda x: F.leaky_relu(x, slope=0.5), [AWAY(2, 3)],
     lambda x: leaky_ref(x, 0.5)),
    ('softmax', F.softmax, [U(2, 3)], softmax_ref),
    ('softmax_axis0', lambda x: F.softmax(x, axis=0), [U(3, 2)], lambda x: softmax_ref(x, 0)),
    ('softmax_3d', F.softmax, [U(2, 3, 2)], softmax_ref),
    ('log_softmax', F.log_softmax, [U(2, 3)], lambda x: np.log(softmax_ref(x))),
    ('log_softmax_axis_last', lambda x: F.log_softmax(x, axis=-1), [U(2, 2, 3)],
     lambda x: np.log(softmax_ref(x, -1))),
    # -- losses
    ('softmax_cross_entropy', F.softmax_cross_entropy, [U(4, 3), LABELS(4, 3)], sce_ref),
    ('softmax_cross_entropy_ignore', F.softmax_cross_entropy,
     [U(5, 3), LABELS(5, 3, ignore=True)], sce_ref),
    ('softmax_cross_entropy_unnormalized',
     lambda x, t: F.softmax_cross_entropy(x, t, normalize=False),
     [U(5, 3), LABELS(5, 3, ignore=True)], lambda x, t: sce_ref(x, t, normalize=False)),
    ('softmax_cross_entropy_no_reduce',
     lambda x, t: F.softmax_cross_entropy(x, t, reduce='no'),
     [U(5, 3), LABELS(5, 3, ignore=True)], lambda x, t: sce_ref(x, t, reduce='no')),
    ('softmax_cross_entropy_3d', F.softmax_cross_entropy,
     [U(2, 3, 4), LABELS((2, 4), 3, ignore=True)], sce_ref),
    ('softmax_cross_entropy_class_weight',
     lambda x, t: F.softmax_cross_entropy(x, t, class_weight=c(np.array([1., 2., .5]), x)),
     [U(4, 3), LABELS(4, 3)], lambda x, t: sce_ref(x, t, weight=np.array([1., 2., .5]))),
    ('mean_squared_error', F.mean_squared_error, [U(2, 3), U(2, 3)],
     lambda a, b: ((a - b) ** 2).mean()),
    ('sigmoid_cross_entropy', F.sigmoid_cross_entropy,
     [U(3, 4, low=-3, high=3), LABELS((3, 4), 2, ignore=True)], sig_ce_ref),
    ('sigmoid_cross_entropy_unnormalized',
     lambda x, t: F.sigmoid_cross_entropy(x, t, normalize=False),
     [U(3, 4), LABELS((3, 4), 2, ignore=True)], lambda x, t: sig_ce_ref(x, t, False)),
    ('sigmoid_cross_entropy_no_reduce',
     lambda x, t: F.sigmoid_cross_entropy(x, t, reduce='no'),
     [U(3, 4), LABELS((3, 4), 2, ignore=True)], lambda x, t: sig_ce_ref(x, t, reduce='no')),
    # -- noise (with a fixed mask, so it is a plain function) and evaluation
    ('dropout_mask', lambda x: F.dropout(x, 0.5, mask=c(MASK, x)), [U(2, 3)], lambda x: x * MASK),
    ('accuracy', F.accuracy, [DISTINCT(6, 3), LABELS(6, 3)],
     lambda y, t: (y.argmax(1) == t).mean()),
]

IDS = [case[0] for case in CASES]


def _inputs(case, seed=0):
    rng = np.random.RandomState(seed)
    return tuple(make(rng) for make in case[2])


def _as_tuple(y):
    return y if isinstance(y, tuple) else (y,)


def _y_grads(outputs, rng):
    return tuple(rng.uniform(-1, 1, y.shape).astype(y.dtype) for y in outputs)


def _run_backward(outputs, grads):
    # Sum the outputs weighted by their grads, so multi-output functions
    # get one backward call.
    total = None
    for y, g in zip(outputs, grads):
        term = F.sum(y * g)
        total = term if total is None else total + term
    total.backward()


CORE_MODULES = {'teachgrad.functions.' + m for m in (
    'basic_math', 'matmul', 'constant_math', 'array', 'reduction', 'connection', 'math', 'activation', 'loss',
    'evaluation', 'noise')}


def test_every_public_function_has_a_case():
    """A new core F function without a test case fails here (convolution,
    pooling, normalization and embed_id are tested with the links)."""
    import test_functions_more          # the functions added for Chainer's docs
    covered = ' '.join(IDS + test_functions_more.IDS)
    names = [n for n in dir(F) if n[0].islower() and callable(getattr(F, n))
             and getattr(getattr(F, n), '__module__', '') in CORE_MODULES]
    tested_elsewhere = {'install_variable_arithmetics', 'argmax', 'argmin', 'dropout'}
    assert len(names) >= 50
    missing = [n for n in names if n not in covered and n not in tested_elsewhere]
    assert missing == []


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


@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_backward_float64(case):
    name, func, _, _ = case
    xs = _inputs(case)
    rng = np.random.RandomState(1)
    ys = _as_tuple(func(*[Variable(x) for x in xs]))
    check_backward(func, xs, _y_grads(ys, rng))


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
    if name == 'accuracy':
        return
    _run_backward(ys, _y_grads(ys, np.random.RandomState(1)))
    for v in vs:
        if v.dtype.kind == 'f':
            assert v.grad is not None and v.grad.dtype == np.float32, name
            assert v.grad.shape == v.shape


def test_scalar_outputs_are_0d_arrays():
    x = Variable(np.ones((2, 3), np.float32))
    t = np.zeros(2, np.int32)
    for y in (F.sum(x), F.mean(x), F.max(x), F.softmax_cross_entropy(x, t),
              F.mean_squared_error(x, x), F.sigmoid_cross_entropy(x, np.ones((2, 3), np.int32)),
              F.accuracy(x, t)):
        assert isinstance(y.data, np.ndarray) and y.shape == () and y.dtype == np.float32


# -- values that Chainer documents ---------------------------------------------

def test_sigmoid_cross_entropy_matches_chainer_docs():
    x = np.array([[-2.0, 3.0, 0.5], [5.0, 2.0, -0.5]], dtype=np.float32)
    t = np.array([[0, 1, 0], [1, 1, -1]], dtype=np.int32)
    assert repr(F.sigmoid_cross_entropy(x, t)) == 'variable(0.25664714)'
    assert repr(F.sigmoid_cross_entropy(x, t, normalize=False)) == 'variable(0.64161783)'
    y = F.sigmoid_cross_entropy(x, t, reduce='no')
    np.testing.assert_allclose(
        y.data, [[0.126928, 0.04858735, 0.974077], [0.00671535, 0.126928, 0.]], rtol=1e-6)
    assert y.dtype == np.float32


def test_softmax_cross_entropy_known_values():
    x = np.zeros((2, 4), np.float32)
    t = np.array([1, 3], np.int32)
    assert F.softmax_cross_entropy(x, t).data == np.float32(np.log(4))
    # every label ignored: the loss is 0, not 0/0
    loss = F.softmax_cross_entropy(x, np.array([-1, -1], np.int32))
    assert loss.data == 0 and loss.dtype == np.float32


def test_softmax_cross_entropy_gradient_is_softmax_minus_onehot():
    x = Variable(np.array([[0., 0.], [0., np.log(3.)]], np.float32))
    F.softmax_cross_entropy(x, np.array([0, 1], np.int32)).backward()
    np.testing.assert_allclose(x.grad, [[-0.25, 0.25], [0.125, -0.125]], rtol=1e-6)


def test_softmax_is_stable_for_big_inputs():
    x = np.array([[1000., 1000.], [-1000., 0.]])
    np.testing.assert_allclose(F.softmax(x).data, [[0.5, 0.5], [0., 1.]])
    np.testing.assert_allclose(F.log_softmax(x).data, [[-np.log(2), -np.log(2)], [-1000., 0.]])
    assert np.isfinite(F.sigmoid(np.array([-1000., 1000.])).data).all()


def test_max_gives_the_gradient_to_every_tied_maximum():
    # Chainer's rule: all elements equal to the maximum get the full gradient.
    x = Variable(np.array([[1., 3., 3.], [2., 0., 1.]], np.float32))
    F.sum(F.max(x, axis=1)).backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 1], [1, 0, 0]])
    x.cleargrad()
    F.min(x).backward()
    np.testing.assert_array_equal(x.grad, [[0, 0, 0], [0, 1, 0]])


def test_clip_passes_gradient_only_strictly_inside():
    x = Variable(np.array([-2., -1., 0., 1., 2.], np.float32))
    F.sum(F.clip(x, -1., 1.)).backward()
    np.testing.assert_array_equal(x.grad, [0, 0, 1, 0, 0])
    with pytest.raises(ValueError, match='x_min must be less than x_max'):
        F.clip(x, 1., 1.)


def test_relu_and_abs_gradient_at_zero_is_zero():
    x = Variable(np.zeros(2, np.float32))
    F.sum(F.relu(x) + F.absolute(x)).backward()
    np.testing.assert_array_equal(x.grad, [0, 0])
    x.cleargrad()
    F.sum(F.leaky_relu(x)).backward()          # Chainer: slope 1 at 0
    np.testing.assert_array_equal(x.grad, [1, 1])


def test_split_axis_output_that_is_not_used_gets_zero_gradient():
    x = Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    a, b, d = F.split_axis(x, 3, axis=1)
    del b                                      # its node is gone from the graph
    F.sum(a * 2 + d).backward()
    np.testing.assert_array_equal(x.grad, [[2, 0, 1], [2, 0, 1]])
    assert not isinstance(F.split_axis(x, 1, 0, force_tuple=False), tuple)


def test_mean_of_integers_follows_numpy():
    assert F.mean(np.arange(4)).data == 1.5
    assert F.mean(np.arange(4)).dtype == np.float64


def test_argmax_argmin():
    x = np.array([[1., 5., 2.], [4., 0., 3.]], np.float32)
    assert F.argmax(x, axis=1).data.tolist() == [1, 0]
    assert F.argmin(x).data == 4
    assert F.argmax(x).dtype == np.int32


def test_accuracy_values_and_no_gradient():
    y = Variable(np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]], np.float32))
    t = np.array([1, 1, -1, 0], np.int32)
    acc = F.accuracy(y, t)
    assert isinstance(acc, Variable) and acc.dtype == np.float32
    assert acc.data == np.float32(0.5)
    assert F.accuracy(y, t, ignore_label=-1).data == np.float32(2 / 3)
    assert F.accuracy(y, np.full(4, -1, np.int32), ignore_label=-1).data == 0
    acc.backward()
    assert y.grad is None


def test_dropout_is_identity_when_not_training():
    x = Variable(np.ones((3, 4), np.float32))
    with teachgrad.using_config('train', False):
        y = F.dropout(x)
    assert y is x
    assert F.dropout(np.ones(2, np.float32), 0.5, return_mask=False).dtype == np.float32


def test_dropout_is_reproducible_with_numpy_seed_and_scales():
    x = np.ones((50, 40), np.float32)
    np.random.seed(3)
    y1, mask = F.dropout(x, 0.25, return_mask=True)
    np.random.seed(3)
    y2 = F.dropout(x, 0.25)
    np.testing.assert_array_equal(y1.data, y2.data)
    assert y1.dtype == np.float32
    assert set(np.unique(y1.data)) == {0, np.float32(1 / 0.75)}
    assert 0.2 < (y1.data == 0).mean() < 0.3
    v = Variable(x)
    np.random.seed(3)
    y = F.dropout(v, 0.25)
    F.sum(y).backward()
    np.testing.assert_array_equal(v.grad, mask)       # the same mask scales the gradient
    with pytest.raises(ValueError, match='ratio'):
        F.dropout(x, 1.0)


def test_labels_are_used_in_graph_pictures():
    x = Variable(np.ones(2, np.float32))
    labels = [F.exp(x).creator.label, F.clip(x, 0., 1.).creator.label,
              F.leaky_relu(x).creator.label, F.softmax(x[None]).creator.label,
              F.dropout(x, 0.5).creator.label, F.mean(x).creator.label]
    assert labels == ['exp', 'clip(0, 1)', 'leaky_relu(0.2)', 'softmax', 'dropout(0.5)', 'mean']


# -- errors that name the function and both shapes ------------------------------

def _v(*shape):
    return Variable(np.zeros(shape, np.float32))


@pytest.mark.parametrize('call, words', [
    (lambda: _v(2, 3) + _v(4), ['+', '(2, 3)', '(4,)']),
    (lambda: _v(2, 3) - _v(2, 2), ['-', '(2, 3)', '(2, 2)']),
    (lambda: _v(3) * _v(4), ['*', '(3,)', '(4,)']),
    (lambda: _v(3) / _v(4), ['/', '(3,)', '(4,)']),
    (lambda: _v(3) ** _v(4), ['**', '(3,)', '(4,)']),
    (lambda: _v(3) + np.zeros(4, np.float32), ['+', '(3,)', '(4,)']),
    (lambda: np.zeros(4, np.float32) * _v(3), ['*', '(3,)', '(4,)']),
    (lambda: _v(2, 3) @ _v(2, 3), ['matmul', '(2, 3)', 'x @ W.T']),
    (lambda: F.linear(_v(2, 3), _v(4, 5)), ['Linear', '(2, 3)', '(4, 5)']),
    (lambda: F.reshape(_v(2, 3), (4, 2)), ['reshape', '(2, 3)', '(4, 2)']),
    (lambda: F.broadcast_to(_v(2, 3), (3, 3)), ['broadcast_to', '(2, 3)', '(3, 3)']),
    (lambda: F.concat((_v(2, 3), _v(3, 3))), ['concat', '(2, 3)', '(3, 3)']),
    (lambda: F.stack((_v(2, 3), _v(3, 2))), ['stack', '(2, 3)', '(3, 2)']),
    (lambda: F.mean_squared_error(_v(2, 3), _v(3, 2)), ['mean_squared_error', '(2, 3)', '(3, 2)']),
    (lambda: F.softmax_cross_entropy(_v(2, 3), np.zeros(3, np.int32)),
     ['softmax_cross_entropy', '(2, 3)', '(3,)']),
    (lambda: F.sigmoid_cross_entropy(_v(2, 3), np.zeros(3, np.int32)),
     ['sigmoid_cross_entropy', '(2, 3)', '(3,)']),
    (lambda: F.accuracy(_v(2, 3), np.zeros(3, np.int32)), ['accuracy', '(2, 3)', '(3,)']),
    (lambda: F.squeeze(_v(2, 3), 0), ['squeeze', '(2, 3)']),
    (lambda: F.split_axis(_v(2, 3), 2, axis=1), ['split_axis', '(2, 3)']),
    (lambda: F.softmax(_v(2, 3), axis=2), ['softmax', '(2, 3)']),
    (lambda: F.sum(_v(2, 3), axis=2), ['axis 2']),
])
def test_shape_errors_name_the_function_and_shapes(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value)


def test_label_errors_teach():
    with pytest.raises(TypeError, match='astype'):
        F.softmax_cross_entropy(_v(2, 3), np.zeros(2, np.float32))
    with pytest.raises(ValueError, match='0..2'):
        F.softmax_cross_entropy(_v(2, 3), np.array([0, 3], np.int32))
    with pytest.raises(ValueError, match="'mean' or 'no'"):
        F.softmax_cross_entropy(_v(2, 3), np.zeros(2, np.int32), reduce='sum')


def test_functions_accept_arrays_and_return_variables():
    y = F.exp(np.zeros(2, np.float32))
    assert isinstance(y, Variable) and y.creator is None    # nothing to differentiate
    assert not y.requires_grad


# -- the same checks on the GPU ------------------------------------------------

def _cupy():
    cupy = pytest.importorskip('cupy')
    if not backend.gpu_available():
        pytest.skip('cupy is installed but sees no usable GPU')
    return cupy


def check_case_on_gpu(case):
    """One case of a table: forward on cupy arrays equals the numpy reference,
    and the gradients pass the numerical check there."""
    cupy = _cupy()
    name, func, _, ref = case
    xs = _inputs(case)
    gxs = tuple(cupy.asarray(x) for x in xs)
    ys = _as_tuple(func(*[Variable(x) for x in gxs]))
    for y, e in zip(ys, _as_tuple(ref(*xs))):
        assert backend.get_array_module(y.data) is cupy
        np.testing.assert_allclose(backend.to_cpu(y.data), e, rtol=1e-10, atol=1e-10)
    grads = tuple(cupy.asarray(g) for g in _y_grads(ys, np.random.RandomState(1)))
    check_backward(func, gxs, grads)


@pytest.mark.gpu
@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_gpu_forward_and_backward(case):
    check_case_on_gpu(case)


@pytest.mark.gpu
def test_gpu_float32_and_to_gpu_round_trip():
    cupy = _cupy()
    x = Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    x.to_gpu()
    assert isinstance(x.data, cupy.ndarray)
    y = F.sum(F.relu(x) * 2 + F.exp(x[:, [0, 0]]).T @ x)
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    assert isinstance(x.grad, cupy.ndarray)
    x.to_cpu()
    assert isinstance(x.data, np.ndarray) and isinstance(x.grad, np.ndarray)


@pytest.mark.parametrize('transa, transb', [(False, True), (True, False), (True, True)])
def test_matmul_transposes_like_chainer(transa, transb):
    rng = np.random.RandomState(3)
    a = rng.randn(*((4, 3) if transa else (3, 4)))
    b = rng.randn(*((5, 4) if transb else (4, 5)))
    y = F.matmul(a, b, transa=transa, transb=transb)
    np.testing.assert_allclose(y.data, (a.T if transa else a) @ (b.T if transb else b))
    check_backward(
        lambda a, b: F.matmul(a, b, transa=transa, transb=transb), (a, b), rng.randn(3, 5))


def test_linear_with_two_batch_axes_like_chainer():
    rng = np.random.RandomState(4)
    x, W, b = rng.randn(2, 5, 3), rng.randn(4, 3), rng.randn(4)
    y = F.linear(x, W, b, n_batch_axes=2)
    np.testing.assert_allclose(y.data, x @ W.T + b)
    check_backward(lambda x, W, b: F.linear(x, W, b, n_batch_axes=2), (x, W, b),
                   rng.randn(2, 5, 4))
    with pytest.raises(ValueError, match='n_batch_axes'):
        F.linear(x, W, b, n_batch_axes=0)
