"""Activation links: nonlinearities that learn (PReLU, Swish) or hold a layer (Maxout).

>>> import numpy as np
>>> a = PReLU()
>>> a.W
variable W(0.25)
>>> a(np.array([[-2., 4.]], dtype=np.float32)).data
array([[-0.5,  4. ]], dtype=float32)
"""
from teachgrad import functions as F
from teachgrad import initializers
from teachgrad.link import Chain, Link
from teachgrad.links.linear import Linear
from teachgrad.variable import Parameter


class PReLU(Link):
    """Parametric relu with a learned slope ``W`` for negative inputs.

    Args:
        shape: shape of W: () for one slope shared by everything, (C,) for one
            per channel (the axis after the batch axis), and so on.
        init: the slopes' starting value.

    >>> import numpy as np
    >>> a = PReLU((2,), init=0.5)
    >>> a(np.array([[-2., -2.]], dtype=np.float32)).data
    array([[-1., -1.]], dtype=float32)
    """

    def __init__(self, shape=(), init=0.25):
        super().__init__()
        with self.init_scope():
            self.W = Parameter(init, shape)

    def forward(self, x):
        return F.prelu(x, self.W)


class Swish(Link):
    """Swish, ``x * sigmoid(beta * x)``, with a learned ``beta``.

    Args:
        beta_shape: shape of beta, normally ``x.shape[1:]``; None decides it
            on the first call.
        beta_init: beta's starting value.

    >>> import numpy as np
    >>> s = Swish(None)
    >>> s.beta
    variable beta(None)
    >>> s(np.zeros((2, 3), np.float32)).shape, s.beta.shape
    ((2, 3), (3,))
    """

    def __init__(self, beta_shape, beta_init=1.0):
        super().__init__()
        with self.init_scope():
            self.beta = Parameter(initializers.Constant(beta_init), beta_shape)

    def forward(self, x):
        if self.beta.data is None:
            self.beta.initialize(x.shape[1:])
            if not self._cpu:
                self.beta.to_gpu(self._device_id)
        return F.swish(x, self.beta)


class Maxout(Chain):
    """Fully-connected maxout layer: ``out_size`` maxima over groups of ``pool_size`` units.

    It holds one :class:`~teachgrad.links.Linear` (``self.linear``) with
    ``out_size * pool_size`` outputs and applies :func:`F.maxout
    <teachgrad.functions.maxout>` to them.

    Args:
        in_size: features per input example (None: decided on the first call).
        out_size: features per output example.
        pool_size: units per group.
        initialW: initializer for the linear W, or an array of shape
            (out_size, pool_size, in_size).
        initial_bias: initializer for the bias, an array of shape
            (out_size, pool_size), or None for no bias.

    >>> import numpy as np
    >>> m = Maxout(3, 2, 4)
    >>> m.linear.W.shape
    (8, 3)
    >>> m(np.ones((5, 3), dtype=np.float32)).shape
    (5, 2)
    """

    def __init__(self, in_size, out_size, pool_size, initialW=None, initial_bias=0):
        super().__init__()
        units = out_size * pool_size
        initialW = _per_group(initialW, 3, out_size, pool_size, 'initialW',
                              '(out_size, pool_size, in_size)')
        initial_bias = _per_group(initial_bias, 2, out_size, pool_size, 'initial_bias',
                                  '(out_size, pool_size)')
        with self.init_scope():
            self.linear = Linear(in_size, units, nobias=initial_bias is None,
                                 initialW=initialW, initial_bias=initial_bias)
        self.out_size = out_size
        self.pool_size = pool_size

    @property
    def printable_specs(self):
        yield 'in_size', self.linear.in_size
        yield 'out_size', self.out_size
        yield 'pool_size', self.pool_size

    def forward(self, x):
        return F.maxout(self.linear(x), self.pool_size)


def _per_group(init, ndim, out_size, pool_size, name, expected):
    """An array or function given per group, made to fit the Linear's flat W or b.

    Numbers and initializer objects fill any shape and pass unchanged; a
    plain function is shown the array in its per-group shape.
    """
    if getattr(init, 'ndim', None) is not None:
        if init.ndim != ndim:
            raise ValueError('Maxout: {} must have shape {}, but has shape {}'.format(
                name, expected, init.shape))
        return init.reshape((out_size * pool_size,) + init.shape[2:])
    if callable(init) and not isinstance(init, initializers.Initializer):
        fill = init

        def init(array):
            # The view shares the array's memory, so filling it fills the array.
            fill(array.reshape((out_size, pool_size) + array.shape[1:]))
    return init
