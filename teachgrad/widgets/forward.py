"""ForwardStepper: replay the building of a graph, one function at a time.

Forward has already run when the learner holds ``y``; what the graph recorded
(each function's inputs, output and value) is revealed in the order forward
made it. The whole graph is laid out once and the functions not reached yet
are drawn invisible, so the picture does not move as it grows.

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([5.], dtype=np.float32), name='x')
>>> s = ForwardStepper(x ** 2 - 2 * x + 1)
>>> s.n_steps
4
>>> _ = s.step()
>>> print(s.caption)
Step 1 of 4: `**2` takes x = 5
and computes 25
"""
from teachgrad.variable import Variable
from teachgrad.widgets import _graph
from teachgrad.widgets._stepper import GraphStepper
from teachgrad.widgets._text import fmt_array, node_name, node_value, shape_text

RED = '#d62728'       # the function running now
ORANGE = '#ff7f0e'    # its inputs
GREEN = '#2ca02c'     # its output
HIDDEN = {'style': 'invis'}


class ForwardStepper(GraphStepper):
    """Reveal the graph behind ``y`` in the order forward built it.

    Step 0 shows the inputs (leaves and parameters); each step adds one
    function node with its output and says what went in and what came out.

    The order is the one forward really ran in: each function records its
    place in ``forward_order`` when it is called.

    Attributes:
        position: how many functions are shown (0 = only the inputs).
        n_steps: how many functions the graph has.
        functions: the function nodes in forward order.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> a = Variable(np.array([2.], dtype=np.float32), name='a')
    >>> s = ForwardStepper(a * a + a)
    >>> [f.label for f in s.functions]
    ['*', '+']
    """
    _css_class = 'teachgrad-forward-stepper'
    _legend = ((RED, 'function running now'), (ORANGE, 'its inputs'), (GREEN, 'its output'))
    _show_grads = False     # grads would come from a later backward: forward has none

    def __init__(self, y):
        if not isinstance(y, Variable):
            raise TypeError('ForwardStepper needs the Variable forward computed, got '
                            '{}. For example: ForwardStepper(loss).'.format(type(y).__name__))
        self.y = y
        self.functions, self._nodes = _graph.walk(y)
        self.n_steps = len(self.functions)
        self.position = 0

    def step(self):
        """Show the next function; returns it."""
        if self.position >= self.n_steps:
            raise RuntimeError('forward is finished: all {} functions are shown. Call '
                               'back() or reset().'.format(self.n_steps))
        self.goto(self.position + 1)
        return self.functions[self.position - 1]

    def back(self):
        """Hide the last function shown."""
        if self.position == 0:
            raise RuntimeError('nothing to undo: no function is shown yet.')
        self.goto(self.position - 1)

    def reset(self):
        """Back to the inputs only."""
        self.goto(0)

    def goto(self, position):
        """Show the first ``position`` functions (0 .. n_steps)."""
        if not 0 <= position <= self.n_steps:
            raise ValueError('position must be between 0 and {}, got {}'.format(
                self.n_steps, position))
        self.position = position
        self._refresh()

    # -- the picture ----------------------------------------------------------
    def _frame(self):
        shown = self.functions[:self.position]
        visible = {n for n in self._nodes if n.creator is None}
        for f in shown:
            visible.update(f.inputs)
            visible.update(ref() for ref in f.outputs)
        styles = {f: dict(HIDDEN) for f in self.functions[self.position:]}
        styles.update((n, dict(HIDDEN)) for n in self._nodes if n not in visible)
        notes = {}
        if not shown:
            return styles, notes, self._start_caption()
        f = shown[-1]
        styles[f] = {'color': RED, 'fontcolor': RED, 'penwidth': '3'}
        notes[f] = 'step {} of {}'.format(self.position, self.n_steps)
        for node in f.inputs:
            styles[node] = {'color': ORANGE, 'penwidth': '3'}
        for ref in f.outputs:
            if ref() is not None:
                styles[ref()] = {'color': GREEN, 'penwidth': '3'}
        return styles, notes, self._step_caption(f)

    def _start_caption(self):
        leaves = [n for n in self._nodes if n.creator is None]
        named = ', '.join(_described(n) for n in leaves[:4])
        more = ' and {} more'.format(len(leaves) - 4) if len(leaves) > 4 else ''
        return ['Before forward: the input{} {}{}'.format(
                    's' if len(leaves) > 1 else '', named, more),
                'forward will run {} functions'.format(self.n_steps)]

    def _step_caption(self, f):
        inputs = ', '.join(_described(n) for n in f.inputs)
        outputs = [ref() for ref in f.outputs]
        made = ', '.join(_described(n, with_name=bool(n.name)) if n is not None else 'an output'
                         for n in outputs)
        lines = ['Step {} of {}: `{}` takes {}'.format(self.position, self.n_steps,
                                                       f.label, inputs),
                 'and computes {}'.format(made)]
        if f.scope:
            lines.append('inside the link {}'.format(_link_path(f.scope)))
        return lines


def _described(node, with_name=True):
    value = node_value(node)
    if with_name:
        text = node_name(node)
        text = text if node.name else '({})'.format(text)
        if value is None:
            return '{} {}'.format(text, shape_text(node.shape))
        return '{} = {}'.format(text, fmt_array(value))
    return fmt_array(value) if value is not None else shape_text(node.shape)


def _link_path(scope):
    names = [getattr(link, 'name', None) for link in scope]
    return '/' + '/'.join(n for n in names if n) if any(names) else \
        '`{}`'.format(type(scope[-1]).__name__)
