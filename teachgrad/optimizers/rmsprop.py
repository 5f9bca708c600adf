"""RMSprop: divide the step by a running average of squared gradients.

``ms = alpha * ms + (1 - alpha) * grad ** 2; p += -lr * grad / (sqrt(ms) + eps)``
"""
from teachgrad import optimizer

# The values each hyperparameter accepts, checked whenever one is set.
_checks = {'lr': dict(low=0, meaning='the step size'),
           'alpha': dict(low=0, high=1, meaning='decay of the mean square'),
           'eps': dict(low=0), 'eps_inside_sqrt': bool}
_default_hyperparam = optimizer.Hyperparameter(checks=_checks, owner='RMSprop')
_default_hyperparam.lr = 0.01
_default_hyperparam.alpha = 0.99
_default_hyperparam.eps = 1e-8
_default_hyperparam.eps_inside_sqrt = False


class RMSpropRule(optimizer.UpdateRule):
    """Update rule of RMSprop; state ``'ms'`` is the mean square of the gradients."""

    def __init__(self, parent_hyperparam=None, lr=None, alpha=None, eps=None,
                 eps_inside_sqrt=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        for name, value in (('lr', lr), ('alpha', alpha), ('eps', eps),
                            ('eps_inside_sqrt', eps_inside_sqrt)):
            if value is not None:
                setattr(self.hyperparam, name, value)

    def init_state(self, param):
        self.state['ms'] = param.xp.zeros_like(param.data)

    def update_core_cpu(self, param):
        hp = self.hyperparam
        grad = param.grad
        xp = param.xp
        ms = self.state['ms']
        ms *= hp.alpha
        ms += (1 - hp.alpha) * grad * grad
        denom = xp.sqrt(ms + hp.eps) if hp.eps_inside_sqrt else xp.sqrt(ms) + hp.eps
        self.last_update = delta = -hp.lr * grad / denom
        data = param.data
        data += delta


class RMSprop(optimizer.GradientMethod):
    """RMSprop optimizer.

    Args:
        lr: learning rate (0.01).
        alpha: decay of the mean square (0.99).
        eps: keeps the division finite (1e-8).
        eps_inside_sqrt: use ``sqrt(ms + eps)`` instead of ``sqrt(ms) + eps``.
    """
    hyperparam_checks = _checks

    def __init__(self, lr=_default_hyperparam.lr, alpha=_default_hyperparam.alpha,
                 eps=_default_hyperparam.eps, eps_inside_sqrt=False):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.alpha = alpha
        self.hyperparam.eps = eps
        self.hyperparam.eps_inside_sqrt = eps_inside_sqrt

    lr = optimizer.HyperparameterProxy('lr')
    alpha = optimizer.HyperparameterProxy('alpha')
    eps = optimizer.HyperparameterProxy('eps')

    def create_update_rule(self):
        return RMSpropRule(self.hyperparam)
