"""IntervalTrigger: fire every N iterations or every N epochs."""
import warnings


class IntervalTrigger:
    """Fire when the count of iterations or epochs crosses a multiple of ``period``.

    It compares the updater's progress now with its progress when the
    trigger was last asked, so it fires exactly once per period even when an
    epoch ends in the middle of a batch (``epoch_detail`` jumps from 0.97 to
    1.03) or when the period is fractional (``(0.5, 'epoch')``).

    Args:
        period (int or float): the interval length.
        unit (str): ``'iteration'`` or ``'epoch'``.

    >>> class _U:  # a stand-in updater that has done 3 iterations
    ...     iteration, epoch_detail, previous_epoch_detail = 3, 0.3, 0.2
    >>> class _T:
    ...     updater = _U()
    >>> IntervalTrigger(3, 'iteration')(_T())
    True
    """

    def __init__(self, period, unit):
        if unit not in ('epoch', 'iteration'):
            raise ValueError("the unit of a trigger must be 'epoch' or 'iteration', "
                             'not {!r}'.format(unit))
        if unit == 'iteration' and int(period) != period:
            raise ValueError('an iteration period must be a whole number, not {!r}'
                             .format(period))
        if period <= 0:
            raise ValueError('a trigger period must be positive, not {!r}'.format(period))
        self.period = period
        self.unit = unit
        self._previous_iteration = 0
        self._previous_epoch_detail = 0.
        self.count = 0   # Chainer keeps it for old code

    def __call__(self, trainer):
        updater = trainer.updater
        if self.unit == 'epoch':
            now = updater.epoch_detail
            before = self._previous_epoch_detail
            if before < 0:   # unknown (old snapshot): ask the updater
                before = updater.previous_epoch_detail or 0.
            self.count = now // self.period
        else:
            now = updater.iteration
            before = self._previous_iteration
            if before < 0:
                before = now - 1
        fire = before // self.period != now // self.period
        self._previous_iteration = updater.iteration
        if hasattr(updater, 'epoch_detail'):
            self._previous_epoch_detail = updater.epoch_detail
        return fire

    def get_training_length(self):
        """``(period, unit)``: how long training lasts when this is the stop trigger."""
        return self.period, self.unit

    def serialize(self, serializer):
        try:
            self._previous_iteration = int(serializer(
                'previous_iteration', self._previous_iteration))
        except KeyError:
            warnings.warn('This snapshot has no previous iteration for an '
                          'IntervalTrigger; it guesses it from the current one.')
            self._previous_iteration = -1
        try:
            self._previous_epoch_detail = float(serializer(
                'previous_epoch_detail', self._previous_epoch_detail))
        except KeyError:
            warnings.warn('This snapshot has no previous epoch_detail for an '
                          "IntervalTrigger; it uses the updater's.")
            self._previous_epoch_detail = -1.

    def __repr__(self):
        return 'IntervalTrigger({!r}, {!r})'.format(self.period, self.unit)
