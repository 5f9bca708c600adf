"""The backward pass, written once as a sequence of steps.

``Variable.backward()`` runs :func:`backward_steps` to the end; the stepping
widgets pull the very same generator one step at a time, and the graph pictures
read what it recorded (each function's ``backward_order``, each node's
``grad_state``). There is no second implementation to drift apart.

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([2.], dtype=np.float32))
>>> y = x * x + x
>>> [step.function.label for step in backward_steps(y)]
['+', '*']
>>> x.grad
array([5.], dtype=float32)
"""
import heapq
import warnings

from teachgrad import backend
from teachgrad import function_hook as _function_hook


class BackwardStep:
    """What one step of backward did: which function ran, what grads went in
    (one per output) and came out (one per input, None where none flows)."""
    __slots__ = ('index', 'function', 'grad_outputs', 'grad_inputs')

    def __init__(self, index, function, grad_outputs, grad_inputs):
        self.index = index
        self.function = function
        self.grad_outputs = grad_outputs
        self.grad_inputs = grad_inputs

    def __repr__(self):
        return '<BackwardStep {}: {}>'.format(self.index, self.function.label)


def _seed_grad(y):
    """The grad that starts backward at ``y``, or None (with a warning) if unknown."""
    if y.grad is not None:
        return y.grad
    if y.data.size == 1:
        y.grad = y.xp.ones_like(y.data)
        return y.grad
    # A fixed location instead of the caller's: in a notebook the caller is a
    # temporary file named after the kernel's process id, which would make the
    # stored output of a lesson differ on every run.
    warnings.warn_explicit(
        'backward() was called on an output of shape {} without a gradient, so '
        'no gradients were computed. Either set the initial gradient first, '
        'y.grad = np.ones({}, dtype=np.{}), or reduce the output to a single '
        'number, for example F.sum(y).backward().'.format(y.shape, y.shape, y.dtype),
        UserWarning, 'teachgrad.backward', 0, module='teachgrad.backprop')
    return None


def backward_steps(y, retain_grad=False):
    """Yield one :class:`BackwardStep` per function node, outputs before inputs.

    A backward that fails halfway (a backward returning a gradient of the
    wrong shape, a float gradient for an integer variable) puts the output's
    and every leaf's grad back as they were before it started.
    """
    touched = [(y, y._grad)]        # (variable, grad before this backward)
    try:
        yield from _backward_steps(y, retain_grad, touched)
    except Exception:
        for var, grad in reversed(touched):
            var._grad = grad
        raise


def _backward_steps(y, retain_grad, touched):
    """The steps of :func:`backward_steps`; ``touched`` records each leaf
    before its grad changes.

    Functions are visited in decreasing rank (distance from the leaves), so a
    node's grad is complete — every path into it summed — before its creator
    runs. Leaf grads are accumulated into ``Variable.grad`` as soon as they are
    produced; intermediate grads live only in this generator unless
    ``retain_grad`` keeps them.
    """
    seed = _seed_grad(y)
    root = y.node
    root.grad_state = 'seed'
    if root.creator is None and not root.requires_grad:
        _warn_no_graph(y)
    if seed is None or root.creator is None:
        return
    grads = {root: seed}
    owned = {id(seed)}          # arrays some Variable already holds as its grad
    heap = [(-root.creator.rank, 0, root.creator)]
    queued = {root.creator}
    pushed = 0                  # tie-breaker so the heap never compares functions
    count = 0
    while heap:
        f = heapq.heappop(heap)[2]
        outputs = [ref() for ref in f.outputs]
        gys = [grads.get(node) for node in outputs]     # grads.get(None) is None
        for i, g in enumerate(gys):
            if g is None:       # an output nobody used: its grad is zero
                gys[i] = _zeros(outputs[i], gys)
        gys = tuple(gys)
        if _function_hook.n_active:    # FunctionHooks on (teachgrad/function_hook.py)
            gxs = _function_hook._backward_with_hooks(f, gys)
        else:
            gxs = f._backward(gys)
        if type(gxs) is not tuple:
            gxs = tuple(gxs) if type(gxs) is list else (gxs,)     # Chainer accepts lists
        if len(gxs) != len(f.inputs):
            raise ValueError('{}.backward returned {} gradients for {} inputs'.format(
                type(f).__name__, len(gxs), len(f.inputs)))
        count += 1
        f.backward_order = count
        for node in outputs:
            if node is None or node is root:
                continue
            g = grads.pop(node, None)
            var = node._variable()
            if retain_grad:
                node.grad_state = 'retained'
                if var is not None and g is not None:
                    var._grad = _own(g, owned)
            else:
                node.grad_state = 'freed'
                if var is not None:
                    var._grad = None
        for node, gx in zip(f.inputs, gxs):
            if gx is None or not node.requires_grad:
                continue
            if not hasattr(gx, 'shape'):        # numpy's 0-d scalars pass
                _array_error(f, node, gx)
            if gx.shape != node.shape:
                _shape_error(f, node, gx)
            if gx.dtype is not node.dtype:
                gx = _as_dtype(gx, node.dtype, f, node)
            creator = node.creator
            if creator is not None:
                old = grads.get(node)
                grads[node] = gx if old is None else old + gx
                if creator not in queued:
                    queued.add(creator)
                    pushed += 1
                    heapq.heappush(heap, (-creator.rank, pushed, creator))
            else:
                var = node._variable()
                if var is None:
                    continue
                touched.append((var, var._grad))
                if var._grad is None:
                    var._grad = _own(gx, owned)
                else:
                    var._grad = var._grad + gx
                    owned.add(id(var._grad))
        yield BackwardStep(count, f, gys, gxs)


def _zeros(node, gys):
    """A zero grad for an output nobody used, on the device of its siblings' grads."""
    if node is None:
        return None
    return backend.get_array_module(*gys).zeros(node.shape, dtype=node.dtype)


def _own(g, owned):
    """``g``, or a copy of it when another grad already holds its memory.

    Two Variables must never share a grad array: an in-place update of one
    (weight decay does ``grad += rate * param``) would change the other. A
    view (``gy.T``, ``gy.reshape(...)``) shares its base's memory, so the base
    counts as held too.
    """
    base = g.base
    if id(g) in owned or (base is not None and id(base) in owned):
        g = g.copy()
    elif base is not None:
        owned.add(id(base))
    owned.add(id(g))
    return g


def _as_dtype(gx, dtype, f=None, node=None):
    # A grad always has its variable's dtype, as the grad setter demands.
    # numpy promotes mixed dtypes (float32 + float64 -> float64): such a grad
    # is cast back. An integer variable keeps integer grads (Chainer's rule);
    # a fractional grad cannot be one without being cut, so it is refused.
    if gx.dtype == dtype:
        return gx
    if dtype.kind in 'fc' or backend.get_array_module(gx).can_cast(
            gx.dtype, dtype, casting='same_kind'):
        return gx.astype(dtype)
    raise TypeError(
        '{} sent a {} gradient to {}, which holds {} values. Integers are not '
        'differentiable, so an integer variable can only take integer grads. If '
        'you want its gradient, make it a float: Variable(x.astype(np.float32)).'
        .format(type(f).__name__ if f is not None else 'backward', gx.dtype,
                (node.name if node is not None and node.name else 'a variable'), dtype))


def _array_error(f, node, gx):
    raise TypeError(
        '{}.backward returned a {} as the gradient of an input of shape {}; each '
        'gradient must be an array (or None for no gradient). Wrap a number as '
        'xp.full(shape, value, dtype).'.format(type(f).__name__, type(gx).__name__,
                                                 node.shape))


def _warn_no_graph(y):
    warnings.warn(
        'backward() found no graph behind this {} variable, so no gradients were '
        'computed. It was made inside "with no_backprop_mode():" (or only from '
        'arrays and Variables with requires_grad=False), where functions record '
        'nothing to go back through. Compute it outside no_backprop_mode to get '
        'gradients.'.format(_shape_text(y.shape)), UserWarning, stacklevel=4)


def _shape_text(shape):
    return 'scalar' if shape == () else 'shape {}'.format(shape)


def _shape_error(f, node, gx):
    raise ValueError(
            '{}.backward returned a gradient of shape {} for an input of shape {}; '
            'each gradient must have the shape of its input.'.format(
                type(f).__name__, gx.shape, node.shape))
