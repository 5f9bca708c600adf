"""Batch normalization: make each feature have mean 0 and variance 1 over the batch.

``y = gamma * (x - mean) / sqrt(var + eps) + beta``. In training the mean and
variance come from the batch (and running averages are updated for later);
at test time the stored running averages are used instead
(:func:`fixed_batch_normalization`).

>>> import numpy as np
>>> x = np.array([[1.], [3.]], dtype=np.float32)
>>> y = batch_normalization(x, np.ones(1, 'f'), np.zeros(1, 'f'), eps=0)
>>> y.data
array([[-1.],
       [ 1.]], dtype=float32)
"""
from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops


def _axes(x_ndim, gamma_ndim, axis):
    # Normalize over the batch axis and every axis after the feature axes:
    # (N, C) -> (0,), (N, C, H, W) -> (0, 2, 3).
    if axis is None:
        return (0,) + tuple(range(gamma_ndim + 1, x_ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(a % x_ndim for a in axes)


def _expander(x_ndim, axes):
    # Index that reshapes a per-feature array to broadcast against x.
    return tuple(None if i in axes else slice(None) for i in range(x_ndim))


def _check(x, gamma, axes):
    feature_shape = tuple(s for i, s in enumerate(x.shape) if i not in axes)
    if feature_shape != gamma.shape:
        raise ValueError(
            'batch_normalization: x has shape {} so its features have shape {} '
            '(the axes {} are averaged over), but gamma has shape {}'.format(
                x.shape, feature_shape, axes, gamma.shape))


class BatchNormalization(FunctionNode):
    first_order_reason = ('its backward is written on arrays with the mean and variance kept '
                          'from forward; a backward written with Variables is not there yet')
    label = 'BatchNormalization'

    def __init__(self, eps=2e-5, running_mean=None, running_var=None, decay=0.9, axis=None):
        self.eps = eps
        self.running_mean = running_mean
        self.running_var = running_var
        self.decay = decay
        self.axis = axis

    def forward(self, x, gamma, beta):
        self.axes = axes = _axes(x.ndim, gamma.ndim, self.axis)
        _check(x, gamma, axes)
        xp = backend.get_array_module(x)
        ex = self.expand = _expander(x.ndim, axes)
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        self.inv_std = inv_std = 1.0 / xp.sqrt(var + self.eps)
        self.x_hat = x_hat = (x - mean[ex]) * inv_std[ex]
        self.gamma = gamma
        y = gamma[ex] * x_hat + beta[ex]
        m = x.size // gamma.size
        if self.running_mean is not None:
            # Running averages for test time, updated in place (they are the
            # link's persistent arrays). The variance is the unbiased one.
            self.running_mean *= self.decay
            self.running_mean += (1 - self.decay) * mean
        if self.running_var is not None:
            adjust = m / max(m - 1.0, 1.0)
            self.running_var *= self.decay
            self.running_var += (1 - self.decay) * adjust * var
        return y.astype(x.dtype, copy=False)

    chain_rule = ('{1} / σ · ({gy} - mean({gy}) - x̂ · mean({gy} · x̂))',
                  'sum({gy} · x̂)',
                  'sum({gy})')

    def backward(self, gy):
        ex = self.expand
        m = gy.size // self.gamma.size
        gbeta = gy.sum(axis=self.axes)
        ggamma = (gy * self.x_hat).sum(axis=self.axes)
        # d/dx of normalizing by the batch's own mean and variance: the two
        # subtracted terms are the paths through mean and var.
        gx = (self.gamma * self.inv_std)[ex] * (
            gy - (self.x_hat * ggamma[ex] + gbeta[ex]) / m)
        return gx.astype(gy.dtype, copy=False), ggamma, gbeta


class FixedBatchNormalization(FunctionNode):
    first_order_reason = ('its backward is written on arrays; a backward written with '
                          'Variables is not there yet')
    label = 'FixedBatchNormalization'

    def __init__(self, eps=2e-5, axis=None):
        self.eps = eps
        self.axis = axis

    def forward(self, x, gamma, beta, mean, var):
        self.axes = axes = _axes(x.ndim, gamma.ndim, self.axis)
        _check(x, gamma, axes)
        xp = backend.get_array_module(x)
        ex = self.expand = _expander(x.ndim, axes)
        self.inv_std = inv_std = 1.0 / xp.sqrt(var + self.eps)
        self.x_hat = x_hat = (x - mean[ex]) * inv_std[ex]
        self.gamma = gamma
        return (gamma[ex] * x_hat + beta[ex]).astype(x.dtype, copy=False)

    chain_rule = ('{1} / sqrt(var + eps) · {gy}',
                  'sum({gy} · x̂)',
                  'sum({gy})',
                  '-{1} / sqrt(var + eps) · sum({gy})',
                  '-{1} · (x - mean) / (2 · (var + eps)^1.5) · sum({gy})')

    def backward(self, gy):
        ex, axes = self.expand, self.axes
        gbeta = gy.sum(axis=axes)
        ggamma = (gy * self.x_hat).sum(axis=axes)
        scale = self.gamma * self.inv_std
        gx = scale[ex] * gy
        gmean = -scale * gbeta
        gvar = -0.5 * ggamma * self.gamma * self.inv_std ** 2
        return gx, ggamma, gbeta, gmean, gvar


def batch_normalization(x, gamma, beta, eps=2e-5, running_mean=None, running_var=None,
                        decay=0.9, axis=None):
    """Normalize ``x`` with the batch's mean and variance, then scale and shift.

    Args:
        x: input, e.g. (batch, features) or (batch, channels, height, width).
        gamma, beta: scale and shift, one per feature (channel).
        eps: added to the variance so nothing divides by zero.
        running_mean, running_var: arrays updated in place with
            ``decay * old + (1 - decay) * batch value`` (optional).
        decay: how slowly the running averages follow the batches.
        axis: the axes to average over (default: all but the feature axes).

    First-order only: its backward is written on arrays with the mean and variance kept from
    forward; a backward written with Variables is not there yet.

    >>> import numpy as np
    >>> x = np.random.randn(8, 3).astype(np.float32)
    >>> y = batch_normalization(x, np.ones(3, 'f'), np.zeros(3, 'f'))
    >>> bool(abs(y.data.mean(axis=0)).max() < 1e-5)
    True
    """
    fn = BatchNormalization(eps, running_mean, running_var, decay, axis)
    return fn.apply((x, gamma, beta))[0]


def fixed_batch_normalization(x, gamma, beta, mean, var, eps=2e-5, axis=None):
    """Normalize with a given ``mean`` and ``var`` (test time).

    First-order only: its backward is written on arrays; a backward written with Variables
    is not there yet.

    >>> import numpy as np
    >>> x = np.array([[2.], [4.]], dtype=np.float32)
    >>> fixed_batch_normalization(x, np.ones(1, 'f'), np.zeros(1, 'f'),
    ...                           np.array([3.], 'f'), np.array([1.], 'f'), eps=0).data
    array([[-1.],
           [ 1.]], dtype=float32)
    """
    return FixedBatchNormalization(eps, axis).apply((x, gamma, beta, mean, var))[0]


class NormalizeL2(FunctionNode):
    double_backprop = True
    label = 'normalize'
    chain_rule = 'gx = (gy - y · Σ gy · y) / |x| (the part of gy along y is removed)'

    def __init__(self, eps=1e-5, axis=1):
        self.eps, self.axis = eps, axis

    def forward(self, x):
        axes = (self.axis,) if isinstance(self.axis, int) else tuple(self.axis)
        for a in axes:
            if not -x.ndim <= a < x.ndim:
                raise ValueError('normalize: axis {} is out of range for an input of shape {}'
                                 .format(a, x.shape))
        self.axes = axes
        xp = backend.get_array_module(x)
        norm = xp.sqrt((x * x).sum(axis=axes, keepdims=True))
        self.nonzero = norm > 0             # a constant mask
        self.x = x
        return x / (norm + self.eps)

    def backward(self, gy):
        # |x| is computed again from x, so a double backprop sees it as a
        # function of x.
        x = self.x
        norm = ops.sqrt(ops.sum(x * x, axis=self.axes, keepdims=True))
        denom = norm + self.eps
        # y = x / (|x| + eps): d|x|/dx = x / |x|, taken as 0 where x is all zeros.
        along = ops.sum(gy * x, axis=self.axes, keepdims=True)
        safe = ops.where(self.nonzero, norm, 1)
        nonzero = self.nonzero.astype(gy.dtype)
        return gy / denom - x * along / (denom * denom * safe) * nonzero


def normalize(x, eps=1e-5, axis=1):
    """Scale each vector along ``axis`` to length 1: ``x / (|x| + eps)`` (L2 norm).

    >>> import numpy as np
    >>> normalize(np.array([[3., 4.], [0., 0.]])).data.round(4)     # a zero vector stays 0
    array([[0.6, 0.8],
           [0. , 0. ]])
    """
    return NormalizeL2(eps, axis).apply((x,))[0]
