"""forget: trade time for memory by running a function twice.

``forget(f, x)`` runs ``f`` without recording its graph, so none of its
intermediate results are kept. In backward it runs ``f`` again, this time
recording, and sends the gradient through that fresh graph. The gradients
are the same as those of ``f(x)``; only the memory and the time differ.

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([1., 2.]))
>>> y = forget(lambda a: a * a * a, x)
>>> y.creator.label
'forget'
>>> y.grad = np.ones(2)
>>> y.backward()
>>> x.grad
array([ 3., 12.])
"""
from teachgrad import backend
from teachgrad.configuration import force_backprop_mode, no_backprop_mode, using_config
from teachgrad.function_node import FunctionNode
from teachgrad.variable import Variable


def _outputs(func, xs):
    ys = func(*xs)
    ys = ys if isinstance(ys, tuple) else (ys,)
    for i, y in enumerate(ys):
        if not isinstance(y, Variable):
            raise TypeError(
                'forget: the function must return a Variable or a tuple of Variables, '
                'but output {} is a {}; build it from the teachgrad functions it '
                'was given.'.format(i, type(y).__name__))
    return ys


class _Seed(FunctionNode):
    """Joins the recomputed outputs into one node, so one backward() hands each
    output the gradient that arrived at forget's own output."""
    label = 'grad of forget'

    def __init__(self, grads):
        self.grads = grads

    def forward(self, *ys):
        return backend.get_array_module(*ys).zeros((), dtype=ys[0].dtype)

    def backward(self, gy):
        return self.grads


class Forget(FunctionNode):
    first_order_reason = ('its backward runs func again and calls backward() on that inner '
                          'graph, which gives arrays; passing a double backprop through it is '
                          'not wired yet')
    label = 'forget'
    chain_rule = 'gxs = the gradients of func, found by running func again with its graph'

    def __init__(self, func):
        if not callable(func):
            raise TypeError('forget: the first argument must be a function, but got a '
                            '{}; call it as F.forget(f, x1, x2, ...)'.format(
                                type(func).__name__))
        self.func = func

    def forward(self, *xs):
        self.xs = xs
        with no_backprop_mode():
            ys = _outputs(self.func, [Variable(x) for x in xs])
        return tuple(y.data for y in ys)

    def backward(self, *gys):
        # Fresh leaves: the recomputed graph ends here, not in the outer graph.
        xs = [Variable(x) for x in self.xs]
        # config.in_recomputing tells a link such as BatchNormalization that this
        # is the second run, so it does not update its statistics twice.
        with force_backprop_mode(), using_config('in_recomputing', True):
            ys = _outputs(self.func, xs)
            if len(ys) != len(gys):
                raise RuntimeError('forget: the function returned {} outputs the first '
                                   'time and {} the second'.format(len(gys), len(ys)))
            _Seed(gys)(*ys).backward()
        return tuple(x.grad for x in xs)


def forget(func, *xs):
    """Call ``func(*xs)`` without keeping its intermediate results; recompute them in backward.

    ``func`` takes Variables and returns a Variable or a tuple of them. It
    must compute the same thing every time it is called (no dropout).
    Parameters of links used inside ``func`` get their gradients as usual.

    First-order only: its backward runs func again and calls backward() on that inner graph,
    which gives arrays; passing a double backprop through it is not wired yet.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> a, b = Variable(np.array([2.])), Variable(np.array([3.]))
    >>> z = forget(lambda a, b: (a + b) * a, a, b)
    >>> z.backward()
    >>> a.grad, b.grad
    (array([7.]), array([2.]))
    """
    xs = tuple(x if isinstance(x, Variable) else Variable(x) for x in xs)
    ys = Forget(func).apply(xs)
    return ys[0] if len(ys) == 1 else ys
