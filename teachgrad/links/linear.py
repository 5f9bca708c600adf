"""Linear: the fully-connected layer, ``y = x @ W.T + b``.

W has shape (out_size, in_size) and starts as LeCunNormal samples (standard
deviation √(1/in_size), drawn from ``numpy.random``); b starts at zero. Give
only the output size, ``Linear(out_size)``, and W is created on the first
call, when the input shows how many features it has.

>>> import numpy as np
>>> f = Linear(2)
>>> f.W
variable W(None)
>>> y = f(np.ones((1, 3), dtype=np.float32))
>>> f.W.shape
(2, 3)
"""
from teachgrad import functions as F
from teachgrad import initializers
from teachgrad.link import Link
from teachgrad.links import _lazy
from teachgrad.variable import Parameter


class Linear(Link):
    """Fully-connected layer.

    Args:
        in_size: features per input example; None (or give only one size)
            to decide on the first call.
        out_size: features per output example.
        nobias: no bias term when True.
        initialW: initializer, array or number for W (default LeCunNormal).
        initial_bias: initializer, array or number for b (default 0).

    >>> import numpy as np
    >>> f = Linear(3, 2, initialW=np.ones((2, 3), dtype=np.float32))
    >>> f(np.array([[1., 2., 3.]], dtype=np.float32)).data
    array([[6., 6.]], dtype=float32)
    """

    def __init__(self, in_size, out_size=None, nobias=False, initialW=None,
                 initial_bias=None, *, n_batch_axes=1):
        super().__init__()
        if out_size is None:
            in_size, out_size = None, in_size
        _check_size('out_size', out_size)
        if in_size is not None:
            _check_size('in_size', in_size)
        self.out_size = out_size
        self._in_size = in_size
        self.n_batch_axes = n_batch_axes
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if in_size is not None:
                self._initialize_params(in_size)
            if nobias:
                self.b = None
            else:
                bias = initializers._get_initializer(0 if initial_bias is None else initial_bias)
                self.b = Parameter(bias, out_size)

    @property
    def in_size(self):
        """Input features (None until a lazy W is created)."""
        return self.W.shape[1] if self.W.data is not None else self._in_size

    def _initialize_params(self, in_size):
        self.W.initialize((self.out_size, in_size))
        if not self._cpu:
            self.W.to_gpu(self._device_id)

    @property
    def printable_specs(self):
        yield 'in_size', self.in_size
        yield 'out_size', self.out_size
        yield 'nobias', self.b is None

    def forward(self, x, n_batch_axes=None):
        n_batch_axes = self.n_batch_axes if n_batch_axes is None else n_batch_axes
        if self.W.data is not None:
            return F.linear(x, self.W, self.b, n_batch_axes=n_batch_axes)
        shape = x.shape
        if len(shape) <= n_batch_axes:
            axes = '(batch, features)' if n_batch_axes == 1 else \
                '{} batch axes, then the features'.format(n_batch_axes)
            raise ValueError(
                'Linear got an input of shape {}, but it needs a batch: {}. For one '
                'example of {} features write x[None] or x.reshape(1, -1).'.format(
                    shape, axes, shape[-1] if shape else 1))
        in_size = 1
        for s in shape[n_batch_axes:]:
            in_size *= s
        _check_size('the number of input features', in_size)
        return _lazy.first_call(
            [self.W], lambda: self._initialize_params(in_size),
            lambda: F.linear(x, self.W, self.b, n_batch_axes=n_batch_axes))


def _check_size(what, size):
    import numbers
    if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
        raise ValueError(
            'Linear: {} must be a positive whole number, but got {!r}. Write '
            'L.Linear(in_size, out_size), e.g. L.Linear(784, 10), or L.Linear(out_size) '
            'to take in_size from the first input.'.format(what, size))
