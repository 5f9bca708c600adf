"""EarlyStoppingTrigger: stop training when a monitored value stops improving."""
import operator

from teachgrad import reporter
from teachgrad.training.util import get_trigger


class EarlyStoppingTrigger:
    """A stop trigger: fire when ``monitor`` has not improved for ``patience`` checks,
    or when ``max_trigger`` fires.

    Args:
        check_trigger: when to look at the monitored value, ``(1, 'epoch')``.
        monitor (str): the observation key, e.g. ``'validation/main/loss'``.
        patience (int): how many checks without improvement are tolerated.
        mode (str): ``'min'``, ``'max'`` or ``'auto'`` (max for keys that
            contain ``'accuracy'``, else min).
        verbose (bool): print a line when training stops early.
        max_trigger: stop anyway at this point, ``(100, 'epoch')``.

    Use it as the trainer's stop trigger::

        trigger = EarlyStoppingTrigger(monitor='validation/main/loss', patience=2,
                                       max_trigger=(50, 'epoch'))
        trainer = training.Trainer(updater, trigger)
    """

    def __init__(self, check_trigger=(1, 'epoch'), monitor='main/loss', patience=3,
                 mode='auto', verbose=False, max_trigger=(100, 'epoch')):
        self.count = 0
        self.patience = patience
        self.monitor = monitor
        self.verbose = verbose
        self.already_warning = False
        self._max_trigger = get_trigger(max_trigger)
        self._interval_trigger = get_trigger(check_trigger)
        self._summary = reporter.DictSummary()
        if mode == 'auto':
            mode = 'max' if 'accuracy' in monitor else 'min'
        if mode not in ('min', 'max'):
            raise ValueError("mode must be 'min', 'max' or 'auto', not {!r}".format(mode))
        self._compare = operator.lt if mode == 'min' else operator.gt
        self.best = float('inf') if mode == 'min' else -float('inf')

    def __call__(self, trainer):
        if self._max_trigger(trainer):
            return True
        observation = trainer.observation
        if self.monitor in observation:
            self._summary.add({self.monitor: observation[self.monitor]})
        if not self._interval_trigger(trainer):
            return False
        stats = self._summary.compute_mean()
        self._summary = reporter.DictSummary()
        if self.monitor not in stats:
            if not self.already_warning:
                import warnings
                warnings.warn('EarlyStoppingTrigger: {!r} is not reported, so training '
                              'never stops early'.format(self.monitor))
                self.already_warning = True
            return False
        value = float(stats[self.monitor])
        if self._compare(value, self.best):
            self.best = value
            self.count = 0
        else:
            self.count += 1
        if self.count >= self.patience:
            if self.verbose:
                print('Early stopping: {} did not improve for {} checks'.format(
                    self.monitor, self.patience))
            return True
        return False

    def get_training_length(self):
        return self._max_trigger.get_training_length()
