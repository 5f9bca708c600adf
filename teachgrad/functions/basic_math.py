"""Arithmetic: ``+ - * / ** @`` and unary minus, each forward beside its backward.

Operations with a Python number or a constant array (``x * 2``, ``1 - x``) get
their own function classes: they keep nothing big alive for backward, and the
graph picture can show the constant in the label (``* 2``, ``**2``).

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([5.], dtype=np.float32))
>>> y = x ** 2 - 2 * x + 1
>>> y.data
array([16.], dtype=float32)
"""
import math
import numbers

import numpy

from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.utils import sum_to
from teachgrad.variable import Variable


def _check_shapes(op, a, b):
    try:
        numpy.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            '{}: shapes {} and {} cannot be broadcast together. Matching '
            'dimensions must be equal or 1 (compare from the right); reshape '
            'one operand, e.g. with F.reshape or F.expand_dims.'.format(
                op, a.shape, b.shape)) from None


def _fmt(c):
    if isinstance(c, numbers.Number) or getattr(c, 'ndim', 1) == 0:
        return '{:g}'.format(float(c)) if not isinstance(c, numbers.Integral) else str(c)
    return 'const{}'.format(tuple(c.shape))


# -- variable (op) variable --------------------------------------------------

class Add(FunctionNode):
    label = '+'
    chain_rule = ('{gy}', '{gy}')
    broadcasts = True

    def forward(self, a, b):
        if a.shape != b.shape:
            _check_shapes('+', a, b)
        return a + b

    def backward(self, gy):
        a, b = self.inputs
        return sum_to(gy, a.shape), sum_to(gy, b.shape)


class Sub(FunctionNode):
    label = '-'
    chain_rule = ('{gy}', '-{gy}')
    broadcasts = True

    def forward(self, a, b):
        if a.shape != b.shape:
            _check_shapes('-', a, b)
        return a - b

    def backward(self, gy):
        a, b = self.inputs
        return sum_to(gy, a.shape), sum_to(-gy, b.shape)


class Mul(FunctionNode):
    label = '*'
    chain_rule = ('{1} · {gy}', '{0} · {gy}')
    broadcasts = True

    def forward(self, a, b):
        if a.shape != b.shape:
            _check_shapes('*', a, b)
        self.a, self.b = a, b          # d(a*b)/da = b, d(a*b)/db = a
        return a * b

    def backward(self, gy):
        a, b = self.inputs
        return sum_to(gy * self.b, a.shape), sum_to(gy * self.a, b.shape)


class Div(FunctionNode):
    label = '/'
    chain_rule = ('{gy} / {1}', '-{0} / {1}² · {gy}')
    broadcasts = True

    def forward(self, a, b):
        if a.shape != b.shape:
            _check_shapes('/', a, b)
        self.a, self.b = a, b
        return a / b

    def backward(self, gy):
        a, b = self.inputs
        ga = gy / self.b
        gb = -ga * self.a / self.b      # d(a/b)/db = -a / b**2
        return sum_to(ga, a.shape), sum_to(gb, b.shape)


class Pow(FunctionNode):
    label = '**'
    chain_rule = ('{1} · {0}^({1} - 1) · {gy}', '{0}^{1} · log {0} · {gy}')
    broadcasts = True

    def forward(self, a, b):
        if a.shape != b.shape:
            _check_shapes('**', a, b)
        self.a, self.b = a, b
        self.y = y = a ** b
        return y

    def backward(self, gy):
        a, b = self.inputs
        xp = backend.get_array_module(gy)
        ga = gy * self.b * self.a ** (self.b - 1)
        gb = gy * self.y * xp.log(xp.where(self.a > 0, self.a, 1))  # log a; 0 where a <= 0
        return sum_to(ga, a.shape), sum_to(gb, b.shape)


class Neg(FunctionNode):
    label = 'neg'
    chain_rule = ('-{gy}',)

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


# -- variable (op) constant --------------------------------------------------

class _Constant(FunctionNode):
    """An operation with a fixed number or array that gets no gradient."""

    def __init__(self, constant):
        self.constant = constant

    def _grad(self, g):
        shape = self.inputs[0].shape
        return g if g.shape == shape else sum_to(g, shape)


class AddConstant(_Constant):
    chain_rule = ('{gy}',)
    @property
    def label(self):
        return '+ ' + _fmt(self.constant)

    def forward(self, x):
        return x + self.constant

    def backward(self, gy):
        return self._grad(gy)


class SubConstant(_Constant):
    chain_rule = ('{gy}',)
    @property
    def label(self):
        return '- ' + _fmt(self.constant)

    def forward(self, x):
        return x - self.constant

    def backward(self, gy):
        return self._grad(gy)


class SubFromConstant(_Constant):
    chain_rule = ('-{gy}',)
    @property
    def label(self):
        return _fmt(self.constant) + ' -'

    def forward(self, x):
        return self.constant - x

    def backward(self, gy):
        return self._grad(-gy)


class MulConstant(_Constant):
    chain_rule = ('{c} · {gy}',)
    @property
    def label(self):
        return '* ' + _fmt(self.constant)

    def forward(self, x):
        return x * self.constant

    def backward(self, gy):
        return self._grad(gy * self.constant)


class DivConstant(_Constant):
    chain_rule = ('{gy} / {c}',)
    @property
    def label(self):
        return '/ ' + _fmt(self.constant)

    def forward(self, x):
        return x / self.constant

    def backward(self, gy):
        return self._grad(gy / self.constant)


class DivFromConstant(_Constant):
    chain_rule = ('-{c} / {0}² · {gy}',)
    @property
    def label(self):
        return _fmt(self.constant) + ' /'

    def forward(self, x):
        self.x = x
        return self.constant / x

    def backward(self, gy):
        return self._grad(-gy * self.constant / (self.x * self.x))


class PowConstant(_Constant):
    """``x ** c``."""

    @property
    def label(self):
        return '**' + _fmt(self.constant)

    def forward(self, x):
        self.x = x
        return x ** self.constant

    @property
    def chain_rule(self):
        c = self.constant
        if isinstance(c, numbers.Number) and c == 2:
            return ('2 · {0} · {gy}',)
        if isinstance(c, numbers.Number):
            return ('{c} · {0}^{c_minus_1} · {gy}',)
        return ('{c} · {0}^(c - 1) · {gy}',)

    def backward(self, gy):
        c = self.constant
        return self._grad(gy * c * self.x ** (c - 1))


class PowFromConstant(_Constant):
    chain_rule = ('{c}^{0} · log {c} · {gy}',)
    """``c ** x``."""

    @property
    def label(self):
        return _fmt(self.constant) + ' **'

    def forward(self, x):
        self.y = y = self.constant ** x
        return y

    def backward(self, gy):
        c = self.constant
        log_c = math.log(c) if isinstance(c, numbers.Number) else backend.get_array_module(c).log(c)
        return self._grad(gy * self.y * log_c)


class MatMul(FunctionNode):
    chain_rule = ('{gy} @ {1}ᵀ', '{0}ᵀ @ {gy}')
    """Matrix product ``a @ b`` of 2-d (or batched n-d) arrays."""
    label = '@'

    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError('@ (matmul) needs arrays with at least 1 dimension, '
                             'got shapes {} and {}'.format(a.shape, b.shape))
        if a.shape[-1] != b.shape[max(b.ndim - 2, 0)]:
            raise ValueError(
                '@ (matmul): shapes {} and {} do not fit: the last dimension of '
                'the left ({}) must equal the {} dimension of the right ({}). '
                'Did you mean to transpose one, e.g. x @ W.T?'.format(
                    a.shape, b.shape, a.shape[-1],
                    'second-to-last' if b.ndim > 1 else 'only',
                    b.shape[max(b.ndim - 2, 0)]))
        self.a, self.b = a, b
        return a @ b

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        a, b = self.a, self.b
        a2 = a[None, :] if a.ndim == 1 else a     # promote vectors to matrices
        b2 = b[:, None] if b.ndim == 1 else b
        gy2 = gy.reshape(gy.shape + (1,)) if b.ndim == 1 else gy
        gy2 = gy2[..., None, :] if a.ndim == 1 else gy2
        ga = gy2 @ xp.swapaxes(b2, -1, -2)
        gb = xp.swapaxes(a2, -1, -2) @ gy2
        ga = sum_to(ga, a2.shape).reshape(a.shape) if ga.shape != a.shape else ga
        gb = sum_to(gb, b2.shape).reshape(b.shape) if gb.shape != b.shape else gb
        return ga, gb


# -- functions and operator binding -------------------------------------------

def _const(c, op, x=None):
    if type(c) is float or type(c) is int or isinstance(c, numbers.Number) or isinstance(c, numpy.generic):
        return c
    if backend.is_array(c):
        # A shape error should name the operator, as it does between Variables.
        x = x._data if isinstance(x, Variable) else x
        if x is not None and c.shape != x.shape:
            _check_shapes(op, x, c)
        return c
    raise TypeError(
        "unsupported operand for {}: Variable and {}. Use a Variable, a numpy "
        "array or a Python number.".format(op, type(c).__name__))


def add(a, b):
    """``a + b`` with broadcasting. ``F.add(x, y)`` is the same as ``x + y``.

    >>> import numpy as np
    >>> add(np.array([1., 2.], 'f'), np.array([10.], 'f')).data
    array([11., 12.], dtype=float32)
    """
    if isinstance(b, Variable):
        return Add().apply((a, b))[0]
    return AddConstant(_const(b, '+', a)).apply((a,))[0]


def sub(a, b):
    """``a - b`` with broadcasting.

    >>> import numpy as np
    >>> sub(np.array([5., 7.], 'f'), 2).data
    array([3., 5.], dtype=float32)
    """
    if isinstance(b, Variable):
        return Sub().apply((a, b))[0]
    return SubConstant(_const(b, '-', a)).apply((a,))[0]


def rsub(a, b):
    """``b - a`` where only ``a`` is a Variable."""
    if isinstance(b, Variable):
        return Sub().apply((b, a))[0]
    return SubFromConstant(_const(b, '-', a)).apply((a,))[0]


def mul(a, b):
    """``a * b`` (elementwise) with broadcasting.

    >>> import numpy as np
    >>> mul(np.array([[1.], [2.]], 'f'), np.array([1., 10.], 'f')).data
    array([[ 1., 10.],
           [ 2., 20.]], dtype=float32)
    """
    if isinstance(b, Variable):
        return Mul().apply((a, b))[0]
    return MulConstant(_const(b, '*', a)).apply((a,))[0]


def div(a, b):
    """``a / b`` (elementwise) with broadcasting.

    >>> import numpy as np
    >>> div(np.array([3., 8.], 'f'), 2).data
    array([1.5, 4. ], dtype=float32)
    """
    if isinstance(b, Variable):
        return Div().apply((a, b))[0]
    return DivConstant(_const(b, '/', a)).apply((a,))[0]


def rdiv(a, b):
    """``b / a`` where only ``a`` is a Variable."""
    if isinstance(b, Variable):
        return Div().apply((b, a))[0]
    return DivFromConstant(_const(b, '/', a)).apply((a,))[0]


def pow(a, b):
    """``a ** b``.

    >>> import numpy as np
    >>> pow(np.array([3.], 'f'), 2).data
    array([9.], dtype=float32)
    """
    if isinstance(b, Variable):
        return Pow().apply((a, b))[0]
    return PowConstant(_const(b, '**', a)).apply((a,))[0]


def rpow(a, b):
    """``b ** a`` where only ``a`` is a Variable."""
    if isinstance(b, Variable):
        return Pow().apply((b, a))[0]
    return PowFromConstant(_const(b, '**', a)).apply((a,))[0]


def neg(x):
    """``-x``.

    >>> import numpy as np
    >>> neg(np.array([1., -2.], 'f')).data
    array([-1.,  2.], dtype=float32)
    """
    return Neg().apply((x,))[0]


def matmul(a, b, transa=False, transb=False):
    """Matrix product ``a @ b``; ``transa``/``transb`` swap the last two axes first.

    >>> import numpy as np
    >>> matmul(np.eye(2, dtype='f'), np.ones((2, 1), dtype='f')).data
    array([[1.],
           [1.]], dtype=float32)
    >>> matmul(np.ones((2, 1), dtype='f'), np.ones((2, 1), dtype='f'), transa=True).data
    array([[2.]], dtype=float32)
    """
    from teachgrad.functions.array import swapaxes
    if transa:
        a = swapaxes(a, -1, -2)
    if transb:
        b = swapaxes(b, -1, -2)
    return MatMul().apply((a, b))[0]


def rmatmul(a, b):
    return MatMul().apply((b, a))[0]


def _absolute(x):
    from teachgrad.functions import absolute
    return absolute(x)


def install_variable_arithmetics():
    """Bind the operators to Variable (done once, on import)."""
    Variable.__neg__ = neg
    Variable.__abs__ = _absolute
    Variable.__add__ = Variable.__radd__ = add
    Variable.__sub__ = sub
    Variable.__rsub__ = rsub
    Variable.__mul__ = Variable.__rmul__ = mul
    Variable.__truediv__ = div
    Variable.__rtruediv__ = rdiv
    Variable.__pow__ = pow
    Variable.__rpow__ = rpow
    Variable.__matmul__ = matmul
    Variable.__rmatmul__ = rmatmul
