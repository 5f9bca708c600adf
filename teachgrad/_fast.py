"""Speed paths, fenced off from the textbook code.

Everything here computes exactly what a plain function elsewhere computes,
only faster; each one says which plain function it replaces. The plain
versions are the ones to read. When teachgrad is imported, :func:`install`
swaps the fast versions in, module by module.

Set ``TEACHGRAD_FAST=0`` in the environment before importing teachgrad to
keep every plain version: ``python3 dev.py test`` runs the unit tests both
ways, which shows that the fast paths and the plain ones agree.

>>> import teachgrad
>>> from teachgrad import _fast
>>> _fast.ENABLED in (True, False)
True
>>> sorted(name for name in _fast.replaced('teachgrad.function_node'))
['FunctionNode.apply']
"""
import math
import os
import sys

ENABLED = os.environ.get('TEACHGRAD_FAST', '1') != '0'

_PATHS = {}     # module name -> [(name in the module, factory)]
_PLAIN = {}     # (module name, name) -> the plain version it replaced


def replaces(module, name):
    """Register a factory ``make(plain) -> fast`` for ``module``'s ``name``
    (``'function'`` or ``'Class.method'``)."""
    def register(make):
        _PATHS.setdefault(module, []).append((name, make))
        return make
    return register


def install(module_name):
    """Swap the fast versions into ``module_name`` (once; nothing when switched off)."""
    if not ENABLED:
        return
    module = sys.modules[module_name]
    for name, make in _PATHS.get(module_name, ()):
        if (module_name, name) in _PLAIN:
            continue
        owner_name, _, attr = name.rpartition('.')
        owner = getattr(module, owner_name) if owner_name else module
        plain = owner.__dict__[attr] if isinstance(owner, type) else getattr(owner, attr)
        _PLAIN[module_name, name] = plain
        setattr(owner, attr, make(plain))


def install_loaded():
    """:func:`install` into every module with fast versions that is loaded already."""
    for module_name in list(_PATHS):
        if module_name in sys.modules:
            install(module_name)


def replaced(module_name):
    """The names in ``module_name`` that have a fast version."""
    return [name for name, _ in _PATHS.get(module_name, ())]


def plain(module_name, name):
    """The plain version of ``module_name``'s ``name``, whether or not it was replaced."""
    if (module_name, name) in _PLAIN:
        return _PLAIN[module_name, name]
    owner_name, _, attr = name.rpartition('.')
    owner = sys.modules[module_name]
    owner = getattr(owner, owner_name) if owner_name else owner
    return getattr(owner, attr)


# -- the core ------------------------------------------------------------------------

@replaces('teachgrad.function_node', 'FunctionNode.apply')
def _apply(plain_apply):
    """Replaces FunctionNode.apply: the same steps with the helper calls, any()
    and max() written out as loops, lookups hoisted and the output Variables
    filled in directly (~1.5 µs a call)."""
    import weakref
    import numpy
    from teachgrad import function_node
    from teachgrad.configuration import config
    from teachgrad.variable import DISPLAY_KEEP_SIZE, Variable, VariableNode
    ndarray, ref, as_input, clock = numpy.ndarray, weakref.ref, function_node._as_input, \
        function_node._forward_clock
    new_variable, new_node = Variable.__new__, VariableNode.__new__
    from teachgrad.function_styles import forward as styles_forward
    from teachgrad import function_hook as hooks
    from teachgrad.checks import explain_missing_data
    type_checked = {}       # class -> whether it defines check_type_forward

    def output(y, requires_grad):
        # Variable(y, requires_grad=...) for a fresh array: the same slots,
        # filled without the keyword parsing and the checks of __init__.
        v = new_variable(Variable)
        v._data = y
        v._grad = None
        n = v._node = new_node(VariableNode)
        n.creator = n.name = n.grad_state = None
        n.rank = 0
        n.requires_grad = requires_grad
        n._variable = ref(v)
        n.shape = y.shape
        n.dtype = y.dtype
        if y.size <= DISPLAY_KEEP_SIZE:
            n.data, n.array_ref = y, None
        else:
            n.data, n.array_ref = None, ref(y)
        return v

    def apply(self, inputs):
        inputs = [x if isinstance(x, Variable) else as_input(x) for x in inputs]
        nodes = [x._node for x in inputs]
        cls = type(self)
        checked = type_checked.get(cls)
        if checked is None:
            checked = type_checked[cls] = hasattr(cls, 'check_type_forward')
        if hooks.n_active or (checked and config.type_check):
            ys = styles_forward(self, inputs)      # as in the plain apply
        else:                                      # the same, without the probes
            try:
                ys = self._forward([x._data for x in inputs])
            except Exception as error:
                explain_missing_data(self, inputs, error)
                raise
        requires_grad = False
        if config.enable_backprop:
            for n in nodes:
                if n.requires_grad:
                    requires_grad = True
                    break
        if type(ys) is not tuple:
            ys = (ys,)
        outputs = []
        for y in ys:
            if type(y) is ndarray:
                outputs.append(output(y, requires_grad))
            else:
                y = function_node._as_array(y, inputs)
                outputs.append(Variable(y, requires_grad=requires_grad))
        outputs = tuple(outputs)
        if requires_grad:
            self.inputs = tuple(nodes)
            rank = 0
            for n in nodes:
                if n.rank > rank:
                    rank = n.rank
            self.rank = rank
            self.scope = function_node.link_scope
            self.forward_order = next(clock)
            refs = []
            for y in outputs:
                n = y._node
                n.creator = self
                n.rank = rank + 1
                refs.append(ref(n))
            self.outputs = tuple(refs)
        return outputs
    return apply


@replaces('teachgrad.backprop', 'walk')
def _walk(plain_walk):
    """Replaces backprop.walk: the same search with its lookups hoisted."""
    from teachgrad import backprop
    forward_order, rank = backprop._forward_order, backprop._rank

    def walk(roots, backward=False):
        found, seen = [], set()
        add, append = seen.add, found.append
        stack = [root.creator for root in roots if root.creator is not None]
        pop, push = stack.pop, stack.append
        while stack:
            f = pop()
            if f in seen:
                continue
            add(f)
            append(f)
            for node in f.inputs:
                c = node.creator
                if c is not None and c not in seen:
                    push(c)
        found.sort(key=forward_order)
        found.sort(key=rank, reverse=backward)
        return found
    walk.__doc__ = plain_walk.__doc__
    return walk


# -- functions -----------------------------------------------------------------------

@replaces('teachgrad.functions.constant_math', 'PowConstant.backward')
def _pow_constant_backward(plain_backward):
    """Replaces PowConstant.backward: ``x ** 2`` needs no power in its grad (2 · x · gy)."""
    import numbers

    def backward(self, gy):
        c = self.constant
        if isinstance(c, numbers.Number) and c == 2:
            return self._grad(gy * 2 * self.x)
        return plain_backward(self, gy)
    return backward


@replaces('teachgrad.functions.loss', 'SoftmaxCrossEntropy.forward')
def _softmax_cross_entropy_forward(plain_forward):
    """Replaces SoftmaxCrossEntropy.forward for the usual case, a 2-d batch of
    labels that are all valid: no ignore mask, no range check of every label,
    no take_along_axis. Anything else goes the plain way."""
    from teachgrad import backend
    from teachgrad.functions import _ufuncs, loss
    from teachgrad.functions.activation import _log_softmax

    def forward(self, x, t):
        if (x.ndim != 2 or self.class_weight is not None or not len(t)
                or t.dtype.kind not in 'iu' or x.dtype.kind != 'f' or t.shape != x.shape[:1]):
            return plain_forward(self, x, t)
        lo, hi = int(t.min()), int(t.max())
        if not (0 <= lo and hi < x.shape[1] and not lo <= self.ignore_label <= hi):
            return plain_forward(self, x, t)
        xp = backend.get_array_module(x)
        self.valid, self.t = None, t            # None: backward takes the short road too
        log_y = _log_softmax(x, axis=1)         # the same digits as the plain road
        self.y = _ufuncs.exp(log_y)             # softmax, for backward
        log_p = log_y[xp.arange(len(t)), t]     # log softmax at the right class
        if self.reduce == 'no':
            return -log_p
        self.coeff = 1.0 / len(t)
        return log_p.sum() * -self.coeff
    assert loss.SoftmaxCrossEntropy     # the module is loaded when this runs
    return forward


@replaces('teachgrad.functions.loss', 'SoftmaxCrossEntropy.backward')
def _softmax_cross_entropy_backward(plain_backward):
    """Replaces SoftmaxCrossEntropy.backward after the short road of forward:
    softmax minus one at each right class, scaled in place."""
    from teachgrad import backend
    from teachgrad.variable import Variable

    def backward(self, gy):
        if getattr(self, 'valid', True) is not None or isinstance(gy, Variable):
            return plain_backward(self, gy)
        xp = backend.get_array_module(gy)
        y, t = self.y, self.t
        gx = y.copy()
        gx[xp.arange(len(t)), t] -= 1
        gx *= gy * self.coeff if self.reduce == 'mean' else gy[:, None]
        return gx, None
    return backward


@replaces('teachgrad.functions.connection', 'LinearFunction.forward')
def _linear_forward(plain_forward):
    """Replaces LinearFunction.forward: the bias is added in place, into the
    fresh product, which saves a copy of the output."""
    def forward(self, x, W, b=None):
        if b is None or b.dtype != W.dtype or x.dtype != W.dtype or b.shape != W.shape[:1]:
            return plain_forward(self, x, W, b)
        y = plain_forward(self, x, W)
        y += b
        return y
    return forward


@replaces('teachgrad.functions.connection', 'LinearFunction.backward')
def _linear_backward(plain_backward):
    """Replaces LinearFunction.backward: the grad of an input that needs none
    (the data fed to the first layer) is not computed."""
    from numpy import ndarray
    def backward(self, gy):
        x_node = self.inputs[0]
        if x_node.requires_grad or self.x.ndim != 2 or type(gy) is not ndarray:
            return plain_backward(self, gy)
        gW = gy.T @ self.x
        if len(self.inputs) == 3:
            return None, gW, gy.sum(axis=0)
        return None, gW
    return backward


# -- the optimizer -------------------------------------------------------------------

@replaces('teachgrad.optimizer', '_finite')
def _finite(plain_finite):
    """Replaces optimizer._finite: a NaN or inf anywhere makes the dot product
    g·g non-finite, and BLAS computes it about three times faster than
    isfinite(g).all(). Huge but finite values can overflow it, so a
    non-finite result is checked elementwise (the plain way)."""
    def finite(g):
        if g is None:
            return True
        flat = g.ravel()
        return math.isfinite(flat @ flat) or plain_finite(g)
    return finite


# -- pictures ------------------------------------------------------------------------

# Past this many boxes the labels drop their tables and the boxes their
# rounded corners: Graphviz then writes the SVG about twice as fast.
COMPACT = 300


@replaces('teachgrad.viz.dot', 'scene_digraph')
def _scene_digraph(plain_scene_digraph):
    """Replaces viz.dot.scene_digraph: the same DOT text, written straight
    into the digraph's body with each kind's attributes quoted once (the
    package's node() costs ~25 µs a call, too much for thousands of boxes),
    and past COMPACT boxes, labels in the compact style (lines of plain text)."""
    from html import escape
    from teachgrad.viz import dot, labels
    kinds = {}

    def kind_attrs(compact, attr_list):
        if compact not in kinds:
            attrs = {}
            for kind in labels.PALETTE:
                a = dot.box_attrs(kind)
                if compact:
                    a['style'] = a['style'].replace('rounded,', '')
                attrs[kind] = a
            kinds[compact] = attrs, {kind: attr_list(kwargs=a)[2:-1] for kind, a in attrs.items()}
        return kinds[compact]

    def scene_digraph(scene, show_values=True, show_grads=True, rankdir='TB', legend=False,
                      styles=None, notes=None, fixed_size=False, max_elements=16, precision=4):
        from graphviz import quoting        # here: a picture may degrade without it
        quote, attr_list = quoting.quote, quoting.attr_list
        g = dot._digraph(rankdir, len(scene.boxes))
        compact = len(scene.boxes) > COMPACT and not fixed_size
        extra, note_of = dot._per_box(scene, styles, notes)
        attrs_of, plain = kind_attrs(compact, attr_list)
        body = g.body
        invisible = set()
        for box in scene.boxes:
            note = note_of.get(box.id)
            kind = box.kind
            if compact:
                # An HTML-like label the package quotes at once, where a quoted
                # string costs it ~9 µs of regular expressions per label.
                label = '<' + '<BR/>'.join(escape(line, quote=False) for line in _plain_lines(
                    box, show_values, show_grads, note, max_elements, precision)) + '>'
            else:
                label = dot.box_label(box, show_values, show_grads, note, fixed_size,
                                      max_elements, precision)
            more = extra.get(box.id)
            if more is None and not fixed_size:
                body.append('\t{} [label={} {}]\n'.format(box.id, quote(label), plain[kind]))
                continue
            attrs = dict(attrs_of[kind])
            if fixed_size and kind != 'fold':
                attrs['fixedsize'] = 'true'
                attrs['width'], attrs['height'] = dot._size(box, show_values, show_grads,
                                                            max_elements, precision)
            attrs.update(more or ())
            if 'invis' in attrs.get('style', ''):
                invisible.add(box.id)
            body.append('\t{}{}\n'.format(box.id, attr_list(label, kwargs=attrs)))
        hidden = attr_list(kwargs={'style': 'invis'})     # a hidden box hides its arrows
        for a, b in scene.edges:
            body.append('\t{} -> {}{}\n'.format(
                a, b, hidden if a in invisible or b in invisible else ''))
        if legend:
            dot.add_legend(g, scene)
        return g
    scene_digraph.__doc__ = plain_scene_digraph.__doc__
    return scene_digraph


def _plain_lines(box, show_values, show_grads, note, max_elements, precision):
    """A box in the compact style: lines of plain text, no colours inside the box."""
    from teachgrad.viz import labels
    printable = labels.printable
    notes = [] if note is None else [printable(line) for line in str(note).split('\n')]
    if box.kind == 'function':
        f = box.node
        order = f.backward_order if show_grads else None
        op = printable(f.label)
        return [op if order is None else '#{}  {}'.format(order, op)] + notes
    if box.kind == 'link':
        steps = labels._steps(box) if show_grads else None
        head = printable(box.path) + '  ' + printable(type(box.link).__name__)
        return ([head if steps is None else '#' + steps + '  ' + head]
                + [printable(labels._param_line(n)) for n in box.params] + notes)
    if box.kind == 'fold':
        return labels.fold_lines(box.hidden)
    node = box.node
    name = box.path or node.name
    head = labels.shape_text(node)
    lines = [printable(name) + ('' if node.shape is None else '  ' + head) if name else head]
    for caption, values_, _ in labels._cells(node, show_values, show_grads, max_elements,
                                             precision):
        lines.append(caption + ' ' + values_[0])
        lines.extend('     ' + v for v in values_[1:])
    return lines + notes
