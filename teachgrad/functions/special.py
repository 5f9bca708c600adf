"""Special functions: the error function, the normal distribution's Phi, the gamma family, zeta.

numpy has none of these, and teachgrad does not depend on scipy, so on the CPU
each is computed in float64, element by element with Python's ``math`` module
where it has the function (erf, erfc, lgamma) and with a short series written
here where it has not (digamma, zeta, the inverses). The result is given back in
the input's dtype. On a GPU, cupy's own ``cupyx.scipy.special`` does the work.

Every derivative here is again a function of this file (or exp), so each
backward is written with ``_ops`` and differentiates again (double backprop):

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([0.]))
>>> y = erf(x)
>>> y.backward()
>>> x.grad                     # d erf / dx at 0 = 2 / sqrt(pi)
array([1.12837917])
"""
import math

import numpy

from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops

_SQRT2 = math.sqrt(2.)
_SQRT_PI = math.sqrt(math.pi)
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _check_float(name, x):
    if x.dtype.kind != 'f':
        raise TypeError('{}: the input must be a float array, but got dtype {} (shape {}); '
                        'convert it first, e.g. x.astype(numpy.float32)'.format(
                            name, x.dtype, x.shape))


def _in_float64(f, x):
    """f computed in float64, given back as an array of x's dtype."""
    xp = backend.get_array_module(x)
    return xp.asarray(f(x.astype(numpy.float64)), dtype=x.dtype)


def _elementwise(scalar_function):
    """A float64 array function from a function of one Python float."""
    ufunc = numpy.frompyfunc(scalar_function, 1, 1)
    return lambda x: numpy.asarray(ufunc(x), dtype=numpy.float64)


def _on_device(name, cpu):
    """cupyx.scipy.special's ``name`` for a GPU array, ``cpu`` for a numpy one."""
    def apply(x):
        if backend.get_array_module(x) is numpy:
            return cpu(x)
        import cupyx.scipy.special
        return getattr(cupyx.scipy.special, name)(x)
    return apply


def _lgamma_scalar(v):
    try:
        return math.lgamma(v)
    except ValueError:          # a pole: 0, -1, -2, ... where |Gamma| is infinite
        return math.inf


_erf = _on_device('erf', _elementwise(math.erf))
_erfc = _on_device('erfc', _elementwise(math.erfc))
_lgamma = _on_device('gammaln', _elementwise(_lgamma_scalar))


def _is_variable(x):
    return ops._is_variable(x)


# -- erf and erfc ----------------------------------------------------------------------

class Erf(FunctionNode):
    double_backprop = True
    label = 'erf'
    chain_rule = ('2 / sqrt(pi) · exp(-{0}²) · {gy}',)

    def forward(self, x):
        _check_float('erf', x)
        self.x = x
        return _in_float64(_erf, x)

    def backward(self, gy):
        return gy * (2 / _SQRT_PI) * ops.exp(-self.x * self.x)


def erf(x):
    """The error function, erf(x) = 2 / sqrt(pi) · integral of exp(-t²) from 0 to x.

    >>> import numpy as np
    >>> erf(np.array([0., 1.], dtype=np.float32)).data
    array([0.       , 0.8427008], dtype=float32)
    """
    return Erf().apply((x,))[0]


class Erfc(FunctionNode):
    double_backprop = True
    label = 'erfc'
    chain_rule = ('-2 / sqrt(pi) · exp(-{0}²) · {gy}',)

    def forward(self, x):
        _check_float('erfc', x)
        self.x = x
        return _in_float64(_erfc, x)

    def backward(self, gy):
        return gy * (-2 / _SQRT_PI) * ops.exp(-self.x * self.x)


def erfc(x):
    """The complementary error function 1 - erf(x), exact far into the right tail.

    >>> import numpy as np
    >>> erfc(np.array([0., 10.])).data
    array([1.00000000e+00, 2.08848758e-45])
    """
    return Erfc().apply((x,))[0]


# erfcx(x) = exp(x²) erfc(x). Directly for x < 8; from 8 on, where erfc underflows soon,
# by its asymptotic series 1 / (x sqrt pi) · (1 - 1/(2x²) + 1·3/(2x²)² - ...): twenty
# terms leave an error below 1e-18 there.
_ERFCX_SERIES_START = 8.
_ERFCX_TERMS = 20


def _erfcx_cpu(x):
    xp = backend.get_array_module(x)
    near = xp.minimum(x, _ERFCX_SERIES_START)
    with numpy.errstate(over='ignore'):       # exp(x²) is inf for x < -26.6, as erfcx is
        direct = xp.exp(near * near) * _erfc(near)
    t = xp.maximum(x, _ERFCX_SERIES_START)
    inv = 0.5 / t / t                         # no overflow of t² for huge t
    series, term = xp.ones_like(t), xp.ones_like(t)
    for n in range(1, _ERFCX_TERMS + 1):
        term = -term * (2 * n - 1) * inv
        series = series + term
    far = series / (t * _SQRT_PI)
    return xp.where(x < _ERFCX_SERIES_START, direct, far)


_erfcx = _on_device('erfcx', _erfcx_cpu)


class Erfcx(FunctionNode):
    double_backprop = True
    label = 'erfcx'
    chain_rule = ('(2 · {0} · {out} - 2 / sqrt(pi)) · {gy}',)

    def forward(self, x):
        _check_float('erfcx', x)
        self.x = x
        self.y = y = _in_float64(_erfcx, x)
        return y

    def backward(self, gy):
        # d/dx [exp(x²) erfc(x)] = 2x exp(x²) erfc(x) - 2/sqrt(pi)
        return gy * (2 * self.x * self.y - 2 / _SQRT_PI)


def erfcx(x):
    """The scaled complementary error function exp(x²) · erfc(x), finite where erfc
    underflows.

    >>> import numpy as np
    >>> erfcx(np.array([0., 100.])).data      # about 1 / (x sqrt(pi)) for big x
    array([1.        , 0.00564161])
    """
    return Erfcx().apply((x,))[0]


# -- The standard normal's cumulative distribution function and its inverse ----------
#
# Phi(x) = P(Z <= x) for Z ~ N(0, 1) is (1 + erf(x / sqrt 2)) / 2 = erfc(-x / sqrt 2) / 2,
# the second form keeping full relative precision in the left tail.

def _phi(x):
    """Phi(x) in float64, with full relative precision in the left tail."""
    return 0.5 * _erfc(-x / _SQRT2)


class Ndtr(FunctionNode):
    """Phi(x), the probability that a standard normal is at most x."""
    double_backprop = True
    label = 'ndtr'
    chain_rule = ('exp(-{0}² / 2) / sqrt(2 pi) · {gy}',)

    def forward(self, x):
        _check_float('ndtr', x)
        self.x = x
        return _in_float64(_on_device('ndtr', _phi), x)

    def backward(self, gy):
        # dPhi/dx is the standard normal density
        return gy * ops.exp(-0.5 * self.x ** 2 - _LOG_SQRT_2PI)


def ndtr(x):
    """The standard normal's cumulative distribution Phi(x) = P(Z <= x), Z ~ N(0, 1).

    >>> import numpy as np
    >>> ndtr(np.array([0., 1.96])).data
    array([0.5      , 0.9750021])
    """
    return Ndtr().apply((x,))[0]


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
        _check_float('log_ndtr', x)
        self.x = x
        self.y = y = _in_float64(_on_device('log_ndtr', _log_phi), x)
        return y

    def backward(self, gy):
        # d log Phi / dx = density / Phi = exp(log density - log Phi): no 0 / 0 in the tail
        return gy * ops.exp(-0.5 * self.x ** 2 - _LOG_SQRT_2PI - self.y)


def log_ndtr(x):
    """log Phi(x), the log of the standard normal's cumulative distribution, finite far
    into the left tail where Phi(x) itself underflows to 0.

    >>> import numpy as np
    >>> log_ndtr(np.array([0., -40.])).data
    array([-6.93147181e-01, -8.04608442e+02])
    """
    return LogNdtr().apply((x,))[0]


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
        _check_float('ndtri', p)
        self.y = y = _in_float64(_on_device('ndtri', _inverse_phi), p)
        return y

    def backward(self, gy):
        # the derivative of an inverse is 1 / (the derivative at the image): 1 / density(y)
        return gy * ops.exp(0.5 * self.y ** 2 + _LOG_SQRT_2PI)


def ndtri(x):
    """The inverse of :func:`ndtr`: the x with Phi(x) = p (-inf at 0, inf at 1, nan
    outside [0, 1]).

    >>> import numpy as np
    >>> ndtri(np.array([0.5, 0.975])).data
    array([0.        , 1.95996398])
    """
    return Ndtri().apply((x,))[0]


# -- The inverses of erf and erfc, from Phi⁻¹ -------------------------------------------
#
# erfc(x) = 2 Phi(-x sqrt 2), so erfc⁻¹(y) = -Phi⁻¹(y / 2) / sqrt 2, to double precision
# in the tails since y / 2 is exact. erf⁻¹(y) = erfc⁻¹(1 - y) would lose the digits of a small y in
# 1 - y, so erf⁻¹ takes that as a first guess and corrects it by one Newton step on
# erf(x) - y (written with erfc(|x|) - (1 - |y|) for |y| > 1/2, where erf is near ±1).

def _erfcinv_tails(y):
    return -_inverse_phi(0.5 * y) / _SQRT2


def _erfcinv_cpu(y):
    # near y = 1, where erfc⁻¹ is near 0, 1 - y is exact and erf⁻¹(1 - y) keeps its digits
    xp = backend.get_array_module(y)
    middle = (y >= 0.5) & (y <= 1.5)
    return xp.where(middle, _erfinv_cpu(xp.where(middle, 1. - y, 0.)), _erfcinv_tails(y))


def _erfinv_cpu(y):
    xp = backend.get_array_module(y)
    inside = abs(y) < 1
    safe = xp.where(inside, y, 0.)
    x = _erfcinv_tails(1. - safe)
    small = abs(safe) <= 0.5
    residual = xp.where(small, _erf(x) - safe,
                        xp.sign(safe) * ((1. - abs(safe)) - _erfc(abs(x))))
    x = x - residual / ((2 / _SQRT_PI) * xp.exp(-x * x))
    edge = xp.where(y == 1, xp.inf, xp.where(y == -1, -xp.inf, xp.nan))
    return xp.where(inside, x, edge)


class Erfinv(FunctionNode):
    double_backprop = True
    label = 'erfinv'
    chain_rule = ('sqrt(pi) / 2 · exp({out}²) · {gy}',)

    def forward(self, x):
        _check_float('erfinv', x)
        self.y = y = _in_float64(_on_device('erfinv', _erfinv_cpu), x)
        return y

    def backward(self, gy):
        return gy * (_SQRT_PI / 2) * ops.exp(self.y * self.y)


def erfinv(x):
    """The inverse of :func:`erf`, for -1 <= x <= 1 (±inf at ±1, nan outside).

    >>> import numpy as np
    >>> erfinv(np.array([0., 0.5])).data
    array([0.        , 0.47693628])
    """
    return Erfinv().apply((x,))[0]


class Erfcinv(FunctionNode):
    double_backprop = True
    label = 'erfcinv'
    chain_rule = ('-sqrt(pi) / 2 · exp({out}²) · {gy}',)

    def forward(self, x):
        _check_float('erfcinv', x)
        self.y = y = _in_float64(_on_device('erfcinv', _erfcinv_cpu), x)
        return y

    def backward(self, gy):
        return gy * (-_SQRT_PI / 2) * ops.exp(self.y * self.y)


def erfcinv(x):
    """The inverse of :func:`erfc`, for 0 <= x <= 2 (inf at 0, -inf at 2, nan outside).

    >>> import numpy as np
    >>> erfcinv(np.array([1., 0.5])).data
    array([0.        , 0.47693628])
    """
    return Erfcinv().apply((x,))[0]


# -- The gamma family ---------------------------------------------------------------------
#
# digamma psi(x) = d log Gamma(x) / dx: psi(x) = psi(x + 1) - 1/x moves x up to 10 or
# more, where the asymptotic series log x - 1/(2x) - sum B_2k / (2k x^2k) with seven
# Bernoulli numbers is exact to double precision; negative x first reflect,
# psi(x) = psi(1 - x) - pi / tan(pi x).
_BERNOULLI = (1. / 6, -1. / 30, 1. / 42, -1. / 30, 5. / 66, -691. / 2730, 7. / 6,
              -3617. / 510, 43867. / 798, -174611. / 330)
_DIGAMMA_SHIFT = 10.


def _digamma_cpu(x):
    xp = backend.get_array_module(x)
    negative = x < 0
    y = xp.where(negative, 1. - x, x)
    y = xp.where(y == 0, 1., y)                    # the pole at 0 is set at the end
    shift = xp.zeros_like(y)
    for _ in range(int(_DIGAMMA_SHIFT)):
        low = y < _DIGAMMA_SHIFT
        shift = shift - xp.where(low, 1. / y, 0.)
        y = xp.where(low, y + 1., y)
    inv2 = 1. / (y * y)
    series, power = xp.zeros_like(y), xp.ones_like(y)
    for k, b in enumerate(_BERNOULLI[:7], start=1):
        power = power * inv2
        series = series + b / (2 * k) * power
    psi = xp.log(y) - 0.5 / y - series + shift
    with numpy.errstate(divide='ignore'):
        reflected = psi - math.pi / xp.tan(math.pi * x)
    psi = xp.where(negative, reflected, psi)
    pole = (x <= 0) & (x == xp.floor(x))
    return xp.where(pole, xp.where(x == 0, -xp.inf, xp.nan), psi)


_digamma = _on_device('digamma', _digamma_cpu)


# The Hurwitz zeta function zeta(s, q) = sum over k >= 0 of (q + k)^-s, for s > 1, by
# Euler and Maclaurin's formula: the first terms summed until q + k >= s + 12 (the
# corrections shrink by about (s + 2j)² / (2 pi (q + k))² each from there), then the rest
# as an integral plus Bernoulli corrections, ten of them. q <= 0 works for integer s
# (inf at q = 0, -1, ...), as it does in scipy; other s < 1 give nan. A q below -10000
# would take that many terms and gives nan instead.
_ZETA_DIRECT_UNTIL = 12.
_ZETA_LOWEST_Q = -1e4


def _zeta_cpu(s, q):
    xp = backend.get_array_module(q)
    s, q = xp.broadcast_arrays(xp.asarray(s, dtype=q.dtype), q)
    total = xp.zeros_like(q)
    reachable = (q >= _ZETA_LOWEST_Q) & (q < xp.inf)
    a = xp.where(reachable, q, xp.nan)
    limit = _ZETA_DIRECT_UNTIL + xp.clip(s, 0., 1e4)
    with numpy.errstate(divide='ignore', invalid='ignore', over='ignore'):
        while True:
            low = a < limit
            if not low.any():
                break
            total = total + xp.where(low, xp.power(xp.where(low, a, 1.), -s), 0.)
            a = xp.where(low, a + 1., a)
        total = total + a ** (1. - s) / (s - 1.) + 0.5 * a ** -s
        rising = s.copy()                  # s (s+1) ... (s + 2j - 2)
        power = a ** (-s - 1.)
        factorial = 2.
        for j, b in enumerate(_BERNOULLI, start=1):
            total = total + b / factorial * rising * power
            rising = rising * (s + 2 * j - 1) * (s + 2 * j)
            power = power / (a * a)
            factorial = factorial * (2 * j + 1) * (2 * j + 2)
        total = xp.where(s == 1, xp.inf, total)
        total = xp.where(q == xp.inf, 0., total)
        total = xp.where((q <= 0) & (q == xp.floor(q)), xp.inf, total)    # a term 0^-s
    return xp.where(s < 1, xp.nan, total)


def _zeta_array(s, q):
    if backend.get_array_module(q) is numpy:
        return _zeta_cpu(s, q)
    import cupy
    import cupyx.scipy.special
    return cupyx.scipy.special.zeta(cupy.asarray(s, dtype=q.dtype), q)


def _factorial(k):
    return float(math.factorial(int(k))) if k <= 170 else math.inf    # 171! overflows a float


def _polygamma_array(n, x):
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x) for n >= 1, digamma for n = 0."""
    xp = backend.get_array_module(x)
    n = xp.broadcast_to(xp.asarray(n), x.shape)
    if backend.get_array_module(x) is not numpy:
        import cupyx.scipy.special
        return cupyx.scipy.special.polygamma(n, x)
    n64 = n.astype(numpy.float64)
    sign = xp.where(n % 2 == 1, 1., -1.)
    factorial = _elementwise(_factorial)(n64)
    with numpy.errstate(invalid='ignore'):
        higher = sign * factorial * _zeta_cpu(n64 + 1., x)
    return xp.where(n == 0, _digamma_cpu(x), higher)


def _digamma_of(x):
    """digamma of an array, or F.digamma of a Variable (for double backprop)."""
    if _is_variable(x):
        return digamma(x)
    return _in_float64(_digamma, x)


def _polygamma_of(n, x):
    if _is_variable(x):
        return polygamma(n, x)
    return _cast_like(_polygamma_array(n, x.astype(numpy.float64)), x)


def _zeta_of(s, q):
    if _is_variable(q):
        return zeta(s, q)
    return _cast_like(_zeta_array(s, q.astype(numpy.float64)), q)


def _cast_like(y, like):
    return backend.get_array_module(like).asarray(y, dtype=like.dtype)


class LGamma(FunctionNode):
    double_backprop = True
    label = 'lgamma'
    chain_rule = ('digamma({0}) · {gy}',)

    def forward(self, x):
        _check_float('lgamma', x)
        self.x = x
        return _in_float64(_lgamma, x)

    def backward(self, gy):
        return gy * _digamma_of(self.x)


def lgamma(x):
    """log |Gamma(x)|, the log of the gamma function (Gamma(n) = (n - 1)! for integers).

    >>> import numpy as np
    >>> lgamma(np.array([1., 5.])).data           # log 0! and log 4! = log 24
    array([0.        , 3.17805383])
    """
    return LGamma().apply((x,))[0]


class DiGamma(FunctionNode):
    double_backprop = True
    label = 'digamma'
    chain_rule = ('polygamma(1, {0}) · {gy}',)

    def forward(self, x):
        _check_float('digamma', x)
        self.x = x
        return _in_float64(_digamma, x)

    def backward(self, gy):
        xp = backend.get_array_module(ops.data(self.x))
        return gy * _polygamma_of(xp.ones((), numpy.int32), self.x)


def digamma(x):
    """The digamma function psi(x) = d log Gamma(x) / dx.

    >>> import numpy as np
    >>> digamma(np.array([1.])).data              # minus the Euler-Mascheroni constant
    array([-0.57721566])
    """
    return DiGamma().apply((x,))[0]


class PolyGamma(FunctionNode):
    double_backprop = True
    label = 'polygamma'
    chain_rule = (None, 'polygamma({0} + 1, {1}) · {gy}')

    def forward(self, n, x):
        if n.dtype.kind not in 'iu':
            raise TypeError('polygamma: n must be an integer array, but got dtype {}; '
                            'pass e.g. numpy.array(1, numpy.int32)'.format(n.dtype))
        _check_float('polygamma', x)
        try:
            numpy.broadcast_shapes(n.shape, x.shape)
        except ValueError:
            raise ValueError('polygamma: n of shape {} and x of shape {} do not broadcast '
                             'together'.format(n.shape, x.shape)) from None
        if numpy.broadcast_shapes(n.shape, x.shape) != x.shape:
            raise ValueError('polygamma: n of shape {} would make the result bigger than x '
                             '{}; give n the shape of x or fewer axes'.format(n.shape, x.shape))
        if (n < 0).any():
            raise ValueError('polygamma: n must be 0 or more, but got {}'.format(n))
        self.order = n.copy()             # a constant of the derivative, kept as an array
        self.x = x
        return _cast_like(_polygamma_array(n, x.astype(numpy.float64)), x)

    def backward(self, gy):
        higher = backend.get_array_module(self.order).asarray(self.order + 1)
        return None, gy * _polygamma_of(higher, self.x)


def polygamma(n, x):
    """The n-th derivative of digamma, psi^(n)(x); ``n`` is an integer array (not
    differentiable), ``x`` a float array.

    >>> import numpy as np
    >>> polygamma(np.array(1), np.array([1.])).data        # pi² / 6
    array([1.64493407])
    """
    return PolyGamma().apply((n, x))[0]


class Zeta(FunctionNode):
    double_backprop = True
    label = 'zeta'
    chain_rule = ('-x · zeta(x + 1, {0}) · {gy}',)

    def __init__(self, x):
        self.s = x

    def forward(self, q):
        _check_float('zeta', q)
        shape = numpy.shape(self.s)
        if not _broadcasts(shape, q.shape) or numpy.broadcast_shapes(shape, q.shape) != q.shape:
            raise ValueError('zeta: x of shape {} must broadcast to the shape of q {}'
                             .format(shape, q.shape))
        self.q = q
        return _cast_like(_zeta_array(self.s, q.astype(numpy.float64)), q)

    def backward(self, gy):
        # d/dq sum (q + k)^-x = -x sum (q + k)^-(x+1)
        return gy * (-self.s) * _zeta_of(self.s + 1, self.q)


def _broadcasts(a, b):
    try:
        numpy.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


def zeta(x, q):
    """The Hurwitz zeta function, the sum over k >= 0 of (q + k) ** -x; ``x`` is a
    constant (a number or an array) and the result is differentiable in ``q`` only.

    >>> import numpy as np
    >>> zeta(2., np.array([1.])).data              # the Riemann zeta(2) = pi² / 6
    array([1.64493407])
    """
    return Zeta(x).apply((q,))[0]
