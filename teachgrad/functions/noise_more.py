"""More noise for training: zoneout (some units of a recurrent state keep
their old values), randomized leaky relu, simplified dropconnect (dropout
of weights), and a differentiable sample of a categorical, Gumbel-softmax.

Random numbers come from ``numpy.random`` (``cupy.random`` on the GPU), so
``np.random.seed(0)`` makes a run repeat exactly; with ``config.train``
False the functions here are not random at all.

>>> import numpy as np
>>> import teachgrad
>>> h, x = np.zeros(3, 'f'), np.ones(3, 'f')
>>> with teachgrad.using_config('train', False):
...     zoneout(h, x).data                   # the new state, unchanged
array([1., 1., 1.], dtype=float32)
"""
import numbers

from teachgrad import backend
from teachgrad.configuration import config
from teachgrad.function_node import FunctionNode
from teachgrad.functions.activation import softmax
from teachgrad.functions.array import reshape
from teachgrad.functions.connection import linear
from teachgrad.functions.math import einsum
from teachgrad.variable import Variable, as_variable


class Zoneout(FunctionNode):
    double_backprop = True
    chain_rule = ('{gy} where the old value was kept, 0 elsewhere',
                  '{gy} where the new value was taken, 0 elsewhere')

    def __init__(self, ratio):
        self.ratio = ratio

    @property
    def label(self):
        return 'zoneout({:g})'.format(self.ratio)

    def forward(self, h, x):
        if h.shape != x.shape:
            raise ValueError(
                'zoneout: the old state h {} and the new state x {} must have the same '
                'shape'.format(h.shape, x.shape))
        xp = backend.get_array_module(x)
        # Each unit keeps its old value with probability ratio.
        take_new = xp.random.rand(*x.shape) >= self.ratio
        self.mask_x = take_new.astype(x.dtype)
        self.mask_h = (~take_new).astype(h.dtype)
        return h * self.mask_h + x * self.mask_x

    def backward(self, gy):
        return gy * self.mask_h, gy * self.mask_x


def zoneout(h, x, ratio=.5, **kwargs):
    """Zoneout: each unit of a recurrent state keeps its previous value ``h``
    with probability ``ratio`` and takes the new value ``x`` otherwise, while
    ``config.train`` is True; when not training it returns ``x``.

    Unlike dropout nothing is scaled: a kept unit is an exact copy of its
    old value, and the gradient flows to whichever of ``h`` and ``x`` was used.

    >>> import numpy as np
    >>> np.random.seed(0)
    >>> zoneout(np.zeros(6, 'f'), np.ones(6, 'f'), ratio=0.5).data
    array([1., 1., 1., 1., 0., 1.], dtype=float32)
    """
    if kwargs:
        raise TypeError('zoneout() got unexpected keyword arguments: {}{}'.format(
            ', '.join(sorted(kwargs)), '; instead of train=..., use '
            "teachgrad.using_config('train', ...)" if 'train' in kwargs else ''))
    if not 0.0 <= ratio <= 1.0:
        raise ValueError('zoneout: ratio is the probability to keep the old value, so it '
                         'must be in [0, 1], but got {}'.format(ratio))
    if not config.train:
        return as_variable(x)
    return Zoneout(ratio).apply((h, x))[0]


class RReLU(FunctionNode):
    double_backprop = True
    chain_rule = ('{gy} where {0} >= 0, r · {gy} elsewhere',)

    def __init__(self, lower, upper, r):
        self.lower, self.upper, self.r = lower, upper, r

    @property
    def label(self):
        return 'rrelu({:g}, {:g})'.format(self.lower, self.upper)

    def forward(self, x):
        if x.dtype.kind != 'f':
            raise TypeError('rrelu: x must be floating point, but is {}'.format(x.dtype))
        xp = backend.get_array_module(x)
        if not config.train:
            # Not training: the mean slope, the same for every element.
            self.r = xp.full(x.shape, (self.lower + self.upper) / 2, dtype=x.dtype)
        elif self.r is None:
            self.r = xp.random.uniform(self.lower, self.upper, x.shape).astype(
                x.dtype, copy=False)
        elif self.r.shape != x.shape or self.r.dtype != x.dtype:
            raise ValueError(
                'rrelu: r ({}, {}) must have the shape and dtype of x ({}, {})'.format(
                    self.r.shape, self.r.dtype, x.shape, x.dtype))
        self.slope = xp.where(x >= 0, x.dtype.type(1), self.r)
        return x * self.slope

    def backward(self, gy):
        return gy * self.slope


def rrelu(x, l=1. / 8, u=1. / 3, **kwargs):
    """Randomized leaky relu: ``x`` where ``x >= 0``, ``r * x`` elsewhere,
    with a slope ``r`` drawn uniformly from ``[l, u)`` for each element while
    ``config.train`` is True, and ``r = (l + u) / 2`` otherwise.

    Keyword args: ``r`` gives the slopes (an array shaped like x),
    ``return_r=True`` also returns the slopes used.

    >>> import numpy as np
    >>> import teachgrad
    >>> with teachgrad.using_config('train', False):
    ...     rrelu(np.array([-4., 2.]), l=0.25, u=0.75).data
    array([-2.,  2.])
    """
    r = kwargs.pop('r', None)
    return_r = kwargs.pop('return_r', False)
    if kwargs:
        raise TypeError('rrelu() got unexpected keyword arguments: {}{}'.format(
            ', '.join(sorted(kwargs)), '; instead of train=..., use '
            "teachgrad.using_config('train', ...)" if 'train' in kwargs else ''))
    for name, v in (('l', l), ('u', u)):
        if not 0.0 <= v < 1.0:
            raise ValueError('rrelu: {} must be in [0, 1), but got {}'.format(name, v))
    if not l < u:
        raise ValueError('rrelu: the lower bound l ({}) must be less than the upper bound '
                         'u ({})'.format(l, u))
    if isinstance(r, Variable):
        r = r.data
    f = RReLU(l, u, r)
    y = f.apply((x,))[0]
    return (y, f.r) if return_r else y


def gumbel_softmax(log_pi, tau=0.1, axis=1):
    """A differentiable sample from the categorical distribution with log
    probabilities ``log_pi`` (the Gumbel-softmax trick):
    ``softmax((log_pi + g) / tau, axis)`` with ``g`` Gumbel noise drawn from
    ``numpy.random``.

    A small temperature ``tau`` makes each sample close to one-hot; a large
    one makes it close to uniform. It samples whether or not ``config.train``
    is set, as in Chainer. A 0-d ``log_pi`` gives 1.

    >>> import numpy as np
    >>> np.random.seed(0)
    >>> y = gumbel_softmax(np.log(np.array([[0.1, 0.2, 0.7]], 'f')), tau=0.1)
    >>> y.shape, y.dtype, float(y.data.sum().round(5))
    ((1, 3), dtype('float32'), 1.0)
    """
    if not isinstance(tau, numbers.Real) or tau <= 0:
        raise ValueError('gumbel_softmax: tau is a temperature and must be positive, '
                         'but got {!r}'.format(tau))
    log_pi = as_variable(log_pi)
    xp = backend.get_array_module(log_pi.data)
    if log_pi.ndim < 1:
        return Variable(xp.ones((), log_pi.dtype))
    if not -log_pi.ndim <= axis < log_pi.ndim:
        raise ValueError('gumbel_softmax: axis {} is out of range for log_pi of shape '
                         '{}'.format(axis, log_pi.shape))
    g = xp.random.gumbel(size=log_pi.shape).astype(log_pi.dtype, copy=False)
    return softmax((log_pi + g) / tau, axis=axis)


def simplified_dropconnect(x, W, b=None, ratio=.5, train=True, mask=None,
                           use_batchwise_mask=True):
    """A linear layer whose weights are dropped at random: ``y = x (m * W)ᵀ / (1 -
    ratio) + b`` with a 0/1 mask ``m`` that keeps each weight with probability
    ``1 - ratio``.

    Args:
        x: inputs (batch, in_size); more axes are flattened per example.
        W: weights (out_size, in_size); b: bias (out_size,) or None.
        ratio: the probability to drop a weight, in [0, 1).
        train: drop weights only when this and ``config.train`` are both True;
            otherwise it is :func:`teachgrad.functions.linear`.
        mask: a given 0/1 mask instead of a random one, (batch, out_size,
            in_size) or (out_size, in_size).
        use_batchwise_mask: a mask of its own for each example (default) or
            one for the whole batch.

    >>> import numpy as np
    >>> x, W = np.ones((1, 2), 'f'), np.array([[1., 2.], [3., 4.]], 'f')
    >>> simplified_dropconnect(x, W, ratio=0.5, mask=np.array([[1, 0], [1, 1]])).data
    array([[ 2., 14.]], dtype=float32)
    """
    if not 0.0 <= ratio < 1.0:
        raise ValueError('simplified_dropconnect: ratio must be in [0, 1), but got '
                         '{}'.format(ratio))
    if len(W.shape) != 2 or len(x.shape) < 2:
        raise ValueError(
            'simplified_dropconnect needs x of shape (batch, in_size) and W of shape '
            '(out_size, in_size), but got x {} and W {}'.format(x.shape, W.shape))
    features = 1
    for d in x.shape[1:]:
        features *= d
    if features != W.shape[1]:
        raise ValueError(
            'simplified_dropconnect: x has shape {}, so {} features per example, but W '
            'has shape {}, which expects {}'.format(x.shape, features, W.shape, W.shape[1]))
    if not (train and config.train):
        return linear(x, W, b)
    # linear() checks the rest on the 2-d path; the batchwise path checks here.
    for name, v in (('x', x), ('b', b)):
        if v is not None and v.dtype != W.dtype:
            raise TypeError('simplified_dropconnect: {} is {} but W is {}; convert with '
                            '.astype'.format(name, v.dtype, W.dtype))
    if b is not None and tuple(b.shape) != (W.shape[0],):
        raise ValueError('simplified_dropconnect: b has shape {} but W has shape {}, so b '
                         'needs shape ({},)'.format(b.shape, W.shape, W.shape[0]))
    W = as_variable(W)
    xp = backend.get_array_module(W.data)
    if isinstance(mask, Variable):
        mask = mask.data
    if mask is None:
        shape = ((x.shape[0],) if use_batchwise_mask else ()) + W.shape
        mask = xp.random.rand(*shape) >= ratio
    elif mask.shape not in ((x.shape[0],) + W.shape, W.shape):
        raise ValueError(
            'simplified_dropconnect: mask has shape {} but must be (batch, out_size, '
            'in_size) = {} or (out_size, in_size) = {}'.format(
                mask.shape, (x.shape[0],) + W.shape, W.shape))
    scaled_mask = xp.asarray(mask, dtype=W.dtype) * W.dtype.type(1. / (1 - ratio))
    if scaled_mask.ndim == 2:
        return linear(x, W * scaled_mask, b)
    if len(x.shape) != 2:
        x = reshape(x, (x.shape[0], features))
    y = einsum('ni,noi->no', x, W * scaled_mask)
    return y if b is None else y + b
