"""Adam: momentum plus per-element step sizes, with bias correction.

For each parameter, with t the number of updates so far::

    m += (1 - beta1) * (grad - m)            # mean of the gradients
    v += (1 - beta2) * (grad * grad - v)     # mean of their squares
    alpha_t = alpha * sqrt(1 - beta2 ** t) / (1 - beta1 ** t)   # bias correction
    p += -eta * (alpha_t * m / (sqrt(v) + eps) + weight_decay_rate * p)

>>> import numpy as np
>>> from teachgrad import Parameter
>>> p = Parameter(np.array([1.], dtype=np.float32))
>>> p.grad = np.array([5.], dtype=np.float32)
>>> rule = AdamRule(alpha=0.1)
>>> rule.update(p)
>>> p.data.round(6)    # the first step has size alpha whatever the gradient's size
array([0.9], dtype=float32)
"""
import math

from teachgrad import optimizer

# The values each hyperparameter accepts, checked whenever one is set.
_checks = {'alpha': dict(low=0, meaning='the step size'),
           'beta1': dict(low=0, high=1, high_open=True, meaning='decay of the mean'),
           'beta2': dict(low=0, high=1, high_open=True, meaning='decay of the mean square'),
           'eps': dict(low=0), 'eta': dict(low=0), 'weight_decay_rate': dict(low=0),
           'amsgrad': bool}
_default_hyperparam = optimizer.Hyperparameter(checks=_checks, owner='Adam')
_default_hyperparam.alpha = 0.001
_default_hyperparam.beta1 = 0.9
_default_hyperparam.beta2 = 0.999
_default_hyperparam.eps = 1e-8
_default_hyperparam.eta = 1.0
_default_hyperparam.weight_decay_rate = 0
_default_hyperparam.amsgrad = False


def _learning_rate(hp, t):
    if t == 0:
        raise RuntimeError(
            "Adam's learning rate alpha_t depends on the number of updates t, and "
            'no update has been made yet (t == 0). Read it after optimizer.update().')
    fix1 = 1.0 - math.pow(hp.beta1, t)
    fix2 = 1.0 - math.pow(hp.beta2, t)
    return hp.alpha * math.sqrt(fix2) / fix1


class AdamRule(optimizer.UpdateRule):
    """Update rule of Adam; state ``'m'`` and ``'v'`` (and ``'vhat'`` with amsgrad)."""

    def __init__(self, parent_hyperparam=None, alpha=None, beta1=None, beta2=None,
                 eps=None, eta=None, weight_decay_rate=None, amsgrad=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        for name, value in (('alpha', alpha), ('beta1', beta1), ('beta2', beta2),
                            ('eps', eps), ('eta', eta),
                            ('weight_decay_rate', weight_decay_rate), ('amsgrad', amsgrad)):
            if value is not None:
                setattr(self.hyperparam, name, value)

    def init_state(self, param):
        xp = param.xp
        self.state['m'] = xp.zeros_like(param.data)
        self.state['v'] = xp.zeros_like(param.data)
        if self.hyperparam.amsgrad:
            self.state['vhat'] = xp.zeros_like(param.data)

    def check_ready(self, param):
        super().check_ready(param)
        grad = param.grad
        if grad is not None and self.hyperparam.eps != 0 and \
                grad.dtype.type(self.hyperparam.eps) == 0:
            raise ValueError(
                'Adam: eps {} is 0 in {}, so a zero second moment would divide by '
                'zero. Use a larger eps (e.g. 1e-4 for float16).'.format(
                    self.hyperparam.eps, grad.dtype))

    @property
    def alpha_t(self):
        """The bias-corrected step size at this rule's step t."""
        return _learning_rate(self.hyperparam, self.t)

    lr = alpha_t

    def update_core_cpu(self, param):
        hp = self.hyperparam
        grad = param.grad
        xp = param.xp
        m, v = self.state['m'], self.state['v']
        m += (1.0 - hp.beta1) * (grad - m)
        v += (1.0 - hp.beta2) * (grad * grad - v)
        if hp.amsgrad:
            vhat = self.state['vhat']
            xp.maximum(vhat, v, out=vhat)
        else:
            vhat = v
        step = self.alpha_t / (xp.sqrt(vhat) + hp.eps)
        update = step * m
        if hp.weight_decay_rate != 0:
            # Decoupled weight decay (AdamW): scaled by eta like the step, as in
            # Chainer's documented formula and its GPU kernel.
            update = update + hp.weight_decay_rate * param.data
        self.last_update = delta = (-hp.eta) * update
        data = param.data
        data += delta


class Adam(optimizer.GradientMethod):
    """Adam optimizer (Kingma & Ba), with Chainer's defaults.

    Args:
        alpha: step size (0.001).
        beta1, beta2: decay of the mean and of the mean square (0.9, 0.999).
        eps: keeps the division finite (1e-8).
        eta: multiplier of the whole step (1.0).
        weight_decay_rate: decoupled weight decay (AdamW), 0 by default.
        amsgrad: use the largest v seen so far (AMSGrad).

    ``optimizer.alpha_t`` (also ``optimizer.lr``) is the bias-corrected step
    size at the current step.
    """
    hyperparam_checks = _checks

    def __init__(self, alpha=_default_hyperparam.alpha, beta1=_default_hyperparam.beta1,
                 beta2=_default_hyperparam.beta2, eps=_default_hyperparam.eps,
                 eta=_default_hyperparam.eta,
                 weight_decay_rate=_default_hyperparam.weight_decay_rate,
                 amsgrad=_default_hyperparam.amsgrad):
        super().__init__()
        self.hyperparam.alpha = alpha
        self.hyperparam.beta1 = beta1
        self.hyperparam.beta2 = beta2
        self.hyperparam.eps = eps
        self.hyperparam.eta = eta
        self.hyperparam.weight_decay_rate = weight_decay_rate
        self.hyperparam.amsgrad = amsgrad

    alpha = optimizer.HyperparameterProxy('alpha')
    beta1 = optimizer.HyperparameterProxy('beta1')
    beta2 = optimizer.HyperparameterProxy('beta2')
    eps = optimizer.HyperparameterProxy('eps')
    eta = optimizer.HyperparameterProxy('eta')
    weight_decay_rate = optimizer.HyperparameterProxy('weight_decay_rate')
    amsgrad = optimizer.HyperparameterProxy('amsgrad')

    def create_update_rule(self):
        return AdamRule(self.hyperparam)

    @property
    def alpha_t(self):
        """The bias-corrected step size at step ``t`` (needs t >= 1)."""
        return _learning_rate(self.hyperparam, self.t)

    @property
    def lr(self):
        """Same as :attr:`alpha_t` (what ``extensions.observe_lr`` reads)."""
        return self.alpha_t


class AdamW(Adam):
    """Adam with decoupled weight decay (set ``weight_decay_rate``)."""


class AMSGrad(Adam):
    """Adam that divides by the largest second moment seen so far."""

    def __init__(self, alpha=_default_hyperparam.alpha, beta1=_default_hyperparam.beta1,
                 beta2=_default_hyperparam.beta2, eps=_default_hyperparam.eps,
                 eta=_default_hyperparam.eta,
                 weight_decay_rate=_default_hyperparam.weight_decay_rate):
        super().__init__(alpha, beta1, beta2, eps, eta, weight_decay_rate, amsgrad=True)
