"""Class 2 of reliability: files. Nothing is deleted that we did not write,
files are always closed, and a file that is not an npz archive is named as such."""
import gc
import io
import os
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import teachgrad.links as L
from teachgrad import datasets, iterators, optimizers, serializers, training
from teachgrad.serializers import SerializationError
from teachgrad.training import extensions

from unchanged import Unchanged


def make_trainer(out, epochs=3):
    np.random.seed(0)
    model = L.Classifier(L.Linear(2, 2))
    opt = optimizers.SGD().setup(model)
    data = datasets.TupleDataset(np.random.randn(4, 2).astype(np.float32),
                                 np.array([0, 1, 0, 1], np.int32))
    updater = training.updaters.StandardUpdater(iterators.SerialIterator(data, 2), opt)
    return training.Trainer(updater, (epochs, 'epoch'), out=str(out)), model


def test_n_retains_keeps_files_it_did_not_write(tmp_path):
    trainer, model = make_trainer(tmp_path)
    best = tmp_path / 'model_best.npz'
    best.write_bytes(b'the best model, saved by hand')
    other = tmp_path / 'model_7.npz'           # matches the template, written by someone else
    other.write_bytes(b'an older run')
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (best, other)}
    trainer.extend(extensions.snapshot_object(model, 'model_{.updater.epoch}.npz',
                                              n_retains=1), trigger=(1, 'epoch'))
    trainer.run()
    assert sorted(os.listdir(tmp_path)) == ['model_3.npz', 'model_7.npz', 'model_best.npz']
    for p, (data, mtime) in before.items():
        assert p.read_bytes() == data and p.stat().st_mtime_ns == mtime


@settings(max_examples=15, deadline=None)
@given(n_retains=st.integers(1, 4), epochs=st.integers(1, 5))
def test_n_retains_keeps_the_newest_of_its_own(tmp_path_factory, n_retains, epochs):
    out = tmp_path_factory.mktemp('snap')
    (out / 'snapshot_best').write_bytes(b'x')
    trainer, _ = make_trainer(out, epochs)
    trainer.extend(extensions.snapshot(filename='snapshot_{.updater.epoch}',
                                       n_retains=n_retains), trigger=(1, 'epoch'))
    trainer.run()
    kept = sorted(int(n.split('_')[1]) for n in os.listdir(out) if n != 'snapshot_best')
    assert kept == list(range(max(1, epochs - n_retains + 1), epochs + 1))
    assert (out / 'snapshot_best').read_bytes() == b'x'


def test_autoload_ignores_a_file_that_only_shares_prefix_and_suffix(tmp_path):
    trainer, _ = make_trainer(tmp_path, epochs=1)
    trainer.extend(extensions.snapshot(filename='snapshot_{.updater.epoch}'))
    trainer.run()
    (tmp_path / 'snapshot_best').write_bytes(b'not a snapshot at all')
    resumed, _ = make_trainer(tmp_path, epochs=2)
    resumed.extend(extensions.snapshot(filename='snapshot_{.updater.epoch}', autoload=True))
    resumed.run()               # loads snapshot_1, not snapshot_best
    assert resumed.updater.iteration == 4


def saved_model(path):
    serializers.save_npz(str(path), L.Linear(3, 2))
    return path.read_bytes()


@pytest.mark.parametrize('cut', [0.25, 0.5, 0.9])
def test_truncated_npz_is_closed_and_named(tmp_path, cut):
    data = saved_model(tmp_path / 'full.npz')
    path = tmp_path / 'cut.npz'
    path.write_bytes(data[:int(len(data) * cut)])
    model = L.Linear(3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter('error', ResourceWarning)
        with Unchanged(model, dirs=[tmp_path]):
            with pytest.raises(SerializationError, match='damaged or truncated npz archive'
                               ) as info:
                serializers.load_npz(str(path), model)
        # The traceback is still alive here, and the file is closed anyway.
        assert info.value.__traceback__ is not None
        gc.collect()


def test_text_file_is_not_an_npz_archive(tmp_path):
    path = tmp_path / 'notes.txt'
    path.write_text('weights: 1 2 3\n')
    model = L.Linear(3, 2)
    with Unchanged(model, dirs=[tmp_path]):
        with pytest.raises(SerializationError) as info:
            serializers.load_npz(str(path), model)
    message = str(info.value)
    assert 'is not an npz archive' in message and "starts with b'weights: 1 2 3" in message
    assert 'serializers.save_npz(path, model)' in message
    assert 'allow_pickle' not in message and 'pickle.load' not in message


def test_npy_file_is_named_a_single_array(tmp_path):
    path = tmp_path / 'W.npy'
    np.save(str(path), np.ones((2, 3), np.float32))
    model = L.Linear(3, 2)
    with Unchanged(model, dirs=[tmp_path]):
        with pytest.raises(SerializationError, match=r'a single \.npy array \(numpy\.save\), '
                                                     r'not an npz archive'):
            serializers.load_npz(str(path), model)


def test_file_objects_get_the_same_messages():
    with pytest.raises(SerializationError, match='the file object is not an npz archive'):
        serializers.load_npz(io.BytesIO(b'hello'), L.Linear(3, 2))


@settings(max_examples=30, deadline=None)
@given(junk=st.binary(min_size=0, max_size=64))
def test_any_junk_bytes_raise_serialization_error_and_change_nothing(junk):
    model = L.Linear(3, 2)
    with Unchanged(model):
        with pytest.raises(SerializationError):
            serializers.load_npz(io.BytesIO(junk), model)


def test_pickled_object_array_is_still_refused(tmp_path):
    path = tmp_path / 'evil.npz'
    np.savez(str(path), W=np.array([None, 1], dtype=object))
    model = L.Linear(3, 2)
    with Unchanged(model, dirs=[tmp_path]):
        with pytest.raises(SerializationError, match="'W' holds a pickled Python object"):
            serializers.load_npz(str(path), model)
