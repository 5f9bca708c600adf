"""Reading a graph for the steppers: which nodes it has, and its backward state.

The steppers never compute gradients themselves. What they need from the graph
is (1) the list of its function and variable nodes, in a deterministic order,
and (2) a snapshot of everything a backward pass writes — each Variable's
grad, each node's ``grad_state`` and each function's ``backward_order`` — so
that stepping back can restore it and run the real algorithm again.
"""
from teachgrad import backprop


def walk(y):
    """The functions and variable nodes behind ``y``, in teachgrad's one graph order.

    Functions come in the order of :func:`teachgrad.backprop.walk` (by
    rank, ties in the order forward ran them), the order the pictures use
    too. Variable nodes appear when first used (leaves) or produced (outputs).

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> x = Variable(np.array([5.], dtype=np.float32), name='x')
    >>> functions, nodes = walk(x ** 2 - 2 * x + 1)
    >>> [f.label for f in functions]
    ['**2', '* 2', '-', '+ 1']
    >>> [n.name for n in nodes][:1]
    ['x']
    """
    root = y.node if hasattr(y, 'node') else y
    functions = backprop.walk([root])
    nodes = []
    known = set()

    def add(node):
        if node is not None and node not in known:
            known.add(node)
            nodes.append(node)

    for f in functions:
        for node in f.inputs:
            add(node)
        for ref in f.outputs:
            add(ref())
    add(root)
    return functions, nodes


def grad_of(node):
    """The grad of the Variable behind ``node`` (None if it has none or is gone)."""
    var = node.get_variable_or_none()
    return None if var is None else var.grad


class GraphState:
    """What a backward pass changes in a graph, saved so it can be put back.

    Grads are copied: an optimizer hook such as WeightDecay may add to a grad
    in place later, and the saved state must not change with it. Variables
    are not kept alive by the snapshot (only their nodes are), so a Variable
    the learner dropped stays dropped.
    """

    def __init__(self, functions, nodes):
        self._orders = [(f, f.backward_order) for f in functions]
        self._nodes = []
        for node in nodes:
            g = grad_of(node)
            self._nodes.append((node, node.grad_state, None if g is None else g.copy()))

    def restore(self):
        for f, order in self._orders:
            f.backward_order = order
        for node, state, g in self._nodes:
            node.grad_state = state
            var = node.get_variable_or_none()
            if var is not None:
                # Bypass the grad setter's checks: this grad was valid when saved.
                var._grad = None if g is None else g.copy()
