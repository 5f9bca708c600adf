"""Small functions the distributions need, each with its backward beside it."""
import math

import numpy

from teachgrad import backend
from teachgrad.functions import _ufuncs
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops


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


# -- The standard normal's cumulative distribution function and its inverse ----------
#
# Phi(x) = P(Z <= x) for Z ~ N(0, 1) is (1 + erf(x / sqrt 2)) / 2. numpy has no erf, so the
# forwards call Python's math.erfc element by element (cupy has its own); they compute in
# float64 and give back the input's dtype. Each backward is written with _ops, so a
# double backprop can differentiate it again.

_SQRT2 = math.sqrt(2.)
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _erfc(x):
    xp = backend.get_array_module(x)
    if xp is numpy:
        return numpy.asarray(_np_erfc(x), dtype=numpy.float64)
    import cupyx.scipy.special
    return cupyx.scipy.special.erfc(x)


_np_erfc = numpy.frompyfunc(math.erfc, 1, 1)


def _in_float64(f, x):
    """f computed in float64, given back as an array of x's dtype."""
    xp = backend.get_array_module(x)
    return xp.asarray(f(x.astype(numpy.float64)), dtype=x.dtype)


def _phi(x):
    """Phi(x) in float64, with full relative precision in the left tail."""
    return 0.5 * _erfc(-x / _SQRT2)


class Ndtr(FunctionNode):
    """Phi(x), the probability that a standard normal is at most x."""
    double_backprop = True
    label = 'ndtr'
    chain_rule = ('exp(-{0}² / 2) / sqrt(2 pi) · {gy}',)

    def forward(self, x):
        self.x = x
        return _in_float64(_phi, x)

    def backward(self, gy):
        # dPhi/dx is the standard normal density
        return gy * ops.exp(-0.5 * self.x ** 2 - _LOG_SQRT_2PI)


def ndtr(x):
    return Ndtr()(x)


# log Phi(x) = -x²/2 - log(-x) - log sqrt(2 pi) + log(1 - 1/x² + 3/x⁴ - 15/x⁶ ...) for very
# negative x, where Phi itself is too small for a float; ten terms are exact to double
# precision from x = -20 on.
_TAIL_START = -20.
_TAIL_TERMS = 10


def _log_phi(x):
    xp = backend.get_array_module(x)
    right = xp.log1p(-_phi(-xp.maximum(x, 0.)))            # log(1 - Phi(-x)), x >= 0
    middle = xp.log(_phi(xp.clip(x, _TAIL_START, 0.)))
    t = xp.minimum(x, _TAIL_START)
    inv_t2 = 1. / (t * t)
    series, term = xp.ones_like(t), xp.ones_like(t)
    for n in range(1, _TAIL_TERMS + 1):
        term = -term * (2 * n - 1) * inv_t2
        series = series + term
    tail = -0.5 * t * t - xp.log(-t) - _LOG_SQRT_2PI + xp.log(series)
    return xp.where(x >= 0, right, xp.where(x >= _TAIL_START, middle, tail))


class LogNdtr(FunctionNode):
    """log Phi(x), finite even where Phi(x) underflows to 0."""
    double_backprop = True
    label = 'log_ndtr'
    chain_rule = ('exp(-{0}² / 2 - {out}) / sqrt(2 pi) · {gy}',)

    def forward(self, x):
        self.x = x
        self.y = y = _in_float64(_log_phi, x)
        return y

    def backward(self, gy):
        # d log Phi / dx = density / Phi = exp(log density - log Phi): no 0 / 0 in the tail
        return gy * ops.exp(-0.5 * self.x ** 2 - _LOG_SQRT_2PI - self.y)


def log_ndtr(x):
    return LogNdtr()(x)


# The inverse, Phi⁻¹(p): a rational approximation good to about 1e-9 (P. J. Acklam's), then
# one step of Halley's method on Phi(x) - p, which brings it to double precision. The lower
# half p <= 1/2 is computed, and Phi⁻¹(p) = -Phi⁻¹(1 - p) gives the upper half (1 - p is
# exact there, p itself would lose the digits of a tail).
_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01, 1.)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549671875485196e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
      3.754408661907416e+00, 1.)
_CENTRAL = 0.02425


def _poly(coefficients, t):
    result = coefficients[0] * t ** 0
    for c in coefficients[1:]:
        result = result * t + c
    return result


def _inverse_phi_lower(p):
    """Phi⁻¹(p) for 0 < p <= 1/2."""
    xp = backend.get_array_module(p)
    q = p - 0.5
    r = q * q
    central = _poly(_A, r) * q / _poly(_B, r)
    s = xp.sqrt(-2. * xp.log(p))
    tail = _poly(_C, s) / _poly(_D, s)
    x = xp.where(p >= _CENTRAL, central, tail)
    u = (_phi(x) - p) * math.sqrt(2 * math.pi) * xp.exp(0.5 * x * x)
    return x - u / (1. + 0.5 * x * u)


def _inverse_phi(p):
    xp = backend.get_array_module(p)
    inside = (p > 0) & (p < 1)
    safe = xp.where(inside, p, 0.25)              # no log(0) warnings at the edges
    lower = xp.where(safe <= 0.5, safe, 1. - safe)
    x = _inverse_phi_lower(lower)
    x = xp.where(safe <= 0.5, x, -x)
    edge = xp.where(p == 0, -xp.inf, xp.where(p == 1, xp.inf, xp.nan))
    return xp.where(inside, x, edge)


class Ndtri(FunctionNode):
    """Phi⁻¹(p): the x with Phi(x) = p (-inf at 0, inf at 1, nan outside [0, 1])."""
    double_backprop = True
    label = 'ndtri'
    chain_rule = ('sqrt(2 pi) · exp({out}² / 2) · {gy}',)

    def forward(self, p):
        self.y = y = _in_float64(_inverse_phi, p)
        return y

    def backward(self, gy):
        # the derivative of an inverse is 1 / (the derivative at the image): 1 / density(y)
        return gy * ops.exp(0.5 * self.y ** 2 + _LOG_SQRT_2PI)


def ndtri(p):
    return Ndtri()(p)
