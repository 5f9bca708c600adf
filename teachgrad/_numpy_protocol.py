"""What numpy does when it meets a Variable, and what comparisons and truth mean.

numpy hands every ufunc call that involves a Variable to
``Variable.__array_ufunc__``, which lands here. The arithmetic ufuncs
(``array * v``, ``np.float32(2) * v``, ``np.add(a, v)``) run Variable's own
operators, so the result is a Variable in the graph. Any other ufunc
(``np.exp(v)``) would compute on the data and lose the graph, so it is
refused with the name of the F function that keeps it.

>>> import numpy as np
>>> from teachgrad import Variable
>>> v = Variable(np.array([1., 2.], dtype=np.float32))
>>> np.ones(2, dtype=np.float32) * v
variable([1., 2.])
>>> np.exp(v)
Traceback (most recent call last):
...
TypeError: np.exp(variable) would compute on the array and drop the graph, ... Use F.exp(x) ...
"""
import operator

# ufunc name -> (method when the Variable is on the left, on the right)
_BINARY = {
    'add': ('__add__', '__radd__'),
    'subtract': ('__sub__', '__rsub__'),
    'multiply': ('__mul__', '__rmul__'),
    'true_divide': ('__truediv__', '__rtruediv__'),
    'divide': ('__truediv__', '__rtruediv__'),
    'power': ('__pow__', '__rpow__'),
    'matmul': ('__matmul__', '__rmatmul__'),
}
_UNARY = {'negative': operator.neg, 'absolute': abs, 'positive': lambda v: v}
_COMPARISONS = {'equal': '==', 'not_equal': '!=', 'less': '<', 'less_equal': '<=',
                'greater': '>', 'greater_equal': '>='}
# numpy's names for ufuncs that F has under another name.
_F_NAMES = {'maximum': 'maximum', 'minimum': 'minimum', 'fabs': 'absolute',
            'arctan': 'arctan', 'square': 'square', 'sqrt': 'sqrt'}


def array_ufunc(ufunc, method, inputs, kwargs):
    """Run ``ufunc`` on inputs that include a Variable, or explain why not."""
    from teachgrad.variable import Variable
    name = ufunc.__name__
    if name in _COMPARISONS:
        raise TypeError(comparison_message(_COMPARISONS[name]))
    if method == '__call__' and not kwargs:
        if name in _BINARY and len(inputs) == 2:
            left, right = inputs
            if isinstance(left, Variable):
                return getattr(left, _BINARY[name][0])(right)
            return getattr(right, _BINARY[name][1])(left)
        if name in _UNARY and len(inputs) == 1:
            return _UNARY[name](inputs[0])
    if 'out' in kwargs:
        raise TypeError(
            'np.{0}(..., out=...) cannot write a Variable into an array in place. '
            'Write the result to a new name instead, e.g. y = a + x rather than '
            'a += x.'.format(name))
    if method != '__call__':
        raise TypeError(
            'np.{}.{}() does not work on Variables: it would drop the graph. Use '
            'the F functions (F.sum, F.max, ...), or np.{}.{}(x.data) for a plain '
            'array.'.format(name, method, name, method))
    return _refuse(name)


def _refuse(name):
    from teachgrad import functions as F
    f_name = _F_NAMES.get(name, name)
    if hasattr(F, f_name):
        fix = 'Use F.{}(x) (import teachgrad.functions as F)'.format(f_name)
    else:
        fix = ('teachgrad has no F.{} yet: write it from the F functions, or define '
               'a FunctionNode with its backward'.format(f_name))
    raise TypeError(
        'np.{0}(variable) would compute on the array and drop the graph, so no '
        'gradient could flow back. {1}, or np.{0}(x.data) for a plain array '
        'without gradients.'.format(name, fix))


def comparison_message(op):
    """Why ``x == y`` (or ``<``...) on Variables is refused, and what to write."""
    return (
        'Variables cannot be compared with {0}: the answer could carry no gradient, '
        'and x == y would quietly test whether they are the same object. Compare '
        'their data: x.data {0} y.data (elementwise), np.array_equal(x.data, y.data) '
        '(whole arrays), or x is y (the same Variable).'.format(op))


def bool_message(var):
    """Why ``if x:`` on a Variable is refused, and what to write."""
    return (
        'the truth value of a Variable ({}) is ambiguous, and a graph cannot go '
        'through an if. Test its data: bool(x.data.all()), bool(x.data.any()), or '
        'float(x.data) > 0 for a single number.'.format(
            'shape {}'.format(var.shape) if var.shape is not None else 'no data'))
