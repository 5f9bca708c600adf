"""Graph pictures: the SVG that Graphviz draws, read back as XML.

Every test renders with the real Graphviz that teachgrad finds (graphviz-pure
from the venv) and checks what the learner would see: texts in the boxes,
colours of the boxes, numbers of the backward steps.
"""
import os
import stat
import subprocess
import sys
import textwrap
import time
from xml.etree import ElementTree

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import Chain, FunctionNode, Variable, viz
from teachgrad.viz import labels, render
from teachgrad._fast import COMPACT, ENABLED as FAST_PATHS
from teachgrad.viz.graph import build_scene

SVG = '{http://www.w3.org/2000/svg}'


@pytest.fixture(autouse=True)
def fresh_options():
    viz.set_options(reset=True)
    render._warned.clear()
    yield
    viz.set_options(reset=True)
    render._warned.clear()


def f32(*values):
    return np.array(values, dtype=np.float32)


def parse(svg):
    assert svg is not None, 'no renderer found: install graphviz-pure in the venv'
    return ElementTree.fromstring(svg)


def texts(svg):
    """Every piece of text in the picture, in document order."""
    return _words(parse(svg))


def _words(element):
    # Graphviz writes each run of a label as its own <text>; padding spaces
    # (which it turns into no-break spaces) are not what the learner reads.
    words = (t.text.replace('\xa0', ' ').strip() for t in element.iter(SVG + 'text')
             if t.text)
    return [w for w in words if w]


def nodes(svg):
    """DOT node id -> the SVG group that draws it."""
    return {g.find(SVG + 'title').text: g for g in parse(svg).iter(SVG + 'g')
            if g.get('class') == 'node'}


def node_texts(group):
    return _words(group)


def outline(group):
    """(fill, stroke) of a node's box (its first drawn shape)."""
    for el in group.iter():
        if el.tag in (SVG + 'path', SVG + 'polygon') and el.get('stroke') not in (None, 'none'):
            return el.get('fill'), el.get('stroke')
    raise AssertionError('node has no outline')


def tutorial_graph():
    x = Variable(f32(5), name='x')
    y = x ** 2 - 2 * x + 1
    y.name = 'y'
    return x, y


# -- what the boxes say ---------------------------------------------------------

def test_names_values_and_shapes_appear():
    x, y = tutorial_graph()
    words = texts(y._repr_svg_())
    assert 'x' in words and 'y' in words
    assert '[5.]' in words and '[16.]' in words            # x and y values
    assert '[25.]' in words and '[10.]' in words           # x**2 and 2*x
    assert words.count('(1,) float32') == 5
    for op in ('**2', '* 2', '-', '+ 1'):
        assert op in words
    assert 'grad' not in words                             # no backward yet


def test_grads_appear_beside_values_after_backward():
    x, y = tutorial_graph()
    y.backward()
    groups = nodes(viz.draw(y).svg)
    box = build_scene([y])
    x_words = node_texts(groups[box.box_of[x.node].id])
    assert x_words == ['x', '(1,) float32', 'data', '[5.]', 'grad', '[8.]']
    y_words = node_texts(groups[box.box_of[y.node].id])
    assert y_words[-2:] == ['grad', '[1.]']               # the seed is kept


def test_backward_order_numbers_match_the_real_visit_record():
    x, y = tutorial_graph()
    svg_before = viz.draw(y).svg
    y.backward()
    scene = build_scene([y])
    groups = nodes(viz.draw(y).svg)
    functions = [b.node for b in scene.boxes if b.kind == 'function']
    orders = sorted(f.backward_order for f in functions)
    assert orders == [1, 2, 3, 4]
    for f in functions:
        words = node_texts(groups[scene.box_of[f].id])
        assert words == [str(f.backward_order), f.label]
    # y = ((x**2) - (2*x)) + 1: backward visits '+ 1' first and '-' second
    first = [f for f in functions if f.backward_order == 1][0]
    assert first.label == '+ 1'
    before = nodes(svg_before)
    for f in functions:
        assert node_texts(before[scene.box_of[f].id]) == [f.label]


def test_freed_and_retained_grads_are_told_apart():
    x = Variable(f32(5), name='x')
    z = 2 * x
    z.name = 'z'
    y = x ** 2 - z + 1
    y.backward()
    scene = build_scene([y])
    freed = node_texts(nodes(viz.draw(y).svg)[scene.box_of[z.node].id])
    assert freed[-2:] == ['grad', 'freed']

    y.backward(retain_grad=True)
    retained = node_texts(nodes(viz.draw(y).svg)[scene.box_of[z.node].id])
    assert retained[-2:] == ['grad (retained)', '[-1.]']
    assert z.node.grad_state == 'retained'


def test_retained_grad_of_a_dropped_variable_says_so():
    x = Variable(f32(5), name='x')
    y = (x * 3) + 1            # the Variable of x * 3 is dropped at once
    y.backward(retain_grad=True)
    words = texts(viz.draw(y).svg)
    assert 'Variable dropped' in words
    assert '[15.]' in words    # its small value stays on the graph node


def test_leaves_params_constants_intermediates_and_outputs_are_styled_apart():
    x = Variable(f32(1, 2), name='x')
    W = teachgrad.Parameter(f32(3, 4), name='W')
    c = Variable(f32(10, 20), name='c', requires_grad=False)
    h = x * W
    y = h + c
    y.name = 'y'
    scene = build_scene([y])
    groups = nodes(viz.draw(y).svg)
    looks = {}
    for var, kind in [(x, 'input'), (W, 'param'), (c, 'constant'), (h, 'intermediate'),
                      (y, 'output')]:
        box = scene.box_of[var.node]
        assert box.kind == kind
        looks[kind] = outline(groups[box.id])
        assert looks[kind] == labels.PALETTE[kind][:2]
    f = scene.box_of[y.creator]
    looks['function'] = outline(groups[f.id])
    assert len(set(looks.values())) == len(looks)


def test_large_arrays_are_summarized_small_ones_printed_in_full():
    big = Variable(np.arange(100, dtype=np.float32).reshape(10, 10), name='big')
    small = Variable(np.arange(4, dtype=np.float32).reshape(2, 2), name='small')
    words = texts(viz.draw(big, small).svg)
    assert 'min 0.  mean 49.5  max 99.' in words
    assert '(10, 10) float32' in words
    assert '[[0. 1.]' in words and '[2. 3.]]' in words


def test_released_value_of_a_big_dropped_intermediate():
    x = Variable(np.ones(2000, dtype=np.float32), name='x')
    y = F.sum(x * 2)           # the 2000-element product is not kept for pictures
    words = texts(viz.draw(y).svg)
    assert '(value released)' in words
    assert 'min 1.  mean 1.  max 1.' in words   # x lives, so its value shows


def test_constant_array_of_an_op_is_drawn_in_its_label():
    x = Variable(f32(1, 2), name='x')
    y = x + np.array([10, 20], dtype=np.float32)
    words = texts(viz.draw(y).svg)
    assert '+ const(2,)' in words and '[10. 20.]' in words


def test_a_leaf_alone_and_several_outputs():
    x = Variable(f32(7), name='x')
    assert texts(viz.draw(x).svg) == ['x', '(1,) float32', 'data', '[7.]']
    a, b = x * 2, x + 1
    scene = build_scene([a, b])
    assert [bx.kind for bx in scene.boxes].count('output') == 2
    assert len(nodes(viz.draw(a, b).svg)) == 5


# -- escaping ---------------------------------------------------------------------

NASTY = 'a<b>&"q\'{c}\\n\\ ]]> </TD></TABLE>>'


class Weird(FunctionNode):
    label = '<&> "{op}" \\l'

    def forward(self, x):
        return x * 1

    def backward(self, gy):
        return gy


def test_special_characters_in_names_labels_and_notes_are_escaped():
    x = Variable(f32(1), name=NASTY)
    y = Weird()(x)
    y.name = 'tab\there\x01'
    picture = viz.draw(y, notes={y.creator: 'note <&> "}{"'})
    words = texts(picture.svg)                      # parses as XML
    assert NASTY in words
    assert Weird.label in words
    assert 'note <&> "}{"' in words
    assert 'tab\\there\\x01' in words               # control characters made visible
    assert 'a<b>' not in picture.source             # DOT carries it escaped


def test_model_names_are_escaped_too():
    class Net(Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.fc = L.Linear(2, 2)
    Net.__name__ = 'Net<&>'
    assert 'Net<&>' in texts(viz.draw(Net()).svg)


# -- determinism --------------------------------------------------------------------

def build_mlp_loss():
    np.random.seed(0)

    class MLP(Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(4, 3)
                self.l2 = L.Linear(3, 2)

        def forward(self, x):
            return self.l2(F.relu(self.l1(x)))

    model = MLP()
    x = Variable(np.random.uniform(-1, 1, (2, 4)).astype(np.float32), name='x')
    loss = F.sum(model(x))
    loss.name = 'loss'
    loss.backward()
    return loss


@pytest.mark.parametrize('collapse', [True, False])
def test_same_graph_built_twice_gives_byte_identical_svg(collapse):
    one = viz.draw(build_mlp_loss(), collapse_links=collapse, legend=True).svg
    two = viz.draw(build_mlp_loss(), collapse_links=collapse, legend=True).svg
    assert one == two
    assert '0x' not in one                            # no memory addresses
    x1, y1 = tutorial_graph()
    x2, y2 = tutorial_graph()
    y1.backward()
    y2.backward()
    assert y1._repr_svg_() == y2._repr_svg_()


# -- links ----------------------------------------------------------------------------

def test_uninitialized_lazy_parameter_draws_as_W_None():
    assert texts(viz.draw(teachgrad.Parameter(name='W')).svg) == ['W(None)']
    f = L.Linear(2)
    words = texts(f._repr_svg_())
    assert 'W(None)' in words
    assert '(2,) float32' in words                    # b exists from the start
    f(Variable(np.ones((1, 3), dtype=np.float32)))
    words = texts(f._repr_svg_())
    assert 'W(None)' not in words and '(2, 3) float32' in words


def test_model_picture_shows_children_by_name_and_parameter_shapes():
    class MyChain(Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(4, 3)
                self.l2 = L.Linear(3, 2)
    words = texts(viz.draw(MyChain()).svg)
    assert words[0] == 'MyChain'
    for w in ('l1', 'l2', 'Linear', '(3, 4) float32', '(3,) float32', '(2, 3) float32'):
        assert w in words
    assert words.index('l1') < words.index('l2')


def test_chain_collapses_into_link_paths_and_expands_on_request():
    loss = build_mlp_loss()
    collapsed = texts(viz.draw(loss).svg)             # 'auto': two link calls
    assert '/l1' in collapsed and '/l2' in collapsed
    assert 'relu' in collapsed and 'sum' in collapsed
    assert 'W (3, 4) float32' in collapsed            # the hidden parameters, listed
    assert 'Linear' in collapsed                      # the class, beside the path
    expanded = texts(viz.draw(loss, collapse_links=False).svg)
    assert '/l1' not in expanded
    assert '/l1/W' in expanded and '/l2/b' in expanded
    assert expanded.count('Linear') == 2              # the two function nodes
    scene = build_scene([loss], collapse_links=True)
    l1 = [b for b in scene.boxes if b.kind == 'link'][0]
    assert l1.path == '/l1' and [f.label for f in l1.functions] == ['Linear']


def test_a_link_called_alone_is_named_by_its_class_and_each_call_gets_a_box():
    np.random.seed(0)
    layer = L.Linear(2, 2)
    x = Variable(np.ones((1, 2), dtype=np.float32), name='x')
    y = layer(layer(x))                               # the same link called twice
    scene = build_scene([y], collapse_links=True)
    links = [b for b in scene.boxes if b.kind == 'link']
    assert [b.path for b in links] == ['Linear', 'Linear']
    W = scene.box_of[layer.W.node]
    assert W.kind == 'param' and links[0].params == ()   # read by both calls: drawn once
    assert (W.id, links[0].id) in scene.edges and (W.id, links[1].id) in scene.edges
    h = scene.box_of[y.creator.inputs[0]]            # no cycle: call 1 feeds call 2
    assert (links[0].id, h.id) in scene.edges and (h.id, links[1].id) in scene.edges
    assert [b.kind for b in build_scene([y]).boxes].count('link') == 2   # 'auto'


# -- big graphs -----------------------------------------------------------------------

def chain(n_ops):
    x = Variable(f32(1), name='x')
    y = x
    for _ in range(n_ops // 2):
        y = y * 1.0001 + 0.0001
    return x, y


def fold_count(words):
    line = [w for w in words if 'more nodes' in w]
    assert len(line) == 1
    return int(line[0].split('more')[0].strip('… ').replace(' ', ''))


def test_long_chain_is_folded_and_the_picture_says_how_much():
    x, y = chain(2000)
    svg = y._repr_svg_()
    drawn = nodes(svg)
    assert len(drawn) <= viz.options.max_nodes
    hidden = fold_count(texts(svg))
    assert hidden + len(drawn) - 1 == 4001            # 2000 functions + 2001 variables
    assert 'x' in texts(svg)                          # both ends stay visible
    assert 'max_nodes=None draws them all' in texts(svg)
    assert len(nodes(viz.draw(y, max_nodes=30).svg)) <= 30


def test_every_op_reading_x_is_folded_too():
    x = Variable(f32(1), name='x')
    y = x
    for _ in range(2000):
        y = y * x
    svg = y._repr_svg_()
    assert len(nodes(svg)) <= viz.options.max_nodes
    assert fold_count(texts(svg)) + len(nodes(svg)) - 1 == 4001


def test_small_graph_is_not_folded_and_max_nodes_none_draws_all():
    x, y = chain(40)
    assert 'more nodes' not in ' '.join(texts(viz.draw(y, max_nodes=None).svg))
    assert len(nodes(viz.draw(y, max_nodes=None).svg)) == 81


@pytest.mark.skipif(not FAST_PATHS, reason='the compact style is a fast path (TEACHGRAD_FAST=0)')
def test_hundreds_of_boxes_switch_to_plain_text_labels_still_escaped():
    x = Variable(f32(1), name=NASTY)
    y = x
    for _ in range(100):
        y = y * 2.0 + 1.0
    y.backward()
    scene = build_scene([y])                          # 401 boxes: the compact style
    assert len(scene.boxes) == 401 > COMPACT
    svg = viz.draw(y, max_nodes=None).svg
    groups = nodes(svg)
    assert len(groups) == 401
    assert NASTY + '  (1,) float32' in node_texts(groups['v0'])
    last = scene.boxes[-2]
    assert node_texts(groups[last.id]) == ['#1  + 1']  # the backward step, then the op
    assert 'grad freed' in node_texts(groups['v1'])


# -- renderer: missing, slow, found ------------------------------------------------

def test_no_renderer_gives_none_and_one_warning(monkeypatch):
    monkeypatch.setattr(render, 'find_executable', lambda: None)
    x, y = tutorial_graph()
    with pytest.warns(viz.RendererWarning, match='pip install graphviz-pure'):
        assert y._repr_svg_() is None
    with __import__('warnings').catch_warnings():
        __import__('warnings').simplefilter('error')
        assert y._repr_svg_() is None                 # warned once only
        assert L.Linear(2, 2)._repr_svg_() is None
    assert viz.renderer() is None
    with pytest.raises(viz.RendererNotFound, match='graphviz-pure'):
        viz.draw(y).svg


@pytest.mark.skipif(os.name != 'posix', reason='uses a shell script as the renderer')
def test_slow_renderer_is_stopped_and_the_picture_degrades(tmp_path):
    script = tmp_path / 'slow-dot'
    script.write_text('#!/bin/sh\nsleep 30\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    viz.set_options(executable=str(script), timeout=1)
    x, y = chain(10)
    start = time.monotonic()
    svg = y._repr_svg_()                              # must not raise or hang
    elapsed = time.monotonic() - start
    assert elapsed < 10
    words = texts(svg)
    assert words[0] == 'This graph was not drawn.'
    assert any('more than 1 s' in w for w in words)
    assert any('max_nodes=' in w for w in words)      # the one-line hint


@pytest.mark.skipif(os.name != 'posix', reason='uses a shell script as the renderer')
def test_failing_renderer_degrades_with_its_message(tmp_path):
    script = tmp_path / 'bad-dot'
    script.write_text('#!/bin/sh\necho "Error: syntax error in line 1" >&2\nexit 1\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    viz.set_options(executable=str(script))
    x, y = tutorial_graph()
    words = texts(y._repr_svg_())
    assert 'This graph was not drawn.' in words
    assert any('syntax error' in w for w in words)


def test_a_wrong_executable_option_says_so(tmp_path):
    viz.set_options(executable=str(tmp_path / 'no-such-dot'))
    x, y = tutorial_graph()
    with pytest.raises(viz.RendererNotFound, match='not an executable'):
        viz.draw(y).svg
    with pytest.warns(viz.RendererWarning, match='not an executable'):
        assert y._repr_svg_() is None


def test_renderer_describes_graphviz_pure_next_to_the_interpreter():
    r = viz.renderer()
    assert r is not None and r.name == 'graphviz-pure'
    assert 'graphviz-pure' in r and r.version
    assert os.path.dirname(r.path) in render._script_dirs()


def test_import_teachgrad_does_not_import_graphviz():
    code = textwrap.dedent('''\
        import sys
        import numpy as np
        import teachgrad
        x = teachgrad.Variable(np.array([5.], dtype=np.float32))
        y = x ** 2 - 2 * x + 1
        y.backward()
        repr(y)
        print('graphviz' in sys.modules, 'teachgrad.viz' in sys.modules)
        y._repr_svg_()
        print('graphviz' in sys.modules, 'teachgrad.viz' in sys.modules)
        ''')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True).stdout.split('\n')
    assert out[0] == 'False False'
    assert out[1] == 'True True'


# -- the options and the API ---------------------------------------------------------

def test_options_change_what_repr_svg_draws():
    x, y = tutorial_graph()
    y.backward()
    assert 'rankdir=TB' in viz.to_dot(y)
    viz.set_options(rankdir='LR', show_grads=False, legend=True)
    assert 'rankdir=LR' in viz.to_dot(y)
    groups = nodes(y._repr_svg_())
    words = [w for name, g in groups.items() if name != 'legend' for w in node_texts(g)]
    assert 'grad' not in words and '1' not in words   # no grads, no step numbers
    assert 'parameter' in node_texts(groups['legend'])
    assert 'rankdir=TB' in viz.to_dot(y, rankdir='TB')  # an argument wins
    with pytest.raises(AttributeError, match='max_nodes'):
        viz.set_options(max_node=3)
    with pytest.raises(ValueError, match="'TB', 'LR'"):
        viz.draw(y, rankdir='up')
    viz.set_options(show_values=False)
    assert '[5.]' not in texts(viz.draw(y).svg)


def test_draw_rejects_what_it_cannot_draw_with_a_hint():
    with pytest.raises(TypeError, match=r'Variable\(np.array'):
        viz.draw(np.ones(2))
    with pytest.warns(viz.RendererWarning, match='could not draw'):
        assert viz.repr_svg(42) is None


def test_save_svg_png_and_dot(tmp_path):
    x, y = tutorial_graph()
    picture = viz.draw(y)
    picture.save(tmp_path / 'g.svg')
    picture.save(tmp_path / 'g.png')
    picture.save(tmp_path / 'g.dot')
    assert (tmp_path / 'g.svg').read_text() == picture.svg
    assert (tmp_path / 'g.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert (tmp_path / 'g.dot').read_text() == picture.source
    with pytest.raises(ValueError, match='.svg, .png or .dot'):
        picture.save(tmp_path / 'g.jpg')


# -- what the steppers use: styles, notes, fixed_size -----------------------------------

def positions(svg):
    """Node id -> the coordinates of its box."""
    out = {}
    for name, group in nodes(svg).items():
        for el in group.iter():
            if el.tag == SVG + 'path':
                out[name] = el.get('d')
                break
            if el.tag == SVG + 'polygon':
                out[name] = el.get('points')
                break
    return out


def test_styles_and_notes_change_the_named_boxes():
    x, y = tutorial_graph()
    f = y.creator
    svg = viz.draw(y, styles={f: {'color': '#d62728', 'penwidth': '3'}, x: {'style': 'invis'}},
                   notes={f: 'step 1 of 4', y.node: 'grad [1.]'}).svg
    scene = build_scene([y])
    groups = nodes(svg)
    assert outline(groups[scene.box_of[f].id])[1] == '#d62728'
    assert 'step 1 of 4' in node_texts(groups[scene.box_of[f].id])
    assert 'grad [1.]' in node_texts(groups[scene.box_of[y.node].id])
    x_id = scene.box_of[x.node].id
    assert x_id not in groups                         # invisible, and so are its arrows
    edges = [g.find(SVG + 'title').text for g in parse(svg).iter(SVG + 'g')
             if g.get('class') == 'edge']
    assert len(edges) == len(scene.edges) - 2
    assert not [e for e in edges if e.startswith(x_id + '->')]


def test_fixed_size_keeps_the_layout_while_notes_styles_and_grads_change():
    x, y = tutorial_graph()
    first = viz.draw(y, fixed_size=True).svg
    functions = [b.node for b in build_scene([y]).boxes if b.kind == 'function']
    y.backward()
    later = viz.draw(y, fixed_size=True, notes={functions[0]: 'step 4 of 4\nwaiting',
                                                x: '← grad [8.]'},
                     styles={functions[1]: {'color': '#d62728', 'penwidth': '3'}}).svg
    assert positions(first) == positions(later)
    assert 'waiting' in texts(later) and '[8.]' in texts(later)
    loose = viz.draw(y, notes={functions[0]: 'a much longer note than before'}).svg
    assert positions(loose) != positions(first)      # without fixed_size boxes grow


@pytest.mark.parametrize('module', ['__init__', 'options', 'values', 'graph', 'labels', 'dot',
                                    'render', 'picture'])
def test_docstring_examples_run(module):
    import doctest
    import importlib
    name = 'teachgrad.viz' + ('' if module == '__init__' else '.' + module)
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
