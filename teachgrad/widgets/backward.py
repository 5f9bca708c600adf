"""BackwardStepper: walk through backward one function at a time.

Each Next pulls one step from :func:`teachgrad.backprop.backward_steps` — the
same generator that ``y.backward()`` runs to the end — so what the learner
watches *is* backward, not a re-enactment of it. Grads land in the Variables
exactly when backward puts them there.

Going back is done the honest way too: the stepper saved the graph's backward
state (grads, grad states, backward orders) when it started; ``back()`` puts
that state back and pulls the real generator again up to the step before.

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([5.], dtype=np.float32), name='x')
>>> y = x ** 2 - 2 * x + 1
>>> s = BackwardStepper(y)
>>> s.n_steps
4
>>> _ = s.step(); _ = s.step(); _ = s.step()
>>> print(s.caption)
Step 3 of 4: backward of `**2`
it gets grad 1 from its output
grad 10 = 2 · x · 1 flows to x
x.grad is now 10
>>> _ = s.step()
>>> x.grad
array([8.], dtype=float32)
>>> s.back()
>>> x.grad
array([10.], dtype=float32)
"""
import warnings

from teachgrad import backprop
from teachgrad.variable import Variable
from teachgrad.widgets import _graph
from teachgrad.widgets._formulas import formula, is_broadcasting
from teachgrad.widgets._stepper import GraphStepper
from teachgrad.widgets._text import fmt_array, node_name, node_value, shape_text

RED = '#d62728'        # the function running now
ORANGE = '#ff7f0e'     # the grads it just sent
BLUE = '#1f77b4'       # grads that arrived and wait for their function


class _Record:
    """One step as it happened: the real BackwardStep, and the leaf grads
    before and after it (for "x.grad is now 8 (it was 10)")."""
    __slots__ = ('step', 'leaves_before', 'leaves_after')

    def __init__(self, step, leaves_before, leaves_after):
        self.step = step
        self.leaves_before = leaves_before
        self.leaves_after = leaves_after


class BackwardStepper(GraphStepper):
    """Step through ``y.backward(retain_grad)`` one function node at a time.

    Args:
        y: the output Variable to run backward from.
        retain_grad: as in ``y.backward(retain_grad=...)``: keep the grads of
            intermediate Variables.

    Attributes:
        position: how many steps have run (0 = none).
        n_steps: how many functions backward visits in all.
        steps: the :class:`~teachgrad.backprop.BackwardStep` objects so far.

    In a notebook, display the stepper to get Prev / Next / Reset / Play.
    Stepping to the end leaves exactly the grads ``y.backward()`` leaves.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> a = Variable(np.array([3.], dtype=np.float32), name='a')
    >>> s = BackwardStepper(a * a)
    >>> s.step().function.label
    '*'
    >>> a.grad
    array([6.], dtype=float32)
    >>> s.reset()
    >>> a.grad is None
    True
    """
    _css_class = 'teachgrad-backward-stepper'
    _legend = ((RED, 'function running backward now'), (ORANGE, 'grads it just sent'),
               (BLUE, 'grads that arrived and wait for their function'))

    def __init__(self, y, retain_grad=False):
        if not isinstance(y, Variable):
            raise TypeError(
                'BackwardStepper needs the output Variable to run backward from, '
                'got {}. For example: BackwardStepper(loss).'.format(type(y).__name__))
        self.y = y
        self.retain_grad = retain_grad
        self._functions, self._nodes = _graph.walk(y)
        self._leaves = [n for n in self._nodes
                        if n.creator is None and n is not y.node]
        self._start = _graph.GraphState(self._functions, self._nodes)
        self._seed_given = y.grad is not None
        self.n_steps, self.warning = self._count_steps()
        self.reset()

    def _count_steps(self):
        # Run the real generator once on the graph and put the state back:
        # the count is whatever backward does, by construction.
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter('always')
                n = sum(1 for _ in backprop.backward_steps(self.y, self.retain_grad))
        finally:
            self._start.restore()
        return n, (str(caught[0].message) if caught else None)

    # -- stepping -------------------------------------------------------------
    @property
    def position(self):
        return len(self._records)

    @property
    def steps(self):
        return [r.step for r in self._records]

    def reset(self):
        """Put back the state from before the first step."""
        self._restart()
        self._refresh()

    def _restart(self):
        # The saved state back in the graph, and a fresh run of the real
        # generator, not yet started.
        self._start.restore()
        self._generator = backprop.backward_steps(self.y, self.retain_grad)
        self._records = []

    def step(self):
        """Run backward of the next function node; returns its BackwardStep."""
        if self.position >= self.n_steps:
            raise RuntimeError(
                'backward is finished: all {} steps have run. Call back() to undo '
                'a step or reset() to start again.'.format(self.n_steps))
        self._advance()
        self._refresh()
        return self._records[-1].step

    def _advance(self):
        before = {n: _graph.grad_of(n) for n in self._leaves}
        step = next(self._generator)
        after = {n: _graph.grad_of(n) for n in step.function.inputs if n in before}
        self._records.append(_Record(step, before, after))
        if self.position == self.n_steps:
            # Let the generator run to its end too, so that nothing backward
            # would still do after its last step is skipped.
            if next(self._generator, None) is not None:
                raise RuntimeError('backward ran more steps than the {} counted '
                                   'before; was the graph changed?'.format(self.n_steps))

    def back(self):
        """Undo the last step (restore, then rerun backward one step less far)."""
        if self.position == 0:
            raise RuntimeError('nothing to undo: no step has run yet.')
        self.goto(self.position - 1)

    def goto(self, position):
        """Move to ``position`` (0 .. n_steps), running backward from the start if
        going back."""
        if not 0 <= position <= self.n_steps:
            raise ValueError('position must be between 0 and {}, got {}'.format(
                self.n_steps, position))
        if position < self.position:
            self._restart()
        while self.position < position:
            self._advance()
        self._refresh()

    # -- the picture ----------------------------------------------------------
    def _frame(self):
        styles, notes = {}, {}
        k = self.position
        arrived = self._arrived()
        for node, gxs in arrived.items():
            styles[node] = {'color': BLUE, 'penwidth': '2'}
            notes[node] = 'waiting: ' + _grads_text(gxs)
            if node.creator is not None:
                styles[node.creator] = {'color': BLUE, 'penwidth': '2'}
        if k == 0:
            return styles, notes, self._start_caption()
        rec = self._records[-1]
        f = rec.step.function
        styles[f] = {'color': RED, 'fontcolor': RED, 'penwidth': '3'}
        notes[f] = 'step {} of {}'.format(k, self.n_steps)
        for node, gx in zip(f.inputs, rec.step.grad_inputs):
            if gx is not None and node.requires_grad:
                styles[node] = {'color': ORANGE, 'penwidth': '3'}
                notes[node] = '← grad ' + fmt_array(gx)
        return styles, notes, self._step_caption(rec)

    def _arrived(self):
        """Grads that reached an intermediate node whose function has not run
        yet: node -> the grads (as backward sent them), in arrival order."""
        arrived = {}
        if not self._records and self.y.creator is not None and not self.warning:
            arrived[self.y.node] = [self._seed_text()]
        for rec in self._records:
            f = rec.step.function
            for ref in f.outputs:
                arrived.pop(ref(), None)
            for node, gx in zip(f.inputs, rec.step.grad_inputs):
                if gx is not None and node.requires_grad and node.creator is not None:
                    arrived.setdefault(node, []).append(gx)
        return arrived

    def _seed_text(self):
        g = self.y.grad
        return fmt_array(g) if g is not None else '1'

    def _start_caption(self):
        y = self.y
        name = y.name or 'y'
        if self.warning:
            return ['Backward has nothing to do', self.warning]
        if y.creator is None:
            return ['{} is a leaf: no function made it, so backward has no step to run'
                    .format(name)]
        lines = ['Ready: backward will visit {} functions, starting at `{}`'.format(
            self.n_steps, y.creator.label)]
        if self._seed_given:
            lines.append('it starts from the grad you set: {}.grad = {}'.format(
                name, fmt_array(y.grad)))
        else:
            lines.append('it starts from {}.grad = 1 (one element: d{}/d{} = 1)'.format(
                name, name, name))
        return lines

    def _step_caption(self, rec):
        step = rec.step
        f = step.function
        lines = ['Step {} of {}: backward of `{}`'.format(self.position, self.n_steps, f.label)]
        outputs = [ref() for ref in f.outputs]
        gy_parts = []
        for node, gy in zip(outputs, step.grad_outputs):
            who = ' ' + node.name if node is not None and node.name else ''
            gy_parts.append('{} from its output{}'.format(fmt_array(gy), who))
        lines.append('it gets grad ' + ', '.join(gy_parts))
        values = [node_value(n) for n in f.inputs]
        out_value = node_value(outputs[0]) if outputs and outputs[0] is not None else None
        for i, (node, gx) in enumerate(zip(f.inputs, step.grad_inputs)):
            where = node_name(node)
            named = node.name or node.creator is not None   # else the name says the shape
            if named and node.shape is not None and _size(node.shape) > 1:
                where += ' ' + shape_text(node.shape)
            if gx is None or not node.requires_grad:
                lines.append('no grad flows to {} (it does not need one)'.format(where))
                continue
            text = 'grad ' + fmt_array(gx)
            rule = formula(f, i, step.grad_outputs[0] if step.grad_outputs else None,
                           values, out_value)
            if rule is not None and rule != fmt_array(gx):
                text += ' = ' + rule
            text += ' flows to ' + where
            if is_broadcasting(f) and gx.shape != step.grad_outputs[0].shape:
                text += ', summed to its shape'
            lines.append(text)
        for node in dict.fromkeys(n for n in f.inputs if n in rec.leaves_after):
            if not node.requires_grad:
                continue
            grad = node.name + '.grad' if node.name else "the unnamed input's grad"
            now, was = rec.leaves_after[node], rec.leaves_before[node]
            line = '{} is now {}'.format(grad, fmt_array(now))
            if was is not None:
                line += ' (it was {}: grads add up)'.format(fmt_array(was))
            lines.append(line)
        if self.position == self.n_steps:
            lines.append('Done: these are exactly the grads y.backward() leaves.')
        return lines


def _grads_text(gxs):
    texts = [g if isinstance(g, str) else fmt_array(g) for g in gxs]
    if len(texts) <= 2:
        return ' + '.join('({})'.format(t) if t.startswith('-') and i else t
                          for i, t in enumerate(texts))
    return '{} grads so far'.format(len(texts))


def _size(shape):
    n = 1
    for s in shape:
        n *= s
    return n
