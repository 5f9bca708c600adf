"""Checks for exercises: they say in plain words what is wrong, with the numbers.

A lesson's exercise is three cells: the learner's answer, a check cell that
calls one of the functions below, and the solution kept out of sight. Each
check prints one ``Correct: ...`` line when the answer is right and raises
:class:`ExerciseFailed` (an ``AssertionError``, so nbgrader counts it as a
failed test) when it is wrong or missing. The message names the wrong thing
and gives expected and got numbers; the backward checks also draw the
learner's graph with the wrong input and arrow in red (``error.picture``, and
shown at once in Jupyter).

An answer that is still ``None``, or an answer cell that still raises
``NotImplementedError`` (what nbgrader puts in the learner's copy), is
reported as "not answered yet" and fails.

>>> import numpy as np
>>> check_value('x.grad', np.array([8.]), np.array([8.]))
Correct: x.grad is [8].
>>> check_value('x.grad', None, np.array([8.]))
Traceback (most recent call last):
...
teachgrad.exercises.ExerciseFailed: x.grad is not answered yet: write your answer in the cell above (replace the None or the `raise NotImplementedError()` line), run that cell, then run this check again.

Teachers write their own checks with the same functions; see
:func:`check_backward_function` for a backward written by the learner.
"""
import contextlib
import warnings

import numpy

from teachgrad import backend
from teachgrad.configuration import no_backprop_mode
from teachgrad.variable import Variable

__all__ = ['ExerciseFailed', 'checking', 'check_value', 'check_shape', 'check_grad',
           'check_backward_function', 'check_order', 'check_freed', 'check_grads_reach',
           'draw_wrong']

RED = '#d62728'


class ExerciseFailed(AssertionError):
    """An exercise's answer is wrong or missing; the message says what and why.

    ``picture`` is the learner's graph with the wrong part in red, when the
    check drew one (else None).
    """

    def __init__(self, message, picture=None):
        super().__init__(message)
        self.picture = picture


def _not_answered(what):
    return ExerciseFailed(
        '{} is not answered yet: write your answer in the cell above (replace the None '
        'or the `raise NotImplementedError()` line), run that cell, then run this '
        'check again.'.format(what))


def _fail(message, picture=None):
    if picture is not None:
        _show(picture)
    raise ExerciseFailed(message, picture)


def _show(picture):
    # In a notebook the picture appears above the error; elsewhere the caller
    # finds it on the exception.
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return
    if get_ipython() is not None:
        display(picture)


@contextlib.contextmanager
def checking(what):
    """Run the learner's code inside a check: unfinished code means "not answered yet".

    A ``NotImplementedError`` (what nbgrader leaves in the learner's copy of an
    answer cell) becomes "not answered yet"; any other error becomes an
    :class:`ExerciseFailed` that says whose code raised it.

    >>> def backward(gy):
    ...     raise NotImplementedError()
    >>> with checking('your backward'):
    ...     backward(1.0)
    Traceback (most recent call last):
    ...
    teachgrad.exercises.ExerciseFailed: your backward is not answered yet: write your answer in the cell above (replace the None or the `raise NotImplementedError()` line), run that cell, then run this check again.
    """
    try:
        yield
    except ExerciseFailed:
        raise
    except NotImplementedError:
        raise _not_answered(what) from None
    except NameError as e:
        raise ExerciseFailed('{} raised NameError: {}. If your answer cell defines that name, '
                             'run that cell first.'.format(what, e)) from e
    except Exception as e:
        raise ExerciseFailed('{} raised {}: {}'.format(what, type(e).__name__, e)) from e


def _number(v):
    v = float(v)
    if v == 0:
        return '0'          # never '-0'
    if v.is_integer() and abs(v) < 1e12:
        return str(int(v))  # a count stays a count: 18474, not 1.847e+04
    return '{:.4g}'.format(v)


def _nested(a):
    if a.ndim == 0:
        return _number(a)
    return '[' + ' '.join(_nested(row) for row in a) + ']'


def _fmt(a, full_size=12):
    """Numbers as a learner reads them: 4 significant digits, no dtype noise,
    small arrays in full (``[1 0.5403]``), bigger ones by shape and a few values."""
    a = numpy.asarray(backend.to_cpu(a), dtype=numpy.float64)
    if a.size <= full_size:
        return _nested(a)
    flat = a.reshape(-1)
    return 'an array of shape {} [{} … {}]'.format(
        a.shape, ' '.join(_number(v) for v in flat[:4]), _number(flat[-1]))


def _array_of(got):
    if isinstance(got, Variable):
        return got.data
    return got


def check_value(name, got, expected, atol=1e-6, rtol=1e-5):
    """Check a number or array the learner computed (a value, a grad, a loss).

    Args:
        name: what the learner computed, as the message should call it
            (``'x.grad'``, ``'the loss after 10 steps'``).
        got: the learner's answer: a number, an array or a Variable (its data).
        expected: the right answer.
        atol, rtol: ``got`` counts as right where
            ``|got - expected| <= atol + rtol * |expected|`` everywhere.

    >>> import numpy as np
    >>> check_value('dy/dx', 3.0, 3.0)
    Correct: dy/dx is 3.
    >>> check_value('x.grad', np.array([10.]), np.array([8.]))
    Traceback (most recent call last):
    ...
    teachgrad.exercises.ExerciseFailed: x.grad should be [8] but it is [10] (off by 2).
    """
    if got is None or got is Ellipsis:
        raise _not_answered(name)
    got_a = numpy.asarray(backend.to_cpu(_array_of(got)))
    want = numpy.asarray(backend.to_cpu(_array_of(expected)))
    if got_a.dtype.kind not in 'biuf':
        _fail('{} should be a number or an array of numbers, like {}, but it is {!r}.'
              .format(name, _fmt(want), got))
    if got_a.shape != want.shape:
        _fail('{} should have shape {} but has shape {}: {}'.format(
            name, want.shape, got_a.shape, _fmt(got_a)))
    diff = numpy.abs(got_a.astype(numpy.float64) - want.astype(numpy.float64))
    bad = ~(diff <= atol + rtol * numpy.abs(want))
    if bad.any():
        where = ''
        if want.ndim > 0 and want.size > 1:
            index = tuple(int(i) for i in numpy.argwhere(bad)[0])
            where = ' The first wrong element is at index {}: {} instead of {}.'.format(
                index, _fmt(got_a[index]), _fmt(want[index]))
        _fail('{} should be {} but it is {} (off by {}).{}'.format(
            name, _fmt(want), _fmt(got_a), _fmt(diff.max()), where))
    print('Correct: {} is {}.'.format(name, _fmt(want)))


def check_shape(name, got, expected):
    """Check a shape: ``got`` is a shape tuple, an array or a Variable.

    >>> import numpy as np
    >>> check_shape('h', np.zeros((4, 3)), (4, 3))
    Correct: h has shape (4, 3).
    >>> check_shape('h', (3, 4), (4, 3))
    Traceback (most recent call last):
    ...
    teachgrad.exercises.ExerciseFailed: h should have shape (4, 3) but has shape (3, 4).
    """
    if got is None or got is Ellipsis:
        raise _not_answered(name)
    shape = getattr(_array_of(got), 'shape', got)
    try:
        shape = tuple(int(s) for s in shape)
    except (TypeError, ValueError):
        _fail('{} should be a shape like {} (a tuple of ints), or an array, but it is {!r}.'
              .format(name, tuple(expected), got))
    if shape != tuple(expected):
        _fail('{} should have shape {} but has shape {}.'.format(name, tuple(expected), shape))
    print('Correct: {} has shape {}.'.format(name, tuple(expected)))


def _call(fn, what):
    """Run the learner's code; their unfinished code means "not answered"."""
    try:
        return fn()
    except NotImplementedError:
        raise _not_answered(what) from None


def check_grad(fn, inputs, y_grad=None, name=None):
    """Check a function of Variables against numerical gradients (float64).

    Args:
        fn: the learner's function; it takes one Variable per array in
            ``inputs`` and returns a Variable.
        inputs: an array or a tuple of arrays (float64 gives a precise check).
        y_grad: the gradient arriving at the output; None for a single number.
        name: how the message calls ``fn`` (its ``__name__`` by default).

    Built on :func:`teachgrad.gradient_check.check_backward`.

    >>> import numpy as np
    >>> import teachgrad.functions as F
    >>> def softplus(x):
    ...     return F.log(1 + F.exp(x))
    >>> check_grad(softplus, np.array([-1., 0., 2.]), np.ones(3))
    Correct: the gradients of softplus match the numerical ones.
    """
    from teachgrad import gradient_check
    name = name or getattr(fn, '__name__', 'your function')
    if fn is None:
        raise _not_answered(name)
    try:
        _call(lambda: gradient_check.check_backward(
            fn, inputs, y_grad, dtype=numpy.float64, atol=1e-4, rtol=1e-3), name)
    except AssertionError as e:
        if isinstance(e, ExerciseFailed):
            raise
        text = str(e).replace('check_backward: ', '', 1)
        _fail('The gradients of {} do not match the numerical ones (how much the output '
              'moves when an input moves a little): {}'.format(name, text))
    print('Correct: the gradients of {} match the numerical ones.'.format(name))


def _default_y_grad(y):
    # Not 1: a backward that forgets to multiply by the incoming grad would
    # pass a check seeded with ones.
    return numpy.linspace(1.5, 2.5, y.size).reshape(y.shape).astype(y.dtype)


def check_backward_function(function, inputs, y_grad=None, atol=1e-4, rtol=1e-3):
    """Run the learner's ``FunctionNode`` forward and backward and compare the
    gradient of each input with the numerical one.

    Args:
        function: a FunctionNode subclass with no constructor arguments (or
            anything that returns a fresh FunctionNode when called).
        inputs: a dict ``{name: array}`` (the names label the picture and the
            message) or a tuple of arrays. Use float64 arrays.
        y_grad: the grad arriving at the output; by default ``1.5 .. 2.5``
            (not 1, so a backward that forgets it is caught).

    When a gradient is wrong it raises :class:`ExerciseFailed` whose message
    names the input and gives both gradients, and whose ``picture`` shows the
    learner's graph with that input and its arrow in red.

    >>> import numpy as np
    >>> from teachgrad import FunctionNode
    >>> class Sine(FunctionNode):
    ...     label = 'sin'
    ...     def forward(self, x):
    ...         self.x = x
    ...         return np.sin(x)
    ...     def backward(self, gy):
    ...         return gy * np.cos(self.x)
    >>> check_backward_function(Sine, {'x': np.array([0., 1.])})
    Correct: the backward of sin gives the right gradient for x (2 numbers checked).
    >>> class WrongSine(Sine):
    ...     def backward(self, gy):
    ...         return np.cos(self.x)          # forgot gy
    >>> try:
    ...     check_backward_function(WrongSine, {'x': np.array([0., 1.])})
    ... except ExerciseFailed as e:
    ...     print(e)
    ...     picture = e.picture
    The backward of sin gives a wrong gradient for x: backward gave [1 0.5403], but the numerical gradient (how much the output moves when x moves a little, times the grad [1.5 2.5] arriving at the output) is [1.5 1.351].
    >>> picture.boxes
    3
    """
    if function is None:
        raise _not_answered('your function')
    if isinstance(inputs, dict):
        names, arrays = list(inputs), list(inputs.values())
    else:
        arrays = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
        names = ['x{}'.format(i) for i in range(len(arrays))] if len(arrays) > 1 else ['x']
    arrays = [numpy.array(a) for a in arrays]
    xs = [Variable(a.copy(), name=n) for a, n in zip(arrays, names)]
    node = _call(function, 'your function')
    label = getattr(node, 'label', type(node).__name__)
    try:
        y = _call(lambda: node(*xs), 'the forward of ' + label)
    except ExerciseFailed:
        raise
    except Exception as e:
        _fail('The forward of {} raised {}: {}'.format(label, type(e).__name__, e))
    if not isinstance(y, Variable):
        _fail('The forward of {} should return one array, but calling it gave {}.'.format(
            label, type(y).__name__))
    gy = numpy.asarray(y_grad if y_grad is not None else _default_y_grad(y))
    y.grad = gy.astype(y.dtype)
    what = 'the backward of ' + label
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            _call(y.backward, what)
    except ExerciseFailed:
        raise
    except Exception as e:
        _fail('The backward of {} raised {}: {}'.format(label, type(e).__name__, e),
              _safe_draw(y, xs, {}))

    x64 = [a.astype(numpy.float64) for a in arrays]

    def f():
        with no_backprop_mode():
            return function()(*[Variable(a) for a in x64]).data

    from teachgrad.gradient_check import numerical_grad
    numerical = numerical_grad(f, x64, (gy.astype(numpy.float64),))
    wrong = {}
    lines = []
    for x, name, num in zip(xs, names, numerical):
        if x.dtype.kind != 'f':
            continue
        if x.grad is None:
            if numpy.all(num == 0):
                continue
            wrong[x] = 'grad None, should be {}'.format(_fmt(num))
            lines.append('{}backward gave {} no gradient (None), but its numerical '
                         'gradient is {}.'.format('- ' if len(xs) > 1 else '', name, _fmt(num)))
            continue
        got = backend.to_cpu(x.grad).astype(numpy.float64)
        if not numpy.all(numpy.abs(got - num) <= atol + rtol * numpy.abs(num)):
            wrong[x] = 'should be {}'.format(_fmt(num))
            lines.append(
                'backward gave {}, but the numerical gradient (how much the output moves '
                'when {} moves a little, times the grad {} arriving at the output) is {}.'
                .format(_fmt(got), name, _fmt(gy), _fmt(num)))
            if len(xs) > 1:
                lines[-1] = '- for {}: {}'.format(name, lines[-1])
    if wrong:
        which = ', '.join(x.name for x in wrong)
        if len(xs) > 1:
            message = 'The backward of {} gives a wrong gradient for {}:\n'.format(
                label, which) + '\n'.join(lines)
        else:
            message = 'The backward of {} gives a wrong gradient for {}: {}'.format(
                label, which, lines[0])
        _fail(message, _safe_draw(y, xs, wrong))
    n = sum(a.size for a in arrays)
    print('Correct: the backward of {} gives the right gradient for {} ({} numbers '
          'checked).'.format(label, ', '.join(names), n))


def _safe_draw(y, xs, wrong):
    try:
        return draw_wrong(y, wrong)
    except Exception:       # no Graphviz package: the message alone still teaches
        return None


def draw_wrong(y, wrong, rankdir='LR'):
    """Draw ``y``'s graph with the Variables in ``wrong`` and the arrows from them
    into the function that used them in red.

    Args:
        y: the output Variable.
        wrong: ``{variable: note}``: each Variable to mark, with a line of text
            for its box (or None for no text).

    Returns:
        a :class:`teachgrad.viz.Picture`.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> x = Variable(np.array([2.]), name='x')
    >>> picture = draw_wrong(x * x + x, {x: 'grad should be 5'})
    >>> picture.source.count('#d62728') >= 3      # the box and both arrows out of x
    True
    """
    from graphviz import quoting
    from teachgrad.viz import Picture, dot, graph
    scene = graph.build_scene([y], 'auto', None)
    styles = {v: {'color': RED, 'penwidth': '3', 'fontcolor': RED} for v in wrong}
    notes = {v: n for v, n in wrong.items() if n}
    g = dot.scene_digraph(scene, rankdir=rankdir, styles=styles, notes=notes)
    red_ids = {scene.box_of[v.node].id for v in wrong if v.node in scene.box_of}
    red_edge = quoting.attr_list(kwargs={'color': RED, 'penwidth': '3'})
    for i, line in enumerate(g.body):
        parts = line.strip().split(' -> ')
        if len(parts) == 2 and parts[0] in red_ids and '[' not in parts[1]:
            g.body[i] = '\t{} -> {}{}\n'.format(parts[0], parts[1], red_edge)
    return Picture(g.source, len(scene.boxes))


def _labelled(item):
    """A predicted step as text: a label, or the Variable whose creator it is."""
    if isinstance(item, Variable):
        if item.creator is None:
            return None
        return item.creator
    return item


def _function_text(f):
    out = f.outputs[0]() if f.outputs else None
    made = ' (which made {})'.format(out.name) if out is not None and out.name else ''
    return '`{}`{}'.format(f.label, made)


def _real_backward(y, retain_grad=False):
    """Run the real backward on ``y``'s graph, note what it did, put everything back.

    Returns (functions in visit order, the nodes whose grads were freed, all
    the graph's variable nodes).
    """
    from teachgrad import backprop
    from teachgrad.widgets import _graph
    functions, nodes = _graph.walk(y)
    state = _graph.GraphState(functions, nodes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            order = [step.function for step in backprop.backward_steps(y, retain_grad)]
        freed = [n for n in nodes if n.grad_state == 'freed']
    finally:
        state.restore()
    return order, freed, nodes


def check_order(predicted, y):
    """Check a predicted backward visit order against the real one.

    Args:
        predicted: a list with one item per function backward will visit, in
            order: either the function's label as the picture writes it
            (``'+'``, ``'**2'``), or the Variable that function made.
        y: the Variable backward starts from. The check runs the real
            backward and then puts every grad back as it was.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> x = Variable(np.array([2.]), name='x')
    >>> a = x * x; a.name = 'a'
    >>> y = a + x
    >>> check_order(['+', a], y)
    Correct: backward visits `+`, then `*` (which made a).
    >>> check_order(['*', '+'], y)
    Traceback (most recent call last):
    ...
    teachgrad.exercises.ExerciseFailed: Step 1 is wrong: backward visits `+` first, you predicted `*`. The real order is `+`, then `*` (which made a).
    """
    if predicted is None or predicted is Ellipsis:
        raise _not_answered('the order')
    order, _, _ = _real_backward(y)
    real = ', then '.join(_function_text(f) for f in order)
    predicted = list(predicted)
    for i, (want, item) in enumerate(zip(order, predicted)):
        item = _labelled(item)
        if item is want or (isinstance(item, str) and item == want.label):
            continue
        said = _function_text(item) if hasattr(item, 'label') else (
            '`{}`'.format(item) if isinstance(item, str) else 'a Variable no function made')
        _fail('Step {} is wrong: backward visits {} {}, you predicted {}. The real order '
              'is {}.'.format(i + 1, _function_text(want), 'first' if i == 0 else 'there',
                              said, real))
    if len(predicted) != len(order):
        _fail('Backward visits {} functions, you listed {}. The real order is {}.'.format(
            len(order), len(predicted), real))
    print('Correct: backward visits {}.'.format(real))


def check_freed(predicted, y, retain_grad=False):
    """Check which Variables' grads are freed (None) after ``y.backward()``.

    Args:
        predicted: the Variables (or their names) whose grad backward frees.
        y: the output; the check runs the real backward and puts everything back.
        retain_grad: as in ``y.backward(retain_grad=...)``.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> x = Variable(np.array([2.]), name='x')
    >>> h = x * 3; h.name = 'h'
    >>> y = h * h; y.name = 'y'
    >>> check_freed([h], y)
    Correct: backward frees the grad of h, and keeps the others.
    >>> check_freed(['h', 'x'], y)
    Traceback (most recent call last):
    ...
    teachgrad.exercises.ExerciseFailed: x keeps its grad: it is a leaf (no function made it), and leaf grads are kept (they add up until cleargrads). Backward frees the grad of h only.
    """
    if predicted is None or predicted is Ellipsis:
        raise _not_answered('the list of freed grads')
    _, freed, nodes = _real_backward(y, retain_grad)
    # An unnamed intermediate that no Python name holds any more cannot be
    # listed by the learner, so it is not asked for.
    freed = [n for n in freed if n.name or n.get_variable_or_none() is not None]
    by_name = {n.name: n for n in nodes if n.name}
    said = []
    for item in predicted:
        if isinstance(item, Variable):
            said.append(item.node)
        elif isinstance(item, str) and item in by_name:
            said.append(by_name[item])
        else:
            _fail('{!r} is not a Variable of this graph; name them (h.name = "h") or list '
                  'the Variables themselves. Its named Variables are: {}.'.format(
                      item, ', '.join(sorted(by_name))))
    freed_text = ', '.join(n.name or 'the output of `{}`'.format(n.creator.label)
                           for n in freed) or 'no grad'
    for node in said:
        if node in freed:
            continue
        name = node.name or 'that Variable'
        if node.creator is None:
            why = 'it is a leaf (no function made it), and leaf grads are kept (they add ' \
                  'up until cleargrads)'
        elif node is y.node:
            why = 'it is the output backward started from, and its grad is kept'
        else:
            why = 'backward(retain_grad=True) keeps every grad'
        _fail('{} keeps its grad: {}. Backward frees the grad of {} only.'.format(
            name, why, freed_text))
    missed = [n for n in freed if n not in said]
    if missed:
        _fail('{} also loses its grad: it is an intermediate result (a function made it, '
              'and it is not the output), and backward frees those to save memory unless '
              'retain_grad=True. Backward frees the grad of {}.'.format(
                  ', '.join(n.name or 'the output of `{}`'.format(n.creator.label)
                            for n in missed), freed_text))
    if freed:
        print('Correct: backward frees the grad of {}, and keeps the others.'.format(
            freed_text))
    else:
        print('Correct: backward frees no grad here.')


def check_grads_reach(model, n_params=None):
    """Check that every parameter of ``model`` got a gradient from the last backward.

    Args:
        model: a Link (Chain, ChainList, ...) after ``loss.backward()``.
        n_params: how many parameters the model should have registered; a
            link or Parameter assigned outside ``with self.init_scope():`` is
            not registered, so neither backward's result nor the optimizer
            reaches it through the model.

    >>> import numpy as np
    >>> import teachgrad.links as L
    >>> import teachgrad.functions as F
    >>> model = L.Linear(2, 1)
    >>> F.sum(model(np.ones((1, 2), dtype=np.float32))).backward()
    >>> check_grads_reach(model, n_params=2)
    Correct: all 2 parameters of the model got a gradient: /W, /b.
    >>> model.cleargrads()
    >>> check_grads_reach(model)
    Traceback (most recent call last):
    ...
    teachgrad.exercises.ExerciseFailed: No gradient reached /W, /b (their grad is None). Either the loss does not depend on them (a layer that the forward pass never calls), or backward has not run since cleargrads().
    """
    if model is None:
        raise _not_answered('the model')
    params = [(name, p) for name, p in model.namedparams()]
    names = ', '.join(name for name, _ in params) or 'none'
    if n_params is not None and len(params) != n_params:
        _fail('The model has {} registered parameters ({}), but it should have {}. A link '
              'or Parameter assigned outside `with self.init_scope():` is not registered: '
              'the optimizer never updates it.'.format(len(params), names, n_params))
    missing = [name for name, p in params if p.grad is None]
    if missing:
        _fail('No gradient reached {} (their grad is None). Either the loss does not depend '
              'on them (a layer that the forward pass never calls), or backward has not run '
              'since cleargrads().'.format(', '.join(missing)))
    print('Correct: all {} parameters of the model got a gradient: {}.'.format(
        len(params), names))
