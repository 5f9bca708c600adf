"""Elementwise math: exp, log, sqrt, square, sin, cos, absolute, clip.

Each function works on every element on its own, so its backward is the
derivative at that element times the incoming gradient (the chain rule, one
element at a time).

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([4., 9.], dtype=np.float32))
>>> y = sqrt(x)
>>> y.grad = np.ones(2, dtype=np.float32)
>>> y.backward()
>>> x.grad        # d sqrt(x)/dx = 1 / (2 sqrt(x))
array([0.25      , 0.16666667], dtype=float32)
"""
from teachgrad import backend
from teachgrad.function_node import FunctionNode


class Exp(FunctionNode):
    label = 'exp'

    def forward(self, x):
        self.y = y = backend.get_array_module(x).exp(x)
        return y

    chain_rule = ('exp({0}) · {gy}',)

    def backward(self, gy):
        return gy * self.y                 # exp is its own derivative


def exp(x):
    """Elementwise ``e ** x``.

    >>> import numpy as np
    >>> exp(np.array([0., 1.])).data
    array([1.        , 2.71828183])
    """
    return Exp().apply((x,))[0]


class Log(FunctionNode):
    label = 'log'

    def forward(self, x):
        self.x = x
        return backend.get_array_module(x).log(x)

    chain_rule = ('{gy} / {0}',)

    def backward(self, gy):
        return gy / self.x


def log(x):
    """Elementwise natural logarithm.

    >>> import numpy as np
    >>> log(np.array([1., np.e])).data
    array([0., 1.])
    """
    return Log().apply((x,))[0]


class Sqrt(FunctionNode):
    label = 'sqrt'

    def forward(self, x):
        self.y = y = backend.get_array_module(x).sqrt(x)
        return y

    chain_rule = ('{gy} / (2 · sqrt({0}))',)

    def backward(self, gy):
        return gy / (self.y * 2)           # d sqrt(x)/dx = 1 / (2 sqrt(x))


def sqrt(x):
    """Elementwise square root.

    >>> import numpy as np
    >>> sqrt(np.array([4., 9.])).data
    array([2., 3.])
    """
    return Sqrt().apply((x,))[0]


class Square(FunctionNode):
    label = 'square'

    def forward(self, x):
        self.x = x
        return x * x

    chain_rule = ('2 · {0} · {gy}',)

    def backward(self, gy):
        return gy * (self.x * 2)


def square(x):
    """Elementwise ``x * x``.

    >>> import numpy as np
    >>> square(np.array([-3., 2.])).data
    array([9., 4.])
    """
    return Square().apply((x,))[0]


class Sin(FunctionNode):
    label = 'sin'

    def forward(self, x):
        self.x = x
        return backend.get_array_module(x).sin(x)

    chain_rule = ('cos({0}) · {gy}',)

    def backward(self, gy):
        return gy * backend.get_array_module(gy).cos(self.x)


def sin(x):
    """Elementwise sine (radians).

    >>> import numpy as np
    >>> sin(np.array([0.])).data
    array([0.])
    """
    return Sin().apply((x,))[0]


class Cos(FunctionNode):
    label = 'cos'

    def forward(self, x):
        self.x = x
        return backend.get_array_module(x).cos(x)

    chain_rule = ('-sin({0}) · {gy}',)

    def backward(self, gy):
        return -gy * backend.get_array_module(gy).sin(self.x)


def cos(x):
    """Elementwise cosine (radians).

    >>> import numpy as np
    >>> cos(np.array([0.])).data
    array([1.])
    """
    return Cos().apply((x,))[0]


class Absolute(FunctionNode):
    label = 'abs'

    def forward(self, x):
        self.x = x
        return abs(x)

    chain_rule = ('sign({0}) · {gy}',)

    def backward(self, gy):
        # The slope is -1 left of zero and +1 right of it; at zero we pick 0.
        return gy * backend.get_array_module(gy).sign(self.x)


def absolute(x):
    """Elementwise ``|x|`` (also ``abs(variable)``).

    >>> import numpy as np
    >>> absolute(np.array([-2., 3.])).data
    array([2., 3.])
    """
    return Absolute().apply((x,))[0]


class Clip(FunctionNode):

    def __init__(self, x_min, x_max):
        if not x_min < x_max:
            raise ValueError('clip: x_min must be less than x_max, but got '
                             'x_min={} and x_max={}'.format(x_min, x_max))
        self.x_min = x_min
        self.x_max = x_max

    @property
    def label(self):
        return 'clip({:g}, {:g})'.format(self.x_min, self.x_max)

    def forward(self, x):
        # Where x was clipped the output does not move with x, so no gradient
        # flows there; a bool mask is all backward needs (1 byte per element).
        self.inside = (self.x_min < x) & (x < self.x_max)
        return backend.get_array_module(x).clip(x, self.x_min, self.x_max)

    chain_rule = ('{gy} where x_min < {0} < x_max, 0 elsewhere',)

    def backward(self, gy):
        return gy * self.inside


def clip(x, x_min, x_max):
    """Limit every element to the interval ``[x_min, x_max]``.

    The gradient is passed through where ``x_min < x < x_max`` and is zero
    where the value was clipped.

    >>> import numpy as np
    >>> clip(np.array([-2., 0.5, 3.]), -1., 1.).data
    array([-1. ,  0.5,  1. ])
    """
    return Clip(x_min, x_max).apply((x,))[0]
