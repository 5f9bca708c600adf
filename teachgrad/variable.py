"""Variable: an array that remembers how it was computed, so gradients can flow back.

A Variable is what the learner holds; a :class:`VariableNode` is what the graph holds.
Keeping them apart lets a big intermediate array die as soon as the learner drops
its Variable, while the graph still knows its name, shape and dtype for backward
and for the pictures. The operators (``+ - * / ** @``) are bound in
``functions/basic_math.py``; numpy-like helpers and Chainer's other spellings
(``reshape``, ``T``, ``[]``, ``to_gpu``, ``grad_var``...) in ``variable_methods.py``.

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([5], dtype=np.float32))
>>> y = x ** 2 - 2 * x + 1
>>> y.backward()
>>> x.grad
array([8.], dtype=float32)
"""
import weakref

import numpy

from teachgrad import backend
from teachgrad import backprop

# Arrays up to this many elements stay on the graph node for display even
# after the learner drops the Variable; bigger ones are reachable only while
# the Variable lives, so the core never pays for the pictures.
DISPLAY_KEEP_SIZE = 1024


class VariableNode:
    """The graph's record of one Variable: its creator, name, shape and dtype.

    ``data`` holds the array only when it is small (for pictures). The grad
    state says what the last backward did with this node's grad: ``'seed'``
    (backward started here), ``'retained'`` (kept by ``retain_grad=True``),
    ``'freed'`` (dropped once its creator ran) or None (no backward yet).
    """
    __slots__ = ('creator', 'rank', 'name', 'shape', 'dtype', 'requires_grad',
                 'data', 'grad_state', '_variable', '__weakref__')

    def __init__(self, variable, data, name, requires_grad):
        self.creator = None
        self.rank = 0
        self.name = name
        self.requires_grad = requires_grad
        self.grad_state = None
        self._variable = weakref.ref(variable)
        self._set_data(data)

    def _set_data(self, data):
        if data is None:
            self.shape = self.dtype = self.data = None
        else:
            self.shape = data.shape
            self.dtype = data.dtype
            self.data = data if data.size <= DISPLAY_KEEP_SIZE else None

    def get_variable_or_none(self):
        """The Variable this node belongs to, or None once the learner dropped it."""
        return self._variable()

    @property
    def label(self):
        return _shape_label(self.shape, self.dtype)

    def __repr__(self):
        return '<VariableNode {} {}>'.format(self.name or '', self.label)


class Variable:
    """An array plus the graph that produced it.

    Args:
        data: a numpy or cupy ndarray (or None for a placeholder).
        name: shown in repr and in graph pictures.
        grad: an initial gradient, same shape and dtype as data.
        requires_grad: False makes backward skip this leaf.

    >>> import numpy as np
    >>> Variable(np.array([5.], dtype=np.float32))
    variable([5.])
    """
    __slots__ = ('_data', '_grad', '_node', '__weakref__')
    # numpy must hand `array * variable` to Variable.__rmul__.
    __array_priority__ = 200

    def __init__(self, data=None, *, name=None, grad=None, requires_grad=True):
        if type(data) is not numpy.ndarray:     # numpy arrays, the usual case, pass
            _check_array(data)
        self._data = data
        self._grad = None
        self._node = VariableNode(self, data, name, requires_grad)
        if grad is not None:
            self.grad = grad

    @property
    def data(self):
        """The value, a numpy or cupy ndarray (Chainer also calls it ``array``)."""
        return self._data

    @data.setter
    def data(self, d):
        _check_array(d)
        self._data = d
        self._node._set_data(d)

    @property
    def node(self):
        return self._node

    @property
    def creator(self):
        """The function node that produced this Variable, or None for a leaf."""
        return self._node.creator

    @creator.setter
    def creator(self, f):
        self._node.creator = f
        self._node.rank = 0 if f is None else f.rank + 1

    @property
    def rank(self):
        return self._node.rank

    @property
    def name(self):
        return self._node.name

    @name.setter
    def name(self, n):
        self._node.name = n

    @property
    def requires_grad(self):
        return self._node.requires_grad

    @property
    def shape(self):
        return self._data.shape

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def size(self):
        return self._data.size

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def xp(self):
        """numpy or cupy, whichever holds the data."""
        return backend.get_array_module(self._data)

    # -- grad -----------------------------------------------------------------
    @property
    def grad(self):
        """d(output)/d(this Variable) after backward, or None."""
        return self._grad

    @grad.setter
    def grad(self, g):
        if g is not None:
            g = _checked_grad(self, g)
        self._grad = g

    def cleargrad(self):
        """Forget the gradient (set it to None) before the next backward."""
        self._grad = None

    def backward(self, retain_grad=False, enable_double_backprop=False):
        """Compute the gradient of this Variable with respect to every leaf.

        Leaf grads accumulate across calls until :meth:`cleargrad`;
        intermediate grads are freed unless ``retain_grad=True``. A size-1
        output is seeded with 1; a bigger one needs ``y.grad`` set first.

        >>> import numpy as np
        >>> x = Variable(np.array([3.], dtype=np.float32))
        >>> (x * x).backward()
        >>> x.grad
        array([6.], dtype=float32)
        """
        if enable_double_backprop:
            raise NotImplementedError(
                'teachgrad computes gradients with plain arrays, so gradients '
                'of gradients (double backprop) are not supported.')
        for _ in backprop.backward_steps(self, retain_grad):
            pass

    # -- graph ----------------------------------------------------------------
    def unchain(self):
        """Cut the link to the creator: this Variable becomes a leaf."""
        self.creator = None

    def unchain_backward(self):
        """Cut every link behind this Variable so the graph can be freed."""
        functions = backprop.walk([self._node])
        self._node.creator = None
        for f in functions:
            for node in f.inputs:
                node.creator = None

    # -- display ----------------------------------------------------------------
    @property
    def label(self):
        """Shape and dtype in words, e.g. ``'(2, 3), float32'``."""
        return _shape_label(self._node.shape, self._node.dtype)

    def __repr__(self):
        return _format(self, ', ')

    def __str__(self):
        return _format(self, ' ')

    def _repr_svg_(self):
        # Jupyter calls this; the drawing code lives in teachgrad.viz and is
        # imported only now, so the core never pays for the pictures.
        from teachgrad import viz
        return viz.repr_svg(self)


def _check_array(data, what='data'):
    if type(data) is numpy.ndarray or data is None or backend.is_array(data):
        return
    example = ''
    if isinstance(data, numpy.generic):      # e.g. np.float32(2.0), what x.sum() gives
        example = ' For example: Variable(np.asarray(value)).'
    elif isinstance(data, (list, tuple, int, float)):
        example = (' For example: Variable(np.array({!r}, dtype=np.float32)).'
                   .format(data))
    raise TypeError(
        'Variable {} must be a numpy or cupy ndarray, but got {}.{}'.format(
            what, type(data).__name__, example))


def _checked_grad(var, g):
    """``g`` as an array that fits ``var``, or an error that says how to make it fit."""
    if isinstance(g, Variable):
        g = g.data
    _check_array(g, 'grad')
    data = var._data
    if data is not None and g.shape != data.shape:
        raise ValueError(
            'grad has shape {} but {} has shape {}: a gradient must have '
            "exactly its variable's shape. For an output y, set "
            'y.grad = np.ones(y.shape, dtype=y.dtype).'.format(
                g.shape, var.name or 'the variable', data.shape))
    if data is not None and g.dtype != data.dtype:
        raise TypeError(
            'grad has dtype {} but the data has dtype {}: use '
            'grad.astype({!r}).'.format(g.dtype, data.dtype, str(data.dtype)))
    return g


def _shape_label(shape, dtype):
    # Chainer's spelling: '(2, 3), float32', and '(5), float32' for one axis.
    if shape is None:
        return '(uninitialized)'
    return '{}, {}'.format(shape if len(shape) != 1 else '({})'.format(shape[0]),
                           numpy.dtype(dtype).name)


def _format(var, separator):
    prefix = 'variable ' + var.name if var.name else 'variable'
    arr = backend.to_cpu(var.data)
    if arr is None:
        body = 'None'
    elif arr.size > 0 or arr.shape == (0,):
        body = numpy.array2string(arr, separator=separator, prefix=prefix + '(')
    else:
        body = '[], shape={}'.format(arr.shape)
    return '{}({})'.format(prefix, body)


def as_variable(obj):
    """Wrap an array in a Variable that needs no grad; pass Variables through.

    >>> import numpy as np
    >>> as_variable(np.zeros(1)).requires_grad
    False
    """
    if isinstance(obj, Variable):
        return obj
    return Variable(obj, requires_grad=False)


def as_array(obj):
    """The data of a Variable, or the array itself."""
    return obj.data if isinstance(obj, Variable) else obj


# Parameter is a Variable that links own; it lives in parameter.py.
from teachgrad.parameter import Parameter  # NOQA: E402
from teachgrad import variable_methods  # NOQA: E402,F401  (binds the helpers)
