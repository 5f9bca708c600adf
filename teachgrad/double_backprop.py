"""Double backprop: backward recorded as a graph, so a gradient can be differentiated again.

``y.backward(enable_double_backprop=True)`` runs each function's one and only
backward with Variables instead of arrays: the output grads are Variables,
the arrays the function kept from its forward (``self.x``, ``self.y``) are
swapped for the Variables they belong to for the length of the call, and
backprop stays on. The backward's own arithmetic then builds a graph, and
``x.grad_var`` is a Variable whose creators lead back to ``x``:

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([2.0]))
>>> y = x ** 3
>>> y.backward(enable_double_backprop=True)
>>> gx = x.grad_var                  # 3 x² = 12, as a Variable in a graph
>>> gx.creator is not None, gx.data
(True, array([12.]))
>>> x.cleargrad()
>>> gx.backward()                    # d(3 x²)/dx = 6 x
>>> x.grad
array([12.])

A function takes part when its class says ``double_backprop = True``: its
backward is written with operations that work on arrays and on Variables
alike (Python's operators, ``utils.sum_to``, ``functions/_ops.py``), and
``tests/test_double_backprop.py`` checks it with
:func:`teachgrad.gradient_check.check_double_backward`. Any other function
stops a double backprop with an error that names it (first-order only).

Functions that a double backprop creates carry ``derivative_order`` (1 for
those made by the first backward, 2 by a backward of those, ...), which the
pictures use to draw them apart from forward's.
"""
from teachgrad import backend
from teachgrad.configuration import config

# Why a function is first-order only, when a class does not say otherwise.
DEFAULT_REASON = 'its backward computes on plain arrays and has not been rewritten for Variables'


def supports(f):
    """True when function node ``f``'s backward can run on Variables."""
    return getattr(type(f), 'double_backprop', False) is True


def backward(f, gys):
    """Run ``f``'s backward on Variables with backprop on: one grad Variable per input.

    Used by ``backprop.backward_steps`` in place of ``function_styles.backward``
    when ``enable_double_backprop`` is set.
    """
    from teachgrad import function_node
    from teachgrad import function_styles
    if not supports(f):
        first_order_only(f)
    gys = tuple(None if g is None else _as_grad_variable(g) for g in gys)
    swapped = _swap_saved_arrays(f)
    start = next(function_node._forward_clock)
    before = config.enable_backprop
    config.enable_backprop = True
    try:
        gxs = function_styles.backward(f, gys)
    finally:
        config.enable_backprop = before
        for name, value in swapped:
            setattr(f, name, value)
    gxs = tuple(None if g is None else _as_grad_variable(g) for g in gxs)
    _mark_made_by_backward(gxs, start, getattr(f, 'derivative_order', 0) + 1)
    return gxs


def first_order_only(f):
    """Stop a double backprop at ``f``, a function whose backward needs plain arrays."""
    reason = getattr(type(f), 'first_order_reason', DEFAULT_REASON)
    raise NotImplementedError(
        '{} ({}) is first-order only: {}. Its gradient can be computed with '
        'backward() as usual, but not differentiated again; call backward() '
        'without enable_double_backprop=True, or build the expression from '
        'functions that support it (see teachgrad/double_backprop.py).'.format(
            type(f).__name__, f.label, reason))


def _as_grad_variable(g):
    from teachgrad.variable import Variable
    if isinstance(g, Variable):
        return g
    return Variable(g, requires_grad=False)     # a constant grad, such as the seed


def _array_of(node):
    """The array of a graph node: from its Variable, the node, or a weak reference."""
    var = node.get_variable_or_none()
    if var is not None:
        return var._data
    if node.data is not None:
        return node.data
    return None if node.array_ref is None else node.array_ref()


def variable_of(node):
    """A Variable for graph ``node``: the learner's if it lives, else a new one on
    the same node (so what is computed from it leads back into the graph)."""
    from teachgrad.variable import Variable
    var = node.get_variable_or_none()
    if var is not None:
        return var
    var = Variable.__new__(Variable)
    var._data = _array_of(node)
    var._grad = None
    var._node = node
    return var


def _swap_saved_arrays(f):
    """Swap each array ``f`` kept that is one of its inputs or outputs for its
    Variable; returns ``[(name, array)]`` to put back after the call."""
    by_id = {}
    nodes = list(f.inputs) + [ref() for ref in f.outputs]
    for node in nodes:
        if node is not None:
            array = _array_of(node)
            if array is not None:
                by_id.setdefault(id(array), node)
    swapped = []
    for name, value in list(vars(f).items()):
        if backend.is_array(value) and id(value) in by_id:
            swapped.append((name, value))
            setattr(f, name, variable_of(by_id[id(value)]))
        elif type(value) is tuple and any(
                backend.is_array(v) and id(v) in by_id for v in value):
            # a tuple of the inputs (einsum keeps its operands so)
            swapped.append((name, value))
            setattr(f, name, tuple(
                variable_of(by_id[id(v)]) if backend.is_array(v) and id(v) in by_id else v
                for v in value))
    return swapped


def _mark_made_by_backward(gxs, start, order):
    """Give every function created since ``start`` on the way to ``gxs`` its
    ``derivative_order``."""
    stack = [g.creator for g in gxs if g is not None and g.creator is not None]
    while stack:
        g = stack.pop()
        if g.forward_order < start or hasattr(g, 'derivative_order'):
            continue
        g.derivative_order = order
        stack.extend(node.creator for node in g.inputs if node.creator is not None)


def grad(outputs, inputs, grad_outputs=None, grad_inputs=None, set_grad=False,
         retain_grad=False, enable_double_backprop=False):
    """The gradients of ``outputs`` with respect to ``inputs``, as a list of Variables.

    Unlike ``backward()``, this leaves every ``.grad`` as it is (unless
    ``set_grad=True``, which also stores each result in its input's
    ``grad_var``). ``grad_outputs``: the seed grad of each output (None: ones
    for a size-1 output); ``grad_inputs``: grads to add to the results.
    ``enable_double_backprop=True`` makes the results Variables in a graph,
    which can be differentiated again. ``retain_grad=True`` keeps the grads
    of the intermediate variables in their ``grad_var``. An input no path
    reaches gets None.

    >>> import numpy as np
    >>> import teachgrad
    >>> import teachgrad.functions as F
    >>> x = teachgrad.Variable(np.array([0.5]))
    >>> gx, = teachgrad.grad([F.sin(x)], [x], enable_double_backprop=True)
    >>> ggx, = teachgrad.grad([gx], [x])
    >>> np.allclose(ggx.data, -np.sin(0.5)), x.grad is None
    (True, True)
    """
    from teachgrad import backprop
    from teachgrad import function_styles
    from teachgrad.variable import Variable
    outputs, inputs = _as_list(outputs, 'outputs'), _as_list(inputs, 'inputs')
    grad_outputs = [None] * len(outputs) if grad_outputs is None else list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError('grad got {} outputs but {} grad_outputs: give one grad (or None) '
                         'per output'.format(len(outputs), len(grad_outputs)))
    run = backward if enable_double_backprop else function_styles.backward
    grads = {}
    for y, gy in zip(outputs, grad_outputs):
        if gy is None:
            if y.data.size != 1:
                raise ValueError(
                    'grad: output of shape {} needs a grad in grad_outputs (only a '
                    'size-1 output is seeded with 1); or reduce it with F.sum'.format(y.shape))
            gy = y.xp.ones_like(y.data)
        if isinstance(gy, Variable) and not enable_double_backprop:
            gy = gy.data
        grads[y.node] = gy if y.node not in grads else grads[y.node] + gy
    targets = {x.node: i for i, x in enumerate(inputs)}
    results = [None] * len(inputs)
    for node, i in targets.items():
        if node in grads:
            results[i] = grads[node]
    for f in backprop.walk([y.node for y in outputs], backward=True):
        outs = [ref() for ref in f.outputs]
        gys = backprop._grads_of(outs, grads)
        if gys is None:
            continue
        gxs = run(f, gys)
        for node in outs:
            if node is not None and node not in targets:
                g = grads.pop(node, None)
                var = node.get_variable_or_none()
                if retain_grad and var is not None and g is not None:
                    var._grad = g
        for node, gx in zip(f.inputs, gxs):
            if gx is None or not node.requires_grad:
                continue
            if getattr(gx, 'shape', None) != node.shape or gx.dtype != node.dtype:
                from teachgrad import checks
                gx = checks.grad_for(f, node, gx)
            grads[node] = gx if grads.get(node) is None else grads[node] + gx
            if node in targets:
                i = targets[node]
                results[i] = gx if results[i] is None else results[i] + gx
    if grad_inputs is not None:
        for i, g in enumerate(grad_inputs):
            if g is not None:
                results[i] = g if results[i] is None else results[i] + g
    results = [None if g is None else (g if isinstance(g, Variable) else Variable(g))
               for g in results]
    if set_grad:
        for x, g in zip(inputs, results):
            x._grad = g if enable_double_backprop or g is None else g.data.copy()
    return results


def _as_list(xs, what):
    from teachgrad.variable import Variable
    if isinstance(xs, Variable):
        return [xs]
    xs = list(xs)
    for x in xs:
        if not isinstance(x, Variable):
            raise TypeError('grad: every one of the {} must be a Variable, got {}'.format(
                what, type(x).__name__))
    return xs


def _copy(self):
    """A new Variable with a copy of the data, in the graph (its grad passes
    through unchanged). backward gives each Variable a grad of its own."""
    return _Copy()(self)


def _make_copy_class():
    from teachgrad.function_node import FunctionNode

    class Copy(FunctionNode):
        label = 'copy'
        chain_rule = ('{gy}',)
        double_backprop = True

        def forward(self, x):
            return x.copy()

        def backward(self, gy):
            return gy
    return Copy


_Copy = None


def install():
    """Bind ``Variable.copy`` (what backward uses to give each grad Variable its own data)."""
    global _Copy
    from teachgrad.variable import Variable
    _Copy = _make_copy_class()
    Variable.copy = _copy

