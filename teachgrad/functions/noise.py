"""Noise: randomness that helps training generalize (dropout).

Random numbers come from ``numpy.random`` (``cupy.random`` on the GPU), so
``np.random.seed(0)`` makes a run repeat exactly.

>>> import numpy as np
>>> import teachgrad
>>> x = np.ones((2, 4), dtype=np.float32)
>>> with teachgrad.using_config('train', False):
...     dropout(x).data                      # off when not training
array([[1., 1., 1., 1.],
       [1., 1., 1., 1.]], dtype=float32)
"""
from teachgrad import backend
from teachgrad.functions import _ufuncs
from teachgrad.configuration import config
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops
from teachgrad.variable import as_variable


class Dropout(FunctionNode):
    double_backprop = True

    def __init__(self, ratio, mask=None):
        if not 0.0 <= ratio < 1.0:
            raise ValueError('dropout: ratio must be in [0, 1), but got {}'.format(ratio))
        self.ratio = ratio
        self.mask = mask

    @property
    def label(self):
        return 'dropout({:g})'.format(self.ratio)

    def forward(self, x):
        if self.mask is None:
            # Keep each element with probability 1 - ratio and scale it up, so
            # the expected value of the output equals x.
            xp = backend.get_array_module(x)
            scale = x.dtype.type(1.0 / (1 - self.ratio))
            self.mask = scale * (xp.random.rand(*x.shape) >= self.ratio)
        return x * self.mask

    chain_rule = ('{gy} · mask / (1 - ratio), 0 where dropped',)

    def backward(self, gy):
        return gy * self.mask


def dropout(x, ratio=.5, **kwargs):
    """Set each element to zero with probability ``ratio`` (and scale the rest
    by ``1 / (1 - ratio)``) while ``config.train`` is True; otherwise return
    ``x`` unchanged.

    Keyword args (as in Chainer): ``mask`` reuses a mask (an array of 0 and
    ``1 / (1 - ratio)``), ``return_mask=True`` also returns the mask used.

    >>> import numpy as np
    >>> np.random.seed(0)
    >>> dropout(np.ones(6, dtype=np.float32), ratio=0.5).data
    array([2., 2., 2., 2., 0., 2.], dtype=float32)
    """
    mask = kwargs.pop('mask', None)
    return_mask = kwargs.pop('return_mask', False)
    if kwargs:
        raise TypeError('dropout() got unexpected keyword arguments: {}'.format(
            ', '.join(sorted(kwargs))))
    if not config.train:
        y = as_variable(x)
        return (y, None) if return_mask else y
    f = Dropout(ratio, mask)
    y = f.apply((x,))[0]
    return (y, f.mask) if return_mask else y


class Gaussian(FunctionNode):
    double_backprop = True
    label = 'gaussian'
    chain_rule = 'gmean = gy, gln_var = gy · exp(ln_var / 2) · eps / 2'

    def __init__(self, eps=None):
        self.eps = eps          # None: drawn on the first call, then kept

    def forward(self, mean, ln_var):
        if mean.shape != ln_var.shape or mean.dtype != ln_var.dtype:
            raise ValueError(
                'gaussian: mean ({}, {}) and ln_var ({}, {}) must have the same shape '
                'and dtype'.format(mean.shape, mean.dtype, ln_var.shape, ln_var.dtype))
        xp = backend.get_array_module(mean)
        if self.eps is None:
            self.eps = xp.random.standard_normal(mean.shape).astype(mean.dtype, copy=False)
        elif self.eps.shape != mean.shape:
            raise ValueError('gaussian: eps has shape {} but mean has shape {}'.format(
                self.eps.shape, mean.shape))
        # The reparametrization trick: mean + sigma * eps, with eps ~ N(0, 1),
        # so the sample moves smoothly with mean and ln_var.
        self.ln_var = ln_var
        return mean + _ufuncs.exp(ln_var * 0.5) * self.eps

    def backward(self, gy):
        # eps is a constant; the noise is computed again from ln_var so that a
        # double backprop sees it as a function of ln_var.
        noise = ops.exp(self.ln_var * 0.5) * self.eps
        return gy, gy * noise * 0.5


def gaussian(mean, ln_var, eps=None, return_eps=False):
    """A sample of ``N(mean, exp(ln_var))``: ``mean + exp(ln_var / 2) * eps``.

    ``eps`` is drawn from ``N(0, 1)`` with ``numpy.random`` unless given;
    ``return_eps=True`` also returns it. Gradients flow to ``mean`` and
    ``ln_var`` (the reparametrization trick of variational autoencoders).

    >>> import numpy as np
    >>> gaussian(np.zeros(2), np.log(np.full(2, 4.)), eps=np.array([0.5, -1.])).data
    array([ 1., -2.])
    """
    f = Gaussian(eps)
    y = f.apply((mean, ln_var))[0]
    return (y, f.eps) if return_eps else y
