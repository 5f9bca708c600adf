"""Evaluator: measure the model on held-out data, without training it."""
import copy
import warnings

from teachgrad import reporter as reporter_module
from teachgrad.configuration import no_backprop_mode, using_config
from teachgrad.dataset.convert import concat_examples
from teachgrad.training import extension


class Evaluator(extension.Extension):
    """Run the model over a whole validation set and report the mean of what it reports.

    Inside, ``config.train`` is False (dropout off, batch norm uses its
    running statistics) and no graph is recorded (``no_backprop_mode``).
    What the model reports as ``main/loss`` comes out as
    ``validation/main/loss`` (the extension's name is the prefix).

    The mean is taken over batches, each batch counting once (Chainer's
    rule), so a short last batch weighs as much as a full one.

    Args:
        iterator: the validation iterator (``repeat=False``), or a dict of them.
        target: the link to evaluate (usually the ``L.Classifier``), or a dict.
        converter: batch to arrays, :func:`~teachgrad.dataset.concat_examples`.
        device: where the arrays go (None: leave them).
        eval_hook: called with the evaluator before each evaluation.
        eval_func: called with the arrays instead of the target.
        progress_bar: accepted for Chainer compatibility; evaluation shows none.

    Called directly (not by a trainer) it returns the means, keys without the
    ``validation/`` prefix:

    >>> import numpy as np
    >>> import teachgrad.links as L
    >>> from teachgrad import datasets, iterators
    >>> x = np.array([[1., 0.], [0., 1.], [1., 0.]], dtype=np.float32)
    >>> t = np.array([0, 1, 1], dtype=np.int32)
    >>> model = L.Classifier(L.Linear(2, 2, initialW=np.eye(2, dtype=np.float32)))
    >>> it = iterators.SerialIterator(datasets.TupleDataset(x, t), 3, repeat=False)
    >>> result = Evaluator(it, model)()
    >>> sorted(result), round(float(result['main/accuracy']), 4)
    (['main/accuracy', 'main/loss'], 0.6667)

    In training: ``trainer.extend(Evaluator(test_iter, model))``.
    """
    trigger = 1, 'epoch'
    default_name = 'validation'
    priority = extension.PRIORITY_WRITER
    name = None

    def __init__(self, iterator, target, converter=concat_examples, device=None,
                 eval_hook=None, eval_func=None, progress_bar=False):
        if not isinstance(iterator, dict):
            iterator = {'main': iterator}
        for name, it in iterator.items():
            if getattr(it, 'repeat', False):
                raise ValueError(
                    'the iterator {!r} of the Evaluator repeats (repeat=True), so '
                    'evaluation would never end. Make it with '
                    'SerialIterator(test, batch_size, repeat=False, shuffle=False).'
                    .format(name))
        self._iterators = iterator
        self._targets = target if isinstance(target, dict) else {'main': target}
        self.converter = converter
        self.device = device
        self.eval_hook = eval_hook
        self.eval_func = eval_func

    def get_iterator(self, name):
        return self._iterators[name]

    def get_all_iterators(self):
        return dict(self._iterators)

    def get_target(self, name):
        return self._targets[name]

    def get_all_targets(self):
        return dict(self._targets)

    def __call__(self, trainer=None):
        """Evaluate, report the means (to the trainer, if any) and return them."""
        reporter = reporter_module.Reporter()
        prefix = self.name + '/' if self.name is not None else ''
        for name, target in self._targets.items():
            reporter.add_observer(prefix + name, target)
            if hasattr(target, 'namedlinks'):
                reporter.add_observers(prefix + name, target.namedlinks(skipself=True))
        with reporter:
            with using_config('train', False):
                result = self.evaluate()
        reporter_module.report(result)
        return result

    def evaluate(self):
        """One pass over the main iterator; returns ``{key: mean over batches}``."""
        iterator = self._iterators['main']
        eval_func = self.eval_func or self._targets['main']
        if self.eval_hook:
            self.eval_hook(self)
        if hasattr(iterator, 'reset'):
            iterator.reset()
            it = iterator
        else:
            warnings.warn('this iterator has no reset(); the Evaluator evaluates a '
                          'copy of it, which may not work for all iterators')
            it = copy.copy(iterator)
        summary = reporter_module.DictSummary()
        for batch in it:
            observation = {}
            with reporter_module.report_scope(observation):
                in_arrays = self.converter(batch, self.device)
                with no_backprop_mode():
                    if isinstance(in_arrays, tuple):
                        eval_func(*in_arrays)
                    elif isinstance(in_arrays, dict):
                        eval_func(**in_arrays)
                    else:
                        eval_func(in_arrays)
            summary.add(observation)
        return summary.compute_mean()
