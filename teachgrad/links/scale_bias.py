"""Scale and Bias: a learned elementwise factor or offset laid along some axes of the input
(Caffe's Scale and Bias layers, what F.scale and F.bias compute).

>>> import numpy as np
>>> s = Scale(axis=1, W_shape=(3,), bias_term=True)
>>> sorted(name for name, _ in s.namedparams())
['/W', '/bias/b']
>>> s(np.ones((2, 3), np.float32)).data        # W starts at 1, b at 0
array([[1., 1., 1.],
       [1., 1., 1.]], dtype=float32)
"""
from teachgrad import functions as F
from teachgrad.link import Chain, Link
from teachgrad.variable import Parameter


def _inputs(name, xs, learned):
    wanted = 1 if learned else 2
    if len(xs) != wanted:
        raise TypeError(
            '{}: this link takes {} input{} ({}), but got {}'.format(
                name, wanted, '' if wanted == 1 else 's',
                'x; its parameter is the other operand' if learned else
                'x and the other operand, as it was made without a shape for its parameter',
                len(xs)))
    return xs


class Bias(Link):
    """``F.bias(x, b, axis)`` with a learned ``b`` of shape ``shape`` (zeros at first), or
    with ``b`` given as a second input when ``shape`` is None.

    Args:
        axis: the first axis of x that b is laid along.
        shape: the shape of b; None means no parameter (call ``link(x, b)``).

    >>> import numpy as np
    >>> b = Bias(axis=1, shape=(2,))
    >>> b.b.data = np.array([1., -1.], np.float32)
    >>> b(np.zeros((3, 2), np.float32)).data
    array([[ 1., -1.],
           [ 1., -1.],
           [ 1., -1.]], dtype=float32)
    """

    def __init__(self, axis=1, shape=None):
        super().__init__()
        if shape is not None:
            with self.init_scope():
                self.b = Parameter(0, shape)
        self.axis = axis

    @property
    def printable_specs(self):
        yield 'axis', self.axis
        yield 'shape', self.b.shape if hasattr(self, 'b') else None

    def forward(self, *xs):
        learned = hasattr(self, 'b')
        xs = _inputs('Bias', xs, learned)
        return F.bias(xs[0], self.b if learned else xs[1], self.axis)


class Scale(Chain):
    """``F.scale(x, W, axis)`` with a learned ``W`` of shape ``W_shape`` (ones at first),
    or with ``W`` given as a second input when ``W_shape`` is None; ``bias_term=True``
    adds a learned :class:`Bias` child ``bias`` after it.

    Args:
        axis: the first axis of x that W is laid along.
        W_shape: the shape of W; None means no parameter (call ``link(x, W)``).
        bias_term: also learn an offset, of W's shape (or of ``bias_shape`` when
            W_shape is None).
        bias_shape: the offset's shape when W_shape is None.

    >>> import numpy as np
    >>> s = Scale(W_shape=None, bias_term=True, bias_shape=(2,))
    >>> s(np.ones((1, 2), np.float32), np.array([2., 3.], np.float32)).data
    array([[2., 3.]], dtype=float32)
    """

    def __init__(self, axis=1, W_shape=None, bias_term=False, bias_shape=None):
        if W_shape is None and bias_term and bias_shape is None:
            raise ValueError('Scale: with W_shape=None and bias_term=True the bias needs '
                             'bias_shape, e.g. Scale(W_shape=None, bias_term=True, '
                             'bias_shape=(3,))')
        super().__init__()
        self.axis = axis
        with self.init_scope():
            if W_shape is not None:
                self.W = Parameter(1, W_shape)
            if bias_term:
                self.bias = Bias(axis, W_shape if W_shape is not None else bias_shape)

    @property
    def printable_specs(self):
        yield 'axis', self.axis
        yield 'W_shape', self.W.shape if hasattr(self, 'W') else None
        yield 'bias_term', hasattr(self, 'bias')

    def forward(self, *xs):
        learned = hasattr(self, 'W')
        xs = _inputs('Scale', xs, learned)
        z = F.scale(xs[0], self.W if learned else xs[1], self.axis)
        return self.bias(z) if hasattr(self, 'bias') else z
