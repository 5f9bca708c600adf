"""More evaluation: R² for regression; precision, recall and the F-score of each class
for classification. Like accuracy, they describe a model and are not trained on: no
gradient flows through them.

>>> import numpy as np
>>> y = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]], dtype=np.float32)  # predicts 0, 1, 1
>>> t = np.array([0, 1, 0], dtype=np.int32)
>>> p, support = precision(y, t)
>>> p.data, support.data           # class 0: 1 of 1 right; class 1: 1 of 2
(array([1. , 0.5], dtype=float32), array([2, 1]))
"""
import numpy

from teachgrad import backend
from teachgrad.function_node import FunctionNode

_NO_GRADIENT = 'a score made of counts and averages of predictions has no gradient here'


class R2Score(FunctionNode):
    first_order_reason = _NO_GRADIENT
    label = 'r2_score'
    chain_rule = (None, None)

    def __init__(self, sample_weight=None, multioutput='uniform_average'):
        if sample_weight is not None:
            raise NotImplementedError('r2_score: sample_weight is not supported; leave it None '
                                      '(every sample counts once)')
        if multioutput not in ('uniform_average', 'raw_values'):
            raise ValueError("r2_score: multioutput must be 'uniform_average' or 'raw_values', "
                             'but got {!r}'.format(multioutput))
        self.multioutput = multioutput

    def forward(self, pred, true):
        if pred.dtype.kind != 'f' or true.dtype.kind != 'f':
            raise TypeError('r2_score: pred and true must be float arrays, but they are {} and '
                            '{}'.format(pred.dtype, true.dtype))
        if pred.shape != true.shape:
            raise ValueError('r2_score: pred has shape {} and true has shape {}; give one '
                             'prediction per target'.format(pred.shape, true.shape))
        xp = backend.get_array_module(pred)
        # R² = 1 - (squared error of the predictions) / (squared error of predicting the
        # mean), per output (over axis 0); a constant target, with nothing to explain,
        # scores 0
        residual = ((pred - true) ** 2).sum(axis=0)
        total = ((true - true.mean(axis=0)) ** 2).sum(axis=0)
        constant = total == 0
        score = xp.where(constant, 0., 1 - residual / xp.where(constant, 1, total))
        score = xp.asarray(score, dtype=pred.dtype)
        if self.multioutput == 'uniform_average':
            return xp.asarray(score.mean(), dtype=pred.dtype)
        return score

    def backward(self, gy):
        return None, None


def r2_score(pred, true, sample_weight=None, multioutput='uniform_average'):
    """The coefficient of determination R² = 1 - sum (pred - true)² / sum (true - mean)²,
    over axis 0, one score per output; ``multioutput='uniform_average'`` averages them
    to a 0-dimensional result, ``'raw_values'`` keeps them. 1 is a perfect fit, 0 no
    better than the mean; no gradient flows through it.

    First-order only: a score made of counts and averages of predictions has no gradient
    here.

    >>> import numpy as np
    >>> true = np.array([1., 2., 3., 4.])
    >>> r2_score(np.array([1., 2., 3., 5.]), true).data     # 1 - 1 / 5
    array(0.8)
    """
    return R2Score(sample_weight, multioutput).apply((pred, true))[0]


class ClassificationSummary(FunctionNode):
    first_order_reason = _NO_GRADIENT
    label = 'classification_summary'
    chain_rule = (None, None)

    def __init__(self, label_num=None, beta=1.0, ignore_label=-1):
        if label_num is not None and (not isinstance(label_num, (int, numpy.integer))
                                      or label_num < 1):
            raise ValueError('classification_summary: label_num must be a positive int (the '
                             'number of classes) or None, but got {!r}'.format(label_num))
        if not beta > 0:
            raise ValueError('classification_summary: beta must be positive (1 weighs '
                             'precision and recall equally), but got {!r}'.format(beta))
        self.label_num, self.beta, self.ignore_label = label_num, beta, ignore_label

    def forward(self, y, t):
        if y.dtype.kind != 'f':
            raise TypeError('classification_summary: the scores y must be floats, but have '
                            'dtype {}'.format(y.dtype))
        if t.dtype.kind not in 'iu':
            raise TypeError('classification_summary: the labels t must be integers (e.g. '
                            'np.int32), but have dtype {}'.format(t.dtype))
        if y.ndim < 2 or t.shape != y.shape[:1] + y.shape[2:2 + t.ndim - 1] or \
                any(n != 1 for n in y.shape[t.ndim + 1:]):
            raise ValueError('classification_summary: y has shape {} (batch, classes, ...), '
                             'so t should have shape {}, but t has shape {}'.format(
                                 y.shape, y.shape[:1] + y.shape[2:], t.shape))
        xp = backend.get_array_module(y)
        t = t.astype(numpy.int64).ravel()
        ignored = t == self.ignore_label
        n = int(t[~ignored].max()) + 1 if self.label_num is None and (~ignored).any() else \
            (self.label_num or 1)
        if (((t < 0) | (t >= n)) & ~ignored).any():
            raise ValueError('classification_summary: every label must be in [0, {}) or be '
                             'ignore_label={}, but t holds {}'.format(
                                 n, self.ignore_label, sorted(set(t.tolist()))))
        # Ignored examples go to an extra bin n, dropped after counting.
        pred = xp.where(ignored, n, y.argmax(axis=1).ravel())
        true = xp.where(ignored, n, t)
        support = xp.bincount(true, minlength=n + 1)[:n]
        predicted = xp.bincount(pred, minlength=n + 1)[:n]
        hits = xp.bincount(xp.where(pred == true, true, n), minlength=n + 1)[:n]
        with numpy.errstate(invalid='ignore', divide='ignore'):
            # a class never predicted has no precision (nan), one never seen no recall
            precision = (hits / predicted).astype(y.dtype)
            recall = (hits / support).astype(y.dtype)
            b2 = self.beta * self.beta
            fbeta = ((1 + b2) * precision * recall / (b2 * precision + recall)).astype(y.dtype)
        return precision, recall, fbeta, support

    def backward(self, *gys):
        return None, None


def classification_summary(y, t, label_num=None, beta=1.0, ignore_label=-1):
    """Per class: precision (right among predicted), recall (found among present),
    the F-beta score (their weighted harmonic mean) and the support (how many examples
    have that label), as a tuple of four Variables of shape (label_num,).

    ``y`` holds scores of shape (batch, classes, ...) (the prediction is the argmax
    over axis 1), ``t`` int labels in [0, label_num); label_num None means
    ``t.max() + 1``. Examples labelled ``ignore_label`` are not counted. A class that
    is never predicted has a precision of nan (0 / 0), one never present a recall of
    nan. No gradient flows through it.

    First-order only: a score made of counts and averages of predictions has no gradient
    here.

    >>> import numpy as np
    >>> y = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.6, 0.4]])
    >>> t = np.array([0, 1, 0, 1], dtype=np.int32)
    >>> p, r, f, s = classification_summary(y, t)
    >>> p.data, r.data, f.data, s.data
    (array([0.5, 0.5]), array([0.5, 0.5]), array([0.5, 0.5]), array([2, 2]))
    """
    return ClassificationSummary(label_num, beta, ignore_label).apply((y, t))


def precision(y, t, label_num=None, ignore_label=-1):
    """Per-class precision and support, ``(precision, support)``; see
    :func:`classification_summary`.

    First-order only: a score made of counts and averages of predictions has no gradient
    here.

    >>> import numpy as np
    >>> p, s = precision(np.array([[0.9, 0.1], [0.8, 0.2]]), np.array([0, 1], np.int32))
    >>> p.data
    array([0.5, nan])
    """
    summary = ClassificationSummary(label_num, 1.0, ignore_label).apply((y, t))
    return summary[0], summary[-1]


def recall(y, t, label_num=None, ignore_label=-1):
    """Per-class recall and support, ``(recall, support)``; see
    :func:`classification_summary`.

    First-order only: a score made of counts and averages of predictions has no gradient
    here.

    >>> import numpy as np
    >>> r, s = recall(np.array([[0.9, 0.1], [0.8, 0.2]]), np.array([0, 1], np.int32))
    >>> r.data
    array([1., 0.])
    """
    summary = ClassificationSummary(label_num, 1.0, ignore_label).apply((y, t))
    return summary[1], summary[-1]


def fbeta_score(y, t, label_num=None, beta=1.0, ignore_label=-1):
    """Per-class F-beta score and support, ``(fbeta, support)``; beta > 1 weighs recall
    more, beta < 1 precision; see :func:`classification_summary`.

    First-order only: a score made of counts and averages of predictions has no gradient
    here.

    >>> import numpy as np
    >>> y = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9]])
    >>> f, s = fbeta_score(y, np.array([0, 1, 1], np.int32), beta=2.)
    >>> f.data                  # class 1: precision 1, recall 1/2: 5 · 1/2 / (4 + 1/2)
    array([0.83333333, 0.55555556])
    """
    summary = ClassificationSummary(label_num, beta, ignore_label).apply((y, t))
    return summary[2], summary[-1]


def f1_score(y, t, label_num=None, ignore_label=-1):
    """Per-class F1 score (the harmonic mean of precision and recall) and support,
    ``(f1, support)``; see :func:`classification_summary`.

    First-order only: a score made of counts and averages of predictions has no gradient
    here.

    >>> import numpy as np
    >>> y = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9]])
    >>> f, s = f1_score(y, np.array([0, 1, 1], np.int32))
    >>> f.data                  # class 0: precision 1/2, recall 1: 2 · 1/2 / (3/2)
    array([0.66666667, 0.66666667])
    """
    summary = ClassificationSummary(label_num, 1.0, ignore_label).apply((y, t))
    return summary[2], summary[-1]
