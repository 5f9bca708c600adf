"""exp, log, tanh and the other transcendental functions, with the same digits
on every processor.

For float32 and float16 arrays numpy picks a vectorised routine by what the
processor offers (AVX2, AVX-512, NEON or none). Each is accurate to a unit or
so in the last place, but not always the same unit: on one x86 machine about
a third of float32 ``exp`` results differ from the correctly rounded value,
and another processor rounds others. A softmax printed in a lesson on one
laptop would then differ from another's in its last digit. Computing in
float64 and rounding once to the input's dtype gives the correctly rounded
value everywhere (and the digits Chainer's documentation prints). It costs a
few microseconds per thousand elements; float64 input is computed directly.

GPU arrays go straight to cupy: a GPU runs one routine for everyone.

>>> import numpy as np
>>> exp(np.array([-1.], dtype=np.float32))     # e ** -1 = 0.367879441...
array([0.36787945], dtype=float32)
"""
import numpy

from teachgrad import backend

_ROUNDED_DTYPES = (numpy.dtype(numpy.float16), numpy.dtype(numpy.float32))


def _rounded(name):
    ufunc = getattr(numpy, name)

    def apply(*xs):
        if all(_on_cpu(x) for x in xs):
            dtype = numpy.result_type(*xs)
            if dtype in _ROUNDED_DTYPES:
                return ufunc(*xs, dtype=numpy.float64).astype(dtype, copy=False)
            return ufunc(*xs)
        return getattr(backend.get_array_module(*xs), name)(*xs)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = ('Elementwise ``{}``, correctly rounded for float16 and float32 '
                     'on every processor.'.format(name))
    return apply


exp = _rounded('exp')
expm1 = _rounded('expm1')
log = _rounded('log')
log1p = _rounded('log1p')
log2 = _rounded('log2')
log10 = _rounded('log10')
tanh = _rounded('tanh')
sinh = _rounded('sinh')
cosh = _rounded('cosh')
sin = _rounded('sin')
cos = _rounded('cos')
tan = _rounded('tan')
arcsin = _rounded('arcsin')
arccos = _rounded('arccos')
arctan = _rounded('arctan')
arctanh = _rounded('arctanh')
arctan2 = _rounded('arctan2')


def power(a, b):
    """``a ** b``, correctly rounded when the result is float16 or float32.

    >>> import numpy as np
    >>> power(np.array([2.], dtype=np.float32), 1.5)       # 2 ** 1.5 = 2.828427124...
    array([2.828427], dtype=float32)
    """
    if _on_cpu(a) and _on_cpu(b):
        dtype = numpy.result_type(a, b)
        if dtype in _ROUNDED_DTYPES:
            return numpy.power(a, b, dtype=numpy.float64).astype(dtype, copy=False)
    return a ** b


def _on_cpu(x):
    return isinstance(x, (numpy.ndarray, numpy.generic, int, float))
