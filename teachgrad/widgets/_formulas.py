"""The chain rule of an operation in words, filled in for a backward caption.

Each operation says its own chain rule beside its backward: ``chain_rule``
gives, per input, the local derivative times the incoming grad ``{gy}`` as a
learner would write it (``{0}``, ``{1}``: the inputs, ``{c}``: a constant,
``{out}``: the output; one string for all inputs alike, None for an input
that gets no grad). This module only fills in names and numbers. The
numbers shown in a caption are always the real grads that backward produced;
the formula only says where they came from. An operation without a
``chain_rule`` gets a caption without a formula.
"""
import numbers

from teachgrad.widgets._text import fmt_number

# Unnamed inputs that are not single numbers; words, so they never clash with
# the learner's own names.
_UNARY_SYMBOL = 'input'
_BINARY_SYMBOLS = ('1st input', '2nd input', '3rd input')


def _operand(node, symbol, value):
    """A name if the node has one, else the number if it is one, else a symbol."""
    if node is not None and node.name:
        return node.name
    if value is not None and getattr(value, 'size', 0) == 1:
        return _factor(fmt_number(value.reshape(())))
    return symbol


def _factor(text):
    # A negative number inside a product reads better in parentheses: 2 · (-1).
    return '({})'.format(text) if text.startswith('-') else text


def _constant(f):
    c = getattr(f, 'constant', None)
    if c is None:
        return ''
    if isinstance(c, numbers.Number) or getattr(c, 'ndim', 1) == 0:
        return _factor(fmt_number(c))
    return 'c'


def formula(f, index, gy, input_values, output_value):
    """The chain-rule text for the grad that ``f`` sends to input ``index``, or None.

    >>> import numpy as np
    >>> from teachgrad import Variable
    >>> x = Variable(np.array([5.], dtype=np.float32), name='x')
    >>> y = x ** 2
    >>> formula(y.creator, 0, np.ones(1, 'f'), [x.data], y.data)
    '2 · x · 1'
    """
    texts = getattr(f, 'chain_rule', None)
    if isinstance(texts, str):              # the same words for every input
        texts = (texts,) * len(f.inputs)
    if texts is None or index >= len(texts) or texts[index] is None:
        return None
    symbols = (_UNARY_SYMBOL,) if len(f.inputs) == 1 else _BINARY_SYMBOLS
    operands = [_operand(node, symbols[min(i, len(symbols) - 1)],
                         input_values[i] if i < len(input_values) else None)
                for i, node in enumerate(f.inputs)]
    outputs = [ref() for ref in f.outputs]
    out = _operand(outputs[0] if outputs else None, 'y', output_value)
    gy_text = _factor(fmt_number(gy.reshape(()))) if gy is not None and gy.size == 1 else 'gy'
    c = getattr(f, 'constant', None)
    c_minus_1 = fmt_number(c - 1) if isinstance(c, numbers.Number) else 'c - 1'
    return texts[index].format(*operands, gy=gy_text, c=_constant(f), out=out,
                               c_minus_1=c_minus_1)


def is_broadcasting(f):
    """Whether ``f`` broadcasts its inputs, so their grads are summed back to shape."""
    return getattr(f, 'broadcasts', False)
