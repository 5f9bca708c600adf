"""Arithmetic with a constant on one side: ``x * 2``, ``1 - x``, ``x ** 2``...

A Python number or a fixed array gets no gradient, so these classes keep
nothing big alive for backward, and the picture shows the constant in the
label (``* 2``, ``**2``). ``functions/basic_math.py`` picks them when one
operand is not a Variable.

>>> import numpy as np
>>> from teachgrad import Variable
>>> y = Variable(np.array([3.], dtype=np.float32)) * 2
>>> y.creator.label, y.data
('* 2', array([6.], dtype=float32))
"""
import math
import numbers

import numpy

from teachgrad import backend
from teachgrad.functions import _ufuncs
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops
from teachgrad.utils import sum_to


class _Constant(FunctionNode):
    """An operation with a fixed number or array that gets no gradient.

    ``_label`` is the label with ``{}`` where the constant goes.
    """
    double_backprop = True

    def __init__(self, constant):
        self.constant = constant

    @property
    def label(self):
        return self._label.format(_fmt(self.constant))

    def _grad(self, g):
        shape = self.inputs[0].shape
        return g if g.shape == shape else sum_to(g, shape)


class AddConstant(_Constant):
    _label = '+ {}'
    chain_rule = ('{gy}',)

    def forward(self, x):
        return x + self.constant

    def backward(self, gy):
        return self._grad(gy)


class SubConstant(_Constant):
    _label = '- {}'
    chain_rule = ('{gy}',)

    def forward(self, x):
        return x - self.constant

    def backward(self, gy):
        return self._grad(gy)


class SubFromConstant(_Constant):
    _label = '{} -'
    chain_rule = ('-{gy}',)

    def forward(self, x):
        return self.constant - x

    def backward(self, gy):
        return self._grad(-gy)


class MulConstant(_Constant):
    _label = '* {}'
    chain_rule = ('{c} · {gy}',)

    def forward(self, x):
        return x * self.constant

    def backward(self, gy):
        return self._grad(gy * self.constant)


class DivConstant(_Constant):
    _label = '/ {}'
    chain_rule = ('{gy} / {c}',)

    def forward(self, x):
        return x / self.constant

    def backward(self, gy):
        return self._grad(gy / self.constant)


class DivFromConstant(_Constant):
    _label = '{} /'
    chain_rule = ('-{c} / {0}² · {gy}',)

    def forward(self, x):
        self.x = x
        return self.constant / x

    def backward(self, gy):
        return self._grad(-gy * self.constant / (self.x * self.x))


class PowConstant(_Constant):
    """``x ** c``."""
    _label = '**{}'

    @property
    def chain_rule(self):
        if not isinstance(self.constant, numbers.Number):
            return ('{c} · {0}^(c - 1) · {gy}',)
        return ('2 · {0} · {gy}',) if self.constant == 2 else ('{c} · {0}^{c_minus_1} · {gy}',)

    def forward(self, x):
        self.x = x
        return _ufuncs.power(x, self.constant)

    def backward(self, gy):
        c = self.constant
        return self._grad(gy * c * ops.power(self.x, c - 1))


class PowFromConstant(_Constant):
    """``c ** x``, whose derivative is ``c ** x * log(c)``.

    For ``c == 0`` the derivative is 0 (``0 ** x`` is flat where it is
    defined, x > 0); for ``c < 0``, ``c ** x`` has no real derivative and the
    gradient is NaN, as numpy's ``log`` of a negative number is.
    """
    _label = '{} **'
    chain_rule = ('{c}^{0} · log {c} · {gy}',)

    def forward(self, x):
        self.y = _ufuncs.power(self.constant, x)
        return self.y

    def backward(self, gy):
        c = self.constant
        if isinstance(c, numbers.Real) and c > 0:
            return self._grad(gy * self.y * math.log(c))
        xp = backend.get_array_module(gy)
        c = xp.asarray(c, dtype=gy.dtype)
        with numpy.errstate(divide='ignore', invalid='ignore'):
            log_c = xp.where(c > 0, _ufuncs.log(xp.where(c > 0, c, 1)), xp.where(c == 0, 0, xp.nan))
            return self._grad(gy * ops.where(c == 0, 0, self.y * log_c.astype(gy.dtype)))


def _fmt(c):
    if isinstance(c, numbers.Integral):
        return str(c)
    if isinstance(c, numbers.Number) or getattr(c, 'ndim', 1) == 0:
        return '{:g}'.format(float(c))
    return 'const{}'.format(tuple(c.shape))
