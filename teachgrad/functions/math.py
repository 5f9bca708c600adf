"""Elementwise math: exp, log, sqrt, square, sin, cos, absolute, clip.

Each function works on every element on its own, so its backward is the
derivative at that element times the incoming gradient (the chain rule, one
element at a time).

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([4., 9.], dtype=np.float32))
>>> y = sqrt(x)
>>> y.grad = np.ones(2, dtype=np.float32)
>>> y.backward()
>>> x.grad        # d sqrt(x)/dx = 1 / (2 sqrt(x))
array([0.25      , 0.16666667], dtype=float32)
"""
import numpy

from teachgrad import backend
from teachgrad.functions import _ufuncs
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops
from teachgrad.utils import sum_to as _sum_to


class Exp(FunctionNode):
    double_backprop = True
    label = 'exp'

    def forward(self, x):
        self.y = y = _ufuncs.exp(x)
        return y

    chain_rule = ('exp({0}) · {gy}',)

    def backward(self, gy):
        return gy * self.y                 # exp is its own derivative


def exp(x):
    """Elementwise ``e ** x``.

    >>> import numpy as np
    >>> exp(np.array([0., 1.])).data
    array([1.        , 2.71828183])
    """
    return Exp().apply((x,))[0]


class Log(FunctionNode):
    double_backprop = True
    label = 'log'

    def forward(self, x):
        self.x = x
        return _ufuncs.log(x)

    chain_rule = ('{gy} / {0}',)

    def backward(self, gy):
        return gy / self.x


def log(x):
    """Elementwise natural logarithm.

    >>> import numpy as np
    >>> log(np.array([1., np.e])).data
    array([0., 1.])
    """
    return Log().apply((x,))[0]


class Sqrt(FunctionNode):
    double_backprop = True
    label = 'sqrt'

    def forward(self, x):
        self.y = y = backend.get_array_module(x).sqrt(x)
        return y

    chain_rule = ('{gy} / (2 · sqrt({0}))',)

    def backward(self, gy):
        return gy / (self.y * 2)           # d sqrt(x)/dx = 1 / (2 sqrt(x))


def sqrt(x):
    """Elementwise square root.

    >>> import numpy as np
    >>> sqrt(np.array([4., 9.])).data
    array([2., 3.])
    """
    return Sqrt().apply((x,))[0]


class Square(FunctionNode):
    double_backprop = True
    label = 'square'

    def forward(self, x):
        self.x = x
        return x * x

    chain_rule = ('2 · {0} · {gy}',)

    def backward(self, gy):
        return gy * (self.x * 2)


def square(x):
    """Elementwise ``x * x``.

    >>> import numpy as np
    >>> square(np.array([-3., 2.])).data
    array([9., 4.])
    """
    return Square().apply((x,))[0]


class Sin(FunctionNode):
    double_backprop = True
    label = 'sin'

    def forward(self, x):
        self.x = x
        return _ufuncs.sin(x)

    chain_rule = ('cos({0}) · {gy}',)

    def backward(self, gy):
        return gy * ops.cos(self.x)


def sin(x):
    """Elementwise sine (radians).

    >>> import numpy as np
    >>> sin(np.array([0.])).data
    array([0.])
    """
    return Sin().apply((x,))[0]


class Cos(FunctionNode):
    double_backprop = True
    label = 'cos'

    def forward(self, x):
        self.x = x
        return _ufuncs.cos(x)

    chain_rule = ('-sin({0}) · {gy}',)

    def backward(self, gy):
        return -gy * ops.sin(self.x)


def cos(x):
    """Elementwise cosine (radians).

    >>> import numpy as np
    >>> cos(np.array([0.])).data
    array([1.])
    """
    return Cos().apply((x,))[0]


class Absolute(FunctionNode):
    double_backprop = True
    label = 'abs'

    def forward(self, x):
        self.x = x
        return abs(x)

    chain_rule = ('sign({0}) · {gy}',)

    def backward(self, gy):
        # The slope is -1 left of zero and +1 right of it; at zero we pick 0.
        return gy * backend.get_array_module(gy).sign(ops.data(self.x))


def absolute(x):
    """Elementwise ``|x|`` (also ``abs(variable)``).

    >>> import numpy as np
    >>> absolute(np.array([-2., 3.])).data
    array([2., 3.])
    """
    return Absolute().apply((x,))[0]


class Clip(FunctionNode):
    double_backprop = True

    def __init__(self, x_min, x_max):
        if not x_min < x_max:
            raise ValueError('clip: x_min must be less than x_max, but got '
                             'x_min={} and x_max={}'.format(x_min, x_max))
        self.x_min = x_min
        self.x_max = x_max

    @property
    def label(self):
        return 'clip({:g}, {:g})'.format(self.x_min, self.x_max)

    def forward(self, x):
        # Where x was clipped the output does not move with x, so no gradient
        # flows there; a bool mask is all backward needs (1 byte per element).
        self.inside = (self.x_min < x) & (x < self.x_max)
        return backend.get_array_module(x).clip(x, self.x_min, self.x_max)

    chain_rule = ('{gy} where x_min < {0} < x_max, 0 elsewhere',)

    def backward(self, gy):
        return gy * self.inside


def clip(x, x_min, x_max):
    """Limit every element to the interval ``[x_min, x_max]``.

    The gradient is passed through where ``x_min < x < x_max`` and is zero
    where the value was clipped.

    >>> import numpy as np
    >>> clip(np.array([-2., 0.5, 3.]), -1., 1.).data
    array([-1. ,  0.5,  1. ])
    """
    return Clip(x_min, x_max).apply((x,))[0]


# -- comparisons between two arrays -----------------------------------------------

def _check_pair(name, a, b):
    if a.dtype != b.dtype:
        raise TypeError('{}: the inputs have dtypes {} and {}; make them the same, '
                        'e.g. x2.astype(x1.dtype).'.format(name, a.dtype, b.dtype))
    try:
        numpy.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError('{}: shapes {} and {} cannot be broadcast together; each axis '
                         'must have the same length or length 1 (counted from the '
                         'last axis).'.format(name, a.shape, b.shape)) from None


class Maximum(FunctionNode):
    double_backprop = True
    label = 'maximum'
    chain_rule = 'gx1 = gy where x1 ≥ x2, gx2 = gy where x1 < x2 (ties go to x1)'

    def forward(self, x1, x2):
        _check_pair('maximum', x1, x2)
        self.first = x1 >= x2
        return backend.get_array_module(x1, x2).maximum(x1, x2)

    def backward(self, gy):
        return _split_by(gy, self.first, self.inputs)


class Minimum(FunctionNode):
    double_backprop = True
    label = 'minimum'
    chain_rule = 'gx1 = gy where x1 ≤ x2, gx2 = gy where x1 > x2 (ties go to x1)'

    def forward(self, x1, x2):
        _check_pair('minimum', x1, x2)
        self.first = x1 <= x2
        return backend.get_array_module(x1, x2).minimum(x1, x2)

    def backward(self, gy):
        return _split_by(gy, self.first, self.inputs)


def _split_by(gy, first, inputs):
    # Each output element came from one of the two inputs; its grad goes there
    # (and is summed back over axes that were broadcast).
    g1, g2 = gy * first, gy * ~first
    return _sum_to(g1, inputs[0].shape), _sum_to(g2, inputs[1].shape)


def maximum(x1, x2):
    """Elementwise larger of two arrays (they broadcast); the gradient goes to the larger one.

    >>> import numpy as np
    >>> maximum(np.arange(6, dtype=np.float32), np.array([5, 4, 3, 2, 1, 0], np.float32)).data
    array([5., 4., 3., 3., 4., 5.], dtype=float32)
    """
    return Maximum().apply((x1, x2))[0]


def minimum(x1, x2):
    """Elementwise smaller of two arrays (they broadcast); the gradient goes to the smaller one.

    >>> import numpy as np
    >>> minimum(np.arange(6, dtype=np.float32), np.array([5, 4, 3, 2, 1, 0], np.float32)).data
    array([0., 1., 2., 2., 1., 0.], dtype=float32)
    """
    return Minimum().apply((x1, x2))[0]


# -- einsum and tensordot --------------------------------------------------------

_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'


class Einsum(FunctionNode):
    """Einstein summation over explicit one-letter axis names.

    forward turns ``...`` into spare letters, so that every axis of every
    operand has a letter; backward then needs one rule: the gradient of
    operand k is the einsum of the output gradient with the other operands,
    written to operand k's letters (broadcast over letters only k has,
    placed on the diagonal where k repeats a letter).
    """
    chain_rule = ('g(operand k) = einsum(gy and the other operands → operand k\'s '
                  'letters)')
    name = 'einsum'
    double_backprop = True

    def __init__(self, in_subs, out_sub, text):
        self.in_subs = in_subs      # one string per operand, may hold '...'
        self.out_sub = out_sub      # None: numpy's implicit output
        self.text = text

    @property
    def label(self):
        return "einsum('{}')".format(self.text)

    def forward(self, *xs):
        self.subs, self.out = _explicit(self.name, self.in_subs, self.out_sub, xs)
        self.sizes = _letter_sizes(self.name, self.subs, xs)
        self.xs = xs
        return _einsum(self.subs, self.out, xs)

    def backward(self, gy):
        gxs = []
        for k, (sub, x) in enumerate(zip(self.subs, self.xs)):
            others = [(s, a) for i, (s, a) in enumerate(zip(self.subs, self.xs)) if i != k]
            gxs.append(_einsum_grad(gy, self.out, others, sub, x.shape, self.sizes))
        return tuple(gxs)


def _einsum(subs, out, xs):
    if len(xs) == 1 and subs[0] == out:
        return xs[0]
    if any(ops._is_variable(x) for x in xs):      # inside a double backprop
        return einsum('{}->{}'.format(','.join(subs), out), *xs)
    xp = backend.get_array_module(*xs)
    options = {'optimize': True} if len(xs) > 2 and xp is numpy else {}
    return xp.einsum('{}->{}'.format(','.join(subs), out), *xs, **options)


def _einsum_grad(gy, out, others, sub, shape, sizes):
    xp = backend.get_array_module(gy)
    letters = ''.join(dict.fromkeys(sub))        # each letter once, in order
    reach = out + ''.join(s for s, _ in others)
    present = ''.join(c for c in letters if c in reach)
    h = _einsum([out] + [s for s, _ in others], present, [gy] + [a for _, a in others])
    if present != letters:
        # A letter only this operand has was summed away: every element along
        # it gets the same gradient.
        h = ops.reshape(h, tuple(sizes[c] if c in present else 1 for c in letters))
        h = ops.broadcast_to(h, tuple(sizes[c] for c in letters))
        if not ops._is_variable(h):
            h = h.copy()                         # a grad owns its memory
    if letters == sub:
        return h
    # A repeated letter ('ii') read a diagonal; the gradient goes back onto it,
    # as a product with a 0/1 mask of that diagonal (so it also runs on Variables).
    mask = xp.zeros(shape, dtype=gy.dtype)
    index = tuple(xp.arange(sizes[c]).reshape(
        [-1 if j == letters.index(c) else 1 for j in range(len(letters))]) for c in sub)
    mask[index] = 1
    axes = _LETTERS[:len(sub)]                   # one fresh letter per axis of x
    h_sub = ''.join(axes[sub.index(c)] for c in letters)
    return _einsum([h_sub, axes], axes, [h, mask])


def _explicit(name, in_subs, out_sub, xs):
    """Replace every '...' with spare letters, right-aligned as numpy broadcasts."""
    if len(in_subs) != len(xs):
        raise ValueError('{}: the subscripts name {} operands but {} were given'.format(
            name, len(in_subs), len(xs)))
    used = set(''.join(in_subs) + (out_sub or ''))
    spare = [c for c in _LETTERS if c not in used]
    counts = []
    for sub, x in zip(in_subs, xs):
        n = len(sub.replace('...', ''))
        if ('...' in sub and n > x.ndim) or ('...' not in sub and n != x.ndim):
            raise ValueError(
                "{}: subscripts '{}' name {} axes but the operand has shape {} ({} axes); "
                'give one letter per axis (or ... for the leading ones).'.format(
                    name, sub, n, x.shape, x.ndim))
        counts.append(x.ndim - n if '...' in sub else 0)
    ellipsis = ''.join(spare[:max(counts, default=0)])
    subs = [sub.replace('...', ellipsis[len(ellipsis) - n:]) for sub, n in zip(in_subs, counts)]
    if out_sub is None:
        named = ''.join(s.replace('...', '') for s in in_subs)
        out = ellipsis + ''.join(sorted(c for c in set(named) if named.count(c) == 1))
    else:
        out = out_sub.replace('...', ellipsis)
        letters = ''.join(subs)
        for c in out:
            if c not in letters:
                raise ValueError("{}: the output letter '{}' appears in no operand".format(
                    name, c))
            if out.count(c) > 1:
                raise ValueError("{}: the output names letter '{}' twice".format(name, c))
    return subs, out


def _letter_sizes(name, subs, xs):
    sizes = {}
    for k, (sub, x) in enumerate(zip(subs, xs)):
        for c, n in zip(sub, x.shape):
            if sizes.setdefault(c, (n, k, x.shape))[0] != n:
                m, j, shape = sizes[c]
                raise ValueError(
                    "{}: letter '{}' stands for length {} in operand {} (shape {}) but "
                    'length {} in operand {} (shape {}); one letter must name axes of '
                    'one length.'.format(name, c, m, j, shape, n, k, x.shape))
    return {c: n for c, (n, _, _) in sizes.items()}


def _parse_einsum(operands):
    if not operands:
        raise ValueError('einsum: give the subscripts and the operands, '
                         "e.g. einsum('ij,jk->ik', a, b)")
    if isinstance(operands[0], str):
        text = operands[0].replace(' ', '')
        xs = operands[1:]
    else:
        # numpy's other form: einsum(a, [0, 1], b, [1, 2], [0, 2])
        xs, lists = operands[0::2], operands[1::2]
        if len(operands) % 2:
            xs, out_list = xs[:-1], xs[-1]
        else:
            out_list = None

        def spell(sublist):
            return ''.join('...' if s is Ellipsis else _LETTERS[s] for s in sublist)
        text = ','.join(spell(s) for s in lists)
        if out_list is not None:
            text += '->' + spell(out_list)
    for c in text.replace('...', '').replace('->', ''):
        if c not in _LETTERS and c != ',':
            raise ValueError("einsum: '{}' in the subscripts '{}' is not a letter; use "
                             "letters, ',', '->' and '...'".format(c, text))
    inputs, arrow, out = text.partition('->')
    return inputs.split(','), (out if arrow else None), text, tuple(xs)


def einsum(*operands):
    """Einstein summation: ``einsum('ij,jk->ik', a, b)`` is ``a @ b``.

    Each letter names an axis; letters missing from the output (after
    ``->``) are summed over. ``...`` stands for the leading axes; without
    ``->`` the output holds the letters that appear once, in alphabetical
    order. numpy's sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])``
    works too.

    >>> import numpy as np
    >>> a = np.arange(6, dtype=np.float32).reshape(2, 3)
    >>> einsum('ij,jk->ik', a, np.ones((3, 2), np.float32)).data
    array([[ 3.,  3.],
           [12., 12.]], dtype=float32)
    >>> einsum('ii', np.arange(9.).reshape(3, 3)).data       # the trace
    array(12.)
    >>> einsum('...j,j', a, np.ones(3, np.float32)).data     # batch axes as ...
    array([ 3., 12.], dtype=float32)
    """
    in_subs, out_sub, text, xs = _parse_einsum(operands)
    return Einsum(in_subs, out_sub, text).apply(xs)[0]


class TensorDot(Einsum):
    label = 'tensordot'
    name = 'tensordot'
    chain_rule = ('ga = gy times b, summed over b\'s unpaired axes; '
                  'gb = a times gy, summed over a\'s unpaired axes')

    def __init__(self, axes=2):
        self.axes = axes

    def forward(self, a, b):
        a_axes, b_axes = _tensordot_axes(self.axes, a, b)
        letters = iter(_LETTERS)
        a_sub = [next(letters) for _ in range(a.ndim)]
        b_sub = [None] * b.ndim
        for i, j in zip(a_axes, b_axes):
            b_sub[j] = a_sub[i]
        b_sub = [c or next(letters) for c in b_sub]
        out = ([c for i, c in enumerate(a_sub) if i not in a_axes] +
               [c for j, c in enumerate(b_sub) if j not in b_axes])
        self.in_subs, self.out_sub = [''.join(a_sub), ''.join(b_sub)], ''.join(out)
        return super().forward(a, b)


def _tensordot_axes(axes, a, b):
    if isinstance(axes, int):
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise ValueError(
                'tensordot: axes={} sums over the last {} axes of a (shape {}) and the '
                'first {} of b (shape {}), but they do not have that many'.format(
                    axes, axes, a.shape, axes, b.shape))
        return tuple(range(a.ndim - axes, a.ndim)), tuple(range(axes))
    try:
        a_axes, b_axes = axes
    except (TypeError, ValueError):
        raise TypeError('tensordot: axes must be an int or a pair of axis lists, '
                        'e.g. ((1, 2), (0, 1)), but got {!r}'.format(axes)) from None
    a_axes = (a_axes,) if isinstance(a_axes, int) else tuple(a_axes)
    b_axes = (b_axes,) if isinstance(b_axes, int) else tuple(b_axes)
    if len(a_axes) != len(b_axes):
        raise ValueError('tensordot: {} axes of a are paired with {} axes of b; '
                         'give the same number of each'.format(len(a_axes), len(b_axes)))
    for axs, x, which in ((a_axes, a, 'a'), (b_axes, b, 'b')):
        for ax in axs:
            if not -x.ndim <= ax < x.ndim:
                raise ValueError('tensordot: axis {} is out of range for {} of shape {}'
                                 .format(ax, which, x.shape))
    return tuple(ax % a.ndim for ax in a_axes), tuple(ax % b.ndim for ax in b_axes)


def tensordot(a, b, axes=2):
    """Sum of products over paired axes of ``a`` and ``b`` (``numpy.tensordot``).

    ``axes=n`` pairs the last ``n`` axes of ``a`` with the first ``n`` of
    ``b``; ``axes=((1, 2), (0, 1))`` names the pairs. The result has ``a``'s
    remaining axes, then ``b``'s. It is computed as an :func:`einsum`.

    >>> import numpy as np
    >>> tensordot(np.ones((5, 3, 2), 'f'), np.ones((3, 2, 4), 'f')).shape
    (5, 4)
    >>> tensordot(np.ones((2, 3), 'f'), np.ones((3, 4), 'f'), axes=1).data[0]
    array([3., 3., 3., 3.], dtype=float32)
    """
    return TensorDot(axes).apply((a, b))[0]


# -- log and exp near their awkward points ---------------------------------------

class Log1p(FunctionNode):
    double_backprop = True
    label = 'log1p'
    chain_rule = 'gx = gy / (1 + x)'

    def forward(self, x):
        self.x = x
        return _ufuncs.log1p(x)

    def backward(self, gy):
        return gy / (1 + self.x)


def log1p(x):
    """Elementwise ``log(1 + x)``, exact even where ``x`` is tiny.

    >>> import numpy as np
    >>> log1p(np.array([0., 1e-20, np.e - 1])).data
    array([0.e+00, 1.e-20, 1.e+00])
    """
    return Log1p().apply((x,))[0]


class Expm1(FunctionNode):
    double_backprop = True
    label = 'expm1'
    chain_rule = 'gx = gy · exp(x)'

    def forward(self, x):
        xp = backend.get_array_module(x)
        self.x = x
        return _ufuncs.expm1(x)

    def backward(self, gy):
        return gy * ops.exp(self.x)


def expm1(x):
    """Elementwise ``exp(x) - 1``, exact even where ``x`` is tiny.

    >>> import numpy as np
    >>> expm1(np.array([0., 1e-20])).data
    array([0.e+00, 1.e-20])
    """
    return Expm1().apply((x,))[0]


class LogSumExp(FunctionNode):
    double_backprop = True
    label = 'logsumexp'
    chain_rule = 'gx = gy · softmax(x) over the summed axes'

    def __init__(self, axis=None):
        self.axis = axis

    def forward(self, x):
        axes = (self.axis,) if isinstance(self.axis, int) else self.axis
        if axes is not None:
            for a in axes:
                if not -x.ndim <= a < x.ndim:
                    raise ValueError('logsumexp: axis {} is out of range for an input of '
                                     'shape {}'.format(a, x.shape))
            axes = tuple(sorted(a % x.ndim for a in axes))
        self.axes = axes
        xp = backend.get_array_module(x)
        # Subtracting the max keeps exp from overflowing; it is added back after.
        m = x.max(axis=axes, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)
        y = _ufuncs.log(_ufuncs.exp(x - m).sum(axis=axes, keepdims=True)) + m
        self.kept_shape = y.shape           # the result with the summed axes kept, as 1s
        self.x = x
        # The output itself is kept (not a reshaped copy), so a double backprop finds it.
        self.y = y.reshape([n for i, n in enumerate(y.shape)
                            if axes is not None and i not in axes])
        return self.y

    def backward(self, gy):
        shape = self.kept_shape
        return gy.reshape(shape) * ops.exp(self.x - self.y.reshape(shape))


def logsumexp(x, axis=None):
    """``log(sum(exp(x)))`` over ``axis`` (an int, a tuple, or None for all), without overflow.

    >>> import numpy as np
    >>> logsumexp(np.array([[1000., 1000.], [0., np.log(3.)]]), axis=1).data - [1000, 0]
    array([0.69314718, 1.38629436])
    """
    return LogSumExp(axis).apply((x,))[0]


def average(x, axis=None, weights=None, keepdims=False):
    """Weighted mean, as :func:`~teachgrad.functions.mean` with ``weights``.

    >>> import numpy as np
    >>> average(np.array([1., 3.]), weights=np.array([3., 1.])).data
    array(1.5)
    """
    from teachgrad.functions.reduction import mean
    return mean(x, axis=axis, weights=weights, keepdims=keepdims)


# -- more elementwise math -------------------------------------------------------

class Tan(FunctionNode):
    double_backprop = True
    label = 'tan'
    chain_rule = 'gx = gy / cos(x)²'

    def forward(self, x):
        self.x = x
        return _ufuncs.tan(x)

    def backward(self, gy):
        c = ops.cos(self.x)
        return gy / (c * c)


def tan(x):
    """Elementwise tangent (radians).

    >>> import numpy as np
    >>> tan(np.array([0., np.pi / 4])).data
    array([0., 1.])
    """
    return Tan().apply((x,))[0]


class Arcsin(FunctionNode):
    double_backprop = True
    label = 'arcsin'
    chain_rule = 'gx = gy / sqrt(1 - x²)'

    def forward(self, x):
        self.x = x
        return _ufuncs.arcsin(x)

    def backward(self, gy):
        return gy / ops.sqrt(1 - self.x * self.x)


def arcsin(x):
    """Elementwise inverse sine, for ``-1 <= x <= 1``.

    >>> import numpy as np
    >>> arcsin(np.array([0., 1.])).data * 2 / np.pi
    array([0., 1.])
    """
    return Arcsin().apply((x,))[0]


class Arccos(FunctionNode):
    double_backprop = True
    label = 'arccos'
    chain_rule = 'gx = -gy / sqrt(1 - x²)'

    def forward(self, x):
        self.x = x
        return _ufuncs.arccos(x)

    def backward(self, gy):
        return -gy / ops.sqrt(1 - self.x * self.x)


def arccos(x):
    """Elementwise inverse cosine, for ``-1 <= x <= 1``.

    >>> import numpy as np
    >>> arccos(np.array([1., 0.])).data * 2 / np.pi
    array([0., 1.])
    """
    return Arccos().apply((x,))[0]


class Arctan(FunctionNode):
    double_backprop = True
    label = 'arctan'
    chain_rule = 'gx = gy / (1 + x²)'

    def forward(self, x):
        self.x = x
        return _ufuncs.arctan(x)

    def backward(self, gy):
        return gy / (1 + self.x * self.x)


def arctan(x):
    """Elementwise inverse tangent.

    >>> import numpy as np
    >>> arctan(np.array([0., 1.])).data * 4 / np.pi
    array([0., 1.])
    """
    return Arctan().apply((x,))[0]


class Sinh(FunctionNode):
    double_backprop = True
    label = 'sinh'
    chain_rule = 'gx = gy · cosh(x)'

    def forward(self, x):
        self.x = x
        return _ufuncs.sinh(x)

    def backward(self, gy):
        return gy * ops.cosh(self.x)


def sinh(x):
    """Elementwise hyperbolic sine.

    >>> import numpy as np
    >>> sinh(np.array([0.])).data
    array([0.])
    """
    return Sinh().apply((x,))[0]


class Cosh(FunctionNode):
    double_backprop = True
    label = 'cosh'
    chain_rule = 'gx = gy · sinh(x)'

    def forward(self, x):
        self.x = x
        return _ufuncs.cosh(x)

    def backward(self, gy):
        return gy * ops.sinh(self.x)


def cosh(x):
    """Elementwise hyperbolic cosine.

    >>> import numpy as np
    >>> cosh(np.array([0.])).data
    array([1.])
    """
    return Cosh().apply((x,))[0]


class Log2(FunctionNode):
    double_backprop = True
    label = 'log2'
    chain_rule = 'gx = gy / (x · log 2)'

    def forward(self, x):
        self.x = x
        return _ufuncs.log2(x)

    def backward(self, gy):
        return gy / (self.x * 0.6931471805599453)


def log2(x):
    """Elementwise base-2 logarithm.

    >>> import numpy as np
    >>> log2(np.array([1., 8.])).data
    array([0., 3.])
    """
    return Log2().apply((x,))[0]


class Log10(FunctionNode):
    double_backprop = True
    label = 'log10'
    chain_rule = 'gx = gy / (x · log 10)'

    def forward(self, x):
        self.x = x
        return _ufuncs.log10(x)

    def backward(self, gy):
        return gy / (self.x * 2.302585092994046)


def log10(x):
    """Elementwise base-10 logarithm.

    >>> import numpy as np
    >>> log10(np.array([1., 100.])).data
    array([0., 2.])
    """
    return Log10().apply((x,))[0]


class Rsqrt(FunctionNode):
    double_backprop = True
    label = 'rsqrt'
    chain_rule = 'gx = -gy · y³ / 2, y = 1 / sqrt(x)'

    def forward(self, x):
        self.y = y = 1 / backend.get_array_module(x).sqrt(x)
        return y

    def backward(self, gy):
        y = self.y
        return gy * y * y * y * -0.5


def rsqrt(x):
    """Elementwise ``1 / sqrt(x)``.

    >>> import numpy as np
    >>> rsqrt(np.array([4., 0.25])).data
    array([0.5, 2. ])
    """
    return Rsqrt().apply((x,))[0]


def _no_gradient(x, op):
    # A step function is flat almost everywhere: as in Chainer, the result is
    # a new leaf, cut from the graph, instead of a function that passes zeros.
    from teachgrad.variable import Variable, as_array
    a = as_array(x)
    xp = backend.get_array_module(a)
    return Variable(xp.asarray(getattr(xp, op)(a)), requires_grad=False)


def sign(x):
    """Elementwise -1, 0 or 1; no gradient (the result is cut from the graph).

    >>> import numpy as np
    >>> sign(np.array([-2., 0., 3.])).data
    array([-1.,  0.,  1.])
    """
    return _no_gradient(x, 'sign')


def floor(x):
    """Elementwise round down; no gradient (the result is cut from the graph).

    >>> import numpy as np
    >>> floor(np.array([-1.5, 1.5])).data
    array([-2.,  1.])
    """
    return _no_gradient(x, 'floor')


def ceil(x):
    """Elementwise round up; no gradient (the result is cut from the graph).

    >>> import numpy as np
    >>> ceil(np.array([-1.5, 1.5])).data
    array([-1.,  2.])
    """
    return _no_gradient(x, 'ceil')


def _reduced_axes(name, axis, ndim, shape):
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError('{}: axis {} is out of range for an input of shape {}'.format(
                name, a, shape))
    return tuple(sorted(set(a % ndim for a in axes)))


class Cumsum(FunctionNode):
    double_backprop = True
    label = 'cumsum'
    chain_rule = 'gx = the running sum of gy taken from the end backwards'

    def __init__(self, axis=None):
        if axis is not None and not isinstance(axis, int):
            raise TypeError('cumsum: axis must be an int or None, but got {!r}'.format(axis))
        self.axis = axis

    def forward(self, x):
        if self.axis is not None:
            _reduced_axes('cumsum', self.axis, x.ndim, x.shape)
        return backend.get_array_module(x).cumsum(x, axis=self.axis)

    def backward(self, gy):
        # Input i counts towards every output from i on, so its grad sums those.
        axis = 0 if self.axis is None else self.axis
        gx = ops.flip(ops.cumsum(ops.flip(gy, axis), axis), axis)
        return ops.reshape(gx, self.inputs[0].shape)


def cumsum(x, axis=None):
    """Running sum along ``axis`` (of the flattened array when None).

    >>> import numpy as np
    >>> cumsum(np.array([[1., 2.], [3., 4.]]), axis=1).data
    array([[1., 3.],
           [3., 7.]])
    """
    return Cumsum(axis).apply((x,))[0]


class Prod(FunctionNode):
    first_order_reason = ('its backward uses running products (cumprod) on arrays, and F has '
                          'no cumprod yet')
    label = 'prod'
    chain_rule = 'gx = gy · the product of all the other elements'

    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.axes = _reduced_axes('prod', self.axis, x.ndim, x.shape)
        self.x = x
        return x.prod(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        # The product of the others, from running products on each side of
        # every element: no division, so zeros in x are fine.
        xp = backend.get_array_module(gy)
        x, axes = self.x, self.axes
        kept = [i for i in range(x.ndim) if i not in axes]
        order = kept + list(axes)
        moved = x.transpose(order)
        flat = moved.reshape(moved.shape[:len(kept)] + (-1,))
        ones = xp.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
        before = xp.cumprod(xp.concatenate((ones, flat[..., :-1]), axis=-1), axis=-1)
        after = xp.flip(xp.cumprod(xp.flip(
            xp.concatenate((flat[..., 1:], ones), axis=-1), -1), axis=-1), -1)
        g = gy.reshape(flat.shape[:-1] + (1,)) * before * after
        return g.reshape(moved.shape).transpose(numpy.argsort(order))


def prod(x, axis=None, keepdims=False):
    """Product of elements over ``axis`` (an int, a tuple, or None for all).

    First-order only: its backward uses running products (cumprod) on arrays, and F has no
    cumprod yet.

    >>> import numpy as np
    >>> prod(np.array([[1., 2.], [3., 4.]]), axis=1).data
    array([ 2., 12.])
    """
    return Prod(axis, keepdims).apply((x,))[0]


def batch_matmul(a, b, transa=False, transb=False):
    """Products of matching matrices in two batches, ``a[i] @ b[i]`` (Chainer's older name).

    A 2-d input of shape (batch, n) counts as a batch of (n, 1) columns.
    New code can use :func:`~teachgrad.functions.matmul`, which batches too.

    >>> import numpy as np
    >>> batch_matmul(np.ones((2, 3, 4), 'f'), np.ones((2, 4, 5), 'f')).shape
    (2, 3, 5)
    >>> batch_matmul(np.ones((2, 3), 'f'), np.ones((2, 3), 'f'), transa=True).data[:, 0, 0]
    array([3., 3.], dtype=float32)
    """
    from teachgrad.functions.array import reshape
    from teachgrad.functions.basic_math import matmul
    from teachgrad.variable import as_array

    def as_batch(x):
        shape = as_array(x).shape
        return reshape(x, (shape[0], shape[1], -1)) if len(shape) != 3 else x
    return matmul(as_batch(a), as_batch(b), transa=transa, transb=transb)


def _chainer_module_path():
    # Chainer keeps each function in a module of its own, and its documentation
    # reaches Identity as chainer.functions.math.identity.Identity: the same
    # path works here, as a module whose only content is that class.
    import sys
    import types
    from teachgrad.functions.array import Identity, identity as identity_function
    module = types.ModuleType(__name__ + '.identity', 'Identity, under Chainer\'s module path.')
    module.Identity, module.identity = Identity, identity_function
    sys.modules[module.__name__] = module
    return module


identity = _chainer_module_path()
