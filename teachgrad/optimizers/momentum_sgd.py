"""MomentumSGD: a velocity that keeps moving, ``v = momentum * v - lr * grad; p += v``.

>>> import numpy as np
>>> from teachgrad import Parameter
>>> p = Parameter(np.array([0.], dtype=np.float32))
>>> rule = MomentumSGDRule(lr=1.0, momentum=0.5)
>>> for _ in range(2):
...     p.grad = np.array([1.], dtype=np.float32)
...     rule.update(p)
>>> rule.state['v'], p.data                # v: -1, then 0.5 * -1 - 1
(array([-1.5], dtype=float32), array([-2.5], dtype=float32))
"""
from teachgrad import optimizer

# The values each hyperparameter accepts, checked whenever one is set.
_checks = {'lr': dict(low=0, meaning='the step size'),
           'momentum': dict(low=0, high=1, meaning='the share of the last step kept')}
_default_hyperparam = optimizer.Hyperparameter(checks=_checks, owner='MomentumSGD')
_default_hyperparam.lr = 0.01
_default_hyperparam.momentum = 0.9


class MomentumSGDRule(optimizer.UpdateRule):
    """Update rule of momentum SGD; state ``'v'`` is the velocity."""

    def __init__(self, parent_hyperparam=None, lr=None, momentum=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr
        if momentum is not None:
            self.hyperparam.momentum = momentum

    def init_state(self, param):
        self.state['v'] = param.xp.zeros_like(param.data)

    def update_core_cpu(self, param):
        v = self.state['v']
        v *= self.hyperparam.momentum
        v -= self.hyperparam.lr * param.grad
        data = param.data
        data += v
        self.last_update = v


class MomentumSGD(optimizer.GradientMethod):
    """SGD with momentum: steps build up speed along directions that stay downhill.

    Args:
        lr: learning rate.
        momentum: how much of the previous step carries over (0.9).
    """
    hyperparam_checks = _checks

    def __init__(self, lr=_default_hyperparam.lr, momentum=_default_hyperparam.momentum):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.momentum = momentum

    lr = optimizer.HyperparameterProxy('lr')
    momentum = optimizer.HyperparameterProxy('momentum')

    def create_update_rule(self):
        return MomentumSGDRule(self.hyperparam)
