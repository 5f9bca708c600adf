"""BatchNormalization: normalize each feature over the batch, then scale and shift.

In training (``teachgrad.config.train`` True) it uses the batch's mean and
variance and updates the running averages ``avg_mean`` and ``avg_var``
(persistent values: saved with the model, not trained); at test time
(``with teachgrad.using_config('train', False):``) it uses those averages.

>>> import numpy as np
>>> bn = BatchNormalization(2)
>>> y = bn(np.array([[1., 10.], [3., 30.]], dtype=np.float32))
>>> np.round(y.data, 3)
array([[-1., -1.],
       [ 1.,  1.]], dtype=float32)
>>> bn.avg_mean
array([0.2, 2. ], dtype=float32)
"""
import numpy

from teachgrad import initializers
from teachgrad.configuration import config
from teachgrad.functions.normalization import batch_normalization, fixed_batch_normalization
from teachgrad.link import Link
from teachgrad.links import _lazy
from teachgrad.variable import Parameter


class BatchNormalization(Link):
    """Batch normalization layer.

    Args:
        size: number of features (channels), an int or a shape; None to
            decide on the first call.
        decay: weight of the old running average in each update.
        eps: added to the variance.
        dtype: dtype of the parameters and averages (default float32).
        use_gamma, use_beta: learn a scale / a shift.
        initial_gamma, initial_beta: their initializers (defaults 1 and 0).
        axis: axes to average over (default: batch and spatial axes).
        initial_avg_mean, initial_avg_var: starting running averages.
    """
    gamma = None
    beta = None

    def __init__(self, size=None, decay=0.9, eps=2e-5, dtype=None, use_gamma=True,
                 use_beta=True, initial_gamma=None, initial_beta=None, axis=None,
                 initial_avg_mean=None, initial_avg_var=None):
        super().__init__()
        self.decay = decay
        self.eps = eps
        self.axis = (axis,) if isinstance(axis, int) else axis
        self._dtype = numpy.dtype(config.dtype if dtype is None else dtype)
        self._initial_avg_mean = initial_avg_mean
        self._initial_avg_var = initial_avg_var
        for name, value in (('avg_mean', None), ('avg_var', None), ('N', 0)):
            self.add_persistent(name, value)
        with self.init_scope():
            if use_gamma:
                self.gamma = Parameter(initializers._get_initializer(
                    1 if initial_gamma is None else initial_gamma))
            if use_beta:
                self.beta = Parameter(initializers._get_initializer(
                    0 if initial_beta is None else initial_beta))
        if size is not None:
            self._initialize_params(size)

    def _feature_shape(self, x):
        # The axes not averaged over: (C,) by default; with axis=0 every axis
        # but the batch, e.g. (C, H, W).
        if self.axis is None:
            return x.shape[1:2]
        axes = [a % x.ndim for a in self.axis]
        return tuple(d for i, d in enumerate(x.shape) if i not in axes)

    def _initialize_params(self, shape):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        xp = self.xp
        mean, var = self._initial_avg_mean, self._initial_avg_var
        self.avg_mean = initializers.generate_array(
            0 if mean is None else mean, shape, xp, dtype=self._dtype)
        self.avg_var = initializers.generate_array(
            1 if var is None else var, shape, xp, dtype=self._dtype)
        for param in (self.gamma, self.beta):
            if param is not None and param.data is None:
                param.data = initializers.generate_array(
                    param.initializer, shape, xp, dtype=self._dtype)

    @property
    def printable_specs(self):
        yield 'size', None if self.avg_mean is None else self.avg_mean.shape[0]
        yield 'decay', self.decay
        yield 'eps', self.eps

    def forward(self, x, finetune=False):
        """Normalize ``x``; with ``finetune=True`` the running averages become
        plain averages over all batches seen so far."""
        if self.avg_mean is None:
            return self._first_call(x, finetune)
        return self._normalize(x, finetune)

    def _first_call(self, x, finetune):
        # The statistics and gamma/beta take their shape from the first input;
        # if that call fails they go back to unbuilt, so a correct call after
        # it still works (see links/_lazy.py).
        params = [p for p in (self.gamma, self.beta) if p is not None and p.data is None]
        n = self.N
        try:
            return _lazy.first_call(params, lambda: self._initialize_params(self._feature_shape(x)),
                                    lambda: self._normalize(x, finetune))
        except BaseException:
            self.avg_mean = self.avg_var = None
            self.N = n
            raise

    def _normalize(self, x, finetune):
        xp = self.xp
        gamma = self.gamma if self.gamma is not None else xp.ones_like(self.avg_mean)
        beta = self.beta if self.beta is not None else xp.zeros_like(self.avg_mean)
        if config.train:
            if finetune:
                self.N += 1
                decay = 1.0 - 1.0 / self.N
            else:
                decay = self.decay
            return batch_normalization(x, gamma, beta, eps=self.eps,
                                       running_mean=self.avg_mean,
                                       running_var=self.avg_var, decay=decay,
                                       axis=self.axis)
        return fixed_batch_normalization(x, gamma, beta, self.avg_mean, self.avg_var,
                                         eps=self.eps, axis=self.axis)

    def start_finetuning(self):
        """Reset the count used by ``finetune=True``."""
        self.N = 0
