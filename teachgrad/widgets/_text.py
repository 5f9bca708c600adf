"""Numbers and names in words, for captions and tables.

Everything here is deterministic: the same arrays always give the same text,
so saved notebook outputs stay byte-stable.
"""
import html

import numpy

from teachgrad import backend
from teachgrad import utils

# Arrays up to this many elements are written out in full in a caption.
FULL_SIZE = 6


def fmt_number(v):
    """A float as a learner would write it: ``8``, ``-0.5``, ``1.235e-05``."""
    v = float(v)
    if v == 0:
        return '0'           # never '-0'
    return '{:.4g}'.format(v)


def fmt_array(a, full_size=FULL_SIZE):
    """A small array in full (``[1 2]``), a bigger one by its shape and a few values.

    >>> fmt_array(numpy.array([8.], dtype=numpy.float32))
    '8'
    >>> fmt_array(numpy.array([[1., 2.], [3., 4.]]))
    '[[1 2] [3 4]]'
    >>> fmt_array(numpy.arange(10.))
    '(10,) array [0 1 2 … 9]'
    """
    if a is None:
        return 'None'
    a = backend.to_cpu(a)
    a = numpy.asarray(a)
    if a.size == 1:
        return fmt_number(a.reshape(()))
    if a.size <= full_size:
        return _nested(a)
    flat = a.reshape(-1)
    head = ' '.join(fmt_number(v) for v in flat[:3])
    return '{} array [{} … {}]'.format(a.shape, head, fmt_number(flat[-1]))


def _nested(a):
    if a.ndim == 0:
        return fmt_number(a)
    if a.ndim == 1:
        return '[' + ' '.join(fmt_number(v) for v in a) + ']'
    return '[' + ' '.join(_nested(row) for row in a) + ']'


def node_name(node):
    """What a caption calls a variable node: its name, else what made it."""
    if node.name:
        return node.name
    if node.creator is not None:
        return 'the output of `{}`'.format(node.creator.label)
    return 'an unnamed {} input'.format(shape_text(node.shape))


def shape_text(shape):
    return utils.shape_text(shape)


def node_value(node):
    """The node's array, if the graph still has it (small arrays always)."""
    var = node.get_variable_or_none()
    if var is not None and var.data is not None:
        return var.data
    return node.data


def caption_html(lines):
    """Caption lines as HTML; text between backticks becomes ``<code>``."""
    out = []
    for i, line in enumerate(lines):
        parts = html.escape(line).split('`')
        text = ''.join('<code>{}</code>'.format(p) if k % 2 else p
                       for k, p in enumerate(parts))
        tag = 'b' if i == 0 else 'span'
        out.append('<div><{0}>{1}</{0}></div>'.format(tag, text))
    # Widgets' HTML has a line height for one-line labels; a caption needs its own.
    return '<div style="line-height:1.45">{}</div>'.format(''.join(out))
