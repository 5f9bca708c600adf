"""BackwardStepper and ForwardStepper at the Python level.

The central promise: stepping is backward itself. Each test builds the same
graph twice, runs ``y.backward()`` on one copy and the stepper on the other,
and compares every grad, grad state and backward order exactly.
"""
import subprocess
import sys
import warnings

import numpy as np
import pytest

import teachgrad.functions as F
from teachgrad import FunctionNode, Variable, backprop
from teachgrad.widgets import BackwardStepper, ForwardStepper
from teachgrad.widgets import _graph


def f32(*values):
    return np.array(values, dtype=np.float32)


# -- graphs: each builder returns (y, {name: Variable}) with the handles kept ---

def polynomial():
    x = Variable(f32(5.), name='x')
    return x ** 2 - 2 * x + 1, {'x': x}


def branches():
    a = Variable(f32(1., 2., 3.), name='a')
    b = Variable(f32(-1., 0.5, 2.), name='b')
    s = a + b
    d = a - b
    s.name, d.name = 's', 'd'
    return F.sum(s * d * a), {'a': a, 'b': b, 's': s, 'd': d}


def reused():
    # h feeds two paths and x is used three times: grads must add up.
    x = Variable(f32(1.5, -2.), name='x')
    h = x * x
    h.name = 'h'
    return F.sum(h * h + h * x), {'x': x, 'h': h}


def matmul_broadcast():
    rng = np.random.RandomState(0)
    x = Variable(rng.randn(4, 3).astype(np.float32), name='x')
    W = Variable(rng.randn(3, 2).astype(np.float32), name='W')
    b = Variable(rng.randn(2).astype(np.float32), name='b')
    z = x @ W + b
    return F.sum(z * z) / 8, {'x': x, 'W': W, 'b': b}


def dropped_intermediates():
    # No handle is kept on any intermediate: backward must cope, and so must
    # the stepper's snapshots.
    x = Variable(f32(0.5, 1., 2.), name='x')
    return F.sum((x * 3 - 1) ** 2 / x), {'x': x}


def accumulating():
    # Leaf grads left by an earlier backward accumulate.
    x = Variable(f32(2.), name='x')
    x.grad = f32(100.)
    w = Variable(f32(3.), name='w')
    return x * w + w, {'x': x, 'w': w}


def user_seeded():
    # A non-scalar output with the grad set by hand; that grad is kept.
    x = Variable(f32(1., 2., 3.), name='x')
    y = x * x * 2
    y.grad = f32(1., 0., -1.)
    return y, {'x': x, 'y': y}


def constant_input():
    x = Variable(f32(4.), name='x')
    c = Variable(f32(10.), name='c', requires_grad=False)
    return x * c + c * c, {'x': x, 'c': c}


GRAPHS = [polynomial, branches, reused, matmul_broadcast, dropped_intermediates,
          accumulating, user_seeded, constant_input]


def state(y, handles):
    """Everything backward writes, in a comparable form."""
    functions, nodes = _graph.walk(y)
    grads = {name: None if v.grad is None else v.grad.copy() for name, v in handles.items()}
    return (grads, [n.grad_state for n in nodes], [f.backward_order for f in functions])


def assert_same_state(s1, s2):
    g1, st1, o1 = s1
    g2, st2, o2 = s2
    assert g1.keys() == g2.keys()
    for name in g1:
        if g1[name] is None or g2[name] is None:
            assert g1[name] is None and g2[name] is None, name
        else:
            assert g1[name].dtype == g2[name].dtype, name
            np.testing.assert_array_equal(g1[name], g2[name], err_msg=name)
    assert st1 == st2
    assert o1 == o2


@pytest.mark.parametrize('retain_grad', [False, True])
@pytest.mark.parametrize('build', GRAPHS)
def test_stepping_to_the_end_equals_backward(build, retain_grad):
    y1, h1 = build()
    y1.backward(retain_grad=retain_grad)
    y2, h2 = build()
    s = BackwardStepper(y2, retain_grad=retain_grad)
    while s.position < s.n_steps:
        s.step()
    assert_same_state(state(y1, h1), state(y2, h2))
    assert s.n_steps == sum(f.backward_order is not None for f in _graph.walk(y1)[0])


@pytest.mark.parametrize('build', GRAPHS)
def test_n_steps_has_no_side_effects_and_matches_the_generator(build):
    y1, h1 = build()
    before = state(y1, h1)
    s = BackwardStepper(y1)
    assert_same_state(before, state(y1, h1))
    y2, _ = build()
    assert s.n_steps == len(list(backprop.backward_steps(y2)))
    assert s.position == 0


@pytest.mark.parametrize('retain_grad', [False, True])
@pytest.mark.parametrize('build', GRAPHS)
def test_back_restores_the_state_before_each_step(build, retain_grad):
    y, h = build()
    s = BackwardStepper(y, retain_grad=retain_grad)
    seen = [state(y, h)]
    labels = []
    for _ in range(s.n_steps):
        labels.append(s.step().function.label)
        seen.append(state(y, h))
    for k in range(s.n_steps - 1, -1, -1):
        s.back()
        assert s.position == k
        assert_same_state(state(y, h), seen[k])
    # and forward again, through the real generator, lands on the same states
    for k in range(1, s.n_steps + 1):
        assert s.step().function.label == labels[k - 1]
        assert_same_state(state(y, h), seen[k])


def test_goto_and_reset():
    y, h = reused()
    s = BackwardStepper(y)
    s.goto(s.n_steps)
    end = state(y, h)
    s.goto(1)
    assert s.position == 1
    s.goto(s.n_steps)
    assert_same_state(state(y, h), end)
    s.reset()
    assert s.position == 0
    assert h['x'].grad is None
    with pytest.raises(ValueError, match='between 0 and'):
        s.goto(s.n_steps + 1)


class Logged(FunctionNode):
    """x * 3 that logs every backward call, to see when backward really runs."""
    label = '*3 (logged)'
    calls = []

    def forward(self, x):
        return x * 3

    def backward(self, gy):
        Logged.calls.append(gy.copy())
        return gy * 3


def test_each_step_pulls_one_step_from_the_real_generator(monkeypatch):
    pulled = []
    real = backprop.backward_steps

    def spying(y, retain_grad=False):
        for step in real(y, retain_grad):
            pulled.append(step.function.label)
            yield step

    monkeypatch.setattr(backprop, 'backward_steps', spying)
    Logged.calls = []
    x = Variable(f32(2.), name='x')
    y = Logged()(x) * x
    s = BackwardStepper(y)
    # counting the steps ran backward once (then put everything back)
    assert pulled == ['*', '*3 (logged)'] and len(Logged.calls) == 1
    del pulled[:]
    s.step()
    assert pulled == ['*'] and len(Logged.calls) == 1 and x.grad == f32(6.)
    s.step()
    assert pulled == ['*', '*3 (logged)'] and len(Logged.calls) == 2
    assert x.grad == f32(6. + 6.)
    s.back()           # restore, then rerun the real generator for one step
    assert pulled == ['*', '*3 (logged)', '*'] and len(Logged.calls) == 2
    assert x.grad == f32(6.)


def test_captions_say_what_flows_where():
    y, h = polynomial()
    s = BackwardStepper(y)
    assert s.caption_lines[0] == 'Ready: backward will visit 4 functions, starting at `+ 1`'
    s.goto(3)
    assert s.caption_lines == [
        'Step 3 of 4: backward of `**2`',
        'it gets grad 1 from its output',
        'grad 10 = 2 · x · 1 flows to x',
        'x.grad is now 10']
    s.step()
    assert s.caption_lines[2] == 'grad -2 = 2 · (-1) flows to x'
    assert s.caption_lines[3] == 'x.grad is now 8 (it was 10: grads add up)'
    assert s.caption_lines[-1].startswith('Done')


def test_caption_of_a_matrix_step_names_shapes():
    y, h = matmul_broadcast()
    s = BackwardStepper(y)
    labels = [s.step().function.label for _ in range(s.n_steps)]
    s.goto(labels.index('+') + 1)
    text = s.caption
    assert 'flows to b (2,), summed to its shape' in text
    s.goto(labels.index('@') + 1)
    assert 'grad (4, 3) array' in s.caption and 'flows to x (4, 3)' in s.caption
    assert '= gy @ Wᵀ' in s.caption


def test_constant_input_gets_no_grad_and_is_told_so():
    y, h = constant_input()
    s = BackwardStepper(y)
    s.goto(s.n_steps)
    assert h['c'].grad is None
    assert any('no grad flows to c' in ln for k in range(1, s.n_steps + 1)
               for ln in (s.goto(k) or s.caption_lines))


def test_frames_highlight_current_sent_and_waiting():
    y, h = polynomial()
    s = BackwardStepper(y)
    styles, notes, _ = s._frame()
    assert notes == {y.node: 'waiting: 1'}          # the seed waits at y
    s.goto(2)                                       # `-` sent 1 and -1
    styles, notes, _ = s._frame()
    minus = s.steps[-1].function
    assert styles[minus]['color'] == '#d62728'
    sent = sorted(v for k, v in notes.items() if k is not minus)
    assert sent == ['← grad -1', '← grad 1']
    s.step()                                        # `**2` ran; `* 2` still waits
    styles, notes, _ = s._frame()
    waiting = [k for k, v in notes.items() if v == 'waiting: -1']
    assert len(waiting) == 1 and waiting[0].creator.label == '* 2'
    assert styles[waiting[0].creator]['color'] == '#1f77b4'


def test_nonscalar_without_grad_has_no_steps_and_says_why():
    x = Variable(f32(1., 2.), name='x')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        s = BackwardStepper(x * 2)             # counting must not leak the warning
    assert s.n_steps == 0
    assert 'F.sum' in s.caption
    with pytest.raises(RuntimeError, match='finished'):
        s.step()


def test_step_errors_teach():
    x = Variable(f32(1.), name='x')
    s = BackwardStepper(x * x)
    with pytest.raises(RuntimeError, match='nothing to undo'):
        s.back()
    s.step()
    with pytest.raises(RuntimeError, match='back\\(\\) to undo'):
        s.step()
    with pytest.raises(TypeError, match='BackwardStepper\\(loss\\)'):
        BackwardStepper(np.ones(1))


def test_link_graph_steps_like_backward():
    L = pytest.importorskip('teachgrad.links')

    def build():
        np.random.seed(3)
        model = L.Linear(3, 2)
        x = Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name='x')
        y = F.sum(model(x) * model(x))
        return y, {'x': x, 'W': model.W, 'b': model.b}

    y1, h1 = build()
    y1.backward()
    y2, h2 = build()
    s = BackwardStepper(y2)
    for _ in range(s.n_steps):
        s.step()
    assert_same_state(state(y1, h1), state(y2, h2))
    s.back()
    assert s.position == s.n_steps - 1


# -- ForwardStepper -------------------------------------------------------------

def test_forward_order_is_evaluation_order():
    y, h = polynomial()
    s = ForwardStepper(y)
    assert [f.label for f in s.functions] == ['**2', '* 2', '-', '+ 1']
    y, h = reused()
    labels = [f.label for f in ForwardStepper(y).functions]
    assert labels == ['*', '*', '*', '+', 'sum']


def test_forward_frames_hide_what_forward_has_not_built_yet():
    y, h = polynomial()
    s = ForwardStepper(y)
    functions, nodes = _graph.walk(y)
    styles, notes, lines = s._frame()
    hidden = {k for k, v in styles.items() if v == {'style': 'invis'}}
    assert hidden == set(functions) | {n for n in nodes if n.creator is not None}
    assert lines[0] == 'Before forward: the input x = 5'
    s.step()
    s.step()
    styles, notes, lines = s._frame()
    hidden = {k for k, v in styles.items() if v == {'style': 'invis'}}
    assert hidden == set(functions[2:]) | {n for n in nodes if n.creator in functions[2:]}
    assert lines == ['Step 2 of 4: `* 2` takes x = 5', 'and computes 10']
    s.goto(4)
    assert not [v for v in s._frame()[0].values() if v == {'style': 'invis'}]
    s.back()
    assert s.position == 3
    s.reset()
    assert s.position == 0
    with pytest.raises(RuntimeError, match='nothing to undo'):
        s.back()


# -- static pictures, lazy imports and the widget ------------------------------

def test_static_representation_is_caption_and_picture():
    y, h = polynomial()
    s = BackwardStepper(y)
    s.step()
    bundle = s._repr_mimebundle_()
    assert bundle['text/plain'] == s.caption
    assert 'Step 1 of 4' in bundle['text/html']
    assert '<code>+ 1</code>' in bundle['text/html']
    if s.svg is not None:
        assert bundle['image/svg+xml'] == s.svg
        assert '<svg' in bundle['text/html']
    assert repr(s) == '<BackwardStepper Step 1 of 4: backward of `+ 1`>'


def test_importing_teachgrad_and_stepping_imports_no_widgets():
    code = ('import sys, numpy as np, teachgrad\n'
            'from teachgrad.widgets import BackwardStepper, ForwardStepper\n'
            'x = teachgrad.Variable(np.array([2.], "f"), name="x")\n'
            's = BackwardStepper(x * x); s.step(); s.caption\n'
            'ForwardStepper(x * x).step()\n'
            'print(sorted(m for m in ("ipywidgets", "matplotlib") if m in sys.modules))\n')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == '[]'


def test_widget_buttons_and_slider_drive_the_stepper():
    pytest.importorskip('ipywidgets')
    y, h = polynomial()
    s = BackwardStepper(y)
    box = s.widget
    c = s._controls
    assert 'teachgrad-backward-stepper' in box._dom_classes
    assert c.prev.disabled and not c.next.disabled
    first_caption = c.caption.value
    c.next.click()
    assert s.position == 1 and c.slider.value == 1
    assert c.caption.value != first_caption and 'Step 1 of 4' in c.caption.value
    c.slider.value = 4                      # what Play does, one value at a time
    assert s.position == 4 and h['x'].grad == f32(8.)
    assert c.next.disabled and c.play.disabled      # nothing left to play
    c.prev.click()
    assert s.position == 3 and h['x'].grad == f32(10.)
    assert not c.play.disabled
    c.reset.click()
    assert s.position == 0 and h['x'].grad is None and c.slider.value == 0
    assert c.play.max == c.slider.max == 4
    assert 'application/vnd.jupyter.widget-view+json' in s._repr_mimebundle_()


def test_play_is_off_for_a_stepper_with_nothing_to_do():
    pytest.importorskip('ipywidgets')
    y = Variable(f32(1., 2.), name='y') * 2           # not scalar, no grad set: no steps
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        s = BackwardStepper(y)
        s.widget
    assert s.n_steps == 0
    assert s._controls.play.disabled and s._controls.next.disabled


def test_landscape_reset_empties_the_progress_bar():
    pytest.importorskip('ipywidgets')
    pytest.importorskip('matplotlib')
    from teachgrad.widgets import LossLandscape
    land = LossLandscape()
    land.widget
    ui = land._ui
    ui.n.value = 3
    ui.run.click()
    assert land.position == 3 and ui.progress.value == ui.progress.max == 3
    ui.reset.click()
    assert land.position == 0 and ui.progress.value == 0



# -- the picture stays still ------------------------------------------------------

def _boxes(svg):
    """{node title: bounding box of its outline} from a Graphviz SVG."""
    import re
    out = {}
    pattern = (r'<g id="node\d+" class="node">\s*<title>([^<]*)</title>\s*'
               r'<(?:path|polygon)[^>]*?(?:d|points)="([^"]*)"')
    for m in re.finditer(pattern, svg):
        nums = [float(v) for v in re.findall(r'-?\d+(?:\.\d+)?', m.group(2))]
        xs, ys = nums[0::2], nums[1::2]
        out[m.group(1)] = (min(xs), min(ys), max(xs), max(ys))
    return out


@pytest.mark.parametrize('build', [polynomial, reused, matmul_broadcast])
@pytest.mark.parametrize('kind', [BackwardStepper, ForwardStepper])
def test_every_frame_has_the_same_layout(kind, build):
    pytest.importorskip('teachgrad.viz')
    y, h = build()
    s = kind(y)
    frames = []
    for k in range(s.n_steps + 1):
        s.goto(k)
        svg = s.svg
        assert svg is not None, 'no picture: is a Graphviz renderer installed?'
        frames.append((svg[:svg.index('<g id="graph0"')], _boxes(svg)))
    header, boxes = frames[-1]
    assert len(boxes) >= s.n_steps
    for k, (h_k, b_k) in enumerate(frames):
        assert h_k == header, 'the picture changed size at step {}'.format(k)
        for title, box in b_k.items():       # hidden boxes draw no outline
            assert box == boxes[title], 'box {} moved at step {}'.format(title, k)


@pytest.mark.parametrize('name', [
    'teachgrad.widgets', 'teachgrad.widgets.backward', 'teachgrad.widgets.forward',
    'teachgrad.widgets.optimizer', 'teachgrad.widgets.landscape',
    'teachgrad.widgets._graph', 'teachgrad.widgets._text', 'teachgrad.widgets._formulas'])
def test_docstring_examples(name):
    import doctest
    import importlib
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
    assert result.attempted > 0, '{} has no examples'.format(name)


def test_without_ipywidgets_the_static_picture_remains(monkeypatch):
    monkeypatch.setitem(sys.modules, 'ipywidgets', None)       # import fails
    monkeypatch.delitem(sys.modules, 'teachgrad.widgets._controls', raising=False)
    y, h = polynomial()
    s = BackwardStepper(y)
    bundle = s._repr_mimebundle_()
    assert 'application/vnd.jupyter.widget-view+json' not in bundle
    assert bundle['text/plain'].startswith('Ready') and 'Ready' in bundle['text/html']
