"""Check a backward against the definition of a derivative.

A derivative is how much the output moves when an input moves a little.
:func:`numerical_grad` measures exactly that, one element at a time
(``(f(x + eps) - f(x - eps)) / (2 * eps)``); :func:`check_backward` compares
the result with what the function's ``backward`` computed. Writing a new
function and checking it this way is the best test of its backward.

>>> import numpy as np
>>> import teachgrad.functions as F
>>> x = np.random.uniform(0.5, 2, (2, 3))          # float64 for precision
>>> check_backward(F.log, x, np.ones((2, 3)))     # silent when correct
"""
import numpy

from teachgrad import backend
from teachgrad.configuration import no_backprop_mode
from teachgrad.function_node import FunctionNode
from teachgrad.variable import Variable


def _as_tuple(x):
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _output_arrays(ys):
    return tuple(y.data if isinstance(y, Variable) else y for y in _as_tuple(ys))


def numerical_grad(f, inputs, grad_outputs, eps=1e-3):
    """Gradients of ``f`` by central differences.

    Args:
        f: a function with no arguments that computes the outputs from the
            arrays in ``inputs`` and returns them (an array, a Variable, or a
            tuple of them).
        inputs: tuple of arrays that ``f`` reads. Each element is moved by
            ``+eps`` and ``-eps`` in place and then put back.
        grad_outputs: tuple of arrays, one per output of ``f`` (None for an
            output that does not count): the gradient arriving at each output.
        eps: the small step.

    Returns:
        A tuple with one gradient array per input:
        ``sum(grad_output * d output / d input)``.

    >>> import numpy as np
    >>> x = np.array([1., 2., 3.])
    >>> def f():
    ...     return x ** 2,
    >>> gx, = numerical_grad(f, (x,), (np.ones(3),))
    >>> np.round(gx, 6)
    array([2., 4., 6.])
    """
    inputs = _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs)
    grads = []
    for x in inputs:
        xp = backend.get_array_module(x)
        gx = xp.zeros(x.shape, dtype=x.dtype)
        for index in numpy.ndindex(*x.shape):
            orig = x[index].copy()
            x[index] = orig + eps
            ys_plus = [y.copy() for y in _output_arrays(f())]
            x[index] = orig - eps
            ys_minus = [y.copy() for y in _output_arrays(f())]   # outputs may be views of x
            x[index] = orig
            slope = 0
            for y1, y2, gy in zip(ys_plus, ys_minus, grad_outputs):
                if gy is not None:
                    slope = slope + ((y1 - y2) * gy).sum()
            gx[index] = slope / (2 * eps)
        grads.append(gx)
    return tuple(grads)


class _GradientSink(FunctionNode):
    """Joins every output into one node whose backward hands each output its
    chosen gradient, so a single ``backward()`` serves many outputs."""
    label = 'check_backward'

    def __init__(self, grads):
        self.grads = grads

    def forward(self, *ys):
        return backend.get_array_module(*ys).zeros((), dtype=ys[0].dtype)

    def backward(self, gy):
        return self.grads


def _describe(i, x, kind='input'):
    return '{} {} (shape {}, {})'.format(kind, i, x.shape, x.dtype)


def check_backward(func, x_data, y_grad, params=(), eps=1e-3, atol=1e-5, rtol=1e-4,
                   no_grads=None, dtype=None):
    """Raise AssertionError if ``func``'s backward disagrees with numerical gradients.

    Args:
        func: takes Variables (one per array in ``x_data``) and returns a
            Variable or a tuple of Variables.
        x_data: an array or a tuple of arrays, the inputs.
        y_grad: the gradient arriving at each output (an array or a tuple);
            None when ``func`` returns a single number (size-1 output).
        params: Variables (e.g. a link's parameters) used inside ``func``
            whose gradients are checked too.
        eps: the step of the numerical derivative.
        atol, rtol: the check passes where
            ``|analytical - numerical| <= atol + rtol * |numerical|``.
        no_grads: one bool per input; True skips that input. By default
            inputs that are not floats (labels) are skipped, and they must not
            receive a gradient.
        dtype: compute the numerical gradient in this dtype (e.g.
            ``np.float64`` to check float32 code accurately).

    >>> import numpy as np
    >>> import teachgrad.functions as F
    >>> x = np.array([[1., -2.], [3., 0.5]])
    >>> check_backward(F.square, x, np.ones((2, 2)))
    >>> class WrongSquare(FunctionNode):
    ...     def forward(self, x):
    ...         self.x = x
    ...         return x * x
    ...     def backward(self, gy):
    ...         return gy * self.x           # forgot the 2
    >>> check_backward(lambda x: WrongSquare()(x), x, np.ones((2, 2)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: check_backward: the gradient of input 0 (shape (2, 2), float64) is wrong: ...
    """
    x_data = _as_tuple(x_data)
    params = _as_tuple(params)
    if no_grads is None:
        no_grads = [x.dtype.kind != 'f' for x in x_data]
    elif len(no_grads) != len(x_data):
        raise ValueError('check_backward: no_grads has {} entries for {} inputs'
                         .format(len(no_grads), len(x_data)))

    # The analytical gradients: one real backward.
    xs = [Variable(x) for x in x_data]
    for p in params:
        p.cleargrad()
    ys = _as_tuple(func(*xs))
    y_grad = _check_y_grad(ys, y_grad)
    sink = _GradientSink(y_grad)(*ys)
    sink.backward()
    analytical = [x.grad for x in xs] + [p.grad for p in params]

    # The numerical gradients: the same func on copies moved by +-eps.
    def cast(a):
        return a.astype(dtype) if dtype is not None and a.dtype.kind == 'f' else a.copy()

    x_num = [cast(x) for x in x_data]
    saved = [p.data for p in params]
    p_num = [cast(p.data) for p in params]
    gy_num = tuple(None if g is None else cast(g) for g in y_grad)
    checked = [i for i, skip in enumerate(no_grads) if not skip]

    def f():
        with no_backprop_mode():
            return func(*[Variable(x) for x in x_num])

    try:
        for p, a in zip(params, p_num):
            p.data = a
        numerical = numerical_grad(f, [x_num[i] for i in checked] + p_num, gy_num, eps)
    finally:
        for p, a in zip(params, saved):
            p.data = a

    for i, skip in enumerate(no_grads):
        if skip and x_data[i].dtype.kind != 'f' and analytical[i] is not None:
            raise AssertionError(
                'check_backward: {} is not a float array, so it must get no gradient, '
                'but backward gave it one'.format(_describe(i, x_data[i])))
    targets = [(i, x_data[i], 'input') for i in checked]
    targets += [(j, p.data, 'parameter ' + (p.name or '')) for j, p in enumerate(params)]
    analytical = [analytical[i] for i in checked] + analytical[len(xs):]
    for (i, x, kind), num, ana in zip(targets, numerical, analytical):
        _compare(_describe(i, x, kind.strip()), x, num, ana, atol, rtol)


def _check_y_grad(ys, y_grad):
    if y_grad is None:
        for y in ys:
            if y.size != 1:
                raise ValueError(
                    'check_backward: y_grad is None, which works only for outputs with '
                    'one element, but an output has shape {}. Pass y_grad, e.g. '
                    'np.random.randn(*y.shape).'.format(y.shape))
        return tuple(y.xp.ones_like(y.data) for y in ys)
    y_grad = _as_tuple(y_grad)
    if len(y_grad) != len(ys):
        raise ValueError('check_backward: func returned {} outputs but y_grad has {} '
                         'arrays'.format(len(ys), len(y_grad)))
    for y, g in zip(ys, y_grad):
        if g is not None and g.shape != y.shape:
            raise ValueError('check_backward: an output has shape {} but its y_grad has '
                             'shape {}'.format(y.shape, g.shape))
    return y_grad


def _compare(what, x, num, ana, atol, rtol):
    if ana is None:
        if not (backend.to_cpu(num) == 0).all():
            raise AssertionError(
                'check_backward: {} got no gradient (its grad is None) but the '
                'numerical gradient is\n{}'.format(what, backend.to_cpu(num)))
        return
    num_c = backend.to_cpu(num).astype(numpy.float64)
    ana_c = backend.to_cpu(ana).astype(numpy.float64)
    diff = abs(ana_c - num_c)
    if not (diff <= atol + rtol * abs(num_c)).all():
        raise AssertionError(
            'check_backward: the gradient of {} is wrong: max abs difference {:.6g} '
            '(atol={:g}, rtol={:g})\nnumerical grad:\n{}\nanalytical grad (from '
            'backward):\n{}'.format(what, diff.max(), atol, rtol, num_c, ana_c))


def check_double_backward(func, x_data, y_grad, x_grad_grad, params=(), params_grad_grad=(),
                          eps=1e-3, atol=1e-4, rtol=1e-3, no_grads=None, dtype=None,
                          detect_nondifferentiable=False):
    """Raise AssertionError if the gradient of ``func``'s gradient is wrong.

    The first-order backward, run with ``enable_double_backprop=True``, is a
    function of the inputs and the output grads: ``(x, gy) -> (gx, gparams)``.
    This checks *its* backward with :func:`check_backward`, so the grads of
    ``gx`` with respect to ``x`` and ``gy`` (second derivatives) are compared
    with numerical ones.

    Args:
        func, x_data, params, eps, atol, rtol, no_grads, dtype: as for
            :func:`check_backward`.
        y_grad: the output grads (an array or a tuple; None for a size-1
            output), which are inputs of the first-order backward here.
        x_grad_grad: the grads arriving at each input's grad ``gx``.
        params_grad_grad: the grads arriving at each parameter's grad.
        detect_nondifferentiable: accepted for compatibility; teachgrad's
            numerical derivative does not look for kinks.

    >>> import numpy as np
    >>> import teachgrad.functions as F
    >>> x = np.array([0.3, -1.2])
    >>> check_double_backward(F.tanh, x, np.ones(2), np.ones(2))   # silent when right
    """
    from teachgrad.configuration import force_backprop_mode
    from teachgrad.double_backprop import grad
    x_data = _as_tuple(x_data)
    params = _as_tuple(params)
    n_x = len(x_data)
    if y_grad is None:
        with no_backprop_mode():
            ys = _as_tuple(func(*[Variable(x) for x in x_data]))
        y_grad = tuple(y.xp.ones_like(y.data) for y in ys)
    y_grad = _as_tuple(y_grad)
    x_grad_grad = _as_tuple(x_grad_grad)
    params_grad_grad = _as_tuple(params_grad_grad)
    if len(x_grad_grad) != n_x:
        raise ValueError('check_double_backward: x_grad_grad has {} arrays for {} inputs'
                         .format(len(x_grad_grad), n_x))
    if len(params_grad_grad) != len(params):
        raise ValueError('check_double_backward: params_grad_grad has {} arrays for {} '
                         'params'.format(len(params_grad_grad), len(params)))
    if no_grads is None:
        no_grads = [x.dtype.kind != 'f' for x in x_data]
    wanted = [i for i in range(n_x) if not no_grads[i]]

    def first_order_grad(*inputs):
        xs, gys = inputs[:n_x], inputs[n_x:]
        with force_backprop_mode():
            ys = _as_tuple(func(*xs))
            gxs = grad(list(ys), [xs[i] for i in wanted] + list(params),
                       grad_outputs=list(gys), enable_double_backprop=True)
        out = []
        for g, target in zip(gxs, [xs[i] for i in wanted] + list(params)):
            out.append(Variable(target.xp.zeros_like(target.data), requires_grad=False)
                       if g is None else g)
        return tuple(out)

    inputs = x_data + tuple(g for g in y_grad)
    ggs = tuple(x_grad_grad[i] for i in wanted) + params_grad_grad
    check_backward(first_order_grad, inputs, ggs, params=params, eps=eps, atol=atol,
                   rtol=rtol, no_grads=list(no_grads) + [False] * len(y_grad), dtype=dtype)
