"""Snapshot writers: every kind writes a file that loads back exactly, saves
atomically (a failing savefun leaves the disk as it was), reports background
failures in the training loop, and writes everything queued when finalized."""
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import teachgrad.links as L
from teachgrad import datasets, iterators, optimizers, serializers, training
from teachgrad.training import extensions
from teachgrad.training.extensions import snapshot_writers as sw

KINDS = ['SimpleWriter', 'ThreadWriter', 'ProcessWriter', 'ThreadQueueWriter',
         'ProcessQueueWriter']
BACKGROUND = KINDS[1:]


def _trainer(out, stop=(2, 'epoch'), seed=0):
    np.random.seed(seed)
    x = np.random.randn(8, 3).astype('f')
    t = (x[:, 0] > 0).astype('i')
    model = L.Classifier(L.Linear(3, 2))
    optimizer = optimizers.Adam().setup(model)
    it = iterators.SerialIterator(datasets.TupleDataset(x, t), 4, shuffle=False)
    updater = training.StandardUpdater(it, optimizer)
    return model, optimizer, training.Trainer(updater, stop, out=str(out))


def _state(model, optimizer):
    """Every array a resumed run needs, by name: parameters and Adam's state."""
    state = {'optimizer.t': np.array(optimizer.t)}
    for name, param in model.namedparams():
        state[name] = param.data.copy()
        state[name + '/t'] = np.array(param.update_rule.t)
        for key, value in (param.update_rule.state or {}).items():
            state[name + '/' + key] = value.copy()
    return state


def _assert_same_state(a, b):
    assert sorted(a) == sorted(b)
    for key in a:
        assert a[key].dtype == b[key].dtype, key
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def _listing(path):
    """Everything in ``path``, folders included (a leftover temporary folder shows)."""
    return sorted(os.listdir(str(path)))


# Module-level, so that the process writers can pickle them.
def half_then_fail(path, target):
    """Write half of a real snapshot, then fail, as a full disk would."""
    import io
    buffer = io.BytesIO()
    serializers.save_npz(buffer, target)
    data = buffer.getvalue()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])
    raise OSError('disk full (simulated) after {} of {} bytes'.format(
        len(data) // 2, len(data)))


def exit_abruptly(path, target):
    os._exit(3)                 # as if the worker process were killed


def save_uncompressed(path, target, marker=None):
    serializers.save_npz(path, target, compression=False)
    if marker is not None:
        with open(marker, 'a') as f:
            f.write(os.path.basename(path) + '\n')


# -- each writer writes a file that loads back exactly ------------------------------------
@pytest.mark.parametrize('kind', KINDS)
def test_each_writer_saves_a_trainer_that_loads_back_exactly(tmp_path, kind):
    model, optimizer, trainer = _trainer(tmp_path / 'a')
    trainer.run()
    writer = getattr(sw, kind)()
    writer('snapshot', str(tmp_path / 'out'), trainer)
    writer.finalize()
    assert _listing(tmp_path / 'out') == ['snapshot']

    model_b, optimizer_b, trainer_b = _trainer(tmp_path / 'b', seed=1)
    assert not np.array_equal(model_b.predictor.W.data, model.predictor.W.data)
    serializers.load_npz(str(tmp_path / 'out' / 'snapshot'), trainer_b)
    _assert_same_state(_state(model_b, optimizer_b), _state(model, optimizer))
    assert optimizer_b.t == 4 and trainer_b.updater.iteration == 4


@pytest.mark.parametrize('kind', KINDS)
def test_each_writer_passes_its_savefun_keywords(tmp_path, kind):
    link = L.Linear(3, 2)
    marker = str(tmp_path / 'marker')
    writer = getattr(sw, kind)(save_uncompressed) if 'Queue' in kind else \
        getattr(sw, kind)(save_uncompressed, marker=marker)
    writer('linear.npz', str(tmp_path), link)
    writer.finalize()
    import zipfile
    with zipfile.ZipFile(str(tmp_path / 'linear.npz')) as z:
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_STORED}
    if 'Queue' not in kind:
        with open(marker) as f:
            assert f.read() == 'linear.npz\n'
    loaded = L.Linear(3, 2)
    serializers.load_npz(str(tmp_path / 'linear.npz'), loaded)
    np.testing.assert_array_equal(loaded.W.data, link.W.data)


@pytest.mark.parametrize('kind', ['ThreadWriter', 'ThreadQueueWriter'])
def test_a_background_snapshot_holds_the_values_of_the_moment_of_the_call(tmp_path, kind):
    # The savefun waits until the parameters have changed: the file must
    # still hold the values of the call, not those at the time of writing.
    gate = threading.Event()

    def gated_save(path, target):
        assert gate.wait(10)
        serializers.save_npz(path, target)
    link = L.Linear(3, 2)
    before = link.W.data.copy()
    writer = getattr(sw, kind)(gated_save)
    writer('linear.npz', str(tmp_path), link)
    link.W.data[...] = 99.0
    gate.set()
    writer.finalize()
    loaded = L.Linear(3, 2)
    serializers.load_npz(str(tmp_path / 'linear.npz'), loaded)
    np.testing.assert_array_equal(loaded.W.data, before)


def test_a_plain_dict_of_arrays_is_saved_as_chainer_writers_do(tmp_path):
    arrays = {'a': np.arange(3, dtype='f'), 'b/c': np.eye(2)}
    sw.SimpleWriter()('d.npz', str(tmp_path), arrays)
    with np.load(str(tmp_path / 'd.npz'), allow_pickle=False) as f:
        assert sorted(f.files) == ['a', 'b/c']
        np.testing.assert_array_equal(f['a'], arrays['a'])
        assert f['a'].dtype == np.float32


def test_process_writers_work_with_the_spawn_start_method(tmp_path, monkeypatch):
    # spawn pickles everything sent to the child: the frozen arrays and save_npz.
    monkeypatch.setattr(sw, '_process_start_method', 'spawn')
    link = L.Linear(3, 2)
    for kind in ['ProcessWriter', 'ProcessQueueWriter']:
        writer = getattr(sw, kind)()
        writer(kind + '.npz', str(tmp_path), link)
        writer.finalize()
        loaded = L.Linear(3, 2)
        serializers.load_npz(str(tmp_path / (kind + '.npz')), loaded)
        np.testing.assert_array_equal(loaded.W.data, link.W.data)
        np.testing.assert_array_equal(loaded.b.data, link.b.data)


# -- a trainer run with each writer ----------------------------------------------------------
@pytest.mark.parametrize('kind', KINDS)
def test_a_trainer_run_with_each_writer_leaves_the_expected_files(tmp_path, kind):
    model, optimizer, trainer = _trainer(tmp_path / 'run', stop=(3, 'epoch'))
    trainer.extend(extensions.snapshot(writer=getattr(sw, kind)()), trigger=(1, 'epoch'))
    trainer.extend(extensions.snapshot_object(model.predictor, 'linear_{.updater.epoch}.npz',
                                              writer=getattr(sw, kind)()))
    trainer.run()
    assert _listing(tmp_path / 'run') == [
        'linear_1.npz', 'linear_2.npz', 'linear_3.npz',
        'snapshot_iter_2', 'snapshot_iter_4', 'snapshot_iter_6']
    loaded = L.Linear(3, 2)
    serializers.load_npz(str(tmp_path / 'run' / 'linear_3.npz'), loaded)
    np.testing.assert_array_equal(loaded.W.data, model.predictor.W.data)
    model_b, optimizer_b, trainer_b = _trainer(tmp_path / 'b', stop=(3, 'epoch'), seed=1)
    trainer_b.extend(extensions.snapshot(), trigger=(1, 'epoch'))
    trainer_b.extend(extensions.snapshot_object(model_b.predictor, 'linear_{.updater.epoch}.npz'))
    serializers.load_npz(str(tmp_path / 'run' / 'snapshot_iter_6'), trainer_b)
    assert trainer_b.updater.iteration == 6
    _assert_same_state(_state(model_b, optimizer_b), _state(model, optimizer))


@pytest.mark.parametrize('kind', ['ThreadQueueWriter', 'ProcessQueueWriter', 'ThreadWriter'])
def test_n_retains_with_a_background_writer_keeps_the_newest(tmp_path, kind):
    model, optimizer, trainer = _trainer(tmp_path, stop=(4, 'epoch'))
    trainer.extend(extensions.snapshot(writer=getattr(sw, kind)(), n_retains=2),
                   trigger=(1, 'epoch'))
    trainer.run()
    assert _listing(tmp_path) == ['snapshot_iter_6', 'snapshot_iter_8']


def test_the_docstring_example_of_snapshot_runs(tmp_path):
    model, optimizer, trainer = _trainer(tmp_path)
    writer = extensions.snapshot_writers.ProcessWriter()
    trainer.extend(extensions.snapshot(writer=writer), trigger=(1, 'epoch'))
    trainer.run()
    assert _listing(tmp_path) == ['snapshot_iter_2', 'snapshot_iter_4']
    assert writer._worker is None          # finalized by the trainer


def test_writer_functions_of_three_and_four_arguments_still_work(tmp_path):
    calls = []

    def chainer_style(filename, outdir, target):
        calls.append(('3', filename))

    def old_style(filename, outdir, target, savefun):
        calls.append(('4', filename, savefun))
    model, optimizer, trainer = _trainer(tmp_path, stop=(1, 'epoch'))
    trainer.extend(extensions.snapshot(writer=chainer_style))
    trainer.extend(extensions.snapshot(writer=old_style))
    trainer.run()
    assert calls == [('3', 'snapshot_iter_2'), ('4', 'snapshot_iter_2', serializers.save_npz)]


# -- atomic saves ------------------------------------------------------------------------
@pytest.mark.parametrize('kind', KINDS)
def test_a_savefun_that_fails_halfway_leaves_the_previous_snapshot_intact(tmp_path, kind):
    link = L.Linear(3, 2)
    sw.SimpleWriter()('model.npz', str(tmp_path), link)
    good = (tmp_path / 'model.npz').read_bytes()
    link.W.data[...] = 7.0
    writer = getattr(sw, kind)(half_then_fail)
    if kind == 'SimpleWriter':
        with pytest.raises(OSError, match='disk full'):
            writer('model.npz', str(tmp_path), link)
    else:
        writer('model.npz', str(tmp_path), link)
        with pytest.raises(RuntimeError, match=r"(?s)could not write.*'model.npz'.*disk full"):
            writer.finalize()
    assert _listing(tmp_path) == ['model.npz']            # no temporary leftovers
    assert (tmp_path / 'model.npz').read_bytes() == good
    loaded = L.Linear(3, 2)
    serializers.load_npz(str(tmp_path / 'model.npz'), loaded)
    assert not (loaded.W.data == 7.0).any()


@pytest.mark.parametrize('kind', KINDS)
def test_a_failed_save_into_a_new_folder_removes_that_folder(tmp_path, kind):
    writer = getattr(sw, kind)(half_then_fail)
    with pytest.raises((OSError, RuntimeError), match='disk full'):
        writer('model.npz', str(tmp_path / 'new' / 'deeper'), L.Linear(2, 2))
        writer.finalize()
    assert _listing(tmp_path) == []


def test_a_savefun_that_writes_elsewhere_is_told_so(tmp_path):
    writer = sw.SimpleWriter(savefun=lambda path, target: np.savez(path, a=np.zeros(1)))
    with pytest.raises(RuntimeError, match=r"without writing.*'model'.*model\.npz"):
        writer('model', str(tmp_path), None)
    assert _listing(tmp_path) == []


def test_append_keeps_the_old_contents_and_a_failed_append_keeps_the_file(tmp_path):
    def append_line(path, text):
        with open(path, 'a') as f:
            f.write(text)

    def append_then_fail(path, text):
        append_line(path, text)
        raise OSError('interrupted')
    writer = sw.Writer()
    writer.save('log.txt', str(tmp_path), 'one\n', append_line, append=True)
    writer.save('log.txt', str(tmp_path), 'two\n', append_line, append=True)
    assert (tmp_path / 'log.txt').read_text() == 'one\ntwo\n'
    with pytest.raises(OSError):
        writer.save('log.txt', str(tmp_path), 'three\n', append_then_fail, append=True)
    assert (tmp_path / 'log.txt').read_text() == 'one\ntwo\n'
    writer.save('log.txt', str(tmp_path), 'new\n', append_line)
    assert (tmp_path / 'log.txt').read_text() == 'new\n'
    assert _listing(tmp_path) == ['log.txt']


# -- background failures are raised in the training loop ------------------------------------
@pytest.mark.parametrize('kind', ['ThreadWriter', 'ProcessWriter'])
def test_a_background_failure_is_raised_at_the_next_call(tmp_path, kind):
    writer = getattr(sw, kind)(half_then_fail)
    writer('first.npz', str(tmp_path), L.Linear(2, 2))
    with pytest.raises(RuntimeError) as info:
        writer('second.npz', str(tmp_path), L.Linear(2, 2))
    message = str(info.value)
    assert "'first.npz'" in message and 'second' not in message
    assert 'OSError: disk full' in message and 'background' in message
    writer.finalize()                      # the second one was never started
    assert _listing(tmp_path) == []


def test_a_process_writer_whose_child_dies_says_so(tmp_path):
    writer = sw.ProcessWriter(exit_abruptly)
    writer('model.npz', str(tmp_path), L.Linear(2, 2))
    with pytest.raises(RuntimeError, match=r"'model.npz'.*exit code 3"):
        writer.finalize()
    assert _listing(tmp_path) == []         # its temporary folder is gone too


def test_a_process_queue_writer_whose_worker_dies_reports_and_restarts(tmp_path):
    writer = sw.ProcessQueueWriter(exit_abruptly)
    writer('a.npz', str(tmp_path), L.Linear(2, 2))
    writer._consumer.join(60)
    assert writer._consumer.exitcode == 3
    with pytest.raises(RuntimeError, match=r"'a.npz'.*stopped before writing"):
        writer('b.npz', str(tmp_path), L.Linear(2, 2))
    assert writer._consumer is None and writer._pending == []
    writer._task = sw.SimpleWriter()            # a new worker starts at the next call
    writer('c.npz', str(tmp_path), L.Linear(2, 2))
    writer.finalize()
    assert _listing(tmp_path) == ['c.npz']


@pytest.mark.parametrize('kind', BACKGROUND)
def test_a_trainer_raises_a_background_failure_and_still_finalizes_the_rest(tmp_path, kind):
    model, optimizer, trainer = _trainer(tmp_path, stop=(1, 'epoch'))
    finalized = []

    @training.make_extension(priority=-200, finalizer=lambda: finalized.append(True))
    def after_snapshots(t):
        pass
    trainer.extend(after_snapshots)
    trainer.extend(extensions.snapshot(writer=getattr(sw, kind)(half_then_fail)))
    with pytest.raises(RuntimeError, match="'snapshot_iter_2'"):
        trainer.run()
    assert finalized == [True]
    assert _listing(tmp_path) == []


def test_a_thread_writer_runs_one_save_at_a_time(tmp_path):
    running, most = [0], [0]
    lock = threading.Lock()

    def slow_save(path, target):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        threading.Event().wait(0.05)
        serializers.save_npz(path, target)
        with lock:
            running[0] -= 1
    writer = sw.ThreadWriter(slow_save)
    for i in range(4):
        writer('m{}.npz'.format(i), str(tmp_path), L.Linear(2, 2))
    writer.finalize()
    assert most[0] == 1
    assert _listing(tmp_path) == ['m0.npz', 'm1.npz', 'm2.npz', 'm3.npz']


# -- queue writers flush on finalize ------------------------------------------------------
def test_a_thread_queue_writer_writes_everything_queued_on_finalize(tmp_path):
    gate = threading.Event()
    order = []

    def gated_save(path, target):
        assert gate.wait(10)
        order.append(os.path.basename(path))
        serializers.save_npz(path, target)
    writer = sw.ThreadQueueWriter(gated_save)
    for i in range(3):
        writer('m{}.npz'.format(i), str(tmp_path), L.Linear(2, 2))
    # All three still queued (the first one's temporary folder may be there).
    assert [n for n in _listing(tmp_path) if not n.startswith('tmp-')] == []
    gate.set()
    writer.finalize()
    assert order == ['m0.npz', 'm1.npz', 'm2.npz']
    assert _listing(tmp_path) == ['m0.npz', 'm1.npz', 'm2.npz']
    assert writer._consumer is None
    writer.finalize()                          # a second finalize does nothing


def test_a_process_queue_writer_writes_everything_queued_on_finalize(tmp_path):
    writer = sw.ProcessQueueWriter()
    links = [L.Linear(2, 2) for _ in range(3)]
    for i, link in enumerate(links):
        writer('m{}.npz'.format(i), str(tmp_path), link)
    consumer = writer._consumer
    writer.finalize()
    assert not consumer.is_alive()
    assert _listing(tmp_path) == ['m0.npz', 'm1.npz', 'm2.npz']
    for i, link in enumerate(links):
        loaded = L.Linear(2, 2)
        serializers.load_npz(str(tmp_path / 'm{}.npz'.format(i)), loaded)
        np.testing.assert_array_equal(loaded.W.data, link.W.data)


def test_a_queue_writer_reports_every_failure_and_writes_the_rest(tmp_path):
    def save_unless_bad(path, target):
        if 'bad' in path:
            raise ValueError('refused ' + os.path.basename(path))
        serializers.save_npz(path, target)
    writer = sw.ThreadQueueWriter(save_unless_bad)
    for name in ['a.npz', 'bad1.npz', 'b.npz', 'bad2.npz']:
        writer(name, str(tmp_path), L.Linear(2, 2))
    with pytest.raises(RuntimeError, match=r"(?s)'bad1.npz'.*refused bad1.*'bad2.npz'"):
        writer.finalize()
    assert _listing(tmp_path) == ['a.npz', 'b.npz']


def test_queue_writers_left_unfinalized_still_write_when_python_exits(tmp_path):
    script = '\n'.join([
        'import sys',
        'import teachgrad.links as L',
        'from teachgrad.training.extensions import snapshot_writers as sw',
        'out = sys.argv[1]',
        'for kind in ["ThreadQueueWriter", "ProcessQueueWriter"]:',
        '    w = getattr(sw, kind)()',
        '    for i in range(3):',
        '        w("{}_{}.npz".format(kind, i), out, L.Linear(2, 2))',
    ])
    subprocess.run([sys.executable, '-c', script, str(tmp_path)], check=True, timeout=120)
    assert _listing(tmp_path) == ['ProcessQueueWriter_{}.npz'.format(i) for i in range(3)] + [
        'ThreadQueueWriter_{}.npz'.format(i) for i in range(3)]


# -- errors that teach ------------------------------------------------------------------
def test_a_writer_that_is_neither_a_writer_nor_callable_is_refused():
    with pytest.raises(TypeError, match='writer must be a snapshot writer'):
        extensions.snapshot(writer='thread')


def test_savefun_and_a_writer_together_are_refused():
    with pytest.raises(TypeError,
                       match=r'savefun and writer=ThreadWriter.*ThreadWriter\(savefun='):
        extensions.snapshot(savefun=serializers.save_npz, writer=sw.ThreadWriter())


def test_a_writer_passed_as_savefun_is_explained():
    with pytest.raises(TypeError, match=r'as snapshot\(writer=\.\.\.\)'):
        extensions.snapshot(sw.ThreadWriter())


def test_a_writer_function_of_the_wrong_arity_is_refused():
    with pytest.raises(TypeError, match=r'writer\(filename, outdir, target\).*takes \(path\)'):
        extensions.snapshot(writer=lambda path: None)


def test_a_savefun_that_is_not_callable_is_refused():
    with pytest.raises(TypeError, match='savefun must be a function'):
        sw.ThreadWriter(savefun='npz')


@pytest.mark.parametrize('kind', ['ProcessWriter', 'ProcessQueueWriter'])
def test_process_writers_refuse_a_savefun_that_cannot_be_pickled(kind):
    with pytest.raises(TypeError, match='must be picklable.*thread version'):
        getattr(sw, kind)(savefun=lambda path, target: None)


def test_a_process_queue_writer_refuses_a_target_that_cannot_travel(tmp_path):
    writer = sw.ProcessQueueWriter(savefun=save_uncompressed)
    with pytest.raises(TypeError, match=r"'lock.bin'.*Nothing was queued"):
        writer('lock.bin', str(tmp_path), threading.Lock())
    assert writer._pending == [] and writer._consumer is None
    writer.finalize()
    assert _listing(tmp_path) == []


def test_a_file_system_object_is_refused_with_what_to_do():
    with pytest.raises(ValueError, match='fs must be None'):
        sw.SimpleWriter(fs=object())


def test_the_base_writer_says_what_a_subclass_must_define(tmp_path):
    with pytest.raises(NotImplementedError, match=r'__call__\(filename, outdir, target\)'):
        sw.Writer()('x', str(tmp_path), None)
    with pytest.raises(ValueError, match='needs the output directory'):
        sw.Writer().save('x', None, None, serializers.save_npz)


def test_initialize_gives_the_output_directory_to_calls_without_one(tmp_path):
    writer = sw.SimpleWriter()
    writer.initialize(str(tmp_path))
    writer('linear.npz', None, L.Linear(2, 2))
    assert _listing(tmp_path) == ['linear.npz']


def test_an_absolute_or_empty_filename_is_refused(tmp_path):
    for bad in ['', str(tmp_path / 'x.npz')]:
        with pytest.raises(ValueError, match='relative file name'):
            sw.SimpleWriter()(bad, str(tmp_path), L.Linear(2, 2))
    assert _listing(tmp_path) == []
