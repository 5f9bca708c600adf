"""Classifier: wrap a predictor so that calling it returns the loss.

``Classifier(model)(x, t)`` computes ``y = model(x)``, then the loss
(softmax cross entropy by default) and the accuracy, and reports both, so a
Trainer's LogReport can show ``main/loss`` and ``main/accuracy``.

>>> import numpy as np
>>> import teachgrad.links as L
>>> clf = Classifier(L.Linear(2, 3, initialW=np.zeros((3, 2), dtype=np.float32)))
>>> loss = clf(np.ones((4, 2), dtype=np.float32), np.array([0, 1, 2, 0]))
>>> round(float(loss.data), 4)        # log(3): all classes equally likely
1.0986
"""
from teachgrad.link import Chain


class Classifier(Chain):
    """A predictor plus a loss function and an accuracy function.

    Args:
        predictor: the link that maps inputs to class scores.
        lossfun: ``lossfun(y, t)``, default ``F.softmax_cross_entropy``.
        accfun: ``accfun(y, t)``, default ``F.accuracy``.
        label_key: which argument is the label: an int position (default
            -1, the last) or a keyword name.

    After a call, ``y``, ``loss`` and ``accuracy`` hold the latest results.
    """
    compute_accuracy = True

    def __init__(self, predictor, lossfun=None, accfun=None, label_key=-1):
        if not isinstance(label_key, (int, str)):
            raise TypeError('label_key must be an int or a str, not {}'.format(
                type(label_key).__name__))
        super().__init__()
        from teachgrad import functions as F
        self.lossfun = F.softmax_cross_entropy if lossfun is None else lossfun
        self.accfun = F.accuracy if accfun is None else accfun
        self.y = None
        self.loss = None
        self.accuracy = None
        self.label_key = label_key
        with self.init_scope():
            self.predictor = predictor

    def forward(self, *args, **kwargs):
        from teachgrad import reporter
        if isinstance(self.label_key, int):
            if not -len(args) <= self.label_key < len(args):
                raise ValueError(
                    'Classifier was called with {} positional arguments, so label_key '
                    '{} points at none of them. Call it as classifier(x, t).'.format(
                        len(args), self.label_key))
            t = args[self.label_key]
            if self.label_key == -1:
                args = args[:-1]
            else:
                args = args[:self.label_key] + args[self.label_key + 1:]
        else:
            if self.label_key not in kwargs:
                raise ValueError('label key {!r} is not among the keyword arguments '
                                 '{}'.format(self.label_key, sorted(kwargs)))
            t = kwargs.pop(self.label_key)
        self.y = self.loss = self.accuracy = None
        self.y = self.predictor(*args, **kwargs)
        self.loss = self.lossfun(self.y, t)
        reporter.report({'loss': self.loss}, self)
        if self.compute_accuracy:
            self.accuracy = self.accfun(self.y, t)
            reporter.report({'accuracy': self.accuracy}, self)
        return self.loss
