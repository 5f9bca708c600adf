"""Arithmetic: ``+ - * / **`` and unary minus, each forward beside its backward.

Every grad is summed back to its input's shape (``sum_to``): broadcasting
copied the input, so each copy's grad counts. With a number or a constant
array on one side (``x * 2``, ``1 - x``) the operation is one of the classes
in ``constant_math.py``; ``@`` lives in ``matmul.py``.

>>> import numpy as np
>>> (Variable(np.array([5.], dtype=np.float32)) ** 2 - 1).data
array([24.], dtype=float32)
"""
from teachgrad import backend
from teachgrad import checks
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops
from teachgrad.functions.constant_math import (  # NOQA: F401
    AddConstant, DivConstant, DivFromConstant, MulConstant, PowConstant, PowFromConstant,
    SubConstant, SubFromConstant)
from teachgrad.functions.matmul import MatMul, matmul, rmatmul  # NOQA: F401
from teachgrad.utils import sum_to
from teachgrad.variable import Variable


class _Binary(FunctionNode):
    """An elementwise operation of two arrays, which numpy broadcasts."""
    broadcasts = True
    double_backprop = True      # each backward works on Variables too (double_backprop.py)

    def _check(self, a, b):
        if a.shape != b.shape:
            checks.check_broadcast(self.label, a, b)


class Add(_Binary):
    label = '+'
    chain_rule = ('{gy}', '{gy}')

    def forward(self, a, b):
        self._check(a, b)
        return a + b

    def backward(self, gy):
        a, b = self.inputs
        return sum_to(gy, a.shape), sum_to(gy, b.shape)


class Sub(_Binary):
    label = '-'
    chain_rule = ('{gy}', '-{gy}')

    def forward(self, a, b):
        self._check(a, b)
        return a - b

    def backward(self, gy):
        a, b = self.inputs
        return sum_to(gy, a.shape), sum_to(-gy, b.shape)


class Mul(_Binary):
    label = '*'
    chain_rule = ('{1} · {gy}', '{0} · {gy}')

    def forward(self, a, b):
        self._check(a, b)
        self.a, self.b = a, b
        return a * b

    def backward(self, gy):
        a, b = self.inputs
        return sum_to(gy * self.b, a.shape), sum_to(gy * self.a, b.shape)


class Div(_Binary):
    label = '/'
    chain_rule = ('{gy} / {1}', '-{0} / {1}² · {gy}')

    def forward(self, a, b):
        self._check(a, b)
        self.a, self.b = a, b
        return a / b

    def backward(self, gy):
        a, b = self.inputs
        ga = gy / self.b
        return sum_to(ga, a.shape), sum_to(-ga * self.a / self.b, b.shape)


class Pow(_Binary):
    label = '**'
    chain_rule = ('{1} · {0}^({1} - 1) · {gy}', '{0}^{1} · log {0} · {gy}')

    def forward(self, a, b):
        self._check(a, b)
        self.a, self.b = a, b
        self.y = ops.power(a, b)
        return self.y

    def backward(self, gy):
        a, b = self.inputs
        ga = gy * self.b * ops.power(self.a, self.b - 1)
        gb = gy * self.y * ops.log(ops.where(ops.data(self.a) > 0, self.a, 1))  # 0 if a <= 0
        return sum_to(ga, a.shape), sum_to(gb, b.shape)


class Neg(FunctionNode):
    label = 'neg'
    double_backprop = True
    chain_rule = ('-{gy}',)

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


# -- the functions, and the operators bound to them ---------------------------

def _binary(a, b, op, with_variable, with_constant):
    """``with_variable()(a, b)`` when ``b`` is a Variable, else ``with_constant(b)(a)``."""
    if isinstance(b, Variable):
        return with_variable().apply((a, b))[0]
    if type(b) is not int and type(b) is not float:     # plain numbers need no check
        b = checks.check_operand(op, a, b)      # an array takes a's dtype
    return with_constant(b).apply((a,))[0]


def add(a, b):
    """``a + b`` with broadcasting. ``F.add(x, y)`` is the same as ``x + y``.

    >>> import numpy as np
    >>> add(np.array([1., 2.], 'f'), np.array([10.], 'f')).data
    array([11., 12.], dtype=float32)
    """
    return _binary(a, b, '+', Add, AddConstant)


def sub(a, b):
    """``a - b`` with broadcasting.

    >>> import numpy as np
    >>> sub(np.array([5., 7.], 'f'), 2).data
    array([3., 5.], dtype=float32)
    """
    return _binary(a, b, '-', Sub, SubConstant)


def mul(a, b):
    """``a * b`` (elementwise) with broadcasting.

    >>> import numpy as np
    >>> mul(np.array([2.], 'f'), np.array([1., 10.], 'f')).data
    array([ 2., 20.], dtype=float32)
    """
    return _binary(a, b, '*', Mul, MulConstant)


def div(a, b):
    """``a / b`` (elementwise) with broadcasting.

    >>> import numpy as np
    >>> div(np.array([3., 8.], 'f'), 2).data
    array([1.5, 4. ], dtype=float32)
    """
    return _binary(a, b, '/', Div, DivConstant)


def pow(a, b):
    """``a ** b``.

    >>> import numpy as np
    >>> pow(np.array([3.], 'f'), 2).data
    array([9.], dtype=float32)
    """
    return _binary(a, b, '**', Pow, PowConstant)


def neg(x):
    """``-x``.

    >>> import numpy as np
    >>> neg(np.array([1., -2.], 'f')).data
    array([-1.,  2.], dtype=float32)
    """
    return Neg().apply((x,))[0]


def rsub(a, b):
    """``b - a`` where only ``a`` is a Variable."""
    return sub(b, a) if isinstance(b, Variable) else _binary(a, b, '-', Sub, SubFromConstant)


def rdiv(a, b):
    """``b / a`` where only ``a`` is a Variable."""
    return div(b, a) if isinstance(b, Variable) else _binary(a, b, '/', Div, DivFromConstant)


def rpow(a, b):
    """``b ** a`` where only ``a`` is a Variable."""
    return pow(b, a) if isinstance(b, Variable) else _binary(a, b, '**', Pow, PowFromConstant)


def install_variable_arithmetics():
    """Bind the operators to Variable (done once, on import)."""
    from teachgrad.functions import absolute
    Variable.__neg__ = neg
    Variable.__abs__ = absolute
    Variable.__add__ = Variable.__radd__ = add
    Variable.__sub__, Variable.__rsub__ = sub, rsub
    Variable.__mul__ = Variable.__rmul__ = mul
    Variable.__truediv__, Variable.__rtruediv__ = div, rdiv
    Variable.__pow__, Variable.__rpow__ = pow, rpow
    Variable.__matmul__, Variable.__rmatmul__ = matmul, rmatmul
