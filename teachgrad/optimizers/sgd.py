"""SGD: step against the gradient, ``p += -lr * grad``.

>>> import numpy as np
>>> from teachgrad import Parameter
>>> p = Parameter(np.array([1.], dtype=np.float32))
>>> p.grad = np.array([2.], dtype=np.float32)
>>> rule = SGDRule(lr=0.1)
>>> rule.update(p)
>>> p.data
array([0.8], dtype=float32)
"""
from teachgrad import optimizer

# The values each hyperparameter accepts, checked whenever one is set.
_checks = {'lr': dict(low=0, meaning='the step size')}
_default_hyperparam = optimizer.Hyperparameter(checks=_checks, owner='SGD')
_default_hyperparam.lr = 0.01


class SGDRule(optimizer.UpdateRule):
    """Update rule of plain stochastic gradient descent (no state)."""

    def __init__(self, parent_hyperparam=None, lr=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr

    def update_core_cpu(self, param):
        self.last_update = delta = -self.hyperparam.lr * param.grad
        # In place, as in Chainer: a graph that still holds this array (a
        # backward run again after the update, say) sees the new values.
        data = param.data
        data += delta


class SGD(optimizer.GradientMethod):
    """Stochastic gradient descent.

    Args:
        lr: learning rate (the size of each step relative to the gradient).
    """
    hyperparam_checks = _checks

    def __init__(self, lr=_default_hyperparam.lr):
        super().__init__()
        self.hyperparam.lr = lr

    lr = optimizer.HyperparameterProxy('lr')

    def create_update_rule(self):
        return SGDRule(self.hyperparam)
