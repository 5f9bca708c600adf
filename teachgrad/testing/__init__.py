"""Helpers for tests and for checking your own work: :func:`assert_allclose`.

>>> import numpy as np
>>> assert_allclose(np.array([1., 2.]), np.array([1., 2.000001]))
"""
import io

import numpy

from teachgrad import backend


def _host_array(x):
    x = getattr(x, 'array', x)          # a Variable is compared by its data
    if backend.is_array(x):
        return backend.to_cpu(x)
    return numpy.asarray(x)


def assert_allclose(x, y, atol=1e-5, rtol=1e-4, verbose=True):
    """Raise AssertionError unless every ``|x - y| <= atol + rtol * |y|``.

    ``x`` and ``y`` may be numpy or cupy arrays, Variables or numbers. When
    they differ the message shows numpy's report, then the worst element: its
    index, both values, the error and the tolerance it broke.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> assert_allclose(Variable(np.array([0.1, 0.2], 'f')), [0.1, 0.2])
    >>> assert_allclose(np.array([1., 2.]), np.array([1., 2.5]))   # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: ...
    assert_allclose failed:
      shape: (2,) (2,)
      dtype: float64 float64
      i: (1,)
      x[i]: 2.0
      y[i]: 2.5
      relative error[i]: 0.2
      absolute error[i]: 0.5
      relative tolerance * |y[i]|: 0.00025
      absolute tolerance: 1e-05
      total tolerance: 0.00026...
    x: [1. 2.]
    y: [1.  2.5]
    <BLANKLINE>
    """
    x, y = _host_array(x), _host_array(y)
    try:
        numpy.testing.assert_allclose(x, y, atol=atol, rtol=rtol, verbose=verbose)
    except AssertionError as e:
        out = io.StringIO()
        out.write('{}\n\nassert_allclose failed:\n'.format(e))
        out.write('  shape: {} {}\n  dtype: {} {}\n'.format(x.shape, y.shape, x.dtype, y.dtype))
        if x.shape == y.shape:
            xx, yy = numpy.atleast_1d(x), numpy.atleast_1d(y)
            err = numpy.abs(xx - yy)
            rel_tol = rtol * numpy.abs(yy).astype(numpy.float64)
            total = atol + rel_tol
            # The element that exceeds its tolerance by the most.
            i = tuple(int(k) for k in numpy.unravel_index(
                numpy.argmax(err.astype(numpy.float64) - total), err.shape))
            rel_err = 'inf' if yy[i] == 0 else err[i] / numpy.abs(yy[i])
            out.write(
                '  i: {}\n  x[i]: {}\n  y[i]: {}\n  relative error[i]: {}\n'
                '  absolute error[i]: {}\n  relative tolerance * |y[i]|: {}\n'
                '  absolute tolerance: {}\n  total tolerance: {}\n'.format(
                    i, xx[i], yy[i], rel_err, err[i], rel_tol[i], atol, total[i]))
        with numpy.printoptions(threshold=10000):
            out.write('x: ' + numpy.array2string(x, prefix='x: ') + '\n')
            out.write('y: ' + numpy.array2string(y, prefix='y: ') + '\n')
        raise AssertionError(out.getvalue()) from None
