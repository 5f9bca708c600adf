"""The backward pass, written once as a sequence of steps.

``Variable.backward()`` runs :func:`backward_steps` to the end, the steppers
pull the same generator one step at a time, and the pictures read what it
recorded (``backward_order``, ``grad_state``): no second implementation.

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([2.], dtype=np.float32))
>>> y = x * x + x
>>> [step.function.label for step in backward_steps(y)]
['+', '*']
>>> x.grad
array([5.], dtype=float32)
"""
import collections
import operator

from teachgrad import backend
from teachgrad import checks
from teachgrad import double_backprop
from teachgrad import function_styles


def walk(roots, backward=False):
    """The function nodes behind ``roots`` (VariableNodes), in teachgrad's one order.

    By ``rank`` (the distance from the leaves, which grows along every
    arrow), and within a rank in the order forward ran them. So each function
    comes after the ones that made its inputs (pictures, steppers); with
    ``backward=True`` ranks go from the outputs down, so each comes after all
    the ones that used its outputs, and its grad is complete when its turn
    comes. A stack, not recursion: long chains are fine.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> x = Variable(np.array([1.], dtype=np.float32))
    >>> a = x * 2; b = x * 3; y = b + a
    >>> [f.label for f in walk([y.node])]
    ['* 2', '* 3', '+']
    >>> [f.label for f in walk([y.node], backward=True)]
    ['+', '* 2', '* 3']
    """
    found, seen = [], set()
    stack = [root.creator for root in roots if root.creator is not None]
    while stack:
        f = stack.pop()
        if f in seen:
            continue
        seen.add(f)
        found.append(f)
        stack.extend(node.creator for node in f.inputs if node.creator is not None)
    # Sorting is stable: sorted by rank, they keep forward's order within a rank.
    found.sort(key=_forward_order)
    found.sort(key=_rank, reverse=backward)
    return found


_forward_order = operator.attrgetter('forward_order')
_rank = operator.attrgetter('rank')


class BackwardStep(collections.namedtuple(
        'BackwardStep', ('index', 'function', 'grad_outputs', 'grad_inputs'))):
    """What one step of backward did: which function ran, what grads went in
    (one per output) and came out (one per input, None where none flows)."""
    __slots__ = ()

    def __repr__(self):
        return '<BackwardStep {}: {}>'.format(self.index, self.function.label)


def backward_steps(y, retain_grad=False, enable_double_backprop=False):
    """Yield one :class:`BackwardStep` per function node, outputs before inputs.

    Functions run in the order of :func:`walk` with ``backward=True``, so a
    node's grad is complete (every path into it summed) before its creator
    runs; a function that no grad reaches is skipped. Leaf grads are added to
    ``Variable.grad`` as soon as they are produced; intermediate grads live
    only in this generator unless ``retain_grad`` keeps them.

    A backward that fails halfway puts every grad it changed back as it was.
    With ``enable_double_backprop`` each backward runs on Variables and so
    records its own graph (``double_backprop.py``).
    """
    touched = [(y, y._grad)]        # (variable, its grad before this backward)
    run = double_backprop.backward if enable_double_backprop else function_styles.backward
    return checks.undo_grads_on_failure(_steps(y, retain_grad, touched, run), touched)


def _steps(y, retain_grad, touched, run_backward):
    root = y.node
    seed = _seed_grad(y)
    root.grad_state = 'seed'
    if root.creator is None and not root.requires_grad:
        checks.warn_no_graph(y)
    if seed is None or root.creator is None:
        return
    grads = {root: seed}        # the grads of nodes whose creator has not run yet
    count = 0
    for f in walk([root], backward=True):
        outputs = [ref() for ref in f.outputs]      # None where an output died
        gys = _grads_of(outputs, grads)
        if gys is None:
            continue                                # no grad reached f
        gxs = run_backward(f, gys)          # f._backward, + hooks: a grad per input
        count += 1
        f.backward_order = count
        for node in outputs:
            if node is not None and node is not root:   # None: it died, grad and all
                _free_or_retain(node, grads, retain_grad)
        for node, gx in zip(f.inputs, gxs):
            if gx is not None and node.requires_grad:
                _send(f, node, gx, grads, touched)
        yield BackwardStep(count, f, gys, gxs)


def _seed_grad(y):
    """The grad that starts backward at ``y``, or None (with a warning) if unknown."""
    if y.grad is None and y.data.size == 1:
        y.grad = y.xp.ones_like(y.data)
    if y.grad is None:
        checks.warn_no_seed(y)
    return y._grad      # an array, or a Variable (grad_var) for a double backprop


def _grads_of(outputs, grads):
    """One grad per output (zeros for one nobody used); None if none reached f."""
    gys = [grads.get(node) for node in outputs]
    if len(gys) == 1:
        return None if gys[0] is None else (gys[0],)
    if all(g is None for g in gys):
        return None
    for i, node in enumerate(outputs):
        if gys[i] is None and node is not None:
            xp = backend.get_array_module(*gys)     # the device of its siblings' grads
            gys[i] = xp.zeros(node.shape, dtype=node.dtype)
    return tuple(gys)


def _free_or_retain(node, grads, retain_grad):
    """An intermediate grad is done with once its creator ran: drop it or keep a copy."""
    g = grads.pop(node, None)
    var = node._variable()          # the Variable, or None if the learner dropped it
    node.grad_state = 'retained' if retain_grad else 'freed'
    if var is not None and (g is not None or not retain_grad):
        var._grad = g.copy() if retain_grad else None   # a grad of its own (see _send)


def _send(f, node, gx, grads, touched):
    """Pass ``f``'s grad ``gx`` to its input ``node``: summed with the grads of
    the other paths into it, and, for a leaf, added to its Variable's grad."""
    if getattr(gx, 'shape', None) != node.shape or gx.dtype != node.dtype:
        gx = checks.grad_for(f, node, gx)   # a teaching error, or numpy's promotion undone
    if node.creator is not None:
        old = grads.get(node)
        grads[node] = gx if old is None else old + gx
        return
    var = node._variable()
    if var is None:
        return                      # the learner dropped this leaf
    touched.append((var, var._grad))
    # A copy, or a fresh sum: two Variables must never share a grad array, or
    # an in-place update of one (weight decay does grad += rate * param) would
    # change the other, and a backward may hand the same array to two inputs.
    var._grad = gx.copy() if var._grad is None else var._grad + gx
