"""Variable: an array that remembers how it was computed, so gradients can flow back.

A Variable is what the learner holds; a :class:`VariableNode` is what the graph holds.
Keeping them apart lets a big intermediate array die as soon as the learner drops
its Variable, while the graph still knows its name, shape and dtype for backward
and for the pictures.

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
from teachgrad import _numpy_protocol

# Arrays up to this many elements stay on the graph node for display even
# after the learner drops the Variable; bigger ones are reachable only while
# the Variable lives (principle 3: the core never pays for the pictures).
DISPLAY_KEEP_SIZE = 1024
_weakref = weakref.ref


class VariableNode:
    """The graph's record of one Variable: its creator, name, shape and dtype.

    ``data`` holds the array only when it is small (for pictures); the grad
    state says what the last backward did with this node's grad: ``'seed'``,
    ``'retained'``, ``'freed'`` or None.
    """
    __slots__ = ('creator', 'rank', 'name', 'shape', 'dtype', 'requires_grad',
                 'data', 'grad_state', '_variable', '__weakref__')

    def __init__(self, variable, data, name, requires_grad):
        self.creator = None
        self.rank = 0
        self.name = name
        self.requires_grad = requires_grad
        self.grad_state = None
        self._variable = _weakref(variable)
        if data is None:
            self.shape = self.dtype = self.data = None
        else:
            self.shape = data.shape
            self.dtype = data.dtype
            self.data = data if data.size <= DISPLAY_KEEP_SIZE else None

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


def _shape_label(shape, dtype):
    if shape is None:
        return '(uninitialized)'
    return '{}, {}'.format(shape if len(shape) != 1 else '({})'.format(shape[0]),
                           numpy.dtype(dtype).name)


def _check_array(data, what='data'):
    if data is None or backend.is_array(data):
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

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        # array * variable runs Variable's operator; np.exp(variable) is
        # refused with the F function to use (see _numpy_protocol).
        return _numpy_protocol.array_ufunc(ufunc, method, inputs, kwargs)

    # A comparison or truth test would silently mean identity; Chainer refuses them too.
    def __bool__(self):
        raise TypeError(_numpy_protocol.bool_message(self))

    def __eq__(self, other):
        raise TypeError(_numpy_protocol.comparison_message('=='))

    def __ne__(self, other):
        raise TypeError(_numpy_protocol.comparison_message('!='))

    def __lt__(self, other):
        raise TypeError(_numpy_protocol.comparison_message('<'))

    def __le__(self, other):
        raise TypeError(_numpy_protocol.comparison_message('<='))

    def __gt__(self, other):
        raise TypeError(_numpy_protocol.comparison_message('>'))

    def __ge__(self, other):
        raise TypeError(_numpy_protocol.comparison_message('>='))

    __hash__ = object.__hash__      # identity: Variables can still key a dict

    def __init__(self, data=None, *, name=None, grad=None, requires_grad=True):
        if type(data) is not numpy.ndarray and data is not None:
            _check_array(data)
        self._data = data
        self._grad = None
        self._node = VariableNode(self, data, name, requires_grad)
        if grad is not None:
            self.grad = grad

    # -- data -----------------------------------------------------------------
    @property
    def data(self):
        """The value, a numpy or cupy ndarray (the same as ``array``)."""
        return self._data

    @data.setter
    def data(self, d):
        _check_array(d)
        self._data = d
        self._node._set_data(d)

    array = data

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

    @property
    def label(self):
        """Shape and dtype in words, e.g. ``'(2, 3), float32'``."""
        return _shape_label(self._node.shape, self._node.dtype)

    def __len__(self):
        if self._data is None or self._data.ndim == 0:
            raise TypeError('len() of a 0-dimensional (or uninitialized) Variable')
        return len(self._data)

    def item(self):
        """The value of a size-1 Variable as a Python number."""
        return self._data.item()

    # -- grad -----------------------------------------------------------------
    @property
    def grad(self):
        """d(output)/d(this Variable) after backward, or None."""
        return self._grad

    @grad.setter
    def grad(self, g):
        if g is not None:
            if isinstance(g, Variable):
                g = g.data
            _check_array(g, 'grad')
            data = self._data
            if data is not None and g.shape != data.shape:
                raise ValueError(
                    'grad has shape {} but {} has shape {}: a gradient must have '
                    "exactly its variable's shape. For an output y, set "
                    'y.grad = np.ones(y.shape, dtype=y.dtype).'.format(
                        g.shape, self.name or 'the variable', data.shape))
            if data is not None and g.dtype != data.dtype:
                raise TypeError(
                    'grad has dtype {} but the data has dtype {}: use '
                    'grad.astype({!r}).'.format(g.dtype, data.dtype, str(data.dtype)))
        self._grad = g

    @property
    def grad_var(self):
        """The grad wrapped in a Variable (or None)."""
        return None if self._grad is None else Variable(self._grad)

    @grad_var.setter
    def grad_var(self, g):
        self.grad = g

    def cleargrad(self):
        """Forget the gradient (set it to None) before the next backward."""
        self._grad = None

    def zerograd(self):
        """Deprecated: set the gradient to zeros. Prefer :meth:`cleargrad`."""
        self._grad = self.xp.zeros_like(self._data)

    def addgrad(self, var):
        """Add another Variable's grad to this one's."""
        if var.grad is not None:
            self.grad = var.grad if self._grad is None else self._grad + var.grad

    # -- graph ----------------------------------------------------------------
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

    def unchain(self):
        """Cut the link to the creator: this Variable becomes a leaf."""
        self.creator = None

    def unchain_backward(self):
        """Cut every link behind this Variable so the graph can be freed."""
        stack = [self._node]
        seen = set()
        while stack:
            node = stack.pop()
            f = node.creator
            node.creator = None
            if f is not None and f not in seen:
                seen.add(f)
                stack.extend(f.inputs)

    # -- array-like helpers -----------------------------------------------------
    def reshape(self, *shape):
        """``F.reshape`` with numpy's calling styles (``reshape(2, 3)`` or ``((2, 3))``)."""
        from teachgrad.functions import reshape
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return reshape(self, tuple(shape))

    def transpose(self, *axes):
        """``F.transpose``; with no axes it reverses them."""
        from teachgrad.functions import transpose
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)) or axes == ((None,)):
            axes = axes[0]
        return transpose(self, axes or None)

    @property
    def T(self):
        from teachgrad.functions import transpose
        return transpose(self)

    def __getitem__(self, index):
        from teachgrad.functions import get_item
        return get_item(self, index)

    def to_cpu(self):
        """Move data and grad to numpy, in place."""
        self._data = backend.to_cpu(self._data)
        self._grad = backend.to_cpu(self._grad)
        self._node._set_data(self._data)

    def to_gpu(self, device=None):
        """Move data and grad to cupy, in place."""
        self._data = backend.to_gpu(self._data, device)
        self._grad = backend.to_gpu(self._grad, device)
        self._node._set_data(self._data)

    # -- devices (Chainer v7's Variable.to_device / .device) --
    def to_device(self, device):
        """Move data and grad to ``device`` (``'@numpy'``, ``'@cupy:0'``, -1, 0,
        a device object), in place.

        >>> import numpy as np
        >>> x = Variable(np.ones(2, 'f'))
        >>> x.to_device('@numpy'); x.device
        <CpuDevice (numpy)>
        """
        device = backend.get_device(device)
        self._data = device.send(self._data)
        self._grad = device.send(self._grad)
        self._node._set_data(self._data)

    @property
    def device(self):
        """The device the data lives on (a CpuDevice or GpuDevice)."""
        return backend.get_device_from_array(self._data)

    def summary(self):
        """One line: name (if any), shape and dtype."""
        return '<variable {}>'.format(
            '{} {}'.format(self.name, self.label) if self.name else self.label)

    # -- display ----------------------------------------------------------------
    def __repr__(self):
        return _format(self, ', ')

    def __str__(self):
        return _format(self, ' ')

    def _repr_svg_(self):
        # Jupyter calls this; the drawing code lives in teachgrad.viz and is
        # imported only now, so the core never pays for the pictures.
        from teachgrad import viz
        return viz.repr_svg(self)


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


class Parameter(Variable):
    """A Variable that a Link owns and an optimizer updates.

    It may start uninitialized (data None) and get its shape later, as
    ``L.Linear(2)`` does on its first call.

    >>> import numpy as np
    >>> p = Parameter(np.zeros(2, dtype=np.float32), name='b')
    >>> p
    variable b([0., 0.])
    >>> Parameter(name='W')
    variable W(None)
    """
    __slots__ = ('initializer', 'update_rule')

    def __init__(self, initializer=None, shape=None, name=None):
        self.initializer = initializer
        self.update_rule = None
        data = initializer if backend.is_array(initializer) else None
        super().__init__(data, name=name)
        if data is None and shape is not None:
            self.initialize(shape)

    @property
    def is_initialized(self):
        return self._data is not None

    def initialize(self, shape):
        """Create the data with the given shape from the initializer."""
        from teachgrad import initializers
        self.data = initializers.generate_array(self.initializer, shape, numpy)
        self._grad = None

    def update(self):
        """Apply the update rule an optimizer gave this parameter (if any)."""
        if self.update_rule is not None:
            self.update_rule.update(self)

    def __reduce__(self):
        return _recover_parameter, (self._data, self.name, self._grad,
                                    self.initializer, self.update_rule)


def _recover_parameter(data, name, grad, initializer, update_rule):
    p = Parameter(initializer=data if data is not None else initializer, name=name)
    p.initializer = initializer
    p._grad = grad
    p.update_rule = update_rule
    return p


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
