"""MultiprocessIterator: the same batches as SerialIterator, loaded by background workers."""
import threading

import numpy as np
import pytest

from teachgrad import serializers
from teachgrad.iterators import MultiprocessIterator, SerialIterator
from teachgrad.iterators.order_samplers import ShuffleOrderSampler


def trace(it, n):
    out = []
    for _ in range(n):
        try:
            b = next(it)
        except StopIteration:
            out.append('stop')
            break
        out.append((list(b), it.epoch, it.is_new_epoch, it.epoch_detail,
                    it.previous_epoch_detail, it.current_position))
    return out


@pytest.mark.parametrize('n,batch_size', [(10, 3), (6, 2), (5, 7), (4, 4), (1, 1)])
@pytest.mark.parametrize('repeat', [True, False])
@pytest.mark.parametrize('n_prefetch', [1, 3])
def test_same_batches_and_epochs_as_serial_iterator(n, batch_size, repeat, n_prefetch):
    data = list(range(100, 100 + n))
    for kind in ('in order', 'shuffled'):
        kw = ({'shuffle': False} if kind == 'in order' else
              {'order_sampler': ShuffleOrderSampler(np.random.RandomState(7))})
        expected = trace(SerialIterator(data, batch_size, repeat=repeat, **dict(
            kw, order_sampler=ShuffleOrderSampler(np.random.RandomState(7)))
            if 'order_sampler' in kw else kw), 12)
        with MultiprocessIterator(data, batch_size, repeat=repeat, n_processes=3,
                                  n_prefetch=n_prefetch, **kw) as it:
            assert trace(it, 12) == expected


def test_seeded_shuffle_is_reproducible():
    def run():
        np.random.seed(5)
        with MultiprocessIterator(list(range(20)), 6, n_prefetch=2) as it:
            return [next(it) for _ in range(8)]
    first = run()
    assert first == run()
    assert sorted(sum(first[:3], [])[:18]) != sum(first[:3], [])[:18]   # really shuffled
    assert sorted(sum(first, [])[:20]) == list(range(20))                # each once in epoch 1


def test_examples_are_loaded_by_worker_threads_ahead_of_time():
    seen = []

    class Slow(object):
        def __len__(self):
            return 8

        def __getitem__(self, i):
            seen.append((int(i), threading.current_thread().name))
            return int(i) * 2

    import time
    it = MultiprocessIterator(Slow(), 2, shuffle=False, n_processes=2, n_prefetch=3)
    assert next(it) == [0, 2]
    # the next three batches (examples 2..7) load in the background, unasked
    deadline = time.time() + 10
    while len(seen) < 8 and time.time() < deadline:
        time.sleep(0.01)
    it.finalize()
    assert sorted(i for i, _ in seen) == list(range(8))
    assert all(name.startswith('MultiprocessIterator') for _, name in seen)


def test_error_in_dataset_reaches_the_caller():
    class Broken(object):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            if i == 2:
                raise IOError('cannot read example 2')
            return i

    with MultiprocessIterator(Broken(), 2, shuffle=False) as it:
        assert next(it) == [0, 1]
        with pytest.raises(IOError, match='cannot read example 2'):
            next(it)


def test_serialize_round_trip_resumes_identically(tmp_path):
    data = list(range(11))
    it = MultiprocessIterator(data, 4, order_sampler=ShuffleOrderSampler(
        np.random.RandomState(1)), n_prefetch=2)
    for _ in range(4):
        next(it)
    path = str(tmp_path / 'it.npz')
    serializers.save_npz(path, it)
    expected = trace(it, 6)
    it.finalize()
    other = MultiprocessIterator(data, 4, order_sampler=ShuffleOrderSampler(
        np.random.RandomState(1)), n_prefetch=2)
    next(other)                        # somewhere else, with batches loaded ahead
    serializers.load_npz(path, other)
    assert (other.epoch, other.current_position) == (1, 5)
    got = trace(other, 6)
    other.finalize()
    assert [g[0] for g in got[:2]] == [e[0] for e in expected[:2]]   # same order of this epoch
    assert [g[1:] for g in got] == [e[1:] for e in expected]


def test_reset_and_finalize():
    it = MultiprocessIterator(list(range(5)), 2, shuffle=False)
    next(it)
    next(it)
    it.reset()
    assert (it.epoch, it.current_position, it.previous_epoch_detail) == (0, 0, None)
    assert next(it) == [0, 1]
    it.finalize()
    it.finalize()                      # twice is fine
    with pytest.raises(RuntimeError, match='finalized'):
        next(it)
    assert 'batch_size=2 of 5 examples' in repr(it) and '0x' not in repr(it)


def test_bad_arguments_teach():
    with pytest.raises(ValueError, match='batch_size must be a positive integer'):
        MultiprocessIterator([1, 2], 0)
    with pytest.raises(ValueError, match='empty dataset'):
        MultiprocessIterator([], 1)
    with pytest.raises(ValueError, match='n_processes must be a positive integer'):
        MultiprocessIterator([1, 2], 1, n_processes=0)
    with pytest.raises(ValueError, match='either shuffle or order_sampler'):
        MultiprocessIterator([1, 2], 1, shuffle=True, order_sampler=ShuffleOrderSampler())
    with pytest.raises(ValueError, match='shared_mem must be None or a number of bytes'):
        MultiprocessIterator([1, 2], 1, shared_mem='big')
    with pytest.raises(ValueError, match='returned 2 indices for a dataset of 3'):
        MultiprocessIterator([1, 2, 3], 2, order_sampler=lambda order, pos: order[:2])
    calls = []

    def shrinking(order, pos):          # right the first time, wrong at the epoch's end
        calls.append(pos)
        return order if len(calls) == 1 else order[:2]
    it = MultiprocessIterator([1, 2, 3], 2, order_sampler=shrinking)
    with pytest.raises(ValueError, match='returned 2 indices for a dataset of 3'):
        for _ in range(3):
            next(it)
    it.finalize()
