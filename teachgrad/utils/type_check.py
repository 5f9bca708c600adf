"""Checks a function runs on its inputs' shapes and dtypes before it computes.

A function may define ``check_type_forward(self, in_types)``; teachgrad calls
it just before ``forward``. ``in_types[i]`` stands for the i-th input, and
``in_types[0].ndim == 2`` does not compute a bool at once: it builds an
*expression* that remembers how it was written, so that when it fails the
error can print both the condition and the values it found.

>>> import numpy as np
>>> in_types = get_types((np.zeros((3, 2), 'f'),), 'in_types', False)
>>> x_type, = in_types
>>> cond = x_type.ndim == 2
>>> str(cond), cond.eval()
('in_types[0].ndim == 2', True)
>>> expect(x_type.shape[0] == 4)
Traceback (most recent call last):
...
teachgrad.utils.type_check.InvalidType: Expect: in_types[0].shape[0] == 4
Actual: 3 != 4

Checks run twice at most: first in *light mode* on plain values (cheap, no
expression trees), and only when that fails once more with expressions, to
build the readable message.
"""
import contextlib
import operator

import numpy

from teachgrad import backend

# The function whose inputs are being checked (and those inputs), so that an
# error raised deep inside a check can say which call it came from.
_current = None
_light = False


class InvalidType(ValueError):
    """Raised when a function's inputs have the wrong number, shape or dtype.

    ``expect`` holds the condition as written, ``actual`` the values found.
    When raised while a function checks its inputs, the message also says in
    plain words which function it was, what each input looked like and what
    to change. It is a ValueError, so ``except ValueError`` catches it too.

    >>> try:
    ...     raise InvalidType('x.ndim == 2', '3 != 2')
    ... except ValueError as e:
    ...     print(e.expect, '|', e.actual)
    x.ndim == 2 | 3 != 2
    """

    def __init__(self, expect, actual, msg=None, hint=None):
        if msg is None:
            msg = 'Expect: {}\nActual: {}'.format(expect, actual)
            if _current is not None:
                function, in_data = _current
                msg = '\nInvalid operation is performed in: {} (Forward)\n\n{}\n\n{}'.format(
                    type(function).__name__, msg, _explain(function, in_data, hint))
        super().__init__(msg)
        self.expect = expect
        self.actual = actual

    def __reduce__(self):
        return (InvalidType, (self.expect, self.actual, self.args[0]))


def _explain(function, in_data, hint):
    name = type(function).__name__
    lines = ['In plain words: {} checks its inputs before it computes anything, and the '
             'condition above does not hold for these inputs.'.format(name)]
    for i, x in enumerate(in_data):
        if x is None:
            lines.append('  in_types[{}] is None'.format(i))
        else:
            lines.append('  in_types[{}] is input {}: shape {}, dtype {}'.format(
                i, i, tuple(x.shape), x.dtype))
    lines.append(hint or 'How to fix: change the inputs (their shapes, dtypes or how many '
                 'there are) so that the condition holds.')
    return '\n'.join(lines)


class TypeInfo:
    """What a check sees of one array: its ``shape``, ``ndim``, ``dtype`` and ``size``.

    >>> import numpy as np
    >>> t = TypeInfo((2, 3), np.dtype('f'))
    >>> t.ndim, t.size, t
    (2, 6, <TypeInfo shape=(2, 3) dtype=float32>)
    """

    def __init__(self, shape, dtype):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.ndim = len(self.shape)

    @property
    def size(self):
        return _prod_impl(self.shape)

    def __repr__(self):
        return '<TypeInfo shape={} dtype={}>'.format(self.shape, self.dtype)


class TypeInfoTuple(tuple):
    """The inputs' :class:`TypeInfo` expressions; ``size()`` is their number as an expression.

    >>> import numpy as np
    >>> in_types = get_types((np.zeros(2), np.zeros(3)), 'in_types', False)
    >>> str(in_types.size() == 2), (in_types.size() == 2).eval()
    ('in_types.size == 2', True)
    """

    name = 'in_types'

    def size(self):
        return Variable(len(self), '{}.size'.format(self.name))


class LightTypeInfoTuple(tuple):
    """The inputs themselves, for checks in light mode; ``size()`` is a plain int.

    >>> import numpy as np
    >>> LightTypeInfoTuple((np.zeros(2),)).size()
    1
    """

    def size(self):
        return len(self)


def get_types(data, name, accept_none, shapes=None):
    """Wrap arrays as named :class:`TypeInfo` expressions ``name[0]``, ``name[1]``, ...

    >>> import numpy as np
    >>> x_type, = get_types((np.zeros((2, 5), 'f'),), 'in_types', False)
    >>> str(x_type.shape[1]), x_type.shape[1].eval()
    ('in_types[0].shape[1]', 5)
    """
    if shapes is None:
        shapes = [None if x is None else x.shape for x in data]
    info = TypeInfoTuple(_get_type(name, i, x, accept_none, s)
                         for i, (x, s) in enumerate(zip(data, shapes)))
    info.name = name
    return info


def get_light_types(data, shapes=None):
    """The arrays as they are, for a check in light mode.

    >>> import numpy as np
    >>> get_light_types((np.zeros(2),))[0].shape
    (2,)
    """
    if shapes is not None:
        data = tuple(TypeInfo(s, x.dtype) for x, s in zip(data, shapes))
    return LightTypeInfoTuple(data)


def _get_type(name, index, array, accept_none, shape):
    var = '{}[{}]'.format(name, index)
    if accept_none and array is None:
        return Variable(TypeInfo((), None), var)
    if not (backend.is_array(array) or isinstance(array, TypeInfo)):
        raise InvalidType('isinstance({}, ndarray)'.format(var),
                          'type({}) == {}'.format(var, type(array)))
    return Variable(TypeInfo(shape, array.dtype), var)


# -- expressions ------------------------------------------------------------------
# Each node keeps its operator's precedence (Python's own order) so that str()
# adds parentheses exactly where the original code needed them.
_ATOM = 8


def _evaluate(v):
    if isinstance(v, Expr):
        return v.eval()
    if isinstance(v, (list, tuple)):
        return type(v)(_evaluate(a) for a in v)
    return v


def _text(v):
    if isinstance(v, Expr):
        return str(v)
    if isinstance(v, list):
        return '[{}]'.format(', '.join(_text(a) for a in v))
    if isinstance(v, tuple):
        if len(v) == 1:
            return '({},)'.format(_text(v[0]))
        return '({})'.format(', '.join(_text(a) for a in v))
    return repr(v)


def _binary(symbol, priority, func, right_assoc=False):
    def op(self, other):
        return BinaryOperator(priority, self, other, symbol, func, right_assoc)
    return op


def _reflected(symbol, priority, func, right_assoc=False):
    def op(self, other):
        return BinaryOperator(priority, other, self, symbol, func, right_assoc)
    return op


def _compare(symbol, negated, func):
    def op(self, other):
        return BoolBinaryOperator(self, other, symbol, negated, func)
    return op


def _unary(symbol, func):
    def op(self):
        return UnaryOperator(6, self, symbol, func)
    return op


class Expr:
    """A value not computed yet, together with how it was written.

    Attribute access, indexing, calls and the arithmetic and comparison
    operators all build bigger expressions; :meth:`eval` computes the value
    and ``str()`` gives the source text. An expression cannot be used as a
    bool (``and``/``or``/``if``), because Python would quietly drop one side:
    pass several conditions to :func:`expect` instead.

    >>> x, y = Variable(3, 'x'), Variable(4, 'y')
    >>> e = (x + 1) * y
    >>> str(e), e.eval()
    ('(x + 1) * y', 16)
    >>> bool(x == y)
    Traceback (most recent call last):
    ...
    RuntimeError: An expression of type_check cannot be used as a bool (in `and`, `or`, `if`). Pass each condition to type_check.expect(cond1, cond2, ...), or call type_check.eval(expr) to get its value.
    """

    priority = _ATOM

    def eval(self):
        raise NotImplementedError

    def __getattr__(self, name):
        if name.startswith('__'):       # copy, pickle and inspect probe these
            raise AttributeError(name)
        return GetAttr(self, name)

    def __getitem__(self, key):
        return GetItem(self, key)

    def __call__(self, *args):
        return Call(self, args)

    def __bool__(self):
        raise RuntimeError(
            'An expression of type_check cannot be used as a bool (in `and`, `or`, `if`). '
            'Pass each condition to type_check.expect(cond1, cond2, ...), or call '
            'type_check.eval(expr) to get its value.')

    __hash__ = object.__hash__

    __eq__ = _compare('==', '!=', operator.eq)
    __ne__ = _compare('!=', '==', operator.ne)
    __lt__ = _compare('<', '>=', operator.lt)
    __le__ = _compare('<=', '>', operator.le)
    __gt__ = _compare('>', '<=', operator.gt)
    __ge__ = _compare('>=', '<', operator.ge)

    __add__ = _binary('+', 4, operator.add)
    __radd__ = _reflected('+', 4, operator.add)
    __sub__ = _binary('-', 4, operator.sub)
    __rsub__ = _reflected('-', 4, operator.sub)
    __mul__ = _binary('*', 5, operator.mul)
    __rmul__ = _reflected('*', 5, operator.mul)
    __truediv__ = _binary('/', 5, operator.truediv)
    __rtruediv__ = _reflected('/', 5, operator.truediv)
    __floordiv__ = _binary('//', 5, operator.floordiv)
    __rfloordiv__ = _reflected('//', 5, operator.floordiv)
    __mod__ = _binary('%', 5, operator.mod)
    __rmod__ = _reflected('%', 5, operator.mod)
    __pow__ = _binary('**', 7, operator.pow, right_assoc=True)
    __rpow__ = _reflected('**', 7, operator.pow, right_assoc=True)
    __lshift__ = _binary('<<', 3, operator.lshift)
    __rlshift__ = _reflected('<<', 3, operator.lshift)
    __rshift__ = _binary('>>', 3, operator.rshift)
    __rrshift__ = _reflected('>>', 3, operator.rshift)
    __and__ = _binary('&', 2, operator.and_)
    __rand__ = _reflected('&', 2, operator.and_)
    __xor__ = _binary('^', 1, operator.xor)
    __rxor__ = _reflected('^', 1, operator.xor)
    __or__ = _binary('|', 0, operator.or_)
    __ror__ = _reflected('|', 0, operator.or_)
    __neg__ = _unary('-', operator.neg)
    __pos__ = _unary('+', operator.pos)
    __invert__ = _unary('~', operator.invert)


class Constant(Expr):
    """A plain value inside an expression; prints as its repr."""

    def __init__(self, value):
        self.value = value

    def __str__(self):
        return _text(self.value)

    def eval(self):
        return self.value


class Variable(Expr):
    """A value with a name to print in messages.

    Wrap a number your function was built with, so the message says what it
    means rather than showing a bare number:

    >>> import numpy as np
    >>> x_type, = get_types((np.zeros((3, 5), 'f'),), 'in_types', False)
    >>> expect(x_type.shape[1] == Variable(4, 'in_size'))
    Traceback (most recent call last):
    ...
    teachgrad.utils.type_check.InvalidType: Expect: in_types[0].shape[1] == in_size
    Actual: 5 != 4
    """

    def __init__(self, value, name):
        self.value = value
        self.name = name

    def __str__(self):
        return self.name

    def eval(self):
        return self.value


class GetAttr(Expr):
    def __init__(self, obj, name):
        self.obj = obj
        self.name = name

    def __str__(self):
        name = self.name.value if isinstance(self.name, Constant) else self.name
        if isinstance(name, str):
            return '{}.{}'.format(_text(self.obj), name)
        return 'getattr({}, {})'.format(_text(self.obj), _text(self.name))

    def eval(self):
        return getattr(_evaluate(self.obj), _evaluate(self.name))


def _subscript_text(key):
    if key is Ellipsis:
        return '...'
    if isinstance(key, slice):
        parts = ['' if v is None else _text(v) for v in (key.start, key.stop, key.step)]
        return ':'.join(parts if key.step is not None else parts[:2])
    if isinstance(key, tuple):
        return ', '.join(_subscript_text(k) for k in key)
    return _text(key)


class GetItem(Expr):
    def __init__(self, obj, key):
        self.obj = obj
        self.key = key

    def __str__(self):
        return '{}[{}]'.format(_text(self.obj), _subscript_text(self.key))

    def eval(self):
        return _evaluate(self.obj)[_evaluate(self.key)]


class Call(Expr):
    def __init__(self, obj, args):
        self.obj = obj
        self.args = tuple(args)

    def __str__(self):
        return '{}({})'.format(_text(self.obj), ', '.join(_text(a) for a in self.args))

    def eval(self):
        return _evaluate(self.obj)(*[_evaluate(a) for a in self.args])


class UnaryOperator(Expr):
    def __init__(self, priority, term, symbol, func):
        self.priority = priority
        self.term = term
        self.symbol = symbol
        self.func = func

    def __str__(self):
        text = _text(self.term)
        if isinstance(self.term, Expr) and self.term.priority < self.priority:
            text = '(' + text + ')'
        return self.symbol + text

    def eval(self):
        return self.func(_evaluate(self.term))


class BinaryOperator(Expr):
    def __init__(self, priority, lhs, rhs, symbol, func, right_assoc=False):
        self.priority = priority
        self.lhs = lhs
        self.rhs = rhs
        self.symbol = symbol
        self.func = func
        self.right_assoc = right_assoc

    def __str__(self):
        left, right = _text(self.lhs), _text(self.rhs)
        # Parenthesize a side that binds looser, or equally loose on the side
        # where the operator does not associate: a - (b - c) keeps its brackets.
        if isinstance(self.lhs, Expr) and (
                self.lhs.priority < self.priority or
                (self.right_assoc and self.lhs.priority == self.priority)):
            left = '(' + left + ')'
        if isinstance(self.rhs, Expr) and (
                self.rhs.priority < self.priority or
                (not self.right_assoc and self.rhs.priority == self.priority)):
            right = '(' + right + ')'
        return '{} {} {}'.format(left, self.symbol, right)

    def eval(self):
        return self.func(_evaluate(self.lhs), _evaluate(self.rhs))


class Testable:
    """An expression that :func:`expect` can test."""

    def expect(self):
        raise NotImplementedError


class BoolBinaryOperator(BinaryOperator, Testable):
    """A comparison; :meth:`expect` raises :class:`InvalidType` when it is false."""

    def __init__(self, lhs, rhs, symbol, negated, func):
        super().__init__(-1, lhs, rhs, symbol, func)
        self.negated = negated

    def expect(self):
        left, right = _evaluate(self.lhs), _evaluate(self.rhs)
        if not self.func(left, right):
            raise InvalidType('{} {} {}'.format(self.lhs, self.symbol, self.rhs),
                              '{} {} {}'.format(left, self.negated, right))


# -- the checks ---------------------------------------------------------------------
def expect(*bool_exprs):
    """Test each condition in order; raise :class:`InvalidType` at the first false one.

    >>> import numpy as np
    >>> x_type, = get_types((np.zeros((2, 3), 'f'),), 'in_types', False)
    >>> expect(x_type.ndim == 2, x_type.dtype.kind == 'f')
    >>> expect(x_type.ndim == 2, x_type.dtype == np.float64)
    Traceback (most recent call last):
    ...
    teachgrad.utils.type_check.InvalidType: Expect: in_types[0].dtype == <class 'numpy.float64'>
    Actual: float32 != <class 'numpy.float64'>
    """
    if _light:
        for cond in bool_exprs:
            if not (cond.eval() if isinstance(cond, Expr) else cond):
                raise InvalidType('', '')
        return
    for cond in bool_exprs:
        if not isinstance(cond, Testable):
            raise TypeError(
                'type_check.expect takes comparisons of in_types such as '
                'in_types[0].ndim == 2, but got {!r} ({}). A plain bool cannot say '
                'what was checked; build the condition from in_types.'.format(
                    cond, type(cond).__name__))
        cond.expect()


def eval(exp):
    """The value of an expression (in light mode values are already plain).

    >>> import numpy as np
    >>> x_type, = get_types((np.zeros((2, 3)),), 'in_types', False)
    >>> eval(x_type.shape)
    (2, 3)
    """
    if _light or not isinstance(exp, Expr):
        return exp
    return exp.eval()


def make_variable(value, name):
    """A named :class:`Variable`, or the plain value in light mode.

    >>> str(make_variable(3, 'n_units'))
    'n_units'
    """
    return value if _light else Variable(value, name)


def same_types(*arrays):
    """True when all arrays are numpy arrays, or all are cupy arrays.

    >>> import numpy as np
    >>> same_types(np.zeros(2), np.ones(3))
    True
    """
    if all(isinstance(x, numpy.ndarray) for x in arrays):
        return True
    return all(backend.is_array(x) and not isinstance(x, numpy.ndarray) for x in arrays)


def _prod_impl(xs):
    result = 1
    for x in xs:
        result *= x
    return result


_prod = Variable(_prod_impl, 'prod')


def prod(xs):
    """The product of ``xs`` (a shape), as an expression named ``prod``.

    >>> import numpy as np
    >>> x_type, = get_types((np.zeros((2, 3)),), 'in_types', False)
    >>> e = prod(x_type.shape) == 6
    >>> str(e), e.eval()
    ('prod(in_types[0].shape) == 6', True)
    """
    return _prod_impl(xs) if _light else _prod(xs)


def expect_broadcast_shapes(*shape_types):
    """Raise :class:`InvalidType` unless the shapes broadcast together.

    >>> import numpy as np
    >>> a, b = get_types((np.zeros((2, 3)), np.zeros((4,))), 'in_types', False)
    >>> expect_broadcast_shapes(a.shape, b.shape)
    Traceback (most recent call last):
    ...
    teachgrad.utils.type_check.InvalidType: cannot broadcast inputs of the following shapes:
    in_types[0].shape = (2, 3)
    in_types[1].shape = (4,)
    """
    shapes = [eval(s) for s in shape_types]
    try:
        numpy.broadcast_shapes(*shapes)
    except ValueError:
        lines = ['cannot broadcast inputs of the following shapes:']
        lines += ['{} = {}'.format(t, s) for t, s in zip(shape_types, shapes)]
        raise InvalidType('', '', msg='\n'.join(lines)) from None


def _argname(in_types, names):
    """Give the inputs readable names (``x``, ``W``) and check how many there are.

    >>> import numpy as np
    >>> in_types = get_types((np.zeros(2),), 'in_types', False)
    >>> _argname(in_types, ('x',))
    >>> str(in_types[0].ndim == 1)
    'x.ndim == 1'
    """
    if len(in_types) != len(names):
        raise InvalidType('{} argument(s)'.format(len(names)),
                          '{} argument(s)'.format(len(in_types)),
                          'Invalid number of arguments: expected {} ({}), got {}'.format(
                              len(names), ', '.join(names), len(in_types)))
    for in_type, name in zip(in_types, names):
        if isinstance(in_type, Variable):
            in_type.name = name


argname = _argname


class _LightMode:
    """``with light_mode:`` makes checks work on plain values (no expressions)."""

    def __enter__(self):
        global _light
        self._old = _light
        _light = True

    def __exit__(self, *exc):
        global _light
        _light = self._old


light_mode = _LightMode()


def in_light_mode():
    """True inside ``with light_mode:``.

    >>> with light_mode:
    ...     in_light_mode()
    True
    """
    return _light


@contextlib.contextmanager
def get_function_check_context(function, in_data=()):
    """Errors raised inside say they came from ``function`` and describe ``in_data``."""
    global _current
    old = _current
    _current = (function, tuple(in_data))
    try:
        yield
    finally:
        _current = old


def check_forward(function, in_data):
    """Run ``function.check_type_forward`` on the input arrays (FunctionNode calls this).

    The cheap light-mode pass runs first; only a failure pays for the second
    pass that builds the readable message.

    >>> import numpy as np
    >>> import teachgrad
    >>> class Square(teachgrad.FunctionNode):
    ...     def check_type_forward(self, in_types):
    ...         expect(in_types[0].dtype.kind == 'f')
    ...     def forward(self, x):
    ...         return x * x
    >>> check_forward(Square(), (np.ones(2, 'f'),))
    >>> check_forward(Square(), (np.ones(2, 'i'),))    # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    teachgrad.utils.type_check.InvalidType:
    Invalid operation is performed in: Square (Forward)
    <BLANKLINE>
    Expect: in_types[0].dtype.kind == f
    Actual: i != f
    <BLANKLINE>
    In plain words: Square checks its inputs before it computes anything, ...
    """
    try:
        with light_mode:
            function.check_type_forward(get_light_types(tuple(in_data)))
        return
    except Exception:
        # A failed condition, or a check written only for expressions (one
        # that calls .eval() on in_types): the full pass decides, and raises
        # the readable error if there is one.
        pass
    in_types = get_types(tuple(in_data), 'in_types', False)
    with get_function_check_context(function, in_data):
        function.check_type_forward(in_types)
