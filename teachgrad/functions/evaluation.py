"""Evaluation: numbers that describe a model's quality but are not trained on.

>>> import numpy as np
>>> y = np.array([[0.1, 0.9], [0.8, 0.2]], dtype=np.float32)   # scores
>>> t = np.array([1, 1], dtype=np.int32)                         # right answers
>>> accuracy(y, t).data
array(0.5, dtype=float32)
"""
from teachgrad import backend
from teachgrad.function_node import FunctionNode


class Accuracy(FunctionNode):
    first_order_reason = ('an accuracy is a count of right answers: it has no gradient')
    label = 'accuracy'

    def __init__(self, ignore_label=None):
        self.ignore_label = ignore_label

    def forward(self, y, t):
        if t.dtype.kind not in 'iu':
            raise TypeError('accuracy: the labels t must be integers (e.g. np.int32), '
                            'but have dtype {}'.format(t.dtype))
        if y.ndim < 2 or t.shape != y.shape[:1] + y.shape[2:]:
            raise ValueError('accuracy: y has shape {}, so t should have shape {}, '
                             'but t has shape {}'.format(
                                 y.shape, y.shape[:1] + y.shape[2:], t.shape))
        xp = backend.get_array_module(y)
        pred = y.argmax(axis=1).reshape(t.shape)
        if self.ignore_label is None:
            return xp.asarray((pred == t).mean(dtype=y.dtype))
        mask = t == self.ignore_label
        ignored = int(mask.sum())
        total = t.size - ignored
        if total == 0:
            return xp.asarray(0.0, dtype=y.dtype)
        correct = int(((pred == t) & ~mask).sum())
        return xp.asarray(float(correct) / total, dtype=y.dtype)

    chain_rule = (None, None)

    def backward(self, gy):
        return None, None            # counting right answers has no slope


def accuracy(y, t, ignore_label=None):
    """Fraction of examples whose highest score is at the right label.

    Args:
        y: scores of shape (batch, classes) (or (batch, classes, ...)).
        t: int labels of shape (batch,) (or (batch, ...)).
        ignore_label: examples with this label are not counted.

    Returns a 0-dimensional Variable in ``y``'s dtype; no gradient flows
    through it.

    First-order only: an accuracy is a count of right answers: it has no gradient.

    >>> import numpy as np
    >>> y = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], dtype=np.float32)
    >>> t = np.array([1, 0, -1], dtype=np.int32)
    >>> accuracy(y, t, ignore_label=-1).data
    array(1., dtype=float32)
    """
    return Accuracy(ignore_label).apply((y, t))[0]


class BinaryAccuracy(FunctionNode):
    first_order_reason = ('an accuracy is a count of right answers: it has no gradient')
    label = 'binary_accuracy'
    chain_rule = 'no gradient: counting right answers has no slope'
    ignore_label = -1

    def forward(self, y, t):
        if t.dtype.kind not in 'iu':
            raise TypeError('binary_accuracy: the labels t must be 0/1 ints (e.g. np.int32), '
                            'but have dtype {}'.format(t.dtype))
        if t.shape != y.shape:
            raise ValueError('binary_accuracy: y has shape {} and t has shape {}; give one '
                             'label per score, t of shape {}.'.format(y.shape, t.shape, y.shape))
        xp = backend.get_array_module(y)
        predicted = y >= 0                  # a score >= 0 says "class 1"
        counted = int((t != self.ignore_label).sum())
        correct = int((predicted == t).sum())      # -1 never equals True or False
        return xp.asarray(correct / max(counted, 1), dtype=y.dtype)

    def backward(self, gy):
        return None, None


def binary_accuracy(y, t):
    """Fraction of scores on the right side of 0: ``y >= 0`` predicts 1, else 0.

    Labels ``t`` are 1, 0, or -1 to leave a score out.

    First-order only: an accuracy is a count of right answers: it has no gradient.

    >>> import numpy as np
    >>> y = np.array([[-2.0, 0.0], [3.0, -5.0]])       # predicts [[0, 1], [1, 0]]
    >>> binary_accuracy(y, np.array([[0, 0], [1, 1]], np.int32)).data
    array(0.5)
    >>> binary_accuracy(y, np.array([[0, -1], [1, -1]], np.int32)).data
    array(1.)
    """
    return BinaryAccuracy().apply((y, t))[0]
