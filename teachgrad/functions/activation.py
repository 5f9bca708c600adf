"""Activation functions: the nonlinearities between layers.

tanh, sigmoid, relu, leaky_relu, softmax and log_softmax. Several keep their
*output* for backward, because their derivative is easiest to write with it
(``d tanh(x)/dx = 1 - tanh(x)**2``).

>>> import numpy as np
>>> from teachgrad import Variable
>>> x = Variable(np.array([-1., 2.], dtype=np.float32))
>>> y = relu(x)
>>> y.data
array([0., 2.], dtype=float32)
"""
from teachgrad import backend
from teachgrad.functions import _ufuncs
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops


class Tanh(FunctionNode):
    double_backprop = True
    label = 'tanh'

    def forward(self, x):
        self.y = y = _ufuncs.tanh(x)
        return y

    chain_rule = ('(1 - {out}²) · {gy}',)

    def backward(self, gy):
        y = self.y
        return gy * (1 - y * y)


def tanh(x):
    """Elementwise hyperbolic tangent, squashing values into (-1, 1).

    >>> import numpy as np
    >>> tanh(np.array([0.])).data
    array([0.])
    """
    return Tanh().apply((x,))[0]


class Sigmoid(FunctionNode):
    double_backprop = True
    label = 'sigmoid'

    def forward(self, x):
        # 1 / (1 + exp(-x)) overflows for very negative x; this form cannot.
        xp = backend.get_array_module(x)
        self.y = y = _ufuncs.tanh(x * 0.5) * 0.5 + 0.5
        return y

    chain_rule = ('{out} · (1 - {out}) · {gy}',)

    def backward(self, gy):
        y = self.y
        return gy * y * (1 - y)


def sigmoid(x):
    """Elementwise logistic sigmoid ``1 / (1 + exp(-x))``, values in (0, 1).

    >>> import numpy as np
    >>> sigmoid(np.array([0.])).data
    array([0.5])
    """
    return Sigmoid().apply((x,))[0]


class ReLU(FunctionNode):
    double_backprop = True
    label = 'relu'

    def forward(self, x):
        self.y = y = backend.get_array_module(x).maximum(x, 0)
        return y

    chain_rule = ('{gy} where {0} > 0, 0 elsewhere',)

    def backward(self, gy):
        return gy * (ops.data(self.y) > 0)            # the slope is 1 where x > 0, else 0


def relu(x):
    """Rectified linear unit: ``max(x, 0)`` elementwise.

    >>> import numpy as np
    >>> relu(np.array([-1., 0., 2.])).data
    array([0., 0., 2.])
    """
    return ReLU().apply((x,))[0]


class LeakyReLU(FunctionNode):
    double_backprop = True

    def __init__(self, slope=0.2):
        self.slope = slope

    @property
    def label(self):
        return 'leaky_relu({:g})'.format(self.slope)

    def forward(self, x):
        xp = backend.get_array_module(x)
        self.negative = negative = x < 0
        return xp.where(negative, x * self.slope, x)

    chain_rule = ('{gy} where {0} > 0, slope · {gy} elsewhere',)

    def backward(self, gy):
        return ops.where(self.negative, gy * self.slope, gy)


def leaky_relu(x, slope=0.2):
    """``x`` where ``x >= 0``, ``slope * x`` where ``x < 0``.

    >>> import numpy as np
    >>> leaky_relu(np.array([-1., 2.])).data
    array([-0.2,  2. ])
    """
    return LeakyReLU(slope).apply((x,))[0]


def _check_axis(name, x, axis):
    if not -x.ndim <= axis < x.ndim:
        raise ValueError('{}: axis {} is out of range for an input of shape {}'
                         .format(name, axis, x.shape))


class Softmax(FunctionNode):
    double_backprop = True
    label = 'softmax'

    def __init__(self, axis=1):
        self.axis = axis

    def forward(self, x):
        _check_axis('softmax', x, self.axis)
        # Subtracting the max changes nothing mathematically but keeps exp
        # from overflowing.
        y = _ufuncs.exp(x - x.max(axis=self.axis, keepdims=True))
        y /= y.sum(axis=self.axis, keepdims=True)
        self.y = y
        return y

    chain_rule = ('{out} · ({gy} - sum({out} · {gy}))',)

    def backward(self, gy):
        y = self.y
        gx = y * gy
        gx -= y * ops.sum(gx, axis=self.axis, keepdims=True)   # a new Variable for Variables
        return gx


def softmax(x, axis=1):
    """Turn scores into probabilities along ``axis``: ``exp(x) / sum(exp(x))``.

    >>> import numpy as np
    >>> softmax(np.array([[0., 0.], [0., np.log(3.)]])).data
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    return Softmax(axis).apply((x,))[0]


def _log_softmax(x, axis):
    # x - log(sum(exp(x))), with the max m taken out so exp cannot overflow:
    # log(sum(exp(x))) = m + log(sum(exp(x - m))). Subtracting that sum from x
    # (rather than subtracting log(sum) from x - m) rounds as Chainer does.
    m = x.max(axis=axis, keepdims=True)
    return x - (m + _ufuncs.log(_ufuncs.exp(x - m).sum(axis=axis, keepdims=True)))


class LogSoftmax(FunctionNode):
    double_backprop = True
    label = 'log_softmax'

    def __init__(self, axis=1):
        self.axis = axis

    def forward(self, x):
        _check_axis('log_softmax', x, self.axis)
        self.y = y = _log_softmax(x, self.axis)
        return y

    chain_rule = ('{gy} - softmax({0}) · sum({gy})',)

    def backward(self, gy):
        return gy - ops.exp(self.y) * ops.sum(gy, axis=self.axis, keepdims=True)


def log_softmax(x, axis=1):
    """``log(softmax(x))`` computed without overflow or ``log(0)``.

    >>> import numpy as np
    >>> log_softmax(np.array([[0., 1000.]])).data
    array([[-1000.,     0.]])
    """
    return LogSoftmax(axis).apply((x,))[0]


# -- more activations: smooth, clipped and learned variants of relu ------------

def _arg_label(name, value, default):
    """``name`` alone at the default, ``name(arg=value)`` otherwise."""
    if value == default:
        return name
    return '{}({:g})'.format(name, value)


class Softplus(FunctionNode):
    double_backprop = True
    chain_rule = 'gx = gy · sigmoid(beta · x)'

    def __init__(self, beta=1.0):
        if not beta > 0:
            raise ValueError('softplus: beta must be positive, but got beta={}'.format(beta))
        self.beta = float(beta)

    @property
    def label(self):
        return _arg_label('softplus', self.beta, 1.0)

    def forward(self, x):
        xp = backend.get_array_module(x)
        self.x = x
        bx = x * self.beta
        # log(1 + exp(bx)) overflows for big bx; max(bx, 0) + log1p(exp(-|bx|))
        # is the same number and never does.
        return (xp.maximum(bx, 0) + _ufuncs.log1p(_ufuncs.exp(-abs(bx)))) * (1 / self.beta)

    def backward(self, gy):
        return gy * (ops.tanh(self.x * (self.beta * 0.5)) * 0.5 + 0.5)


def softplus(x, beta=1.0):
    """Smooth relu: ``log(1 + exp(beta * x)) / beta``; its slope is ``sigmoid(beta * x)``.

    >>> import numpy as np
    >>> softplus(np.array([-2., 0., 2.])).data
    array([0.12692801, 0.69314718, 2.12692801])
    """
    return Softplus(beta).apply((x,))[0]


class ELU(FunctionNode):
    double_backprop = True
    chain_rule = 'gx = gy where x > 0, gy · alpha · exp(x) elsewhere'

    def __init__(self, alpha=1.0):
        self.alpha = float(alpha)

    @property
    def label(self):
        return _arg_label('elu', self.alpha, 1.0)

    def forward(self, x):
        xp = backend.get_array_module(x)
        self.x = x
        return xp.where(x > 0, x, _ufuncs.expm1(xp.minimum(x, 0)) * self.alpha)

    def backward(self, gy):
        x = self.x
        positive = ops.data(x) > 0
        return ops.where(positive, gy, gy * ops.exp(ops.where(positive, 0, x)) * self.alpha)


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    >>> import numpy as np
    >>> elu(np.array([[-1., 0.], [2., -3.]])).data
    array([[-0.63212056,  0.        ],
           [ 2.        , -0.95021293]])
    """
    return ELU(alpha).apply((x,))[0]


class ClippedReLU(FunctionNode):
    double_backprop = True
    chain_rule = 'gx = gy where 0 < x < z, 0 elsewhere'

    def __init__(self, z=20.0):
        if not z > 0:
            raise ValueError('clipped_relu: the cap z must be positive, but got z={}'.format(z))
        self.z = float(z)

    @property
    def label(self):
        return 'clipped_relu({:g})'.format(self.z)

    def forward(self, x):
        xp = backend.get_array_module(x)
        self.inside = (x > 0) & (x < self.z)
        return xp.minimum(xp.maximum(x, 0), x.dtype.type(self.z))

    def backward(self, gy):
        return gy * self.inside


def clipped_relu(x, z=20.0):
    """``min(max(0, x), z)``: relu with a cap at ``z``.

    >>> import numpy as np
    >>> clipped_relu(np.array([-1., 5., 30.], dtype=np.float32), z=10.).data
    array([ 0.,  5., 10.], dtype=float32)
    """
    return ClippedReLU(z).apply((x,))[0]


class ReLU6(ClippedReLU):
    label = 'relu6'
    chain_rule = 'gx = gy where 0 < x < 6, 0 elsewhere'

    def __init__(self):
        super().__init__(6.0)


def relu6(x):
    """``min(max(0, x), 6)``, the :func:`clipped_relu` of mobile networks.

    >>> import numpy as np
    >>> relu6(np.array([-20., -2., 0., 2., 4., 10., 100.], dtype=np.float32))
    variable([0., 0., 0., 2., 4., 6., 6.])
    """
    return ReLU6().apply((x,))[0]


class HardSigmoid(FunctionNode):
    double_backprop = True
    label = 'hard_sigmoid'
    chain_rule = 'gx = 0.2 · gy where -2.5 < x < 2.5, 0 elsewhere'

    def forward(self, x):
        xp = backend.get_array_module(x)
        self.inside = (x > -2.5) & (x < 2.5)
        return xp.clip(x * 0.2 + 0.5, 0, 1)

    def backward(self, gy):
        return gy * self.inside * 0.2


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: ``clip(0.2 * x + 0.5, 0, 1)``.

    >>> import numpy as np
    >>> hard_sigmoid(np.array([-2.6, -1., 0., 1., 2.6])).data
    array([0. , 0.3, 0.5, 0.7, 1. ])
    """
    return HardSigmoid().apply((x,))[0]


class CReLU(FunctionNode):
    double_backprop = True
    label = 'crelu'
    chain_rule = 'gx = gy₁ · (x > 0) - gy₂ · (x < 0), gy₁ and gy₂ the two halves of gy'

    def __init__(self, axis=1):
        if not isinstance(axis, int):
            raise TypeError('crelu: axis must be an int, but got {!r}'.format(axis))
        self.axis = axis

    def forward(self, x):
        _check_axis('crelu', x, self.axis)
        xp = backend.get_array_module(x)
        self.x = x
        return xp.concatenate((xp.maximum(x, 0), xp.maximum(-x, 0)), axis=self.axis)

    def backward(self, gy):
        g_pos, g_neg = ops.split(gy, 2, self.axis)
        x = ops.data(self.x)                    # the masks are constants
        return g_pos * (x > 0).astype(x.dtype) - g_neg * (x < 0).astype(x.dtype)


def crelu(x, axis=1):
    """Concatenated relu: ``relu(x)`` and ``relu(-x)`` joined along ``axis``.

    >>> import numpy as np
    >>> crelu(np.array([[-1., 0.], [2., -3.]], dtype=np.float32)).data
    array([[0., 0., 1., 0.],
           [2., 0., 0., 3.]], dtype=float32)
    """
    return CReLU(axis).apply((x,))[0]


class PReLUFunction(FunctionNode):
    double_backprop = True
    label = 'prelu'
    chain_rule = ('gx = gy where x ≥ 0, W · gy elsewhere; '
                  'gW = sum of x · gy where x < 0')

    def forward(self, x, W):
        if x.ndim < W.ndim + 1 or x.shape[1:1 + W.ndim] != W.shape:
            raise ValueError(
                'prelu: W has shape {} but x has shape {}; W must match the axes '
                'right after the batch axis, x.shape[1:{}] == W.shape (e.g. one '
                'slope per channel, W of shape (x.shape[1],), or one shared '
                'slope, W of shape ()).'.format(W.shape, x.shape, 1 + W.ndim))
        if W.dtype != x.dtype:
            raise TypeError('prelu: x has dtype {} but W has dtype {}; make them the '
                            'same with W.astype(x.dtype).'.format(x.dtype, W.dtype))
        xp = backend.get_array_module(x)
        # x and W are kept as given (W reshaped in backward), so a double
        # backprop finds them as the inputs they are.
        self.x, self.W = x, W
        self.w_view = (1,) + W.shape + (1,) * (x.ndim - W.ndim - 1)
        self.negative = negative = x < 0
        return xp.where(negative, x * W.reshape(self.w_view), x)

    def backward(self, gy):
        W = ops.reshape(self.W, self.w_view)
        gx = ops.where(self.negative, gy * W, gy)
        w_shape = self.inputs[1].shape
        axes = (0,) + tuple(range(1 + len(w_shape), gy.ndim))
        negative = self.negative.astype(gy.dtype)
        gW = ops.reshape(ops.sum(gy * self.x * negative, axis=axes), w_shape)
        return gx, gW


def prelu(x, W):
    """Parametric relu: ``x`` where ``x >= 0``, ``W * x`` elsewhere.

    ``W`` has the shape of the axes after the batch axis (``x.shape[1:1 +
    W.ndim]``), so one slope can serve a whole channel; :class:`L.PReLU
    <teachgrad.links.PReLU>` learns it.

    >>> import numpy as np
    >>> x = np.arange(-3, 3, dtype=np.float32).reshape((2, 3))
    >>> prelu(x, np.array([0.01, 0.1, 1], dtype=np.float32))
    variable([[-0.03, -0.2 , -1.  ],
              [ 0.  ,  1.  ,  2.  ]])
    """
    return PReLUFunction().apply((x, W))[0]


def maxout(x, pool_size, axis=1):
    """Split ``axis`` into groups of ``pool_size`` and keep each group's maximum.

    Built from :func:`~teachgrad.functions.reshape` and
    :func:`~teachgrad.functions.max`, so the graph shows those two steps and
    the gradient goes to the largest element of each group.

    >>> import numpy as np
    >>> maxout(np.array([[1., 5., 2., 0., 3., 4.]], dtype=np.float32), 2).data
    array([[5., 2., 4.]], dtype=float32)
    """
    from teachgrad.functions.array import reshape
    from teachgrad.functions.reduction import max as max_
    from teachgrad.variable import as_array
    shape = as_array(x).shape
    if not isinstance(pool_size, int) or pool_size <= 0:
        raise ValueError('maxout: pool_size must be a positive int, but got {!r}'
                         .format(pool_size))
    if not -len(shape) <= axis < len(shape):
        raise ValueError('maxout: axis {} is out of range for an input of shape {}'
                         .format(axis, shape))
    axis %= len(shape)
    if shape[axis] % pool_size:
        raise ValueError(
            'maxout: axis {} of x (shape {}) has length {}, which is not a multiple '
            'of pool_size={}; the layer before maxout must output '
            'units * pool_size features.'.format(axis, shape, shape[axis], pool_size))
    grouped = shape[:axis] + (shape[axis] // pool_size, pool_size) + shape[axis + 1:]
    return max_(reshape(x, grouped), axis=axis + 1)


def selu(x, alpha=1.6732632423543772848170429916717,
         scale=1.0507009873554804934193349852946):
    """Scaled elu, ``scale * elu(x, alpha)``, with the constants that keep activations normalized.

    >>> import numpy as np
    >>> selu(np.array([0., 1.])).data
    array([0.        , 1.05070099])
    """
    return elu(x, alpha=alpha) * scale


class Swish(FunctionNode):
    double_backprop = True
    label = 'swish'
    chain_rule = ('gx = gy · (s + beta·x·s·(1 - s)), gbeta = Σ gy · x²·s·(1 - s), '
                  's = sigmoid(beta · x)')

    def forward(self, x, beta):
        if x.ndim < beta.ndim + 1 or x.shape[1:1 + beta.ndim] != beta.shape:
            raise ValueError(
                'swish: beta has shape {} but x has shape {}; beta must match the axes '
                'right after the batch axis, x.shape[1:{}] == beta.shape.'.format(
                    beta.shape, x.shape, 1 + beta.ndim))
        xp = backend.get_array_module(x)
        self.x, self.beta = x, beta
        self.b_view = (1,) + beta.shape + (1,) * (x.ndim - beta.ndim - 1)
        return x * _sigmoid_of(x * beta.reshape(self.b_view))

    def backward(self, gy):
        # s is computed again from x and beta (not kept from forward), so in a
        # double backprop it is a function of the Variables.
        x, beta = self.x, ops.reshape(self.beta, self.b_view)
        s = _sigmoid_of(x * beta)
        slope = s * (1 - s)                     # sigmoid' at beta x
        gx = gy * (s + beta * x * slope)
        b_shape = self.inputs[1].shape
        axes = (0,) + tuple(range(1 + len(b_shape), x.ndim))
        gbeta = ops.reshape(ops.sum(gy * x * x * slope, axis=axes), b_shape)
        return gx, gbeta


def _sigmoid_of(z):
    return ops.tanh(z * 0.5) * 0.5 + 0.5


def swish(x, beta):
    """``x * sigmoid(beta * x)``, with ``beta`` shaped like the axes after the batch axis.

    :class:`L.Swish <teachgrad.links.Swish>` learns ``beta``.

    >>> import numpy as np
    >>> swish(np.array([[0., 2.]]), np.array([1., 0.])).data      # beta = 0: x / 2
    array([[0., 1.]])
    """
    return Swish().apply((x, beta))[0]
