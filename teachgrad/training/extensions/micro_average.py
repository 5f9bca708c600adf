"""MicroAverage: a ratio over a whole epoch, sum of numerators over sum of denominators."""
from teachgrad import reporter
from teachgrad.variable import Variable
from teachgrad.training import extension
from teachgrad.training import util


def _number(value, key):
    if isinstance(value, Variable):
        value = value.data
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError('MicroAverage: the observation {!r} must be a single number, but it '
                        'is {!r}; report a count such as (y.argmax(axis=1) == t).sum()'.format(
                            key, value)) from None


class MicroAverage(extension.Extension):
    """Report ``sum(numerators) / sum(denominators)`` over the batches since the last report.

    The model reports, per batch, a numerator (say, the number of correct
    predictions) and a denominator (the batch size). Averaging per-batch
    accuracies would give a short last batch as much weight as a full one;
    the micro average weighs every example equally. When ``trigger`` fires
    (every epoch by default), the ratio is reported under ``result_key``
    and the sums start again from zero. Batches that report neither key are
    skipped.

    Args:
        numerator_key (str): observation key of the numerator, e.g. ``'main/correct'``.
        denominator_key (str): observation key of the denominator, e.g. ``'main/total'``.
        result_key (str): key under which the ratio is reported.
        trigger: when to report: ``(1, 'epoch')``, ``(100, 'iteration')`` or a callable.

    >>> from teachgrad.training import extensions
    >>> ext = extensions.MicroAverage('main/correct', 'main/total', 'main/accuracy',
    ...                               trigger=lambda trainer: trainer.end_of_epoch)
    >>> class T:       # a stand-in trainer: the model reported 3 of 4, then 1 of 2 correct
    ...     observation, end_of_epoch = {'main/correct': 3, 'main/total': 4}, False
    >>> ext(T)
    >>> T.observation, T.end_of_epoch = {'main/correct': 1, 'main/total': 2}, True
    >>> from teachgrad import Reporter
    >>> with Reporter().scope(T.observation):      # what the trainer does around extensions
    ...     ext(T)
    >>> T.observation['main/accuracy']      # (3 + 1) / (4 + 2), not (3/4 + 1/2) / 2
    0.6666666666666666
    """
    priority = extension.PRIORITY_EDITOR

    def __init__(self, numerator_key, denominator_key, result_key, trigger=(1, 'epoch')):
        self._trigger = util.get_trigger(trigger)
        self._numerator_key = numerator_key
        self._denominator_key = denominator_key
        self._result_key = result_key
        self._numerator = 0.
        self._denominator = 0.

    def __call__(self, trainer):
        observation = trainer.observation
        if self._numerator_key in observation and self._denominator_key in observation:
            numerator = _number(observation[self._numerator_key], self._numerator_key)
            denominator = _number(observation[self._denominator_key], self._denominator_key)
            self._numerator += numerator
            self._denominator += denominator
        elif self._numerator_key in observation or self._denominator_key in observation:
            present, missing = ((self._numerator_key, self._denominator_key)
                                if self._numerator_key in observation else
                                (self._denominator_key, self._numerator_key))
            raise KeyError('MicroAverage: this iteration reported {!r} but not {!r}; the '
                           'model must report both in the same call'.format(present, missing))
        else:
            return
        if self._trigger(trainer):
            if self._denominator == 0:
                raise ZeroDivisionError(
                    'MicroAverage: the denominators {!r} summed to 0 since the last report, so '
                    'the ratio {!r} is undefined'.format(self._denominator_key,
                                                         self._result_key))
            result = self._numerator / self._denominator
            self._numerator = self._denominator = 0.
            reporter.report({self._result_key: result})

    def serialize(self, serializer):
        """Save or load the running sums (to resume mid-epoch)."""
        self._numerator = float(serializer('_numerator', self._numerator))
        self._denominator = float(serializer('_denominator', self._denominator))
