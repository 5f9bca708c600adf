"""What each box says and how it looks: HTML-like Graphviz labels and colours.

Every piece of text that comes from the learner (names, labels, notes) goes
through :func:`text`, which XML-escapes it for Graphviz's HTML-like labels; the
``graphviz`` package then quotes the attributes.

A variable's box is a small table: name and shape on top, then the value and,
after backward, the grad beside it (red, like the backward step numbers)::

    x  (1,) float32
    data [5.]   grad [8.]

For ``fixed_size``, the ``*_size`` functions estimate each box's
size from what the graph's structure fixes (name, shape, value), never from
grads, notes or styles.

>>> text('a<b & "c"')
'a&lt;b &amp; &quot;c&quot;'
"""
import html

from teachgrad.utils import shape_text as shape_words

from teachgrad.viz import values

FONT = 'Helvetica'
MONO = 'Courier'          # graphviz-pure has metrics for Helvetica, Courier, Times

# kind: (fill, border, node style). Light fills keep the black text readable;
# the borders carry the colour for readers who print in grey.
PALETTE = {
    'input':        ('#dbe9fb', '#2b6cb0', 'rounded,filled'),
    'param':        ('#fdebc8', '#c05621', 'rounded,filled'),
    'constant':     ('#ffffff', '#8a8f98', 'rounded,filled,dashed'),
    'intermediate': ('#f2f2f4', '#6b6f7a', 'rounded,filled'),
    'output':       ('#d7f2df', '#2f855a', 'rounded,filled'),
    'function':     ('#ece6fa', '#6b46c1', 'rounded,filled'),
    'link':         ('#fbe4ee', '#b83280', 'rounded,filled'),
    'fold':         ('#ffffff', '#8a8f98', 'filled,dashed'),
}
KIND_WORDS = {
    'input': 'input (leaf)', 'param': 'parameter', 'constant': 'constant',
    'intermediate': 'intermediate', 'output': 'output',
    'function': 'function', 'link': 'link (folded)',
}
# Fills of the functions a double backprop made: first backward, second, third or more.
DERIVATIVE_FILLS = ('#fdecea', '#f9d3cf', '#f3b5ae')
INK = '#1f2430'
MUTED = '#6b6f7a'
GRAD = '#b7312c'          # grads and backward steps share the "backward" red

TITLE_PT = 11
CAPTION_PT = 8
VALUE_PT = 10
NOTE_PT = 9

# The label pieces, written once: a big graph formats thousands of them.
_CAPTION = '<FONT POINT-SIZE="8" COLOR="' + MUTED + '">{}</FONT>'
_SHAPE = '<FONT POINT-SIZE="9" COLOR="' + MUTED + '">{}</FONT>'
_VALUE = '<FONT FACE="Courier" POINT-SIZE="10" COLOR="{}">{}</FONT>'
_REMARK = '<I><FONT POINT-SIZE="10" COLOR="' + MUTED + '">{}</FONT></I>'
_NOTE = '<FONT POINT-SIZE="9">{}</FONT>'
_OP = '<FONT POINT-SIZE="12">{}</FONT>'
_CELL = '<TD{} ALIGN="LEFT" BALIGN="LEFT" VALIGN="TOP" BGCOLOR="#ffffff">{}</TD>'
_TABLE = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">{}</TABLE>'
_BADGE = ('<TD BGCOLOR="' + GRAD + '" STYLE="rounded" WIDTH="15">'
          '<FONT POINT-SIZE="9" COLOR="#ffffff"><B>{}</B></FONT></TD>')
_BR = '<BR ALIGN="LEFT"/>'


def printable(s):
    """``s`` with control characters written as escapes (a tab shows as ``\\t``)."""
    s = str(s)
    if not s.isprintable():
        s = ''.join(c if c.isprintable() else repr(c)[1:-1] for c in s)
    return s


def text(s):
    """Learner text made safe for an HTML-like label (control characters shown
    as escapes, then ``& < > "`` escaped)."""
    return html.escape(printable(s), quote=True)


def _lines(lines):
    if len(lines) == 1:
        return html.escape(lines[0], quote=False)
    return _BR.join(html.escape(line, quote=False) for line in lines) + _BR


# -- what a variable node holds -----------------------------------------------------

_shapes = {}


def shape_text(node):
    """``'(2, 3) float32'``, or ``'(None)'`` for an uninitialized parameter."""
    if node.shape is None:
        return shape_words(None)
    key = (node.shape, node.dtype)
    s = _shapes.get(key)
    if s is None:
        s = _shapes[key] = shape_words(node.shape, node.dtype)
    return s


def value_of(node):
    """The array to show for a node: the live Variable's, else the copy the node
    kept (small arrays only), else None."""
    var = node.get_variable_or_none()
    if var is not None and var.data is not None:
        return var.data
    return node.data


def grad_cell(node):
    """``(grad_state, array or None)`` for the grad cell, or None for no cell.

    The state is the node's own word (``VariableNode.grad_state``: 'seed',
    'retained', 'freed' or None); the array is None where the grad is gone:
    freed by backward, or retained but its Variable was dropped.
    """
    var = node.get_variable_or_none()
    g = var.grad if var is not None else None
    state = node.grad_state
    if g is not None or state in ('freed', 'retained'):
        return state, g
    return None


def _cells(node, show_values, show_grads, max_elements, precision):
    """The value and grad of a node as (caption, lines, colour or None for a remark)."""
    cells = []
    if show_values and node.shape is not None:
        arr = value_of(node)
        if arr is None:
            cells.append(('data', ['(value released)'], None))
        else:
            cells.append(('data', values.array_lines(arr, max_elements, precision), INK))
    grad = grad_cell(node) if show_grads else None
    if grad is not None:
        state, g = grad
        if g is not None:
            caption = 'grad (retained)' if state == 'retained' else 'grad'
            cells.append((caption, values.array_lines(g, max_elements, precision), GRAD))
        else:
            cells.append(('grad', ['freed' if state == 'freed' else 'Variable dropped'], None))
    return cells


def _title(node, name):
    if node.shape is None:
        return '<B>{}(None)</B>'.format(text(name)) if name else '(None)'
    shape = html.escape(shape_text(node), quote=False)
    if name:
        return '<B>{}</B>{}'.format(text(name), _SHAPE.format('  ' + shape))
    return _SHAPE.format(shape)


def variable_label(node, name=None, show_values=True, show_grads=True, note=None,
                   max_elements=16, precision=4, fixed=False):
    """The HTML-like label of a variable node's box."""
    title = _title(node, name or node.name)
    cells = _cells(node, show_values, show_grads, max_elements, precision)
    rows = ['<TR><TD COLSPAN="2">', title, '</TD></TR>']
    if cells:
        # One line each: caption and value side by side ('data [5.]  grad [8.]');
        # more lines: the caption above, lines aligned left as numpy prints them.
        one_line = all(len(lines) == 1 for _, lines, _ in cells)
        span = ' COLSPAN="2"' if len(cells) == 1 else ''
        sep = ' ' if one_line else _BR
        rows.append('<TR>')
        for caption, lines, color in cells:
            body = _lines(lines)
            body = _VALUE.format(color, body) if color else _REMARK.format(body)
            rows.append(_CELL.format(span, _CAPTION.format(caption) + sep + body))
        rows.append('</TR>')
    if note is not None or fixed:
        rows.append(_note_row(note))
    return '<' + _TABLE.format(''.join(rows)) + '>'


def _note_lines(note):
    return '<BR/>'.join(text(line) for line in str(note).split('\n'))


def _note_row(note, span=2):
    # A stepper's extra line (the grad that just arrived, ...); fixed_size keeps
    # the row, empty, in every box so that adding a note never moves the layout.
    body = _note_lines(note) if note is not None else ' '
    return '<TR><TD COLSPAN="{}">{}</TD></TR>'.format(span, _NOTE.format(body))


# -- functions, folded links, the fold box, the legend ---------------------------------

def function_label(f, show_steps=True, note=None, max_elements=16, precision=4,
                   fixed=False):
    """A function node: its label, and after backward the step at which backward
    visited it (a red number), read from ``f.backward_order``."""
    op = _OP.format(text(f.label))
    order = f.backward_order if show_steps else None
    row = _BADGE.format(order) if order is not None else (
        '<TD> </TD>' if fixed and show_steps else '')
    rows = ['<TR>', row, '<TD>', op, '</TD></TR>']
    span = 2 if row else 1
    constant = getattr(f, 'constant', None)
    if constant is not None and getattr(constant, 'ndim', 0) > 0:
        lines = values.array_lines(constant, max_elements, precision)
        rows.append('<TR><TD COLSPAN="{}" ALIGN="LEFT" BALIGN="LEFT">{}</TD></TR>'.format(
            span, _VALUE.format(MUTED, _lines(lines))))
    if note is not None or fixed:
        rows.append(_note_row(note, span))
    return '<' + _TABLE.format(''.join(rows)) + '>'


def _steps(box):
    steps = sorted(f.backward_order for f in box.functions if f.backward_order is not None)
    if not steps:
        return None
    return str(steps[0]) if len(steps) == 1 else '{}–{}'.format(steps[0], steps[-1])


def _param_line(node):
    return '{} {}'.format(node.name or 'param', shape_text(node))


def link_label(box, show_steps=True, note=None, fixed=False):
    """A folded link call: its path (``/l1``), its class, the parameters it
    hides, and after backward the steps at which backward went through it."""
    cls = type(box.link).__name__
    title = '<B>{}</B>'.format(text(box.path))
    if cls != box.path:
        title += _SHAPE.format('  ' + text(cls))
    title = '<FONT POINT-SIZE="12">{}</FONT>'.format(title)
    steps = _steps(box) if show_steps else None
    ops = [str(f.label) for f in box.functions]
    ops_line = None
    if len(ops) > 1:
        ops_line = ' → '.join(ops if len(ops) <= 4 else
                              ops[:3] + ['… {} more'.format(len(ops) - 3)])
    head = '<TD>{}</TD>'.format(title)
    if steps is not None:
        head = _BADGE.format(steps) + head
    elif fixed and show_steps:
        head = '<TD> </TD>' + head
    rows = ['<TR><TD><TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2"><TR>{}</TR></TABLE>'
            '</TD></TR>'.format(head)]
    if ops_line:
        rows.append('<TR><TD>{}</TD></TR>'.format(_CAPTION.format(text(ops_line))))
    for node in box.params:
        rows.append('<TR><TD BGCOLOR="{}"><FONT POINT-SIZE="9">{}</FONT></TD></TR>'.format(
            PALETTE['param'][0], text(_param_line(node))))
    if note is not None or fixed:
        rows.append(_note_row(note, 1))
    return '<' + _TABLE.format(''.join(rows)) + '>'


def fold_lines(hidden):
    """The two lines of the box that stands for the hidden middle of a graph."""
    return ['… {} more nodes …'.format('{:,}'.format(hidden).replace(',', ' ')),
            'max_nodes=None draws them all']


def fold_label(hidden):
    """The box that stands for the hidden middle of a long graph."""
    first, second = fold_lines(hidden)
    return '<<FONT POINT-SIZE="11">{}</FONT><BR/>{}>'.format(first, _CAPTION.format(second))


def legend_label(derived=False):
    """A small table that names each colour (``derived``: also the look of the
    functions a double backprop made)."""
    rows = ['<TR><TD COLSPAN="2"><B><FONT POINT-SIZE="9">legend</FONT></B></TD></TR>']
    for kind in ('input', 'param', 'constant', 'intermediate', 'output', 'function', 'link'):
        fill, border, _ = PALETTE[kind]
        rows.append('<TR><TD BGCOLOR="{}" COLOR="{}" BORDER="1" WIDTH="14"> </TD>'
                    '<TD ALIGN="LEFT"><FONT POINT-SIZE="9">{}</FONT></TD></TR>'.format(
                        fill, border, KIND_WORDS[kind]))
    if derived:
        rows.append('<TR><TD BGCOLOR="{}" COLOR="{}" BORDER="1" STYLE="dashed" WIDTH="14"> </TD>'
                    '<TD ALIGN="LEFT"><FONT POINT-SIZE="9">made by backward</FONT></TD></TR>'
                    .format(DERIVATIVE_FILLS[0], GRAD))
    rows.append('<TR>{}<TD ALIGN="LEFT"><FONT POINT-SIZE="9">backward step</FONT></TD>'
                '</TR>'.format(_BADGE.format(1)))
    rows.append('<TR><TD> </TD><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{}">grad'
                '</FONT></TD></TR>'.format(GRAD))
    rows.append('<TR><TD COLSPAN="2" ALIGN="LEFT" BALIGN="LEFT">{}</TD></TR>'.format(
        _CAPTION.format('<I>freed</I>: backward dropped an<BR/>intermediate grad;<BR/>'
                        'retain_grad=True keeps it')))
    return ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="1">'
            + ''.join(rows) + '</TABLE>>')


# -- sizes for fixed_size ------------------------------------------------------------------

def _width(lines, pt, mono=False):
    # Courier is 0.6 em per character; 0.58 em covers Helvetica's digits and
    # most letters.
    return max((len(line) for line in lines), default=0) * (0.6 if mono else 0.58) * pt


def _height(n_lines, pt):
    return n_lines * pt * 1.2


_NOTE_ROOM = (_width(['x' * 18], NOTE_PT), _height(1, NOTE_PT) + 4)


def _inches(width, height):
    return '{:.2f}'.format(width / 72.0), '{:.2f}'.format(height / 72.0)


def variable_size(node, name=None, show_values=True, show_grads=True, max_elements=16,
                  precision=4):
    """(width, height) in inches that fit the box in any frame: room for a grad
    as wide as the value, and for one line of note."""
    name = name or node.name or ''
    title = _width([shape_text(node)], CAPTION_PT + 1) + (
        _width([name], TITLE_PT) + 8 if name else 0)
    width, height = title, _height(1, TITLE_PT)
    if show_values and node.shape is not None:
        arr = value_of(node)
        lines = (values.array_lines(arr, max_elements, precision) if arr is not None
                 else ['(value released)'])
        n = 2 if show_grads else 1
        caption = _width(['grad (retained)'], CAPTION_PT)
        if len(lines) == 1:
            cell = _width(lines, VALUE_PT, True) + caption + 12
            height += _height(1, VALUE_PT) + 6
        else:
            cell = max(_width(lines, VALUE_PT, True), caption) + 8
            height += _height(len(lines), VALUE_PT) + _height(1, CAPTION_PT) + 6
        width = max(width, n * cell)
    return _inches(max(width, _NOTE_ROOM[0]) + 16, height + _NOTE_ROOM[1] + 12)


def function_size(f, show_steps=True, max_elements=16, precision=4):
    """(width, height) in inches of a function box, with room for a three-digit
    backward step and a line of note."""
    width = _width([str(f.label)], TITLE_PT + 1) + (
        _width(['000'], CAPTION_PT + 1) + 10 if show_steps else 0)
    height = _height(1, TITLE_PT + 1)
    constant = getattr(f, 'constant', None)
    if constant is not None and getattr(constant, 'ndim', 0) > 0:
        lines = values.array_lines(constant, max_elements, precision)
        width = max(width, _width(lines, VALUE_PT, True))
        height += _height(len(lines), VALUE_PT)
    return _inches(max(width, _NOTE_ROOM[0]) + 16, height + _NOTE_ROOM[1] + 10)


def link_size(box, show_steps=True):
    """(width, height) in inches of a folded link's box."""
    cls = type(box.link).__name__
    width = _width([box.path], TITLE_PT + 1) + _width([cls], CAPTION_PT + 1) + 8 + (
        _width(['000–000'], CAPTION_PT + 1) + 12 if show_steps else 0)
    height = _height(1, TITLE_PT + 1)
    if len(box.functions) > 1:
        width = max(width, _width(['x' * 40], CAPTION_PT))
        height += _height(1, CAPTION_PT)
    for node in box.params:
        width = max(width, _width([_param_line(node)], CAPTION_PT + 1))
        height += _height(1, CAPTION_PT + 1) + 4
    return _inches(max(width, _NOTE_ROOM[0]) + 16, height + _NOTE_ROOM[1] + 12)
