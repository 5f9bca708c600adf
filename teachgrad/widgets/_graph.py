"""Reading a graph for the steppers: which nodes it has, and its backward state.

The steppers never compute gradients themselves. What they need from the graph
is (1) the list of its function and variable nodes, in a deterministic order,
and (2) a snapshot of everything a backward pass writes — each Variable's
grad, each node's ``grad_state`` and each function's ``backward_order`` — so
that stepping back can restore it and run the real algorithm again.
"""


def walk(y):
    """The functions and variable nodes behind ``y``, in the order forward ran.

    Functions are sorted by ``forward_order``, the clock that
    ``FunctionNode.apply`` advances on every recorded call. Variable nodes
    appear when first used (leaves) or produced (outputs).

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> x = Variable(np.array([5.], dtype=np.float32), name='x')
    >>> functions, nodes = walk(x ** 2 - 2 * x + 1)
    >>> [f.label for f in functions]
    ['**2', '* 2', '-', '+ 1']
    >>> [n.name for n in nodes][:1]
    ['x']
    """
    functions = []
    seen = set()
    root = y.node if hasattr(y, 'node') else y
    if root.creator is not None:
        # An explicit stack instead of recursion: long chains (an RNN unrolled
        # over many steps) must not hit Python's recursion limit.
        stack = [(root.creator, False)]
        while stack:
            f, inputs_done = stack.pop()
            if inputs_done:
                functions.append(f)
                continue
            if f in seen:
                continue
            seen.add(f)
            stack.append((f, True))
            for node in reversed(f.inputs):
                c = node.creator
                if c is not None and c not in seen:
                    stack.append((c, False))
    functions.sort(key=lambda f: f.forward_order)
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
