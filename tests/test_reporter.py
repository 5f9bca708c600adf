"""Reporter, report(), report_scope, Summary and DictSummary (Chainer v7 semantics)."""
import gc
import weakref

import numpy as np
import pytest

import teachgrad
from teachgrad import Variable, reporter as reporter_module
from teachgrad.reporter import DictSummary, Reporter, Summary, report, report_scope


def test_names_are_exported_from_teachgrad():
    assert teachgrad.report is report
    assert teachgrad.Reporter is Reporter
    assert teachgrad.report_scope is report_scope
    assert teachgrad.Summary is Summary
    assert teachgrad.DictSummary is DictSummary


def test_report_without_a_reporter_does_nothing():
    assert reporter_module._reporters == []
    report({'x': 1.0})          # must not raise


def test_report_without_observer_keeps_the_key():
    r = Reporter()
    observation = {}
    with r.scope(observation):
        report({'x': 1})
    assert observation == {'x': 1}


def test_report_with_observer_prefixes_its_name():
    r = Reporter()
    observer = object()
    r.add_observer('main', observer)
    observation = {}
    with r.scope(observation):
        report({'loss': 2.5, 'accuracy': 0.5}, observer)
    assert observation == {'main/loss': 2.5, 'main/accuracy': 0.5}


def test_add_observers_uses_prefix_plus_name():
    r = Reporter()
    a, b = object(), object()
    r.add_observers('main', [('/l1', a), ('/l2', b)])
    observation = {}
    with r.scope(observation):
        report({'x': 1}, a)
        report({'y': 2}, b)
    assert observation == {'main/l1/x': 1, 'main/l2/y': 2}


def test_unregistered_observer_raises_keyerror_that_explains():
    r = Reporter()
    with r.scope({}):
        with pytest.raises(KeyError, match='add_observer'):
            report({'x': 1}, object())


def test_reporter_method_works_outside_any_scope():
    r = Reporter()
    r.report({'y': 3})
    assert r.observation == {'y': 3}


def test_scope_restores_the_previous_observation_and_reporter_stack():
    r = Reporter()
    outer = r.observation
    inner = {}
    with r.scope(inner):
        assert reporter_module.get_current_reporter() is r
    assert r.observation is outer
    assert reporter_module._reporters == []


def test_scope_is_left_even_when_the_body_raises():
    r = Reporter()
    with pytest.raises(ZeroDivisionError):
        with r.scope({}):
            1 / 0
    assert reporter_module._reporters == []


def test_nested_reporters_report_to_the_innermost():
    outer, inner = Reporter(), Reporter()
    o1, o2 = {}, {}
    with outer.scope(o1):
        with inner.scope(o2):
            report({'a': 1})
        report({'b': 2})
    assert o1 == {'b': 2} and o2 == {'a': 1}


def test_report_scope_redirects_the_current_reporter():
    r = Reporter()
    outer, inner = {}, {}
    with r.scope(outer):
        with report_scope(inner):
            report({'x': 1})
        report({'y': 2})
    assert inner == {'x': 1}
    assert outer == {'y': 2}


def test_report_scope_without_reporter_explains():
    with pytest.raises(RuntimeError, match='no reporter is active'):
        with report_scope({}):
            pass


def test_reported_variable_is_stored_without_its_graph():
    x = Variable(np.array([2.0], dtype=np.float32))
    y = x * x
    r = Reporter()
    r.report({'y': y})
    stored = r.observation['y']
    assert isinstance(stored, Variable)
    assert stored.creator is None
    assert stored is not y
    np.testing.assert_array_equal(stored.data, [4.0])
    assert y.creator is not None      # the learner's variable keeps its graph


def test_reported_variable_does_not_keep_the_graph_alive():
    x = Variable(np.ones(3, dtype=np.float32))
    y = (x * 2).__add__(1)
    creator_ref = weakref.ref(y.creator)
    r = Reporter()
    r.report({'y': y})
    del y
    gc.collect()
    assert creator_ref() is None
    np.testing.assert_array_equal(r.observation['y'].data, [3, 3, 3])


def test_keep_graph_on_report_keeps_the_graph():
    x = Variable(np.array([2.0], dtype=np.float32))
    y = x * x
    r = Reporter()
    with teachgrad.using_config('keep_graph_on_report', True):
        r.report({'y': y})
    assert r.observation['y'] is y


def test_arrays_and_floats_are_stored_as_they_are():
    a = np.arange(3)
    r = Reporter()
    r.report({'a': a, 'f': 0.25})
    assert r.observation['a'] is a
    assert r.observation['f'] == 0.25


def test_summary_mean_and_std_exact():
    s = Summary()
    for v in [1.0, 2.0, 3.0, 4.0]:
        s.add(v)
    assert s.compute_mean() == 2.5
    mean, std = s.make_statistics()
    assert mean == 2.5
    assert std == pytest.approx(np.std([1.0, 2.0, 3.0, 4.0]), rel=1e-12)


def test_summary_weights():
    s = Summary()
    s.add(1.0, weight=3)
    s.add(5.0, weight=1)
    assert s.compute_mean() == 2.0


def test_summary_accepts_variables_and_0d_arrays_and_keeps_float32():
    s = Summary()
    s.add(Variable(np.array(1.5, dtype=np.float32)))
    s.add(np.array(2.5, dtype=np.float32))
    mean = s.compute_mean()
    assert float(mean) == 2.0
    assert np.asarray(mean).dtype == np.float32


def test_summary_std_of_constant_is_zero_not_nan():
    s = Summary()
    for _ in range(3):
        s.add(np.float32(0.1))
    _, std = s.make_statistics()
    assert float(std) == 0.0


def test_summary_rejects_non_scalars():
    with pytest.raises(ValueError, match='scalar'):
        Summary().add(np.zeros(3))


def test_dict_summary_skips_non_scalars_and_averages_per_key():
    d = DictSummary()
    d.add({'loss': 1.0, 'acc': Variable(np.array(0.5)), 'img': np.zeros((2, 2))})
    d.add({'loss': 3.0})
    means = d.compute_mean()
    assert set(means) == {'loss', 'acc'}
    assert means['loss'] == 2.0
    assert float(means['acc']) == 0.5


def test_dict_summary_weighted_values_and_statistics():
    d = DictSummary()
    d.add({'x': (1.0, 1)})
    d.add({'x': (4.0, 2)})
    assert d.compute_mean()['x'] == 3.0
    stats = d.make_statistics()
    assert set(stats) == {'x', 'x.std'}
    assert stats['x.std'] == pytest.approx(np.sqrt((1 + 2 * 16) / 3 - 9))


def test_dict_summary_rejects_non_scalar_weight():
    with pytest.raises(ValueError, match='weight'):
        DictSummary().add({'x': (1.0, np.ones(2))})


class _DictWriter:
    """A minimal saving serializer: nested dicts."""
    def __init__(self, target):
        self.target = target

    def __getitem__(self, key):
        return _DictWriter(self.target.setdefault(key, {}))

    def __call__(self, key, value):
        self.target[key] = value
        return value


class _DictReader:
    def __init__(self, source):
        self.source = source

    def __getitem__(self, key):
        return _DictReader(self.source[key])

    def __call__(self, key, value):
        return self.source[key]


_DictReader.__name__ = 'DictDeserializer'


def test_dict_summary_serialize_round_trip():
    d = DictSummary()
    d.add({'a': 1.0, 'b': 2.0})
    d.add({'a': 3.0})
    store = {}
    d.serialize(_DictWriter(store))
    e = DictSummary()
    e.add({'stale': 9.0})
    e.serialize(_DictReader(store))
    assert e.compute_mean() == {'a': 2.0, 'b': 2.0}
