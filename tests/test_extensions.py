"""Trainer extensions: LogReport, PrintReport, ProgressBar, PlotReport, Evaluator,
snapshots, observe_value/observe_lr, FailOnNonNumber, ExponentialShift, dump_graph."""
import io
import json
import os

import numpy as np
import pytest

import teachgrad
import teachgrad.links as L
from teachgrad import datasets, iterators, optimizers, serializers, training
from teachgrad.training import extensions
from teachgrad.training.extensions import progress_bar as progress_bar_module
from teachgrad.training.extensions import plot_report as plot_report_module

from test_training import DummyUpdater


def reporting_trainer(tmp_path, values, stop=(4, 'iteration'), ipe=2):
    """A trainer whose iteration i reports values[i - 1] (a dict)."""
    trainer = training.Trainer(DummyUpdater(ipe), stop, out=str(tmp_path))

    @training.make_extension(priority=training.PRIORITY_WRITER)
    def writer(t):
        teachgrad.report(values[t.updater.iteration - 1])
    trainer.extend(writer)
    return trainer


# -- LogReport -------------------------------------------------------------------------
def test_log_report_means_per_epoch_and_json_file(tmp_path):
    values = [{'loss': 1.0, 'acc': 0.0}, {'loss': 3.0, 'acc': 1.0},
              {'loss': 0.5}, {'loss': np.float32(1.5), 'acc': 0.5}]
    trainer = reporting_trainer(tmp_path, values)
    log_report = extensions.LogReport()
    trainer.extend(log_report)
    trainer.run()
    log = log_report.log
    assert [(e['epoch'], e['iteration'], e['loss'], e['acc']) for e in log] == [
        (1, 2, 2.0, 0.5), (2, 4, 1.0, 0.5)]
    assert all(isinstance(e['loss'], float) for e in log)
    assert all(e['elapsed_time'] >= 0 for e in log)
    with open(str(tmp_path / 'log')) as f:
        assert json.load(f) == log


def test_log_report_keys_trigger_postprocess_and_filename(tmp_path):
    values = [{'a': float(i), 'b': 1.0} for i in range(6)]
    trainer = reporting_trainer(tmp_path, values, stop=(6, 'iteration'))

    def postprocess(entry):
        entry['a2'] = entry['a'] * 2
    log_report = extensions.LogReport(keys=['a'], trigger=(3, 'iteration'),
                                      postprocess=postprocess, filename='log_{iteration}')
    trainer.extend(log_report)
    trainer.run()
    assert [(e['a'], e['a2'], 'b' in e) for e in log_report.log] == [
        (1.0, 2.0, False), (4.0, 8.0, False)]
    assert sorted(os.listdir(str(tmp_path))) == ['log_3', 'log_6']


def test_log_report_without_file(tmp_path):
    trainer = reporting_trainer(tmp_path, [{'x': 1.0}] * 4)
    trainer.extend(extensions.LogReport(log_name=None))
    trainer.run()
    assert os.listdir(str(tmp_path)) == []


# -- PrintReport -------------------------------------------------------------------------
def test_print_report_table(tmp_path):
    values = [{'main/loss': 0.123456789}, {'main/loss': 0.5},
              {'main/loss': 2.0}, {'main/loss': 1.0}]
    trainer = reporting_trainer(tmp_path, values)
    out = io.StringIO()
    trainer.extend(extensions.LogReport(log_name=None))
    trainer.extend(extensions.PrintReport(['epoch', 'main/loss', 'missing'], out=out))
    trainer.run()
    assert out.getvalue() == (
        'epoch       main/loss   missing\n'
        '1           0.311728\n'
        '2           1.5\n')


def test_print_report_goes_to_current_stdout_by_default(tmp_path, capsys):
    trainer = reporting_trainer(tmp_path, [{'x': 1.0}] * 4)
    trainer.extend(extensions.LogReport(log_name=None))
    trainer.extend(extensions.PrintReport(['epoch', 'x']))
    trainer.run()
    assert capsys.readouterr().out == 'epoch       x\n1           1\n2           1\n'


def test_print_report_with_an_unregistered_log_report(tmp_path):
    trainer = reporting_trainer(tmp_path, [{'x': 2.0}] * 4)
    out = io.StringIO()
    trainer.extend(extensions.PrintReport(['x'], log_report=extensions.LogReport(
        filename=None), out=out))
    trainer.run()
    assert out.getvalue() == 'x\n2\n2\n'


class _TTY(io.StringIO):
    def isatty(self):
        return True


def test_print_report_clears_the_progress_line_only_in_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setenv('TERM', 'xterm')
    trainer = reporting_trainer(tmp_path, [{'x': 1.0}] * 4)
    out = _TTY()
    trainer.extend(extensions.LogReport(log_name=None))
    trainer.extend(extensions.PrintReport(['x'], out=out))
    trainer.run()
    assert out.getvalue() == '\033[Jx\n\033[J1\n\033[J1\n'


def test_print_report_with_a_wrong_log_report_type(tmp_path):
    trainer = reporting_trainer(tmp_path, [{}] * 4)
    trainer.extend(extensions.PrintReport(['x'], log_report=3, out=io.StringIO()))
    with pytest.raises(TypeError, match='LogReport'):
        trainer.run()


# -- ProgressBar -------------------------------------------------------------------------
def test_progress_bar_not_interactive_prints_only_the_final_state(tmp_path):
    out = io.StringIO()
    trainer = training.Trainer(DummyUpdater(4), (3, 'epoch'), out=str(tmp_path))
    trainer.extend(extensions.ProgressBar(update_interval=1, out=out))
    trainer.run()
    assert out.getvalue() == (
        '[##############################] 100.00%  epoch 3/3  iteration 12\n')


def test_progress_bar_stopped_early_and_iteration_unit(tmp_path):
    out = io.StringIO()
    trainer = training.Trainer(DummyUpdater(4, fail_at=4), (10, 'iteration'),
                               out=str(tmp_path))
    trainer.extend(extensions.ProgressBar(out=out, bar_length=10))
    with pytest.raises(ValueError):
        trainer.run(show_loop_exception_msg=False)
    assert out.getvalue() == '[###.......]  30.00%  iteration 3/10  epoch 0\n'


def test_progress_bar_without_known_length(tmp_path):
    out = io.StringIO()
    trainer = training.Trainer(DummyUpdater(4), lambda t: t.updater.iteration >= 5,
                               out=str(tmp_path))
    trainer.extend(extensions.ProgressBar(out=out))
    trainer.run()
    assert out.getvalue() == 'epoch 1  iteration 5\n'


def test_progress_bar_show_timing_in_final_line(tmp_path):
    out = io.StringIO()
    trainer = training.Trainer(DummyUpdater(4), (1, 'epoch'), out=str(tmp_path))
    trainer.extend(extensions.ProgressBar(out=out, show_timing=True))
    trainer.run()
    assert 'iters/sec' in out.getvalue()


def test_progress_bar_in_a_terminal_redraws_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv('TERM', 'xterm')
    out = _TTY()
    trainer = training.Trainer(DummyUpdater(4), (2, 'epoch'), out=str(tmp_path))
    trainer.extend(extensions.ProgressBar(update_interval=2, bar_length=8, out=out))
    trainer.run()
    text = out.getvalue()
    draws = text.split('\033[J')[1:]
    # At least every 2 iterations (more often when 0.1 s passed), plus the final line.
    assert len(draws) >= 4 + 1
    assert any(d.startswith('[##......]  25.00%  epoch 0/2  iteration 2  ') for d in draws)
    assert all(d.endswith('\r') for d in draws[:-1])
    assert 'iters/sec' in draws[0] and 'ETA' in draws[0]
    assert draws[-1] == '[########] 100.00%  epoch 2/2  iteration 8\n'
    assert '\n' not in ''.join(draws[:-1])


class _FakeWidget:
    def __init__(self, **kw):
        self.__dict__.update(kw)
        self.bar_style = ''

    def _repr_mimebundle_(self, **kwargs):
        return {'text/plain': 'HBox(children=(...random state...))',
                'application/vnd.jupyter.widget-view+json': {'model_id': 'abc'}}


class _FakeIpywidgets:
    @staticmethod
    def FloatProgress(**kw):
        return _FakeWidget(**kw)

    @staticmethod
    def HTML(**kw):
        return _FakeWidget(**kw)

    @staticmethod
    def HBox(children):
        return _FakeWidget(children=children)

    @staticmethod
    def Layout(**kw):
        return kw


def test_progress_bar_in_a_notebook_shows_a_widget_with_stable_text(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(progress_bar_module, 'in_notebook', lambda: True)
    monkeypatch.setattr(progress_bar_module, '_ipywidgets', lambda: _FakeIpywidgets)
    IPython_display = pytest.importorskip('IPython.display')
    monkeypatch.setattr(IPython_display, 'display', lambda obj, **kw: shown.append(obj))
    trainer = training.Trainer(DummyUpdater(4), (3, 'epoch'), out=str(tmp_path))
    trainer.extend(extensions.ProgressBar(update_interval=1))
    trainer.run()
    assert len(shown) == 1                      # one output, updated in place
    bundle = shown[0]._repr_mimebundle_()
    assert bundle['text/plain'] == 'ProgressBar: 3 epochs'
    assert bundle['application/vnd.jupyter.widget-view+json'] == {'model_id': 'abc'}
    bar, label = shown[0].widget.children
    assert bar.value == 1.0 and bar.bar_style == 'success'
    assert label.value == '<code>epoch 3/3  iteration 12</code>'


def test_progress_bar_in_a_notebook_without_ipywidgets_prints_final_line(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(progress_bar_module, 'in_notebook', lambda: True)
    monkeypatch.setattr(progress_bar_module, '_ipywidgets', lambda: None)
    trainer = training.Trainer(DummyUpdater(4), (1, 'epoch'), out=str(tmp_path))
    trainer.extend(extensions.ProgressBar())
    trainer.run()
    assert capsys.readouterr().out == (
        '[##############################] 100.00%  epoch 1/1  iteration 4\n')


def test_in_notebook_is_false_here():
    from teachgrad.training.util import in_notebook
    assert in_notebook() is False


# -- PlotReport --------------------------------------------------------------------------
def test_plot_report_writes_a_png_with_the_points(tmp_path):
    values = [{'main/loss': v} for v in [4.0, 2.0, 1.0, 3.0, 0.5, 0.5]]
    trainer = reporting_trainer(tmp_path, values, stop=(6, 'iteration'))
    plot = extensions.PlotReport(['main/loss', 'never'], x_key='epoch', filename='loss.png')
    trainer.extend(plot)
    trainer.run()
    assert plot.data == {'main/loss': [(1, 3.0), (2, 2.0), (3, 0.5)], 'never': []}
    with open(str(tmp_path / 'loss.png'), 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    assert sorted(os.listdir(str(tmp_path))) == ['loss.png']


def test_plot_report_old_file_name_argument_and_postprocess(tmp_path):
    called = []
    trainer = reporting_trainer(tmp_path, [{'a': 1.0}] * 4)
    trainer.extend(extensions.PlotReport('a', file_name='p.png',
                                         postprocess=lambda f, a, s: called.append(s)))
    trainer.run()
    assert os.path.exists(str(tmp_path / 'p.png'))
    assert len(called) == 2 and called[0] == {'a': 1.0}


def test_plot_report_shows_one_updated_image_in_a_notebook(tmp_path, monkeypatch):
    events = []

    class Handle:
        def update(self, obj):
            events.append(('update', type(obj).__name__))
    IPython_display = pytest.importorskip('IPython.display')

    def display(obj, display_id=False):
        events.append(('display', type(obj).__name__, display_id))
        return Handle()
    monkeypatch.setattr(IPython_display, 'display', display)
    monkeypatch.setattr(plot_report_module, 'in_notebook', lambda: True)
    trainer = reporting_trainer(tmp_path, [{'a': 1.0}] * 6, stop=(6, 'iteration'))
    trainer.extend(extensions.PlotReport('a'))

    @training.make_extension(trigger=(1, 'epoch'))
    def table(t):
        events.append(('table row', t.updater.epoch))
    trainer.extend(table)
    trainer.run()
    # the image is shown when training starts, then updated at each epoch: nothing
    # the trainer prints per epoch (PrintReport's table) comes before it
    assert events == [('display', 'Image', True), ('update', 'Image'), ('table row', 1),
                      ('update', 'Image'), ('table row', 2), ('update', 'Image'),
                      ('table row', 3)]


def test_plot_report_without_matplotlib_warns_once(tmp_path, monkeypatch):
    monkeypatch.setattr(plot_report_module, '_matplotlib_available', lambda: False)
    trainer = reporting_trainer(tmp_path, [{'a': 1.0}] * 4)
    trainer.extend(extensions.PlotReport('a'))
    with pytest.warns(UserWarning, match='teachgrad\\[training\\]') as record:
        trainer.run()
    assert len(record) == 1
    assert os.listdir(str(tmp_path)) == []


# -- Evaluator ------------------------------------------------------------------------------
class _Probe(teachgrad.Chain):
    """Reports the batch mean of x, and records the configuration it ran under."""

    def __init__(self):
        super().__init__()
        self.configs = []

    def forward(self, x, t):
        self.configs.append((teachgrad.config.train, teachgrad.config.enable_backprop))
        teachgrad.report({'mean': float(x.mean()), 'n': float(len(x))}, self)
        return teachgrad.Variable(np.array(0.0, 'f'))


def test_evaluator_reports_batch_means_under_validation_prefix(tmp_path):
    x = np.arange(5, dtype=np.float32)
    t = np.zeros(5, dtype=np.int32)
    probe = _Probe()
    it = iterators.SerialIterator(datasets.TupleDataset(x, t), 2, repeat=False,
                                  shuffle=False)
    trainer = training.Trainer(DummyUpdater(2), (4, 'iteration'), out=str(tmp_path))
    trainer.reporter.add_observer('main', probe)
    evaluator = extensions.Evaluator(it, probe)
    trainer.extend(evaluator)
    log = extensions.LogReport(log_name=None)
    trainer.extend(log)
    trainer.run()
    # Batches [0, 1], [2, 3], [4]: each counts once (Chainer's rule).
    assert log.log[0]['validation/main/mean'] == pytest.approx((0.5 + 2.5 + 4) / 3)
    assert log.log[0]['validation/main/n'] == pytest.approx(5 / 3)
    assert len(log.log) == 2                   # it ran each epoch, over the whole set
    assert set(probe.configs) == {(False, False)}
    assert teachgrad.config.train is True and teachgrad.config.enable_backprop is True
    assert evaluator.default_name == 'validation'
    assert evaluator.priority == training.PRIORITY_WRITER
    assert evaluator.trigger == (1, 'epoch')


def test_evaluator_called_directly_returns_means():
    probe = _Probe()
    it = iterators.SerialIterator(
        datasets.TupleDataset(np.ones(4, 'f'), np.zeros(4, 'i')), 4, repeat=False)
    result = extensions.Evaluator(it, probe)()
    assert result == {'main/mean': 1.0, 'main/n': 4.0}


def test_evaluator_with_classifier_reports_loss_and_accuracy():
    np.random.seed(0)
    x = np.random.randn(10, 3).astype('f')
    t = np.random.randint(0, 2, 10).astype('i')
    model = L.Classifier(L.Linear(3, 2))
    it = iterators.SerialIterator(datasets.TupleDataset(x, t), 10, repeat=False)
    evaluator = extensions.Evaluator(it, {'main': model})
    evaluator.name = 'validation'
    observation = {}
    with teachgrad.Reporter().scope(observation):
        evaluator()
    assert set(observation) == {'validation/main/loss', 'validation/main/accuracy'}
    y = model.predictor(x).data
    assert float(observation['validation/main/accuracy']) == pytest.approx(
        float((y.argmax(1) == t).mean()))
    assert model.predictor.W.grad is None      # evaluation computes no gradients


def test_evaluator_refuses_a_repeating_iterator():
    it = iterators.SerialIterator([1, 2], 1)
    with pytest.raises(ValueError, match='repeat=False'):
        extensions.Evaluator(it, _Probe())


# -- observe_value / observe_lr / FailOnNonNumber / ExponentialShift --------------------------
def _classifier_trainer(tmp_path, opt, stop=(2, 'epoch'), shuffle=False, seed=0):
    np.random.seed(seed)
    x = np.random.randn(8, 3).astype('f')
    t = (x[:, 0] > 0).astype('i')
    model = L.Classifier(L.Linear(3, 2))
    opt.setup(model)
    it = iterators.SerialIterator(datasets.TupleDataset(x, t), 4, shuffle=shuffle)
    updater = training.StandardUpdater(it, opt)
    return model, training.Trainer(updater, stop, out=str(tmp_path))


def test_observe_lr_and_observe_value(tmp_path):
    model, trainer = _classifier_trainer(tmp_path, optimizers.SGD(lr=0.05))
    trainer.extend(extensions.observe_lr())
    trainer.extend(extensions.observe_value('t', lambda tr: tr.updater.iteration * 10))
    log = extensions.LogReport(log_name=None)
    trainer.extend(log)
    trainer.run()
    assert [(e['lr'], e['t']) for e in log.log] == [(0.05, 20.0), (0.05, 40.0)]


def test_exponential_shift(tmp_path):
    opt = optimizers.SGD(lr=0.1)
    model, trainer = _classifier_trainer(tmp_path, opt, stop=(3, 'epoch'))
    trainer.extend(extensions.ExponentialShift('lr', 0.5), trigger=(1, 'epoch'))
    trainer.extend(extensions.observe_lr())
    log = extensions.LogReport(log_name=None)
    trainer.extend(log)
    trainer.run()
    # observe_lr (a writer) runs before the shift (a reader) in the same iteration.
    assert [e['lr'] for e in log.log] == [0.1, 0.05, 0.025]
    assert opt.lr == 0.0125


def test_fail_on_non_number_names_the_parameter(tmp_path):
    model, trainer = _classifier_trainer(tmp_path, optimizers.SGD())
    trainer.extend(extensions.FailOnNonNumber())

    @training.make_extension(priority=training.PRIORITY_WRITER)
    def poison(t):
        if t.updater.iteration == 3:
            model.predictor.b.data[0] = np.nan
    trainer.extend(poison)
    with pytest.raises(RuntimeError, match='/predictor/b.*iteration 3'):
        trainer.run(show_loop_exception_msg=False)


# -- snapshots ----------------------------------------------------------------------------
def test_snapshot_object_saves_the_model_each_epoch(tmp_path):
    model, trainer = _classifier_trainer(tmp_path, optimizers.SGD())
    trainer.extend(extensions.snapshot_object(model.predictor,
                                              'linear_{.updater.epoch}.npz'))
    trainer.run()
    assert sorted(os.listdir(str(tmp_path))) == ['linear_1.npz', 'linear_2.npz']
    loaded = L.Linear(3, 2)
    serializers.load_npz(str(tmp_path / 'linear_2.npz'), loaded)
    np.testing.assert_array_equal(loaded.W.data, model.predictor.W.data)


def test_snapshot_uses_savefun_condition_and_n_retains(tmp_path):
    saved = []

    def savefun(path, obj):
        saved.append(os.path.basename(path))
        with open(path, 'w') as f:
            f.write('x')
    model, trainer = _classifier_trainer(tmp_path, optimizers.SGD(), stop=(4, 'epoch'))
    flags = iter([True, False, True, True])
    trainer.extend(extensions.snapshot(savefun=savefun, condition=lambda: next(flags),
                                       n_retains=1))
    trainer.run()
    assert saved == ['snapshot_iter_2', 'snapshot_iter_6', 'snapshot_iter_8']
    assert os.listdir(str(tmp_path)) == ['snapshot_iter_8']


def test_snapshot_on_error(tmp_path):
    saved = []
    trainer = training.Trainer(DummyUpdater(10, fail_at=3), (1, 'epoch'), out=str(tmp_path))
    trainer.extend(extensions.snapshot(savefun=lambda p, o: saved.append(o),
                                       snapshot_on_error=True))
    with pytest.raises(ValueError):
        trainer.run(show_loop_exception_msg=False)
    assert saved == [trainer]


def _full_trainer(tmp_path, stop):
    opt = optimizers.Adam()
    model, trainer = _classifier_trainer(tmp_path, opt, stop=stop, shuffle=True)
    trainer.extend(extensions.LogReport())
    trainer.extend(extensions.snapshot(), trigger=(2, 'epoch'))
    return model, opt, trainer


def test_resume_from_a_trainer_snapshot_continues_exactly(tmp_path):
    # Trainer a trains 4 epochs in one go, saving the whole trainer after epoch 2.
    model_a, opt_a, trainer_a = _full_trainer(tmp_path / 'a', (4, 'epoch'))
    trainer_a.run()
    snapshot = str(tmp_path / 'a' / 'snapshot_iter_4')
    assert os.path.exists(snapshot)

    # Trainer b is built the same way, loads that snapshot and trains epochs 3-4.
    model_b, opt_b, trainer_b = _full_trainer(tmp_path / 'b', (4, 'epoch'))
    serializers.load_npz(snapshot, trainer_b)
    assert trainer_b.updater.iteration == 4 and opt_b.t == 4
    assert trainer_b.updater.epoch_detail == 2.0
    log_b = trainer_b.get_extension('LogReport')
    assert len(log_b.log) == 2
    # Epoch 3's order is in the snapshot; epoch 4's is drawn from numpy's global
    # random state, which must be where a's was: replay a's draws for epochs 2, 3.
    np.random.permutation(8)
    np.random.permutation(8)
    trainer_b.run()
    assert trainer_b.updater.iteration == 8
    np.testing.assert_array_equal(model_b.predictor.W.data, model_a.predictor.W.data)
    np.testing.assert_array_equal(model_b.predictor.b.data, model_a.predictor.b.data)
    log_a = trainer_a.get_extension('LogReport').log
    assert [e['main/loss'] for e in log_b.log] == [e['main/loss'] for e in log_a]


def test_loading_a_snapshot_into_a_different_trainer_changes_nothing(tmp_path):
    model_a, _, trainer_a = _full_trainer(tmp_path / 'a', (2, 'epoch'))
    trainer_a.run()
    model_b, trainer_b = _classifier_trainer(tmp_path / "b", optimizers.Adam())
    W = model_b.predictor.W.data.copy()
    with pytest.raises(KeyError, match='LogReport'):
        serializers.load_npz(str(tmp_path / 'a' / 'snapshot_iter_4'), trainer_b)
    np.testing.assert_array_equal(model_b.predictor.W.data, W)
    assert trainer_b.updater.iteration == 0


# -- dump_graph ----------------------------------------------------------------------------
def test_dump_graph_writes_the_loss_graph_once(tmp_path):
    pytest.importorskip('graphviz')             # teachgrad.viz builds DOT with it
    model, trainer = _classifier_trainer(tmp_path, optimizers.SGD())
    trainer.extend(extensions.dump_graph('main/loss'))
    trainer.run()
    with open(str(tmp_path / 'cg.dot')) as f:
        dot = f.read()
    assert dot.startswith('digraph')
    assert 'Linear' in dot
    assert teachgrad.config.keep_graph_on_report is False
