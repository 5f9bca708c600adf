"""The chain rule of each operation in words, for the backward captions.

Each entry gives, per input, the local derivative times the incoming grad
``{gy}`` as a learner would write it. ``{0}``, ``{1}`` are the inputs, ``{c}``
a constant, ``{out}`` the output. The numbers shown in a caption are always the
real grads that backward produced; the formula only says where they came from.
Operations missing here get a caption without a formula.
"""
import numbers

from teachgrad.widgets._text import fmt_number

_FORMULAS = {
    'Add': ('{gy}', '{gy}'),
    'Sub': ('{gy}', '-{gy}'),
    'Mul': ('{1} · {gy}', '{0} · {gy}'),
    'Div': ('{gy} / {1}', '-{0} / {1}² · {gy}'),
    'Pow': ('{1} · {0}^({1} - 1) · {gy}', '{0}^{1} · log {0} · {gy}'),
    'Neg': ('-{gy}',),
    'AddConstant': ('{gy}',),
    'SubConstant': ('{gy}',),
    'SubFromConstant': ('-{gy}',),
    'MulConstant': ('{c} · {gy}',),
    'DivConstant': ('{gy} / {c}',),
    'DivFromConstant': ('-{c} / {0}² · {gy}',),
    'PowFromConstant': ('{c}^{0} · log {c} · {gy}',),
    'MatMul': ('{gy} @ {1}ᵀ', '{0}ᵀ @ {gy}'),
    'Exp': ('exp({0}) · {gy}',),
    'Log': ('{gy} / {0}',),
    'Sqrt': ('{gy} / (2 · sqrt({0}))',),
    'Square': ('2 · {0} · {gy}',),
    'Sin': ('cos({0}) · {gy}',),
    'Cos': ('-sin({0}) · {gy}',),
    'Tanh': ('(1 - {out}²) · {gy}',),
    'Sigmoid': ('{out} · (1 - {out}) · {gy}',),
    'ReLU': ('{gy} where {0} > 0, 0 elsewhere',),
    'Absolute': ('sign({0}) · {gy}',),
    'Sum': ('{gy} copied to every summed element',),
    'Mean': ('{gy} / n copied to every averaged element',),
    'BroadcastTo': ('{gy} summed over the broadcast axes',),
    'SumTo': ('{gy} copied back to every summed element',),
    'Reshape': ('{gy} reshaped back',),
    'Transpose': ('{gy} transposed back',),
    'GetItem': ('{gy} put back where it was taken, 0 elsewhere',),
    'LinearFunction': ('{gy} @ {1}', '{gy}ᵀ @ {0}', '{gy} summed over the batch'),
}

# Elementwise operations broadcast their inputs; their grads are summed back.
_BROADCASTING = {'Add', 'Sub', 'Mul', 'Div', 'Pow'}
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
    name = type(f).__name__
    if name == 'PowConstant':
        c = f.constant
        if isinstance(c, numbers.Number) and c == 2:
            texts = ('2 · {0} · {gy}',)
        elif isinstance(c, numbers.Number):
            texts = ('{c} · {0}^%s · {gy}' % fmt_number(c - 1),)
        else:
            texts = ('{c} · {0}^(c - 1) · {gy}',)
    else:
        texts = _FORMULAS.get(name)
    if texts is None or index >= len(texts):
        return None
    symbols = (_UNARY_SYMBOL,) if len(f.inputs) == 1 else _BINARY_SYMBOLS
    operands = [_operand(node, symbols[min(i, len(symbols) - 1)],
                         input_values[i] if i < len(input_values) else None)
                for i, node in enumerate(f.inputs)]
    outputs = [ref() for ref in f.outputs]
    out = _operand(outputs[0] if outputs else None, 'y', output_value)
    gy_text = _factor(fmt_number(gy.reshape(()))) if gy is not None and gy.size == 1 else 'gy'
    return texts[index].format(*operands, gy=gy_text, c=_constant(f), out=out)


def is_broadcasting(f):
    return type(f).__name__ in _BROADCASTING
