"""More noise for training: zoneout, which keeps some units of a recurrent
state at their old values.

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
from teachgrad import backend
from teachgrad.configuration import config
from teachgrad.function_node import FunctionNode
from teachgrad.variable import as_variable


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
