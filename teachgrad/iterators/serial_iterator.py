"""SerialIterator: visit a dataset in minibatches, shuffled or in order.

>>> it = SerialIterator(list(range(5)), 2, repeat=False, shuffle=False)
>>> list(it)
[[0, 1], [2, 3], [4]]

With ``repeat=True`` (the default, used for training) the batch that crosses
the end of an epoch is filled up from the start of the next one, so every
batch has ``batch_size`` examples; with ``repeat=False`` (used for
evaluation) the last batch is shorter and iteration stops after one epoch.
"""
import numpy

from teachgrad.dataset.iterator import Iterator
from teachgrad.iterators.order_samplers import ShuffleOrderSampler


class SerialIterator(Iterator):
    """Minibatches of ``batch_size`` examples, each a list of ``dataset[i]``.

    Args:
        dataset: anything with ``len`` and indexing.
        batch_size (int): examples per batch.
        repeat (bool): loop over the data forever (True) or stop after one
            epoch (False).
        shuffle (bool): a new random order every epoch (True, the default;
            drawn with ``numpy.random``, so ``np.random.seed`` reproduces it)
            or the dataset's own order (False).
        order_sampler: a callable giving each epoch's order (only with
            ``shuffle=None``).

    Attributes:
        epoch (int): epochs completed.
        is_new_epoch (bool): True just after a batch that completed an epoch.
        epoch_detail (float): epochs completed, with the fraction of the
            current one (``1.25`` = a quarter into the second epoch).
        previous_epoch_detail: ``epoch_detail`` before the last batch (None
            before the first).

    >>> it = SerialIterator(list(range(4)), 3, shuffle=False)
    >>> next(it), it.epoch_detail
    ([0, 1, 2], 0.75)
    >>> next(it), it.epoch, it.is_new_epoch, it.epoch_detail
    ([3, 0, 1], 1, True, 1.5)
    """

    def __init__(self, dataset, batch_size, repeat=True, shuffle=None,
                 order_sampler=None):
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError('batch_size must be a positive integer, not {!r}'
                             .format(batch_size))
        if len(dataset) == 0:
            raise ValueError('SerialIterator got an empty dataset')
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self._repeat = repeat
        self._shuffle = shuffle
        if shuffle is not None and order_sampler is not None:
            raise ValueError('give either shuffle or order_sampler, not both '
                             '(order_sampler needs shuffle=None)')
        if order_sampler is None and shuffle is not False:
            order_sampler = ShuffleOrderSampler()
        self.order_sampler = order_sampler
        self.reset()

    def __next__(self):
        if not self._repeat and self.epoch > 0:
            raise StopIteration
        self._previous_epoch_detail = self.epoch_detail
        n = self._epoch_size
        i = self.current_position
        i_end = i + self.batch_size
        if not self._repeat:
            i_end = min(i_end, n)
        pieces = []
        self.is_new_epoch = False
        # A loop, not an if: a batch bigger than the dataset spans several epochs.
        while i_end >= n:
            pieces.append(self._indices(i, n))
            if self._order is not None:
                new_order = self.order_sampler(self._order, i)
                if len(new_order) != len(self._order):
                    raise ValueError('the order sampler returned {} indices for a '
                                     'dataset of {}'.format(len(new_order),
                                                            len(self._order)))
                self._order = new_order
            i = 0
            i_end = i_end - n if self._repeat else 0
            self.epoch += 1
            self.is_new_epoch = True
        pieces.append(self._indices(i, i_end))
        self.current_position = i_end
        indices = numpy.concatenate(pieces)
        return [self.dataset[index] for index in indices]

    def _indices(self, start, stop):
        if self._order is None:
            return numpy.arange(start, stop, dtype=numpy.intp)
        return self._order[start:stop]

    @property
    def epoch_detail(self):
        return self.epoch + self.current_position / self._epoch_size

    @property
    def previous_epoch_detail(self):
        # -1 stands for "none yet": some snapshot formats cannot store None.
        if self._previous_epoch_detail < 0:
            return None
        return self._previous_epoch_detail

    @property
    def repeat(self):
        return self._repeat

    @property
    def _epoch_size(self):
        return len(self.dataset) if self._order is None else len(self._order)

    def reset(self):
        """Go back to the start: epoch 0, position 0, a new order if shuffling."""
        if self.order_sampler is not None:
            self._order = self.order_sampler(numpy.arange(len(self.dataset)), 0)
        else:
            self._order = None
        self.current_position = 0
        self.epoch = 0
        self.is_new_epoch = False
        self._previous_epoch_detail = -1.

    def serialize(self, serializer):
        """Save or load the position, epoch and order (to resume training)."""
        self.current_position = int(serializer('current_position', self.current_position))
        self.epoch = int(serializer('epoch', self.epoch))
        self.is_new_epoch = bool(serializer('is_new_epoch', self.is_new_epoch))
        if self._order is not None:
            try:
                order = serializer('order', self._order)
            except KeyError:
                order = serializer('_order', self._order)
            if order is not None:
                self._order = order
        try:
            self._previous_epoch_detail = float(serializer(
                'previous_epoch_detail', self._previous_epoch_detail))
        except KeyError:
            # An old snapshot: guess it from the position.
            self._previous_epoch_detail = max(
                self.epoch + (self.current_position - self.batch_size)
                / self._epoch_size, 0.) if self.epoch_detail > 0 else -1.

    def __repr__(self):
        return ('<SerialIterator batch_size={} of {} examples, epoch={}, '
                'position={}>'.format(self.batch_size, len(self.dataset), self.epoch,
                                      self.current_position))
