"""Which boxes and arrows a picture of a Variable's graph has.

This module reads the real graph (creators, inputs, outputs, link scopes) and
decides what to draw: one box per variable node and per function node, the
functions that ran inside one link folded into one box when asked, and the
middle of a long chain folded into a single "… 1 960 more nodes …" box so that
Graphviz stays fast. It knows nothing about colours or DOT; ``dot.py`` does.

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([5.], dtype=np.float32), name='x')
>>> y = x ** 2 - 2 * x + 1
>>> scene = build_scene([y])
>>> [b.id for b in scene.boxes]
['v0', 'f0', 'v1', 'f1', 'v2', 'f2', 'v3', 'f3', 'v4']
>>> [b.kind for b in scene.boxes][:3], scene.box_of[y.node].kind
(['input', 'function', 'intermediate'], 'output')
>>> scene.edges[:3]
[('v0', 'f0'), ('f0', 'v1'), ('v0', 'f1')]
"""
import itertools

from teachgrad import backprop


class Box:
    """One node of the picture.

    ``kind`` is 'input', 'param', 'constant', 'intermediate', 'output' (variable
    nodes), 'function', 'link' (a folded link call) or 'fold' (hidden middle).
    ``node`` is the VariableNode or FunctionNode drawn; a 'link' box has the
    link, its ``path`` and the ``functions`` and ``params`` it hides.
    """
    __slots__ = ('id', 'kind', 'node', 'link', 'path', 'functions', 'params', 'hidden')

    def __init__(self, id, kind, node=None):
        self.id = id
        self.kind = kind
        self.node = node
        self.link = self.path = None
        self.functions = self.params = ()
        self.hidden = 0

    def __repr__(self):
        return '<Box {} {}>'.format(self.id, self.kind)


class Scene:
    """The boxes (in graph order) and arrows ``(from_id, to_id)`` of a picture."""

    def __init__(self):
        self.boxes = []
        self.edges = []
        self.box_of = {}        # VariableNode / FunctionNode -> its Box
        self.total = 0          # boxes the picture would have without max_nodes

    @property
    def hidden(self):
        return self.total - sum(1 for b in self.boxes if b.kind != 'fold')


def walk(roots, nodes=None):
    """The function nodes behind ``roots``, inputs' makers first.

    The order is teachgrad's one graph order, :func:`teachgrad.backprop.walk`:
    by rank, and among functions of equal rank the order forward ran them.
    When ``nodes`` (a set) is given, every variable node the functions read
    or write is added to it.
    """
    functions = backprop.walk(roots)
    if nodes is not None:
        for f in functions:
            nodes.update(f.inputs)
            nodes.update(ref() for ref in f.outputs)
        nodes.discard(None)             # outputs that died
    return functions


def variable_kind(node, is_root):
    """'output', 'intermediate', 'param', 'constant' or 'input'."""
    if node.creator is not None:
        return 'output' if is_root else 'intermediate'
    var = node.get_variable_or_none()
    if var is not None and _is_parameter(var):
        return 'param'
    return 'input' if node.requires_grad else 'constant'


def _is_parameter(var):
    from teachgrad.variable import Parameter
    return isinstance(var, Parameter)


class _Group:
    """One call of a link, folded: its functions and the nodes it reads and writes."""
    __slots__ = ('functions', 'inputs', 'outputs', 'link', 'scope', 'params')

    def __init__(self, link, scope):
        self.functions = []
        self.link = link
        self.scope = scope
        self.params = []
        self.inputs = []
        self.outputs = []


def _outputs(f):
    return [n for n in (ref() for ref in f.outputs) if n is not None]


def _io(item):
    """(inputs, outputs) of a function or a folded link call."""
    if type(item) is _Group:
        return item.inputs, item.outputs
    return item.inputs, _outputs(item)


def _fold_link(scope):
    # A function is folded into the innermost link that has no child links:
    # glue code in a Chain's forward (an F.relu between two layers) stays visible.
    if not scope:
        return None
    link = scope[-1]
    if getattr(link, 'draw_as_one_box', False):     # a layer made of links (LSTM)
        return link
    children = getattr(link, 'children', None)
    if children is None or any(True for _ in children()):
        return None
    return link


def _items(functions, collapse):
    """The functions, with each folded link call replaced by one _Group (and
    whether there is any)."""
    if collapse is False or not any(f.scope for f in functions):
        return functions, False
    groups = {}     # one group per call: functions of one call share its scope tuple
    items = []
    for f in functions:
        link = _fold_link(f.scope) if f.scope else None
        if link is None:
            items.append(f)
            continue
        key = id(f.scope)   # a dict key only; identity separates repeated calls
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(link, f.scope)
            items.append(group)
        group.functions.append(f)
    if not groups or (collapse == 'auto' and len(groups) < 2):
        return functions, False
    for group in groups.values():
        made = set()
        for f in group.functions:
            made.update(_outputs(f))
        used = set()
        for f in group.functions:
            used.update(f.inputs)
            for n in f.inputs:
                if n not in made and n not in group.inputs:
                    group.inputs.append(n)
        group.outputs = [n for f in group.functions for n in _outputs(f) if n not in used]
    return items, True


def _hide_params(items, roots):
    # A parameter read only by one folded link is listed inside that link's box.
    readers = {}
    for it in items:
        for n in it.inputs:
            readers.setdefault(n, []).append(it)
    for it in items:
        if type(it) is not _Group:
            continue
        for n in list(it.inputs):
            var = n.get_variable_or_none()
            if (n.creator is None and var is not None and _is_parameter(var)
                    and n not in roots and all(r is it for r in readers[n])):
                it.inputs.remove(n)
                it.params.append(n)


def _choose(items, roots, max_nodes, nodes):
    """Indices of the items to draw (all, or both ends of a graph that has too
    many boxes), and how many boxes the whole graph has. ``nodes``: the
    variable nodes the items read and write, or None to collect them here."""
    if nodes is None:
        nodes = set()
        for it in items:
            nodes.update(it.inputs)
            nodes.update(it.outputs)
    total = len(items) + len(nodes) + sum(1 for r in roots if r not in nodes)
    if max_nodes is None or total <= max_nodes:
        return range(len(items)), total
    # Take items from the output end and the input end in turn, keeping one
    # place for the fold box, until the next one would not fit.
    head, tail = [], []
    nodes = set(roots)
    lo, hi = 0, len(items) - 1
    take_tail = True
    while lo <= hi:
        i = hi if take_tail else lo
        ins, outs = _io(items[i])
        new = set(ins)
        new.update(outs)
        new -= nodes
        if len(head) + len(tail) + len(nodes) + 1 + len(new) > max_nodes - 1:
            break
        nodes |= new
        if take_tail:
            tail.append(i)
            hi -= 1
        else:
            head.append(i)
            lo += 1
        take_tail = not take_tail
    return head + tail[::-1], total


def build_scene(outputs, collapse_links='auto', max_nodes=None):
    """A :class:`Scene` for the graph behind ``outputs`` (VariableNodes or Variables)."""
    roots = list(dict.fromkeys(getattr(o, 'node', o) for o in outputs))
    nodes = set()
    items, folded = _items(walk(roots, nodes), collapse_links)
    if folded:
        _hide_params(items, roots)
    chosen, total = _choose(items, roots, max_nodes, None if folded else nodes)
    scene = Scene()
    scene.total = total
    root_set = set(roots)
    box_of = scene.box_of
    boxes = scene.boxes
    edges = scene.edges
    counters = {'v': 0, 'f': 0, 'l': 0}
    param_paths = {}

    def new_id(prefix):
        n = counters[prefix]
        counters[prefix] += 1
        return prefix + str(n)

    def var_box(node, scope=()):
        box = box_of.get(node)
        if box is None:
            box = Box(new_id('v'), variable_kind(node, node in root_set), node)
            box_of[node] = box
            boxes.append(box)
        if scope and box.kind == 'param' and box.path is None:
            box.path = _param_path(node, scope[0], param_paths)
        return box

    fold = None
    previous = -1
    for i in chosen:
        if i != previous + 1 and fold is None:
            fold = Box('more', 'fold')      # where the hidden middle begins
            boxes.append(fold)
        previous = i
        it = items[i]
        ins, outs = _io(it)
        if type(it) is _Group:
            box = Box(new_id('l'), 'link')
            box.link = it.link
            box.path = link_path(it.scope)
            box.functions = tuple(it.functions)
            box.params = tuple(it.params)
            scope = it.scope
            for f in it.functions:
                box_of[f] = box
        else:
            box = Box(new_id('f'), 'function', it)
            box_of[it] = box
            scope = it.scope
        in_boxes = [var_box(n, scope) for n in ins]
        boxes.append(box)
        for b in in_boxes:
            edges.append((b.id, box.id))
        for n in outs:
            edges.append((box.id, var_box(n).id))
    if previous != len(items) - 1 and fold is None:
        fold = Box('more', 'fold')
        boxes.append(fold)
    for node in roots:
        var_box(node)
    if fold is not None:
        fold.hidden = scene.hidden
        chosen_set = set(chosen)
        _fold_edges(scene, [it for i, it in enumerate(items) if i not in chosen_set], fold)
    return scene


def _fold_edges(scene, hidden_items, fold):
    # Arrows into the fold box: drawn variables that hidden functions read;
    # arrows out of it: drawn variables that hidden functions made.
    box_of = scene.box_of
    read = set(itertools.chain.from_iterable(it.inputs for it in hidden_items))
    edges = []
    for box in scene.boxes:
        node = box.node
        if box.kind in ('function', 'link', 'fold'):
            continue
        if node in read:
            edges.append((box.id, fold.id))
        if node.creator is not None and node.creator not in box_of:
            edges.append((fold.id, box.id))
    scene.edges.extend(edges)


def _param_path(node, outer, cache):
    # '/l1/W' tells the two W of a two-layer model apart; a link called on
    # its own gives just 'W', which the name already says.
    paths = cache.get(id(outer))
    if paths is None:
        paths = cache[id(outer)] = {
            id(p.node): path for path, p in outer.namedparams(include_uninit=True)}
    path = paths.get(id(node))
    return path if path and path.count('/') > 1 else None


def link_path(scope):
    """How a folded link is named: its path from the outermost link being
    called (``'/l1'``, ``'/predictor/l2'``), or its class name when it was
    called on its own."""
    outer, link = scope[0], scope[-1]
    if link is outer:
        return type(link).__name__
    for path, sub in outer.namedlinks(skipself=True):
        if sub is link:
            return path
    return type(link).__name__
