"""Small functions the distributions need, each with its backward beside it."""
from teachgrad import backend
from teachgrad.functions import _ufuncs
from teachgrad.function_node import FunctionNode


class Log1pExp(FunctionNode):
    """log(1 + exp(x)), computed without overflow for large |x|."""
    label = 'log(1+exp)'

    def forward(self, x):
        xp = backend.get_array_module(x)
        self.x = x
        return xp.logaddexp(x.dtype.type(0), x)

    def backward(self, gy):
        # d/dx log(1 + e^x) = sigmoid(x)
        xp = backend.get_array_module(gy)
        return gy * (_ufuncs.tanh(self.x * 0.5) * 0.5 + 0.5)


def log1pexp(x):
    return Log1pExp()(x)


class XLogX(FunctionNode):
    """x log x, with the limit 0 at x = 0 (the entropy of a certain outcome is 0)."""
    label = 'x log x'

    def forward(self, x):
        xp = backend.get_array_module(x)
        self.x = x
        self.zero = x == 0
        safe = xp.where(self.zero, x.dtype.type(1), x)
        return xp.asarray(x * _ufuncs.log(safe))

    def backward(self, gy):
        # d/dx x log x = 1 + log x; at 0 it is -infinity, taken as 0 so training keeps going
        xp = backend.get_array_module(gy)
        safe = xp.where(self.zero, self.x.dtype.type(1), self.x)
        return xp.where(self.zero, 0, gy * (1 + _ufuncs.log(safe))).astype(gy.dtype)


def xlogx(x):
    return XLogX()(x)


# The standard normal's Phi, log Phi and Phi⁻¹ live with the other special functions.
from teachgrad.functions.special import log_ndtr, ndtr, ndtri  # NOQA
