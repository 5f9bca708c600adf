"""DOT text for a graph picture (a :class:`~teachgrad.viz.graph.Scene`) or a model picture.

The ``graphviz`` package builds the text and quotes everything in it that
needs quoting (labels, attribute values); the labels are HTML-like, their text
XML-escaped in ``labels.py``. It is imported here, only when something is drawn.
A faster writer of the same text, and a compact style for pictures of hundreds
of boxes, live in ``teachgrad/_fast.py``.
"""
from teachgrad.viz import labels
from teachgrad.viz.labels import FONT, PALETTE

# Past this many boxes Graphviz's network-simplex passes dominate the time
# (a variable read by hundreds of functions takes minutes); a few iterations
# give nearly the same picture.
_BIG = 150
def _digraph(rankdir, n_boxes=0):
    import graphviz
    g = graphviz.Digraph()
    g.attr('graph', rankdir=rankdir, nodesep='0.25', ranksep='0.3', bgcolor='white',
           pad='0.15', fontname=FONT, fontsize='10')
    if n_boxes > _BIG:
        g.attr('graph', nslimit='2', nslimit1='2', mclimit='0.5')
    g.attr('node', shape='box', fontname=FONT, fontsize='11', margin='0.06,0.03',
           penwidth='1.2', color=labels.INK, fontcolor=labels.INK)
    g.attr('edge', color='#5f6470', arrowsize='0.6', penwidth='1')
    return g


def scene_digraph(scene, show_values=True, show_grads=True, rankdir='TB', legend=False,
                  styles=None, notes=None, fixed_size=False, max_elements=16, precision=4):
    """A ``graphviz.Digraph`` that draws ``scene``."""
    g = _digraph(rankdir, len(scene.boxes))
    extra, note_of = _per_box(scene, styles, notes)
    invisible = set()
    for box in scene.boxes:
        label = box_label(box, show_values, show_grads, note_of.get(box.id), fixed_size,
                          max_elements, precision)
        attrs = box_attrs(box.kind)
        if fixed_size and box.kind != 'fold':
            attrs['fixedsize'] = 'true'
            attrs['width'], attrs['height'] = _size(box, show_values, show_grads,
                                                    max_elements, precision)
        attrs.update(extra.get(box.id, ()))
        if 'invis' in attrs.get('style', ''):
            invisible.add(box.id)
        g.node(box.id, label, **attrs)
    for a, b in scene.edges:
        if a in invisible or b in invisible:
            g.edge(a, b, style='invis')     # a hidden box hides its arrows
        else:
            g.edge(a, b)
    if legend:
        add_legend(g, scene)
    return g


def box_attrs(kind):
    """The colours of a box of this kind, as Graphviz attributes."""
    fill, border, style = PALETTE[kind]
    attrs = {'color': border, 'fillcolor': fill, 'style': style}
    if kind == 'fold':
        attrs['shape'] = 'note'
    return attrs


def derivative_attrs(order):
    """Graphviz attributes of a function made by the ``order``-th backward."""
    fills = labels.DERIVATIVE_FILLS
    return {'color': labels.GRAD, 'style': 'rounded,filled,dashed',
            'fillcolor': fills[min(order, len(fills)) - 1]}


def box_label(box, show_values, show_grads, note, fixed_size, max_elements, precision):
    """The HTML-like label of a box (``labels.py`` writes each kind)."""
    if box.kind == 'function':
        return labels.function_label(box.node, show_grads, note, max_elements, precision,
                                     fixed_size)
    if box.kind == 'link':
        return labels.link_label(box, show_grads, note, fixed_size)
    if box.kind == 'fold':
        return labels.fold_label(box.hidden)
    return labels.variable_label(box.node, box.path, show_values, show_grads, note,
                                 max_elements, precision, fixed_size)


def add_legend(g, scene=None):
    derived = scene is not None and any(
        getattr(box.node, 'derivative_order', 0) for box in scene.boxes if box.kind == 'function')
    g.node('legend', labels.legend_label(derived), shape='box', style='rounded',
           color='#c9ccd3', margin='0.08,0.05')


def _size(box, show_values, show_grads, max_elements, precision):
    if box.kind == 'function':
        return labels.function_size(box.node, show_grads, max_elements, precision)
    if box.kind == 'link':
        return labels.link_size(box, show_grads)
    return labels.variable_size(box.node, box.path, show_values, show_grads, max_elements,
                                precision)


def _per_box(scene, styles, notes):
    """Merge the caller's styles and notes (keyed by nodes or Variables) by box id.

    Functions that a double backprop made (``derivative_order`` 1, 2, ...)
    get the backward look: a dashed border in the grads' red, a fill that
    deepens with the order; the caller's styles still win.
    """
    extra, note_of = {}, {}
    for box in scene.boxes:
        order = getattr(box.node, 'derivative_order', 0) if box.kind == 'function' else 0
        if order:
            extra[box.id] = derivative_attrs(order)
    for key, attrs in (styles or {}).items():
        box = scene.box_of.get(getattr(key, 'node', key))
        if box is not None:
            extra.setdefault(box.id, {}).update(
                (str(k), str(v)) for k, v in attrs.items())
    for key, note in (notes or {}).items():
        box = scene.box_of.get(getattr(key, 'node', key))
        if box is not None and note is not None:
            old = note_of.get(box.id)
            note_of[box.id] = str(note) if old is None else old + '\n' + str(note)
    return extra, note_of


# -- a model: links and their parameters ---------------------------------------------

def link_digraph(link, rankdir='TB'):
    """A ``graphviz.Digraph`` of a Link: child links nested in their chain,
    each with its parameters' shapes (``W(None)`` until initialized)."""
    g = _digraph(rankdir)
    g.attr('graph', nodesep='0.2', ranksep='0.25')
    tree = {}
    for path, sub in link.namedlinks():
        parent = path.rsplit('/', 1)[0] or '/'
        if path != '/':
            tree.setdefault(parent, []).append((path, sub))
    counter = [0]
    _draw_link(g, link, '/', tree, counter)
    return g


def _own_params(link):
    return [(path[1:], p) for path, p in link.namedparams(include_uninit=True)
            if path.count('/') == 1]


def _link_title(path, link):
    cls = labels.text(type(link).__name__)
    if path == '/':
        return '<B>{}</B>'.format(cls)
    return '<B>{}</B>{}'.format(labels.text(path.rsplit('/', 1)[-1]),
                                labels._SHAPE.format('  ' + cls))


def _param_rows(params):
    fill = PALETTE['param'][0]
    rows = []
    for name, p in params:
        if p.data is None:
            cells = ('<I>{}(None)</I>'.format(labels.text(name)),
                     '<I>shape set by the first call</I>')
            color = labels.MUTED
        else:
            cells = (labels.text(name), labels._SHAPE.format(labels.shape_text(p.node)))
            color = labels.INK
        rows.append('<TR><TD ALIGN="LEFT" BGCOLOR="{0}"><FONT POINT-SIZE="9" COLOR="{1}">{2}'
                    '</FONT></TD><TD ALIGN="LEFT" BGCOLOR="{0}"><FONT POINT-SIZE="9" '
                    'COLOR="{1}">{3}</FONT></TD></TR>'.format(fill, color, *cells))
    return rows


def _draw_link(g, link, path, tree, counter):
    children = tree.get(path, [])
    params = _own_params(link)
    node_id = 'k{}'.format(counter[0])
    counter[0] += 1
    fill, border, style = PALETTE['link']
    if not children:
        rows = ['<TR><TD COLSPAN="2"><FONT POINT-SIZE="12">{}</FONT></TD></TR>'.format(
            _link_title(path, link))]
        rows += _param_rows(params)
        g.node(node_id, '<' + labels._TABLE.format(''.join(rows)) + '>', fillcolor=fill,
               color=border, style=style)
        return node_id
    with g.subgraph(name='cluster_' + node_id) as c:
        c.attr(label='<' + _link_title(path, link) + '>', style='rounded,filled',
               fillcolor='#fdf4f8' if path == '/' else '#fbe9f1', color=border,
               fontname=FONT, fontsize='11', labeljust='l', margin='10')
        first = None
        if params:
            first = node_id
            c.node(node_id, '<' + labels._TABLE.format(''.join(_param_rows(params))) + '>',
                   fillcolor='#ffffff', color=PALETTE['param'][1], style='rounded,filled')
        prev = first
        for child_path, child in children:
            top = _draw_link(c, child, child_path, tree, counter)
            if prev is not None:
                c.edge(prev, top, style='invis')   # stack children in their order
            prev = top
            first = first or top
    return first


from teachgrad import _fast  # NOQA: E402
_fast.install(__name__)     # the faster writer of scene_digraph's text
