"""Variable: an array that remembers how it was computed, so gradients can flow back.

A Variable is what the learner holds; a :class:`VariableNode` is what the graph
holds. Keeping them apart lets a big intermediate array die as soon as the
learner drops its Variable, while the graph still knows its name, shape and
dtype for backward and for the pictures. The operators are bound in
``functions/basic_math.py``, the rest (repr, ``reshape``, ``T``, ``[]``,
``to_gpu``...) in ``variable_methods.py``.

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

from teachgrad import backprop
from teachgrad import checks

# Arrays up to this size stay on the graph node for the pictures after the
# learner drops the Variable; bigger ones die with it (the core never pays).
DISPLAY_KEEP_SIZE = 1024


class VariableNode:
    """The graph's record of one Variable: its creator, name, shape and dtype.

    ``data`` holds the array only when it is small (for pictures). ``grad_state``
    is what the last backward did with its grad: ``'seed'`` (started here),
    ``'retained'`` (``retain_grad=True``), ``'freed'`` (dropped) or None.
    """
    __slots__ = ('creator', 'rank', 'name', 'shape', 'dtype', 'requires_grad',
                 'data', 'grad_state', '_variable', 'array_ref', '__weakref__')

    def __init__(self, variable, data, name, requires_grad):
        self.creator = None
        self.rank = 0                   # the distance from the leaves
        self.name = name
        self.requires_grad = requires_grad
        self.grad_state = None
        self._variable = weakref.ref(variable)
        self._set_data(data)

    def _set_data(self, data):
        if data is None:
            self.shape = self.dtype = self.data = self.array_ref = None
        else:
            self.shape = data.shape
            self.dtype = data.dtype
            self.data = data if data.size <= DISPLAY_KEEP_SIZE else None
            self.array_ref = None if self.data is not None else weakref.ref(data)  # double backprop

    def get_variable_or_none(self):
        """The Variable this node belongs to, or None once the learner dropped it."""
        return self._variable()


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
            checks.check_array(data)
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
        checks.check_array(d)
        self._data = d
        self._node._set_data(d)

    node = property(lambda self: self._node, doc='The VariableNode that the graph holds.')

    @property
    def creator(self):
        """The function node that produced this Variable, or None for a leaf."""
        return self._node.creator

    @creator.setter
    def creator(self, f):
        self._node.creator = f
        self._node.rank = 0 if f is None else f.rank + 1

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
    def grad(self):
        """d(output)/d(this Variable) after backward, or None."""
        g = self._grad      # a Variable (``grad_var``) after a double backprop
        return g._data if type(g) is Variable else g

    @grad.setter
    def grad(self, g):
        self._grad = None if g is None else checks.check_grad(self, g)

    def cleargrad(self):
        """Forget the gradient (set it to None) before the next backward."""
        self._grad = None

    def backward(self, retain_grad=False, enable_double_backprop=False):
        """Compute the gradient of this Variable with respect to every leaf.

        Leaf grads accumulate across calls until :meth:`cleargrad`;
        intermediate grads are freed unless ``retain_grad=True``. A size-1
        output is seeded with 1; a bigger one needs ``y.grad`` set first.
        ``enable_double_backprop=True`` records backward as a graph too
        (``x.grad_var``), to differentiate again (``double_backprop.py``).

        >>> import numpy as np
        >>> x = Variable(np.array([3.], dtype=np.float32))
        >>> (x * x).backward()
        >>> x.grad
        array([6.], dtype=float32)
        """
        for _ in backprop.backward_steps(self, retain_grad, enable_double_backprop):
            pass

    def unchain(self):
        """Cut the link to the creator: this Variable becomes a leaf."""
        self.creator = None

    def unchain_backward(self):
        """Cut every link behind this Variable so the graph can be freed."""
        for f in backprop.walk([self._node]):
            for node in f.inputs:
                node.creator = None
        self._node.creator = None


# Parameter, a Variable that links own, lives in parameter.py; the rest of
# Variable (repr, pictures, numpy-like helpers) in variable_methods.py.
from teachgrad.parameter import Parameter  # NOQA: E402,F401
from teachgrad.variable_methods import as_array, as_variable  # NOQA: E402,F401
