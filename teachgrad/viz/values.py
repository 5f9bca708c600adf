"""Arrays as short text for a picture: small ones in full, big ones summarized.

The format follows numpy's repr (``[1.5 2. ]``, aligned columns, a trailing dot
on whole floats) with fewer digits, so a box shows what the learner would see
printing the array, and numbers rounded to float32 noise read cleanly.

>>> import numpy as np
>>> array_lines(np.array([1.0002, -3.], dtype=np.float32))
['[ 1.0002 -3.    ]']
>>> array_lines(np.array([[1, 2], [30, 4]]))
['[[ 1  2]', ' [30  4]]']
>>> array_lines(np.arange(100.))
['min 0.  mean 49.5  max 99.']
"""
import math
import warnings

import numpy

from teachgrad import backend


def array_lines(a, max_elements=16, precision=4):
    """Lines of text for ``a``: every element if ``a.size <= max_elements``,
    else its minimum, mean and maximum (the box shows the shape elsewhere)."""
    if a.size > max_elements:
        return [summary(a, precision)]
    if a.size == 1 and a.ndim <= 1 and a.dtype.kind == 'f':
        # The common case (a loss, a scalar chain) without the general machinery.
        v = float(a.item())
        s = _fixed(v, precision) if v == 0 or not math.isfinite(v) or \
            10 ** -precision <= abs(v) < 1e8 else _sci(v, precision)
        return [s] if a.ndim == 0 else ['[' + s + ']']
    a = backend.to_cpu(a)
    cells = format_elements(a.ravel().tolist(), a.dtype, precision)
    if a.ndim == 0:
        return [cells[0]]
    return _nest(_align(cells), a.shape)


def summary(a, precision=4):
    """``'min … mean … max …'`` of an array (NaNs ignored), or ``'(empty)'``."""
    if a.size == 0:
        return '(empty)'
    xp = backend.get_array_module(a)
    if a.dtype.kind == 'b':
        return '{} of {} True'.format(int(xp.count_nonzero(a)), a.size)
    if a.dtype.kind == 'c':
        a = abs(a)
    # An all-NaN array has no min or max: numpy says so with a RuntimeWarning
    # ("All-NaN slice"), which must not land in the lesson; the picture shows nan.
    with numpy.errstate(all='ignore'), warnings.catch_warnings():
        warnings.simplefilter('ignore', RuntimeWarning)
        stats = [float(f(a)) for f in (xp.nanmin, xp.nanmean, xp.nanmax)] \
            if a.dtype.kind == 'f' else [float(a.min()), float(a.mean()), float(a.max())]
    return 'min {}  mean {}  max {}'.format(
        *[format_number(s, precision) for s in stats])


def format_number(v, precision=4):
    """One number as a picture shows it: ``2.``, ``0.1235``, ``1.5e-07``."""
    return format_elements([v], numpy.dtype(float), precision)[0]


def format_elements(values, dtype, precision):
    """Format a flat list of Python numbers the same way, numpy style."""
    kind = dtype.kind
    if kind in 'iub':
        return [str(v) for v in values]
    if kind == 'c':
        return [str(complex(v)) for v in values]
    finite = [abs(v) for v in values if math.isfinite(v) and v != 0]
    scientific = finite and (max(finite) >= 1e8 or min(finite) < 10 ** -precision)
    if scientific:
        return [_sci(v, precision) for v in values]
    return [_fixed(v, precision) for v in values]


def _fixed(v, precision):
    if not math.isfinite(v):
        return str(v)
    s = '{:.{}f}'.format(v, precision).rstrip('0')
    if s in ('-0.', '-0'):      # -0.00001 rounds to -0.: keep numpy's sign
        return '-0.'
    return s


def _sci(v, precision):
    if not math.isfinite(v):
        return str(v)
    mantissa, exponent = '{:.{}e}'.format(v, precision).split('e')
    mantissa = mantissa.rstrip('0')
    return '{}e{}{:02d}'.format(mantissa, exponent[0], abs(int(exponent)))


def _align(cells):
    # Line up the decimal points, as numpy does: '[ 1.0002 -3.    ]'.
    if cells and all('.' in c and 'e' not in c for c in cells):
        parts = [c.split('.') for c in cells]
        left = max(len(i) for i, _ in parts)
        right = max(len(f) for _, f in parts)
        return ['{}.{}'.format(i.rjust(left), f.ljust(right)) for i, f in parts]
    width = max((len(c) for c in cells), default=0)
    return [c.rjust(width) for c in cells]


def _nest(cells, shape):
    # numpy's layout: the last axis on one line, one more '[' per outer axis,
    # continuation lines indented to line up under the first element.
    if len(shape) == 1:
        return ['[' + ' '.join(cells) + ']']
    step = len(cells) // shape[0] if shape[0] else 0
    lines = []
    for i in range(shape[0]):
        sub = _nest(cells[i * step:(i + 1) * step], shape[1:])
        lines.extend(sub)
    if not lines:
        return ['[]']
    out = ['[' + lines[0]] + [' ' + line for line in lines[1:]]
    out[-1] += ']'
    return out
