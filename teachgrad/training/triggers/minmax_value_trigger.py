"""MaxValueTrigger / MinValueTrigger: fire when a reported value reaches a new best.

Typical use: save the model only when the validation accuracy improves::

    trainer.extend(extensions.snapshot_object(model, 'best.npz'),
                   trigger=MaxValueTrigger('validation/main/accuracy'))
"""
import math

from teachgrad import reporter
from teachgrad.training.util import get_trigger


class BestValueTrigger:
    """Fire when the mean of ``key`` over each interval beats the best so far.

    ``compare(best, new)`` returns True when ``new`` is better.
    """

    def __init__(self, key, compare, trigger=(1, 'epoch')):
        self._key = key
        self._best_value = None
        self._interval_trigger = get_trigger(trigger)
        self._summary = reporter.DictSummary()
        self._compare = compare

    def __call__(self, trainer):
        observation = trainer.observation
        if self._key in observation:
            self._summary.add({self._key: observation[self._key]})
        if not self._interval_trigger(trainer):
            return False
        stats = self._summary.compute_mean()
        if self._key not in stats:
            raise KeyError(
                '{} found no {!r} in the observations of this interval; the keys '
                'reported are {}. Check the spelling, and that the extension '
                'reporting it (e.g. an Evaluator) runs on the same interval.'.format(
                    type(self).__name__, self._key, sorted(observation)))
        value = float(stats[self._key])
        self._summary = reporter.DictSummary()
        if self._best_value is None or self._compare(self._best_value, value):
            self._best_value = value
            return True
        return False

    def serialize(self, serializer):
        if hasattr(self._interval_trigger, 'serialize'):
            self._interval_trigger.serialize(serializer['interval_trigger'])
        self._summary.serialize(serializer['summary'])
        # NaN stands for "no best yet": serializers store numbers, not None.
        best = serializer('best_value', float('nan') if self._best_value is None
                          else self._best_value)
        best = float(best)
        self._best_value = None if math.isnan(best) else best


class MaxValueTrigger(BestValueTrigger):
    """Fire when ``key`` reaches a new maximum (e.g. validation accuracy)."""

    def __init__(self, key, trigger=(1, 'epoch')):
        super().__init__(key, lambda best, new: new > best, trigger)


class MinValueTrigger(BestValueTrigger):
    """Fire when ``key`` reaches a new minimum (e.g. validation loss)."""

    def __init__(self, key, trigger=(1, 'epoch')):
        super().__init__(key, lambda best, new: new < best, trigger)
