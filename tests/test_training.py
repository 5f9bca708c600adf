"""Trainer, StandardUpdater, triggers and extension registration (Chainer v7 rules),
and a real run: an MLP learns the digits."""
import os

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
import teachgrad.links as L
from teachgrad import datasets, iterators, optimizers, training
from teachgrad.training import extensions, triggers


class DummyUpdater(training.Updater):
    """Counts iterations; ``iters_per_epoch`` of them make an epoch."""

    def __init__(self, iters_per_epoch=10, fail_at=None):
        self.iteration = 0
        self.iters_per_epoch = iters_per_epoch
        self.fail_at = fail_at
        self.finalized = False

    def update(self):
        if self.fail_at is not None and self.iteration + 1 == self.fail_at:
            raise ValueError('boom')
        self.iteration += 1

    @property
    def epoch(self):
        return self.iteration // self.iters_per_epoch

    @property
    def epoch_detail(self):
        return self.iteration / self.iters_per_epoch

    @property
    def previous_epoch_detail(self):
        return None if self.iteration == 0 else (self.iteration - 1) / self.iters_per_epoch

    @property
    def is_new_epoch(self):
        return self.iteration > 0 and self.iteration % self.iters_per_epoch == 0

    def get_all_optimizers(self):
        return {}

    def finalize(self):
        self.finalized = True

    def serialize(self, serializer):
        self.iteration = serializer('iteration', self.iteration)


def make_trainer(tmp_path, stop=(5, 'iteration'), ipe=10, **kw):
    return training.Trainer(DummyUpdater(ipe, **kw), stop, out=str(tmp_path / 'out'))


# -- the loop -------------------------------------------------------------------------
def test_run_stops_at_the_stop_trigger_and_creates_out(tmp_path):
    trainer = make_trainer(tmp_path, stop=(7, 'iteration'))
    trainer.run()
    assert trainer.updater.iteration == 7
    assert os.path.isdir(str(tmp_path / 'out'))
    assert trainer.updater.finalized


def test_stop_trigger_in_epochs(tmp_path):
    trainer = make_trainer(tmp_path, stop=(2, 'epoch'), ipe=4)
    trainer.run()
    assert trainer.updater.iteration == 8


def test_extensions_run_by_priority_then_registration_order(tmp_path):
    trainer = make_trainer(tmp_path, stop=(1, 'iteration'))
    calls = []
    trainer.extend(lambda t: calls.append('reader1'), name='reader1')
    trainer.extend(lambda t: calls.append('writer'), name='writer',
                   priority=training.PRIORITY_WRITER)
    trainer.extend(lambda t: calls.append('reader2'), name='reader2')
    trainer.extend(lambda t: calls.append('editor'), name='editor',
                   priority=training.PRIORITY_EDITOR)
    trainer.extend(lambda t: calls.append('snap'), name='snap',
                   priority=training.PRIORITY_SNAPSHOT)
    trainer.run()
    assert calls == ['writer', 'editor', 'reader1', 'reader2', 'snap']


def test_priorities_have_chainers_values():
    assert (training.PRIORITY_WRITER, training.PRIORITY_EDITOR,
            training.PRIORITY_READER) == (300, 200, 100)
    assert training.Extension.priority == training.PRIORITY_READER
    assert training.Extension.trigger == (1, 'iteration')


def test_extension_triggers_decide_when_it_runs(tmp_path):
    trainer = make_trainer(tmp_path, stop=(3, 'epoch'), ipe=4)
    every, per_epoch, per_3 = [], [], []
    trainer.extend(lambda t: every.append(t.updater.iteration), name='every')
    trainer.extend(lambda t: per_epoch.append(t.updater.iteration), name='ep',
                   trigger=(1, 'epoch'))
    trainer.extend(lambda t: per_3.append(t.updater.iteration), name='it3',
                   trigger=(3, 'iteration'))
    trainer.run()
    assert every == list(range(1, 13))
    assert per_epoch == [4, 8, 12]
    assert per_3 == [3, 6, 9, 12]


def test_extension_default_trigger_and_priority_are_read_from_it(tmp_path):
    class Ext(training.Extension):
        trigger = 2, 'iteration'
        priority = training.PRIORITY_WRITER
        calls = []

        def __call__(self, trainer):
            self.calls.append(trainer.updater.iteration)
    trainer = make_trainer(tmp_path, stop=(5, 'iteration'))
    ext = Ext()
    trainer.extend(ext)
    trainer.run()
    assert ext.calls == [2, 4]
    assert ext.name == 'Ext'
    assert trainer.get_extension('Ext') is ext


def test_make_extension_sets_attributes_and_trainer_uses_them(tmp_path):
    called = []

    @training.make_extension(trigger=(2, 'iteration'), priority=training.PRIORITY_EDITOR,
                             initializer=lambda t: called.append('init'),
                             finalizer=lambda: called.append('fin'))
    def my_ext(trainer):
        called.append(trainer.updater.iteration)

    assert my_ext.default_name == 'my_ext'
    assert my_ext.priority == training.PRIORITY_EDITOR
    trainer = make_trainer(tmp_path, stop=(4, 'iteration'))
    trainer.extend(my_ext)
    trainer.run()
    assert called == ['init', 2, 4, 'fin']
    assert trainer.get_extension('my_ext') is my_ext


def test_duplicate_names_get_ordinals_and_unknown_name_errors(tmp_path):
    trainer = make_trainer(tmp_path)
    a, b, c = (extensions.LogReport(log_name=None) for _ in range(3))
    trainer.extend(a)
    trainer.extend(b)
    trainer.extend(c)
    assert (a.name, b.name, c.name) == ('LogReport', 'LogReport_1', 'LogReport_2')
    assert trainer.get_extension('LogReport_1') is b
    with pytest.raises(ValueError, match="'nope' not found"):
        trainer.get_extension('nope')
    with pytest.raises(ValueError, match='training'):
        trainer.extend(lambda t: None, name='training')


def test_extensions_given_to_the_constructor(tmp_path):
    ext = extensions.LogReport(log_name=None)
    trainer = training.Trainer(DummyUpdater(), (1, 'iteration'), out=str(tmp_path),
                               extensions=[ext])
    assert trainer.get_extension('LogReport') is ext


def test_initialize_finalize_and_call_before_training(tmp_path):
    log = []

    class Ext(training.Extension):
        def initialize(self, trainer):
            log.append(('init', trainer.updater.iteration))

        def __call__(self, trainer):
            log.append(('call', trainer.updater.iteration))

        def finalize(self):
            log.append(('fin',))
    trainer = make_trainer(tmp_path, stop=(2, 'iteration'))
    trainer.extend(Ext(), call_before_training=True)
    trainer.run()
    assert log == [('init', 0), ('call', 0), ('call', 1), ('call', 2), ('fin',)]


def test_exception_calls_on_error_and_finalize_then_propagates(tmp_path, capsys):
    log = []

    class Ext(training.Extension):
        def on_error(self, trainer, exc, tb):
            log.append(('error', str(exc)))

        def finalize(self):
            log.append(('fin',))
    trainer = make_trainer(tmp_path, stop=(10, 'iteration'), fail_at=3)
    trainer.extend(Ext())
    with pytest.raises(ValueError, match='boom'):
        trainer.run()
    assert log == [('error', 'boom'), ('fin',)]
    assert trainer.updater.finalized
    assert 'at iteration 2' in capsys.readouterr().err


def test_observation_is_fresh_each_iteration_and_reports_land_in_it(tmp_path):
    trainer = make_trainer(tmp_path, stop=(3, 'iteration'))
    seen = []

    def writer(t):
        teachgrad.report({'it': t.updater.iteration})
        seen.append(dict(t.observation))
    trainer.extend(writer)
    trainer.run()
    assert seen == [{'it': 1}, {'it': 2}, {'it': 3}]
    assert trainer.observation == {'it': 3}


def test_elapsed_time(tmp_path):
    trainer = make_trainer(tmp_path)
    with pytest.raises(RuntimeError, match='not started'):
        trainer.elapsed_time
    inside = []
    trainer.extend(lambda t: inside.append(t.elapsed_time), name='time')
    trainer.run()
    assert all(b >= a >= 0 for a, b in zip(inside, inside[1:]))
    assert trainer.elapsed_time >= inside[-1]


def test_trainer_without_stop_trigger_warns_that_it_never_stops(tmp_path):
    trainer = training.Trainer(DummyUpdater(), out=str(tmp_path))

    def stop(t):
        if t.updater.iteration == 3:
            raise KeyboardInterrupt
    trainer.extend(stop)
    with pytest.warns(UserWarning, match='no stop_trigger'):
        with pytest.raises(KeyboardInterrupt):
            trainer.run()
    assert trainer.updater.finalized


def test_trainer_runs_only_once(tmp_path):
    trainer = make_trainer(tmp_path)
    trainer.run()
    with pytest.raises(RuntimeError, match='already run'):
        trainer.run()


# -- triggers ------------------------------------------------------------------------
class _FakeTrainer:
    def __init__(self, updater):
        self.updater = updater
        self.observation = {}


def _fire_pattern(trigger, n, ipe=4):
    updater = DummyUpdater(ipe)
    trainer = _FakeTrainer(updater)
    fired = []
    for _ in range(n):
        updater.update()
        if trigger(trainer):
            fired.append(updater.iteration)
    return fired


def test_get_trigger():
    t = training.get_trigger((3, 'epoch'))
    assert isinstance(t, triggers.IntervalTrigger)
    assert t.get_training_length() == (3, 'epoch')
    fn = lambda trainer: True  # NOQA
    assert training.get_trigger(fn) is fn
    assert training.get_trigger(None)(None) is False
    with pytest.raises(TypeError, match='callable or a \\(period, unit\\)'):
        training.get_trigger(5)
    with pytest.raises(ValueError, match="'epoch' or 'iteration'"):
        training.get_trigger((1, 'epochs'))


def test_interval_trigger_iterations_and_epochs():
    assert _fire_pattern(triggers.IntervalTrigger(3, 'iteration'), 10) == [3, 6, 9]
    assert _fire_pattern(triggers.IntervalTrigger(1, 'epoch'), 10, ipe=4) == [4, 8]
    # A fractional epoch period, and epochs that end inside an iteration.
    assert _fire_pattern(triggers.IntervalTrigger(0.5, 'epoch'), 8, ipe=4) == [2, 4, 6, 8]
    assert _fire_pattern(triggers.IntervalTrigger(1, 'epoch'), 10, ipe=3.5) == [4, 7]


def test_interval_trigger_with_real_iterator_epoch_detail():
    # 10 examples, batches of 4: epochs end inside the 3rd and 5th batch.
    it = iterators.SerialIterator(list(range(10)), 4, shuffle=False)

    class U:
        iteration = 0
        epoch_detail = property(lambda self: it.epoch_detail)
    u = U()
    trainer = _FakeTrainer(u)
    trigger = triggers.IntervalTrigger(1, 'epoch')
    fired = []
    for i in range(1, 11):
        next(it)
        u.iteration = i
        if trigger(trainer):
            fired.append(i)
    assert fired == [3, 5, 8, 10]


def test_manual_schedule_trigger():
    t = triggers.ManualScheduleTrigger([2, 5], 'iteration')
    assert _fire_pattern(t, 8) == [2, 5]
    assert t.finished
    t = triggers.ManualScheduleTrigger(1.5, 'epoch')
    assert _fire_pattern(t, 10, ipe=2) == [3]


def test_min_max_value_triggers():
    def pattern(trigger):
        vals = iter([3.0, 1.0, 2.0, 0.5, 4.0])
        updater = DummyUpdater(1)
        trainer = _FakeTrainer(updater)
        fired = []
        for _ in range(5):
            updater.update()
            trainer.observation = {'v': next(vals)}
            if trigger(trainer):
                fired.append(updater.iteration)
        return fired
    assert pattern(triggers.MinValueTrigger('v', (1, 'iteration'))) == [1, 2, 4]
    assert pattern(triggers.MaxValueTrigger('v', (1, 'iteration'))) == [1, 5]
    t = triggers.MaxValueTrigger('missing', (1, 'iteration'))
    updater = DummyUpdater(1)
    updater.update()
    with pytest.raises(KeyError, match='missing'):
        t(_FakeTrainer(updater))


def test_once_trigger():
    t = triggers.OnceTrigger()
    assert [t(None) for _ in range(3)] == [True, False, False]


# -- StandardUpdater --------------------------------------------------------------------
def _toy_setup(batch_size=2, n=6, optimizer=None, seed=0):
    np.random.seed(seed)
    x = np.random.randn(n, 3).astype(np.float32)
    t = (x[:, 0] > 0).astype(np.int32)
    model = L.Classifier(L.Linear(3, 2))
    opt = (optimizer or optimizers.SGD(lr=0.1)).setup(model)
    it = iterators.SerialIterator(datasets.TupleDataset(x, t), batch_size, shuffle=False)
    return model, opt, it, x, t


def test_standard_updater_counts_and_follows_the_iterator():
    model, opt, it, x, t = _toy_setup()
    updater = training.updaters.StandardUpdater(it, opt)
    assert training.StandardUpdater is training.updaters.StandardUpdater
    assert updater.get_optimizer('main') is opt
    assert updater.get_iterator('main') is it
    assert updater.get_all_optimizers() == {'main': opt}
    for i in range(3):
        updater.update()
    assert updater.iteration == 3
    assert (updater.epoch, updater.is_new_epoch, updater.epoch_detail) == (1, True, 1.0)
    assert opt.t == 3
    assert opt.epoch == 1          # auto_new_epoch told the optimizer


def test_standard_updater_does_exactly_one_sgd_step_on_the_batch():
    model, opt, it, x, t = _toy_setup()
    W0 = model.predictor.W.data.copy()
    b0 = model.predictor.b.data.copy()
    updater = training.StandardUpdater(it, opt)
    updater.update()
    # The same step by hand on the first batch.
    ref = L.Classifier(L.Linear(3, 2, initialW=W0.copy(), initial_bias=b0.copy()))
    loss = ref(x[:2], t[:2])
    loss.backward()
    np.testing.assert_allclose(model.predictor.W.data,
                               W0 - 0.1 * ref.predictor.W.grad, rtol=1e-6)
    np.testing.assert_allclose(model.predictor.b.data,
                               b0 - 0.1 * ref.predictor.b.grad, rtol=1e-6)


def test_standard_updater_converter_and_loss_func():
    model, opt, it, x, t = _toy_setup()
    seen = []

    def converter(batch, device):
        seen.append((len(batch), device))
        xs, ts = teachgrad.dataset.concat_examples(batch)
        return {'xs': xs, 'ts': ts}

    def loss_func(xs, ts):
        return model(xs, ts)
    updater = training.StandardUpdater(it, opt, converter=converter, loss_func=loss_func)
    updater.update()
    assert seen == [(2, None)]
    assert opt.t == 1


def test_standard_updater_needs_a_set_up_optimizer():
    _, _, it, _, _ = _toy_setup()
    with pytest.raises(ValueError, match='setup'):
        training.StandardUpdater(it, optimizers.SGD())


def test_trainer_registers_the_model_and_its_links_as_observers():
    model, opt, it, x, t = _toy_setup()
    trainer = training.Trainer(training.StandardUpdater(it, opt), (1, 'iteration'))
    obs = {}
    with trainer.reporter.scope(obs):
        teachgrad.report({'a': 1}, model)
        teachgrad.report({'b': 2}, model.predictor)
    assert obs == {'main/a': 1, 'main/predictor/b': 2}


# -- the real thing -----------------------------------------------------------------------
class MLP(teachgrad.Chain):
    def __init__(self, n_units=100, n_out=10):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(64, n_units)
            self.l2 = L.Linear(n_units, n_units)
            self.l3 = L.Linear(n_units, n_out)

    def forward(self, x):
        h = F.relu(self.l1(x))
        h = F.relu(self.l2(h))
        return self.l3(h)


def test_mlp_learns_the_digits_to_95_percent_in_10_epochs(tmp_path):
    np.random.seed(1)
    train, test = datasets.get_digits()
    model = L.Classifier(MLP())
    optimizer = optimizers.Adam(alpha=0.003).setup(model)
    train_iter = iterators.SerialIterator(train, 32)
    test_iter = iterators.SerialIterator(test, 360, repeat=False, shuffle=False)
    updater = training.updaters.StandardUpdater(train_iter, optimizer)
    trainer = training.Trainer(updater, (10, 'epoch'), out=str(tmp_path))
    trainer.extend(extensions.Evaluator(test_iter, model))
    trainer.extend(extensions.LogReport())
    trainer.run()

    log = trainer.get_extension('LogReport').log
    assert [e['epoch'] for e in log] == list(range(1, 11))
    assert log[-1]['iteration'] == updater.iteration == 450   # ceil(1437 * 10 / 32)
    assert log[0]['main/loss'] > log[-1]['main/loss']
    accuracy = log[-1]['validation/main/accuracy']
    assert accuracy >= 0.95, [e['validation/main/accuracy'] for e in log]
    # The Evaluator's number is the plain test accuracy (one batch of all 360).
    with teachgrad.no_backprop_mode(), teachgrad.using_config('train', False):
        x, t = teachgrad.dataset.concat_examples(test[:])
        pred = model.predictor(x).data.argmax(axis=1)
    assert float((pred == t).mean()) == pytest.approx(accuracy, abs=1e-6)


def test_early_stopping_trigger(tmp_path):
    losses = iter([3.0, 2.0, 2.5, 2.1, 2.2, 1.0])
    trainer = training.Trainer(
        DummyUpdater(1),
        triggers.EarlyStoppingTrigger(check_trigger=(1, 'iteration'), monitor='v',
                                      patience=3, max_trigger=(100, 'iteration')),
        out=str(tmp_path))

    @training.make_extension(priority=training.PRIORITY_WRITER)
    def writer(t):
        teachgrad.report({'v': next(losses)})
    trainer.extend(writer)
    trainer.run()
    # best 2.0 at iteration 2; 2.5, 2.1, 2.2 are no better: stop after the third.
    assert trainer.updater.iteration == 5
    assert trainer.stop_trigger.get_training_length() == (100, 'iteration')


def test_early_stopping_trigger_max_trigger_and_mode():
    t = triggers.EarlyStoppingTrigger(monitor='validation/main/accuracy',
                                      max_trigger=(3, 'iteration'))
    assert t.best == -float('inf')             # 'auto' maximizes accuracies
    updater = DummyUpdater(10)
    fired = []
    for _ in range(3):
        updater.update()
        fired.append(t(_FakeTrainer(updater)))
    assert fired == [False, False, True]
    with pytest.raises(ValueError, match='mode'):
        triggers.EarlyStoppingTrigger(mode='best')


@pytest.mark.gpu
@pytest.mark.skipif(not teachgrad.backend.gpu_available(), reason='needs cupy and a CUDA GPU')
def test_training_on_the_gpu_with_device_0(tmp_path):
    import cupy
    batch = [(np.ones(3, 'f'), np.int32(1)), (np.zeros(3, 'f'), np.int32(0))]
    x, t = teachgrad.dataset.concat_examples(batch, device=0)
    assert isinstance(x, cupy.ndarray) and isinstance(t, cupy.ndarray)

    np.random.seed(1)
    train, test = datasets.get_digits()
    model = L.Classifier(MLP())
    optimizer = optimizers.Adam(alpha=0.003).setup(model)
    updater = training.StandardUpdater(iterators.SerialIterator(train, 32), optimizer,
                                       device=0)
    assert isinstance(model.predictor.l1.W.data, cupy.ndarray)
    trainer = training.Trainer(updater, (3, 'epoch'), out=str(tmp_path))
    trainer.extend(extensions.Evaluator(
        iterators.SerialIterator(test, 100, repeat=False, shuffle=False), model, device=0))
    trainer.extend(extensions.LogReport())
    trainer.extend(extensions.FailOnNonNumber())
    trainer.run()
    log = trainer.get_extension('LogReport').log
    assert all(isinstance(e['main/loss'], float) for e in log)
    assert log[-1]['validation/main/accuracy'] >= 0.9
