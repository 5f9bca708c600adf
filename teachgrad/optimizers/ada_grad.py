"""AdaGrad: per-element step sizes that shrink where gradients were large.

``h += grad ** 2; p += -lr * grad / (sqrt(h) + eps)``
"""
from teachgrad import optimizer

# The values each hyperparameter accepts, checked whenever one is set.
_checks = {'lr': dict(low=0, meaning='the step size'), 'eps': dict(low=0)}
_default_hyperparam = optimizer.Hyperparameter(checks=_checks, owner='AdaGrad')
_default_hyperparam.lr = 0.001
_default_hyperparam.eps = 1e-8


class AdaGradRule(optimizer.UpdateRule):
    """Update rule of AdaGrad; state ``'h'`` is the sum of squared gradients."""

    def __init__(self, parent_hyperparam=None, lr=None, eps=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr
        if eps is not None:
            self.hyperparam.eps = eps

    def init_state(self, param):
        self.state['h'] = param.xp.zeros_like(param.data)

    def update_core_cpu(self, param):
        grad = param.grad
        h = self.state['h']
        h += grad * grad
        self.last_update = delta = -self.hyperparam.lr * grad / (
            param.xp.sqrt(h) + self.hyperparam.eps)
        data = param.data
        data += delta


class AdaGrad(optimizer.GradientMethod):
    """AdaGrad optimizer.

    Args:
        lr: learning rate (0.001).
        eps: keeps the division finite (1e-8).
    """
    hyperparam_checks = _checks

    def __init__(self, lr=_default_hyperparam.lr, eps=_default_hyperparam.eps):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.eps = eps

    lr = optimizer.HyperparameterProxy('lr')
    eps = optimizer.HyperparameterProxy('eps')

    def create_update_rule(self):
        return AdaGradRule(self.hyperparam)
