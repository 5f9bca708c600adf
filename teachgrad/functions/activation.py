"""Activation functions: the nonlinearities between layers.

tanh, sigmoid, relu, leaky_relu, softmax and log_softmax. Several keep their
*output* for backward, because their derivative is easiest to write with it
(``d tanh(x)/dx = 1 - tanh(x)**2``).

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([-1., 2.], dtype=np.float32))
>>> y = relu(x)
>>> y.data
array([0., 2.], dtype=float32)
"""
from teachgrad import backend
from teachgrad.function_node import FunctionNode


class Tanh(FunctionNode):
    label = 'tanh'

    def forward(self, x):
        self.y = y = backend.get_array_module(x).tanh(x)
        return y

    chain_rule = ('(1 - {out}²) · {gy}',)

    def backward(self, gy):
        y = self.y
        return gy * (1 - y * y)


def tanh(x):
    """Elementwise hyperbolic tangent, squashing values into (-1, 1).

    >>> import numpy as np
    >>> tanh(np.array([0.])).data
    array([0.])
    """
    return Tanh().apply((x,))[0]


class Sigmoid(FunctionNode):
    label = 'sigmoid'

    def forward(self, x):
        # 1 / (1 + exp(-x)) overflows for very negative x; this form cannot.
        xp = backend.get_array_module(x)
        self.y = y = xp.tanh(x * 0.5) * 0.5 + 0.5
        return y

    chain_rule = ('{out} · (1 - {out}) · {gy}',)

    def backward(self, gy):
        y = self.y
        return gy * y * (1 - y)


def sigmoid(x):
    """Elementwise logistic sigmoid ``1 / (1 + exp(-x))``, values in (0, 1).

    >>> import numpy as np
    >>> sigmoid(np.array([0.])).data
    array([0.5])
    """
    return Sigmoid().apply((x,))[0]


class ReLU(FunctionNode):
    label = 'relu'

    def forward(self, x):
        self.y = y = backend.get_array_module(x).maximum(x, 0)
        return y

    chain_rule = ('{gy} where {0} > 0, 0 elsewhere',)

    def backward(self, gy):
        return gy * (self.y > 0)            # the slope is 1 where x > 0, else 0


def relu(x):
    """Rectified linear unit: ``max(x, 0)`` elementwise.

    >>> import numpy as np
    >>> relu(np.array([-1., 0., 2.])).data
    array([0., 0., 2.])
    """
    return ReLU().apply((x,))[0]


class LeakyReLU(FunctionNode):

    def __init__(self, slope=0.2):
        self.slope = slope

    @property
    def label(self):
        return 'leaky_relu({:g})'.format(self.slope)

    def forward(self, x):
        xp = backend.get_array_module(x)
        self.negative = negative = x < 0
        return xp.where(negative, x * self.slope, x)

    chain_rule = ('{gy} where {0} > 0, slope · {gy} elsewhere',)

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        return xp.where(self.negative, gy * self.slope, gy)


def leaky_relu(x, slope=0.2):
    """``x`` where ``x >= 0``, ``slope * x`` where ``x < 0``.

    >>> import numpy as np
    >>> leaky_relu(np.array([-1., 2.])).data
    array([-0.2,  2. ])
    """
    return LeakyReLU(slope).apply((x,))[0]


def _check_axis(name, x, axis):
    if not -x.ndim <= axis < x.ndim:
        raise ValueError('{}: axis {} is out of range for an input of shape {}'
                         .format(name, axis, x.shape))


class Softmax(FunctionNode):
    label = 'softmax'

    def __init__(self, axis=1):
        self.axis = axis

    def forward(self, x):
        _check_axis('softmax', x, self.axis)
        xp = backend.get_array_module(x)
        # Subtracting the max changes nothing mathematically but keeps exp
        # from overflowing.
        y = xp.exp(x - x.max(axis=self.axis, keepdims=True))
        y /= y.sum(axis=self.axis, keepdims=True)
        self.y = y
        return y

    chain_rule = ('{out} · ({gy} - sum({out} · {gy}))',)

    def backward(self, gy):
        y = self.y
        gx = y * gy
        gx -= y * gx.sum(axis=self.axis, keepdims=True)
        return gx


def softmax(x, axis=1):
    """Turn scores into probabilities along ``axis``: ``exp(x) / sum(exp(x))``.

    >>> import numpy as np
    >>> softmax(np.array([[0., 0.], [0., np.log(3.)]])).data
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    return Softmax(axis).apply((x,))[0]


def _log_softmax(x, axis):
    xp = backend.get_array_module(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))


class LogSoftmax(FunctionNode):
    label = 'log_softmax'

    def __init__(self, axis=1):
        self.axis = axis

    def forward(self, x):
        _check_axis('log_softmax', x, self.axis)
        self.y = y = _log_softmax(x, self.axis)
        return y

    chain_rule = ('{gy} - softmax({0}) · sum({gy})',)

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        return gy - xp.exp(self.y) * gy.sum(axis=self.axis, keepdims=True)


def log_softmax(x, axis=1):
    """``log(softmax(x))`` computed without overflow or ``log(0)``.

    >>> import numpy as np
    >>> log_softmax(np.array([[0., 1000.]])).data
    array([[-1000.,     0.]])
    """
    return LogSoftmax(axis).apply((x,))[0]
