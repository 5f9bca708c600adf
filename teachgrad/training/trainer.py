"""Trainer: the training loop, written once so lessons can reuse it.

::

    while not stop_trigger(trainer):
        trainer.observation = {}
        with reporter.scope(trainer.observation):   # model's report() lands here
            updater.update()                        # one minibatch step
            for each extension, highest priority first:
                if its trigger fires: extension(trainer)
"""
import os
import sys
import time
import warnings

from teachgrad import reporter as reporter_module
from teachgrad.training import extension as extension_module
from teachgrad.training.util import _never_fire, get_trigger, is_writer


class _ExtensionEntry:
    def __init__(self, extension, priority, trigger, call_before_training):
        self.extension = extension
        self.trigger = trigger
        self.priority = priority
        self.call_before_training = call_before_training


class Trainer:
    """Runs the updater until the stop trigger fires, calling extensions on the way.

    Args:
        updater: does one iteration per ``update()`` (e.g. a
            :class:`~teachgrad.training.updaters.StandardUpdater`).
        stop_trigger: when to stop, e.g. ``(10, 'epoch')`` or
            ``(1000, 'iteration')``, or any callable trigger.
        out (str): directory for logs, plots and snapshots (created by ``run``).
        extensions: extensions to register right away.

    Attributes:
        observation (dict): what was reported during the last iteration
            (``'main/loss'``, ``'main/accuracy'``, ...).
        reporter: the :class:`~teachgrad.reporter.Reporter`; the model of
            each optimizer is registered under the optimizer's name
            (``'main'``) and its child links under ``'main/l1'`` etc.

    Example (a complete training run)::

        >>> import numpy as np
        >>> import teachgrad.links as L
        >>> from teachgrad import datasets, iterators, optimizers, training
        >>> np.random.seed(0)
        >>> x = np.random.randn(20, 3).astype('f')
        >>> t = (x[:, 0] > 0).astype('i')
        >>> model = L.Classifier(L.Linear(3, 2))
        >>> optimizer = optimizers.SGD(lr=0.1).setup(model)
        >>> it = iterators.SerialIterator(datasets.TupleDataset(x, t), 5)
        >>> updater = training.updaters.StandardUpdater(it, optimizer)
        >>> trainer = training.Trainer(updater, (3, 'epoch'), out='result')
        >>> trainer.run()                                   # doctest: +SKIP
        >>> updater.iteration                               # doctest: +SKIP
        12
    """

    def __init__(self, updater, stop_trigger=None, out='result', extensions=None):
        self.updater = updater
        self.stop_trigger = get_trigger(stop_trigger)
        self.observation = {}
        self.out = out
        reporter = reporter_module.Reporter()
        for name, optimizer in updater.get_all_optimizers().items():
            target = optimizer.target
            reporter.add_observer(name, target)
            if hasattr(target, 'namedlinks'):
                reporter.add_observers(name, target.namedlinks(skipself=True))
        self.reporter = reporter
        self._done = False
        self._extensions = {}          # name -> entry, in registration order
        self._start_at = None
        self._snapshot_elapsed_time = 0.0
        self._final_elapsed_time = None
        updater.connect_trainer(self)
        for ext in extensions or ():
            self.extend(ext)

    @property
    def elapsed_time(self):
        """Seconds spent in training so far (including before a resumed snapshot)."""
        if self._done:
            return self._final_elapsed_time
        if self._start_at is None:
            raise RuntimeError('training has not started yet: elapsed_time is '
                               'available inside and after trainer.run()')
        return time.perf_counter() - self._start_at + self._snapshot_elapsed_time

    def extend(self, extension, name=None, trigger=None, priority=None,
               call_before_training=False, **kwargs):
        """Register an extension.

        Args:
            extension: a callable taking the trainer (an
                :class:`~teachgrad.training.Extension`, a function decorated
                with :func:`~teachgrad.training.make_extension`, a lambda).
            name: defaults to ``extension.default_name`` (or the function's
                name). A name already taken gets ``_1``, ``_2``, ... appended.
            trigger: when to call it; defaults to ``extension.trigger``, else
                every iteration. A tuple like ``(1, 'epoch')`` becomes an
                :class:`~teachgrad.training.triggers.IntervalTrigger`.
            priority: higher runs earlier within an iteration; defaults to
                ``extension.priority``, else ``PRIORITY_READER``.
            call_before_training: also call it once before the first update.
        """
        if kwargs:
            raise TypeError('extend() got unexpected arguments: {}'.format(
                ', '.join(sorted(kwargs))))
        if name is None:
            name = (getattr(extension, 'name', None)
                    or getattr(extension, 'default_name', None)
                    or getattr(extension, '__name__', None))
            if name is None:
                raise TypeError('this extension has no name; pass '
                                'trainer.extend(ext, name="...")')
        if name == 'training':
            raise ValueError('"training" cannot be an extension name')
        if trigger is None:
            trigger = getattr(extension, 'trigger', (1, 'iteration'))
        trigger = get_trigger(trigger)
        if priority is None:
            priority = getattr(extension, 'priority', extension_module.PRIORITY_READER)
        unique, ordinal = name, 0
        while unique in self._extensions:
            ordinal += 1
            unique = '{}_{}'.format(name, ordinal)
        extension.name = unique
        self._extensions[unique] = _ExtensionEntry(
            extension, priority, trigger, call_before_training)

    def get_extension(self, name):
        """The extension registered as ``name`` (e.g. ``'LogReport'``)."""
        try:
            return self._extensions[name].extension
        except KeyError:
            raise ValueError('extension {!r} not found; registered: {}'.format(
                name, list(self._extensions))) from None

    def run(self, show_loop_exception_msg=True):
        """Train until the stop trigger fires. A trainer runs only once."""
        if self._done:
            raise RuntimeError('this trainer has already run; make a new Trainer '
                               '(with a larger stop trigger) to train further')
        if self.stop_trigger is _never_fire:
            warnings.warn('this Trainer has no stop_trigger, so it trains until it is '
                          'interrupted. Pass one, e.g. Trainer(updater, (10, '
                          "'epoch')).", stacklevel=2)
        os.makedirs(self.out, exist_ok=True)
        # sorted() is stable: equal priorities keep registration order.
        extensions = sorted(self._extensions.items(),
                            key=lambda item: item[1].priority, reverse=True)
        self._start_at = time.perf_counter()
        for _, entry in extensions:
            initializer = getattr(entry.extension, 'initialize', None)
            if initializer:
                initializer(self)
        for _, entry in extensions:
            if entry.call_before_training:
                with self.reporter.scope(self.observation):
                    entry.extension(self)

        update = self.updater.update
        reporter = self.reporter
        stop_trigger = self.stop_trigger
        loop_failed = True          # until the loop ends normally (Ctrl-C too)
        try:
            while not stop_trigger(self):
                self.observation = {}
                with reporter.scope(self.observation):
                    update()
                    for _, entry in extensions:
                        if entry.trigger(self):
                            entry.extension(self)
            loop_failed = False
        except Exception as e:
            if show_loop_exception_msg:
                sys.stderr.write(
                    'Exception in the training loop at iteration {}: {}: {}\n'
                    'Extensions are finalized before it is raised again.\n'.format(
                        self.updater.iteration, type(e).__name__, e))
            tb = sys.exc_info()[2]
            for _, entry in extensions:
                handler = getattr(entry.extension, 'on_error', None)
                if handler:
                    try:
                        handler(self, e, tb)
                    except Exception as he:
                        sys.stderr.write('{}.on_error failed too: {}\n'.format(
                            type(entry.extension).__name__, he))
            raise
        finally:
            # Every extension is finalized even when one fails (a background
            # snapshot writer raises a failed save here), so none loses its
            # last writes. The first failure is raised afterwards, unless an
            # error of the loop is already on its way.
            failure = None
            for _, entry in extensions:
                finalize = getattr(entry.extension, 'finalize', None)
                if finalize:
                    try:
                        finalize()
                    except Exception as fe:
                        if failure is None and not loop_failed:
                            failure = fe
                        else:
                            sys.stderr.write('{}.finalize failed too: {}\n'.format(
                                type(entry.extension).__name__, fe))
            self.updater.finalize()
            if failure is not None:
                raise failure
        self._final_elapsed_time = self.elapsed_time
        self._done = True

    def serialize(self, serializer):
        """Save or load the whole training state (updater, triggers, extensions)."""
        self.updater.serialize(serializer['updater'])
        if hasattr(self.stop_trigger, 'serialize'):
            self.stop_trigger.serialize(serializer['stop_trigger'])
        s = serializer['extensions']
        t = serializer['extension_triggers']
        for name, entry in self._extensions.items():
            if hasattr(entry.extension, 'serialize'):
                entry.extension.serialize(s[name])
            if hasattr(entry.trigger, 'serialize'):
                entry.trigger.serialize(t[name])
        if is_writer(serializer):
            serializer('_snapshot_elapsed_time', self.elapsed_time)
        else:
            self._snapshot_elapsed_time = float(serializer(
                '_snapshot_elapsed_time', self._snapshot_elapsed_time))
