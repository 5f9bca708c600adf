"""Layer and group normalization layers: a learned scale ``gamma`` and shift
``beta`` around :func:`~teachgrad.functions.layer_normalization` and
:func:`~teachgrad.functions.group_normalization`; and BatchRenormalization,
a BatchNormalization that corrects each batch toward its running statistics.

Give no size and the parameters are made on the first call, from the input's
shape; a first call that fails leaves them unmade (see ``links/_lazy.py``).

>>> import numpy as np
>>> ln = LayerNormalization()
>>> ln.gamma
variable gamma(None)
>>> ln(np.array([[1., 2., 3.]], 'f')).shape, ln.gamma.shape
((1, 3), (3,))
"""
import numbers

from teachgrad import initializers
from teachgrad.configuration import config
from teachgrad.functions.normalization import fixed_batch_normalization
from teachgrad.functions.normalization_more import (
    batch_renormalization, group_normalization, layer_normalization)
from teachgrad.link import Link
from teachgrad.links import _lazy
from teachgrad.links.batch_normalization import BatchNormalization
from teachgrad.variable import Parameter


def _check_size(name, size):
    if size is not None and (isinstance(size, bool) or not isinstance(size, numbers.Integral)
                             or size < 1):
        raise ValueError('{}: size must be a positive int or None (decided on the first '
                         'call), but got {!r}'.format(name, size))


class _ScaleShift(Link):
    """The gamma/beta pair both layers learn, made now or on the first call."""

    def __init__(self, size, initial_gamma, initial_beta):
        super().__init__()
        _check_size(type(self).__name__, size)
        with self.init_scope():
            self.gamma = Parameter(initializers._get_initializer(
                1 if initial_gamma is None else initial_gamma))
            self.beta = Parameter(initializers._get_initializer(
                0 if initial_beta is None else initial_beta))
        if size is not None:
            self._initialize_params(size)

    def _initialize_params(self, size):
        for p in (self.gamma, self.beta):
            p.initialize((size,))
            if not self._cpu:
                p.to_gpu(self._device_id)

    @property
    def size(self):
        """Features normalized (None until the first call makes gamma)."""
        return None if self.gamma.data is None else self.gamma.shape[0]

    def _call(self, size_of, apply, x):
        if self.gamma.data is not None:
            return apply(x)
        size = size_of(x)
        return _lazy.first_call([self.gamma, self.beta],
                                lambda: self._initialize_params(size), lambda: apply(x))


class LayerNormalization(_ScaleShift):
    """Layer normalization of (batch, units) inputs, with a learned scale and shift.

    Args:
        size: units per example; None to take it from the first input.
        eps: added to the variance.
        initial_gamma, initial_beta: initializers, arrays or numbers
            (defaults 1 and 0).

    >>> import numpy as np
    >>> LayerNormalization(3)(np.array([[0., 1., 2.]], 'f')).data.round(3)
    array([[-1.225,  0.   ,  1.225]], dtype=float32)
    """

    def __init__(self, size=None, eps=1e-6, initial_gamma=None, initial_beta=None):
        super().__init__(size, initial_gamma, initial_beta)
        self.eps = eps

    @property
    def printable_specs(self):
        yield 'size', self.size
        yield 'eps', self.eps

    def forward(self, x):
        def size_of(x):
            if len(x.shape) < 2:
                raise ValueError('LayerNormalization needs x of shape (batch, units), but '
                                 'got shape {}'.format(x.shape))
            n = 1
            for s in x.shape[1:]:
                n *= s
            return n
        return self._call(size_of,
                          lambda x: layer_normalization(x, self.gamma, self.beta, self.eps), x)


class GroupNormalization(_ScaleShift):
    """Group normalization of (batch, channels, ...) inputs, with a learned
    scale and shift per channel.

    Args:
        groups: how many groups the channels are split into.
        size: channels; None to take them from the first input.
        eps: added to the variance.
        initial_gamma, initial_beta: initializers, arrays or numbers
            (defaults 1 and 0).

    >>> import numpy as np
    >>> gn = GroupNormalization(2)
    >>> gn(np.arange(8, dtype=np.float32).reshape(1, 4, 2)).shape, gn.gamma.shape
    ((1, 4, 2), (4,))
    """

    def __init__(self, groups, size=None, eps=1e-5, initial_gamma=None, initial_beta=None):
        if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or groups < 1:
            raise TypeError('GroupNormalization: groups must be a positive int, but got '
                            '{!r}'.format(groups))
        super().__init__(size, initial_gamma, initial_beta)
        self.groups = int(groups)
        self.eps = eps

    @property
    def printable_specs(self):
        yield 'groups', self.groups
        yield 'size', self.size
        yield 'eps', self.eps

    def forward(self, x):
        def size_of(x):
            if len(x.shape) < 2:
                raise ValueError('GroupNormalization needs x of shape (batch, channels, '
                                 '...), but got shape {}'.format(x.shape))
            return x.shape[1]
        return self._call(
            size_of,
            lambda x: group_normalization(x, self.groups, self.gamma, self.beta, self.eps), x)


class BatchRenormalization(BatchNormalization):
    """Batch renormalization layer: in training
    :func:`~teachgrad.functions.batch_renormalization` with the running
    averages ``avg_mean`` and ``avg_var`` (updated when a call succeeds); at
    test time batch normalization with those averages, as BatchNormalization.

    Args:
        size: number of features (channels), an int or a shape.
        rmax, dmax: how far the batch may be corrected toward the running
            statistics (1 and 0, the defaults: it is BatchNormalization).
        decay, eps, dtype, use_gamma, use_beta, initial_gamma, initial_beta,
        initial_avg_mean, initial_avg_var: as in BatchNormalization.

    >>> import numpy as np
    >>> brn = BatchRenormalization(1, rmax=3, dmax=1, initial_avg_mean=2.,
    ...                            initial_avg_var=4., eps=0)
    >>> brn(np.array([[1.], [3.]], 'f')).data            # (x - 2) / 2
    array([[-0.5],
           [ 0.5]], dtype=float32)
    >>> brn.avg_mean, brn.avg_var                         # 0.9 * 4 + 0.1 * 2
    (array([2.], dtype=float32), array([3.8], dtype=float32))
    """

    def __init__(self, size, rmax=1, dmax=0, decay=0.9, eps=2e-5, dtype=None, use_gamma=True,
                 use_beta=True, initial_gamma=None, initial_beta=None, initial_avg_mean=None,
                 initial_avg_var=None):
        if not rmax >= 1 or not dmax >= 0:
            raise ValueError('BatchRenormalization: rmax must be at least 1 and dmax at '
                             'least 0, but got rmax={!r}, dmax={!r}'.format(rmax, dmax))
        super().__init__(size, decay, eps, dtype, use_gamma, use_beta, initial_gamma,
                         initial_beta, initial_avg_mean=initial_avg_mean,
                         initial_avg_var=initial_avg_var)
        self.rmax = rmax
        self.dmax = dmax

    @property
    def printable_specs(self):
        yield from super().printable_specs
        yield 'rmax', self.rmax
        yield 'dmax', self.dmax

    def _normalize(self, x, finetune):
        xp = self.xp
        gamma = self.gamma if self.gamma is not None else xp.ones_like(self.avg_mean)
        beta = self.beta if self.beta is not None else xp.zeros_like(self.avg_mean)
        if not config.train:
            return fixed_batch_normalization(x, gamma, beta, self.avg_mean, self.avg_var,
                                             eps=self.eps)
        n = self.N + 1 if finetune else self.N
        decay = 1.0 - 1.0 / n if finetune else self.decay
        y = batch_renormalization(x, gamma, beta, self.rmax, self.dmax, self.eps,
                                  self.avg_mean, self.avg_var, decay, update_statistics=True)
        self.N = n          # counted only once the call has succeeded
        return y
