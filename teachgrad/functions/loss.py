"""Loss functions: one number that says how wrong the predictions are.

softmax_cross_entropy for classes, sigmoid_cross_entropy for yes/no labels,
mean_squared_error for numbers. Each returns a 0-dimensional Variable (with
``reduce='mean'``) in the dtype of the predictions, so ``loss.backward()``
needs no initial gradient.

>>> import numpy as np
>>> x = np.array([[0., 0.], [0., 0.]], dtype=np.float32)   # no preference
>>> t = np.array([0, 1], dtype=np.int32)
>>> softmax_cross_entropy(x, t).data                        # log(2)
array(0.6931472, dtype=float32)
"""
from teachgrad import backend
from teachgrad.function_node import FunctionNode
from teachgrad.functions.activation import _log_softmax


def _check_reduce(reduce):
    if reduce not in ('mean', 'no'):
        raise ValueError("reduce must be 'mean' or 'no', but got {!r}".format(reduce))


def _check_labels(name, x, t, expected_shape):
    if t.dtype.kind not in 'iu':
        raise TypeError(
            '{}: the labels t must be integers (e.g. np.int32), but have dtype {}. '
            'Convert them with t.astype(np.int32).'.format(name, t.dtype))
    if x.dtype.kind != 'f':
        raise TypeError('{}: the predictions x must be floats, but have dtype {}'
                        .format(name, x.dtype))
    if t.shape != expected_shape:
        raise ValueError('{}: x has shape {} so t should have shape {}, but t has '
                         'shape {}'.format(name, x.shape, expected_shape, t.shape))


class SoftmaxCrossEntropy(FunctionNode):
    label = 'softmax_cross_entropy'

    def __init__(self, normalize=True, class_weight=None, ignore_label=-1,
                 reduce='mean'):
        _check_reduce(reduce)
        self.normalize = normalize
        self.class_weight = class_weight
        self.ignore_label = ignore_label
        self.reduce = reduce

    def forward(self, x, t):
        name = 'softmax_cross_entropy'
        if x.ndim < 2:
            raise ValueError('{}: x must have shape (batch, classes, ...), but has '
                             'shape {}'.format(name, x.shape))
        _check_labels(name, x, t, x.shape[:1] + x.shape[2:])
        xp = backend.get_array_module(x)
        n_class = x.shape[1]
        log_y = _log_softmax(x, axis=1)
        self.y = xp.exp(log_y)                 # softmax, kept for backward
        self.valid = valid = t != self.ignore_label
        self.t = t = xp.where(valid, t, 0)
        if ((t < 0) | (t >= n_class)).any():
            raise ValueError(
                '{}: every label must be in 0..{} (x has {} classes) or equal '
                'ignore_label={}'.format(name, n_class - 1, n_class, self.ignore_label))
        if self.class_weight is not None:
            log_y *= self._weights(log_y.ndim)       # in place: keeps x's dtype
        # log probability of the right class, for each example (and pixel)
        log_p = xp.take_along_axis(log_y, t[:, None], axis=1)[:, 0] * valid
        if self.reduce == 'no':
            return -log_p
        count = int(valid.sum()) if self.normalize else len(x)
        self.coeff = 1.0 / max(count, 1)
        return log_p.sum() * -self.coeff

    def _weights(self, ndim):
        return self.class_weight.reshape((1, -1) + (1,) * (ndim - 2))

    chain_rule = ('(softmax({0}) - onehot({1})) · {gy} / n', None)

    def backward(self, gy):
        # d loss / d x = softmax(x) - onehot(t), per example.
        xp = backend.get_array_module(gy)
        y, t = self.y, self.t
        classes = xp.arange(y.shape[1]).reshape((1, -1) + (1,) * (y.ndim - 2))
        gx = y - (classes == t[:, None])
        if self.class_weight is not None:
            gx *= self.class_weight[t][:, None]
        gx *= self.valid[:, None]
        if self.reduce == 'mean':
            gx *= gy * self.coeff
        else:
            gx *= gy[:, None]
        return gx, None


def softmax_cross_entropy(x, t, normalize=True, cache_score=True, class_weight=None,
                          ignore_label=-1, reduce='mean', enable_double_backprop=False):
    """Cross entropy between ``softmax(x)`` and the integer labels ``t``.

    Args:
        x: scores of shape (batch, classes) (or (batch, classes, ...)).
        t: int labels of shape (batch,) (or (batch, ...)); a label equal to
            ``ignore_label`` is left out.
        normalize: with ``reduce='mean'``, divide by the number of labels
            that are not ignored (True) or by the batch size (False).
        class_weight: optional array of shape (classes,) that scales the
            loss of each class.
        reduce: ``'mean'`` gives one number; ``'no'`` gives the loss of
            each example (0 where ignored).

    >>> import numpy as np
    >>> x = np.array([[2., 0.], [0., 2.]], dtype=np.float32)
    >>> t = np.array([0, -1], dtype=np.int32)      # the second one is ignored
    >>> softmax_cross_entropy(x, t).data
    array(0.12692805, dtype=float32)
    >>> softmax_cross_entropy(x, t, reduce='no').data
    array([0.12692805, 0.        ], dtype=float32)
    """
    # cache_score and enable_double_backprop are accepted for Chainer
    # compatibility: teachgrad always keeps the softmax and has no double backprop.
    return SoftmaxCrossEntropy(normalize, class_weight, ignore_label,
                               reduce).apply((x, t))[0]


class MeanSquaredError(FunctionNode):
    label = 'mean_squared_error'

    def forward(self, x0, x1):
        if x0.shape != x1.shape:
            raise ValueError('mean_squared_error: x0 has shape {} and x1 has shape {}; '
                             'they must be equal.'.format(x0.shape, x1.shape))
        xp = backend.get_array_module(x0)
        self.diff = diff = x0 - x1
        d = diff.ravel()
        return xp.asarray(d.dot(d) / max(d.size, 1), dtype=diff.dtype)

    chain_rule = ('2 · ({0} - {1}) · {gy} / n', '-2 · ({0} - {1}) · {gy} / n')

    def backward(self, gy):
        gx0 = self.diff * (gy * (2.0 / max(self.diff.size, 1)))
        return gx0, -gx0


def mean_squared_error(x0, x1):
    """Mean of the squared differences, ``mean((x0 - x1) ** 2)``.

    >>> import numpy as np
    >>> mean_squared_error(np.array([1., 2.], 'f'), np.array([1., 4.], 'f')).data
    array(2., dtype=float32)
    """
    return MeanSquaredError().apply((x0, x1))[0]


class SigmoidCrossEntropy(FunctionNode):
    label = 'sigmoid_cross_entropy'
    ignore_label = -1

    def __init__(self, normalize=True, reduce='mean'):
        _check_reduce(reduce)
        self.normalize = normalize
        self.reduce = reduce

    def forward(self, x, t):
        _check_labels('sigmoid_cross_entropy', x, t, x.shape)
        xp = backend.get_array_module(x)
        self.x, self.t = x, t
        self.valid = valid = t != self.ignore_label
        # -(t log(sigmoid(x)) + (1 - t) log(1 - sigmoid(x))), written so that
        # exp never overflows. As in Chainer, the int labels make numpy compute
        # in float64; the result is cast back to x's dtype.
        loss = -(valid * (x * (t - (x >= 0)) - xp.log1p(xp.exp(-abs(x)))))
        if self.reduce == 'no':
            return loss.astype(x.dtype)
        self.count = max(1, int(valid.sum())) if self.normalize else max(1, len(x))
        return xp.asarray(loss.sum() / self.count).astype(x.dtype)

    chain_rule = ('(sigmoid({0}) - {1}) · {gy} / n', None)

    def backward(self, gy):
        # d loss / d x = sigmoid(x) - t where the label is not ignored.
        xp = backend.get_array_module(gy)
        y = xp.tanh(self.x * 0.5) * 0.5 + 0.5
        gx = gy * self.valid * (y - self.t)
        if self.reduce == 'mean':
            gx = gx / self.count
        return gx.astype(y.dtype), None


def sigmoid_cross_entropy(x, t, normalize=True, reduce='mean'):
    """Cross entropy between ``sigmoid(x)`` and 0/1 labels ``t`` (-1: ignore).

    >>> import numpy as np
    >>> x = np.array([[-2.0, 3.0, 0.5], [5.0, 2.0, -0.5]], dtype=np.float32)
    >>> t = np.array([[0, 1, 0], [1, 1, -1]], dtype=np.int32)
    >>> sigmoid_cross_entropy(x, t)
    variable(0.25664714)
    >>> sigmoid_cross_entropy(x, t, normalize=False)
    variable(0.64161783)
    """
    return SigmoidCrossEntropy(normalize, reduce).apply((x, t))[0]
