"""ExponentialShift: multiply an optimizer setting (e.g. lr) by a rate each time."""
from teachgrad.training import extension


class ExponentialShift(extension.Extension):
    """Each call sets ``optimizer.<attr> = init * rate ** t`` (t = calls so far).

    Typical: halve the learning rate every 5 epochs::

        trainer.extend(extensions.ExponentialShift('lr', 0.5), trigger=(5, 'epoch'))

    Args:
        attr (str): the optimizer attribute, e.g. ``'lr'`` (SGD) or
            ``'alpha'`` (Adam).
        rate (float): the factor per call.
        init: the starting value (default: the optimizer's value at the start).
        target: stop shifting once this value is passed.
        optimizer: the optimizer (default: the updater's ``'main'``).
    """

    def __init__(self, attr, rate, init=None, target=None, optimizer=None):
        self._attr = attr
        if rate < 0:
            raise ValueError('ExponentialShift rate must be non-negative, not {}'
                             .format(rate))
        self._rate = rate
        self._init = init
        self._target = target
        self._optimizer = optimizer
        self._t = 0
        self._last_value = None

    def initialize(self, trainer):
        optimizer = self._get_optimizer(trainer)
        if self._init is None:
            self._init = getattr(optimizer, self._attr)
        value = self._last_value if self._last_value is not None else self._init
        setattr(optimizer, self._attr, value)

    def __call__(self, trainer):
        self._t += 1
        value = self._init * self._rate ** self._t
        if self._target is not None:
            if (self._rate > 1 and value > self._target) or (
                    self._rate < 1 and value < self._target):
                value = self._target
        setattr(self._get_optimizer(trainer), self._attr, value)
        self._last_value = value

    def _get_optimizer(self, trainer):
        return self._optimizer or trainer.updater.get_optimizer('main')

    def serialize(self, serializer):
        self._t = int(serializer('_t', self._t))
        last = serializer('_last_value', float('nan') if self._last_value is None
                          else self._last_value)
        last = float(last)
        self._last_value = None if last != last else last
