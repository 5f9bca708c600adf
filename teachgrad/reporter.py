"""Reporter: where a model says "my loss was 0.31" and the trainer listens.

Inside a model you call :func:`report`; during training a :class:`Reporter` is
active and writes the value into the current *observation* dictionary, under
a name prefixed by who reported it (``'main/loss'``). Outside training nobody
listens and :func:`report` does nothing, so the same model code runs
everywhere.

>>> import teachgrad
>>> reporter = Reporter()
>>> model = object()                       # any object can be an observer
>>> reporter.add_observer('main', model)
>>> observation = {}
>>> with reporter.scope(observation):
...     report({'loss': 0.5}, model)
>>> observation
{'main/loss': 0.5}

:class:`Summary` and :class:`DictSummary` average what was observed over many
iterations; that is how ``LogReport`` turns per-batch losses into one number
per epoch.
"""
import collections
import contextlib
import json

import numpy

from teachgrad import backend
from teachgrad.configuration import config
from teachgrad.variable import Variable


def _without_graph(value):
    # A reported loss is the output of the whole forward pass; storing that
    # Variable would keep every intermediate array of the step alive until the
    # observation is dropped. A fresh Variable on the same array has no creator.
    if isinstance(value, Variable) and value.creator is not None:
        return Variable(value.data, name=value.name, requires_grad=False)
    return value


class Reporter:
    """Collects observed values into an ``observation`` dictionary.

    Values reported with an *observer* (any object registered by
    :meth:`add_observer`) are stored as ``'<observer name>/<key>'``; values
    reported without one keep their key. A reported Variable is stored
    without its graph (as Chainer does), unless
    ``teachgrad.config.keep_graph_on_report`` is True.

    >>> reporter = Reporter()
    >>> with reporter:                 # make it the current reporter
    ...     report({'x': 1})
    >>> reporter.observation
    {'x': 1}

    Attributes:
        observation (dict): where reported values go right now.
    """

    def __init__(self):
        self._observer_names = {}
        self.observation = {}

    def __enter__(self):
        """Make this reporter the current one, the target of :func:`report`."""
        _reporters.append(self)
        return self

    def __exit__(self, *exc_info):
        _reporters.pop()

    @contextlib.contextmanager
    def scope(self, observation):
        """Make this reporter current and write reports into ``observation``.

        >>> reporter, obs = Reporter(), {}
        >>> with reporter.scope(obs):
        ...     report({'a': 2})
        >>> obs
        {'a': 2}
        """
        old = self.observation
        self.observation = observation
        self.__enter__()
        try:
            yield
        finally:
            self.__exit__(None, None, None)
            self.observation = old

    def add_observer(self, name, observer):
        """Register ``observer`` under ``name``; its reports get the prefix ``name/``.

        Observers are told apart by identity, not equality (two equal links
        are still two observers).
        """
        self._observer_names[id(observer)] = (name, observer)

    def add_observers(self, prefix, observers):
        """Register many ``(name, observer)`` pairs, each name prefixed by ``prefix``.

        The trainer uses it with ``model.namedlinks(skipself=True)`` so that a
        child link ``l1`` of the model ``main`` reports as ``main/l1/...``.
        """
        for name, observer in observers:
            self.add_observer(prefix + name, observer)

    def report(self, values, observer=None):
        """Store each ``key: value`` of ``values`` in the observation.

        >>> reporter = Reporter()
        >>> reporter.report({'y': 3})
        >>> reporter.observation
        {'y': 3}
        """
        if not getattr(config, 'keep_graph_on_report', False):
            values = {k: _without_graph(v) for k, v in values.items()}
        if observer is None:
            self.observation.update(values)
            return
        entry = self._observer_names.get(id(observer))
        if entry is None or entry[1] is not observer:
            raise KeyError(
                'report() was given an observer ({}) that this reporter does not '
                'know. Register it first with reporter.add_observer(name, '
                'observer), or report without an observer.'.format(
                    type(observer).__name__))
        prefix = entry[0]
        for key, value in values.items():
            self.observation['{}/{}'.format(prefix, key)] = value


_reporters = []


def get_current_reporter():
    """The reporter that :func:`report` writes to (the innermost active one)."""
    if not _reporters:
        raise RuntimeError(
            'no reporter is active. Use "with reporter:" or '
            '"with reporter.scope(observation):" first.')
    return _reporters[-1]


def report(values, observer=None):
    """Report ``values`` (a dict) to the current reporter; do nothing if there is none.

    A model calls this in its forward pass; the trainer (or an Evaluator)
    makes a reporter current while the model runs, so the values end up in
    its observation as ``'main/loss'`` and so on.

    >>> report({'loss': 1.0})          # nobody listening: nothing happens
    >>> observation = {}
    >>> with Reporter().scope(observation):
    ...     report({'loss': 1.0})
    >>> observation
    {'loss': 1.0}
    """
    if _reporters:
        _reporters[-1].report(values, observer)


@contextlib.contextmanager
def report_scope(observation):
    """Send the current reporter's reports to ``observation`` inside the block.

    >>> outer, inner = {}, {}
    >>> with Reporter().scope(outer):
    ...     with report_scope(inner):
    ...         report({'x': 1})
    >>> outer, inner
    ({}, {'x': 1})
    """
    current = get_current_reporter()
    old = current.observation
    current.observation = observation
    try:
        yield
    finally:
        current.observation = old


def _scalar(value, what):
    if isinstance(value, Variable):
        value = value.data
    if numpy.isscalar(value) or getattr(value, 'ndim', -1) == 0:
        return value
    raise ValueError('{} must be a scalar (a number, 0-d array or 0-d Variable), '
                     'but got {} of shape {}'.format(
                         what, type(value).__name__, getattr(value, 'shape', None)))


class Summary:
    """Running mean and standard deviation of a sequence of numbers.

    >>> s = Summary()
    >>> for v in [1.0, 2.0, 3.0]:
    ...     s.add(v)
    >>> s.compute_mean()
    2.0
    >>> mean, std = s.make_statistics()
    >>> round(float(std), 6)
    0.816497
    """

    def __init__(self):
        self._x = 0.0
        self._x2 = 0.0
        self._n = 0

    def add(self, value, weight=1):
        """Add a number (a Python or numpy scalar, or a 0-d array) with a weight."""
        value = _scalar(value, 'Summary.add value')
        self._x += weight * value
        self._x2 += weight * value * value
        self._n += weight

    def compute_mean(self):
        """The (weighted) mean of what was added."""
        return self._x / self._n

    def make_statistics(self):
        """``(mean, std)`` of what was added (population std)."""
        mean = self._x / self._n
        var = self._x2 / self._n - mean * mean
        # Rounding can make a zero variance slightly negative.
        xp = backend.get_array_module(var)
        return mean, xp.sqrt(xp.maximum(var, 0))

    def serialize(self, serializer):
        # Plain floats: a snapshot stores numbers, whatever array type summed them.
        self._x = serializer('_x', float(self._x))
        self._x2 = serializer('_x2', float(self._x2))
        self._n = serializer('_n', float(self._n))


class DictSummary:
    """A :class:`Summary` per key, fed with dictionaries of observations.

    Only scalars (numbers, 0-d arrays, Variables holding one) are summarized;
    other entries are skipped. A value given as ``(value, weight)`` is
    weighted.

    >>> d = DictSummary()
    >>> d.add({'loss': 1.0, 'acc': 0.5})
    >>> d.add({'loss': 3.0, 'image': [1, 2]})   # non-scalars are ignored
    >>> sorted(d.compute_mean().items())
    [('acc', 0.5), ('loss', 2.0)]
    """

    def __init__(self):
        self._summaries = collections.defaultdict(Summary)

    def add(self, d):
        """Add one observation dictionary."""
        for key, value in d.items():
            weight = 1
            if isinstance(value, tuple):
                value, weight = value
                weight = _scalar(weight, 'the weight of {!r}'.format(key))
            if isinstance(value, Variable):
                value = value.data
            if numpy.isscalar(value) or getattr(value, 'ndim', -1) == 0:
                self._summaries[key].add(value, weight=weight)

    def compute_mean(self):
        """``{key: mean}`` for every key seen so far."""
        return {key: s.compute_mean() for key, s in self._summaries.items()}

    def make_statistics(self):
        """``{key: mean, key + '.std': std}`` for every key seen so far."""
        stats = {}
        for key, s in self._summaries.items():
            stats[key], stats[key + '.std'] = s.make_statistics()
        return stats

    def serialize(self, serializer):
        # One JSON text under one key: the keys seen so far are only known
        # after loading, and a loader checks every key before it reads any.
        state = {key: [float(s._x), float(s._x2), float(s._n)]
                 for key, s in self._summaries.items()}
        loaded = serializer('_summaries', json.dumps(state))
        if not is_writer(serializer):
            self._summaries.clear()
            for key, (x, x2, n) in json.loads(str(loaded)).items():
                summary = self._summaries[key]
                summary._x, summary._x2, summary._n = x, x2, n


def is_writer(serializer):
    """True for a serializer that saves, False for one that loads.

    Saving serializers derive from :class:`teachgrad.serializer.Serializer`;
    other objects count as savers unless their class name ends in
    ``Deserializer`` (Chainer's naming).
    """
    from teachgrad.serializer import Deserializer, Serializer
    if isinstance(serializer, Serializer):
        return True
    if isinstance(serializer, Deserializer):
        return False
    return not type(serializer).__name__.endswith('Deserializer')
