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
from teachgrad.functions import _ufuncs
from teachgrad.function_node import FunctionNode
from teachgrad.functions import _ops as ops
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
    first_order_reason = ('its backward uses the softmax kept from forward; call '
                          'F.softmax_cross_entropy(x, t, enable_double_backprop=True), '
                          'which builds the loss from functions that support it')

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
        self.y = _ufuncs.exp(log_y)                 # softmax, kept for backward
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


def _softmax_cross_entropy_composed(x, t, normalize, class_weight, ignore_label, reduce):
    """The same loss as SoftmaxCrossEntropy, from functions that support double backprop."""
    from teachgrad.functions.activation import log_softmax
    from teachgrad.functions.reduction import sum as sum_
    t = t.data if hasattr(t, 'creator') else t
    x_data = x.data if hasattr(x, 'creator') else x
    xp = backend.get_array_module(x_data)
    classes = xp.arange(x_data.shape[1]).reshape((1, -1) + (1,) * (x_data.ndim - 2))
    valid = t != ignore_label
    weight = ((classes == t[:, None]) & valid[:, None]).astype(x_data.dtype)
    if class_weight is not None:
        weight = weight * class_weight.reshape(classes.shape).astype(x_data.dtype)
    picked = log_softmax(x, axis=1) * weight
    if reduce == 'no':
        return -sum_(picked, axis=1)
    count = int(valid.sum()) if normalize else len(t)
    return sum_(picked) * (-1.0 / max(count, 1))


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
        enable_double_backprop: build the loss from ``log_softmax`` and
            masks, functions whose backward can be differentiated again (the
            default, one fused function, is faster but first-order only).

    >>> import numpy as np
    >>> x = np.array([[2., 0.], [0., 2.]], dtype=np.float32)
    >>> t = np.array([0, -1], dtype=np.int32)      # the second one is ignored
    >>> softmax_cross_entropy(x, t).data
    array(0.12692809, dtype=float32)
    >>> softmax_cross_entropy(x, t, reduce='no').data
    array([0.12692809, 0.        ], dtype=float32)
    """
    # cache_score is accepted for Chainer compatibility: teachgrad always keeps the softmax.
    if enable_double_backprop:
        return _softmax_cross_entropy_composed(x, t, normalize, class_weight, ignore_label,
                                               reduce)
    return SoftmaxCrossEntropy(normalize, class_weight, ignore_label,
                               reduce).apply((x, t))[0]


class MeanSquaredError(FunctionNode):
    label = 'mean_squared_error'
    double_backprop = True

    def forward(self, x0, x1):
        if x0.shape != x1.shape:
            raise ValueError('mean_squared_error: x0 has shape {} and x1 has shape {}; '
                             'they must be equal.'.format(x0.shape, x1.shape))
        xp = backend.get_array_module(x0)
        self.x0, self.x1 = x0, x1
        diff = x0 - x1
        d = diff.ravel()
        return xp.asarray(d.dot(d) / max(d.size, 1), dtype=diff.dtype)

    chain_rule = ('2 · ({0} - {1}) · {gy} / n', '-2 · ({0} - {1}) · {gy} / n')

    def backward(self, gy):
        diff = self.x0 - self.x1
        gx0 = diff * (gy * (2.0 / max(diff.size, 1)))
        return gx0, -gx0


def mean_squared_error(x0, x1):
    """Mean of the squared differences, ``mean((x0 - x1) ** 2)``.

    >>> import numpy as np
    >>> mean_squared_error(np.array([1., 2.], 'f'), np.array([1., 4.], 'f')).data
    array(2., dtype=float32)
    """
    return MeanSquaredError().apply((x0, x1))[0]


class SigmoidCrossEntropy(FunctionNode):
    double_backprop = True
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
        loss = -(valid * (x * (t - (x >= 0)) - _ufuncs.log1p(_ufuncs.exp(-abs(x)))))
        if self.reduce == 'no':
            return loss.astype(x.dtype)
        self.count = max(1, int(valid.sum())) if self.normalize else max(1, len(x))
        return xp.asarray(loss.sum() / self.count).astype(x.dtype)

    chain_rule = ('(sigmoid({0}) - {1}) · {gy} / n', None)

    def backward(self, gy):
        # d loss / d x = sigmoid(x) - t where the label is not ignored.
        dtype = self.inputs[0].dtype
        y = ops.tanh(self.x * 0.5) * 0.5 + 0.5
        t = ops.data(self.t).astype(dtype)      # the labels are constants
        gx = gy * self.valid.astype(dtype) * (y - t)
        if self.reduce == 'mean':
            gx = gx / self.count
        return ops.astype(gx, dtype), None


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


# -- more losses: robust regression, margins and distances ----------------------

def _check_same(name, a, b, names=('x0', 'x1')):
    if a.shape != b.shape:
        raise ValueError('{}: {} has shape {} and {} has shape {}; they must be equal.'
                         .format(name, names[0], a.shape, names[1], b.shape))
    if a.dtype != b.dtype:
        raise TypeError('{}: {} has dtype {} and {} has dtype {}; make them the same, '
                        'e.g. {}.astype({}.dtype).'.format(
                            name, names[0], a.dtype, names[1], b.dtype, names[1], names[0]))


def _check_mean_or_no(name, reduce):
    if reduce not in ('mean', 'no'):
        raise ValueError("{}: reduce must be 'mean' or 'no', but got {!r}".format(name, reduce))


class SquaredError(FunctionNode):
    label = 'squared_error'
    chain_rule = 'gx0 = 2 · (x0 - x1) · gy, gx1 = -gx0'
    double_backprop = True

    def forward(self, x0, x1):
        _check_same('squared_error', x0, x1)
        self.x0, self.x1 = x0, x1      # the inputs themselves, for a double backprop
        diff = x0 - x1
        return diff * diff

    def backward(self, gy):
        gx0 = gy * (self.x0 - self.x1) * 2
        return gx0, -gx0


def squared_error(x0, x1):
    """Elementwise ``(x0 - x1) ** 2``, not averaged (see :func:`mean_squared_error`).

    >>> import numpy as np
    >>> squared_error(np.arange(6, dtype=np.float32), np.array([5, 4, 3, 2, 1, 0], np.float32)).data
    array([25.,  9.,  1.,  1.,  9., 25.], dtype=float32)
    """
    return SquaredError().apply((x0, x1))[0]


def squared_difference(x1, x2):
    """The same as :func:`squared_error`: ``(x1 - x2) ** 2`` elementwise.

    >>> import numpy as np
    >>> squared_difference(np.array([1., 2.]), np.array([4., 2.])).data
    array([9., 0.])
    """
    return squared_error(x1, x2)


class MeanAbsoluteError(FunctionNode):
    double_backprop = True
    label = 'mean_absolute_error'
    chain_rule = 'gx0 = sign(x0 - x1) · gy / n, gx1 = -gx0'

    def forward(self, x0, x1):
        _check_same('mean_absolute_error', x0, x1)
        xp = backend.get_array_module(x0)
        self.diff = diff = x0 - x1
        return xp.asarray(abs(diff).sum() / max(diff.size, 1), dtype=diff.dtype)

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        gx0 = xp.sign(self.diff) * (gy / max(self.diff.size, 1))
        return gx0, -gx0


def mean_absolute_error(x0, x1):
    """Mean of the absolute differences, ``mean(|x0 - x1|)``.

    >>> import numpy as np
    >>> mean_absolute_error(np.array([[1, 2], [3, 4]], np.float32), np.full((2, 2), 8, np.float32))
    variable(5.5)
    """
    return MeanAbsoluteError().apply((x0, x1))[0]


class HuberLoss(FunctionNode):
    double_backprop = True
    chain_rule = 'gx = clip(x - t, -delta, delta) · gy, gt = -gx'

    def __init__(self, delta, reduce='sum_along_second_axis'):
        if reduce not in ('sum_along_second_axis', 'no'):
            raise ValueError("huber_loss: reduce must be 'sum_along_second_axis' or 'no', "
                             'but got {!r}'.format(reduce))
        if not delta > 0:
            raise ValueError('huber_loss: delta must be positive, but got {}'.format(delta))
        self.delta = float(delta)
        self.reduce = reduce

    @property
    def label(self):
        return 'huber_loss({:g})'.format(self.delta)

    def forward(self, x, t):
        _check_same('huber_loss', x, t, ('x', 't'))
        if self.reduce != 'no' and x.ndim < 2:
            raise ValueError(
                "huber_loss: reduce='sum_along_second_axis' sums over axis 1, but x has "
                "shape {}; give x of shape (batch, features) or use reduce='no'."
                .format(x.shape))
        xp = backend.get_array_module(x)
        d = self.delta
        self.x, self.t = x, t
        diff = x - t
        a = abs(diff)
        # a² / 2 near zero, a straight line of slope delta beyond |a| = delta.
        loss = xp.where(a <= d, diff * diff * 0.5, (a - d * 0.5) * d)
        return loss.sum(axis=1) if self.reduce != 'no' else loss

    def backward(self, gy):
        if self.reduce != 'no':
            gy = ops.expand_dims(gy, 1)
        gx = ops.clip(self.x - self.t, -self.delta, self.delta) * gy
        return gx, -gx


def huber_loss(x, t, delta, reduce='sum_along_second_axis'):
    """Squared error near the target, absolute error far from it.

    For ``a = x - t``: ``a ** 2 / 2`` where ``|a| <= delta``, else
    ``delta * (|a| - delta / 2)``. With the default ``reduce`` it is summed
    over axis 1; ``reduce='no'`` keeps every element.

    >>> import numpy as np
    >>> x = np.array([[-2.0, 3.0, 0.5], [5.0, 2.0, -0.5]], np.float32)
    >>> t = np.array([[-2.0, 3.0, 0.0], [10.0, 2.0, -0.5]], np.float32)
    >>> huber_loss(x, t, delta=1.0)
    variable([0.125, 4.5  ])
    >>> huber_loss(x, t, delta=1.0, reduce='no').data
    array([[0.   , 0.   , 0.125],
           [4.5  , 0.   , 0.   ]], dtype=float32)
    """
    return HuberLoss(delta, reduce).apply((x, t))[0]


class Hinge(FunctionNode):
    double_backprop = True
    chain_rule = ('gx = -s · gy where the margin is violated (L1), '
                  '-2 · s · violation · gy (L2); s = +1 at the label, -1 elsewhere')

    def __init__(self, norm='L1', reduce='mean'):
        if norm not in ('L1', 'L2'):
            raise ValueError("hinge: norm must be 'L1' or 'L2', but got {!r}".format(norm))
        _check_mean_or_no('hinge', reduce)
        self.norm = norm
        self.reduce = reduce

    @property
    def label(self):
        return 'hinge' if self.norm == 'L1' else 'hinge(L2)'

    def forward(self, x, t):
        _check_labels('hinge', x, t, x.shape[:1])
        if x.ndim != 2:
            raise ValueError('hinge: x must have shape (batch, classes), but has shape {}'
                             .format(x.shape))
        if len(t) and (int(t.min()) < 0 or int(t.max()) >= x.shape[1]):
            raise ValueError('hinge: every label must be in 0..{} (x has {} classes)'
                             .format(x.shape[1] - 1, x.shape[1]))
        xp = backend.get_array_module(x)
        # s = +1 at the right class, -1 elsewhere: the score should be s · x >= 1.
        self.sign = sign = -xp.ones_like(x)
        sign[xp.arange(len(t)), t] = 1
        self.x = x
        violation = xp.maximum(1 - sign * x, 0)
        self.active = (violation > 0).astype(x.dtype)    # a constant mask
        loss = violation if self.norm == 'L1' else violation * violation
        if self.reduce == 'mean':
            return xp.asarray(loss.sum() / max(len(x), 1), dtype=x.dtype)
        return loss

    def backward(self, gy):
        if self.reduce == 'mean':
            gy = gy / max(len(self.sign), 1)
        if self.norm == 'L1':
            gx = -self.sign * self.active * gy
        else:
            violation = (1 - self.sign * self.x) * self.active
            gx = -2 * self.sign * violation * gy
        return gx, None


def hinge(x, t, norm='L1', reduce='mean'):
    """Hinge loss for one-of-many classification: ``max(0, 1 - s * x) ** p`` summed over classes.

    ``s`` is +1 at the right class ``t`` and -1 at the others; ``p`` is 1
    for ``norm='L1'`` and 2 for ``'L2'``. ``reduce='mean'`` divides the sum by
    the batch size, ``'no'`` keeps one value per score.

    >>> import numpy as np
    >>> x = np.array([[-2.0, 3.0, 0.5], [5.0, 2.0, -0.5]], np.float32)
    >>> t = np.array([1, 0], np.int32)
    >>> hinge(x, t)
    variable(2.5)
    >>> hinge(x, t, norm='L2')
    variable(5.75)
    >>> hinge(x, t, reduce='no').data
    array([[0. , 0. , 1.5],
           [0. , 3. , 0.5]], dtype=float32)
    """
    return Hinge(norm, reduce).apply((x, t))[0]


class Contrastive(FunctionNode):
    double_backprop = True
    chain_rule = ('gx0 = (y · (x0 - x1) - (1 - y) · max(margin - d, 0) · (x0 - x1) / d) · gy, '
                  'gx1 = -gx0, d = |x0 - x1|')

    def __init__(self, margin=1, reduce='mean'):
        if not margin > 0:
            raise ValueError('contrastive: margin must be positive, but got {}'.format(margin))
        _check_mean_or_no('contrastive', reduce)
        self.margin = float(margin)
        self.reduce = reduce

    @property
    def label(self):
        return _margin_label('contrastive', self.margin, 1.0)

    def forward(self, x0, x1, y):
        _check_same('contrastive', x0, x1)
        if x0.ndim != 2 or y.shape != x0.shape[:1] or not len(x0):
            raise ValueError(
                'contrastive: x0 and x1 must have shape (batch, features) and y shape '
                '(batch,), but they have shapes {} and {}'.format(x0.shape, y.shape))
        if y.dtype.kind not in 'iu':
            raise TypeError('contrastive: the labels y must be 0/1 ints (e.g. np.int32), '
                            'but have dtype {}; use y.astype(np.int32).'.format(y.dtype))
        xp = backend.get_array_module(x0)
        self.x0, self.x1 = x0, x1
        diff = x0 - x1
        dist_sq = (diff * diff).sum(axis=1)
        dist = xp.sqrt(dist_sq)
        self.short = short = xp.maximum(self.margin - dist, 0)  # how far inside the margin
        self.inside = (short > 0).astype(x0.dtype)              # a constant mask
        self.far = dist > 1e-7
        self.y = y = y.astype(x0.dtype)
        loss = (y * dist_sq + (1 - y) * short * short) * 0.5
        if self.reduce == 'mean':
            return xp.asarray(loss.sum() / len(x0), dtype=x0.dtype)
        return loss

    def backward(self, gy):
        g = gy / len(self.y) if self.reduce == 'mean' else gy
        # diff, dist and short are computed again from x0 and x1, so that in a
        # double backprop they are functions of the Variables.
        diff = self.x0 - self.x1
        dist = ops.sqrt(ops.sum(diff * diff, axis=1))
        # The distance can be 0 for a dissimilar pair; a small floor keeps
        # diff / dist finite (its direction is then arbitrary anyway).
        dist = ops.where(self.far, dist, 1e-7)
        short = (self.margin - dist) * self.inside
        coeff = (self.y - (1 - self.y) * short / dist) * g
        gx0 = diff * ops.expand_dims(coeff, 1)
        return gx0, -gx0, None


def _margin_label(name, margin, default):
    return name if margin == default else '{}(margin={:g})'.format(name, margin)


def contrastive(x0, x1, y, margin=1, reduce='mean'):
    """Contrastive loss for pairs: pull similar pairs together, push others past ``margin``.

    With ``d`` the distance between rows of ``x0`` and ``x1``, each pair
    costs ``d ** 2 / 2`` when ``y = 1`` (similar) and
    ``max(margin - d, 0) ** 2 / 2`` when ``y = 0``.

    >>> import numpy as np
    >>> x0 = np.array([[-2.0, 3.0, 0.5], [5.0, 2.0, -0.5]], np.float32)
    >>> x1 = np.array([[-1.0, 3.0, 1.0], [3.5, 0.5, -2.0]], np.float32)
    >>> y = np.array([1, 0], np.int32)
    >>> contrastive(x0, x1, y)
    variable(0.3125)
    >>> contrastive(x0, x1, y, reduce='no').data
    array([0.625, 0.   ], dtype=float32)
    """
    return Contrastive(margin, reduce).apply((x0, x1, y))[0]


class Triplet(FunctionNode):
    double_backprop = True
    chain_rule = ('where the margin is violated: ga = 2 (n - p) · gy, '
                  'gp = 2 (p - a) · gy, gn = 2 (a - n) · gy; 0 elsewhere')

    def __init__(self, margin=0.2, reduce='mean'):
        if not margin > 0:
            raise ValueError('triplet: margin must be positive, but got {}'.format(margin))
        _check_mean_or_no('triplet', reduce)
        self.margin = float(margin)
        self.reduce = reduce

    @property
    def label(self):
        return _margin_label('triplet', self.margin, 0.2)

    def forward(self, anchor, positive, negative):
        _check_same('triplet', anchor, positive, ('anchor', 'positive'))
        _check_same('triplet', anchor, negative, ('anchor', 'negative'))
        if anchor.ndim != 2 or not len(anchor):
            raise ValueError('triplet: the inputs must have shape (batch, features), '
                             'but have shape {}'.format(anchor.shape))
        xp = backend.get_array_module(anchor)
        self.a, self.p, self.n = anchor, positive, negative
        to_p, to_n = anchor - positive, anchor - negative
        gap = (to_p * to_p - to_n * to_n).sum(axis=1) + self.margin
        self.violated = gap > 0
        loss = xp.maximum(gap, 0)
        if self.reduce == 'mean':
            return xp.asarray(loss.sum() / len(anchor), dtype=anchor.dtype)
        return loss

    def backward(self, gy):
        g = gy / len(self.a) if self.reduce == 'mean' else gy
        g = ops.expand_dims(g * (2 * self.violated.astype(self.inputs[0].dtype)), 1)
        return g * (self.n - self.p), g * (self.p - self.a), g * (self.a - self.n)


def triplet(anchor, positive, negative, margin=0.2, reduce='mean'):
    """Triplet loss: the anchor should be nearer the positive than the negative, by ``margin``.

    Each row costs ``max(|a - p|² - |a - n|² + margin, 0)``; ``reduce='mean'``
    averages over the batch.

    >>> import numpy as np
    >>> a = np.array([[0., 0.], [1., 1.]], np.float32)
    >>> p = np.array([[0., 1.], [1., 1.]], np.float32)
    >>> n = np.array([[1., 0.], [1., 3.]], np.float32)
    >>> triplet(a, p, n, reduce='no').data      # 1 - 1 + 0.2 and 0 - 4 + 0.2
    array([0.2, 0. ], dtype=float32)
    """
    return Triplet(margin, reduce).apply((anchor, positive, negative))[0]


# -- losses over big vocabularies: score a few words instead of all of them ------

class NegativeSampling(FunctionNode):
    first_order_reason = ('its backward scatter-adds into the rows of W for the sampled words, '
                          'on arrays; a backward written with Variables is not there yet')
    label = 'negative_sampling'
    chain_rule = ('with s = -1 for the true word and +1 for the samples: '
                  'g = s · sigmoid(s · x·w) · gy; gx = Σ g · w, gw += g · x')
    ignore_label = -1

    def __init__(self, sampler, sample_size, reduce='sum'):
        if reduce not in ('sum', 'no'):
            raise ValueError("negative_sampling: reduce must be 'sum' or 'no', but got {!r}"
                             .format(reduce))
        self.sampler = sampler
        self.sample_size = sample_size
        self.reduce = reduce
        self.samples = None

    def forward(self, x, t, W):
        name = 'negative_sampling'
        _check_labels(name, x, t, x.shape[:1])
        if x.ndim != 2 or W.ndim != 2 or W.shape[1] != x.shape[1]:
            raise ValueError(
                '{}: x has shape {} and W shape {}; x must be (batch, features) and W '
                '(vocabulary, features) with the same number of features.'.format(
                    name, x.shape, W.shape))
        if len(t) and (int(t.max()) >= len(W) or int(t.min()) < self.ignore_label):
            raise ValueError('{}: every word id in t must be in 0..{} (W has {} rows) or -1 '
                             'to leave the row out'.format(name, len(W) - 1, len(W)))
        xp = backend.get_array_module(x)
        # Column 0 is the true word; the others are words drawn by the sampler.
        samples = xp.array(self.sampler((len(t), self.sample_size + 1)))   # a copy: we write to it
        samples[:, 0] = t
        self.samples = samples
        self.valid = valid = (t != self.ignore_label)
        self.sign = sign = xp.ones(samples.shape[1], dtype=x.dtype)
        sign[0] = -1
        self.x, self.w = x, W[samples]                   # w: (batch, 1 + samples, features)
        self.z = z = xp.einsum('bd,bkd->bk', x, self.w) * sign
        # -log sigmoid(x·w_true) - Σ log sigmoid(-x·w_sample) = Σ log(1 + exp(z))
        loss = (xp.logaddexp(z, 0) * valid[:, None]).sum(axis=1)
        if self.reduce == 'sum':
            return xp.asarray(loss.sum(), dtype=x.dtype)
        return loss

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        if self.reduce == 'no':
            gy = gy[:, None]
        g = (_ufuncs.tanh(self.z * 0.5) * 0.5 + 0.5) * self.sign * gy * self.valid[:, None]
        gx = xp.einsum('bk,bkd->bd', g, self.w)
        W_shape = self.inputs[2].shape
        gW = xp.zeros(W_shape, dtype=g.dtype)
        # A word drawn several times collects the gradient of every draw.
        backend.scatter_add(xp, gW, self.samples.ravel(),
                            (g[:, :, None] * self.x[:, None, :]).reshape(-1, W_shape[1]))
        return gx, None, gW


def negative_sampling(x, t, W, sampler, sample_size, reduce='sum', return_samples=False):
    """Word2vec's loss: score the true word ``t`` against ``sample_size`` random words.

    For each row, ``-log sigmoid(x · W[t]) - Σ log sigmoid(-x · W[n])`` over
    words ``n`` drawn by ``sampler(shape)`` (an int array of that shape, e.g.
    :class:`~teachgrad.links.NegativeSampling`'s unigram sampler). Only
    the drawn rows of ``W`` get a gradient. ``reduce='sum'`` adds the rows
    up; ``t = -1`` leaves a row out. With ``return_samples`` the words drawn
    come back too (column 0 holds ``t``).

    First-order only: its backward scatter-adds into the rows of W for the sampled words, on
    arrays; a backward written with Variables is not there yet.

    >>> import numpy as np
    >>> x = np.array([[1., 0.]], np.float32)
    >>> W = np.array([[2., 0.], [0., 1.], [-1., 0.]], np.float32)
    >>> loss, samples = negative_sampling(x, np.array([0], np.int32), W,
    ...                                   lambda shape: np.full(shape, 2), 1, return_samples=True)
    >>> samples
    array([[0, 2]])
    >>> round(float(loss.data), 4)        # -log σ(2) - log σ(1)
    0.4402
    """
    f = NegativeSampling(sampler, sample_size, reduce)
    loss = f.apply((x, t, W))[0]
    return (loss, f.samples) if return_samples else loss


class BinaryHierarchicalSoftmaxFunction(FunctionNode):
    """The loss of :class:`~teachgrad.links.BinaryHierarchicalSoftmax`.

    ``paths[w]`` lists the inner nodes of the tree from the root to word
    ``w`` and ``codes[w]`` the way taken at each (+1 left, -1 right, 0 past
    the end of a shorter path), both padded to the longest path.
    """
    first_order_reason = ("its backward scatter-adds into the rows of W for the tree's inner "
                          'nodes, on arrays; a backward written with Variables is not there '
                          'yet')
    label = 'hierarchical_softmax'
    chain_rule = ('g = -code · sigmoid(-code · x·w) · gy on the path; '
                  'gx = Σ g · w, gw += g · x')

    def __init__(self, paths, codes, n_nodes):
        self.paths, self.codes, self.n_nodes = paths, codes, n_nodes

    def forward(self, x, t, W):
        name = 'BinaryHierarchicalSoftmax'
        _check_labels(name, x, t, x.shape[:1])
        n_words = len(self.paths)
        if x.ndim != 2 or W.shape != (self.n_nodes, x.shape[1]):
            raise ValueError(
                '{}: x has shape {} and W shape {}; x must be (batch, in_size) and W '
                '(inner nodes of the tree = {}, in_size)'.format(
                    name, x.shape, W.shape, self.n_nodes))
        if len(t) and (int(t.min()) < 0 or int(t.max()) >= n_words):
            raise ValueError('{}: every word id in t must be in 0..{} (the leaves of the '
                             'tree)'.format(name, n_words - 1))
        xp = backend.get_array_module(x)
        self.path = xp.asarray(self.paths)[t]            # (batch, longest path)
        self.code = xp.asarray(self.codes, dtype=x.dtype)[t]
        self.x, self.w = x, W[self.path]
        self.z = z = xp.einsum('bd,bld->bl', x, self.w) * self.code
        # -log P(word) = Σ over the path of -log sigmoid(code · x·w)
        loss = xp.logaddexp(0, -z) * (self.code != 0)
        return xp.asarray(loss.sum(), dtype=x.dtype)

    def backward(self, gy):
        xp = backend.get_array_module(gy)
        g = -self.code * (0.5 - _ufuncs.tanh(self.z * 0.5) * 0.5) * gy    # code = 0 adds nothing
        gx = xp.einsum('bl,bld->bd', g, self.w)
        W_shape = self.inputs[2].shape
        gW = xp.zeros(W_shape, dtype=g.dtype)
        backend.scatter_add(xp, gW, self.path.ravel(),
                            (g[:, :, None] * self.x[:, None, :]).reshape(-1, W_shape[1]))
        return gx, None, gW


# -- the terms of a variational autoencoder's loss -------------------------------
# Built from existing functions, so the graph shows each step of the formula.

def _vae_reduce(loss, reduce):
    from teachgrad.functions.reduction import mean, sum as sum_
    if reduce == 'sum':
        return sum_(loss)
    if reduce == 'mean':
        return mean(loss)
    return loss


def _check_vae_reduce(name, reduce):
    if reduce not in ('sum', 'mean', 'no'):
        raise ValueError("{}: reduce must be 'sum', 'mean' or 'no', but got {!r}".format(
            name, reduce))


def _check_vae_shapes(name, names, *xs):
    from teachgrad.variable import as_array
    shapes = [as_array(x).shape for x in xs]
    if any(s != shapes[0] for s in shapes):
        raise ValueError('{}: {} must have one shape, but have shapes {}'.format(
            name, ', '.join(names), ', '.join(str(s) for s in shapes)))


def gaussian_kl_divergence(mean, ln_var, reduce='sum'):
    """KL divergence of ``N(mean, exp(ln_var))`` from ``N(0, 1)``, elementwise then reduced.

    ``(mean² + exp(ln_var) - ln_var - 1) / 2``; ``reduce`` is ``'sum'``,
    ``'mean'`` or ``'no'``.

    >>> import numpy as np
    >>> gaussian_kl_divergence(np.array([0., 1.]), np.array([0., 0.])).data
    array(0.5)
    """
    from teachgrad.functions.math import exp
    _check_vae_reduce('gaussian_kl_divergence', reduce)
    _check_vae_shapes('gaussian_kl_divergence', ('mean', 'ln_var'), mean, ln_var)
    loss = (mean * mean + exp(ln_var) - ln_var - 1) * 0.5
    return _vae_reduce(loss, reduce)


def bernoulli_nll(x, y, reduce='sum'):
    """Negative log-likelihood of 0/1 data ``x`` under Bernoulli(sigmoid(``y``)).

    ``softplus(y) - x * y`` elementwise (``y`` are scores, not
    probabilities); ``reduce`` is ``'sum'``, ``'mean'`` or ``'no'``.

    >>> import numpy as np
    >>> bernoulli_nll(np.array([1., 0.]), np.array([0., 0.])).data      # 2 log 2
    array(1.38629436)
    """
    from teachgrad.functions.activation import softplus
    _check_vae_reduce('bernoulli_nll', reduce)
    _check_vae_shapes('bernoulli_nll', ('x', 'y'), x, y)
    return _vae_reduce(softplus(y) - x * y, reduce)


def gaussian_nll(x, mean, ln_var, reduce='sum'):
    """Negative log-likelihood of ``x`` under ``N(mean, exp(ln_var))``, elementwise then reduced.

    ``(ln_var + log 2π) / 2 + (x - mean)² / (2 exp(ln_var))``.

    >>> import numpy as np
    >>> gaussian_nll(np.array([1.]), np.array([1.]), np.array([0.])).data   # log(2π) / 2
    array(0.91893853)
    """
    import math as pymath
    from teachgrad.functions.math import exp
    _check_vae_reduce('gaussian_nll', reduce)
    _check_vae_shapes('gaussian_nll', ('x', 'mean', 'ln_var'), x, mean, ln_var)
    diff = x - mean
    loss = (ln_var + pymath.log(2 * pymath.pi)) / 2 + diff * diff * exp(-ln_var) * 0.5
    return _vae_reduce(loss, reduce)


class AbsoluteError(FunctionNode):
    double_backprop = True
    label = 'absolute_error'
    chain_rule = 'gx0 = sign(x0 - x1) · gy, gx1 = -gx0'

    def forward(self, x0, x1):
        _check_same('absolute_error', x0, x1)
        self.diff = diff = x0 - x1
        return abs(diff)

    def backward(self, gy):
        gx0 = gy * backend.get_array_module(gy).sign(self.diff)
        return gx0, -gx0


def absolute_error(x0, x1):
    """Elementwise ``|x0 - x1|``, not averaged (see :func:`mean_absolute_error`).

    >>> import numpy as np
    >>> absolute_error(np.array([1., 5.]), np.array([3., 2.])).data
    array([2., 3.])
    """
    return AbsoluteError().apply((x0, x1))[0]
