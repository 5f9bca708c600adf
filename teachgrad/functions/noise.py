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
from teachgrad.configuration import config
from teachgrad.function_node import FunctionNode
from teachgrad.variable import as_variable


class Dropout(FunctionNode):

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
