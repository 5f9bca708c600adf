"""Pictures of computational graphs and models, drawn with Graphviz.

Displaying a Variable in Jupyter draws the graph that produced it: a box per
variable (name, shape, dtype, value, and after backward its grad) and per
function (the operation, and after backward the step at which backward reached
it). Displaying a Link draws the model. This package is imported only when a
picture is asked for, so the core never pays for it.

>>> import numpy as np
>>> import teachgrad
>>> from teachgrad import viz
>>> x = teachgrad.Variable(np.array([5.], dtype=np.float32), name='x')
>>> y = x ** 2 - 2 * x + 1
>>> y.backward()
>>> dot = viz.to_dot(y)
>>> dot.startswith('digraph')
True
>>> picture = viz.draw(y, legend=True)      # picture.save('y.png') writes a file

The defaults that Jupyter's display uses live in :data:`options`; change them
with :func:`set_options` (``viz.set_options(rankdir='LR', legend=True)``).
"""
from teachgrad.viz.options import options, set_options  # NOQA
from teachgrad.viz.picture import Picture  # NOQA
from teachgrad.viz.render import (  # NOQA
    renderer, RendererWarning, RendererNotFound, RenderTimeout, RenderError)

__all__ = ['draw', 'to_dot', 'repr_svg', 'renderer', 'options', 'set_options', 'Picture']


class _Default:
    def __repr__(self):
        return 'default'


DEFAULT = _Default()       # "use teachgrad.viz.options"


def _is_link(obj):
    return hasattr(obj, 'namedlinks') and hasattr(obj, 'namedparams')


def _nodes(outputs):
    from teachgrad.variable import Variable, VariableNode
    if len(outputs) == 1 and isinstance(outputs[0], (list, tuple)):
        outputs = tuple(outputs[0])
    if not outputs:
        raise TypeError('draw() needs at least one Variable, e.g. draw(y).')
    nodes = []
    for o in outputs:
        if isinstance(o, Variable):
            nodes.append(o.node)
        elif isinstance(o, VariableNode):
            nodes.append(o)
        else:
            raise TypeError(
                'draw() takes the Variables whose graph to draw (or one Link), but '
                'got a {}. Wrap arrays first: Variable(np.array(...)).'.format(
                    type(o).__name__))
    return nodes


def _option(value, name):
    return getattr(options, name) if value is DEFAULT else value


def draw(*outputs, show_values=DEFAULT, show_grads=DEFAULT, collapse_links=DEFAULT,
         rankdir=DEFAULT, max_nodes=DEFAULT, legend=DEFAULT, styles=None, notes=None,
         fixed_size=False):
    """Draw the graph behind ``outputs`` (Variables), or a model (one Link).

    Args:
        show_values: print each variable's value (small arrays in full, big ones
            as min/mean/max).
        show_grads: after backward, print grads beside values, mark freed ones,
            and number the functions in the order backward visited them.
        collapse_links: fold the functions that ran inside one link call into a
            box named by the link's path (``/l1``): True, False or 'auto'
            (fold when more than one link call is in the graph).
        rankdir: 'TB' (inputs on top) or 'LR' (inputs on the left).
        max_nodes: at most this many boxes; the middle of a longer graph is
            folded into one "… N more nodes …" box. None draws everything.
        legend: add a box that names the colours.
        styles: ``{node: {'color': '#d62728', 'penwidth': '3'}}`` extra Graphviz
            attributes per FunctionNode/VariableNode (or Variable);
            ``{'style': 'invis'}`` hides a box and its arrows.
        notes: ``{node: 'text'}`` an extra line of text in a box.
        fixed_size: give every box a size that depends only on the graph's
            structure, so changing notes, grads or styles never moves the layout
            (the stepping widgets draw frames this way).

    Every argument left out comes from :data:`teachgrad.viz.options`.

    Returns:
        a :class:`Picture`: Jupyter shows it; ``.svg``, ``.source`` (DOT) and
        ``.save('graph.png')`` give it to you.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> x = Variable(np.array([2.], dtype=np.float32), name='x')
    >>> draw(x * x, rankdir='LR').boxes
    3
    """
    from teachgrad.viz import dot
    rankdir = _option(rankdir, 'rankdir')
    if rankdir not in ('TB', 'LR', 'BT', 'RL'):
        raise ValueError("rankdir must be 'TB', 'LR', 'BT' or 'RL', not {!r}".format(rankdir))
    if len(outputs) == 1 and _is_link(outputs[0]):
        g = dot.link_digraph(outputs[0], rankdir)
        return Picture(g.source, sum(1 for _ in outputs[0].namedlinks()))
    from teachgrad.viz.graph import build_scene
    nodes = _nodes(outputs)
    max_nodes = _option(max_nodes, 'max_nodes')
    collapse = _option(collapse_links, 'collapse_links')
    if collapse not in (True, False, 'auto'):
        raise ValueError("collapse_links must be True, False or 'auto', not {!r}".format(
            collapse))
    scene = build_scene(nodes, collapse, max_nodes)
    g = dot.scene_digraph(
        scene, show_values=_option(show_values, 'show_values'),
        show_grads=_option(show_grads, 'show_grads'), rankdir=rankdir,
        legend=_option(legend, 'legend'), styles=styles, notes=notes,
        fixed_size=fixed_size, max_elements=options.max_elements,
        precision=options.precision)
    hint = 'Draw a summary instead: teachgrad.viz.draw(y, max_nodes={}).'.format(
        options.max_nodes or 40)
    return Picture(g.source, len(scene.boxes), hint)


def to_dot(*outputs, **opts):
    """The DOT text of :func:`draw` with the same arguments.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> print(to_dot(Variable(np.array([1.], dtype=np.float32), name='x'))[:9])
    digraph {
    """
    return draw(*outputs, **opts).source


def repr_svg(obj):
    """The SVG Jupyter shows for a Variable or a Link, or None. Never raises.

    ``Variable._repr_svg_`` and ``Link._repr_svg_`` call it, with the defaults
    in :data:`options`. Without Graphviz it returns None (Jupyter then shows
    the text repr) and warns once how to install one.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> svg = repr_svg(Variable(np.array([1.], dtype=np.float32), name='x'))
    >>> svg is None or svg.lstrip().startswith('<?xml')
    True
    """
    try:
        return draw(obj)._repr_svg_()
    except Exception as e:      # a display hook must not turn into an error
        from teachgrad.viz import render
        render.warn_once(('failed', type(e).__name__),
                         'teachgrad could not draw this picture: {}'.format(e))
        return None
