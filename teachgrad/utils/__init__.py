"""Small array helpers shared by the functions.

>>> import numpy as np
>>> sum_to(np.ones((2, 3)), (3,))
array([2., 2., 2.])
"""
import numpy

from teachgrad import backend


def shape_text(shape, dtype=None):
    """A shape (and dtype) as pictures and captions write it.

    ``'(None)'`` is a parameter that gets its shape on the first call; the
    repr of one reads ``variable W(None)`` too.

    >>> shape_text((2, 3)), shape_text((5,), numpy.float32), shape_text(None)
    ('(2, 3)', '(5,) float32', '(None)')
    """
    if shape is None:
        return '(None)'
    text = str(tuple(shape))
    return text if dtype is None else text + ' ' + numpy.dtype(dtype).name


def sum_to(x, shape):
    """Sum ``x`` over the axes that broadcasting added or stretched, giving ``shape``.

    This is the backward of broadcasting: a value that was copied to many
    places receives the sum of the gradients of all its copies.
    """
    shape = tuple(shape)
    if x.shape == shape:
        return x
    if not backend.is_array(x):                 # a Variable, in a double backprop
        from teachgrad.functions import sum_to as sum_to_in_graph
        return sum_to_in_graph(x, shape)
    lead = x.ndim - len(shape)
    if lead < 0:
        raise ValueError('cannot sum an array of shape {} to the larger shape {}'
                         .format(x.shape, shape))
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1)
    y = x.sum(axis=axes, keepdims=True)
    if lead:
        y = y.reshape(shape)
    return backend.get_array_module(x).asarray(y)


def force_array(x, dtype=None):
    """Turn numpy scalars (what 0-d operations return) back into arrays."""
    xp = backend.get_array_module(x)
    return xp.asarray(x, dtype=dtype)


def force_type(dtype, value):
    """Cast ``value`` to ``dtype`` if it is an array of another dtype."""
    if backend.is_array(value) and value.dtype != dtype:
        return value.astype(dtype, copy=False)
    return value


from teachgrad.utils import type_check  # NOQA  (checks of a function's inputs)
# Chainer's helpers under teachgrad.utils (their own files in this package).
from teachgrad.utils.experimental import experimental  # NOQA
from teachgrad.utils import cache  # NOQA
