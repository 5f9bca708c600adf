"""Lazily created parameters: made on the first call, kept only if it succeeds.

``L.Linear(2)`` and ``L.Convolution2D(8, 3)`` learn their input size from
the first input. If that first call fails (an input of the wrong rank or
dtype), a W built from it would be wrong for every later, correct call, so
the parameters go back to uninitialized and numpy's random state back to
where it was: the failed call changes nothing.

>>> import numpy as np
>>> from teachgrad import Parameter, initializers
>>> W = Parameter(initializers.Constant(1.0))
>>> def fail():
...     raise ValueError('the forward failed')
>>> try:
...     first_call([W], lambda: W.initialize((2, 3)), fail)
... except ValueError:
...     pass
>>> W.data is None
True
"""
import numpy


def first_call(params, initialize, forward):
    """``initialize()`` then ``forward()``; if either raises, ``params`` are
    uninitialized again and the random state is restored. Returns what
    ``forward()`` returns."""
    rng = numpy.random.get_state()
    try:
        initialize()
        return forward()
    except BaseException:
        for param in params:
            param.data = None
            param.cleargrad()
        numpy.random.set_state(rng)
        raise
