"""Operations that work on arrays and on Variables alike, for backward code.

A backward written with these (and Python's operators, and
``teachgrad.utils.sum_to``) runs on plain arrays in an ordinary backward,
where each is numpy's (or cupy's) function, and on Variables in a double
backprop, where each is the F function of the same name, so the gradient's
own computation lands in the graph (``teachgrad/double_backprop.py``).

>>> import numpy as np
>>> from teachgrad import Variable
>>> exp(np.zeros(1))
array([1.])
>>> exp(Variable(np.zeros(1))).creator.label
'exp'
"""
from teachgrad import backend
from teachgrad.functions import _ufuncs


def _is_variable(x):
    return not backend.is_array(x) and hasattr(x, 'creator')


def _either(name, f_name=None):
    def op(x, *args, **kwargs):
        if _is_variable(x):
            from teachgrad import functions as F
            return getattr(F, f_name or name)(x, *args, **kwargs)
        # exp, log and the like round as the forward functions do (see _ufuncs).
        rounded = getattr(_ufuncs, name, None)
        if rounded is not None and not args and not kwargs:
            return rounded(x)
        return getattr(backend.get_array_module(x), name)(x, *args, **kwargs)
    op.__name__ = name
    op.__doc__ = 'numpy.{0} for an array, F.{1} for a Variable.'.format(name, f_name or name)
    return op


exp = _either('exp')
log = _either('log')
sqrt = _either('sqrt')
sin = _either('sin')
cos = _either('cos')
tan = _either('tan')
tanh = _either('tanh')
square = _either('square')
broadcast_to = _either('broadcast_to')
reshape = _either('reshape')
transpose = _either('transpose')
swapaxes = _either('swapaxes')
expand_dims = _either('expand_dims')
absolute = _either('absolute')


def power(a, b):
    """``a ** b``: rounded as in ``_ufuncs`` for arrays, F's ``**`` for Variables."""
    if _is_variable(a) or _is_variable(b):
        return a ** b
    return _ufuncs.power(a, b)


def sum(x, axis=None, keepdims=False):
    """``x.sum(axis, keepdims)`` for an array, F.sum for a Variable."""
    if _is_variable(x):
        from teachgrad import functions as F
        return F.sum(x, axis=axis, keepdims=keepdims)
    return x.sum(axis=axis, keepdims=keepdims)


def where(condition, a, b):
    """``xp.where(condition, a, b)``; ``condition`` is a constant array (a mask),
    ``a`` and ``b`` may be Variables, arrays or numbers."""
    if _is_variable(a) or _is_variable(b):
        from teachgrad import functions as F
        like = a if _is_variable(a) else b
        xp = backend.get_array_module(like.data)
        a = a if _is_variable(a) else xp.broadcast_to(xp.asarray(a, like.dtype), condition.shape)
        b = b if _is_variable(b) else xp.broadcast_to(xp.asarray(b, like.dtype), condition.shape)
        return F.where(condition, a, b)
    return backend.get_array_module(condition).where(condition, a, b)


def data(x):
    """The array of a Variable, or the array itself: for masks and other constants."""
    return x.data if _is_variable(x) else x


sinh = _either('sinh')
cosh = _either('cosh')
moveaxis = _either('moveaxis')
flip = _either('flip')


def split(x, indices_or_sections, axis):
    """``xp.split`` for an array, F.split_axis for a Variable (a tuple either way)."""
    if _is_variable(x):
        from teachgrad import functions as F
        return tuple(F.split_axis(x, indices_or_sections, axis, force_tuple=True))
    return tuple(backend.get_array_module(x).split(x, indices_or_sections, axis=axis))


def concatenate(xs, axis):
    """``xp.concatenate`` of arrays, F.concat when one of them is a Variable."""
    if any(_is_variable(x) for x in xs):
        from teachgrad import functions as F
        return F.concat(xs, axis=axis)
    return backend.get_array_module(*xs).concatenate(xs, axis=axis)


def stack(xs, axis):
    """``xp.stack`` of arrays, F.stack when one of them is a Variable."""
    if any(_is_variable(x) for x in xs):
        from teachgrad import functions as F
        return F.stack(xs, axis=axis)
    return backend.get_array_module(*xs).stack(xs, axis=axis)


def astype(x, dtype):
    """``x.astype(dtype, copy=False)`` for an array, F.cast for a Variable."""
    if _is_variable(x):
        from teachgrad import functions as F
        return x if x.dtype == dtype else F.cast(x, dtype)
    return x.astype(dtype, copy=False)


def take(x, order, axis):
    """``x.take(order, axis)`` for a permutation ``order``; F.permutate for a Variable."""
    if _is_variable(x):
        from teachgrad import functions as F
        return F.permutate(x, order, axis)
    return x.take(order, axis=axis)


def clip(x, x_min, x_max):
    """``xp.clip`` for an array, F.clip for a Variable."""
    if _is_variable(x):
        from teachgrad import functions as F
        return F.clip(x, x_min, x_max)
    return backend.get_array_module(x).clip(x, x_min, x_max)


def cumsum(x, axis):
    """``xp.cumsum`` for an array, F.cumsum for a Variable."""
    if _is_variable(x):
        from teachgrad import functions as F
        return F.cumsum(x, axis)
    return backend.get_array_module(x).cumsum(x, axis=axis)


def matmul(a, b):
    """``a @ b`` of arrays, F.matmul when one of them is a Variable."""
    if _is_variable(a) or _is_variable(b):
        from teachgrad import functions as F
        return F.matmul(a, b)
    return a @ b
