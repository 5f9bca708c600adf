"""The rest of Variable's surface: numpy-like helpers, devices and Chainer's spellings.

``variable.py`` keeps what backprop needs; these methods are conveniences on
top of it, bound onto :class:`~teachgrad.Variable` when teachgrad is imported
(the operators are bound the same way, in ``functions/basic_math.py``).

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.arange(6, dtype=np.float32))
>>> x.reshape(2, 3).T.shape
(3, 2)
>>> x[1:3].data
array([1., 2.], dtype=float32)
"""
import numpy

from teachgrad import _numpy_protocol
from teachgrad import backend
from teachgrad.variable import Variable, VariableNode


def _rank(self):
    """The distance from the leaves: 0 for a leaf, one more than its creator's inputs."""
    return self._node.rank


def _dtype(self):
    return self._data.dtype


def _ndim(self):
    return self._data.ndim


def _size(self):
    return self._data.size


def _xp(self):
    """numpy or cupy, whichever holds the data."""
    return backend.get_array_module(self._data)


def _label(self):
    """Shape and dtype in words, e.g. ``'(2, 3), float32'``."""
    return shape_label(self._node.shape, self._node.dtype)


def _node_label(self):
    return shape_label(self.shape, self.dtype)


def _node_repr(self):
    return '<VariableNode {} {}>'.format(self.name or '', self.label)


def shape_label(shape, dtype):
    """Chainer's spelling of a shape and dtype: ``'(2, 3), float32'``, ``'(5), float32'``.

    >>> shape_label((5,), numpy.float32)
    '(5), float32'
    """
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


def __repr__(self):
    return _format(self, ', ')


def __str__(self):
    return _format(self, ' ')


def _repr_svg_(self):
    # Jupyter calls this; the drawing code lives in teachgrad.viz and is
    # imported only now, so the core never pays for the pictures.
    from teachgrad import viz
    return viz.repr_svg(self)


def _array(self):
    """The value (Chainer's name for ``data``)."""
    return self._data


def _set_array(self, d):
    self.data = d


def __len__(self):
    if self._data is None or self._data.ndim == 0:
        raise TypeError('len() of a 0-dimensional (or uninitialized) Variable')
    return len(self._data)


def item(self):
    """The value of a size-1 Variable as a Python number."""
    return self._data.item()


def _grad_var(self):
    """The grad as a Variable (or None): after a double backprop, the Variable
    that backward computed, in the graph that computed it."""
    g = self._grad
    return g if g is None or isinstance(g, Variable) else Variable(g)


def _set_grad_var(self, g):
    self.grad = g                       # checked as an array first
    if isinstance(g, Variable):
        self._grad = g                  # kept as given, graph and all


def zerograd(self):
    """Deprecated: set the gradient to zeros. Prefer :meth:`cleargrad`."""
    self._grad = self.xp.zeros_like(self._data)


def addgrad(self, var):
    """Add another Variable's grad to this one's."""
    if var.grad is not None:
        self.grad = var.grad if self._grad is None else self._grad + var.grad


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


def _T(self):
    """The transpose, ``F.transpose(x)``."""
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


def summary(self):
    """One line: name (if any), shape and dtype."""
    return '<variable {}>'.format(
        '{} {}'.format(self.name, self.label) if self.name else self.label)


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


def _device(self):
    """The device the data lives on (a CpuDevice or GpuDevice)."""
    return backend.get_device_from_array(self._data)


# -- numpy's protocol and Python's truth tests ----------------------------------
# array * variable must run Variable's operator, while np.exp(variable) is
# refused with the F function to use; a comparison or truth test would
# silently mean identity, so they are refused too (see _numpy_protocol).

def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
    return _numpy_protocol.array_ufunc(ufunc, method, inputs, kwargs)


def __bool__(self):
    raise TypeError(_numpy_protocol.bool_message(self))


def _refuse_comparison(symbol):
    def compare(self, other):
        raise TypeError(_numpy_protocol.comparison_message(symbol))
    return compare


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


def install_variable_methods():
    """Bind the helpers to Variable (done once, on import)."""
    for name, getter in (('rank', _rank), ('dtype', _dtype), ('ndim', _ndim), ('size', _size), ('xp', _xp),
                         ('label', _label)):
        setattr(Variable, name, property(getter, doc=getter.__doc__))
    VariableNode.label = property(_node_label)
    VariableNode.__repr__ = _node_repr
    Variable.array = property(_array, _set_array)
    Variable.grad_var = property(_grad_var, _set_grad_var)
    Variable.T = property(_T)
    for method in (__repr__, __str__, _repr_svg_, __len__, item, zerograd, addgrad, reshape, transpose, __getitem__,
                   to_cpu, to_gpu, to_device, summary, __array_ufunc__, __bool__):
        setattr(Variable, method.__name__, method)
    Variable.device = property(_device)
    for name, symbol in (('__eq__', '=='), ('__ne__', '!='), ('__lt__', '<'), ('__le__', '<='),
                         ('__gt__', '>'), ('__ge__', '>=')):
        setattr(Variable, name, _refuse_comparison(symbol))
    Variable.__hash__ = object.__hash__     # identity: Variables can still key a dict


install_variable_methods()
