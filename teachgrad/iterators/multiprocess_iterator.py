"""MultiprocessIterator: SerialIterator's batches, with the examples loaded in parallel.

Loading examples (reading and decoding images, augmenting them) can take
longer than the training step. This iterator hands out exactly the batches a
:class:`SerialIterator` with the same order would, but reads the examples of
upcoming batches in the background with ``n_processes`` workers, up to
``n_prefetch`` batches ahead.

The workers are threads, not processes: the dataset is not pickled, nothing
has to be started with ``if __name__ == '__main__'`` and it works the same
in a notebook. Reading files and numpy work release Python's lock, which is
where the time goes in a data pipeline.

>>> from teachgrad.iterators import MultiprocessIterator
>>> with MultiprocessIterator(list(range(5)), 2, shuffle=False, n_processes=2) as it:
...     batches = [next(it) for _ in range(3)]
...     epoch, new = it.epoch, it.is_new_epoch
>>> batches, epoch, new
([[0, 1], [2, 3], [4, 0]], 1, True)
"""
import collections
import os
from concurrent.futures import ThreadPoolExecutor

import numpy

from teachgrad.dataset.iterator import Iterator
from teachgrad.iterators.order_samplers import ShuffleOrderSampler

# Where the iterator stands: the order of this epoch, the position in it,
# epochs completed, whether the last batch finished an epoch, and the epoch
# detail before the last batch (-1: none yet, which every serializer can store).
_State = collections.namedtuple(
    '_State', 'order position epoch is_new_epoch previous_epoch_detail')


def _is_int(value):
    return isinstance(value, (int, numpy.integer)) and not isinstance(value, bool)


class MultiprocessIterator(Iterator):
    """Minibatches of ``batch_size`` examples, loaded by background workers.

    Args:
        dataset: anything with ``len`` and indexing.
        batch_size (int): examples per batch.
        repeat (bool): loop forever (True) or stop after one epoch.
        shuffle (bool): a new random order every epoch (True, or None
            without ``order_sampler``), or the dataset's own order (False).
        n_processes (int): number of workers (default: the number of CPUs).
        n_prefetch (int): how many batches are loaded ahead (at least 1).
        shared_mem (int): accepted for compatibility; threads share memory,
            so no buffer size is needed.
        order_sampler: a callable giving each epoch's order (with
            ``shuffle=None``).
        dataset_timeout, maxtasksperchild: accepted for compatibility.

    Attributes ``epoch``, ``is_new_epoch``, ``epoch_detail``,
    ``previous_epoch_detail`` and ``current_position`` describe the batches
    handed out so far (not the ones loaded ahead). Call :meth:`finalize`, or
    use a ``with`` block, to stop the workers.

    >>> import numpy as np
    >>> np.random.seed(0)
    >>> it = MultiprocessIterator([10 * i for i in range(6)], 4, repeat=False)
    >>> [batch for batch in it]
    [[50, 20, 10, 30], [0, 40]]
    >>> it.finalize()
    """

    class TimeoutWarning(RuntimeWarning):
        pass

    def __init__(self, dataset, batch_size, repeat=True, shuffle=None, n_processes=None,
                 n_prefetch=1, shared_mem=None, order_sampler=None, dataset_timeout=30.0,
                 maxtasksperchild=None):
        if not _is_int(batch_size) or batch_size < 1:
            raise ValueError('batch_size must be a positive integer, not {!r}'.format(
                batch_size))
        if len(dataset) == 0:
            raise ValueError('MultiprocessIterator got an empty dataset: there is nothing to '
                             'iterate over')
        if n_processes is not None and (not _is_int(n_processes) or n_processes < 1):
            raise ValueError('n_processes must be a positive integer (or None for one per CPU),'
                             ' not {!r}'.format(n_processes))
        if not _is_int(n_prefetch):
            raise ValueError('n_prefetch must be an integer, not {!r}'.format(n_prefetch))
        if shared_mem is not None and (not _is_int(shared_mem) or shared_mem < 0):
            raise ValueError('shared_mem must be None or a number of bytes, not {!r}'.format(
                shared_mem))
        if shuffle is not None and order_sampler is not None:
            raise ValueError('MultiprocessIterator: give either shuffle or order_sampler, not '
                             'both (a custom order_sampler needs shuffle=None)')
        if order_sampler is None and shuffle is not False:
            order_sampler = ShuffleOrderSampler()
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.repeat = repeat
        self.shuffle = shuffle
        self.n_processes = int(n_processes or os.cpu_count() or 1)
        self.n_prefetch = max(int(n_prefetch), 1)
        self.shared_mem = shared_mem
        self.dataset_timeout = dataset_timeout
        self.order_sampler = order_sampler
        self._pool = None
        self._finalized = False
        self.reset()

    # -- the public state: what the batches handed out so far add up to --
    @property
    def epoch(self):
        return self._state.epoch

    @property
    def is_new_epoch(self):
        return self._state.is_new_epoch

    @property
    def current_position(self):
        return self._state.position

    @property
    def epoch_detail(self):
        return self._state.epoch + self._state.position / self._epoch_size

    @property
    def previous_epoch_detail(self):
        p = self._state.previous_epoch_detail
        return None if p < 0 else p

    @property
    def _epoch_size(self):
        order = self._state.order
        return len(self.dataset) if order is None else len(order)

    def reset(self):
        """Go back to epoch 0, position 0 (a new order if shuffling); drop what was loaded ahead."""
        self._discard_prefetched()
        order = None
        if self.order_sampler is not None:
            order = self._checked(self.order_sampler(numpy.arange(len(self.dataset)), 0))
        self._state = _State(order, 0, 0, False, -1.)
        self._ahead = self._state        # the bookkeeping of the batches loaded ahead
        self._queue = collections.deque()

    def __next__(self):
        if self._finalized:
            raise RuntimeError('this MultiprocessIterator was finalized (its workers are '
                               'stopped); create a new one to iterate again')
        self._fill()
        if not self._queue:
            raise StopIteration
        futures, state = self._queue.popleft()
        batch = [f.result() for f in futures]
        self._state = state
        self._fill()                   # keep n_prefetch batches loading while training runs
        return batch

    def _fill(self):
        while len(self._queue) < self.n_prefetch:
            step = self._advance(self._ahead)
            if step is None:
                return
            indices, self._ahead = step
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.n_processes,
                                                thread_name_prefix='MultiprocessIterator')
            getitem = self.dataset.__getitem__
            futures = [self._pool.submit(getitem, i) for i in indices]
            self._queue.append((futures, self._ahead))

    def _advance(self, s):
        """The indices of the batch after state ``s`` and the state after it (None: done)."""
        if not self.repeat and s.epoch > 0:
            return None
        n = len(self.dataset) if s.order is None else len(s.order)
        previous = s.epoch + s.position / n
        order, i, epoch = s.order, s.position, s.epoch
        i_end = i + self.batch_size
        if not self.repeat:
            i_end = min(i_end, n)
        pieces, new_epoch = [], False
        while i_end >= n:            # a batch larger than the dataset spans several epochs
            pieces.append(self._indices(order, i, n))
            if order is not None:
                order = self._checked(self.order_sampler(order, i))
            i, i_end = 0, (i_end - n if self.repeat else 0)
            epoch += 1
            new_epoch = True
        pieces.append(self._indices(order, i, i_end))
        return numpy.concatenate(pieces), _State(order, i_end, epoch, new_epoch, previous)

    @staticmethod
    def _indices(order, start, stop):
        if order is None:
            return numpy.arange(start, stop, dtype=numpy.intp)
        return order[start:stop]

    def _checked(self, order):
        if len(order) != len(self.dataset):
            raise ValueError('the order sampler returned {} indices for a dataset of {} '
                             'examples; it must return a permutation of all of them'.format(
                                 len(order), len(self.dataset)))
        return order

    def _discard_prefetched(self):
        for futures, _ in getattr(self, '_queue', ()):
            for f in futures:
                f.cancel()
        self._queue = collections.deque()

    def finalize(self):
        """Stop the workers. The iterator cannot be used afterwards."""
        if self._finalized:
            return
        self._discard_prefetched()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._finalized = True

    def __del__(self):
        pool = getattr(self, '_pool', None)
        if pool is not None:
            pool.shutdown(wait=False)

    def serialize(self, serializer):
        """Save or load the position, epoch and order; batches loaded ahead are re-read."""
        s = self._state
        position = int(serializer('current_position', s.position))
        epoch = int(serializer('epoch', s.epoch))
        is_new_epoch = bool(serializer('is_new_epoch', s.is_new_epoch))
        order = s.order
        if order is not None:
            try:
                loaded = serializer('order', order)
            except KeyError:
                loaded = serializer('_order', order)
            if loaded is not None:
                order = numpy.asarray(loaded)
        try:
            previous = float(serializer('previous_epoch_detail', s.previous_epoch_detail))
        except KeyError:
            previous = s.previous_epoch_detail
        new = _State(order, position, epoch, is_new_epoch, previous)
        if new != s:
            self._discard_prefetched()
            self._state = self._ahead = new

    def __repr__(self):
        return ('<MultiprocessIterator batch_size={} of {} examples, {} workers, epoch={}, '
                'position={}>'.format(self.batch_size, len(self.dataset), self.n_processes,
                                      self.epoch, self.current_position))
