"""Layer, group and batch re-normalization: batch normalization's formula with
the statistics taken over other axes, or corrected toward the running ones.

* :func:`layer_normalization` standardizes each example over its own features;
* :func:`group_normalization` standardizes each example over groups of channels
  (and all their pixels); with one group per channel it is instance normalization;
* :func:`batch_renormalization` normalizes by the batch like batch
  normalization, then moves the result toward what the running statistics
  would give, by factors ``r`` and ``d`` that count as constants in backward.

Layer and group normalization use no batch statistics, so they give the same
answer in training and at test time, and for a batch of one.

>>> import numpy as np
>>> x = np.array([[1., 2., 3.]], 'f')
>>> layer_normalization(x, np.ones(3, 'f'), np.zeros(3, 'f'), eps=0).data.round(4)
array([[-1.2247,  0.    ,  1.2247]], dtype=float32)
"""
import numbers
import warnings

from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops
from teachgrad.functions import normalization


def _count(shape, axis):
    axes = (axis,) if isinstance(axis, int) else axis
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _standardize(x, axis, eps):
    """``(x - mean) / sqrt(var + eps)`` along ``axis`` (an int or a tuple), and that
    ``1 / sqrt(var + eps)``. Works on arrays (forward) and on Variables (a double backprop)."""
    n = _count(x.shape, axis)
    xc = x - ops.sum(x, axis=axis, keepdims=True) / n
    inv_std = 1 / ops.sqrt(ops.sum(xc * xc, axis=axis, keepdims=True) / n + eps)
    return xc * inv_std, inv_std


def _standardize_grad(gx_hat, x_hat, inv_std, axis):
    """The grad of ``x`` from the grad of ``x_hat = standardize(x)``: the two
    subtracted terms are the paths through the mean and through the variance."""
    n = _count(x_hat.shape, axis)
    mean_g = ops.sum(gx_hat, axis=axis, keepdims=True) / n
    mean_gx = ops.sum(gx_hat * x_hat, axis=axis, keepdims=True) / n
    return inv_std * (gx_hat - mean_g - x_hat * mean_gx)


def _check_scale_shift(name, x, gamma, beta, features):
    if x.dtype.kind != 'f':
        raise TypeError('{}: x must be a float array, but has dtype {}; convert it with '
                        'x.astype(np.float32)'.format(name, x.dtype))
    for what, p in (('gamma', gamma), ('beta', beta)):
        if p.shape != (features,):
            raise ValueError(
                '{}: x has shape {}, so {} must have shape ({},), one value per '
                'feature, but it has shape {}'.format(name, x.shape, what, features, p.shape))
        if p.dtype != x.dtype:
            raise TypeError('{}: {} has dtype {} but x has dtype {}; give them the same '
                            'dtype'.format(name, what, p.dtype, x.dtype))


class LayerNormalization(FunctionNode):
    double_backprop = True
    label = 'LayerNormalization'
    chain_rule = ('γ / σ · ({gy} - mean({gy}) - x̂ · mean({gy} · x̂)), means over each row',
                  'sum over the batch of {gy} · x̂',
                  'sum over the batch of {gy}')

    def __init__(self, eps=1e-5):
        self.eps = eps

    def forward(self, x, gamma, beta):
        if x.ndim != 2:
            raise ValueError(
                'layer_normalization needs x of shape (batch, units), but got shape {}; '
                'flatten the features first, e.g. x.reshape(len(x), -1)'.format(x.shape))
        _check_scale_shift('layer_normalization', x, gamma, beta, x.shape[1])
        self.x, self.gamma = x, gamma
        x_hat, _ = _standardize(x, 1, self.eps)
        return (x_hat * gamma + beta).astype(x.dtype, copy=False)

    def backward(self, gy):
        # x_hat is computed again from x, so a double backprop sees it as a function of x.
        x_hat, inv_std = _standardize(self.x, 1, self.eps)
        gx = _standardize_grad(gy * self.gamma, x_hat, inv_std, 1)
        return gx, ops.sum(gy * x_hat, axis=0), ops.sum(gy, axis=0)


def layer_normalization(x, gamma, beta, eps=1e-5):
    """Standardize each row of ``x`` (batch, units) over its units, then scale
    by ``gamma`` and shift by ``beta`` (one value per unit).

    ``y = gamma * (x - mean) / sqrt(var + eps) + beta`` with the mean and the
    (biased) variance of each example's own units.

    >>> import numpy as np
    >>> x = np.array([[1., 3.], [10., 30.]], 'f')
    >>> layer_normalization(x, np.ones(2, 'f'), np.array([0., 5.], 'f'), eps=0).data
    array([[-1.,  6.],
           [-1.,  6.]], dtype=float32)
    """
    return LayerNormalization(eps).apply((x, gamma, beta))[0]


class GroupNormalization(FunctionNode):
    double_backprop = True
    label = 'GroupNormalization'
    chain_rule = ('γ / σ · ({gy} - mean({gy}) - x̂ · mean({gy} · x̂)), means per group',
                  'sum over batch and pixels of {gy} · x̂',
                  'sum over batch and pixels of {gy}')

    def __init__(self, groups, eps=1e-5):
        if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or groups < 1:
            raise TypeError('group_normalization: groups must be a positive int, but got '
                            '{!r}'.format(groups))
        self.groups = int(groups)
        self.eps = eps

    def forward(self, x, gamma, beta):
        if x.ndim < 2:
            raise ValueError('group_normalization needs x of shape (batch, channels, ...), '
                             'but got shape {}'.format(x.shape))
        _check_scale_shift('group_normalization', x, gamma, beta, x.shape[1])
        if x.shape[1] % self.groups:
            raise ValueError(
                'group_normalization: x has {} channels (shape {}), which do not split '
                'into groups={} equal groups; choose groups that divide {}'.format(
                    x.shape[1], x.shape, self.groups, x.shape[1]))
        self.x, self.gamma = x, gamma
        x_hat, _ = self._x_hat(x)
        g, b = self._per_channel(gamma), self._per_channel(beta)
        return (x_hat * g + b).astype(x.dtype, copy=False)

    def _x_hat(self, x):
        # Each (example, group) is one row: its channels and pixels are standardized together.
        grouped = ops.reshape(x, (x.shape[0], self.groups, -1))
        x_hat, inv_std = _standardize(grouped, 2, self.eps)
        return ops.reshape(x_hat, x.shape), inv_std

    def _per_channel(self, p):
        return ops.reshape(p, (1, -1) + (1,) * (self.x.ndim - 2))

    def backward(self, gy):
        x = self.x
        x_hat, inv_std = self._x_hat(x)
        grouped = (x.shape[0], self.groups, -1)
        gx_hat = ops.reshape(gy * self._per_channel(self.gamma), grouped)
        gx = _standardize_grad(gx_hat, ops.reshape(x_hat, grouped), inv_std, 2)
        axes = (0,) + tuple(range(2, x.ndim))
        return (ops.reshape(gx, x.shape), ops.sum(gy * x_hat, axis=axes),
                ops.sum(gy, axis=axes))


def group_normalization(x, groups, gamma, beta, eps=1e-5):
    """Split the channels of ``x`` (batch, channels, ...) into ``groups``
    groups; standardize each group of each example over its channels and
    pixels; then scale and shift each channel by ``gamma`` and ``beta``.

    ``groups=1`` standardizes each example as a whole (a layer normalization
    over all features); ``groups=channels`` each channel of each example on
    its own (instance normalization).

    >>> import numpy as np
    >>> x = np.array([[[1., 3.], [10., 30.]]], 'f')        # 1 example, 2 channels, 2 pixels
    >>> group_normalization(x, 2, np.ones(2, 'f'), np.zeros(2, 'f'), eps=0).data
    array([[[-1.,  1.],
            [-1.,  1.]]], dtype=float32)
    """
    return GroupNormalization(groups, eps).apply((x, gamma, beta))[0]


class BatchRenormalization(FunctionNode):
    double_backprop = True
    label = 'BatchRenormalization'
    chain_rule = ('r · γ / σ · ({gy} - mean({gy}) - x̂ · mean({gy} · x̂)), r, d constant',
                  'sum({gy} · (r · x̂ + d))',
                  'sum({gy})')

    def __init__(self, rmax, dmax, eps, running_mean, running_var, decay, update_statistics):
        if not rmax >= 1 or not dmax >= 0:
            raise ValueError(
                'batch_renormalization: rmax must be at least 1 and dmax at least 0 (r is '
                'clipped to [1/rmax, rmax] and d to [-dmax, dmax]), but got rmax={!r}, '
                'dmax={!r}; rmax=1, dmax=0 is plain batch normalization'.format(rmax, dmax))
        self.rmax, self.dmax, self.eps, self.decay = rmax, dmax, eps, decay
        self.running_mean, self.running_var = running_mean, running_var
        self.update_statistics = update_statistics

    def _shape_of_gamma(self, x):
        return (1,) + self.gamma.shape + (1,) * (x.ndim - 1 - self.gamma.ndim)

    def forward(self, x, gamma, beta):
        axes = self.axes = normalization._axes(x.ndim, gamma.ndim, None)
        if x.ndim <= gamma.ndim:
            raise ValueError('batch_renormalization: x of shape {} has no batch axis for gamma '
                             'of shape {}'.format(x.shape, gamma.shape))
        normalization._check(x, gamma, axes)
        if x.dtype.kind != 'f':
            raise TypeError('batch_renormalization: x must be a float array, but has dtype {}; '
                            'convert it with x.astype(np.float32)'.format(x.dtype))
        for what, a in (('beta', beta), ('running_mean', self.running_mean),
                        ('running_var', self.running_var)):
            if a.shape != gamma.shape:
                raise ValueError('batch_renormalization: {} must have the shape of gamma {}, '
                                 'but has shape {}'.format(what, gamma.shape, a.shape))
        xp = backend.get_array_module(x)
        self.x, self.gamma = x, gamma
        shape = self._shape_of_gamma(x)
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        # How far the batch's statistics are from the running ones, clipped;
        # r = 1, d = 0 is batch normalization. Backward takes both as constants.
        running_sigma = ops.sqrt(self.running_var + self.eps)
        self.r = xp.clip(ops.sqrt(var + self.eps) / running_sigma,
                         1.0 / self.rmax, self.rmax).reshape(shape)
        self.d = xp.clip((mean - self.running_mean) / running_sigma,
                         -self.dmax, self.dmax).reshape(shape)
        x_hat, _ = _standardize(x, axes, self.eps)
        y = (gamma.reshape(shape) * (x_hat * self.r + self.d) + beta.reshape(shape))
        y = y.astype(x.dtype, copy=False)
        if self.update_statistics:
            # The last step, after everything that can fail: the running
            # averages change only for a forward that succeeded.
            m = x.size // gamma.size
            self.running_mean *= self.decay
            self.running_mean += (1 - self.decay) * mean
            self.running_var *= self.decay
            self.running_var += (1 - self.decay) * m / max(m - 1.0, 1.0) * var
        return y

    def backward(self, gy):
        x = self.x
        x_hat, inv_std = _standardize(x, self.axes, self.eps)
        r = self.r.astype(gy.dtype, copy=False)
        d = self.d.astype(gy.dtype, copy=False)
        gamma = ops.reshape(self.gamma, self._shape_of_gamma(x))
        gx = _standardize_grad(gy * gamma * r, x_hat, inv_std, self.axes)
        return (gx, ops.sum(gy * (x_hat * r + d), axis=self.axes),
                ops.sum(gy, axis=self.axes))


def batch_renormalization(x, gamma, beta, rmax, dmax, eps=2e-5, running_mean=None,
                          running_var=None, decay=0.9, update_statistics=False):
    """Batch normalization corrected toward the running statistics.

    The batch is normalized with its own mean ``μ`` and ``σ = sqrt(var + eps)``,
    then ``x̂ · r + d`` is scaled and shifted, with ``r = σ / σ_running`` clipped
    to ``[1/rmax, rmax]`` and ``d = (μ - μ_running) / σ_running`` clipped to
    ``[-dmax, dmax]``. Unclipped, the result is what the running statistics
    would give, so training and test time agree; ``r`` and ``d`` count as
    constants in backward, so the gradient is still batch normalization's
    (times ``r``).

    Args:
        x: input, e.g. (batch, features) or (batch, channels, height, width).
        gamma, beta: scale and shift, one per feature (channel).
        rmax, dmax: how far ``r`` and ``d`` may correct (1 and 0: no correction).
        eps: added to the variances.
        running_mean, running_var: the running statistics (required).
        decay: how slowly they follow the batches.
        update_statistics: update them in place, as batch_normalization does
            (the variance unbiased), when the call succeeds.

    >>> import numpy as np
    >>> x = np.array([[1.], [3.]], 'f')
    >>> mean, var = np.array([2.], 'f'), np.array([4.], 'f')
    >>> y = batch_renormalization(x, np.ones(1, 'f'), np.zeros(1, 'f'), rmax=3, dmax=1,
    ...                           eps=0, running_mean=mean, running_var=var)
    >>> y.data                                 # (x - 2) / 2: the running statistics' answer
    array([[-0.5],
           [ 0.5]], dtype=float32)
    """
    if running_mean is None or running_var is None:
        raise TypeError('batch_renormalization needs running_mean and running_var: r and d '
                        'compare the batch with them (start with zeros and ones)')
    fn = BatchRenormalization(rmax, dmax, eps, running_mean, running_var, decay,
                              update_statistics)
    return fn.apply((x, gamma, beta))[0]


def fixed_batch_renormalization(x, gamma, beta, mean, var, eps=2e-5):
    """Batch renormalization at test time, which is batch normalization with
    the given statistics: :func:`~teachgrad.functions.fixed_batch_normalization`
    (deprecated, as in Chainer; call that instead).

    First-order only: its backward is written on arrays; a backward written with Variables
    is not there yet.

    >>> import warnings
    >>> import numpy as np
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter('always')
    ...     y = fixed_batch_renormalization(np.array([[4.]], 'f'), np.ones(1, 'f'),
    ...                                     np.zeros(1, 'f'), np.ones(1, 'f'),
    ...                                     np.full(1, 9, 'f'), eps=0)
    >>> y.data, w[0].category.__name__
    (array([[1.]], dtype=float32), 'DeprecationWarning')
    """
    warnings.warn('fixed_batch_renormalization is deprecated: call '
                  'F.fixed_batch_normalization(x, gamma, beta, mean, var, eps), which '
                  'computes the same', DeprecationWarning, stacklevel=2)
    return normalization.fixed_batch_normalization(x, gamma, beta, mean, var, eps)
