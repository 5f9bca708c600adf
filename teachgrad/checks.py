"""The checks the engine makes on what a learner hands it, and the errors that teach.

Each error says what was wrong, with the shapes or types involved, and how to
fix it. The kernel (``variable.py``, ``function_node.py``, ``backprop.py``,
``functions/basic_math.py``) calls these in one line each, so that reading it
stays reading the algorithm.

>>> import numpy as np
>>> check_array([1.0, 2.0])
Traceback (most recent call last):
    ...
TypeError: Variable data must be a numpy or cupy ndarray, but got list. For example: Variable(np.array([1.0, 2.0], dtype=np.float32)).
"""
import numbers
import warnings

import numpy

from teachgrad import backend


def check_array(data, what='data'):
    """A Variable holds an ndarray (or None), nothing else."""
    if type(data) is numpy.ndarray or data is None or backend.is_array(data):
        return
    example = ''
    if isinstance(data, numpy.generic):      # e.g. np.float32(2.0), what x.sum() gives
        example = ' For example: Variable(np.asarray(value)).'
    elif isinstance(data, (list, tuple, int, float)):
        example = (' For example: Variable(np.array({!r}, dtype=np.float32)).'
                   .format(data))
    raise TypeError(
        'Variable {} must be a numpy or cupy ndarray, but got {}.{}'.format(
            what, type(data).__name__, example))


def check_grad(var, g):
    """``g`` as an array that fits Variable ``var``, or an error that says how to make it fit."""
    from teachgrad.variable import Variable
    if isinstance(g, Variable):
        g = g.data
    check_array(g, 'grad')
    data = var.data
    if data is not None and g.shape != data.shape:
        raise ValueError(
            'grad has shape {} but {} has shape {}: a gradient must have '
            "exactly its variable's shape. For an output y, set "
            'y.grad = np.ones(y.shape, dtype=y.dtype).'.format(
                g.shape, var.name or 'the variable', data.shape))
    if data is not None and g.dtype != data.dtype:
        raise TypeError(
            'grad has dtype {} but the data has dtype {}: use '
            'grad.astype({!r}).'.format(g.dtype, data.dtype, str(data.dtype)))
    return g


def check_input(x):
    """A function's input is a Variable or an ndarray."""
    if not backend.is_array(x):
        raise TypeError(
            'functions take Variables or ndarrays, but got {}. Wrap plain '
            'numbers or lists with np.array(..., dtype=np.float32).'.format(
                type(x).__name__))


def check_broadcast(op, a, b):
    """The two operands of ``op`` have shapes numpy can broadcast together."""
    try:
        numpy.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            '{}: shapes {} and {} cannot be broadcast together. Matching '
            'dimensions must be equal or 1 (compare from the right); reshape '
            'one operand, e.g. with F.reshape or F.expand_dims.'.format(
                op, a.shape, b.shape)) from None


def check_operand(op, x, c):
    """The constant ``c`` beside ``x`` in ``op``, in ``x``'s dtype.

    It must be a number, or an array that broadcasts with ``x`` (the error
    names the operator, as between Variables). An array or numpy number takes
    ``x``'s dtype, as in Chainer: ``h + 0.2 * np.random.randn(*h.shape)``
    keeps a float32 ``h`` float32 rather than turning it into float64.
    """
    if not (isinstance(c, (numbers.Number, numpy.generic)) or backend.is_array(c)):
        raise TypeError(
            "unsupported operand for {}: Variable and {}. Use a Variable, a numpy "
            "array or a Python number.".format(op, type(c).__name__))
    if not backend.is_array(x):     # a Variable (an ndarray's .data is a memoryview)
        x = x.data
    if x is None:
        return c
    if backend.is_array(c) and c.shape != x.shape:
        check_broadcast(op, x, c)
    if (isinstance(c, numpy.generic) or backend.is_array(c)) and c.dtype != x.dtype \
            and x.dtype.kind == 'f' and c.dtype.kind in 'biuf':
        c = c.astype(x.dtype)
    return c


def wrong_number_of_grads(f, gxs):
    """A backward gives one grad (or None) per input; this one did not."""
    raise ValueError('{}.backward returned {} gradients for {} inputs'.format(
        type(f).__name__, len(gxs), len(f.inputs)))


def wrong_grad_shape(f, node, gx):
    """Each grad has the shape of its input; this one does not."""
    raise ValueError(
        '{}.backward returned a gradient of shape {} for an input of shape {}; '
        'each gradient must have the shape of its input.'.format(
            type(f).__name__, gx.shape, node.shape))


def warn_no_seed(y):
    """backward() on an output of more than one number, with no grad to start from."""
    # A fixed location instead of the caller's: in a notebook the caller is a
    # temporary file named after the kernel's process id, which would make the
    # stored output of a lesson differ on every run.
    warnings.warn_explicit(
        'backward() was called on an output of shape {} without a gradient, so '
        'no gradients were computed. Either set the initial gradient first, '
        'y.grad = np.ones({}, dtype=np.{}), or reduce the output to a single '
        'number, for example F.sum(y).backward().'.format(y.shape, y.shape, y.dtype),
        UserWarning, 'teachgrad.backward', 0, module='teachgrad.backprop')


def warn_no_graph(y):
    """backward() on a result with no graph behind it (e.g. made in no_backprop_mode)."""
    shape = 'scalar' if y.shape == () else 'shape {}'.format(y.shape)
    # A fixed location, as in warn_no_seed.
    warnings.warn_explicit(
        'backward() found no graph behind this {} variable, so no gradients were '
        'computed. It was made inside "with no_backprop_mode():" (or only from '
        'arrays and Variables with requires_grad=False), where functions record '
        'nothing to go back through. Compute it outside no_backprop_mode to get '
        'gradients.'.format(shape), UserWarning, 'teachgrad.backward', 0,
        module='teachgrad.backprop')


def undo_grads_on_failure(steps, touched):
    """Run the backward ``steps``; if one fails, put back every grad ``touched`` recorded."""
    try:
        yield from steps
    except Exception:
        for var, grad in reversed(touched):
            var._grad = grad
        raise


def grad_for(f, node, gx):
    """``f``'s grad ``gx`` for input ``node`` as an array of its shape and dtype.

    numpy promotes mixed dtypes (float32 + float64 -> float64): such a grad is
    cast back. Anything else that does not fit gets an error that teaches.
    """
    if not hasattr(gx, 'shape'):        # numpy's 0-d scalars pass
        grad_not_an_array(f, node, gx)
    if gx.shape != node.shape:
        wrong_grad_shape(f, node, gx)
    return grad_as_dtype(gx, node, f)


def grad_not_an_array(f, node, gx):
    """A backward returned something that is not an array as a gradient."""
    raise TypeError(
        '{}.backward returned a {} as the gradient of an input of shape {}; each '
        'gradient must be an array (or None for no gradient). Wrap a number as '
        'xp.full(shape, value, dtype).'.format(type(f).__name__, type(gx).__name__,
                                                 node.shape))


def grad_as_dtype(gx, node, f):
    """``gx`` cast to its variable's dtype, or an error where that would cut it.

    numpy promotes mixed dtypes (float32 + float64 -> float64): such a grad is
    cast back. An integer variable keeps integer grads; a fractional grad
    cannot become one without being cut, so it is refused.
    """
    dtype = node.dtype
    if dtype.kind in 'fc' or backend.get_array_module(gx).can_cast(
            gx.dtype, dtype, casting='same_kind'):
        if not backend.is_array(gx):
            from teachgrad.functions import _ops   # a grad Variable (double backprop)
            return _ops.astype(gx, dtype)
        return gx.astype(dtype)
    raise TypeError(
        '{} sent a {} gradient to {}, which holds {} values. Integers are not '
        'differentiable, so an integer variable can only take integer grads. If '
        'you want its gradient, make it a float: Variable(x.astype(np.float32)).'
        .format(type(f).__name__, gx.dtype, node.name or 'a variable', dtype))


def explain_missing_data(f, inputs, error):
    """A forward failed: if an input held no data (None), say that instead."""
    # A Variable(None) (a placeholder, an uninitialized parameter) makes numpy
    # fail deep inside forward with a message about NoneType; name the cause.
    empty = [i for i, x in enumerate(inputs) if x.data is None]
    if empty:
        names = ', '.join('input {}{}'.format(i, ' ({})'.format(inputs[i].name)
                                             if inputs[i].name else '') for i in empty)
        raise TypeError(
            '{!r} got a Variable with no data (None) as {}. Give it an array first, '
            'e.g. x.data = np.zeros((2, 3), dtype=np.float32); an uninitialized '
            'parameter (W of L.Linear(out_size)) gets one on the link\'s first '
            'call.'.format(f.label if isinstance(f.label, str) else type(f).__name__,
                           names)) from error
